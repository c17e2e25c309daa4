# PostgreSQL: a statement running for more than 2 s says what it is at or
# what it waits for; Ctrl-C cancels it and leaves the history true, and a
# CREATE INDEX CONCURRENTLY interrupted half-way is resumed by the next up.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# start_bg ARGS...: strata in the background, output in bg.out; job
# control on, so that the job keeps SIGINT (a non-interactive shell would
# start it with SIGINT ignored)
start_bg() {
	set -m
	"$STRATA" "$@" >"$TEST_DIR/bg.out" 2>&1 &
	BG=$!
	set +m
}

# wait_bg_says TEXT: until the background run's output has TEXT (30 s)
wait_bg_says() {
	for _ in $(seq 1 300); do
		grep -qF -- "$1" "$TEST_DIR/bg.out" && return 0
		sleep 0.1
	done
	cat "$TEST_DIR/bg.out" >&2
	fail "the background run never said '$1'"
}

# a table u(a, b) of 2000 rows, and slow(): an index expression that
# takes 10 ms a row while knob.slow is on (about 20 s for the build)
slow_table() {
	sql "CREATE TABLE knob (slow boolean)"
	sql "INSERT INTO knob VALUES (true)"
	sql "CREATE FUNCTION slow(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS \$\$
BEGIN
  IF (SELECT slow FROM public.knob) THEN PERFORM pg_sleep(0.01); END IF;
  RETURN x;
END \$\$"
	sql "CREATE TABLE u (id int PRIMARY KEY, a int, b int)"
	sql "INSERT INTO u SELECT g, g, g FROM generate_series(1, 2000) g"
}

test_concurrently_interrupted_then_resumed() {
	slow_table
	mig 001_idx.up.sql "CREATE INDEX CONCURRENTLY u_a ON u (a);
CREATE INDEX CONCURRENTLY u_b ON u (slow(b));"
	mig 001_idx.down.sql "DROP INDEX CONCURRENTLY u_b;
DROP INDEX CONCURRENTLY u_a;"
	start_bg up
	# the slow build reports its phase after 2 s; then Ctrl-C
	wait_bg_says "001_idx: statement 2 of 2, "
	kill -INT "$BG"
	rc=0
	wait "$BG" || rc=$?
	bg=$(cat "$TEST_DIR/bg.out")
	assert_eq "$rc" 130
	case "$bg" in
	*"001_idx: statement 2 of 2, "*" s, "*"% of "*": CREATE INDEX CONCURRENTLY: building index"*) ;;
	*) fail "no build phase in: $bg" ;;
	esac
	case "$bg" in
	*"migrations/001_idx.up.sql:2:1: error: interrupted: the statement was cancelled (SQLSTATE 57014)"*) ;;
	*) fail "no interrupted error in: $bg" ;;
	esac
	case "$bg" in *"it goes on from statement 2"*) ;; *) fail "no way out in: $bg" ;; esac
	# statement 1 stays done, the cancelled build left an INVALID index
	assert_eq "$(sql "SELECT state || ' ' || failed_statement FROM strata_migrations")" "dirty 2"
	assert_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_a'::regclass")" t
	assert_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_b'::regclass")" f
	assert_eq "$(sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX%'")" 0
	# up goes on with statement 2, after dropping the leftover
	sql "UPDATE knob SET slow = false"
	st up
	assert_rc 0
	assert_err "going on with 001_idx at statement 2 of 2"
	assert_err "dropped the invalid index u_b that a failed CREATE INDEX CONCURRENTLY left behind"
	assert_eq "$(sql "SELECT string_agg(indexrelid::regclass || ' ' || indisvalid, ',' ORDER BY 1) FROM pg_index WHERE indrelid = 'u'::regclass AND NOT indisprimary")" "u_a true,u_b true"
	assert_eq "$(sql "SELECT state FROM strata_migrations")" applied
}

test_interrupted_transaction_changes_nothing() {
	mig 001_slow.up.sql "CREATE TABLE t (id int);
SELECT pg_sleep(60);"
	mig 001_slow.down.sql "DROP TABLE t;"
	start_bg up
	wait_bg_says "001_slow: statement 2 of 2, "
	kill -TERM "$BG"
	rc=0
	wait "$BG" || rc=$?
	bg=$(cat "$TEST_DIR/bg.out")
	assert_eq "$rc" 143
	case "$bg" in
	*"migrations/001_slow.up.sql:2:1: error: interrupted: the statement was cancelled"*) ;;
	*) fail "no interrupted error in: $bg" ;;
	esac
	case "$bg" in *"way out: nothing changed: the migration's transaction was rolled back"*) ;;
	*) fail "no way out in: $bg" ;;
	esac
	assert_eq "$(table_exists t)" 0
	assert_eq "$(hist_count)" 0
	# the server is not left running the statement
	assert_eq "$(sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()")" 0
}

test_blocked_statement_says_who_it_waits_for() {
	sql "CREATE TABLE t (id int)"
	# without a lock timeout the ALTER waits for the blocker (4 s)
	mig 001_add.up.sql "-- strata:lock-timeout 0
ALTER TABLE t ADD COLUMN note text;"
	mig 001_add.down.sql "ALTER TABLE t DROP COLUMN note;"
	psql -X -q -A -t "$PG_TEST_URL" -c "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; SELECT pg_sleep(4); COMMIT;" \
		>/dev/null 2>&1 &
	blocker_job=$!
	for _ in $(seq 1 100); do
		pid=$(sql "SELECT pid FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE t%' AND pid <> pg_backend_pid()")
		[ -n "$pid" ] && break
		sleep 0.05
	done
	[ -n "$pid" ] || fail "the blocking session never started"
	st up --json
	wait "$blocker_job"
	assert_rc 0
	assert_json
	assert_eq "$(jqv '.migrations[0].action')" applied
	assert_eq "$(jqv '[.events[] | select(.event == "progress")][0].blocked_by')" "$pid"
	assert_eq "$(jqv '[.events[] | select(.event == "progress")][0].message | test("^001_add: statement 1 of 1, [0-9]+ s: waiting for a lock [(]relation[)] held by pid [0-9]+ [(]active for [0-9]+ s[)], running: BEGIN; LOCK TABLE t")')" true
	assert_eq "$(table_columns t)" "id,note"
}
