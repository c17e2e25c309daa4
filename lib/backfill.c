/*
 * Batched backfills: an `UPDATE t SET ... WHERE cond` marked
 * `-- strata:batch size=N pause=D` runs as many short transactions, each
 * updating at most N rows that still match cond, each committed, until no
 * row matches.  A lock on a row is held for one batch, not until the whole
 * table is done (the single DO-loop of a hand-written backfill holds every
 * row lock it took until its transaction ends).  Rows locked by the
 * application are skipped (FOR UPDATE SKIP LOCKED) and picked up by a later
 * batch.  Interrupted, it is simply run again: the WHERE no longer matches
 * what is done.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backfill.h"
#include "error.h"
#include "strata/driver.h"

/* Reads "size=N pause=D" after the directive word; 0 or -1. */
int strata_batch_parse(const char *args, size_t len, struct batch *out)
{
	size_t p = 0;

	out->size = 1000;
	out->pause_ms = 0;
	while (p < len) {
		size_t k, e;
		while (p < len && (args[p] == ' ' || args[p] == '\t'))
			p++;
		if (p >= len || args[p] == '\r')
			break;
		for (k = p; k < len && args[k] != '=' && args[k] != ' '; k++)
			;
		for (e = k; e < len && !strchr(" \t\r", args[e]); e++)
			;
		if (k >= len || args[k] != '=')
			return -1;
		if (k - p == 4 && !memcmp(args + p, "size", 4)) {
			char *end;
			long v = strtol(args + k + 1, &end, 10);
			if (end != args + e || v < 1 || v > 1000000)
				return -1;
			out->size = (int)v;
		} else if (k - p == 5 && !memcmp(args + p, "pause", 5)) {
			if (strata_duration_parse(args + k + 1, e - k - 1,
			                          &out->pause_ms) < 0)
				return -1;
		} else {
			return -1;
		}
		p = e;
	}
	return 0;
}

int strata_batch_find(const char *text, size_t from, size_t to,
                      struct batch *out)
{
	static const char word[] = "strata:batch";

	for (size_t p = from; p < to;) {
		const char *nl = memchr(text + p, '\n', to - p);
		size_t eol = nl ? (size_t)(nl - text) : to, q = p;
		while (q < eol && (text[q] == ' ' || text[q] == '\t'))
			q++;
		if (eol - q > 2 && text[q] == '-' && text[q + 1] == '-') {
			q += 2;
			while (q < eol && (text[q] == ' ' || text[q] == '\t'))
				q++;
			if (eol - q >= sizeof(word) - 1 &&
			    !memcmp(text + q, word, sizeof(word) - 1) &&
			    (eol == q + sizeof(word) - 1 ||
			     strchr(" \t\r", text[q + sizeof(word) - 1]))) {
				q += sizeof(word) - 1;
				return strata_batch_parse(text + q, eol - q,
				                          out) < 0
				           ? -1
				           : 1;
			}
		}
		p = eol + 1;
	}
	return 0;
}

/* ---- the statement's parts ---- */

static int is_word(const char *s, size_t n, size_t at, const char *w)
{
	size_t k = strlen(w);

	return at + k <= n && strncasecmp(s + at, w, k) == 0 &&
	       (at == 0 ||
	        !(isalnum((unsigned char)s[at - 1]) || s[at - 1] == '_')) &&
	       (at + k == n || !(isalnum((unsigned char)s[at + k]) ||
	                         s[at + k] == '_' || s[at + k] == '.'));
}

/*
 * Where the top-level word w is in s (outside quotes, comments and
 * parentheses), from `from`; n when it is not.
 */
static size_t find_word(const char *s, size_t n, size_t from, const char *w)
{
	int depth = 0;

	for (size_t p = from; p < n; p++) {
		char c = s[p];
		if (c == '\'' || c == '"' || c == '`') {
			for (p++; p < n && s[p] != c; p++)
				;
		} else if (c == '-' && p + 1 < n && s[p + 1] == '-') {
			while (p < n && s[p] != '\n')
				p++;
		} else if (c == '/' && p + 1 < n && s[p + 1] == '*') {
			for (p += 2;
			     p + 1 < n && !(s[p] == '*' && s[p + 1] == '/');
			     p++)
				;
			p++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		} else if (depth == 0 && is_word(s, n, p, w)) {
			return p;
		}
	}
	return n;
}

/* Splits "UPDATE table SET set WHERE cond" into its parts (copies). */
static int split_update(strata *s, const char *sql, char **table, char **set,
                        char **cond)
{
	size_t n = strlen(sql), u = find_word(sql, n, 0, "update"),
	       st = find_word(sql, n, u, "set"),
	       w = find_word(sql, n, st, "where");

	*table = *set = *cond = NULL;
	if (u != 0 || st >= n || w >= n ||
	    find_word(sql, n, w, "returning") < n ||
	    find_word(sql, n, st, "from") < w)
		return strata_error_set(
		    &s->err, STRATA_EFORMAT,
		    "'strata:batch' needs a statement of the form 'UPDATE "
		    "table SET ... WHERE condition' (no FROM, no RETURNING): "
		    "the condition says which rows are still to do");
	*table = strndup(sql + 6, st - 6);
	*set = strndup(sql + st + 3, w - st - 3);
	*cond = strdup(sql + w + 5);
	if (!*table || !*set || !*cond)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	return 0;
}

