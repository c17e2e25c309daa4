/*
 * What a statement drops, as the engine asks before it keeps a copy:
 * "table\t" per DROP TABLE, "table\tcolumn" per DROP COLUMN, for both
 * dialects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"

static void sqlite_drops(const char *sql, const char *want)
{
	strata_buf b = STRATA_BUF_INIT;

	assert_int_equal(strata_sqlite_statement_drops(sql, &b), 0);
	assert_string_equal(b.ptr, want);
	strata_buf_dispose(&b);
}

static void pg_drops(const char *sql, const char *want)
{
	strata_buf b = STRATA_BUF_INIT;

	assert_int_equal(strata_pg_statement_drops(sql, &b), 0);
	assert_string_equal(b.ptr, want);
	strata_buf_dispose(&b);
}

static void test_sqlite_drop_table(void **state)
{
	(void)state;
	sqlite_drops("DROP TABLE t", "t\t\n");
	sqlite_drops("drop table if exists main.\"a b\";", "main.a b\t\n");
	sqlite_drops("-- why\nDROP TABLE [order]", "order\t\n");
	sqlite_drops("DROP TABLE IF EXISTS `x\"y`", "x\"y\t\n");
}

static void test_sqlite_drop_column(void **state)
{
	(void)state;
	sqlite_drops("ALTER TABLE t DROP COLUMN c", "t\tc\n");
	sqlite_drops("alter table main.t drop \"my col\";", "main.t\tmy col\n");
	sqlite_drops("ALTER TABLE [t] DROP COLUMN `c`", "t\tc\n");
}

static void test_sqlite_what_drops_nothing(void **state)
{
	(void)state;
	sqlite_drops("DROP INDEX i", "");
	sqlite_drops("DROP VIEW v", "");
	sqlite_drops("DROP TRIGGER tr", "");
	sqlite_drops("ALTER TABLE t ADD COLUMN c int", "");
	sqlite_drops("ALTER TABLE t RENAME COLUMN a TO b", "");
	sqlite_drops("ALTER TABLE t DROP CONSTRAINT c", "");
	sqlite_drops("SELECT 'DROP TABLE t'", "");
	sqlite_drops("/* DROP TABLE t */ SELECT 1", "");
	sqlite_drops("EXPLAIN DROP TABLE t", "");
	sqlite_drops("DROP TABLE", "");
	sqlite_drops("", "");
}

static void test_pg_drops(void **state)
{
	(void)state;
	pg_drops("DROP TABLE a, s.b", "a\t\ns.b\t\n");
	pg_drops("ALTER TABLE t DROP COLUMN c, DROP COLUMN d", "t\tc\nt\td\n");
	pg_drops("DROP INDEX i", "");
	pg_drops("not sql at all", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sqlite_drop_table),
	    cmocka_unit_test(test_sqlite_drop_column),
	    cmocka_unit_test(test_sqlite_what_drops_nothing),
	    cmocka_unit_test(test_pg_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
