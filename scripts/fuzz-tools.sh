#!/usr/bin/env bash
# schemathesis (from PyPI) in its own virtualenv, for the API fuzzing test.
#   scripts/fuzz-tools.sh        (the tool is then $STATE/venv/schemathesis/bin/st)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

SCHEMATHESIS_VERSION=4.32.5
VENV="$STATE/venv/schemathesis"

need_root
ensure_dirs
if [[ -x $VENV/bin/st ]] && "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  step "fuzz: schemathesis $SCHEMATHESIS_VERSION already installed"
  exit 0
fi
# Debian's Python, whatever else is on PATH: the venv must not depend on a user's install.
need_pkg python3 python3-venv
step "fuzz: install schemathesis $SCHEMATHESIS_VERSION into $VENV"
rm -rf "$VENV"
/usr/bin/python3 -m venv "$VENV" >>"$LOGS/pip.log" 2>&1 || die "python3 -m venv failed; see $LOGS/pip.log"
"$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" >>"$LOGS/pip.log" 2>&1 ||
  die "pip install schemathesis failed; see $LOGS/pip.log"
