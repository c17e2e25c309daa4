/*
 * Running one step of a plan: a migration's up or down, in one transaction
 * with its history row, or statement by statement where it cannot be in
 * one (no-transaction sections, CONCURRENTLY and friends, batched
 * backfills), with the history row dirty until the end.  engine.c plans
 * and calls strata_run_step() for each step.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "backfill.h"
#include "engine.h"
#include "error.h"
#include "split.h"
#include "strata/driver.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The keyword a statement starts with, upper-cased into buf. */
static const char *first_word(const char *sql, char *buf, size_t n)
{
	size_t i = 0;
	while (i + 1 < n && isalpha((unsigned char)sql[i])) {
		buf[i] = (char)toupper((unsigned char)sql[i]);
		i++;
	}
	buf[i] = '\0';
	return buf;
}

int strata_is_tx_control(const char *sql, char w[16])
{
	static const char *const words[] = {"BEGIN", "COMMIT", "ROLLBACK",
	                                    "END",   "START",  "ABORT"};
	const char *rest;

	first_word(sql, w, 16);
	rest = sql + strlen(w);
	rest += strspn(rest, " \t\r\n");
	for (size_t k = 0; k < sizeof(words) / sizeof(*words); k++) {
		if (strcmp(w, words[k]) != 0)
			continue;
		/* ROLLBACK TO SAVEPOINT stays inside the transaction */
		if (!strcmp(w, "ROLLBACK") && strncasecmp(rest, "TO", 2) == 0)
			return 0;
		if (!strcmp(w, "START") && strncasecmp(rest, "TRANSACTION", 11))
			return 0;
		return 1;
	}
	return 0;
}

/*
 * Transaction control inside a migration that strata wraps in a transaction
 * would commit half a migration and detach its history row.  Refuse it.
 */
static int check_tx_control(strata *s, const char *path, const char *text,
                            const strata_stmt_list *l)
{
	char w[16];

	for (size_t i = 0; i < l->count; i++) {
		if (!strata_is_tx_control(l->items[i].sql, w))
			continue;
		strata_error_at(&s->err, STRATA_EFORMAT, path, text,
		                l->items[i].offset,
		                "'%s' in a migration that strata "
		                "already runs in a transaction",
		                w);
		strata_error_field(
		    &s->err.hint,
		    "remove it: strata wraps each migration and its "
		    "history row in one transaction; for statements "
		    "that cannot run in a transaction, add '-- "
		    "strata:no-transaction' to the section");
		return STRATA_EFORMAT;
	}
	return 0;
}

int strata_stmt_failed(strata *s, struct section sec, const strata_stmt_list *l,
                       size_t i, long off)
{
	strata_error db = s->err;
	const strata_stmt *st = &l->items[i];

	/* a cancel that strata_interrupt() asked for, or a backfill it
	 * stopped between batches */
	int code = strata_is_interrupted(s) ? STRATA_EINTERRUPTED : STRATA_EDB;

	memset(&s->err, 0, sizeof(s->err));
	strata_error_at(&s->err, code, sec.path, sec.text,
	                st->offset + (off > 0 ? (size_t)off : 0), "%s",
	                code == STRATA_EINTERRUPTED && db.code != code
	                    ? "interrupted: the statement was cancelled"
	                : db.message ? db.message
	                             : "statement failed");
	s->err.sqlstate = db.sqlstate;
	/* SQLite's detail for a cancel is "interrupted" again */
	s->err.detail =
	    code == db.code || code == STRATA_EDB ? db.detail : NULL;
	if (!s->err.detail)
		free(db.detail);
	s->err.hint = db.hint;
	db.sqlstate = db.detail = db.hint = NULL;
	strata_error_dispose(&db);
	s->err.statement = strata_excerpt(st->sql, 400);
	s->err.statement_index = (int)i + 1;
	if (s->err.sqlstate && strcmp(s->err.sqlstate, "25001") == 0 &&
	    !s->err.hint)
		strata_error_field(
		    &s->err.hint,
		    "this statement cannot run inside a transaction: add '-- "
		    "strata:no-transaction' to the section");
	return code;
}

