# strata redo and strata goto
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# 001 creates a log table; 002 and 003 log each run of their up and down,
# numbered in the order they ran
logged_migs() {
	mig 001_log.up.sql 'create table log(n integer, what text);'
	mig 001_log.down.sql 'drop table log;'
	mig 002_two.up.sql "insert into log select count(*), 'up 2' from log;"
	mig 002_two.down.sql "insert into log select count(*), 'down 2' from log;"
	mig 003_three.up.sql "insert into log select count(*), 'up 3' from log;"
	mig 003_three.down.sql "insert into log select count(*), 'down 3' from log;"
}

log_of() { sql "select what from log order by n" | paste -sd, -; }

test_redo_rolls_back_and_reapplies_newest() {
	logged_migs
	st up
	assert_rc 0
	st redo
	assert_rc 0
	assert_out "003_three"
	assert_eq "$(log_of)" "up 2,up 3,down 3,up 3"
	assert_eq "$(hist_versions)" "001,002,003"
}

test_redo_order_is_down_then_up() {
	mig 001_log.up.sql 'create table log(n integer);'
	mig 002_x.up.sql 'create table x(id integer);
insert into log select count(*) from log;'
	mig 002_x.down.sql 'drop table x;'
	st up
	st redo
	assert_rc 0
	# x exists again, so the down ran first
	assert_eq "$(table_exists x)" 1
	assert_eq "$(sql "select count(*) from log")" 2
}

test_redo_with_nothing_applied() {
	logged_migs
	st redo
	assert_rc 0
	assert_out "nothing to do"
	assert_eq "$(table_exists log)" 0
}

test_redo_dry_run_changes_nothing() {
	logged_migs
	st up
	st redo --dry-run
	assert_rc 0
	assert_line "-- migrations/003_three.down.sql:1:1"
	assert_line "-- migrations/003_three.up.sql:1:1"
	assert_eq "$(sql "select count(*) from log")" 2
}

test_redo_refuses_arguments() {
	logged_migs
	st up
	st redo 2
	assert_rc 2
	st redo --to 001
	assert_rc 2
	assert_eq "$(sql "select count(*) from log")" 2
}

test_goto_up_and_down() {
	logged_migs
	st goto 002
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(log_of)" "up 2"
	st goto 003
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
	st goto 001
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(log_of)" "up 2,up 3,down 3,down 2"
	# and goto the current version does nothing
	st goto 001
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
}

test_goto_zero_rolls_back_everything() {
	logged_migs
	st up
	st goto 0
	assert_rc 0
	assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists log)" 0
}

test_goto_unknown_version_refused() {
	logged_migs
	st up 1
	st goto 005
	assert_rc 1
	assert_err "005"
	assert_eq "$(hist_versions)" "001"
}

test_goto_bad_version_is_usage_error() {
	logged_migs
	st goto abc
	assert_rc 2
	assert_err "'abc' is not a version"
	st goto
	assert_rc 2
	assert_err "usage: strata goto"
	st goto 1 2
	assert_rc 2
	assert_eq "$(table_exists log)" 0
}

test_redo_refuses_modified_unless_allowed() {
	logged_migs
	st up
	echo "insert into log select count(*), 'extra' from log;" >>migrations/003_three.up.sql
	st redo
	assert_rc 1
	assert_err "migrations/003_three.up.sql"
	assert_err "--allow-modified"
	assert_eq "$(sql "select count(*) from log")" 2
	st redo --allow-modified
	assert_rc 0
	assert_eq "$(log_of)" "up 2,up 3,down 3,up 3,extra"
	# the new checksum is recorded: not modified any more
	st status --exit-code
	assert_rc 0
}

test_goto_refuses_modified_unless_allowed() {
	logged_migs
	st up
	echo "-- edited" >>migrations/002_two.up.sql
	st goto 001
	assert_rc 1
	assert_err "migrations/002_two.up.sql"
	assert_eq "$(hist_versions)" "001,002,003"
	st goto 001 --allow-modified
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
}

test_goto_refuses_out_of_order_unless_allowed() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 003_c.up.sql 'create table c(id integer);'
	st up
	mig 002_b.up.sql 'create table b(id integer);'
	st goto 003
	assert_rc 1
	assert_err "--allow-out-of-order"
	assert_eq "$(table_exists b)" 0
	st goto 003 --allow-out-of-order
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
}

test_redo_with_nothing_applied_says_so() {
	mig 001_a.up.sql 'create table a(id integer);'
	st redo
	assert_rc 0
	assert_out "no applied migration to roll back"
	assert_eq "$(sql "select count(*) from strata_migrations")" 0
}
