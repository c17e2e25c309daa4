/*
 * Rule family 'schema' (PostgreSQL): design rules about types and the shape
 * of tables.  They are not about locks: a table created in this migration is
 * their normal case.  See docs/lint-rules.md.
 *
 * Column types are checked per statement (CREATE TABLE, ADD COLUMN, ALTER
 * COLUMN ... TYPE).  The rules about what a table lacks (a primary key, an
 * index under a foreign key, row level security, a comment, a trigger for
 * updated_at) can be satisfied by any later statement of the section, so the
 * statements only collect facts and section_end decides.  A finding decided
 * at section_end still honours the "-- strata:ignore" comment that preceded
 * its statement: whether the rule was on is recorded when the fact is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "strata/buf.h"

extern const struct lint_family strata_lint_schema;

enum {
	R_BIGINT,
	R_IDENTITY,
	R_TEXT,
	R_CHAR,
	R_TIMESTAMPTZ,
	R_JSONB,
	R_IDENT_LONG,
	R_DOMAIN,
	R_DOMAIN_SCAN,
	R_ENUM_ORDER,
	R_ENUM_USE,
	R_NO_PK,
	R_FK_INDEX,
	R_WIDE_INDEX,
	R_RLS,
	R_UPDATED_AT,
	R_COMMENT,
};

/* Design rules are UP_ONLY: a down section restores the shape the table had
 * before, and that shape was reviewed when it was first written. */
static const struct lint_rule rules[] = {
    [R_BIGINT] = {"prefer-bigint", STRATA_SEVERITY_WARNING, LINT_RULE_UP_ONLY,
                  "a key column (id, *_id, primary or foreign key) of type "
                  "integer, smallint or serial runs out of values "
                  "(2^31 or 2^15); use bigint"},
    [R_IDENTITY] = {"prefer-identity", STRATA_SEVERITY_WARNING,
                    LINT_RULE_UP_ONLY,
                    "a serial column: use GENERATED ... AS IDENTITY"},
    [R_TEXT] = {"prefer-text", STRATA_SEVERITY_WARNING, LINT_RULE_UP_ONLY,
                "a varchar(n) column: use text, with a CHECK on length() if "
                "the limit matters"},
    [R_CHAR] = {"no-char", STRATA_SEVERITY_WARNING, LINT_RULE_UP_ONLY,
                "a char(n) column is blank-padded: use text"},
    [R_TIMESTAMPTZ] = {"prefer-timestamptz", STRATA_SEVERITY_WARNING,
                       LINT_RULE_UP_ONLY,
                       "a timestamp without time zone column: use "
                       "timestamptz"},
    [R_JSONB] = {"prefer-jsonb", STRATA_SEVERITY_WARNING, LINT_RULE_UP_ONLY,
                 "a json column: use jsonb"},
    [R_IDENT_LONG] = {"identifier-too-long", STRATA_SEVERITY_ERROR, 0,
                      "an identifier over 63 bytes is silently truncated, "
                      "and two names can become one"},
    [R_DOMAIN] = {"domain-constraint", STRATA_SEVERITY_WARNING,
                  LINT_RULE_UP_ONLY,
                  "a CHECK on a domain: changing it later checks every "
                  "column of the type while blocking writes"},
    [R_DOMAIN_SCAN] = {"domain-constraint-scan", STRATA_SEVERITY_ERROR, 0,
                       "ALTER DOMAIN ADD CONSTRAINT (without NOT VALID) or "
                       "SET NOT NULL checks every column of the type while "
                       "blocking writes"},
    [R_ENUM_ORDER] = {"enum-value-order", STRATA_SEVERITY_INFO,
                      LINT_RULE_UP_ONLY,
                      "ALTER TYPE ... ADD VALUE without BEFORE or AFTER "
                      "sorts the new value last"},
    [R_ENUM_USE] = {"enum-value-used-before-commit", STRATA_SEVERITY_ERROR, 0,
                    "an enum value added in this transaction is used before "
                    "COMMIT (unsafe use of new value)"},
    [R_NO_PK] = {"table-without-primary-key", STRATA_SEVERITY_WARNING,
                 LINT_RULE_UP_ONLY, "a new table without a primary key"},
    [R_FK_INDEX] = {"foreign-key-without-index", STRATA_SEVERITY_WARNING,
                    LINT_RULE_UP_ONLY,
                    "a foreign key whose columns lead no index: deletes on "
                    "the parent scan the child"},
    [R_WIDE_INDEX] = {"wide-index", STRATA_SEVERITY_INFO, LINT_RULE_UP_ONLY,
                      "a non-unique index on more than 3 columns"},
    [R_RLS] = {"table-without-rls", STRATA_SEVERITY_ERROR, LINT_RULE_SUPABASE,
               "a new table without ENABLE ROW LEVEL SECURITY (supabase "
               "profile)"},
    [R_UPDATED_AT] = {"updated-at-without-trigger", STRATA_SEVERITY_WARNING,
                      LINT_RULE_UP_ONLY,
                      "an updated_at column without an UPDATE trigger to "
                      "keep it current"},
    [R_COMMENT] = {"table-without-comment", STRATA_SEVERITY_INFO,
                   LINT_RULE_UP_ONLY, "a new table without COMMENT ON TABLE"},
};

#define NRULES (sizeof(rules) / sizeof(*rules))
#define NO_AT  ((size_t)-1)
/* PostgreSQL's NAMEDATALEN - 1 */
#define MAX_IDENT 63
/* CreateTrigStmt.events: TRIGGER_TYPE_UPDATE */
#define TRIGGER_UPDATE (1 << 4)

/* ---- the section's state ---- */

