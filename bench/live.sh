#!/usr/bin/env bash
# The production stall: applies `ALTER TABLE accounts ADD COLUMN flag text` to
# a 1M-row table that a steady pgbench load (~200 tps) is using, while another
# session holds a conflicting lock for 10 s.  Once with dbmate (no
# lock_timeout: its ALTER queues for the whole 10 s and every client query on
# the table queues behind it), once with strata (lock_timeout 250ms, retries),
# and once with no migration at all (the control: what the load sees anyway).
# Prints, for each round, the clients' p99 and max latency, their failed
# transactions, the migration's wall time and whether it was applied.  It
# reports; it never asserts a time.  See bench/README.md.
#
#   bench/live.sh                  RUNS=1, TOOLS="none dbmate strata",
#                                  ROWS=1000000, TPS=200, LOAD_SECS=25,
#                                  BLOCK_SECS=10, STRATA=build/strata
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-1}
TOOLS=${TOOLS:-"none dbmate strata"}
ROWS=${ROWS:-1000000}
TPS=${TPS:-200}
LOAD_SECS=${LOAD_SECS:-25}  # how long each round's load runs
BLOCK_SECS=${BLOCK_SECS:-10} # how long the blocker holds its lock
WARMUP_SECS=3                # load alone before the blocker starts
MIG_DELAY_SECS=1             # blocker alone before the migration starts
CLIENTS=4
THREADS=2
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=$ROOT/bench/.peers
PGPORT_BENCH=5432 # only names the socket file: the server listens on no TCP port
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for v in RUNS ROWS TPS LOAD_SECS BLOCK_SECS; do
	case ${!v} in '' | *[!0-9]* | 0) echo "live.sh: $v must be a positive integer" >&2; exit 2 ;; esac
done
for t in $TOOLS; do
	case $t in none | dbmate | strata) ;; *) echo "live.sh: unknown tool in TOOLS: $t (none, dbmate, strata)" >&2; exit 2 ;; esac
done
if [ "$LOAD_SECS" -lt $((WARMUP_SECS + MIG_DELAY_SECS + BLOCK_SECS + 2)) ]; then
	echo "live.sh: LOAD_SECS must be at least BLOCK_SECS + $((WARMUP_SECS + MIG_DELAY_SECS + 2))" >&2
	exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-live.XXXXXX")
PGTMP=""
PG_RUNNING=0
AS_PG=() # prefix that runs a command as the server's owner
BG=()    # pids of the background jobs of the current round (load, blocker)

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
	pg_server_stop immediate
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }
now_ns() { date +%s%N; }
# secs NS: nanoseconds as seconds with one decimal
secs() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e9 }'; }

# ---- the tools ------------------------------------------------------------

declare -A UNAVAIL # UNAVAIL[tool]: why the tool cannot run at all

find_strata() {
	[ -x "$STRATA" ] || UNAVAIL[strata]="${STRATA#"$ROOT"/} not found: run make"
}

# The same migration in each tool's format.
write_migrations() {
	local up='ALTER TABLE accounts ADD COLUMN flag text;' down='ALTER TABLE accounts DROP COLUMN flag;'
	mkdir -p "$WORK/strata" "$WORK/dbmate/db/migrations"
	printf '%s\n' "$up" >"$WORK/strata/000001_add_flag.up.sql"
	printf '%s\n' "$down" >"$WORK/strata/000001_add_flag.down.sql"
	printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" \
		>"$WORK/dbmate/db/migrations/000001_add_flag.sql"
}

# The client load: one short read-write transaction on a random row.
write_load() {
	cat >"$WORK/load.sql" <<-EOF
		\\set id random(1, $ROWS)
		BEGIN;
		UPDATE accounts SET balance = balance + 1 WHERE id = :id;
		SELECT balance, note FROM accounts WHERE id = :id;
		END;
	EOF
}

# ---- PostgreSQL (as in bench/apply.sh) ------------------------------------

pg_start() {
	pg_server_start || return 1
	PGBENCH=""
	if [ -x "$PG_BIN/pgbench" ]; then
		PGBENCH=$PG_BIN/pgbench
	elif command -v pgbench >/dev/null 2>&1; then
		PGBENCH=$(command -v pgbench)
	else
		PG_SKIP="pgbench not found (it comes with the PostgreSQL server: apt-get install postgresql)"
		return 1
	fi
}

