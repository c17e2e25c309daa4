/*
 * strata_verify(): is the database what its applied migrations say?  The
 * up sections of the applied migrations are walked in version order,
 * following the objects each statement creates, drops and renames
 * (verify_expect.c); what is still expected at the end is looked for in a
 * schema snapshot of the live database.  Then each migration's verify
 * script runs, rolled back (verify_script.c).  The result is reported per
 * migration, each missing object under the migration that made it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "split.h"
#include "strata/driver.h"
#include "verify.h"

int strlist_add(struct strlist *l, const char *fmt, ...)
{
	strata_buf b = STRATA_BUF_INIT;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	strata_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			strata_buf_dispose(&b);
			return STRATA_ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	if (!(s = strata_buf_detach(&b)))
		return STRATA_ENOMEM;
	l->v[l->n++] = s;
	return 0;
}

void strlist_dispose(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* What is known of one applied migration before it is reported. */
struct mig {
	const strata_status_entry *st;
	struct migration_file *m; /* NULL when its file is gone */
	struct strlist missing, notes;
	size_t expected;
	int failed;         /* dirty, or its up could not be read */
	strata_error error; /* why its up could not be read */
};

struct verifier {
	strata *s;
	struct expect x;
	struct mig *migs; /* one per status entry (pending ones unused) */
	char *schema;     /* PostgreSQL: current_schema() */
	int nomem;
};

static int schema_row(void *data, int ncols, const char *const *v)
{
	char **out = data;

	if (ncols > 0 && v[0] && !*out)
		*out = strdup(v[0]);
	return 0;
}

/* Where unqualified names go: current_schema(), or "public" when the
 * search path names no schema that exists. */
static int current_schema(struct verifier *V)
{
	int rc;

	if (V->s->driver->dialect != STRATA_DIALECT_POSTGRES)
		return 0;
	if ((rc = V->s->driver->query(V->s->conn, "SELECT current_schema()", 0,
	                              NULL, schema_row, &V->schema,
	                              &V->s->err)) < 0)
		return rc;
	if (!V->schema && !(V->schema = strdup("public")))
		return strata_error_set(&V->s->err, STRATA_ENOMEM,
		                        "out of memory");
	return 0;
}

/* Follows the objects of one applied migration's up section. */
static int walk(struct verifier *V, size_t i)
{
	struct mig *g = &V->migs[i];
	const strata_status_entry *e = g->st;
	struct strata_cursor cur = {0};
	strata_stmt_list l = {0};
	size_t n;
	int rc, pg = V->x.pg;

	strata_expect_next(&V->x, i, &g->notes);
	if (e->state == STRATA_STATE_MODIFIED &&
	    strlist_add(&g->notes, "its file changed since it was applied: "
	                           "checked as the file is now") < 0)
		return STRATA_ENOMEM;
	if ((rc = strata_session_split(V->s, g->m, STRATA_UP, &l)) < 0) {
		if (rc == STRATA_ENOMEM)
			return rc;
		/* an applied file edited into one that does not parse */
		g->failed = 1;
		strata_error_move(&g->error, &V->s->err);
		return strlist_add(&g->notes, "its up section cannot be read: "
		                              "its objects are not checked");
	}
	n = l.count;
	if (e->state == STRATA_STATE_DIRTY) {
		g->failed = 1;
		/* a dirty up ran its statements before failed_statement */
		if (e->dirty_direction == STRATA_UP &&
		    e->failed_statement > 0 && (size_t)e->failed_statement <= n)
			n = (size_t)e->failed_statement - 1;
		rc = strlist_add(
		    &g->notes,
		    e->dirty_direction == STRATA_UP
		        ? "dirty: its up stopped before statement %d, so only "
		          "the statements before it are checked"
		        : "dirty: its down failed half-way (statement %d), so "
		          "some objects may be gone",
		    abs(e->failed_statement));
	}
	for (size_t k = 0; k < n && rc == 0 && !V->x.nomem; k++) {
		char where[512];
		int line, col;
		strata_location_cursor(&cur, g->m->up_text, l.items[k].offset,
		                       &line, &col);
		snprintf(where, sizeof(where), "%s:%d", g->m->up_path, line);
		V->x.where = where;
		rc = pg ? strata_pg_statement_objects(
		              l.items[k].sql, strata_expect_apply, &V->x)
		        : strata_sqlite_statement_objects(
		              l.items[k].sql, strata_expect_apply, &V->x);
	}
	V->x.where = "";
	strata_stmt_list_dispose(&l);
	return rc < 0 || V->x.nomem ? STRATA_ENOMEM : 0;
}

static void on_missing(const struct xobj *o, void *data)
{
	struct verifier *V = data;
	strata_buf b = STRATA_BUF_INIT;

	strata_expect_describe(&V->x, o, &b);
	/* what a CASCADE may have dropped is not expected any more */
	V->migs[o->mig].expected -= o->cascade_at != NULL;
	if ((o->cascade_at
	         ? strlist_add(&V->migs[o->mig].notes,
	                       "%s is gone, and not checked: the DROP ... "
	                       "CASCADE at %s may have dropped it",
	                       b.ptr, o->cascade_at)
	         : strlist_add(&V->migs[o->mig].missing, "%s", b.ptr)) < 0)
		V->nomem = 1;
	strata_buf_dispose(&b);
}

