/*
 * Taking over a database another tool migrated (strata_adopt), or one no
 * tool managed (strata_baseline): rows in strata's history for what is
 * already in place, with the files' current checksums, and no SQL of any
 * migration run.  The other tool's table is only read.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "error.h"
#include "migration_set.h"
#include "session.h"

/* The rows of a query, two columns each. */
struct rows {
	char **v; /* owned: 2 per row, a NULL value as NULL */
	size_t n;
};

static void rows_dispose(struct rows *r)
{
	for (size_t i = 0; i < 2 * r->n; i++)
		free(r->v[i]);
	free(r->v);
}

static int add_row(void *data, int ncols, const char *const *v)
{
	struct rows *r = data;
	char **g = realloc(r->v, (r->n + 1) * 2 * sizeof(*g));

	if (!g)
		return STRATA_ENOMEM;
	r->v = g;
	for (int i = 0; i < 2; i++) {
		const char *x = i < ncols ? v[i] : NULL;
		g[2 * r->n + i] = x ? strdup(x) : NULL;
		if (x && !g[2 * r->n + i]) {
			r->n++;
			return STRATA_ENOMEM;
		}
	}
	r->n++;
	return 0;
}

static int truthy(const char *v)
{
	return v &&
	       (!strcmp(v, "t") || !strcmp(v, "1") || !strcasecmp(v, "true"));
}

/* Each tool's history table, and what to read from it (two columns). */
static const struct tool {
	int format;
	const char *schema, *table, *what, *label;
	const char *select; /* %s: the table */
} tools[] = {
    {STRATA_FORMAT_GOLANG_MIGRATE, NULL, "schema_migrations", "golang-migrate",
     "golang-migrate", "SELECT version, dirty FROM %s"},
    {STRATA_FORMAT_DBMATE, NULL, "schema_migrations", "dbmate", "dbmate",
     "SELECT version, NULL FROM %s"},
    /* an event log: the latest row of a version says where it is */
    {STRATA_FORMAT_GOOSE, NULL, "goose_db_version", "goose", "goose",
     "SELECT version_id, is_applied FROM %s ORDER BY id"},
    {STRATA_FORMAT_FLYWAY, NULL, "flyway_schema_history", "Flyway", "flyway",
     "SELECT version, type FROM %s WHERE success ORDER BY installed_rank"},
    {STRATA_FORMAT_DIESEL, NULL, "__diesel_schema_migrations", "diesel",
     "diesel", "SELECT version, NULL FROM %s"},
    {STRATA_FORMAT_SUPABASE, "supabase_migrations", "schema_migrations",
     "Supabase", "supabase", "SELECT version, NULL FROM %s"},
};

/* Marks m to be recorded (want[i] = 1) for every migration up to v. */
static void mark_upto(strata *s, const char *v, unsigned char *want)
{
	for (size_t i = 0; i < s->nmigs; i++)
		if (strata_version_cmp(s->migs[i].version, v) <= 0)
			want[i] = 1;
}

static int mark_one(strata *s, const struct tool *t, const char *v,
                    unsigned char *want, int on)
{
	struct migration_file *m = strata_session_find(s, v);

	if (!m) {
		if (!on)
			return 0;
		return strata_error_set(
		    &s->err, STRATA_EMISSING,
		    "%s's history has version %s, which no migration file in "
		    "'%s' has: nothing was recorded",
		    t->what, v, s->dir);
	}
	want[m - s->migs] = (unsigned char)on;
	return 0;
}

