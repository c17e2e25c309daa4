/*
 * The objects the applied migrations should have left in the database:
 * followed statement by statement through what each one creates, drops
 * and renames (lint/objects.h), each remembering the migration that made
 * it.  verify_check.c then looks for them in a schema snapshot.
 *
 * Names compare as the database compares them: exactly on PostgreSQL
 * (the parser has folded unquoted ones), without case on SQLite.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "verify.h"

/* The kinds, as static strings an xobj can point at. */
static const char *const kinds[] = {
    "table",     "view",      "materialized-view",
    "index",     "sequence",  "function",
    "procedure", "trigger",   "type",
    "policy",    "schema",    "extension",
    "column",    "constraint"};

static const char *kind_static(const char *k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!strcmp(kinds[i], k))
			return kinds[i];
	return NULL;
}

static int is(const char *k, const char *a, const char *b, const char *c)
{
	return !strcmp(k, a) || (b && !strcmp(k, b)) || (c && !strcmp(k, c));
}

/* Relations share one namespace, and PostgreSQL renames one whatever the
 * statement calls it (ALTER TABLE v RENAME: v may be a view). */
static int is_relation(const char *k)
{
	return is(k, "table", "view", "materialized-view") ||
	       is(k, "index", "sequence", NULL);
}

/* What has columns, triggers, indexes that go with it. */
static int has_members(const char *k)
{
	return is(k, "table", "view", "materialized-view");
}

static int is_routine(const char *k)
{
	return is(k, "function", "procedure", NULL);
}

int strata_expect_is_member(const char *k)
{
	return is(k, "column", "constraint", NULL) ||
	       is(k, "trigger", "policy", NULL);
}

static int same(const struct expect *x, const char *a, const char *b)
{
	return x->pg ? !strcmp(a, b) : !strcasecmp(a, b);
}

static char *dup(struct expect *x, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		x->nomem = 1;
	return d;
}

static void set(struct expect *x, char **field, const char *value)
{
	char *d = dup(x, value);

	if (d) {
		free(*field);
		*field = d;
	}
}

void strata_expect_init(struct expect *x, int pg, const char *def_schema)
{
	memset(x, 0, sizeof(*x));
	x->pg = pg;
	x->def_schema = def_schema ? def_schema : "";
	x->where = "";
}

void strata_expect_dispose(struct expect *x)
{
	for (size_t i = 0; i < x->n; i++) {
		struct xobj *o = &x->v[i];
		free(o->schema);
		free(o->name);
		free(o->table);
		free(o->args);
		free(o->cascade_at);
		for (size_t k = 0; k < o->ncols; k++)
			free(o->cols[k]);
		free(o->cols);
		for (size_t k = 0; k < o->nrefs; k++)
			free(o->refs[k]);
		free(o->refs);
	}
	free(x->v);
	free(x->path_schema);
	memset(x, 0, sizeof(*x));
}

void strata_expect_next(struct expect *x, size_t mig, struct strlist *notes)
{
	free(x->path_schema);
	x->path_schema = NULL;
	x->mig = mig;
	x->notes = notes;
}

/* The schema an object written with `schema` lives in; NULL when it is
 * not followed (a SQLite temp or attached database). */
static const char *resolve(const struct expect *x, const char *kind,
                           const char *schema)
{
	if (is(kind, "schema", "extension", NULL))
		return "";
	if (!x->pg)
		return !*schema || !strcasecmp(schema, "main") ? "" : NULL;
	if (*schema)
		return schema;
	return x->path_schema ? x->path_schema : x->def_schema;
}

/* The object still expected with this identity: kind (its namespace),
 * schema, name, the table for members, the arguments when both have
 * them. */
