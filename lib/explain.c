/*
 * What strata explain needs from the library: the schema around one
 * migration, read on a scratch database, and the text of a section.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "scratch.h"
#include "strata/driver.h"

/* Applies the scratch session's pending migrations up to `target`, or
 * `count` of them. */
static int scratch_up(struct scratch *sc, const char *target, int count)
{
	strata_run_opts ro;
	int done;

	memset(&ro, 0, sizeof(ro));
	ro.op = STRATA_OP_UP;
	ro.target = target;
	ro.count = count;
	ro.flags = STRATA_RUN_NO_PREFLIGHT | STRATA_RUN_ALLOW_DESTRUCTIVE |
	           STRATA_RUN_ALLOW_OUT_OF_ORDER;
	return strata_run(sc->session, &ro, &done);
}

int strata_schema_around(strata *s, const char *version,
                         const char *scratch_url, char **out_before,
                         char **out_after)
{
	struct migration_file *m, *prev = NULL;
	struct scratch sc;
	int rc;

	*out_before = *out_after = NULL;
	if ((rc = strata_session_load(s)) < 0)
		return rc;
	if (!(m = strata_session_find(s, version)))
		return strata_error_set(&s->err, STRATA_ENOTFOUND,
		                        "no migration has version %s", version);
	if (m > s->migs)
		prev = m - 1;
	if ((rc = strata_scratch_open(s, scratch_url, &sc)) < 0)
		return rc;
	if ((prev && (rc = scratch_up(&sc, prev->version, 0)) < 0) ||
	    (rc = strata_schema_snapshot(sc.session, 0, out_before)) < 0 ||
	    (rc = scratch_up(&sc, NULL, 1)) < 0 ||
	    (rc = strata_schema_snapshot(sc.session, 0, out_after)) < 0) {
		strata_error_move(&s->err, &sc.session->err);
		free(*out_before);
		*out_before = NULL;
	}
	strata_scratch_close(s, &sc);
	return rc;
}

int strata_migration_section(strata *s, const char *version,
                             strata_direction dir, char **out_text)
{
	struct migration_file *m;
	struct section sec;
	int rc;

	*out_text = NULL;
	if ((rc = strata_session_load(s)) < 0)
		return rc;
	if (!(m = strata_session_find(s, version)))
		return strata_error_set(&s->err, STRATA_ENOTFOUND,
		                        "no migration has version %s", version);
	if (dir == STRATA_DOWN && !m->down_path)
		return 0;
	sec = migration_section(m, dir);
	if (!(*out_text = strndup(sec.text + sec.start, sec.end - sec.start)))
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	return 0;
}
