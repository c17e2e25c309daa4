/* Scratch databases for strata test and strata explain (scratch.c). */
#ifndef STRATA_SCRATCH_H
#define STRATA_SCRATCH_H

#include "session.h"

struct scratch {
	strata *session; /* owned: a session of the scratch database */
	char *url;       /* owned */
	int made;        /* made by the driver: dropped by close */
	const struct strata_driver *driver;
};

/* Opens a scratch database: `url` when given (used as it is), else one
 * the driver makes beside the user's.  Failures go to s->err. */
int strata_scratch_open(strata *s, const char *url, struct scratch *sc);
/* Closes it, dropping what open made. */
void strata_scratch_close(strata *s, struct scratch *sc);

#endif