static struct xobj *find(struct expect *x, const char *kind, const char *schema,
                         const char *table, const char *name, const char *args)
{
	for (size_t i = 0; i < x->n; i++) {
		struct xobj *o = &x->v[i];
		int k = is_relation(kind)  ? is_relation(o->kind)
		        : is_routine(kind) ? is_routine(o->kind)
		                           : !strcmp(kind, o->kind);
		if (o->gone || !k || !same(x, o->schema, schema) ||
		    !same(x, o->name, name) ||
		    (strata_expect_is_member(kind) &&
		     !same(x, o->table, table)) ||
		    (args && o->args && strcmp(args, o->args)))
			continue;
		return o;
	}
	return NULL;
}

static void copy_list(struct expect *x, char ***out, size_t *nout,
                      const char *const *v, size_t n)
{
	if (!n)
		return;
	if (!(*out = calloc(n, sizeof(char *)))) {
		x->nomem = 1;
		return;
	}
	for (*nout = 0; *nout < n; (*nout)++)
		(*out)[*nout] = dup(x, v[*nout]);
}

static void create(struct expect *x, const struct so_object *o,
                   const char *schema)
{
	struct xobj *n;

	if (!kind_static(o->kind) ||
	    find(x, o->kind, schema, o->table, o->name, o->args))
		return; /* IF NOT EXISTS, OR REPLACE: still its first maker's */
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		struct xobj *v = realloc(x->v, cap * sizeof(*v));
		if (!v) {
			x->nomem = 1;
			return;
		}
		x->v = v;
		x->cap = cap;
	}
	n = &x->v[x->n++];
	memset(n, 0, sizeof(*n));
	n->kind = kind_static(o->kind);
	n->schema = dup(x, schema);
	n->name = dup(x, o->name);
	n->table = dup(x, o->table);
	n->args = o->args ? dup(x, o->args) : NULL;
	n->mig = x->mig;
	copy_list(x, &n->cols, &n->ncols, o->cols, o->ncols);
	copy_list(x, &n->refs, &n->nrefs, o->refs, o->nrefs);
}

/* Whether index or constraint o uses column `col` of its table. */
static int uses(const struct expect *x, const struct xobj *o, const char *col)
{
	for (size_t k = 0; k < o->ncols; k++)
		if (same(x, o->cols[k], col))
			return 1;
	return 0;
}

/* The members and indexes of table schema.table: each(o) for each. */
#define EACH_MEMBER(x, o, sch, tab)                                            \
	for (struct xobj *o = (x)->v; o < (x)->v + (x)->n; o++)                \
		if (!o->gone &&                                                \
		    (strata_expect_is_member(o->kind) ||                       \
		     !strcmp(o->kind, "index")) &&                             \
		    same(x, o->schema, sch) && same(x, o->table, tab))

/* Whether o reads or references a relation named in `names`. */
static int refers(const struct expect *x, const struct xobj *o,
                  const struct strlist *names)
{
	for (size_t i = 0; i < o->nrefs; i++)
		for (size_t k = 0; k < names->n; k++)
			if (same(x, o->refs[i], names->v[k]))
				return 1;
	return 0;
}

static void mark(struct expect *x, struct xobj *o)
{
	o->cascade_at = dup(x, x->where);
}

/*
 * A DROP ... CASCADE also drops what depends on the object, which strata
 * does not see in full.  What may have gone with it is marked: if it is
 * missing, that is not held against its migration.  A relation or a
 * column takes the views that read its table (and the views on those),
 * and the foreign keys that reference it; any other object (a type, a
 * function, a schema...) may take anything that is not a table.
 */
static void cascade(struct expect *x, const struct so_object *o)
{
	struct strlist names = {0};
	int grew = 1;

	if (!has_members(o->kind) && strcmp(o->kind, "column")) {
		for (size_t i = 0; i < x->n; i++)
			if (!x->v[i].gone && !x->v[i].cascade_at &&
			    !is(x->v[i].kind, "table", "schema", "extension"))
				mark(x, &x->v[i]);
		return;
	}
	if (strlist_add(&names, "%s", *o->table ? o->table : o->name) < 0)
		x->nomem = 1;
	while (grew && !x->nomem) {
		grew = 0;
		for (size_t i = 0; i < x->n; i++) {
			struct xobj *v = &x->v[i];
			if (v->gone || v->cascade_at || !refers(x, v, &names))
				continue;
			mark(x, v);
			if (has_members(v->kind) &&
			    strlist_add(&names, "%s", v->name) < 0)
				x->nomem = 1;
			grew = 1;
		}
	}
	strlist_dispose(&names);
}

