/*
 * What a SQLite statement creates, drops and renames (objects.h), read
 * with the linter's tokenizer: CREATE and DROP of tables, indexes, views
 * and triggers, and the ALTER TABLE changes SQLite has (ADD COLUMN, DROP
 * COLUMN, RENAME TO, RENAME COLUMN).  Names are unquoted and as written;
 * SQLite compares them without case, which is the caller's to do.
 */
#include <string.h>

#include "objects.h"
#include "sqlite_model.h"

struct emit {
	so_fn fn;
	void *data;
	char schema[SQ_NAME];
	const char *table; /* CREATE TABLE: the table whose columns these are */
};

/* The schema part of a qualified name ("" when not qualified). */
static void schema_of(const struct qname *q, char *out, size_t n)
{
	size_t len = strlen(q->full) - strlen(q->bare);

	len = len ? len - 1 : 0; /* without the '.' */
	if (len >= n)
		len = n - 1;
	memcpy(out, q->full, len);
	out[len] = '\0';
}

static void put(struct emit *e, enum so_op op, const char *kind,
                const char *name, const char *table, const char *to)
{
	struct so_object x;

	memset(&x, 0, sizeof(x));
	x.op = op;
	x.kind = kind;
	x.schema = e->schema;
	x.name = name;
	x.table = table ? table : "";
	x.to = to;
	e->fn(&x, e->data);
}

/* One element of CREATE TABLE's list: a column, unless a constraint. */
static void table_element(const struct toks *T, size_t a, size_t b, void *data)
{
	struct emit *e = data;
	char col[SQ_NAME];

	(void)b;
	if (sqm_is_table_constraint(T, a) || !sqt_is_name(T, a))
		return;
	sqt_tok_name(T, a, col, sizeof(col));
	put(e, SO_CREATE, "column", col, e->table, NULL);
}

/* CREATE [TEMP] [UNIQUE] [VIRTUAL] TABLE|INDEX|VIEW|TRIGGER ... */
static void create(struct emit *e, const struct toks *T)
{
	struct qname q, tab;
	size_t i = 1, k, on;

	if (sqt_is_word(T, i, "TEMP") || sqt_is_word(T, i, "TEMPORARY"))
		return; /* gone with the connection */
	if (sqt_is_word(T, i, "UNIQUE") || sqt_is_word(T, i, "VIRTUAL"))
		i++;
	if ((k = sqt_read_qname(T, sqt_skip_if_exists(T, i + 1), &q)) == NONE)
		return;
	schema_of(&q, e->schema, sizeof(e->schema));
	if (sqt_is_word(T, i, "TABLE")) {
		put(e, SO_CREATE, "table", q.bare, NULL, NULL);
		/* CREATE VIRTUAL TABLE's arguments are not columns */
		if (sqt_is_punct(T, k, '(') && !sqt_is_word(T, 1, "VIRTUAL")) {
			e->table = q.bare;
			sqm_each_element(T, k, table_element, e);
		}
	} else if (sqt_is_word(T, i, "INDEX")) {
		if (sqt_is_word(T, k, "ON") &&
		    sqt_read_qname(T, k + 1, &tab) != NONE)
			put(e, SO_CREATE, "index", q.bare, tab.bare, NULL);
	} else if (sqt_is_word(T, i, "VIEW")) {
		put(e, SO_CREATE, "view", q.bare, NULL, NULL);
	} else if (sqt_is_word(T, i, "TRIGGER")) {
		on = sqt_find_word(T, k, T->n, 0, "ON");
		if (on != NONE && sqt_read_qname(T, on + 1, &tab) != NONE)
			put(e, SO_CREATE, "trigger", q.bare, tab.bare, NULL);
	}
}

/* ALTER TABLE t ADD [COLUMN] c ... | DROP [COLUMN] c | RENAME ... */
static void alter(struct emit *e, const struct toks *T)
{
	struct qname q, to;
	char a[SQ_NAME], b[SQ_NAME];
	size_t k, c;

	if (!sqt_is_word(T, 1, "TABLE") ||
	    (k = sqt_read_qname(T, 2, &q)) == NONE)
		return;
	schema_of(&q, e->schema, sizeof(e->schema));
	c = k + 1 + sqt_is_word(T, k + 1, "COLUMN");
	if (sqt_is_word(T, k, "RENAME") && sqt_is_word(T, k + 1, "TO")) {
		if (sqt_read_qname(T, k + 2, &to) != NONE)
			put(e, SO_RENAME, "table", q.bare, NULL, to.bare);
	} else if (sqt_is_word(T, k, "RENAME") && sqt_is_name(T, c) &&
	           sqt_is_word(T, c + 1, "TO") && sqt_is_name(T, c + 2)) {
		sqt_tok_name(T, c, a, sizeof(a));
		sqt_tok_name(T, c + 2, b, sizeof(b));
		put(e, SO_RENAME, "column", a, q.bare, b);
	} else if ((sqt_is_word(T, k, "ADD") || sqt_is_word(T, k, "DROP")) &&
	           sqt_is_name(T, c) && !sqt_is_word(T, c, "CONSTRAINT")) {
		sqt_tok_name(T, c, a, sizeof(a));
		put(e, sqt_is_word(T, k, "ADD") ? SO_CREATE : SO_DROP, "column",
		    a, q.bare, NULL);
	}
}

/* DROP TABLE|INDEX|VIEW|TRIGGER [IF EXISTS] name */
static void drop(struct emit *e, const struct toks *T)
{
	static const char *const kinds[] = {"table", "index", "view",
	                                    "trigger"};
	struct qname q;

	if (sqt_read_qname(T, sqt_skip_if_exists(T, 2), &q) == NONE)
		return;
	schema_of(&q, e->schema, sizeof(e->schema));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (sqt_is_word(T, 1, kinds[i]))
			put(e, SO_DROP, kinds[i], q.bare, NULL, NULL);
}

int strata_sqlite_statement_objects(const char *sql, so_fn fn, void *data)
{
	struct toks T = {0};
	struct emit e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.fn = fn;
	e.data = data;
	if ((rc = sqt_tokenize(&T, sql, strlen(sql), 0)) == 0) {
		if (sqt_is_word(&T, 0, "CREATE"))
			create(&e, &T);
		else if (sqt_is_word(&T, 0, "ALTER"))
			alter(&e, &T);
		else if (sqt_is_word(&T, 0, "DROP"))
			drop(&e, &T);
	}
	sqt_toks_dispose(&T);
	return rc;
}
