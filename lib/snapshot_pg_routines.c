/*
 * The part of the PostgreSQL snapshot query for functions and procedures
 * (see snapshot_pg.h for what every part returns).  Bodies are not copied:
 * the src column carries the body text on the "body sha256:" line and
 * snapshot_pg.c appends its hash, as strata hashes migrations.
 */
#include <stddef.h>

#include "snapshot_pg.h"

/*
 * Not aggregates, nor a range type's constructor functions ('i': part of
 * the type).  The header holds the argument types, which is what makes a
 * function itself (f(integer), as DROP FUNCTION takes it): renaming an
 * argument changes the function, not which one it is.  "arguments" gives
 * the whole list (names, defaults, OUT) where it says more than the types.
 * Window functions are functions with a "window" line.
 */
/* clang-format off */
#define ROUTINES(body) \
	"SELECT 9 AS k, h, l, src, o FROM (" \
	"WITH r AS (SELECT p.*," \
	" CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END" \
	" || " PG_QNAME("n.nspname", "p.proname") " || '(' ||" \
	" pg_catalog.oidvectortypes(p.proargtypes) || ')' AS h" \
	" FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace" \
	" WHERE p.prokind IN ('f', 'p', 'w') AND " PG_NSP_SHOWN("n") \
	PG_ONLY("p", "p.oid") \
	" AND " PG_NO_DEP("pg_proc", "p.oid", "'e', 'i'") ")" \
	" SELECT r.h, v.l, v.src, r.oid AS o FROM r" \
	" JOIN pg_language g ON g.oid = r.prolang" \
	" CROSS JOIN LATERAL (VALUES" \
	" (CASE WHEN r.prokind <> 'p' THEN 'returns ' ||" \
	" " PG_FOLD("pg_get_function_result(r.oid)") " END, NULL::text)," \
	" (CASE WHEN pg_get_function_arguments(r.oid) <>" \
	" pg_catalog.oidvectortypes(r.proargtypes) THEN 'arguments ' ||" \
	" " PG_FOLD("pg_get_function_arguments(r.oid)") " END, NULL)," \
	" ('language ' || quote_ident(g.lanname), NULL)," \
	" ('volatility ' || CASE r.provolatile WHEN 'i' THEN 'immutable'" \
	" WHEN 's' THEN 'stable' ELSE 'volatile' END, NULL)," \
	" (CASE WHEN r.prosecdef THEN 'security definer' END, NULL)," \
	" (CASE WHEN r.proisstrict THEN 'strict' END, NULL)," \
	" (CASE WHEN r.proleakproof THEN 'leakproof' END, NULL)," \
	" (CASE r.proparallel WHEN 's' THEN 'parallel safe'" \
	" WHEN 'r' THEN 'parallel restricted' END, NULL)," \
	" (CASE WHEN r.prokind = 'w' THEN 'window' END, NULL)," \
	" ('body sha256:', " body ")," \
	" (" PG_COMMENT("pg_proc", "r.oid") ", NULL)," \
	" (" PG_OWNER("r.proowner") ", NULL)) v(l, src)" \
	" UNION ALL SELECT r.h, 'set ' || c, NULL, r.oid FROM r," \
	" unnest(r.proconfig) c" \
	") q_"
/* clang-format on */

const char *const strata_pg_sql_routines_12[] = {ROUTINES("r.prosrc"), NULL};

/* A SQL-standard body (BEGIN ATOMIC, RETURN) is kept parsed, in
 * prosqlbody, with an empty prosrc: it is hashed as PostgreSQL prints it.
 */
const char *const strata_pg_sql_routines_14[] = {
    ROUTINES("CASE WHEN r.prosqlbody IS NOT NULL"
             " THEN pg_get_function_sqlbody(r.oid) ELSE r.prosrc END"),
    NULL};
