/*
 * PostgreSQL statement splitting with libpg_query.
 *
 * pg_query_split_with_parser() rather than the scanner split: only the
 * parser keeps a CREATE FUNCTION ... BEGIN ATOMIC ... END body in one piece.
 * libpg_query reports byte offsets for statements but a 1-based CHARACTER
 * position for errors; both are made absolute offsets into the whole file
 * so that every message reads file:line:column.
 *
 * pg_query_exit() is never called here: calling it from a worker thread
 * double-frees at exit, and each thread's memory context is freed when the
 * thread ends anyway.
 */
#include "split.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "error.h"

#define COPY_STDIN_MSG                                                         \
	"COPY ... FROM stdin needs psql to send its data lines: use INSERT, "  \
	"or COPY from a file on the server"

/* Longest psql command name quoted in a message. */
#define META_NAME_MAX 32

/* The scanner's tokens for `sql`, or NULL when it does not scan. */
static PgQuery__ScanResult *scan_tokens(const char *sql)
{
	PgQueryScanResult scan = pg_query_scan(sql);
	PgQuery__ScanResult *tokens = NULL;

	if (!scan.error)
		tokens = pg_query__scan_result__unpack(
		    NULL, scan.pbuf.len, (const uint8_t *)scan.pbuf.data);
	pg_query_free_scan_result(scan);
	return tokens;
}

static int is_comment(const PgQuery__ScanToken *t)
{
	return t->token == PG_QUERY__TOKEN__SQL_COMMENT ||
	       t->token == PG_QUERY__TOKEN__C_COMMENT;
}

/*
 * Finds the first statement in `sql` whose first token is COPY and that has
 * FROM STDIN outside parentheses.  Working on tokens means a string such as
 * 'from stdin' or a comment can not fool it.  Returns 1 with the statement's
 * byte range [*from, *to) (no ';'), or 0 when there is none or `sql` does
 * not scan.
 */
static int find_copy_stdin(const char *sql, size_t *from, size_t *to)
{
	PgQuery__ScanResult *res = scan_tokens(sql);
	int found = 0, first = 1, in_copy = 0, depth = 0, after_from = 0;

	if (!res)
		return 0;
	for (size_t i = 0; i < res->n_tokens; i++) {
		const PgQuery__ScanToken *t = res->tokens[i];

		if (is_comment(t))
			continue;
		if (t->token == PG_QUERY__TOKEN__ASCII_59) {
			if (found)
				break;
			first = 1;
			in_copy = 0;
			continue;
		}
		if (first) {
			first = 0;
			in_copy = t->token == PG_QUERY__TOKEN__COPY;
			depth = 0;
			after_from = 0;
			*from = (size_t)t->start;
		}
		if (!in_copy)
			continue;
		*to = (size_t)t->end;
		if (t->token == PG_QUERY__TOKEN__ASCII_40)
			depth++;
		else if (t->token == PG_QUERY__TOKEN__ASCII_41)
			depth--;
		else if (after_from && t->token == PG_QUERY__TOKEN__STDIN)
			found = 1;
		after_from = depth == 0 && t->token == PG_QUERY__TOKEN__FROM;
	}
	pg_query__scan_result__free_unpacked(res, NULL);
	return found;
}

/* Cheap test before scanning a statement: does it start with COPY? */
static int starts_with_copy(const char *sql)
{
	return strncasecmp(sql, "copy", 4) == 0 &&
	       (sql[4] == '\0' || strchr(" \t\r\n\f(-/", sql[4]));
}

static int copy_stdin_error(strata_error *err, const char *path,
                            const char *text, size_t from, size_t to)
{
	char *stmt = strndup(text + from, to - from);

	strata_error_at(err, STRATA_ESYNTAX, path, text, from, COPY_STDIN_MSG);
	if (stmt) {
		free(err->statement);
		err->statement = strata_excerpt(stmt, 200);
		free(stmt);
	}
	return STRATA_ESYNTAX;
}

/*
 * End of the last real token of `sql`, so that "syntax error at end of
 * input" points just after it (as psql does) rather than at a blank line or
 * a comment after it.
 */
static size_t last_token_end(const char *sql, size_t len)
{
	PgQuery__ScanResult *res = scan_tokens(sql);
	size_t at = len;

	if (res) {
		for (size_t i = res->n_tokens; i-- > 0;) {
			if (!is_comment(res->tokens[i])) {
				at = (size_t)res->tokens[i]->end;
				break;
			}
		}
		pg_query__scan_result__free_unpacked(res, NULL);
	}
	return at <= len ? at : len;
}

