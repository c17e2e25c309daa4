/*
 * PostgreSQL schema snapshots (docs/snapshot.md): a handful of catalog
 * queries, one or two per kind, each returning its objects' lines already
 * sorted, so the text is canonical without sorting here and a snapshot
 * costs the same few round trips whatever the size of the schema.
 *
 * This file runs the queries and holds those of the first kinds
 * (extension, schema, type, sequence); snapshot_pg_relations.c and
 * snapshot_pg_routines.c hold the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "snapshot.h"
#include "snapshot_pg.h"

/* ---- extension, schema, type, sequence ---- */

/* clang-format off */
#define TYPE_HEADER "'type ' || " PG_QNAME("n.nspname", "t.typname")

/* enum labels and composite attributes keep their declared order: it is
 * part of the type (sorting, row layout). */
#define TYPE_LINE \
	"CASE t.typtype" \
	" WHEN 'e' THEN 'enum' || COALESCE(' ' || (SELECT" \
	"  string_agg(quote_literal(e.enumlabel), ', '" \
	"  ORDER BY e.enumsortorder)" \
	"  FROM pg_enum e WHERE e.enumtypid = t.oid), '')" \
	" WHEN 'c' THEN 'composite (' || COALESCE((SELECT string_agg(" \
	"  quote_ident(a.attname) || ' ' ||" \
	"  format_type(a.atttypid, a.atttypmod)" \
	"  || CASE WHEN a.attcollation <> at.typcollation" \
	"  THEN " PG_COLLATE("a.attcollation") " ELSE '' END," \
	"  ', ' ORDER BY a.attnum)" \
	"  FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid" \
	"  WHERE a.attrelid = t.typrelid AND a.attnum > 0" \
	"  AND NOT a.attisdropped), '') || ')'" \
	" WHEN 'd' THEN 'domain ' || format_type(t.typbasetype, t.typtypmod)" \
	"  || CASE WHEN t.typcollation <> bt.typcollation" \
	"  THEN " PG_COLLATE("t.typcollation") " ELSE '' END" \
	"  || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END" \
	"  || COALESCE(' DEFAULT ' ||" \
	"  " PG_FOLD("pg_get_expr(t.typdefaultbin, 0)") ", '')" \
	" WHEN 'r' THEN (SELECT 'range ' || format_type(r.rngsubtype, NULL)" \
	"  FROM pg_range r WHERE r.rngtypid = t.oid)" \
	" END"

/* Only enum, composite (not a table's row type), domain and range types:
 * the others are a table's or array types, or the catalogs'. */
#define TYPE_SHOWN \
	PG_NSP_SHOWN("n") \
	" AND " PG_NO_DEP("pg_type", "t.oid", "'e', 'i'") \
	" AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND" \
	" (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))"

static const char extensions[] = PG_SORTED(
	"SELECT 'extension ' || quote_ident(x.extname) AS h, l"
	" FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace"
	" CROSS JOIN LATERAL (VALUES"
	" ('schema ' || quote_ident(n.nspname)),"
	" ('version ' || x.extversion)) v(l)");

static const char schemas[] = PG_SORTED(
	"SELECT 'schema ' || quote_ident(n.nspname) AS h, l"
	" FROM pg_namespace n CROSS JOIN LATERAL (VALUES"
	" (" PG_COMMENT("pg_namespace", "n.oid") "),"
	" (" PG_OWNER("n.nspowner") ")) v(l)"
	" WHERE " PG_NSP_SHOWN("n")
	" AND " PG_NO_DEP("pg_namespace", "n.oid", "'e'"));

/* A domain's CHECK constraints are lines of their own, by name, as a
 * table's constraints are. */
static const char types[] = PG_SORTED(
	"SELECT " TYPE_HEADER " AS h, l"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	" LEFT JOIN pg_type bt ON bt.oid = t.typbasetype"
	" CROSS JOIN LATERAL (VALUES (" TYPE_LINE "),"
	" (" PG_COMMENT("pg_type", "t.oid") "),"
	" (" PG_OWNER("t.typowner") ")) v(l)"
	" WHERE " TYPE_SHOWN
	" UNION ALL SELECT " TYPE_HEADER ","
	" 'constraint ' || quote_ident(c.conname) || ' ' ||"
	" " PG_FOLD("pg_get_constraintdef(c.oid)")
	" FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid"
	" JOIN pg_namespace n ON n.oid = t.typnamespace"
	" WHERE c.contype = 'c' AND " TYPE_SHOWN);

