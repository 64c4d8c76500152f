#!/bin/sh
# demo.sh — refract end to end on examples/blog (run by `make demo`):
#
#   1. start a throwaway PostgreSQL (tests/harness/pgtmp.sh; unix socket only)
#   2. refract validate, refract format --check          the schema is sound
#   3. refract migrate dev --name init                   tables in the database
#      (the SQL compared with what Prisma writes: examples/blog/expected/)
#   4. change the schema, refract migrate dev again      the difference only
#   5. refract generate                                  gen/db.h, gen/db.c
#   6. build examples/blog/app.c against them and run it
#   7. stop the server and remove everything (always, even on failure)
#
# It works on a copy of examples/blog in a temporary directory, so the
# repository is left as it was. A step whose command is not implemented yet
# says so and the demo goes on; any other failure stops it with exit 1.
#
# Environment: REFRACT_BIN (default build/refract), CC (default cc),
# KEEP=1 leaves the temporary directory (not the server) for a look.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
REFRACT=${REFRACT_BIN:-$ROOT/build/refract}
BUILD_DIR=$(dirname "$REFRACT")
PGTMP=$ROOT/tests/harness/pgtmp.sh
CC=${CC:-cc}

[ -x "$REFRACT" ] || { echo "demo: $REFRACT is missing; run make first" >&2; exit 1; }

# A directory the server's user (postgres, when we are root) can enter.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/refract-demo-XXXXXX")
chmod 755 "$WORK"
PGDIR=$WORK/pg
cp -R "$ROOT/examples/blog" "$WORK/blog"
rm -rf "$WORK/blog/gen" "$WORK/blog/migrations"
SCHEMA=$WORK/blog/schema.prisma

cleanup() {
    status=$?
    sh "$PGTMP" stop "$PGDIR" || true
    if [ "${KEEP:-}" = 1 ]; then
        echo "demo: kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
bold= plain=
if [ -t 1 ]; then bold=$(printf '\033[1m') plain=$(printf '\033[0m'); fi
say() {
    n=$((n + 1))
    printf '\n%s==> %d. %s%s\n' "$bold" "$n" "$*" "$plain"
}

# Run a refract command. Exit 0: fine. A stub ("not implemented yet"):
# noted, and the demo goes on (returns 1 so later steps can skip). Anything
# else: the demo fails.
pending=
refract() {
    echo "\$ refract $*"
    err=$WORK/stderr
    if "$REFRACT" "$@" 2>"$err"; then
        cat "$err" >&2
        return 0
    else
        status=$?
    fi
    if grep -q 'not implemented' "$err"; then
        echo "   (refract $1 is not implemented yet: skipped)"
        case "${2:-}" in -* | "") pending="$pending, $1" ;; *) pending="$pending, $1 $2" ;; esac
        return 1
    fi
    cat "$err" >&2
    echo "demo: refract $* failed (exit $status)" >&2
    exit 1
}

say "refract itself"
"$REFRACT" --version

say "A throwaway PostgreSQL in $PGDIR (unix socket only, no TCP)"
sh "$PGTMP" start "$PGDIR" >/dev/null
eval "$(sh "$PGTMP" createdb "$PGDIR" blog)"
echo "DATABASE_URL=$DATABASE_URL"

say "Validate the schema (examples/blog/schema.prisma)"
refract validate --schema "$SCHEMA" || true

say "Is it formatted canonically?"
refract format --check --schema "$SCHEMA" || true

# Show the migration refract just wrote, and whether it is byte for byte
# what `prisma migrate dev` (Prisma 7.10.1) writes for the same change.
show_migration() {
    name=$1 expected=$ROOT/examples/blog/expected/$2
    f=$(ls "$WORK"/blog/migrations/*_"$name"/migration.sql 2>/dev/null | tail -n 1)
    [ -n "$f" ] || { echo "demo: no migration $name was written" >&2; exit 1; }
    echo "--- ${f#"$WORK"/}"
    cat "$f"
    if cmp -s "$f" "$expected"; then
        echo "--- identical to Prisma's (examples/blog/expected/$2)"
    else
        echo "--- DIFFERS from Prisma's (examples/blog/expected/$2):"
        diff -u "$expected" "$f" || true
    fi
}

say "Create and apply the first migration"
migrated=no
if refract migrate dev --name init --schema "$SCHEMA"; then
    migrated=yes
    show_migration init 1_init.sql
fi

say "What the database holds now (psql)"
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT current_database(), current_user,
    current_setting('server_version') AS server_version,
    current_setting('listen_addresses') AS tcp_listen_addresses"
if [ "$migrated" = yes ]; then
    psql -X -q -v ON_ERROR_STOP=1 -c '\dt'
    refract migrate status --schema "$SCHEMA" || true
fi

say "Change the schema (Post gets a summary) and migrate again"
if [ "$migrated" = yes ]; then
    sed 's/^  body        String$/&\
  summary     String?    @db.VarChar(500)/' "$SCHEMA" > "$SCHEMA.new"
    mv "$SCHEMA.new" "$SCHEMA"
    grep -n 'summary' "$SCHEMA"
    refract migrate dev --name add_summary --schema "$SCHEMA"
    show_migration add_summary 2_add_summary.sql
    psql -X -q -v ON_ERROR_STOP=1 -c '\d posts'
else
    echo "   (needs the first migration: skipped)"
fi

say "Generate the C client"
generated=no
if refract generate --schema "$SCHEMA"; then
    generated=yes
    ls -l "$WORK/blog/gen"
fi

say "Build and run the blog app on the generated client"
if [ "$generated" = yes ] && [ "$migrated" = yes ] && [ -f "$WORK/blog/app.c" ]; then
    "$CC" -std=c11 -Wall -Wextra -Werror -I"$WORK/blog/gen" -I"$ROOT/runtime" \
        -o "$WORK/blog/app" "$WORK/blog/app.c" "$WORK"/blog/gen/*.c \
        "$BUILD_DIR/librefract.a" -lpq
    "$WORK/blog/app"
elif [ ! -f "$WORK/blog/app.c" ]; then
    echo "   (examples/blog/app.c is not written yet: skipped)"
    pending="$pending, app"
else
    echo "   (needs migrate and generate: skipped)"
fi

say "Done; the server is stopped and its directory removed on exit"
if [ -n "$pending" ]; then
    echo "Not implemented yet: ${pending#, }"
fi
