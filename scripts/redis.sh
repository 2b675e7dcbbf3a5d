#!/usr/bin/env bash
# The project's own Redis: 127.0.0.1:$REDIS_PORT (6380), dir /var/lib/sandboxd/redis, daemonized,
# run as the redis OS user.       scripts/redis.sh up|down|status
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

DIR="$STATE/redis"
PIDDIR="$RUN/redis"
PIDFILE="$PIDDIR/redis.pid"
CONF="$DIR/redis.conf"

up() {
  need_pkg redis-server redis-tools
  install -d -m 0750 -o redis -g redis "$DIR" "$PIDDIR"
  touch "$LOGS/redis.log" && chown redis:redis "$LOGS/redis.log"

  if pid_alive "$PIDFILE" redis-server; then
    step "redis: already running (pid $(cat "$PIDFILE")), reusing"
  else
    step "redis: start on 127.0.0.1:$REDIS_PORT"
    free_port "$REDIS_PORT" "Redis with SANDBOXD_REDIS_URL"
    # Written on every start so a changed port or path takes effect.
    cat >"$CONF" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $PIDFILE
logfile $LOGS/redis.log
dir $DIR
save 60 1000
EOF
    chown redis:redis "$CONF"
    runuser -u redis -- redis-server "$CONF" || die "redis-server failed; see $LOGS/redis.log"
    wait_until 10 "redis pidfile" pid_alive "$PIDFILE" redis-server
  fi
  wait_until 30 "redis PING" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
}

down() {
  step "redis: stop"
  stop_pidfile "$PIDFILE" redis-server 30
}

status() { status_line redis "$PIDFILE" redis-server; }

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
