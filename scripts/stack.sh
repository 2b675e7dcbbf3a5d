#!/usr/bin/env bash
# The local stack sandboxd runs and tests against.
#
#   scripts/stack.sh up       start (or reuse) Postgres, Redis, Docker engine, registry, base images;
#                             write .sandboxd/stack.env
#   scripts/stack.sh down     stop the project's own daemons (data is kept)
#   scripts/stack.sh status
#
# SANDBOXD_EXTRA_NODES=N (`make test` sets 2) also starts N more Docker engines, node-b,
# node-c, ... (scripts/nodes.sh), with the same images, for multi-node tests; stack.env then
# names them: SANDBOXD_TEST_NODES="node-b node-c",
# SANDBOXD_TEST_NODE_B_DOCKER_HOST=unix:///run/sandboxd/node-b/docker.sock, and so on.
#
# A service whose variable is already set (SANDBOXD_DATABASE_URL, SANDBOXD_REDIS_URL,
# SANDBOXD_DOCKER_HOST, SANDBOXD_REGISTRY) is used as given and nothing is started for it
# (unless it names the stack's own instance, as after `. .sandboxd/stack.env`).
# Everything the stack owns lives in /var/lib/sandboxd, /run/sandboxd and /var/log/sandboxd,
# on its own ports (5433, 6380, 5000), socket and bridge: it never touches other instances.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

HERE="$ROOT/scripts"
ENV_FILE="$ROOT/.sandboxd/stack.env"
#        variable               script          default value written to stack.env
COMPONENTS=(
  "SANDBOXD_DATABASE_URL postgres      postgres://sandboxd:sandboxd@127.0.0.1:$PG_PORT/sandboxd"
  "SANDBOXD_REDIS_URL    redis         redis://127.0.0.1:$REDIS_PORT/0"
  "SANDBOXD_DOCKER_HOST  docker-engine unix://$DOCKER_SOCK"
  "SANDBOXD_REGISTRY     registry      127.0.0.1:$REGISTRY_PORT"
)

# external VAR DEFAULT: the caller points VAR at a service that is not the stack's own.
external() { [[ -n ${!1:-} && ${!1} != "$2" ]]; }

up() {
  need_root
  ensure_dirs
  local t0=$EPOCHREALTIME var script value ours=()
  for c in "${COMPONENTS[@]}"; do
    read -r var script value <<<"$c"
    if external "$var" "$value"; then
      step "$script: using $var=${!var}, starting nothing"
    else
      STEP=$script
      "$HERE/$script.sh" up
      ours+=("$script")
    fi
  done

  # The SSH tests drive the OpenSSH client (ssh, scp, sftp, ssh-keygen), its shell under tmux.
  STEP=clients
  need_pkg openssh-client tmux

  STEP=images
  "$HERE/images.sh"

  # Role images make the configuring stage quick; SANDBOXD_ROLES picks which (default: all).
  STEP=role-images
  # shellcheck disable=SC2086
  DOCKER_HOST="${SANDBOXD_DOCKER_HOST:-unix://$DOCKER_SOCK}" "$HERE/role-images.sh" ${SANDBOXD_ROLES:-}

  if [[ " ${ours[*]} " == *" docker-engine "* ]]; then
    step "docker: smoke test (run --storage-opt size=50M sandboxd/busybox)"
    docker -H "unix://$DOCKER_SOCK" run --rm --network none --storage-opt size=50M \
      sandboxd/busybox:latest true || die "a container with a disk quota did not run"
  fi

  # After the main engine's images: the nodes pull them from the registry.
  local nodes node
  nodes="$(extra_nodes)"
  if [[ -n $nodes ]]; then
    STEP=nodes
    "$HERE/nodes.sh" up
  fi

  step "write $ENV_FILE"
  install -d -m 0755 "${ENV_FILE%/*}"
  {
    echo "# Written by scripts/stack.sh up; source it: . .sandboxd/stack.env"
    for c in "${COMPONENTS[@]}"; do
      read -r var script value <<<"$c"
      printf 'export %s=%q\n' "$var" "${!var:-$value}"
    done
    if [[ -n $nodes ]]; then
      printf 'export SANDBOXD_TEST_NODES="%s"\n' "${nodes//$'\n'/ }"
      for node in $nodes; do
        printf 'export %s=%q\n' "$(node_var "$node")" "unix://$(node_sock "$node")"
        printf 'export %s=%q\n' "$(node_tls_var "$node")" "tcp://127.0.0.1:$(node_tls_port "$node")"
      done
      printf 'export SANDBOXD_TEST_ENGINE_TLS_DIR=%q\n' "$ENGINE_TLS"
    fi
  } >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  sed -n 's/^export /    /p' "$ENV_FILE"
  awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "==> stack up in %.1f s\n", a - b }'
}

down() {
  need_root
  local i var script
  STEP=nodes
  "$HERE/nodes.sh" down
  # Reverse order: registry and engine first, databases last.
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    read -r var script _ <<<"${COMPONENTS[i]}"
    STEP=$script
    "$HERE/$script.sh" down
  done
  echo "==> stack down (data kept in $STATE)"
}

status() {
  local var script value
  for c in "${COMPONENTS[@]}"; do
    read -r var script value <<<"$c"
    if external "$var" "$value"; then
      printf '%-10s external (%s=%s)\n' "${script%-engine}" "$var" "${!var}"
    else
      "$HERE/$script.sh" status
    fi
  done
  "$HERE/nodes.sh" status
}

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
