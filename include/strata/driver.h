/*
 * The driver interface: what a database backend provides to the engine.
 *
 * A driver is one `const struct strata_driver`, found by URL scheme.  The
 * engine owns the connection handle between open() and close() and never
 * calls a driver from two threads at once.  Every function that can fail
 * returns 0 or a negative STRATA_E* code and fills `err` (see strata.h);
 * database failures set err->message, err->sqlstate, err->detail, err->hint
 * and `*err_offset` (below) when the server names a position.  A connection
 * lost in the middle of a call returns STRATA_ECONNECT.
 */
#ifndef STRATA_DRIVER_H
#define STRATA_DRIVER_H

#include "strata.h"

typedef struct strata_conn strata_conn; /* defined by each driver */

/* How often a driver calls the tick function (set_tick_fn below). */
#define STRATA_TICK_MS 100

/* Capability bits. */
#define STRATA_CAP_TRANSACTIONAL_DDL (1u << 0) /* DDL rolls back */
#define STRATA_CAP_ADVISORY_LOCK     (1u << 1) /* lock()/unlock() provided */

/*
 * Receives one result row; values[i] is NULL for SQL NULL.  Return 0 to go
 * on, non-zero to stop (the query then returns that value).
 */
typedef int (*strata_row_fn)(void *data, int ncols, const char *const *values);

/* Receives a one-line-or-more message (lock waits, server notices). */
typedef void (*strata_message_fn)(void *data, const char *message);

/* Called while a statement runs; non-zero asks the driver to cancel it. */
typedef int (*strata_tick_fn)(void *data);

struct strata_driver {
	const char *name;           /* "sqlite", "postgres", "mysql" */
	const char *const *schemes; /* NULL-terminated URL schemes */
	unsigned caps;              /* STRATA_CAP_* */
	strata_dialect dialect;     /* which statement splitter applies */

	/* Must provide.  `url` is the full URL; `busy_ms` bounds waits for
	 * locks the database itself takes (SQLite's busy timeout). */
	int (*open)(strata_conn **out, const char *url, int busy_ms,
	            strata_error *err);
	void (*close)(strata_conn *c); /* NULL-safe */

	/* Must provide.  Runs one statement (text NUL-terminated).  On failure
	 * *err_offset receives the byte offset within `sql` the database points
	 * at (strlen(sql) for "at end of input"), or -1. */
	int (*exec)(strata_conn *c, const char *sql, long *err_offset,
	            strata_error *err);

	/* Must provide.  Runs one statement with text parameters $1..$n, which
	 * appear in the SQL in ascending order; rows go to `fn` (may be NULL).
	 */
	int (*query)(strata_conn *c, const char *sql, int nparams,
	             const char *const *params, strata_row_fn fn, void *data,
	             strata_error *err);

	/* May provide: exec() of one statement that may return rows (a
	 * verify script's): they go to `fn` as query() hands them over, and
	 * a non-zero return from fn stops the rows (exec_rows then returns
	 * that value).  Watched and cancelled like exec().  Without it there
	 * is no strata verify. */
	int (*exec_rows)(strata_conn *c, const char *sql, strata_row_fn fn,
	                 void *data, long *err_offset, strata_error *err);

	/* Must provide: the statement that opens a migration's transaction
	 * (SQLite: "BEGIN IMMEDIATE", taking the write lock up front). */
	const char *begin_sql;

	/* Must provide: whether a table (not a view) with exactly this name
	 * exists; schema NULL means wherever unqualified names resolve. */
	int (*table_exists)(strata_conn *c, const char *schema,
	                    const char *table, int *out_exists,
	                    strata_error *err);

	/* May provide (with STRATA_CAP_ADVISORY_LOCK): a session-level lock on
	 * `key`, waiting at most wait_ms, calling `on_wait` while it waits.
	 * Returns STRATA_ELOCKED on timeout.  unlock() fails when the lock is
	 * not held.  Without them the engine relies on begin_sql taking the
	 * database's write lock. */
	int (*lock)(strata_conn *c, long long key, int wait_ms,
	            strata_message_fn on_wait, void *wait_data,
	            strata_error *err);
	int (*unlock)(strata_conn *c, long long key, strata_error *err);

	/* May provide: server messages go to `fn` as the server words them
	 * ("NOTICE:  ...", possibly several lines), without a final newline.
	 * Until it is called, messages are dropped. */
	void (*set_notice_fn)(strata_conn *c, strata_message_fn fn, void *data);

	/* May provide: while exec() waits for the database, `fn` is called
	 * about every STRATA_TICK_MS (from the calling thread, so it must not
	 * use this connection).  When it returns non-zero the driver cancels
	 * the statement, which then fails the way the database reports a
	 * cancel.  Without it a statement cannot be interrupted or watched. */
	void (*set_tick_fn)(strata_conn *c, strata_tick_fn fn, void *data);

	/* May provide: a new, empty scratch database beside the one of `url`
	 * (`c`, connected to it, may be NULL where no connection is needed);
	 * *out_url (caller frees) is the URL to open it.  scratch_drop()
	 * removes one that scratch_create() made, and nothing else. */
	int (*scratch_create)(strata_conn *c, const char *url, char **out_url,
	                      strata_error *err);
	int (*scratch_drop)(strata_conn *c, const char *scratch_url,
	                    strata_error *err);

	/* May provide: a consistent copy of the whole database into the file
	 * `path` (created), and the reverse: the database replaced by the
	 * copy in `path`.  Without them strata uses the server's own tools. */
	int (*backup_to)(strata_conn *c, const char *path, strata_error *err);
	int (*restore_from)(strata_conn *c, const char *path,
	                    strata_error *err);
};

/* The driver for a URL's scheme, or NULL. */
const struct strata_driver *strata_driver_find(const char *url);

extern const struct strata_driver strata_driver_sqlite;
extern const struct strata_driver strata_driver_postgres;
extern const struct strata_driver strata_driver_mysql;

#endif