enum {
	T_CREATED = 1 << 0,      /* CREATE TABLE here */
	T_CTAS = 1 << 1,         /* CREATE TABLE ... AS */
	T_CHILD = 1 << 2,        /* PARTITION OF */
	T_TEMP = 1 << 3,         /* TEMP: gone at the end of the session */
	T_LIKE = 1 << 4,         /* LIKE ...: may copy a primary key */
	T_EXPOSED = 1 << 5,      /* in public (the Supabase Data API sees it) */
	T_DROPPED = 1 << 6,      /* dropped later in the section */
	T_PK = 1 << 7,           /* has a primary key */
	T_RLS = 1 << 8,          /* ENABLE ROW LEVEL SECURITY */
	T_COMMENT = 1 << 9,      /* COMMENT ON TABLE */
	T_UPD_TRIGGER = 1 << 10, /* a trigger ON UPDATE */
};

struct cols {
	char **v; /* owned */
	size_t n;
};

struct table {
	char *key;     /* owned: "name", or "schema.name" outside public */
	char *written; /* owned: as written, for messages and live facts */
	char *sql;     /* owned: quoted as needed, for help */
	unsigned flags;
	unsigned on;       /* 1 << rule: rules on when the table was created */
	size_t at;         /* its name in CREATE TABLE */
	size_t updated_at; /* its updated_at column, NO_AT */
	struct cols *idx;  /* owned: leading columns of each index */
	size_t nidx;
};

struct fkey {
	size_t table; /* index in tables */
	struct cols cols;
	char *target; /* owned: the referenced table, as written */
	size_t at;
};

struct schema_state {
	struct table *tables; /* owned, in order of first mention */
	size_t ntables, ctables;
	struct name_map table_ids; /* key -> index in tables */
	struct fkey *fks;          /* owned, in statement order */
	size_t nfks, cfks;
	struct name_set enums, domains; /* created in this section */
	struct name_map new_values;     /* enum value added in this
	                                   transaction -> its type */
};

