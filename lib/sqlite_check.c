/*
 * Syntax checking for SQLite statements before anything runs.
 *
 * sqlite3_complete() finds statement boundaries but not syntax errors.
 * SQLite has no parse-only API, but it parses a whole statement before it
 * resolves any name, so preparing against an empty in-memory database tells
 * a syntax error ("near ...: syntax error") apart from a statement that is
 * merely about tables this empty database lacks.  Nothing is executed.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "split.h"

struct strata_sqlite_checker {
	sqlite3 *db;
};

void strata_sqlite_checker_free(strata_sqlite_checker *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c);
}

static int is_syntax_error(const char *msg)
{
	return strstr(msg, "syntax error") || strstr(msg, "incomplete input") ||
	       strstr(msg, "unrecognized token");
}

/* The splitter keeps a last statement that has no ';'; it must at least be
 * complete once one is added (a trigger without END is not). */
static int complete_with_semicolon(const char *sql)
{
	strata_buf b = STRATA_BUF_INIT;
	int ok;

	strata_buf_puts(&b, sql);
	strata_buf_puts(&b, "\n;"); /* past a trailing -- comment */
	ok = sqlite3_complete(b.ptr);
	strata_buf_dispose(&b);
	return ok;
}

int strata_sqlite_check(strata_sqlite_checker **cache,
                        const strata_stmt_list *l, const char *text,
                        const char *path, strata_error *err)
{
	strata_sqlite_checker *c = *cache;

	if (!c) {
		if (!(c = calloc(1, sizeof(*c))))
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		if (sqlite3_open(":memory:", &c->db) != SQLITE_OK) {
			strata_sqlite_checker_free(c);
			return strata_error_set(
			    err, STRATA_ERROR,
			    "cannot open an in-memory sqlite database");
		}
		*cache = c;
	}
	for (size_t i = 0; i < l->count; i++) {
		const strata_stmt *st = &l->items[i];
		sqlite3_stmt *ps = NULL;
		int off;

		if (!complete_with_semicolon(st->sql)) {
			strata_error_at(err, STRATA_ESYNTAX, path, text,
			                st->offset,
			                "incomplete statement: it never ends "
			                "(a CREATE TRIGGER body needs 'END;')");
			err->statement = strata_excerpt(st->sql, 400);
			err->statement_index = (int)i + 1;
			return STRATA_ESYNTAX;
		}
		if (sqlite3_prepare_v2(c->db, st->sql, -1, &ps, NULL) ==
		    SQLITE_OK) {
			sqlite3_finalize(ps);
			continue;
		}
		if (!is_syntax_error(sqlite3_errmsg(c->db)))
			continue;
		off = sqlite3_error_offset(c->db);
		strata_error_at(err, STRATA_ESYNTAX, path, text,
		                st->offset + (off > 0 ? (size_t)off : 0), "%s",
		                sqlite3_errmsg(c->db));
		err->statement = strata_excerpt(st->sql, 400);
		err->statement_index = (int)i + 1;
		return STRATA_ESYNTAX;
	}
	return 0;
}
