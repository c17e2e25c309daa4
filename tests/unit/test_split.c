/*
 * Statement splitting for PostgreSQL (libpg_query), SQLite
 * (sqlite3_complete) and MySQL: statement text, offsets, lines and columns,
 * and the errors of the PostgreSQL splitter (MySQL's own cases are in
 * test_split_mysql.c).
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

typedef int (*split_fn)(strata_stmt_list *out, const char *text, size_t start,
                        size_t end, const char *path, strata_error *err);

/* The cases every dialect must split the same way run on both. */
static const struct dialect {
	split_fn split;
} dialects[] = {
    {strata_split_pg},
    {strata_split_sqlite},
    {strata_split_mysql},
};

#define N_DIALECTS (sizeof(dialects) / sizeof(dialects[0]))

/* Splits all of `text`, expecting success. */
static void split_ok(split_fn split, const char *text, strata_stmt_list *l)
{
	strata_error err = {0};
	int rc = split(l, text, 0, strlen(text), "m.sql", &err);

	if (rc != 0)
		print_error("unexpected error %d: %s\n", rc,
		            err.message ? err.message : "(null)");
	assert_int_equal(rc, 0);
	assert_null(err.message);
	strata_error_dispose(&err);
}

/* Splits all of `text` with the PostgreSQL splitter, expecting failure. */
static void split_pg_fail(const char *text, strata_error *err)
{
	strata_stmt_list l;
	int rc = strata_split_pg(&l, text, 0, strlen(text), "db/m.sql", err);

	assert_int_equal(rc, STRATA_ESYNTAX);
	assert_int_equal(err->code, STRATA_ESYNTAX);
	assert_int_equal(l.count, 0);
	assert_null(l.items);
	assert_string_equal(err->file, "db/m.sql");
}

/* Checks statement i: its text, byte offset, line and column. */
static void check_stmt(const strata_stmt_list *l, size_t i, const char *text,
                       size_t offset, const char *sql, int line, int column)
{
	assert_true(i < l->count);
	assert_string_equal(l->items[i].sql, sql);
	assert_int_equal(l->items[i].offset, offset);
	assert_int_equal(l->items[i].line, line);
	assert_int_equal(l->items[i].column, column);
	/* the offset points at the statement's text in the file */
	assert_memory_equal(text + offset, sql, strlen(sql));
}

/* Byte offset of the n-th (0-based) occurrence of `needle` in `text`. */
static size_t nth(const char *text, const char *needle, int n)
{
	const char *p = text;

	for (;;) {
		p = strstr(p, needle);
		assert_non_null(p);
		if (n-- == 0)
			return (size_t)(p - text);
		p++;
	}
}

/* ---- both dialects ---------------------------------------------------- */

static void test_basic(void **state)
{
	const char *text = "select 1;\nselect 2;\n";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 2);
		check_stmt(&l, 0, text, 0, "select 1", 1, 1);
		check_stmt(&l, 1, text, 10, "select 2", 2, 1);
		strata_stmt_list_dispose(&l);
		assert_int_equal(l.count, 0);
		assert_null(l.items);
	}
}

static void test_leading_comments_and_whitespace(void **state)
{
	const char *text = "-- head\n"
	                   "  /* block; */ select 1; -- after;\n"
	                   "\t-- more\n"
	                   "\tselect 2 ;\n"
	                   "-- trailing; only\n"
	                   "/* also; trailing */\n";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 2);
		check_stmt(&l, 0, text, 23, "select 1", 2, 16);
		check_stmt(&l, 1, text, 53, "select 2", 4, 2);
		strata_stmt_list_dispose(&l);
	}
}

static void test_strings_with_semicolons(void **state)
{
	const char *text = "select 'a;b', \"c;d\";\n"
	                   "select 'it''s; ok' -- x;\n"
	                   ";";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 2);
		check_stmt(&l, 0, text, 0, "select 'a;b', \"c;d\"", 1, 1);
		check_stmt(&l, 1, text, 21, "select 'it''s; ok' -- x;", 2, 1);
		strata_stmt_list_dispose(&l);
	}
}

static void test_last_statement_without_semicolon(void **state)
{
	const char *text = "select 1;\n  select 2 \n\n";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 2);
		check_stmt(&l, 1, text, 12, "select 2", 2, 3);
		strata_stmt_list_dispose(&l);
	}
}

