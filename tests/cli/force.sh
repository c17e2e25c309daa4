# no-transaction failures (dirty), strata force V [--pending]
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# 001 fine; 002 runs outside a transaction and fails in its 2nd statement
dirty_migs() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_nt.sql '-- strata:up
-- strata:no-transaction
create table b(id integer);
insert into no_such_table values (1);
create table c(id integer);
-- strata:down
drop table b;'
	mig 003_d.up.sql 'create table d(id integer);'
}

test_no_transaction_failure_marks_dirty() {
	dirty_migs
	st up
	assert_rc 1
	assert_err "migrations/002_nt.sql:4:$(col 1 13): error: "
	assert_err "no_such_table"
	# the 1st statement ran and stays
	assert_eq "$(table_exists b)" 1
	assert_eq "$(table_exists c)" 0
	assert_eq "$(table_exists d)" 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "select state from strata_migrations where version='002'")" dirty
	assert_eq "$(sql "select failed_statement from strata_migrations where version='002'")" 2
	assert_eq "$(sql "select state from strata_migrations where version='001'")" applied
}

test_up_goes_on_where_a_dirty_migration_stopped() {
	dirty_migs
	st up
	assert_rc 1
	assert_err "fix the cause and run 'strata up' again: it goes on from statement 2"
	# still failing: it stays dirty, at the same statement
	st up
	assert_rc 1
	assert_err "going on with 002_nt at statement 2 of 3"
	assert_eq "$(sql "select state || ' ' || failed_statement from strata_migrations where version='002'")" "dirty 2"
	assert_eq "$(table_exists d)" 0
	# the cause fixed: statement 1 is not run again, 2 and 3 are, then 003
	sql "create table no_such_table(id integer)"
	st up
	assert_rc 0
	assert_err "going on with 002_nt at statement 2 of 3"
	assert_eq "$(sql "select count(*) from no_such_table")" 1
	assert_eq "$(table_exists c)$(table_exists d)" "11"
	assert_eq "$(sql "select state || ' ' || coalesce(failed_statement, 0) from strata_migrations where version='002'")" "applied 0"
	assert_eq "$(hist_versions)" "001,002,003"
}

test_up_refuses_a_dirty_migration_whose_file_changed() {
	dirty_migs
	st up
	assert_rc 1
	sql "create table no_such_table(id integer)"
	# the file is not the one that ran: which statement is next is unknown
	mig 002_nt.sql '-- strata:up
-- strata:no-transaction
create table b(id integer);
create table bb(id integer);
insert into no_such_table values (1);
create table c(id integer);
-- strata:down
drop table b;'
	st up
	assert_rc 1
	assert_err "dirty"
	assert_err "the file has changed since it ran"
	assert_err "strata force"
	assert_eq "$(table_exists d)" 0
	st up --allow-modified --allow-out-of-order
	assert_rc 1
	assert_eq "$(table_exists d)" 0
}

test_force_marks_applied_then_up_works() {
	dirty_migs
	st up
	assert_rc 1
	# repaired by hand: the rest of 002
	sql "create table c(id integer)"
	st force 002
	assert_rc 0
	assert_eq "$(sql "select state from strata_migrations where version='002'")" applied
	assert_eq "$(sql "select coalesce(failed_statement, 0) from strata_migrations where version='002'")" 0
	assert_eq "$(table_exists d)" 0
	st up
	assert_rc 0
	assert_eq "$(table_exists d)" 1
	assert_eq "$(hist_versions)" "001,002,003"
	st status --exit-code
	assert_rc 0
}

test_force_pending_removes_row_then_up_works() {
	dirty_migs
	st up
	assert_rc 1
	# repaired by hand: undo what ran, fix the file
	sql "drop table b"
	sed -i 's/no_such_table/b/' migrations/002_nt.sql
	st force 002 --pending
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	st up
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select count(*) from strata_migrations where state='applied'")" 3
	assert_eq "$(sql "select count(*) from b")" 1
	assert_eq "$(table_exists c)" 1
}

