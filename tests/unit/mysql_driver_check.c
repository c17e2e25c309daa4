/*
 * The MySQL driver against a real MariaDB server.
 *
 * Not a test_*.c file: the unit suite runs without a server.  Start one with
 * tests/lib/mariadb.sh and point STRATA_TEST_MYSQL_URL at it (root, as
 * MYSQL_ADMIN_URL is); without it every test fails, never passes silently.
 *
 *   . tests/lib/mariadb.sh && mariadb_start /tmp/mycheck
 *   STRATA_TEST_MYSQL_URL=$MYSQL_ADMIN_URL build/tests/mysql_driver_check
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "strata/driver.h"

#define DRV strata_driver_mysql

static const char *test_url(void)
{
	const char *url = getenv("STRATA_TEST_MYSQL_URL");

	if (!url || !*url)
		fail_msg(
		    "STRATA_TEST_MYSQL_URL is not set: start a server with "
		    "tests/lib/mariadb.sh and export it ($MYSQL_ADMIN_URL)");
	return url;
}

/* The test URL with its database replaced by `db` and its user part by
 * `userinfo` (NULL: kept).  Caller frees. */
static char *url_for(const char *db, const char *userinfo)
{
	const char *url = test_url(), *host = strstr(url, "://") + 3, *at,
	           *path = strchr(host, '/'), *query = strchr(path, '?');
	strata_buf b = STRATA_BUF_INIT;

	at = memchr(host, '@', (size_t)(path - host));
	strata_buf_add(&b, url, (size_t)(host - url));
	if (userinfo)
		strata_buf_printf(&b, "%s@", userinfo);
	else if (at)
		strata_buf_add(&b, host, (size_t)(at - host + 1));
	at = at ? at + 1 : host;
	strata_buf_add(&b, at, (size_t)(path - at));
	strata_buf_printf(&b, "/%s%s", db, query ? query : "");
	return strata_buf_detach(&b);
}

static strata_conn *connect_ok(const char *url)
{
	strata_error err = {0};
	strata_conn *c = NULL;
	int rc = DRV.open(&c, url, 0, &err);

	if (rc != 0)
		fail_msg("open failed (%d): %s", rc, err.message);
	strata_error_dispose(&err);
	return c;
}

static void exec_ok(strata_conn *c, const char *sql)
{
	strata_error err = {0};
	long off = 0;
	int rc = DRV.exec(c, sql, &off, &err);

	if (rc != 0)
		fail_msg("'%s' failed: %s", sql, err.message);
	assert_int_equal(off, -1);
	strata_error_dispose(&err);
}

/* First column of the first row, as a malloc'd string ("(null)" for NULL). */
static int first_value_row(void *data, int ncols, const char *const *values)
{
	char **out = data;

	assert_true(ncols >= 1);
	if (!*out)
		*out = strdup(values[0] ? values[0] : "(null)");
	return 0;
}

static char *query_value_p(strata_conn *c, const char *sql, int n,
                           const char *const *params)
{
	strata_error err = {0};
	char *v = NULL;
	int rc = DRV.query(c, sql, n, params, first_value_row, &v, &err);

	if (rc < 0)
		fail_msg("'%s' failed: %s", sql, err.message);
	assert_non_null(v);
	strata_error_dispose(&err);
	return v;
}