static void test_empty_statements(void **state)
{
	const char *text = ";;select 1;;; ;\n;select 2;;";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 2);
		check_stmt(&l, 0, text, 2, "select 1", 1, 3);
		check_stmt(&l, 1, text, 17, "select 2", 2, 2);
		strata_stmt_list_dispose(&l);
	}
}

static void test_nothing_but_comments(void **state)
{
	static const char *const texts[] = {
	    "",
	    "   \n\t\r\n",
	    "-- nothing here\n/* nor; here */\n  \n",
	    "/* unterminated at the end",
	    ";;\n;",
	};

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
			strata_stmt_list l;

			/* the unterminated comment is an error for pg and
			 * mysql */
			if (d != 1 && i == 3)
				continue;
			split_ok(dialects[d].split, texts[i], &l);
			assert_int_equal(l.count, 0);
			assert_null(l.items);
			strata_stmt_list_dispose(&l);
		}
	}
}

static void test_trailing_comment_is_not_a_statement(void **state)
{
	const char *text = "select 1; -- bye\n/* end */\n";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 1);
		check_stmt(&l, 0, text, 0, "select 1", 1, 1);
		strata_stmt_list_dispose(&l);
	}
}

static void test_crlf(void **state)
{
	const char *text = "select 1;\r\n\r\n  select 2;\r\nselect\r\n  3\r\n";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 3);
		check_stmt(&l, 0, text, 0, "select 1", 1, 1);
		check_stmt(&l, 1, text, 15, "select 2", 3, 3);
		/* a '\r' inside the statement is the file's; the last one
		 * goes with the trailing whitespace */
		check_stmt(&l, 2, text, 26, "select\r\n  3", 4, 1);
		strata_stmt_list_dispose(&l);
	}
}

static void test_multibyte_columns(void **state)
{
	/* 'é', 'ü', 'ß' are two bytes each: columns count characters */
	const char *text = "select 'é'; /* ü */ select 'ß';\n"
	                   "select 'ü' ; select 3";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, text, &l);
		assert_int_equal(l.count, 4);
		check_stmt(&l, 0, text, 0, "select 'é'", 1, 1);
		check_stmt(&l, 1, text, 22, "select 'ß'", 1, 21);
		check_stmt(&l, 2, text, 35, "select 'ü'", 2, 1);
		check_stmt(&l, 3, text, 49, "select 3", 2, 14);
		strata_stmt_list_dispose(&l);
	}
}

static void test_section_mid_file(void **state)
{
	const char *text = "-- strata:up\n"
	                   "create table t (a int);\n"
	                   "-- strata:down\n"
	                   "  drop table t;\n"
	                   "select 'x';\n";
	size_t up = nth(text, "create", 0), down = nth(text, "  drop", 0);

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_error err = {0};
		strata_stmt_list l;

		/* the up section stops before the down marker */
		assert_int_equal(
		    dialects[d].split(&l, text, up,
		                      nth(text, "-- strata:down", 0), "m.sql",
		                      &err),
		    0);
		assert_int_equal(l.count, 1);
		check_stmt(&l, 0, text, 13, "create table t (a int)", 2, 1);
		strata_stmt_list_dispose(&l);

		assert_int_equal(dialects[d].split(&l, text, down, strlen(text),
		                                   "m.sql", &err),
		                 0);
		assert_int_equal(l.count, 2);
		check_stmt(&l, 0, text, 54, "drop table t", 4, 3);
		check_stmt(&l, 1, text, 68, "select 'x'", 5, 1);
		strata_stmt_list_dispose(&l);

		/* a section that ends mid-statement keeps only its part */
		assert_int_equal(
		    dialects[d].split(&l, text, down, down + 14, "m.sql", &err),
		    0);
		assert_int_equal(l.count, 1);
		check_stmt(&l, 0, text, 54, "drop table t", 4, 3);
		strata_stmt_list_dispose(&l);
		assert_null(err.message);
	}
}

