/*
 * Incremental PostgreSQL snapshots (snapshot_pg_cache.h).  strata test
 * takes three snapshots per migration, and a whole one costs milliseconds
 * on a schema of a few hundred objects, nearly all of it deparsing objects
 * that did not change.
 *
 * A snapshot is a list of blocks, one per object, in a fixed order.  The
 * cache keeps the last snapshot's blocks by object (its catalog and oid),
 * and each snapshot is a probe, then a reread, both prepared once:
 *
 * The probe finds the catalog rows written since the last one: their xmin
 * is not older than that probe's xmin horizon (compared with age(), so
 * wraparound cannot fool it).  For each such row of the catalogs it
 * counts (pg_class, pg_type, pg_proc, pg_trigger, pg_policy,
 * pg_constraint, pg_attrdef, pg_description, pg_inherits, and the rows of
 * pg_depend that decide what is shown) it says what the row belongs to:
 * a constraint's table or domain, a default's table, a comment's object,
 * and for an object the one it is part of (deptype 'i': a primary key's
 * index, an identity sequence, a table's row type); the cache keeps that,
 * and follows it up to the objects shown.  Rows of the catalogs it only
 * follows (columns, rules, sequences' settings, enum labels) name their
 * object.  Rows that were deleted leave nothing behind, so the probe also
 * counts the rows older than the last probe: those are a subset of the
 * rows that probe saw (a new version of a row is new), so with the updates
 * accounted for, the same count means the same rows.  When a count does
 * not match, the probe lists that catalog's old rows, and the cache tells
 * which are gone by key (the oid, or the ctid where there is none).
 *
 * An object's text may print other objects' names (a view's definition, a
 * column's type, a trigger's function), so when a relation, type or
 * routine is renamed (its name or a column's changed) or an enum's labels
 * change, the objects that depend on it (pg_depend) are read again too.
 * What the cache does not follow (schemas, extensions, languages, access
 * methods, tablespaces, collations, operators, text search configurations,
 * the roles policies name) starts it afresh when it changes.
 *
 * The reread is the snapshot query (snapshot_pg*.c) narrowed to the parts
 * and the objects to read, with search_path pinned to pg_catalog for its
 * own run, as a whole snapshot has it.
 *
 * The probe keeps its state (the horizon, the counts) in session settings,
 * strata.snap_*, so that it has no parameters and its plan is made once.
 * Whatever does not fit starts the cache afresh: a probe without state
 * reads every object.  pg_snapshot_check.c compares the text with whole
 * snapshots after every kind of DDL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "snapshot.h"
#include "snapshot_pg.h"
#include "snapshot_pg_cache.h"
#include "strata/driver.h"

#define AGAIN    1 /* start afresh: the probe's answer does not fit */
#define FALLBACK 2 /* take a whole snapshot */

/* ---- a string-keyed hash map ---- */

struct hent {
	struct hent *next;
	uint64_t hash;
	char *key; /* owned */
	void *val;
};

