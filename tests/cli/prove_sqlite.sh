# strata test on SQLite: every migration up, down and up again on a scratch
# file, with snapshots between; broken downs are shown with what they leave.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

base() {
	mig 001_users.up.sql "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '', age INT);
CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;"
	mig 001_users.down.sql "DROP VIEW adults; DROP TABLE users;"
}

# broken NAME UP DOWN: a second migration whose down is wrong
broken() {
	mig "002_$1.up.sql" "$2"
	mig "002_$1.down.sql" "$3"
}

test_clean_history_is_reversible_and_the_database_untouched() {
	base
	mig 002_nick.up.sql "ALTER TABLE users ADD COLUMN nick TEXT;
CREATE INDEX users_nick ON users (nick);"
	mig 002_nick.down.sql "DROP INDEX users_nick;
ALTER TABLE users DROP COLUMN nick;"
	# a directory of its own for the scratch file, to see it go
	mkdir "$TEST_DIR/tmp"
	TMPDIR="$TEST_DIR/tmp" st test
	assert_rc 0
	assert_re '^001 +users +[0-9]+ ms +[0-9]+ ms +[0-9]+ ms +reversible$'
	assert_re '^002 +nick +[0-9]+ ms +[0-9]+ ms +[0-9]+ ms +reversible$'
	assert_out "2 migrations: 2 reversible"
	# the user's database is not even created
	[ -e "$TEST_DIR/test.db" ] && fail "strata test touched the database"
	[ -z "$(ls -A "$TEST_DIR/tmp")" ] || fail "scratch file left behind: $(ls -A "$TEST_DIR/tmp")"
}

test_down_that_leaves_a_column() {
	base
	broken nick "ALTER TABLE users ADD COLUMN nick TEXT;" "SELECT 1;"
	st test
	assert_rc 1
	assert_re '^002 +nick .* failed$'
	assert_out "    down leaves: column users.nick"
	assert_out "      ~ table users
          + column nick TEXT"
	assert_err "strata: up again of 002_nick failed:"
	assert_err "migrations/002_nick.up.sql:1:1: error: duplicate column name: nick"
}

test_down_that_leaves_an_index_and_a_trigger() {
	base
	broken idx "CREATE INDEX users_age ON users (age);
CREATE TRIGGER users_t AFTER INSERT ON users BEGIN SELECT 1; END;" "SELECT 1;"
	st test
	assert_rc 1
	assert_out "down leaves: index users_age, trigger users_t"
}

test_down_that_changes_a_default_or_a_view() {
	base
	mig 002_t.up.sql "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT DEFAULT 1);"
	mig 002_t.down.sql "DROP TABLE t;"
	# 003 rebuilds t with another default and redefines the view; its
	# down puts back neither exactly
	mig 003_change.up.sql "CREATE TABLE t_new (id INTEGER PRIMARY KEY, n INT DEFAULT 5);
INSERT INTO t_new SELECT * FROM t;
DROP TABLE t;
ALTER TABLE t_new RENAME TO t;
DROP VIEW adults;
CREATE VIEW adults AS SELECT id FROM users WHERE age >= 21;"
	mig 003_change.down.sql "CREATE TABLE t_old (id INTEGER PRIMARY KEY, n INT DEFAULT 2);
INSERT INTO t_old SELECT * FROM t;
DROP TABLE t;
ALTER TABLE t_old RENAME TO t;
DROP VIEW adults;
CREATE VIEW adults AS SELECT id FROM users WHERE age > 17;"
	st test
	assert_rc 1
	assert_re '^003 +change .* not reversible$'
	assert_out "    down changes: column t.n, view adults"
	assert_out "      ~ table t
          - column n INT DEFAULT 1
          + column n INT DEFAULT 2
      ~ view adults
          + definition CREATE VIEW adults AS SELECT id FROM users WHERE age > 17
          - definition CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18"
	assert_out "3 migrations: 2 reversible, 1 not reversible"
}

test_missing_and_empty_down_are_irreversible() {
	base
	mig 002_a.up.sql "CREATE TABLE a (id int);"
	mig 003_b.up.sql "CREATE TABLE b (id int);"
	mig 003_b.down.sql "-- nothing to undo"
	st test
	assert_rc 1
	assert_re '^002 +a +[0-9]+ ms +- +- +irreversible$'
	assert_re '^003 +b +[0-9]+ ms +- +- +irreversible$'
	assert_out "3 migrations: 1 reversible, 2 irreversible"
	# a forward-only history is applied and snapshotted only
	st test --only-up
	assert_rc 0
	assert_out "3 migrations: 0 reversible, 3 applied (--only-up)"
}

test_error_in_up_stops_with_its_location() {
	base
	mig 002_bad.up.sql "CREATE TABLE ok (id int);
INSERT INTO nowhere VALUES (1);"
	mig 002_bad.down.sql "DROP TABLE ok;"
	mig 003_after.up.sql "CREATE TABLE after (id int);"
	mig 003_after.down.sql "DROP TABLE after;"
	st test
	assert_rc 1
	assert_re '^002 +bad +[0-9]+ ms +- +- +failed$'
	assert_err "strata: up of 002_bad failed:"
	assert_err "migrations/002_bad.up.sql:2:1: error: no such table: nowhere"
	assert_no "003"
	assert_out "2 migrations: 1 reversible, 1 failed (the test stopped there)"
}

test_from_to_and_json() {
	base
	broken nick "ALTER TABLE users ADD COLUMN nick TEXT;" "ALTER TABLE users DROP COLUMN nick;"
	mig 003_c.up.sql "CREATE TABLE c (id int);"
	mig 003_c.down.sql "DROP TABLE c;"
	st test --from 002 --to 002
	assert_rc 0
	assert_no "001"
	assert_no "003"
	assert_out "1 migration: 1 reversible"
	broken nick "ALTER TABLE users ADD COLUMN nick TEXT;" "SELECT 1;"
	st test --json
	assert_rc 1
	assert_json
	assert_eq "$(jqv '[.migrations[] | .result] | join(",")')" "reversible,failed"
	assert_eq "$(jqv '.migrations[1].summary')" "down leaves: column users.nick"
	assert_eq "$(jqv '.migrations[1].phase')" "up again"
	assert_eq "$(jqv '.migrations[1].error.line')" 1
	assert_eq "$(jqv '.not_proven')" 1
	st test --from x1
	assert_rc 2
}

test_scratch_url_must_be_empty() {
	base
	st up --allow-unsafe
	assert_rc 0
	st test --scratch-url "sqlite:$TEST_DIR/test.db"
	assert_rc 1
	assert_err "the scratch database is not empty: migration 001 is applied there"
	st test --scratch-url "sqlite:$TEST_DIR/empty.db"
	assert_rc 0
	assert_out "1 migration: 1 reversible"
}