static void test_many_statements(void **state)
{
	strata_buf b = STRATA_BUF_INIT;
	char want[32];

	(void)state;
	/* enough statements to grow the list several times; line numbers
	 * are counted from one statement to the next */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(strata_buf_printf(&b, "%sselect %d;\n",
		                                   i % 3 ? "" : "  ", i),
		                 0);
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_stmt_list l;

		split_ok(dialects[d].split, b.ptr, &l);
		assert_int_equal(l.count, 1000);
		for (int i = 0; i < 1000; i++) {
			snprintf(want, sizeof(want), "select %d", i);
			assert_string_equal(l.items[i].sql, want);
			assert_int_equal(l.items[i].line, i + 1);
			assert_int_equal(l.items[i].column, i % 3 ? 1 : 3);
		}
		strata_stmt_list_dispose(&l);
	}
	strata_buf_dispose(&b);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "select 1;\nselect\0 2;";

	(void)state;
	for (size_t d = 0; d < N_DIALECTS; d++) {
		strata_error err = {0};
		strata_stmt_list l;

		assert_int_equal(dialects[d].split(&l, text, 0,
		                                   sizeof(text) - 1, "m.sql",
		                                   &err),
		                 STRATA_ESYNTAX);
		assert_int_equal(l.count, 0);
		assert_string_equal(err.message,
		                    "unexpected NUL byte in the SQL");
		assert_int_equal(err.line, 2);
		assert_int_equal(err.column, 7);
		strata_error_dispose(&err);
	}
}

/* ---- PostgreSQL ------------------------------------------------------- */

static void test_pg_dollar_quotes(void **state)
{
	const char *text = "create function f() returns int language plpgsql\n"
	                   "as $$ begin return 1; end $$;\n"
	                   "do $body$ begin perform ';'; end $body$;\n"
	                   "select $x$;$$;$x$";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_pg, text, &l);
	assert_int_equal(l.count, 3);
	check_stmt(&l, 0, text, 0,
	           "create function f() returns int language plpgsql\n"
	           "as $$ begin return 1; end $$",
	           1, 1);
	check_stmt(&l, 1, text, 79, "do $body$ begin perform ';'; end $body$",
	           3, 1);
	check_stmt(&l, 2, text, 120, "select $x$;$$;$x$", 4, 1);
	strata_stmt_list_dispose(&l);
}

static void test_pg_begin_atomic(void **state)
{
	const char *text = "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
	                   "BEGIN ATOMIC\n"
	                   "  SELECT 1;\n"
	                   "  SELECT 2;\n"
	                   "END;\n"
	                   "select 3;";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_pg, text, &l);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 0, text, 0,
	           "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
	           "BEGIN ATOMIC\n"
	           "  SELECT 1;\n"
	           "  SELECT 2;\n"
	           "END",
	           1, 1);
	check_stmt(&l, 1, text, 87, "select 3", 6, 1);
	strata_stmt_list_dispose(&l);
}

static void test_pg_nested_comments(void **state)
{
	const char *text = "/* a /* b; */ c; */ select 1;\n"
	                   "select /* x /* ; */ ; */ 2;";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_pg, text, &l);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 0, text, 20, "select 1", 1, 21);
	check_stmt(&l, 1, text, 30, "select /* x /* ; */ ; */ 2", 2, 1);
	strata_stmt_list_dispose(&l);
}

static void test_pg_escape_strings(void **state)
{
	/* in E'' a backslash escapes the quote: the ';' stays inside */
	const char *text = "select E'x\\';y', e'\\\\';select 2";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_pg, text, &l);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 0, text, 0, "select E'x\\';y', e'\\\\'", 1, 1);
	check_stmt(&l, 1, text, 23, "select 2", 1, 24);
	strata_stmt_list_dispose(&l);
}

static void test_pg_syntax_error(void **state)
{
	strata_error err = {0};

	(void)state;
	split_pg_fail("create table t (a int);\n"
	              "create table u (a int,);\n"
	              "select 1;",
	              &err);
	assert_string_equal(err.message, "syntax error at or near \")\"");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 23);
	assert_string_equal(err.source_line, "create table u (a int,);");
	assert_null(err.hint);
	strata_error_dispose(&err);
}

