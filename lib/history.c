/*
 * The history table: one row per applied (or dirty) migration.  All values
 * travel as parameters; the table name is a validated identifier, quoted
 * ("name", or `name` on MySQL, where "name" is a string).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "session.h"

static int is_pg(const strata *s)
{
	return s->driver->dialect == STRATA_DIALECT_POSTGRES;
}

static int is_mysql(const strata *s)
{
	return s->driver->dialect == STRATA_DIALECT_MYSQL;
}

static char quote_char(const strata *s)
{
	return is_mysql(s) ? '`' : '"';
}

/* "schema"."name" or "name" */
static void table_ref(const strata *s, strata_buf *b)
{
	char q = quote_char(s);

	if (s->table_schema)
		strata_buf_printf(b, "%c%s%c.", q, s->table_schema, q);
	strata_buf_printf(b, "%c%s%c", q, s->table_name, q);
}

/* Runs a bookkeeping statement: fmt's one %s is the table reference. */
static int hq(strata *s, const char *fmt, int n, const char *const *params,
              strata_row_fn fn, void *data)
{
	strata_buf t = STRATA_BUF_INIT, q = STRATA_BUF_INIT;
	int rc;

	table_ref(s, &t);
	strata_buf_printf(&q, fmt, t.ptr);
	rc = s->driver->query(s->conn, q.ptr, n, params, fn, data, &s->err);
	strata_buf_dispose(&t);
	strata_buf_dispose(&q);
	return rc;
}

int strata_history_exists(strata *s, int *out)
{
	return s->driver->table_exists(s->conn, s->table_schema, s->table_name,
	                               out, &s->err);
}

int strata_history_ensure(strata *s)
{
	static const char pg[] =
	    "CREATE TABLE IF NOT EXISTS %s ("
	    " version text PRIMARY KEY,"
	    " name text NOT NULL,"
	    " checksum text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now(),"
	    " duration_ms bigint NOT NULL DEFAULT 0,"
	    " applied_by text NOT NULL DEFAULT current_user,"
	    " state text NOT NULL DEFAULT 'applied'"
	    "  CHECK (state IN ('applied', 'dirty')),"
	    " failed_statement integer)";
	static const char lite[] = "CREATE TABLE IF NOT EXISTS %s ("
	                           " version text PRIMARY KEY,"
	                           " name text NOT NULL,"
	                           " checksum text NOT NULL,"
	                           " applied_at text NOT NULL,"
	                           " duration_ms integer NOT NULL DEFAULT 0,"
	                           " applied_by text NOT NULL,"
	                           " state text NOT NULL DEFAULT 'applied'"
	                           "  CHECK (state IN ('applied', 'dirty')),"
	                           " failed_statement integer)";
	/* a key needs a bounded length; InnoDB, so that the rows follow
	 * transactions whatever the server's default engine; exact
	 * comparisons of versions */
	static const char my[] =
	    "CREATE TABLE IF NOT EXISTS %s ("
	    " version varchar(255) NOT NULL PRIMARY KEY,"
	    " name text NOT NULL,"
	    " checksum varchar(64) NOT NULL,"
	    " applied_at datetime NOT NULL,"
	    " duration_ms bigint NOT NULL DEFAULT 0,"
	    " applied_by text NOT NULL,"
	    " state varchar(16) NOT NULL DEFAULT 'applied'"
	    "  CHECK (state IN ('applied', 'dirty')),"
	    " failed_statement integer)"
	    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
	int exists, rc;

	/* an existing table needs no DDL, and so no write lock */
	if ((rc = strata_history_exists(s, &exists)) < 0 || exists)
		return rc;
	/* MySQL: a schema is a database */
	if (s->table_schema && (is_pg(s) || is_mysql(s))) {
		strata_buf q = STRATA_BUF_INIT;
		strata_buf_printf(&q, "CREATE SCHEMA IF NOT EXISTS %c%s%c",
		                  quote_char(s), s->table_schema,
		                  quote_char(s));
		rc = s->driver->query(s->conn, q.ptr, 0, NULL, NULL, NULL,
		                      &s->err);
		strata_buf_dispose(&q);
		if (rc < 0)
			return rc;
	}
	return hq(s,
	          is_pg(s)      ? pg
	          : is_mysql(s) ? my
	                        : lite,
	          0, NULL, NULL, NULL);
}

