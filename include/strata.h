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
	STRATA_EEXISTS = -17,       /* a file to be created already exists */
	STRATA_EUNSAFE = -18, /* lint found errors before a run (see lint) */
	STRATA_EDESTRUCTIVE = -19, /* a run would delete data, not confirmed */
	STRATA_EINTERRUPTED = -20  /* strata_interrupt() stopped the run */
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
	const char *verify_path; /* file holding its verify script (a
	                            NAME.verify.sql, or the single file with a
	                            '-- strata:verify' section); NULL if none */
} strata_migration;

#define STRATA_MIG_SINGLE_FILE (1u << 0) /* up and down in one file */
#define STRATA_MIG_UP_NO_TX    (1u << 1) /* up runs outside a transaction */
#define STRATA_MIG_DOWN_NO_TX  (1u << 2) /* down runs outside a transaction */
/* from a forward-only tool (Flyway, Supabase): no down is no oversight */
#define STRATA_MIG_FORWARD_ONLY (1u << 3)

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
	STRATA_EVENT_WARNING, /* message: something allowed but suspicious */
	STRATA_EVENT_FINDING, /* pre-flight lint of a run: `finding` set */
	STRATA_EVENT_RETRY,   /* a lock timeout: message says who blocks and
	                         when the next try is */
	STRATA_EVENT_BACKUP,  /* STRATA_RUN_BACKUP: message is the file */
	STRATA_EVENT_PROGRESS /* long work: a batched backfill, or a
	                         statement running for more than 2 s (what
	                         it is at, or what it waits for) */
} strata_event_type;

struct strata_finding;

typedef struct strata_event {
	strata_event_type type;
	const strata_migration *migration; /* NULL when not about one */
	strata_direction direction;
	long long duration_ms;
	const char *message;
	const char *sql;
	const char *file;
	int line, column;
	const struct strata_finding *finding; /* STRATA_EVENT_FINDING only */
	/* STRATA_EVENT_PROGRESS: where the work is (PostgreSQL's phase, like
	 * "CREATE INDEX CONCURRENTLY: building index: scanning table", or
	 * "backfill"; NULL: unknown), `done` of `total` units (`unit`, like
	 * "blocks" or "rows"; total 0: unknown), and the session it waits
	 * for (blocker_pid 0: none) */
	const char *phase, *unit;
	long long done, total;
	int blocker_pid;
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
	/* PostgreSQL: every migration runs with this lock_timeout (default
	 * 250; 0: none), so no query queues behind strata for longer.  When a
	 * statement times out on a lock the migration is rolled back and tried
	 * again, up to lock_tries times in all (default 20), after a jittered
	 * exponential pause capped at 10 s.  A section's own
	 * '-- strata:lock-timeout' / 'statement-timeout' directives win. */
	int lock_timeout_ms;
	int statement_timeout_ms; /* default 0: none */
	int lock_tries;
	/* Before an up drops a table or a column, strata copies it (a column
	 * with the primary key, or SQLite's rowid) into strata_backup, in the
	 * same transaction: a schema on PostgreSQL, on SQLite the file
	 * "<database file>.strata-backup", attached under that name.
	 * Non-zero turns that off. */
	int no_data_backup;
	/* The format of the migration files: NULL or "auto" to detect it
	 * from the directory, else a name strata_format_id() knows. */
	const char *format;
} strata_config;

/* A copy kept in strata_backup, for strata_backups_list(). */
typedef struct strata_backup_info {
	const char *name; /* "20261122_drop_users_users" */
	long long rows;   /* PostgreSQL: an estimate; -1 unknown */
	long long bytes;  /* -1: unknown (a SQLite without dbstat) */
} strata_backup_info;

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

/*
 * Migration file formats: strata's own and the other tools' it reads.
 * Versions compare as each tool orders them: numbers, or Flyway's tuples
 * ("1.2" < "1.10"), see docs/file-format.md.
 */