static void cols_dispose(struct cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static int cols_add(struct cols *c, const char *name)
{
	char **v = realloc(c->v, (c->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	c->v = v;
	if (!(v[c->n] = strdup(name)))
		return -1;
	c->n++;
	return 0;
}

static void *schema_new(void)
{
	return calloc(1, sizeof(struct schema_state));
}

static void schema_free(void *p)
{
	struct schema_state *s = p;

	for (size_t i = 0; i < s->ntables; i++) {
		struct table *t = &s->tables[i];
		free(t->key);
		free(t->written);
		free(t->sql);
		for (size_t k = 0; k < t->nidx; k++)
			cols_dispose(&t->idx[k]);
		free(t->idx);
	}
	free(s->tables);
	for (size_t i = 0; i < s->nfks; i++) {
		cols_dispose(&s->fks[i].cols);
		free(s->fks[i].target);
	}
	free(s->fks);
	strata_name_map_dispose(&s->table_ids);
	strata_name_map_dispose(&s->new_values);
	strata_name_set_dispose(&s->enums);
	strata_name_set_dispose(&s->domains);
	free(s);
}

/* ---- names ---- */

static void put_ident(strata_buf *b, const char *name)
{
	lint_put_ident(b, name, STRATA_DIALECT_POSTGRES);
}



/* "name" for public (or no schema), else "schema.name". */
static char *make_key(const char *schema, const char *rel)
{
	strata_buf b;

	strata_buf_init(&b);
	if (schema && *schema && strcmp(schema, "public") != 0)
		strata_buf_printf(&b, "%s.", schema);
	strata_buf_puts(&b, rel ? rel : "?");
	return strata_buf_detach(&b);
}

static char *rv_sql(const PgQuery__RangeVar *rv)
{
	strata_buf b;

	strata_buf_init(&b);
	if (rv->schemaname && *rv->schemaname) {
		put_ident(&b, rv->schemaname);
		strata_buf_putc(&b, '.');
	}
	put_ident(&b, rv->relname ? rv->relname : "?");
	return strata_buf_detach(&b);
}

/*
 * The table entry for `rv`, added when missing; NULL when out of memory.
 * Adding may move the array: a pointer from here stays valid only while
 * later calls name the same table (which never adds).
 */
static struct table *table_of(struct schema_state *s,
                              const PgQuery__RangeVar *rv)
{
	char *key, *written = NULL, *sql = NULL, num[24];
	const char *id;
	struct table *t;

	if (!rv || !rv->relname || !*rv->relname)
		return NULL;
	if (!(key = make_key(rv->schemaname, rv->relname)))
		return NULL;
	if ((id = strata_name_map_get(&s->table_ids, key))) {
		free(key);
		return &s->tables[strtoul(id, NULL, 10)];
	}
	if (s->ntables == s->ctables) {
		size_t c = s->ctables ? s->ctables * 2 : 16;
		struct table *v = realloc(s->tables, c * sizeof(*v));
		if (!v)
			goto fail;
		s->tables = v;
		s->ctables = c;
	}
	written = strata_pg_rangevar_name(rv);
	sql = rv_sql(rv);
	snprintf(num, sizeof(num), "%zu", s->ntables);
	if (!written || !sql ||
	    strata_name_map_put(&s->table_ids, key, num) < 0)
		goto fail;
	t = &s->tables[s->ntables++];
	memset(t, 0, sizeof(*t));
	t->key = key;
	t->written = written;
	t->sql = sql;
	t->at = NO_AT;
	t->updated_at = NO_AT;
	if (!rv->schemaname || !*rv->schemaname ||
	    strcmp(rv->schemaname, "public") == 0)
		t->flags |= T_EXPOSED;
	return t;
fail:
	free(key);
	free(written);
	free(sql);
	return NULL;
}

/* The entry of a table named by a list of String nodes (COMMENT ON). */
static struct table *table_of_names(struct schema_state *s,
                                    PgQuery__Node **names, size_t n)
{
	PgQuery__RangeVar rv = PG_QUERY__RANGE_VAR__INIT;
	const char *schema = "";

	for (size_t i = 0; i < n; i++)
		if (names[i]->node_case != PG_QUERY__NODE__NODE_STRING)
			return NULL;
	if (n >= 2)
		schema = names[n - 2]->string->sval;
	rv.schemaname = (char *)schema;
	rv.relname = (char *)strata_pg_last_name(names, n);
	return table_of(s, &rv);
}

/* A type or domain by its last name: the schema is ignored, which is
 * enough to match a CREATE with a later ALTER in one migration. */
static const char *type_key(PgQuery__Node **names, size_t n)
{
	return strata_pg_last_name(names, n);
}

static int on(const struct lint *L, int rule)
{
	return lint_enabled(L, &rules[rule]);
}

/* ---- column types ---- */

enum ctx { IN_CREATE, IN_ADD, IN_ALTER };

struct column {
	enum ctx ctx;
	const char *table;     /* as written */
	const char *table_sql; /* for help */
	const char *name;
	int key_like; /* id, *_id, a primary or foreign key, an identity */
};

/* Whether a column holds keys: those are what run out of 32 bits (a
 * percentage or a count of lessons never will). */
static int key_like(const char *name, const PgQuery__ColumnDef *cd)
{
	size_t n = name ? strlen(name) : 0;

	if (n && (!strcmp(name, "id") ||
	          (n > 3 && !strcmp(name + n - 3, "_id"))))
		return 1;
	for (size_t i = 0; cd && i < cd->n_constraints; i++) {
		const PgQuery__Node *k = cd->constraints[i];
		if (k->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		switch (k->constraint->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
		case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
			return 1;
		default:
			break;
		}
	}
	return 0;
}

/* The help: the column (or the type change) written with `type`. */
static void type_help(struct lint *L, const struct column *c, const char *type,
                      const char *check)
{
	strata_buf col;

	strata_buf_init(&col);
	put_ident(&col, c->name);
	switch (c->ctx) {
	case IN_CREATE:
		lint_help(L,
		          "CREATE TABLE %s (\n    %s %s%s,\n    -- the "
		          "other columns\n);",
		          c->table_sql, col.ptr, type, check);
		break;
	case IN_ADD:
		lint_help(L, "ALTER TABLE %s ADD COLUMN %s %s%s;", c->table_sql,
		          col.ptr, type, check);
		break;
	case IN_ALTER:
		lint_help(L, "ALTER TABLE %s ALTER COLUMN %s TYPE %s;",
		          c->table_sql, col.ptr, type);
		break;
	}
	strata_buf_dispose(&col);
}

static const char *const serials[] = {"serial",  "serial4",     "bigserial",
                                      "serial8", "smallserial", "serial2",
                                      NULL};

/* The integer types prefer-bigint flags, as the parser names them. */
static const struct {
	const char *name, *shown, *limit;
	int serial;
} narrow[] = {
    {"int4", "integer", "2^31-1 (2,147,483,647)", 0},
    {"int2", "smallint", "2^15-1 (32,767)", 0},
    {"serial", "serial", "2^31-1 (2,147,483,647)", 1},
    {"serial4", "serial4", "2^31-1 (2,147,483,647)", 1},
    {"smallserial", "smallserial", "2^15-1 (32,767)", 1},
    {"serial2", "serial2", "2^15-1 (32,767)", 1},
};

static int in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static long typmod(const PgQuery__TypeName *t, size_t i)
{
	const PgQuery__Node *m;

	if (i >= t->n_typmods)
		return -1;
	m = t->typmods[i];
	if (m->node_case == PG_QUERY__NODE__NODE_A_CONST &&
	    m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
		return m->a_const->ival->ival;
	return -1;
}

static void check_type(struct lint *L, const struct column *c,
                       const PgQuery__TypeName *t)
{
	const char *name, *arr;
	char type[64], check[160], full[200];
	size_t at;
	long n;

	if (!t || !t->n_names || !c->name)
		return;
	name = strata_pg_last_name(t->names, t->n_names);
	arr = t->n_array_bounds ? "[]" : "";
	at = lint_pg_offset(L, t->location);
	snprintf(full, sizeof(full), "%s.%s", c->table, c->name);
	check[0] = '\0';

	for (size_t i = 0; i < sizeof(narrow) / sizeof(*narrow); i++) {
		if (strcmp(name, narrow[i].name) != 0 ||
		    (!narrow[i].serial && !c->key_like))
			continue;
		snprintf(type, sizeof(type), "bigint%s%s", arr,
		         narrow[i].serial ? " GENERATED BY DEFAULT AS IDENTITY"
		                          : "");
		type_help(L, c, type, "");
		lint_report(L, &rules[R_BIGINT], NULL, at,
		            "'%s' is %s: it stops at %s, and widening it later "
		            "rewrites the table under an ACCESS EXCLUSIVE lock",
		            full, narrow[i].shown, narrow[i].limit);
	}
	if (in_list(serials, name) && c->ctx != IN_ALTER) {
		type_help(L, c, "bigint GENERATED BY DEFAULT AS IDENTITY", "");
		lint_report(L, &rules[R_IDENTITY], NULL, at,
		            "'%s' is %s: its sequence is a separate object "
		            "with its own owner and grants, which copies and "
		            "dumps of the table can lose; an identity column "
		            "belongs to the table",
		            full, name);
	}
	if (!strcmp(name, "varchar") && (n = typmod(t, 0)) >= 0) {
		strata_buf col;
		strata_buf_init(&col);
		put_ident(&col, c->name);
		if (!*arr)
			snprintf(check, sizeof(check),
			         " CHECK (length(%s) <= %ld)", col.ptr, n);
		strata_buf_dispose(&col);
		snprintf(type, sizeof(type), "text%s", arr);
		type_help(L, c, type, check);
		lint_report(
		    L, &rules[R_TEXT], NULL, at,
		    "'%s' is varchar(%ld): changing the limit later "
		    "locks the table (ACCESS EXCLUSIVE) and lowering it "
		    "rewrites it, while a CHECK on text can be replaced "
		    "with NOT VALID and VALIDATE",
		    full, n);
	}
	if (!strcmp(name, "bpchar") && t->n_typmods > 0) {
		n = typmod(t, 0);
		if (n < 0)
			n = 1;
		snprintf(type, sizeof(type), "text%s", arr);
		type_help(L, c, type, "");
		lint_report(L, &rules[R_CHAR], NULL, at,
		            "'%s' is char(%ld): values are padded with blanks "
		            "to %ld characters, which clients get back while "
		            "comparisons and length() ignore them, and it is "
		            "no faster than text",
		            full, n, n);
	}
	if (!strcmp(name, "timestamp")) {
		if ((n = typmod(t, 0)) >= 0)
			snprintf(type, sizeof(type), "timestamptz(%ld)%s", n,
			         arr);
		else
			snprintf(type, sizeof(type), "timestamptz%s", arr);
		type_help(L, c, type, "");
		lint_report(L, &rules[R_TIMESTAMPTZ], NULL, at,
		            "'%s' is timestamp without time zone: it keeps a "
		            "wall-clock reading without its zone, so values "
		            "written under different TimeZone settings or "
		            "across a DST change cannot be compared; "
		            "timestamptz stores the instant",
		            full);
	}
	if (!strcmp(name, "json")) {
		snprintf(type, sizeof(type), "jsonb%s", arr);
		type_help(L, c, type, "");
		lint_report(L, &rules[R_JSONB], NULL, at,
		            "'%s' is json: it is stored as text and parsed on "
		            "every access, has no equality operator (DISTINCT, "
		            "GROUP BY and UNION fail on it) and no GIN index; "
		            "jsonb has all three",
		            full);
	}
}

/* ---- facts about tables ---- */

static void add_index(struct table *t, const struct cols *c)
{
	struct cols *v;

	if (!t || !c->n)
		return;
	if (!(v = realloc(t->idx, (t->nidx + 1) * sizeof(*v))))
		return;
	t->idx = v;
	v[t->nidx++] = *c;
}

/* The column names of a list of String nodes. */
static void names_to_cols(PgQuery__Node **names, size_t n, struct cols *out)
{
	for (size_t i = 0; i < n; i++)
		if (names[i]->node_case == PG_QUERY__NODE__NODE_STRING)
			cols_add(out, names[i]->string->sval);
}

/* Leading plain columns of an index (an expression ends the prefix). */
static void elems_to_cols(PgQuery__Node **elems, size_t n, struct cols *out)
{
	for (size_t i = 0; i < n; i++) {
		const PgQuery__Node *e = elems[i];
		/* EXCLUDE: (IndexElem, operator) pairs */
		if (e->node_case == PG_QUERY__NODE__NODE_LIST &&
		    e->list->n_items > 0)
			e = e->list->items[0];
		if (e->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM ||
		    !e->index_elem->name || !*e->index_elem->name)
			return;
		cols_add(out, e->index_elem->name);
	}
}

static void add_fk(struct lint *L, struct schema_state *s, struct table *t,
                   const PgQuery__Constraint *c, const char *column)
{
	struct fkey *f;

	if (!t || !on(L, R_FK_INDEX))
		return;
	if (s->nfks == s->cfks) {
		size_t n = s->cfks ? s->cfks * 2 : 16;
		struct fkey *v = realloc(s->fks, n * sizeof(*v));
		if (!v)
			return;
		s->fks = v;
		s->cfks = n;
	}
	f = &s->fks[s->nfks];
	memset(f, 0, sizeof(*f));
	if (column)
		cols_add(&f->cols, column);
	else
		names_to_cols(c->fk_attrs, c->n_fk_attrs, &f->cols);
	if (!f->cols.n) {
		cols_dispose(&f->cols);
		return;
	}
	f->table = (size_t)(t - s->tables);
	f->target = c->pktable ? strata_pg_rangevar_name(c->pktable) : NULL;
	f->at = lint_pg_offset(L, c->location);
	if (f->at == LINT_AT_STMT)
		f->at = L->cur->offset;
	s->nfks++;
}

/* A constraint of a table (or of one of its columns, `column`). */
static void constraint(struct lint *L, struct schema_state *s,
                       const PgQuery__RangeVar *rv,
                       const PgQuery__Constraint *c, const char *column)
{
	struct table *t = table_of(s, rv);
	struct cols k = {0};

	if (!t)
		return;
	switch (c->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
		if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
			t->flags |= T_PK;
		if (column)
			cols_add(&k, column);
		else
			names_to_cols(c->keys, c->n_keys, &k);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
		elems_to_cols(c->exclusions, c->n_exclusions, &k);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		add_fk(L, s, t, c, column);
		return;
	default:
		return;
	}
	/* a partial constraint index does not serve every lookup */
	if (c->where_clause)
		cols_dispose(&k);
	else if (k.n)
		add_index(t, &k);
}

static void column(struct lint *L, struct schema_state *s,
                   const PgQuery__RangeVar *rv, const struct column *c,
                   const PgQuery__ColumnDef *cd)
{
	struct table *t;
	struct column kc = *c;

	kc.key_like = key_like(c->name, cd);
	c = &kc;
	check_type(L, c, cd->type_name);
	for (size_t i = 0; i < cd->n_constraints; i++)
		if (cd->constraints[i]->node_case ==
		    PG_QUERY__NODE__NODE_CONSTRAINT)
			constraint(L, s, rv, cd->constraints[i]->constraint,
			           cd->colname);
	if (cd->colname && strcmp(cd->colname, "updated_at") == 0 &&
	    on(L, R_UPDATED_AT) && (t = table_of(s, rv)) &&
	    t->updated_at == NO_AT) {
		t->updated_at = lint_pg_offset(L, cd->location);
		if (t->updated_at == LINT_AT_STMT)
			t->updated_at = L->cur->offset;
	}
}

static void create_table(struct lint *L, struct schema_state *s,
                         const PgQuery__CreateStmt *cs)
{
	const PgQuery__RangeVar *rv = cs->relation;
	struct table *t = table_of(s, rv);
	struct column c;

	if (!t)
		return;
	t->flags = (t->flags & T_EXPOSED) | T_CREATED;
	t->on = 0;
	if (cs->partbound)
		t->flags |= T_CHILD;
	if (rv->relpersistence && rv->relpersistence[0] == 't')
		t->flags |= T_TEMP;
	t->at = lint_pg_offset(L, rv->location);
	if (t->at == LINT_AT_STMT)
		t->at = L->cur->offset;
	for (int r = R_NO_PK; r <= R_COMMENT; r++)
		if (on(L, r))
			t->on |= 1u << r;
	c.ctx = IN_CREATE;
	c.table = t->written;
	c.table_sql = t->sql;
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
			c.name = e->column_def->colname;
			column(L, s, rv, &c, e->column_def);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
			constraint(L, s, rv, e->constraint, NULL);
		} else if (e->node_case ==
		           PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
			t->flags |= T_LIKE;
		}
	}
	for (size_t i = 0; i < cs->n_constraints; i++)
		if (cs->constraints[i]->node_case ==
		    PG_QUERY__NODE__NODE_CONSTRAINT)
			constraint(L, s, rv, cs->constraints[i]->constraint,
			           NULL);
}

static void alter_table(struct lint *L, struct schema_state *s,
                        const PgQuery__AlterTableStmt *a)
{
	const PgQuery__RangeVar *rv = a->relation;
	struct table *t;
	struct column c;

	if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
	    !(t = table_of(s, rv)))
		return;
	c.table = t->written;
	c.table_sql = t->sql;
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd;
		const PgQuery__Node *def;

		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		cmd = a->cmds[i]->alter_table_cmd;
		def = cmd->def;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
			if (def &&
			    def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
				c.ctx = IN_ADD;
				c.name = def->column_def->colname;
				column(L, s, rv, &c, def->column_def);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
			if (def &&
			    def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
				c.ctx = IN_ALTER;
				c.name = cmd->name;
				c.key_like = key_like(c.name, NULL);
				check_type(L, &c, def->column_def->type_name);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
			if (def &&
			    def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
				constraint(L, s, rv, def->constraint, NULL);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
			t->flags |= T_RLS;
			break;
		default:
			break;
		}
	}
}

/* A shorter index name for help: "table_col_idx", within 63 bytes. */
static void index_name(char *out, size_t n, const char *table,
                       const struct cols *c)
{
	strata_buf b;
	size_t len;

	strata_buf_init(&b);
	strata_buf_puts(&b, table);
	for (size_t i = 0; i < c->n; i++)
		strata_buf_printf(&b, "_%s", c->v[i]);
	len = b.len;
	if (len > MAX_IDENT - 4)
		len = MAX_IDENT - 4;
	/* do not cut a UTF-8 character in half */
	while (len > 0 && len < b.len &&
	       ((unsigned char)b.ptr[len] & 0xC0) == 0x80)
		len--;
	snprintf(out, n, "%.*s_idx", (int)len, b.ptr);
	strata_buf_dispose(&b);
}

static void put_cols(strata_buf *b, const struct cols *c, size_t max)
{
	for (size_t i = 0; i < c->n && i < max; i++) {
		if (i)
			strata_buf_puts(b, ", ");
		put_ident(b, c->v[i]);
	}
}

static void create_index(struct lint *L, struct schema_state *s,
                         const PgQuery__IndexStmt *ix)
{
	struct table *t = table_of(s, ix->relation);
	struct cols k = {0};

	if (!t)
		return;
	if (!ix->unique && !ix->primary && ix->n_index_params > 3 &&
	    on(L, R_WIDE_INDEX)) {
		struct cols all = {0};
		strata_buf b, name;
		elems_to_cols(ix->index_params, ix->n_index_params, &all);
		strata_buf_init(&b);
		strata_buf_init(&name);
		if (ix->idxname && *ix->idxname) {
			strata_buf_puts(&name, " ");
			put_ident(&name, ix->idxname);
		}
		if (all.n >= 3) {
			put_cols(&b, &all, 3);
			lint_help(L, "CREATE INDEX%s%s ON %s (%s);",
			          ix->concurrent ? " CONCURRENTLY" : "",
			          name.ptr, t->sql, b.ptr);
		}
		lint_report(L, &rules[R_WIDE_INDEX], NULL, LINT_AT_STMT,
		            "non-unique index on %zu columns of '%s': it is "
		            "large and slows every write, and queries seldom "
		            "use the columns past the third; keep the three "
		            "that filter most",
		            ix->n_index_params, t->written);
		strata_buf_dispose(&b);
		strata_buf_dispose(&name);
		cols_dispose(&all);
	}
	if (ix->where_clause)
		return;
	elems_to_cols(ix->index_params, ix->n_index_params, &k);
	if (k.n)
		add_index(t, &k);
}

/* ---- domains and enums ---- */

static void domain_help(struct lint *L, const char *domain, const char *base)
{
	lint_help(L,
	          "CREATE DOMAIN %s AS %s;\n-- and the rule on each column "
	          "that uses it, which NOT VALID and VALIDATE can change "
	          "without blocking writes:\nALTER TABLE t ADD CONSTRAINT "
	          "t_c_check CHECK (c ...) NOT VALID;\nALTER TABLE t "
	          "VALIDATE CONSTRAINT t_c_check;",
	          domain, base);
}

static void create_domain(struct lint *L, struct schema_state *s,
                          const PgQuery__CreateDomainStmt *d)
{
	const char *name = type_key(d->domainname, d->n_domainname);
	char base[120];

	strata_name_set_add(&s->domains, name);
	strata_pg_type_string(d->type_name, base, sizeof(base));
	for (size_t i = 0; i < d->n_constraints; i++) {
		const PgQuery__Constraint *c;
		if (d->constraints[i]->node_case !=
		    PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		c = d->constraints[i]->constraint;
		if (c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
			continue;
		domain_help(L, name, *base ? base : "text");
		lint_report(
		    L, &rules[R_DOMAIN], NULL, lint_pg_offset(L, c->location),
		    "domain '%s' has a CHECK constraint: changing it "
		    "later checks every column of this type in every "
		    "table, blocking writes to them, with no concurrent "
		    "way to do it",
		    name);
	}
}

static void alter_domain(struct lint *L, struct schema_state *s,
                         const PgQuery__AlterDomainStmt *d)
{
	const char *name = type_key(d->type_name, d->n_type_name);
	const PgQuery__Constraint *c = NULL;
	int here = strata_name_set_has(&s->domains, name);
	size_t at = LINT_AT_STMT;

	if (!d->subtype)
		return;
	if (d->def && d->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
		c = d->def->constraint;
		at = lint_pg_offset(L, c->location);
	}
	if (d->subtype[0] == 'C' && c &&
	    (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
	     c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)) {
		if (here || c->skip_validation) {
			domain_help(L, name, "...");
			lint_report(L, &rules[R_DOMAIN], NULL, at,
			            "a CHECK constraint on domain '%s': "
			            "validating or changing it checks every "
			            "column of this type in every table, "
			            "blocking writes to them",
			            name);
			return;
		}
		lint_help(L,
		          "ALTER DOMAIN %s ADD CONSTRAINT %s CHECK (...) NOT "
		          "VALID;\n-- new and updated rows are checked from "
		          "here on; in a later migration, at a quiet "
		          "time:\nALTER DOMAIN %s VALIDATE CONSTRAINT %s;",
		          name, c->conname && *c->conname ? c->conname : "c",
		          name, c->conname && *c->conname ? c->conname : "c");
		lint_report(
		    L, &rules[R_DOMAIN_SCAN], NULL, at,
		    "adding a constraint to domain '%s' checks every "
		    "column of this type in every table, blocking writes "
		    "to them until it is done",
		    name);
	} else if (d->subtype[0] == 'O' && !here) {
		lint_help(L,
		          "-- NOT NULL on each column that uses the domain, "
		          "without a long lock:\nALTER TABLE t ADD CONSTRAINT "
		          "t_c_not_null CHECK (c IS NOT NULL) NOT VALID;\n"
		          "ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;\n"
		          "ALTER TABLE t ALTER COLUMN c SET NOT NULL;");
		lint_report(
		    L, &rules[R_DOMAIN_SCAN], NULL, LINT_AT_STMT,
		    "SET NOT NULL on domain '%s' checks every column of "
		    "this type in every table, blocking writes to them "
		    "until it is done",
		    name);
	}
}

static void alter_enum(struct lint *L, struct schema_state *s,
                       const PgQuery__AlterEnumStmt *e)
{
	const char *type = type_key(e->type_name, e->n_type_name);

	/* RENAME VALUE has old_val; ADD VALUE has only new_val */
	if (!e->new_val || !*e->new_val || (e->old_val && *e->old_val))
		return;
	if (strata_name_set_has(&s->enums, type))
		return; /* a new type: no data, no queries yet, and its
		           values may be used at once */
	if (!e->new_val_neighbor || !*e->new_val_neighbor) {
		lint_help(L,
		          "ALTER TYPE %s ADD VALUE%s '%s' BEFORE "
		          "'<the value it precedes>';",
		          type,
		          e->skip_if_new_val_exists ? " IF NOT EXISTS" : "",
		          e->new_val);
		lint_report(L, &rules[R_ENUM_ORDER], NULL, LINT_AT_STMT,
		            "'%s' is added after every existing value of '%s': "
		            "ORDER BY and comparisons such as < and > treat it "
		            "as the greatest; say BEFORE or AFTER to place it",
		            e->new_val, type);
	}
	/* before 12 ADD VALUE cannot run in a transaction at all (another
	 * rule says so) */
	if (L->pg_version >= 12 && (L->in_tx || L->tx_depth > 0))
		strata_name_map_put(&s->new_values, e->new_val, type);
}

/* ---- string literals of a statement, for new enum values ---- */

struct literal_scan {
	struct lint *L;
	struct schema_state *s;
	struct name_set seen; /* values reported in this statement */
};

static void literal(struct literal_scan *ls, const PgQuery__AConst *k)
{
	const char *type;

	if (k->val_case != PG_QUERY__A__CONST__VAL_SVAL || !k->sval ||
	    !k->sval->sval)
		return;
	if (!(type = strata_name_map_get(&ls->s->new_values, k->sval->sval)))
		return;
	if (strata_name_set_add(&ls->seen, k->sval->sval) != 1)
		return;
	lint_help(ls->L,
	          "-- commit the new value before using it: end this "
	          "migration with\nALTER TYPE %s ADD VALUE '%s';\n-- "
	          "and use '%s' in the next migration (or mark this "
	          "one '-- strata:no-transaction')",
	          type, k->sval->sval, k->sval->sval);
	lint_report(ls->L, &rules[R_ENUM_USE], NULL,
	            lint_pg_offset(ls->L, k->location),
	            "'%s' was added to enum '%s' in this transaction: using it "
	            "before COMMIT fails with 'unsafe use of new value' "
	            "(SQLSTATE 55P04)",
	            k->sval->sval, type);
}

/*
 * Walks any message of the parse tree through the protobuf-c descriptors,
 * so that every statement kind is covered without a case per node type.
 */
static void walk_literals(struct literal_scan *ls, const ProtobufCMessage *m,
                          int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;

	if (d == &pg_query__a__const__descriptor) {
		literal(ls, (const PgQuery__AConst *)m);
		return;
	}
	if (depth > 1000)
		return;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n =
			    *(const size_t *)(base + f->quantifier_offset);
			ProtobufCMessage *const *v = *(
			    ProtobufCMessage *const *const *)(base + f->offset);
			for (size_t k = 0; k < n; k++)
				if (v[k])
					walk_literals(ls, v[k], depth + 1);
		} else {
			const ProtobufCMessage *sub;
			if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			    *(const uint32_t *)(base + f->quantifier_offset) !=
			        f->id)
				continue;
			sub = *(const ProtobufCMessage *const *)(base +
			                                         f->offset);
			if (sub)
				walk_literals(ls, sub, depth + 1);
		}
	}
}

/* ---- identifiers ---- */

/* Whether the text may hold an identifier over 63 bytes: a cheap test that
 * spares the scanner almost every statement. */
static int may_have_long_ident(const char *s, size_t n)
{
	size_t run = 0, quoted = 0;
	int inq = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"') {
			if (inq && i + 1 < n && s[i + 1] == '"') {
				quoted++, i++;
				continue;
			}
			inq = !inq;
			quoted = 0;
			run = 0;
			continue;
		}
		if (inq) {
			if (++quoted > MAX_IDENT)
				return 1;
			continue;
		}
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '$' ||
		    ch >= 0x80) {
			if (++run > MAX_IDENT)
				return 1;
		} else {
			run = 0;
		}
	}
	return 0;
}

