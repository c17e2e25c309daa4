/*
 * SQLite statement splitting with sqlite3_complete().
 *
 * A ';' ends a statement when the text from the statement's start through
 * that ';' is complete in SQLite's own judgement: a ';' inside a string, a
 * quoted name, a comment or a CREATE TRIGGER ... BEGIN ... END body is not.
 * Whether the statements are valid SQL is for sqlite3_prepare() to say when
 * they run.
 */
#include "split.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "error.h"

int strata_split_sqlite(strata_stmt_list *out, const char *text, size_t start,
                        size_t end, const char *path, strata_error *err)
{
	size_t begin = 0;
	char *sql, saved;
	int rc = 0;

	out->items = NULL;
	out->count = 0;
	/* A private copy, so each candidate can be cut after its ';' in place
	 * instead of being copied out. */
	if ((rc = strata_section_copy(&sql, text, start, end, path, err)) < 0)
		return rc;

	for (char *semi = sql; (semi = strchr(semi, ';')); semi++) {
		size_t stop = (size_t)(semi - sql) + 1;
		int complete;

		saved = sql[stop];
		sql[stop] = '\0';
		complete = sqlite3_complete(sql + begin);
		sql[stop] = saved;
		if (!complete)
			continue;
		rc = strata_stmt_list_push(out, text, start + begin,
		                           start + stop - 1, 0);
		if (rc < 0)
			goto nomem;
		begin = stop;
	}
	/* The last statement may lack its ';' (or be an unfinished trigger or
	 * string, which then fails when it runs). */
	rc = strata_stmt_list_push(out, text, start + begin, end, 0);
	if (rc < 0)
		goto nomem;
	goto done;

nomem:
	rc = strata_error_set(err, STRATA_ENOMEM, "out of memory");
	strata_stmt_list_dispose(out);
done:
	free(sql);
	return rc;
}
