#!/usr/bin/env bash
# Build the sandboxd role images for debian:bookworm and push them to the project registry.
#
#   scripts/role-images.sh [ROLE...]     roles: barebone node python go rust devops (default: all)
#
# The dev image (shell layer on the base image) is built first; "barebone" is the dev image
# under another name, every other role is built FROM it. A role whose tag is already in the
# registry is skipped unless FORCE=1. Each image is smoke-tested in a throwaway container
# unless SKIP_VERIFY=1. docker build/push output goes to /var/log/sandboxd/role-images.log.
#
# Environment:
#   DOCKER_HOST         engine to build on      (default unix:///run/sandboxd/docker.sock)
#   SANDBOXD_REGISTRY   registry host:port      (default 127.0.0.1:5000)
#   FORCE=1             rebuild (--no-cache, fresh packages) and push the named roles even if
#                       their tags are in the registry; dev is rebuilt only when barebone is
#                       named (or no role is), the other roles then build on the existing dev
#   SKIP_VERIFY=1       do not run the per-role smoke test
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROLES_DIR="$ROOT/docker/roles"

export DOCKER_HOST="${DOCKER_HOST:-unix:///run/sandboxd/docker.sock}"
# The engine is the project's dockerd; use its classic builder (no buildx plugin needed, and it
# is known to work with userns-remap).
export DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}"
REGISTRY="${SANDBOXD_REGISTRY:-127.0.0.1:5000}"
FORCE="${FORCE:-0}"
SKIP_VERIFY="${SKIP_VERIFY:-0}"

DISTRO=debian
SUITE=bookworm
NS=sandboxd
ALL_ROLES=(barebone node python go rust devops)

# Step-printing helpers: scripts/lib.sh's (step, note, die, ERR trap) when present, else the same
# shapes here.
if [[ -f "$ROOT/scripts/lib.sh" ]]; then
  # shellcheck source=lib.sh
  source "$ROOT/scripts/lib.sh"
else
  STEP=start
  step() { STEP="$*"; printf '==> %s ...\n' "$*"; }
  note() { printf '    %s\n' "$*"; }
  die() { printf '!!! step "%s" FAILED: %s\n' "$STEP" "$*" >&2; exit 1; }
fi

repo_of() { printf '%s/%s-%s' "$NS" "$DISTRO" "$1"; }   # sandboxd/debian-<role>
ref_of() { printf '%s/%s:%s' "$REGISTRY" "$(repo_of "$1")" "$SUITE"; }
BASE_REF="$REGISTRY/$NS/$DISTRO:$SUITE"

dk() { docker -H "$DOCKER_HOST" "$@"; }
LOG="${LOGS:-/tmp}/role-images.log"   # build and push output; steps go to the terminal

in_registry() { # repo tag
  local tags
  tags="$(curl -fsS --max-time 10 "http://$REGISTRY/v2/$1/tags/list" 2>/dev/null)" || return 1
  [[ $tags =~ \"tags\":[[:space:]]*\[[^]]*\"$2\" ]]
}

verify_cmd() {
  case "$1" in
    barebone) echo 'zsh --version && tmux -V && test "$(cat /etc/sandboxd/role)" = barebone' ;;
    node) echo 'node --version && npm --version && yarn --version' ;;
    python) echo 'python3 --version && python --version && pip --version && pipx --version && poetry --version' ;;
    go) echo 'go version' ;;
    rust) echo 'cargo --version && rustc --version' ;;
    devops) echo 'ansible --version | head -n1 && kubectl version --client 2>/dev/null | head -n1 && docker --version && jq --version' ;;
  esac
}

verify() { # role
  local role=$1 ref label
  ref="$(ref_of "$role")"
  step "verify $role: $(verify_cmd "$role")"
  if ! dk run --rm --network none --label sandboxd.test=roles "$ref" \
    sh -c "$(verify_cmd "$role") && test \"\$(cat /etc/sandboxd/role)\" = $role" 2>&1 |
    while IFS= read -r line; do note "$line"; done; then
    die "role $role: smoke test failed in $ref"
  fi
  label="$(dk image inspect -f '{{ index .Config.Labels "sandboxd.role" }}' "$ref")"
  [[ "$label" == "$role" ]] || die "role $role: image label sandboxd.role is '$label'"
}

push() { # role
  local ref
  ref="$(ref_of "$1")"
  step "push $ref"
  dk push "$ref" >>"$LOG" 2>&1 || die "role $1: push of $ref failed; see $LOG"
}

