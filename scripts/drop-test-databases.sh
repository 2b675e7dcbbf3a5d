#!/usr/bin/env bash
# Drops the databases earlier test runs made (each test makes its own), so they do not pile up.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$HERE/lib.sh"
# shellcheck source=/dev/null
. "$HERE/../.sandboxd/stack.env"

STEP="drop test databases"
step "drop databases left by earlier test runs"
stale=$(psql "$SANDBOXD_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'sandboxd\_test\_%'") ||
  die "cannot list databases"
for name in $stale; do
  psql "$SANDBOXD_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null || die "cannot drop $name"
done
note "dropped $(wc -w <<<"$stale") database(s)"
