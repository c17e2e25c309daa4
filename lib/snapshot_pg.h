/*
 * PostgreSQL schema snapshots: the parts of the catalog query, by kind
 * group, and the SQL pieces they share.  Private to snapshot_pg*.c.
 *
 * Every part returns rows (k, h, l, src, o): k the kind's rank, h the
 * object's header line, l one of its property lines or NULL (an object
 * has at least one row, so objects without properties still appear), src,
 * for routines only, the text whose hash completes a "body sha256:" line,
 * and o the object's oid in its catalog (kept by snapshot_pg_cache.c).
 * The whole query orders them by k, header and line, byte-wise (COLLATE
 * "C", what strcmp() and the diff use).  Owner lines are always returned;
 * snapshot_pg.c drops them unless asked for.  $1 is the oid of strata's
 * history table (0 when there is none).
 *
 * Where a part picks its objects it says so with PG_ONLY(), which
 * snapshot_pg.c turns into "only user objects" for a whole snapshot and
 * "only these objects" for the objects strata test reads again.
 *
 * The query runs with search_path = pg_catalog (snapshot_pg.c pins it),
 * so catalog names need no qualification and every name that format_type,
 * pg_get_expr, pg_get_viewdef ... print outside pg_catalog is qualified
 * with its schema, whatever the caller's search_path.
 */
#ifndef STRATA_SNAPSHOT_PG_H
#define STRATA_SNAPSHOT_PG_H

#include "session.h"

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

/* A kind's rows as the snapshot query wants them: (k, h, l, src, o), k
 * the kind's rank in docs/snapshot.md, src NULL. */
#define PG_KIND(k, q) \
	"SELECT " k " AS k, h, l, NULL::text AS src, o FROM (" q ") q_"

/*
 * Marks the condition that picks a part's objects by `expr`, their oid in
 * the catalog `cat` stands for: "c" pg_class, "t" pg_type, "p" pg_proc,
 * "g" pg_trigger, "n" pg_namespace, "y" pg_policy, "x" pg_extension.
 * snapshot_pg.c replaces the mark with "AND expr >= 16384" in a whole
 * snapshot (FirstNormalObjectId: every object made after initdb has an
 * oid from there up, and of those initdb makes a snapshot shows only the
 * public schema and the plpgsql extension, which are left unfiltered), and
 * with "AND expr = ANY($n)" when reading some objects again
 * (snapshot_pg_cache.c).
 */
#define PG_ONLY(cat, expr) "\001" cat expr "\002"
/* clang-format on */

/* The kind groups' parts of the snapshot query, each a NULL-terminated
 * list of SELECTs of (k, h, l, src) rows, in no order (snapshot_pg.c puts
 * them together and sorts).  objects: extension, schema, type, sequence;
 * relations: table, index, view, materialized-view; triggers: trigger,
 * policy.  Routines (function, procedure) come in two versions:
 * PostgreSQL 14's SQL-standard bodies (BEGIN ATOMIC) keep no prosrc. */
extern const char *const strata_pg_sql_objects[];
extern const char *const strata_pg_sql_relations[];
extern const char *const strata_pg_sql_routines_12[];
extern const char *const strata_pg_sql_routines_14[];
extern const char *const strata_pg_sql_triggers[];

/* The kind ranks (k) of the parts, by the catalog their o is from. */
#define PG_K_EXTENSION 1
#define PG_K_SCHEMA    2
#define PG_K_TYPE      3
#define PG_K_ROUTINE   9
#define PG_K_TRIGGER   10
#define PG_K_POLICY    11

/* The parts, in the order of strata_pg_snapshot_parts()'s mask bits. */
enum {
	PG_PART_EXTENSION,
	PG_PART_SCHEMA,
	PG_PART_TYPE,
	PG_PART_SEQUENCE,
	PG_PART_TABLE,
	PG_PART_INDEX,
	PG_PART_VIEW,
	PG_PART_ROUTINE,
	PG_PART_TRIGGER,
	PG_PART_POLICY,
	PG_NPARTS
};
#define PG_PARTS_ALL ((1u << PG_NPARTS) - 1)

/*
 * Appends the parts of the snapshot query in `parts` (a mask of
 * 1 << PG_PART_*), each a SELECT of (k, h, l, src, o) rows, joined by
 * UNION ALL, with the version of the routines part the server needs (pg14:
 * PostgreSQL 14 or later).  PG_ONLY() marks become "only user objects"
 * (narrow 0: a whole snapshot) or "only the objects listed" (narrow 1: oid
 * arrays $2 pg_class, $3 pg_type, $4 pg_proc, $5 pg_trigger, $6
 * pg_namespace, $7 pg_policy, $8 pg_extension).
 */
int strata_pg_snapshot_parts(strata_buf *sql, int pg14, int narrow,
                             unsigned parts);

/* The name a query is prepared under: `prefix` and the start of the
 * text's SHA-256, so a session (kept by a pooler, say) never runs another
 * version's. */
int strata_pg_statement_name(strata_hasher *h, const char *prefix,
                             const strata_buf *sql, char name[48]);

#endif
