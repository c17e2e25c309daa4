#!/bin/sh
# The first thing a new user sees: strata applying the learning-app example
# (examples/learning_app) to the embedded SQLite database, rolling the newest
# migration back and applying it again.  Called by `make demo` as
#   sh scripts/demo.sh build/strata
# Works in a fresh temporary directory, removed at the end; stops at the first
# failure with a non-zero exit.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: sh scripts/demo.sh PATH/TO/strata" >&2
    exit 2
fi
if [ ! -x "$1" ]; then
    echo "demo: $1 not found or not executable: run make" >&2
    exit 1
fi
# Absolute paths: the demo runs from inside the temporary directory.
strata=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
example=$root/examples/learning_app/migrations

work=$(mktemp -d "${TMPDIR:-/tmp}/strata-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The demo is about the defaults: no URL, no directory given.
unset DATABASE_URL STRATA_URL STRATA_DIR 2>/dev/null || true

cp -R "$example" "$work/migrations"
cd "$work"

step() {
    printf '\n== %s\n' "$1"
}
# run ARGS: shows the command as the user would type it, then runs it.
run() {
    printf '$ strata %s\n' "$*"
    rc=0
    "$strata" "$@" || rc=$?
    if [ "$rc" -ne 0 ]; then
        printf 'demo: stopped: "strata %s" exited with status %s\n' "$*" "$rc" >&2
        exit "$rc"
    fi
}

count=0
for f in migrations/*.sql; do
    case $f in *.down.sql) ;; *) count=$((count + 1)) ;; esac
done
printf 'strata demo: the learning app example (profiles, children, lessons, quests,\n'
printf 'progress): %s migrations, in a temporary directory removed afterwards\n' "$count"

step "checking every migration before anything runs (locks, rewrites, data loss)"
run lint

step "what two of them would do to a live database"
run lint --explain migrations/20260120113000_add_lessons_difficulty.up.sql \
    migrations/20260123140000_index_quests_child_status.up.sql

step "proving every migration reversible: up, down, up again on a scratch database"
run test

step "applying the learning app to the embedded SQLite database"
run up --dump

step "what is applied now"
run status

step "rolling back the newest migration"
run down

step "the newest migration is pending again"
run status

step "applying it again"
run up

step "everything is applied, and the schema matches the snapshot up --dump wrote"
run status

step "comparing the database with schema.snapshot, object by object"
run diff

step "the tables strata created, as sqlite3 sees them"
if command -v sqlite3 >/dev/null 2>&1; then
    printf '$ sqlite3 strata.db .tables\n'
    sqlite3 strata.db .tables
else
    echo "demo: sqlite3 not found: cannot show the tables" >&2
    exit 1
fi

printf '\n== done: start your own with "strata new create_users", then "strata up"\n'
