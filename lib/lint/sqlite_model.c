/*
 * The SQLite schema model (see sqlite_model.h): kept up to date from the
 * statements of up sections, copied before a section changes it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_model.h"

/* ---- the schema model, across the run's up sections ---- */

/* Whether lower-cased text might hold name (a quick filter before the
 * tokens are read). */
static int may_mention(const char *lower, const char *name)
{
	char key[SQ_NAME];

	sqt_lower_into(key, sizeof(key), name);
	return lower && strstr(lower, key) != NULL;
}

/* Whether an index, view or trigger names `table` (outside strings). */
int sqm_obj_mentions(const struct sq_obj *o, const char *table)
{
	struct toks T = {0};
	int r = 0;

	if (may_mention(o->lower, table) &&
	    sqt_tokenize(&T, o->sql, strlen(o->sql), 0) == 0)
		r = sqt_mentions(&T, 0, T.n, table) != NONE;
	sqt_toks_dispose(&T);
	return r;
}

static void col_dispose(struct sq_col *c)
{
	free(c->name);
	free(c->raw);
	free(c->rest);
}

static void table_dispose(struct sq_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		col_dispose(&t->cols[i]);
	free(t->cols);
	for (size_t i = 0; i < t->ncons; i++)
		free(t->cons[i]);
	free(t->cons);
	free(t->name);
	free(t->tail);
	memset(t, 0, sizeof(*t));
}

static void obj_dispose(struct sq_obj *o)
{
	free(o->name);
	free(o->table);
	free(o->sql);
	free(o->lower);
	free(o->dangles);
	memset(o, 0, sizeof(*o));
}

void strata_sqlite_model_free(struct sqlite_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ntables; i++)
		table_dispose(&m->tables[i]);
	free(m->tables);
	for (size_t i = 0; i < m->nobjs; i++)
		obj_dispose(&m->objs[i]);
	free(m->objs);
	for (size_t i = 0; i < m->ndropped; i++)
		free(m->dropped[i]);
	free(m->dropped);
	free(m->slots);
	free(m);
}

/* ---- tables by name (a migration set can hold thousands) ---- */

static size_t name_hash(const char *s)
{
	size_t h = 1469598103934665603u; /* FNV-1a, without case */

	while (*s)
		h = (h ^ (unsigned char)tolower((unsigned char)*s++)) *
		    1099511628211u;
	return h;
}

static void index_put(struct sqlite_model *M, size_t i)
{
	size_t k = name_hash(M->tables[i].name) & (M->cap - 1);

	while (M->slots[k])
		k = (k + 1) & (M->cap - 1);
	M->slots[k] = i + 1;
}

