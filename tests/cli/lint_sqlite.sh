# strata lint: output formats, exit status, suppression, configuration,
# locations, --explain.  Lint only reads files, so these run once (in the
# sqlite pass); the fixtures of each rule are in lint_rules_sqlite.sh.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# A migration with one error (an unknown rule in an ignore comment) and
# one warning (no down section).
one_error_one_warning() {
	mig 000001_a.up.sql "-- strata:ignore no-such-rule because
SELECT 1;"
}

test_lint_clean_exits_zero() {
	mig 000001_a.up.sql "SELECT 1;"
	mig 000001_a.down.sql "SELECT 2;"
	st lint --dialect postgres
	assert_rc 0
	assert_out "0 errors, 0 warnings, 0 info in 2 sections (2 statements)"
}

test_lint_text_finding_has_location_caret_and_rule() {
	one_error_one_warning
	st lint --dialect postgres
	assert_rc 1
	assert_out "migrations/000001_a.up.sql:1:18: error[bad-directive]: 'strata:ignore' names an unknown rule 'no-such-rule'"
	assert_out "    1 | -- strata:ignore no-such-rule because"
	assert_out "      |                  ^"
	assert_out "migrations/000001_a.up.sql: warning[missing-down]"
	assert_out "1 error, 1 warning, 0 info"
	assert_no_escapes
}

test_lint_warnings_alone_exit_zero_unless_strict() {
	mig 000001_a.up.sql "SELECT 1;"
	st lint --dialect postgres
	assert_rc 0
	assert_out "warning[missing-down]"
	st lint --dialect postgres --strict
	assert_rc 1
}

test_lint_json_is_one_object_per_finding() {
	one_error_one_warning
	st lint --dialect postgres --format json
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r 'length')" 2
	assert_eq "$(printf '%s' "$out" | jq -r '.[0] | keys_unsorted | join(",")')" \
		"file,line,column,rule,severity,message,help"
	assert_eq "$(printf '%s' "$out" | jq -r '.[0] | "\(.file):\(.line):\(.column) \(.severity) \(.rule)"')" \
		"migrations/000001_a.up.sql:1:18 error bad-directive"
	assert_eq "$(printf '%s' "$out" | jq -r '.[1].severity')" warning
	assert_eq "$(printf '%s' "$out" | jq -r '.[1].help')" \
		"-- 000001_a.down.sql: the statements that undo the up file"
}

test_lint_json_empty_array_when_clean() {
	mig 000001_a.up.sql "SELECT 1;"
	mig 000001_a.down.sql "SELECT 2;"
	st lint --dialect postgres --format json
	assert_rc 0
	assert_eq "$(printf '%s' "$out" | jq -c '.')" "[]"
}

test_lint_github_annotations() {
	one_error_one_warning
	st lint --dialect postgres --format github
	assert_rc 1
	assert_out "::error file=migrations/000001_a.up.sql,line=1,col=18,title=strata bad-directive::'strata:ignore' names an unknown rule 'no-such-rule'"
	assert_out "::warning file=migrations/000001_a.up.sql,title=strata missing-down::no down section"
	# newlines in the help are escaped, so each annotation is one line
	assert_eq "$(printf '%s\n' "$out" | grep -c '^::')" 2
	assert_eq "$(printf '%s\n' "$out" | wc -l)" 2
}

test_lint_finding_points_at_statement_not_comment_before_it() {
	cat >f.sql <<'SQL'
SELECT 1;
-- a comment about the next statement
   /* and a block comment */

   SELEC 2;
SQL
	st lint --dialect postgres --format json f.sql
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r '.[0] | "\(.rule) \(.line):\(.column)"')" "syntax-error 5:4"
}

test_lint_syntax_error_in_one_file_does_not_stop_the_others() {
	printf 'SELEC 1;\n' >a.sql
	printf -- '-- strata:ignore nope x\nSELECT 1;\n' >b.sql
	st lint --dialect postgres --format json a.sql b.sql
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r '[.[].rule] | join(",")')" "syntax-error,bad-directive"
}

test_lint_psql_meta_command_is_a_clear_syntax_error() {
	printf 'SELECT 1;\n\\i other.sql\n' >f.sql
	st lint --dialect postgres f.sql
	assert_rc 1
	assert_out "f.sql:2:1: error[syntax-error]:"
	assert_out "psql"
}

test_lint_ignore_silences_next_statement_only() {
	mig 000001_a.up.sql "-- strata:ignore-file missing-down
SELECT 1;"
	st lint --dialect postgres
	assert_rc 0
	assert_no "missing-down"
	# ignore for one statement: the rule name is checked, the reason free
	mig 000001_a.up.sql "-- strata:ignore missing-down,bad-directive reasons here
SELECT 1;"
	st lint --dialect postgres
	assert_rc 0
	assert_out "warning[missing-down]" # a file-level finding, not the statement's
}

