# strata up: applying, counts, --to, --dry-run, history rows, refusals
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_up_applies_all_pending_in_order() {
	three_migs
	st up
	assert_rc 0
	assert_out "001_create_t"
	assert_out "002_create_u"
	assert_out "003_fill_t"
	assert_no_escapes
	assert_eq "$(table_exists t)" 1
	assert_eq "$(table_exists u)" 1
	assert_eq "$(sql "select count(*) from t")" 1
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select name from strata_migrations order by version" | paste -sd, -)" \
		"create_t,create_u,fill_t"
	assert_eq "$(sql "select count(*) from strata_migrations where state='applied' and failed_statement is null")" 3
	# the order of output lines follows the versions
	l1=$(printf '%s\n' "$out" | grep -n 'create_t' | head -n 1 | cut -d: -f1)
	l3=$(printf '%s\n' "$out" | grep -n 'fill_t' | head -n 1 | cut -d: -f1)
	[ "$l1" -lt "$l3" ] || fail "output not in version order"
}

test_up_history_row_columns() {
	three_migs
	st up
	assert_rc 0
	assert_eq "$(table_columns strata_migrations)" \
		"applied_at,applied_by,checksum,duration_ms,failed_statement,name,state,version"
	# checksum: SHA-256 in hex
	sql "select checksum from strata_migrations" | grep -Evq '^[0-9a-f]{64}$' &&
		fail "a checksum is not 64 hex digits"
	assert_eq "$(sql "select count(distinct checksum) from strata_migrations")" 3
	assert_eq "$(sql "select count(*) from strata_migrations where duration_ms >= 0 and applied_by <> '' and applied_at is not null")" 3
}

test_up_checksum_is_sha256_of_up_file() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 001_a.down.sql 'drop table a;'
	st up
	assert_rc 0
	assert_eq "$(sql "select checksum from strata_migrations")" \
		"$(sha256sum migrations/001_a.up.sql | cut -d' ' -f1)"
}

test_up_nothing_to_do() {
	three_migs
	st up
	assert_rc 0
	st up
	assert_rc 0
	assert_out "nothing to do"
	assert_eq "$(hist_count)" 3
}

test_up_empty_directory() {
	mkdir migrations
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from strata_migrations")" 0
}

test_up_count() {
	three_migs
	st up 1
	assert_rc 0
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists u)" 0
	st up 1
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(table_exists u)" 1
	st up 5
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
}

test_up_to_version() {
	three_migs
	st up --to 002
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "select count(*) from t")" 0
}

test_up_to_unknown_version_refused() {
	three_migs
	st up --to 005
	assert_rc 1
	assert_err "005"
	assert_eq "$(table_exists t)" 0
}

test_up_dry_run_changes_nothing() {
	mig 001_create_t.up.sql 'create table t(id integer);
insert into t values (1);'
	mig 002_create_u.sql '-- strata:up

create table u(id integer);
-- strata:down
drop table u;'
	st up --dry-run
	assert_rc 0
	assert_line "-- migrations/001_create_t.up.sql:1:1"
	assert_line "-- migrations/001_create_t.up.sql:2:1"
	assert_out "create table t(id integer)"
	assert_out "insert into t values (1)"
	assert_line "-- migrations/002_create_u.sql:3:1"
	assert_out "create table u(id integer)"
	assert_not_out "drop table u"
	assert_eq "$(table_exists t)" 0
	assert_eq "$(table_exists u)" 0
	# the history table is not even created
	assert_eq "$(table_exists strata_migrations)" 0
}

test_up_dry_run_after_partial_apply() {
	three_migs
	st up 1
	st up --dry-run
	assert_rc 0
	assert_out "002_create_u"
	assert_out "003_fill_t"
	assert_not_out "create table t(id integer)"
	assert_eq "$(hist_versions)" "001"
	assert_eq "$(table_exists u)" 0
}