static void drop(struct expect *x, const struct so_object *o,
                 const char *schema)
{
	struct xobj *d;
	int any = 0;

	if (!strcmp(o->kind, "schema")) {
		/* its objects go with it (RESTRICT refuses, CASCADE drops) */
		for (size_t i = 0; i < x->n; i++)
			if (same(x, x->v[i].schema, o->name))
				x->v[i].gone = 1;
	} else if (is_routine(o->kind)) {
		/* by its arguments; when they are spelled in a way strata
		 * does not match, by its name */
		while ((d = find(x, o->kind, schema, "", o->name, o->args)))
			d->gone = any = 1;
		while (!any && o->args &&
		       (d = find(x, o->kind, schema, "", o->name, NULL)))
			d->gone = 1;
	} else if ((d = find(x, o->kind, schema, o->table, o->name, NULL))) {
		d->gone = 1;
		if (has_members(d->kind)) {
			EACH_MEMBER(x, m, d->schema, d->name)
			m->gone = 1;
		}
		/* PostgreSQL drops the indexes and constraints on a
		 * dropped column */
		if (!strcmp(d->kind, "column")) {
			EACH_MEMBER(x, m, d->schema, d->table)
			if (uses(x, m, d->name))
				m->gone = 1;
		}
	}
	if (o->cascade)
		cascade(x, o);
}

static void rename_obj(struct expect *x, const struct so_object *o,
                       const char *schema)
{
	const char *to = o->to ? o->to : o->name;
	const char *to_schema = o->to_schema ? o->to_schema : schema;
	struct xobj *d;

	if (!strcmp(o->kind, "schema")) {
		for (size_t i = 0; i < x->n; i++)
			if (!x->v[i].gone && same(x, x->v[i].schema, o->name))
				set(x, &x->v[i].schema, to);
	}
	if (!(d = find(x, o->kind, schema, o->table, o->name, o->args)) &&
	    (!o->args ||
	     !(d = find(x, o->kind, schema, o->table, o->name, NULL))))
		return;
	if (has_members(d->kind)) {
		EACH_MEMBER(x, m, d->schema, d->name)
		{
			set(x, &m->table, to);
			set(x, &m->schema, to_schema);
		}
		/* views and foreign keys follow it, as PostgreSQL's do */
		for (size_t i = 0; i < x->n; i++)
			for (size_t k = 0; k < x->v[i].nrefs; k++)
				if (same(x, x->v[i].refs[k], d->name))
					set(x, &x->v[i].refs[k], to);
	}
	if (!strcmp(d->kind, "column")) {
		EACH_MEMBER(x, m, d->schema, d->table)
		for (size_t k = 0; k < m->ncols; k++)
			if (same(x, m->cols[k], d->name))
				set(x, &m->cols[k], to);
	}
	set(x, &d->name, to);
	set(x, &d->schema, to_schema);
}

void strata_expect_apply(const struct so_object *o, void *data)
{
	struct expect *x = data;
	const char *schema;

	switch (o->op) {
	case SO_SEARCH_PATH:
		free(x->path_schema);
		x->path_schema = *o->schema ? dup(x, o->schema) : NULL;
		return;
	case SO_UNSEEN:
		if (x->notes &&
		    strlist_add(x->notes,
		                "%s at %s: what it changes is not checked",
		                o->kind, x->where) < 0)
			x->nomem = 1;
		return;
	default:
		break;
	}
	if (!(schema = resolve(x, o->kind, o->schema)))
		return;
	if (o->op == SO_CREATE)
		create(x, o, schema);
	else if (o->op == SO_DROP)
		drop(x, o, schema);
	else
		rename_obj(x, o, schema);
}
