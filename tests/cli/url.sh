# connection resolution: --url, then DATABASE_URL, then ./.env, then default
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

one_mig() { mig 001_a.up.sql 'create table a(id integer);'; }

test_url_flag_beats_environment() {
	one_mig
	export DATABASE_URL="sqlite:$PWD/wrong.db"
	echo "DATABASE_URL=sqlite:$PWD/dotenv.db" >.env
	st --url "$URL" up
	assert_rc 0
	assert_eq "$(table_exists a)" 1
	[ -e wrong.db ] && fail "used DATABASE_URL"
	[ -e dotenv.db ] && fail "used .env"
	[ -e strata.db ] && fail "used the default"
	true
}

test_url_flag_after_command() {
	one_mig
	unset DATABASE_URL
	st up --url "$URL"
	assert_rc 0
	assert_eq "$(table_exists a)" 1
	[ -e strata.db ] && fail "used the default"
	true
}

test_url_environment_beats_dotenv() {
	one_mig
	echo "DATABASE_URL=sqlite:$PWD/dotenv.db" >.env
	st up
	assert_rc 0
	assert_eq "$(table_exists a)" 1
	[ -e dotenv.db ] && fail "used .env"
	true
}

test_url_dotenv_in_current_directory() {
	one_mig
	unset DATABASE_URL
	printf '# settings\nOTHER=1\nDATABASE_URL=%s\n' "$URL" >.env
	st up
	assert_rc 0
	assert_eq "$(table_exists a)" 1
	[ -e strata.db ] && fail "used the default"
	st status --exit-code
	assert_rc 0
}

test_url_dotenv_only_from_current_directory() {
	one_mig
	unset DATABASE_URL
	printf 'DATABASE_URL=%s\n' "$URL" >.env
	mkdir sub
	cd sub || fail "cd"
	st up --dir ../migrations
	assert_rc 0
	# not the parent's .env: the embedded default, here
	[ -e strata.db ] || fail "did not use the default database"
	assert_eq "$(sqlite3 strata.db "select count(*) from strata_migrations")" 1
	cd .. || fail "cd"
	assert_eq "$(table_exists a)" 0
}

test_url_unsupported_scheme() {
	one_mig
	st --url 'oracle://u:s3cret@h/db' up
	assert_rc 1
	assert_err "oracle"
	assert_no "s3cret"
	st --json --url 'oracle://u:s3cret@h/db' status
	assert_rc 1
	assert_json
	assert_eq "$(jqv .ok)" false
	assert_no "s3cret"
	[ -e strata.db ] && fail "created the default database"
	true
}

test_url_unsupported_scheme_from_environment() {
	one_mig
	export DATABASE_URL='oracle://u:s3cret@h/db?password=s3cret'
	st up
	assert_rc 1
	assert_err "oracle"
	assert_no "s3cret"
}

test_url_dotenv_inline_comments() {
	unset DATABASE_URL
	mig 001_a.up.sql 'create table a(id integer);'
	printf 'DATABASE_URL=sqlite:c.db   # the dev database\n' > .env
	st up
	assert_rc 0
	[ -f c.db ] || fail "c.db not created"
	[ ! -e "c.db   " ] && [ ! -e "c.db " ] || fail "the comment leaked into the file name"
	printf "export DATABASE_URL='sqlite:d.db' # quoted\n" > .env
	st up
	assert_rc 0
	[ -f d.db ] || fail "d.db not created"
}
