# The other tools' formats: hand-written projects in tests/fixtures/formats,
# detected from the directory or named with --format, run up, status, down.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"
FORMATS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures/formats" && pwd)

# use_fixture TOOL: the tool's project as ./migrations
use_fixture() { cp -r "$FORMATS/$1" migrations; }

index_exists() {
	case "$DB" in
	sqlite) sql "select count(*) from sqlite_master where type='index' and name='$1'" ;;
	pg) sql "select count(*) from pg_indexes where indexname='$1'" ;;
	esac
}

test_golang_migrate_numeric_order_and_loose_names() {
	use_fixture golang-migrate
	st up
	assert_rc 0
	# 10 after 2, although "10" < "2" as text
	assert_out "applied     1_create_users"
	assert_eq "$(printf '%s\n' "$out" | sed -n 3p)" "applied     10_create_posts$(printf '%s\n' "$out" | sed -n 3p | sed 's/.*10_create_posts//')"
	assert_eq "$(table_columns users)" "email,id,name"
	st status
	assert_rc 0
	assert_out "3 applied, 0 pending; current version 10"
	assert_out "Add Email"
	st down
	assert_rc 0
	assert_out "rolled back 10_create_posts"
	assert_eq "$(table_exists posts)" 0
	# an empty down file: accepted when read, refused when run
	st down
	assert_rc 1
	assert_err "the down section of 2_Add Email"
	assert_err "has no statements"
}

test_golang_migrate_with_format_option() {
	use_fixture golang-migrate
	st --format gm status
	assert_rc 0
	assert_out "0 applied, 3 pending"
	st --format golang-migrate up
	assert_rc 0
	assert_eq "$(hist_versions)" "1,10,2"
}

test_dbmate_sections_and_transaction_false() {
	use_fixture dbmate
	st up --dry-run
	assert_rc 0
	st up
	assert_rc 0
	assert_out "applied     20240103120000_create_posts"
	assert_eq "$(index_exists users_name)" 1
	assert_eq "$(sql "select name from users")" ada
	st status
	assert_out "3 applied, 0 pending; current version 20240103120000"
	st down
	assert_rc 0
	assert_eq "$(table_exists posts)$(sql "select count(*) from users")" "00"
	st down
	assert_rc 0
	assert_eq "$(index_exists users_name)" 0
	assert_eq "$(hist_versions)" "20240101120000"
}

test_dbmate_refuses_a_file_without_migrate_up() {
	mig 20240101120000_a.sql '-- migrate:up
create table a(id integer);'
	mig 20240102120000_b.sql 'create table b(id integer);
-- migrate:up
create table c(id integer);'
	st up
	assert_rc 1
	assert_err "20240102120000_b.sql:1:1: error: SQL before the '-- migrate:up' line"
	assert_eq "$(table_exists a)" 0
	mig 20240102120000_b.sql '-- migrate:down
drop table a;'
	st --format dbmate up
	assert_rc 1
	assert_err "has no '-- migrate:up' line"
}

test_goose_blocks_no_transaction_and_mixed_versions() {
	use_fixture goose
	st up
	assert_rc 0
	assert_out "applied     00001_create_users"
	assert_out "applied     20240103120000_create_posts"
	assert_eq "$(index_exists users_name)" 1
	st status
	assert_out "3 applied, 0 pending; current version 20240103120000"
	st down
	assert_rc 0
	assert_eq "$(table_exists posts)" 0
	st down
	assert_rc 0
	assert_eq "$(index_exists users_name)" 0
	st down
	assert_rc 0
	assert_eq "$(table_exists users)" 0
}

test_goose_block_is_one_statement() {
	mig 00001_t.sql '-- +goose Up
-- +goose StatementBegin
create table t (id integer, note text);
insert into t values (1, '"'"'a'"'"');
-- +goose StatementEnd
create table u (id integer);

-- +goose Down
drop table u;
drop table t;'
	st up --dry-run
	assert_rc 0
	# the block whole, as goose sends it, then the statement after it
	assert_out "create table t (id integer, note text);
insert into t values (1, 'a')"
	assert_out "create table u (id integer)"
}

test_goose_refuses_bad_annotations() {
	mig 00001_a.sql '-- +goose Up
-- +goose StatementBegin
create table a(id integer);'
	st up
	assert_rc 1
	assert_err "00001_a.sql:2:4: error: '-- +goose StatementBegin' without '-- +goose StatementEnd'"
	mig 00001_a.sql '-- +goose Up
-- +goose ENVSUB ON
create table a(id integer);'
	st up
	assert_rc 1
	assert_err "ENVSUB ON"
	mig 00001_a.sql '-- +goose Up
-- +goose Sideways
create table a(id integer);'
	st up
	assert_rc 1
	assert_err "unknown goose annotation 'Sideways'"
	mig 00001_a.sql '-- +goose Down
drop table a;'
	st up
	assert_rc 1
	assert_err "'-- +goose Down' before '-- +goose Up'"
	assert_eq "$(table_exists a)" 0
}

