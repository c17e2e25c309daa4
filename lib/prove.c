/*
 * strata_prove(): every migration applied, rolled back and applied again
 * on a scratch database, with a schema snapshot between each step, so that
 * a down that does not undo its up is found before production finds it.
 * The steps run through strata_run() on a session of the scratch database,
 * exactly as `up` and `down` would run them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "error.h"
#include "scratch.h"
#include "snapshot.h"
#include "snapshot_pg_cache.h"
#include "strata/driver.h"

struct prover {
	strata *s;       /* the user's session: directory, driver, events */
	strata *scratch; /* a session of the scratch database */
	const strata_prove_opts *o;
	int bad;
	/* owned: PostgreSQL snapshots read incrementally (NULL: SQLite) */
	strata_pg_cache *cache;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One step on the scratch database: up or down of one migration. */
static int step(struct prover *p, strata_op op, long long *ms)
{
	strata_run_opts ro;
	long long t0 = now_ms();
	int rc, done = 0;

	memset(&ro, 0, sizeof(ro));
	ro.op = op;
	ro.count = 1;
	ro.flags = STRATA_RUN_NO_PREFLIGHT | STRATA_RUN_ALLOW_DESTRUCTIVE |
	           STRATA_RUN_ALLOW_OUT_OF_ORDER;
	rc = strata_run(p->scratch, &ro, &done);
	*ms = now_ms() - t0;
	return rc;
}

/* The scratch database's schema: on PostgreSQL read only where it changed
 * since the last snapshot (snapshot_pg_cache.c), the same text. */
static int snapshot(struct prover *p, char **out)
{
	int rc = p->cache ? strata_pg_cache_snapshot(p->scratch, p->cache, out)
	                  : strata_schema_snapshot(p->scratch, 0, out);

	if (rc < 0)
		strata_error_move(&p->s->err, &p->scratch->err);
	return rc;
}

/* strata_snapshot_diff(), for the usual case in a few microseconds:
 * snapshots are canonical, so equal text is an empty diff. */
static int diff(const char *a, const char *b, char **out_text)
{
	if (strcmp(a, b) == 0)
		return (*out_text = strdup("")) ? 0 : STRATA_ENOMEM;
	return strata_snapshot_diff(a, b, out_text);
}

static void report(struct prover *p, strata_proof_entry *e)
{
	if (e->result != STRATA_PROOF_REVERSIBLE &&
	    e->result != STRATA_PROOF_FORWARD)
		p->bad++;
	if (p->o->on_entry)
		p->o->on_entry(e, p->o->data);
}

/* A step failed: the entry says where, with the scratch session's error
 * (its file:line point at the user's migration file). */
static void failed(struct prover *p, strata_proof_entry *e, const char *phase)
{
	e->result = STRATA_PROOF_FAILED;
	e->phase = phase;
	e->error = strata_last_error(p->scratch);
	report(p, e);
}

/*
 * Proves migration m, the scratch database standing where *before says
 * (its snapshot, replaced by the one after m).  Returns 1 to go on with
 * the next migration, 0 to stop (a step failed), <0 on a failed snapshot.
 */
