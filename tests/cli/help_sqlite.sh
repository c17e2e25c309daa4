# help, usage errors (exit 2) and global options
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

commands="new up down redo goto status version force help verify adopt baseline convert"

test_help_lists_every_command() {
	st help
	assert_rc 0
	assert_no_escapes
	for c in $commands; do
		printf '%s\n' "$out" | grep -Eq "^  $c +[a-z]" || fail "help does not list $c"
	done
	for o in --url --dir --table --json --quiet --verbose; do
		assert_out "$o"
	done
	st --help
	assert_rc 0
	assert_out "Commands:"
}

test_help_for_each_command() {
	for c in $commands; do
		st help "$c"
		assert_rc 0
		assert_out "usage: strata $c"
		assert_no_escapes
		[ "$c" = help ] && continue
		st "$c" --help
		assert_rc 0
		assert_out "usage: strata $c"
	done
	st help up
	assert_out "--dry-run"
	assert_out "--to"
	st help down
	assert_out "--all"
	st help status
	assert_out "--exit-code"
	st help force
	assert_out "--pending"
	st help new
	assert_out "--seq"
	assert_out "--single-file"
}

test_help_unknown_command() {
	st help frobnicate
	assert_rc 2
	assert_err "frobnicate"
}

test_unknown_command_is_usage_error() {
	st frobnicate
	assert_rc 2
	assert_err "frobnicate"
	st --json frobnicate
	assert_rc 2
}

test_no_command_is_usage_error() {
	st
	assert_rc 2
	assert_re "usage: strata"
	st --dir migrations
	assert_rc 2
	assert_re "usage: strata"
}

test_unknown_option_is_usage_error() {
	three_migs
	for c in "up" "down" "redo" "goto 001" "status" "version" "force 001" "new x" "help"; do
		# shellcheck disable=SC2086
		st $c --bogus
		assert_rc 2
		assert_err "--bogus"
		# shellcheck disable=SC2086
		st --bogus $c
		assert_rc 2
	done
	st up -x
	assert_rc 2
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists t)" 0
	[ -d migrations/x ] && fail "new ran"
	true
}

test_option_of_another_command_is_usage_error() {
	three_migs
	for args in "status --dry-run" "status --pending" "status --all" \
		"version --exit-code" "version --to 001" "force 001 --dry-run" \
		"force 001 --all" "new x --dry-run" "new x --pending" \
		"down --allow-out-of-order" "redo --to 001" "redo --all" \
		"up --pending" "up --all" "up --single-file" "goto 001 --all" \
		"goto 001 --exit-code" "up --exit-code" "down --seq"; do
		# shellcheck disable=SC2086
		st $args
		assert_rc 2
		assert_err "does not take --"
		assert_err "usage: strata ${args%% *}"
	done
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
	assert_eq "$(ls migrations | grep -c '_x')" 0
}

test_bad_count_or_version_is_usage_error() {
	three_migs
	for args in "up abc" "up 0" "up -1" "up 1.5" "up 1x" "up --to abc" \
		"up --to -1" "up --to" "up 1 2" "down abc" "down 0" "down --to x" \
		"goto" "goto abc" "goto 1 2" "goto ''" "force" "force abc" "force 1a" \
		"force 1 2" "redo 1" "version 1"; do
		eval "st $args"
		assert_rc 2
		assert_err "usage: strata"
	done
	[ "$(table_exists strata_migrations)" = 0 ] || assert_eq "$(hist_count)" 0
	assert_eq "$(table_exists t)" 0
}

test_usage_error_shows_usage_of_the_command() {
	st up abc
	assert_rc 2
	assert_err "abc"
	assert_err "usage: strata up"
	st status --pending
	assert_rc 2
	assert_err "usage: strata status"
}

test_usage_errors_do_not_create_default_database() {
	unset DATABASE_URL
	mkdir migrations
	st up abc
	assert_rc 2
	assert_err "usage: strata up"
	st status --bogus
	assert_rc 2
	st frobnicate
	assert_rc 2
	[ -e strata.db ] && fail "created strata.db"
	true
}

test_global_option_missing_value_is_usage_error() {
	for o in --url --dir --table --lock-wait; do
		st status "$o"
		assert_rc 2
		assert_err "$o"
		st "$o"
		assert_rc 2
	done
}

test_global_options_before_or_after_command() {
	mkdir db
	printf 'create table a(id integer);\n' >db/001_a.up.sql
	st --quiet --dir db --table hist up
	assert_rc 0
	assert_eq "$out" ""
	assert_eq "$(hist_versions hist)" "001"
	st status --dir db --table hist --exit-code --json
	assert_rc 0
	assert_json
	st --dir db status --table hist --exit-code
	assert_rc 0
	st version --table hist --verbose --dir db
	assert_rc 0
	assert_out "001"
	st --url "$URL" --json --table hist version --dir db
	assert_rc 0
	assert_eq "$(jqv .version)" "001"
}

test_version_flag_prints_strata_version() {
	st --version
	assert_rc 0
	assert_out "strata"
	printf '%s' "$out" | grep -Eq '[0-9]+\.[0-9]+\.[0-9]+' || fail "no version number"
}

test_no_color_means_no_escape_codes() {
	mig 001_a.up.sql 'create table a(id integer);
insert into no_such_table values (1);'
	for args in "help" "status" "up --dry-run" "up" "version"; do
		# shellcheck disable=SC2086
		st $args
		[ -n "$out$err" ] || fail "no output"
		assert_no_escapes
	done
	st status --bogus
	assert_no_escapes
	st --no-color status
	assert_rc 0
	assert_no_escapes
}

test_help_json_lists_commands() {
	st help --json
	assert_rc 0
	assert_eq "$(printf '%s' "$out" | jq -r '.commands | length')" 20
	assert_eq "$(printf '%s' "$out" | jq -r '.commands[1].name')" up
	st --json help status
	assert_rc 0
	assert_eq "$(printf '%s' "$out" | jq -r '.commands[0].usage')" "status [--exit-code]"
	st help nope --json
	assert_rc 2
	assert_err "unknown command 'nope'"
}

test_help_flags_exit_zero_and_usage_errors_exit_two() {
	st -h
	assert_rc 0
	assert_out "Commands:"
	st --help
	assert_rc 0
	st
	assert_rc 2
	st --url
	assert_rc 2
	assert_err "option --url needs a value"
	assert_no "usage: strata help"
	st --table 'bad;name' status
	assert_rc 2
	assert_err "invalid history table name 'bad;name'"
	assert_no "creating the embedded default"
}

test_color_only_when_both_streams_are_terminals() {
	mig 001_a.up.sql 'create table a(id integer);'
	unset NO_COLOR
	export TERM=xterm
	esc=$(printf '\033')
	# a pseudo-terminal for both streams: the state is painted
	script -qec "$STRATA status" /dev/null > tty.out
	grep -q "$esc\[" tty.out || fail "no colour on a terminal"
	# stdout piped: no escape codes, even though stderr is a terminal
	script -qec "$STRATA status | cat" /dev/null > pipe.out
	! grep -q "$esc\[" pipe.out || fail "colour codes in piped output"
	# NO_COLOR wins over a terminal
	NO_COLOR=1 script -qec "$STRATA status" /dev/null > nocolor.out
	! grep -q "$esc\[" nocolor.out || fail "colour despite NO_COLOR"
}
