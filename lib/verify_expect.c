/*
 * The objects the applied migrations should have left in the database:
 * followed statement by statement through what each one creates, drops
 * and renames (lint/objects.h), each remembering the migration that made
 * it, and then looked for in a schema snapshot (docs/snapshot.md).
 *
 * Names compare as the database compares them: exactly on PostgreSQL
 * (the parser has folded unquoted ones), without case on SQLite.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/lint.h"
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

/* Objects named within their table. */
static int is_member(const char *k)
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
		    (is_member(kind) && !same(x, o->table, table)) ||
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
		    (is_member(o->kind) || !strcmp(o->kind, "index")) &&       \
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

/* ---- naming and finding them ---- */

static void put_name(const struct expect *x, strata_buf *b, const char *schema,
                     const char *name)
{
	strata_dialect d =
	    x->pg ? STRATA_DIALECT_POSTGRES : STRATA_DIALECT_SQLITE;

	if (!x->pg) {
		strata_buf_puts(b, name);
		return;
	}
	if (*schema) {
		lint_put_ident(b, schema, d);
		strata_buf_putc(b, '.');
	}
	lint_put_ident(b, name, d);
}

void strata_expect_describe(const struct expect *x, const struct xobj *o,
                            strata_buf *out)
{
	strata_buf_printf(out, "%s ", o->kind);
	if (is(o->kind, "column", "constraint", NULL)) {
		put_name(x, out, o->schema, o->table);
		strata_buf_putc(out, '.');
		put_name(x, out, "", o->name);
	} else if (is_member(o->kind)) {
		put_name(x, out, "", o->name);
		strata_buf_puts(out, " ON ");
		put_name(x, out, o->schema, o->table);
	} else {
		put_name(x, out, o->schema, o->name);
	}
}

/* The key an object is found by: kind, schema, then the name, or for a
 * member its table and its name; without case on SQLite. */
static void key(strata_buf *b, int pg, const char *kind, const char *schema,
                const char *a, const char *c)
{
	strata_buf_clear(b);
	strata_buf_printf(b, "%s\x1f%s\x1f%s\x1f%s", kind, schema, a, c);
	for (size_t i = 0; !pg && i < b->len; i++)
		b->ptr[i] = (char)tolower((unsigned char)b->ptr[i]);
}

static void object_key(const struct expect *x, const struct xobj *o,
                       strata_buf *b)
{
	if (is_member(o->kind))
		key(b, x->pg, o->kind, o->schema, o->table, o->name);
	else
		key(b, x->pg, o->kind, o->schema, o->name, "");
}

/* An identifier as a PostgreSQL snapshot writes it: bare, or "quoted"
 * with "" for a quote.  Stops at '.', ' ', '(' or the end. */
static const char *read_ident(const char *p, strata_buf *out)
{
	strata_buf_clear(out);
	if (*p != '"') {
		while (*p && !strchr(". (", *p))
			strata_buf_putc(out, *p++);
		return p;
	}
	for (p++; *p; p++) {
		if (*p == '"' && p[1] != '"')
			return p + 1;
		if (*p == '"')
			p++;
		strata_buf_putc(out, *p);
	}
	return p;
}

/* [schema.]name, then "(args)" skipped (functions). */
static const char *read_qname(const char *p, strata_buf *schema,
                              strata_buf *name)
{
	p = read_ident(p, name);
	strata_buf_clear(schema);
	if (*p == '.') {
		strata_buf_puts(schema, name->ptr);
		p = read_ident(p + 1, name);
	}
	if (*p == '(')
		p += strcspn(p, ")") + (strchr(p, ')') != NULL);
	return p;
}

struct snap {
	int pg;
	struct name_set keys;
	strata_buf k, schema, name, tschema, table;
	strata_buf cur_schema, cur_table; /* the table whose properties
	                                     follow; cur_table "" : none */
};

