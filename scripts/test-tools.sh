#!/usr/bin/env bash
# What the tests need beyond the stack: the web UI's packages, Debian's Chromium and
# playwright-core for the browser test, docker-compose to check exported Compose files,
# schemathesis for the API fuzzing test, and tmux and Debian's OpenSSH client, in which the
# command-line client's shell and the SSH server are driven as people use them.
#   scripts/test-tools.sh
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

need_root
ensure_dirs
"$(dirname "$0")/web.sh" --browser
command -v docker-compose >/dev/null || need_pkg docker-compose
"$(dirname "$0")/client-tools.sh"
"$(dirname "$0")/fuzz-tools.sh"
