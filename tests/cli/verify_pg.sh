# strata verify on PostgreSQL: every kind of object, schemas and the search
# path, functions by name, what DROP COLUMN takes along, and what cannot be
# seen.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_pg_objects_of_every_kind() {
	mig 001_all.up.sql 'CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL,
  CONSTRAINT email_len CHECK (length(email) < 200));
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER users_audit AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION noop();
CREATE TYPE mood AS ENUM ($$a$$, $$b$$);
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE SEQUENCE counter;
CREATE POLICY own ON users USING (true);
CREATE SCHEMA app;
CREATE TABLE app."Order" (id integer PRIMARY KEY);
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE PROCEDURE tidy(days integer) LANGUAGE sql AS $$SELECT 1$$;'
	st up --allow-unsafe
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +all +16/16 +- +ok$'
	sql 'DROP TABLE app."Order"; DROP POLICY own ON users; DROP TRIGGER users_audit ON users;
ALTER TABLE users DROP CONSTRAINT email_len; DROP PROCEDURE tidy; DROP TYPE mood;
DROP DOMAIN positive; DROP MATERIALIZED VIEW mv; DROP EXTENSION pgcrypto;
DROP SEQUENCE counter; DROP FUNCTION noop; DROP SCHEMA app'
	st verify
	assert_rc 1
	assert_re '^001 +all +3/16 +- +failed$'
	for m in "constraint public.users.email_len" "function public.noop" \
		"trigger users_audit ON public.users" "type public.mood" \
		"type public.positive" "sequence public.counter" \
		"policy own ON public.users" "schema app" 'table app."Order"' \
		'column app."Order".id' "materialized-view public.mv" \
		"extension pgcrypto" "procedure public.tidy"; do
		assert_line "    missing: $m (added by 001_all)"
	done
}

test_pg_search_path_and_current_schema() {
	sql "CREATE SCHEMA app"
	mig 001_a.up.sql "SET search_path TO app, public;
CREATE TABLE t (id integer PRIMARY KEY);"
	mig 002_b.up.sql "CREATE TABLE t (id integer PRIMARY KEY);"
	# one run each: a SET lasts for the connection
	st up 1
	assert_rc 0
	st up
	assert_rc 0
	assert_eq "$(table_exists t app)" 1
	assert_eq "$(table_exists t public)" 1
	st verify
	assert_rc 0
	sql "DROP TABLE app.t"
	st verify
	assert_rc 1
	assert_line "    missing: table app.t (added by 001_a)"
	assert_re '^002 +b +2/2 +- +ok$'
	# unqualified names are where current_schema() says
	sql "DROP TABLE public.t; CREATE TABLE app.t (id integer PRIMARY KEY)"
	sql "ALTER DATABASE $(sql 'SELECT current_database()') SET search_path = app"
	st verify
	assert_rc 0
}

test_pg_drop_column_takes_its_indexes_and_constraints() {
	mig 001_t.up.sql "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text,
  CONSTRAINT b_short CHECK (length(b) < 9));
CREATE INDEX t_b ON t (lower(b)) WHERE a > 0;
CREATE INDEX t_a ON t (a);
ALTER TABLE t ADD CONSTRAINT t_b_uk UNIQUE (b);"
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN b;"
	st up --allow-unsafe
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +t +4/4 +- +ok$'
	sql "DROP INDEX t_a"
	st verify
	assert_rc 1
	assert_line "    missing: index public.t_a (added by 001_t)"
}

test_pg_functions_are_found_by_schema_and_name() {
	mig 001_f.up.sql 'CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$SELECT a$$;
CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql AS $$SELECT a$$;
CREATE FUNCTION g(a varchar(10)) RETURNS int LANGUAGE sql AS $$SELECT 1$$;'
	mig 002_f.up.sql 'DROP FUNCTION f(integer);
DROP FUNCTION g(character varying);'
	st up
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +f +1/1 +- +ok$'
	sql "DROP FUNCTION f(text)"
	st verify
	assert_rc 1
	assert_line "    missing: function public.f (added by 001_f)"
}

