# strata lint --url on PostgreSQL: live facts (sizes, column types,
# function volatility) change what the analysis concludes.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# explain_field STMT_INDEX JQ_EXPR: from `lint --explain --format json`
explain_field() {
	printf '%s' "$out" | jq -r "[.[] | select(.kind == \"statement\")][$1] | $2"
}

test_lint_live_sizes_lower_the_risk_of_a_small_table() {
	sql "CREATE TABLE t (id bigint PRIMARY KEY, n int)"
	mig 000001_idx.up.sql "CREATE INDEX t_n ON t (n);"
	mig 000001_idx.down.sql "DROP INDEX t_n;"
	st lint --explain --format json
	assert_eq "$(explain_field 0 .risk)" high # without the database
	st lint --url "$URL" --explain --format json
	assert_eq "$(explain_field 0 .risk)" medium
	assert_eq "$(explain_field 0 '.tables[0].bytes > 0')" true
	assert_eq "$(explain_field 0 .why)" \
		"SHARE on t (blocks writes) while every row is read; small table"
}

test_lint_live_sizes_keep_a_big_table_high() {
	sql "CREATE TABLE t (id bigint PRIMARY KEY, n int, pad text)"
	sql "INSERT INTO t SELECT g, g, repeat('x', 60) FROM generate_series(1, 120000) g"
	sql "ANALYZE t"
	mig 000001_idx.up.sql "CREATE INDEX t_n ON t (n);"
	mig 000001_idx.down.sql "DROP INDEX t_n;"
	st lint --url "$URL" --explain --format json
	assert_eq "$(explain_field 0 .risk)" high
	assert_eq "$(explain_field 0 .tables[0].rows)" 120000
	st lint --url "$URL" --explain
	assert_out "(~120000 rows,"
}

test_lint_live_function_volatility_decides_the_rewrite() {
	sql "CREATE TABLE t (id bigint PRIMARY KEY)"
	sql "CREATE FUNCTION pick() RETURNS int VOLATILE LANGUAGE sql AS 'SELECT 1'"
	sql "CREATE FUNCTION fixed() RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT 1'"
	mig 000001_cols.up.sql "ALTER TABLE t ADD COLUMN a int DEFAULT pick();
ALTER TABLE t ADD COLUMN b int DEFAULT fixed();"
	mig 000001_cols.down.sql "ALTER TABLE t DROP COLUMN a, DROP COLUMN b;"
	st lint --url "$URL" --explain --format json
	assert_eq "$(explain_field 0 .tables[0].rewrite)" true
	assert_eq "$(explain_field 1 .tables[0].rewrite)" false
}

test_lint_live_column_type_tells_a_widening_apart() {
	sql "CREATE TABLE t (id bigint PRIMARY KEY, name varchar(20), code int)"
	mig 000001_types.up.sql "ALTER TABLE t ALTER COLUMN name TYPE varchar(50);
ALTER TABLE t ALTER COLUMN code TYPE bigint;"
	mig 000001_types.down.sql "SELECT 1;"
	st lint --explain --format json
	# without the database the old type is unknown: assume the worst
	assert_eq "$(explain_field 0 .tables[0].rewrite)" true
	st lint --url "$URL" --explain --format json
	assert_eq "$(explain_field 0 .tables[0].rewrite)" false
	assert_eq "$(explain_field 1 .tables[0].rewrite)" true
}

test_lint_live_unreachable_database_is_a_clear_error() {
	mig 000001_a.up.sql "SELECT 1;"
	st lint --url "postgresql:///nope?host=/nonexistent&port=1"
	assert_rc 1
	assert_err "error:"
}
