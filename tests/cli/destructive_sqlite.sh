# SQLite keeps a copy of what an up drops in test.db.strata-backup, a file
# next to the database that up attaches as strata_backup (PostgreSQL's
# copies are tested in destructive.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# bk "Q": runs Q on the backup file
bk() { sqlite3 -batch "$TEST_DIR/test.db.strata-backup" "$1"; }

# the tables of the backup file, comma-separated
bk_tables() {
	bk "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name" | paste -sd, -
}

with_rows() {
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY, note text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
}

test_sqlite_drops_keep_a_copy() {
	with_rows
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;"
	mig 002_drop.down.sql "ALTER TABLE t ADD COLUMN note text;"
	mig 003_drop.up.sql "DROP TABLE t;"
	mig 003_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	st up --allow-destructive
	assert_rc 0
	assert_err "kept a copy of 't.note' in strata_backup.002_t_note before the drop"
	assert_err "kept a copy of 't' in strata_backup.003_t before the drop"
	assert_eq "$(table_exists t)" 0
	assert_eq "$(bk_tables)" "002_t_note,003_t"
	# the column with the primary key that finds its rows again
	assert_eq "$(bk 'SELECT id, note FROM "002_t_note" ORDER BY id' | paste -sd, -)" "1|a,2|b,3|c"
	assert_eq "$(bk 'SELECT id FROM "003_t" ORDER BY id' | paste -sd, -)" "1,2,3"
	# nothing of it in the database itself
	assert_eq "$(sql "SELECT count(*) FROM sqlite_master WHERE name LIKE '00%'")" 0
}

test_sqlite_backups_lists_the_copies() {
	with_rows
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;"
	mig 002_drop.down.sql "ALTER TABLE t ADD COLUMN note text;"
	mig 003_drop.up.sql "DROP TABLE t;"
	mig 003_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	st up --allow-destructive
	assert_rc 0
	st backups
	assert_rc 0
	assert_re '^strata_backup\.002_t_note +~3 rows  [0-9]+ bytes$'
	assert_re '^strata_backup\.003_t +~3 rows  [0-9]+ bytes$'
	assert_eq "$(printf '%s\n' "$out" | wc -l)" 2
	st backups --json
	assert_rc 0
	assert_json
	assert_eq "$(jqv '[.backups[] | "\(.name):\(.rows)"] | join(",")')" "002_t_note:3,003_t:3"
	assert_eq "$(jqv '[.backups[].bytes | type] | unique | join(",")')" number
}

test_sqlite_backups_without_a_file_says_none() {
	with_rows
	st backups
	assert_rc 0
	assert_out "no copies of dropped tables or columns"
	# asking does not create the file
	[ ! -e test.db.strata-backup ] || fail "the backup file was created"
	st backups --json
	assert_rc 0
	assert_eq "$(jqv '.backups | length')" 0
}

test_sqlite_backups_of_a_file_that_is_no_database() {
	with_rows
	printf 'not a database, not at all, just text\n%.0s' $(seq 1 100) >test.db.strata-backup
	st backups
	assert_rc 1
	assert_err "cannot open the data backup file '$TEST_DIR/test.db.strata-backup': file is not a database"
	# up refuses before anything runs, and says how to go on
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	st up --allow-destructive
	assert_rc 1
	assert_err "cannot open the data backup file"
	assert_err "way out: run again with --no-data-backup"
	assert_eq "$(table_exists t)" 1
	assert_eq "$(hist_versions)" "001"
	st up --allow-destructive --no-data-backup
	assert_rc 0
	assert_eq "$(table_exists t)" 0
}

