/*
 * Watching a migration statement while it runs.  The driver calls tick()
 * between its waits (set_tick_fn); after WATCH_AFTER_MS a statement reports
 * once a second, as STRATA_EVENT_PROGRESS, what it is at (PostgreSQL's
 * progress views: CREATE INDEX, CLUSTER, VACUUM) or which session it waits
 * for.  The looking is done on a second connection, since the first one is
 * busy running the statement.  tick() is also where strata_interrupt()
 * takes effect: the statement is cancelled and the run fails with
 * STRATA_EINTERRUPTED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "error.h"
#include "strata/driver.h"

/* Quick statements say nothing; slow ones report this often. */
#define WATCH_AFTER_MS 2000
#define WATCH_EVERY_MS 1000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void strata_interrupt(strata *s)
{
	strata *child;

	if (!s)
		return;
	atomic_store(&s->interrupted, 1);
	if ((child = atomic_load(&s->child)))
		atomic_store(&child->interrupted, 1);
}

int strata_is_interrupted(strata *s)
{
	return atomic_load(&s->interrupted) != 0;
}

/* What the statement is at and what it waits for, as one row. */
static const char look_pg[] =
    "WITH me AS (SELECT wait_event_type, wait_event, "
    "(pg_catalog.pg_blocking_pids(pid))[1] AS blocker "
    "FROM pg_catalog.pg_stat_activity WHERE pid = $1::int), "
    "work AS ("
    "SELECT command || ': ' || phase AS phase, "
    "CASE WHEN blocks_total > 0 THEN 'blocks' "
    "WHEN tuples_total > 0 THEN 'tuples' "
    "WHEN lockers_total > 0 THEN 'old transactions' "
    "WHEN partitions_total > 0 THEN 'partitions' END AS unit, "
    "CASE WHEN blocks_total > 0 THEN blocks_done "
    "WHEN tuples_total > 0 THEN tuples_done "
    "WHEN lockers_total > 0 THEN lockers_done "
    "ELSE partitions_done END AS done, "
    "CASE WHEN blocks_total > 0 THEN blocks_total "
    "WHEN tuples_total > 0 THEN tuples_total "
    "WHEN lockers_total > 0 THEN lockers_total "
    "ELSE partitions_total END AS total "
    "FROM pg_catalog.pg_stat_progress_create_index WHERE pid = $1::int "
    "UNION ALL SELECT command || ': ' || phase, 'blocks', "
    "heap_blks_scanned, heap_blks_total "
    "FROM pg_catalog.pg_stat_progress_cluster WHERE pid = $1::int "
    "UNION ALL SELECT 'VACUUM: ' || phase, 'blocks', heap_blks_scanned, "
    "heap_blks_total "
    "FROM pg_catalog.pg_stat_progress_vacuum WHERE pid = $1::int) "
    "SELECT me.wait_event_type, me.wait_event, b.pid, b.state, "
    "extract(epoch FROM now() - coalesce(b.xact_start, "
    "b.query_start))::bigint, "
    "left(regexp_replace(b.query, '[[:space:]]+', ' ', 'g'), 120), "
    "w.phase, w.unit, w.done, w.total "
    "FROM me LEFT JOIN pg_catalog.pg_stat_activity b ON b.pid = me.blocker "
    "LEFT JOIN work w ON true LIMIT 1";

struct look {
	strata_buf waits; /* "a lock (relation) held by pid ..." */
	strata_buf phase, unit;
	long long done, total;
	int blocker;
};

static int look_row(void *data, int ncols, const char *const *v)
{
	struct look *k = data;

	if (ncols < 10)
		return 1;
	if (v[2]) {
		k->blocker = atoi(v[2]);
		strata_buf_printf(&k->waits, "a %s (%s) held by pid %s",
		                  v[0] && strcmp(v[0], "Lock") ? v[0] : "lock",
		                  v[1] ? v[1] : "?", v[2]);
		strata_buf_printf(&k->waits, " (%s for %s s), running: %s",
		                  v[3] ? v[3] : "?", v[4] ? v[4] : "?",
		                  v[5] ? v[5] : "");
	}
	if (v[6]) {
		strata_buf_puts(&k->phase, v[6]);
		if (v[7])
			strata_buf_puts(&k->unit, v[7]);
		k->done = v[8] ? atoll(v[8]) : 0;
		k->total = v[9] ? atoll(v[9]) : 0;
	}
	return 1;
}

