#!/usr/bin/env bash
# The web UI's npm packages (xterm.js, served as they are) and, with --browser, what the
# browser test needs: Debian's Chromium and playwright-core.       scripts/web.sh [--browser]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

# npm_ci DIR: install DIR's locked packages unless node_modules already matches the lock.
npm_ci() {
  local dir=$1 stamp="$1/node_modules/.package-lock.json"
  if [[ -f $stamp && ! $dir/package-lock.json -nt $stamp ]]; then
    step "npm: ${dir#"$ROOT"/} packages already installed"
    return 0
  fi
  step "npm ci in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >>"$LOGS/npm.log" 2>&1 ||
    die "npm ci in $dir failed; see $LOGS/npm.log"
}

need_root
ensure_dirs
command -v npm >/dev/null || need_pkg nodejs npm
npm_ci "$ROOT/templates"
if [[ ${1:-} == --browser ]]; then
  [[ -x /usr/bin/chromium ]] || need_pkg chromium
  npm_ci "$ROOT/tests/browser"
fi
