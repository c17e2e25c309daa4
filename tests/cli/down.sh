# strata down: default 1, N, --to, --all, refusals
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_down_default_rolls_back_newest_only() {
	three_migs
	st up
	st down
	assert_rc 0
	assert_out "003_fill_t"
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "select count(*) from t")" 0
	assert_eq "$(table_exists u)" 1
}

test_down_count() {
	three_migs
	st up
	st down 2
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists u)" 0
	assert_eq "$(table_exists t)" 1
}

test_down_to_version_keeps_it_applied() {
	three_migs
	st up
	st down --to 001
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists t)" 1
	assert_eq "$(table_exists u)" 0
}

test_down_to_zero_rolls_back_everything() {
	three_migs
	st up
	st down --to 0
	assert_rc 0
	assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists t)" 0
}

test_down_all() {
	three_migs
	st up
	st down --all
	assert_rc 0
	assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists t)" 0
	assert_eq "$(table_exists u)" 0
	# and everything applies again
	st up
	assert_rc 0
	assert_eq "$(hist_count)" 3
}

test_down_nothing_applied() {
	three_migs
	st down
	assert_rc 0
	assert_out "nothing to do"
}

test_down_dry_run_changes_nothing() {
	three_migs
	st up
	st down --dry-run
	assert_rc 0
	assert_line "-- migrations/003_fill_t.down.sql:1:1"
	assert_out "delete from t"
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select count(*) from t")" 1
}

test_down_single_file_uses_down_section() {
	three_migs
	st up 2
	st down
	assert_rc 0
	assert_eq "$(table_exists u)" 0
	assert_eq "$(hist_versions)" "001"
}

test_down_without_down_section_refused() {
	mig 001_a.up.sql 'create table a(id integer);'
	st up
	st down
	assert_rc 1
	assert_err "001_a"
	assert_err "down"
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists a)" 1
}

test_down_refuses_modified_file() {
	three_migs
	st up
	old=$(sql "select checksum from strata_migrations where version='003'")
	mig 003_fill_t.up.sql 'insert into t values (2);'
	new=$(sha256sum migrations/003_fill_t.up.sql | cut -d' ' -f1)
	st down
	assert_rc 1
	assert_err "migrations/003_fill_t.up.sql"
	assert_err "$old"
	assert_err "$new"
	assert_err "--allow-modified"
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select count(*) from t")" 1
	st down --allow-modified
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "select count(*) from t")" 0
}

test_down_refuses_missing_file() {
	three_migs
	st up
	rm migrations/003_fill_t.up.sql migrations/003_fill_t.down.sql
	st down
	assert_rc 1
	assert_err "003"
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select count(*) from t")" 1
}

test_down_failure_leaves_schema_and_history() {
	mig 001_a.up.sql 'create table a(id integer);
create table b(id integer);'
	mig 001_a.down.sql 'drop table b;
drop table a;
drop table nonexistent_table;'
	st up
	assert_rc 0
	st down
	assert_rc 1
	assert_err "migrations/001_a.down.sql:3:1: error: "
	assert_err "nonexistent_table"
	assert_eq "$(hist_versions)" "001"
	if [ "$DB" = mysql ]; then
		# DDL commits at once: the first two drops stay done
		assert_eq "$(table_exists a)$(table_exists b)" 00
		assert_eq "$(sql "select state from strata_migrations")" dirty
		return
	fi
	assert_eq "$(table_exists a)" 1
	assert_eq "$(table_exists b)" 1
}

test_down_bad_arguments_are_usage_errors() {
	three_migs
	st up
	for args in "x" "0" "-1" "1 2" "--to" "--to abc" "--to 1 --all" "2 --all" "--all --to 1"; do
		# shellcheck disable=SC2086
		st down $args
		assert_rc 2
	done
	assert_eq "$(hist_count)" 3
}

test_down_count_larger_than_applied_rolls_back_all() {
	three_migs
	st up 2
	st down 10
	assert_rc 0
	assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists t)$(table_exists u)" "00"
}

test_down_to_unknown_version_refused() {
	three_migs
	st up
	st down --to 005
	assert_rc 1
	assert_err "005"
	assert_eq "$(hist_versions)" "001,002,003"
}

test_down_to_newest_does_nothing() {
	three_migs
	st up
	st down --to 003
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select count(*) from t")" 1
}