static void test_pg_syntax_error_counts_characters(void **state)
{
	strata_error err = {0};

	(void)state;
	/* libpg_query's cursor counts characters: on the error's line ... */
	split_pg_fail("select 'éèê' 'ü';", &err);
	assert_string_equal(err.message, "syntax error at or near \"'ü'\"");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 14);
	strata_error_dispose(&err);

	/* ... and on the lines before it, where a character read as a byte
	 * would land three bytes early */
	split_pg_fail("-- ñandú\nselect 'ö';\nselect 'a' 'b';", &err);
	assert_string_equal(err.message, "syntax error at or near \"'b'\"");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 12);
	assert_string_equal(err.source_line, "select 'a' 'b';");
	strata_error_dispose(&err);
}

static void test_pg_syntax_error_crlf(void **state)
{
	strata_error err = {0};

	(void)state;
	split_pg_fail("select 1;\r\nselect * from;\r\nselect 2;\r\n", &err);
	assert_string_equal(err.message, "syntax error at or near \";\"");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 14);
	assert_string_equal(err.source_line, "select * from;");
	strata_error_dispose(&err);
}

static void test_pg_syntax_error_mid_file(void **state)
{
	const char *text = "-- strata:up\n"
	                   "select 1;\n"
	                   "-- strata:down\n"
	                   "drop table t;\n"
	                   "  drop tabel u;\n";
	size_t start = nth(text, "drop", 0);
	strata_error err = {0};
	strata_stmt_list l;

	(void)state;
	assert_int_equal(
	    strata_split_pg(&l, text, start, strlen(text), "m.sql", &err),
	    STRATA_ESYNTAX);
	assert_int_equal(l.count, 0);
	assert_string_equal(err.message, "syntax error at or near \"tabel\"");
	assert_int_equal(err.line, 5);
	assert_int_equal(err.column, 8);
	assert_string_equal(err.source_line, "  drop tabel u;");
	strata_error_dispose(&err);
}

static void test_pg_error_at_end_of_input(void **state)
{
	strata_error err = {0};

	(void)state;
	/* pointed just after the last token, as psql does, not at the
	 * blank line or the comment after it */
	split_pg_fail("select 1;\nselect 'é' || (\n\n-- c\n", &err);
	assert_string_equal(err.message, "syntax error at end of input");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 16);
	assert_string_equal(err.source_line, "select 'é' || (");
	strata_error_dispose(&err);
}

static void test_pg_error_without_position(void **state)
{
	const char *text = "select 1;\n-- section\n"
	                   "\n  select 1 fetch first 1 row with ties;";
	strata_error err = {0};
	strata_stmt_list l;

	(void)state;
	/* libpg_query gives no cursor for this one: point at the section's
	 * first token */
	assert_int_equal(
	    strata_split_pg(&l, text, 10, strlen(text), "m.sql", &err),
	    STRATA_ESYNTAX);
	assert_string_equal(
	    err.message,
	    "WITH TIES cannot be specified without ORDER BY clause");
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 3);
	strata_error_dispose(&err);
}

static void test_pg_unterminated(void **state)
{
	strata_error err = {0};

	(void)state;
	split_pg_fail("select 1; /* a /* b */", &err);
	assert_string_equal(
	    err.message, "unterminated /* comment at or near \"/* a /* b */\"");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 11);
	strata_error_dispose(&err);

	split_pg_fail("select 1;\nselect 'é\n;", &err);
	assert_string_equal(err.message,
	                    "unterminated quoted string at or near \"'é...\"");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 8);
	strata_error_dispose(&err);
}

static void test_pg_meta_command(void **state)
{
	strata_error err = {0};

	(void)state;
	split_pg_fail("select 1;\n\\i other.sql\nselect 2;", &err);
	assert_string_equal(err.message,
	                    "psql meta-command '\\i' is not supported: strata "
	                    "runs SQL, not psql scripts");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.source_line, "\\i other.sql");
	strata_error_dispose(&err);

	split_pg_fail("create table t (a int);\n  \\set ON_ERROR_STOP on\n",
	              &err);
	assert_string_equal(
	    err.message, "psql meta-command '\\set' is not supported: strata "
	                 "runs SQL, not psql scripts");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	strata_error_dispose(&err);

	/* a meta-command after a query on the same line */
	split_pg_fail("select 1 as n \\gset\n", &err);
	assert_string_equal(
	    err.message, "psql meta-command '\\gset' is not supported: strata "
	                 "runs SQL, not psql scripts");
	assert_int_equal(err.column, 15);
	strata_error_dispose(&err);
}

