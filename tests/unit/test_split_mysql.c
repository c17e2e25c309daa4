/*
 * MySQL statement splitting: what only MySQL has (backticks, backslash
 * escapes, '#' and '-- ' comments, executable comments, DELIMITER blocks)
 * and its errors.  The cases every dialect shares are in test_split.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "split.h"

/* Splits all of `text`, expecting success. */
static void split_ok(const char *text, strata_stmt_list *l)
{
	strata_error err = {0};
	int rc = strata_split_mysql(l, text, 0, strlen(text), "m.sql", &err);

	if (rc != 0)
		print_error("unexpected error %d: %s\n", rc,
		            err.message ? err.message : "(null)");
	assert_int_equal(rc, 0);
	assert_null(err.message);
	strata_error_dispose(&err);
}

/* Splits all of `text`, expecting a syntax error at line:column. */
static void split_fail(const char *text, const char *message, int line,
                       int column)
{
	strata_error err = {0};
	strata_stmt_list l;
	int rc =
	    strata_split_mysql(&l, text, 0, strlen(text), "db/m.sql", &err);

	assert_int_equal(rc, STRATA_ESYNTAX);
	assert_int_equal(err.code, STRATA_ESYNTAX);
	assert_int_equal(l.count, 0);
	assert_null(l.items);
	assert_string_equal(err.file, "db/m.sql");
	assert_string_equal(err.message, message);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_non_null(err.source_line);
	strata_error_dispose(&err);
}

/* Checks statement i: its text, line and column, and that its offset
 * points at it in the file. */
static void check_stmt(const strata_stmt_list *l, size_t i, const char *text,
                       const char *sql, int line, int column)
{
	assert_true(i < l->count);
	assert_string_equal(l->items[i].sql, sql);
	assert_int_equal(l->items[i].line, line);
	assert_int_equal(l->items[i].column, column);
	assert_memory_equal(text + l->items[i].offset, sql, strlen(sql));
}

static void test_backticks(void **state)
{
	const char *text = "create table `a;b` (`x``;` int);\n"
	                   "select `\\`;select 2";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 3);
	check_stmt(&l, 0, text, "create table `a;b` (`x``;` int)", 1, 1);
	/* a backslash is no escape in a quoted name */
	check_stmt(&l, 1, text, "select `\\`", 2, 1);
	check_stmt(&l, 2, text, "select 2", 2, 12);
	strata_stmt_list_dispose(&l);
}

static void test_backslash_escapes(void **state)
{
	const char *text =
	    "insert into t values ('it\\'s; fine', \"a\\\";b\");\n"
	    "select '\\\\';select 'x''y;z'";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 3);
	check_stmt(&l, 0, text,
	           "insert into t values ('it\\'s; fine', \"a\\\";b\")", 1, 1);
	/* an escaped backslash does not escape the quote after it */
	check_stmt(&l, 1, text, "select '\\\\'", 2, 1);
	check_stmt(&l, 2, text, "select 'x''y;z'", 2, 13);
	strata_stmt_list_dispose(&l);
}

static void test_hash_and_dash_comments(void **state)
{
	const char *text = "# head; comment\n"
	                   "select 1 # tail; comment\n"
	                   ";\n"
	                   "--\tdash with a tab;\n"
	                   "select 5--1;\n"
	                   "select 2 -- x;\n"
	                   "+ 1;\n"
	                   "--";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 3);
	check_stmt(&l, 0, text, "select 1 # tail; comment", 2, 1);
	/* '--' without a space after it is two minus signs */
	check_stmt(&l, 1, text, "select 5--1", 5, 1);
	check_stmt(&l, 2, text, "select 2 -- x;\n+ 1", 6, 1);
	strata_stmt_list_dispose(&l);
}

static void test_executable_comments(void **state)
{
	const char *text = "/* plain; */ /*!40101 SET NAMES utf8mb4 */;\n"
	                   "/*M!100100 SET @x = 1 */ ;\n"
	                   "create table t (a int) /*!50100 ENGINE=InnoDB */;\n"
	                   "/* just; a comment */;";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 3);
	/* alone they are statements: the server runs what they hold */
	check_stmt(&l, 0, text, "/*!40101 SET NAMES utf8mb4 */", 1, 14);
	check_stmt(&l, 1, text, "/*M!100100 SET @x = 1 */", 2, 1);
	check_stmt(&l, 2, text,
	           "create table t (a int) /*!50100 ENGINE=InnoDB */", 3, 1);
	strata_stmt_list_dispose(&l);
}

