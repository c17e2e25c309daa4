# The run lock on SQLite is the database's write lock: a run that cannot get
# it within --lock-wait fails cleanly and changes nothing.

test_lock_sqlite_write_lock_times_out() {
	mig 001_a.up.sql 'create table a(id integer);'
	sql 'create table other(x integer);'
	# another program holds the write lock for 3 seconds
	( printf 'BEGIN IMMEDIATE;\nINSERT INTO other VALUES (1);\n'; sleep 3; printf 'COMMIT;\n' ) |
		sqlite3 "$TEST_DIR/test.db" &
	holder=$!
	sleep 0.5
	st --lock-wait 1 up
	assert_rc 1
	assert_err "timed out after 1.0s waiting for the database's write lock"
	wait "$holder"
	assert_eq "$(sql "select count(*) from sqlite_master where name = 'a'")" 0
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from strata_migrations")" 1
}
