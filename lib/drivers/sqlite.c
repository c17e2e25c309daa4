/*
 * SQLite driver.  The run lock is SQLite's own write lock: each migration's
 * transaction opens with BEGIN IMMEDIATE, waiting up to busy_ms, and the
 * engine re-reads the history row inside it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "session.h"

struct strata_conn {
	sqlite3 *db;
	int busy_ms;            /* how long SQLite waits for another writer */
	strata_tick_fn tick_fn; /* NULL: statements are not watched */
	void *tick_data;
	long long next_tick; /* monotonic ms of the next call to tick_fn */
};

/* How many virtual machine steps between two looks at the clock. */
#define TICK_STEPS 10000

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SQLite's progress handler: a non-zero return interrupts the statement
 * (SQLITE_INTERRUPT), which rolls back what it did. */
static int on_progress(void *data)
{
	strata_conn *c = data;
	long long now = mono_ms();

	if (now < c->next_tick)
		return 0;
	c->next_tick = now + STRATA_TICK_MS;
	return c->tick_fn(c->tick_data) != 0;
}

static void sq_set_tick_fn(strata_conn *c, strata_tick_fn fn, void *data)
{
	c->tick_fn = fn;
	c->tick_data = data;
}

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

static int exec_all(strata_conn *c, const char *sql, strata_row_fn fn,
                    void *data, long *err_offset, strata_error *err)
{
	const char *tail = sql;
	sqlite3_stmt *st;
	int rc = 0;

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
		rc = run(c, st, fn, data, err);
		sqlite3_finalize(st);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int sq_exec_rows(strata_conn *c, const char *sql, strata_row_fn fn,
                        void *data, long *err_offset, strata_error *err)
{
	int rc;

	*err_offset = -1;
	/* only while exec() runs: bookkeeping queries are not interrupted */
	if (c->tick_fn) {
		c->next_tick = mono_ms() + STRATA_TICK_MS;
		sqlite3_progress_handler(c->db, TICK_STEPS, on_progress, c);
	}
	rc = exec_all(c, sql, fn, data, err_offset, err);
	sqlite3_progress_handler(c->db, 0, NULL, NULL);
	return rc;
}

static int sq_exec(strata_conn *c, const char *sql, long *err_offset,
                   strata_error *err)
{
	return sq_exec_rows(c, sql, NULL, NULL, err_offset, err);
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

/* Copies every page from one database to another with SQLite's online
 * backup API: a consistent snapshot even while others write. */
static int copy_db(sqlite3 *to, sqlite3 *from, const char *what,
                   strata_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (!b)
		return strata_error_set(err, STRATA_EIO, "%s: %s", what,
		                        sqlite3_errmsg(to));
	while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK ||
	       rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		if (rc != SQLITE_OK)
			sqlite3_sleep(10);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return strata_error_set(err, STRATA_EIO, "%s: %s", what,
		                        sqlite3_errstr(rc));
	return 0;
}

static int sq_backup_to(strata_conn *c, const char *path, strata_error *err)
{
	sqlite3 *to = NULL;
	int rc;

	if (sqlite3_open_v2(path, &to,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                        SQLITE_OPEN_EXCLUSIVE,
	                    NULL) != SQLITE_OK) {
		rc = strata_error_set(
		    err, STRATA_EIO, "cannot create the backup '%s': %s", path,
		    to ? sqlite3_errmsg(to) : "out of memory");
		sqlite3_close(to);
		return rc;
	}
	rc = copy_db(to, c->db, "backup failed", err);
	sqlite3_close(to);
	return rc;
}

static int sq_restore_from(strata_conn *c, const char *path, strata_error *err)
{
	sqlite3 *from = NULL;
	int rc;

	if (sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = strata_error_set(
		    err, STRATA_EIO, "cannot open the backup '%s': %s", path,
		    from ? sqlite3_errmsg(from) : "out of memory");
		sqlite3_close(from);
		return rc;
	}
	/* a file that is not a database fails here, before anything is
	 * overwritten */
	if (sqlite3_exec(from, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		rc = strata_error_set(err, STRATA_EFORMAT,
		                      "'%s' is not a SQLite database: %s", path,
		                      sqlite3_errmsg(from));
		sqlite3_close(from);
		return rc;
	}
	rc = copy_db(c->db, from, "restore failed", err);
	sqlite3_close(from);
	return rc;
}

static const char *const sqlite_schemes[] = {"sqlite", "sqlite3", NULL};

/* ---- scratch databases (strata test): a temporary file ---- */

static int sq_scratch_create(strata_conn *c, const char *url, char **out_url,
                             strata_error *err)
{
	const char *tmp = getenv("TMPDIR");
	strata_buf b = STRATA_BUF_INIT;
	int fd;

	(void)c;
	(void)url;
	*out_url = NULL;
	strata_buf_printf(&b, "sqlite:%s/strata-test-XXXXXX",
	                  tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(b.ptr + strlen("sqlite:"))) < 0) {
		strata_buf_dispose(&b);
		return strata_error_set(err, STRATA_EIO,
		                        "cannot make a scratch database file "
		                        "in %s",
		                        tmp && *tmp ? tmp : "/tmp");
	}
	close(fd);
	*out_url = strata_buf_detach(&b);
	return 0;
}

static int sq_scratch_drop(strata_conn *c, const char *scratch_url,
                           strata_error *err)
{
	static const char *const suffixes[] = {"", "-journal", "-wal", "-shm",
	                                       ".strata-backup"};
	const char *path = scratch_url + strlen("sqlite:");
	char name[4096];

	(void)c;
	if (strncmp(scratch_url, "sqlite:", 7) || !strstr(path, "strata-test-"))
		return strata_error_set(
		    err, STRATA_EUSAGE,
		    "not a scratch database of strata test");
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		unlink(name);
	}
	return 0;
}

const struct strata_driver strata_driver_sqlite = {
    .name = "sqlite",
    .schemes = sqlite_schemes,
    .caps = STRATA_CAP_TRANSACTIONAL_DDL,
    .dialect = STRATA_DIALECT_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .exec_rows = sq_exec_rows,
    .query = sq_query,
    .begin_sql = "BEGIN IMMEDIATE",
    .table_exists = sq_table_exists,
    .backup_to = sq_backup_to,
    .restore_from = sq_restore_from,
    .set_tick_fn = sq_set_tick_fn,
    .scratch_create = sq_scratch_create,
    .scratch_drop = sq_scratch_drop,
};
