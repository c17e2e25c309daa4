/*
 * The PostgreSQL driver against a real server.
 *
 * Not a test_*.c file: the unit suite runs without a server.  Start one with
 * tests/lib/pg.sh and point STRATA_TEST_PG_URL at it (a superuser, as
 * PG_ADMIN_URL is); without it every test fails, never passes silently.
 *
 *   . tests/lib/pg.sh && pg_start /tmp/pgcheck
 *   STRATA_TEST_PG_URL=$PG_ADMIN_URL build/tests/pg_driver_check
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

#define DRV strata_driver_postgres

static const char *test_url(void)
{
	const char *url = getenv("STRATA_TEST_PG_URL");

	if (!url || !*url)
		fail_msg("STRATA_TEST_PG_URL is not set: start a server with "
		         "tests/lib/pg.sh and export it (e.g. $PG_ADMIN_URL)");
	return url;
}

/* The test URL with extra query parameters appended ("&k=v..."). */
static char *url_with(const char *extra)
{
	strata_buf b = STRATA_BUF_INIT;
	const char *url = test_url();

	strata_buf_printf(&b, "%s%s%s", url, strchr(url, '?') ? "&" : "?",
	                  extra);
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
	*out = strdup(values[0] ? values[0] : "(null)");
	return 1;
}

static char *query_value(strata_conn *c, const char *sql)
{
	strata_error err = {0};
	char *v = NULL;
	int rc = DRV.query(c, sql, 0, NULL, first_value_row, &v, &err);

	if (rc < 0)
		fail_msg("'%s' failed: %s", sql, err.message);
	assert_non_null(v);
	strata_error_dispose(&err);
	return v;
}

static int setup(void **state)
{
	strata_conn *c = connect_ok(test_url());

	exec_ok(c, "SET client_min_messages = warning");
	exec_ok(c, "DROP SCHEMA IF EXISTS strata_check CASCADE");
	exec_ok(c, "CREATE SCHEMA strata_check");
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	strata_conn *c = *state;

	exec_ok(c, "SET client_min_messages = warning");
	exec_ok(c, "DROP SCHEMA IF EXISTS strata_check CASCADE");
	DRV.close(c);
	return 0;
}

/* ---- the driver table ---------------------------------------------- */

static void test_driver_table(void **state)
{
	(void)state;
	assert_string_equal(DRV.name, "postgres");
	assert_string_equal(DRV.schemes[0], "postgres");
	assert_string_equal(DRV.schemes[1], "postgresql");
	assert_null(DRV.schemes[2]);
	assert_int_equal(DRV.caps, STRATA_CAP_TRANSACTIONAL_DDL |
	                               STRATA_CAP_ADVISORY_LOCK);
	assert_int_equal(DRV.dialect, STRATA_DIALECT_POSTGRES);
	assert_string_equal(DRV.begin_sql, "BEGIN");
	assert_non_null(DRV.open);
	assert_non_null(DRV.close);
	assert_non_null(DRV.exec);
	assert_non_null(DRV.query);
	assert_non_null(DRV.table_exists);
	assert_non_null(DRV.lock);
	assert_non_null(DRV.unlock);
	assert_non_null(DRV.set_notice_fn);
	assert_non_null(DRV.set_tick_fn);
	DRV.close(NULL);
}

/* ---- exec ------------------------------------------------------------ */

static void test_exec_ok(void **state)
{
	strata_conn *c = *state;
	char *v;

	exec_ok(c, "CREATE TABLE strata_check.t (id int PRIMARY KEY, s text)");
	exec_ok(c, "INSERT INTO strata_check.t VALUES (1, 'ü☃')");
	exec_ok(c, "SELECT * FROM strata_check.t");
	exec_ok(c, "");
	exec_ok(c, "-- only a comment");
	v = query_value(c, "SELECT s FROM strata_check.t");
	assert_string_equal(v, "ü☃");
	free(v);
	/* transactional DDL, as the caps claim */
	exec_ok(c, "BEGIN");
	exec_ok(c, "CREATE TABLE strata_check.gone (x int)");
	exec_ok(c, "ROLLBACK");
	v = query_value(c, "SELECT to_regclass('strata_check.gone') IS NULL");
	assert_string_equal(v, "t");
	free(v);
}

