/*
 * The copies of dropped tables and columns that runs keep in the
 * strata_backup schema (engine.c makes them).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "session.h"

struct listing {
	void (*fn)(const strata_backup_info *b, void *data);
	void *data;
};

static int backup_row(void *data, int ncols, const char *const *v)
{
	struct listing *l = data;
	strata_backup_info b;

	if (ncols < 3)
		return 0;
	b.name = v[0] ? v[0] : "";
	b.rows = v[1] ? atoll(v[1]) : -1;
	b.bytes = v[2] ? atoll(v[2]) : -1;
	l->fn(&b, l->data);
	return 0;
}

int strata_backups_list(strata *s,
                        void (*fn)(const strata_backup_info *b, void *data),
                        void *data)
{
	static const char q[] =
	    "SELECT c.relname, CASE WHEN c.reltuples < 0 THEN NULL ELSE "
	    "c.reltuples::bigint END, pg_catalog.pg_total_relation_size(c.oid) "
	    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = c.relnamespace WHERE n.nspname = 'strata_backup' "
	    "AND c.relkind = 'r' ORDER BY c.relname";
	struct listing l = {fn, data};
	int rc;

	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (s->driver->dialect != STRATA_DIALECT_POSTGRES)
		return strata_error_set(&s->err, STRATA_EUSAGE,
		                        "data backups are kept on PostgreSQL "
		                        "only, for now");
	return s->driver->query(s->conn, q, 0, NULL, backup_row, &l, &s->err);
}
