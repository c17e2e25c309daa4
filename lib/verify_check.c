/*
 * What strata verify expects, named and looked for: each object still
 * expected (verify_expect.c) is found in a schema snapshot
 * (docs/snapshot.md) by a key of its kind, schema and names, read from
 * the snapshot's header and property lines.  Exactly on PostgreSQL, whose
 * snapshot quotes names only where SQL needs it; without case on SQLite,
 * whose snapshot writes names as they are.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "verify.h"

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
	if (!strcmp(o->kind, "column") || !strcmp(o->kind, "constraint")) {
		put_name(x, out, o->schema, o->table);
		strata_buf_putc(out, '.');
		put_name(x, out, "", o->name);
	} else if (strata_expect_is_member(o->kind)) {
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
	if (strata_expect_is_member(o->kind))
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
	if (!strcmp(kind, "trigger") || !strcmp(kind, "policy"))
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