static void test_exec_syntax_error_offset(void **state)
{
	strata_conn *c = *state;
	/* 2-, 3- and 4-byte characters before the error */
	const char *sql = "SELECT 'é☃𝄞' AS \"ñ\"\nFROM FROM strata_check.t";
	long want = (long)(strstr(sql, "FROM FROM") - sql) + 5;
	strata_error err = {0};
	long off = 0;
	char *v;

	assert_int_equal(DRV.exec(c, sql, &off, &err), STRATA_EDB);
	assert_int_equal(err.code, STRATA_EDB);
	assert_string_equal(err.sqlstate, "42601");
	assert_string_equal(err.message, "syntax error at or near \"FROM\"");
	assert_int_equal(off, want);
	assert_memory_equal(sql + off, "FROM strata_check", 17);
	strata_error_dispose(&err);

	/* at end of input: the offset is the statement's length */
	sql = "SELECT 'ö' +";
	assert_int_equal(DRV.exec(c, sql, &off, &err), STRATA_EDB);
	assert_string_equal(err.sqlstate, "42601");
	assert_int_equal(off, (long)strlen(sql));
	strata_error_dispose(&err);

	/* no position: -1 */
	assert_int_equal(DRV.exec(c, "SELECT 1/0", &off, &err), STRATA_EDB);
	assert_string_equal(err.sqlstate, "22012");
	assert_string_equal(err.message, "division by zero");
	assert_int_equal(off, -1);
	strata_error_dispose(&err);

	/* the connection is still usable */
	v = query_value(c, "SELECT 'ok'");
	assert_string_equal(v, "ok");
	free(v);
}

static void test_exec_error_fields(void **state)
{
	strata_conn *c = *state;
	strata_error err = {0};
	long off = 0;

	assert_int_equal(
	    DRV.exec(c,
	             "DO $$ BEGIN RAISE EXCEPTION 'boom %', 42 USING "
	             "DETAIL = 'the detail', HINT = 'the hint', "
	             "ERRCODE = 'P0042'; END $$",
	             &off, &err),
	    STRATA_EDB);
	assert_string_equal(err.message, "boom 42");
	assert_string_equal(err.detail, "the detail");
	assert_string_equal(err.hint, "the hint");
	assert_string_equal(err.sqlstate, "P0042");
	assert_int_equal(off, -1);
	strata_error_dispose(&err);

	exec_ok(c, "CREATE TABLE strata_check.u (id int PRIMARY KEY)");
	exec_ok(c, "INSERT INTO strata_check.u VALUES (1)");
	assert_int_equal(
	    DRV.exec(c, "INSERT INTO strata_check.u VALUES (1)", &off, &err),
	    STRATA_EDB);
	assert_string_equal(err.sqlstate, "23505");
	assert_non_null(strstr(err.message, "duplicate key"));
	assert_string_equal(err.detail, "Key (id)=(1) already exists.");
	strata_error_dispose(&err);

	/* an error inside a transaction, then ROLLBACK restores it */
	exec_ok(c, "BEGIN");
	assert_int_equal(DRV.exec(c, "SELECT nope", &off, &err), STRATA_EDB);
	assert_string_equal(err.sqlstate, "42703");
	assert_int_equal(off, 7);
	strata_error_dispose(&err);
	assert_int_equal(DRV.exec(c, "SELECT 1", &off, &err), STRATA_EDB);
	assert_string_equal(err.sqlstate, "25P02");
	strata_error_dispose(&err);
	exec_ok(c, "ROLLBACK");
}

static void test_exec_copy_refused(void **state)
{
	strata_conn *c = *state;
	strata_error err = {0};
	long off = 0;
	char *v;

	exec_ok(c, "CREATE TABLE strata_check.cp (x int)");
	assert_int_equal(
	    DRV.exec(c, "COPY strata_check.cp FROM STDIN", &off, &err),
	    STRATA_EDB);
	assert_non_null(strstr(err.message, "copy from stdin"));
	assert_int_equal(off, -1);
	strata_error_dispose(&err);
	assert_int_equal(DRV.exec(c, "COPY (SELECT 1) TO STDOUT", &off, &err),
	                 STRATA_EDB);
	strata_error_dispose(&err);
	v = query_value(c, "SELECT count(*) FROM strata_check.cp");
	assert_string_equal(v, "0");
	free(v);
}

