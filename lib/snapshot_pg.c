/*
 * PostgreSQL schema snapshots (docs/snapshot.md): one catalog query, a
 * UNION ALL of a part per kind, returns every object's lines already
 * sorted, so the text is canonical without sorting here and a snapshot
 * costs the same four round trips whatever the size of the schema.  The
 * query is prepared once per session.
 *
 * This file runs the query and holds the parts of the first kinds
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
	PG_NSP_SHOWN("n") PG_ONLY("t", "t.oid") \
	" AND " PG_NO_DEP("pg_type", "t.oid", "'e', 'i'") \
	" AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND" \
	" (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))"

static const char extensions[] = PG_KIND("1",
	"SELECT 'extension ' || quote_ident(x.extname) AS h, l, x.oid AS o"
	" FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace"
	" CROSS JOIN LATERAL (VALUES"
	" ('schema ' || quote_ident(n.nspname)),"
	" ('version ' || x.extversion)) v(l)"
	" WHERE true" PG_ONLY("x", "x.oid"));

static const char schemas[] = PG_KIND("2",
	"SELECT 'schema ' || quote_ident(n.nspname) AS h, l, n.oid AS o"
	" FROM pg_namespace n CROSS JOIN LATERAL (VALUES"
	" (" PG_COMMENT("pg_namespace", "n.oid") "),"
	" (" PG_OWNER("n.nspowner") ")) v(l)"
	" WHERE " PG_NSP_SHOWN("n") PG_ONLY("n", "n.oid")
	" AND " PG_NO_DEP("pg_namespace", "n.oid", "'e'"));

/* A domain's CHECK constraints are lines of their own, by name, as a
 * table's constraints are. */
static const char types[] = PG_KIND("3",
	"SELECT " TYPE_HEADER " AS h, l, t.oid AS o"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	" LEFT JOIN pg_type bt ON bt.oid = t.typbasetype"
	" CROSS JOIN LATERAL (VALUES (" TYPE_LINE "),"
	" (" PG_COMMENT("pg_type", "t.oid") "),"
	" (" PG_OWNER("t.typowner") ")) v(l)"
	" WHERE " TYPE_SHOWN
	" UNION ALL SELECT " TYPE_HEADER ","
	" 'constraint ' || quote_ident(c.conname) || ' ' ||"
	" " PG_FOLD("pg_get_constraintdef(c.oid)") ", t.oid"
	" FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid"
	" JOIN pg_namespace n ON n.oid = t.typnamespace"
	" WHERE c.contype = 'c' AND " TYPE_SHOWN);

/* Sequences of identity columns are left out: their column line says
 * GENERATED ... AS IDENTITY with the options that differ.  The sequences
 * are picked first (MATERIALIZED), so lines are made for those shown
 * only. */