/* Sequences of identity columns are left out: their column line says
 * GENERATED ... AS IDENTITY with the options that differ.  The sequences
 * are picked first (MATERIALIZED), so lines are made for those shown
 * only. */
static const char sequences[] = PG_SORTED(
	"WITH c AS MATERIALIZED (SELECT c.oid, c.relowner,"
	" 'sequence ' || " PG_QNAME("n.nspname", "c.relname") " AS h"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.relkind = 'S' AND " PG_NSP_SHOWN("n")
	" AND " PG_NO_DEP("pg_class", "c.oid", "'e', 'i'") ")"
	" SELECT c.h, l FROM c JOIN pg_sequence s ON s.seqrelid = c.oid"
	" LEFT JOIN pg_depend o ON o.classid = 'pg_class'::regclass"
	" AND o.objid = c.oid AND o.refclassid = 'pg_class'::regclass"
	" AND o.refobjsubid > 0 AND o.deptype = 'a'"
	" LEFT JOIN pg_class oc ON oc.oid = o.refobjid"
	" LEFT JOIN pg_namespace ocn ON ocn.oid = oc.relnamespace"
	" LEFT JOIN pg_attribute oa ON oa.attrelid = o.refobjid"
	" AND oa.attnum = o.refobjsubid"
	" CROSS JOIN LATERAL (VALUES"
	" ('type ' || format_type(s.seqtypid, NULL)),"
	" ('start ' || s.seqstart), ('increment ' || s.seqincrement),"
	" ('min ' || s.seqmin), ('max ' || s.seqmax),"
	" ('cache ' || s.seqcache),"
	" (CASE WHEN s.seqcycle THEN 'cycle' END),"
	" ('owned by ' || " PG_QNAME("ocn.nspname", "oc.relname")
	" || '.' || quote_ident(oa.attname)),"
	" (" PG_COMMENT("pg_class", "c.oid") "),"
	" (" PG_OWNER("c.relowner") ")) v(l)"
	" WHERE o.refobjid IS DISTINCT FROM $1::oid");
/* clang-format on */

const struct strata_pg_query strata_pg_sql_objects[] = {
    {extensions, 0}, {schemas, 0}, {types, 0}, {sequences, 1}, {NULL, 0}};

/* ---- running the queries ---- */

struct emit {
	strata_buf *out;
	strata_hasher *hasher;
	unsigned flags;
	char *header; /* owned: the object being written, or NULL */
	int rc;       /* a failure of our own (ENOMEM, hashing) */
};

/* Ends the object being written with its blank line. */
static int object_end(struct emit *e)
{
	int rc = 0;

	if (e->header)
		rc = strata_buf_putc(e->out, '\n');
	free(e->header);
	e->header = NULL;
	return rc;
}

static int add_row(void *data, int ncols, const char *const *v)
{
	struct emit *e = data;
	const char *h = v[0], *l = v[1], *src = ncols > 2 ? v[2] : NULL;
	char hex[65];

	if (!h)
		return 0;
	if (!e->header || strcmp(e->header, h) != 0) {
		if (object_end(e) < 0 || !(e->header = strdup(h)) ||
		    strata_buf_printf(e->out, "%s\n", h) < 0)
			return e->rc = STRATA_ENOMEM;
	}
	if (!l || (!(e->flags & STRATA_SNAPSHOT_OWNERS) &&
	           strncmp(l, "owner ", 6) == 0))
		return 0;
	if (src) {
		/* the line is "body sha256:", the hash follows */
		if (strata_hasher_hex(e->hasher, src, strlen(src), hex) < 0)
			return e->rc = STRATA_ERROR;
		if (strata_buf_printf(e->out, "  %s%s\n", l, hex) < 0)
			return e->rc = STRATA_ENOMEM;
	} else if (strata_buf_printf(e->out, "  %s\n", l) < 0) {
		return e->rc = STRATA_ENOMEM;
	}
	return 0;
}

