/*
 * The engine: take the run lock, read the history under it, plan, and apply
 * or roll back each migration in its own transaction with its history row.
 *
 * Locking: where the driver has an advisory lock (PostgreSQL) it is held for
 * the whole run, so the plan made under it stays true.  Otherwise (SQLite)
 * every migration's transaction starts with the database's write lock and
 * re-reads that migration's history row, so two runs racing each other
 * still apply every migration exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backfill.h"
#include "engine.h"
#include "error.h"
#include "session.h"
#include "split.h"
#include "lint/lint.h"

struct plan {
	struct step *steps; /* owned */
	size_t count;
};

/* One advisory lock key per history table, so two projects sharing a
 * database with different tables do not wait for each other. */
static long long lock_key(const strata *s)
{
	strata_buf b = STRATA_BUF_INIT;
	char hex[65] = "0";

	strata_buf_printf(&b, "strata:%s.%s",
	                  s->table_schema ? s->table_schema : "",
	                  s->table_name);
	strata_checksum_hex(b.ptr, b.len, hex);
	strata_buf_dispose(&b);
	hex[16] = '\0';
	return (long long)strtoull(hex, NULL, 16);
}

static void on_lock_wait(void *data, const char *message)
{
	strata_session_emit(data, STRATA_EVENT_LOCK_WAIT, NULL, message);
}

static int plan_add(strata *s, struct plan *p, const char *version,
                    strata_direction dir)
{
	struct step *st = realloc(p->steps, (p->count + 1) * sizeof(*st));

	if (!st)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	p->steps = st;
	st[p->count].m = strata_session_find(s, version);
	st[p->count].dir = dir;
	st[p->count].from = 0;
	st[p->count].resume = 0;
	p->count++;
	return 0;
}

static int is_applied(const strata_status_entry *e)
{
	return e->state == STRATA_STATE_APPLIED ||
	       e->state == STRATA_STATE_MODIFIED ||
	       e->state == STRATA_STATE_MISSING;
}

/* Refusals that apply to every run: dirty and modified migrations. */
/* Whether the next up can go on with a dirty migration where it stopped:
 * it failed going up, and its file is the one that ran. */
static int resumable(const strata_status_entry *e)
{
	return e->state == STRATA_STATE_DIRTY &&
	       e->dirty_direction == STRATA_UP && e->migration &&
	       e->db_checksum &&
	       strcmp(e->db_checksum, e->migration->checksum) == 0;
}

static int check_history(strata *s, const strata_status *st, strata_op op,
                         unsigned flags)
{
	const strata_status_entry *mod = NULL;
	size_t nmod = 0;
	strata_buf b = STRATA_BUF_INIT;

	for (size_t i = 0; i < st->count; i++) {
		const strata_status_entry *e = &st->entries[i];
		if (e->state == STRATA_STATE_DIRTY && op == STRATA_OP_UP &&
		    resumable(e))
			continue; /* plan_ups goes on with it */
		if (e->state == STRATA_STATE_DIRTY) {
			strata_error_set(
			    &s->err, STRATA_EDIRTY,
			    "migration %s_%s is dirty: it failed at statement "
			    "%d outside a transaction and may be half applied",
			    e->version, e->name, e->failed_statement);
			if (resumable(e))
				strata_buf_printf(
				    &b,
				    "'strata up' goes on from statement %d "
				    "once the cause is fixed; or ",
				    e->failed_statement);
			else if (e->dirty_direction == STRATA_UP &&
			         e->migration)
				strata_buf_printf(
				    &b, "the file has changed since it ran, so "
				        "'strata up' cannot go on where it "
				        "stopped; ");
			strata_buf_printf(
			    &b,
			    "repair the database by hand, then run 'strata "
			    "force %s' if the migration's changes are all in "
			    "place, or 'strata force %s --pending' if none are",
			    e->version, e->version);
			s->err.way_out = strata_buf_detach(&b);
			return STRATA_EDIRTY;
		}
		if (e->state == STRATA_STATE_MODIFIED) {
			if (!mod)
				mod = e;
			nmod++;
			if (flags & STRATA_RUN_ALLOW_MODIFIED) {
				strata_buf_clear(&b);
				strata_buf_printf(
				    &b,
				    "'%s' has changed since it was applied "
				    "(recorded %.12s, file %.12s)",
				    e->migration->up_path, e->db_checksum,
				    e->migration->checksum);
				strata_session_emit(s, STRATA_EVENT_WARNING,
				                    e->migration, b.ptr);
			}
		}
	}
	strata_buf_dispose(&b);
	if (mod && !(flags & STRATA_RUN_ALLOW_MODIFIED)) {
		strata_error_set(
		    &s->err, STRATA_ECHECKSUM,
		    "applied migration '%s' has changed since it was applied "
		    "(checksum recorded %s, file now %s)%s",
		    mod->migration->up_path, mod->db_checksum,
		    mod->migration->checksum,
		    nmod > 1 ? "; more are listed by 'strata status'" : "");
		strata_error_field(
		    &s->err.way_out,
		    "restore the file, or run again with --allow-modified if "
		    "the change is deliberate and harmless");
		return STRATA_ECHECKSUM;
	}
	return 0;
}

