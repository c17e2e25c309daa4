/*
 * PostgreSQL schema snapshots: the catalog queries, by kind group, and the
 * SQL pieces they share.  Private to snapshot_pg*.c.
 *
 * Every query returns rows (h, l[, src]) already in canonical order: h is
 * the object's header line, l one of its property lines or NULL (an object
 * has at least one row, so objects without properties still appear), and
 * src, for routines only, the text whose hash completes a "body sha256:"
 * line.  Rows are ordered by header then line, byte-wise (COLLATE "C",
 * what strcmp() and the diff use).  Owner lines are always returned;
 * snapshot_pg.c drops them unless asked for.
 *
 * The queries run with search_path = pg_catalog (snapshot_pg.c pins it),
 * so catalog names need no qualification and every name that format_type,
 * pg_get_expr, pg_get_viewdef ... print outside pg_catalog is qualified
 * with its schema, whatever the caller's search_path.
 */
#ifndef STRATA_SNAPSHOT_PG_H
#define STRATA_SNAPSHOT_PG_H

/* SQL built from pieces reads best one clause a line: clang-format would
 * cut the pieces anywhere. */
/* clang-format off */

/* Catalog text on one line: runs of white space become one space. */
#define PG_FOLD(x)                                                             \
	"btrim(regexp_replace(" x ", '[[:space:]]+', ' ', 'g'))"

/* schema.name, each part quoted only where SQL needs it. */
#define PG_QNAME(nsp, name)                                                    \
	"quote_ident(" nsp ") || '.' || quote_ident(" name ")"

/* The schemas a snapshot shows: not the catalogs, TOAST or temporary
 * schemas (users cannot create pg_* schemas), nor strata_backup. */
#define PG_NSP_SHOWN(n)                                                        \
	"(" n ".nspname !~ '^pg_' AND " n ".nspname NOT IN "                  \
	"('information_schema', 'strata_backup'))"

/* An object (of catalog `cls`, e.g. "pg_class") with no dependency of the
 * kinds `types` (e.g. "'e', 'i'"): 'e' an extension owns it, 'i' it is
 * part of another object (an identity sequence of its column, the index of
 * a PRIMARY KEY/UNIQUE/EXCLUDE constraint, a range type's constructors),
 * 'P' it is a partition's copy of its parent's trigger. */
#define PG_NO_DEP(cls, oid, types)                                             \
	"NOT EXISTS (SELECT FROM pg_depend dep_ WHERE dep_.classid = '" cls   \
	"'::regclass AND dep_.objid = " oid " AND dep_.deptype IN (" types    \
	"))"

/* The "comment '...'" line of an object, or NULL. */
#define PG_COMMENT(cls, oid)                                                   \
	"(SELECT 'comment ' || quote_literal(" PG_FOLD(                       \
	    "d_.description") ") FROM pg_description d_ WHERE d_.classoid = '" \
	                      cls "'::regclass AND d_.objoid = " oid          \
	                      " AND d_.objsubid = 0)"

#define PG_OWNER(role) "'owner ' || quote_ident(pg_get_userbyid(" role "))"

/* " COLLATE name" for a collation oid (schema-qualified outside
 * pg_catalog), or NULL. */
#define PG_COLLATE(oid)                                                        \
	"(SELECT ' COLLATE ' || CASE WHEN cn_.nspname = 'pg_catalog' THEN ''" \
	" ELSE quote_ident(cn_.nspname) || '.' END || quote_ident(co_.collname)" \
	" FROM pg_collation co_ JOIN pg_namespace cn_"                        \
	" ON cn_.oid = co_.collnamespace WHERE co_.oid = " oid ")"

/* "reloptions" sorted, so the order they were set in does not matter. */
#define PG_OPTIONS(arr)                                                        \
	"(SELECT 'options ' || string_agg(o_, ', ' ORDER BY o_ COLLATE \"C\")" \
	" FROM unnest(" arr ") o_)"

/* Wraps a query's rows (h, l) in the canonical order. */
#define PG_SORTED(q)                                                           \
	"SELECT h, l FROM (" q ") q_ ORDER BY h COLLATE \"C\", l COLLATE \"C\""

/* clang-format on */

/* One query of a snapshot; `hist` says whether $1 is the oid of strata's
 * history table (0 when it does not exist), whose objects are left out. */
struct strata_pg_query {
	const char *sql;
	int hist;
};

/* The queries of each kind group, in the order of docs/snapshot.md; each
 * array ends with a NULL sql.  objects: extension, schema, type, sequence;
 * relations: table, index, view, materialized-view; triggers: trigger,
 * policy.  Routines (function, procedure) have two versions: PostgreSQL
 * 14's SQL-standard bodies (BEGIN ATOMIC) keep no prosrc. */
extern const struct strata_pg_query strata_pg_sql_objects[];
extern const struct strata_pg_query strata_pg_sql_relations[];
extern const struct strata_pg_query strata_pg_sql_routines_12[];
extern const struct strata_pg_query strata_pg_sql_routines_14[];
extern const struct strata_pg_query strata_pg_sql_triggers[];

#endif