pg_sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 "$PGCONN dbname=${2:-live}" -c "$1"; }

strata_pg_url() { echo "postgresql:///live?host=$PGTMP&port=$PGPORT_BENCH&user=postgres"; }
# dbmate: the socket directory goes in ?socket=; the port must be given too.
dbmate_pg_url() { echo "postgres://postgres@:$PGPORT_BENCH/live?socket=$PGTMP"; }

setup_table() {
	pg_sql "CREATE DATABASE live" postgres >/dev/null
	pg_sql "CREATE TABLE accounts (id bigint NOT NULL, balance bigint NOT NULL, note text);
		INSERT INTO accounts SELECT g, 0, md5(g::text) FROM generate_series(1, $ROWS) g;
		ALTER TABLE accounts ADD PRIMARY KEY (id);" >/dev/null
	pg_sql "VACUUM ANALYZE accounts" >/dev/null
}

flag_exists() {
	pg_sql "SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass
		AND attname = 'flag' AND NOT attisdropped"
}

# Back to the state before any migration: no column, no history tables.
reset_round() {
	pg_sql "ALTER TABLE accounts DROP COLUMN IF EXISTS flag;
		DROP TABLE IF EXISTS strata_migrations, schema_migrations;" >/dev/null
	pg_sql "VACUUM ANALYZE accounts" >/dev/null
	# No checkpoint or dirty pages left over for the round to pay for.
	pg_sql CHECKPOINT >/dev/null
	sync
}

# ---- one round --------------------------------------------------------------

# sleep_until NS: sleeps until the clock reads NS nanoseconds
sleep_until() {
	local left=$(($1 - $(now_ns)))
	[ "$left" -le 0 ] || sleep "$(awk -v n="$left" 'BEGIN { printf "%.3f", n / 1e9 }')"
}

# round TOOL KEY: load + blocker + TOOL's migration; results in $WORK/KEY/
round() {
	local tool=$1 key=$2 d=$WORK/$2 t0 rc=0
	mkdir -p "$d"
	reset_round
	t0=$(now_ns)
	echo "$t0" >"$d/t0"
	"$PGBENCH" -n -f "$WORK/load.sql" -R "$TPS" -c "$CLIENTS" -j "$THREADS" -T "$LOAD_SECS" \
		-l --log-prefix="$d/txn" "$PGCONN dbname=live" >"$d/pgbench.out" 2>&1 &
	BG+=($!)
	local load_pid=$!

	sleep_until $((t0 + WARMUP_SECS * 1000000000))
	(
		now_ns >"$d/blocker.start"
		PGAPPNAME=live-blocker psql -X -q -v ON_ERROR_STOP=1 "$PGCONN dbname=live" \
			-c 'BEGIN' -c 'LOCK TABLE accounts IN ACCESS SHARE MODE' \
			-c "SELECT pg_sleep($BLOCK_SECS)" -c 'COMMIT' >"$d/blocker.out" 2>&1 || echo "$?" >"$d/blocker.rc"
		now_ns >"$d/blocker.end"
	) &
	BG+=($!)
	local blocker_pid=$!

	sleep_until $((t0 + (WARMUP_SECS + MIG_DELAY_SECS) * 1000000000))
	# Is the blocker really holding its lock?
	pg_sql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE a.application_name = 'live-blocker' AND l.granted
		AND l.relation = 'accounts'::regclass AND l.mode = 'AccessShareLock'" >"$d/blocker.held" 2>&1 || true

	if [ "$tool" != none ]; then
		now_ns >"$d/mig.start"
		case $tool in
		strata) timeout 300 "$STRATA" --url "$(strata_pg_url)" --dir "$WORK/strata" up ;;
		dbmate) timeout 300 "$DBMATE" --url "$(dbmate_pg_url)" \
			--migrations-dir "$WORK/dbmate/db/migrations" --no-dump-schema up ;;
		esac >"$d/mig.out" 2>&1 || rc=$?
		now_ns >"$d/mig.end"
		echo "$rc" >"$d/mig.rc"
	fi

	wait "$blocker_pid" || true
	rc=0
	wait "$load_pid" || rc=$?
	echo "$rc" >"$d/pgbench.rc"
	BG=()
	[ "$tool" = none ] || flag_exists >"$d/applied" 2>&1 || echo "?" >"$d/applied"
}