test_sqlite_drop_column_without_primary_key_keeps_the_rowid() {
	mig 001_t.up.sql "CREATE TABLE t (name text, note text);
INSERT INTO t VALUES ('x', 'a'), ('y', 'b');
DELETE FROM t WHERE name = 'x';
INSERT INTO t VALUES ('z', 'c');
CREATE TABLE k (a int, b text, note text, PRIMARY KEY (b, a)) WITHOUT ROWID;
INSERT INTO k VALUES (1, 'p', 'kp'), (2, 'q', 'kq');"
	mig 001_t.down.sql "DROP TABLE t; DROP TABLE k;"
	st up
	assert_rc 0
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;
ALTER TABLE k DROP COLUMN note;"
	mig 002_drop.down.sql "SELECT 1;"
	st up --allow-destructive
	assert_rc 0
	assert_eq "$(bk 'SELECT rowid, note FROM "002_t_note" ORDER BY 1' | paste -sd, -)" "2|b,3|c"
	assert_eq "$(sql 'SELECT rowid, name FROM t ORDER BY 1' | paste -sd, -)" "2|y,3|z"
	# a composite key, in the key's order
	assert_eq "$(bk "SELECT group_concat(name) FROM pragma_table_info('002_k_note')")" "b,a,note"
	assert_eq "$(bk 'SELECT b, a, note FROM "002_k_note" ORDER BY a' | paste -sd, -)" "p|1|kp,q|2|kq"
}

test_sqlite_restore_from_the_copies() {
	with_rows
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;"
	mig 002_drop.down.sql "ALTER TABLE t ADD COLUMN note text;"
	st up --allow-destructive
	assert_rc 0
	# the SQL of docs/file-format.md
	sql "ATTACH 'test.db.strata-backup' AS strata_backup;
ALTER TABLE t ADD COLUMN note text;
UPDATE t SET note = b.note FROM strata_backup.\"002_t_note\" AS b WHERE b.id = t.id;"
	assert_eq "$(sql 'SELECT id, note FROM t ORDER BY id' | paste -sd, -)" "1|a,2|b,3|c"
	mig 003_drop.up.sql "DROP TABLE t;"
	mig 003_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY, note text);"
	st up --allow-destructive
	assert_rc 0
	sql "ATTACH 'test.db.strata-backup' AS strata_backup;
CREATE TABLE t (id bigint PRIMARY KEY, note text);
INSERT INTO t SELECT * FROM strata_backup.\"003_t\";"
	assert_eq "$(sql 'SELECT id, note FROM t ORDER BY id' | paste -sd, -)" "1|a,2|b,3|c"
}

test_sqlite_redo_keeps_the_earlier_copy() {
	with_rows
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY, note text);
INSERT INTO t VALUES (9, 'z');"
	st up --allow-destructive
	assert_rc 0
	st redo --allow-destructive
	assert_rc 0
	assert_err "kept a copy of 't' in strata_backup.002_t_2 before the drop"
	st redo --allow-destructive
	assert_rc 0
	assert_err "in strata_backup.002_t_3 before the drop"
	assert_eq "$(bk_tables)" "002_t,002_t_2,002_t_3"
	assert_eq "$(bk 'SELECT count(*) FROM "002_t"')" 3
	assert_eq "$(bk 'SELECT id FROM "002_t_2"')" 9
}

test_sqlite_no_data_backup_keeps_nothing() {
	with_rows
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;
DROP TABLE t;"
	mig 002_drop.down.sql "SELECT 1;"
	st up --allow-destructive --no-data-backup
	assert_rc 0
	assert_no "kept a copy"
	assert_eq "$(table_exists t)" 0
	[ ! -e test.db.strata-backup ] || fail "the backup file was created"
}

# a failing migration after the copy: neither the copy nor the drop stays
check_rollback_leaves_nothing() {
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;
DROP TABLE t;
INSERT INTO nowhere VALUES (1);"
	mig 002_drop.down.sql "SELECT 1;"
	st up --allow-destructive
	assert_rc 1
	assert_err "no such table: nowhere"
	assert_eq "$(bk_tables)" ""
	assert_eq "$(sql 'SELECT id, note FROM t ORDER BY id' | paste -sd, -)" "1|a,2|b,3|c"
	assert_eq "$(hist_versions)" "001"
	# and the next run copies under the first name
	mig 002_drop.up.sql "DROP TABLE t;"
	st up --allow-destructive
	assert_rc 0
	assert_eq "$(bk_tables)" "002_t"
}

