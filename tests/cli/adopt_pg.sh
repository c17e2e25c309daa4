# strata adopt on PostgreSQL only: Supabase's history lives in a schema of
# its own, as the Supabase CLI creates it.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"
FORMATS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures/formats" && pwd)

# What `supabase db push` / `supabase migration repair` create and fill
# (the CLI's pkg/migration/history.go): version, then the statements it
# ran and the file's name.
supabase_history() {
	sql "CREATE SCHEMA IF NOT EXISTS supabase_migrations"
	sql "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY)"
	sql "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]"
	sql "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text"
}

test_adopt_supabase_history() {
	cp -r "$FORMATS/supabase/supabase" supabase
	supabase_history
	sql "INSERT INTO supabase_migrations.schema_migrations (version, statements, name) VALUES ('20240101120000', ARRAY['$(tr -d '\n' <supabase/migrations/20240101120000_create_users.sql)'], 'create_users')"
	sql "$(cat supabase/migrations/20240101120000_create_users.sql)"
	st adopt
	assert_rc 0
	assert_out "recorded 1 migration as applied (no SQL ran)"
	st status
	assert_rc 0
	assert_out "1 applied, 1 pending"
	assert_no "modified"
	st up
	assert_rc 0
	assert_out "applied     20240102120000_create_posts"
	assert_no "create_users"
	# Supabase's table is left as it is
	assert_eq "$(sql "select count(*) from supabase_migrations.schema_migrations")" 1
	# and converting keeps the history matching
	st convert --to strata
	assert_rc 0
	st status
	assert_out "2 applied, 0 pending"
	assert_no "modified"
}

test_adopt_supabase_without_its_schema() {
	cp -r "$FORMATS/supabase/supabase" supabase
	st adopt --from supabase
	assert_rc 1
	assert_err "no Supabase history table (supabase_migrations.schema_migrations) in this database"
	supabase_history
	sql "INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES ('20250101000000', 'gone')"
	st adopt
	assert_rc 1
	assert_err "Supabase's history has version 20250101000000, which no migration file in 'supabase/migrations' has: nothing was recorded"
	assert_eq "$(hist_count)" 0
}
