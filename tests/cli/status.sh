# strata status [--exit-code] and strata version
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# state_of VERSION: the STATE column of the text status for VERSION
state_of() { printf '%s\n' "$out" | awk -v v="$1" '$1 == v { print $3; exit }'; }

test_status_pending_and_applied() {
	three_migs
	st status
	assert_rc 0
	assert_no_escapes
	assert_eq "$(state_of 001)" pending
	assert_eq "$(state_of 003)" pending
	st up 2
	st status
	assert_rc 0
	assert_eq "$(state_of 001)" applied
	assert_eq "$(state_of 002)" applied
	assert_eq "$(state_of 003)" pending
	assert_out "create_u"
	assert_no_escapes
}

test_status_does_not_create_history_table() {
	three_migs
	st status
	assert_rc 0
	assert_eq "$(state_of 002)" pending
	assert_eq "$(table_exists strata_migrations)" 0
}

test_status_exit_code_zero_when_all_applied() {
	three_migs
	st up
	assert_eq "$(hist_count)" 3
	st status --exit-code
	assert_rc 0
	# and without --exit-code, pending is still exit 0
	mig 004_more.up.sql 'create table more(id integer);'
	st status
	assert_rc 0
}

test_status_exit_code_pending() {
	three_migs
	st up 2
	st status --exit-code
	assert_rc 3
	assert_eq "$(state_of 003)" pending
}

test_status_modified_shows_file_and_both_checksums() {
	three_migs
	st up
	old=$(sql "select checksum from strata_migrations where version='001'")
	mig 001_create_t.up.sql 'create table t(id integer, extra integer);'
	new=$(sha256sum migrations/001_create_t.up.sql | cut -d' ' -f1)
	st status
	assert_rc 0
	assert_eq "$(state_of 001)" modified
	assert_eq "$(state_of 002)" applied
	assert_out "migrations/001_create_t.up.sql"
	# both checksums, at least as a 12-digit prefix
	assert_out "${old:0:12}"
	assert_out "${new:0:12}"
	st status --exit-code
	assert_rc 3
}

test_status_missing() {
	three_migs
	st up
	rm migrations/002_create_u.sql
	st status
	assert_rc 0
	assert_eq "$(state_of 002)" missing
	assert_out "create_u"
	st status --exit-code
	assert_rc 3
}

test_status_dirty() {
	mig 001_nt.up.sql '-- strata:no-transaction
create table a(id integer);
insert into no_such_table values (1);'
	st up
	assert_rc 1
	st status
	assert_rc 0
	assert_eq "$(state_of 001)" dirty
	assert_out "strata force 001"
	st status --exit-code
	assert_rc 3
}

test_status_out_of_order_pending_is_flagged() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 003_c.up.sql 'create table c(id integer);'
	st up
	mig 002_b.up.sql 'create table b(id integer);'
	st status
	assert_rc 0
	assert_eq "$(state_of 002)" pending
	assert_out "--allow-out-of-order"
	st status --exit-code
	assert_rc 3
}

test_status_crlf_copy_of_applied_file_is_not_modified() {
	three_migs
	st up
	to_crlf migrations/001_create_t.up.sql
	to_crlf migrations/002_create_u.sql
	st status --exit-code
	assert_rc 0
	assert_eq "$(state_of 001)" applied
	assert_eq "$(state_of 002)" applied
	st up
	assert_rc 0
	st down 3
	assert_rc 0
	assert_eq "$(hist_count)" 0
}

test_status_rejects_options_of_other_commands() {
	three_migs
	st status --pending
	assert_rc 2
	assert_err "usage: strata status"
	st status --all
	assert_rc 2
	st status 1
	assert_rc 2
}

test_version_none_then_newest() {
	three_migs
	st version
	assert_rc 0
	assert_eq "$out" none
	st up 2
	st version
	assert_rc 0
	assert_eq "$out" "002"
	st up
	st version
	assert_eq "$out" "003"
	st down
	st version
	assert_eq "$out" "002"
}

test_version_dirty() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_nt.up.sql '-- strata:no-transaction
create table b(id integer);
insert into no_such_table values (1);'
	st up
	assert_rc 1
	st version
	assert_rc 0
	assert_out "002"
	assert_out "dirty"
}

test_version_takes_no_arguments() {
	st version 3
	assert_rc 2
	assert_err "usage: strata version"
}
