# SQLite: a statement running for more than 2 s says so, and Ctrl-C
# interrupts it and rolls its migration back.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_interrupted_statement_rolls_back() {
	mig 001_t.up.sql "CREATE TABLE t (id int);"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
	# counts to a billion: minutes, unless interrupted
	mig 002_slow.up.sql "INSERT INTO t VALUES (1);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
SELECT count(*) FROM c;"
	mig 002_slow.down.sql "DELETE FROM t;"
	# job control on: the background job keeps SIGINT
	set -m
	"$STRATA" up >"$TEST_DIR/bg.out" 2>&1 &
	pid=$!
	set +m
	for _ in $(seq 1 300); do
		grep -qF "002_slow: statement 2 of 2, " "$TEST_DIR/bg.out" && break
		sleep 0.1
	done
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	bg=$(cat "$TEST_DIR/bg.out")
	assert_eq "$rc" 130
	case "$bg" in *"strata: 002_slow: statement 2 of 2, 2 s"*) ;; *) fail "no progress line in: $bg" ;; esac
	case "$bg" in
	*"migrations/002_slow.up.sql:2:1: error: interrupted: the statement was cancelled"*) ;;
	*) fail "no interrupted error in: $bg" ;;
	esac
	case "$bg" in *"way out: nothing changed"*) ;; *) fail "no way out in: $bg" ;; esac
	# the row of statement 1 went with the rollback
	assert_eq "$(sql "SELECT count(*) FROM t")" 0
	assert_eq "$(hist_versions)" "001"
}
