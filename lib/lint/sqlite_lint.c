/*
 * Walks a SQLite section.  SQLite has no parse tree to offer, so the
 * statements are split as the engine splits them and looked at token by
 * token (rules_sqlite.c).  Every write takes the database's one write lock;
 * what differs is how long it is held: a table rebuild or DROP COLUMN
 * rewrites the table under it.
 *
 * The walker keeps L->created (also under a lower-case "sqlite:name" key,
 * as SQLite compares names) and L->tx_depth (BEGIN, SAVEPOINT, COMMIT,
 * END, ROLLBACK, RELEASE) up to date after the families saw a statement.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../error.h"
#include "../split.h"
#include "lint.h"
#include "sqlite_tokens.h"

/* Whether the statement at p starts with the keyword kw. */
static int starts_with(const char *p, size_t len, const char *kw)
{
	size_t n = strlen(kw);

	return len >= n && strncasecmp(p, kw, n) == 0 &&
	       (len == n || !(isalnum((unsigned char)p[n]) || p[n] == '_'));
}

/* Whether a ROLLBACK is ROLLBACK [TRANSACTION] TO, which stays in the
 * transaction. */
static int rollback_to(const char *p, size_t len)
{
	size_t i = 8; /* "ROLLBACK" */

	for (int w = 0; w < 2 && i < len; w++) {
		while (i < len && isspace((unsigned char)p[i]))
			i++;
		if (starts_with(p + i, len - i, "TO"))
			return 1;
		if (!starts_with(p + i, len - i, "TRANSACTION"))
			return 0;
		i += 11;
	}
	return 0;
}

/* What the statement leaves behind for the next ones (after the families
 * saw it): the tables it created, and the transactions it opened. */
static void track(struct lint *L, const struct lint_stmt *st)
{
	const char *p = L->text + st->offset;
	char key[160];

	for (size_t k = 0; k < st->ntouches; k++) {
		const char *name = st->touches[k].name, *dot;
		size_t n = 0;
		if (!st->touches[k].created)
			continue;
		strata_name_set_add(&L->created, name);
		/* SQLite compares names without case, and "main.t" is t:
		 * rules_sqlite.c looks for this key too */
		dot = strrchr(name, '.');
		n = (size_t)snprintf(key, sizeof(key), "sqlite:%s",
		                     dot ? dot + 1 : name);
		for (size_t i = 7; i < n && i < sizeof(key); i++)
			key[i] = (char)tolower((unsigned char)key[i]);
		strata_name_set_add(&L->created, key);
	}
	if (starts_with(p, st->len, "BEGIN") ||
	    starts_with(p, st->len, "SAVEPOINT"))
		L->tx_depth++;
	else if (starts_with(p, st->len, "COMMIT") ||
	         starts_with(p, st->len, "END") ||
	         (starts_with(p, st->len, "ROLLBACK") &&
	          !rollback_to(p, st->len)))
		L->tx_depth = 0;
	else if (starts_with(p, st->len, "RELEASE") && L->tx_depth > 0)
		L->tx_depth--;
}

int strata_lint_sqlite_section(struct lint *L)
{
	strata_stmt_list l = {0};
	strata_error err = {0};
	size_t gap = L->start;
	int rc = 0;

	if (strata_split_sqlite(&l, L->text, L->start, L->end, L->path, &err) <
	    0) {
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
		track(L, &st);
		strata_lint_stmt_dispose(&st);
		gap = st.offset + st.len;
	}
done:
	strata_stmt_list_dispose(&l);
	strata_error_dispose(&err);
	return rc;
}

/*
 * What a SQLite statement drops, read with the linter's tokenizer: a line
 * "table\t" for DROP TABLE, "table\tcolumn" for ALTER TABLE ... DROP
 * [COLUMN], names unquoted and as written ("main.t" stays qualified).
 * Whether the table or column exists is for the caller to ask the
 * database: "DROP PRIMARY KEY" (a syntax error to SQLite) reads as a
 * column named PRIMARY that no table has.
 */
int strata_sqlite_statement_drops(const char *sql, strata_buf *out)
{
	struct toks T = {0};
	struct qname q;
	char col[SQ_NAME];
	size_t k;
	int rc;

	if ((rc = sqt_tokenize(&T, sql, strlen(sql), 0)) < 0)
		goto done;
	if (sqt_is_word(&T, 0, "DROP") && sqt_is_word(&T, 1, "TABLE") &&
	    sqt_read_qname(&T, sqt_skip_if_exists(&T, 2), &q) != NONE) {
		strata_buf_printf(out, "%s\t\n", q.full);
	} else if (sqt_is_word(&T, 0, "ALTER") && sqt_is_word(&T, 1, "TABLE") &&
	           (k = sqt_read_qname(&T, 2, &q)) != NONE &&
	           sqt_is_word(&T, k, "DROP")) {
		k += 1 + sqt_is_word(&T, k + 1, "COLUMN");
		if (sqt_is_name(&T, k) && !sqt_is_word(&T, k, "CONSTRAINT")) {
			sqt_tok_name(&T, k, col, sizeof(col));
			strata_buf_printf(out, "%s\t%s\n", q.full, col);
		}
	}
done:
	sqt_toks_dispose(&T);
	return rc;
}
