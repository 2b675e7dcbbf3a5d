#!/usr/bin/env bash
# Says how much disk the test run has, and warns when it is short: a clean build of every
# target takes about 3.5 GB, and the run adds a database per test (about 3.5 GB in all) and
# the environments' layers. A disk that fills mid-run fails tests with errors that point
# elsewhere (Postgres refusing connections, engines failing to create).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$HERE/lib.sh"

NEEDED_GB=10
step "disk room for the build and the test run"
for dir in "$ROOT" "$STATE"; do
  free_gb=$(df -P -BG "$dir" | awk 'NR == 2 { sub("G", "", $4); print $4 }')
  note "$free_gb GB free on the disk of $(cd "$dir" && pwd)"
  if ((free_gb < NEEDED_GB)); then
    printf '!!! warning: under %s GB free there; the run may fail for want of space\n' "$NEEDED_GB" >&2
  fi
done
