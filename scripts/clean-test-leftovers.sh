#!/usr/bin/env bash
# Removes what earlier test runs left behind: their databases (each test makes its own), and the
# containers, networks and Redis keys of test servers that did not get to clean up (a killed
# run, a panicking test). Left on the stack's engines they pile up and slow every create and
# removal that follows.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$HERE/lib.sh"
# shellcheck source=/dev/null
. "$HERE/../.sandboxd/stack.env"

# Every test server's instance label and key prefix starts with this (tests/support/app.rs);
# a benchmark's with the other (benches/), and one killed half way leaves its warm pools
# running on the engines, restarted with them.
TEST_INSTANCE=sandboxd-test
BENCH_INSTANCE=sandboxd-bench

STEP="clean test leftovers"
step "clean what earlier test runs left: databases, containers, networks, Redis keys"
stale=$(psql "$SANDBOXD_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'sandboxd\_test\_%'") ||
  die "cannot list databases"
for name in $stale; do
  psql "$SANDBOXD_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null || die "cannot drop $name"
done

# Tests' engine objects, by label, on the stack's engine and its extra nodes (stack.env's
# SANDBOXD_TEST_NODE_*_DOCKER_HOST); an environment the tests' own engine helpers start by hand
# carries the same label.
hosts=("$SANDBOXD_DOCKER_HOST")
for node in ${SANDBOXD_TEST_NODES:-}; do
  var="$(node_var "$node")"
  [[ -z ${!var:-} ]] || hosts+=("${!var}")
done
# test_objects HOST LIST-COMMAND...: the ids of the objects it lists that a test server made.
test_objects() {
  docker -H "$1" "${@:2}" --filter label=sandboxd.instance --format "{{.ID}} {{.Label \"sandboxd.instance\"}}" |
    awk -v test="$TEST_INSTANCE:" -v bench="$BENCH_INSTANCE:" \
      'index($2, test) == 1 || index($2, bench) == 1 { print $1 }'
}
removed_containers=0 removed_networks=0
for host in "${hosts[@]}"; do
  containers=$(test_objects "$host" ps --all)
  if [[ -n $containers ]]; then
    # shellcheck disable=SC2086
    docker -H "$host" rm -f $containers >/dev/null || die "cannot remove test containers on $host"
  fi
  networks=$(test_objects "$host" network ls)
  for network in $networks; do
    docker -H "$host" network rm "$network" >/dev/null 2>&1 || note "network $network on $host is still in use; left"
  done
  removed_containers=$((removed_containers + $(wc -w <<<"$containers")))
  removed_networks=$((removed_networks + $(wc -w <<<"$networks")))
done

# The egress tests' stand-in hosts: a namespace each, whose removal takes its veth pair and
# routes with it. A killed run leaves them, and the next run finds the addresses routed.
namespaces=$(ip netns list 2>/dev/null | awk '/^sbxe-/ { print $1 }')
for namespace in $namespaces; do
  ip netns del "$namespace" || note "namespace $namespace could not be removed"
done

redis=(redis-cli -u "$SANDBOXD_REDIS_URL" --no-auth-warning)
keys=0
for prefix in "$TEST_INSTANCE" "$BENCH_INSTANCE"; do
  keys=$((keys + $("${redis[@]}" --scan --pattern "$prefix:*" | wc -l)))
  "${redis[@]}" --scan --pattern "$prefix:*" | xargs -r -n 500 "${redis[@]}" unlink >/dev/null
done

note "removed $(wc -w <<<"$stale") database(s), $removed_containers container(s), $removed_networks network(s), $(wc -w <<<"$namespaces") namespace(s), $keys Redis key(s)"
