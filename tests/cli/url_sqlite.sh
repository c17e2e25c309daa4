# SQLite URLs and the embedded default database
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

one_mig() { mig 001_a.up.sql 'create table a(id integer);'; }

test_default_database_created_and_announced() {
	one_mig
	unset DATABASE_URL
	st up
	assert_rc 0
	[ -f strata.db ] || fail "no strata.db"
	assert_err "sqlite:strata.db"
	assert_eq "$(sqlite3 strata.db "select count(*) from strata_migrations")" 1
	assert_eq "$(sqlite3 strata.db "select count(*) from a")" 0
	# announced only when it creates the file
	st status
	assert_rc 0
	assert_eq "$err" ""
	st up
	assert_rc 0
	assert_eq "$err" ""
}

test_default_database_announce_is_not_on_stdout() {
	one_mig
	unset DATABASE_URL
	st --json status
	assert_rc 0
	assert_json
	assert_not_out "strata.db"
}

test_sqlite_relative_path() {
	one_mig
	mkdir data
	st --url sqlite:data/app.db up
	assert_rc 0
	[ -f data/app.db ] || fail "no data/app.db"
	assert_eq "$(sqlite3 data/app.db "select count(*) from strata_migrations")" 1
	[ -e strata.db ] && fail "used the default"
	true
}

test_sqlite_absolute_url() {
	one_mig
	mkdir -p abs/dir
	st --url "sqlite://$PWD/abs/dir/app.db" up
	assert_rc 0
	[ -f abs/dir/app.db ] || fail "no abs/dir/app.db"
	assert_eq "$(sqlite3 abs/dir/app.db "select count(*) from strata_migrations")" 1
	# the same file, from elsewhere
	mkdir other
	cd other || fail cd
	st --url "sqlite://$OLDPWD/abs/dir/app.db" --dir ../migrations status --exit-code
	assert_rc 0
}

test_sqlite_unopenable_path() {
	one_mig
	st --url sqlite:no/such/dir/app.db up
	assert_rc 1
	assert_err "no/such/dir/app.db"
}

test_sqlite_empty_path() {
	one_mig
	st --url sqlite: up
	assert_rc 1
	assert_err "sqlite:"
}

test_dotenv_sqlite_url_with_quotes() {
	one_mig
	unset DATABASE_URL
	printf 'DATABASE_URL="sqlite:quoted.db"\n' >.env
	st up
	assert_rc 0
	[ -f quoted.db ] || fail "no quoted.db"
	[ -e strata.db ] && fail "used the default"
	true
}
