# strata verify on SQLite: names compare without case, the table rebuild
# SQLite's ALTER TABLE needs is followed, temporary objects are not expected.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_sqlite_rebuild_and_names_without_case() {
	mig 001_users.up.sql "CREATE TABLE Users (id INTEGER PRIMARY KEY, Email TEXT);
CREATE INDEX users_email ON users (email);"
	mig 002_rebuild.up.sql "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '', nick TEXT);
INSERT INTO users_new (id, email) SELECT id, coalesce(Email, '') FROM USERS;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_email ON users (email);
CREATE TEMP TABLE scratch (x);
ALTER TABLE main.users ADD COLUMN Age INTEGER;"
	st up --allow-unsafe
	assert_rc 0
	st verify
	assert_rc 0
	# 001's table went with the rebuild: what is there now is 002's
	assert_re '^001 +users +0/0 +- +ok$'
	assert_re '^002 +rebuild +6/6 +- +ok$'
	sql "DROP INDEX users_email"
	st verify
	assert_rc 1
	assert_line "    missing: index users_email (added by 002_rebuild)"
	sql "ALTER TABLE users DROP COLUMN age"
	st verify
	assert_rc 1
	assert_line "    missing: column users.Age (added by 002_rebuild)"
}

test_sqlite_names_with_spaces_and_quotes() {
	mig 001_a.up.sql 'CREATE TABLE "my table" ("nick name" TEXT, [age] INT);
CREATE INDEX "my index" ON "my table" ("nick name");
CREATE TRIGGER "on insert" AFTER INSERT ON "my table" BEGIN SELECT 1; END;'
	st up --allow-unsafe
	assert_rc 0
	st verify
	assert_rc 0
	assert_re '^001 +a +5/5 +- +ok$'
	sql 'DROP INDEX "my index"; ALTER TABLE "my table" DROP COLUMN "nick name"'
	sql 'DROP TRIGGER "on insert"'
	st verify
	assert_rc 1
	assert_line "    missing: column my table.nick name (added by 001_a)"
	assert_line "    missing: index my index (added by 001_a)"
	assert_line "    missing: trigger on insert ON my table (added by 001_a)"
	assert_no "missing: column my table.age"
}