struct hmap {
	struct hent **b; /* owned */
	size_t nb, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct hent **hmap_slot(struct hmap *m, const char *key, uint64_t h)
{
	struct hent **p = &m->b[h & (m->nb - 1)];

	while (*p && ((*p)->hash != h || strcmp((*p)->key, key) != 0))
		p = &(*p)->next;
	return p;
}

static void *hmap_get(struct hmap *m, const char *key)
{
	struct hent **p;

	if (!m->nb)
		return NULL;
	p = hmap_slot(m, key, hash_str(key));
	return *p ? (*p)->val : NULL;
}

static int hmap_grow(struct hmap *m)
{
	size_t nb = m->nb ? m->nb * 2 : 64;
	struct hent **b = calloc(nb, sizeof(*b));

	if (!b)
		return STRATA_ENOMEM;
	for (size_t i = 0; i < m->nb; i++)
		for (struct hent *e = m->b[i], *next; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	free(m->b);
	m->b = b;
	m->nb = nb;
	return 0;
}

/* Sets key to val; *old receives the value it replaces (NULL if none). */
static int hmap_put(struct hmap *m, const char *key, void *val, void **old)
{
	uint64_t h = hash_str(key);
	struct hent **p, *e;

	*old = NULL;
	if (m->n >= m->nb && hmap_grow(m) < 0)
		return STRATA_ENOMEM;
	p = hmap_slot(m, key, h);
	if (*p) {
		*old = (*p)->val;
		(*p)->val = val;
		return 0;
	}
	if (!(e = calloc(1, sizeof(*e))) || !(e->key = strdup(key))) {
		free(e);
		return STRATA_ENOMEM;
	}
	e->hash = h;
	e->val = val;
	*p = e;
	m->n++;
	return 0;
}

/* Removes key; returns its value (NULL if none). */
static void *hmap_del(struct hmap *m, const char *key)
{
	struct hent **p, *e;
	void *val;

	if (!m->nb)
		return NULL;
	p = hmap_slot(m, key, hash_str(key));
	if (!(e = *p))
		return NULL;
	*p = e->next;
	val = e->val;
	free(e->key);
	free(e);
	m->n--;
	return val;
}

/* Empties the map, freeing each value with fn (may be NULL). */
static void hmap_clear(struct hmap *m, void (*fn)(void *))
{
	for (size_t i = 0; i < m->nb; i++)
		for (struct hent *e = m->b[i], *next; e; e = next) {
			next = e->next;
			if (fn)
				fn(e->val);
			free(e->key);
			free(e);
		}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* ---- what the cache keeps ---- */

/* One user column's name, to tell a rename from other changes. */
struct att {
	int num;
	char *name; /* owned */
};

/*
 * A catalog row the probe follows, by "cat:key": the catalog's letter (c
 * pg_class, t pg_type, p pg_proc, g pg_trigger, y pg_policy, k
 * pg_constraint, d pg_attrdef by oid; m pg_description, i pg_inherits, e
 * pg_depend by ctid) and its oid or ctid.
 */
struct key {
	char *parent;     /* owned: what the row belongs to ("c123"), or NULL;
	                     for c, t, p and g the object it is part of (deptype
	                     'i': then it is not shown itself) */
	char *extra;      /* owned: c: relkind, then the name; t, p: the name */
	struct att *atts; /* owned, c only: its columns */
	size_t natts;
	unsigned young : 1; /* written after the last probe's horizon */
	unsigned seen : 1;  /* in this probe's answer */
	unsigned born : 1;  /* new in this probe's answer */
};

/* One object of the snapshot. */
struct block {
	char name[24]; /* "cOID": the catalog letter (n schema, x extension,
	                  and as above) and the object's oid */
	int k;         /* kind rank, the first sort key */
	char *header;  /* owned: the header line, the second */
	char *text;    /* owned: header, property lines and the blank line */
	size_t len;
};

/* A reread statement for one set of parts. */
struct stmt {
	unsigned parts; /* PG_PART_* mask; PG_PARTS_ALL + 1: whole */
	char name[48];
	int prepared;
	strata_buf sql;
};

struct strata_pg_cache {
	struct hmap keys;     /* "cat:key" -> struct key */
	struct hmap blocks;   /* "cOID" -> struct block */
	struct block **order; /* owned array: the blocks by (k, header) */
	size_t norder, corder;
	struct hmap invalid; /* "OID" of the indexes not valid -> 1 */
	size_t young;        /* keys that are young */
	char hist[24];       /* the history table's oid */
	int ready;           /* keys and blocks are the last probe's */
	int pg14;
	int dup; /* two blocks share a header: read whole */
	strata_buf probe_sql;
	char probe_name[48];
	int probe_prepared;
	struct stmt *stmts; /* owned */
	size_t nstmts;
	strata_hasher *hasher;
	unsigned n_incremental, n_whole; /* strata_pg_cache_counts() */
};

static void key_free(void *p)
{
	struct key *k = p;

	if (!k)
		return;
	for (size_t i = 0; i < k->natts; i++)
		free(k->atts[i].name);
	free(k->atts);
	free(k->parent);
	free(k->extra);
	free(k);
}

static void block_free(void *p)
{
	struct block *b = p;

	if (b) {
		free(b->header);
		free(b->text);
	}
	free(b);
}

static void cache_reset(strata_pg_cache *c)
{
	hmap_clear(&c->keys, key_free);
	hmap_clear(&c->blocks, block_free);
	hmap_clear(&c->invalid, NULL);
	free(c->order);
	c->order = NULL;
	c->norder = c->corder = 0;
	c->young = 0;
	c->ready = 0;
	c->dup = 0;
	c->hist[0] = '\0';
}

strata_pg_cache *strata_pg_cache_new(void)
{
	strata_pg_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	strata_buf_init(&c->probe_sql);
	if (strata_hasher_new(&c->hasher) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

void strata_pg_cache_free(strata_pg_cache *c)
{
	if (!c)
		return;
	cache_reset(c);
	strata_buf_dispose(&c->probe_sql);
	for (size_t i = 0; i < c->nstmts; i++)
		strata_buf_dispose(&c->stmts[i].sql);
	free(c->stmts);
	strata_hasher_free(c->hasher);
	free(c);
}

/* ---- the order of the blocks ---- */

static int block_cmp(const struct block *a, int k, const char *header)
{
	if (a->k != k)
		return a->k < k ? -1 : 1;
	return strcmp(a->header, header);
}

/* Where (k, header) is or would go in c->order; *found if it is. */
static size_t order_find(const strata_pg_cache *c, int k, const char *header,
                         int *found)
{
	size_t lo = 0, hi = c->norder;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = block_cmp(c->order[mid], k, header);
		if (r == 0) {
			*found = 1;
			return mid;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void order_remove(strata_pg_cache *c, const struct block *b)
{
	int found;
	size_t i = order_find(c, b->k, b->header, &found);

	/* with duplicate headers (c->dup) the one found may be another */
	if (!found || c->order[i] != b)
		for (i = 0; i < c->norder && c->order[i] != b; i++)
			;
	if (i >= c->norder)
		return;
	memmove(c->order + i, c->order + i + 1,
	        (c->norder - i - 1) * sizeof(*c->order));
	c->norder--;
}

static int order_insert(strata_pg_cache *c, struct block *b)
{
	int found;
	size_t i = order_find(c, b->k, b->header, &found);

	if (found)
		c->dup = 1; /* a whole snapshot would merge the two */
	if (c->norder == c->corder) {
		size_t n = c->corder ? c->corder * 2 : 256;
		struct block **o = realloc(c->order, n * sizeof(*o));
		if (!o)
			return STRATA_ENOMEM;
		c->order = o;
		c->corder = n;
	}
	memmove(c->order + i + 1, c->order + i,
	        (c->norder - i) * sizeof(*c->order));
	c->order[i] = b;
	c->norder++;
	return 0;
}

/* Forgets the block of object "cOID", if there is one. */
static void block_drop(strata_pg_cache *c, const char *name)
{
	struct block *b = hmap_del(&c->blocks, name);

	if (b) {
		order_remove(c, b);
		block_free(b);
	}
}

/* ---- the probe ---- */

/* clang-format off */
#define R(t) "'pg_catalog." t "'::pg_catalog.regclass"
#define AGE(x) "pg_catalog.age(" x ")"
#define SET(name, v) "pg_catalog.set_config('" name "', " v ", false)"
#define GET(name) \
	"NULLIF(pg_catalog.current_setting('" name "', true), '')"
#define TXT "::pg_catalog.text"

/* The catalog letter of an object (classid, objid) refers to: the keys'
 * letters, and n for a schema. */
#define CAT(cls) \
	"CASE " cls " WHEN " R("pg_class") " THEN 'c'" \
	" WHEN " R("pg_type") " THEN 't' WHEN " R("pg_proc") " THEN 'p'" \
	" WHEN " R("pg_trigger") " THEN 'g' WHEN " R("pg_policy") " THEN 'y'" \
	" WHEN " R("pg_constraint") " THEN 'k'" \
	" WHEN " R("pg_attrdef") " THEN 'd'" \
	" WHEN " R("pg_namespace") " THEN 'n' END"

/* The catalogs whose rows are counted, in the order of strata.snap_n:
 * first those keyed by oid, then by ctid. */
#define COUNTED "'{c,t,p,g,y,k,d,m,i,e}'::pg_catalog.text[]"
#define NOID    7

/* Text with no space in it: the hex of its UTF-8. */
#define HEX(x) \
	"pg_catalog.encode(pg_catalog.convert_to(" x ", 'UTF8'), 'hex')"
/* "y" or "n": whether row x was written after this probe's horizon. */
#define YOUNG "CASE WHEN x.ag <= h.ah THEN 'y' ELSE 'n' END"

/*
 * One counted catalog's row of the answer: its letter; the count of its
 * rows for the next probe and its greatest key; its new rows' keys and
 * details ("young|...", a space between two); and when its old rows are
 * not the ones the last probe saw, their keys and 'B'.  `scan` gives (k,
 * ag, ...) rows, aliased x, k an oid or a ctid; `detail` is computed for
 * new rows only; `upd` tells a new row that is an update of an old one
 * (keys by oid: its key is not above the last probe's greatest), `mx`
 * the greatest key (by oid).
 */
#define COUNT(cat, i, scan, detail, upd, mx) \
	" SELECT '" cat "' AS r, q.nxt" TXT " || ',' || COALESCE(q.mx" TXT \
	", '0') AS a, q.nk AS b, q.nd AS c, CASE WHEN q.bad THEN" \
	" COALESCE(pg_catalog.array_to_string(q.ok, ' '), '') END AS d," \
	" CASE WHEN q.bad THEN 'B' END AS e FROM (SELECT" \
	" pg_catalog.count(*) FILTER (WHERE x.ag > h.ah) AS nxt, " mx " AS mx," \
	" pg_catalog.string_agg(x.k" TXT ", ' ')" \
	" FILTER (WHERE x.ag <= h.ap) AS nk," \
	" pg_catalog.string_agg(" YOUNG " || '|' || " detail ", ' ')" \
	" FILTER (WHERE x.ag <= h.ap) AS nd," \
	" pg_catalog.array_agg(x.k) FILTER (WHERE x.ag > h.ap) AS ok," \
	" pg_catalog.count(*) FILTER (WHERE x.ag > h.ap OR (" upd "))" \
	" AS seen FROM (" scan ") x, h) q0 CROSS JOIN LATERAL (SELECT q0.*," \
	" NOT h.full_ AND q0.seen <> h.rn[" i "] AS bad FROM h) q"
#define UPD    "x.ag <= h.ap AND x.k <= h.m"
#define MAXOID "pg_catalog.max(x.k)"
#define NOOID  "NULL::pg_catalog.oid"

/* The scan of a catalog keyed by oid. */
#define BYOID(t, a, cols) \
	"SELECT " a ".oid AS k, " AGE(a ".xmin") " AS ag" cols \
	" FROM pg_catalog." t " " a " WHERE " a ".oid >= 16384"

/* where build_probe() puts the history table's name */
#define HIST "@HIST@"

/*
 * The probe (see the top of this file).  The details of new rows name
 * catalogs by oid (pg_class 1259 ...), fixed in every release; the
 * objects a relation, type, routine or trigger is part of (deptype 'i')
 * come with the pg_depend rows it tracks ('e'), as do an extension's
 * members, a sequence's owner and a partition's copies of triggers.
 */
static const char probe_sql[] =
	"WITH h AS MATERIALIZED (SELECT s.full_,"
	" CASE WHEN s.full_ THEN 2147483647"
	" ELSE " AGE("s.hs::pg_catalog.xid") " END AS ap,"
	" " AGE("x.x") " AS ah, x.x AS hx, s.m, s.rn, s.rg, s.rr"
	" FROM (SELECT hs IS NULL OR rn IS NULL OR rg IS NULL AS full_,"
	" hs, COALESCE(m, 0) AS m, rn, rg, rr FROM (SELECT"
	" " GET("strata.snap_h") " AS hs,"
	" " GET("strata.snap_m") "::pg_catalog.oid AS m,"
	" " GET("strata.snap_n") "::pg_catalog.int8[] AS rn,"
	" " GET("strata.snap_g") "::pg_catalog.int8 AS rg,"
	" pg_catalog.current_setting('strata.snap_r', true) AS rr) s0) s,"
	" (SELECT ((pg_catalog.txid_snapshot_xmin("
	"pg_catalog.txid_current_snapshot()) % 4294967296)" TXT
	")::pg_catalog.xid AS x) x), "
	/* catalogs whose objects a snapshot names without following them:
	 * anything new or gone there starts the cache afresh (access
	 * methods cannot be renamed) */
	"g AS (SELECT"
	" pg_catalog.count(*) FILTER (WHERE " AGE("q.xmin") " <= h.ap) AS nw,"
	" pg_catalog.count(*) FILTER (WHERE " AGE("q.xmin") " > h.ap) AS od,"
	" pg_catalog.count(*) FILTER (WHERE " AGE("q.xmin") " > h.ah) AS nx"
	" FROM (SELECT xmin FROM pg_catalog.pg_namespace"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_extension"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_language"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_tablespace"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_collation WHERE oid >= 16384"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_operator WHERE oid >= 16384"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_opclass WHERE oid >= 16384"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_opfamily WHERE oid >= 16384"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_ts_config"
	" WHERE oid >= 16384"
	" UNION ALL SELECT xmin FROM pg_catalog.pg_ts_dict"
	" WHERE oid >= 16384) q, h), "
	/* the roles policies name: a rename is not followed either */
	"rl AS (SELECT COALESCE(pg_catalog.string_agg(o" TXT " || ':' ||"
	" pg_catalog.pg_get_userbyid(o), ',' ORDER BY o), '') AS r"
	" FROM pg_catalog.pg_policy p, pg_catalog.unnest(p.polroles) o"
	" WHERE p.oid >= 16384), "
	"cnt AS MATERIALIZED ("
	COUNT("c", "1",
	      BYOID("pg_class", "c", ", c.relkind, c.relnamespace, c.relname"),
	      "x.relkind" TXT " || " HEX("x.relnamespace" TXT " || '.' ||"
	                                 " x.relname"), UPD, MAXOID)
	" UNION ALL" COUNT("t", "2",
	      BYOID("pg_type", "t", ", t.typnamespace, t.typname"),
	      HEX("x.typnamespace" TXT " || '.' || x.typname"), UPD, MAXOID)
	" UNION ALL" COUNT("p", "3",
	      BYOID("pg_proc", "p", ", p.pronamespace, p.proname"),
	      HEX("x.pronamespace" TXT " || '.' || x.proname"), UPD, MAXOID)
	" UNION ALL" COUNT("g", "4", BYOID("pg_trigger", "g", ""), "''", UPD,
	                   MAXOID)
	" UNION ALL" COUNT("y", "5", BYOID("pg_policy", "y", ""), "''", UPD,
	                   MAXOID)
	" UNION ALL" COUNT("k", "6",
	      BYOID("pg_constraint", "k", ", k.conrelid, k.contypid"),
	      "x.conrelid || ':' || x.contypid", UPD, MAXOID)
	" UNION ALL" COUNT("d", "7", BYOID("pg_attrdef", "d", ", d.adrelid"),
	                   "x.adrelid" TXT, UPD, MAXOID)
	" UNION ALL" COUNT("m", "8",
	      "SELECT d.ctid AS k, " AGE("d.xmin") " AS ag, d.classoid,"
	      " d.objoid FROM pg_catalog.pg_description d"
	      " WHERE d.objoid >= 16384 AND d.classoid <> " R("pg_namespace")
	      /* comments on schemas, public's among them (oid 2200) */
	      " UNION ALL SELECT d.ctid, " AGE("d.xmin") ", d.classoid,"
	      " d.objoid FROM pg_catalog.pg_namespace n"
	      " JOIN pg_catalog.pg_description d ON d.objoid = n.oid"
	      " AND d.classoid = " R("pg_namespace"),
	      "x.classoid || ':' || x.objoid", "false", NOOID)
	" UNION ALL" COUNT("i", "9",
	      "SELECT i.ctid AS k, " AGE("i.xmin") " AS ag, i.inhrelid"
	      " FROM pg_catalog.pg_inherits i WHERE i.inhrelid >= 16384",
	      "x.inhrelid" TXT, "false", NOOID)
	/* the dependencies that decide what is shown, and what objects are
	 * part of: an extension's members, what a relation, type, routine
	 * or trigger is part of ('i'), a sequence's owner (or an index's
	 * columns: 'a' on a column), a partition's copies of triggers */
	" UNION ALL" COUNT("e", "10",
	      "SELECT d.ctid AS k, " AGE("d.xmin") " AS ag, d.classid,"
	      " d.objid, d.refclassid, d.refobjid, d.deptype"
	      " FROM pg_catalog.pg_depend d"
	      " WHERE d.refclassid = " R("pg_extension")
	      " OR (d.classid IN (" R("pg_class") ", " R("pg_type") ", "
	      R("pg_proc") ", " R("pg_trigger") ") AND d.objid >= 16384"
	      " AND d.deptype = 'i')"
	      " OR (d.classid = " R("pg_class") " AND d.objid >= 16384"
	      " AND d.deptype = 'a' AND d.refobjsubid > 0)"
	      " OR (d.classid = " R("pg_trigger") " AND d.objid >= 16384"
	      " AND d.deptype IN ('P', 'S'))",
	      "x.classid || ':' || x.objid || ':' || x.refclassid || ':' ||"
	      " x.refobjid || ':' || x.deptype" TXT, "false", NOOID)
	") "
	/* the answer, one kind a row (see apply_probe()) */
	"SELECT * FROM cnt"
	/* user columns written: a rename is told by the name */
	" UNION ALL SELECT 'A', pg_catalog.array_agg(a.attrelid)" TXT ","
	" pg_catalog.array_agg(a.attnum)" TXT ","
	" pg_catalog.array_agg(" HEX("a.attname" TXT) ")" TXT ", NULL, NULL"
	" FROM pg_catalog.pg_attribute a, h WHERE a.attrelid >= 16384"
	" AND a.attnum > 0 AND " AGE("a.xmin") " <= h.ap"
	/* rows of catalogs only followed: what they touch; x: what depends
	 * on it must be read again (an enum's labels are printed) */
	" UNION ALL SELECT 'W', pg_catalog.array_agg(w.o)" TXT ","
	" pg_catalog.array_agg(w.f)" TXT ", NULL, NULL, NULL FROM ("
	"SELECT 'c' || r.ev_class AS o, 'n' AS f FROM pg_catalog.pg_rewrite r,"
	" h WHERE NOT h.full_ AND r.oid >= 16384 AND " AGE("r.xmin") " <= h.ap"
	" UNION ALL SELECT 'c' || s.seqrelid, 'n'"
	" FROM pg_catalog.pg_sequence s, h WHERE NOT h.full_"
	" AND s.seqrelid >= 16384 AND " AGE("s.xmin") " <= h.ap"
	" UNION ALL SELECT 't' || e.enumtypid, 'x' FROM pg_catalog.pg_enum e,"
	" h WHERE NOT h.full_ AND e.oid >= 16384"
	" AND " AGE("e.xmin") " <= h.ap) w"
	" UNION ALL SELECT 'V', pg_catalog.array_agg(x.indexrelid)" TXT ","
	" NULL, NULL, NULL, NULL FROM pg_catalog.pg_index x"
	" WHERE x.indexrelid >= 16384 AND NOT x.indisvalid"
	" UNION ALL SELECT CASE WHEN h.full_ THEN 'F' ELSE 'M' END, h.m" TXT ","
	" CASE WHEN NOT h.full_ AND (g.nw > 0 OR g.od <> h.rg"
	" OR rl.r IS DISTINCT FROM h.rr) THEN 'g' END,"
	" pg_catalog.current_setting('server_version_num'), NULL, NULL"
	" FROM h, g, rl"
	/* the history table resolves in the caller's search_path; whether
	 * pg_catalog comes first in it, as the reread's names need */
	" UNION ALL SELECT 'H', COALESCE(pg_catalog.to_regclass(" HIST ")"
	"::pg_catalog.oid, 0)" TXT ","
	" CASE WHEN (pg_catalog.current_schemas(true))[1] = 'pg_catalog'"
	" THEN 'y' END, NULL, NULL, NULL"
	/* last: the state for the next probe, and the settings the reread
	 * is planned and run with (put back at its end) */
	" UNION ALL SELECT 'P', "
	SET("strata.snap_h", "h.hx" TXT) " || "
	SET("strata.snap_m", "(SELECT COALESCE(pg_catalog.max(pg_catalog."
	    "split_part(cnt.a, ',', 2)::pg_catalog.int8), 0) FROM cnt"
	    " WHERE cnt.r IN ('c', 't', 'p', 'g', 'y', 'k', 'd'))" TXT)
	" || "
	SET("strata.snap_n", "(SELECT pg_catalog.array_agg(COALESCE("
	    "pg_catalog.split_part(cnt.a, ',', 1)::pg_catalog.int8, 0)"
	    " ORDER BY c.i) FROM pg_catalog.unnest(" COUNTED ")"
	    " WITH ORDINALITY c(cat, i) LEFT JOIN cnt ON cnt.r = c.cat)" TXT)
	" || " SET("strata.snap_g", "g.nx" TXT) " || "
	SET("strata.snap_r", "rl.r") ", "
	SET("strata.plan_cache_mode",
	    "pg_catalog.current_setting('plan_cache_mode')") " || "
	SET("strata.jit", "pg_catalog.current_setting('jit')") " || "
	SET("strata.enable_seqscan",
	    "pg_catalog.current_setting('enable_seqscan')") " || "
	SET("plan_cache_mode", "'force_generic_plan'") " || "
	SET("jit", "'off'") " || " SET("enable_seqscan", "'off'") ","
	" NULL, NULL, NULL FROM h, g, rl";

/* The objects that depend on some others, as "c123" (a view's rule as
 * the view); $1 the others, "c456" ... */
static const char deps_sql[] =
	"SELECT CASE WHEN d.classid = " R("pg_rewrite")
	" THEN (SELECT 'c' || r.ev_class FROM pg_catalog.pg_rewrite r"
	" WHERE r.oid = d.objid) ELSE " CAT("d.classid") " || d.objid END"
	" FROM pg_catalog.unnest($1::pg_catalog.text[]) p(o)"
	" JOIN pg_catalog.pg_depend d ON d.refclassid = CASE"
	" pg_catalog.substr(p.o, 1, 1) WHEN 'c' THEN " R("pg_class")
	" WHEN 't' THEN " R("pg_type") " WHEN 'p' THEN " R("pg_proc")
	" END AND d.refobjid = pg_catalog.substr(p.o, 2)::pg_catalog.oid";

/* The reread: parts of the snapshot query, between a first row that pins
 * search_path and a last one that puts the settings back. */
#define PIN \
	"SELECT 0 AS k, " SET("strata.search_path", \
	"pg_catalog.current_setting('search_path')") " AS h, " \
	SET("search_path", "'pg_catalog'") " AS l, NULL AS src," \
	" NULL::pg_catalog.oid AS o"
#define RESTORE \
	SET("plan_cache_mode", \
	    "pg_catalog.current_setting('strata.plan_cache_mode')") " || " \
	SET("jit", "pg_catalog.current_setting('strata.jit')") " || " \
	SET("enable_seqscan", \
	    "pg_catalog.current_setting('strata.enable_seqscan')")
#define UNPIN \
	" UNION ALL SELECT 0, " SET("search_path", \
	"pg_catalog.current_setting('strata.search_path')") ", " RESTORE \
	", NULL, NULL"

static const char restore_sql[] = "SELECT " RESTORE;
static const char forget_sql[] = "SELECT " SET("strata.snap_h", "''");
/* clang-format on */

/* The probe's answer, a row a letter (see probe_sql). */
struct prow {
	char r;
	char *a, *b, *c, *d, *e; /* owned */
};

struct probe {
	struct prow *v; /* owned */
	size_t n, cap;
	int rc;
};

static int probe_row(void *data, int ncols, const char *const *v)
{
	struct probe *p = data;
	struct prow *row;
	char **f[5];

	if (ncols < 6 || !v[0])
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct prow *nv = realloc(p->v, cap * sizeof(*nv));
		if (!nv)
			return p->rc = STRATA_ENOMEM;
		p->v = nv;
		p->cap = cap;
	}
	row = &p->v[p->n++];
	memset(row, 0, sizeof(*row));
	row->r = v[0][0];
	f[0] = &row->a;
	f[1] = &row->b;
	f[2] = &row->c;
	f[3] = &row->d;
	f[4] = &row->e;
	for (int i = 0; i < 5; i++)
		if (v[i + 1] && !(*f[i] = strdup(v[i + 1])))
			return p->rc = STRATA_ENOMEM;
	return 0;
}

static void probe_dispose(struct probe *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].a);
		free(p->v[i].b);
		free(p->v[i].c);
		free(p->v[i].d);
		free(p->v[i].e);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* ---- prepared statements ---- */

/* Runs EXECUTE name`args`, preparing `sql` as `name` first if this
 * session has not (or no longer has: DISCARD ALL and DEALLOCATE in a
 * migration). */
static int run(strata *s, const char *name, const char *decl,
               const strata_buf *sql, int *prepared, const char *args,
               strata_row_fn fn, void *data)
{
	strata_buf q = STRATA_BUF_INIT;
	int rc = 0;

	for (int tries = 0; tries < 2; tries++) {
		if (!*prepared) {
			strata_buf_clear(&q);
			if (strata_buf_printf(&q, "PREPARE %s%s AS %s", name,
			                      decl, sql->ptr) < 0) {
				rc = STRATA_ENOMEM;
				break;
			}
			rc = s->driver->query(s->conn, q.ptr, 0, NULL, NULL,
			                      NULL, &s->err);
			/* prepared by an earlier cache of this session */
			if (rc < 0 && s->err.sqlstate &&
			    !strcmp(s->err.sqlstate, "42P05"))
				rc = 0;
			if (rc < 0)
				break;
			*prepared = 1;
		}
		strata_buf_clear(&q);
		if (strata_buf_printf(&q, "EXECUTE %s%s", name, args) < 0) {
			rc = STRATA_ENOMEM;
			break;
		}
		rc = s->driver->query(s->conn, q.ptr, 0, NULL, fn, data,
		                      &s->err);
		if (rc < 0 && s->err.sqlstate &&
		    !strcmp(s->err.sqlstate, "26000")) {
			*prepared = 0;
			continue;
		}
		break;
	}
	strata_buf_dispose(&q);
	return rc;
}

static int build_probe(strata *s, strata_pg_cache *c)
{
	strata_buf t = STRATA_BUF_INIT;
	const char *m = strstr(probe_sql, HIST);
	int rc;

	strata_buf_clear(&c->probe_sql);
	/* the name is a validated identifier (session.c): quoting is enough */
	if (s->table_schema)
		rc = strata_buf_printf(&t, "'\"%s\".\"%s\"'", s->table_schema,
		                       s->table_name);
	else
		rc = strata_buf_printf(&t, "'\"%s\"'", s->table_name);
	if (rc == 0)
		rc = strata_buf_add(&c->probe_sql, probe_sql,
		                    (size_t)(m - probe_sql));
	if (rc == 0)
		rc = strata_buf_puts(&c->probe_sql, t.ptr);
	if (rc == 0)
		rc = strata_buf_puts(&c->probe_sql, m + sizeof(HIST) - 1);
	strata_buf_dispose(&t);
	if (rc == 0)
		rc = strata_pg_statement_name(c->hasher, "strata_probe_",
		                              &c->probe_sql, c->probe_name);
	return rc;
}

/* The reread statement for a set of parts (PG_PARTS_ALL + 1: the whole
 * query, for a cache that starts afresh). */
static int reread_stmt(strata_pg_cache *c, unsigned parts, struct stmt **out)
{
	struct stmt *st;
	int rc, whole = parts > PG_PARTS_ALL;

	for (size_t i = 0; i < c->nstmts; i++)
		if (c->stmts[i].parts == parts) {
			*out = &c->stmts[i];
			return 0;
		}
	st = realloc(c->stmts, (c->nstmts + 1) * sizeof(*st));
	if (!st)
		return STRATA_ENOMEM;
	c->stmts = st;
	st = &c->stmts[c->nstmts];
	memset(st, 0, sizeof(*st));
	strata_buf_init(&st->sql);
	st->parts = parts;
	if ((rc = strata_buf_puts(&st->sql, PIN " UNION ALL ")) < 0 ||
	    (rc = strata_pg_snapshot_parts(&st->sql, c->pg14, !whole,
	                                   whole ? PG_PARTS_ALL : parts)) < 0 ||
	    (rc = strata_buf_puts(&st->sql, UNPIN)) < 0 ||
	    (rc = strata_pg_statement_name(c->hasher, "strata_reread_",
	                                   &st->sql, st->name)) < 0) {
		strata_buf_dispose(&st->sql);
		return rc;
	}
	c->nstmts++;
	*out = st;
	return 0;
}

/* ---- reading objects again ---- */

/* The catalog letter of a kind rank. */
static char kind_cat(int k)
{
	switch (k) {
	case PG_K_EXTENSION:
		return 'x';
	case PG_K_SCHEMA:
		return 'n';
	case PG_K_TYPE:
		return 't';
	case PG_K_ROUTINE:
		return 'p';
	case PG_K_TRIGGER:
		return 'g';
	case PG_K_POLICY:
		return 'y';
	default:
		return k > PG_K_TYPE && k < PG_K_ROUTINE ? 'c' : 0;
	}
}

/* One property line of an object being read. */
struct line {
	char *l, *src; /* owned */
};

struct obj {
	int k;
	char *header;       /* owned */
	struct line *lines; /* owned */
	size_t n, cap;
};

struct reread {
	struct hmap objs; /* "cOID" -> struct obj */
	int rc;
};

static void obj_free(void *p)
{
	struct obj *o = p;

	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		free(o->lines[i].l);
		free(o->lines[i].src);
	}
	free(o->lines);
	free(o->header);
	free(o);
}

static int reread_row(void *data, int ncols, const char *const *v)
{
	struct reread *r = data;
	char name[32], cat;
	struct obj *o;
	void *old;
	int k;

	if (ncols < 5 || !v[0] || !v[1] || !v[4])
		return 0;
	k = atoi(v[0]);
	if (!(cat = kind_cat(k)))
		return 0;
	snprintf(name, sizeof(name), "%c%s", cat, v[4]);
	if (!(o = hmap_get(&r->objs, name))) {
		if (!(o = calloc(1, sizeof(*o))) ||
		    !(o->header = strdup(v[1])) ||
		    hmap_put(&r->objs, name, o, &old) < 0) {
			obj_free(o);
			return r->rc = STRATA_ENOMEM;
		}
		o->k = k;
	} else if (o->k != k || strcmp(o->header, v[1]) != 0) {
		return r->rc = STRATA_ERROR; /* one object, two headers */
	}
	/* owner lines are left out, as strata_schema_snapshot(s, 0) does */
	if (!v[2] || !strncmp(v[2], "owner ", 6))
		return 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct line *nl = realloc(o->lines, cap * sizeof(*nl));
		if (!nl)
			return r->rc = STRATA_ENOMEM;
		o->lines = nl;
		o->cap = cap;
	}
	o->lines[o->n].l = strdup(v[2]);
	o->lines[o->n].src = v[3] ? strdup(v[3]) : NULL;
	if (!o->lines[o->n].l || (v[3] && !o->lines[o->n].src)) {
		free(o->lines[o->n].l);
		free(o->lines[o->n].src);
		return r->rc = STRATA_ENOMEM;
	}
	o->n++;
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->l, ((const struct line *)b)->l);
}

/* The block of an object read, named `name`: its lines sorted as the
 * whole query sorts them (byte-wise, by the line before a body's hash). */
static int obj_block(strata_pg_cache *c, const char *name, struct obj *o,
                     struct block **out)
{
	strata_buf t = STRATA_BUF_INIT;
	struct block *b;
	char hex[65];

	*out = NULL;
	if (o->n > 1) /* a table without columns has no lines at all */
		qsort(o->lines, o->n, sizeof(*o->lines), line_cmp);
	if (strata_buf_printf(&t, "%s\n", o->header) < 0)
		goto oom;
	for (size_t i = 0; i < o->n; i++) {
		if (o->lines[i].src) {
			if (strata_hasher_hex(c->hasher, o->lines[i].src,
			                      strlen(o->lines[i].src),
			                      hex) < 0) {
				strata_buf_dispose(&t);
				return STRATA_ERROR;
			}
			if (strata_buf_printf(&t, "  %s%s\n", o->lines[i].l,
			                      hex) < 0)
				goto oom;
		} else if (strata_buf_printf(&t, "  %s\n", o->lines[i].l) < 0) {
			goto oom;
		}
	}
	if (strata_buf_putc(&t, '\n') < 0 || !(b = calloc(1, sizeof(*b))))
		goto oom;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->k = o->k;
	b->header = o->header;
	o->header = NULL;
	b->len = t.len;
	b->text = strata_buf_detach(&t);
	*out = b;
	return 0;
oom:
	strata_buf_dispose(&t);
	return STRATA_ENOMEM;
}

/* The objects to read again. */
struct dirty {
	struct hmap set;   /* "cOID" -> 1 read again, 2 gone */
	unsigned parts;    /* PG_PART_* */
	strata_buf arr[7]; /* c, t, p, g, n, y, x: "1,2" */
	int whole;         /* everything: a cache that starts afresh */
};

static const char dirty_cats[] = "ctpgnyx"; /* as $2 ... $8 */

/* Marks block `name` to be read again, or (gone) to be dropped only: its
 * object is gone, and a block once gone stays so. */
static int dirty_add(strata_pg_cache *c, struct dirty *d, const char *name,
                     int gone)
{
	const char *cat = strchr(dirty_cats, name[0]);
	struct key *k;
	char kname[32];
	void *old;
	int rc;

	if (!name[0] || !cat || !*cat)
		return 0;
	if (hmap_get(&d->set, name))
		return 0;
	if ((rc = hmap_put(&d->set, name, gone ? (void *)2 : (void *)1, &old)) <
	    0)
		return rc;
	if (gone)
		return 0;
	switch (name[0]) {
	case 'c':
		snprintf(kname, sizeof(kname), "c:%s", name + 1);
		k = hmap_get(&c->keys, kname);
		switch (k && k->extra ? k->extra[0] : 0) {
		case 'r':
		case 'p':
			d->parts |= 1u << PG_PART_TABLE;
			break;
		case 'i':
		case 'I':
			d->parts |= 1u << PG_PART_INDEX;
			break;
		case 'v':
		case 'm':
			d->parts |= 1u << PG_PART_VIEW;
			break;
		case 'S':
			d->parts |= 1u << PG_PART_SEQUENCE;
			break;
		case 'c': /* a composite type's own relation: the type is */
		case 't': /* dirty too (deptype 'i'); TOAST is never shown */
		case 'f':
			return 0;
		default:
			d->parts |= 1u << PG_PART_TABLE | 1u << PG_PART_INDEX |
			            1u << PG_PART_VIEW | 1u << PG_PART_SEQUENCE;
		}
		break;
	case 't':
		d->parts |= 1u << PG_PART_TYPE;
		break;
	case 'p':
		d->parts |= 1u << PG_PART_ROUTINE;
		break;
	case 'g':
		d->parts |= 1u << PG_PART_TRIGGER;
		break;
	case 'n':
		d->parts |= 1u << PG_PART_SCHEMA;
		break;
	case 'y':
		d->parts |= 1u << PG_PART_POLICY;
		break;
	case 'x':
		d->parts |= 1u << PG_PART_EXTENSION;
		break;
	}
	return strata_buf_printf(&d->arr[cat - dirty_cats], "%s%s",
	                         d->arr[cat - dirty_cats].len ? "," : "",
	                         name + 1);
}

/*
 * Marks the blocks object `o` ("c123", "k45", "m(0,3)" ...) shows in: its
 * own, unless it is part of another object (deptype 'i'), and those of
 * what it belongs to, up the keys' parents.
 */
static int dirty_walk(strata_pg_cache *c, struct dirty *d, const char *o)
{
	char kname[64];
	int rc;

	for (int depth = 0; o && o[0] && depth < 8; depth++) {
		struct key *k;
		int part_of;
		snprintf(kname, sizeof(kname), "%c:%s", o[0], o + 1);
		k = hmap_get(&c->keys, kname);
		/* a type, routine, trigger, index, sequence, TOAST table or
		 * composite type's relation that is part of another object is
		 * not shown; a table or view is, whatever it is part of */
		part_of =
		    k && k->parent &&
		    (o[0] != 'c' || (k->extra && strchr("iIStc", k->extra[0])));
		if (strchr("ctpg", o[0]) && !part_of &&
		    (rc = dirty_add(c, d, o, 0)) < 0)
			return rc;
		if (strchr("yn", o[0]))
			return dirty_add(c, d, o, 0);
		o = k ? k->parent : NULL;
	}
	return 0;
}

/* Reads the dirty objects again and puts their blocks in place. */
static int reread(strata *s, strata_pg_cache *c, struct dirty *d)
{
	struct reread r = {{0}, 0};
	strata_buf args = STRATA_BUF_INIT;
	struct stmt *st;
	int rc;

	/* the blocks of what is gone or read again go */
	if (d->whole) {
		hmap_clear(&c->blocks, block_free);
		c->norder = 0;
		c->dup = 0;
	} else {
		for (size_t i = 0; i < d->set.nb; i++)
			for (struct hent *e = d->set.b[i]; e; e = e->next)
				block_drop(c, e->key);
	}
	if (!d->whole && !d->parts)
		return 0;
	if ((rc = reread_stmt(c, d->whole ? PG_PARTS_ALL + 1 : d->parts, &st)) <
	    0)
		goto done;
	rc = d->whole ? strata_buf_printf(&args, "(%s)", c->hist)
	              : strata_buf_printf(
	                    &args,
	                    "(%s, '{%s}', '{%s}', '{%s}', '{%s}', '{%s}', "
	                    "'{%s}', '{%s}')",
	                    c->hist, d->arr[0].ptr, d->arr[1].ptr,
	                    d->arr[2].ptr, d->arr[3].ptr, d->arr[4].ptr,
	                    d->arr[5].ptr, d->arr[6].ptr);
	if (rc < 0)
		goto done;
	rc = run(s, st->name,
	         d->whole ? "(pg_catalog.oid)"
	                  : "(pg_catalog.oid, pg_catalog.oid[], "
	                    "pg_catalog.oid[], pg_catalog.oid[], "
	                    "pg_catalog.oid[], pg_catalog.oid[], "
	                    "pg_catalog.oid[], pg_catalog.oid[])",
	         &st->sql, &st->prepared, args.ptr, reread_row, &r);
	if (r.rc < 0)
		rc = r.rc == STRATA_ERROR ? FALLBACK : r.rc;
	if (rc != 0)
		goto done;
	for (size_t i = 0; i < r.objs.nb; i++)
		for (struct hent *e = r.objs.b[i]; e; e = e->next) {
			struct block *b;
			void *old;
			if ((rc = obj_block(c, e->key, e->val, &b)) < 0)
				goto done;
			if ((rc = hmap_put(&c->blocks, b->name, b, &old)) < 0) {
				block_free(b);
				goto done;
			}
			if (old) { /* cannot be: it was dropped above */
				order_remove(c, old);
				block_free(old);
			}
			if ((rc = order_insert(c, b)) < 0) {
				hmap_del(&c->blocks, b->name);
				block_free(b);
				goto done;
			}
		}
	rc = 0;
done:
	hmap_clear(&r.objs, obj_free);
	strata_buf_dispose(&args);
	return rc;
}

/* ---- a snapshot ---- */

/* Sets column num of relation key k to `name`; *renamed when it had
 * another name. */
static int key_att(struct key *k, int num, const char *name, int *renamed)
{
	struct att *a;
	char *dup;

	for (size_t i = 0; i < k->natts; i++)
		if (k->atts[i].num == num) {
			if (!strcmp(k->atts[i].name, name))
				return 0;
			if (!(dup = strdup(name)))
				return STRATA_ENOMEM;
			free(k->atts[i].name);
			k->atts[i].name = dup;
			*renamed = 1;
			return 0;
		}
	if (!(a = realloc(k->atts, (k->natts + 1) * sizeof(*a))))
		return STRATA_ENOMEM;
	k->atts = a;
	if (!(a[k->natts].name = strdup(name)))
		return STRATA_ENOMEM;
	a[k->natts++].num = num;
	return 0;
}

static int set_str(char **field, const char *v)
{
	char *dup = NULL;

	if (v && !(dup = strdup(v)))
		return STRATA_ENOMEM;
	free(*field);
	*field = dup;
	return 0;
}

/*
 * Cuts an array's text, "{a,b,c}" (no element needs quoting: the probe
 * sees to it), into its elements, in place.  *out (owned) is NULL-ended.
 */
static int arr_split(char *s, char ***out, size_t *n)
{
	size_t cap = 1;
	char *p;

	*out = NULL;
	*n = 0;
	if (!s || *s != '{')
		return 0;
	for (p = s; *p; p++)
		cap += *p == ',';
	if (!(*out = calloc(cap + 1, sizeof(**out))))
		return STRATA_ENOMEM;
	p = s + 1;
	if (*p == '}')
		return 0;
	while (*p) {
		size_t len = strcspn(p, ",}");
		char end = p[len];
		(*out)[(*n)++] = p;
		p[len] = '\0';
		if (end != ',')
			break;
		p += len + 1;
	}
	return 0;
}

/* Cuts a list of words, "a b c" (or NULL: none), into them, in place.
 * *out (owned) is NULL-ended. */
static int words_split(char *s, char ***out, size_t *n)
{
	size_t cap = 1;
	char *save = NULL;

	*out = NULL;
	*n = 0;
	if (!s)
		return 0;
	for (const char *p = s; *p; p++)
		cap += *p == ' ';
	if (!(*out = calloc(cap + 1, sizeof(**out))))
		return STRATA_ENOMEM;
	for (char *w = strtok_r(s, " ", &save); w;
	     w = strtok_r(NULL, " ", &save))
		(*out)[(*n)++] = w;
	return 0;
}

/* A new row of a counted catalog, as the probe describes it. */
struct nrow {
	char cat;
	const char *key;
	int young;
	char parent[40];   /* what it belongs to ("c123"), or "" */
	char ref[40];      /* e: what its object is part of (deptype 'i') */
	const char *extra; /* c: relkind and name; t, p: name */
};

/* The letter of catalog `oid` (their oids are fixed in every release), or
 * 0 for one the cache does not key. */
static char cat_of(unsigned long oid)
{
	switch (oid) {
	case 1259:
		return 'c'; /* pg_class */
	case 1247:
		return 't'; /* pg_type */
	case 1255:
		return 'p'; /* pg_proc */
	case 2620:
		return 'g'; /* pg_trigger */
	case 3256:
		return 'y'; /* pg_policy */
	case 2606:
		return 'k'; /* pg_constraint */
	case 2604:
		return 'd'; /* pg_attrdef */
	case 2615:
		return 'n'; /* pg_namespace */
	default:
		return 0;
	}
}

/* "cOID" for catalog oid `cls` and object `obj` ("" when not keyed). */
static void obj_name(char *out, size_t n, const char *cls, const char *obj)
{
	char c = cat_of(strtoul(cls, NULL, 10));

	if (c && obj && *obj && strcmp(obj, "0") != 0)
		snprintf(out, n, "%c%s", c, obj);
	else
		*out = '\0';
}

/* Reads a new row's detail (see probe_sql) into w; 0, or AGAIN when it
 * does not parse. */
static int nrow_read(struct nrow *w, char cat, const char *key, char *detail)
{
	char *f[5] = {NULL};
	char *bar = strchr(detail, '|');
	int n = 0;

	memset(w, 0, sizeof(*w));
	w->cat = cat;
	w->key = key;
	if (!bar)
		return AGAIN;
	w->young = detail[0] == 'y';
	if (strchr("ctp", cat)) {
		w->extra = bar[1] ? bar + 1 : NULL;
		return 0;
	}
	for (char *q = bar + 1; n < 5; n++) {
		f[n] = q;
		if (!(q = strchr(q, ':')))
			break;
		*q++ = '\0';
	}
	switch (cat) {
	case 'k': /* conrelid:contypid */
		if (!f[1])
			return AGAIN;
		if (strcmp(f[0], "0") != 0)
			snprintf(w->parent, sizeof(w->parent), "c%s", f[0]);
		else
			snprintf(w->parent, sizeof(w->parent), "t%s", f[1]);
		break;
	case 'd': /* adrelid */
	case 'i': /* inhrelid */
		snprintf(w->parent, sizeof(w->parent), "c%s", f[0]);
		break;
	case 'm': /* classoid:objoid */
		if (!f[1])
			return AGAIN;
		obj_name(w->parent, sizeof(w->parent), f[0], f[1]);
		break;
	case 'e': /* classid:objid:refclassid:refobjid:deptype */
		if (!f[4])
			return AGAIN;
		obj_name(w->parent, sizeof(w->parent), f[0], f[1]);
		/* a partitioned table is 'i' on its own key columns */
		if (!strcmp(f[4], "i") && w->parent[0] &&
		    strchr("ctpg", w->parent[0]))
			obj_name(w->ref, sizeof(w->ref), f[2], f[3]);
		if (!strcmp(w->ref, w->parent))
			w->ref[0] = '\0';
		break;
	}
	return 0;
}

/* The objects that depend on those in `expand` (renamed ones, enums whose
 * labels changed): they print their names, so they are read again. */
static int expand_deps(strata *s, strata_pg_cache *c, struct dirty *d,
                       struct hmap *expand);

/*
 * Applies the probe's answer (probe_sql says what each row is) to the
 * keys, and marks in d the objects to read again: those whose rows are
 * new, gone or changed, and those that print the name of one renamed.
 * AGAIN or FALLBACK when the cache cannot go on.
 */
static int apply_probe(strata *s, strata_pg_cache *c, struct probe *p,
                       struct dirty *d)
{
	static const char counted[] = "ctpgykdmie";
	const char *hist = NULL, *version = NULL, *cat;
	unsigned long long maxold = 0;
	int full = -1, safe = 0, gchanged = 0, bad[sizeof(counted)] = {0};
	int anybad = 0, rc = 0, pg14;
	char name[160], **gone = NULL, **el = NULL, **el2 = NULL, **el3 = NULL;
	size_t ngone = 0, young = 0, nnew = 0, n, n2, n3;
	struct nrow *rows = NULL;
	struct hmap expand = {0}, inv = {0};
	void *old;

	for (size_t i = 0; i < p->n; i++) {
		const struct prow *r = &p->v[i];
		if (r->r == 'F' || r->r == 'M') {
			full = r->r == 'F';
			maxold = r->a ? strtoull(r->a, NULL, 10) : 0;
			gchanged = r->b != NULL;
			version = r->c;
		} else if (r->r == 'H') {
			hist = r->a;
			safe = r->b != NULL;
		} else if ((cat = strchr(counted, r->r)) && *cat) {
			if (r->e)
				bad[cat - counted] = anybad = 1;
			if (r->b)
				for (const char *q = r->b; *q; q++)
					nnew += *q == ' ' || q == r->b;
		}
	}
	if (full < 0 || !hist || !version || strlen(hist) >= sizeof(c->hist) ||
	    hist[strspn(hist, "0123456789")])
		return AGAIN;
	if (!safe)
		return FALLBACK;
	if (full) {
		cache_reset(c);
		d->whole = 1;
	} else if (!c->ready || gchanged || strcmp(hist, c->hist) != 0) {
		return AGAIN;
	}
	pg14 = strtol(version, NULL, 10) >= 140000;
	if (pg14 != c->pg14) {
		/* the reread statements are for the other version */
		for (size_t i = 0; i < c->nstmts; i++)
			strata_buf_dispose(&c->stmts[i].sql);
		c->nstmts = 0;
		c->pg14 = pg14;
	}
	snprintf(c->hist, sizeof(c->hist), "%s", hist);

	/* the new rows, cut out of their arrays */
	if (!(rows = calloc(nnew + 1, sizeof(*rows))))
		return STRATA_ENOMEM;
	nnew = 0;
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		struct prow *r = &p->v[i];
		if (!(cat = strchr(counted, r->r)) || !*cat || !r->b || !r->c)
			continue;
		if ((rc = words_split(r->b, &el, &n)) < 0 ||
		    (rc = words_split(r->c, &el2, &n2)) < 0)
			break;
		if (n != n2)
			rc = AGAIN;
		for (size_t j = 0; j < n && rc == 0; j++)
			rc = nrow_read(&rows[nnew++], r->r, el[j], el2[j]);
		free(el);
		free(el2);
		el = el2 = NULL;
	}
	if (rc != 0)
		goto out;

	if (!full) {
		/* which keys are in the answer; an old row must have been
		 * seen before, and a new row with an old oid must be an
		 * update of an old row: the probe counted it so */
		for (size_t i = 0; i < nnew; i++) {
			struct key *k;
			snprintf(name, sizeof(name), "%c:%s", rows[i].cat,
			         rows[i].key);
			k = hmap_get(&c->keys, name);
			cat = strchr(counted, rows[i].cat);
			if (cat - counted < NOID && !bad[cat - counted] &&
			    (strtoull(rows[i].key, NULL, 10) <= maxold) !=
			        (k && !k->young)) {
				rc = AGAIN;
				goto out;
			}
			if (k)
				k->seen = 1;
		}
		for (size_t i = 0; i < p->n && anybad; i++) {
			struct prow *r = &p->v[i];
			struct key *k;
			if (!(cat = strchr(counted, r->r)) || !*cat || !r->e)
				continue;
			if ((rc = words_split(r->d, &el, &n)) < 0)
				goto out;
			for (size_t j = 0; j < n; j++) {
				snprintf(name, sizeof(name), "%c:%s", r->r,
				         el[j]);
				if (!(k = hmap_get(&c->keys, name))) {
					rc = AGAIN;
					break;
				}
				k->seen = 1;
			}
			free(el);
			el = NULL;
			if (rc != 0)
				goto out;
		}
		/* the keys gone, and the blocks they show in */
		if (anybad || c->young) {
			if (!(gone = calloc(c->keys.n + 1, sizeof(*gone)))) {
				rc = STRATA_ENOMEM;
				goto out;
			}
			for (size_t i = 0; i < c->keys.nb; i++)
				for (struct hent *e = c->keys.b[i]; e;
				     e = e->next) {
					struct key *k = e->val;
					cat = strchr(counted, e->key[0]);
					if (!k->seen &&
					    (k->young || bad[cat - counted]))
						gone[ngone++] = e->key;
				}
			/* first the objects gone, whose blocks just go */
			for (size_t i = 0; i < ngone && rc == 0; i++) {
				snprintf(name, sizeof(name), "%c%s", gone[i][0],
				         gone[i] + 2);
				if (strchr("ctpgy", name[0]))
					rc = dirty_add(c, d, name, 1);
			}
			for (size_t i = 0; i < ngone && rc == 0; i++) {
				struct key *k = hmap_get(&c->keys, gone[i]);
				if (k->parent)
					rc = dirty_walk(c, d, k->parent);
			}
			/* a dependency that made an object part of another
			 * went: what it says of the object goes with it */
			for (size_t i = 0; i < ngone && rc == 0; i++) {
				struct key *k = hmap_get(&c->keys, gone[i]), *o;
				if (gone[i][0] != 'e' || !k->extra ||
				    !k->parent)
					continue;
				snprintf(name, sizeof(name), "%c:%s",
				         k->parent[0], k->parent + 1);
				if ((o = hmap_get(&c->keys, name)) &&
				    o->parent && !strcmp(o->parent, k->extra)) {
					free(o->parent);
					o->parent = NULL;
				}
			}
			for (size_t i = 0; i < ngone; i++) {
				snprintf(name, sizeof(name), "%s", gone[i]);
				key_free(hmap_del(&c->keys, name));
			}
			if (rc < 0)
				goto out;
		}
	}

	/* the new rows: what they belong to; a name that changed */
	for (size_t i = 0; i < nnew && rc == 0; i++) {
		struct key *k;
		snprintf(name, sizeof(name), "%c:%s", rows[i].cat, rows[i].key);
		if (!(k = hmap_get(&c->keys, name))) {
			if (!(k = calloc(1, sizeof(*k)))) {
				rc = STRATA_ENOMEM;
				break;
			}
			if ((rc = hmap_put(&c->keys, name, k, &old)) < 0) {
				free(k);
				break;
			}
			k->born = 1;
		} else if (!full && strchr("ctp", rows[i].cat) &&
		           (k->extra || rows[i].extra) &&
		           (!k->extra || !rows[i].extra ||
		            strcmp(k->extra, rows[i].extra))) {
			snprintf(name, sizeof(name), "%c%s", rows[i].cat,
			         rows[i].key);
			rc = hmap_put(&expand, name, (void *)1, &old);
		}
		/* an object's parent comes with its 'i' dependency (below) */
		if (rc == 0 && !strchr("ctpg", rows[i].cat) &&
		    (rc = set_str(&k->parent, rows[i].parent[0] ? rows[i].parent
		                                                : NULL)) < 0)
			break;
		if (rc == 0 &&
		    (rc =
		         set_str(&k->extra, rows[i].cat == 'e' && rows[i].ref[0]
		                                ? rows[i].ref
		                                : rows[i].extra)) < 0)
			break;
		k->young = rows[i].young;
		young += k->young;
	}
	if (rc != 0)
		goto out;
	c->young = young;
	/* what objects are part of, from the new 'i' dependencies */
	for (size_t i = 0; i < nnew && rc == 0; i++) {
		struct key *o;
		if (rows[i].cat != 'e' || !rows[i].ref[0])
			continue;
		snprintf(name, sizeof(name), "%c:%s", rows[i].parent[0],
		         rows[i].parent + 1);
		if ((o = hmap_get(&c->keys, name)))
			rc = set_str(&o->parent, rows[i].ref);
	}
	if (rc != 0)
		goto out;

	for (size_t i = 0; i < p->n && rc == 0; i++) {
		struct prow *r = &p->v[i];
		if (r->r == 'A' && r->a && r->b && r->c) {
			/* columns: a rename changes the names others print */
			if ((rc = arr_split(r->a, &el, &n)) < 0 ||
			    (rc = arr_split(r->b, &el2, &n2)) < 0 ||
			    (rc = arr_split(r->c, &el3, &n3)) < 0)
				break;
			for (size_t j = 0; j < n && j < n2 && j < n3 && rc == 0;
			     j++) {
				struct key *k;
				int renamed = 0;
				snprintf(name, sizeof(name), "c:%s", el[j]);
				if (!(k = hmap_get(&c->keys, name)))
					continue;
				rc = key_att(k, atoi(el2[j]), el3[j], &renamed);
				snprintf(name, sizeof(name), "c%s", el[j]);
				if (rc == 0 && renamed && !k->born)
					rc = hmap_put(&expand, name, (void *)1,
					              &old);
				if (rc == 0 && !full)
					rc = dirty_walk(c, d, name);
			}
		} else if (r->r == 'W' && r->a && r->b && !full) {
			/* rows of catalogs only followed: what they touch */
			if ((rc = arr_split(r->a, &el, &n)) < 0 ||
			    (rc = arr_split(r->b, &el2, &n2)) < 0)
				break;
			for (size_t j = 0; j < n && rc == 0; j++)
				if ((rc = dirty_walk(c, d, el[j])) == 0 &&
				    j < n2 && el2[j][0] == 'x')
					rc = hmap_put(&expand, el[j], (void *)1,
					              &old);
		} else if (r->r == 'V' && r->a) {
			/* indexes that became valid or not: indisvalid may
			 * be written in place, with no new xmin */
			if ((rc = arr_split(r->a, &el, &n)) < 0)
				break;
			for (size_t j = 0; j < n && rc == 0; j++) {
				rc = hmap_put(&inv, el[j], (void *)1, &old);
				if (rc == 0 && !full &&
				    !hmap_get(&c->invalid, el[j])) {
					snprintf(name, sizeof(name), "c%s",
					         el[j]);
					rc = dirty_walk(c, d, name);
				}
			}
		}
		free(el);
		free(el2);
		free(el3);
		el = el2 = el3 = NULL;
	}
	if (rc != 0)
		goto out;
	for (size_t i = 0; i < c->invalid.nb && rc == 0 && !full; i++)
		for (struct hent *e = c->invalid.b[i]; e && rc == 0;
		     e = e->next)
			if (!hmap_get(&inv, e->key)) {
				snprintf(name, sizeof(name), "c%s", e->key);
				rc = dirty_walk(c, d, name);
			}
	hmap_clear(&c->invalid, NULL);
	c->invalid = inv;
	memset(&inv, 0, sizeof(inv));
	/* the objects with new rows */
	for (size_t i = 0; i < nnew && rc == 0 && !full; i++) {
		snprintf(name, sizeof(name), "%c%s", rows[i].cat, rows[i].key);
		rc = dirty_walk(c, d, name);
	}
	if (rc == 0 && expand.n && !full)
		rc = expand_deps(s, c, d, &expand);
out:
	for (size_t i = 0; i < nnew; i++) {
		struct key *k;
		snprintf(name, sizeof(name), "%c:%s", rows[i].cat, rows[i].key);
		if ((k = hmap_get(&c->keys, name)))
			k->seen = k->born = 0;
	}
	if (anybad)
		for (size_t i = 0; i < c->keys.nb; i++)
			for (struct hent *e = c->keys.b[i]; e; e = e->next)
				((struct key *)e->val)->seen = 0;
	free(gone);
	free(rows);
	free(el);
	free(el2);
	free(el3);
	hmap_clear(&expand, NULL);
	hmap_clear(&inv, NULL);
	return rc;
}

struct deps {
	strata_pg_cache *c;
	struct dirty *d;
	int rc;
};

static int deps_row(void *data, int ncols, const char *const *v)
{
	struct deps *x = data;

	if (ncols < 1 || !v[0])
		return 0;
	if ((x->rc = dirty_walk(x->c, x->d, v[0])) < 0)
		return x->rc;
	return 0;
}

static int expand_deps(strata *s, strata_pg_cache *c, struct dirty *d,
                       struct hmap *expand)
{
	strata_buf arr = STRATA_BUF_INIT;
	struct deps x = {c, d, 0};
	const char *param;
	int rc = 0;

