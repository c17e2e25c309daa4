# strata verify on MySQL/MariaDB: not there yet (it needs schema
# snapshots), and it says so without touching anything.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_mysql_verify_is_not_available_yet() {
	mig 001_t.up.sql "CREATE TABLE t (id integer PRIMARY KEY);"
	mig 001_t.verify.sql "INSERT INTO t VALUES (1);"
	st up
	assert_rc 0
	st verify
	assert_rc 1
	assert_err "strata verify is not available for MySQL yet"
	assert_eq "$(sql "select count(*) from t")" 0
}
