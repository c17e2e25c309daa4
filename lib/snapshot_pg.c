/* PostgreSQL schema snapshots: to be written (issue #5). */
#include "error.h"
#include "snapshot.h"

int strata_snapshot_pg(strata *s, unsigned flags, strata_buf *out)
{
	(void)flags;
	(void)out;
	return strata_error_set(&s->err, STRATA_EUSAGE,
	                        "schema snapshots of PostgreSQL are not "
	                        "written yet");
}
