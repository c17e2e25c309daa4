/*
 * What a statement does to the schema's named objects: which it creates,
 * drops and renames, read from libpg_query's parse tree (pg_objects.c) or
 * from the linter's SQLite tokens (sqlite_objects.c).  strata verify
 * follows them through the applied migrations to know what the database
 * should hold.  Hidden from the shared library.
 *
 * Only what the statement says is reported: an index made for a UNIQUE
 * constraint, a sequence made for a serial column, or whatever a DO block
 * or a function runs, are not.  Temporary objects are left out.
 */
#ifndef STRATA_OBJECTS_H
#define STRATA_OBJECTS_H

#include <stddef.h>

#ifndef STRATA_LINT_HIDDEN
#define STRATA_LINT_HIDDEN __attribute__((visibility("hidden")))
#endif

enum so_op {
	SO_CREATE, /* CREATE, CREATE OR REPLACE, IF NOT EXISTS, ADD COLUMN */
	SO_DROP,
	SO_RENAME,      /* name becomes `to`, and/or moves to `to_schema` */
	SO_SEARCH_PATH, /* SET search_path: unqualified names now go to
	                   `schema` ("": back to the default) */
	SO_UNSEEN       /* the statement may change objects strata cannot
	                   see: `kind` says what it is ("DO block") */
};

struct so_object {
	enum so_op op;
	/* docs/snapshot.md's kinds ("table", "index", "function", ...), and
	 * "column" and "constraint" for a table's members.  A rename says
	 * what the statement names, which PostgreSQL does not check for
	 * relations: ALTER TABLE may rename a view. */
	const char *kind;
	const char *schema; /* as written; "" when not */
	const char *name;   /* unquoted; a member's own name */
	/* a column, constraint, trigger or policy: its table (in `schema`);
	 * a created index: its table; else "" */
	const char *table;
	/* a function or procedure: its argument types, "int4,text"; NULL
	 * when the statement does not give them (DROP FUNCTION f) */
	const char *args;
	const char *to;        /* SO_RENAME: the new name; NULL: unchanged */
	const char *to_schema; /* SO_RENAME: the new schema; NULL: unchanged */
	/* an index or a constraint: the columns of its table it uses, so far
	 * as the statement shows them (DROP COLUMN drops it with them) */
	const char *const *cols;
	size_t ncols;
	/* a view or a foreign key: the relations it reads or references
	 * (unqualified), which a DROP ... CASCADE takes it along with */
	const char *const *refs;
	size_t nrefs;
	int cascade; /* SO_DROP: ... CASCADE */
};

/* Receives each object change; `o` and its strings live only during the
 * call. */
typedef void (*so_fn)(const struct so_object *o, void *data);

/*
 * Hands what the statements in `sql` (one or more; PostgreSQL) do to
 * objects to fn, in order.  Nothing when the text does not parse.
 * Returns 0, or STRATA_ENOMEM.
 */
int strata_pg_statement_objects(const char *sql, so_fn fn,
                                void *data) STRATA_LINT_HIDDEN;

/* The same for one SQLite statement: CREATE and DROP of tables, indexes,
 * views and triggers; ALTER TABLE ADD, DROP and RENAME. */
int strata_sqlite_statement_objects(const char *sql, so_fn fn,
                                    void *data) STRATA_LINT_HIDDEN;

#endif