/* Which migrations the tool's history says are applied. */
static int read_tool(strata *s, const struct tool *t, unsigned char *want)
{
	char q = s->driver->dialect == STRATA_DIALECT_MYSQL ? '`' : '"';
	strata_buf ref = STRATA_BUF_INIT, sql = STRATA_BUF_INIT;
	struct rows r = {0};
	int exists, rc;

	if ((rc = s->driver->table_exists(s->conn, t->schema, t->table, &exists,
	                                  &s->err)) < 0)
		return rc;
	if (!exists)
		return strata_error_set(
		    &s->err, STRATA_ENOTFOUND,
		    "no %s history table (%s%s%s) in this database", t->what,
		    t->schema ? t->schema : "", t->schema ? "." : "", t->table);
	if (t->schema)
		strata_buf_printf(&ref, "%c%s%c.", q, t->schema, q);
	strata_buf_printf(&ref, "%c%s%c", q, t->table, q);
	strata_buf_printf(&sql, t->select, ref.ptr);
	rc = s->driver->query(s->conn, sql.ptr, 0, NULL, add_row, &r, &s->err);
	strata_buf_dispose(&ref);
	strata_buf_dispose(&sql);
	if (rc == STRATA_ENOMEM)
		rc = strata_error_set(&s->err, rc, "out of memory");
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		const char *v = r.v[2 * i], *x = r.v[2 * i + 1];

		if (!v)
			continue; /* Flyway's repeatables and schema rows */
		switch (t->format) {
		case STRATA_FORMAT_GOLANG_MIGRATE:
			/* one row: the version it got to */
			if (truthy(x)) {
				rc = strata_error_set(
				    &s->err, STRATA_EDIRTY,
				    "golang-migrate's history says version %s "
				    "is dirty (it failed half-way): repair the "
				    "database, run 'migrate force VERSION', "
				    "then adopt",
				    v);
				break;
			}
			if (!strata_session_find(s, v))
				rc = mark_one(s, t, v, want, 1);
			else
				mark_upto(s, v, want);
			break;
		case STRATA_FORMAT_GOOSE:
			/* version 0 is goose's own first row */
			if (strata_version_cmp(v, "0") != 0)
				rc = mark_one(s, t, v, want, truthy(x));
			break;
		case STRATA_FORMAT_FLYWAY:
			if (x && !strcmp(x, "BASELINE"))
				mark_upto(s, v, want);
			else
				rc = mark_one(s, t, v, want,
				              !(x && !strncmp(x, "UNDO", 4)));
			break;
		default:
			rc = mark_one(s, t, v, want, 1);
		}
	}
	rows_dispose(&r);
	return rc;
}

/* Records the wanted migrations that strata's history lacks. */
static int record(strata *s, const unsigned char *want, size_t *out_count)
{
	long off;
	int rc;

	if ((rc = s->driver->exec(s->conn, s->driver->begin_sql, &off,
	                          &s->err)) < 0)
		return rc;
	for (size_t i = 0; i < s->nmigs; i++) {
		char *state = NULL;
		int found;

		if (!want[i])
			continue;
		if ((rc = strata_history_state(s, s->migs[i].version, &state,
		                               &found)) < 0)
			goto fail;
		free(state);
		if (found)
			continue;
		if ((rc = strata_history_insert(s, &s->migs[i], "applied", 0)) <
		    0)
			goto fail;
		(*out_count)++;
	}
	if ((rc = s->driver->exec(s->conn, "COMMIT", &off, &s->err)) < 0)
		goto fail;
	return 0;
fail:
	strata_rollback(s);
	*out_count = 0;
	return rc;
}

int strata_adopt(strata *s, int from, size_t *out_count)
{
	const struct tool *t = NULL;
	unsigned char *want = NULL;
	strata_status *st;
	int locked, rc;

	*out_count = 0;
	if ((rc = strata_run_begin(s, &locked, &st)) < 0)
		goto done;
	if (from == STRATA_FORMAT_AUTO)
		from = s->format_used;
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		if (tools[i].format == from)
			t = &tools[i];
	if (!t) {
		rc = strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "which tool's history to adopt? the files are %s's: say "
		    "--from gm, dbmate, goose, flyway, diesel or supabase",
		    strata_format_name(s->format_used));
		goto done;
	}
	if (!(want = calloc(s->nmigs + 1, 1))) {
		rc = strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = read_tool(s, t, want)) < 0)
		goto done;
	rc = record(s, want, out_count);
done:
	free(want);
	strata_run_end(s, locked, st);
	return rc;
}

int strata_baseline(strata *s, const char *version, size_t *out_count)
{
	unsigned char *want = NULL;
	strata_status *st;
	int locked, rc;

	*out_count = 0;
	if ((rc = strata_run_begin(s, &locked, &st)) < 0)
		goto done;
	for (size_t i = 0; i < st->count; i++)
		if (st->entries[i].state != STRATA_STATE_PENDING) {
			rc = strata_error_set(
			    &s->err, STRATA_EUSAGE,
			    "the history already records %s: a baseline is "
			    "for a database no tool has managed (to take over "
			    "from another tool: strata adopt)",
			    st->entries[i].version);
			goto done;
		}
	if (!(want = calloc(s->nmigs + 1, 1))) {
		rc = strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	mark_upto(s, version, want);
	if (!strata_session_find(s, version)) {
		rc = strata_error_set(&s->err, STRATA_ENOTFOUND,
		                      "no migration file has version '%s'",
		                      version);
		goto done;
	}
	rc = record(s, want, out_count);
done:
	free(want);
	strata_run_end(s, locked, st);
	return rc;
}
