#!/usr/bin/env bash
# Applies 1000 generated migrations with strata, with dbmate, and with the
# floor (the database's own CLI running the same SQL in one session), on SQLite
# and on a throwaway PostgreSQL server, and prints median wall times side by
# side.  Also times `status` once all 1000 are applied.  It reports; it never
# asserts a time.  See bench/README.md.
#
#   bench/apply.sh                 RUNS=5 (repetitions), MIGRATIONS=1000,
#                                  STRATA=build/strata, DBS="sqlite pg"
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
N=${MIGRATIONS:-1000}
STRATA=${STRATA:-$ROOT/build/strata}
DBS=${DBS:-"sqlite pg"}
PEERS=$ROOT/bench/.peers
PGPORT_BENCH=5432 # only names the socket file: the server listens on no TCP port
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

case $RUNS in '' | *[!0-9]* | 0) echo "apply.sh: RUNS must be a positive integer" >&2; exit 2 ;; esac
case $N in '' | *[!0-9]* | 0) echo "apply.sh: MIGRATIONS must be a positive integer" >&2; exit 2 ;; esac
[ "$N" -le 9999 ] || { echo "apply.sh: MIGRATIONS must be at most 9999" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
PGTMP=""
PG_RUNNING=0
AS_PG=() # prefix that runs a command as the server's owner

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	pg_server_stop fast
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }

# ---- the migrations -------------------------------------------------------

generate() {
	local i v t
	mkdir -p "$WORK/strata" "$WORK/dbmate/db/migrations"
	printf 'CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);\n' >"$WORK/floor.sql"
	for ((i = 1; i <= N; i++)); do
		printf -v v '%06d' "$i"
		printf -v t 't_%04d' "$i"
		local up="CREATE TABLE $t (id integer primary key, name text, created_at text);
CREATE INDEX ${t}_name ON $t(name);"
		printf '%s\n' "$up" >"$WORK/strata/${v}_create_$t.up.sql"
		printf 'DROP TABLE %s;\n' "$t" >"$WORK/strata/${v}_create_$t.down.sql"
		printf -- '-- migrate:up\n%s\n\n-- migrate:down\nDROP TABLE %s;\n' "$up" "$t" \
			>"$WORK/dbmate/db/migrations/${v}_bench.sql"
		printf "BEGIN;\n%s\nINSERT INTO schema_migrations (version) VALUES ('%s');\nCOMMIT;\n" \
			"$up" "$v" >>"$WORK/floor.sql"
	done
}

# ---- timing ---------------------------------------------------------------

# timed NAME CMD...: runs CMD (output to $WORK/out/NAME), appends its wall time
# in nanoseconds to $WORK/times/NAME.  Returns CMD's status.
timed() {
	local name=$1 t0 t1 rc=0
	shift
	t0=$(date +%s%N)
	"$@" >"$WORK/out/$name" 2>&1 || rc=$?
	t1=$(date +%s%N)
	[ "$rc" -eq 0 ] && echo $((t1 - t0)) >>"$WORK/times/$name"
	return "$rc"
}

median() { # prints the median of the nanosecond figures in file $1, in seconds
	sort -n "$1" | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.3f", m / 1e9 }'
}

spread() { # prints "min-max" of the figures in file $1, in seconds
	sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f-%.3f", lo / 1e9, hi / 1e9 }'
}

# first line of a command's output, for a failure row
why() { grep -m1 -v '^[[:space:]]*$' "$WORK/out/$1" 2>/dev/null | cut -c1-100 || true; }

# ---- the tools ------------------------------------------------------------

declare -A UNAVAIL # UNAVAIL[tool]: why the tool cannot run at all
declare -A FAIL    # FAIL[key.tool]: why it has no figure for that key (sqlite, pg.status, ...)

find_strata() {
	if [ ! -x "$STRATA" ]; then
		UNAVAIL[strata]="${STRATA#"$ROOT"/} not found: run make"
	fi
}

# ---- SQLite ---------------------------------------------------------------

sqlite_tables() { sqlite3 "$1" "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name GLOB 't_[0-9]*'"; }