test_pg_renames_and_schema_moves_are_followed() {
	mig 001_a.up.sql "CREATE SCHEMA old;
CREATE TABLE old.t (id integer PRIMARY KEY, n text);
CREATE INDEX t_n ON old.t (n);
CREATE TYPE old.mood AS ENUM ('a');
CREATE VIEW v AS SELECT 1 AS one;"
	mig 002_b.up.sql "ALTER SCHEMA old RENAME TO app;
ALTER TABLE app.t SET SCHEMA public;
ALTER TABLE t RENAME TO u;
ALTER INDEX t_n RENAME TO u_n;
ALTER TABLE u RENAME CONSTRAINT t_pkey TO u_pkey;
ALTER TYPE app.mood RENAME TO feeling;
ALTER TABLE v RENAME TO w;"
	st up --allow-unsafe
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +a +7/7 +- +ok$'
	sql "DROP INDEX u_n; DROP VIEW w"
	st verify
	assert_rc 1
	assert_line "    missing: index public.u_n (added by 001_a)"
	assert_line "    missing: view public.w (added by 001_a)"
}

test_pg_what_cannot_be_seen_is_noted() {
	mig 001_a.up.sql "CREATE TABLE a (id integer PRIMARY KEY);
DO \$\$ BEGIN EXECUTE 'CREATE TABLE b (id integer)'; END \$\$;
CREATE INDEX ON a (id);
CREATE TABLE keep (id integer PRIMARY KEY);
CREATE VIEW v AS SELECT id FROM a;
CREATE VIEW w AS SELECT id FROM keep;"
	mig 002_b.up.sql "ALTER TABLE a RENAME TO a2;
DROP TABLE a2 CASCADE;"
	st up --allow-unsafe
	assert_rc 0
	st verify
	assert_rc 0
	assert_out "note: a DO block at migrations/001_a.up.sql:2: what it changes is not checked"
	assert_out "note: an index without a name at migrations/001_a.up.sql:3: what it changes is not checked"
	# the view the CASCADE took along is not held against 001
	assert_out "note: view public.v is gone, and not checked: the DROP ... CASCADE at migrations/002_b.up.sql:2 may have dropped it"
	assert_re '^001 +a +3/3 +- +ok$'
	# a view that did not read the table is still checked
	sql "DROP VIEW w"
	st verify
	assert_rc 1
	assert_line "    missing: view public.w (added by 001_a)"
}

test_pg_drop_type_cascade() {
	mig 001_a.up.sql "CREATE TYPE mood AS ENUM ('a');
CREATE TABLE t (id integer PRIMARY KEY, m mood);"
	mig 002_b.up.sql "DROP TYPE mood CASCADE;"
	st up --allow-unsafe
	assert_rc 0
	assert_eq "$(table_columns t)" id
	st verify
	assert_rc 0
	assert_out "note: column public.t.m is gone, and not checked: the DROP ... CASCADE at migrations/002_b.up.sql:1 may have dropped it"
	assert_re '^001 +a +2/2 +- +ok$'
	# tables are never taken along
	sql "DROP TABLE t"
	st verify
	assert_rc 1
	assert_line "    missing: table public.t (added by 001_a)"
}

test_pg_verify_script_values_and_settings() {
	mig 001_t.up.sql "CREATE TABLE t (id integer PRIMARY KEY, note text);"
	mig 001_t.verify.sql "SELECT true, 't', NULL::boolean;
SELECT 'false' AS said;"
	st up
	assert_rc 0
	st verify
	assert_rc 1
	# the text 'false' is false; NULL is not
	assert_err "migrations/001_t.verify.sql:2:1: error: returned a false value: row 1: false"
	# a statement that cannot run in the script's transaction
	mig 001_t.verify.sql "CREATE INDEX CONCURRENTLY t_note ON t (note);"
	st verify
	assert_rc 1
	assert_err "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
	assert_err "hint: a verify script runs in a transaction, and this statement cannot"
	# the script's own statement timeout
	mig 001_t.verify.sql "-- strata:statement-timeout 100ms
SELECT pg_sleep(5) IS NULL;"
	st verify
	assert_rc 1
	assert_err "migrations/001_t.verify.sql:2:1: error: canceling statement due to statement timeout"
	assert_eq "$(sql "SELECT count(*) FROM pg_indexes WHERE indexname = 't_note'")" 0
}
