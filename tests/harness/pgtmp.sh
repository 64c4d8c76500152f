#!/bin/sh
# pgtmp.sh — a throwaway PostgreSQL server in a directory, for the demo,
# the benchmarks and the examples (the C tests use pg_harness.h instead).
#
#   pgtmp.sh start DIR [--tcp]  initdb into DIR, start a server listening on a
#                               unix socket in DIR only (--tcp: and on 127.0.0.1
#                               at a free port); print export lines:
#                               eval "$(pgtmp.sh start DIR)"
#   pgtmp.sh createdb DIR NAME  create database NAME; print its export lines
#   pgtmp.sh env DIR [DB]       print the export lines again (DB: postgres)
#   pgtmp.sh url DIR [DB]       print just the DATABASE_URL
#   pgtmp.sh stop DIR           stop the server and remove DIR
#
# The export lines set DATABASE_URL (libpq URL, as in a .env file),
# PG_CONNINFO (libpq key=value), and PGHOST/PGPORT/PGUSER/PGDATABASE so that
# psql and friends find the server with no arguments; with --tcp also
# TCP_DATABASE_URL (the same database over 127.0.0.1).
#
# PostgreSQL refuses to run as root: as root, the server programs run as the
# `postgres` system user (else `nobody`), which gets DIR; its parents must be
# enterable by that user. Durability is off (fsync, full_page_writes):
# nothing here is meant to survive.
set -eu

PGTMP_USER=postgres          # the database superuser, whoever runs the server

die() { echo "pgtmp.sh: $*" >&2; exit 1; }

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Server binaries: $REFRACT_PG_BINDIR, else pg_config's (when it has initdb:
# libpq-dev's pg_config may belong to another major version), else the
# newest /usr/lib/postgresql/N/bin.
find_bindir() {
    if [ -n "${REFRACT_PG_BINDIR:-}" ]; then
        echo "$REFRACT_PG_BINDIR"; return
    fi
    d=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then
        echo "$d"; return
    fi
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
    [ -n "$d" ] && [ -x "$d/initdb" ] ||
        die "no PostgreSQL server binaries (initdb): install the postgresql package (tools/deps.sh)"
    echo "$d"
}

# The account that runs the server: ourselves, or when root postgres/nobody.
run_user() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un; return
    fi
    if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