test_force_pending_option_before_version() {
	dirty_migs
	st up
	sql "drop table b"
	st force --pending 002
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
}

test_force_records_pending_as_applied_without_running_sql() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);'
	st force 001
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists a)" 0
	assert_eq "$(sql "select state from strata_migrations")" applied
	st up
	assert_rc 0
	assert_eq "$(table_exists a)" 0
	assert_eq "$(table_exists b)" 1
}

test_force_pending_of_applied_runs_no_sql() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 001_a.down.sql 'drop table a;'
	st up
	st force 001 --pending
	assert_rc 0
	assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists a)" 1
}

test_force_unknown_version_refused() {
	mig 001_a.up.sql 'create table a(id integer);'
	st force 005
	assert_rc 1
	assert_err "005"
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
	st force 001 --pending
	assert_rc 1
	assert_err "001"
}

test_force_usage_errors() {
	mig 001_a.up.sql 'create table a(id integer);'
	st force
	assert_rc 2
	assert_err "usage: strata force"
	st force abc
	assert_rc 2
	assert_err "'abc' is not a version"
	st force 001 002
	assert_rc 2
	st force 001 --all
	assert_rc 2
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
}

test_no_transaction_down_failure_marks_dirty() {
	mig 001_a.sql '-- strata:up
create table a(id integer);
create table b(id integer);
-- strata:down
-- strata:no-transaction
drop table b;
drop table no_such_table;
drop table a;'
	st up
	assert_rc 0
	st down
	assert_rc 1
	assert_err "migrations/001_a.sql:7:1: error: "
	assert_eq "$(table_exists b)" 0
	assert_eq "$(table_exists a)" 1
	assert_eq "$(sql "select state from strata_migrations where version='001'")" dirty
	assert_eq "$(sql "select failed_statement from strata_migrations where version='001'")" -2
	# a rollback that stopped half-way is not something up goes on with
	st up
	assert_rc 1
	assert_err "is dirty"
	st status --json
	assert_eq "$(printf '%s' "$out" | jq -r '.migrations[0] | "\(.state) \(.failed_statement) \(.failed_direction)"')" "dirty 2 down"
	st force 001 --pending
	assert_rc 0
	assert_eq "$(hist_count)" 0
}

test_transactional_failure_is_not_dirty() {
	[ "$DB" != mysql ] || return 0 # MySQL has no transactional DDL: up_mysql.sh
	mig 001_a.up.sql 'create table a(id integer);
insert into no_such_table values (1);'
	st up
	assert_rc 1
	assert_eq "$(table_exists a)" 0
	assert_eq "$(hist_count)" 0
	st status
	assert_not_out dirty
}

test_down_redo_goto_refuse_while_dirty() {
	dirty_migs
	mig 001_a.down.sql 'drop table a;'
	st up
	assert_rc 1
	for args in "down" "down --all" "redo" "goto 001" "goto 0"; do
		# shellcheck disable=SC2086
		st $args
		assert_rc 1
		assert_err "dirty"
		assert_err "strata force 002"
	done
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(table_exists a)$(table_exists b)" "11"
}

test_force_way_out_of_a_dirty_down_points_the_right_way() {
	mig 001_a.up.sql 'create table a(id integer);
create table b(id integer);'
	mig 001_a.down.sql '-- strata:no-transaction
drop table b;
drop table nope;'
	st up
	assert_rc 0
	st down
	assert_rc 1
	assert_err "statements 1-1 of this rollback ran"
	assert_err "'strata force 001 --pending' if all of the rollback's changes are in place"
	assert_err "'strata force 001' if none are"
	# a dirty down is recorded as minus its statement (so up does not
	# take it for an up to go on with)
	assert_eq "$(sql "select state || ' ' || failed_statement from strata_migrations")" "dirty -2"
	st force 001 --pending
	assert_rc 0
	st status --json
	assert_eq "$(printf '%s' "$out" | jq -r '.migrations[0].state')" pending
}