test_up_refuses_out_of_order() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 003_c.up.sql 'create table c(id integer);'
	st up
	assert_rc 0
	mig 002_b.up.sql 'create table b(id integer);'
	st up
	assert_rc 1
	assert_err "002"
	assert_err "--allow-out-of-order"
	assert_eq "$(table_exists b)" 0
	assert_eq "$(hist_versions)" "001,003"
	st up --allow-out-of-order
	assert_rc 0
	assert_eq "$(table_exists b)" 1
	assert_eq "$(hist_versions)" "001,002,003"
}

test_up_refuses_modified_applied_file() {
	mig 001_a.up.sql 'create table a(id integer);'
	st up
	assert_rc 0
	old=$(sql "select checksum from strata_migrations")
	mig 001_a.up.sql 'create table a(id integer, x integer);'
	new=$(sha256sum migrations/001_a.up.sql | cut -d' ' -f1)
	mig 002_b.up.sql 'create table b(id integer);'
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql"
	assert_err "$old"
	assert_err "$new"
	assert_err "--allow-modified"
	assert_eq "$(table_exists b)" 0
	st up --allow-modified
	assert_rc 0
	assert_eq "$(table_exists b)" 1
	assert_eq "$(hist_versions)" "001,002"
}

test_up_with_missing_file_warns_and_applies_others() {
	three_migs
	st up 2
	assert_rc 0
	rm migrations/002_create_u.sql
	st up
	assert_rc 0
	assert_err "002"
	assert_err "warning"
	assert_eq "$(sql "select count(*) from t")" 1
	assert_eq "$(hist_versions)" "001,002,003"
}

test_up_custom_table_name() {
	three_migs
	st --table my_history up
	assert_rc 0
	assert_eq "$(hist_versions my_history)" "001,002,003"
	assert_eq "$(table_exists strata_migrations)" 0
	st status --table my_history --exit-code
	assert_rc 0
	st down --table my_history
	assert_rc 0
	assert_eq "$(hist_versions my_history)" "001,002"
	# the default table knows nothing of it
	st status --exit-code
	assert_rc 3
}

test_up_no_transaction_section() {
	# each section may opt out of the transaction; the statement must then
	# run outside one (VACUUM on SQLite, CREATE INDEX CONCURRENTLY on PG)
	case "$DB" in
	sqlite) stmt='vacuum;' ;;
	pg) stmt='create index concurrently t_id on t(id);' ;;
	mysql) stmt='create index t_id on t(id);' ;;
	esac
	mig 001_t.up.sql 'create table t(id integer);'
	mig 002_nt.sql "-- strata:up
-- strata:no-transaction
$stmt
-- strata:down
select 1;"
	st up
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002"
	assert_eq "$(sql "select state from strata_migrations where version='002'")" applied
}

test_up_statement_needing_no_transaction_fails_without_directive() {
	[ "$DB" = sqlite ] || return 0 # PostgreSQL: see up_pg.sh, it just works
	mig 001_t.up.sql 'create table t(id integer);'
	mig 002_nt.up.sql 'vacuum;'
	st up
	assert_rc 1
	assert_err "migrations/002_nt.up.sql:1:1: error: "
	assert_eq "$(hist_versions)" "001"
}

test_up_quiet_prints_nothing_on_success() {
	three_migs
	st -q up
	assert_rc 0
	assert_eq "$out" ""
	assert_eq "$err" ""
	assert_eq "$(hist_count)" 3
}

test_up_verbose_announces_each_migration() {
	three_migs
	st up --verbose
	assert_rc 0
	assert_re "applying.*001_create_t"
	assert_re "applying.*003_fill_t"
}

test_up_global_options_before_and_after_command() {
	mkdir other
	printf 'create table o(id integer);\n' >other/001_o.up.sql
	st --dir other --table h1 up
	assert_rc 0
	assert_eq "$(hist_versions h1)" "001"
	printf 'create table p(id integer);\n' >other/002_p.up.sql
	st up --dir other --table h1 --url "$URL"
	assert_rc 0
	assert_eq "$(hist_versions h1)" "001,002"
	assert_eq "$(table_exists p)" 1
}

test_split_last_statement_without_semicolon() {
	printf 'create table a(id integer);\ninsert into a values (1)' >x
	mkdir migrations && mv x migrations/001_a.up.sql
	st up
	assert_rc 0
	assert_eq "$(sql "select count(*) from a")" 1
}
