/*
 * strata verify's insides, shared by verify.c (the walk over the applied
 * migrations and the report), verify_expect.c (the objects they should
 * have left, and the check against a schema snapshot) and verify_script.c
 * (running a migration's verify script).  Not visible outside the library.
 */
#ifndef STRATA_VERIFY_H
#define STRATA_VERIFY_H

#include "lint/objects.h"
#include "session.h"

#define VERIFY_HIDDEN __attribute__((visibility("hidden")))

/* A list of strings, each owned. */
struct strlist {
	char **v;
	size_t n, cap;
};

/* Appends a formatted string; 0 or STRATA_ENOMEM. */
int strlist_add(struct strlist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))) VERIFY_HIDDEN;
void strlist_dispose(struct strlist *l) VERIFY_HIDDEN;

/* ---- verify_expect.c, verify_check.c ---- */

/* An object the applied migrations should have left in the database. */
struct xobj {
	const char *kind; /* objects.h's kinds (static strings) */
	char *schema;     /* where it lives; "" on SQLite */
	char *name;       /* a member's own name */
	char *table;      /* members and indexes: their table; else "" */
	char *args;       /* functions: input argument types; NULL: unknown */
	char **cols;      /* indexes and constraints: columns they use */
	size_t ncols;
	char **refs; /* views and foreign keys: relations they use */
	size_t nrefs;
	size_t mig; /* which migration made it (the caller's index) */
	int gone;   /* dropped or renamed away since */
	/* "file:line" of a later DROP ... CASCADE that may have dropped it
	 * with what it depended on (owned); NULL: none */
	char *cascade_at;
};

struct expect {
	int pg;
	const char *def_schema; /* PostgreSQL: current_schema() */
	char *path_schema;      /* SET search_path in the migration being
	                           walked (owned); NULL: none */
	size_t mig;             /* the migration being walked */
	const char *where;      /* "file:line" of the statement being walked */
	struct strlist *notes;  /* that migration's notes (not owned) */
	struct xobj *v;         /* owned */
	size_t n, cap;
	int nomem;
};

/* Whether objects of this kind are named within their table (columns,
 * constraints, triggers, policies). */
int strata_expect_is_member(const char *kind) VERIFY_HIDDEN;

/* Starts an empty expectation for a dialect. */
void strata_expect_init(struct expect *x, int pg,
                        const char *def_schema) VERIFY_HIDDEN;
void strata_expect_dispose(struct expect *x) VERIFY_HIDDEN;

/* What a statement of migration x->mig does, applied to the objects
 * expected (an so_fn). */
void strata_expect_apply(const struct so_object *o, void *data) VERIFY_HIDDEN;

/* Begins walking migration `mig`: SET search_path of an earlier one no
 * longer counts. */
void strata_expect_next(struct expect *x, size_t mig,
                        struct strlist *notes) VERIFY_HIDDEN;

/* "column public.users.nick": how a missing object is named. */
void strata_expect_describe(const struct expect *x, const struct xobj *o,
                            strata_buf *out) VERIFY_HIDDEN;

/*
 * Checks every object still expected against a schema snapshot
 * (docs/snapshot.md): missing(o, data) for each one it lacks.  Returns 0
 * or STRATA_ENOMEM.
 */
int strata_expect_check(struct expect *x, const char *snapshot,
                        void (*missing)(const struct xobj *o, void *data),
                        void *data) VERIFY_HIDDEN;

/* ---- verify_script.c ---- */

/* What running a verify script gave. */
struct script_result {
	strata_verify_script result;
	int statements;     /* statements run to the end */
	strata_error error; /* SCRIPT_FALSE, SCRIPT_ERROR: where and why */
};

/*
 * Runs m's verify script in a transaction that is always rolled back.
 * A statement that fails or returns a false value is a result, in *r; a
 * failure to run at all (the connection lost, no memory, an interrupt)
 * is returned, in s->err.
 */
int strata_verify_run_script(strata *s, const struct migration_file *m,
                             struct script_result *r) VERIFY_HIDDEN;

#endif
