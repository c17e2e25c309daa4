/* SQLite schema snapshots: being written. */
#include "error.h"
#include "snapshot.h"

int strata_snapshot_sqlite(strata *s, unsigned flags, strata_buf *out)
{
	(void)flags;
	(void)out;
	return strata_error_set(&s->err, STRATA_EUSAGE,
	                        "schema snapshots of SQLite are not written yet");
}
