#!/usr/bin/env bash
# What `strata test` costs: a generated history of N migrations (tables,
# columns, indexes, views, functions, triggers; each with a correct down)
# proven with `strata test` (up, down, up again, a snapshot after each),
# against the floor: the client applying every up and then every down, in
# one session, with psql (PostgreSQL) or sqlite3 (SQLite).  Issue #5's
# target: strata test within 2x of the floor.  It reports; it never
# asserts a time.  See bench/README.md.
#
#   bench/prove.sh           N=300, RUNS=3, DBS="sqlite pg", STRATA=build/strata
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-300}
RUNS=${RUNS:-3}
DBS=${DBS:-"sqlite pg"}
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=$ROOT/bench/.peers
PGPORT_BENCH=5433
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for v in N RUNS; do
	case ${!v} in '' | *[!0-9]* | 0) echo "prove.sh: $v must be a positive integer" >&2; exit 2 ;; esac
done
[ -x "$STRATA" ] || { echo "prove.sh: $STRATA not found: run make" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-prove.XXXXXX")
PGTMP=""
PG_RUNNING=0
AS_PG=()
cleanup() {
	pg_server_stop immediate
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT

log() { printf '%s\n' "$*" >&2; }
now_ns() { date +%s%N; }

# gen DIALECT: $N migrations in $WORK/DIALECT/migrations, each a pair,
# cycling through six kinds of change on tables made along the way
gen() {
	local d=$1 dir=$WORK/$1/migrations i v t
	mkdir -p "$dir"
	for i in $(seq 1 "$N"); do
		v=$(printf '%06d' "$i")
		t="t$(((i - 1) / 6))"
		case $(((i - 1) % 6)) in
		0)
			echo "CREATE TABLE $t (id integer PRIMARY KEY, a integer, b text);" >"$dir/${v}_m.up.sql"
			echo "DROP TABLE $t;" >"$dir/${v}_m.down.sql" ;;
		1)
			echo "ALTER TABLE $t ADD COLUMN c text DEFAULT 'x';" >"$dir/${v}_m.up.sql"
			echo "ALTER TABLE $t DROP COLUMN c;" >"$dir/${v}_m.down.sql" ;;
		2)
			echo "CREATE INDEX ${t}_a ON $t (a);" >"$dir/${v}_m.up.sql"
			echo "DROP INDEX ${t}_a;" >"$dir/${v}_m.down.sql" ;;
		3)
			echo "CREATE VIEW ${t}_v AS SELECT id, a FROM $t WHERE a > 0;" >"$dir/${v}_m.up.sql"
			echo "DROP VIEW ${t}_v;" >"$dir/${v}_m.down.sql" ;;
		4)
			if [ "$d" = pg ]; then
				echo "CREATE FUNCTION ${t}_f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';" >"$dir/${v}_m.up.sql"
				echo "DROP FUNCTION ${t}_f(integer);" >"$dir/${v}_m.down.sql"
			else
				echo "CREATE TABLE ${t}_log (id integer PRIMARY KEY, at text);" >"$dir/${v}_m.up.sql"
				echo "DROP TABLE ${t}_log;" >"$dir/${v}_m.down.sql"
			fi ;;
		5)
			if [ "$d" = pg ]; then
				printf '%s\n' "CREATE FUNCTION ${t}_tf() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.b := coalesce(NEW.b, ''); RETURN NEW; END \$\$;" \
					"CREATE TRIGGER ${t}_t BEFORE INSERT ON $t FOR EACH ROW EXECUTE FUNCTION ${t}_tf();" >"$dir/${v}_m.up.sql"
				printf '%s\n' "DROP TRIGGER ${t}_t ON $t;" "DROP FUNCTION ${t}_tf();" >"$dir/${v}_m.down.sql"
			else
				echo "CREATE TRIGGER ${t}_t AFTER INSERT ON $t BEGIN UPDATE $t SET b = '' WHERE id = new.id AND b IS NULL; END;" >"$dir/${v}_m.up.sql"
				echo "DROP TRIGGER ${t}_t;" >"$dir/${v}_m.down.sql"
			fi ;;
		esac
	done
}

