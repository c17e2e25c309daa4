# MySQL/MariaDB only: migrations run statement by statement (DDL commits at
# once), a failure stops dirty at its statement and up goes on from there;
# DELIMITER blocks, the GET_LOCK run lock, URLs and their messages.
. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/cli_helpers.sh"

# start_bg ARGS...: strata in the background, output in bg.out, keeping
# SIGINT (job control on)
start_bg() {
	set -m
	"$STRATA" "$@" >"$TEST_DIR/bg.out" 2>&1 &
	BG=$!
	set +m
}

# wait_for SQL VALUE: until SQL prints VALUE (10 s)
wait_for() {
	for _ in $(seq 1 100); do
		[ "$(sql "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "'$1' never gave '$2'"
}

test_mysql_up_status_redo_down() {
	three_migs
	st up
	assert_rc 0
	assert_eq "$(hist_versions)" "001,002,003"
	assert_eq "$(sql "select count(*) from t")" 1
	assert_eq "$(sql "select count(*) from strata_migrations where state = 'applied' and failed_statement is null and applied_at > now() - interval 1 day")" 3
	st status --exit-code
	assert_rc 0
	assert_re "^003 +fill_t +applied +20[0-9-]+T[0-9:]+Z"
	# said plainly, once, under the table
	assert_out "MySQL commits DDL at once: a migration is not atomic"
	st --json status
	assert_rc 0
	assert_eq "$(jqv .atomic)" false
	st redo
	assert_rc 0
	assert_eq "$(sql "select count(*) from t")" 1
	st down --all
	assert_rc 0
	assert_eq "$(table_exists t)$(table_exists u)" 00
	assert_eq "$(hist_count)" 0
}

test_mysql_history_table_types() {
	three_migs
	st up
	assert_rc 0
	assert_eq "$(sql "select concat(column_name, ' ', data_type) from information_schema.columns where table_schema = database() and table_name = 'strata_migrations' and column_name in ('version', 'applied_at', 'state') order by column_name" | paste -sd, -)" \
		"applied_at datetime,state varchar,version varchar"
	assert_eq "$(sql "select engine from information_schema.tables where table_schema = database() and table_name = 'strata_migrations'")" InnoDB
}

# 001: four statements, the third needs a table that is not there yet
half_way_mig() {
	mig 001_half.up.sql "create table a (id int);
insert into a values (1);
insert into later select id from a;
create table c (id int);"
	mig 001_half.down.sql "drop table c;
drop table a;"
}

test_mysql_failure_half_way_stops_dirty_then_up_goes_on() {
	half_way_mig
	st up
	assert_rc 1
	assert_err "migrations/001_half.up.sql:3:1: error: table '"
	assert_err ".later' doesn't exist (SQLSTATE 42S02)"
	assert_err "mysql error 1146"
	assert_err "it goes on from statement 3"
	# statements 1-2 are done for good, 4 never ran
	assert_eq "$(table_exists a)$(table_exists c)" 10
	assert_eq "$(sql "select count(*) from a")" 1
	assert_eq "$(sql "select state || ':' || failed_statement from strata_migrations")" dirty:3
	st status --exit-code
	assert_rc 3
	assert_out "failed at statement 3 outside a transaction: once the cause is fixed, 'strata up' goes on from it"
	st up --dry-run
	assert_rc 0
	assert_not_out "create table a"
	assert_out "insert into later"
	# a dirty migration blocks down until it is done or forced
	st down
	assert_rc 1
	assert_err "is dirty"
	# fixed: up goes on from statement 3, without running 1-2 again
	sql "create table later (id int)"
	st up
	assert_rc 0
	assert_err "going on with 001_half at statement 3 of 4"
	assert_eq "$(sql "select count(*) from a")" 1
	assert_eq "$(sql "select count(*) from later")" 1
	assert_eq "$(table_exists c)" 1
	assert_eq "$(sql "select state || ':' || coalesce(failed_statement, 0) from strata_migrations")" applied:0
	st status --exit-code
	assert_rc 0
}

test_mysql_progress_is_recorded_after_each_statement() {
	mig 001_slow.up.sql "create table a (id int);
select sleep(3);
create table c (id int);"
	start_bg up
	wait_for "select failed_statement from strata_migrations" 2
	assert_eq "$(sql "select state from strata_migrations")" dirty
	assert_eq "$(table_exists a)" 1
	wait "$BG" || fail "up failed: $(cat bg.out)"
	assert_eq "$(sql "select state from strata_migrations")" applied
}

test_mysql_modified_file_refuses_with_the_way_out() {
	half_way_mig
	st up
	assert_rc 1
	# the file changed since it ran: where to go on is not known
	mig 001_half.up.sql "create table a (id int);
insert into a values (1);
create table c (id int);"
	st up
	assert_rc 1
	assert_err "migration 001_half is dirty: it failed at statement 3"
	assert_err "the file has changed since it ran, so 'strata up' cannot go on where it stopped"
	assert_err "'strata force 001'"
	assert_err "'strata force 001 --pending'"
	assert_eq "$(table_exists c)" 0
	st status
	assert_out "repair, then 'strata force 001' or 'strata force 001 --pending'"
	# repaired by hand: force records it as applied
	sql "create table c (id int)"
	st force 001
	assert_rc 0
	st status --exit-code
	assert_rc 0
	assert_eq "$(sql "select state from strata_migrations")" applied
}

test_mysql_down_runs_statement_by_statement() {
	half_way_mig
	sql "create table later (id int)"
	st up
	assert_rc 0
	mig 001_half.down.sql "drop table c;
drop table nope;
drop table a;"
	st down
	assert_rc 1
	assert_err "migrations/001_half.down.sql:2:1: error: unknown table"
	assert_err "statements 1-1 of this rollback ran and stay done"
	assert_eq "$(table_exists c)$(table_exists a)" 01
	assert_eq "$(sql "select state || ':' || failed_statement from strata_migrations")" dirty:-2
	st force 001 --pending
	assert_rc 0
	assert_eq "$(hist_count)" 0
}

test_mysql_delimiter_blocks_trigger_and_procedure() {
	mig 001_audit.up.sql 'create table item (id int primary key, name varchar(50));
create table audit (item_id int, note varchar(100));

DELIMITER $$
CREATE TRIGGER item_ai AFTER INSERT ON item FOR EACH ROW
BEGIN
  INSERT INTO audit VALUES (NEW.id, CONCAT("added; ", NEW.name));
END$$

CREATE PROCEDURE add_item(IN i INT, IN n VARCHAR(50))
BEGIN
  INSERT INTO item VALUES (i, n);
  SELECT COUNT(*) FROM audit;
END $$
DELIMITER ;

/*!50003 CALL add_item(1, "first") */;
call add_item(2, '\''second; with a semicolon'\'');'
	mig 001_audit.down.sql 'drop procedure add_item;
drop table item;
drop table audit;'
	st up --dry-run
	assert_rc 0
	assert_line "-- migrations/001_audit.up.sql:5:1"
	assert_not_out "DELIMITER"
	st up
	assert_rc 0
	assert_eq "$(sql "select note from audit order by item_id" | paste -sd, -)" \
		"added; first,added; second; with a semicolon"
	assert_eq "$(sql "select count(*) from information_schema.routines where routine_schema = database() and routine_name = 'add_item'")" 1
	st down
	assert_rc 0
	assert_eq "$(table_exists item)$(table_exists audit)" 00
}

test_mysql_unterminated_string_runs_nothing() {
	mig 001_a.up.sql 'create table a (id int);'
	mig 002_b.up.sql "create table b (id int);
insert into b values ('oops);
create table c (id int);"
	st up
	assert_rc 1
	assert_err "migrations/002_b.up.sql:2:23: error: unterminated string"
	# every planned migration is split before the first one runs
	assert_eq "$(table_exists a)$(table_exists b)" 00
}

test_mysql_syntax_error_points_into_the_file() {
	mig 001_a.up.sql "create table a (id int);

select id,
  from a;"
	st up
	assert_rc 1
	assert_err "migrations/001_a.up.sql:4:3: error: syntax error near 'from a' (SQLSTATE 42000)"
	assert_err "  from a;"
}

test_mysql_two_runs_wait_for_the_lock() {
	mig 001_slow.up.sql 'create table slow (id int);
select sleep(3);'
	start_bg up
	wait_for "select count(*) from strata_migrations" 1
	st --lock-wait 1 up
	assert_rc 1
	assert_err "waiting for the migration lock held by connection "
	assert_err "timed out after 1s waiting for the migration lock held by connection"
	wait "$BG" || fail "the first run failed: $(cat bg.out)"
	assert_eq "$(sql "select state from strata_migrations")" applied
	st up
	assert_rc 0
	assert_out "nothing to do"
}

test_mysql_interrupted_statement_stops_dirty_then_goes_on() {
	sql "create table knob (secs int)"
	sql "insert into knob values (30)"
	mig 001_wait.up.sql "create table a (id int);
select sleep((select secs from knob));
create table c (id int);"
	start_bg up
	wait_for "select count(*) from information_schema.processlist where info like 'select sleep((select%'" 1
	kill -INT "$BG"
	wait "$BG" && rc=0 || rc=$?
	cat bg.out >&2
	assert_eq "$rc" 130
	grep -q "interrupted" bg.out || fail "no word of the interruption"
	assert_eq "$(sql "select state || ':' || failed_statement from strata_migrations")" dirty:2
	assert_eq "$(table_exists a)$(table_exists c)" 10
	sql "update knob set secs = 0"
	st up
	assert_rc 0
	assert_err "going on with 001_wait at statement 2 of 3"
	assert_eq "$(table_exists c)" 1
}

test_mysql_history_table_in_another_database() {
	other="${MYSQL_TEST_DB}_ops"
	three_migs
	st --table "$other.history" up
	assert_rc 0
	assert_eq "$(table_exists history "$other")" 1
	assert_eq "$(table_exists strata_migrations)" 0
	assert_eq "$(hist_versions "$other.history")" "001,002,003"
	st --table "$other.history" status --exit-code
	assert_rc 0
	sql "drop database $other"
}

test_mysql_url_with_socket_and_mariadb_scheme() {
	three_migs
	enc=$(printf '%s' "$MYSQL_SOCKET" | sed 's|/|%2F|g')
	st --url "mariadb://root@localhost/$MYSQL_TEST_DB?socket=$enc" up
	assert_rc 0
	assert_eq "$(hist_count)" 3
	st --url "mysql://root@/$MYSQL_TEST_DB?socket=$MYSQL_SOCKET" status --exit-code
	assert_rc 0
	st --url "mysql://root@localhost/$MYSQL_TEST_DB?socket=$MYSQL_SOCKET&sslmode=x" status
	assert_rc 1
	assert_err "unknown parameter 'sslmode' (known: socket)"
	st --url "mysql://root@localhost?socket=$MYSQL_SOCKET" status
	assert_rc 1
	assert_err "no database name"
}

test_mysql_wrong_password_is_never_shown() {
	user="u_$MYSQL_TEST_DB"
	sql "create user $user@localhost identified by 'the-right-one'"
	sql "grant all on $MYSQL_TEST_DB.* to $user@localhost"
	three_migs
	st --url "mysql://$user:wr0ng-s3cret@localhost/$MYSQL_TEST_DB?socket=$MYSQL_SOCKET" up
	assert_rc 1
	assert_err "access denied for user '$user'@'localhost' (using password: YES)"
	assert_no "wr0ng-s3cret"
	st --json --url "mysql://$user:wr0ng-s3cret@localhost/$MYSQL_TEST_DB?socket=$MYSQL_SOCKET" status
	assert_rc 1
	assert_json
	assert_no "wr0ng-s3cret"
	st --url "mysql://$user:the-right-one@localhost/$MYSQL_TEST_DB?socket=$MYSQL_SOCKET" up
	assert_rc 0
	assert_eq "$(hist_count)" 3
	sql "drop user $user@localhost"
}

test_mysql_connection_refused() {
	three_migs
	st --url "mysql://app:tcp-s3cret@127.0.0.1:1/db" up
	assert_rc 1
	assert_err "can't connect to server on '127.0.0.1' port 1: connection refused"
	assert_no "tcp-s3cret"
	st --url "mysql://app:sock-s3cret@localhost/db?socket=$TEST_DIR/none.sock" status
	assert_rc 1
	assert_err "through socket '$TEST_DIR/none.sock': no such file or directory"
	assert_no "sock-s3cret"
}

test_mysql_server_warnings_are_notices() {
	mig 001_a.up.sql 'drop table if exists never_there;
create table a (id int);'
	st -v up
	assert_rc 0
	assert_err "strata: server: Note 1051: Unknown table '$MYSQL_TEST_DB.never_there'"
}

test_mysql_what_is_not_there_yet_says_so() {
	three_migs
	st lint
	assert_rc 1
	assert_err "lint is not available for MySQL yet"
	st up
	assert_rc 0
	st dump
	assert_rc 1
	assert_err "schema snapshots are not available for MySQL yet"
	# strata test makes its scratch database, and drops it again
	st test
	assert_rc 1
	assert_err "schema snapshots are not available for MySQL yet"
	assert_eq "$(sql "select count(*) from information_schema.schemata where schema_name like 'strata\\_test\\_%'")" 0
	st up --backup
	assert_rc 0 # nothing to do: no backup needed
	st backups
	assert_rc 0
}
