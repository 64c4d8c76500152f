#!/bin/sh
# bench_introspect.sh REFRACT [N] — the cost of reading a live database:
# `db pull` and the drift check of `migrate status` on N tables (default
# 300; tools/synth_schema.sh models, migrated by `migrate dev`).
#
# Prints the median wall time of RUNS (default 7) runs of
#   - db pull --print                         (target: <= 300 ms at 300 tables)
#   - migrate diff --from-migrations --to-url (what the drift check does:
#                                              saved schema + catalog + diff)
#   - migrate status                          (history, then the drift check)
# and the load average, since on a shared machine the server's share of
# the CPU decides most of the wall time (refract's own CPU is printed too).
set -eu
refract=${1:?usage: bench_introspect.sh REFRACT [N]}
n=${2:-300}
runs=${RUNS:-7}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/refract-bench-introspect-XXXXXX)
pgtmp="sh $here/../tests/harness/pgtmp.sh"
cleanup() { $pgtmp stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
chmod 755 "$tmp"
eval "$($pgtmp start "$tmp/pg")"
mkdir -p "$tmp/proj/prisma"
sh "$here/synth_schema.sh" "$n" > "$tmp/proj/prisma/schema.prisma"
(cd "$tmp/proj" && "$refract" migrate dev --name init >/dev/null)
printf 'datasource db {\n  provider = "postgresql"\n}\n' > "$tmp/pull.prisma"

# median CMD... — median wall seconds and CPU seconds over $runs runs
median() {
    : > "$tmp/times"
    i=0
    while [ $i -lt "$runs" ]; do
        (cd "$tmp/proj" && /usr/bin/time -f '%e %U %S' -o "$tmp/t" "$@" >/dev/null 2>&1) || true
        cat "$tmp/t" >> "$tmp/times"
        i=$((i + 1))
    done
    sort -n "$tmp/times" | awk -v r="$runs" 'NR == int((r + 1) / 2) { printf "%4.0f ms wall, %3.0f ms cpu", $1 * 1000, ($2 + $3) * 1000 }'
}

echo "$n tables, median of $runs runs (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  db pull --print:                   $(median "$refract" db pull --schema "$tmp/pull.prisma" --print)"
echo "  migrate diff --from-migrations --to-url: $(median "$refract" migrate diff --from-migrations prisma/migrations --to-url "$DATABASE_URL")"
echo "  migrate status:                    $(median "$refract" migrate status)"