/* ---- query ----------------------------------------------------------- */

struct rows {
	int n, stop_at;
	char text[512];
};

static int collect_row(void *data, int ncols, const char *const *values)
{
	struct rows *r = data;
	size_t len = strlen(r->text);
	int i;

	for (i = 0; i < ncols; i++)
		len += (size_t)snprintf(r->text + len, sizeof(r->text) - len,
		                        "%s%s", i ? "|" : "",
		                        values[i] ? values[i] : "<null>");
	snprintf(r->text + len, sizeof(r->text) - len, ";");
	r->n++;
	return r->n == r->stop_at ? 7 : 0;
}

static void test_query_params_nulls(void **state)
{
	strata_conn *c = *state;
	const char *params[3] = {"41", NULL, "it's \"quoted\"; DROP"};
	const char *sql = "SELECT $1::int + 1, $2::text, $3::text"
	                  " UNION ALL SELECT 3, 'x', NULL ORDER BY 1";
	struct rows r = {0};
	strata_error err = {0};

	assert_int_equal(DRV.query(c, sql, 3, params, collect_row, &r, &err),
	                 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.text,
	                    "3|x|<null>;42|<null>|it's \"quoted\"; DROP;");

	/* a non-zero return stops the rows and is returned */
	memset(&r, 0, sizeof(r));
	r.stop_at = 1;
	assert_int_equal(DRV.query(c, sql, 3, params, collect_row, &r, &err),
	                 7);
	assert_int_equal(r.n, 1);

	/* no callback, no rows, a command */
	assert_int_equal(DRV.query(c, sql, 3, params, NULL, NULL, &err), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(DRV.query(c, "SELECT 1 WHERE false", 0, NULL,
	                           collect_row, &r, &err),
	                 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(DRV.query(c, "CREATE TABLE strata_check.q (x int)", 0,
	                           NULL, collect_row, &r, &err),
	                 0);

	/* errors are filled like exec's */
	assert_int_equal(DRV.query(c, "SELECT $1::int", 1, params + 2,
	                           collect_row, &r, &err),
	                 STRATA_EDB);
	assert_string_equal(err.sqlstate, "22P02");
	assert_non_null(strstr(err.message, "invalid input syntax"));
	strata_error_dispose(&err);
}

/* ---- table_exists ----------------------------------------------------- */

static int exists(strata_conn *c, const char *schema, const char *table)
{
	strata_error err = {0};
	int out = -1;

	if (DRV.table_exists(c, schema, table, &out, &err) != 0)
		fail_msg("table_exists failed: %s", err.message);
	strata_error_dispose(&err);
	return out;
}

static void test_table_exists(void **state)
{
	strata_conn *c = *state;

	exec_ok(c, "CREATE TABLE strata_check.hist (v text)");
	exec_ok(c, "CREATE VIEW strata_check.a_view AS SELECT 1");
	exec_ok(c, "CREATE SCHEMA \"strata_check 'odd\"\"\"");
	exec_ok(c, "CREATE TABLE \"strata_check 'odd\"\"\".\"Mixed Case\""
	           " (x int)");

	assert_int_equal(exists(c, "strata_check", "hist"), 1);
	assert_int_equal(exists(c, "strata_check", "nope"), 0);
	assert_int_equal(exists(c, "nope_schema", "hist"), 0);
	assert_int_equal(exists(c, "strata_check", "a_view"), 0);
	assert_int_equal(exists(c, "strata_check 'odd\"", "Mixed Case"), 1);
	assert_int_equal(exists(c, "strata_check 'odd\"", "mixed case"), 0);

	/* schema NULL: the search_path decides */
	exec_ok(c, "SET search_path = public");
	assert_int_equal(exists(c, NULL, "hist"), 0);
	exec_ok(c, "SET search_path = missing_schema, public, strata_check");
	assert_int_equal(exists(c, NULL, "hist"), 1);
	assert_int_equal(exists(c, NULL, "hist'; DROP TABLE hist; --"), 0);
	exec_ok(c, "RESET search_path");

	exec_ok(c, "DROP SCHEMA \"strata_check 'odd\"\"\" CASCADE");
}

/* ---- the migration lock -------------------------------------------- */

struct waits {
	int calls;
	char last[512];
};

static void on_wait(void *data, const char *message)
{
	struct waits *w = data;

	w->calls++;
	snprintf(w->last, sizeof(w->last), "%s", message);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check_lock_key(long long key)
{
	strata_conn *a = connect_ok(test_url()), *b = connect_ok(test_url());
	strata_error err = {0};
	struct waits w = {0};
	char *pid = query_value(a, "SELECT pg_backend_pid()");
	char want[64];
	long long t0, took;

	assert_int_equal(DRV.lock(a, key, 1000, on_wait, &w, &err), 0);
	assert_int_equal(w.calls, 0);
	/* session-level and re-entrant for the holder */
	assert_int_equal(DRV.lock(a, key, 0, NULL, NULL, &err), 0);
	assert_int_equal(DRV.unlock(a, key, &err), 0);

	t0 = mono_ms();
	assert_int_equal(DRV.lock(b, key, 1300, on_wait, &w, &err),
	                 STRATA_ELOCKED);
	took = mono_ms() - t0;
	assert_true(took >= 1300 && took < 3000);
	assert_int_equal(err.code, STRATA_ELOCKED);
	snprintf(want, sizeof(want), "held by pid %s (application 'strata', ",
	         pid);
	assert_non_null(strstr(err.message, "timed out after 1.3s waiting "
	                                    "for the migration lock"));
	assert_non_null(strstr(err.message, want));
	strata_error_dispose(&err);
	/* once at the start, once a second later: never more */
	assert_int_equal(w.calls, 2);
	assert_non_null(strstr(w.last, "waiting for the migration lock "));
	assert_non_null(strstr(w.last, want));
	assert_non_null(strstr(w.last, "running for "));

	/* a short wait with no callback */
	assert_int_equal(DRV.lock(b, key, 100, NULL, NULL, &err),
	                 STRATA_ELOCKED);
	assert_non_null(strstr(err.message, "timed out after 0.1s"));
	strata_error_dispose(&err);

	/* a different key is free */
	assert_int_equal(DRV.lock(b, key ^ 1, 0, NULL, NULL, &err), 0);
	assert_int_equal(DRV.unlock(b, key ^ 1, &err), 0);

	/* released by a: b gets it; a is now refused */
	assert_int_equal(DRV.unlock(a, key, &err), 0);
	assert_int_equal(DRV.lock(b, key, 1000, on_wait, &w, &err), 0);
	assert_int_equal(DRV.lock(a, key, 0, NULL, NULL, &err), STRATA_ELOCKED);
	assert_non_null(strstr(err.message, "timed out after 0s"));
	strata_error_dispose(&err);
	/* unlocking what this session does not hold is an error */
	assert_int_equal(DRV.unlock(a, key, &err), STRATA_ERROR);
	assert_non_null(err.message);
	strata_error_dispose(&err);

	/* closing the connection releases the lock */
	DRV.close(b);
	assert_int_equal(DRV.lock(a, key, 2000, NULL, NULL, &err), 0);
	assert_int_equal(DRV.unlock(a, key, &err), 0);
	DRV.close(a);
	free(pid);
}

static void test_lock_unlock(void **state)
{
	(void)state;
	check_lock_key(8211234567LL);
	/* negative: the high half maps to classid as unsigned */
	check_lock_key(-2401053092612145152LL);
	check_lock_key(42);
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
	char path[] = "/tmp/strata-pg-check-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	long size;
	FILE *f;

	/* before registration: dropped, and nothing printed */
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	exec_ok(c, "SET client_min_messages = notice");
	exec_ok(c, "DO $$ BEGIN RAISE NOTICE 'unheard'; END $$");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	unlink(path);
	assert_int_equal(size, 0);

	DRV.set_notice_fn(c, on_notice, &n);
	exec_ok(c, "DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$");
	exec_ok(c, "DROP TABLE IF EXISTS strata_check.never_there");
	exec_ok(c, "DO $$ BEGIN RAISE WARNING 'careful'; END $$");
	assert_int_equal(n.calls, 3);
	assert_non_null(strstr(n.text, "[NOTICE:  hello 42]"));
	assert_non_null(strstr(n.text, "does not exist, skipping]"));
	assert_non_null(strstr(n.text, "[WARNING:  careful]"));
	DRV.set_notice_fn(c, NULL, NULL);
	exec_ok(c, "DO $$ BEGIN RAISE NOTICE 'dropped again'; END $$");
	assert_int_equal(n.calls, 3);
}

/* ---- connecting ---------------------------------------------------------- */

static void test_application_name(void **state)
{
	strata_conn *c;
	char *url, *v;

	(void)state;
	c = connect_ok(test_url());
	v = query_value(c, "SHOW application_name");
	assert_string_equal(v, "strata");
	free(v);
	v = query_value(c, "SHOW client_encoding");
	assert_string_equal(v, "UTF8");
	free(v);
	DRV.close(c);

	url = url_with("application_name=deployer");
	c = connect_ok(url);
	v = query_value(c, "SHOW application_name");
	assert_string_equal(v, "deployer");
	free(v);
	DRV.close(c);
	free(url);
}

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

	exec_ok(c, "SET client_min_messages = warning");
	exec_ok(c, "DROP ROLE IF EXISTS strata_password");
	exec_ok(c, "CREATE ROLE strata_password LOGIN PASSWORD 'right-one'");

	/* the hba line of tests/lib/pg.sh asks this role for a password */
	url = url_with("user=strata_password&password=hunter2-wrong");
	assert_int_equal(DRV.open(&bad, url, 0, &err), STRATA_ECONNECT);
	assert_null(bad);
	assert_clean_message(&err, "hunter2");
	assert_non_null(strstr(err.message, "password authentication failed"));
	assert_null(strstr(err.message, "FATAL"));
	strata_error_dispose(&err);
	free(url);

	/* a password that is also a word of the message is still hidden */
	url = url_with("user=strata_password&password=authentication");
	assert_int_equal(DRV.open(&bad, url, 0, &err), STRATA_ECONNECT);
	assert_clean_message(&err, "authentication");
	assert_non_null(strstr(err.message, "password *** failed"));
	strata_error_dispose(&err);
	free(url);

	/* the right one works */
	url = url_with("user=strata_password&password=right-one");
	bad = connect_ok(url);
	DRV.close(bad);
	free(url);
	exec_ok(c, "DROP ROLE strata_password");
}

static void test_bad_url(void **state)
{
	strata_conn *bad = NULL;
	strata_error err = {0};

	(void)state;
	/* libpq quotes the undecodable text: the password */
	assert_int_equal(DRV.open(&bad,
	                          "postgresql://u:s3cr%zzet@/db?host=/nowhere",
	                          0, &err),
	                 STRATA_EURL);
	assert_clean_message(&err, "s3cr");
	assert_non_null(strstr(err.message, "invalid postgresql url"));
	assert_null(bad);
	strata_error_dispose(&err);

	assert_int_equal(DRV.open(&bad,
	                          "postgres://u:pw@/db?password=qsecret&nope=1",
	                          0, &err),
	                 STRATA_EURL);
	assert_clean_message(&err, "qsecret");
	assert_non_null(strstr(err.message, "nope"));
	strata_error_dispose(&err);

	/* key=value strings and other schemes are not URLs */
	assert_int_equal(DRV.open(&bad, "host=/tmp password=kvsecret", 0, &err),
	                 STRATA_EURL);
	assert_clean_message(&err, "kvsecret");
	assert_non_null(strstr(err.message, "not a postgresql url"));
	strata_error_dispose(&err);
	assert_int_equal(DRV.open(&bad, "mysql://u:p@h/db", 0, &err),
	                 STRATA_EURL);
	strata_error_dispose(&err);
	assert_int_equal(DRV.open(&bad, "", 0, &err), STRATA_EURL);
	strata_error_dispose(&err);
	assert_null(bad);
}

static void test_connection_refused(void **state)
{
	strata_conn *bad = NULL;
	strata_error err = {0};

	(void)state;
	assert_int_equal(DRV.open(&bad,
	                          "postgresql://u:tcp-secret@127.0.0.1:1/db"
	                          "?connect_timeout=5",
	                          0, &err),
	                 STRATA_ECONNECT);
	assert_null(bad);
	assert_clean_message(&err, "tcp-secret");
	assert_non_null(strstr(err.message, "connection to server at "
	                                    "\"127.0.0.1\", port 1 failed: "));
	assert_non_null(strstr(err.message, "refused"));
	assert_non_null(err.detail);
	assert_non_null(strstr(err.detail, "Is the server running"));
	strata_error_dispose(&err);

	assert_int_equal(DRV.open(&bad,
	                          "postgresql://u:sock-secret@/db"
	                          "?host=/nonexistent-dir&port=1",
	                          0, &err),
	                 STRATA_ECONNECT);
	assert_clean_message(&err, "sock-secret");
	assert_non_null(strstr(err.message, "/nonexistent-dir/.s.PGSQL.1"));
	assert_non_null(strstr(err.message, "such file or directory"));
	strata_error_dispose(&err);
}

static void test_connection_lost(void **state)
{
	strata_conn *c = *state, *victim = connect_ok(test_url());
	strata_error err = {0};
	char *pid = query_value(victim, "SELECT pg_backend_pid()");
	const char *params[1] = {pid};
	long off = 0;

	assert_int_equal(DRV.query(c, "SELECT pg_terminate_backend($1::int)", 1,
	                           params, NULL, NULL, &err),
	                 0);
	assert_int_equal(DRV.exec(victim, "SELECT 1", &off, &err),
	                 STRATA_ECONNECT);
	assert_non_null(
	    strstr(err.message, "connection to the server was lost"));
	assert_int_equal(off, -1);
	strata_error_dispose(&err);
	/* and stays so */
	assert_int_equal(DRV.exec(victim, "SELECT 1", &off, &err),
	                 STRATA_ECONNECT);
	strata_error_dispose(&err);
	DRV.close(victim);
	free(pid);
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
	exec_ok(c, "SELECT pg_sleep(0.5)");
	assert_in_range(t.n, 3, 6);
	/* a non-zero tick cancels: the statement fails with 57014 soon */
	t.n = 0;
	t.cancel_at = 2;
	t0 = mono_ms();
	assert_int_equal(DRV.exec(c, "SELECT pg_sleep(30)", &off, &err),
	                 STRATA_EDB);
	assert_true(mono_ms() - t0 < 5000);
	assert_string_equal(err.sqlstate, "57014");
	assert_int_equal(t.n, 2);
	strata_error_dispose(&err);
	/* the connection goes on working, and the last result of several
	 * statements is the one that counts, as with PQexec */
	DRV.set_tick_fn(c, NULL, NULL);
	exec_ok(c, "CREATE TABLE strata_check.m (x int); INSERT INTO "
	           "strata_check.m VALUES (7)");
	v = query_value(c, "SELECT x FROM strata_check.m");
	assert_string_equal(v, "7");
	free(v);
	/* an error in the first of several statements is the result */
	assert_int_equal(DRV.exec(c, "SELECT 1/0; SELECT 1", &off, &err),
	                 STRATA_EDB);
	assert_string_equal(err.sqlstate, "22012");
	strata_error_dispose(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_driver_table),
	    cmocka_unit_test_setup_teardown(test_exec_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exec_syntax_error_offset,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exec_error_fields, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_exec_copy_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_query_params_nulls, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_table_exists, setup, teardown),
	    cmocka_unit_test(test_lock_unlock),
	    cmocka_unit_test_setup_teardown(test_notices, setup, teardown),
	    cmocka_unit_test(test_application_name),
	    cmocka_unit_test_setup_teardown(test_bad_password, setup, teardown),
	    cmocka_unit_test(test_bad_url),
	    cmocka_unit_test(test_connection_refused),
	    cmocka_unit_test_setup_teardown(test_connection_lost, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_tick_and_cancel, setup,
	                                    teardown),
	};

	/* one clear failure rather than a test-by-test cascade */
	if (!getenv("STRATA_TEST_PG_URL") || !*getenv("STRATA_TEST_PG_URL")) {
		fprintf(stderr, "pg_driver_check: STRATA_TEST_PG_URL is not "
		                "set: start a server with tests/lib/pg.sh and "
		                "export it (e.g. $PG_ADMIN_URL)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("pg_driver", tests, NULL, NULL);
}