test_flyway_tuple_versions_and_undo() {
	use_fixture flyway
	st up
	assert_rc 0
	# 1.10 after 1.2: numeric tuples; V1_1 is version 1.1
	assert_eq "$(printf '%s\n' "$out" | grep -o 'applied     [^ ]*' | awk '{print $2}' | paste -sd, -)" \
		"1_create_users,1.1_add_email,1.2_create_posts,1.10_index_posts,2_seed_users"
	# forward-only by design: no missing-down warnings
	assert_no "missing-down"
	st status
	assert_out "5 applied, 0 pending; current version 2"
	st goto 1.2
	assert_rc 1
	assert_err "2_seed_users has no down section"
	st force 2 --pending
	assert_rc 0
	st goto 1.2
	assert_rc 0
	assert_eq "$(index_exists posts_user)" 0
	st status
	assert_out "3 applied, 2 pending; current version 1.2"
}

test_flyway_refuses_a_repeatable_and_duplicates() {
	use_fixture flyway
	printf 'select 1;\n' >migrations/R__views.sql
	st up
	assert_rc 1
	assert_err "R__views.sql' is a Flyway repeatable migration"
	rm migrations/R__views.sql
	printf 'select 1;\n' >migrations/V1.0__again.sql
	st up
	assert_rc 1
	assert_err "duplicate migration version"
	assert_eq "$(table_exists users)" 0
}

test_diesel_directories_and_metadata() {
	use_fixture diesel
	st up
	assert_rc 0
	assert_out "applied     20240101120000_create_users"
	assert_out "applied     20240102120000_create_posts"
	st status --json
	assert_rc 0
	st down
	assert_rc 0
	assert_eq "$(table_exists posts)$(table_exists users)" "01"
}

test_supabase_directory_by_default() {
	cp -r "$FORMATS/supabase/supabase" supabase
	st up
	assert_rc 0
	assert_out "applied     20240102120000_create_posts"
	assert_no "missing-down"
	st status
	assert_out "2 applied, 0 pending"
	# forward only
	st down
	assert_rc 1
	assert_err "has no down section"
}

test_mixed_formats_are_refused() {
	use_fixture goose
	cp "$FORMATS/dbmate/20240101120000_create_users.sql" migrations/20240101120001_x.sql
	st up
	assert_rc 1
	assert_err "mixes migration formats"
	assert_err "say which with --format NAME"
	st --format goose status
	assert_rc 1
	assert_err "has no '-- +goose Up' line"
	st --format nosuch status
	assert_rc 2
	assert_err "--format takes a migration format"
}

test_strata_ini_format_and_scratch_sessions() {
	# Supabase files outside supabase/migrations: detected as strata's
	# (no marker) and refused, until strata.ini names the format
	mkdir migrations
	cp "$FORMATS"/supabase/supabase/migrations/*.sql migrations/
	st status
	assert_rc 1
	assert_err "has no '-- strata:up' line"
	printf '; the files are Supabase migrations\nformat = supabase\n\n[run]\nlock-tries = 3\n' >strata.ini
	st status
	assert_rc 0
	assert_out "0 applied, 2 pending"
	# a scratch database of strata test reads them in the same format
	st test --only-up
	assert_rc 0
	assert_out "2 migrations: 0 reversible, 2 applied (--only-up)"
	# --format wins over strata.ini
	st --format strata status
	assert_rc 1
	assert_err "has no '-- strata:up' line"
	printf 'format = liquibase\n' >strata.ini
	st status
	assert_rc 2
	assert_err "strata.ini: 'format = liquibase': expected auto, strata, golang-migrate (gm), dbmate"
}

test_warnings_with_file_and_line() {
	use_fixture golang-migrate
	st status
	assert_rc 0
	assert_err "strata: warning: migrations/2_Add Email.up.sql: the name 'Add Email' has a space"
	assert_err "strata: warning: migrations/2_Add Email.up.sql:2: the last statement of the up section has no final ';'"
	assert_err "strata: warning: migrations/2_Add Email.down.sql:1: the down section is empty (an empty file): 'down' refuses to run it"
	# once, though status reads the files more than once
	assert_eq "$(printf '%s\n' "$err" | grep -c 'warning:')" 3
	st -q status
	assert_no "warning:"
	rm -r migrations
	# a dbmate file: the down section's line; a comment after the ';'
	mig 20240101120000_a.sql '-- migrate:up
CREATE TABLE a (id integer); -- the table

-- migrate:down
-- nothing yet
'
	mig 20240102120000_b.sql '-- migrate:up
CREATE TABLE b (id integer)
-- a comment after it

-- migrate:down
DROP TABLE b'
	st up
	assert_rc 0
	assert_err "migrations/20240101120000_a.sql:5: the down section is empty: 'down' refuses to run it"
	assert_err "migrations/20240102120000_b.sql:2: the last statement of the up section has no final ';'"
	assert_err "migrations/20240102120000_b.sql:6: the last statement of the down section has no final ';'"
	assert_eq "$(printf '%s\n' "$err" | grep -c 'warning:')" 3
	assert_eq "$(table_exists b)" 1
}
