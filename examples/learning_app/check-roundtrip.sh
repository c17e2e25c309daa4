#!/bin/sh
# Checks that every down migration undoes its up exactly, using only the
# database's own CLI (sqlite3 or psql/pg_dump), so the example can be checked
# even while strata itself is being changed.  It applies the ups one by one,
# then the downs newest first, and compares a full dump (schema and rows)
# before each up with the state after its down.  Then it applies every up
# again and compares the schema with the first pass.
#
#   sh examples/learning_app/check-roundtrip.sh [MIGRATIONS_DIR]
#       SQLite, in a temporary file (default: migrations/)
#   sh examples/learning_app/check-roundtrip.sh --pg 'host=/sock port=5432 user=postgres' [DIR]
#       PostgreSQL (default: pg/): a libpq conninfo without dbname; creates a
#       scratch database, and drops it at the end
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pg=""
if [ "${1:-}" = --pg ]; then
    [ $# -ge 2 ] || { echo "usage: check-roundtrip.sh --pg CONNINFO [DIR]" >&2; exit 2; }
    pg=$2
    shift 2
    dir=${1:-$here/pg}
    for tool in psql pg_dump; do
        command -v "$tool" >/dev/null 2>&1 || { echo "check-roundtrip: $tool not found" >&2; exit 2; }
    done
else
    dir=${1:-$here/migrations}
    command -v sqlite3 >/dev/null 2>&1 || { echo "check-roundtrip: sqlite3 not found" >&2; exit 2; }
fi

work=$(mktemp -d)
scratch=learning_roundtrip_$$
cleanup() {
    if [ -n "$pg" ]; then
        psql -X -q "$pg dbname=postgres" -c "DROP DATABASE IF EXISTS $scratch" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
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

# run VERSION up|down: one migration, in one transaction unless it says
# -- strata:no-transaction; SQLite with foreign keys enforced.
run() {
    sql_of "$1" "$2" >"$work/current.sql"
    if [ -n "$pg" ]; then
        single=-1
        grep -q '^--[[:space:]]*strata:no-transaction' "$work/current.sql" && single=""
        # shellcheck disable=SC2086 # $single is one option or nothing
        psql -X -q $single -v ON_ERROR_STOP=1 "$pg dbname=$scratch" -f "$work/current.sql" >/dev/null
    else
        { echo 'PRAGMA foreign_keys = ON;'; echo 'BEGIN;'; cat "$work/current.sql"; echo; echo 'COMMIT;'; } |
            sqlite3 -bail "$db" >/dev/null
    fi
}

# dump [schema]: the whole database (or its schema), without run-specific lines
dump() {
    if [ -n "$pg" ]; then
        if [ "${1:-}" = schema ]; then set -- --schema-only; fi
        pg_dump --no-owner "$@" "$pg dbname=$scratch" |
            grep -v -e '^-- Dumped' -e '^\\restrict' -e '^\\unrestrict'
    elif [ "${1:-}" = schema ]; then
        sqlite3 "$db" .schema
    else
        sqlite3 "$db" .dump
    fi
}

versions=$(for f in "$dir"/*.sql; do basename "$f"; done |
    sed -E -n 's/^([0-9]+)_[a-z0-9_]+\.(up\.|down\.)?sql$/\1/p' | sort -u)
[ -n "$versions" ] || { echo "check-roundtrip: no migrations in $dir" >&2; exit 2; }

if [ -n "$pg" ]; then
    psql -X -q -v ON_ERROR_STOP=1 "$pg dbname=postgres" -c "CREATE DATABASE $scratch" >/dev/null
fi

fail=0
n=0
dump >"$work/empty"
for v in $versions; do
    dump >"$work/before.$v"
    run "$v" up || { echo "FAIL: $v up does not apply" >&2; exit 1; }
    n=$((n + 1))
done
dump schema >"$work/schema.first"

for v in $(printf '%s\n' "$versions" | sort -r); do
    run "$v" down || { echo "FAIL: $v down does not apply" >&2; exit 1; }
    dump >"$work/after.$v"
    if ! diff -u "$work/before.$v" "$work/after.$v" >"$work/diff.$v"; then
        echo "FAIL: $v down does not restore the state before its up:" >&2
        cat "$work/diff.$v" >&2
        fail=1
    fi
done
if ! dump | diff -u "$work/empty" - >&2; then
    echo "FAIL: the database is not back to empty after every down" >&2
    fail=1
fi

for v in $versions; do
    run "$v" up || { echo "FAIL: $v up does not apply a second time" >&2; exit 1; }
done
dump schema >"$work/schema.second"
if ! diff -u "$work/schema.first" "$work/schema.second" >&2; then
    echo "FAIL: up -> down all -> up gives a different schema" >&2
    fail=1
fi

[ "$fail" -eq 0 ] || exit 1
echo "ok: $n migrations: each down restores the state before its up; up/down-all/up gives the same schema"
