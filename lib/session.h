/*
 * The session handle's insides, shared by the library's files.  Nothing here
 * is visible to the CLI or to embedding programs.
 */
#ifndef STRATA_SESSION_H
#define STRATA_SESSION_H

#include <stdatomic.h>

#include "strata.h"
#include "strata/driver.h"

/* One migration on disk, as the library keeps it. */
struct migration_file {
	strata_migration
	    pub; /* public view; its strings point at the fields below */
	char *version, *name, *up_path, *down_path, *checksum; /* owned */
	char *up_text;           /* owned: whole file, BOM removed */
	size_t up_start, up_end; /* the up section's bytes in up_text */
	/* a single file: where its '-- strata:up' line starts; the
	 * directives before it (the head) are the up section's, outside its
	 * checksum */
	size_t head_end;
	char *down_text;         /* owned, or == up_text for a single file */
	size_t down_start, down_end;
	/* a section's own timeouts (directives), by direction; -1: none */
	int lock_timeout_ms[2], statement_timeout_ms[2];
	/* the verify script: a NAME.verify.sql (verify_text owned) or a
	 * '-- strata:verify' section (verify_text == up_text); NULL: none */
	char *verify_path, *verify_text; /* verify_path owned */
	size_t verify_start, verify_end;
	int verify_lock_timeout_ms, verify_statement_timeout_ms; /* -1: none */
	/* byte ranges of up_text run as one statement each, never split
	 * (goose's StatementBegin/End): start, end pairs; owned, NULL: none */
	size_t *blocks;
	size_t nblocks;
};

/* One direction's section of a migration, as a view. */
struct section {
	const char *text; /* the whole file */
	const char *path;
	size_t start, end;
};

static inline struct section migration_section(const struct migration_file *m,
                                               strata_direction dir)
{
	struct section s;
	if (dir == STRATA_UP) {
		s.text = m->up_text;
		s.path = m->up_path;
		s.start = m->up_start;
		s.end = m->up_end;
	} else {
		s.text = m->down_text;
		s.path = m->down_path;
		s.start = m->down_start;
		s.end = m->down_end;
	}
	return s;
}

/* The verify script of a migration, as a section (text NULL: none). */
static inline struct section migration_verify_section(
    const struct migration_file *m)
{
	struct section s;
	s.text = m->verify_text;
	s.path = m->verify_path;
	s.start = m->verify_start;
	s.end = m->verify_end;
	return s;
}

struct strata {
	char *url, *dir, *applied_by; /* owned */
	char *table_schema;           /* owned; NULL: the default schema */
	char *table_name;             /* owned */
	int lock_wait_ms;
	int lock_timeout_ms, statement_timeout_ms, lock_tries;
	int data_backup; /* copy dropped tables and columns first */
	strata_event_fn on_event;
	void *event_data;

	strata_error err; /* the last failure */
	atomic_int interrupted; /* strata_interrupt(); lock-free, so a
	                           signal handler may set it */
	strata *_Atomic child;  /* a session this one runs (strata_prove's
	                           scratch), interrupted with it */

	const struct strata_driver *driver; /* NULL until connected */
	strata_conn *conn;

	struct strata_sqlite_checker *sqlite_checker; /* owned; lazily opened */
	signed char *lint_sev; /* owned: configured severity by rule index,
	                          -1 where not configured; NULL: none */

	/* The migration statement running now, watched by run_watch.c. */
	struct {
		const struct migration_file *m; /* NULL: none */
		const char *sql;
		size_t index, count; /* statement index (1-based) of count */
		long long t0, last;  /* when it began, last report (ms) */
		int backend_pid;     /* PostgreSQL: the session running it */
		strata_conn *conn;   /* owned: a second connection to look */
		int broken;          /* looking failed once: stop looking */
	} watch;

	int format;      /* STRATA_FORMAT_*: asked for (AUTO: detect) */
	int format_used; /* the one the files were loaded in */
	struct migration_file *migs; /* owned, sorted by version */
	size_t nmigs;
	int loaded;
	int format_warned; /* the other tool's warnings were said (once) */

	/* strata_run_lock_hold() (engine.c): the session holds the run lock
	 * between runs, so nothing else writes the history table and runs
	 * plan against the copy kept here instead of reading it each time. */
	int lock_held;
	struct history *kept; /* owned, or NULL: read it on the next run */
	char kept_when[32];   /* applied_at of the row inserted last */
};

