# PostgreSQL-only: history table in another schema, transactional DDL
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_pg_table_in_schema() {
	three_migs
	st --table audit.history up
	assert_rc 0
	assert_eq "$(table_exists history audit)" 1
	assert_eq "$(table_exists strata_migrations)" 0
	assert_eq "$(hist_versions audit.history)" "001,002,003"
	assert_eq "$(sql "select count(*) from audit.history where state = 'applied'")" 3
	st status --table audit.history --exit-code
	assert_rc 0
	st down --table audit.history 2
	assert_rc 0
	assert_eq "$(hist_versions audit.history)" "001"
	assert_eq "$(table_exists u)" 0
	st --json --table audit.history status
	assert_rc 0
	assert_eq "$(jqv '[.migrations[].state] | join(",")')" "applied,pending,pending"
}

test_pg_table_in_existing_schema() {
	sql "create schema ops"
	three_migs
	st up --table ops.strata_history
	assert_rc 0
	assert_eq "$(hist_versions ops.strata_history)" "001,002,003"
}

test_pg_history_column_types() {
	three_migs
	st up
	assert_eq "$(sql "select data_type from information_schema.columns where table_name='strata_migrations' and column_name='applied_at'")" \
		"timestamp with time zone"
	assert_eq "$(sql "select count(*) from strata_migrations where applied_by <> ''")" 3
}

test_pg_transactional_ddl_rolled_back() {
	mig 001_a.up.sql 'create table a(id integer);
create index a_id on a(id);
alter table a add column b integer;
select 1/0;'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:4:1: error: "
	assert_err "22012"
	assert_eq "$(table_exists a)" 0
	assert_eq "$(sql "select count(*) from pg_class where relname = 'a_id'")" 0
}

test_pg_no_transaction_failure_marks_dirty() {
	mig 001_t.up.sql 'create table t(id integer);'
	mig 002_idx.up.sql '-- strata:no-transaction
create index concurrently t_id on t(id);
create index concurrently t_id on t(id);'
	st up
	assert_rc 1
	assert_err "migrations/002_idx.up.sql:3:1: error: "
	assert_err "42P07"
	assert_eq "$(sql "select state || ':' || failed_statement from strata_migrations where version = '002'")" "dirty:2"
	assert_eq "$(sql "select count(*) from pg_class where relname = 't_id'")" 1
	# up goes on at statement 2, which fails again the same way
	st up
	assert_rc 1
	assert_err "going on with 002_idx at statement 2 of 2"
	assert_err "42P07"
	st force 002
	assert_rc 0
	st status --exit-code
	assert_rc 0
}

# Statements PostgreSQL refuses in a transaction block are found by the
# parser and run outside one; the rest still runs in transactions.
test_up_pg_concurrently_runs_outside_the_transaction_by_itself() {
	mig 001_u.up.sql "CREATE TABLE u (id bigint PRIMARY KEY, x int);
INSERT INTO u VALUES (1, 1), (2, 2);
CREATE INDEX CONCURRENTLY u_x ON u (x);
INSERT INTO u VALUES (3, 3);"
	mig 001_u.down.sql "DROP TABLE u;"
	st up
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(sql "SELECT state FROM strata_migrations")" applied
	assert_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_x'::regclass")" t
	assert_eq "$(sql "SELECT count(*) FROM u")" 3
	st down
	assert_rc 0
}

test_up_pg_failure_after_concurrently_says_what_stays_done() {
	mig 001_u.up.sql "CREATE TABLE u (id bigint PRIMARY KEY, x int);
CREATE INDEX CONCURRENTLY u_x ON u (x);
INSERT INTO u VALUES (1, 1);
SELECT 1/0;"
	mig 001_u.down.sql "DROP TABLE u;"
	st up
	assert_rc 1
	assert_err "migrations/001_u.up.sql:4:"
	assert_err "division by zero"
	assert_err "statements 1-2 of this migration ran and stay done"
	# the failed part (3-4) was rolled back: up goes on from 3
	assert_eq "$(sql "SELECT state || ' ' || failed_statement FROM strata_migrations")" "dirty 3"
	# the failed part was rolled back; what ran before it stays
	assert_eq "$(table_exists u)" 1
	assert_eq "$(sql "SELECT count(*) FROM u")" 0
}

test_up_pg_invalid_index_left_by_a_failed_build_is_dropped_first() {
	sql "CREATE TABLE u (id bigint PRIMARY KEY, x int)"
	sql "INSERT INTO u VALUES (1, 1), (2, 1)"
	# a unique build on duplicates fails and leaves the index INVALID
	psql -X -q "$PG_TEST_URL" -c "CREATE UNIQUE INDEX CONCURRENTLY u_x ON u (x)" 2>/dev/null &&
		fail "the unique build should have failed"
	assert_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_x'::regclass")" f
	sql "DELETE FROM u WHERE id = 2"
	mig 001_ux.up.sql "CREATE UNIQUE INDEX CONCURRENTLY u_x ON u (x);"
	mig 001_ux.down.sql "DROP INDEX CONCURRENTLY u_x;"
	st up
	assert_rc 0
	assert_err "dropped the invalid index u_x that a failed CREATE INDEX CONCURRENTLY left behind"
	assert_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_x'::regclass")" t
}
