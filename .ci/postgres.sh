# Sourced by .ci/run: a throwaway PostgreSQL server for the store and replica tests.
# start_test_postgres installs Debian's postgresql when no server binaries are found, starts a server
# on a free loopback port in a temp dir (trust auth, loopback only), and exports ROOTWARDEN_TEST_PG_URL.
# stop_test_postgres stops it and removes the directory. Both print what went wrong and return non-zero.

find_postgres_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start_test_postgres() {
  PG_BIN="$(find_postgres_bin)"
  if [ -z "$PG_BIN" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing PostgreSQL (Debian's postgresql package) for the store tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1
    PG_BIN="$(find_postgres_bin)"
  fi
  if [ -z "$PG_BIN" ]; then
    echo "could not find or install PostgreSQL (initdb, pg_ctl)"; return 1
  fi
  PG_DIR="$(mktemp -d /tmp/rootwarden-ci-pg.XXXXXX)"
  PG_PORT="$(free_port)"
  # initdb refuses to run as root: run the server as the postgres user (or nobody) when we are root.
  local as=()
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$PG_DIR"
    as=(runuser -u "$user" --)
  fi
  if ! "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" --auth=trust -U postgres >"$PG_DIR/initdb.log" 2>&1; then
    echo "initdb failed:"; cat "$PG_DIR/initdb.log"; return 1
  fi
  if ! "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null; then
    echo "PostgreSQL did not start:"; cat "$PG_DIR/server.log"; return 1
  fi
  export ROOTWARDEN_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') for the tests at $ROOTWARDEN_TEST_PG_URL"
}

stop_test_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u "$(stat -c %U "$PG_DIR")" --)
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR="" # stopping twice (the EXIT trap after the last step) is harmless
}
