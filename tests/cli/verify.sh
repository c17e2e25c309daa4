# strata verify: the objects of the applied migrations are in the database,
# and their verify scripts pass, rolled back (both databases).
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# a name as verify prints it: qualified on PostgreSQL
q() { case "$DB" in pg) echo "public.$1" ;; *) echo "$1" ;; esac; }

# trigger_sql NAME TABLE: a trigger that does nothing, in the dialect
trigger_sql() {
	case "$DB" in
	pg) echo "CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
CREATE TRIGGER $1 AFTER INSERT ON $2 FOR EACH ROW EXECUTE FUNCTION noop();" ;;
	*) echo "CREATE TRIGGER $1 AFTER INSERT ON $2 BEGIN SELECT 1; END;" ;;
	esac
}

# 001 users with an index, a view and a trigger; 002 a column
base() {
	mig 001_users.up.sql "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
CREATE INDEX users_email ON users (email);
CREATE VIEW emails AS SELECT email FROM users;
$(trigger_sql users_audit users)"
	mig 001_users.down.sql "DROP VIEW emails; DROP TABLE users;"
	mig 002_nick.up.sql "ALTER TABLE users ADD COLUMN nick text;"
	mig 002_nick.down.sql "ALTER TABLE users DROP COLUMN nick;"
}

test_everything_present_is_ok() {
	base
	st up
	assert_rc 0
	st verify
	assert_rc 0
	assert_line "VERSION          NAME                             OBJECTS  SCRIPT  RESULT"
	assert_re '^001 +users +[0-9]+/[0-9]+ +- +ok$'
	assert_re '^002 +nick +1/1 +- +ok$'
	assert_out "2 migrations verified: 2 ok"
	assert_no "missing"
}

test_objects_dropped_by_hand_are_named_with_their_migration() {
	base
	st up
	assert_rc 0
	sql "DROP INDEX users_email"
	sql "DROP VIEW emails"
	sql "DROP TRIGGER users_audit$([ "$DB" = pg ] && echo ' ON users')"
	sql "ALTER TABLE users DROP COLUMN nick"
	st verify
	assert_rc 1
	assert_re '^001 +users +[0-9]+/[0-9]+ +- +failed$'
	assert_line "    missing: index $(q users_email) (added by 001_users)"
	assert_line "    missing: view $(q emails) (added by 001_users)"
	assert_line "    missing: trigger users_audit ON $(q users) (added by 001_users)"
	assert_re '^002 +nick +0/1 +- +failed$'
	assert_line "    missing: column $(q users).nick (added by 002_nick)"
	assert_out "2 migrations verified: 0 ok, 2 failed"
	# a table gone: it and everything on it
	sql "DROP TABLE users"
	st verify
	assert_rc 1
	assert_line "    missing: table $(q users) (added by 001_users)"
	assert_line "    missing: column $(q users).email (added by 001_users)"
}

test_created_then_dropped_later_is_not_expected() {
	mig 001_a.up.sql "CREATE TABLE keep (id integer PRIMARY KEY, old text);
CREATE TABLE tmp (id integer);
CREATE INDEX tmp_id ON tmp (id);
CREATE VIEW v AS SELECT 1 AS one;"
	mig 002_b.up.sql "DROP VIEW v;
DROP TABLE tmp;
ALTER TABLE keep DROP COLUMN old;"
	st up
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +a +2/2 +- +ok$'
	assert_re '^002 +b +0/0 +- +ok$'
	# made again by a later one: expected again, as that one's
	mig 003_c.up.sql "CREATE TABLE tmp (id integer);"
	st up
	assert_rc 0
	sql "DROP TABLE tmp"
	st verify
	assert_rc 1
	assert_line "    missing: table $(q tmp) (added by 003_c)"
	assert_re '^001 +a +2/2 +- +ok$'
}

test_renames_are_followed() {
	mig 001_t.up.sql "CREATE TABLE t (a integer, b text);
CREATE INDEX t_a ON t (a);"
	mig 002_rename.up.sql "ALTER TABLE t RENAME TO u;
ALTER TABLE u RENAME COLUMN b TO c;"
	st up
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +t +4/4 +- +ok$'
	sql "ALTER TABLE u DROP COLUMN c"
	st verify
	assert_rc 1
	assert_line "    missing: column $(q u).c (added by 001_t)"
}

test_verify_scripts_pass_fail_and_error() {
	base
	mig 001_users.verify.sql "-- every user has an email
SELECT count(*) = 0 FROM users WHERE email = '';
SELECT 1 AS one, 'yes' AS two;"
	mig 002_nick.verify.sql "SELECT count(*) = 0 FROM users;"
	mig 003_bad.up.sql "CREATE TABLE c (id integer);"
	mig 003_bad.verify.sql "SELECT 1;

  SELECT nope FROM c;"
	st up
	assert_rc 0
	sql "INSERT INTO users (id, email) VALUES (1, 'a@b')"
	st verify
	assert_rc 1
	assert_re '^001 +users +[0-9]+/[0-9]+ +passed +ok$'
	# a false value: the statement and the row
	assert_re '^002 +nick +1/1 +false +failed$'
	assert_err "strata: verify script of 002_nick:"
	assert_err "migrations/002_nick.verify.sql:1:1: error: returned a false value: row 1: $([ "$DB" = pg ] && echo f || echo 0)"
	# an error: where, as any statement error
	assert_re '^003 +bad +2/2 +error +failed$'
	assert_err "migrations/003_bad.verify.sql:3:10: error: "
	assert_err "nope"
	assert_out "3 migrations verified: 1 ok, 2 failed"
	# a script that does not parse: nothing of it runs
	mig 003_bad.verify.sql "INSERT INTO c VALUES (1);
SELEC 1;"
	st verify
	assert_rc 1
	assert_re '^003 +bad +2/2 +error +failed$'
	assert_err "migrations/003_bad.verify.sql:2:1: error: "
	assert_err "syntax error"
	assert_eq "$(sql "SELECT count(*) FROM c")" 0
}