/* Adds the pending migrations up to `target` (all when NULL), at most `max`. */
static int plan_ups(strata *s, const strata_status *st, const char *target,
                    int max, unsigned flags, struct plan *p)
{
	int rc, n = 0;

	for (size_t i = 0; i < st->count; i++) {
		const strata_status_entry *e = &st->entries[i];
		int resume = resumable(e);
		if (e->state != STRATA_STATE_PENDING && !resume)
			continue;
		if (target && strata_version_cmp(e->version, target) > 0)
			break;
		if (max > 0 && n >= max)
			break;
		if (resume) {
			if ((rc = plan_add(s, p, e->version, STRATA_UP)) < 0)
				return rc;
			p->steps[p->count - 1].from =
			    e->failed_statement > 0
			        ? (size_t)e->failed_statement - 1
			        : 0;
			p->steps[p->count - 1].resume = 1;
			n++;
			continue;
		}
		if (e->out_of_order &&
		    !(flags & STRATA_RUN_ALLOW_OUT_OF_ORDER)) {
			strata_error_set(&s->err, STRATA_EORDER,
			                 "pending migration '%s' is older than "
			                 "the newest applied migration %s",
			                 e->migration->up_path,
			                 st->current_version);
			strata_error_field(
			    &s->err.way_out,
			    "apply it anyway with --allow-out-of-order, or "
			    "give it a version newer than every applied one");
			return STRATA_EORDER;
		}
		if ((rc = plan_add(s, p, e->version, STRATA_UP)) < 0)
			return rc;
		n++;
	}
	return 0;
}

/* Adds applied migrations newest first: those newer than `target`, or `max`. */
static int plan_downs(strata *s, const strata_status *st, const char *target,
                      int max, struct plan *p)
{
	int rc, n = 0;

	for (size_t i = st->count; i-- > 0;) {
		const strata_status_entry *e = &st->entries[i];
		if (!is_applied(e))
			continue;
		if (target && strata_version_cmp(e->version, target) <= 0)
			break;
		if (!target && max > 0 && n >= max)
			break;
		if (e->state == STRATA_STATE_MISSING) {
			strata_error_set(&s->err, STRATA_EMISSING,
			                 "cannot roll back %s_%s: no migration "
			                 "file has version %s",
			                 e->version, e->name, e->version);
			strata_buf b = STRATA_BUF_INIT;
			strata_buf_printf(
			    &b,
			    "restore the file, or forget the migration with "
			    "'strata force %s --pending'",
			    e->version);
			s->err.way_out = strata_buf_detach(&b);
			return STRATA_EMISSING;
		}
		if ((rc = plan_add(s, p, e->version, STRATA_DOWN)) < 0)
			return rc;
		n++;
	}
	return 0;
}

/* A target must be "0" (before the first migration) or a known version. */
static int check_target(strata *s, const strata_status *st, const char *t)
{
	if (!t || strata_version_cmp(t, "0") == 0)
		return 0;
	for (size_t i = 0; i < st->count; i++)
		if (strata_version_cmp(st->entries[i].version, t) == 0)
			return 0;
	return strata_error_set(&s->err, STRATA_ENOTFOUND,
	                        "no migration has version '%s'", t);
}