static int count_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		*(long long *)data = atoll(v[0]);
	return 1;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int strata_batch_run(strata *s, const strata_migration *m, const char *sql,
                     const struct batch *b, int (*begin)(void *ctx), void *ctx)
{
	int pg = s->driver->dialect == STRATA_DIALECT_POSTGRES;
	int my = s->driver->dialect == STRATA_DIALECT_MYSQL;
	char *table, *set, *cond;
	strata_buf q = STRATA_BUF_INIT, count = STRATA_BUF_INIT,
	           msg = STRATA_BUF_INIT;
	long long todo = -1, done = 0, t0 = now_ms(), last = 0;
	long off;
	int rc;

	if ((rc = split_update(s, sql, &table, &set, &cond)) < 0)
		goto out;
	strata_buf_printf(&count, "SELECT count(*) FROM %s WHERE %s", table,
	                  cond);
	if ((rc = s->driver->query(s->conn, count.ptr, 0, NULL, count_row,
	                           &todo, &s->err)) < 0)
		goto out;
	if (pg)
		strata_buf_printf(
		    &q,
		    "WITH b AS (UPDATE %s SET %s WHERE ctid = ANY (ARRAY("
		    "SELECT ctid FROM %s WHERE %s LIMIT %d FOR UPDATE SKIP "
		    "LOCKED)) RETURNING 1) SELECT count(*) FROM b",
		    table, set, table, cond, b->size);
	else if (my) /* MySQL's UPDATE takes a LIMIT of its own */
		strata_buf_printf(&q, "UPDATE %s SET %s WHERE %s LIMIT %d",
		                  table, set, cond, b->size);
	else
		strata_buf_printf(
		    &q,
		    "UPDATE %s SET %s WHERE rowid IN (SELECT rowid "
		    "FROM %s WHERE %s LIMIT %d)",
		    table, set, table, cond, b->size);
	for (;;) {
		long long n = 0;
		if ((rc = begin(ctx)) < 0)
			goto out;
		if (pg)
			rc = s->driver->query(s->conn, q.ptr, 0, NULL,
			                      count_row, &n, &s->err);
		else if ((rc = s->driver->exec(s->conn, q.ptr, &off,
		                               &s->err)) == 0)
			rc = s->driver->query(s->conn,
			                      my ? "SELECT ROW_COUNT()"
			                         : "SELECT changes()",
			                      0, NULL, count_row, &n, &s->err);
		if (rc < 0) {
			strata_error scratch = {0};
			s->driver->exec(s->conn, "ROLLBACK", &off, &scratch);
			strata_error_dispose(&scratch);
			goto out;
		}
		if ((rc = s->driver->exec(s->conn, "COMMIT", &off, &s->err)) <
		    0)
			goto out;
		done += n;
		if (n == 0 || now_ms() - last >= 1000) {
			long long ms = now_ms() - t0;
			strata_buf_clear(&msg);
			strata_buf_printf(&msg,
			                  "%s_%s: backfill %lld of %lld rows "
			                  "(%lld rows/s)",
			                  m->version, m->name, done,
			                  todo > done ? todo : done,
			                  ms > 0 ? done * 1000 / ms : done);
			strata_session_progress(s, m, msg.ptr, "backfill",
			                        "rows", done,
			                        todo > done ? todo : done, 0);
			last = now_ms();
		}
		if (n == 0)
			break;
		if (strata_is_interrupted(s)) {
			rc = strata_error_set(&s->err, STRATA_EINTERRUPTED,
			                      "interrupted after %lld of %lld "
			                      "rows: the batches done stay "
			                      "committed",
			                      done, todo > done ? todo : done);
			goto out;
		}
		/* a WHERE that still matches what the SET changed never ends */
		if (done > 2 * todo + 2 * (long long)b->size) {
			rc = strata_error_set(
			    &s->err, STRATA_EFORMAT,
			    "the batched UPDATE has changed %lld rows where "
			    "%lld "
			    "matched at the start: its WHERE must stop "
			    "matching "
			    "a row once the SET has done it (e.g. WHERE "
			    "new_column IS NULL)",
			    done, todo);
			goto out;
		}
		if (b->pause_ms > 0) {
			struct timespec ts = {b->pause_ms / 1000,
			                      (long)(b->pause_ms % 1000) *
			                          1000000L};
			nanosleep(&ts, NULL);
		}
	}
	rc = 0;
out:
	free(table);
	free(set);
	free(cond);
	strata_buf_dispose(&q);
	strata_buf_dispose(&count);
	strata_buf_dispose(&msg);
	return rc;
}
