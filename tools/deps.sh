#!/bin/sh
# deps.sh [build|demo|check|ci|fuzz] — make sure the system packages refract
# needs are installed (Debian and derivatives).
#
#   build   gcc make pkg-config flex bison libpq-dev check
#   demo    build + postgresql   (the demo runs a throwaway server)
#   check   demo + pgbouncer     (integration tests run throwaway servers, and
#           a throwaway PgBouncer in front of one)
#   ci      check + clang valgrind (CI builds everything with clang too, and
#           runs the example apps under valgrind)
#   fuzz    build + clang libclang-rt-dev (libFuzzer and clang's sanitizers)
#
# When everything is there it only asks dpkg (no network) and exits 0.
# Missing packages: as root it runs `apt-get update` and `apt-get install -y`;
# otherwise it prints the exact command to run and exits 1.
#
# Why each package: flex and bison generate the schema parser; libpq-dev is
# PostgreSQL's client library (the runtime and `refract migrate` speak to
# the database through it); check is the unit-test framework; postgresql
# provides initdb/pg_ctl/postgres for the throwaway test and demo server;
# pgbouncer is the connection pooler the PgBouncer tests put in front of a
# throwaway server (they skip without it); clang is the second compiler every change must build warning-free with
# (and the fuzzer's); valgrind finds memory errors outside the sanitizers.
# `make check` uses neither (the corpus test compiles with clang only when it
# is there); CI does.
set -eu

level=${1:-check}
build="gcc make pkg-config flex bison libpq-dev check"
case "$level" in
    build) wanted=$build ;;
    demo) wanted="$build postgresql" ;;
    check) wanted="$build postgresql pgbouncer" ;;
    ci | all) wanted="$build postgresql pgbouncer clang valgrind" ;;
    fuzz) wanted="$build clang libclang-rt-dev" ;;
    *) echo "usage: tools/deps.sh [build|demo|check|ci|fuzz]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: check by what the build runs, and leave installing to the user.
    missing=
    for cmd in cc make pkg-config flex bison pg_config; do
        command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
    done
    pkg-config --exists check 2>/dev/null || missing="$missing check(pkg-config)"
    if [ -n "$missing" ]; then
        echo "deps.sh: not a Debian system and these are missing:$missing" >&2
        echo "deps.sh: install the equivalents of: $wanted" >&2
        exit 1
    fi
    exit 0
fi

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=
for p in $wanted; do
    installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
missing=${missing# }

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages: $missing" >&2
    echo "Run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y $missing" >&2
    exit 1
fi

echo "deps.sh: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# The postgresql and pgbouncer packages may try to start their own server;
# we never use it, and in a container without an init system that attempt
# is harmless.
apt-get install -y -q --no-install-recommends $missing >&2
for p in $missing; do
    installed "$p" || { echo "deps.sh: $p did not install" >&2; exit 1; }
done