# sqlite_apply TOOL RUN: one timed run of TOOL on a fresh database file
sqlite_apply() {
	local tool=$1 run=$2 db=$WORK/sqlite/$1.db got
	rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
	sync
	case $tool in
	floor) timed "sqlite.$tool" sqlite3 -bail "$db" ".read $WORK/floor.sql" ;;
	strata) timed "sqlite.$tool" "$STRATA" --url "sqlite:$db" --dir "$WORK/strata" up --quiet ;;
	dbmate) timed "sqlite.$tool" "$DBMATE" --url "sqlite:$db" \
		--migrations-dir "$WORK/dbmate/db/migrations" --no-dump-schema up ;;
	esac || { FAIL[sqlite.$tool]="failed on run $run: $(why "sqlite.$tool")"; return 0; }
	got=$(sqlite_tables "$db" 2>/dev/null || echo 0)
	[ "$got" = "$N" ] || FAIL[sqlite.$tool]="failed: run $run created $got of $N tables"
}

sqlite_status() {
	local tool=$1 db=$WORK/sqlite/$1.db
	case $tool in
	floor) timed "sqlite.status.$tool" sqlite3 "$db" "SELECT version FROM schema_migrations ORDER BY version" ;;
	strata) timed "sqlite.status.$tool" "$STRATA" --url "sqlite:$db" --dir "$WORK/strata" status ;;
	dbmate) timed "sqlite.status.$tool" "$DBMATE" --url "sqlite:$db" \
		--migrations-dir "$WORK/dbmate/db/migrations" status ;;
	esac || FAIL[sqlite.status.$tool]="failed: $(why "sqlite.status.$tool")"
}

# ---- PostgreSQL -----------------------------------------------------------

pg_start() { pg_server_start; }

pg_sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 "$PGCONN dbname=${2:-postgres}" -c "$1"; }
pg_fresh() { pg_sql "DROP DATABASE IF EXISTS $1" >/dev/null && pg_sql "CREATE DATABASE $1" >/dev/null; }
pg_tables() { pg_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t_[0-9]+$'" "$1"; }

strata_pg_url() { echo "postgresql:///$1?host=$PGTMP&port=$PGPORT_BENCH&user=postgres"; }
# dbmate: the socket directory goes in ?socket=; the port must be given too
# (in the authority or as ?port=), or dbmate dials .s.PGSQL.5432.
dbmate_pg_url() { echo "postgres://postgres@:$PGPORT_BENCH/$1?socket=$PGTMP"; }

pg_apply() {
	local tool=$1 run=$2 db=bench_$1 got
	pg_fresh "$db"
	# Start every run from the same place: no dirty pages left from the last
	# one for the kernel to write back while this run waits on its fsyncs.
	pg_sql CHECKPOINT >/dev/null
	sync
	case $tool in
	floor) timed "pg.$tool" psql -X -q -v ON_ERROR_STOP=1 "$PGCONN dbname=$db" -f "$WORK/floor.sql" ;;
	strata) timed "pg.$tool" "$STRATA" --url "$(strata_pg_url "$db")" --dir "$WORK/strata" up --quiet ;;
	dbmate) timed "pg.$tool" "$DBMATE" --url "$(dbmate_pg_url "$db")" \
		--migrations-dir "$WORK/dbmate/db/migrations" --no-dump-schema up ;;
	esac || { FAIL[pg.$tool]="failed on run $run: $(why "pg.$tool")"; return 0; }
	got=$(pg_tables "$db" 2>/dev/null || echo 0)
	[ "$got" = "$N" ] || FAIL[pg.$tool]="failed: run $run created $got of $N tables"
}

pg_status() {
	local tool=$1 db=bench_$1
	case $tool in
	floor) timed "pg.status.$tool" psql -X -q -A -t -v ON_ERROR_STOP=1 "$PGCONN dbname=$db" \
		-c "SELECT version FROM schema_migrations ORDER BY version" ;;
	strata) timed "pg.status.$tool" "$STRATA" --url "$(strata_pg_url "$db")" --dir "$WORK/strata" status ;;
	dbmate) timed "pg.status.$tool" "$DBMATE" --url "$(dbmate_pg_url "$db")" \
		--migrations-dir "$WORK/dbmate/db/migrations" status ;;
	esac || FAIL[pg.status.$tool]="failed: $(why "pg.status.$tool")"
}

# ---- report ---------------------------------------------------------------