test_lint_ignore_without_rule_is_an_error() {
	printf -- '-- strata:ignore\nSELECT 1;\n' >f.sql
	st lint --dialect postgres f.sql
	assert_rc 1
	assert_out "f.sql:1:4: error[bad-directive]: 'strata:ignore' names no rule"
}

test_lint_ignore_file_unknown_rule_is_an_error() {
	printf -- '-- strata:ignore-file missing-down,nope\nSELECT 1;\n' >f.sql
	st lint --dialect postgres f.sql
	assert_rc 1
	assert_out "f.sql:1:36: error[bad-directive]: 'strata:ignore-file' names an unknown rule 'nope'"
}

test_lint_rule_option_sets_severity() {
	mig 000001_a.up.sql "SELECT 1;"
	st lint --dialect postgres --rule missing-down=error
	assert_rc 1
	assert_out "error[missing-down]"
	st lint --dialect postgres --rule missing-down=off
	assert_rc 0
	assert_no "missing-down"
}

test_lint_rule_option_errors() {
	st lint --rule nope=error
	assert_rc 2
	assert_err "no lint rule is named 'nope'"
	st lint --rule missing-down=loud
	assert_rc 2
	assert_err "'missing-down = loud': expected off, info, warning or error"
	st lint --rule missing-down
	assert_rc 2
	assert_err "--rule takes NAME=SEVERITY"
}

test_lint_strata_ini_sets_severity_and_dialect() {
	mig 000001_a.up.sql "SELECT 1;"
	printf '[lint]\ndialect = postgres\nmissing-down = error\n' >strata.ini
	st lint
	assert_rc 1
	assert_out "error[missing-down]"
	# the command line wins over the file
	st lint --rule missing-down=off
	assert_rc 0
	printf '[lint]\nnope = error\n' >strata.ini
	st lint
	assert_rc 2
	assert_err "strata.ini: no lint rule is named 'nope'"
}

test_lint_usage_errors() {
	st lint --format xml
	assert_rc 2
	assert_err "or lint's text, json or github, not 'xml'"
	st lint --dialect oracle
	assert_rc 2
	assert_err "--dialect takes postgres or sqlite"
	st lint --pg-version 3
	assert_rc 2
	st lint --profile heroku
	assert_rc 2
	st lint --dir migrations a.sql
	assert_rc 2
	assert_err "give files or --dir, not both"
}

test_lint_missing_file_is_a_clear_error() {
	st lint --dialect postgres nope.sql
	assert_rc 1
	assert_err "nope.sql"
}

test_lint_list_rules() {
	st lint --list-rules
	assert_rc 0
	assert_out "missing-down"
	assert_out "syntax-error"
	st lint --list-rules --format json
	assert_rc 0
	assert_eq "$(printf '%s' "$out" | jq -r '.[] | select(.rule == "missing-down") | .severity')" warning
}

test_lint_explain_shows_locks_and_risk() {
	mig 000001_a.up.sql "CREATE TABLE t (id bigint PRIMARY KEY);
ALTER TABLE t ADD COLUMN n int;"
	mig 000001_a.down.sql "DROP TABLE t;"
	mig 000002_b.up.sql "CREATE INDEX t_n ON t (n);"
	mig 000002_b.down.sql "DROP INDEX t_n;"
	st lint --dialect postgres --explain --rule missing-down=off
	assert_out "migrations/000001_a.up.sql:1:1: CREATE TABLE  risk low"
	assert_out "migrations/000002_b.up.sql:1:1: CREATE INDEX  risk high"
	assert_out "t                        SHARE                  scan"
	assert_out "=> migrations/000002_b.up.sql (up): risk high (line 1)"
	assert_out "=> migrations/000001_a.down.sql (down): risk high (line 1)"
	st lint --dialect postgres --explain --format json
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.kind == "statement")][3] | "\(.statement) \(.tables[0].table) \(.tables[0].lock) \(.tables[0].scan) \(.risk)"')" \
		"CREATE INDEX t SHARE true high"
}

test_lint_loose_file_is_not_expected_to_have_a_down() {
	printf 'SELECT 1;\n' >plain.sql
	st lint --dialect postgres plain.sql
	assert_rc 0
	assert_no "missing-down"
	# but a migration file named as one is
	printf 'SELECT 1;\n' >000001_x.up.sql
	st lint --dialect postgres 000001_x.up.sql
	assert_out "warning[missing-down]"
	printf 'SELECT 2;\n' >000001_x.down.sql
	st lint --dialect postgres 000001_x.up.sql
	assert_no "missing-down"
}

test_lint_creates_no_database() {
	mig 000001_a.up.sql "SELECT 1;"
	unset DATABASE_URL
	st lint
	assert_no "creating the embedded default"
	[ ! -e strata.db ] || fail "lint created strata.db"
}

