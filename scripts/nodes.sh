#!/usr/bin/env bash
# The test stack's extra Docker engines ("nodes"), beside the main one, so that tests can run a
# `sandboxd worker --node NAME` per engine. SANDBOXD_EXTRA_NODES=N (0 to 7) asks for node-b,
# node-c, ...; each is scripts/docker-engine.sh with the node's name (own socket
# unix:///run/sandboxd/NODE/docker.sock, btrfs data-root, bridge, subnet and pool), and gets
# the images the tests use from the project registry.
#
#   scripts/nodes.sh up       start (or reuse) the nodes SANDBOXD_EXTRA_NODES asks for, pull the
#                             images the main engine has that they lack or have older
#   scripts/nodes.sh down     stop every extra node this machine has (data is kept)
#   scripts/nodes.sh status
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

HERE="$ROOT/scripts"
MAIN="${SANDBOXD_DOCKER_HOST:-unix://$DOCKER_SOCK}"
REGISTRY="${SANDBOXD_REGISTRY:-127.0.0.1:$REGISTRY_PORT}"
LOG="$LOGS/nodes.log"

# What the tests run: scripts/images.sh's base images and the role images scripts/role-images.sh
# built for SANDBOXD_ROLES (default: all of them).
BASE_IMAGES=(sandboxd/busybox:latest sandboxd/silent:latest sandboxd/debian:bookworm)
ROLES="${SANDBOXD_ROLES:-barebone node python go rust devops}"

# Nodes this machine has set up at some point, whether asked for now or not.
known_nodes() {
  local node
  for node in $(extra_nodes "${#NODE_LETTERS}"); do
    [[ -d $STATE/$node ]] && echo "$node"
  done
  return 0
}

# images HOST: "REPOSITORY:TAG ID" of every tagged image on the engine.
images() { docker -H "$1" image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep -v '<none>' || true; }

# sync_images NODE: the node has each image, under its registry name and its short name, as
# the same image the main engine has; what it lacks or has in another version is pulled from
# the registry (layers the node already has are not fetched again). One `image ls` per engine
# when nothing is missing.
sync_images() {
  local node=$1 host ref want have refs=() pulled=0 t0=$SECONDS role
  host="unix://$(node_sock "$node")"
  refs=("${BASE_IMAGES[@]}")
  for role in $ROLES; do refs+=("sandboxd/debian-$role:bookworm"); done
  declare -A main_ids node_ids
  while read -r ref want; do main_ids[$ref]=$want; done < <(images "$MAIN")
  while read -r ref have; do node_ids[$ref]=$have; done < <(images "$host")
  for ref in "${refs[@]}"; do
    # Not on the main engine (a role image only in the registry): any copy the node has will do.
    want="${main_ids[$REGISTRY/$ref]:-${node_ids[$REGISTRY/$ref]:-}}"
    if [[ -n $want && ${node_ids[$REGISTRY/$ref]:-} == "$want" && ${node_ids[$ref]:-} == "$want" ]]; then
      continue
    fi
    want="${main_ids[$REGISTRY/$ref]:-}"
    step "$node: image $ref: pull from $REGISTRY"
    docker -H "$host" pull "$REGISTRY/$ref" >>"$LOG" 2>&1 || die "pull of $REGISTRY/$ref on $node failed; see $LOG"
    docker -H "$host" tag "$REGISTRY/$ref" "$ref"
    have="$(docker -H "$host" image inspect -f '{{.Id}}' "$ref")"
    [[ -z $want || $have == "$want" ]] ||
      die "$node has $ref as $have after the pull, the main engine as $want (the registry's copy is not the main engine's: rerun scripts/stack.sh up)"
    pulled=$((pulled + 1))
  done
  if ((pulled)); then
    note "$node: pulled $pulled of ${#refs[@]} images in $((SECONDS - t0)) s"
  else
    step "$node: all ${#refs[@]} images present, reusing"
  fi
}

up() {
  need_root
  ensure_dirs
  local nodes node
  nodes="$(extra_nodes)"
  [[ -n $nodes ]] || return 0
  # One engine at a time: each start snapshots and puts back the other engines' iptables rules.
  for node in $nodes; do
    STEP=$node
    "$HERE/docker-engine.sh" up "$node"
  done
  # The pulls, though, side by side: each node unpacks its own copy of the layers.
  local pids=() pid
  for node in $nodes; do
    sync_images "$node" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || die "a node did not get its images (see above)"
  done
  for node in $nodes; do
    step "$node: smoke test (run --storage-opt size=50M sandboxd/busybox)"
    docker -H "unix://$(node_sock "$node")" run --rm --network none --storage-opt size=50M \
      sandboxd/busybox:latest true || die "a container with a disk quota did not run on $node"
  done
}

down() {
  need_root
  local node
  for node in $(known_nodes); do
    STEP=$node
    "$HERE/docker-engine.sh" down "$node"
  done
}

status() {
  local node
  # The nodes asked for, and any other this machine has.
  for node in $( (extra_nodes && known_nodes) | sort -u); do
    "$HERE/docker-engine.sh" status "$node"
  done
}

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
