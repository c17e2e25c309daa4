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
	st up
	assert_rc 1
	assert_err "dirty"
	st force 002
	assert_rc 0
	st status --exit-code
	assert_rc 0
}