test_sqlite_failed_migration_keeps_no_copy() {
	with_rows
	check_rollback_leaves_nothing
}

test_sqlite_failed_migration_keeps_no_copy_in_wal_mode() {
	with_rows
	assert_eq "$(sql 'PRAGMA journal_mode = WAL')" wal
	check_rollback_leaves_nothing
	assert_eq "$(sql 'PRAGMA journal_mode')" wal
}

test_sqlite_failed_copy_stops_the_migration() {
	# reading g fails, so the copy does; the drop alone would not (an
	# added virtual column is not computed for the rows already there)
	mig 001_t.up.sql "CREATE TABLE t (id INTEGER PRIMARY KEY, x text);
INSERT INTO t VALUES (1, 'not json');
ALTER TABLE t ADD COLUMN g AS (json(x));"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "SELECT 1;"
	st up --allow-destructive
	assert_rc 1
	assert_err "cannot keep a copy of 't' in strata_backup before the drop: malformed JSON"
	assert_err "way out: run again with --no-data-backup"
	assert_eq "$(table_exists t)" 1
	assert_eq "$(hist_versions)" "001"
	st up --allow-destructive --no-data-backup
	assert_rc 0
	assert_eq "$(table_exists t)" 0
}

test_sqlite_drop_if_exists_of_nothing_copies_nothing() {
	with_rows
	mig 002_drop.up.sql "DROP TABLE IF EXISTS gone;
ALTER TABLE t DROP COLUMN nosuch;"
	mig 002_drop.down.sql "SELECT 1;"
	# a column that is not there: the statement fails, not the copy
	st up --allow-destructive
	assert_rc 1
	assert_err "no such column: \"nosuch\""
	mig 002_drop.up.sql "DROP TABLE IF EXISTS gone;"
	st up --allow-destructive
	assert_rc 0
	assert_no "kept a copy"
	assert_eq "$(bk_tables)" ""
	st backups
	assert_rc 0
	assert_out "no copies of dropped tables or columns"
}

test_sqlite_copies_names_that_need_quotes() {
	mig 001_t.up.sql 'CREATE TABLE "order" ("group" int PRIMARY KEY, "my col" text);
INSERT INTO "order" VALUES (1, '"'a'"');
CREATE TABLE u (id int);
INSERT INTO u VALUES (7);'
	mig 001_t.down.sql "SELECT 1;"
	st up
	assert_rc 0
	mig 002_drop.up.sql 'ALTER TABLE "order" DROP COLUMN "my col";
DROP TABLE main.u;'
	mig 002_drop.down.sql "SELECT 1;"
	st up --allow-destructive
	assert_rc 0
	assert_err "kept a copy of 'order.my col' in strata_backup.002_order_my col before the drop"
	assert_err "kept a copy of 'main.u' in strata_backup.002_main_u before the drop"
	assert_eq "$(bk 'SELECT "group", "my col" FROM "002_order_my col"')" "1|a"
	assert_eq "$(bk 'SELECT id FROM "002_main_u"')" 7
}

test_sqlite_in_memory_database_keeps_no_copy() {
	mig 001_t.up.sql "CREATE TABLE t (id int PRIMARY KEY, note text);
INSERT INTO t VALUES (1, 'a');
ALTER TABLE t DROP COLUMN note;
DROP TABLE t;"
	mig 001_t.down.sql "SELECT 1;"
	st --url sqlite::memory: up --allow-destructive
	assert_rc 0
	assert_no "kept a copy"
	[ -z "$(ls | grep -v migrations)" ] || fail "files were made: $(ls)"
	st --url sqlite::memory: backups
	assert_rc 0
	assert_out "no copies of dropped tables or columns"
}
