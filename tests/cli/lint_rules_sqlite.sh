# Every lint rule against its fixtures (tests/fixtures/lint/RULE/): the
# "bad" case must be flagged with that rule, the look-alike "ok" case must
# not.  Lint reads files only, so this runs once (in the sqlite pass).
#
# A fixture directory holds:
#   bad.sql or bad/   a file (or a migrations directory) the rule flags
#   ok.sql or ok/     a look-alike it must leave alone
#   bad.expect        optional: the LINE:COL of each finding, in order
#   args              optional: lint options (default --dialect postgres)

FIXTURES=$ROOT/tests/fixtures/lint

# Prints "LINE:COL" of every finding of `rule` in lint's JSON on stdin.
rule_positions() {
	jq -r --arg r "$1" '.[] | select(.rule == $r) | "\(.line):\(.column)"'
}

lint_case() { # lint_case DIR CASE: runs lint on CASE.sql or CASE/
	local dir=$1 case=$2 args="--dialect postgres"
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	cd "$dir" || fail "no fixture $dir"
	if [ -d "$case" ]; then
		# shellcheck disable=SC2086 # args is a list of options
		st lint $args --format json --dir "$case"
	else
		# shellcheck disable=SC2086
		st lint $args --format json "$case.sql"
	fi
	cd - >/dev/null || exit 1
	case $rc in 0 | 1) ;; *) fail "lint exited $rc" ;; esac
	printf '%s' "$out" | jq -e 'type == "array"' >/dev/null ||
		fail "lint did not print a JSON array"
}

check_fixture() {
	local dir=$FIXTURES/$1 rule=$1 got
	[ -e "$dir/bad.sql" ] || [ -d "$dir/bad" ] || fail "$rule: no bad case"
	[ -e "$dir/ok.sql" ] || [ -d "$dir/ok" ] || fail "$rule: no ok case"
	lint_case "$dir" bad
	got=$(printf '%s' "$out" | rule_positions "$rule")
	[ -n "$got" ] || fail "$rule: the bad case was not flagged"
	if [ -f "$dir/bad.expect" ]; then
		assert_eq "$got" "$(cat "$dir/bad.expect")"
	fi
	lint_case "$dir" ok
	got=$(printf '%s' "$out" | rule_positions "$rule")
	[ -z "$got" ] || fail "$rule: the ok case was flagged at $got"
}

for _d in "$FIXTURES"/*/; do
	_r=$(basename "$_d")
	eval "test_rule_${_r//-/_}() { check_fixture $_r; }"
done

test_every_rule_has_a_fixture() {
	st lint --list-rules --format json
	assert_rc 0
	local missing=""
	for r in $(printf '%s' "$out" | jq -r '.[].rule'); do
		[ -d "$FIXTURES/$r" ] || missing="$missing $r"
	done
	[ -z "$missing" ] || fail "rules without a fixture:$missing"
}

test_every_rule_is_documented() {
	st lint --list-rules --format json
	assert_rc 0
	local missing=""
	for r in $(printf '%s' "$out" | jq -r '.[].rule'); do
		grep -qx "### $r" "$ROOT/docs/lint-rules.md" || missing="$missing $r"
	done
	[ -z "$missing" ] || fail "rules missing from docs/lint-rules.md:$missing"
}
