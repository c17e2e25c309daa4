#!/bin/bash
# Runs every test suite and ends with one line "N passed, N failed".
#   tests/run.sh [BUILD_DIR]   ONLY=test_name, SUITES="unit sqlite pg mysql"
# The PostgreSQL and MariaDB suites start their own server (tests/lib/pg.sh,
# tests/lib/mariadb.sh) and stop it.
set -u
BUILD=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUITES=${SUITES:-"unit sqlite pg mysql"}
export STRATA="$BUILD/strata" NO_COLOR=1
TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/strata-tests.XXXXXX")
RESULTS="$TEST_ROOT/results"
: >"$RESULTS"
export TEST_ROOT RESULTS
# The generic CLI suites that also run on MySQL.  The others assume what it
# lacks for now: transactional DDL (errors), lint and the question before
# deleting data (lint_preflight, destructive), data copies and backups.
MYSQL_GENERIC="up down status redo_goto json files url lock force backfill adopt convert"
cleanup() {
	[ -n "${PG_STARTED:-}" ] && pg_stop
	[ -n "${MY_STARTED:-}" ] && mariadb_stop
	rm -rf "$TEST_ROOT"
}
trap cleanup EXIT INT TERM

# run_cmocka SUITE BINARY: one result line per cmocka test
run_cmocka() {
	name=$(basename "$2")
	log="$TEST_ROOT/$name.log"
	if "$2" >"$log" 2>&1; then status=0; else status=$?; fi
	grep -E '^\[       OK \]' "$log" | sed "s/^.*OK \] /pass $1\/$name\//" >>"$RESULTS"
	grep -E '^\[  FAILED  \] [a-z_]' "$log" | sed "s/^.*FAILED  \] /fail $1\/$name\//" | sort -u >>"$RESULTS"
	if [ "$status" -ne 0 ]; then
		printf '  FAIL  %s/%s\n' "$1" "$name"
		tail -n 30 "$log" | sed 's/^/        /'
		# a crash leaves no FAILED line: count it
		grep -q '^\[  FAILED  \] [a-z_]' "$log" || echo "fail $1/$name (exit $status)" >>"$RESULTS"
	else
		printf '  ok    %s/%s (%s tests)\n' "$1" "$name" "$(grep -c '^\[       OK \]' "$log")"
	fi
}

case " $SUITES " in *" unit "*)
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] && run_cmocka unit "$t"
	done ;;
esac

run_cli_suite() {
	DB=$1
	export DB
	for f in "$ROOT"/tests/cli/*.sh; do
		[ -f "$f" ] || continue
		# a file named *_pg.sh, *_sqlite.sh or *_mysql.sh runs on that
		# database only; MySQL runs only the others in MYSQL_GENERIC
		case "$(basename "$f")" in
		*_pg.sh) [ "$DB" = pg ] || continue ;;
		*_sqlite.sh) [ "$DB" = sqlite ] || continue ;;
		*_mysql.sh) [ "$DB" = mysql ] || continue ;;
		*) [ "$DB" != mysql ] ||
			case " $MYSQL_GENERIC " in
			*" $(basename "$f" .sh) "*) ;;
			*) continue ;;
			esac ;;
		esac
		( . "$ROOT/tests/lib/testlib.sh"; . "$f"; run_tests "$DB/$(basename "$f" .sh)" )
	done
}

case " $SUITES " in *" sqlite "*) run_cli_suite sqlite ;; esac
case " $SUITES " in *" pg "*)
	. "$ROOT/tests/lib/pg.sh"
	if pg_start "$TEST_ROOT/pg"; then
		PG_STARTED=1
		for t in "$BUILD"/tests/pg_*_check; do
			[ -x "$t" ] && STRATA_TEST_PG_URL=$PG_ADMIN_URL run_cmocka pg "$t"
		done
		run_cli_suite pg
	else
		echo "fail pg/server-start" >>"$RESULTS"
		echo "  FAIL  pg: the PostgreSQL test server did not start (see above)"
	fi ;;
esac
case " $SUITES " in *" mysql "*)
	. "$ROOT/tests/lib/mariadb.sh"
	if mariadb_start "$TEST_ROOT/my"; then
		MY_STARTED=1
		for t in "$BUILD"/tests/mysql_*_check; do
			[ -x "$t" ] && STRATA_TEST_MYSQL_URL=$MYSQL_ADMIN_URL run_cmocka mysql "$t"
		done
		run_cli_suite mysql
		mariadb_stop
		MY_STARTED=
	else
		echo "fail mysql/server-start" >>"$RESULTS"
		echo "  FAIL  mysql: the MariaDB test server did not start (see above)"
	fi ;;
esac

passed=$(grep -c '^pass ' "$RESULTS")
failed=$(grep -c '^fail ' "$RESULTS")
if [ "$failed" -gt 0 ]; then
	echo "failed:"
	grep '^fail ' "$RESULTS" | sed 's/^fail /  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
