# Shell test library for tests/cli/*.sh, sourced by tests/run.sh.
#
# A test is a function named test_*; each runs in a subshell, in a fresh
# empty directory, against a fresh database of the suite's kind ($DB is
# "sqlite", "pg" or "mysql").  Assertions exit the subshell on failure, so a
# test passes only when it reaches its end.
#
# Provided:   $STRATA   the binary          $URL   the test's database URL
#             st ARGS   runs strata, keeping $out, $err and $rc
#             sql "Q"   runs Q on the test database, prints rows ('|'-separated)
#             assert_rc N, assert_out "text", assert_err "text",
#             assert_no "text" (in neither stream), assert_eq A B, fail MSG

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

st() {
	out=$("$STRATA" "$@" 2>"$TEST_DIR/.stderr") && rc=0 || rc=$?
	err=$(cat "$TEST_DIR/.stderr")
	printf '$ strata %s\n%s\n%s\n[exit %s]\n' "$*" "$out" "$err" "$rc" >&2
}

assert_rc() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1"; }
assert_out() { case "$out" in *"$1"*) ;; *) fail "stdout lacks '$1'" ;; esac; }
assert_err() { case "$err" in *"$1"*) ;; *) fail "stderr lacks '$1'" ;; esac; }
assert_no() {
	case "$out$err" in *"$1"*) fail "output contains '$1'" ;; esac
}
assert_eq() { [ "$1" = "$2" ] || fail "got '$1', expected '$2'"; }

sql() {
	case "$DB" in
	sqlite) sqlite3 -batch "$TEST_DIR/test.db" "$1" ;;
	pg) psql -X -q -A -t -v ON_ERROR_STOP=1 "$PG_TEST_URL" -c "$1" ;;
	# || concatenates, as in the other two (only in these checks)
	mysql) mariadb_admin "SET sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT');
USE $MYSQL_TEST_DB; $1" | tr '\t' '|' ;;
	esac
}

# Writes a migration file: mig NAME CONTENT (name relative to migrations/).
mig() {
	mkdir -p migrations
	printf '%s\n' "$2" > "migrations/$1"
}

# Fresh database for one test.
_new_db() {
	case "$DB" in
	sqlite)
		URL="sqlite:$TEST_DIR/test.db" ;;
	pg)
		_dbname="t_$$_$(date +%s%N | tail -c 9)"
		psql -X -q "$PG_ADMIN_URL" -c "CREATE DATABASE $_dbname" >/dev/null ||
			fail "cannot create test database"
		PG_TEST_URL="postgresql:///$_dbname?host=$PGHOST_DIR&port=$PGPORT_NUM&user=$PGUSER_NAME"
		URL="$PG_TEST_URL" ;;
	mysql)
		MYSQL_TEST_DB="t_$$_$(date +%s%N | tail -c 9)"
		mariadb_admin "CREATE DATABASE $MYSQL_TEST_DB" >/dev/null ||
			fail "cannot create test database"
		URL="mysql://root@localhost/$MYSQL_TEST_DB?socket=$MYSQL_SOCKET" ;;
	esac
	export DATABASE_URL="$URL"
}

run_tests() {
	suite=$1
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${ONLY:-}" ] && [ "$t" != "$ONLY" ]; then continue; fi
		TEST_DIR=$(mktemp -d "$TEST_ROOT/XXXXXX")
		if ( cd "$TEST_DIR" && _new_db && "$t" ) >"$TEST_DIR.log" 2>&1; then
			echo "pass $suite/$t" >>"$RESULTS"
			printf '  ok    %s/%s\n' "$suite" "$t"
		else
			echo "fail $suite/$t" >>"$RESULTS"
			printf '  FAIL  %s/%s\n' "$suite" "$t"
			tail -n 40 "$TEST_DIR.log" | sed 's/^/        /'
		fi
	done
}
