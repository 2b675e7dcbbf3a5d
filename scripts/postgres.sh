#!/usr/bin/env bash
# The project's own Postgres 15 cluster: 127.0.0.1:$PG_PORT (5433), data in /var/lib/sandboxd/postgres,
# run as the postgres OS user. Role sandboxd/sandboxd WITH CREATEDB (tests make a database
# each), database sandboxd.       scripts/postgres.sh up|down|status
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

# Debian's binaries by full path: /usr/local/bin may hold other postgres/initdb builds.
PGBIN=/usr/lib/postgresql/15/bin
PGDATA="$STATE/postgres"
SOCKDIR="$RUN/postgres"   # own socket dir: never collides with /var/run/postgresql
PIDFILE="$PGDATA/postmaster.pid"

as_pg() { runuser -u postgres -- "$@"; }
psql_admin() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PG_PORT" -d postgres -At "$@"; }

up() {
  need_pkg postgresql-15 postgresql-client-15
  install -d -m 0755 -o postgres -g postgres "$SOCKDIR"
  touch "$LOGS/postgres.log" && chown postgres:postgres "$LOGS/postgres.log"

  if [[ ! -s $PGDATA/PG_VERSION ]]; then
    step "postgres: initdb $PGDATA"
    install -d -m 0700 -o postgres -g postgres "$PGDATA"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >"$LOGS/postgres-initdb.log" 2>&1 ||
      die "initdb failed; see $LOGS/postgres-initdb.log"
    # One database per test: allow plenty of connections. synchronous_commit=off makes test
    # writes cheap and cannot corrupt the cluster (a crash only loses the last commits).
    cat >>"$PGDATA/postgresql.conf" <<EOF

# --- sandboxd local stack ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SOCKDIR'
max_connections = 300
synchronous_commit = off
EOF
  fi

  # `pg_ctl status` reads postmaster.pid and checks the pid is alive (any process or thread).
  forget_stale_pidfile "$PIDFILE" postgres "-D $PGDATA"
  if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    step "postgres: already running (pid $(head -n1 "$PIDFILE")), reusing"
  else
    step "postgres: start on 127.0.0.1:$PG_PORT"
    free_port "$PG_PORT" "database with SANDBOXD_DATABASE_URL"
    # pg_ctl detaches the postmaster (setsid), so it outlives this script.
    # After an unclean stop, recovery first syncs the whole data directory: minutes on a
    # cluster that has held many test databases.
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -w -t 300 start >/dev/null ||
      die "postgres did not start; see $LOGS/postgres.log"
  fi
  wait_port 127.0.0.1 "$PG_PORT" 30
  # A running postmaster may still be recovering and refuse connections.
  if ! as_pg "$PGBIN/pg_isready" -q -h "$SOCKDIR" -p "$PG_PORT"; then
    step "postgres: waiting for recovery to finish (up to 300 s)"
    for _ in $(seq 300); do
      as_pg "$PGBIN/pg_isready" -q -h "$SOCKDIR" -p "$PG_PORT" && break
      sleep 1
    done
    as_pg "$PGBIN/pg_isready" -q -h "$SOCKDIR" -p "$PG_PORT" ||
      die "postgres accepts no connections; see $LOGS/postgres.log"
  fi

  step "postgres: role sandboxd (CREATEDB) and database sandboxd"
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'sandboxd'")" ]]; then
    psql_admin -c "CREATE ROLE sandboxd LOGIN CREATEDB PASSWORD 'sandboxd'"
  fi
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'sandboxd'")" ]]; then
    psql_admin -c "CREATE DATABASE sandboxd OWNER sandboxd"
  fi
}

down() {
  step "postgres: stop"
  if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
  fi
}

status() { status_line postgres "$PIDFILE" postgres; }

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status" ;;
esac
