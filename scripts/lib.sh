# shellcheck shell=bash disable=SC2034  # its variables are used by the scripts that source it
# Shared helpers for the local-stack scripts. Source it; do not run it.
#
# Every script prints "==> step ..." before each step; a failure names the step it happened in
# and exits non-zero (ERR trap + die).

set -Eeuo pipefail
shopt -s inherit_errexit   # $(...) fails like any other command

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE=/var/lib/sandboxd   # data that survives `down`
RUN=/run/sandboxd         # sockets, pidfiles, exec-root
LOGS=/var/log/sandboxd

PG_PORT="${SANDBOXD_PG_PORT:-5433}"
REDIS_PORT="${SANDBOXD_REDIS_PORT:-6380}"
REGISTRY_PORT="${SANDBOXD_REGISTRY_PORT:-5000}"
DOCKER_SOCK="$RUN/docker.sock"

# The test stack's extra Docker engines ("nodes", scripts/nodes.sh): SANDBOXD_EXTRA_NODES=2
# gives node-b and node-c, up to 7 (node-h); the stack's main engine is the first node.
NODE_LETTERS=bcdefgh
extra_nodes() { # [COUNT]: the names of the first COUNT extra nodes, one a line
  local count="${1:-${SANDBOXD_EXTRA_NODES:-0}}" i
  [[ $count =~ ^[0-9]+$ ]] && ((count <= ${#NODE_LETTERS})) ||
    die "SANDBOXD_EXTRA_NODES=$count: want a number from 0 to ${#NODE_LETTERS}"
  for ((i = 0; i < count; i++)); do echo "node-${NODE_LETTERS:i:1}"; done
}
# node_index NODE: 1 for node-b ... 7 for node-h; fails for any other name.
node_index() {
  [[ $1 =~ ^node-([b-h])$ ]] || return 1
  local before="${NODE_LETTERS%%"${BASH_REMATCH[1]}"*}"
  echo $((${#before} + 1))
}
node_sock() { echo "$RUN/$1/docker.sock"; }
# Each extra engine also answers over TCP with mutual TLS on the loopback, as a node on
# another machine would: node-b on 23761, node-c on 23762, ...
ENGINE_TLS="$STATE/engine-tls"
node_tls_port() { echo $((23760 + $(node_index "$1"))); }
node_tls_var() { local n="${1^^}"; echo "SANDBOXD_TEST_${n//-/_}_TLS_HOST"; }
# The stack.env variable holding a node's engine: node-b -> SANDBOXD_TEST_NODE_B_DOCKER_HOST.
node_var() { local n="${1^^}"; echo "SANDBOXD_TEST_${n//-/_}_DOCKER_HOST"; }

export STEP="${STEP:-start}"   # exported: a sub-script failing names the stack step it ran in
step() { STEP="$*"; printf '==> %s ...\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '!!! step "%s" FAILED: %s\n' "$STEP" "$*" >&2; exit 1; }
trap 'printf "!!! step \"%s\" FAILED (exit %s at %s:%s: %s)\n" "$STEP" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

need_root() { [[ $EUID -eq 0 ]] || die "must run as root (it installs packages, mounts, starts daemons)"; }

ensure_dirs() {
  # 0755: the userns-remapped root of dockerd (uid 100000) must traverse $STATE.
  install -d -m 0755 "$STATE" "$RUN" "$LOGS"
}

# need_pkg PKG...: apt-get install only the packages dpkg does not report as installed.
need_pkg() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Wait for a concurrent apt/dpkg instead of failing on its lock.
  local apt=(apt-get -qq -y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold)
  # Package lists are empty on a fresh machine; an old list can also name versions the mirror
  # no longer has. Either way: update once, then retry.
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then apt_update_once; fi
  "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1 || {
    apt_update_once
    "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1 ||
      die "apt-get install ${missing[*]} failed; see $LOGS/apt.log"
  }
}
APT_UPDATED=0
apt_update_once() {
  ((APT_UPDATED)) && return 0
  note "apt-get update"
  apt-get -qq -o DPkg::Lock::Timeout=600 update >>"$LOGS/apt.log" 2>&1 || die "apt-get update failed; see $LOGS/apt.log"
  APT_UPDATED=1
}

# wait_until SECONDS WHAT CMD...: poll CMD every 0.2 s until it succeeds.
wait_until() {
  local secs=$1 what=$2 i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "timed out after ${secs}s waiting for $what"
}
# wait_started PID LOG SECONDS WHAT CMD...: like wait_until for a daemon just started as PID,
# but fail at once, with the end of its LOG, if it exits instead.
wait_started() {
  local pid=$1 log=$2 secs=$3 what=$4 i
  shift 4
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 15 "$log" >&2; die "$what: the process exited (log: $log)"; }
    sleep 0.2
  done
  die "timed out after ${secs}s waiting for $what (log: $log)"
}
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { wait_until "${3:-30}" "$1:$2 to accept connections" port_open "$1" "$2"; }
wait_socket() { wait_until "${2:-30}" "socket $1" test -S "$1"; }

# pid_alive PIDFILE COMM: the pidfile names a live process whose command is COMM (guards
# against a stale pidfile whose pid was reused after a reboot). A thread's id answers kill -0
# and has a /proc entry too, so the pid must also lead its own thread group.
pid_alive() {
  local pid
  pid="$(head -n1 "$1" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]] &&
    [[ "$(awk '$1 == "Tgid:" { print $2 }' "/proc/$pid/status" 2>/dev/null)" == "$pid" ]]
}

# forget_stale_pidfile PIDFILE COMM [MARK]: drop a pidfile unless it names a live COMM whose
# command line contains MARK. dockerd, its containerd and postgres refuse to start, or take
# over, while any process or thread has the pid it names, and pids repeat: after a reboot, or
# in a fresh pid namespace where the stack starts in the same order, the old pid often belongs
# to a thread of another daemon, or to another engine's own dockerd.
forget_stale_pidfile() {
  [[ -e $1 ]] || return 0
  local pid
  pid="$(head -n1 "$1" 2>/dev/null)"
  if pid_alive "$1" "$2"; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "${3:-}" && return 0
    note "$(basename "$1"): pid $pid is some other $2; dropping the pidfile"
  else
    note "$(basename "$1"): no $2 runs as pid $pid any more; dropping the stale pidfile"
  fi
  rm -f "$1"
}

# stop_pidfile PIDFILE COMM [SECONDS]: TERM the process and wait for it to exit.
stop_pidfile() {
  local pid
  pid_alive "$1" "$2" || { rm -f "$1"; return 0; }
  pid="$(head -n1 "$1")"
  kill -TERM "$pid"
  wait_until "${3:-30}" "$2 (pid $pid) to exit" bash -c "! kill -0 $pid"
  rm -f "$1"
}

# free_port PORT NAME: fail early, naming the culprit, when someone else holds our port.
free_port() {
  port_open 127.0.0.1 "$1" || return 0
  die "127.0.0.1:$1 is already used by another process ($(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -n1)); stop it, or point sandboxd at an existing $2"
}

# A component's status line: "name  running (pid N)" / "stopped".
status_line() {
  if pid_alive "$2" "$3"; then printf '%-10s running (pid %s)\n' "$1" "$(head -n1 "$2")"; else printf '%-10s stopped\n' "$1"; fi
}