/* Looks at the running statement from the second connection; silent from
 * the first failure on (an old server, no rights to see the views). */
static void look(strata *s, struct look *k)
{
	strata_error scratch = {0};
	char pid[16];
	const char *param = pid;

	if (!strata_is_pg(s) || s->watch.broken || !s->watch.backend_pid)
		return;
	if (!s->watch.conn && s->driver->open(&s->watch.conn, s->url,
	                                      s->lock_wait_ms, &scratch) < 0) {
		s->watch.broken = 1;
		goto out;
	}
	snprintf(pid, sizeof(pid), "%d", s->watch.backend_pid);
	if (s->driver->query(s->watch.conn, look_pg, 1, &param, look_row, k,
	                     &scratch) < 0)
		s->watch.broken = 1;
out:
	strata_error_dispose(&scratch);
}

static void report(strata *s, long long now)
{
	struct look k = {
	    STRATA_BUF_INIT, STRATA_BUF_INIT, STRATA_BUF_INIT, 0, 0, 0};
	strata_buf msg = STRATA_BUF_INIT;
	const struct migration_file *m = s->watch.m;

	look(s, &k);
	strata_buf_printf(&msg, "%s_%s: statement %zu of %zu, %lld s",
	                  m->version, m->name, s->watch.index, s->watch.count,
	                  (now - s->watch.t0) / 1000);
	/* the numbers first: a terminal line is cut at its width */
	if (k.total > 0)
		strata_buf_printf(&msg, ", %lld%% of %lld %s",
		                  k.done * 100 / k.total, k.total, k.unit.ptr);
	if (k.phase.len)
		strata_buf_printf(&msg, ": %s", k.phase.ptr);
	if (k.waits.len)
		strata_buf_printf(&msg, ": waiting for %s", k.waits.ptr);
	strata_session_progress(
	    s, &m->pub, msg.ptr, k.phase.len ? k.phase.ptr : NULL,
	    k.unit.len ? k.unit.ptr : NULL, k.done, k.total, k.blocker);
	strata_buf_dispose(&msg);
	strata_buf_dispose(&k.waits);
	strata_buf_dispose(&k.phase);
	strata_buf_dispose(&k.unit);
}

/* The driver's tick: non-zero cancels the running statement. */
static int tick(void *data)
{
	strata *s = data;
	long long now;

	if (!s->watch.m) /* bookkeeping, COMMIT: never cancelled */
		return 0;
	if (strata_is_interrupted(s))
		return 1;
	now = now_ms();
	if (now - s->watch.t0 < WATCH_AFTER_MS ||
	    now - s->watch.last < WATCH_EVERY_MS)
		return 0;
	report(s, now);
	s->watch.last = now_ms();
	return strata_is_interrupted(s);
}

static int pid_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		*(int *)data = atoi(v[0]);
	return 1;
}

void strata_watch_attach(strata *s)
{
	strata_error scratch = {0};

	if (!s->driver->set_tick_fn)
		return;
	s->driver->set_tick_fn(s->conn, tick, s);
	/* the progress views are found by the backend's pid */
	if (strata_is_pg(s))
		s->driver->query(s->conn, "SELECT pg_catalog.pg_backend_pid()",
		                 0, NULL, pid_row, &s->watch.backend_pid,
		                 &scratch);
	strata_error_dispose(&scratch);
}

void strata_watch_begin(strata *s, const struct migration_file *m,
                        const char *sql, size_t index, size_t count)
{
	s->watch.m = m;
	s->watch.sql = sql;
	s->watch.index = index;
	s->watch.count = count;
	s->watch.t0 = now_ms();
	s->watch.last = 0;
}

void strata_watch_end(strata *s)
{
	s->watch.m = NULL;
	s->watch.sql = NULL;
}

void strata_watch_close(strata *s)
{
	if (s->watch.conn)
		s->driver->close(s->watch.conn);
	s->watch.conn = NULL;
}

int strata_stop_before(strata *s, const struct migration_file *next)
{
	if (!strata_is_interrupted(s))
		return 0;
	return strata_error_set(&s->err, STRATA_EINTERRUPTED,
	                        "interrupted before %s_%s: the migrations "
	                        "before it are done, and 'strata up' goes on "
	                        "from here",
	                        next->version, next->name);
}
