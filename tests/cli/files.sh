# migration file format: names, sections, directives, refusals, CRLF, BOM
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# a refusal: exit 1, the file named, nothing applied
assert_refused_naming() {
	assert_rc 1
	assert_err "$1"
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists good)" 0
}

good_mig() { mig 001_good.up.sql 'create table good(id integer);'; }

test_files_pair_and_single_file_both_apply() {
	mig 20260105093000_ts_pair.up.sql 'create table a(id integer);'
	mig 20260105093000_ts_pair.down.sql 'drop table a;'
	mig 20260106093000_ts_single.sql '-- strata:up
create table b(id integer);
-- strata:down
drop table b;'
	st up
	assert_rc 0
	assert_eq "$(hist_versions)" "20260105093000,20260106093000"
	assert_eq "$(sql "select name from strata_migrations order by version" | paste -sd, -)" "ts_pair,ts_single"
	st down --all
	assert_rc 0
	assert_eq "$(table_exists a)$(table_exists b)" "00"
}

test_files_versions_sort_numerically_not_by_name() {
	mig 1_first.up.sql 'create table log(n integer);'
	mig 2_second.up.sql "insert into log values (2);"
	mig 10_tenth.up.sql "insert into log select max(n) * 10 from log;"
	st up
	assert_rc 0
	assert_eq "$(hist_count)" 3
	assert_eq "$(sql "select max(n) from log")" 20
	st down
	assert_rc 1
	st version
	assert_eq "$out" 10
}

test_files_same_number_different_padding_is_duplicate() {
	good_mig
	mig 5_a.up.sql 'select 1;'
	mig 05_b.up.sql 'select 1;'
	st up
	assert_refused_naming "5_a.up.sql"
	assert_err "05_b.up.sql"
}

test_files_duplicate_version_refused() {
	good_mig
	mig 002_one.up.sql 'select 1;'
	mig 002_two.up.sql 'select 2;'
	st up
	assert_refused_naming "002_one.up.sql"
	assert_err "002_two.up.sql"
	assert_err "duplicate"
	st status
	assert_rc 1
	assert_err "duplicate"
}

test_files_duplicate_version_pair_and_single_refused() {
	good_mig
	mig 002_one.up.sql 'select 1;'
	mig 002_one.sql '-- strata:up
select 1;'
	st up
	assert_refused_naming "002_one"
}

test_files_bad_name_refused() {
	good_mig
	mig 1_Bad-Name.sql '-- strata:up
select 1;'
	st up
	assert_refused_naming "1_Bad-Name.sql"
}

test_files_non_numeric_version_refused() {
	good_mig
	mig abc_x.sql '-- strata:up
select 1;'
	st up
	assert_refused_naming "abc_x.sql"
}

test_files_name_without_version_refused() {
	good_mig
	mig 002.up.sql 'select 1;'
	st up
	assert_refused_naming "002.up.sql"
}

test_files_down_without_up_refused() {
	good_mig
	mig 002_orphan.down.sql 'drop table x;'
	st up
	assert_refused_naming "002_orphan.down.sql"
}

test_files_empty_up_refused_on_up() {
	good_mig
	printf '' >migrations/002_empty.up.sql
	st status
	assert_rc 0
	st up
	assert_refused_naming "002_empty.up.sql"
	assert_err "empty"
}

test_files_comment_only_up_refused_on_up() {
	good_mig
	mig 002_comments.sql '-- strata:up
-- nothing here
/* nor here */
-- strata:down
select 1;'
	st up
	assert_refused_naming "002_comments.sql"
	assert_err "empty"
}

test_files_unknown_directive_refused_with_location() {
	good_mig
	mig 002_x.sql '-- strata:up
create table x(id integer);
-- strata:no-transactoin
-- strata:down
drop table x;'
	st up
	assert_refused_naming "migrations/002_x.sql:3:"
	assert_re "migrations/002_x\.sql:3:[0-9]+: error: .*no-transactoin"
	assert_eq "$(table_exists x)" 0
}

test_files_unknown_directive_in_pair_file_refused() {
	good_mig
	mig 002_x.up.sql 'create table x(id integer);
-- strata:xyz'
	st up
	assert_refused_naming "migrations/002_x.up.sql:2:"
	assert_err "xyz"
}

test_files_non_sql_files_ignored() {
	good_mig
	printf 'notes\n' >migrations/README.md
	mkdir migrations/old
	st up
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
}