static const char sequences[] = PG_KIND("4",
	"WITH c AS MATERIALIZED (SELECT c.oid, c.relowner,"
	" 'sequence ' || " PG_QNAME("n.nspname", "c.relname") " AS h"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.relkind = 'S' AND " PG_NSP_SHOWN("n") PG_ONLY("c", "c.oid")
	" AND " PG_NO_DEP("pg_class", "c.oid", "'e', 'i'") ")"
	" SELECT c.h, l, c.oid AS o FROM c"
	" JOIN pg_sequence s ON s.seqrelid = c.oid"
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

const char *const strata_pg_sql_objects[] = {extensions, schemas, types,
                                             sequences, NULL};

/* ---- running the query ---- */

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

/* Appends a PG_ONLY() mark's condition: expr the mark's text after its
 * catalog letter. */
static int only_cond(strata_buf *sql, char cat, const char *expr, size_t n,
                     int narrow)
{
	static const char cats[] = "ctpgnyx"; /* $2 ... $8 */
	const char *c = strchr(cats, cat);

	if (!c || !*c)
		return STRATA_ERROR;
	if (narrow)
		return strata_buf_printf(
		    sql, " AND %.*s = ANY($%d::pg_catalog.oid[])", (int)n, expr,
		    (int)(c - cats) + 2);
	/* schemas and extensions initdb made are shown: public, plpgsql */
	if (cat == 'n' || cat == 'x')
		return 0;
	return strata_buf_printf(sql, " AND %.*s >= 16384", (int)n, expr);
}

int strata_pg_snapshot_parts(strata_buf *sql, int pg14, int narrow,
                             unsigned parts)
{
	const char *const *groups[] = {
	    strata_pg_sql_objects, strata_pg_sql_relations,
	    pg14 ? strata_pg_sql_routines_14 : strata_pg_sql_routines_12,
	    strata_pg_sql_triggers};
	const char *sep = "";
	unsigned part = 0;
	int rc;

	for (size_t g = 0; g < sizeof(groups) / sizeof(*groups); g++)
		for (const char *const *q = groups[g]; *q; q++, part++) {
			const char *p = *q, *m, *end;
			if (!(parts & (1u << part)))
				continue;
			if ((rc = strata_buf_puts(sql, sep)) < 0)
				return rc;
			sep = " UNION ALL ";
			while ((m = strchr(p, '\001'))) {
				if (!(end = strchr(m, '\002')) || end - m < 2)
					return STRATA_ERROR;
				if ((rc = strata_buf_add(
				         sql, p, (size_t)(m - p))) < 0 ||
				    (rc = only_cond(sql, m[1], m + 2,
				                    (size_t)(end - m - 2),
				                    narrow)) < 0)
					return rc;
				p = end + 1;
			}
			if ((rc = strata_buf_puts(sql, p)) < 0)
				return rc;
		}
	return 0;
}

int strata_pg_statement_name(strata_hasher *h, const char *prefix,
                             const strata_buf *sql, char name[48])
{
	char hex[65];

	if (strata_hasher_hex(h, sql->ptr, sql->len, hex) < 0)
		return STRATA_ERROR;
	snprintf(name, 48, "%s%.16s", prefix, hex);
	return 0;
}

/* The whole snapshot query for one version of the routines part, and the
 * name it is prepared under.  o and k are there for snapshot_pg_cache.c,
 * which keeps the objects it reads. */
static int snapshot_sql(strata_hasher *h, int pg14, strata_buf *sql,
                        char name[48])
{
	int rc;

	if ((rc = strata_buf_puts(sql, "SELECT h, l, src, o, k FROM (")) < 0 ||
	    (rc = strata_pg_snapshot_parts(sql, pg14, 0, PG_PARTS_ALL)) < 0 ||
	    (rc = strata_buf_puts(sql, ") s_ ORDER BY k, h COLLATE \"C\","
	                               " l COLLATE \"C\"")) < 0)
		return rc;
	return strata_pg_statement_name(h, "strata_snapshot_", sql, name);
}

/* What the snapshot needs to know before search_path is pinned: the
 * caller's search_path and plan_cache_mode (put back at the end), the
 * server version, the history table (where its unqualified name resolves
 * when no schema was configured), and whether this session has the query
 * prepared. */
struct prelude {
	char *search_path;     /* owned */
	char *plan_cache_mode; /* owned */
	long version;
	char hist[24];
	int prepared[2]; /* the routines_12 and routines_14 versions */
};

static int prelude_row(void *data, int ncols, const char *const *v)
{
	struct prelude *p = data;

	if (ncols < 6)
		return 0;
	for (int i = 0; i < 6; i++)
		if (!v[i])
			return 0;
	if (!(p->search_path = strdup(v[0])) ||
	    !(p->plan_cache_mode = strdup(v[1])))
		return STRATA_ENOMEM;
	p->version = strtol(v[2], NULL, 10);
	snprintf(p->hist, sizeof(p->hist), "%s", v[3]);
	p->prepared[0] = v[4][0] == 't';
	p->prepared[1] = v[5][0] == 't';
	return 0;
}

/* Sets search_path and plan_cache_mode for the session. */
static int set_settings(strata *s, const char *search_path,
                        const char *plan_cache_mode, strata_error *err)
{
	const char *params[2] = {search_path, plan_cache_mode};

	return s->driver->query(
	    s->conn,
	    "SELECT pg_catalog.set_config('search_path', $1, false),"
	    " pg_catalog.set_config('plan_cache_mode', $2, false)",
	    2, params, NULL, NULL, err);
}

/*
 * Runs the snapshot query, prepared once per session: planning it costs
 * more than running it on a small schema, and strata test takes several
 * snapshots per migration.  Prepared statements outlive a transaction's
 * rollback, so this is safe inside the caller's transaction too.
 */
static int run_snapshot(strata *s, struct emit *e, const struct prelude *p,
                        const strata_buf *sql, const char *name, int prepared)
{
	strata_buf q = STRATA_BUF_INIT;
	int rc;

	/* the oid is the server's answer, digits only, so it can be written
	 * into EXECUTE, which takes no parameters */
	if (!p->hist[0] || p->hist[strspn(p->hist, "0123456789")])
		return strata_error_set(&s->err, STRATA_EDB,
		                        "unexpected history table oid '%s'",
		                        p->hist);
	if (!prepared) {
		if (strata_buf_printf(&q, "PREPARE %s(pg_catalog.oid) AS %s",
		                      name, sql->ptr) < 0) {
			rc = STRATA_ENOMEM;
			goto done;
		}
		rc = s->driver->query(s->conn, q.ptr, 0, NULL, NULL, NULL,
		                      &s->err);
		if (rc < 0)
			goto done;
		strata_buf_clear(&q);
	}
	if (strata_buf_printf(&q, "EXECUTE %s(%s)", name, p->hist) < 0) {
		rc = STRATA_ENOMEM;
		goto done;
	}
	rc = s->driver->query(s->conn, q.ptr, 0, NULL, add_row, e, &s->err);
	if (rc == 0)
		rc = object_end(e);
	if (e->rc < 0)
		rc = e->rc;

done:
	strata_buf_dispose(&q);
	if (rc == STRATA_ENOMEM)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	if (rc < 0 && e->rc == STRATA_ERROR)
		return strata_error_set(&s->err, STRATA_ERROR,
		                        "hashing a function body failed");
	return rc;
}

int strata_snapshot_pg(strata *s, unsigned flags, strata_buf *out)
{
	static const char prelude_sql[] =
	    "SELECT pg_catalog.current_setting('search_path'),"
	    " pg_catalog.current_setting('plan_cache_mode'),"
	    " pg_catalog.current_setting('server_version_num'),"
	    " COALESCE(pg_catalog.to_regclass(COALESCE("
	    "pg_catalog.quote_ident($1) || '.', '') ||"
	    " pg_catalog.quote_ident($2))::pg_catalog.oid, 0),"
	    " EXISTS (SELECT FROM pg_catalog.pg_prepared_statements"
	    " WHERE name = $3),"
	    " EXISTS (SELECT FROM pg_catalog.pg_prepared_statements"
	    " WHERE name = $4)";
	strata_buf sql[2] = {STRATA_BUF_INIT, STRATA_BUF_INIT};
	char names[2][48];
	const char *params[4] = {s->table_schema, s->table_name, names[0],
	                         names[1]};
	struct prelude p = {.search_path = NULL};
	struct emit e = {.out = out, .flags = flags};
	strata_error restore_err = {0};
	int rc, rc2, v;

	if (strata_hasher_new(&e.hasher) < 0)
		return strata_error_set(&s->err, STRATA_ERROR,
		                        "no SHA-256 implementation available");
	if ((rc = snapshot_sql(e.hasher, 0, &sql[0], names[0])) < 0 ||
	    (rc = snapshot_sql(e.hasher, 1, &sql[1], names[1])) < 0) {
		rc = strata_error_set(
		    &s->err, rc,
		    rc == STRATA_ENOMEM ? "out of memory"
		                        : "building the snapshot query failed");
		goto done;
	}
	rc = s->driver->query(s->conn, prelude_sql, 4, params, prelude_row, &p,
	                      &s->err);
	if (rc == STRATA_ENOMEM)
		rc = strata_error_set(&s->err, rc, "out of memory");
	else if (rc == 0 && !p.search_path)
		rc = strata_error_set(&s->err, STRATA_EDB,
		                      "the server did not say its search_path");
	if (rc < 0)
		goto done;
	v = p.version >= 140000;
	/* Pinned for the session, not SET LOCAL: the caller may or may not be
	 * in a transaction, and a BEGIN of ours could commit theirs.  A
	 * generic plan from the first run: custom plans, one per run, are
	 * what preparing saves (the history table's oid changes nothing). */
	if ((rc = set_settings(s, "pg_catalog", "force_generic_plan",
	                       &s->err)) < 0)
		goto done;
	rc = run_snapshot(s, &e, &p, &sql[v], names[v], p.prepared[v]);
	/* put the caller's settings back even after a failure, without
	 * hiding that failure */
	rc2 = set_settings(s, p.search_path, p.plan_cache_mode, &restore_err);
	if (rc == 0 && rc2 < 0) {
		strata_error_move(&s->err, &restore_err);
		rc = rc2;
	}
	strata_error_dispose(&restore_err);

done:
	strata_buf_dispose(&sql[0]);
	strata_buf_dispose(&sql[1]);
	free(e.header);
	strata_hasher_free(e.hasher);
	free(p.search_path);
	free(p.plan_cache_mode);
	return rc;
}