static int make_plan(strata *s, const strata_status *st,
                     const strata_run_opts *o, struct plan *p)
{
	const char *newest = st->current_version;
	int rc;

	if ((rc = check_history(s, st, o->op, o->flags)) < 0 ||
	    (rc = check_target(s, st, o->target)) < 0)
		return rc;
	for (size_t i = 0; i < st->count; i++)
		if (st->entries[i].state == STRATA_STATE_MISSING &&
		    o->op == STRATA_OP_UP) {
			strata_buf b = STRATA_BUF_INIT;
			strata_buf_printf(
			    &b, "applied migration %s_%s has no file",
			    st->entries[i].version, st->entries[i].name);
			strata_session_emit(s, STRATA_EVENT_WARNING, NULL,
			                    b.ptr);
			strata_buf_dispose(&b);
		}
	switch (o->op) {
	case STRATA_OP_UP:
		return plan_ups(s, st, o->target, o->count, o->flags, p);
	case STRATA_OP_DOWN:
		if (o->flags & STRATA_RUN_ALL)
			return plan_downs(s, st, "0", 0, p);
		return plan_downs(s, st, o->target, o->count > 0 ? o->count : 1,
		                  p);
	case STRATA_OP_REDO:
		if (!newest)
			return 0;
		if ((rc = plan_downs(s, st, NULL, 1, p)) < 0)
			return rc;
		return plan_add(s, p, newest, STRATA_UP);
	case STRATA_OP_GOTO:
		if (!o->target)
			return strata_error_set(&s->err, STRATA_EUSAGE,
			                        "goto needs a target version");
		if ((rc = plan_downs(s, st, o->target, 0, p)) < 0)
			return rc;
		return plan_ups(s, st, o->target, 0, o->flags, p);
	}
	return strata_error_set(&s->err, STRATA_EUSAGE, "unknown operation");
}

/* Connects, locks and reads the status: the start of every changing run.
 * A session that holds the run lock (strata_run_lock_hold) keeps the
 * history it read the first time, and the status borrows its strings: a
 * run plans with the status before any step changes the copy, and only
 * frees it afterwards. */
static int begin_run(strata *s, int dry, int *locked, strata_status **st)
{
	history h;
	int rc;

	*locked = 0;
	*st = NULL;
	if ((rc = strata_session_load(s)) < 0 ||
	    (rc = strata_session_connect(s)) < 0)
		return rc;
	if (!dry && s->driver->lock && !s->lock_held) {
		rc = s->driver->lock(s->conn, lock_key(s), s->lock_wait_ms,
		                     on_lock_wait, s, &s->err);
		if (rc < 0)
			return rc;
		*locked = 1;
	}
	if (s->lock_held && s->kept)
		return strata_status_build_borrowed(s, s->kept, st);
	if ((!dry && (rc = strata_history_ensure(s)) < 0) ||
	    (rc = strata_history_read(s, &h)) < 0)
		return rc;
	if (s->lock_held && !dry) {
		if (!(s->kept = malloc(sizeof(*s->kept)))) {
			strata_history_dispose(&h);
			return strata_error_set(&s->err, STRATA_ENOMEM,
			                        "out of memory");
		}
		*s->kept = h;
		return strata_status_build_borrowed(s, s->kept, st);
	}
	if ((rc = strata_status_build(s, &h, st)) < 0)
		strata_history_dispose(&h);
	return rc;
}

int strata_run_lock_hold(strata *s)
{
	int rc;

	if (s->lock_held)
		return 0;
	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (s->driver->lock &&
	    (rc = s->driver->lock(s->conn, lock_key(s), s->lock_wait_ms,
	                          on_lock_wait, s, &s->err)) < 0)
		return rc;
	s->lock_held = 1;
	return 0;
}

void strata_run_lock_release(strata *s)
{
	strata_error scratch = {0};

	if (!s->lock_held)
		return;
	strata_history_kept_drop(s);
	if (s->driver->unlock)
		s->driver->unlock(s->conn, lock_key(s), &scratch);
	strata_error_dispose(&scratch);
	s->lock_held = 0;
}

