# strata test, dump and diff on PostgreSQL: the scratch database is made
# beside the test's own and dropped; broken downs of every kind are named.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

base() {
	mig 001_users.up.sql "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL DEFAULT '', age int);
CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;"
	mig 001_users.down.sql "DROP VIEW adults; DROP TABLE users;"
}

scratch_dbs() { sql "SELECT count(*) FROM pg_database WHERE datname LIKE 'strata\_test\_%'"; }

test_pg_clean_history_is_reversible() {
	base
	mig 002_f.up.sql "CREATE FUNCTION add1(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE INDEX users_age ON users (age);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON users USING (id > 0);"
	mig 002_f.down.sql "DROP POLICY own ON users;
ALTER TABLE users DISABLE ROW LEVEL SECURITY;
DROP INDEX users_age;
DROP FUNCTION add1(integer);"
	st test
	assert_rc 0
	assert_out "2 migrations: 2 reversible"
	# the test's database is untouched, the scratch one is gone
	assert_eq "$(table_exists users)" 0
	assert_eq "$(scratch_dbs)" 0
}

# broken UP DOWN: migration 002 with a wrong down; prints the summary line
broken() {
	base
	mig 002_x.up.sql "$1"
	mig 002_x.down.sql "$2"
	st test
	assert_rc 1
	assert_eq "$(scratch_dbs)" 0
}

test_pg_down_leaves_a_function() {
	broken "CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';" "SELECT 1;"
	assert_out "down leaves: function public.f(integer)"
}

test_pg_down_leaves_a_column() {
	broken "ALTER TABLE users ADD COLUMN nickname text;" "SELECT 1;"
	assert_out "down leaves: column public.users.nickname"
	assert_err "up again of 002_x failed:"
	assert_err "migrations/002_x.up.sql:1:"
}

test_pg_down_leaves_an_index_trigger_and_policy() {
	broken "CREATE INDEX users_age ON users (age);
CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NEW; END \$\$;
CREATE TRIGGER users_t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION tf();
CREATE POLICY own ON users USING (id > 0);" \
		"DROP FUNCTION tf() CASCADE;"
	assert_out "down leaves: index public.users_age, policy own"
}

test_pg_down_changes_a_default_and_a_view() {
	broken "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'none';
CREATE OR REPLACE VIEW adults AS SELECT id FROM users WHERE age >= 21;" \
		"ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';
CREATE OR REPLACE VIEW adults AS SELECT id FROM users WHERE age > 17;"
	assert_out "down changes: column public.users.email, view public.adults"
	assert_re '^002 +x .* not reversible$'
}

test_pg_dump_diff_round_trip() {
	base
	st up --allow-unsafe
	assert_rc 0
	st dump -o schema.snapshot
	assert_rc 0
	head -n1 schema.snapshot | grep -qx -- '-- strata schema snapshot: postgres' || fail "not a postgres snapshot"
	grep -q strata_migrations schema.snapshot && fail "history table in the snapshot"
	sql "ALTER TABLE users ADD COLUMN nick text"
	st diff
	assert_rc 3
	assert_eq "$out" "~ table public.users
    + column nick text"
	st status --exit-code
	assert_rc 3
	assert_out "schema: 1 object differs from schema.snapshot"
}

test_pg_scratch_needs_createdb() {
	base
	sql "CREATE ROLE nocreate_$$ LOGIN" >/dev/null
	sql "GRANT ALL ON SCHEMA public TO nocreate_$$" >/dev/null
	url=$(printf '%s' "$PG_TEST_URL" | sed "s/user=postgres/user=nocreate_$$/")
	st --url "$url" test
	sql "DROP OWNED BY nocreate_$$; DROP ROLE nocreate_$$" >/dev/null
	assert_rc 1
	assert_err "permission denied to create database"
	assert_err "give an empty database with --scratch-url"
}

test_pg_explain_shows_locks_and_the_table_before_and_after() {
	base
	mig 002_nick.up.sql "ALTER TABLE users ADD COLUMN nick text NOT NULL DEFAULT '';"
	mig 002_nick.down.sql "ALTER TABLE users DROP COLUMN nick;"
	st explain 002 --markdown
	assert_rc 0
	assert_out "| 1 | 1 | \`ALTER TABLE users ADD COLUMN nick text NOT NULL DEFAULT ''\` | users ACCESS EXCLUSIVE"
	assert_out '```diff
~ table public.users
    + column nick text NOT NULL DEFAULT '"''"'::text
```'
	assert_out "### table public.users"
	assert_out "Additive: it only adds to the schema"
	assert_eq "$(table_exists users)" 0
	assert_eq "$(scratch_dbs)" 0
}