/* Connects on first use.  Fails with STRATA_EURL or STRATA_ECONNECT. */
int strata_session_connect(strata *s);

/* The driver for s->url without connecting (for the dialect). */
int strata_session_driver(strata *s, const struct strata_driver **out);

/* Loads the files on first use. */
int strata_session_load(strata *s);

void strata_session_emit(strata *s, strata_event_type type,
                         const strata_migration *m, const char *message);

/* A STRATA_EVENT_PROGRESS (see strata_event for the fields). */
void strata_session_progress(strata *s, const strata_migration *m,
                             const char *message, const char *phase,
                             const char *unit, long long done,
                             long long total, int blocker_pid);

/* ---- run_watch.c: a statement watched while it runs ---- */

/* At connect: the driver's tick goes to the watcher. */
void strata_watch_attach(strata *s);
/* Around a migration statement: only then may a tick cancel (interrupt)
 * or report it. */
void strata_watch_begin(strata *s, const struct migration_file *m,
                        const char *sql, size_t index, size_t count);
void strata_watch_end(strata *s);
/* Closes the watcher's own connection, if it opened one. */
void strata_watch_close(strata *s);
int strata_is_interrupted(strata *s);
/* STRATA_EINTERRUPTED, said about the migration `next` would have run,
 * once strata_interrupt() was called; else 0. */
int strata_stop_before(strata *s, const struct migration_file *next);

/* The migration with this version, or NULL. */
struct migration_file *strata_session_find(strata *s, const char *version);

/* ---- history.c: the history table ---- */

typedef struct history_row {
	char *version, *name, *checksum, *applied_at, *applied_by, *state;
	long long duration_ms;
	int failed_statement;
} history_row;

typedef struct history {
	history_row *rows; /* owned, by version ascending */
	size_t count;
} history;

/* The copy of the history a session holding the run lock keeps (s->kept),
 * told what a migration's committed transaction did to the table. */
int strata_history_kept_applied(strata *s, const struct migration_file *m,
                                long long duration_ms);
void strata_history_kept_removed(strata *s, const char *version);
void strata_history_kept_drop(strata *s); /* read it again next time */

void strata_history_dispose(history *h);
int strata_history_exists(strata *s, int *out);
int strata_history_ensure(strata *s);
int strata_history_read(strata *s, history *out);
/* *out_found = 0 when no row has that version. */
int strata_history_state(strata *s, const char *version, char **out_state,
                         int *out_found);
int strata_history_insert(strata *s, const struct migration_file *m,
                          const char *state, long long duration_ms);
/* failed_statement: for a dirty up, the 1-based statement a resumed up
 * starts from; for a dirty down, minus the statement that failed. */
int strata_history_mark(strata *s, const char *version, const char *state,
                        int failed_statement, long long duration_ms);
int strata_history_delete(strata *s, const char *version);

/* ---- status.c ---- */

/* Builds a status from loaded files and a history read. */
int strata_status_build(strata *s, const history *h, strata_status **out);
/* The same, borrowing h's strings: h must outlive the status. */
int strata_status_build_borrowed(strata *s, const history *h,
                                 strata_status **out);

/* ---- checksum.c / url.c ---- */

/* Hex SHA-256 of data with every CRLF counted as LF; out has 65 bytes. */
int strata_checksum_hex(const char *data, size_t len, char out[65]);
/* The same, for many texts in a row (a hasher fetches SHA-256 once). */
typedef struct strata_hasher strata_hasher;
int strata_hasher_new(strata_hasher **out);
int strata_hasher_hex(strata_hasher *h, const char *data, size_t len,
                      char out[65]);
void strata_hasher_free(strata_hasher *h); /* NULL-safe */

/* For sqlite URLs: the file path (caller frees).  STRATA_EURL if malformed. */
int strata_url_sqlite_path(const char *url, char **out, strata_error *err);

/* The statements of a section of m, split by the session's dialect. */
struct strata_stmt_list;
int strata_session_split(strata *s, const struct migration_file *m,
                         strata_direction dir, struct strata_stmt_list *out);
/* The same for any section (a verify script). */
int strata_session_split_section(strata *s, struct section sec,
                                 struct strata_stmt_list *out);

#endif