test_files_crlf_and_bom_accepted() {
	printf '\357\273\277create table a(id integer);\r\ninsert into a values (1);\r\n' \
		>migrations_tmp
	mkdir migrations
	mv migrations_tmp migrations/001_a.up.sql
	printf '\357\273\277drop table a;\r\n' >migrations/001_a.down.sql
	printf '\357\273\277-- strata:up\r\n-- strata:no-transaction\r\ncreate table b(id integer);\r\n-- strata:down\r\ndrop table b;\r\n' \
		>migrations/002_b.sql
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from a")" 1
	assert_eq "$(table_exists b)" 1
	st status --exit-code
	assert_rc 0
	st down --all
	assert_rc 0
	assert_eq "$(table_exists a)$(table_exists b)" "00"
}

test_files_crlf_copy_of_applied_file_is_not_modified() {
	three_migs
	st up
	assert_rc 0
	assert_eq "$(hist_count)" 3
	sum=$(sql "select checksum from strata_migrations where version='003'")
	to_crlf migrations/003_fill_t.up.sql
	to_crlf migrations/002_create_u.sql
	st status --exit-code
	assert_rc 0
	assert_not_out modified
	st down
	assert_rc 0
	assert_eq "$(hist_count)" 2
	st up
	assert_rc 0
	assert_eq "$(sql "select checksum from strata_migrations where version='003'")" "$sum"
}

test_files_crlf_single_file_sections() {
	printf -- '-- strata:up\r\ncreate table a(id integer);\r\n-- strata:down\r\ndrop table a;\r\n' >x
	mkdir migrations && mv x migrations/001_a.sql
	st up
	assert_rc 0
	assert_eq "$(table_exists a)" 1
	st down
	assert_rc 0
	assert_eq "$(table_exists a)" 0
}

test_files_single_file_without_up_marker_refused() {
	good_mig
	mig 002_x.sql 'create table x(id integer);'
	st up
	assert_refused_naming "migrations/002_x.sql"
}

test_files_single_file_without_down_section() {
	mig 001_x.sql '-- strata:up
create table x(id integer);'
	st up
	assert_rc 0
	assert_eq "$(table_exists x)" 1
	st down
	assert_rc 1
	assert_eq "$(table_exists x)" 1
}

test_files_no_transaction_directive_is_per_section() {
	# no-transaction in the down section only: the up still runs in a
	# transaction, so its failure leaves nothing behind and nothing dirty
	[ "$DB" != mysql ] || return 0 # MySQL has no transactional DDL: up_mysql.sh
	mig 001_x.sql '-- strata:up
create table x(id integer);
insert into no_such_table values (1);
-- strata:down
-- strata:no-transaction
drop table x;'
	st up
	assert_rc 1
	assert_err "migrations/001_x.sql:3:"
	assert_eq "$(table_exists x)" 0
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
	st status
	assert_rc 0
	assert_re "^001 +x +pending"
}

test_files_no_transaction_before_up_marker_is_the_up_sections() {
	# before '-- strata:up' (as strata convert writes goose's NO
	# TRANSACTION): the up runs outside a transaction, so a failure leaves
	# the first statement done and the migration dirty; and the line is
	# outside the checksum
	[ "$DB" != mysql ] || return 0 # every MySQL migration is so
	mig 001_x.sql '-- strata:up
create table x(id integer);
-- strata:down
drop table x;'
	st up
	assert_rc 0
	mig 001_x.sql '-- strata:no-transaction
-- strata:up
create table x(id integer);
-- strata:down
drop table x;'
	st status
	assert_rc 0
	assert_no "modified"
	mig 002_y.sql '-- strata:no-transaction
-- strata:up
create table y(id integer);
insert into no_such_table values (1);'
	st up
	assert_rc 1
	assert_eq "$(table_exists y)" 1
	st status
	assert_re "^002 +y +dirty"
}

test_files_only_no_transaction_before_up_marker() {
	mig 001_x.sql '-- strata:lock-timeout 1s
-- strata:up
create table x(id integer);'
	st up
	assert_rc 1
	assert_err "migrations/001_x.sql:1:4: error: only 'strata:no-transaction' (for the up section) and lint's 'strata:ignore-file' go before '-- strata:up'"
	mig 001_x.sql '-- strata:no-transactoin
-- strata:up
create table x(id integer);'
	st up
	assert_rc 1
	assert_err "unknown directive 'strata:no-transactoin'"
	assert_eq "$(table_exists x)" 0
}

test_files_version_14_digit_timestamp_and_seq_mixed_sort() {
	mig 000001_a.up.sql 'create table a(id integer);'
	mig 20260105093000_b.up.sql 'create table b(id integer);'
	st up 1
	assert_rc 0
	assert_eq "$(hist_versions)" "000001"
	assert_eq "$(table_exists b)" 0
}
