# The run lock on PostgreSQL: a second run waits with a message naming the
# holder, and gives up after --lock-wait without touching anything.

test_lock_wait_names_holder_and_times_out() {
	mig 001_slow.up.sql 'create table slow(id int);
select pg_sleep(4);'
	"$STRATA" up -q > first.out 2>&1 &
	first=$!
	# until the first run holds the lock (its history table exists)
	for _ in $(seq 50); do
		[ "$(sql "select count(*) from pg_locks where locktype = 'advisory'")" = 1 ] && break
		sleep 0.1
	done
	st --lock-wait 1 up
	assert_rc 1
	assert_err "waiting for the migration lock held by pid"
	assert_err "timed out"
	wait "$first" || fail "the first run failed: $(cat first.out)"
	assert_eq "$(sql "select count(*) from strata_migrations")" 1
	st up
	assert_rc 0
	assert_out "nothing to do"
}
