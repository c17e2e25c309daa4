# statement splitting on PostgreSQL (libpg_query)
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

dry_locations() {
	printf '%s\n' "$out" | sed -n 's/^-- \(migrations\/[^ ]*:[0-9]*:[0-9]*\)$/\1/p' | paste -sd, -
}

test_split_dollar_quotes() {
	mig 001_fn.up.sql 'create table t(v text);
create function f() returns text language plpgsql as $$
begin
  insert into t values ('"'"'from f;'"'"');
  return '"'"'a;b'"'"';
end;
$$;
create function g() returns text language plpgsql as $body$
begin
  return $inner$x;$$;y$inner$;
end;
$body$;
insert into t values (f()), (g());'
	st up --dry-run
	assert_rc 0
	assert_eq "$(dry_locations)" \
		"migrations/001_fn.up.sql:1:1,migrations/001_fn.up.sql:2:1,migrations/001_fn.up.sql:8:1,migrations/001_fn.up.sql:13:1"
	st up
	assert_rc 0
	assert_eq "$(sql "select v from t order by v" | paste -sd, -)" 'a;b,from f;,x;$$;y'
}

test_split_begin_atomic() {
	mig 001_fn.up.sql 'create table t(v integer);
create function h() returns integer language sql
begin atomic
  insert into t values (1);
  select count(*)::integer from t;
end;
select h();'
	st up --dry-run
	assert_rc 0
	assert_eq "$(dry_locations)" \
		"migrations/001_fn.up.sql:1:1,migrations/001_fn.up.sql:2:1,migrations/001_fn.up.sql:7:1"
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from t")" 1
	assert_eq "$(sql "select h()")" 2
}

test_split_nested_comments_and_strings() {
	mig 001_s.up.sql "create table s(v text); -- a; comment
/* outer; /* inner; */ still comment; */
insert into s values ('a;b');
insert into s values (E'it\\'s; fine'), ('doubled''s;');
insert into s values (\$\$dollar;\$\$)"
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from s")" 4
	assert_eq "$(sql "select v from s where v like 'it%'")" "it's; fine"
	assert_eq "$(sql "select v from s where v like 'doubled%'")" "doubled's;"
	assert_eq "$(sql "select count(*) from s where v in ('a;b', 'dollar;')")" 2
}

test_split_locations_after_multiline_dollar_quote() {
	mig 001_fn.up.sql 'create function f() returns integer language plpgsql as $$
begin
  return 1;
end;
$$;

  select no_such_function();'
	st up
	assert_rc 1
	assert_err "migrations/001_fn.up.sql:7:10: error: "
	assert_err "SQLSTATE 42883"
	assert_eq "$(sql "select count(*) from pg_proc where proname = 'f'")" 0
}

test_split_unterminated_dollar_quote_refused_before_running() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_fn.up.sql 'create table b(id integer);
create function f() returns integer language plpgsql as $$
begin
  return 1;
end;'
	st up
	assert_rc 1
	assert_err "migrations/002_fn.up.sql:2:"
	assert_eq "$(table_exists a)$(table_exists b)" "00"
}
