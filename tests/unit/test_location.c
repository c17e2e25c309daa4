/*
 * Byte offsets to line and column, character counting, strata_error_at()
 * and the splitters' shared helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "split.h"

static void expect_location(const char *text, size_t offset, int line,
                            int column)
{
	int l = -1, c = -1;

	strata_location(text, offset, &l, &c);
	assert_int_equal(l, line);
	assert_int_equal(c, column);
}

static void test_location_lines_and_columns(void **state)
{
	/* "é" is 2 bytes, "€" 3, "𝄞" 4 */
	const char *text = "ab\ncé€x\r\n𝄞y\n";

	(void)state;
	expect_location(text, 0, 1, 1);
	expect_location(text, 1, 1, 2);
	expect_location(text, 2, 1, 3);  /* the '\n' itself */
	expect_location(text, 3, 2, 1);  /* 'c' */
	expect_location(text, 4, 2, 2);  /* 'é' */
	expect_location(text, 6, 2, 3);  /* '€' */
	expect_location(text, 9, 2, 4);  /* 'x' */
	expect_location(text, 10, 2, 5); /* '\r' */
	expect_location(text, 12, 3, 1); /* '𝄞' */
	expect_location(text, 16, 3, 2); /* 'y' */
	expect_location(text, 18, 4, 1); /* the end */
}

static void test_location_invalid_utf8(void **state)
{
	/* a lead byte without its continuation bytes must not swallow the
	 * '\n' after it */
	const char *text = "a\xe2\nb";

	(void)state;
	expect_location(text, 2, 1, 3);
	expect_location(text, 3, 2, 1);
	assert_int_equal(strata_utf8_advance(text, 0, 2), 2);
	assert_int_equal(strata_utf8_advance(text, 0, 3), 3);
}

static void test_utf8_advance(void **state)
{
	const char *text = "aé€𝄞b";

	(void)state;
	assert_int_equal(strata_utf8_advance(text, 0, 0), 0);
	assert_int_equal(strata_utf8_advance(text, 0, 1), 1);
	assert_int_equal(strata_utf8_advance(text, 0, 2), 3);
	assert_int_equal(strata_utf8_advance(text, 0, 3), 6);
	assert_int_equal(strata_utf8_advance(text, 0, 4), 10);
	assert_int_equal(strata_utf8_advance(text, 3, 2), 10);
	assert_int_equal(strata_utf8_advance(text, 0, 5), 11);
	/* stops at the end of the text */
	assert_int_equal(strata_utf8_advance(text, 0, 99), 11);
	assert_int_equal(strata_utf8_advance(text, 4, -3), 4);
}

static void test_error_at(void **state)
{
	const char *text = "select 1;\r\n  selct 'é' 2;\r\n";
	strata_error err = {0};

	(void)state;
	err.hint = strdup("stale");
	assert_int_equal(strata_error_at(&err, STRATA_ESYNTAX, "db/1_a.sql",
	                                 text, 13, "bad '%s' %d", "selct", 7),
	                 STRATA_ESYNTAX);
	assert_int_equal(err.code, STRATA_ESYNTAX);
	assert_string_equal(err.message, "bad 'selct' 7");
	assert_string_equal(err.file, "db/1_a.sql");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	assert_string_equal(err.source_line, "  selct 'é' 2;");
	/* the previous error's fields are gone */
	assert_null(err.hint);

	/* after the multibyte character */
	strata_error_at(&err, STRATA_ESYNTAX, "db/1_a.sql", text, 24, "x");
	assert_int_equal(err.column, 13);

	/* the arguments may come from the error being replaced */
	strata_error_at(&err, STRATA_EFORMAT, err.file, text, 0, "%s again",
	                err.message);
	assert_string_equal(err.message, "x again");
	assert_string_equal(err.file, "db/1_a.sql");
	assert_string_equal(err.source_line, "select 1;");
	assert_int_equal(err.code, STRATA_EFORMAT);

	/* the very end: an empty last line */
	strata_error_at(&err, STRATA_ESYNTAX, NULL, text, strlen(text), "end");
	assert_null(err.file);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.source_line, "");
	strata_error_dispose(&err);
}

static void test_skip_blank(void **state)
{
	const char *text = " -- a\n\t/* b /* c */ d */x";

	(void)state;
	/* PostgreSQL's block comments nest, SQLite's do not */
	assert_int_equal(strata_sql_skip_blank(text, 0, strlen(text), 1),
	                 strlen(text) - 1);
	assert_int_equal(strata_sql_skip_blank(text, 0, strlen(text), 0),
	                 (size_t)(strstr(text, "d */") - text));
	/* never past `end` */
	assert_int_equal(strata_sql_skip_blank(text, 0, 4, 1), 4);
	assert_int_equal(strata_sql_skip_blank("- 1", 0, 3, 1), 0);
	assert_int_equal(strata_sql_skip_blank("/ 1", 0, 3, 1), 0);
}

static void test_stmt_list_push(void **state)
{
	const char *text = "x;\n  /* c */ select 1 \n;\n-- only\n";
	strata_stmt_list l = {0};

	(void)state;
	assert_int_equal(strata_stmt_list_push(&l, text, 2, 23, 1), 0);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].sql, "select 1");
	assert_int_equal(l.items[0].offset, 13);
	assert_int_equal(l.items[0].line, 2);
	assert_int_equal(l.items[0].column, 11);

	/* nothing but a comment: nothing appended */
	assert_int_equal(strata_stmt_list_push(&l, text, 24, strlen(text), 1),
	                 0);
	assert_int_equal(l.count, 1);

	/* out of order: counted from the start of the text */
	assert_int_equal(strata_stmt_list_push(&l, text, 0, 1, 1), 0);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.items[1].sql, "x");
	assert_int_equal(l.items[1].line, 1);
	assert_int_equal(l.items[1].column, 1);
	strata_stmt_list_dispose(&l);
	assert_null(l.items);
	assert_int_equal(l.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_location_lines_and_columns),
	    cmocka_unit_test(test_location_invalid_utf8),
	    cmocka_unit_test(test_utf8_advance),
	    cmocka_unit_test(test_error_at),
	    cmocka_unit_test(test_skip_blank),
	    cmocka_unit_test(test_stmt_list_push),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