/* Rebuilds the index: after a removal or a rename, or to grow it. */
static void index_rebuild(struct sqlite_model *M)
{
	size_t cap = 16;

	while (cap < 2 * M->ntables + 2)
		cap *= 2;
	free(M->slots);
	M->cap = 0;
	if (!(M->slots = calloc(cap, sizeof(*M->slots))))
		return;
	M->cap = cap;
	for (size_t i = 0; i < M->ntables; i++)
		index_put(M, i);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A deep copy (a down section changes its copy, not the run's model). */
struct sqlite_model *sqm_model_clone(const struct sqlite_model *m)
{
	struct sqlite_model *c = calloc(1, sizeof(*c));

	if (!c || !m)
		return c;
	c->tables = calloc(m->ntables + 1, sizeof(*c->tables));
	c->objs = calloc(m->nobjs + 1, sizeof(*c->objs));
	c->dropped = calloc(m->ndropped + 1, sizeof(*c->dropped));
	if (!c->tables || !c->objs || !c->dropped)
		goto nomem;
	for (size_t i = 0; i < m->ntables; i++) {
		const struct sq_table *s = &m->tables[i];
		struct sq_table *t = &c->tables[c->ntables++];
		t->name = strdup(s->name);
		t->tail = dup_or_null(s->tail);
		t->known = s->known;
		t->cols = calloc(s->ncols + 1, sizeof(*t->cols));
		t->cons = calloc(s->ncons + 1, sizeof(*t->cons));
		if (!t->name || !t->cols || !t->cons)
			goto nomem;
		for (size_t k = 0; k < s->ncols; k++) {
			struct sq_col *col = &t->cols[t->ncols++];
			col->name = strdup(s->cols[k].name);
			col->raw = strdup(s->cols[k].raw);
			col->rest = strdup(s->cols[k].rest);
			if (!col->name || !col->raw || !col->rest)
				goto nomem;
		}
		for (size_t k = 0; k < s->ncons; k++)
			if (!(t->cons[t->ncons++] = strdup(s->cons[k])))
				goto nomem;
	}
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct sq_obj *s = &m->objs[i];
		struct sq_obj *o = &c->objs[c->nobjs++];
		o->kind = s->kind;
		o->name = strdup(s->name);
		o->table = dup_or_null(s->table);
		o->sql = strdup(s->sql);
		o->lower = strdup(s->lower);
		o->dangles = dup_or_null(s->dangles);
		if (!o->name || !o->sql || !o->lower)
			goto nomem;
		c->ndangling += o->dangles != NULL;
	}
	for (size_t i = 0; i < m->ndropped; i++)
		if (!(c->dropped[c->ndropped++] = strdup(m->dropped[i])))
			goto nomem;
	index_rebuild(c);
	return c;
nomem:
	strata_sqlite_model_free(c);
	return calloc(1, sizeof(struct sqlite_model));
}

struct sq_table *sqm_find_table(const struct sqlite_model *M, const char *name)
{
	size_t k;

	if (!M || !M->cap)
		return NULL;
	for (k = name_hash(name) & (M->cap - 1); M->slots[k];
	     k = (k + 1) & (M->cap - 1))
		if (strcasecmp(M->tables[M->slots[k] - 1].name, name) == 0)
			return &M->tables[M->slots[k] - 1];
	return NULL;
}

struct sq_obj *sqm_find_obj(const struct sqlite_model *M, int kind,
                            const char *name)
{
	for (size_t i = 0; M && i < M->nobjs; i++)
		if (M->objs[i].kind == kind &&
		    strcasecmp(M->objs[i].name, name) == 0)
			return &M->objs[i];
	return NULL;
}

static void set_dropped(struct sqlite_model *M, const char *name, int on)
{
	char **v;

	for (size_t i = 0; i < M->ndropped; i++) {
		if (strcasecmp(M->dropped[i], name) != 0)
			continue;
		if (!on) {
			free(M->dropped[i]);
			M->dropped[i] = M->dropped[--M->ndropped];
			/* the name is a table again */
			for (size_t k = 0; M->ndangling && k < M->nobjs; k++)
				if (M->objs[k].dangles &&
				    strcasecmp(M->objs[k].dangles, name) == 0) {
					free(M->objs[k].dangles);
					M->objs[k].dangles = NULL;
					M->ndangling--;
				}
		}
		return;
	}
	if (!on || !(v = realloc(M->dropped, (M->ndropped + 1) * sizeof(*v))))
		return;
	M->dropped = v;
	if ((v[M->ndropped] = strdup(name)))
		M->ndropped++;
}

static void drop_obj_at(struct sqlite_model *M, size_t i)
{
	M->ndangling -= M->objs[i].dangles != NULL;
	obj_dispose(&M->objs[i]);
	memmove(&M->objs[i], &M->objs[i + 1],
	        (M->nobjs - i - 1) * sizeof(*M->objs));
	M->nobjs--;
}

void sqm_drop_obj(struct sqlite_model *M, int kind, const char *name)
{
	for (size_t i = 0; i < M->nobjs; i++)
		if (M->objs[i].kind == kind &&
		    strcasecmp(M->objs[i].name, name) == 0) {
			drop_obj_at(M, i);
			return;
		}
}

/* Records an index, view or trigger; takes nothing over. */
void sqm_add_obj(struct sqlite_model *M, int kind, const char *name,
                 const char *table, const char *sql)
{
	struct sq_obj o, *v;

	sqm_drop_obj(M, kind, name);
	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.name = strdup(name);
	o.table = dup_or_null(table);
	o.sql = strdup(sql);
	o.lower = strdup(sql);
	if (!o.name || !o.sql || !o.lower || (table && !o.table) ||
	    !(v = realloc(M->objs, (M->nobjs + 1) * sizeof(*v)))) {
		obj_dispose(&o);
		return;
	}
	for (char *p = o.lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* SQLite lets a view or trigger name a missing table */
	for (size_t i = 0; kind != OBJ_INDEX && i < M->ndropped; i++)
		if (sqm_obj_mentions(&o, M->dropped[i])) {
			o.dangles = strdup(M->dropped[i]);
			M->ndangling += o.dangles != NULL;
			break;
		}
	M->objs = v;
	M->objs[M->nobjs++] = o;
}

/* Takes t over. */
void sqm_add_table(struct sqlite_model *M, struct sq_table *t)
{
	struct sq_table *old = sqm_find_table(M, t->name), *v;

	set_dropped(M, t->name, 0);
	if (old) {
		table_dispose(old);
		*old = *t;
		return;
	}
	if (!(v = realloc(M->tables, (M->ntables + 1) * sizeof(*v)))) {
		table_dispose(t);
		return;
	}
	M->tables = v;
	M->tables[M->ntables++] = *t;
	if (2 * M->ntables + 2 > M->cap)
		index_rebuild(M);
	else
		index_put(M, M->ntables - 1);
}

/* DROP TABLE: its indexes and triggers go with it; its views stay, and
 * refer to a table that is no longer there. */
void sqm_drop_table(struct sqlite_model *M, const char *name)
{
	struct sq_table *t = sqm_find_table(M, name);

	if (t) {
		table_dispose(t);
		*t = M->tables[--M->ntables];
		index_rebuild(M);
	}
	for (size_t i = M->nobjs; i-- > 0;)
		if (M->objs[i].kind != OBJ_VIEW && M->objs[i].table &&
		    strcasecmp(M->objs[i].table, name) == 0)
			drop_obj_at(M, i);
	set_dropped(M, name, 1);
	for (size_t i = 0; i < M->nobjs; i++) {
		struct sq_obj *o = &M->objs[i];
		if (o->kind != OBJ_INDEX && !o->dangles &&
		    sqm_obj_mentions(o, name) && (o->dangles = strdup(name)))
			M->ndangling++;
	}
}

/* Replaces, in *text, every identifier spelling `old` by `raw` (as SQLite
 * itself rewrites the schema on a rename). */
static void replace_ident(char **text, const char *old, const char *raw)
{
	struct toks T = {0};
	strata_buf b;
	size_t from = 0;
	int changed = 0;

	if (!*text || sqt_tokenize(&T, *text, strlen(*text), 0) < 0)
		goto done;
	strata_buf_init(&b);
	for (size_t k = 0; k < T.n; k++) {
		if (!sqt_names(&T, k, old))
			continue;
		strata_buf_add(&b, *text + from, T.v[k].off - from);
		strata_buf_puts(&b, raw);
		from = T.v[k].off + T.v[k].len;
		changed = 1;
	}
	if (changed) {
		strata_buf_puts(&b, *text + from);
		free(*text);
		*text = strata_buf_detach(&b);
	}
	strata_buf_dispose(&b);
done:
	sqt_toks_dispose(&T);
}

static void obj_set_sql(struct sq_obj *o)
{
	free(o->lower);
	if ((o->lower = strdup(o->sql ? o->sql : "")))
		for (char *p = o->lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
}

/* Whether text holds the keyword kw outside strings and comments. */
int sqm_has_word(const char *text, const char *kw)
{
	struct toks T = {0};
	int found = 0;
	size_t n = strlen(kw), len = strlen(text), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(text + i, kw, n) == 0)
			break;
	if (i + n > len)
		return 0; /* not even in a string */
	if (sqt_tokenize(&T, text, len, 0) == 0)
		for (size_t k = 0; k < T.n && !found; k++)
			found = sqt_is_word(&T, k, kw);
	sqt_toks_dispose(&T);
	return found;
}

void sqm_rename_table(struct sqlite_model *M, const char *old, const char *raw,
                      const char *bare)
{
	struct sq_table *t = sqm_find_table(M, old);
	char *name;

	if (t && (name = strdup(bare))) {
		free(t->name);
		t->name = name;
		index_rebuild(M);
	}
	set_dropped(M, bare, 0);
	for (size_t i = 0; i < M->ntables; i++) {
		for (size_t k = 0; k < M->tables[i].ncols; k++)
			replace_ident(&M->tables[i].cols[k].rest, old, raw);
		for (size_t k = 0; k < M->tables[i].ncons; k++)
			replace_ident(&M->tables[i].cons[k], old, raw);
	}
	for (size_t i = 0; i < M->nobjs; i++) {
		struct sq_obj *o = &M->objs[i];
		if (o->table && strcasecmp(o->table, old) == 0 &&
		    (name = strdup(bare))) {
			free(o->table);
			o->table = name;
		}
		if (may_mention(o->lower, old)) {
			replace_ident(&o->sql, old, raw);
			obj_set_sql(o);
		}
	}
}

struct sq_col *sqm_find_col(const struct sq_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

void sqm_rename_column(struct sqlite_model *M, const char *table,
                       const char *old, const char *raw, const char *bare)
{
	struct sq_table *t = sqm_find_table(M, table);
	struct sq_col *c = sqm_find_col(t, old);
	char *n1, *n2;

	if (c && (n1 = strdup(bare))) {
		if ((n2 = strdup(raw))) {
			free(c->name);
			free(c->raw);
			c->name = n1;
			c->raw = n2;
		} else {
			free(n1);
		}
	}
	if (t) {
		for (size_t k = 0; k < t->ncols; k++)
			replace_ident(&t->cols[k].rest, old, raw);
		for (size_t k = 0; k < t->ncons; k++)
			replace_ident(&t->cons[k], old, raw);
	}
	for (size_t i = 0; i < M->nobjs; i++) {
		struct sq_obj *o = &M->objs[i];
		int own = o->table && strcasecmp(o->table, table) == 0;
		if ((own || may_mention(o->lower, table)) &&
		    may_mention(o->lower, old)) {
			replace_ident(&o->sql, old, raw);
			obj_set_sql(o);
		}
	}
}

/* ---- reading statements into the model ---- */

/* Splits the list in the parentheses at `open` into its elements:
 * calls fn(T, a, b, data) for each [a, b). */
void sqm_each_element(const struct toks *T, size_t open,
                      void (*fn)(const struct toks *, size_t, size_t, void *),
                      void *data)
{
	size_t close = sqt_close_of(T, open), a = open + 1;
	int d = T->v[open].depth + 1;

	for (size_t k = a; k <= close && k < T->n; k++) {
		if (k < close &&
		    !(sqt_is_punct(T, k, ',') && T->v[k].depth == d))
			continue;
		if (k > a)
			fn(T, a, k, data);
		a = k + 1;
	}
}

int sqm_is_table_constraint(const struct toks *T, size_t i)
{
	return sqt_is_word(T, i, "CONSTRAINT") ||
	       sqt_is_word(T, i, "PRIMARY") || sqt_is_word(T, i, "UNIQUE") ||
	       sqt_is_word(T, i, "CHECK") || sqt_is_word(T, i, "FOREIGN");
}

/* Makes a column from its definition's tokens [a, b). */
static int make_col(const struct toks *T, size_t a, size_t b, struct sq_col *c)
{
	char name[SQ_NAME];
	size_t from = T->v[a].off + T->v[a].len,
	       to = T->v[b - 1].off + T->v[b - 1].len;

	sqt_tok_name(T, a, name, sizeof(name));
	c->name = strdup(name);
	c->raw = strndup(T->s + T->v[a].off, T->v[a].len);
	c->rest = strndup(T->s + from, to - from);
	if (!c->name || !c->raw || !c->rest) {
		col_dispose(c);
		return STRATA_ENOMEM;
	}
	return 0;
}

static void table_element(const struct toks *T, size_t a, size_t b, void *data)
{
	struct sq_table *t = data;

	if (sqm_is_table_constraint(T, a)) {
		char **v = realloc(t->cons, (t->ncons + 1) * sizeof(*v));
		if (!v)
			return;
		t->cons = v;
		if ((v[t->ncons] = sqt_span_dup(T, a, b - 1)))
			t->ncons++;
	} else if (sqt_is_name(T, a)) {
		struct sq_col *v =
		    realloc(t->cols, (t->ncols + 1) * sizeof(*v));
		if (!v)
			return;
		t->cols = v;
		if (make_col(T, a, b, &v[t->ncols]) == 0)
			t->ncols++;
	}
}

/* CREATE TABLE with its name at q and the tokens after it at i. */
void sqm_model_create_table(struct sqlite_model *M, const struct toks *T,
                            size_t i, const struct qname *q, int if_not)
{
	struct sq_table t;

	if (if_not && sqm_find_table(M, q->bare))
		return;
	memset(&t, 0, sizeof(t));
	if (!(t.name = strdup(q->bare)))
		return;
	if (sqt_is_punct(T, i, '(')) {
		size_t close = sqt_close_of(T, i);
		t.known = 1;
		sqm_each_element(T, i, table_element, &t);
		if (close + 1 < T->n)
			t.tail = sqt_span_dup(T, close + 1, T->n - 1);
	}
	sqm_add_table(M, &t);
}

void sqm_model_add_column(struct sqlite_model *M, const char *table,
                          const struct toks *T, size_t a, size_t b)
{
	struct sq_table *t = sqm_find_table(M, table);
	struct sq_col *v;

	if (!t || a >= b || !sqt_is_name(T, a))
		return;
	if (!(v = realloc(t->cols, (t->ncols + 1) * sizeof(*v))))
		return;
	t->cols = v;
	if (make_col(T, a, b, &v[t->ncols]) == 0)
		t->ncols++;
}

void sqm_model_drop_column(struct sqlite_model *M, const char *table,
                           const char *col)
{
	struct sq_table *t = sqm_find_table(M, table);
	struct sq_col *c = sqm_find_col(t, col);

	if (!c)
		return;
	col_dispose(c);
	memmove(c, c + 1, (size_t)(t->cols + t->ncols - c - 1) * sizeof(*c));
	t->ncols--;
}

/* ---- what blocks or breaks a DROP COLUMN ---- */

/* Where, in a trigger's text, its table, WHEN clause and body are. */
struct trigger_parts {
	size_t on;             /* the table's token */
	size_t when, when_end; /* [when, when_end) or NONE */
	size_t body, body_end; /* between BEGIN and END */
};

static void trigger_parts(const struct toks *T, struct trigger_parts *p)
{
	size_t k = sqt_find_word(T, 0, T->n, 0, "ON"), begin;

	p->on = p->when = p->when_end = NONE;
	p->body = p->body_end = T->n;
	if (k == NONE)
		return;
	p->on = k + 1;
	begin = sqt_find_word(T, k, T->n, 0, "BEGIN");
	if (begin == NONE)
		return;
	p->when = sqt_find_word(T, k, begin, 0, "WHEN");
	if (p->when != NONE)
		p->when_end = begin;
	p->body = begin + 1;
	p->body_end = T->n;
	if (p->body_end > p->body && sqt_is_word(T, p->body_end - 1, "END"))
		p->body_end--;
}

/* Whether the constraint text c of table t uses col: PRIMARY KEY (..),
 * UNIQUE (..), CHECK (..), FOREIGN KEY (..) REFERENCES; the name after
 * CONSTRAINT and the other table's columns do not count. */
const char *sqm_constraint_uses(const char *c, const char *col)
{
	struct toks T = {0};
	const char *what = NULL;
	size_t k = 0, to;

	if (sqt_tokenize(&T, c, strlen(c), 0) < 0)
		goto done;
	if (sqt_is_word(&T, 0, "CONSTRAINT"))
		k = 2;
	to = T.n;
	if (sqt_is_word(&T, k, "PRIMARY"))
		what = "the PRIMARY KEY";
	else if (sqt_is_word(&T, k, "UNIQUE"))
		what = "a UNIQUE constraint";
	else if (sqt_is_word(&T, k, "CHECK"))
		what = "a CHECK constraint";
	else if (sqt_is_word(&T, k, "FOREIGN")) {
		what = "a FOREIGN KEY";
		if ((to = sqt_find_word(&T, k, T.n, 0, "REFERENCES")) == NONE)
			to = T.n;
	}
	if (what && sqt_mentions(&T, k + 1, to, col) == NONE)
		what = NULL;
done:
	sqt_toks_dispose(&T);
	return what;
}

/* Whether another column's CHECK or generated expression uses col. */
const char *sqm_column_expr_uses(const char *rest, const char *col)
{
	struct toks T = {0};
	const char *what = NULL;

	if (sqt_tokenize(&T, rest, strlen(rest), 0) < 0)
		goto done;
	for (size_t k = 0; k + 1 < T.n && !what; k++) {
		size_t close;
		if (T.v[k].depth != 0 || !sqt_is_punct(&T, k + 1, '('))
			continue;
		if (!sqt_is_word(&T, k, "CHECK") && !sqt_is_word(&T, k, "AS"))
			continue;
		close = sqt_close_of(&T, k + 1);
		if (sqt_mentions(&T, k + 2, close, col) != NONE)
			what = sqt_is_word(&T, k, "CHECK")
			           ? "the CHECK of column"
			           : "generated column";
	}
done:
	sqt_toks_dispose(&T);
	return what;
}

/* Whether an index, view or trigger `o` stops (why set) or will break
 * (returns 2) a DROP COLUMN of table.col. */
static int obj_uses(const struct sq_obj *o, const char *table, const char *col,
                    char *why, size_t n)
{
	struct toks T = {0};
	int own, r = 0;
	size_t k;

	/* most objects are ruled out without reading their tokens */
	if (!may_mention(o->lower, col))
		return 0;
	own = o->table && strcasecmp(o->table, table) == 0;
	if (o->kind == OBJ_INDEX ? !own : !own && !may_mention(o->lower, table))
		return 0;
	if (sqt_tokenize(&T, o->sql, strlen(o->sql), 0) < 0)
		goto done;
	if (o->kind == OBJ_INDEX && own) {
		size_t on = sqt_find_word(&T, 0, T.n, 0, "ON");
		if (on != NONE && sqt_mentions(&T, on + 2, T.n, col) != NONE) {
			snprintf(why, n, "index '%s' uses it", o->name);
			r = 1;
		}
	} else if (o->kind == OBJ_VIEW) {
		size_t as = sqt_find_word(&T, 0, T.n, 0, "AS");
		if (as != NONE && sqt_mentions(&T, as, T.n, table) != NONE &&
		    sqt_mentions(&T, as, T.n, col) != NONE) {
			snprintf(why, n, "view '%s' uses it", o->name);
			r = 1;
		}
	} else if (o->kind == OBJ_TRIGGER) {
		struct trigger_parts p;
		trigger_parts(&T, &p);
		if (p.when != NONE &&
		    sqt_mentions(&T, p.when, p.when_end, col) != NONE &&
		    (own ||
		     sqt_mentions(&T, p.when, p.when_end, table) != NONE)) {
			snprintf(why, n,
			         "the WHEN clause of trigger '%s' "
			         "uses it",
			         o->name);
			r = 1;
		} else if (own && (k = sqt_mentions_row(&T, p.body, p.body_end,
		                                        col)) != NONE) {
			snprintf(
			    why, n, "trigger '%.64s' uses %s.%.64s", o->name,
			    sqt_is_word(&T, k, "NEW") ? "NEW" : "OLD", col);
			r = 1;
		} else if (sqt_mentions(&T, p.body, p.body_end, table) !=
		               NONE &&
		           sqt_mentions(&T, p.body, p.body_end, col) != NONE) {
			r = 2;
		}
	}
done:
	sqt_toks_dispose(&T);
	return r;
}

void sqm_check_drop(const struct sqlite_model *M, const char *table,
                    const char *col, struct drop_check *dc)
{
	const struct sq_table *t = sqm_find_table(M, table);
	const struct sq_col *c = sqm_find_col(t, col);
	const char *what;

	memset(dc, 0, sizeof(*dc));
	if (c) {
		struct toks T = {0};
		struct coldef cd;
		if (sqt_tokenize(&T, c->rest, strlen(c->rest), 0) == 0) {
			sqt_parse_coldef(&T, 0, T.n, 0, &cd);
			if (cd.flags & COL_PK)
				snprintf(dc->why, sizeof(dc->why),
				         "it is the PRIMARY KEY of '%s'",
				         table);
			else if (cd.flags & COL_UNIQUE)
				snprintf(dc->why, sizeof(dc->why),
				         "it is UNIQUE");
		}
		sqt_toks_dispose(&T);
		if (!*dc->why && t->known && t->ncols == 1)
			snprintf(dc->why, sizeof(dc->why),
			         "it is the only column of '%s'", table);
	}
	for (size_t i = 0; t && !*dc->why && i < t->ncons; i++)
		if ((what = sqm_constraint_uses(t->cons[i], col)))
			snprintf(dc->why, sizeof(dc->why),
			         "it is in %s of '%s'", what, table);
	for (size_t i = 0; t && !*dc->why && i < t->ncols; i++)
		if (&t->cols[i] != c &&
		    (what = sqm_column_expr_uses(t->cols[i].rest, col)))
			snprintf(dc->why, sizeof(dc->why), "%s '%s' uses it",
			         what, t->cols[i].name);
	for (size_t i = 0; M && !*dc->why && i < M->nobjs; i++) {
		int r =
		    obj_uses(&M->objs[i], table, col, dc->why, sizeof(dc->why));
		if (r == 1)
			dc->block = &M->objs[i];
		else if (r == 2 && !dc->breaks)
			dc->breaks = &M->objs[i];
	}
}

/* A view or trigger that refers to a table dropped earlier: SQLite then
 * refuses every ALTER TABLE RENAME and DROP COLUMN ("error in view v: no
 * such table"), which is how a table rebuild done in the wrong order
 * fails. */
const struct sq_obj *sqm_dangling(const struct sqlite_model *M,
                                  const char **table)
{
	for (size_t i = 0; M && M->ndangling && i < M->nobjs; i++)
		if (M->objs[i].dangles) {
			*table = M->objs[i].dangles;
			return &M->objs[i];
		}
	return NULL;
}
