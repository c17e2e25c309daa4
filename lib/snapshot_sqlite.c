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

/* ---- the tables: every property line of every table in one query ---- */

/*
 * One row per property line, (table, line), for all tables at once: the
 * pragmas as table-valued functions joined to sqlite_schema, so that a
 * snapshot costs a few queries, not a few per table (strata test takes
 * four snapshots per migration).  CHECKs are added from the table's text.
 */
static const char lines_q[] =
    "WITH t AS (SELECT name FROM sqlite_schema WHERE type = 'table' "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> $1) "
    "SELECT t.name, 'column ' || p.name "
    "|| CASE WHEN p.type <> '' THEN ' ' || p.type ELSE '' END "
    "|| CASE WHEN p.\"notnull\" THEN ' NOT NULL' ELSE '' END "
    "|| CASE WHEN p.dflt_value IS NOT NULL THEN ' DEFAULT ' || "
    "p.dflt_value ELSE '' END "
    "|| CASE WHEN p.pk THEN ' PRIMARY KEY ' || p.pk ELSE '' END "
    /* table_xinfo's hidden: 2 and 3 are generated columns */
    "|| CASE p.hidden WHEN 2 THEN ' GENERATED VIRTUAL' "
    "WHEN 3 THEN ' GENERATED STORED' ELSE '' END "
    "FROM t JOIN pragma_table_xinfo(t.name) p "
    "UNION ALL "
    "SELECT name, 'foreign-key (' || group_concat(\"from\", ', ') || "
    "') REFERENCES ' || \"table\" || ' (' || "
    "group_concat(coalesce(\"to\", ''), ', ') || ') ON UPDATE ' || "
    "on_update || ' ON DELETE ' || on_delete "
    "FROM (SELECT t.name, f.* FROM t JOIN pragma_foreign_key_list(t.name) f "
    "ORDER BY t.name, f.id, f.seq) GROUP BY name, id "
    "UNION ALL "
    /* UNIQUE constraints: their automatic indexes' columns */
    "SELECT t.name, 'unique (' || (SELECT group_concat(name, ', ') FROM "
    "(SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) || ')' "
    "FROM t JOIN pragma_index_list(t.name) l WHERE l.origin = 'u' "
    "UNION ALL "
    "SELECT t.name, 'without rowid' FROM t JOIN pragma_table_list l "
    "ON l.schema = 'main' AND l.name = t.name WHERE l.wr "
    "UNION ALL "
    "SELECT t.name, 'strict' FROM t JOIN pragma_table_list l "
    "ON l.schema = 'main' AND l.name = t.name WHERE l.strict";

struct line {
	char *table, *text;
};

struct lines {
	struct line *v;
	size_t n, cap;
	int rc;
};

static int line_row(void *data, int ncols, const char *const *v)
{
	struct lines *L = data;

	if (ncols < 2 || !v[0] || !v[1])
		return 0;
	if (L->n == L->cap) {
		size_t cap = L->cap ? 2 * L->cap : 256;
		struct line *nv = realloc(L->v, cap * sizeof(*nv));
		if (!nv) {
			L->rc = STRATA_ENOMEM;
			return 1;
		}
		L->v = nv;
		L->cap = cap;
	}
	L->v[L->n].table = strdup(v[0]);
	L->v[L->n].text = strdup(v[1]);
	if (!L->v[L->n].table || !L->v[L->n].text) {
		free(L->v[L->n].table);
		free(L->v[L->n].text);
		L->rc = STRATA_ENOMEM;
		return 1;
	}
	L->n++;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->text, y->text);
}

static int cmp_str(const void *a, const void *b)
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
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i++)
		strata_buf_printf(out, "  %s\n", v[i]);
	free(v);
	return 0;
}

/* A table: its lines from the query (at *next, sorted by table), its
 * CHECKs from its text, all sorted. */
static int put_table(strata_buf *out, const char *name, const char *sql,
                     const struct lines *L, size_t *next)
{
	strata_buf lines = STRATA_BUF_INIT;
	int rc = 0;

	while (*next < L->n && strcmp(L->v[*next].table, name) < 0)
		(*next)++;
	for (; *next < L->n && !strcmp(L->v[*next].table, name); (*next)++)
		strata_buf_printf(&lines, "%s\n", L->v[*next].text);
	if (sql && (rc = put_checks(&lines, sql)) < 0)
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
	strata_buf *out;
	const char *kind;
	const struct lines *lines; /* every table's property lines */
	size_t next;               /* the first line not yet used */
	int rc;
};

static int object_row(void *data, int ncols, const char *const *v)
{
	struct walk *w = data;

	/* name, tbl_name, sql */
	if (ncols < 3 || !v[0])
		return 0;
	if (!strcmp(w->kind, "table")) {
		w->rc = put_table(w->out, v[0], v[2], w->lines, &w->next);
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
	struct lines L = {NULL, 0, 0, 0};
	const char *table = s->table_name;
	int rc;

	(void)flags; /* SQLite has no owners */
	if ((rc = s->driver->query(s->conn, lines_q, 1, &table, line_row, &L,
	                           &s->err)) < 0)
		goto out;
	if ((rc = L.rc) < 0) {
		strata_error_set(&s->err, rc, "out of memory");
		goto out;
	}
	if (L.n > 1) /* an empty schema has no array to sort */
		qsort(L.v, L.n, sizeof(*L.v), cmp_line);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		const char *params[2] = {kinds[i], s->table_name};
		struct walk w = {out, kinds[i], &L, 0, 0};
		if ((rc = s->driver->query(s->conn, q, 2, params, object_row,
		                           &w, &s->err)) < 0)
			goto out;
		if ((rc = w.rc) < 0)
			goto out;
	}
out:
	for (size_t i = 0; i < L.n; i++) {
		free(L.v[i].table);
		free(L.v[i].text);
	}
	free(L.v);
	return rc;
}
