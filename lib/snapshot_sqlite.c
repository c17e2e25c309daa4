/*
 * SQLite schema snapshots (docs/snapshot.md): tables from the table_xinfo,
 * foreign_key_list and index_list pragmas, so that a table rebuilt by the
 * twelve-step ALTER gives the same lines as the original; CHECK constraints
 * from the CREATE TABLE text (no pragma has them); indexes, views and
 * triggers by their definition.  Definitions are read with the lint's
 * SQLite tokenizer, so comments and runs of whitespace do not count.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "lint/sqlite_tokens.h"
#include "snapshot.h"
#include "strata/driver.h"

/* Tokens [a, b] of T with one space where the text had whitespace or a
 * comment between two of them. */
static void put_tokens(strata_buf *out, const struct toks *T, size_t a,
                       size_t b)
{
	for (size_t k = a; k <= b && k < T->n; k++) {
		if (k > a && T->v[k].off > T->v[k - 1].off + T->v[k - 1].len)
			strata_buf_putc(out, ' ');
		strata_buf_add(out, T->s + T->v[k].off, T->v[k].len);
	}
}

/* A definition on one line: "definition CREATE VIEW v AS SELECT 1". */
static int put_definition(strata_buf *out, const char *sql)
{
	struct toks T = {0};
	int rc;

	if ((rc = sqt_tokenize(&T, sql, strlen(sql), 0)) < 0)
		return rc;
	strata_buf_puts(out, "  definition ");
	if (T.n)
		put_tokens(out, &T, 0, T.n - 1);
	strata_buf_putc(out, '\n');
	sqt_toks_dispose(&T);
	return 0;
}

/* The CHECK constraints of a CREATE TABLE, as "check (expr)" lines: a
 * table's own and its columns', each named if it is. */
static int put_checks(strata_buf *lines, const char *sql)
{
	struct toks T = {0};
	int rc;

	if ((rc = sqt_tokenize(&T, sql, strlen(sql), 0)) < 0)
		return rc;
	for (size_t k = 0; k + 1 < T.n; k++) {
		size_t close;
		if (!sqt_is_word(&T, k, "CHECK") ||
		    !sqt_is_punct(&T, k + 1, '('))
			continue;
		close = sqt_close_of(&T, k + 1);
		if (close >= T.n)
			break;
		strata_buf_puts(lines, "check ");
		if (k >= 2 && sqt_is_word(&T, k - 2, "CONSTRAINT")) {
			put_tokens(lines, &T, k - 1, k - 1);
			strata_buf_putc(lines, ' ');
		}
		put_tokens(lines, &T, k + 1, close);
		strata_buf_putc(lines, '\n');
		k = close;
	}
	sqt_toks_dispose(&T);
	return 0;
}

/* ---- one table's lines, gathered unsorted, then sorted ---- */

static int column_row(void *data, int ncols, const char *const *v)
{
	strata_buf *b = data;

	/* name, type, notnull, dflt_value, pk, hidden */
	if (ncols < 6 || !v[0])
		return 0;
	strata_buf_printf(b, "column %s", v[0]);
	if (v[1] && *v[1])
		strata_buf_printf(b, " %s", v[1]);
	if (v[2] && strcmp(v[2], "0"))
		strata_buf_puts(b, " NOT NULL");
	if (v[3])
		strata_buf_printf(b, " DEFAULT %s", v[3]);
	if (v[4] && strcmp(v[4], "0"))
		strata_buf_printf(b, " PRIMARY KEY %s", v[4]);
	/* table_xinfo's hidden: 1 virtual-table hidden, 2 and 3 generated */
	if (v[5] && (!strcmp(v[5], "2") || !strcmp(v[5], "3")))
		strata_buf_printf(b, " GENERATED %s",
		                  !strcmp(v[5], "3") ? "STORED" : "VIRTUAL");
	strata_buf_putc(b, '\n');
	return 0;
}

static int fk_row(void *data, int ncols, const char *const *v)
{
	strata_buf *b = data;

	/* one row per key: the columns grouped by the query */
	if (ncols < 5)
		return 0;
	strata_buf_printf(b,
	                  "foreign-key (%s) REFERENCES %s (%s) ON UPDATE %s "
	                  "ON DELETE %s\n",
	                  v[0] ? v[0] : "", v[1] ? v[1] : "", v[2] ? v[2] : "",
	                  v[3] ? v[3] : "", v[4] ? v[4] : "");
	return 0;
}

static int unique_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		strata_buf_printf(data, "unique (%s)\n", v[0]);
	return 0;
}