/* Runs statement i of a step's list, watched while it runs. */
static int exec_stmt(strata *s, const struct step *st,
                     const strata_stmt_list *l, size_t i, long *off)
{
	int rc;

	strata_watch_begin(s, st->m, l->items[i].sql, i + 1, l->count);
	rc = s->driver->exec(s->conn, l->items[i].sql, off, &s->err);
	strata_watch_end(s);
	return rc;
}

void strata_rollback(strata *s)
{
	strata_error scratch = {0};
	long off;
	s->driver->exec(s->conn, "ROLLBACK", &off, &scratch);
	strata_error_dispose(&scratch);
}

static void emit_step(strata *s, strata_event_type type, const struct step *st,
                      long long dur)
{
	strata_event ev;

	if (!s->on_event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.migration = &st->m->pub;
	ev.direction = st->dir;
	ev.duration_ms = dur;
	s->on_event(&ev, s->event_data);
}

static void emit_statements(strata *s, const struct step *st,
                            const strata_stmt_list *l)
{
	strata_event ev;

	if (!s->on_event)
		return;
	/* a resumed step runs from where it stopped */
	for (size_t i = st->from; i < l->count; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = STRATA_EVENT_STATEMENT;
		ev.migration = &st->m->pub;
		ev.direction = st->dir;
		ev.sql = l->items[i].sql;
		ev.file = migration_section(st->m, st->dir).path;
		ev.line = l->items[i].line;
		ev.column = l->items[i].column;
		s->on_event(&ev, s->event_data);
	}
}

/* The statements of a step, refusing what cannot run as asked. */
int strata_step_statements(strata *s, const struct step *st, int no_tx,
                           strata_stmt_list *l)
{
	const struct migration_file *m = st->m;
	int rc;

	if (st->dir == STRATA_DOWN && !m->down_path) {
		strata_buf b = STRATA_BUF_INIT;
		strata_error_set(&s->err, STRATA_EIRREVERSIBLE,
		                 "migration %s_%s has no down section: it "
		                 "cannot be rolled back",
		                 m->version, m->name);
		strata_buf_printf(
		    &b,
		    "write %s_%s.down.sql, or forget the migration without "
		    "undoing it: 'strata force %s --pending'",
		    m->version, m->name, m->version);
		s->err.way_out = strata_buf_detach(&b);
		return STRATA_EIRREVERSIBLE;
	}
	if ((rc = strata_session_split(s, m, st->dir, l)) < 0)
		return rc;
	/* refused when run, not when listed: a fresh template must not block
	 * `new` or `status` */
	if (st->dir == STRATA_UP && l->count == 0)
		return strata_error_set(
		    &s->err, STRATA_EFORMAT,
		    "'%s' has an empty up section: nothing to apply",
		    m->up_path);
	if (st->dir == STRATA_DOWN && l->count == 0)
		return strata_error_set(
		    &s->err, STRATA_EIRREVERSIBLE,
		    "the down section of %s_%s ('%s') has no statements",
		    m->version, m->name, m->down_path);
	if (!no_tx) {
		struct section sec = migration_section(m, st->dir);
		return check_tx_control(s, sec.path, sec.text, l);
	}
	return 0;
}

/* Runs a step in one transaction with its history row.  1 = skipped. */
static int step_in_tx(strata *s, const struct step *st,
                      const strata_stmt_list *l, long long t0)
{
	const struct migration_file *m = st->m;
	long long dur;
	long off;
	int rc;

	if ((rc = strata_begin_step(s, st)) < 0)
		return rc;
	if (!(s->driver->caps & STRATA_CAP_ADVISORY_LOCK)) {
		char *state;
		int found;
		if ((rc = strata_history_state(s, m->version, &state, &found)) <
		    0) {
			strata_rollback(s);
			return rc;
		}
		free(state);
		if (found == (st->dir == STRATA_UP)) {
			strata_rollback(s); /* another run got here first */
			return 1;
		}
	}
	for (size_t i = 0; i < l->count; i++) {
		if ((rc = strata_backup_drops(s, st, l->items[i].sql)) < 0) {
			strata_rollback(s);
			return rc;
		}
		if (exec_stmt(s, st, l, i, &off) < 0) {
			rc = strata_stmt_failed(
			    s, migration_section(m, st->dir), l, i, off);
			strata_rollback(s);
			return rc;
		}
	}
	dur = now_ms() - t0;
	rc = st->dir == STRATA_UP ? strata_history_insert(s, m, "applied", dur)
	                          : strata_history_delete(s, m->version);
	if (rc < 0 ||
	    (rc = s->driver->exec(s->conn, "COMMIT", &off, &s->err)) < 0) {
		strata_rollback(s);
		return rc;
	}
	/* committed: a history kept in memory (engine.c) follows */
	if (st->dir == STRATA_UP)
		return strata_history_kept_applied(s, m, dur);
	strata_history_kept_removed(s, m->version);
	return 0;
}

/*
 * What to do after a no-transaction section failed at statement i + 1, the
 * statements before it having run for good.  For a down, "done" means the
 * migration is rolled back, so the two ways out swap.
 */
static void dirty_way_out(strata_buf *b, const char *v, strata_direction dir,
                          size_t i)
{
	const char *done = dir == STRATA_UP ? "" : " --pending";
	const char *undone = dir == STRATA_UP ? " --pending" : "";

	/* a failed up goes on where it stopped once the cause is fixed */
	if (dir == STRATA_UP)
		strata_buf_printf(b,
		                  "fix the cause and run 'strata up' again: it "
		                  "goes on from statement %zu%s",
		                  i + 1, i ? "; or " : "");
	if (i == 0) {
		if (dir == STRATA_DOWN)
			strata_buf_printf(
			    b,
			    "no statement of this section ran; fix the failing "
			    "one, then run 'strata force %s%s' and roll it "
			    "back "
			    "again",
			    v, undone);
		return;
	}
	strata_buf_printf(b,
	                  "statements 1-%zu of this %s ran and stay done (no "
	                  "transaction); repair the database by hand, then run "
	                  "'strata force %s%s' if all of the %s's changes are "
	                  "in place, or 'strata force %s%s' if none are",
	                  i, dir == STRATA_UP ? "migration" : "rollback", v,
	                  done, dir == STRATA_UP ? "migration" : "rollback", v,
	                  undone);
}

/*
 * Runs a step outside a transaction.  The history row says "dirty" while it
 * runs, so a failure or a crash half-way is never mistaken for done.
 */
/* Statements [a, b) of l in one transaction with the step's timeouts. */
static int run_segment(strata *s, const struct step *st,
                       const strata_stmt_list *l, size_t a, size_t b)
{
	long off;
	int rc;

	if ((rc = strata_begin_step(s, st)) < 0)
		return rc;
	for (size_t i = a; i < b; i++) {
		if ((rc = strata_backup_drops(s, st, l->items[i].sql)) < 0) {
			strata_rollback(s);
			return rc;
		}
		if (exec_stmt(s, st, l, i, &off) < 0) {
			rc = strata_stmt_failed(
			    s, migration_section(st->m, st->dir), l, i, off);
			strata_rollback(s);
			return rc;
		}
	}
	if ((rc = s->driver->exec(s->conn, "COMMIT", &off, &s->err)) < 0)
		strata_rollback(s);
	return rc;
}

struct batch_ctx {
	strata *s;
	const struct step *st;
};

/* Opens one batch's transaction, with the step's timeouts. */
static int batch_begin(void *data)
{
	struct batch_ctx *c = data;

	return strata_begin_step(c->s, c->st);
}

/* Statement i alone, outside a transaction; a batched backfill as its
 * batches. */
static int run_alone(strata *s, const struct step *st,
                     const strata_stmt_list *l, size_t i, int batch)
{
	long off;

	int rc;

	if (batch) {
		struct section sec = migration_section(st->m, st->dir);
		size_t gap =
		    i ? l->items[i - 1].offset + strlen(l->items[i - 1].sql)
		      : sec.start;
		struct batch b;
		struct batch_ctx ctx = {s, st};
		strata_batch_find(sec.text, gap, l->items[i].offset, &b);
		if ((rc = strata_batch_run(s, &st->m->pub, l->items[i].sql, &b,
		                           batch_begin, &ctx)) < 0)
			return strata_stmt_failed(
			    s, migration_section(st->m, st->dir), l, i, 0);
		return 0;
	}
	strata_drop_invalid_index(s, st, l->items[i].sql);
	if ((rc = strata_backup_drops(s, st, l->items[i].sql)) < 0)
		return rc;
	if (exec_stmt(s, st, l, i, &off) < 0)
		return strata_stmt_failed(s, migration_section(st->m, st->dir),
		                          l, i, off);
	return 0;
}

/*
 * A no-transaction step failed (or was interrupted) at the part starting
 * with statement i + 1: the history row stays dirty there, with the way
 * out.  Returns rc.
 */
static int stop_dirty(strata *s, const struct step *st, size_t i, int rc,
                      long long t0)
{
	strata_error keep = s->err;
	strata_buf b = STRATA_BUF_INIT;

	memset(&s->err, 0, sizeof(s->err));
	/* up: where a resumed up starts (this part was rolled back); down:
	 * minus the failed statement */
	strata_history_mark(s, st->m->version, "dirty",
	                    st->dir == STRATA_UP ? (int)i + 1
	                                         : -keep.statement_index,
	                    now_ms() - t0);
	strata_error_move(&s->err, &keep);
	dirty_way_out(&b, st->m->version, st->dir, i);
	free(s->err.way_out);
	s->err.way_out = strata_buf_detach(&b);
	strata_reset_timeouts(s);
	return rc;
}

/*
 * A section that cannot run in one transaction: a no-transaction one
 * (`alone` NULL: every statement on its own), or one with statements that
 * PostgreSQL refuses in a transaction block (`alone[i]` set for those; the
 * others run in transactions between them).  The history row says dirty
 * until the end, with the statement that failed.
 */
static int step_no_tx(strata *s, const struct step *st,
                      const strata_stmt_list *l, const unsigned char *alone,
                      long long t0)
{
	const struct migration_file *m = st->m;
	unsigned seed = (unsigned)t0 ^ (unsigned)getpid();
	int rc;

	/* its history row goes through several states: read it again */
	strata_history_kept_drop(s);
	if (st->resume) {
		strata_buf b = STRATA_BUF_INIT;
		strata_buf_printf(
		    &b,
		    "going on with %s_%s at statement %zu of %zu: "
		    "the statements before it ran in an earlier "
		    "run",
		    m->version, m->name, st->from + 1, l->count);
		strata_session_emit(s, STRATA_EVENT_WARNING, &m->pub, b.ptr);
		strata_buf_dispose(&b);
		rc = 0; /* its dirty row is there */
	} else {
		rc = st->dir == STRATA_UP
		         ? strata_history_insert(s, m, "dirty", 0)
		         : strata_history_mark(s, m->version, "dirty", 0, 0);
	}
	if (rc < 0)
		return rc;
	if ((rc = strata_set_timeouts(s, st, 0)) < 0)
		return rc;
	for (size_t i = st->from; i < l->count;) {
		size_t j = i + 1;
		int tries = 1;

		if (alone && !alone[i])
			while (j < l->count && !alone[j])
				j++;
		/* a statement that ended before its cancel took effect: stop
		 * before the next one */
		if (strata_is_interrupted(s)) {
			strata_error_set(&s->err, STRATA_EINTERRUPTED,
			                 "interrupted before statement %zu of "
			                 "%s_%s",
			                 i + 1, m->version, m->name);
			s->err.statement_index = (int)i + 1;
			return stop_dirty(s, st, i, STRATA_EINTERRUPTED, t0);
		}
		/* a lock timeout rolled back only this part: try it again */
		while ((rc = alone && !alone[i]
		                 ? run_segment(s, st, l, i, j)
		                 : run_alone(s, st, l, i,
		                             alone && alone[i] ==
		                                          ALONE_BATCH)) < 0 &&
		       strata_lock_timed_out(s) &&
		       strata_lock_retry(
		           s, st, l->items[s->err.statement_index - 1].sql,
		           tries++, &seed))
			;
		if (rc < 0)
			return stop_dirty(s, st, i, rc, t0);
		i = j;
		/* progress, so that a killed run goes on from here */
		if (i < l->count && st->dir == STRATA_UP &&
		    (rc = strata_history_mark(s, m->version, "dirty",
		                              (int)i + 1, now_ms() - t0)) < 0)
			return rc;
	}
	strata_reset_timeouts(s);
	return st->dir == STRATA_UP
	           ? strata_history_mark(s, m->version, "applied", 0,
	                                 now_ms() - t0)
	           : strata_history_delete(s, m->version);
}

int strata_step_no_tx_flag(const struct step *st)
{
	unsigned bit =
	    st->dir == STRATA_UP ? STRATA_MIG_UP_NO_TX : STRATA_MIG_DOWN_NO_TX;
	return (st->m->pub.flags & bit) != 0;
}

/* A database that commits DDL at once (MySQL) runs every migration as a
 * no-transaction section: a transaction around it would promise a
 * rollback that cannot happen. */
int strata_step_no_tx(const strata *s, const struct step *st)
{
	return strata_step_no_tx_flag(st) ||
	       !(s->driver->caps & STRATA_CAP_TRANSACTIONAL_DDL);
}

/* Runs one prepared step: 0 done, 1 skipped, <0 failed. */
int strata_run_step(strata *s, const struct step *st, const strata_stmt_list *l,
                    const unsigned char *alone, int dry)
{
	long long t0;
	int rc;

	emit_step(s, STRATA_EVENT_MIGRATION_BEGIN, st, 0);
	if (dry) {
		emit_statements(s, st, l);
		return 0;
	}
	t0 = now_ms();
	if (strata_step_no_tx(s, st) || alone || st->resume) {
		rc = step_no_tx(s, st, l, alone, t0);
	} else {
		unsigned seed = (unsigned)t0 ^ (unsigned)getpid();
		int tries = 1;
		/* a lock timeout rolled the migration back: try it again */
		while ((rc = step_in_tx(s, st, l, t0)) == STRATA_EDB &&
		       strata_lock_timed_out(s) &&
		       strata_lock_retry(
		           s, st, l->items[s->err.statement_index - 1].sql,
		           tries++, &seed))
			t0 = now_ms();
	}
	/* interrupted while waiting to try again */
	if (rc < 0 && s->err.code == STRATA_EINTERRUPTED)
		rc = STRATA_EINTERRUPTED;
	if (rc == STRATA_EINTERRUPTED && !s->err.way_out)
		strata_error_field(&s->err.way_out,
		                   "nothing changed: the migration's "
		                   "transaction was rolled back; run the same "
		                   "command again to go on");
	if (rc == 1)
		emit_step(s, STRATA_EVENT_MIGRATION_SKIP, st, 0);
	else if (rc == 0)
		emit_step(s, STRATA_EVENT_MIGRATION_END, st, now_ms() - t0);
	return rc;
}
