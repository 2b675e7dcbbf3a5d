#!/usr/bin/env bash
# The project's own image registry: Debian's docker-registry on 127.0.0.1:$REGISTRY_PORT (5000),
# storage /var/lib/sandboxd/registry, run as the docker-registry OS user. Plain HTTP is fine:
# Docker trusts registries on 127.0.0.0/8 without TLS.     scripts/registry.sh up|down|status
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

DIR="$STATE/registry"
CONF="$STATE/registry.yml"
PIDFILE="$RUN/registry.pid"
URL="http://127.0.0.1:$REGISTRY_PORT/v2/"

up() {
  need_pkg docker-registry curl
  install -d -m 0750 -o docker-registry -g docker-registry "$DIR"
  touch "$LOGS/registry.log" && chown docker-registry:docker-registry "$LOGS/registry.log"

  if pid_alive "$PIDFILE" docker-registry; then
    step "registry: already running (pid $(cat "$PIDFILE")), reusing"
  else
    step "registry: start on 127.0.0.1:$REGISTRY_PORT"
    free_port "$REGISTRY_PORT" "registry with SANDBOXD_REGISTRY"
    cat >"$CONF" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: sandboxd-registry
storage:
  filesystem:
    rootdirectory: $DIR
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  headers:
    X-Content-Type-Options: [nosniff]
EOF
    # shellcheck disable=SC2016 # $$, $1, $2 are the inner shell's
    # The inner shell records its own pid, then execs the registry in its place; setsid
    # detaches it from this script's session so it outlives it.
    setsid nohup sh -c 'echo $$ >"$1"; exec setpriv --reuid=docker-registry --regid=docker-registry --init-groups docker-registry serve "$2"' \
      sh "$PIDFILE" "$CONF" >>"$LOGS/registry.log" 2>&1 </dev/null &
    wait_started $! "$LOGS/registry.log" 30 "registry at $URL" curl -fsS -o /dev/null "$URL"
  fi
  wait_until 30 "registry at $URL" curl -fsS -o /dev/null "$URL"
}

down() {
  step "registry: stop"
  stop_pidfile "$PIDFILE" docker-registry 30
}

status() { status_line registry "$PIDFILE" docker-registry; }

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
