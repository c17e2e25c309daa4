# --json: every command prints one JSON document on stdout
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

iso_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}'

test_json_status_every_state() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 002_b.up.sql 'create table b(id integer);'
	mig 003_c.up.sql 'create table c(id integer);'
	mig 004_d.up.sql '-- strata:no-transaction
create table d(id integer);
insert into no_such_table values (1);'
	mig 005_e.up.sql 'create table e(id integer);'
	st up 3
	assert_rc 0
	mig 002_b.up.sql 'create table b(id integer, x integer);'
	rm migrations/003_c.up.sql
	st up --allow-modified
	assert_rc 1
	st status --json
	assert_rc 0
	assert_json
	assert_no_escapes
	assert_eq "$(jqv '[.migrations[] | .version + ":" + .name + ":" + .state] | join(",")')" \
		"001:a:applied,002:b:modified,003:c:missing,004:d:dirty,005:e:pending"
	# applied_at: a timestamp, or null when not applied
	for i in 0 1 2 3; do
		jqv ".migrations[$i].applied_at" | grep -Eq "$iso_re" ||
			fail "applied_at of #$i is not a timestamp"
		[ "$(jqv ".migrations[$i].duration_ms | type")" = number ] ||
			fail "duration_ms of #$i is not a number"
	done
	assert_eq "$(jqv '.migrations[4].applied_at')" null
	assert_eq "$(jqv '.migrations[4].duration_ms')" null
	st --json status --exit-code
	assert_rc 3
	assert_json
}

test_json_status_all_applied_exit_code() {
	three_migs
	st up
	st status --exit-code --json
	assert_rc 0
	assert_json
	assert_eq "$(jqv '[.migrations[].state] | unique | join(",")')" applied
	assert_eq "$(jqv '.migrations | length')" 3
}

test_json_status_empty() {
	mkdir migrations
	st --json status
	assert_rc 0
	assert_json
	assert_eq "$(jqv '.migrations | length')" 0
}

test_json_every_command() {
	three_migs
	for args in "up --dry-run" "up 1" "up" "status" "version" "down" "redo" \
		"goto 001" "goto 0" "up --to 002" "force 003" "force 003 --pending" \
		"down --all" "new --seq j_one" "new --seq j_two --single-file"; do
		# shellcheck disable=SC2086
		st $args --json
		assert_rc 0
		assert_json
		assert_no_escapes
	done
	assert_eq "$(ls migrations | grep -c '^00[45]_j_')" 3
}

test_json_errors_are_json() {
	mig 001_a.up.sql 'create table a(id integer);'
	mig 001_a.down.sql 'drop table a;'
	mig 002_b.up.sql 'create table b(id integer);
insert into no_such_table values (1);'
	st --json up
	assert_rc 1
	assert_json
	assert_eq "$(jqv .ok)" false
	assert_eq "$(jqv .error.file)" "migrations/002_b.up.sql"
	assert_eq "$(jqv .error.line)" 2
	st --json goto 009
	assert_rc 1
	assert_json
	st --json force 009
	assert_rc 1
	assert_json
	mig 003_dup.up.sql 'select 1;'
	mig 003_dup2.up.sql 'select 1;'
	st --json status
	assert_rc 1
	assert_json
	assert_eq "$(jqv .ok)" false
}

test_json_up_lists_applied_migrations() {
	three_migs
	st up --json 2
	assert_rc 0
	assert_json
	assert_eq "$(jqv '[.migrations[] | .version + ":" + .name] | join(",")')" "001:create_t,002:create_u"
	st --json up
	assert_rc 0
	assert_eq "$(jqv '[.migrations[].version] | join(",")')" "003"
	st --json down 2
	assert_rc 0
	assert_json
	assert_eq "$(jqv '[.migrations[].version] | join(",")')" "003,002"
}

test_json_dry_run_changes_nothing() {
	three_migs
	st --json up --dry-run
	assert_rc 0
	assert_json
	assert_eq "$(jqv '.migrations | length')" 3
	assert_eq "$(table_exists strata_migrations)" 0
}

test_json_version() {
	three_migs
	st --json version
	assert_rc 0
	assert_json
	assert_eq "$(jqv .version)" null
	st up
	st version --json
	assert_json
	assert_eq "$(jqv .version)" "003"
	assert_eq "$(jqv .dirty)" false
}
