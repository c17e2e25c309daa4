# concurrent runs: the migration lock
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# 001 creates a log table; each later migration logs itself once, and 002
# takes a while so that the other runs really wait for the lock
locked_migs() {
	case "$DB" in
	sqlite) slow="select count(*) from (with recursive c(x) as (select 1 union all select x + 1 from c where x < 200000) select x from c);" ;;
	pg) slow="select pg_sleep(0.3);" ;;
	mysql) slow="select sleep(0.3);" ;;
	esac
	mig 001_log.up.sql 'create table log(v text);'
	mig 002_slow.up.sql "$slow
insert into log values ('002');"
	for i in 3 4 5 6 7 8; do
		mig "00${i}_m$i.up.sql" "insert into log values ('00$i');"
	done
}

# run_parallel N ARGS: N strata runs at once; their exit codes in rc.1..N
run_parallel() {
	n=$1
	shift
	for i in $(seq "$n"); do
		("$STRATA" "$@" >"out.$i" 2>"err.$i"; echo $? >"rc.$i") &
	done
	wait
	for i in $(seq "$n"); do
		printf '$ strata %s  [run %s, exit %s]\n' "$*" "$i" "$(cat "rc.$i")" >&2
		cat "out.$i" "err.$i" >&2
	done
}

test_lock_eight_parallel_up_apply_each_once() {
	locked_migs
	run_parallel 8 up
	for i in $(seq 8); do
		assert_eq "$(cat "rc.$i")" 0
		grep -qi 'error' "err.$i" && fail "run $i reported an error"
	done
	assert_eq "$(sql "select v || ':' || count(*) from log group by v order by v" | paste -sd, -)" \
		"002:1,003:1,004:1,005:1,006:1,007:1,008:1"
	assert_eq "$(hist_count)" 8
	assert_eq "$(hist_versions)" "001,002,003,004,005,006,007,008"
	# each migration is reported as applied by exactly one run
	for v in 001_log 002_slow 005_m5 008_m8; do
		assert_eq "$(cat out.* | grep -c "applied *$v")" 1
	done
}

test_lock_eight_parallel_up_on_existing_history() {
	locked_migs
	st up 1
	assert_rc 0
	run_parallel 8 up
	for i in $(seq 8); do
		assert_eq "$(cat "rc.$i")" 0
	done
	assert_eq "$(sql "select count(*) from log")" 7
	assert_eq "$(sql "select count(distinct v) from log")" 7
	assert_eq "$(hist_count)" 8
}

test_lock_parallel_up_and_status() {
	locked_migs
	( "$STRATA" up >out.up 2>err.up; echo $? >rc.up ) &
	for i in 1 2 3; do
		( "$STRATA" status >"out.s$i" 2>"err.s$i"; echo $? >"rc.s$i" ) &
	done
	wait
	cat err.* >&2
	assert_eq "$(cat rc.up)" 0
	for i in 1 2 3; do assert_eq "$(cat "rc.s$i")" 0; done
	assert_eq "$(sql "select count(*) from log")" 7
	assert_eq "$(hist_count)" 8
}
