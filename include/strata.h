/*
 * libstrata: database schema migrations, as a library.
 *
 * Everything the `strata` command can do goes through this header.  The
 * library never prints and never exits: progress is reported through an
 * event callback, failures through negative STRATA_E* codes with the detail
 * (file, line, column, SQLSTATE, hint, statement) on the session handle.
 *
 * Ownership: every pointer returned by a strata_* function stays owned by
 * the object it came from unless the comment says "caller frees".  Strings
 * in strata_config are copied by strata_open().
 *
 * Threads: a session handle is used by one thread at a time.
 */
#ifndef STRATA_H
#define STRATA_H

#include <stddef.h>

#include "strata/buf.h"

#define STRATA_VERSION "0.1.0"

/* Return codes: 0 is success, failures are negative.  Append only. */
enum {
	STRATA_OK = 0,
	STRATA_ERROR = -1, /* unclassified failure */
	STRATA_ENOMEM = -2,
	STRATA_EIO = -3,        /* reading or writing a file failed */
	STRATA_EFORMAT = -4,    /* a migration file name or layout is invalid */
	STRATA_ESYNTAX = -5,    /* SQL that does not parse */
	STRATA_EDB = -6,        /* the database rejected a statement */
	STRATA_ECONNECT = -7,   /* could not connect */
	STRATA_EURL = -8,       /* database URL not understood */
	STRATA_ELOCKED = -9,    /* the run lock was not granted in time */
	STRATA_ECHECKSUM = -10, /* an applied migration's file has changed */
	STRATA_EDIRTY =
	    -11, /* a migration failed half-way outside a transaction */
	STRATA_EORDER =
	    -12, /* a pending migration is older than an applied one */
	STRATA_EMISSING = -13,      /* an applied migration's file is gone */
	STRATA_ENOTFOUND = -14,     /* no migration has that version */
	STRATA_EIRREVERSIBLE = -15, /* the migration has no down section */
	STRATA_EUSAGE = -16,        /* an argument is invalid */
	STRATA_EEXISTS = -17        /* a file to be created already exists */
};

/*
 * What went wrong, in detail.  All strings are owned by the session and live
 * until the next call that fails (or strata_free()); any may be NULL.
 */
typedef struct strata_error {
	int code;            /* STRATA_E* */
	char *message;       /* one line, lower case, no final period */
	char *file;          /* migration file the error is in */
	int line, column;    /* 1-based; column counts characters; 0 unknown */
	char *source_line;   /* the text of `line`, for a caret display */
	char *statement;     /* the statement that failed (may be shortened) */
	int statement_index; /* 1-based index within its section; 0 unknown */
	char *sqlstate;      /* five characters, PostgreSQL-style */
	char *detail;
	char *hint;
	char *way_out; /* what the user can run to recover */
} strata_error;

/* A migration found on disk.  Owned by the session. */
typedef struct strata_migration {
	const char *version;   /* digits only: "20261122180000" or "000001" */
	const char *name;      /* [a-z0-9_]+ */
	const char *up_path;   /* file holding the up section */
	const char *down_path; /* file holding the down section; NULL if none */
	const char
	    *checksum;  /* hex SHA-256 of the up section, CRLF normalised */
	unsigned flags; /* STRATA_MIG_* */
} strata_migration;

#define STRATA_MIG_SINGLE_FILE (1u << 0) /* up and down in one file */
#define STRATA_MIG_UP_NO_TX    (1u << 1) /* up runs outside a transaction */
#define STRATA_MIG_DOWN_NO_TX  (1u << 2) /* down runs outside a transaction */

typedef enum strata_direction {
	STRATA_UP = 0,
	STRATA_DOWN = 1
} strata_direction;

/* Progress reports.  Pointers inside are valid only during the callback. */
typedef enum strata_event_type {
	STRATA_EVENT_LOCK_WAIT, /* message: who holds the lock */
	STRATA_EVENT_MIGRATION_BEGIN,
	STRATA_EVENT_MIGRATION_END,  /* duration_ms set */
	STRATA_EVENT_MIGRATION_SKIP, /* another run applied it meanwhile */
	STRATA_EVENT_STATEMENT,      /* dry run: sql, file, line, column */
	STRATA_EVENT_NOTICE,         /* a message from the server */
	STRATA_EVENT_WARNING /* message: something allowed but suspicious */
} strata_event_type;

typedef struct strata_event {
	strata_event_type type;
	const strata_migration *migration; /* NULL when not about one */
	strata_direction direction;
	long long duration_ms;
	const char *message;
	const char *sql;
	const char *file;
	int line, column;
} strata_event;

typedef void (*strata_event_fn)(const strata_event *ev, void *data);

typedef struct strata_config {
	const char *url;   /* required: sqlite:PATH, postgres://... */
	const char *dir;   /* migrations directory; default "migrations" */
	const char *table; /* history table, "name" or "schema.name";
	                      default "strata_migrations" */
	const char
	    *applied_by;  /* recorded with each migration; default: OS user */
	int lock_wait_ms; /* how long to wait for the run lock; default 60000 */
	strata_event_fn on_event; /* may be NULL */
	void *event_data;
} strata_config;

