/* Batched backfills (backfill.c): `-- strata:batch size=N pause=D`. */
#ifndef STRATA_BACKFILL_H
#define STRATA_BACKFILL_H

#include <stddef.h>

#include "session.h"

struct batch {
	int size;     /* rows per transaction; default 1000 */
	int pause_ms; /* between batches; default 0 */
};

/* Reads "size=N pause=D" (either, both or none); 0, or -1 if malformed. */
int strata_batch_parse(const char *args, size_t len, struct batch *out);

/* Looks for a '-- strata:batch ...' line in text[from, to): 1 found (and
 * *out filled), 0 none, -1 malformed. */
int strata_batch_find(const char *text, size_t from, size_t to,
                      struct batch *out);

/*
 * Runs `sql` (UPDATE t SET ... WHERE cond) in batches until no row
 * matches, each in a transaction that begin(ctx) opens and this commits,
 * reporting progress as STRATA_EVENT_PROGRESS.  On failure the open
 * transaction is rolled back and s->err says why.
 */
int strata_batch_run(strata *s, const strata_migration *m, const char *sql,
                     const struct batch *b, int (*begin)(void *ctx), void *ctx);

#endif