# Run a server program as the run user, from DIR (a directory it can enter).
as_server() {
    if [ "$(id -u)" -ne 0 ]; then
        (cd "$DIR" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$DIR" && runuser -u "$RUN_USER" -- "$@")
    else
        (cd "$DIR" && setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" \
            --init-groups -- "$@")
    fi
}

# DIR as an absolute path; it goes into a config file and a URL unquoted,
# and the socket path DIR/.s.PGSQL.NNNNN must fit in 107 bytes.
set_dir() {
    [ -n "${1:-}" ] || usage
    case "$1" in /*) DIR=$1 ;; *) DIR=$(pwd -P)/$1 ;; esac
    DIR=${DIR%/}
    case "$DIR" in *[!A-Za-z0-9._/-]*) die "DIR may hold only A-Z a-z 0-9 . _ / -: $DIR" ;; esac
    [ ${#DIR} -le 90 ] || die "DIR is too long for a unix socket path (max 90 bytes): $DIR"
}

# .pgtmp: the port, then "tcp" when the server also listens on 127.0.0.1.
port_of() {
    [ -f "$DIR/.pgtmp" ] || die "$DIR is not a pgtmp.sh directory"
    sed -n 1p "$DIR/.pgtmp"
}

has_tcp() {
    [ "$(sed -n 2p "$DIR/.pgtmp")" = tcp ]
}

# Whether something listens on TCP port $1 (any address), from the kernel's
# tables: the local port in hex, state 0A (LISTEN).
tcp_port_busy() {
    hex=$(printf '%04X' "$1")
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }'
}

print_env() {
    db=${1:-postgres}
    port=$(port_of)
    case "$db" in *[!A-Za-z0-9_]*) die "database names here are letters, digits, _: $db" ;; esac
    echo "export DATABASE_URL='postgresql://$PGTMP_USER@/$db?host=$DIR&port=$port'"
    echo "export PG_CONNINFO='host=$DIR port=$port dbname=$db user=$PGTMP_USER'"
    echo "export PGHOST='$DIR' PGPORT='$port' PGUSER='$PGTMP_USER' PGDATABASE='$db'"
    if has_tcp; then
        echo "export TCP_DATABASE_URL='postgresql://$PGTMP_USER@127.0.0.1:$port/$db'"
    fi
}

cmd_start() {
    set_dir "${1:-}"
    listen=
    case "${2:-}" in
        "") ;;
        --tcp) listen=127.0.0.1 ;;
        *) usage ;;
    esac
    if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
        die "$DIR exists and is not empty"
    fi
    BINDIR=$(find_bindir)
    RUN_USER=$(run_user)
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    # Any port will do (the socket is in DIR); distinct ones keep lock
    # files apart should two servers ever share a socket directory.
    port=$((20000 + $$ % 40000))
    if [ -n "$listen" ]; then
        # On TCP the port must also be free on 127.0.0.1.
        tries=0
        while tcp_port_busy "$port"; do
            tries=$((tries + 1))
            [ $tries -lt 100 ] || die "no free TCP port found"
            port=$((20000 + ($$ + tries * 7919) % 40000))
        done
        printf '%s\ntcp\n' "$port" > "$DIR/.pgtmp"
    else
        echo "$port" > "$DIR/.pgtmp"
    fi
    if [ "$(id -u)" -eq 0 ]; then
        chown -R "$RUN_USER" "$DIR"
        as_server test -w "$DIR" ||
            die "user $RUN_USER cannot enter $DIR: choose a DIR under /tmp"
    fi
    log=$DIR/pgtmp.log
    if ! as_server "$BINDIR/initdb" -D "$DIR/data" -U "$PGTMP_USER" -A trust -E UTF8 \
            --locale=C --no-sync >"$log" 2>&1; then
        cat "$log" >&2
        die "initdb failed"
    fi
    cat >> "$DIR/data/postgresql.conf" <<EOF

# pgtmp.sh: private, throwaway, fast
listen_addresses = '$listen'
unix_socket_directories = '$DIR'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 100
max_wal_senders = 0
wal_level = minimal
log_min_messages = warning
TimeZone = 'UTC'
EOF
    # The server outlives this script: it gets none of our caller's
    # descriptors beyond the standard ones (a pipe's reader would hang).
    if ! as_server "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -s start \
            </dev/null >>"$log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; then
        cat "$log" "$DIR/server.log" >&2 2>/dev/null || true
        as_server "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
        rm -rf "$DIR"
        die "the server did not start"
    fi
    print_env postgres
}

cmd_createdb() {
    set_dir "${1:-}"
    [ -n "${2:-}" ] || usage
    port=$(port_of)
    BINDIR=$(find_bindir)
    "$BINDIR/createdb" -h "$DIR" -p "$port" -U "$PGTMP_USER" -- "$2" ||
        die "could not create database $2"
    print_env "$2"
}

cmd_stop() {
    set_dir "${1:-}"
    [ -e "$DIR" ] || return 0
    # Never remove a directory this script did not make.
    [ -f "$DIR/.pgtmp" ] || die "$DIR is not a pgtmp.sh directory; not removing it"
    if [ -f "$DIR/data/postmaster.pid" ]; then
        BINDIR=$(find_bindir)
        RUN_USER=$(run_user)
        as_server "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 -s stop >/dev/null 2>&1 ||
            echo "pgtmp.sh: pg_ctl stop failed; removing $DIR anyway" >&2
    fi
    rm -rf "$DIR"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    start) cmd_start "$@" ;;
    createdb) cmd_createdb "$@" ;;
    env) set_dir "${1:-}"; print_env "${2:-postgres}" ;;
    url) set_dir "${1:-}"; print_env "${2:-postgres}" | sed -n "s/^export DATABASE_URL='\(.*\)'$/\1/p" ;;
    stop) cmd_stop "$@" ;;
    *) usage ;;
esac
