# PostgreSQL URLs: a password never shows, in any output
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# the test database's name, from $PG_TEST_URL (postgresql:///NAME?...)
pg_db_name() { n=${PG_TEST_URL#postgresql:///}; echo "${n%%\?*}"; }

# strata_password must give its password (tests/lib/pg.sh); the role is
# cluster-wide, so every test (re)sets it
password_role() {
	sql "do \$\$ begin create role strata_password login; exception when duplicate_object then null; end \$\$" >/dev/null
	sql "alter role strata_password password 'Right_pw_77'" >/dev/null
	sql "grant all on schema public to strata_password" >/dev/null
	PW_URL="postgresql://strata_password:Right_pw_77@/$(pg_db_name)?host=$PGHOST_DIR&port=$PGPORT_NUM"
}

assert_no_password() {
	assert_no "s3cret"
	assert_no "Right_pw_77"
	assert_no "wr0ng_pw"
}

test_pg_refused_connection_hides_password_in_userinfo() {
	mig 001_a.up.sql 'create table a(id integer);'
	st --url 'postgresql://postgres:s3cret@127.0.0.1:1/x' up
	assert_rc 1
	assert_err "127.0.0.1"
	assert_no_password
	st --url 'postgres://postgres:s3cret@127.0.0.1:1/x' -v status
	assert_rc 1
	assert_no_password
	st --json --url 'postgresql://postgres:s3cret@127.0.0.1:1/x' up
	assert_rc 1
	assert_json
	assert_no_password
}

test_pg_refused_connection_hides_password_parameter() {
	mig 001_a.up.sql 'create table a(id integer);'
	st --url 'postgresql://127.0.0.1:1/x?user=postgres&password=s3cret' up
	assert_rc 1
	assert_no_password
	st --json --url 'postgresql://127.0.0.1:1/x?password=s3cret&user=postgres' status
	assert_rc 1
	assert_json
	assert_no_password
	st -v --url 'postgresql://u:s3cret@127.0.0.1:1/x?password=s3cret' version
	assert_rc 1
	assert_no_password
}

test_pg_password_from_environment_and_dotenv_hidden() {
	mig 001_a.up.sql 'create table a(id integer);'
	export DATABASE_URL='postgresql://postgres:s3cret@127.0.0.1:1/x'
	st up
	assert_rc 1
	assert_no_password
	unset DATABASE_URL
	echo 'DATABASE_URL=postgresql://127.0.0.1:1/x?password=s3cret' >.env
	st --json up
	assert_rc 1
	assert_no_password
}

test_pg_wrong_password_hidden() {
	password_role
	mig 001_a.up.sql 'create table a(id integer);'
	st --url "postgresql://strata_password:wr0ng_pw@/$(pg_db_name)?host=$PGHOST_DIR&port=$PGPORT_NUM" up
	assert_rc 1
	assert_err "password authentication failed"
	assert_no_password
	st --json --url "postgresql:///$(pg_db_name)?host=$PGHOST_DIR&port=$PGPORT_NUM&user=strata_password&password=wr0ng_pw" up
	assert_rc 1
	assert_json
	assert_no_password
	assert_eq "$(table_exists a)" 0
}

test_pg_right_password_never_printed() {
	password_role
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);
insert into no_such_table values (1);'
	st -v --url "$PW_URL" up
	assert_rc 1
	assert_out "001_a"
	assert_err "no_such_table"
	assert_no_password
	assert_eq "$(sql "select applied_by <> '' from strata_migrations")" t
	st -v --url "$PW_URL" status
	assert_rc 0
	assert_no_password
	st --json -v --url "$PW_URL" status
	assert_rc 0
	assert_json
	assert_no_password
	st --json -v --url "$PW_URL" up
	assert_rc 1
	assert_json
	assert_no_password
	st -v --url "$PW_URL" version
	assert_rc 0
	assert_no_password
	assert_eq "$(table_exists a)$(table_exists b)" "10"
}

test_pg_bad_socket_directory() {
	mig 001_a.up.sql 'create table a(id integer);'
	st --url 'postgresql://u:s3cret@/db?host=/nonexistent/dir' up
	assert_rc 1
	assert_err "/nonexistent/dir"
	assert_no_password
}

test_pg_malformed_urls_hide_password() {
	mig 001_a.up.sql 'create table a(id integer);'
	for u in 'postgresql://u:s3cret@[::1/db' \
		'postgresql://[::1/db?password=s3cret' \
		'postgresql://u:s3cret@[::1/db?sslmode=x&PASSWORD=s3cret' \
		'postgresql://u:s3cret@h/db?bogus=1' \
		'postgres://u:s3cret@127.0.0.1:notaport/db' \
		'postgresql://u:s3cret@127.0.0.1:1/db?sslmode=nope'; do
		st --url "$u" up
		assert_rc 1
		assert_no_password
		st --json --url "$u" status
		assert_rc 1
		assert_json
		assert_no_password
	done
}