static void test_delimiter_blocks(void **state)
{
	const char *text =
	    "create table t (a int);\n"
	    "DELIMITER $$\n"
	    "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\n"
	    "BEGIN\n"
	    "  SET NEW.a = NEW.a + 1;\n"
	    "END$$\n"
	    "CREATE PROCEDURE p() BEGIN SELECT ';'; SELECT 2; END $$\n"
	    "delimiter ;\n"
	    "insert into t values (1);\n"
	    "DELIMITER //\n"
	    "select 1; select 2//\n";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 5);
	check_stmt(&l, 0, text, "create table t (a int)", 1, 1);
	check_stmt(&l, 1, text,
	           "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\n"
	           "BEGIN\n"
	           "  SET NEW.a = NEW.a + 1;\n"
	           "END",
	           3, 1);
	check_stmt(&l, 2, text,
	           "CREATE PROCEDURE p() BEGIN SELECT ';'; SELECT 2; END", 7,
	           1);
	check_stmt(&l, 3, text, "insert into t values (1)", 9, 1);
	/* with another delimiter, ';' is an ordinary character */
	check_stmt(&l, 4, text, "select 1; select 2", 11, 1);
	strata_stmt_list_dispose(&l);
}

static void test_delimiter_forms(void **state)
{
	const char *text = "  -- a comment first\n"
	                   "delimiter\t'|;|' the rest is ignored\n"
	                   "select 1|;|select 2 |;|\n"
	                   "DELIMITER ;\n"
	                   "select 'DELIMITER $$';\n"
	                   "select delimiter from t;\n"
	                   "select 3";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 5);
	check_stmt(&l, 0, text, "select 1", 3, 1);
	check_stmt(&l, 1, text, "select 2", 3, 12);
	/* DELIMITER only counts at the start of a statement */
	check_stmt(&l, 2, text, "select 'DELIMITER $$'", 5, 1);
	check_stmt(&l, 3, text, "select delimiter from t", 6, 1);
	check_stmt(&l, 4, text, "select 3", 7, 1);
	strata_stmt_list_dispose(&l);
}

static void test_delimiter_is_per_section(void **state)
{
	/* a section starts with ';' whatever the file said before it */
	const char *text = "DELIMITER $$\n"
	                   "select 1$$\n"
	                   "select 2; select 3;";
	size_t down = strstr(text, "select 2") - text;
	strata_error err = {0};
	strata_stmt_list l;

	(void)state;
	assert_int_equal(
	    strata_split_mysql(&l, text, down, strlen(text), "m.sql", &err), 0);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 0, text, "select 2", 3, 1);
	check_stmt(&l, 1, text, "select 3", 3, 11);
	strata_stmt_list_dispose(&l);
}

static void test_errors(void **state)
{
	(void)state;
	split_fail("select 1;\nselect 'abc;\nselect 2;", "unterminated string",
	           2, 8);
	split_fail("select \"abc\\\";", "unterminated string", 1, 8);
	split_fail("select 1;\n  select `a;", "unterminated quoted name", 2,
	           10);
	split_fail("select 1; /* no end;\nselect 2;", "unterminated comment", 1,
	           11);
	split_fail("select /*!40101 1;", "unterminated comment", 1, 8);
	split_fail("select 1;\nDELIMITER \n",
	           "DELIMITER needs a delimiter, "
	           "like 'DELIMITER $$'",
	           2, 1);
	split_fail("DELIMITER a\\b\n",
	           "a DELIMITER must be 1 to 16 characters without a "
	           "backslash",
	           1, 1);
	split_fail("select 'é';\n  DELIMITER ''\n",
	           "DELIMITER needs a delimiter, like 'DELIMITER $$'", 2, 3);
}

static void test_only_directives_and_comments(void **state)
{
	const char *text = "DELIMITER $$\n# nothing\n$$ $$\nDELIMITER ;\n;";
	strata_stmt_list l;

	(void)state;
	split_ok(text, &l);
	assert_int_equal(l.count, 0);
	assert_null(l.items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backticks),
	    cmocka_unit_test(test_backslash_escapes),
	    cmocka_unit_test(test_hash_and_dash_comments),
	    cmocka_unit_test(test_executable_comments),
	    cmocka_unit_test(test_delimiter_blocks),
	    cmocka_unit_test(test_delimiter_forms),
	    cmocka_unit_test(test_delimiter_is_per_section),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_only_directives_and_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
