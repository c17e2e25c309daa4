/*
 * Lock timeouts on a live PostgreSQL: every migration runs with a short
 * lock_timeout, so no query queues behind strata for longer; when one
 * expires, the blocker is named and the work is tried again after a
 * jittered exponential pause.  See docs/file-format.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "lint/lint.h"
#include "strata/driver.h"

int strata_is_pg(const strata *s)
{
	return s->driver->dialect == STRATA_DIALECT_POSTGRES;
}

int strata_step_lock_timeout(const strata *s, const struct step *st)
{
	int v = st->m->lock_timeout_ms[st->dir];
	return v >= 0 ? v : s->lock_timeout_ms;
}

/*
 * Sets the step's lock_timeout and statement_timeout: for the transaction
 * (SET LOCAL) or, outside one, for the session until strata_reset_timeouts().
 */
int strata_set_timeouts(strata *s, const struct step *st, int local)
{
	int stmt = st->m->statement_timeout_ms[st->dir];
	char sql[96];
	long off;
	int rc;

	if (!strata_is_pg(s))
		return 0;
	snprintf(sql, sizeof(sql), "SET %slock_timeout = %d",
	         local ? "LOCAL " : "", strata_step_lock_timeout(s, st));
	if ((rc = s->driver->exec(s->conn, sql, &off, &s->err)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SET %sstatement_timeout = %d",
	         local ? "LOCAL " : "",
	         stmt >= 0 ? stmt : s->statement_timeout_ms);
	return s->driver->exec(s->conn, sql, &off, &s->err);
}

int strata_begin_step(strata *s, const struct step *st)
{
	int stmt = st->m->statement_timeout_ms[st->dir];
	char sql[160];
	long off;
	int rc;

	if (!strata_is_pg(s))
		return s->driver->exec(s->conn, s->driver->begin_sql, &off,
		                       &s->err);
	/* one round trip for the three: a migration takes several */
	snprintf(sql, sizeof(sql),
	         "%s; SET LOCAL lock_timeout = %d;"
	         " SET LOCAL statement_timeout = %d",
	         s->driver->begin_sql, strata_step_lock_timeout(s, st),
	         stmt >= 0 ? stmt : s->statement_timeout_ms);
	if ((rc = s->driver->exec(s->conn, sql, &off, &s->err)) < 0)
		strata_rollback(s);
	return rc;
}

void strata_reset_timeouts(strata *s)
{
	strata_error scratch = {0};
	long off;

	if (!strata_is_pg(s))
		return;
	s->driver->exec(s->conn, "RESET lock_timeout", &off, &scratch);
	s->driver->exec(s->conn, "RESET statement_timeout", &off, &scratch);
	strata_error_dispose(&scratch);
}

/* Whether the last failure was a lock timeout (55P03). */
int strata_lock_timed_out(const strata *s)
{
	return s->err.sqlstate && strcmp(s->err.sqlstate, "55P03") == 0;
}

static int blocker_row(void *data, int ncols, const char *const *v)
{
	strata_buf *b = data;

	if (ncols < 5)
		return 1;
	strata_buf_printf(b, "pid %s (%s for %s s, holding '%s'), running: %s",
	                  v[0] ? v[0] : "?", v[1] && *v[1] ? v[1] : "?",
	                  v[2] ? v[2] : "?", v[4] ? v[4] : "?",
	                  v[3] ? v[3] : "");
	return 1;
}

/*
 * Who holds a lock on the tables the timed-out statement needs: the
 * longest-running such session, from pg_locks and pg_stat_activity.
 * Appends "" when nobody does any more.
 */
static void describe_blocker(strata *s, const char *sql, strata_buf *out)
{
	static const char q[] =
	    "SELECT a.pid, a.state, "
	    "coalesce(extract(epoch FROM now() - coalesce(a.xact_start, "
	    "a.query_start))::bigint, 0), "
	    "left(regexp_replace(a.query, '[[:space:]]+', ' ', 'g'), 120), "
	    "c.relname "
	    "FROM pg_catalog.pg_locks l "
	    "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
	    "JOIN pg_catalog.pg_class c ON c.oid = l.relation "
	    "WHERE l.granted AND a.pid <> pg_catalog.pg_backend_pid() "
	    "AND c.relnamespace <> 'pg_catalog'::regnamespace "
	    "AND ($1 = '' OR l.relation IN (SELECT pg_catalog.to_regclass(x) "
	    "FROM unnest(string_to_array($1, chr(10))) x)) "
	    "ORDER BY 3 DESC LIMIT 1";
	strata_buf tables = STRATA_BUF_INIT;
	strata_error scratch = {0};
	const char *param;

	strata_pg_statement_tables(sql, &tables);
	param = tables.ptr;
	s->driver->query(s->conn, q, 1, &param, blocker_row, out, &scratch);
	strata_error_dispose(&scratch);
	strata_buf_dispose(&tables);
}

/* Milliseconds before try `next` (2, 3, ...): exponential from 200 ms,
 * capped at 10 s, each drawn from [half, full] so that two deployers
 * retrying together drift apart. */
static int backoff_ms(int next, unsigned *seed)
{
	long long full = 200;

	for (int i = 2; i < next && full < 10000; i++)
		full *= 2;
	if (full > 10000)
		full = 10000;
	return (int)(full / 2 + rand_r(seed) % (full / 2 + 1));
}

/* Sleeps, in slices so that strata_interrupt() ends the wait early;
 * returns whether it did. */
static int sleep_ms(strata *s, int ms)
{
	while (ms > 0 && !strata_is_interrupted(s)) {
		int slice = ms < STRATA_TICK_MS ? ms : STRATA_TICK_MS;
		struct timespec ts = {0, (long)slice * 1000000L};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR &&
		       !strata_is_interrupted(s))
			;
		ms -= slice;
	}
	return strata_is_interrupted(s);
}

