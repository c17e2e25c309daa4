# strata explain: one migration for review, its schema change read on a
# scratch database (SQLite here; the PostgreSQL reader has its own check).
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

setup_two() {
	mig 001_users.up.sql "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy TEXT);"
	mig 001_users.down.sql "DROP TABLE users;"
}

test_additive_migration() {
	setup_two
	mig 002_nick.up.sql "ALTER TABLE users ADD COLUMN nick TEXT;
CREATE INDEX users_nick ON users (nick);"
	mig 002_nick.down.sql "DROP INDEX users_nick;
ALTER TABLE users DROP COLUMN nick;"
	st explain 002
	assert_rc 0
	assert_out "002_nick"
	assert_out "  1. line 1: ALTER TABLE users ADD COLUMN nick TEXT"
	assert_out "    + index users_nick ON users
    ~ table users
        + column nick TEXT"
	assert_out "  before:
    (none)
  after:
    index users_nick ON users
      definition CREATE INDEX users_nick ON users (nick)"
	assert_out "    DROP INDEX users_nick;
    ALTER TABLE users DROP COLUMN nick;"
	assert_out "  Additive: it only adds to the schema"
	# nothing was applied to the database itself
	[ -e "$TEST_DIR/test.db" ] && fail "explain created the database"
	true
}

test_breaking_migration_gets_expand_migrate_contract() {
	setup_two
	mig 002_drop.up.sql "ALTER TABLE users DROP COLUMN legacy;"
	st explain 002 --markdown
	assert_rc 0
	assert_out "# 002_drop"
	assert_out "| 1 | 1 | \`ALTER TABLE users DROP COLUMN legacy\` | users DATABASE WRITE rewrite | high |"
	assert_out "- warning[sqlite-drop-column] line 1: dropping column 'legacy' deletes its data"
	assert_out "- warning[missing-down]: no down section"
	assert_out '```diff
~ table users
    - column legacy TEXT
```'
	assert_out "Breaking: it removes or changes what exists"
	assert_out "1. expand: add the new shape next to the old one"
	assert_out "3. contract: in a later migration"
	assert_out "None: no down section."
	assert_out "It has no down section: rolling back means a new migration, or a restore."
}

test_data_migration_and_output_file() {
	setup_two
	mig 002_fill.up.sql "UPDATE users SET legacy = 'x' WHERE legacy IS NULL;"
	mig 002_fill.down.sql "SELECT 1;"
	st explain 002 --markdown -o review.md
	assert_rc 0
	assert_out "wrote the explanation of 002_fill to review.md"
	grep -q "No change to the schema: a data migration" review.md || fail "no data-migration note in review.md"
	grep -q '^## Rollback$' review.md || fail "no rollback heading"
}

test_explain_errors() {
	setup_two
	st explain 009
	assert_rc 1
	assert_err "no migration has version 009"
	st explain
	assert_rc 2
	st explain abc
	assert_rc 2
	mig 002_bad.up.sql "CREATE TABLE x (id int);
INSERT INTO nowhere VALUES (1);"
	st explain 002
	assert_rc 1
	assert_err "migrations/002_bad.up.sql:2:1: error: no such table: nowhere"
}
