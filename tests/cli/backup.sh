# up --backup: the whole database first, into .strata/backups/; strata
# restore FILE puts a SQLite backup back.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_backup_before_up_and_restore_round_trip() {
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY, note text);
INSERT INTO t VALUES (1, 'kept');"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
	mig 002_wipe.up.sql "DELETE FROM t WHERE id = 1;
ALTER TABLE t ADD COLUMN extra int;"
	mig 002_wipe.down.sql "ALTER TABLE t DROP COLUMN extra;"
	st up --backup
	case $DB in
	pg)
		if ! command -v pg_dump >/dev/null; then
			assert_rc 1
			assert_err "pg_dump not found"
			return 0
		fi
		assert_rc 0
		assert_out "backed up the database to .strata/backups/postgres-"
		file=$(ls .strata/backups/postgres-*.dump)
		[ -s "$file" ] || fail "empty dump"
		st restore "$file"
		assert_rc 1
		assert_err "pg_restore --clean --dbname URL '$file'"
		return 0
		;;
	esac
	assert_rc 0
	assert_out "backed up the database to .strata/backups/test-"
	file=$(ls .strata/backups/test-*.db)
	assert_eq "$(sql "SELECT count(*) FROM t")" 0
	assert_eq "$(hist_versions)" "001,002"
	st restore "$file"
	assert_rc 0
	assert_out "restored the database from $file"
	# data, schema and history as they were before the up
	assert_eq "$(sql "SELECT note FROM t")" kept
	assert_eq "$(table_columns t)" "id,note"
	assert_eq "$(hist_versions)" "001"
}

test_backup_nothing_to_do_makes_none() {
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	st up --backup
	assert_rc 0
	assert_no "backed up"
	[ ! -d .strata/backups ] || [ -z "$(ls .strata/backups)" ] || fail "a backup was made"
}

test_restore_refuses_what_is_not_a_backup() {
	[ "$DB" = sqlite ] || return 0
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	printf 'not a database, not at all, just text\n%.0s' $(seq 1 100) >junk.db
	st restore junk.db
	assert_rc 1
	assert_err "'junk.db' is not a SQLite database"
	assert_eq "$(table_exists t)" 1
	st restore nope.db
	assert_rc 1
	assert_err "cannot read the backup 'nope.db'"
	st restore
	assert_rc 2
}