void strata_history_dispose(history *h)
{
	for (size_t i = 0; i < h->count; i++) {
		history_row *r = &h->rows[i];
		free(r->version);
		free(r->name);
		free(r->checksum);
		free(r->applied_at);
		free(r->applied_by);
		free(r->state);
	}
	free(h->rows);
	memset(h, 0, sizeof(*h));
}

static char *dup_or_empty(const char *v)
{
	return strdup(v ? v : "");
}

static int add_row(void *data, int ncols, const char *const *v)
{
	history *h = data;
	history_row *r, *rows;

	if (ncols < 8)
		return STRATA_ERROR;
	if (!(rows = realloc(h->rows, (h->count + 1) * sizeof(*rows))))
		return STRATA_ENOMEM;
	h->rows = rows;
	r = &h->rows[h->count++];
	r->version = dup_or_empty(v[0]);
	r->name = dup_or_empty(v[1]);
	r->checksum = dup_or_empty(v[2]);
	r->applied_at = dup_or_empty(v[3]);
	r->applied_by = dup_or_empty(v[4]);
	r->state = dup_or_empty(v[5]);
	r->duration_ms = v[6] ? atoll(v[6]) : 0;
	r->failed_statement = v[7] ? atoi(v[7]) : 0;
	if (!r->version || !r->name || !r->checksum || !r->applied_at ||
	    !r->applied_by || !r->state)
		return STRATA_ENOMEM;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	return strata_version_cmp(((const history_row *)a)->version,
	                          ((const history_row *)b)->version);
}

int strata_history_read(strata *s, history *out)
{
	static const char pg[] =
	    "SELECT version, name, checksum,"
	    " to_char(applied_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " applied_by, state, duration_ms, failed_statement FROM %s";
	static const char lite[] =
	    "SELECT version, name, checksum, applied_at, applied_by, state,"
	    " duration_ms, failed_statement FROM %s";
	static const char my[] =
	    "SELECT version, name, checksum,"
	    " DATE_FORMAT(applied_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'),"
	    " applied_by, state, duration_ms, failed_statement FROM %s";
	int exists, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = strata_history_exists(s, &exists)) < 0 || !exists)
		return rc;
	rc = hq(s,
	        is_pg(s)      ? pg
	        : is_mysql(s) ? my
	                      : lite,
	        0, NULL, add_row, out);
	if (rc > 0 || rc == STRATA_ENOMEM || rc == STRATA_ERROR) {
		strata_history_dispose(out);
		return strata_error_set(&s->err, rc > 0 ? STRATA_ERROR : rc,
		                        "cannot read the history table '%s'",
		                        s->table_name);
	}
	if (rc < 0) {
		strata_history_dispose(out);
		return rc;
	}
	if (out->count > 1)
		qsort(out->rows, out->count, sizeof(*out->rows), row_cmp);
	return 0;
}

static int take_state(void *data, int ncols, const char *const *v)
{
	char **out = data;
	(void)ncols;
	free(*out);
	*out = dup_or_empty(v[0]);
	return 0;
}

int strata_history_state(strata *s, const char *version, char **out_state,
                         int *out_found)
{
	const char *p[1] = {version};
	int rc;

	*out_state = NULL;
	rc = hq(s, "SELECT state FROM %s WHERE version = $1", 1, p, take_state,
	        out_state);
	*out_found = *out_state != NULL;
	return rc;
}

