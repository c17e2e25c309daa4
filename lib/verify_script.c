/*
 * Running a migration's verify script: its statements, in order, in one
 * transaction that is always rolled back, so verifying never changes the
 * database, even when a script writes to see what a trigger or a
 * constraint does.  A statement that fails, or that returns a row with a
 * false value in it, fails the script there.  (Sequences that a script
 * advances stay advanced: PostgreSQL never rolls them back.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "error.h"
#include "split.h"
#include "strata/driver.h"
#include "verify.h"

/* The rows of one statement, looking for a false value. */
struct rows {
	int pg;
	long long n;    /* rows seen */
	strata_buf bad; /* the first row with a false value, "" if none */
};

/* Whether a value, as text, is false: PostgreSQL's boolean 'f' (or the
 * text 'false'), SQLite's 0 (or 'false').  NULL is not false. */
static int is_false(int pg, const char *v)
{
	if (!v)
		return 0;
	if (!strcasecmp(v, "false"))
		return 1;
	return pg ? !strcmp(v, "f") : !strcmp(v, "0");
}

static int row(void *data, int ncols, const char *const *v)
{
	struct rows *r = data;
	int bad = 0;

	r->n++;
	for (int i = 0; i < ncols; i++)
		bad |= is_false(r->pg, v[i]);
	if (!bad)
		return 0;
	strata_buf_printf(&r->bad, "row %lld: ", r->n);
	for (int i = 0; i < ncols; i++)
		strata_buf_printf(&r->bad, "%s%s", i ? " | " : "",
		                  v[i] ? v[i] : "NULL");
	return 1; /* one is enough */
}

/* Moves the session's error, about statement i, into the result. */
static void failed(strata *s, struct script_result *r,
                   strata_verify_script result)
{
	r->result = result;
	strata_error_move(&r->error, &s->err);
}

/* BEGIN, with the script's own timeouts (or the session's) on
 * PostgreSQL, so that a check never queues behind the application. */
static int begin(strata *s, const struct migration_file *m)
{
	char sql[96];
	long off;
	int rc, lock = m->verify_lock_timeout_ms,
	        stmt = m->verify_statement_timeout_ms;

	if ((rc = s->driver->exec(s->conn, "BEGIN", &off, &s->err)) < 0 ||
	    !strata_is_pg(s))
		return rc;
	snprintf(sql, sizeof(sql), "SET LOCAL lock_timeout = %d",
	         lock >= 0 ? lock : s->lock_timeout_ms);
	if ((rc = s->driver->exec(s->conn, sql, &off, &s->err)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SET LOCAL statement_timeout = %d",
	         stmt >= 0 ? stmt : s->statement_timeout_ms);
	return s->driver->exec(s->conn, sql, &off, &s->err);
}

/* Runs the statements of l; the first failure or false row ends it. */
static int run(strata *s, const struct migration_file *m,
               const strata_stmt_list *l, struct script_result *r)
{
	struct section sec = migration_verify_section(m);
	struct rows rows = {strata_is_pg(s), 0, STRATA_BUF_INIT};
	int rc = 0;

	for (size_t i = 0; i < l->count && r->result == STRATA_SCRIPT_PASSED;
	     i++) {
		long off = -1;
		rows.n = 0;
		strata_watch_begin(s, m, l->items[i].sql, i + 1, l->count);
		rc = s->driver->exec_rows(s->conn, l->items[i].sql, row, &rows,
		                          &off, &s->err);
		strata_watch_end(s);
		if (rc == STRATA_ECONNECT || rc == STRATA_ENOMEM)
			break; /* not the script's failure: verify's */
		if (rc < 0) {
			if ((rc = strata_stmt_failed(s, sec, l, i, off)) ==
			    STRATA_EINTERRUPTED)
				break;
			/* there is no no-transaction for a verify script */
			if (s->err.sqlstate &&
			    !strcmp(s->err.sqlstate, "25001"))
				strata_error_field(&s->err.hint,
				                   "a verify script runs in a "
				                   "transaction, and "
				                   "this statement cannot");
			failed(s, r, STRATA_SCRIPT_ERROR);
			rc = 0;
		} else if (rows.bad.len) {
			strata_error_at(&s->err, STRATA_EDB, sec.path, sec.text,
			                l->items[i].offset,
			                "returned a false value: %s",
			                rows.bad.ptr);
			s->err.statement = strata_excerpt(l->items[i].sql, 400);
			s->err.statement_index = (int)i + 1;
			failed(s, r, STRATA_SCRIPT_FALSE);
			rc = 0;
		} else {
			r->statements++;
		}
	}
	strata_buf_dispose(&rows.bad);
	return rc;
}

int strata_verify_run_script(strata *s, const struct migration_file *m,
                             struct script_result *r)
{
	struct section sec = migration_verify_section(m);
	strata_stmt_list l = {0};
	char w[16];
	int rc;

	memset(r, 0, sizeof(*r));
	if (!sec.text)
		return 0;
	r->result = STRATA_SCRIPT_PASSED;
	if ((rc = strata_session_split_section(s, sec, &l)) < 0) {
		if (rc == STRATA_ENOMEM)
			return rc;
		failed(s, r, STRATA_SCRIPT_ERROR);
		return 0;
	}
	/* a COMMIT would keep what the script wrote */
	for (size_t i = 0; i < l.count; i++) {
		if (!strata_is_tx_control(l.items[i].sql, w))
			continue;
		strata_error_at(&s->err, STRATA_EFORMAT, sec.path, sec.text,
		                l.items[i].offset,
		                "'%s' in a verify script: strata runs it in a "
		                "transaction that it rolls back",
		                w);
		failed(s, r, STRATA_SCRIPT_ERROR);
		goto out;
	}
	if ((rc = begin(s, m)) == 0)
		rc = run(s, m, &l, r);
	/* whatever happened, nothing stays (a failed SET LOCAL left a
	 * transaction open too); the session's error is kept */
	strata_rollback(s);
out:
	strata_stmt_list_dispose(&l);
	return rc;
}
