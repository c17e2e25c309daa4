# statement splitting on SQLite (sqlite3_complete): triggers, strings, comments
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# statement locations printed by the last `up --dry-run`, comma-separated
dry_locations() {
	printf '%s\n' "$out" | sed -n 's/^-- \(migrations\/[^ ]*:[0-9]*:[0-9]*\)$/\1/p' | paste -sd, -
}

test_split_trigger_body_is_one_statement() {
	mig 001_trg.up.sql 'create table t(id integer, n integer);
create table audit(what text);
create trigger t_ins after insert on t
begin
  insert into audit values ('"'"'ins;1'"'"');
  update t set n = 1 where id = new.id;
end;
insert into t(id) values (7);'
	st up --dry-run
	assert_rc 0
	assert_eq "$(dry_locations)" \
		"migrations/001_trg.up.sql:1:1,migrations/001_trg.up.sql:2:1,migrations/001_trg.up.sql:3:1,migrations/001_trg.up.sql:8:1"
	st up
	assert_rc 0
	assert_eq "$(sql "select what from audit")" "ins;1"
	assert_eq "$(sql "select n from t")" 1
}

test_split_trigger_with_case_end() {
	mig 001_trg.up.sql 'create table t(id integer, kind text);
create trigger t_ins after insert on t
begin
  update t set kind = case when new.id > 5 then '"'"'big'"'"' else '"'"'small'"'"' end
  where id = new.id;
end;
insert into t(id) values (7);
insert into t(id) values (1)'
	st up
	assert_rc 0
	assert_eq "$(sql "select kind from t order by id" | paste -sd, -)" "small,big"
}

test_split_strings_and_comments_with_semicolons() {
	mig 001_s.up.sql "create table s(v text); -- trailing; comment
/* block; comment; */ insert into s values ('a;b');
insert into s values ('it''s; fine');
insert into s values ('x' || ';')"
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from s")" 3
	assert_eq "$(sql "select v from s where v like 'it%'")" "it's; fine"
	assert_eq "$(sql "select count(*) from s where v = 'a;b'")" 1
}

test_split_trigger_without_end_refused_before_running() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_trg.up.sql 'create table t(id integer);
create trigger t_ins after insert on t
begin
  insert into t values (1);'
	st up
	assert_rc 1
	assert_err "migrations/002_trg.up.sql:2:"
	# every planned migration is parsed before the first one runs
	assert_eq "$(table_exists a)" 0
	assert_eq "$(table_exists t)" 0
}

test_split_statement_count_in_failure_message() {
	mig 001_trg.up.sql 'create table t(id integer);
create trigger t_ins after insert on t
begin
  insert into t values (1);
  select 1;
end;
insert into no_such_table values (1);'
	st up
	assert_rc 1
	assert_err "migrations/001_trg.up.sql:7:1: error: "
	assert_err "statement 3"
	assert_eq "$(table_exists t)" 0
}

test_split_comment_before_semicolon_is_not_incomplete() {
	mig 001_a.up.sql 'create table a(id integer) -- the first table
;
insert into a values (1) -- a row
;'
	st up
	assert_rc 0
	assert_eq "$(sql 'select count(*) from a')" 1
}