# ---- report ---------------------------------------------------------------

# lat_stats KEY: "txns failed p99_ms max_ms over300" from pgbench's per-
# transaction logs.  Field 3 is the latency in microseconds, counted (with -R)
# from the transaction's scheduled start, so time spent waiting for an earlier
# stalled transaction counts too: what an application's request would see.
lat_stats() {
	local d=$WORK/$1 failed
	failed=$(cat "$d"/txn.* 2>/dev/null | awk '$3 !~ /^[0-9]+$/ && NF >= 3 { f++ } END { print f + 0 }')
	cat "$d"/txn.* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n | awk -v failed="$failed" '
		{ lat[NR] = $1; if ($1 > 300000) over++ }
		END {
			if (NR == 0) { printf "0 %d - - 0\n", failed; exit }
			i = int(NR * 0.99); if (i < NR * 0.99) i++; if (i < 1) i = 1
			printf "%d %d %.1f %.1f %d\n", NR, failed, lat[i] / 1000, lat[NR] / 1000, over + 0
		}'
}

rel() { # rel KEY FILE: the time in FILE, in seconds since the round started
	local d=$WORK/$1
	if [ -s "$d/$2" ]; then secs $(($(cat "$d/$2") - $(cat "$d/t0"))); else echo "?"; fi
}

report_round() {
	local tool=$1 key=$2 label=$3 d=$WORK/$2 st txns failed p99 max over mig applied tries aborted
	st=$(lat_stats "$key")
	read -r txns failed p99 max over <<<"$st"
	# pgbench's own count of failed transactions, when it printed one
	failed=$(awk -v f="$failed" '/^number of failed transactions:/ { f = $5 } END { print f }' "$d/pgbench.out")
	aborted=$(grep -c 'aborted' "$d/pgbench.out" || true)
	mig=- applied=- tries=-
	if [ "$tool" != none ]; then
		mig=$(secs $(($(cat "$d/mig.end") - $(cat "$d/mig.start"))))
		case $(cat "$d/applied") in 1) applied=yes ;; 0) applied=no ;; *) applied='?' ;; esac
		[ "$(cat "$d/mig.rc")" = 0 ] || applied="$applied (exit $(cat "$d/mig.rc"))"
		if [ "$tool" = strata ]; then
			tries=$(grep -c 'lock_timeout (' "$d/mig.out" || true)
			[ "$applied" = yes ] && tries=$((tries + 1))
		fi
	fi
	printf '  %-10s %6s %7s %9s %9s %7s %12s  %-8s %5s\n' \
		"$label" "$txns" "$failed" "$p99" "$max" "$over" "$mig" "$applied" "$tries"
	# the round's timeline, and anything that went wrong
	local line
	line="blocker $(rel "$key" blocker.start)-$(rel "$key" blocker.end) s"
	if [ "$tool" != none ]; then
		line+=", migration $(rel "$key" mig.start)-$(rel "$key" mig.end) s"
		line+=$(awk -v n=$(($(cat "$d/mig.end") - $(cat "$d/blocker.end"))) 'BEGIN {
			if (n >= 0) printf " (ended %.1f s after the blocker)", n / 1e9
			else printf " (ended %.1f s before the blocker)", -n / 1e9 }')
	fi
	printf '  %-10s %s\n' "" "$line"
	[ "$(cat "$d/blocker.held" 2>/dev/null)" = 1 ] ||
		printf '  %-10s note: the blocker did not hold its lock when the migration started\n' ""
	[ ! -s "$d/blocker.rc" ] ||
		printf '  %-10s note: the blocker failed: %s\n' "" "$(head -n1 "$d/blocker.out" | cut -c1-80)"
	[ "$aborted" = 0 ] ||
		printf '  %-10s note: pgbench: %s\n' "" "$(grep -m1 aborted "$d/pgbench.out" | cut -c1-90)"
	if [ "$tool" != none ] && [ "$(cat "$d/mig.rc")" != 0 ]; then
		printf '  %-10s note: %s: %s\n' "" "$tool" "$(grep -m1 -v '^[[:space:]]*$' "$d/mig.out" | cut -c1-90)"
	fi
	if [ "$tool" = strata ] && grep -q 'lock_timeout (' "$d/mig.out"; then
		# the first of strata's retry lines, to show what it says
		printf '  %-10s first retry line: %s\n' "" \
			"$(grep -m1 'lock_timeout (' "$d/mig.out" | sed -E 's/^strata: //; s/(blocked by pid [0-9]+).*/\1/' | cut -c1-110)"
	fi
	return 0
}

