/*
 * Incremental PostgreSQL snapshots, for strata test: a cache of the last
 * snapshot's objects, kept across snapshots of one session, so that each
 * snapshot reads again only the objects whose catalog rows changed since
 * the last one.  The text is the one strata_schema_snapshot(s, 0, ...)
 * gives, byte for byte.  See snapshot_pg_cache.c for how.
 */
#ifndef STRATA_SNAPSHOT_PG_CACHE_H
#define STRATA_SNAPSHOT_PG_CACHE_H

#include "session.h"

typedef struct strata_pg_cache strata_pg_cache;

/* A cache for one session: NULL when out of memory.  Free it with
 * strata_pg_cache_free() (NULL-safe). */
strata_pg_cache *strata_pg_cache_new(void);
void strata_pg_cache_free(strata_pg_cache *c);

/*
 * The snapshot of s's database, as strata_schema_snapshot(s, 0, out_text)
 * makes it (PostgreSQL only; no owner lines), reading the catalog only
 * where it changed since the last call with `c`, which must always be
 * given the same session.  *out_text is the caller's to free.  Failures go
 * to s->err; the cache then starts afresh on the next call.
 *
 * It leaves in the session a few settings of its own (strata.*) and
 * prepared statements (strata_probe_*, strata_reread_*).
 */
int strata_pg_cache_snapshot(strata *s, strata_pg_cache *c, char **out_text);

/* How the snapshots so far were read: *incremental by reading again only
 * what changed, *whole every object (the first one, and each time the
 * cache started afresh).  For tests. */
void strata_pg_cache_counts(const strata_pg_cache *c, unsigned *incremental,
                            unsigned *whole);

#endif
