#!/bin/sh
# bench_generator.sh REFRACT [N...] — how refract scales with schema size.
#
# For each N (default 100 500 1000 2000 5000) a synthetic schema of N models
# (tools/synth_schema.sh) is validated, diffed from empty (migrate diff
# --from-empty --to-schema --script) and generated; the table shows wall
# time and peak RSS of each command, and the time per model, which stays
# flat when a command is linear.
#
# generate is skipped above GEN_MAX models (default 1000; set GEN_MAX=5000
# to try) because today's emitter is quadratic (issue 9); every command runs
# under a 4 GB address-space limit.
set -eu
refract=${1:?usage: bench_generator.sh REFRACT [N...]}
shift
[ $# -gt 0 ] || set -- 100 500 1000 2000 5000
gen_max=${GEN_MAX:-1000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/refract-bench-gen-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# measure CMD... — prints "wall cpu peak_MB" (or "fail - -"); cpu is
# user + system seconds, steadier than wall time on a busy machine.
measure() {
    if (ulimit -v 4194304; /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"); then
        awk '{ printf "%.2f %.2f %.0f", $1, $2 + $3, $4 / 1024 }' "$tmp/time"
    else
        echo "fail - -"
    fi
}

# per SECONDS N — microseconds of CPU per model: flat when linear.
per() {
    case $1 in
    '' | *[!0-9.]*) echo - ;;
    *) awk -v s="$1" -v n="$2" 'BEGIN { printf "%.0f", s * 1e6 / n }' ;;
    esac
}

row() { printf ' | %6s %6s %6s %7s' "$@"; }

printf '%6s | %-28s | %-28s | %-28s\n' "" validate "migrate diff --from-empty" generate
printf '%6s' models
for c in 1 2 3; do row "wall s" "cpu s" "MB" "us/mdl"; done
printf '\n'
for n in "$@"; do
    sh "$here/synth_schema.sh" "$n" > "$tmp/schema.prisma"
    printf '%6s' "$n"
    set -- $(measure "$refract" validate --schema "$tmp/schema.prisma")
    row "$1" "$2" "$3" "$(per "$2" "$n")"
    set -- $(measure "$refract" migrate diff --from-empty --to-schema "$tmp/schema.prisma" --script)
    row "$1" "$2" "$3" "$(per "$2" "$n")"
    if [ "$n" -le "$gen_max" ]; then
        set -- $(measure "$refract" generate --schema "$tmp/schema.prisma" --out "$tmp/gen")
        row "$1" "$2" "$3" "$(per "$2" "$n")"
    else
        row skipped - - -
    fi
    printf '\n'
done
