/*
 * SQLite driver.  The run lock is SQLite's own write lock: each migration's
 * transaction opens with BEGIN IMMEDIATE, waiting up to busy_ms, and the
 * engine re-reads the history row inside it.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "session.h"

struct strata_conn {
	sqlite3 *db;
	int busy_ms; /* how long SQLite waits for another writer */
};

static int db_error(strata_conn *c, strata_error *err, const char *what)
{
	sqlite3 *db = c->db;
	int ext = sqlite3_extended_errcode(db);

	if ((ext & 0xff) == SQLITE_BUSY)
		return strata_error_set(
		    err, STRATA_ELOCKED,
		    "timed out after %.1fs waiting for the database's write "
		    "lock: another strata run or another program is writing "
		    "(--lock-wait to wait longer)",
		    c->busy_ms / 1000.0);

	strata_error_set(err, STRATA_EDB, "%s%s", what, sqlite3_errmsg(db));
	if (ext != SQLITE_ERROR)
		strata_error_field(&err->detail, sqlite3_errstr(ext));
	return STRATA_EDB;
}

static int sq_open(strata_conn **out, const char *url, int busy_ms,
                   strata_error *err)
{
	strata_conn *c;
	char *path;
	int rc;

	*out = NULL;
	if ((rc = strata_url_sqlite_path(url, &path, err)) < 0)
		return rc;
	if (!(c = calloc(1, sizeof(*c)))) {
		free(path);
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	rc = sqlite3_open_v2(path, &c->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		strata_error_set(err, STRATA_ECONNECT,
		                 "cannot open sqlite database '%s': %s", path,
		                 c->db ? sqlite3_errmsg(c->db)
		                       : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(c);
		free(path);
		return STRATA_ECONNECT;
	}
	free(path);
	sqlite3_busy_timeout(c->db, busy_ms);
	c->busy_ms = busy_ms;
	sqlite3_extended_result_codes(c->db, 1);
	*out = c;
	return 0;
}

static void sq_close(strata_conn *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c);
}

/* Steps a prepared statement to completion, rows to fn. */
static int run(strata_conn *c, sqlite3_stmt *st, strata_row_fn fn, void *data,
               strata_error *err)
{
	int rc, n = sqlite3_column_count(st);
	const char *vals[64];

	if (n > 64)
		n = 64;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn)
			continue;
		for (int i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if ((rc = fn(data, n, vals)) != 0)
			return rc;
	}
	if (rc != SQLITE_DONE)
		return db_error(c, err, "");
	return 0;
}

static int sq_exec(strata_conn *c, const char *sql, long *err_offset,
                   strata_error *err)
{
	const char *tail = sql;
	sqlite3_stmt *st;
	int rc = 0;

	*err_offset = -1;
	while (*tail) {
		const char *head = tail;
		if (sqlite3_prepare_v2(c->db, head, -1, &st, &tail) !=
		    SQLITE_OK) {
			int off = sqlite3_error_offset(c->db);
			if (off >= 0)
				*err_offset = (long)(head - sql) + off;
			return db_error(c, err, "");
		}
		if (!st) /* only whitespace or comments left */
			break;
		rc = run(c, st, NULL, NULL, err);
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int sq_query(strata_conn *c, const char *sql, int nparams,
                    const char *const *params, strata_row_fn fn, void *data,
                    strata_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(c, err, "");
	/* "$1".."$n" are numbered by first appearance, which is ascending */
	for (int i = 0; i < nparams; i++) {
		rc = params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1,
		                                   SQLITE_TRANSIENT)
		               : sqlite3_bind_null(st, i + 1);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return db_error(c, err, "");
		}
	}
	rc = run(c, st, fn, data, err);
	sqlite3_finalize(st);
	return rc;
}

static int found_row(void *data, int ncols, const char *const *values)
{
	(void)ncols;
	(void)values;
	*(int *)data = 1;
	return 0;
}

static int sq_table_exists(strata_conn *c, const char *schema,
                           const char *table, int *out_exists,
                           strata_error *err)
{
	strata_buf q = STRATA_BUF_INIT;
	const char *params[1] = {table};
	int rc;

	/* schema is a validated identifier (session.c); quoting is enough */
	strata_buf_printf(&q,
	                  "SELECT 1 FROM \"%s\".sqlite_master WHERE type = "
	                  "'table' AND name = $1",
	                  schema ? schema : "main");
	*out_exists = 0;
	rc = sq_query(c, q.ptr, 1, params, found_row, out_exists, err);
	strata_buf_dispose(&q);
	return rc;
}

static const char *const sqlite_schemes[] = {"sqlite", "sqlite3", NULL};

const struct strata_driver strata_driver_sqlite = {
    .name = "sqlite",
    .schemes = sqlite_schemes,
    .caps = STRATA_CAP_TRANSACTIONAL_DDL,
    .dialect = STRATA_DIALECT_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .query = sq_query,
    .begin_sql = "BEGIN IMMEDIATE",
    .table_exists = sq_table_exists,
};