/*
 * After a lock timeout in statement `sql`: says who blocks, waits, and
 * returns 1 to try again, or 0 when the tries are used up (then the
 * error says so and names the blocker).
 */
int strata_lock_retry(strata *s, const struct step *st, const char *sql,
                      int tries_done, unsigned *seed)
{
	strata_buf who = STRATA_BUF_INIT, msg = STRATA_BUF_INIT;
	int wait;

	describe_blocker(s, sql, &who);
	if (tries_done >= s->lock_tries) {
		strata_buf_printf(
		    &msg,
		    "gave up after %d tr%s: each waited %d ms for a "
		    "lock and was rolled back%s",
		    tries_done, tries_done == 1 ? "y" : "ies",
		    strata_step_lock_timeout(s, st),
		    st->m->pub.flags &
		            (st->dir == STRATA_UP ? STRATA_MIG_UP_NO_TX
		                                  : STRATA_MIG_DOWN_NO_TX)
		        ? ""
		        : ", so nothing changed");
		if (who.len)
			strata_buf_printf(&msg, "; blocked by %s", who.ptr);
		strata_error_field(&s->err.detail, msg.ptr);
		if (!s->err.way_out)
			strata_error_field(
			    &s->err.way_out,
			    "end the blocking session (or wait for it), then "
			    "run "
			    "again; --lock-tries and --lock-timeout give it "
			    "longer");
		strata_buf_dispose(&who);
		strata_buf_dispose(&msg);
		return 0;
	}
	wait = backoff_ms(tries_done + 1, seed);
	strata_buf_printf(&msg,
	                  "%s_%s: lock_timeout (%d ms) in statement %d, try %d "
	                  "of %d in %.1f s",
	                  st->m->version, st->m->name,
	                  strata_step_lock_timeout(s, st),
	                  s->err.statement_index, tries_done + 1, s->lock_tries,
	                  wait / 1000.0);
	if (who.len)
		strata_buf_printf(&msg, "; blocked by %s", who.ptr);
	strata_session_emit(s, STRATA_EVENT_RETRY, &st->m->pub, msg.ptr);
	strata_buf_dispose(&who);
	strata_buf_dispose(&msg);
	if (sleep_ms(s, wait)) {
		/* the lock timeout's position and statement stay */
		s->err.code = STRATA_EINTERRUPTED;
		strata_error_field(&s->err.message,
		                   "interrupted while waiting to try again "
		                   "after a lock timeout");
		return 0;
	}
	return 1;
}
