# -- strata:batch size=N pause=D: an UPDATE ... WHERE run as many short
# transactions until no row matches; safe to interrupt and run again.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# rows N: migration 001 creates t with N rows and an empty column `done`
rows() {
	case $DB in
	sqlite) fill="WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $1)
INSERT INTO t (id) SELECT i FROM g;" ;;
	pg) fill="INSERT INTO t (id) SELECT g FROM generate_series(1, $1) g;" ;;
	mysql) fill="INSERT INTO t (id) SELECT seq FROM seq_1_to_$1;" ;; # MariaDB's
	esac
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY, done bigint);
$fill"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
}

test_backfill_runs_in_batches_until_nothing_matches() {
	rows 5000
	mig 002_fill.up.sql "-- strata:batch size=1000 pause=1ms
UPDATE t SET done = id * 2 WHERE done IS NULL;"
	mig 002_fill.down.sql "UPDATE t SET done = NULL WHERE done IS NOT NULL;"
	st up --allow-destructive
	assert_rc 0
	assert_err "002_fill: backfill 5000 of 5000 rows"
	assert_eq "$(sql "SELECT count(*) FROM t WHERE done = id * 2")" 5000
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "SELECT state FROM strata_migrations WHERE version = '002'")" applied
}

test_backfill_between_ordinary_statements() {
	rows 300
	mig 002_fill.up.sql "CREATE TABLE before_fill (id bigint PRIMARY KEY);
-- strata:batch size=100
UPDATE t SET done = 1 WHERE done IS NULL;
CREATE TABLE after_fill (id bigint PRIMARY KEY);"
	mig 002_fill.down.sql "DROP TABLE after_fill;
DROP TABLE before_fill;"
	st up
	assert_rc 0
	assert_eq "$(table_exists before_fill)$(table_exists after_fill)" 11
	assert_eq "$(sql "SELECT count(*) FROM t WHERE done = 1")" 300
}

test_backfill_that_never_ends_is_stopped() {
	rows 50
	mig 002_fill.up.sql "-- strata:batch size=10
UPDATE t SET done = coalesce(done, 0) + 1 WHERE id > 0;"
	mig 002_fill.down.sql "SELECT 1;"
	st up
	assert_rc 1
	assert_err "its WHERE must stop matching a row once the SET has done it"
	assert_err "migrations/002_fill.up.sql:2:1: error:"
}

test_backfill_needs_update_set_where() {
	rows 10
	mig 002_fill.up.sql "-- strata:batch size=10
DELETE FROM t WHERE id > 5;"
	mig 002_fill.down.sql "SELECT 1;"
	st up
	assert_rc 1
	assert_err "'strata:batch' needs a statement of the form 'UPDATE table SET ... WHERE condition'"
	assert_eq "$(sql "SELECT count(*) FROM t")" 10
	mig 002_fill.up.sql "-- strata:batch size=lots
UPDATE t SET done = 1 WHERE done IS NULL;"
	st up
	assert_rc 1
	assert_err "migrations/002_fill.up.sql:1:4: error: 'strata:batch' takes size=ROWS"
}

test_backfill_interrupted_then_run_again() {
	rows 100000
	mig 002_fill.up.sql "-- strata:batch size=1000 pause=20ms
UPDATE t SET done = id WHERE done IS NULL;"
	mig 002_fill.down.sql "SELECT 1;"
	# job control on: a background job then keeps SIGINT (a non-interactive
	# shell would start it with SIGINT ignored)
	set -m
	"$STRATA" up >"$TEST_DIR/bg.out" 2>&1 &
	pid=$!
	set +m
	# let a few batches commit, then interrupt
	for _ in $(seq 1 100); do
		[ "$(sql "SELECT count(*) FROM t WHERE done IS NOT NULL")" -ge 3000 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" && fail "the interrupted run exited 0"
	part=$(sql "SELECT count(*) FROM t WHERE done IS NOT NULL")
	[ "$part" -ge 3000 ] && [ "$part" -lt 100000 ] || fail "interrupted at $part rows"
	# committed batches stay; the migration is dirty, and up goes on
	assert_eq "$(sql "SELECT state FROM strata_migrations WHERE version = '002'")" dirty
	st up
	assert_rc 0
	assert_err "going on with 002_fill at statement 1 of 1"
	assert_eq "$(sql "SELECT count(*) FROM t WHERE done = id")" 100000
	assert_eq "$(sql "SELECT state FROM strata_migrations WHERE version = '002'")" applied
}

test_backfill_progress_in_json() {
	rows 200
	mig 002_fill.up.sql "-- strata:batch size=50
UPDATE t SET done = 1 WHERE done IS NULL;"
	mig 002_fill.down.sql "SELECT 1;"
	st up --json
	assert_rc 0
	assert_eq "$(printf '%s' "$out" | jq -r '[.events[] | select(.event == "progress")][-1] | "\(.version) \(.message | test("^002_fill: backfill 200 of 200 rows [(][0-9]+ rows/s[)]$"))"')" \
		"002 true"
	assert_eq "$(printf '%s' "$out" | jq -r '.migrations[0].action')" applied
}
