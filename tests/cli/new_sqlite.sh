# strata new NAME [--seq] [--single-file]
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

test_new_timestamp_pair() {
	st new add_users
	assert_rc 0
	n=$(ls migrations | wc -l)
	assert_eq "$n" 2
	up=$(ls migrations/*_add_users.up.sql)
	down=$(ls migrations/*_add_users.down.sql)
	assert_out "$up"
	assert_out "$down"
	v=$(basename "$up" _add_users.up.sql)
	printf '%s' "$v" | grep -Eq '^[0-9]{14}$' || fail "version '$v' is not 14 digits"
	# a UTC time of (about) now
	t=$(date -u -d "${v:0:4}-${v:4:2}-${v:6:2} ${v:8:2}:${v:10:2}:${v:12:2}" +%s) ||
		fail "version $v is not a time"
	now=$(date -u +%s)
	[ $((now - t)) -ge 0 ] && [ $((now - t)) -lt 120 ] ||
		fail "version $v is not the UTC time $(date -u +%Y%m%d%H%M%S)"
	# no database needed, none created
	assert_eq "$(ls | paste -sd, -)" "migrations"
}

test_new_seq() {
	st new first --seq
	assert_rc 0
	[ -f migrations/000001_first.up.sql ] || fail "no 000001_first.up.sql"
	[ -f migrations/000001_first.down.sql ] || fail "no 000001_first.down.sql"
	st new second --seq
	assert_rc 0
	[ -f migrations/000002_second.up.sql ] || fail "no 000002_second.up.sql"
	# without a flag, the directory's scheme goes on
	st new third
	assert_rc 0
	[ -f migrations/000003_third.up.sql ] || fail "no 000003_third.up.sql"
}

test_new_single_file() {
	st new --seq both --single-file
	assert_rc 0
	assert_eq "$(ls migrations)" "000001_both.sql"
	grep -qx -- '-- strata:up' migrations/000001_both.sql || fail "no up marker"
	grep -qx -- '-- strata:down' migrations/000001_both.sql || fail "no down marker"
}

test_new_then_up_refuses_empty_up() {
	st new --seq nothing_yet
	st up
	assert_rc 1
	assert_err "000001_nothing_yet.up.sql"
	assert_err "empty"
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
}

test_new_then_filled_in_applies() {
	st new --seq add_t --single-file
	f=migrations/000001_add_t.sql
	sed -i 's/^-- strata:down$/create table t(id integer);\n-- strata:down\ndrop table t;/' "$f"
	st up
	assert_rc 0
	assert_eq "$(table_exists t)" 1
	st down
	assert_rc 0
	assert_eq "$(table_exists t)" 0
}

test_new_respects_dir() {
	st --dir db/mig new --seq x
	assert_rc 0
	[ -f db/mig/000001_x.up.sql ] || fail "not created in --dir"
	[ -d migrations ] && fail "created the default directory too"
	true
}

test_new_refuses_path_separator_and_dotdot() {
	mkdir migrations
	st new ../x
	assert_rc 2
	assert_err "../x"
	st new a/b
	assert_rc 2
	assert_err "a/b"
	st new ..
	assert_rc 2
	[ -z "$(ls migrations)" ] || fail "files were created"
	[ -z "$(ls .. | grep -E '_x\.(up|down)\.sql$')" ] || fail "created a file outside"
	[ -d migrations/a ] && fail "created a directory"
	true
}

test_new_refuses_bad_names() {
	for n in Bad-Name "with space" UPPER "" "x.sql"; do
		st new "$n"
		assert_rc 2
		assert_err "'$n'"
	done
	[ -z "$(ls migrations 2>/dev/null)" ] || fail "files were created"
}

test_new_needs_exactly_one_name() {
	st new
	assert_rc 2
	assert_err "usage: strata new"
	st new a b
	assert_rc 2
	assert_err "usage: strata new"
	st new a --bogus
	assert_rc 2
	assert_err "--bogus"
	[ -e migrations ] && fail "created the directory"
	true
}

test_new_timestamp_after_newer_existing_is_a_valid_time() {
	# the next timestamp after 2099-12-31 23:59:59 must still be a real
	# UTC time (YYYYMMDDHHMMSS), and newer than every existing version
	mig 20991231235959_last.up.sql 'select 1;'
	st new next
	assert_rc 0
	up=$(ls migrations/*_next.up.sql)
	v=$(basename "$up" _next.up.sql)
	[ "$v" -gt 20991231235959 ] || fail "version $v is not newer"
	printf '%s' "$v" | grep -Eq '^[0-9]{14}$' || fail "version '$v' is not 14 digits"
	d="${v:0:4}-${v:4:2}-${v:6:2} ${v:8:2}:${v:10:2}:${v:12:2}"
	[ "$(date -u -d "$d" +%Y%m%d%H%M%S 2>/dev/null)" = "$v" ] ||
		fail "version $v is not a valid UTC time"
}

test_new_json() {
	st --json new --seq j
	assert_rc 0
	assert_json
	assert_eq "$(jqv .up)" "migrations/000001_j.up.sql"
	assert_eq "$(jqv .down)" "migrations/000001_j.down.sql"
}

test_new_seq_keeps_the_directory_width() {
	mig 001_a.up.sql 'create table a(id integer);'
	st new next
	assert_rc 0
	assert_out "migrations/002_next.up.sql"
	[ -f migrations/002_next.down.sql ] || fail "002_next.down.sql not created"
}