static void test_pg_backslash_lines_in_strings(void **state)
{
	const char *text = "select $$\n\\i not a command\n$$;\n"
	                   "select '\n\\set nor this\n';\n";
	strata_error err = {0};
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_pg, text, &l);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 1, text, 31, "select '\n\\set nor this\n'", 4, 1);
	strata_stmt_list_dispose(&l);

	/* an error later on is an ordinary syntax error */
	split_pg_fail("select $$\n\\i x\n$$;\nselect (;", &err);
	assert_string_equal(err.message, "syntax error at or near \";\"");
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 9);
	strata_error_dispose(&err);
}

#define COPY_MSG                                                               \
	"COPY ... FROM stdin needs psql to send its data lines: use INSERT, "  \
	"or COPY from a file on the server"

static void test_pg_copy_from_stdin(void **state)
{
	strata_error err = {0};

	(void)state;
	/* the data lines do not parse */
	split_pg_fail("create table t (a int, b text default 'é');\n"
	              "COPY t (a, b) FROM stdin;\n"
	              "1\tone\n"
	              "2\ttwo\n"
	              "\\.\n"
	              "select 1;\n",
	              &err);
	assert_string_equal(err.message, COPY_MSG);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.source_line, "COPY t (a, b) FROM stdin;");
	assert_string_equal(err.statement, "COPY t (a, b) FROM stdin");
	strata_error_dispose(&err);

	/* a data line the lexer rejects (an unterminated string) */
	split_pg_fail("select 'ü';\ncopy t from stdin;\n'x\ty\n\\.\n", &err);
	assert_string_equal(err.message, COPY_MSG);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.statement, "copy t from stdin");
	strata_error_dispose(&err);

	/* the data lines parse, then "\." fails: still the COPY */
	split_pg_fail("copy t from stdin;\nselect 1\n\\.\n", &err);
	assert_string_equal(err.message, COPY_MSG);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	strata_error_dispose(&err);

	/* everything parses: any case, any whitespace, options after it */
	split_pg_fail("select 1;\n-- load\n  copy t\n  from\n\tStdIn "
	              "with (format csv);\nselect 2\n",
	              &err);
	assert_string_equal(err.message, COPY_MSG);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 3);
	assert_string_equal(err.statement,
	                    "copy t\n  from\n\tStdIn with (format csv)");
	strata_error_dispose(&err);
}

static void test_pg_copy_not_from_stdin(void **state)
{
	const char *text = "COPY t FROM '/tmp/from stdin.csv';\n"
	                   "copy t to stdout;\n"
	                   "copy (select * from stdin) to '/tmp/x';\n"
	                   "-- copy t from stdin\n"
	                   "select 'copy t from stdin';";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_pg, text, &l);
	assert_int_equal(l.count, 4);
	check_stmt(&l, 3, text, nth(text, "select", 1),
	           "select 'copy t from stdin'", 5, 1);
	strata_stmt_list_dispose(&l);
}

static void test_pg_psql_variable(void **state)
{
	strata_error err = {0};

	(void)state;
	split_pg_fail("select 1;\nselect * from t where id = :id;", &err);
	assert_string_equal(err.message, "syntax error at or near \":\"");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 28);
	assert_string_equal(err.hint,
	                    "psql variables (:name) are not supported");
	strata_error_dispose(&err);

	split_pg_fail("create schema :\"name\";", &err);
	assert_string_equal(err.hint,
	                    "psql variables (:name) are not supported");
	assert_int_equal(err.column, 15);
	strata_error_dispose(&err);

	/* ':' alone is not a variable */
	split_pg_fail("select 1 : 2;", &err);
	assert_null(err.hint);
	strata_error_dispose(&err);
}

/* ---- SQLite ----------------------------------------------------------- */