/* A header line "KIND NAME[ ON TABLE]". */
static int header(struct snap *s, const char *line)
{
	size_t kl = strcspn(line, " ");
	char kind[32];
	const char *p = line + kl + (line[kl] == ' '), *on;

	if (kl >= sizeof(kind))
		return 0;
	memcpy(kind, line, kl);
	kind[kl] = '\0';
	strata_buf_clear(&s->tschema);
	strata_buf_clear(&s->table);
	if (s->pg) {
		p = read_qname(p, &s->schema, &s->name);
		if (!strncmp(p, " ON ", 4))
			read_qname(p + 4, &s->tschema, &s->table);
	} else {
		/* SQLite names are written as they are: cut at " ON " */
		on = strcmp(kind, "index") && strcmp(kind, "trigger")
		         ? NULL
		         : strstr(p, " ON ");
		strata_buf_clear(&s->schema);
		strata_buf_clear(&s->name);
		strata_buf_add(&s->name, p, on ? (size_t)(on - p) : strlen(p));
		if (on)
			strata_buf_puts(&s->table, on + 4);
	}
	if (is(kind, "trigger", "policy", NULL))
		key(&s->k, s->pg, kind, s->tschema.ptr, s->table.ptr,
		    s->name.ptr);
	else
		key(&s->k, s->pg, kind, s->schema.ptr, s->name.ptr, "");
	strata_buf_clear(&s->cur_table);
	strata_buf_clear(&s->cur_schema);
	if (!strcmp(kind, "table")) {
		strata_buf_puts(&s->cur_schema, s->schema.ptr);
		strata_buf_puts(&s->cur_table, s->name.ptr);
	}
	return strata_name_set_add(&s->keys, s->k.ptr);
}

/* A property line of a table: "column NAME ...", "constraint NAME ...". */
static int property(struct snap *s, const char *line)
{
	size_t wl = strcspn(line, " ");
	const char *p = line + wl + (line[wl] == ' ');
	int rc = 0;

	if (!s->cur_table.len ||
	    !((wl == 6 && !strncmp(line, "column", 6)) ||
	      (wl == 10 && !strncmp(line, "constraint", 10))))
		return 0;
	line = wl == 6 ? "column" : "constraint";
	if (s->pg) {
		read_ident(p, &s->name);
		key(&s->k, 1, line, s->cur_schema.ptr, s->cur_table.ptr,
		    s->name.ptr);
		return strata_name_set_add(&s->keys, s->k.ptr);
	}
	/* a SQLite name may hold spaces: every prefix before one counts */
	for (size_t n = 0;; n++) {
		if (p[n] != ' ' && p[n])
			continue;
		strata_buf_clear(&s->name);
		strata_buf_add(&s->name, p, n);
		key(&s->k, 0, line, "", s->cur_table.ptr, s->name.ptr);
		if ((rc = strata_name_set_add(&s->keys, s->k.ptr)) < 0 || !p[n])
			break;
	}
	return rc;
}

int strata_expect_check(struct expect *x, const char *snapshot,
                        void (*missing)(const struct xobj *o, void *data),
                        void *data)
{
	struct snap s;
	char *copy = strdup(snapshot), *line, *next;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.pg = x->pg;
	strata_buf_init(&s.k);
	strata_buf_init(&s.schema);
	strata_buf_init(&s.name);
	strata_buf_init(&s.tschema);
	strata_buf_init(&s.table);
	strata_buf_init(&s.cur_schema);
	strata_buf_init(&s.cur_table);
	if (!copy)
		return STRATA_ENOMEM;
	for (line = copy; line && rc >= 0; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (!*line || !strncmp(line, "--", 2))
			continue;
		if (line[0] != ' ')
			rc = header(&s, line);
		else
			rc = property(&s, line + strspn(line, " "));
	}
	for (size_t i = 0; i < x->n && rc >= 0; i++) {
		if (x->v[i].gone)
			continue;
		object_key(x, &x->v[i], &s.k);
		if (!strata_name_set_has(&s.keys, s.k.ptr))
			missing(&x->v[i], data);
	}
	free(copy);
	strata_name_set_dispose(&s.keys);
	strata_buf_dispose(&s.k);
	strata_buf_dispose(&s.schema);
	strata_buf_dispose(&s.name);
	strata_buf_dispose(&s.tschema);
	strata_buf_dispose(&s.table);
	strata_buf_dispose(&s.cur_schema);
	strata_buf_dispose(&s.cur_table);
	return rc < 0 || x->nomem ? STRATA_ENOMEM : 0;
}