# Sections over 64 KB are parsed in chunks: positions stay exact, and a cut
# inside a BEGIN ATOMIC body (which holds ';') is healed.
test_lint_big_file_positions_across_chunks() {
	for i in $(seq 1 3000); do
		printf 'CREATE TABLE t%04d (id bigint PRIMARY KEY);\n' "$i"
	done >big.sql
	printf -- '-- strata:ignore nope x\nSELECT 1;\n' >>big.sql
	[ "$(wc -c <big.sql)" -gt 131072 ] || fail "fixture too small"
	st lint --dialect postgres --format json big.sql
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r '.[] | select(.rule == "bad-directive") | "\(.line):\(.column)"')" "3001:18"
	# a syntax error deep in the file is reported where it is
	sed '2500s/CREATE TABLE/CREATE TABEL/' big.sql >bad.sql
	st lint --dialect postgres --format json bad.sql
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r '.[] | select(.rule == "syntax-error") | "\(.line):\(.column)"')" "2500:8"
}

test_lint_begin_atomic_body_cut_between_chunks_still_parses() {
	# filler up to just under 64 KB, then a function whose body's first
	# ';' lies past the 64 KB mark: the chunk is cut inside the body
	for i in $(seq 1 1440); do
		printf 'CREATE TABLE t%04d (id bigint PRIMARY KEY);\n' "$i"
	done >f.sql
	size=$(wc -c <f.sql)
	[ "$size" -lt 65536 ] || fail "filler too big: $size"
	{
		printf 'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n'
		printf -- '-- %*s\n' $((65536 - size)) ''
		printf '  SELECT 1;\n  SELECT 2;\nEND;\nSELECT 3;\n'
	} >>f.sql
	st lint --dialect postgres f.sql
	assert_rc 0
	assert_no "syntax-error"
	assert_out "(1442 statements)"
}

test_lint_syntax_error_at_end_of_input() {
	printf 'SELECT 1;\nSELECT (' >f.sql
	st lint --dialect postgres --format json f.sql
	assert_rc 1
	assert_eq "$(printf '%s' "$out" | jq -r '.[0] | "\(.rule) \(.line)"')" "syntax-error 2"
}

test_lint_volatility_inside_case_and_null_default_before_11() {
	printf 'ALTER TABLE t ADD COLUMN x bigint DEFAULT CASE WHEN random() > 0.5 THEN 1 END;\n' >f.sql
	st lint --dialect postgres --format json --rule require-lock-timeout=off --rule require-statement-timeout=off f.sql
	assert_eq "$(printf '%s' "$out" | jq -r '[.[].rule] | join(",")')" volatile-default
	# before 11 every default rewrote the table, but NULL is not stored
	printf 'ALTER TABLE t ADD COLUMN x bigint DEFAULT NULL;\n' >g.sql
	st lint --dialect postgres --pg-version 10 --explain --format json \
		--rule require-lock-timeout=off --rule require-statement-timeout=off g.sql
	assert_eq "$(printf '%s' "$out" | jq -r '.[0].tables[0].rewrite')" false
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.kind == "finding") | .rule] | join(",")')" ""
	printf 'ALTER TABLE t ADD COLUMN x bigint DEFAULT 0;\n' >h.sql
	st lint --dialect postgres --pg-version 10 --explain --format json h.sql
	assert_eq "$(printf '%s' "$out" | jq -r '.[0].tables[0].rewrite')" true
}

test_lint_type_change_names_the_old_type_from_an_earlier_migration() {
	mig 001_a.up.sql "CREATE TABLE p (id bigint PRIMARY KEY, amount int, name varchar(20));"
	mig 002_b.up.sql "ALTER TABLE p ALTER COLUMN amount TYPE bigint;
ALTER TABLE p ALTER COLUMN name TYPE varchar(40);"
	st lint --dialect postgres --rule missing-down=off --format json
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.rule == "column-type-change") | .line] | join(",")')" 1
	assert_out "from integer to bigint"
}

test_lint_tracks_timeouts_reset_and_set_local() {
	printf 'SET lock_timeout = 1000;\nRESET lock_timeout;\nCREATE INDEX i ON t (a);\n' >a.sql
	st lint --dialect postgres --format json a.sql
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.rule == "require-lock-timeout") | .line] | join(",")')" 3
	# SET LOCAL outside a transaction block does nothing
	printf 'SET LOCAL lock_timeout = 1000;\nCREATE INDEX i ON t (a);\n' >b.sql
	st lint --dialect postgres --format json b.sql
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.rule == "require-lock-timeout") | .line] | join(",")')" 2
	printf 'SET lock_timeout = 1000;\nCREATE INDEX i ON t (a);\n' >c.sql
	st lint --dialect postgres --format json c.sql
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.rule == "require-lock-timeout")] | length')" 0
}

test_lint_a_renamed_new_table_is_still_new() {
	mig 001_a.up.sql "CREATE TABLE a (id bigint PRIMARY KEY, n int);
ALTER TABLE a RENAME TO b;
CREATE INDEX b_n ON b (n);"
	st lint --dialect postgres --rule missing-down=off --format json
	assert_eq "$(printf '%s' "$out" | jq -r '[.[] | select(.rule == "index-without-concurrently")] | length')" 0
}
