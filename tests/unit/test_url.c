/* Database URLs (redaction, SQLite paths) and checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "session.h"
#include "strata/driver.h"

static void redacts(const char *url, const char *want)
{
	char *got = strata_url_redact(url);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_redact(void **state)
{
	(void)state;
	redacts("postgres://alice:s3cret@db.example:5432/app",
	        "postgres://alice:***@db.example:5432/app");
	redacts("postgresql://alice@db/app?password=s3cret&sslmode=require",
	        "postgresql://alice@db/app?password=***&sslmode=require");
	redacts("postgresql:///app?host=/tmp&password=s3cret",
	        "postgresql:///app?host=/tmp&password=***");
	/* an '@' inside the password: the userinfo ends at the last '@' */
	redacts("postgres://bob:p@ss@host/db", "postgres://bob:***@host/db");
	redacts("postgres://bob@host/db", "postgres://bob@host/db");
	redacts("sqlite:strata.db", "sqlite:strata.db");
	/* a parameter merely ending in "password" is not the password */
	redacts("postgres://h/db?xpassword=keep",
	        "postgres://h/db?xpassword=keep");
	redacts("host=h password=s3cret dbname=x",
	        "host=h password=*** dbname=x");
	assert_null(strata_url_redact(NULL));
}

static void sqlite_path(const char *url, const char *want)
{
	strata_error err = {0};
	char *got;
	assert_int_equal(strata_url_sqlite_path(url, &got, &err), 0);
	assert_string_equal(got, want);
	free(got);
}

static void test_sqlite_paths(void **state)
{
	strata_error err = {0};
	char *got;
	(void)state;

	sqlite_path("sqlite:strata.db", "strata.db");
	sqlite_path("sqlite:db/app.db", "db/app.db");
	sqlite_path("sqlite:///abs/path.db", "/abs/path.db");
	sqlite_path("sqlite3:x.db", "x.db");
	assert_int_equal(strata_url_sqlite_path("sqlite:", &got, &err),
	                 STRATA_EURL);
	assert_non_null(strstr(err.message, "no file"));
	strata_error_dispose(&err);
	assert_int_equal(strata_url_sqlite_path("postgres://x", &got, &err),
	                 STRATA_EURL);
	strata_error_dispose(&err);
}

static void test_driver_lookup(void **state)
{
	(void)state;
	assert_ptr_equal(strata_driver_find("sqlite:x.db"),
	                 &strata_driver_sqlite);
	assert_ptr_equal(strata_driver_find("sqlite3:x.db"),
	                 &strata_driver_sqlite);
	assert_ptr_equal(strata_driver_find("postgres://h/d"),
	                 &strata_driver_postgres);
	assert_ptr_equal(strata_driver_find("postgresql://h/d"),
	                 &strata_driver_postgres);
	assert_ptr_equal(strata_driver_find("mysql://h/d"),
	                 &strata_driver_mysql);
	assert_ptr_equal(strata_driver_find("mariadb://h/d"),
	                 &strata_driver_mysql);
	assert_null(strata_driver_find("oracle://h/d"));
	assert_null(strata_driver_find("strata.db"));
	assert_null(strata_driver_find("sqlitex:db"));
}

static void test_checksum_crlf(void **state)
{
	char a[65], b[65], c[65];
	(void)state;

	assert_int_equal(strata_checksum_hex("a\r\nb\r\n", 6, a), 0);
	assert_int_equal(strata_checksum_hex("a\nb\n", 4, b), 0);
	assert_string_equal(a, b);
	/* sha256("a\nb\n") */
	assert_string_equal(
	    b,
	    "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2");
	/* a lone CR is content, not a line ending */
	assert_int_equal(strata_checksum_hex("a\rb\n", 4, c), 0);
	assert_string_not_equal(c, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_redact),
	    cmocka_unit_test(test_sqlite_paths),
	    cmocka_unit_test(test_driver_lookup),
	    cmocka_unit_test(test_checksum_crlf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