static int run_queries(strata *s, struct emit *e,
                       const struct strata_pg_query *q, const char *hist)
{
	int rc;

	for (; q->sql; q++) {
		rc = s->driver->query(s->conn, q->sql, q->hist ? 1 : 0, &hist,
		                      add_row, e, &s->err);
		if (rc == 0)
			rc = object_end(e);
		if (e->rc == STRATA_ENOMEM || rc == STRATA_ENOMEM)
			return strata_error_set(&s->err, STRATA_ENOMEM,
			                        "out of memory");
		if (e->rc < 0)
			return strata_error_set(
			    &s->err, e->rc, "hashing a function body failed");
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* What the snapshot needs to know first, before search_path is pinned:
 * the caller's search_path (put back at the end), the server version and
 * the history table (where its unqualified name resolves when no schema
 * was configured). */
struct prelude {
	char *search_path; /* owned */
	long version;
	char hist[24];
};

static int prelude_row(void *data, int ncols, const char *const *v)
{
	struct prelude *p = data;

	if (ncols < 3 || !v[0] || !v[1] || !v[2])
		return 0;
	if (!(p->search_path = strdup(v[0])))
		return STRATA_ENOMEM;
	p->version = strtol(v[1], NULL, 10);
	snprintf(p->hist, sizeof(p->hist), "%s", v[2]);
	return 0;
}

static int set_search_path(strata *s, const char *value, strata_error *err)
{
	return s->driver->query(
	    s->conn, "SELECT pg_catalog.set_config('search_path', $1, false)",
	    1, &value, NULL, NULL, err);
}

int strata_snapshot_pg(strata *s, unsigned flags, strata_buf *out)
{
	static const char prelude_sql[] =
	    "SELECT pg_catalog.current_setting('search_path'),"
	    " pg_catalog.current_setting('server_version_num'),"
	    " COALESCE(pg_catalog.to_regclass(COALESCE("
	    "pg_catalog.quote_ident($1) || '.', '') ||"
	    " pg_catalog.quote_ident($2))::pg_catalog.oid, 0)";
	const struct strata_pg_query *groups[4];
	const char *params[2] = {s->table_schema, s->table_name};
	struct prelude p = {.search_path = NULL};
	struct emit e = {.out = out, .flags = flags};
	strata_error restore_err = {0};
	int rc, rc2;

	rc = s->driver->query(s->conn, prelude_sql, 2, params, prelude_row, &p,
	                      &s->err);
	if (rc == STRATA_ENOMEM)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	if (rc < 0)
		return rc;
	if (!p.search_path)
		return strata_error_set(
		    &s->err, STRATA_EDB,
		    "the server did not say its search_path");
	if (strata_hasher_new(&e.hasher) < 0) {
		rc = strata_error_set(&s->err, STRATA_ERROR,
		                      "no SHA-256 implementation available");
		goto done;
	}
	groups[0] = strata_pg_sql_objects;
	groups[1] = strata_pg_sql_relations;
	groups[2] = p.version >= 140000 ? strata_pg_sql_routines_14
	                                : strata_pg_sql_routines_12;
	groups[3] = strata_pg_sql_triggers;
	/* Pinned for the session, not SET LOCAL: the caller may or may not be
	 * in a transaction, and a BEGIN of ours could commit theirs. */
	if ((rc = set_search_path(s, "pg_catalog", &s->err)) < 0)
		goto done;
	for (size_t i = 0; i < sizeof(groups) / sizeof(*groups) && rc == 0; i++)
		rc = run_queries(s, &e, groups[i], p.hist);
	/* put the caller's search_path back even after a failure, without
	 * hiding that failure */
	rc2 = set_search_path(s, p.search_path, &restore_err);
	if (rc == 0 && rc2 < 0) {
		strata_error_move(&s->err, &restore_err);
		rc = rc2;
	}
	strata_error_dispose(&restore_err);

done:
	free(e.header);
	strata_hasher_free(e.hasher);
	free(p.search_path);
	return rc;
}
