# up asks before it deletes data: DROP TABLE/COLUMN, TRUNCATE, DELETE or
# UPDATE without WHERE on tables that hold data now.  Without a terminal it
# refuses unless --allow-destructive.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

with_rows() {
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY, note text);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');"
	mig 001_t.down.sql "DROP TABLE t;"
	st up
	assert_rc 0
	[ "$DB" = pg ] && sql "ANALYZE t" >/dev/null
	return 0
}

test_destructive_refused_without_a_terminal() {
	with_rows
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY, note text);"
	st up
	assert_rc 1
	assert_err "refused to delete data without a yes: nothing was run"
	case $DB in
	sqlite) assert_err "migrations/002_drop.up.sql:1: DROP TABLE t  ('t': 3 rows)" ;;
	pg) assert_err "migrations/002_drop.up.sql:1: DROP TABLE t  ('t': ~3 rows)" ;;
	esac
	assert_err "way out: run again with --allow-destructive"
	assert_eq "$(table_exists t)" 1
	assert_eq "$(hist_versions)" "001"
	st up --allow-destructive
	assert_rc 0
	assert_eq "$(table_exists t)" 0
}

test_destructive_each_kind_is_asked_for() {
	with_rows
	mig 002_col.up.sql "ALTER TABLE t DROP COLUMN note;"
	mig 002_col.down.sql "ALTER TABLE t ADD COLUMN note text;"
	st up
	assert_rc 1
	assert_err "ALTER TABLE t DROP COLUMN note  ('t'"
	mig 002_col.up.sql "DELETE FROM t;"
	st up
	assert_rc 1
	assert_err "DELETE FROM t  ('t'"
	mig 002_col.up.sql "UPDATE t SET note = NULL;"
	st up
	assert_rc 1
	assert_err "UPDATE t SET note = NULL  ('t'"
	# with a WHERE, it is an ordinary change
	mig 002_col.up.sql "DELETE FROM t WHERE id = 3;"
	st up
	assert_rc 0
	assert_eq "$(sql "SELECT count(*) FROM t")" 2
}

test_destructive_not_asked_for_what_the_run_creates_or_downs() {
	mig 001_t.up.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	mig 001_t.down.sql "DROP TABLE t;"
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	st up
	assert_rc 0 # t is new in this run: nothing to lose
	st down --all
	assert_rc 0 # rolling back is what a down is for
	# a table that does not exist has nothing to lose either
	mig 001_t.up.sql "DROP TABLE IF EXISTS gone;"
	mig 001_t.down.sql "SELECT 1;"
	rm migrations/002_drop.*
	st up
	assert_rc 0
}

test_destructive_dry_run_asks_nothing() {
	with_rows
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "SELECT 1;"
	st up --dry-run
	assert_rc 0
	assert_out "DROP TABLE t"
}

test_destructive_asks_on_a_terminal() {
	command -v script >/dev/null || fail "script (util-linux) is needed"
	with_rows
	mig 002_drop.up.sql "DROP TABLE t;"
	mig 002_drop.down.sql "SELECT 1;"
	out=$(printf 'n\n' | script -qec "$STRATA up" /dev/null 2>&1) || true
	case "$out" in *"delete this data? [y/N]"*) ;; *) fail "no question: $out" ;; esac
	case "$out" in *"refused to delete data without a yes"*) ;; *) fail "not refused: $out" ;; esac
	assert_eq "$(table_exists t)" 1
	out=$(printf 'y\n' | script -qec "$STRATA up" /dev/null 2>&1) || true
	case "$out" in *"applied     002_drop"*) ;; *) fail "not applied: $out" ;; esac
	assert_eq "$(table_exists t)" 0
}

# A table without a primary key: the copy of a column keeps each row's
# ctid, under a name of its own (a column may not be called ctid).
test_destructive_drop_column_without_primary_key() {
	[ "$DB" = pg ] || return 0
	sql "CREATE TABLE loose (n int, note text)"
	sql "INSERT INTO loose VALUES (1, 'a'), (2, 'b')"
	mig 001_drop.up.sql "ALTER TABLE loose DROP COLUMN note;"
	mig 001_drop.down.sql "ALTER TABLE loose ADD COLUMN note text;"
	st up --allow-destructive
	assert_rc 0
	assert_err "kept a copy of 'loose.note' in strata_backup.001_loose_note before the drop"
	assert_eq "$(sql "SELECT count(row_ctid), string_agg(note, ',' ORDER BY note) FROM strata_backup.\"001_loose_note\"")" "2|a,b"
}

# PostgreSQL keeps a copy of what an up drops, in strata_backup (SQLite's
# copies: destructive_sqlite.sh).
test_destructive_drops_keep_a_copy() {
	[ "$DB" = pg ] || return 0
	with_rows
	mig 002_drop.up.sql "ALTER TABLE t DROP COLUMN note;"
	mig 002_drop.down.sql "ALTER TABLE t ADD COLUMN note text;"
	mig 003_drop.up.sql "DROP TABLE t;"
	mig 003_drop.down.sql "CREATE TABLE t (id bigint PRIMARY KEY);"
	st up --allow-destructive
	assert_rc 0
	assert_err "kept a copy of 't.note' in strata_backup.002_t_note before the drop"
	assert_err "kept a copy of 't' in strata_backup.003_t before the drop"
	assert_eq "$(sql 'SELECT id, note FROM strata_backup."002_t_note" ORDER BY id' | paste -sd, -)" "1|a,2|b,3|c"
	assert_eq "$(sql 'SELECT count(*) FROM strata_backup."003_t"')" 3
	st backups
	assert_rc 0
	assert_out "strata_backup.002_t_note"
	assert_out "strata_backup.003_t"
	st backups --json
	assert_eq "$(printf '%s' "$out" | jq -r '[.backups[].name] | join(",")')" "002_t_note,003_t"
	# a redo keeps the earlier copy too
	st redo --allow-destructive
	assert_rc 0
	assert_eq "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'strata_backup'")" 3
	# restore a dropped table from its copy
	sql 'CREATE TABLE t AS TABLE strata_backup."003_t"'
	assert_eq "$(sql 'SELECT count(*) FROM t')" 3
}

test_destructive_no_data_backup_and_rollback() {
	[ "$DB" = pg ] || return 0
	with_rows
	mig 002_drop.up.sql "DROP TABLE t;
SELECT 1/0;"
	mig 002_drop.down.sql "SELECT 1;"
	st up --allow-destructive
	assert_rc 1
	# the copy went with the rolled-back transaction
	assert_eq "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'strata_backup'")" 0
	mig 002_drop.up.sql "DROP TABLE t;"
	st up --allow-destructive --no-data-backup
	assert_rc 0
	assert_no "kept a copy"
	assert_eq "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'strata_backup'")" 0
}

test_backups_none_yet() {
	with_rows
	st backups
	assert_rc 0
	assert_line "no copies of dropped tables or columns"
	st backups --json
	assert_rc 0
	assert_eq "$(jqv '.backups | length')" 0
	st -q backups
	assert_rc 0
	assert_eq "$out" ""
}
