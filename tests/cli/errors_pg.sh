# PostgreSQL-only failure reports: SQLSTATE, detail, hint; psql-only syntax
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_pg_error_sqlstate_and_detail() {
	mig 001_a.up.sql 'create table a(id integer primary key);
insert into a values (1);
insert into a values (1);'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:3:1: error: "
	assert_err 'duplicate key value violates unique constraint "a_pkey"'
	assert_err "23505"
	assert_err "Key (id)=(1) already exists."
	assert_err "insert into a values (1)"
	assert_eq "$(table_exists a)" 0
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
}

test_pg_error_hint() {
	mig 001_a.up.sql 'create table a(id integer);
select length(1, 2, 3);'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:2:8: error: "
	assert_err "42883"
	assert_err "No function matches the given name and argument types."
	assert_eq "$(table_exists a)" 0
}

test_pg_error_json_has_sqlstate_detail() {
	mig 001_a.up.sql 'create table a(id integer primary key);
insert into a values (1), (1);'
	st --json up
	assert_rc 1
	assert_json
	assert_eq "$(jqv .error.sqlstate)" 23505
	assert_eq "$(jqv .error.line)" 2
	printf '%s' "$out" | grep -q 'Key (id)=(1) already exists.' || fail "no detail in JSON"
}

test_pg_error_raise_exception_in_function_body() {
	mig 001_a.up.sql 'create table a(id integer);
do $$
begin
  raise exception '"'"'custom failure'"'"' using detail = '"'"'the detail'"'"', hint = '"'"'the hint'"'"';
end
$$;'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:2:1: error: "
	assert_err "custom failure"
	assert_err "P0001"
	assert_err "the detail"
	assert_err "the hint"
	assert_eq "$(table_exists a)" 0
}

test_pg_psql_include_refused_naming_line() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);
\i other.sql
create table c(id integer);'
	st up
	assert_rc 1
	assert_err "migrations/002_b.up.sql:2:1: error: "
	assert_err '\i'
	assert_eq "$(table_exists a)$(table_exists b)" "00"
}

test_pg_psql_set_refused_naming_line() {
	mig 001_a.up.sql 'create table a(id integer);

\set x 1
select :x;'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:3:1: error: "
	assert_err '\set'
	assert_eq "$(table_exists a)" 0
}

test_pg_copy_from_stdin_refused_naming_line() {
	mig 001_a.up.sql 'create table a(id integer);
copy a (id) from stdin;
1
2
\.'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:2:1: error: "
	assert_re "COPY.*(stdin|STDIN)"
	assert_eq "$(table_exists a)" 0
}

test_pg_copy_from_stdin_lowercase_with_options_refused() {
	mig 001_a.up.sql 'create table a(id integer);
  COPY a FROM STDIN WITH (FORMAT csv);'
	st up --dry-run
	assert_rc 1
	assert_err "migrations/001_a.up.sql:2:3: error: "
	assert_eq "$(table_exists strata_migrations)" 0
}

test_pg_syntax_error_with_caret() {
	mig 001_a.up.sql 'create table a(id integer);
create tabel b(id integer);'
	st up
	assert_rc 1
	assert_err 'migrations/001_a.up.sql:2:8: error: syntax error at or near "tabel"'
	assert_err "    2 | create tabel b(id integer);"
	printf '%s\n' "$err" | grep -qxF '      |        ^' || fail "caret not under column 8"
	assert_eq "$(table_exists a)" 0
}

test_pg_notices_only_with_verbose() {
	mig 001_a.up.sql "do \$\$ begin raise notice 'hello from the server'; end \$\$;"
	st up
	assert_rc 0
	assert_no "hello from the server"
	st down --dry-run
	mig 002_b.up.sql "do \$\$ begin raise notice 'second notice'; end \$\$;"
	st up -v
	assert_rc 0
	assert_re "second notice"
}