build() { # role context base
  local role=$1 ref
  ref="$(ref_of "$role")"
  step "build $role: $ref FROM $3"
  local opts=(--pull --force-rm --build-arg "BASE=$3" -t "$ref" -t "$NS/$DISTRO-$role:$SUITE")
  [[ $FORCE == 1 ]] && opts+=(--no-cache)
  printf '\n### %s build %s\n' "$(date -u +%FT%TZ)" "$ref" >>"$LOG"
  if ! dk build "${opts[@]}" "$2" >>"$LOG" 2>&1; then
    tail -n 25 "$LOG" | sed 's/^/    | /' >&2
    die "role $role: docker build failed; see $LOG"
  fi
  # The classic builder keeps named build stages as untagged images; drop ours.
  dk image prune -f --filter label=sandboxd.build-stage >>"$LOG" 2>&1 || true
}

timed() { # label cmd...
  local t0=$SECONDS
  "${@:2}"
  note "$1 done in $((SECONDS - t0)) s"
}

# barebone is the dev image under its own name: publish it whenever dev is (re)built.
BAREBONE_DONE=0
publish_barebone() {
  local dev ref
  dev="$(ref_of dev)" ref="$(ref_of barebone)"
  step "tag barebone: $dev -> $ref"
  dk image inspect "$dev" >/dev/null 2>&1 || dk pull "$dev" >>"$LOG" 2>&1 ||
    die "role barebone: cannot pull $dev"
  { dk tag "$dev" "$ref" && dk tag "$dev" "$NS/$DISTRO-barebone:$SUITE"; } ||
    die "role barebone: docker tag failed"
  [[ $SKIP_VERIFY == 1 ]] || verify barebone
  push barebone
  BAREBONE_DONE=1
}

DEV_READY=0
REBUILD_DEV=0   # FORCE=1 rebuilds dev only when barebone (the dev image itself) is asked for
build_dev() {
  [[ $DEV_READY == 1 ]] && return 0
  if [[ $REBUILD_DEV != 1 ]] && in_registry "$(repo_of dev)" "$SUITE"; then
    note "dev: $(ref_of dev) already in the registry"
  else
    in_registry "$NS/$DISTRO" "$SUITE" ||
      die "role dev: base image $BASE_REF is not in the registry (run scripts/images.sh first)"
    build dev "$ROLES_DIR/dev" "$BASE_REF"
    push dev
    publish_barebone
  fi
  DEV_READY=1
}

build_role() { # role
  local role=$1
  if [[ $FORCE != 1 ]] && in_registry "$(repo_of "$role")" "$SUITE"; then
    note "$role: $(ref_of "$role") already in the registry, skipping (FORCE=1 rebuilds)"
    return 0
  fi
  build_dev
  if [[ $role == barebone ]]; then
    [[ $BAREBONE_DONE == 1 ]] || publish_barebone
    return 0
  fi
  [[ -f "$ROLES_DIR/$role/Dockerfile" ]] || die "role $role: no $ROLES_DIR/$role/Dockerfile"
  build "$role" "$ROLES_DIR/$role" "$(ref_of dev)"
  [[ $SKIP_VERIFY == 1 ]] || verify "$role"
  push "$role"
}

main() {
  local roles=("$@") role
  [[ ${#roles[@]} -gt 0 ]] || roles=("${ALL_ROLES[@]}")
  for role in "${roles[@]}"; do
    [[ " ${ALL_ROLES[*]} " == *" $role "* ]] || die "unknown role '$role' (known: ${ALL_ROLES[*]})"
  done
  [[ $FORCE == 1 && " ${roles[*]} " == *" barebone "* ]] && REBUILD_DEV=1
  step "role images for $DISTRO:$SUITE on $DOCKER_HOST, registry $REGISTRY: ${roles[*]}"
  mkdir -p "$(dirname "$LOG")"
  note "build output: $LOG"
  dk version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine at $DOCKER_HOST"
  curl -fsS --max-time 10 "http://$REGISTRY/v2/" >/dev/null || die "no registry at http://$REGISTRY"
  for role in "${roles[@]}"; do
    timed "$role" build_role "$role"
  done
  # Older builds of these images (and leftovers of failed builds) are now untagged: drop them.
  # Twice: an old dev image is only dangling once the old role images on it are gone.
  dk image prune -f --filter label=sandboxd.role >>"$LOG" 2>&1 || true
  dk image prune -f --filter label=sandboxd.role >>"$LOG" 2>&1 || true
  note "role images ready: $(for r in "${roles[@]}"; do printf '%s ' "$(ref_of "$r")"; done)"
}

main "$@"
