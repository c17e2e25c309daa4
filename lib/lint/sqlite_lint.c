/*
 * Walks a SQLite section.  SQLite has no parse tree to offer, so the
 * statements are split as the engine splits them and looked at token by
 * token (rules_sqlite.c).  Every write takes the database's one write lock;
 * what differs is how long it is held: a table rebuild or DROP COLUMN
 * rewrites the table under it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../split.h"
#include "lint.h"

int strata_lint_sqlite_section(struct lint *L)
{
	strata_stmt_list l = {0};
	strata_error err = {0};
	size_t gap = L->start;
	int rc = 0;

	if (strata_split_sqlite(&l, L->text, L->start, L->end, L->path,
	                        &err) < 0) {
		if (err.code == STRATA_ENOMEM) {
			rc = strata_error_set(&L->s->err, STRATA_ENOMEM,
			                      "out of memory");
		} else {
			L->syntax_failed = 1;
			lint_syntax_error(L, L->start, err.message);
		}
		goto done;
	}
	for (size_t i = 0; i < l.count; i++) {
		struct lint_stmt st;

		memset(&st, 0, sizeof(st));
		st.index = (int)i + 1;
		st.offset = l.items[i].offset;
		st.len = strlen(l.items[i].sql);
		strata_sqlite_analyze(L, &st);
		lint_statement(L, &st, gap);
		for (size_t k = 0; k < st.ntouches; k++)
			if (st.touches[k].created)
				strata_name_set_add(&L->created,
				                    st.touches[k].name);
		strata_lint_stmt_dispose(&st);
		gap = st.offset + st.len;
	}
done:
	strata_stmt_list_dispose(&l);
	strata_error_dispose(&err);
	return rc;
}