static void check_identifiers(struct lint *L, const struct lint_stmt *st)
{
	const char *text = L->text + st->offset;
	PgQuery__ScanResult *sr = NULL;
	PgQueryScanResult r;
	struct name_set seen = {0};
	char *sql;

	if (st->len <= MAX_IDENT || !on(L, R_IDENT_LONG) ||
	    !may_have_long_ident(text, st->len))
		return;
	if (!(sql = strndup(text, st->len)))
		return;
	r = pg_query_scan(sql);
	if (!r.error)
		sr = pg_query__scan_result__unpack(
		    NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
	for (size_t i = 0; sr && i < sr->n_tokens; i++) {
		const PgQuery__ScanToken *tok = sr->tokens[i];
		const char *p = sql + tok->start;
		size_t raw = (size_t)(tok->end - tok->start), len = raw;
		char name[300];

		if (tok->token != PG_QUERY__TOKEN__IDENT || tok->start < 0 ||
		    tok->end > (int32_t)st->len || raw <= MAX_IDENT)
			continue;
		if (*p == '"') {
			/* the name between the quotes, "" counting once */
			size_t o = 0;
			len = 0;
			for (size_t k = 1; k + 1 < raw; k++) {
				if (p[k] == '"')
					k++;
				if (o + 1 < sizeof(name))
					name[o++] = p[k];
				len++;
			}
			name[o] = '\0';
		} else {
			snprintf(name, sizeof(name), "%.*s", (int)raw, p);
		}
		if (len <= MAX_IDENT || strata_name_set_add(&seen, name) != 1)
			continue;
		{
			/* what PostgreSQL keeps: 63 bytes, whole characters */
			size_t keep = MAX_IDENT;
			while (keep > 0 &&
			       ((unsigned char)name[keep] & 0xC0) == 0x80)
				keep--;
			lint_help(L,
			          "-- a name of at most 63 bytes; PostgreSQL "
			          "would keep only:\n-- %.*s",
			          (int)keep, name);
			lint_report(
			    L, &rules[R_IDENT_LONG], NULL,
			    st->offset + (size_t)tok->start,
			    "'%s' is %zu bytes: PostgreSQL silently cuts "
			    "identifiers to 63 bytes, so it is stored as "
			    "another name, and two names that differ only "
			    "after byte 63 become the same",
			    name, len);
		}
	}
	if (sr)
		pg_query__scan_result__free_unpacked(sr, NULL);
	pg_query_free_scan_result(r);
	strata_name_set_dispose(&seen);
	free(sql);
}

/* ---- every statement ---- */

static void schema_statement(struct lint *L, const struct lint_stmt *st)
{
	struct schema_state *s = lint_state(L, &strata_lint_schema);
	const PgQuery__Node *n = st->node;
	struct table *t;

	if (!s || !n)
		return;
	check_identifiers(L, st);
	if (s->new_values.count && on(L, R_ENUM_USE)) {
		struct literal_scan ls = {L, s, {0}};
		walk_literals(&ls, &n->base, 0);
		strata_name_set_dispose(&ls.seen);
	}
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		create_table(L, s, n->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
		const PgQuery__IntoClause *in = n->create_table_as_stmt->into;
		if (n->create_table_as_stmt->objtype !=
		        PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
		    !in || !(t = table_of(s, in->rel)))
			break;
		t->flags = (t->flags & T_EXPOSED) | T_CREATED | T_CTAS;
		if (in->rel->relpersistence &&
		    in->rel->relpersistence[0] == 't')
			t->flags |= T_TEMP;
		t->at = lint_pg_offset(L, in->rel->location);
		if (t->at == LINT_AT_STMT)
			t->at = st->offset;
		if (on(L, R_RLS))
			t->on |= 1u << R_RLS;
		break;
	}
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		alter_table(L, s, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		create_index(L, s, n->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_COMMENT_STMT: {
		const PgQuery__CommentStmt *c = n->comment_stmt;
		if (c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
		    c->comment && *c->comment && c->object &&
		    c->object->node_case == PG_QUERY__NODE__NODE_LIST &&
		    (t = table_of_names(s, c->object->list->items,
		                        c->object->list->n_items)))
			t->flags |= T_COMMENT;
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
		if ((n->create_trig_stmt->events & TRIGGER_UPDATE) &&
		    (t = table_of(s, n->create_trig_stmt->relation)))
			t->flags |= T_UPD_TRIGGER;
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT: {
		const PgQuery__DropStmt *d = n->drop_stmt;
		if (d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
			break;
		for (size_t i = 0; i < d->n_objects; i++)
			if (d->objects[i]->node_case ==
			        PG_QUERY__NODE__NODE_LIST &&
			    (t = table_of_names(s, d->objects[i]->list->items,
			                        d->objects[i]->list->n_items)))
				t->flags |= T_DROPPED;
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		strata_name_set_add(&s->enums,
		                    type_key(n->create_enum_stmt->type_name,
		                             n->create_enum_stmt->n_type_name));
		break;
	case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
		alter_enum(L, s, n->alter_enum_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		create_domain(L, s, n->create_domain_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
		alter_domain(L, s, n->alter_domain_stmt);
		break;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		switch (n->transaction_stmt->kind) {
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
			/* committed (or gone): the values are safe to use */
			strata_name_map_dispose(&s->new_values);
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
}

/* ---- the end of the section ---- */

/* Whether an index of t starts with the columns of fk, in any order. */
static int fk_covered(const struct table *t, const struct cols *fk)
{
	for (size_t i = 0; i < t->nidx; i++) {
		const struct cols *ix = &t->idx[i];
		size_t k;
		if (ix->n < fk->n)
			continue;
		for (k = 0; k < fk->n; k++) {
			size_t j = 0;
			while (j < fk->n && strcmp(ix->v[j], fk->v[k]) != 0)
				j++;
			if (j == fk->n)
				break;
		}
		if (k == fk->n)
			return 1;
	}
	return 0;
}

static void report_fks(struct lint *L, struct schema_state *s)
{
	for (size_t i = 0; i < s->nfks; i++) {
		const struct fkey *f = &s->fks[i];
		const struct table *t = &s->tables[f->table];
		int created = (t->flags & T_CREATED) != 0;
		char name[MAX_IDENT + 8];
		strata_buf cols, iname;

		if ((t->flags & (T_TEMP | T_DROPPED)) ||
		    fk_covered(t, &f->cols))
			continue;
		if (!created &&
		    lint_live_has_index(L, t->written, f->cols.v[0]) == 1)
			continue;
		strata_buf_init(&cols);
		strata_buf_init(&iname);
		put_cols(&cols, &f->cols, f->cols.n);
		index_name(name, sizeof(name),
		           strchr(t->key, '.') ? strchr(t->key, '.') + 1
		                               : t->key,
		           &f->cols);
		put_ident(&iname, name);
		if (created)
			lint_help(L, "CREATE INDEX %s ON %s (%s);", iname.ptr,
			          t->sql, cols.ptr);
		else
			lint_help(L,
			          "-- in a migration of its own (strata runs "
			          "it outside a transaction):\nCREATE INDEX "
			          "CONCURRENTLY %s ON %s (%s);",
			          iname.ptr, t->sql, cols.ptr);
		lint_report(
		    L, &rules[R_FK_INDEX], created ? NULL : t->written, f->at,
		    "no index on '%s' starts with (%s), the foreign key "
		    "to '%s': every DELETE or key UPDATE there scans "
		    "'%s' for referencing rows",
		    t->written, cols.ptr, f->target ? f->target : "?",
		    t->written);
		strata_buf_dispose(&cols);
		strata_buf_dispose(&iname);
	}
}

static void schema_section_end(struct lint *L)
{
	struct schema_state *s = lint_state(L, &strata_lint_schema);

	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++) {
		const struct table *t = &s->tables[i];
		if (!(t->flags & T_CREATED) || (t->flags & T_TEMP) ||
		    (t->flags & T_DROPPED))
			continue;
		if ((t->on & (1u << R_NO_PK)) &&
		    !(t->flags & (T_PK | T_CHILD | T_LIKE | T_CTAS))) {
			lint_help(L,
			          "CREATE TABLE %s (\n    id bigint GENERATED "
			          "ALWAYS AS IDENTITY PRIMARY KEY,\n    -- the "
			          "other columns\n);",
			          t->sql);
			lint_report(
			    L, &rules[R_NO_PK], NULL, t->at,
			    "table '%s' has no primary key: its rows "
			    "cannot be told apart reliably, and logical "
			    "replication cannot apply its UPDATEs and "
			    "DELETEs",
			    t->written);
		}
	}
	report_fks(L, s);
	for (size_t i = 0; i < s->ntables; i++) {
		const struct table *t = &s->tables[i];
		if (!(t->flags & T_CREATED) ||
		    (t->flags & (T_TEMP | T_DROPPED | T_RLS)) ||
		    !(t->flags & T_EXPOSED) || !(t->on & (1u << R_RLS)))
			continue;
		lint_help(L,
		          "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n-- "
		          "then a CREATE POLICY for each role and command "
		          "the app needs",
		          t->sql);
		lint_report(L, &rules[R_RLS], NULL, t->at,
		            "table '%s' has no row level security: through the "
		            "Data API anyone with the anon key can read and "
		            "write every row",
		            t->written);
	}
	for (size_t i = 0; i < s->ntables; i++) {
		const struct table *t = &s->tables[i];
		if (t->updated_at == NO_AT ||
		    (t->flags & (T_UPD_TRIGGER | T_DROPPED | T_TEMP)))
			continue;
		lint_help(L,
		          "CREATE OR REPLACE FUNCTION set_updated_at() "
		          "RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    "
		          "NEW.updated_at := now();\n    RETURN NEW;\nEND\n$$;"
		          "\nCREATE TRIGGER set_updated_at BEFORE UPDATE ON "
		          "%s\n    FOR EACH ROW EXECUTE FUNCTION "
		          "set_updated_at();",
		          t->sql);
		lint_report(
		    L, &rules[R_UPDATED_AT], NULL, t->updated_at,
		    "'%s.updated_at' has no UPDATE trigger in this "
		    "migration: it stays at its first value unless every "
		    "UPDATE remembers to set it",
		    t->written);
	}
	for (size_t i = 0; i < s->ntables; i++) {
		const struct table *t = &s->tables[i];
		if (!(t->flags & T_CREATED) ||
		    (t->flags &
		     (T_TEMP | T_DROPPED | T_CHILD | T_CTAS | T_COMMENT)) ||
		    !(t->on & (1u << R_COMMENT)))
			continue;
		lint_help(L,
		          "COMMENT ON TABLE %s IS 'what one row is, who "
		          "writes it, who reads it';",
		          t->sql);
		lint_report(L, &rules[R_COMMENT], NULL, t->at,
		            "table '%s' has no comment: say what a row is for "
		            "the next person who reads the schema",
		            t->written);
	}
}

const struct lint_family strata_lint_schema = {
    .name = "schema",
    .dialect = STRATA_DIALECT_POSTGRES,
    .rules = rules,
    .nrules = NRULES,
    .statement = schema_statement,
    .section_end = schema_section_end,
    .state_new = schema_new,
    .state_free = schema_free,
};
