# strata dump, strata diff and drift in status, on SQLite (the catalog
# reader of PostgreSQL has its own check: tests/unit/pg_snapshot_check.c).
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

schema_v1() {
	mig 001_a.up.sql "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT) STRICT;
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE DEFAULT '',
  age INT CHECK (age >= 0),
  team_id INT REFERENCES teams (id) ON DELETE CASCADE,
  CONSTRAINT email_ok CHECK (email <> 'x')
);
CREATE INDEX users_age ON users (age) WHERE age > 0;
CREATE VIEW adults AS SELECT id, email
  FROM users WHERE age >= 18;
CREATE TRIGGER users_touch AFTER INSERT ON users BEGIN UPDATE users SET age = 0 WHERE id = new.id AND age IS NULL; END;"
	mig 001_a.down.sql "DROP TRIGGER users_touch; DROP VIEW adults; DROP INDEX users_age; DROP TABLE users; DROP TABLE teams;"
}

test_dump_is_canonical_text() {
	schema_v1
	st up --allow-unsafe
	assert_rc 0
	st dump
	assert_rc 0
	assert_eq "$out" "-- strata schema snapshot: sqlite
table teams
  column id INTEGER PRIMARY KEY 1
  column name TEXT
  strict

table users
  check (age >= 0)
  check email_ok (email <> 'x')
  column age INT
  column email TEXT NOT NULL DEFAULT ''
  column id INTEGER PRIMARY KEY 1
  column team_id INT
  foreign-key (team_id) REFERENCES teams (id) ON UPDATE NO ACTION ON DELETE CASCADE
  unique (email)

index users_age ON users
  definition CREATE INDEX users_age ON users (age) WHERE age > 0

view adults
  definition CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18

trigger users_touch ON users
  definition CREATE TRIGGER users_touch AFTER INSERT ON users BEGIN UPDATE users SET age = 0 WHERE id = new.id AND age IS NULL; END"
}

test_same_schema_any_order_same_bytes() {
	schema_v1
	st up --allow-unsafe
	st dump -o one.snapshot
	assert_rc 0
	assert_out "wrote the schema to one.snapshot"
	# the same objects, created the other way round, with other spacing,
	# comments, and the columns in another order
	sqlite3 other.db "CREATE VIEW adults AS SELECT id,   email FROM users WHERE age >= 18;
CREATE TABLE users (
  team_id INT REFERENCES teams (id) ON DELETE CASCADE, -- the team
  age INT CHECK (age >= 0), id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE DEFAULT '',
  CONSTRAINT email_ok CHECK (email <> 'x'));
CREATE TRIGGER users_touch AFTER INSERT ON users BEGIN UPDATE users SET age = 0 WHERE id = new.id AND age IS NULL; END;
CREATE INDEX users_age ON users (age) WHERE age > 0;
CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT) STRICT;"
	st --url sqlite:other.db dump -o two.snapshot
	assert_rc 0
	cmp one.snapshot two.snapshot || fail "the snapshots differ: $(diff one.snapshot two.snapshot)"
	# the history table is not part of the schema
	case "$(cat one.snapshot)" in *strata_migrations*) fail "history table in the snapshot" ;; esac
}

test_diff_shows_exactly_the_change() {
	schema_v1
	st up --allow-unsafe
	st dump -o schema.snapshot
	st diff
	assert_rc 0
	assert_out "no difference between schema.snapshot and the database"
	sql "ALTER TABLE users ADD COLUMN nick TEXT; DROP VIEW adults; CREATE INDEX teams_name ON teams (name)"
	st diff
	assert_rc 3
	assert_eq "$out" "+ index teams_name ON teams
~ table users
    + column nick TEXT
- view adults"
	st diff --json
	assert_rc 3
	assert_json
	assert_eq "$(jqv .differences)" 3
	# two files, no database needed
	st dump -o now.snapshot
	st diff --from now.snapshot --to schema.snapshot
	assert_rc 3
	assert_eq "$out" "- index teams_name ON teams
~ table users
    - column nick TEXT
+ view adults"
}

test_diff_and_dump_errors() {
	schema_v1
	st up --allow-unsafe
	st diff
	assert_rc 1
	assert_err "cannot read 'schema.snapshot': No such file or directory (write one with 'strata dump -o FILE')"
	printf 'CREATE TABLE x (id int);\n' > plain.sql
	st diff --from plain.sql
	assert_rc 1
	assert_err "'plain.sql' is not a schema snapshot"
	st dump extra
	assert_rc 2
	st dump -o /nonexistent-dir/s.snapshot
	assert_rc 1
	assert_err "cannot write '/nonexistent-dir/s.snapshot"
}

test_status_reports_drift_and_up_keeps_the_dump() {
	schema_v1
	st up --allow-unsafe --dump
	assert_rc 0
	assert_out "wrote the schema to schema.snapshot"
	st status --exit-code
	assert_rc 0
	assert_out "schema: matches schema.snapshot"
	sql "CREATE TABLE hotfix (id int)"
	st status --exit-code
	assert_rc 3
	assert_out "schema: 1 object differs from schema.snapshot ('strata diff' shows how)"
	st status --json
	assert_eq "$(jqv '.drift.differences')" 1
	# strata.ini names the file and keeps it current after every run
	printf '[dump]\nfile = db/schema.txt\nafter-run = true\n' > strata.ini
	mkdir db
	mig 002_b.up.sql "CREATE TABLE b (id INTEGER PRIMARY KEY);"
	mig 002_b.down.sql "DROP TABLE b;"
	st up --allow-unsafe
	assert_rc 0
	assert_out "wrote the schema to db/schema.txt"
	grep -qx 'table b' db/schema.txt || fail "table b not in db/schema.txt"
	printf '[dump]\nfile =\n' > strata.ini
	st status
	assert_rc 2
	assert_err "strata.ini: 'file = ' in [dump]: expected 'file = PATH' or 'after-run = true|false'"
}

test_dump_to_a_device_writes_into_it() {
	schema_v1
	st up --allow-unsafe
	# renaming a temporary file over /dev/null would replace the device
	# (as root); a FIFO stands in for it here
	mkfifo pipe
	timeout 10 cat pipe >from_pipe &
	reader=$!
	st dump -o pipe
	wait "$reader"
	assert_rc 0
	[ -p pipe ] || fail "the FIFO was replaced by a file"
	head -n1 from_pipe | grep -qx -- '-- strata schema snapshot: sqlite' || fail "nothing came through the FIFO"
}

test_dump_of_an_empty_database() {
	st --url "sqlite:$TEST_DIR/empty.db" dump
	assert_rc 0
	assert_eq "$out" "-- strata schema snapshot: sqlite"
}
