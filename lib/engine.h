/*
 * The engine's insides shared by engine.c (planning and running),
 * run_timeouts.c (lock timeouts and retries) and run_drops.c (what is done
 * before a drop).  Not visible outside the library.
 */
#ifndef STRATA_ENGINE_H
#define STRATA_ENGINE_H

#include "session.h"
#include "split.h"

/* alone[i]: 0 in a transaction with its neighbours, ALONE it cannot run
 * in one, ALONE_BATCH a batched backfill (backfill.c) */
#define ALONE       1
#define ALONE_BATCH 2

struct step {
	struct migration_file *m;
	strata_direction dir;
	size_t from; /* resuming a dirty up: the first statement to run */
	int resume;  /* going on with a dirty up: its history row is there */
};

/* ---- engine.c: a run's setup, for what changes only the history
 * (force, adopt.c): files loaded, connected, the run lock taken, the
 * history table there and read into *st.  strata_run_end undoes it. ---- */
int strata_run_begin(strata *s, int *locked, strata_status **st);
void strata_run_end(strata *s, int locked, strata_status *st);
/*
 * Takes the run lock for the session until strata_run_lock_release(), for
 * a caller that runs many times on a database nothing else uses
 * (strata_prove's scratch): runs neither take nor give the lock back, and
 * plan against a copy of the history read the first time, which the
 * engine updates as each migration's transaction commits.  Failures go to
 * s->err.
 */
int strata_run_lock_hold(strata *s);
void strata_run_lock_release(strata *s);

/* ---- run_step.c: running one step ---- */

void strata_rollback(strata *s); /* ROLLBACK, its own failure ignored */
/* Whether a statement ends or starts a transaction (BEGIN, COMMIT, ...,
 * but not ROLLBACK TO); w receives its first word, upper-cased. */
int strata_is_tx_control(const char *sql, char w[16]);
/* Turns the driver's error (in s->err) for statement i of section sec
 * into one that points at the file: STRATA_EDB, or STRATA_EINTERRUPTED. */
int strata_stmt_failed(strata *s, struct section sec, const strata_stmt_list *l,
                       size_t i, long off);
/* Whether the step's section is marked no-transaction. */
int strata_step_no_tx_flag(const struct step *st);
/* Whether the step runs outside a transaction: marked so, or the database
 * commits DDL at once (no STRATA_CAP_TRANSACTIONAL_DDL: MySQL). */
int strata_step_no_tx(const strata *s, const struct step *st);
/* The statements of a step, refusing what cannot run as asked. */
int strata_step_statements(strata *s, const struct step *st, int no_tx,
                           strata_stmt_list *l);
/* Runs one prepared step (alone: see find_alone in engine.c; NULL: one
 * transaction): 0 done, 1 skipped (another run did it), <0 failed. */
int strata_run_step(strata *s, const struct step *st, const strata_stmt_list *l,
                    const unsigned char *alone, int dry);

/* ---- run_timeouts.c: lock timeouts and retries (PostgreSQL) ---- */

int strata_is_pg(const strata *s);
/* The lock_timeout a step runs with: its directive's, else the session's */
int strata_step_lock_timeout(const strata *s, const struct step *st);
/* SET [LOCAL] lock_timeout and statement_timeout for the step (no-op on
 * SQLite); strata_reset_timeouts() puts the session's defaults back. */
int strata_set_timeouts(strata *s, const struct step *st, int local);
void strata_reset_timeouts(strata *s);
/* Opens the transaction of a step (or of a part of one) with its SET LOCAL
 * timeouts, rolled back when that fails. */
int strata_begin_step(strata *s, const struct step *st);
/* Whether the last failure was a lock timeout (55P03). */
int strata_lock_timed_out(const strata *s);
/* After a lock timeout in `sql`: names the blocker, waits, returns 1 to
 * try again; 0 when the tries are used up (the error then says so). */
int strata_lock_retry(strata *s, const struct step *st, const char *sql,
                      int tries_done, unsigned *seed);

/* ---- run_drops.c: before a statement drops something ---- */

/* Copies a table or column an up drops into strata_backup: a schema on
 * PostgreSQL, an attached file on SQLite (run_drops_sqlite.c). */
int strata_backup_drops(strata *s, const struct step *st, const char *sql);
/* Drops the INVALID index a failed CREATE INDEX CONCURRENTLY left. */
void strata_drop_invalid_index(strata *s, const struct step *st,
                               const char *sql);

/* ---- run_drops_sqlite.c: data backups on SQLite ---- */

struct strata_stmt_list;
/* Before the run's first BEGIN (SQLite refuses ATTACH in a transaction):
 * attaches the backup file when an up step of the run drops something. */
int strata_backup_prepare(strata *s, const struct step *steps,
                          const struct strata_stmt_list *lists, size_t n);
/* Attaches "<database file>.strata-backup" as strata_backup, creating it
 * when `create`; *out_attached 0 when there is none (not created, or an
 * in-memory database).  Not inside a transaction. */
int strata_sqlite_backup_attach(strata *s, int create, int *out_attached);
/* strata_backup_drops() on SQLite. */
int strata_backup_drops_sqlite(strata *s, const struct step *st,
                               const char *sql);

#endif