/* Runs migration i's script and reports it. */
static int report(struct verifier *V, size_t i,
                  void (*on_entry)(const strata_verify_entry *e, void *data),
                  void *data, int *failed)
{
	struct mig *g = &V->migs[i];
	struct script_result sr;
	strata_verify_entry e;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	memset(&sr, 0, sizeof(sr));
	e.version = g->st->version;
	e.name = g->st->name;
	e.migration = g->m ? &g->m->pub : NULL;
	e.state = g->st->state;
	/* a dirty migration is not whole: its script would say little */
	if (g->m && !g->failed &&
	    (rc = strata_verify_run_script(V->s, g->m, &sr)) < 0) {
		strata_error_dispose(&sr.error);
		return rc;
	}
	e.expected = g->expected;
	e.missing = (const char *const *)g->missing.v;
	e.nmissing = g->missing.n;
	e.notes = (const char *const *)g->notes.v;
	e.nnotes = g->notes.n;
	e.script = sr.result;
	e.script_statements = sr.statements;
	e.error = g->error.code ? &g->error : sr.error.code ? &sr.error : NULL;
	e.result = !g->m ? STRATA_VERIFY_UNCHECKED
	           : g->failed || e.nmissing ||
	                   sr.result == STRATA_SCRIPT_FALSE ||
	                   sr.result == STRATA_SCRIPT_ERROR
	               ? STRATA_VERIFY_FAILED
	               : STRATA_VERIFY_OK;
	*failed += e.result == STRATA_VERIFY_FAILED;
	if (on_entry)
		on_entry(&e, data);
	strata_error_dispose(&sr.error);
	return 0;
}

/* Walks the applied migrations, checks the snapshot, reports each. */
static int verify(struct verifier *V, const strata_status *st,
                  void (*on_entry)(const strata_verify_entry *e, void *data),
                  void *data, int *failed)
{
	char *snap = NULL;
	int rc;

	for (size_t i = 0; i < st->count; i++) {
		struct mig *g = &V->migs[i];
		g->st = &st->entries[i];
		if (g->st->state == STRATA_STATE_PENDING)
			continue;
		if (g->st->state == STRATA_STATE_MISSING) {
			if (strlist_add(&g->notes, "no migration file has this "
			                           "version: not checked") < 0)
				return STRATA_ENOMEM;
			continue;
		}
		g->m = strata_session_find(V->s, g->st->version);
		if ((rc = walk(V, i)) < 0)
			return rc;
	}
	if ((rc = strata_schema_snapshot(V->s, 0, &snap)) < 0)
		return rc;
	for (size_t k = 0; k < V->x.n; k++)
		V->migs[V->x.v[k].mig].expected += !V->x.v[k].gone;
	rc = strata_expect_check(&V->x, snap, on_missing, V);
	free(snap);
	if (rc < 0 || V->nomem)
		return STRATA_ENOMEM;
	for (size_t i = 0; i < st->count; i++) {
		if (st->entries[i].state == STRATA_STATE_PENDING)
			continue;
		if (strata_is_interrupted(V->s))
			return strata_error_set(&V->s->err, STRATA_EINTERRUPTED,
			                        "interrupted before %s_%s",
			                        st->entries[i].version,
			                        st->entries[i].name);
		if ((rc = report(V, i, on_entry, data, failed)) < 0)
			return rc;
	}
	return 0;
}

int strata_verify(strata *s,
                  void (*on_entry)(const strata_verify_entry *e, void *data),
                  void *data, int *out_failed)
{
	struct verifier V;
	strata_status *st = NULL;
	int rc, failed = 0;

	memset(&V, 0, sizeof(V));
	V.s = s;
	if (out_failed)
		*out_failed = 0;
	if ((rc = strata_status_read(s, &st)) < 0)
		return rc;
	/* the objects are read from a snapshot, the scripts' rows through
	 * exec_rows: a driver without them cannot verify */
	if (s->driver->dialect == STRATA_DIALECT_MYSQL ||
	    !s->driver->exec_rows) {
		rc = strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "strata verify is not available for %s yet",
		    s->driver->dialect == STRATA_DIALECT_MYSQL
		        ? "MySQL"
		        : s->driver->name);
		goto out;
	}
	if ((rc = current_schema(&V)) < 0)
		goto out;
	strata_expect_init(&V.x, s->driver->dialect == STRATA_DIALECT_POSTGRES,
	                   V.schema);
	if (!(V.migs = calloc(st->count ? st->count : 1, sizeof(*V.migs)))) {
		rc = STRATA_ENOMEM;
		goto out;
	}
	rc = verify(&V, st, on_entry, data, &failed);
out:
	if (rc == STRATA_ENOMEM)
		strata_error_set(&s->err, rc, "out of memory");
	for (size_t i = 0; V.migs && i < st->count; i++) {
		strlist_dispose(&V.migs[i].missing);
		strlist_dispose(&V.migs[i].notes);
		strata_error_dispose(&V.migs[i].error);
	}
	free(V.migs);
	strata_expect_dispose(&V.x);
	free(V.schema);
	strata_status_free(st);
	if (out_failed)
		*out_failed = failed;
	return rc;
}
