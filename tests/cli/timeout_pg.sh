# PostgreSQL: every migration runs with a short lock_timeout; a lock
# timeout rolls the migration back and tries again, naming the blocker.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# block SECONDS: another session holds ACCESS SHARE on t for that long
# (enough to stop ALTER TABLE t); returns once the lock is held.
block() {
	psql -X -q -A -t "$PG_TEST_URL" -c "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; SELECT pg_sleep($1); COMMIT;" \
		>/dev/null 2>&1 &
	BLOCKER=$!
	for _ in $(seq 1 100); do
		[ "$(sql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.granted AND l.pid <> pg_backend_pid()")" -gt 0 ] && return 0
		sleep 0.05
	done
	fail "the blocking session never took its lock"
}

unblock() {
	sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$BLOCKER" 2>/dev/null || true
}

setup_t() {
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
	mig 002_add.up.sql "ALTER TABLE t ADD COLUMN note text;"
	mig 002_add.down.sql "ALTER TABLE t DROP COLUMN note;"
}

test_lock_timeout_retries_until_the_blocker_ends() {
	setup_t
	block 2
	st up
	unblock
	assert_rc 0
	assert_err "002_add: lock_timeout (250 ms) in statement 1, try 2 of 20 in "
	assert_err "; blocked by pid "
	assert_err "holding 't'), running: BEGIN; LOCK TABLE t IN ACCESS SHARE MODE;"
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(table_columns t)" "id,note"
}

test_lock_tries_exhausted_leaves_nothing_changed() {
	setup_t
	block 30
	st up --lock-tries 3 --lock-timeout 100ms
	unblock
	assert_rc 1
	assert_err "canceling statement due to lock timeout (SQLSTATE 55P03)"
	assert_err "gave up after 3 tries: each waited 100 ms for a lock and was rolled back, so nothing changed; blocked by pid "
	assert_err "way out: end the blocking session"
	assert_eq "$(printf '%s\n' "$err" | grep -c ', try [0-9]* of 3 in ')" 2
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_columns t)" "id"
}

test_every_migration_runs_with_the_timeouts_set() {
	mig 001_check.up.sql "DO \$\$ BEGIN
  IF current_setting('lock_timeout') <> '250ms' THEN
    RAISE EXCEPTION 'lock_timeout is %', current_setting('lock_timeout');
  END IF;
  IF current_setting('statement_timeout') <> '0' THEN
    RAISE EXCEPTION 'statement_timeout is %', current_setting('statement_timeout');
  END IF;
END \$\$;"
	mig 001_check.down.sql "SELECT 1;"
	st up
	assert_rc 0
	# a section's directives win over the defaults and the flags
	mig 002_own.up.sql "-- strata:lock-timeout 2s
-- strata:statement-timeout 1min
DO \$\$ BEGIN
  IF current_setting('lock_timeout') <> '2s' OR current_setting('statement_timeout') <> '1min' THEN
    RAISE EXCEPTION 'got % and %', current_setting('lock_timeout'), current_setting('statement_timeout');
  END IF;
END \$\$;"
	mig 002_own.down.sql "SELECT 1;"
	st up --lock-timeout 5s
	assert_rc 0
	# and the settings do not leak into the session afterwards
	mig 003_flags.up.sql "-- strata:no-transaction
DO \$\$ BEGIN
  IF current_setting('lock_timeout') <> '5s' THEN
    RAISE EXCEPTION 'lock_timeout is %', current_setting('lock_timeout');
  END IF;
END \$\$;"
	mig 003_flags.down.sql "SELECT 1;"
	st up --lock-timeout 5s
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
}

test_statement_timeout_stops_a_long_statement_without_retrying() {
	mig 001_slow.up.sql "SELECT pg_sleep(2);"
	mig 001_slow.down.sql "SELECT 1;"
	st up --statement-timeout 100ms
	assert_rc 1
	assert_err "canceling statement due to statement timeout (SQLSTATE 57014)"
	assert_no "try 2"
	assert_eq "$(hist_count)" 0
}

test_no_transaction_statement_is_retried_alone() {
	setup_t
	mig 002_add.up.sql "-- strata:no-transaction
CREATE TABLE u (id bigint PRIMARY KEY);
ALTER TABLE t ADD COLUMN note text;"
	block 2
	st up
	unblock
	assert_rc 0
	assert_err "002_add: lock_timeout (250 ms) in statement 2, try 2 of 20"
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(table_columns t)" "id,note"
}

test_timeout_settings_are_checked() {
	mig 001_a.up.sql "-- strata:lock-timeout soon
SELECT 1;"
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:1:24: error: 'strata:lock-timeout' takes a duration like 500ms, 5s or 2min, not 'soon'"
	mig 001_a.up.sql "SELECT 1;"
	st up --lock-timeout fast
	assert_rc 2
	assert_err "--lock-timeout takes a duration like 250ms, 5s or 2min, not 'fast'"
	st up --lock-tries 0
	assert_rc 2
	printf '[run]\nlock-timeout = later\n' >strata.ini
	st up
	assert_rc 2
	assert_err "strata.ini: 'lock-timeout = later'"
	printf '[run]\nlock-tmeout = 1s\n' >strata.ini
	st up
	assert_rc 2
	assert_err "unknown setting 'lock-tmeout' in [run]"
}