static void test_sqlite_trigger(void **state)
{
	const char *text = "CREATE TRIGGER tr AFTER INSERT ON t\n"
	                   "BEGIN\n"
	                   "  INSERT INTO log VALUES ('a;b');\n"
	                   "  UPDATE t SET a = 2; -- ;\n"
	                   "END;\n"
	                   "create temp trigger tt before delete on t begin "
	                   "select 1; end";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_sqlite, text, &l);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 0, text, 0,
	           "CREATE TRIGGER tr AFTER INSERT ON t\n"
	           "BEGIN\n"
	           "  INSERT INTO log VALUES ('a;b');\n"
	           "  UPDATE t SET a = 2; -- ;\n"
	           "END",
	           1, 1);
	check_stmt(&l, 1, text, 108,
	           "create temp trigger tt before delete on t begin select 1; "
	           "end",
	           6, 1);
	strata_stmt_list_dispose(&l);
}

static void test_sqlite_begin_is_not_a_trigger_body(void **state)
{
	/* BEGIN only opens a body after CREATE TRIGGER */
	const char *text = "begin;\ncreate table t (a);\ncommit;";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_sqlite, text, &l);
	assert_int_equal(l.count, 3);
	check_stmt(&l, 0, text, 0, "begin", 1, 1);
	check_stmt(&l, 1, text, 7, "create table t (a)", 2, 1);
	check_stmt(&l, 2, text, 27, "commit", 3, 1);
	strata_stmt_list_dispose(&l);
}

static void test_sqlite_comments_do_not_nest(void **state)
{
	const char *text = "/* a /* b */ select 1; /* x; */ select 2;\n"
	                   "select 1 /* ; */ + 1; select [a;b] from t";
	strata_stmt_list l;

	(void)state;
	split_ok(strata_split_sqlite, text, &l);
	assert_int_equal(l.count, 4);
	check_stmt(&l, 0, text, 13, "select 1", 1, 14);
	check_stmt(&l, 1, text, 32, "select 2", 1, 33);
	check_stmt(&l, 2, text, 42, "select 1 /* ; */ + 1", 2, 1);
	check_stmt(&l, 3, text, 64, "select [a;b] from t", 2, 23);
	strata_stmt_list_dispose(&l);
}

static void test_sqlite_unterminated(void **state)
{
	const char *text = "select 1; select 'abc; def;\n";
	strata_stmt_list l;

	(void)state;
	/* kept as it is: sqlite3_prepare() will say what is wrong */
	split_ok(strata_split_sqlite, text, &l);
	assert_int_equal(l.count, 2);
	check_stmt(&l, 1, text, 10, "select 'abc; def;", 1, 11);
	strata_stmt_list_dispose(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_leading_comments_and_whitespace),
	    cmocka_unit_test(test_strings_with_semicolons),
	    cmocka_unit_test(test_last_statement_without_semicolon),
	    cmocka_unit_test(test_empty_statements),
	    cmocka_unit_test(test_nothing_but_comments),
	    cmocka_unit_test(test_trailing_comment_is_not_a_statement),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_multibyte_columns),
	    cmocka_unit_test(test_section_mid_file),
	    cmocka_unit_test(test_many_statements),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_pg_dollar_quotes),
	    cmocka_unit_test(test_pg_begin_atomic),
	    cmocka_unit_test(test_pg_nested_comments),
	    cmocka_unit_test(test_pg_escape_strings),
	    cmocka_unit_test(test_pg_syntax_error),
	    cmocka_unit_test(test_pg_syntax_error_counts_characters),
	    cmocka_unit_test(test_pg_syntax_error_crlf),
	    cmocka_unit_test(test_pg_syntax_error_mid_file),
	    cmocka_unit_test(test_pg_error_at_end_of_input),
	    cmocka_unit_test(test_pg_error_without_position),
	    cmocka_unit_test(test_pg_unterminated),
	    cmocka_unit_test(test_pg_meta_command),
	    cmocka_unit_test(test_pg_backslash_lines_in_strings),
	    cmocka_unit_test(test_pg_copy_from_stdin),
	    cmocka_unit_test(test_pg_copy_not_from_stdin),
	    cmocka_unit_test(test_pg_psql_variable),
	    cmocka_unit_test(test_sqlite_trigger),
	    cmocka_unit_test(test_sqlite_begin_is_not_a_trigger_body),
	    cmocka_unit_test(test_sqlite_comments_do_not_nest),
	    cmocka_unit_test(test_sqlite_unterminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
