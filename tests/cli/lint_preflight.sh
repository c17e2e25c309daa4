# The lint pre-flight of up/redo/goto: errors stop the run before anything
# runs (unless --allow-unsafe), warnings are printed and the run goes on.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

unsafe_second() {
	mig 001_create_t.up.sql "CREATE TABLE t (id int PRIMARY KEY);"
	mig 001_create_t.down.sql "DROP TABLE t;"
	mig 002_create_u.up.sql "-- strata:ignore no-such-rule
CREATE TABLE u (id int PRIMARY KEY);"
	mig 002_create_u.down.sql "DROP TABLE u;"
}

test_preflight_error_stops_up_before_anything_runs() {
	unsafe_second
	st up
	assert_rc 1
	assert_err "migrations/002_create_u.up.sql:1:18: error[bad-directive]"
	assert_err "lint found 1 error in the migrations to apply: nothing was run"
	assert_err "--allow-unsafe"
	# not even the first, clean migration ran
	assert_eq "$(table_exists t)" 0
	assert_eq "$(table_exists u)" 0
}

test_preflight_allow_unsafe_runs() {
	unsafe_second
	st up --allow-unsafe
	assert_rc 0
	assert_err "error[bad-directive]" # still said
	assert_eq "$(table_exists u)" 1
	assert_eq "$(hist_versions)" "001,002"
}

test_preflight_lints_only_what_runs() {
	unsafe_second
	st up 1
	assert_rc 0
	assert_no "bad-directive"
	assert_eq "$(hist_versions)" "001"
}

test_preflight_warnings_printed_run_goes_on() {
	mig 001_create_t.up.sql "CREATE TABLE t (id int PRIMARY KEY);"
	st up
	assert_rc 0
	assert_err "warning[missing-down]"
	assert_eq "$(table_exists t)" 1
	# -q keeps warnings quiet
	mig 002_create_u.up.sql "CREATE TABLE u (id int PRIMARY KEY);"
	st up -q
	assert_rc 0
	assert_no "missing-down"
}

test_preflight_follows_strata_ini() {
	mig 001_create_t.up.sql "CREATE TABLE t (id int PRIMARY KEY);"
	printf '[lint]\nmissing-down = error\n' >strata.ini
	st up
	assert_rc 1
	assert_err "error[missing-down]"
	assert_eq "$(table_exists t)" 0
	printf '[lint]\nmissing-down = off\n' >strata.ini
	st up
	assert_rc 0
	assert_no "missing-down"
}

test_preflight_dry_run_and_json() {
	unsafe_second
	st up --dry-run
	assert_rc 1
	assert_err "nothing was run"
	st up --json
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r '.error.code')" -18
	assert_eq "$(printf '%s' "$out" | jq -r '.error.message')" \
		"lint found 1 error in the migrations to apply: nothing was run"
}

test_preflight_redo_and_goto_check_the_up_they_run() {
	unsafe_second
	st up --allow-unsafe
	st redo
	assert_rc 1
	assert_err "error[bad-directive]"
	assert_eq "$(table_exists u)" 1 # the down did not run either
	st redo --allow-unsafe
	assert_rc 0
	st goto 001
	assert_rc 0 # going down lints nothing
	st goto 002
	assert_rc 1
	st down
	assert_rc 0
}

test_preflight_findings_in_json() {
	mig 001_create_t.up.sql "CREATE TABLE t (id int PRIMARY KEY);"
	st up --json
	assert_rc 0
	assert_eq "$(printf '%s' "$out" | jq -r '.events[] | select(.rule == "missing-down") | "\(.event) \(.severity) \(.file)"')" \
		"finding warning migrations/001_create_t.up.sql"
}