/* ISO 8601; MySQL's datetime (UTC, by convention) takes no zone */
static void utc_now(const strata *s, char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32,
	         is_mysql(s) ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int strata_history_insert(strata *s, const struct migration_file *m,
                          const char *state, long long duration_ms)
{
	char when[32], dur[24];
	const char *p[7];

	utc_now(s, when);
	/* the kept copy gets the value a read would give: the same instant,
	 * as every dialect's read formats it (2026-01-02T03:04:05Z) */
	snprintf(s->kept_when, sizeof(s->kept_when), "%.10sT%.8sZ", when,
	         when + 11);
	snprintf(dur, sizeof(dur), "%lld", duration_ms);
	p[0] = m->version;
	p[1] = m->name;
	p[2] = m->checksum;
	p[3] = when;
	p[4] = dur;
	p[5] = s->applied_by;
	p[6] = state;
	return hq(
	    s,
	    "INSERT INTO %s (version, name, checksum, applied_at, duration_ms,"
	    " applied_by, state) VALUES ($1, $2, $3, $4, $5, $6, $7)",
	    7, p, NULL, NULL);
}

int strata_history_mark(strata *s, const char *version, const char *state,
                        int failed_statement, long long duration_ms)
{
	char dur[24], failed[16];
	const char *p[4];

	snprintf(dur, sizeof(dur), "%lld", duration_ms);
	snprintf(failed, sizeof(failed), "%d", failed_statement);
	p[0] = state;
	p[1] = failed_statement != 0 ? failed : NULL;
	p[2] = dur;
	p[3] = version;
	return hq(s,
	          "UPDATE %s SET state = $1, failed_statement = $2,"
	          " duration_ms = $3 WHERE version = $4",
	          4, p, NULL, NULL);
}

int strata_history_delete(strata *s, const char *version)
{
	const char *p[1] = {version};
	return hq(s, "DELETE FROM %s WHERE version = $1", 1, p, NULL, NULL);
}

/* ---- the copy kept while the run lock is held (engine.c) ---- */

/* Where version is, or would go, in h's rows; *found if it is there. */
static size_t kept_find(const history *h, const char *version, int *found)
{
	size_t lo = 0, hi = h->count;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strata_version_cmp(h->rows[mid].version, version);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void row_dispose(history_row *r)
{
	free(r->version);
	free(r->name);
	free(r->checksum);
	free(r->applied_at);
	free(r->applied_by);
	free(r->state);
}

/* After the commit of an up that inserted m's row as applied (in its
 * transaction, strata_history_insert()). */
int strata_history_kept_applied(strata *s, const struct migration_file *m,
                                long long duration_ms)
{
	history *h = s->kept;
	history_row r, *rows;
	size_t i;
	int found;

	if (!h)
		return 0;
	memset(&r, 0, sizeof(r));
	r.version = strdup(m->version);
	r.name = strdup(m->name);
	r.checksum = strdup(m->checksum);
	r.applied_at = strdup(s->kept_when);
	r.applied_by = dup_or_empty(s->applied_by);
	r.state = strdup("applied");
	r.duration_ms = duration_ms;
	i = kept_find(h, m->version, &found);
	if (!r.version || !r.name || !r.checksum || !r.applied_at ||
	    !r.applied_by || !r.state || found ||
	    !(rows = realloc(h->rows, (h->count + 1) * sizeof(*rows)))) {
		/* cannot be kept (or a row that should not be there): the
		 * next run reads the table */
		row_dispose(&r);
		strata_history_kept_drop(s);
		return 0;
	}
	h->rows = rows;
	memmove(rows + i + 1, rows + i, (h->count - i) * sizeof(*rows));
	rows[i] = r;
	h->count++;
	return 0;
}

/* After the commit of a down that deleted version's row. */
void strata_history_kept_removed(strata *s, const char *version)
{
	history *h = s->kept;
	size_t i;
	int found;

	if (!h)
		return;
	i = kept_find(h, version, &found);
	if (!found) {
		strata_history_kept_drop(s);
		return;
	}
	row_dispose(&h->rows[i]);
	memmove(h->rows + i, h->rows + i + 1,
	        (h->count - i - 1) * sizeof(*h->rows));
	h->count--;
}

void strata_history_kept_drop(strata *s)
{
	if (!s->kept)
		return;
	strata_history_dispose(s->kept);
	free(s->kept);
	s->kept = NULL;
}
