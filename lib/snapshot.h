/*
 * Schema snapshots, by dialect (docs/snapshot.md).  Each appends the
 * objects of the session's database to `out`, in canonical order, without
 * the first "-- strata schema snapshot" line (snapshot.c writes it), and
 * without strata's history table (s->table_schema, s->table_name) and the
 * strata_backup schema.  Failures go to s->err.
 */
#ifndef STRATA_SNAPSHOT_H
#define STRATA_SNAPSHOT_H

#include "session.h"

int strata_snapshot_pg(strata *s, unsigned flags, strata_buf *out);
int strata_snapshot_sqlite(strata *s, unsigned flags, strata_buf *out);

/* A diff of strata_snapshot_diff() in one line, its groups labelled:
 * "down leaves: column public.users.nick; down removes: index public.x" */
void strata_snapshot_summary(const char *diff, const char *more,
                             const char *less, const char *other,
                             strata_buf *out);

#endif