	strata_buf_putc(&arr, '{');
	for (size_t i = 0; i < expand->nb; i++)
		for (struct hent *e = expand->b[i]; e; e = e->next)
			if (strchr("ctp", e->key[0]))
				strata_buf_printf(&arr, "%s%s",
				                  arr.len > 1 ? "," : "",
				                  e->key);
	if (strata_buf_putc(&arr, '}') < 0) {
		strata_buf_dispose(&arr);
		return STRATA_ENOMEM;
	}
	param = arr.ptr;
	if (arr.len > 2)
		rc = s->driver->query(s->conn, deps_sql, 1, &param, deps_row,
		                      &x, &s->err);
	strata_buf_dispose(&arr);
	return x.rc < 0 ? x.rc : rc;
}

/* Puts back the settings the probe pinned for the reread. */
static void restore(strata *s)
{
	strata_error ignored = {0};

	s->driver->query(s->conn, restore_sql, 0, NULL, NULL, NULL, &ignored);
	strata_error_dispose(&ignored);
}

/* One try: probe, then reread.  AGAIN or FALLBACK as apply_probe(). */
static int snapshot_try(strata *s, strata_pg_cache *c)
{
	struct probe p = {0};
	struct dirty d;
	int rc;

	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < sizeof(d.arr) / sizeof(*d.arr); i++)
		strata_buf_init(&d.arr[i]);
	/* the server's state must be the cache's: without a cache, none */
	if (!c->ready && (rc = s->driver->query(s->conn, forget_sql, 0, NULL,
	                                        NULL, NULL, &s->err)) < 0)
		goto done;
	rc = run(s, c->probe_name, "", &c->probe_sql, &c->probe_prepared, "",
	         probe_row, &p);
	if (p.rc < 0)
		rc = p.rc;
	if (rc < 0)
		goto done;
	/* from here the reread's settings are pinned: it puts them back
	 * itself, otherwise restore() does */
	if ((rc = apply_probe(s, c, &p, &d)) == 0)
		rc = reread(s, c, &d);
	if (rc != 0 || (!d.whole && !d.parts))
		restore(s);
	if (rc == 0) {
		c->ready = 1;
		if (d.whole)
			c->n_whole++;
		else
			c->n_incremental++;
	}
done:
	if (rc != 0)
		c->ready = 0;
	probe_dispose(&p);
	hmap_clear(&d.set, NULL);
	for (size_t i = 0; i < sizeof(d.arr) / sizeof(*d.arr); i++)
		strata_buf_dispose(&d.arr[i]);
	return rc;
}

