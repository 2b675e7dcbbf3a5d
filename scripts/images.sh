#!/usr/bin/env bash
# Base images, built locally (no public registry is reachable), pushed to the project registry
# and kept loaded in the engine:
#   sandboxd/busybox:latest    FROM scratch + Debian's busybox-static (docker/base/busybox)
#   sandboxd/debian:bookworm   debootstrap --variant=minbase from the apt mirror this machine uses
#   sandboxd/silent:latest     busybox whose /bin/sh never returns (docker/base/silent): a
#                              hostile tenant's image for the abuse tests and `make load`
# An image already in the registry is not rebuilt; one missing from the engine is pulled back.
#
#   scripts/images.sh        (uses SANDBOXD_DOCKER_HOST and SANDBOXD_REGISTRY when set)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

DOCKER_HOST="${SANDBOXD_DOCKER_HOST:-unix://$DOCKER_SOCK}"
REGISTRY="${SANDBOXD_REGISTRY:-127.0.0.1:$REGISTRY_PORT}"
export DOCKER_HOST
export DOCKER_BUILDKIT=0   # the classic builder: no buildx plugin needed
LOG="$LOGS/images.log"
SUITE=bookworm

# logged CMD...: output to $LOG; on failure show the end of this command's output and fail.
logged() {
  local from
  from="$(stat -c %s "$LOG" 2>/dev/null || echo 0)"
  "$@" >>"$LOG" 2>&1 || { tail -c "+$((from + 1))" "$LOG" | tail -n 20 >&2; die "'$*' failed; full log: $LOG"; }
}

in_registry() { # NAME TAG
  curl -fsS --max-time 10 "http://$REGISTRY/v2/$1/tags/list" 2>/dev/null |
    jq -e --arg t "$2" '(.tags // []) | index($t) != null' >/dev/null
}
in_engine() { docker image inspect "$1" >/dev/null 2>&1; }

# ensure NAME TAG BUILD_FN: the image is in the registry and in the engine under both names
# (NAME:TAG and REGISTRY/NAME:TAG); BUILD_FN builds NAME:TAG only when neither has it.
ensure() {
  local name=$1 tag=$2 build=$3 ref="$1:$2" remote="$REGISTRY/$1:$2"
  if in_registry "$name" "$tag"; then
    if in_engine "$remote" && in_engine "$ref"; then
      step "image $ref: in registry and engine, reusing"
      return 0
    fi
    step "image $ref: pull from $REGISTRY"
    logged docker pull "$remote"
    logged docker tag "$remote" "$ref"
    return 0
  fi
  if in_engine "$ref"; then
    step "image $ref: in engine, not in registry"
  else
    "$build" "$ref"
  fi
  step "image $ref: push to $REGISTRY"
  logged docker tag "$ref" "$remote"
  logged docker push "$remote"
}

# A scratch dir under $STATE (not /tmp, which may be a small tmpfs), removed on exit.
WORK=""
cleanup() {
  [[ -n $WORK && -d $WORK ]] || return 0
  # debootstrap may leave /proc, /sys or a bind-mounted /dev in the target after a failure:
  # unmount them first, and never let rm cross into another file system.
  findmnt -rn -o TARGET | grep "^$WORK/" | sort -r | xargs -r -n1 umount -l || true
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
workdir() { cleanup; install -d -m 0755 "$STATE/tmp"; WORK="$(mktemp -d "$STATE/tmp/images.XXXXXX")"; }

build_busybox() {
  step "image $1: build from docker/base/busybox"
  need_pkg busybox-static
  workdir
  cp "$ROOT/docker/base/busybox/Dockerfile" /bin/busybox "$WORK/"
  logged docker build --pull=false -t "$1" "$WORK"
}

build_silent() {
  step "image $1: build from docker/base/silent"
  workdir
  cp "$ROOT/docker/base/silent/Dockerfile" "$WORK/"
  logged docker build --pull=false --build-arg "BASE=$REGISTRY/sandboxd/busybox:latest" -t "$1" "$WORK"
}

# The first bookworm-carrying Debian mirror in this machine's apt sources (one-line .list
# format or deb822 .sources), else deb.debian.org.
debian_mirror() {
  local m
  m="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
  m="$(awk -v s="$SUITE" '
    $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == s) { print $i; exit } }' <<<"$m")"
  [[ -n $m ]] || m="$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true) | awk -v s="$SUITE" '
    BEGIN { RS = ""; FS = "\n" }
    { u = ""; ok = 0; deb = 0
      for (i = 1; i <= NF; i++) {
        n = split($i, w, /[ \t]+/)
        if (w[1] == "URIs:") u = w[2]
        if (w[1] == "Types:") for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
        if (w[1] == "Suites:") for (j = 2; j <= n; j++) if (w[j] == s) ok = 1
      }
      if (u != "" && ok && deb) { print u; exit } }')"
  echo "${m:-http://deb.debian.org/debian}"
}

build_debian() {
  local mirror
  mirror="$(debian_mirror)"
  step "image $1: debootstrap --variant=minbase $SUITE from $mirror"
  need_pkg debootstrap debian-archive-keyring
  workdir
  logged debootstrap --variant=minbase "$SUITE" "$WORK/rootfs" "$mirror"
  # Downloaded .debs and package lists only bloat the image; role builds run apt-get update.
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/cache/apt/*.bin "$WORK"/rootfs/var/lib/apt/lists/*
  step "image $1: docker import"
  # /dev, /proc and /sys are supplied by the runtime.
  tar -C "$WORK/rootfs" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
    docker import --change 'CMD ["/bin/bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$1" >>"$LOG" 2>&1 ||
    die "docker import failed; see $LOG"
  cleanup
}

# busybox-static also goes into the shell scripts every environment mounts: sandboxd runs it
# there (terminal hang-ups) instead of the tenant's own /bin/sh.
need_pkg curl jq busybox-static
ensure sandboxd/busybox latest build_busybox
ensure sandboxd/silent latest build_silent
ensure sandboxd/debian "$SUITE" build_debian