static int prove_one(struct prover *p, const strata_migration *m, char **before)
{
	strata_proof_entry e;
	char *up = NULL, *down = NULL, *again = NULL;
	char *down_diff = NULL, *again_diff = NULL;
	strata_buf summary = STRATA_BUF_INIT;
	int rc, n;

	memset(&e, 0, sizeof(e));
	e.migration = m;
	e.up_ms = e.down_ms = e.again_ms = -1;
	e.down_diff = e.again_diff = e.summary = "";
	if (step(p, STRATA_OP_UP, &e.up_ms) < 0) {
		failed(p, &e, "up");
		return 0;
	}
	if ((rc = snapshot(p, &up)) < 0)
		return rc;
	if (p->o->only_up || !m->down_path) {
		e.result = p->o->only_up ? STRATA_PROOF_FORWARD
		                         : STRATA_PROOF_IRREVERSIBLE;
		goto next;
	}
	if ((rc = step(p, STRATA_OP_DOWN, &e.down_ms)) < 0) {
		/* an empty down section: nothing ran, up stays applied */
		if (rc == STRATA_EIRREVERSIBLE) {
			e.result = STRATA_PROOF_IRREVERSIBLE;
			e.down_ms = -1;
			goto next;
		}
		failed(p, &e, "down");
		rc = 0;
		goto out;
	}
	if ((rc = snapshot(p, &down)) < 0)
		goto out;
	if ((n = diff(*before, down, &down_diff)) < 0)
		goto oom;
	if (n)
		strata_snapshot_summary(down_diff, "down leaves",
		                        "down removes", "down changes",
		                        &summary);
	/* a down that left things behind often makes up again fail: the
	 * failure is reported with what down left */
	e.down_diff = down_diff;
	e.summary = summary.ptr;
	if (step(p, STRATA_OP_UP, &e.again_ms) < 0) {
		failed(p, &e, "up again");
		rc = 0;
		goto out;
	}
	if ((rc = snapshot(p, &again)) < 0)
		goto out;
	if ((n = diff(up, again, &again_diff)) < 0)
		goto oom;
	if (n)
		strata_snapshot_summary(again_diff, "up again adds",
		                        "up again lacks", "up again changes",
		                        &summary);
	e.result =
	    summary.len ? STRATA_PROOF_NOT_REVERSIBLE : STRATA_PROOF_REVERSIBLE;
	e.down_diff = down_diff;
	e.again_diff = again_diff;
	e.summary = summary.ptr;
	/* what follows builds on what up again made */
	free(up);
	up = again;
	again = NULL;
next:
	report(p, &e);
	free(*before);
	*before = up;
	up = NULL;
	rc = 1;
	goto out;
oom:
	rc = strata_error_set(&p->s->err, STRATA_ENOMEM, "out of memory");
out:
	free(up);
	free(down);
	free(again);
	free(down_diff);
	free(again_diff);
	strata_buf_dispose(&summary);
	return rc;
}

static int in_range(const strata_prove_opts *o, const char *v)
{
	return (!o->from || strata_version_cmp(v, o->from) >= 0) &&
	       (!o->to || strata_version_cmp(v, o->to) <= 0);
}

/* Runs the proof on an open scratch session. */
static int prove_all(struct prover *p)
{
	strata_status *st = NULL;
	char *before = NULL;
	int rc;

	if ((rc = strata_status_read(p->scratch, &st)) < 0) {
		strata_error_move(&p->s->err, &p->scratch->err);
		return rc;
	}
	for (size_t i = 0; i < st->count; i++)
		if (st->entries[i].state != STRATA_STATE_PENDING) {
			rc = strata_error_set(
			    &p->s->err, STRATA_EUSAGE,
			    "the scratch database is not empty: migration %s "
			    "is %s there",
			    st->entries[i].version,
			    strata_state_name(st->entries[i].state));
			goto out;
		}
	/* the migrations before --from are simply applied */
	for (size_t i = 0;
	     i < st->count && p->o->from &&
	     strata_version_cmp(st->entries[i].version, p->o->from) < 0;
	     i++) {
		long long ms;
		if ((rc = step(p, STRATA_OP_UP, &ms)) < 0) {
			strata_error_move(&p->s->err, &p->scratch->err);
			goto out;
		}
	}
	if ((rc = snapshot(p, &before)) < 0)
		goto out;
	for (size_t i = 0; i < st->count; i++) {
		const strata_status_entry *e = &st->entries[i];
		if (!in_range(p->o, e->version))
			continue;
		if (strata_is_interrupted(p->s)) {
			rc = strata_error_set(&p->s->err, STRATA_EINTERRUPTED,
			                      "interrupted before %s_%s",
			                      e->version, e->name);
			goto out;
		}
		if ((rc = prove_one(p, e->migration, &before)) <= 0)
			break;
	}
	if (rc > 0)
		rc = 0;
out:
	free(before);
	strata_status_free(st);
	return rc;
}

int strata_prove(strata *s, const strata_prove_opts *o, int *out_bad)
{
	struct scratch sc;
	struct prover p = {s, NULL, o, 0, NULL};
	int rc;

	if (out_bad)
		*out_bad = 0;
	if ((rc = strata_scratch_open(s, o->scratch_url, &sc)) < 0)
		return rc;
	p.scratch = sc.session;
	/* the scratch database is the proof's alone: one run lock for all
	 * its steps, and the history kept in memory between them */
	if ((rc = strata_run_lock_hold(p.scratch)) < 0)
		strata_error_move(&s->err, &p.scratch->err);
	else if (sc.driver->dialect == STRATA_DIALECT_POSTGRES &&
	         !(p.cache = strata_pg_cache_new()))
		rc = strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
	else
		rc = prove_all(&p);
	strata_pg_cache_free(p.cache);
	strata_run_lock_release(p.scratch);
	strata_scratch_close(s, &sc);
	if (out_bad)
		*out_bad = p.bad;
	return rc;
}