# table KEY TITLE: one line per tool with its median and its ratio to the floor
table() {
	local key=$1 title=$2 tool f floor_s s ratio
	printf '\n  %s\n' "$title"
	printf '  %-8s %10s %9s   %s\n' tool 'median s' 'x floor' 'min-max s'
	floor_s=""
	[ -s "$WORK/times/$key.floor" ] && floor_s=$(median "$WORK/times/$key.floor")
	for tool in floor strata dbmate; do
		f=$WORK/times/$key.$tool
		if [ -n "${UNAVAIL[$tool]:-}" ]; then
			printf '  %-8s %s\n' "$tool:" "${UNAVAIL[$tool]}"
			continue
		elif [ -n "${FAIL[$key.$tool]:-}" ] || [ ! -s "$f" ]; then
			printf '  %-8s %s\n' "$tool:" "${FAIL[$key.$tool]:-no figure: its up failed}"
			continue
		fi
		s=$(median "$f")
		ratio=-
		if [ -n "$floor_s" ]; then
			ratio=$(awk -v a="$s" -v b="$floor_s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		fi
		printf '  %-8s %10s %9s   %s\n' "$tool" "$s" "$ratio" "$(spread "$f")"
	done
}

# bench DB: RUNS rounds of (floor, strata, dbmate), rotating who goes first,
# then RUNS rounds of status on the last databases.
bench() {
	local db=$1 run i tool tools=(floor strata dbmate)
	for ((run = 1; run <= RUNS; run++)); do
		log "  $db: run $run of $RUNS"
		for ((i = 0; i < 3; i++)); do
			tool=${tools[$(((run - 1 + i) % 3))]}
			[ -z "${UNAVAIL[$tool]:-}${FAIL[$db.$tool]:-}" ] || continue
			if [ "$db" = sqlite ]; then sqlite_apply "$tool" "$run"; else pg_apply "$tool" "$run"; fi
		done
	done
	for ((run = 1; run <= RUNS; run++)); do
		for ((i = 0; i < 3; i++)); do
			tool=${tools[$(((run - 1 + i) % 3))]}
			[ -z "${UNAVAIL[$tool]:-}${FAIL[$db.$tool]:-}${FAIL[$db.status.$tool]:-}" ] || continue
			if [ "$db" = sqlite ]; then sqlite_status "$tool"; else pg_status "$tool"; fi
		done
	done
}

# ---- main -----------------------------------------------------------------

mkdir -p "$WORK/out" "$WORK/times" "$WORK/sqlite"
command -v sqlite3 >/dev/null 2>&1 || { echo "apply.sh: sqlite3 not found (apt-get install sqlite3)" >&2; exit 1; }
find_strata
find_dbmate

log "generating $N migrations in $WORK ..."
generate

printf 'strata apply benchmark: %s migrations (CREATE TABLE + CREATE INDEX each), median of %s run(s)\n' "$N" "$RUNS"
printf 'machine: %s, %s cores; %s\n' "$(uname -sm)" "$(nproc 2>/dev/null || echo '?')" "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'versions: sqlite3 %s' "$(sqlite3 --version | cut -d' ' -f1)"
[ -z "${UNAVAIL[strata]:-}" ] && printf ', strata %s' "$({ "$STRATA" --version 2>/dev/null || true; } | head -n1 | awk '{ print $NF } END { if (!NR) print "?" }')"
[ -z "${UNAVAIL[dbmate]:-}" ] && printf ', dbmate %s' "$("$DBMATE" --version | awk '{ print $NF }')"
printf '\nfloor: the database CLI running the same SQL, one transaction and one history INSERT per migration\n'

status=0
for db in $DBS; do
	case $db in
	sqlite)
		log "SQLite ..."
		bench sqlite
		printf '\nSQLite (file database, default journal and synchronous settings)\n'
		table sqlite "up: $N migrations on a fresh database"
		table sqlite.status "status with $N applied"
		;;
	pg)
		log "PostgreSQL: starting a throwaway server ..."
		PG_SKIP=""
		if ! pg_start; then
			printf '\nPostgreSQL: skipped: %s\n' "$PG_SKIP"
			continue
		fi
		printf '\nPostgreSQL %s (throwaway server, unix socket, fsync on)\n' \
			"$(pg_sql 'SHOW server_version' | awk '{ print $1 }')"
		bench pg
		table pg "up: $N migrations on a fresh database"
		table pg.status "status with $N applied"
		;;
	*) log "apply.sh: unknown database in DBS: $db" ;;
	esac
	[ -z "${UNAVAIL[strata]:-}${FAIL[$db.strata]:-}${FAIL[$db.status.strata]:-}" ] || status=1
done

if [ "$status" -ne 0 ]; then
	echo "apply.sh: strata has no figure: ${UNAVAIL[strata]:-see the rows above}" >&2
fi
exit "$status"