static const char first_line[] = "-- strata schema snapshot: postgres\n";

int strata_pg_cache_snapshot(strata *s, strata_pg_cache *c, char **out_text)
{
	strata_buf b = STRATA_BUF_INIT;
	int rc;

	*out_text = NULL;
	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (!c->probe_sql.len && (rc = build_probe(s, c)) < 0)
		goto fail;
	rc = AGAIN;
	for (int tries = 0; tries < 3 && rc == AGAIN; tries++)
		rc = snapshot_try(s, c);
	if (rc < 0)
		goto fail;
	if (rc == 0 && !c->dup) {
		size_t len = sizeof(first_line) - 1;
		for (size_t i = 0; i < c->norder; i++)
			len += c->order[i]->len;
		if ((rc = strata_buf_grow(&b, len)) < 0 ||
		    (rc = strata_buf_puts(&b, first_line)) < 0)
			goto fail;
		for (size_t i = 0; i < c->norder; i++)
			strata_buf_add(&b, c->order[i]->text, c->order[i]->len);
	} else {
		/* two objects with one header, a search_path the reread's
		 * names would not resolve in, or a cache that keeps
		 * disagreeing with the server: a whole snapshot, and the
		 * cache starts afresh next time */
		cache_reset(c);
		c->n_whole++;
		if ((rc = strata_buf_puts(&b, first_line)) < 0 ||
		    (rc = strata_snapshot_pg(s, 0, &b)) < 0)
			goto fail;
	}
	if (!(*out_text = strata_buf_detach(&b)))
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	return 0;
fail:
	cache_reset(c);
	strata_buf_dispose(&b);
	if (rc == STRATA_ENOMEM)
		return strata_error_set(&s->err, rc, "out of memory");
	if (!s->err.message)
		return strata_error_set(&s->err, rc < 0 ? rc : STRATA_ERROR,
		                        "reading the schema snapshot failed");
	return rc;
}

void strata_pg_cache_counts(const strata_pg_cache *c, unsigned *incremental,
                            unsigned *whole)
{
	*incremental = c->n_incremental;
	*whole = c->n_whole;
}