/* ':' followed by what psql takes for a variable: :name, :'name', :"name" */
static int is_psql_variable(const char *s)
{
	unsigned char c;

	if (s[0] != ':') /* s may be the final NUL: read no further */
		return 0;
	c = (unsigned char)s[1];
	return (c == '_' || c == '\'' || c == '"' || c >= 0x80 ||
	        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/*
 * libpg_query's message on one line: for an unterminated string or comment
 * it quotes the whole rest of the input ("at or near \"'abc\n...").
 * Caller frees; NULL when out of memory.
 */
static char *one_line(const char *msg)
{
	strata_buf b = STRATA_BUF_INIT;
	size_t n = strcspn(msg, "\r\n");
	const char *quote = strstr(msg, " at or near \"");
	const char *tail = quote && quote < msg + n ? "...\"" : "...";

	if (!msg[n])
		return strdup(msg);
	if (strata_buf_add(&b, msg, n) < 0 || strata_buf_puts(&b, tail) < 0) {
		strata_buf_dispose(&b);
		return NULL;
	}
	return strata_buf_detach(&b);
}

/*
 * Turns libpg_query's error into err.  `sql` is the section's copy (len
 * bytes, modified and restored here), text[start] its first byte.
 */
static int syntax_error(const PgQueryError *e, char *sql, size_t len,
                        const char *text, size_t start, const char *path,
                        strata_error *err)
{
	size_t at, from, to, n;
	char saved, *msg;
	int found;

	if (e->cursorpos > 0)
		at = strata_utf8_advance(sql, 0, e->cursorpos - 1);
	else
		at = strata_sql_skip_blank(sql, 0, len, 1);

	/*
	 * The data lines after COPY ... FROM stdin are what usually fails (and
	 * their "\." would pass for a meta-command), so look for the COPY
	 * first, among the statements before the error.
	 */
	saved = sql[at];
	sql[at] = '\0';
	found = find_copy_stdin(sql, &from, &to);
	sql[at] = saved;
	if (found)
		return copy_stdin_error(err, path, text, start + from,
		                        start + to);

	/*
	 * A backslash outside strings and comments is never valid SQL, so the
	 * parser stops at the first one: a psql meta-command line (or one
	 * after a query, as in "select 1 \gset") is always the error token
	 * itself, never somewhere before it.
	 */
	if (sql[at] == '\\' && sql[at + 1] &&
	    !strchr(" \t\r\n\f", sql[at + 1])) {
		for (n = 1; n < META_NAME_MAX && sql[at + n] &&
		            !strchr(" \t\r\n\f", sql[at + n]);
		     n++)
			;
		return strata_error_at(
		    err, STRATA_ESYNTAX, path, text, start + at,
		    "psql meta-command '%.*s' is not supported: strata runs "
		    "SQL, not psql scripts",
		    (int)n, sql + at);
	}

	if (e->cursorpos > 0 && at == len)
		at = last_token_end(sql, len);
	msg = one_line(e->message);
	strata_error_at(err, STRATA_ESYNTAX, path, text, start + at, "%s",
	                msg ? msg : e->message);
	free(msg);
	if (is_psql_variable(sql + at))
		strata_error_field(&err->hint,
		                   "psql variables (:name) are not supported");
	return STRATA_ESYNTAX;
}

int strata_split_pg(strata_stmt_list *out, const char *text, size_t start,
                    size_t end, const char *path, strata_error *err)
{
	PgQuerySplitResult res;
	size_t len = end - start, from, to, before, a, b;
	char *sql;
	int rc = 0;

	out->items = NULL;
	out->count = 0;
	if ((rc = strata_section_copy(&sql, text, start, end, path, err)) < 0)
		return rc;

	res = pg_query_split_with_parser(sql);
	if (res.error) {
		/* res.stmts may be garbage when error is set: never read it */
		rc = syntax_error(res.error, sql, len, text, start, path, err);
		goto done;
	}
	for (int i = 0; i < res.n_stmts; i++) {
		const PgQuerySplitStmt *s = res.stmts[i];

		from = (size_t)s->stmt_location;
		to = s->stmt_len ? from + (size_t)s->stmt_len : len;
		if (from > len || to > len)
			continue;
		before = out->count;
		rc = strata_stmt_list_push(out, text, start + from, start + to,
		                           1);
		if (rc < 0) {
			rc = strata_error_set(err, rc, "out of memory");
			goto done;
		}
		if (out->count == before ||
		    !starts_with_copy(out->items[before].sql))
			continue;
		/* A statement that parses may still be COPY FROM stdin whose
		 * data lines happen to parse too: refuse it all the same. */
		if (find_copy_stdin(out->items[before].sql, &a, &b)) {
			a += out->items[before].offset;
			b += out->items[before].offset;
			rc = copy_stdin_error(err, path, text, a, b);
			goto done;
		}
	}

done:
	pg_query_free_split_result(res);
	free(sql);
	if (rc < 0)
		strata_stmt_list_dispose(out);
	return rc;
}
