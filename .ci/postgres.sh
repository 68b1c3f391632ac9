#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests, on a free loopback port, owned by an unprivileged user.
# Source it:  . .ci/postgres.sh   → exports EXSYNC_TEST_POSTGRESQL and defines stop_test_postgres (call it on exit).
# Installs PostgreSQL from the Debian registry when its server binaries are missing.

pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

if [ -z "$(pg_bin_dir)" ] || [ ! -x "$(pg_bin_dir)/initdb" ]; then
  echo "PostgreSQL server not found: installing it from the Debian registry"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bin_dir)"

# initdb refuses to run as root: run the cluster as the 'postgres' system user the package creates, or as ourselves.
pg_user="$(id -un)"
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi
  pg_user=postgres
  as_pg() { runuser -u postgres -- "$@"; }
fi

PG_DIR="$(mktemp -d /tmp/exsync-test-postgres.XXXXXX)"
chmod 755 "$PG_DIR"
chown "$pg_user" "$PG_DIR"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
  || { cat "$PG_DIR/initdb.log" >&2; return 1 2>/dev/null || exit 1; }
# Durability is pointless for a throwaway test cluster; many small databases and connections are not.
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1 2>/dev/null || exit 1; }

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

export EXSYNC_TEST_POSTGRESQL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
