#!/bin/sh
# Checks, with nothing but the sqlite3 CLI, that every down migration in
# migrations/ undoes its up exactly: applies the ups one by one, then the downs
# newest first, and compares `.dump` (schema and rows) before each up with the
# state after its down. Then applies every up again and compares the schema
# with the first pass. Independent of strata, so it can check the example even
# while strata itself is being changed.
#
#   sh examples/learning_app/check-roundtrip.sh [MIGRATIONS_DIR]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/migrations}
command -v sqlite3 >/dev/null 2>&1 || { echo "check-roundtrip: sqlite3 not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
db=$work/check.db

# section FILE up|down: prints one section of a single-file migration.
section() {
    awk -v want="$2" '
        /^--[ \t]*strata:up[ \t]*$/   { cur = "up"; next }
        /^--[ \t]*strata:down[ \t]*$/ { cur = "down"; next }
        cur == want { print }
    ' "$1"
}

# sql_of VERSION up|down: the SQL of one direction of a migration.
sql_of() {
    for f in "$dir/$1"_*.sql; do
        case $f in
            *.up.sql)   if [ "$2" = up ]; then cat "$f"; fi ;;
            *.down.sql) if [ "$2" = down ]; then cat "$f"; fi ;;
            *)          section "$f" "$2" ;;
        esac
    done
}

# run VERSION up|down: one migration in one transaction, with FKs enforced.
run() {
    { echo 'PRAGMA foreign_keys = ON;'; echo 'BEGIN;'; sql_of "$1" "$2"; echo; echo 'COMMIT;'; } \
        | sqlite3 -bail "$db" >/dev/null
}

versions=$(for f in "$dir"/*.sql; do basename "$f"; done \
    | sed -E -n 's/^([0-9]+)_[a-z0-9_]+\.(up\.|down\.)?sql$/\1/p' | sort -u)
[ -n "$versions" ] || { echo "check-roundtrip: no migrations in $dir" >&2; exit 2; }

fail=0
n=0
for v in $versions; do
    sqlite3 "$db" .dump >"$work/before.$v"
    run "$v" up || { echo "FAIL: $v up does not apply" >&2; exit 1; }
    n=$((n + 1))
done
sqlite3 "$db" .schema >"$work/schema.first"

for v in $(printf '%s\n' "$versions" | sort -r); do
    run "$v" down || { echo "FAIL: $v down does not apply" >&2; exit 1; }
    sqlite3 "$db" .dump >"$work/after.$v"
    if ! diff -u "$work/before.$v" "$work/after.$v" >"$work/diff.$v"; then
        echo "FAIL: $v down does not restore the state before its up:" >&2
        cat "$work/diff.$v" >&2
        fail=1
    fi
done
if [ -n "$(sqlite3 "$db" .schema)" ]; then
    echo "FAIL: schema not empty after every down" >&2
    fail=1
fi

for v in $versions; do
    run "$v" up || { echo "FAIL: $v up does not apply a second time" >&2; exit 1; }
done
sqlite3 "$db" .schema >"$work/schema.second"
if ! diff -u "$work/schema.first" "$work/schema.second" >&2; then
    echo "FAIL: up -> down all -> up gives a different schema" >&2
    fail=1
fi

[ "$fail" -eq 0 ] || exit 1
echo "ok: $n migrations: each down restores the state before its up; up/down-all/up gives the same schema"
