# where failures are reported, and that they leave nothing behind
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# the database's message for a missing table named no_such_table
missing_table_msg() {
	case "$DB" in
	sqlite) echo 'no such table: no_such_table' ;;
	pg) echo 'relation "no_such_table" does not exist' ;;
	esac
}

# assert_caret_under TEXT: in stderr, the line after the first source line
# containing TEXT has its '^' exactly under the start of TEXT
assert_caret_under() {
	printf '%s\n' "$err" | awk -v t="$1" '
		found { c = index($0, "^"); exit !(c > 0 && c == want) }
		index($0, " | ") && index($0, t) { want = index($0, t); found = 1 }
		END { if (!found) exit 1 }' ||
		fail "no caret under '$1' in stderr"
}

test_error_third_statement_leaves_schema_and_history() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);'
	st up
	assert_rc 0
	mig 003_c.up.sql 'create table c(id integer);
insert into a values (1);
insert into no_such_table values (1);
create table d(id integer);'
	st up
	assert_rc 1
	assert_err "migrations/003_c.up.sql:3:$(col 1 13): error: "
	assert_err "$(missing_table_msg)"
	assert_err "insert into no_such_table values (1)"
	# schema and history exactly as before
	assert_eq "$(table_exists c)" 0
	assert_eq "$(table_exists d)" 0
	assert_eq "$(sql "select count(*) from a")" 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "select count(*) from strata_migrations where state='applied'")" 2
}

test_error_source_line_and_caret() {
	mig 001_a.up.sql 'create table a(id integer);
   insert into no_such_table values (1);'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:2:$(col 4 16): error: "
	assert_err "insert into no_such_table values (1);"
	assert_caret_under "$(col "insert into no_such_table" no_such_table)"
	assert_no_escapes
}

test_error_only_failed_migration_is_rolled_back() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);
insert into no_such_table values (1);'
	mig 003_c.up.sql 'create table c(id integer);'
	st up
	assert_rc 1
	assert_err "migrations/002_b.up.sql:2:$(col 1 13): error: "
	assert_out "001_a"
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists a)$(table_exists b)$(table_exists c)" "100"
}

test_error_location_in_single_file_counts_file_lines() {
	mig 001_a.sql '-- strata:up
-- a comment line

create table a(id integer);
insert into no_such_table values (1);
-- strata:down
drop table a;'
	st up
	assert_rc 1
	assert_err "migrations/001_a.sql:5:$(col 1 13): error: "
	assert_eq "$(table_exists a)" 0
}

test_error_in_multiline_statement() {
	mig 001_a.sql '-- strata:up
create table a(id integer);
insert into a
  (id)
  values (1, 2);
-- strata:down
drop table a;'
	st up
	assert_rc 1
	case "$DB" in
	# PG points at the offending token
	pg) assert_err "migrations/001_a.sql:5:14: error: " ;;
	# SQLite gives no position for this one: the statement's start
	sqlite) assert_err "migrations/001_a.sql:3:1: error: " ;;
	esac
	assert_err "values (1, 2)"
	assert_eq "$(table_exists a)" 0
}

test_syntax_error_format() {
	mig 001_a.up.sql 'create table t(id integer);
insert into t valuez (1);'
	st up
	assert_rc 1
	assert_err 'migrations/001_a.up.sql:2:15: error: '
	assert_err 'syntax error'
	assert_err 'valuez'
	assert_err 'insert into t valuez (1);'
	assert_caret_under "valuez"
	assert_eq "$(table_exists t)" 0
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
}

test_syntax_error_in_second_pending_leaves_first_unapplied() {
	mig 001_a.up.sql 'create table a(id integer);'
	case "$DB" in
	pg) mig 002_b.up.sql 'create table b(id integer);
insert into b valuez (1);' ;;
	# what SQLite can see before running: a statement that never ends
	sqlite) mig 002_b.up.sql "create table b(id integer);
insert into b values ('oops);" ;;
	esac
	st up
	assert_rc 1
	assert_err "migrations/002_b.up.sql:2:"
	assert_eq "$(table_exists a)" 0
	assert_eq "$(table_exists b)" 0
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
}

test_syntax_error_refused_by_dry_run() {
	case "$DB" in
	pg) mig 001_b.up.sql 'create table b(id integer);
insert into b valuez (1);' ;;
	sqlite) mig 001_b.up.sql "create table b(id integer);
insert into b values ('oops);" ;;
	esac
	st up --dry-run
	assert_rc 1
	assert_err "migrations/001_b.up.sql:2:"
	assert_eq "$(table_exists strata_migrations)" 0
}

test_error_json_has_location_and_statement() {
	mig 001_a.up.sql 'create table a(id integer);
insert into a values (1);
  insert into no_such_table values (1);'
	st --json up
	assert_rc 1
	assert_json
	assert_eq "$(jqv .ok)" false
	assert_eq "$(jqv .error.file)" "migrations/001_a.up.sql"
	assert_eq "$(jqv .error.line)" 3
	assert_eq "$(jqv .error.column)" "$(col 3 15)"
	assert_eq "$(jqv .error.statement_index)" 3
	assert_eq "$(jqv .error.statement)" "insert into no_such_table values (1)"
	assert_eq "$(jqv .error.message)" "$(missing_table_msg)"
}

test_error_last_statement_without_semicolon() {
	mig 001_a.up.sql 'create table a(id integer);
insert into no_such_table values (1)'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:2:$(col 1 13): error: "
	assert_eq "$(table_exists a)" 0
}

test_syntax_error_in_second_planned_down_leaves_first_applied() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);'
	mig 002_b.down.sql 'drop table b;'
	st up
	assert_rc 0
	case "$DB" in
	pg) mig 001_a.down.sql 'drop tabel a;' ;;
	sqlite) mig 001_a.down.sql "drop table a; select 'oops;" ;;
	esac
	st down 2 --allow-modified
	assert_rc 1
	assert_err "migrations/001_a.down.sql:1:"
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(table_exists b)" 1
}

test_error_location_with_bom_and_crlf() {
	mkdir migrations
	printf '\357\273\277  insert into no_such_table values (1);\r\n' >migrations/001_a.up.sql
	printf 'create table b(id integer);\r\n\r\n  insert into no_such_table values (1);\r\n' \
		>migrations/002_b.up.sql
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:1:$(col 3 15): error: "
	assert_caret_under "$(col "insert into no_such_table" no_such_table)"
	assert_no $'\r'
	mig 001_a.up.sql 'create table a(id integer);'
	st up
	assert_rc 1
	assert_err "migrations/002_b.up.sql:3:$(col 3 15): error: "
	assert_caret_under "$(col "insert into no_such_table" no_such_table)"
	assert_no $'\r'
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists b)" 0
}

test_error_column_counts_characters_not_bytes() {
	mig 001_a.up.sql "select 'ééé', no_such_col;"
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:1:15: error: "
	# the caret sits under the 15th character (awk would count bytes)
	printf '%s\n' "$err" | grep -qxF "      |               ^" || fail "caret not at column 15"
}