# floor_script DIALECT: every up in order, then every down newest first,
# as one script for the client
floor_script() {
	local dir=$WORK/$1/migrations
	{
		ls "$dir"/*.up.sql | sort | xargs cat
		ls "$dir"/*.down.sql | sort -r | xargs cat
	} >"$WORK/$1/floor.sql"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v n="$1" 'BEGIN { printf "%.0f", n / 1e6 }'; }

run_sqlite() {
	local floor=() tool=() t0 i out
	command -v sqlite3 >/dev/null || { log "  sqlite: sqlite3 not found (apt-get install sqlite3)"; return; }
	for i in $(seq 1 "$RUNS"); do
		rm -f "$WORK/floor.db"
		t0=$(now_ns)
		sqlite3 -bail "$WORK/floor.db" <"$WORK/sqlite/floor.sql"
		floor+=($(($(now_ns) - t0)))
		t0=$(now_ns)
		out=$(cd "$WORK/sqlite" && "$STRATA" --url "sqlite:$WORK/unused.db" test 2>&1) ||
			{ log "strata test failed:"; log "$out"; exit 1; }
		tool+=($(($(now_ns) - t0)))
	done
	report sqlite "sqlite3 -bail" "$(printf '%s\n' "${floor[@]}" | median)" \
		"$(printf '%s\n' "${tool[@]}" | median)" "$(printf '%s\n' "$out" | tail -n1)"
}

run_pg() {
	local floor=() tool=() t0 i out url
	if ! pg_server_start; then
		log "  pg: skipped: $PG_SKIP"
		return
	fi
	PGOPTIONS="-c client_min_messages=warning" psql -X -q "$PGCONN dbname=postgres" -c "CREATE DATABASE home" >/dev/null
	url="postgresql:///home?host=$PGTMP&port=$PGPORT_BENCH&user=postgres"
	for i in $(seq 1 "$RUNS"); do
		psql -X -q "$PGCONN dbname=postgres" -c "DROP DATABASE IF EXISTS floor" -c "CREATE DATABASE floor" >/dev/null
		t0=$(now_ns)
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$PGCONN dbname=floor" -f "$WORK/pg/floor.sql" >/dev/null
		floor+=($(($(now_ns) - t0)))
		t0=$(now_ns)
		out=$(cd "$WORK/pg" && "$STRATA" --url "$url" test 2>&1) ||
			{ log "strata test failed:"; log "$out"; exit 1; }
		tool+=($(($(now_ns) - t0)))
	done
	report pg "psql -f" "$(printf '%s\n' "${floor[@]}" | median)" \
		"$(printf '%s\n' "${tool[@]}" | median)" "$(printf '%s\n' "$out" | tail -n1)"
	pg_server_stop
}

report() {
	printf '  %-7s %-14s %9s %12s %8s   %s\n' "$1" "$2" "$(ms "$3")" "$(ms "$4")" \
		"$(awk -v a="$4" -v b="$3" 'BEGIN { printf "%.2f", a / b }')" "$5"
}

echo "strata test against the floor: $N migrations, median of $RUNS runs"
echo "machine: $(uname -sm), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "floor: every up, then every down, in one client session; strata test:"
echo "up, down, up again and a schema snapshot after each, on a scratch database"
echo "(the floor runs with the defaults, every commit durable; strata's scratch database"
echo "is thrown away, so its commits do not wait for the disk: synchronous off)"
echo
printf '  %-7s %-14s %9s %12s %8s   %s\n' db floor "floor ms" "strata ms" "ratio" "strata says"
for d in $DBS; do
	gen "$d"
	floor_script "$d"
	case $d in sqlite) run_sqlite ;; pg) run_pg ;; *) log "unknown db $d" ;; esac
done
echo
echo "target (issue 5): strata test within 2x of the floor"