# ---- main -----------------------------------------------------------------

find_strata
find_dbmate
write_migrations
write_load

printf 'strata live benchmark: ADD COLUMN on a %s-row table under a %s tps load, while a session holds a conflicting lock for %s s\n' \
	"$ROWS" "$TPS" "$BLOCK_SECS"
printf 'machine: %s, %s cores; %s\n' "$(uname -sm)" "$(nproc 2>/dev/null || echo '?')" "$(date -u '+%Y-%m-%d %H:%M UTC')"

log "PostgreSQL: starting a throwaway server ..."
PG_SKIP=""
if ! pg_start; then
	printf 'PostgreSQL: skipped: %s\n' "$PG_SKIP"
	echo "live.sh: no figures: $PG_SKIP" >&2
	exit 1
fi
printf 'versions: PostgreSQL %s, pgbench %s' "$(pg_sql 'SHOW server_version' postgres | awk '{ print $1 }')" \
	"$("$PGBENCH" --version | awk '{ print $3 }')"
[ -z "${UNAVAIL[strata]:-}" ] && printf ', strata %s' "$({ "$STRATA" --version 2>/dev/null || true; } | head -n1 | awk '{ print $NF } END { if (!NR) print "?" }')"
[ -z "${UNAVAIL[dbmate]:-}" ] && printf ', dbmate %s' "$("$DBMATE" --version | awk '{ print $NF }')"
printf '\n'
printf 'load: pgbench -R %s -c %s -j %s -T %s (UPDATE + SELECT of one random row per transaction)\n' \
	"$TPS" "$CLIENTS" "$THREADS" "$LOAD_SECS"
printf 'each round: load from 0 s; at %s s a session takes ACCESS SHARE on accounts for %s s; at %s s the migration starts\n' \
	"$WARMUP_SECS" "$BLOCK_SECS" "$((WARMUP_SECS + MIG_DELAY_SECS))"

log "creating accounts with $ROWS rows ..."
setup_table

read -r -a TOOLARR <<<"$TOOLS"
for ((run = 1; run <= RUNS; run++)); do
	for ((i = 0; i < ${#TOOLARR[@]}; i++)); do
		tool=${TOOLARR[$(((run - 1 + i) % ${#TOOLARR[@]}))]}
		[ -z "${UNAVAIL[$tool]:-}" ] || continue
		log "  run $run of $RUNS: $tool ..."
		round "$tool" "$tool.$run"
	done
done

printf '\n  %-10s %6s %7s %9s %9s %7s %12s  %-8s %5s\n' \
	round txns failed 'p99 ms' 'max ms' '>300ms' 'migration s' applied tries
for tool in $TOOLS; do
	if [ -n "${UNAVAIL[$tool]:-}" ]; then
		printf '  %-10s %s\n' "$tool:" "${UNAVAIL[$tool]}"
		continue
	fi
	for ((run = 1; run <= RUNS; run++)); do
		label=$tool
		[ "$RUNS" = 1 ] || label="$tool #$run"
		[ "$tool" != none ] || label=${label/none/no-migr}
		report_round "$tool" "$tool.$run" "$label"
	done
done

cat <<EOF

  latencies are per client transaction over the whole round, counted from its
  scheduled start (pgbench -R), so queueing behind a stall counts.
  target (issue 4): with strata, max latency <= 300 ms, 0 failed client
  transactions, and the migration applied once the blocker ends; dbmate's
  stall for comparison.
EOF

status=0
if [ -n "${UNAVAIL[strata]:-}" ]; then
	echo "live.sh: strata has no figure: ${UNAVAIL[strata]}" >&2
	status=1
fi
exit "$status"