static void end_run(strata *s, int locked, strata_status *st)
{
	strata_status_free(st);
	if (locked) {
		strata_error scratch = {0};
		s->driver->unlock(s->conn, lock_key(s), &scratch);
		strata_error_dispose(&scratch);
	}
}

int strata_run_begin(strata *s, int *locked, strata_status **st)
{
	return begin_run(s, 0, locked, st);
}

void strata_run_end(strata *s, int locked, strata_status *st)
{
	end_run(s, locked, st);
}

/*
 * PostgreSQL: which statements of a section that runs in a transaction
 * cannot (CREATE INDEX CONCURRENTLY, VACUUM, ...), found by the parser,
 * not left to the author.  *out stays NULL when there are none.
 */
static int find_alone(strata *s, const struct step *st,
                      const strata_stmt_list *l, unsigned char **out)
{
	struct section sec = migration_section(st->m, st->dir);
	int any = 0;

	*out = NULL;
	if (!(*out = calloc(l->count + 1, 1)))
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	for (size_t i = 0; i < l->count; i++) {
		size_t gap =
		    i ? l->items[i - 1].offset + strlen(l->items[i - 1].sql)
		      : sec.start;
		struct batch b;
		int no_tx = strata_step_no_tx(s, st);
		if (strata_batch_find(sec.text, gap, l->items[i].offset, &b) >
		    0)
			no_tx = ALONE_BATCH;
		else if (strata_is_pg(s) && !no_tx)
			strata_pg_statement_info(l->items[i].sql, &no_tx, NULL);
		(*out)[i] = (unsigned char)no_tx;
		any |= no_tx;
	}
	if (!any || (strata_step_no_tx(s, st) && !(any & ALONE_BATCH))) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

/*
 * The up sections would delete data (listed in `gone`): go on only when
 * allowed up front or confirmed.
 */
static int confirm_destructive(strata *s, const strata_run_opts *o,
                               const strata_buf *gone)
{
	strata_buf q = STRATA_BUF_INIT;
	int yes;

	if (o->flags & STRATA_RUN_ALLOW_DESTRUCTIVE)
		return 0;
	strata_buf_printf(&q, "these statements delete data for good:\n%s",
	                  gone->ptr);
	yes = o->confirm && o->confirm(q.ptr, o->confirm_data);
	if (!yes) {
		strata_error_set(
		    &s->err, STRATA_EDESTRUCTIVE,
		    "refused to delete data without a yes: nothing "
		    "was run");
		while (q.len && q.ptr[q.len - 1] == '\n')
			q.ptr[--q.len] = '\0';
		strata_error_field(&s->err.detail, q.ptr);
		strata_error_field(
		    &s->err.way_out,
		    o->confirm ? "run again and answer yes, or with "
		                 "--allow-destructive"
		               : "run again with --allow-destructive (no "
		                 "terminal to ask on)");
	}
	strata_buf_dispose(&q);
	return yes ? 0 : STRATA_EDESTRUCTIVE;
}

/*
 * Lints the up sections about to run, with the live database's facts; the
 * findings go to the event callback.  Errors stop the run before anything
 * has run, unless the caller allows unsafe migrations.
 */
static int preflight(strata *s, const struct plan *p, const strata_run_opts *o)
{
	strata_buf gone = STRATA_BUF_INIT;
	strata_lint_totals t = {0};
	unsigned flags = o->flags;
	const struct migration_file **ups;
	size_t n = 0;
	int rc;

	if (!(ups = calloc(p->count + 1, sizeof(*ups))))
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	for (size_t i = 0; i < p->count; i++)
		if (p->steps[i].dir == STRATA_UP)
			ups[n++] = p->steps[i].m;
	rc = n ? strata_lint_preflight(s, ups, n, &t, &gone) : 0;
	free(ups);
	if (rc == 0 && gone.len && !(o->flags & STRATA_RUN_DRY_RUN))
		rc = confirm_destructive(s, o, &gone);
	strata_buf_dispose(&gone);
	if (rc < 0)
		return rc;
	if (t.errors == 0 || (flags & STRATA_RUN_ALLOW_UNSAFE))
		return 0;
	strata_error_set(&s->err, STRATA_EUNSAFE,
	                 "lint found %d error%s in the migrations to apply: "
	                 "nothing was run",
	                 t.errors, t.errors == 1 ? "" : "s");
	strata_error_field(&s->err.way_out,
	                   "fix them, silence one with '-- strata:ignore RULE "
	                   "reason' above its statement, or run again with "
	                   "--allow-unsafe");
	return STRATA_EUNSAFE;
}

int strata_run(strata *s, const strata_run_opts *o, int *out_done)
{
	int dry = (o->flags & STRATA_RUN_DRY_RUN) != 0, locked, rc, done = 0;
	struct plan p = {0};
	strata_stmt_list *lists = NULL;
	unsigned char **alones = NULL;
	strata_status *st;
	size_t i;

	if (out_done)
		*out_done = 0;
	if ((rc = begin_run(s, dry, &locked, &st)) < 0)
		goto done;
	if ((rc = make_plan(s, st, o, &p)) < 0)
		goto done;
	/* every step is parsed and checked before the first one runs, so a
	 * mistake in the last migration does not leave the run half done */
	if (!(lists = calloc(p.count + 1, sizeof(*lists)))) {
		rc = strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < p.count; i++)
		if ((rc = strata_step_statements(
		         s, &p.steps[i], strata_step_no_tx(s, &p.steps[i]),
		         &lists[i])) < 0)
			goto done;
	if (!(o->flags & STRATA_RUN_NO_PREFLIGHT) &&
	    (rc = preflight(s, &p, o)) < 0)
		goto done;
	if (!(alones = calloc(p.count + 1, sizeof(*alones)))) {
		rc = strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < p.count; i++)
		if ((rc = find_alone(s, &p.steps[i], &lists[i], &alones[i])) <
		    0)
			goto done;
	if ((o->flags & STRATA_RUN_BACKUP) && p.count > 0 && !dry) {
		char *file;
		if ((rc = strata_database_backup(s, &file)) < 0)
			goto done;
		strata_session_emit(s, STRATA_EVENT_BACKUP, NULL, file);
		free(file);
	}
	if (!dry &&
	    (rc = strata_backup_prepare(s, p.steps, lists, p.count)) < 0)
		goto done;
	for (i = 0; i < p.count; i++) {
		if ((rc = strata_stop_before(s, p.steps[i].m)) < 0 ||
		    (rc = strata_run_step(s, &p.steps[i], &lists[i], alones[i],
		                          dry)) < 0)
			goto done;
		if (rc == 0)
			done++;
	}
	rc = 0;
done:
	for (i = 0; lists && i < p.count; i++)
		strata_stmt_list_dispose(&lists[i]);
	for (i = 0; alones && i < p.count; i++)
		free(alones[i]);
	free(alones);
	free(lists);
	free(p.steps);
	end_run(s, locked, st);
	if (out_done)
		*out_done = done;
	return rc;
}

int strata_force(strata *s, const char *version, int applied)
{
	struct migration_file *m;
	strata_status *st;
	char *state = NULL;
	int locked, found, rc;
	long off;

	if ((rc = begin_run(s, 0, &locked, &st)) < 0)
		goto done;
	strata_history_kept_drop(s); /* written below, not kept */
	m = strata_session_find(s, version);
	if ((rc = strata_history_state(s, version, &state, &found)) < 0)
		goto done;
	if (applied && !m) {
		rc = strata_error_set(&s->err, STRATA_ENOTFOUND,
		                      "no migration file has version '%s'",
		                      version);
		goto done;
	}
	if (!applied && !found) {
		rc = strata_error_set(&s->err, STRATA_ENOTFOUND,
		                      "version '%s' is not in the history "
		                      "table: it is already pending",
		                      version);
		goto done;
	}
	if ((rc = s->driver->exec(s->conn, s->driver->begin_sql, &off,
	                          &s->err)) < 0)
		goto done;
	if ((found && (rc = strata_history_delete(s, version)) < 0) ||
	    (applied && (rc = strata_history_insert(s, m, "applied", 0)) < 0) ||
	    (rc = s->driver->exec(s->conn, "COMMIT", &off, &s->err)) < 0) {
		strata_rollback(s);
		goto done;
	}
done:
	free(state);
	end_run(s, locked, st);
	return rc;
}