typedef struct strata strata; /* a session: config, connection, files, error */

/* Fills `cfg` with the defaults above (url NULL). */
void strata_config_init(strata_config *cfg);

/*
 * Creates a session.  Copies every string in `cfg`; does not touch the
 * database or the file system yet.  On failure *out is still set when memory
 * allowed, so strata_last_error() can explain; free it with strata_free().
 */
int strata_open(strata **out, const strata_config *cfg);
void strata_free(strata *s); /* NULL-safe; closes the connection */

const strata_error *strata_last_error(const strata *s);
const char *strata_errmsg(const strata *s); /* never NULL */

/* The URL with any password replaced by "***".  Caller frees with free(). */
char *strata_url_redact(const char *url);

/* ---- migration files ------------------------------------------------- */

/* (Re)reads the migrations directory.  Sorted by version, ascending. */
int strata_migrations_load(strata *s);
size_t strata_migrations_count(const strata *s);
const strata_migration *strata_migrations_get(const strata *s, size_t i);

#define STRATA_NEW_SEQ         (1u << 0) /* zero-padded sequence version */
#define STRATA_NEW_SINGLE_FILE (1u << 1) /* one file with both sections */
#define STRATA_NEW_TIMESTAMP   (1u << 2) /* force a timestamp version */

/*
 * Creates the files of a new migration from the templates.  Without
 * STRATA_NEW_SEQ or STRATA_NEW_TIMESTAMP the directory's existing scheme is
 * continued (timestamp when empty).  *out_up and *out_down (NULL for a single
 * file) receive the paths created; caller frees them with free().
 */
int strata_migration_new(strata *s, const char *name, unsigned flags,
                         char **out_up, char **out_down);

/* ---- state -------------------------------------------------------------- */

typedef enum strata_state {
	STRATA_STATE_PENDING,
	STRATA_STATE_APPLIED,
	STRATA_STATE_MODIFIED, /* applied, but the file's checksum changed */
	STRATA_STATE_MISSING,  /* applied, but no file has its version */
	STRATA_STATE_DIRTY     /* failed half-way outside a transaction */
} strata_state;

const char *strata_state_name(strata_state st); /* "pending", ... */

typedef struct strata_status_entry {
	const char *version;
	const char *name;
	strata_state state;
	const strata_migration *migration; /* NULL when missing */
	const char *applied_at;            /* ISO 8601 UTC; NULL when pending */
	const char *applied_by;            /* NULL when pending */
	const char *db_checksum;           /* checksum recorded at apply time */
	long long duration_ms;             /* -1 when pending */
	int failed_statement; /* dirty: 1-based index of the statement; else 0
	                       */
	int out_of_order;     /* pending but older than the newest applied */
} strata_status_entry;

typedef struct strata_status {
	strata_status_entry *entries; /* by version, ascending */
	size_t count;
	const char *current_version; /* newest applied; NULL when none */
} strata_status;

/*
 * Compares the files with the history table (connecting if needed; creates
 * nothing).  Caller frees *out with strata_status_free().
 */
int strata_status_read(strata *s, strata_status **out);
void strata_status_free(strata_status *st);

/* ---- running ------------------------------------------------------------ */

typedef enum strata_op {
	STRATA_OP_UP,   /* apply pending: `count` (0 = all) or up to `target` */
	STRATA_OP_DOWN, /* roll back: `count` newest, or all newer than `target`
	                 */
	STRATA_OP_REDO, /* roll back the newest applied and apply it again */
	STRATA_OP_GOTO  /* apply or roll back until `target` is the newest
	                   applied */
} strata_op;

#define STRATA_RUN_DRY_RUN            (1u << 0) /* report, change nothing */
#define STRATA_RUN_ALLOW_MODIFIED     (1u << 1)
#define STRATA_RUN_ALLOW_OUT_OF_ORDER (1u << 2)
#define STRATA_RUN_ALL                (1u << 3) /* down: every applied */

typedef struct strata_run_opts {
	strata_op op;
	int count;
	const char *target; /* a version, or NULL */
	unsigned flags;     /* STRATA_RUN_* */
} strata_run_opts;

/*
 * Takes the run lock, creates the history table if needed, plans against the
 * history read under the lock, and runs each migration in its own
 * transaction (unless it is marked no-transaction).  Stops at the first
 * failure; migrations completed before it stay applied.  *out_done, when not
 * NULL, receives how many migrations were applied or rolled back.
 */
int strata_run(strata *s, const strata_run_opts *opts, int *out_done);

/*
 * Records `version` as applied (applied != 0) or removes its history row
 * (applied == 0), without running any SQL of the migration.  The way out of a
 * dirty state once the database has been repaired by hand.
 */
int strata_force(strata *s, const char *version, int applied);

/* Compares two versions numerically: <0, 0, >0. */
int strata_version_cmp(const char *a, const char *b);

#endif