typedef enum strata_format {
	STRATA_FORMAT_AUTO = 0, /* detect from the directory */
	STRATA_FORMAT_STRATA,
	STRATA_FORMAT_GOLANG_MIGRATE, /* <n>_<name>.up.sql / .down.sql */
	STRATA_FORMAT_DBMATE,         /* -- migrate:up / -- migrate:down */
	STRATA_FORMAT_GOOSE,          /* -- +goose Up / Down */
	STRATA_FORMAT_FLYWAY,         /* V<ver>__<desc>.sql, U<ver>__ */
	STRATA_FORMAT_DIESEL,         /* <version>_<name>/up.sql, down.sql */
	STRATA_FORMAT_SUPABASE        /* <version>_<name>.sql, forward only */
} strata_format;

/* The format named `name` ("goose", "gm" for golang-migrate, ...), or -1. */
int strata_format_id(const char *name);
/* Its canonical name ("golang-migrate"); a static string. */
const char *strata_format_name(int format);
/* The format the directory was loaded in (after strata_migrations_load). */
int strata_migrations_format(const strata *s);

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
	/* dirty: the direction that failed.  A dirty up whose file is
	 * unchanged is resumed by the next up at failed_statement. */
	strata_direction dirty_direction;
} strata_status_entry;

typedef struct strata_status {
	strata_status_entry *entries; /* by version, ascending */
	size_t count;
	const char *current_version; /* newest applied; NULL when none */
	/* 1: each migration runs in one transaction with its history row.
	 * 0 on MySQL, which commits DDL at once: migrations run statement by
	 * statement, a failure leaves the statements before it done, and up
	 * goes on from the failed one. */
	int atomic;
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
#define STRATA_RUN_ALLOW_UNSAFE       (1u << 4) /* lint errors do not stop up */
#define STRATA_RUN_ALLOW_DESTRUCTIVE  (1u << 5) /* no question asked */
#define STRATA_RUN_BACKUP             (1u << 6) /* whole database first */
/* no lint and no question before the run: for scratch databases */
#define STRATA_RUN_NO_PREFLIGHT       (1u << 7)

typedef struct strata_run_opts {
	strata_op op;
	int count;
	const char *target; /* a version, or NULL */
	unsigned flags;     /* STRATA_RUN_* */
	/*
	 * Asked, under the run lock and before anything runs, when the up
	 * sections to apply delete data (DROP TABLE/COLUMN/SCHEMA, TRUNCATE,
	 * DELETE or UPDATE without WHERE on tables that exist now).
	 * `question` lists them with their row counts.  Return non-zero to go
	 * on.  NULL: the run is refused (STRATA_EDESTRUCTIVE) unless
	 * STRATA_RUN_ALLOW_DESTRUCTIVE.
	 */
	int (*confirm)(const char *question, void *data);
	void *confirm_data;
} strata_run_opts;

/*
 * Takes the run lock, creates the history table if needed, plans against the
 * history read under the lock, asks before deleting data (see confirm),
 * lints the up sections about to run (findings
 * reach the event callback as STRATA_EVENT_FINDING; errors stop the run with
 * STRATA_EUNSAFE before anything runs, unless STRATA_RUN_ALLOW_UNSAFE), and
 * runs each migration in its own transaction (unless it is marked
 * no-transaction).  Stops at the first
 * failure; migrations completed before it stay applied.  *out_done, when not
 * NULL, receives how many migrations were applied or rolled back.
 */
int strata_run(strata *s, const strata_run_opts *opts, int *out_done);

/*
 * Asks the run in progress on `s` to stop as soon as it safely can: the
 * statement running is cancelled (PostgreSQL: a cancel request; SQLite:
 * interrupted) and its transaction rolled back; a migration that runs
 * without a transaction is left dirty at that statement, where the next
 * up goes on.  Between two migrations or two backfill batches the run
 * simply stops.  strata_run() then fails with STRATA_EINTERRUPTED.  Only
 * sets a flag, so it is safe from a signal handler or another thread.
 * The handle stays interrupted: later runs on it stop at once.
 */
void strata_interrupt(strata *s);

/*
 * Records `version` as applied (applied != 0) or removes its history row
 * (applied == 0), without running any SQL of the migration.  The way out of a
 * dirty state once the database has been repaired by hand.
 */
int strata_force(strata *s, const char *version, int applied);

/*
 * Takes over a database another tool migrated: reads that tool's history
 * table (`from`: a STRATA_FORMAT_* other than strata's; AUTO: the tool of
 * the files' format) and records each version it says is applied in
 * strata's history, with the file's current checksum, running no SQL of
 * any migration.  The other tool's table is left as it is.  Refused, with
 * nothing recorded, when its history names a version no file has
 * (STRATA_EMISSING), when golang-migrate's is dirty (STRATA_EDIRTY), or
 * when there is no such table (STRATA_ENOTFOUND).  *out_count: the rows
 * added (versions strata already records are left alone).
 */
int strata_adopt(strata *s, int from, size_t *out_count);

/*
 * One step of strata_convert(): `from` (a file of the other tool) becomes
 * `to`, renamed as it is (rewritten 0) or written with a new text
 * (rewritten 1: the tool's markers made strata's, pairs with a
 * no-transaction setting made one file); to NULL: `from` goes, its content
 * is in another file now.  note: NULL, or what else changed.  Valid during
 * the call.  The up section's bytes change only when a pair's up file
 * without a final newline becomes a single file (checksum_changed).
 */
typedef struct strata_convert_step {
	const char *from, *to, *note;
	int rewritten;
	int checksum_changed; /* the up section's bytes are not the same */
} strata_convert_step;

typedef void (*strata_convert_fn)(const strata_convert_step *st, void *data);

/*
 * Rewrites the migrations directory of another tool (its format detected,
 * or strata_config.format) in strata's format, in place, keeping every
 * version and the up sections' bytes, so their checksums stay.  Everything
 * is checked before the first file changes: a target name that exists
 * (STRATA_EEXISTS, nothing is ever overwritten), a Flyway version with a
 * dot (STRATA_EFORMAT: strata's versions are digits; all such files
 * named), a goose StatementBegin/End block that strata's splitter (for the
 * session's URL, when it has one) would not keep as one statement.  With
 * dry_run, fn sees the steps and nothing changes.  A directory already in
 * strata's format converts nothing.  *out_count: the steps.
 */
int strata_convert(strata *s, int dry_run, strata_convert_fn fn, void *data,
                   size_t *out_count);

/*
 * For a database no tool managed, whose schema is already what the
 * migrations up to `version` make: records them applied without running
 * them.  Refused once strata's history has any row (STRATA_EUSAGE) or
 * when no file has `version` (STRATA_ENOTFOUND).
 */
int strata_baseline(strata *s, const char *version, size_t *out_count);

/*
 * Lists the copies kept in strata_backup by name (the version first, so
 * oldest first); fn's argument is valid during the call.  SQLite: the
 * tables of "<database file>.strata-backup", attached as strata_backup;
 * no file, no copies (none is created).
 */
int strata_backups_list(strata *s,
                        void (*fn)(const strata_backup_info *b, void *data),
                        void *data);

/*
 * A backup of the whole database into .strata/backups/ (made if needed):
 * SQLite with its online backup API (NAME-YYYYMMDDTHHMMSSZ.db), PostgreSQL
 * with `pg_dump --format=custom` (postgres-...dump; needs pg_dump on the
 * PATH).  *out_path receives the file's path; caller frees.
 */
int strata_database_backup(strata *s, char **out_path);

/*
 * Replaces the SQLite database with the backup in `path` (what
 * strata_database_backup made).  STRATA_EUSAGE on PostgreSQL: the message
 * gives the pg_restore command.
 */
int strata_database_restore(strata *s, const char *path);

/*
 * Schema snapshots (docs/snapshot.md): the schema of the session's
 * database read from its catalog, as canonical sorted text, without
 * strata's history table and strata_backup.  *out_text receives it;
 * caller frees.  STRATA_SNAPSHOT_OWNERS adds owner lines (PostgreSQL).
 */
#define STRATA_SNAPSHOT_OWNERS (1u << 0)
int strata_schema_snapshot(strata *s, unsigned flags, char **out_text);

/*
 * Compares two snapshots object by object: *out_text (caller frees)
 * receives "+ HEADER" for objects only in `b`, "- HEADER" for those only
 * in `a`, and "~ HEADER" followed by the property lines that differ
 * ("    + column x int"); "" when equal.  Returns the number of objects
 * that differ, or STRATA_ENOMEM.
 */
int strata_snapshot_diff(const char *a, const char *b, char **out_text);

/*
 * Proving migrations reversible (strata test): on a scratch database, for
 * each migration in order, snapshot, up, snapshot, down, snapshot (must
 * equal the first), up again, snapshot (must equal the second).
 */
typedef enum strata_proof {
	STRATA_PROOF_REVERSIBLE,
	STRATA_PROOF_NOT_REVERSIBLE, /* down did not restore the schema, or
	                                up again did not give the same one */
	STRATA_PROOF_IRREVERSIBLE,   /* no down section, or an empty one */
	STRATA_PROOF_FORWARD,        /* only up was run (only_up) */
	STRATA_PROOF_FAILED          /* up, down or up again failed: error */
} strata_proof;

/* One migration's result; valid only during the on_entry callback. */
typedef struct strata_proof_entry {
	const strata_migration *migration;
	strata_proof result;
	const char *phase; /* FAILED: "up", "down" or "up again" */
	long long up_ms, down_ms, again_ms; /* -1: not run */
	/* NOT_REVERSIBLE: snapshot diffs (strata_snapshot_diff), "" when
	 * equal: before up against after down, after up against after up
	 * again; and a one-line summary ("down leaves: column
	 * public.users.nickname; function public.f(integer)") */
	const char *down_diff, *again_diff, *summary;
	const strata_error *error; /* FAILED */
} strata_proof_entry;

typedef struct strata_prove_opts {
	const char *from, *to;   /* versions, inclusive; NULL: first, last */
	const char *scratch_url; /* NULL: one made beside the session's
	                            database and dropped after */
	int only_up;             /* forward-only history: up and snapshots */
	void (*on_entry)(const strata_proof_entry *e, void *data);
	void *data;
} strata_prove_opts;

/*
 * Proves the migrations of the session's directory on a scratch database
 * (never on the session's own).  Reports each migration to on_entry, and
 * stops after the first FAILED one.  *out_bad (may be NULL) receives how
 * many were NOT_REVERSIBLE, IRREVERSIBLE or FAILED.  Returns 0, or a
 * negative code when the proof itself could not run (no scratch database).
 */
int strata_prove(strata *s, const strata_prove_opts *o, int *out_bad);

/*
 * Verifying the database (strata verify): for every applied migration,
 * whether the objects its up section creates are there, and whether its
 * verify script passes.
 */
typedef enum strata_verify_result {
	STRATA_VERIFY_OK,
	STRATA_VERIFY_FAILED,   /* objects missing, the script failed, or the
	                           migration is dirty */
	STRATA_VERIFY_UNCHECKED /* its file is gone: nothing to check against */
} strata_verify_result;

typedef enum strata_verify_script {
	STRATA_SCRIPT_NONE,   /* the migration has no verify script */
	STRATA_SCRIPT_PASSED, /* every statement ran, no false value */
	STRATA_SCRIPT_FALSE,  /* a statement returned a false value */
	STRATA_SCRIPT_ERROR   /* a statement failed */
} strata_verify_script;

/* One applied migration's result; valid only during the on_entry
 * callback. */
typedef struct strata_verify_entry {
	const char *version, *name;
	const strata_migration *migration; /* NULL when its file is gone */
	strata_state state; /* applied, modified, dirty or missing */
	strata_verify_result result;
	/* The objects its up section creates (tables, columns, indexes,
	 * views, functions, triggers, types, policies...) that no later
	 * migration dropped: how many, and those the database lacks, named
	 * like "column public.users.nick" or "trigger audit ON users". */
	size_t expected;
	const char *const *missing;
	size_t nmissing;
	/* What was not checked, and why: "a DO block at FILE:LINE: what it
	 * changes is not checked", a dirty or modified migration, ... */
	const char *const *notes;
	size_t nnotes;
	strata_verify_script script;
	int script_statements; /* statements of the script run to the end */
	/* SCRIPT_FALSE: the statement (file, line, column, statement) and
	 * the row, in message; SCRIPT_ERROR: as any failed statement.  Also
	 * set, with result FAILED, when the up section cannot be read.
	 * NULL otherwise. */
	const strata_error *error;
} strata_verify_entry;

/*
 * Verifies the session's database against its applied migrations, in
 * version order: the objects are compared with a schema snapshot
 * (strata_schema_snapshot), names without a schema taken as
 * current_schema() on PostgreSQL.  Each verify script runs in a
 * transaction that is rolled back, whatever it did.  Pending migrations
 * are not verified.  Reports each applied migration to on_entry (may be
 * NULL).  *out_failed (may be NULL) receives how many were FAILED.
 * Returns 0, or a negative code when verifying could not be done (no
 * connection, a snapshot that failed, an interrupt).
 */
int strata_verify(strata *s,
                  void (*on_entry)(const strata_verify_entry *e, void *data),
                  void *data, int *out_failed);

/*
 * The schema just before and just after migration `version`, read on a
 * scratch database (scratch_url, or one made and dropped as for
 * strata_prove) where the migrations before it were applied: for strata
 * explain.  *out_before and *out_after (caller frees) are snapshots.
 * STRATA_ENOTFOUND when no migration has that version.
 */
int strata_schema_around(strata *s, const char *version,
                         const char *scratch_url, char **out_before,
                         char **out_after);

/*
 * The text of one section of a migration, as in its file (caller frees);
 * *out_text is NULL when the migration has no such section.
 */
int strata_migration_section(strata *s, const char *version,
                             strata_direction dir, char **out_text);

/* Compares two versions numerically: <0, 0, >0. */
int strata_version_cmp(const char *a, const char *b);

/*
 * Reads a duration: "250ms", "5s", "2min", "1h", or a number of
 * milliseconds; at most 24 h.  Returns 0, or -1 when it is not one.
 */
int strata_duration_parse(const char *text, size_t len, int *out_ms);

/* ---- lint --------------------------------------------------------------- */

typedef enum strata_severity {
	STRATA_SEVERITY_OFF = 0, /* the rule does not run */
	STRATA_SEVERITY_INFO,
	STRATA_SEVERITY_WARNING,
	STRATA_SEVERITY_ERROR
} strata_severity;

/* "off", "info", "warning", "error"; strata_severity_parse returns -1 for
 * anything else. */
const char *strata_severity_name(strata_severity sev);
int strata_severity_parse(const char *name);

typedef enum strata_dialect {
	STRATA_DIALECT_AUTO = 0, /* from the session's URL */
	STRATA_DIALECT_POSTGRES,
	STRATA_DIALECT_SQLITE,
	STRATA_DIALECT_MYSQL /* MySQL and MariaDB: no lint rules yet */
} strata_dialect;

/* One problem found.  Valid only during the callback. */
typedef struct strata_finding {
	const char *rule; /* e.g. "index-without-concurrently" */
	strata_severity severity;
	const char *message;     /* one line */
	const char *help;        /* the safe rewrite, as SQL; may be NULL */
	const char *file;        /* may be NULL for a finding about a migration */
	int line, column;        /* 1-based; column counts characters */
	const char *source_line; /* the text of `line`; may be NULL */
	const char *version;     /* the migration's version; NULL for a loose file */
	strata_direction direction;
} strata_finding;

/* PostgreSQL's table lock modes, weakest first. */
typedef enum strata_lock_mode {
	STRATA_LOCK_NONE = 0,
	STRATA_LOCK_ACCESS_SHARE,
	STRATA_LOCK_ROW_SHARE,
	STRATA_LOCK_ROW_EXCLUSIVE,
	STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE,
	STRATA_LOCK_SHARE,
	STRATA_LOCK_SHARE_ROW_EXCLUSIVE,
	STRATA_LOCK_EXCLUSIVE,
	STRATA_LOCK_ACCESS_EXCLUSIVE,
	STRATA_LOCK_DATABASE_WRITE /* SQLite: the whole database's write lock */
} strata_lock_mode;

/* "ACCESS EXCLUSIVE", ...; "" for STRATA_LOCK_NONE. */
const char *strata_lock_mode_name(strata_lock_mode mode);

typedef enum strata_risk {
	STRATA_RISK_LOW = 0,
	STRATA_RISK_MEDIUM,
	STRATA_RISK_HIGH
} strata_risk;

const char *strata_risk_name(strata_risk risk); /* "low", ... */

#define STRATA_TOUCH_REWRITE (1u << 0) /* every row is rewritten */
#define STRATA_TOUCH_SCAN    (1u << 1) /* every row is read under the lock */
#define STRATA_TOUCH_NEW     (1u << 2) /* created earlier in this migration */
#define STRATA_TOUCH_DATA_LOSS (1u << 3) /* rows or columns are dropped */

/* A table (or index, view...) that a statement touches, for --explain. */
typedef struct strata_touch {
	const char *table;
	strata_lock_mode lock;
	unsigned effects; /* STRATA_TOUCH_* */
	long long rows;   /* live estimate; -1 unknown */
	long long bytes;  /* live size; -1 unknown */
} strata_touch;

/* What one statement does, for `lint --explain`.  Valid during the
 * callback only. */
typedef struct strata_statement_report {
	const char *file;
	int line, column;
	const char *version; /* NULL for a loose file */
	strata_direction direction;
	int index;          /* 1-based within its section */
	const char *kind;   /* "ALTER TABLE", "CREATE INDEX", ... */
	const char *text;   /* the statement's first line, shortened */
	const strata_touch *touches;
	size_t ntouches;
	strata_risk risk;
	const char *why; /* one line: why that risk */
} strata_statement_report;

typedef void (*strata_finding_fn)(const strata_finding *f, void *data);
typedef void (*strata_statement_fn)(const strata_statement_report *r,
                                    void *data);

#define STRATA_LINT_LIVE     (1u << 0) /* read sizes, indexes, functions
                                          from the database (PostgreSQL) */
#define STRATA_LINT_SUPABASE (1u << 1) /* the supabase profile's rules */

typedef struct strata_lint_opts {
	strata_dialect dialect;
	int pg_version;  /* major version; 0: the live server's, else 15 */
	unsigned flags;  /* STRATA_LINT_* */
	strata_finding_fn on_finding;     /* required */
	strata_statement_fn on_statement; /* may be NULL: no explain */
	void *data;
} strata_lint_opts;

typedef struct strata_lint_totals {
	int files, statements;
	int errors, warnings, infos;
} strata_lint_totals;

/*
 * Lints every migration in the session's directory, up and down sections,
 * in version order.  Findings go to o->on_finding; a file that does not
 * parse is a finding (rule "syntax-error"), not a failure.  Returns 0 when
 * every file was read (whatever was found), or a negative STRATA_E* code
 * when a file could not be read or the database not reached.  *totals
 * (may be NULL) is added to, not reset.
 */
int strata_lint_dir(strata *s, const strata_lint_opts *o,
                    strata_lint_totals *totals);

/*
 * Lints one file: a migration file (any name; a file with '-- strata:up'
 * has its sections linted apart, a NAME.up.sql has its NAME.down.sql looked
 * for) or any SQL file, taken as an up section.  As strata_lint_dir().
 */
int strata_lint_file(strata *s, const char *path, const strata_lint_opts *o,
                     strata_lint_totals *totals);

/*
 * Rule configuration for the session's later lint runs (and pre-flights).
 * STRATA_EUSAGE when no rule has that name.
 */
int strata_lint_rule_set(strata *s, const char *rule, strata_severity sev);

/* The rules, for listing: name, default severity, one-line summary. */
typedef struct strata_rule_info {
	const char *name;
	strata_severity severity; /* default */
	strata_dialect dialect;   /* which dialect it checks */
	const char *summary;
	int opt_in; /* off unless enabled (or the profile asks for it) */
} strata_rule_info;

size_t strata_lint_rule_count(void);
/* NULL past the end; the struct is valid until the next call. */
const strata_rule_info *strata_lint_rule_get(size_t i);

#endif