test_verify_script_writes_are_rolled_back() {
	mig 001_t.up.sql "CREATE TABLE t (id integer);"
	mig 001_t.verify.sql "INSERT INTO t VALUES (1);
UPDATE t SET id = 2;
SELECT count(*) = 1 FROM t WHERE id = 2;
CREATE TABLE scratch (x integer);"
	st up
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +t +2/2 +passed +ok$'
	assert_eq "$(sql "SELECT count(*) FROM t")" 0
	assert_eq "$(table_exists scratch)" 0
	# a COMMIT would keep it: refused before anything runs
	mig 001_t.verify.sql "INSERT INTO t VALUES (1);
COMMIT;"
	st verify
	assert_rc 1
	assert_err "migrations/001_t.verify.sql:2:1: error: 'COMMIT' in a verify script"
	assert_eq "$(sql "SELECT count(*) FROM t")" 0
}

test_verify_section_of_a_single_file() {
	mig 001_t.sql "-- strata:up
CREATE TABLE t (id integer);
-- strata:verify
SELECT count(*) = 0 FROM t;
-- strata:down
DROP TABLE t;"
	st up
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +t +2/2 +passed +ok$'
	sql "INSERT INTO t VALUES (1)"
	st verify
	assert_rc 1
	assert_err "migrations/001_t.sql:4:1: error: returned a false value"
	# the down section ends where the verify section begins
	st down
	assert_rc 0
	assert_eq "$(table_exists t)" 0
}

test_pending_migrations_are_not_verified() {
	mig 001_a.up.sql "CREATE TABLE a (id integer);"
	mig 002_b.up.sql "CREATE TABLE b (id integer);"
	mig 002_b.verify.sql "SELECT 1 = 0;"
	st verify
	assert_rc 0
	assert_out "no applied migration to verify"
	st up 1
	assert_rc 0
	st verify
	assert_rc 0
	assert_no "002"
	assert_out "1 migration verified: 1 ok"
}

test_json() {
	base
	mig 002_nick.verify.sql "SELECT 1 = 0;"
	st up
	assert_rc 0
	sql "DROP INDEX users_email"
	st verify --json
	assert_rc 1
	assert_json
	assert_eq "$(jqv .ok)" false
	assert_eq "$(jqv .verified)" 2
	assert_eq "$(jqv .failed)" 2
	assert_eq "$(jqv '.migrations[0].objects.missing | join(",")')" "index $(q users_email)"
	assert_eq "$(jqv '.migrations[0].script')" none
	assert_eq "$(jqv '.migrations[1].result')" failed
	assert_eq "$(jqv '.migrations[1].script')" false
	assert_eq "$(jqv '.migrations[1].script_file')" migrations/002_nick.verify.sql
	assert_eq "$(jqv '.migrations[1].error.line')" 1
	assert_eq "$(jqv '.migrations[1].objects.expected')" 1
	st verify extra
	assert_rc 2
	assert_err "usage: strata verify"
}

test_dirty_missing_and_modified_migrations() {
	mig 001_a.up.sql "CREATE TABLE a (id integer);"
	mig 002_nt.sql "-- strata:up
-- strata:no-transaction
CREATE TABLE b (id integer);
INSERT INTO no_such_table VALUES (1);
CREATE TABLE c (id integer);"
	st up
	assert_rc 1
	st verify
	assert_rc 1
	# only what ran before the failed statement is expected
	assert_re '^002 +nt +2/2 +- +failed$'
	assert_out "note: dirty: its up stopped before statement 2"
	st force 002
	assert_rc 0
	# edited after it was applied: checked as it is now
	mig 002_nt.sql "-- strata:up
CREATE TABLE b (id integer);"
	st verify
	assert_rc 0
	assert_out "note: its file changed since it was applied"
	# an applied migration whose file is gone cannot be checked
	rm migrations/002_nt.sql
	st verify
	assert_rc 0
	assert_re '^002 +nt +- +- +not checked$'
	assert_out "2 migrations verified: 1 ok, 1 not checked (no file)"
}

test_up_section_that_no_longer_parses() {
	mig 001_a.up.sql "CREATE TABLE a (id integer);"
	mig 002_b.up.sql "CREATE TABLE b (id integer);"
	st up
	assert_rc 0
	mig 001_a.up.sql "CREATE TABLE a (id integer;"
	st verify
	assert_rc 1
	assert_re '^001 +a +0/0 +- +failed$'
	assert_out "note: its up section cannot be read: its objects are not checked"
	assert_err "strata: the up section of 001_a:"
	assert_err "migrations/001_a.up.sql:1:"
	assert_re '^002 +b +2/2 +- +ok$'
}

test_lint_and_status_take_verify_scripts() {
	base
	mig 001_users.verify.sql "DELETE FROM users;
SELECT count(*) = 0 FROM users;"
	mig 003_c.sql "-- strata:up
CREATE TABLE c (id integer);
-- strata:verify
DELETE FROM c;
-- strata:down
DROP TABLE c;"
	# the scripts are not migrations: their DELETEs are not linted
	st lint
	assert_out "in 6 sections"
	assert_no "verify.sql"
	assert_no "DELETE FROM"
	# given by name, a verify script is not a migration: nothing to lint
	st lint migrations/001_users.verify.sql
	assert_rc 0
	assert_out "in 0 sections"
	st status
	assert_rc 0
	assert_re '^003 +c +pending'
}