static char *query_value(strata_conn *c, const char *sql)
{
	return query_value_p(c, sql, 0, NULL);
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Each test gets the database strata_check, empty. */
static int setup(void **state)
{
	strata_conn *admin = connect_ok(test_url());
	char *url = url_for("strata_check", NULL);

	exec_ok(admin, "DROP DATABASE IF EXISTS strata_check");
	exec_ok(admin, "CREATE DATABASE strata_check");
	DRV.close(admin);
	*state = connect_ok(url);
	free(url);
	return 0;
}

static int teardown(void **state)
{
	strata_conn *c = *state;

	exec_ok(c, "DROP DATABASE IF EXISTS strata_check");
	DRV.close(c);
	return 0;
}

/* ---- the driver table ---------------------------------------------- */

static void test_driver_table(void **state)
{
	(void)state;
	assert_string_equal(DRV.name, "mysql");
	assert_string_equal(DRV.schemes[0], "mysql");
	assert_string_equal(DRV.schemes[1], "mariadb");
	assert_null(DRV.schemes[2]);
	/* DDL commits implicitly: no transactional DDL */
	assert_int_equal(DRV.caps, STRATA_CAP_ADVISORY_LOCK);
	assert_int_equal(DRV.dialect, STRATA_DIALECT_MYSQL);
	assert_string_equal(DRV.begin_sql, "START TRANSACTION");
	assert_non_null(DRV.lock);
	assert_non_null(DRV.unlock);
	assert_non_null(DRV.set_notice_fn);
	assert_non_null(DRV.set_tick_fn);
	assert_non_null(DRV.scratch_create);
	assert_non_null(DRV.scratch_drop);
	assert_ptr_equal(strata_driver_find("mariadb://h/d"), &DRV);
	DRV.close(NULL);
}

/* ---- exec ------------------------------------------------------------ */

static void test_exec_ok(void **state)
{
	strata_conn *c = *state;
	char *v;

	exec_ok(c, "CREATE TABLE t (id int PRIMARY KEY, s text)");
	/* utf8mb4: four-byte characters survive */
	exec_ok(c, "INSERT INTO t VALUES (1, 'ü☃𝄞')");
	exec_ok(c, "SELECT * FROM t");
	exec_ok(c, "/* only a comment */ SELECT 1");
	v = query_value(c, "SELECT s FROM t");
	assert_string_equal(v, "ü☃𝄞");
	free(v);
	v = query_value(c, "SELECT @@character_set_client");
	assert_string_equal(v, "utf8mb4");
	free(v);
	/* DDL commits at once, as the caps say: ROLLBACK cannot undo it */
	exec_ok(c, "START TRANSACTION");
	exec_ok(c, "CREATE TABLE stays (x int)");
	exec_ok(c, "ROLLBACK");
	v = query_value(c, "SELECT count(*) FROM information_schema.TABLES "
	                   "WHERE TABLE_NAME = 'stays'");
	assert_string_equal(v, "1");
	free(v);
	/* a procedure's result sets are all drained: the connection stays
	 * in sync for what follows */
	exec_ok(c, "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2, 3; END");
	exec_ok(c, "CALL p()");
	exec_ok(c, "CALL p()");
	v = query_value(c, "SELECT 'in sync'");
	assert_string_equal(v, "in sync");
	free(v);
}

static void test_exec_syntax_error_offset(void **state)
{
	strata_conn *c = *state;
	/* 2-, 3- and 4-byte characters before the error */
	const char *sql = "SELECT 'é☃𝄞' AS `ñ`\nFROM FROM t";
	long want = (long)(strstr(sql, "FROM FROM") - sql) + 5;
	strata_error err = {0};
	long off = 0;
	char *v;

	assert_int_equal(DRV.exec(c, sql, &off, &err), STRATA_EDB);
	assert_int_equal(err.code, STRATA_EDB);
	assert_string_equal(err.sqlstate, "42000");
	assert_string_equal(err.message, "syntax error near 'FROM t'");
	assert_string_equal(err.detail, "mysql error 1064");
	assert_int_equal(off, want);
	strata_error_dispose(&err);

	/* the same text on an earlier line is not it */
	sql = "SELECT 'a FROM t'\nFROM FROM t";
	assert_int_equal(DRV.exec(c, sql, &off, &err), STRATA_EDB);
	assert_int_equal(off,
	                 (long)(strstr(strchr(sql, '\n'), "FROM t") - sql));
	strata_error_dispose(&err);

	/* at end of input: the offset is the statement's length */
	sql = "SELECT 'ö' +";
	assert_int_equal(DRV.exec(c, sql, &off, &err), STRATA_EDB);
	assert_string_equal(err.message,
	                    "syntax error at the end of the statement");
	assert_int_equal(off, (long)strlen(sql));
	strata_error_dispose(&err);

	/* no position: -1, and the server's own words */
	assert_int_equal(DRV.exec(c, "SELECT * FROM nowhere", &off, &err),
	                 STRATA_EDB);
	assert_string_equal(err.sqlstate, "42S02");
	assert_string_equal(err.message,
	                    "table 'strata_check.nowhere' doesn't exist");
	assert_string_equal(err.detail, "mysql error 1146");
	assert_int_equal(off, -1);
	strata_error_dispose(&err);

	/* the connection is still usable */
	v = query_value(c, "SELECT 'ok'");
	assert_string_equal(v, "ok");
	free(v);
}

/* ---- query ----------------------------------------------------------- */

struct rows {
	int n;
	char text[4096];
};

static int collect(void *data, int ncols, const char *const *v)
{
	struct rows *r = data;
	size_t len = strlen(r->text);

	r->n++;
	for (int i = 0; i < ncols; i++) {
		snprintf(r->text + len, sizeof(r->text) - len, "%s%s",
		         i ? "|" : "", v[i] ? v[i] : "NULL");
		len = strlen(r->text);
	}
	snprintf(r->text + len, sizeof(r->text) - len, ";");
	return 0;
}

static int stop_at_first(void *data, int ncols, const char *const *v)
{
	(void)ncols;
	(void)v;
	(*(int *)data)++;
	return 7;
}

static void test_query_params(void **state)
{
	strata_conn *c = *state;
	const char *p[3] = {"it's; DROP TABLE t; -- \\", NULL, "x"};
	struct rows r = {0};
	strata_error err = {0};
	char long_value[300];
	const char *lp[1] = {long_value};
	char *v;
	int n = 0;

	exec_ok(c, "CREATE TABLE t (a text, b text, c text)");
	/* values travel as values: quotes and backslashes are data */
	assert_int_equal(DRV.query(c, "INSERT INTO t VALUES ($1, $2, $3)", 3, p,
	                           NULL, NULL, &err),
	                 0);
	assert_int_equal(DRV.query(c,
	                           "SELECT a, b, c, '$1', `c` FROM t WHERE "
	                           "c = $3 AND a = $1 AND b IS NULL",
	                           3, p, collect, &r, &err),
	                 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.text, "it's; DROP TABLE t; -- \\|NULL|x|$1|x;");
	/* a value longer than the first buffer comes back whole */
	memset(long_value, 'v', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	v = query_value_p(c, "SELECT CONCAT($1, '!')", 1, lp);
	assert_int_equal(strlen(v), sizeof(long_value));
	assert_int_equal(v[sizeof(long_value) - 1], '!');
	free(v);
	/* a row function's non-zero return stops and is returned; the
	 * connection stays in sync */
	assert_int_equal(DRV.query(c, "SELECT 1 UNION SELECT 2", 0, NULL,
	                           stop_at_first, &n, &err),
	                 7);
	assert_int_equal(DRV.query(c, "SELECT $1 UNION SELECT 2", 1, p + 2,
	                           stop_at_first, &n, &err),
	                 7);
	assert_int_equal(n, 2);
	v = query_value(c, "SELECT 'in sync'");
	assert_string_equal(v, "in sync");
	free(v);
	/* errors of prepared statements are reported like the others */
	assert_int_equal(DRV.query(c, "SELECT * FROM nowhere WHERE a = $1", 1,
	                           p, NULL, NULL, &err),
	                 STRATA_EDB);
	assert_string_equal(err.sqlstate, "42S02");
	strata_error_dispose(&err);
	/* a parameter without a value is the caller's bug */
	assert_int_equal(DRV.query(c, "SELECT $2", 1, p, NULL, NULL, &err),
	                 STRATA_ERROR);
	strata_error_dispose(&err);
}

static void test_table_exists(void **state)
{
	strata_conn *c = *state;
	strata_error err = {0};
	int yes = -1;

	exec_ok(c, "CREATE TABLE hist (x int)");
	exec_ok(c, "CREATE VIEW v AS SELECT 1 AS x");
	assert_int_equal(DRV.table_exists(c, NULL, "hist", &yes, &err), 0);
	assert_int_equal(yes, 1);
	assert_int_equal(DRV.table_exists(c, NULL, "v", &yes, &err), 0);
	assert_int_equal(yes, 0);
	assert_int_equal(DRV.table_exists(c, NULL, "nope", &yes, &err), 0);
	assert_int_equal(yes, 0);
	assert_int_equal(
	    DRV.table_exists(c, "strata_check", "hist", &yes, &err), 0);
	assert_int_equal(yes, 1);
	/* a schema is a database; names are compared exactly */
	assert_int_equal(DRV.table_exists(c, "mysql", "hist", &yes, &err), 0);
	assert_int_equal(yes, 0);
	assert_int_equal(DRV.table_exists(c, "mysql", "user", &yes, &err), 0);
	assert_int_equal(yes, 0); /* a view in MariaDB 10.4+ */
	assert_int_equal(DRV.table_exists(c, "mysql", "db", &yes, &err), 0);
	assert_int_equal(yes, 1);
}

/* ---- the lock ---------------------------------------------------------- */

struct waits {
	int calls;
	char last[256];
};

static void on_wait(void *data, const char *message)
{
	struct waits *w = data;

	w->calls++;
	snprintf(w->last, sizeof(w->last), "%s", message);
}

static void test_lock_unlock(void **state)
{
	char *url = url_for("strata_check", NULL);
	strata_conn *a, *b, *other;
	strata_error err = {0};
	struct waits w = {0};
	char *id, want[64];
	long long t0;

	(void)state;
	a = connect_ok(url);
	b = connect_ok(url);
	id = query_value(b, "SELECT CONNECTION_ID()");
	assert_int_equal(DRV.lock(b, 42, 0, NULL, NULL, &err), 0);
	/* a second session waits, is told who holds it, and times out */
	t0 = mono_ms();
	assert_int_equal(DRV.lock(a, 42, 1500, on_wait, &w, &err),
	                 STRATA_ELOCKED);
	assert_in_range(mono_ms() - t0, 1400, 3000);
	assert_in_range(w.calls, 1, 3);
	snprintf(want, sizeof(want), "held by connection %s (root@", id);
	assert_non_null(strstr(w.last, "waiting for the migration lock"));
	assert_non_null(strstr(w.last, want));
	assert_non_null(strstr(err.message, "timed out after 1.5s"));
	assert_non_null(strstr(err.message, want));
	strata_error_dispose(&err);
	/* another key, or the same key of another database, is free */
	assert_int_equal(DRV.lock(a, 43, 0, NULL, NULL, &err), 0);
	assert_int_equal(DRV.unlock(a, 43, &err), 0);
	other = connect_ok(test_url());
	assert_int_equal(DRV.lock(other, 42, 0, NULL, NULL, &err), 0);
	assert_int_equal(DRV.unlock(other, 42, &err), 0);
	DRV.close(other);
	/* released: the waiter gets it at once */
	assert_int_equal(DRV.unlock(b, 42, &err), 0);
	assert_int_equal(DRV.lock(a, 42, 1000, on_wait, &w, &err), 0);
	/* unlocking what this session does not hold is an error */
	assert_int_equal(DRV.unlock(b, 42, &err), STRATA_ERROR);
	assert_non_null(strstr(err.message, "not held by this session"));
	strata_error_dispose(&err);
	/* closing the connection releases the lock */
	DRV.close(a);
	assert_int_equal(DRV.lock(b, 42, 2000, NULL, NULL, &err), 0);
	assert_int_equal(DRV.unlock(b, 42, &err), 0);
	DRV.close(b);
	free(id);
	free(url);
}

/* ---- notices ----------------------------------------------------------- */

struct notes {
	int calls;
	char text[512];
};

static void on_notice(void *data, const char *message)
{
	struct notes *n = data;
	size_t len = strlen(n->text);

	n->calls++;
	snprintf(n->text + len, sizeof(n->text) - len, "[%s]", message);
}

static void test_notices(void **state)
{
	strata_conn *c = *state;
	struct notes n = {0};

	/* before registration: dropped */
	exec_ok(c, "DROP TABLE IF EXISTS never_there");
	DRV.set_notice_fn(c, on_notice, &n);
	exec_ok(c, "DROP TABLE IF EXISTS never_there");
	exec_ok(c, "CREATE TABLE t (x tinyint)");
	exec_ok(c, "SELECT 1");
	assert_int_equal(n.calls, 1);
	assert_string_equal(n.text,
	                    "[Note 1051: Unknown table 'strata_check.never_"
	                    "there']");
	DRV.set_notice_fn(c, NULL, NULL);
	exec_ok(c, "DROP TABLE IF EXISTS never_there");
	assert_int_equal(n.calls, 1);
}

/* ---- connecting ---------------------------------------------------------- */

static void assert_clean_message(const strata_error *err, const char *secret)
{
	assert_non_null(err->message);
	assert_null(strchr(err->message, '\n'));
	assert_true(err->message[0] < 'A' || err->message[0] > 'Z');
	assert_null(strstr(err->message, secret));
	if (err->detail)
		assert_null(strstr(err->detail, secret));
	if (err->hint)
		assert_null(strstr(err->hint, secret));
}

static void test_bad_password(void **state)
{
	strata_conn *c = *state, *bad = NULL;
	strata_error err = {0};
	char *url;

	exec_ok(c, "DROP USER IF EXISTS strata_pw@localhost");
	exec_ok(c,
	        "CREATE USER strata_pw@localhost IDENTIFIED BY 'right:@one'");
	exec_ok(c, "GRANT ALL ON strata_check.* TO strata_pw@localhost");

	url = url_for("strata_check", "strata_pw:hunter2-wrong");
	assert_int_equal(DRV.open(&bad, url, 0, &err), STRATA_ECONNECT);
	assert_null(bad);
	assert_clean_message(&err, "hunter2");
	assert_non_null(strstr(err.message, "access denied for user"));
	assert_string_equal(err.sqlstate, "28000");
	strata_error_dispose(&err);
	free(url);

	/* a password that is also a word of the message is still hidden */
	url = url_for("strata_check", "strata_pw:denied");
	assert_int_equal(DRV.open(&bad, url, 0, &err), STRATA_ECONNECT);
	assert_clean_message(&err, "denied");
	assert_non_null(strstr(err.message, "access *** for user"));
	strata_error_dispose(&err);
	free(url);

	/* the right one works, percent-encoded */
	url = url_for("strata_check", "strata_pw:right%3A%40one");
	bad = connect_ok(url);
	DRV.close(bad);
	free(url);
	exec_ok(c, "DROP USER strata_pw@localhost");
}

static void expect_bad_url(const char *url, const char *secret,
                           const char *says)
{
	strata_conn *bad = NULL;
	strata_error err = {0};

	assert_int_equal(DRV.open(&bad, url, 0, &err), STRATA_EURL);
	assert_null(bad);
	assert_clean_message(&err, secret);
	if (!strstr(err.message, says))
		fail_msg("'%s' does not say '%s'", err.message, says);
	strata_error_dispose(&err);
}

static void test_bad_url(void **state)
{
	(void)state;
	expect_bad_url("postgres://u:pgsecret@h/db", "pgsecret",
	               "not a mysql url");
	expect_bad_url("mysql://u:s3cret@h", "s3cret", "no database name");
	expect_bad_url("mysql://u:s3cret@h/?socket=/x", "s3cret",
	               "no database name");
	expect_bad_url("mysql://u:s3cr%zzet@h/db", "s3cr",
	               "bad %-escape in the password");
	expect_bad_url("mysql://u:s3cret@h:99999/db", "s3cret",
	               "bad port ':99999'");
	expect_bad_url("mysql://u:s3cret@h:x/db", "s3cret", "bad port ':x'");
	expect_bad_url("mysql://u:s3cret@h/db?sslmode=on", "s3cret",
	               "unknown parameter 'sslmode' (known: socket)");
	expect_bad_url("mysql://u:s3cret@db.example/db?socket=/s", "s3cret",
	               "give a host or ?socket=, not both");
	expect_bad_url("mysql://u:s3cret@[::1/db", "s3cret",
	               "no ']' after the host");
}

static void test_connection_refused(void **state)
{
	strata_conn *bad = NULL;
	strata_error err = {0};

	(void)state;
	assert_int_equal(
	    DRV.open(&bad, "mysql://u:tcp-secret@127.0.0.1:1/db", 0, &err),
	    STRATA_ECONNECT);
	assert_null(bad);
	assert_clean_message(&err, "tcp-secret");
	assert_string_equal(err.message, "can't connect to server on "
	                                 "'127.0.0.1' port 1: connection "
	                                 "refused");
	strata_error_dispose(&err);

	assert_int_equal(DRV.open(&bad,
	                          "mariadb://u:sock-secret@localhost/db"
	                          "?socket=/nonexistent-dir/my.sock",
	                          0, &err),
	                 STRATA_ECONNECT);
	assert_clean_message(&err, "sock-secret");
	assert_non_null(strstr(err.message, "/nonexistent-dir/my.sock"));
	assert_non_null(strstr(err.message, "no such file or directory"));
	strata_error_dispose(&err);
}

static void test_connection_lost(void **state)
{
	strata_conn *c = *state, *victim = connect_ok(test_url());
	char *id = query_value(victim, "SELECT CONNECTION_ID()");
	const char *params[1] = {id};
	strata_error err = {0};
	char kill[64];
	long off = 0;

	snprintf(kill, sizeof(kill), "KILL CONNECTION %s", id);
	exec_ok(c, kill);
	assert_int_equal(DRV.exec(victim, "SELECT 1", &off, &err),
	                 STRATA_ECONNECT);
	assert_string_equal(err.message, "connection to the server was lost");
	assert_int_equal(off, -1);
	strata_error_dispose(&err);
	/* prepared statements see it too */
	assert_int_equal(
	    DRV.query(victim, "SELECT $1", 1, params, NULL, NULL, &err),
	    STRATA_ECONNECT);
	strata_error_dispose(&err);
	DRV.close(victim);
	free(id);
}

/* ---- ticks while a statement runs, and cancelling ------------------ */

struct ticks {
	int n, cancel_at;
};

static int count_tick(void *data)
{
	struct ticks *t = data;
	return ++t->n == t->cancel_at;
}

static void test_tick_and_cancel(void **state)
{
	strata_conn *c = *state;
	struct ticks t = {0, 0};
	strata_error err = {0};
	long long t0;
	long off = 0;
	char *v;

	/* ticks come while the server works, about every STRATA_TICK_MS */
	DRV.set_tick_fn(c, count_tick, &t);
	exec_ok(c, "SELECT SLEEP(0.5)");
	assert_in_range(t.n, 3, 6);
	/* a non-zero tick kills the statement: it fails with 1317 soon */
	t.n = 0;
	t.cancel_at = 2;
	t0 = mono_ms();
	assert_int_equal(DRV.exec(c, "SELECT SLEEP(30)", &off, &err),
	                 STRATA_EDB);
	assert_true(mono_ms() - t0 < 5000);
	assert_string_equal(err.sqlstate, "70100");
	assert_string_equal(err.detail, "mysql error 1317");
	strata_error_dispose(&err);
	/* bookkeeping queries are not ticked, and the connection works */
	t.n = 0;
	v = query_value(c, "SELECT SLEEP(0.3)");
	assert_int_equal(t.n, 0);
	free(v);
	DRV.set_tick_fn(c, NULL, NULL);
	exec_ok(c, "SELECT SLEEP(0.2)");
}

/* ---- scratch databases ------------------------------------------------ */

static void test_scratch(void **state)
{
	strata_conn *c = *state, *s;
	strata_error err = {0};
	char *url = NULL, *v;

	assert_int_equal(DRV.scratch_create(c, test_url(), &url, &err), 0);
	assert_non_null(strstr(url, "/strata_test_"));
	assert_non_null(strstr(url, "?socket=%2F"));
	s = connect_ok(url);
	v = query_value(s, "SELECT DATABASE()");
	assert_non_null(strstr(url, v));
	assert_int_equal(strncmp(v, "strata_test_", 12), 0);
	free(v);
	DRV.close(s);
	assert_int_equal(DRV.scratch_drop(c, url, &err), 0);
	v = query_value(c, "SELECT count(*) FROM information_schema.SCHEMATA "
	                   "WHERE SCHEMA_NAME LIKE 'strata\\_test\\_%'");
	assert_string_equal(v, "0");
	free(v);
	free(url);
	/* only what scratch_create made */
	url = url_for("strata_check", NULL);
	assert_int_equal(DRV.scratch_drop(c, url, &err), STRATA_EUSAGE);
	strata_error_dispose(&err);
	free(url);
	url = url_for("strata_test_1_x", NULL);
	assert_int_equal(DRV.scratch_drop(c, url, &err), STRATA_EUSAGE);
	strata_error_dispose(&err);
	free(url);
	v = query_value(c, "SELECT DATABASE()");
	assert_string_equal(v, "strata_check");
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_driver_table),
	    cmocka_unit_test_setup_teardown(test_exec_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exec_syntax_error_offset,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query_params, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_table_exists, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_unlock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_password, setup, teardown),
	    cmocka_unit_test(test_bad_url),
	    cmocka_unit_test(test_connection_refused),
	    cmocka_unit_test_setup_teardown(test_connection_lost, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_tick_and_cancel, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_scratch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