static int flags_row(void *data, int ncols, const char *const *v)
{
	if (ncols < 2)
		return 0;
	if (v[0] && strcmp(v[0], "0"))
		strata_buf_puts(data, "without rowid\n");
	if (v[1] && strcmp(v[1], "0"))
		strata_buf_puts(data, "strict\n");
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the lines in `lines` to out, sorted and indented. */
static int put_sorted(strata_buf *out, strata_buf *lines)
{
	size_t n = 0, i = 0;
	char **v, *p;

	for (p = lines->ptr; *p; p++)
		n += *p == '\n';
	if (!(v = calloc(n + 1, sizeof(*v))))
		return STRATA_ENOMEM;
	for (p = lines->ptr; *p && i < n; i++) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		v[i] = p;
		p = nl + 1;
	}
	qsort(v, n, sizeof(*v), cmp_line);
	for (i = 0; i < n; i++)
		strata_buf_printf(out, "  %s\n", v[i]);
	free(v);
	return 0;
}

static int put_table(strata *s, strata_buf *out, const char *name,
                     const char *sql)
{
	static const char cols_q[] =
	    "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
	    "FROM pragma_table_xinfo($1)";
	static const char fks_q[] =
	    "SELECT group_concat(\"from\", ', '), \"table\", "
	    "group_concat(coalesce(\"to\", ''), ', '), on_update, on_delete "
	    "FROM (SELECT * FROM pragma_foreign_key_list($1) ORDER BY id, seq) "
	    "GROUP BY id";
	/* UNIQUE constraints: their automatic indexes' columns */
	static const char uniq_q[] =
	    "SELECT (SELECT group_concat(name, ', ') FROM (SELECT name FROM "
	    "pragma_index_info(l.name) ORDER BY seqno)) "
	    "FROM pragma_index_list($1) l WHERE l.origin = 'u'";
	static const char flags_q[] =
	    "SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' "
	    "AND name = $1";
	strata_buf lines = STRATA_BUF_INIT;
	const char *param = name;
	int rc;

	if ((rc = s->driver->query(s->conn, cols_q, 1, &param, column_row,
	                           &lines, &s->err)) < 0 ||
	    (rc = s->driver->query(s->conn, fks_q, 1, &param, fk_row, &lines,
	                           &s->err)) < 0 ||
	    (rc = s->driver->query(s->conn, uniq_q, 1, &param, unique_row,
	                           &lines, &s->err)) < 0 ||
	    (rc = s->driver->query(s->conn, flags_q, 1, &param, flags_row,
	                           &lines, &s->err)) < 0 ||
	    (sql && (rc = put_checks(&lines, sql)) < 0))
		goto out;
	strata_buf_printf(out, "table %s\n", name);
	rc = put_sorted(out, &lines);
	strata_buf_putc(out, '\n');
out:
	strata_buf_dispose(&lines);
	return rc;
}

/* ---- the objects, kind by kind ---- */

struct walk {
	strata *s;
	strata_buf *out;
	const char *kind;
	int rc;
};

static int object_row(void *data, int ncols, const char *const *v)
{
	struct walk *w = data;

	/* name, tbl_name, sql */
	if (ncols < 3 || !v[0])
		return 0;
	if (!strcmp(w->kind, "table")) {
		w->rc = put_table(w->s, w->out, v[0], v[2]);
		return w->rc < 0;
	}
	strata_buf_printf(w->out, "%s %s", w->kind, v[0]);
	if (strcmp(w->kind, "view"))
		strata_buf_printf(w->out, " ON %s", v[1] ? v[1] : "");
	strata_buf_putc(w->out, '\n');
	if (v[2] && (w->rc = put_definition(w->out, v[2])) < 0)
		return 1;
	strata_buf_putc(w->out, '\n');
	return 0;
}

int strata_snapshot_sqlite(strata *s, unsigned flags, strata_buf *out)
{
	/* the kinds in the order of docs/snapshot.md; the automatic indexes
	 * (no sql) are described by their tables */
	static const char q[] =
	    "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = $1 "
	    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> $2 "
	    "AND ($1 <> 'index' OR sql IS NOT NULL) "
	    "ORDER BY name COLLATE BINARY";
	static const char *const kinds[] = {"table", "index", "view",
	                                    "trigger"};
	int rc;

	(void)flags; /* SQLite has no owners */
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		const char *params[2] = {kinds[i], s->table_name};
		struct walk w = {s, out, kinds[i], 0};
		if ((rc = s->driver->query(s->conn, q, 2, params, object_row,
		                           &w, &s->err)) < 0)
			return rc;
		if (w.rc < 0)
			return w.rc;
	}
	return 0;
}
