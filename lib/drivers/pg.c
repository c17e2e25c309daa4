/*
 * The PostgreSQL driver, on libpq.
 *
 * Bookkeeping queries go through PQexecParams with text parameters, never
 * through SQL built from strings.  Every PGresult is checked and cleared on
 * every path.  The migration lock is a session-level advisory lock, so it
 * survives the transactions of the migrations it protects and goes away with
 * the connection if the process dies.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>

#include <libpq-fe.h>

#include "error.h"
#include "strata/driver.h"

struct strata_conn {
	PGconn *pg;                  /* owned */
	strata_message_fn notice_fn; /* NULL: notices are dropped */
	void *notice_data;
	strata_tick_fn tick_fn; /* NULL: exec() simply waits */
	void *tick_data;
};

/* How long lock() sleeps between two attempts. */
#define LOCK_POLL_MS 50

/* ---- messages ------------------------------------------------------ */

/*
 * Replaces every occurrence of each non-empty secret in *s by "***".  A
 * password must never reach a message, even a short one that also matches
 * harmless text, so there is no attempt at being clever about it.
 */
static void redact(char **s, char *const *secrets, int n)
{
	strata_buf b = STRATA_BUF_INIT;
	const char *p, *hit;
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		if (!*s || !secrets[i] || !*secrets[i])
			continue;
		if (!strstr(*s, secrets[i]))
			continue;
		len = strlen(secrets[i]);
		strata_buf_clear(&b);
		for (p = *s; (hit = strstr(p, secrets[i])); p = hit + len) {
			strata_buf_add(&b, p, (size_t)(hit - p));
			strata_buf_puts(&b, "***");
		}
		strata_buf_puts(&b, p);
		free(*s);
		*s = strata_buf_detach(&b);
	}
	strata_buf_dispose(&b);
}

/* Removes every occurrence of `tag` from the buffer. */
static void drop_tag(strata_buf *b, const char *tag)
{
	size_t n = strlen(tag);
	char *p;

	while ((p = strstr(b->ptr, tag))) {
		memmove(p, p + n, strlen(p + n) + 1);
		b->len -= n;
	}
}

/*
 * Splits a libpq message into its first non-blank line (one line, severity
 * tags removed, lower-cased when it starts with a capitalised word) and the
 * other lines, trimmed, for the detail.  libpq's connection failures come as
 * "connection to server ... failed: FATAL:  ...\n\tIs the server ...?\n",
 * repeated for each address tried.
 */
static void split_message(const char *text, strata_buf *first, strata_buf *rest)
{
	const char *p = text ? text : "", *eol;
	size_t n;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		eol = p + strcspn(p, "\n");
		n = (size_t)(eol - p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n > 0) {
			if (!first->len) {
				strata_buf_add(first, p, n);
			} else {
				if (rest->len)
					strata_buf_putc(rest, '\n');
				strata_buf_add(rest, p, n);
			}
		}
		p = *eol ? eol + 1 : eol;
	}
	drop_tag(first, "FATAL:  ");
	drop_tag(first, "ERROR:  ");
	if (first->len > 1 && isupper((unsigned char)first->ptr[0]) &&
	    islower((unsigned char)first->ptr[1]))
		first->ptr[0] = (char)tolower((unsigned char)first->ptr[0]);
}

/*
 * Sets err from a libpq message: `prefix` (may be NULL) then the message's
 * first line; the other lines go to err->detail.
 */
static int set_libpq_error(strata_error *err, int code, const char *prefix,
                           const char *text)
{
	strata_buf first = STRATA_BUF_INIT, rest = STRATA_BUF_INIT;

	split_message(text, &first, &rest);
	if (!first.len)
		strata_buf_puts(&first, "unknown libpq error");
	strata_error_set(err, code, "%s%s", prefix ? prefix : "", first.ptr);
	if (rest.len)
		strata_error_field(&err->detail, rest.ptr);
	strata_buf_dispose(&first);
	strata_buf_dispose(&rest);
	return code;
}

/*
 * The 0-based byte offset of the 1-based character position `pos` in `sql`,
 * which is in the client encoding (UTF-8 unless the URL chose another);
 * -1 when it is beyond the end.
 */
static long char_pos_to_offset(const char *sql, long pos, int encoding)
{
	long off = 0, ch;
	int n;

	if (pos < 1)
		return -1;
	for (ch = 1; ch < pos; ch++) {
		if (!sql[off])
			return -1;
		n = PQmblenBounded(sql + off, encoding);
		off += n > 0 ? n : 1;
	}
	/* off may equal strlen(sql): "at end of input" */
	return off;
}

/*
 * Fills err for a result that is not a success (res may be NULL: libpq
 * could not even send the query).  Returns the STRATA_E* code.
 */
static int result_error(struct strata_conn *c, const PGresult *res,
                        const char *sql, long *err_offset, strata_error *err)
{
	const char *primary = NULL, *pos;

	if (err_offset)
		*err_offset = -1;
	if (res)
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	/* Lost connections are reported as such: the statement may or may
	 * not have run, and nothing else will work on this handle. */
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		if (primary) {
			strata_error_set(err, STRATA_ECONNECT,
			                 "connection to the server was lost");
			strata_error_field(&err->detail, primary);
		} else {
			set_libpq_error(err, STRATA_ECONNECT,
			                "connection to the server was lost: ",
			                PQerrorMessage(c->pg));
		}
		if (res)
			strata_error_field(
			    &err->sqlstate,
			    PQresultErrorField(res, PG_DIAG_SQLSTATE));
		return STRATA_ECONNECT;
	}

	if (!primary)
		return set_libpq_error(err, STRATA_EDB, NULL,
		                       res ? PQresultErrorMessage(res)
		                           : PQerrorMessage(c->pg));

	strata_error_set(err, STRATA_EDB, "%s", primary);
	strata_error_field(&err->sqlstate,
	                   PQresultErrorField(res, PG_DIAG_SQLSTATE));
	strata_error_field(&err->detail,
	                   PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	strata_error_field(&err->hint,
	                   PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
	pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	if (pos && err_offset && sql)
		*err_offset = char_pos_to_offset(sql, strtol(pos, NULL, 10),
		                                 PQclientEncoding(c->pg));
	return STRATA_EDB;
}

/*
 * A statement started COPY ... FROM STDIN or TO STDOUT: there is no data
 * stream to serve it, so end the copy and drain its results to leave the
 * connection usable.
 */
static int abort_copy(struct strata_conn *c, ExecStatusType st,
                      strata_error *err)
{
	PGresult *res;
	char *row;

	if (st == PGRES_COPY_IN || st == PGRES_COPY_BOTH)
		PQputCopyEnd(c->pg, "strata does not stream COPY data");
	if (st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH)
		while (PQgetCopyData(c->pg, &row, 0) > 0)
			PQfreemem(row);
	while ((res = PQgetResult(c->pg)))
		PQclear(res);
	return strata_error_set(err, STRATA_EDB,
	                        "copy from stdin and copy to stdout are not "
	                        "supported in migrations");
}

/*
 * Checks a result; on failure fills err.  The caller still clears `res`.
 */
static int check_result(struct strata_conn *c, PGresult *res, const char *sql,
                        long *err_offset, strata_error *err)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	switch (st) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		return 0;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		if (err_offset)
			*err_offset = -1;
		return abort_copy(c, st, err);
	default:
		return result_error(c, res, sql, err_offset, err);
	}
}

/* ---- open and close ------------------------------------------------ */

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The password as written in the URL, before percent-decoding: libpq's
 * parse errors quote the raw text.  Userinfo ends at the first '@' before
 * the first '/', as libpq reads it.  Caller frees; NULL when none.
 */
static char *raw_url_password(const char *url)
{
	const char *p = strstr(url, "://"), *end, *colon;

	if (!p)
		return NULL;
	p += 3;
	end = p + strcspn(p, "@/");
	if (*end != '@')
		return NULL;
	colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon + 1 == end)
		return NULL;
	return strndup(colon + 1, (size_t)(end - colon - 1));
}

/* The raw value of a "password=" query parameter.  Caller frees. */
static char *raw_query_password(const char *url)
{
	const char *q = strchr(url, '?'), *p;

	for (p = q; p; p = strchr(p + 1, '&')) {
		if (has_prefix(p + 1, "password="))
			return strndup(p + 10, strcspn(p + 10, "&"));
	}
	return NULL;
}

static void notice_processor(void *arg, const char *message)
{
	struct strata_conn *c = arg;
	size_t n = strlen(message);
	char *line;

	if (!c->notice_fn)
		return;
	/* libpq ends each notice with a newline; callers print lines */
	while (n > 0 && message[n - 1] == '\n')
		n--;
	line = strndup(message, n);
	if (!line)
		return;
	c->notice_fn(c->notice_data, line);
	free(line);
}

static int pg_open(strata_conn **out, const char *url, int busy_ms,
                   strata_error *err)
{
	/*
	 * Keywords are applied in order and the URL is expanded at "dbname":
	 * client_encoding before it is a default the URL may override (our
	 * files are UTF-8, and error positions are converted with it);
	 * fallback_application_name yields to an application_name in the URL.
	 */
	static const char *const keywords[] = {
	    "client_encoding", "dbname", "fallback_application_name", NULL};
	const char *values[] = {"UTF8", url, "strata", NULL};
	char *secrets[3] = {NULL, NULL, NULL};
	PQconninfoOption *opts = NULL, *o;
	struct strata_conn *c = NULL;
	char *parse_err = NULL;
	int rc = 0, i;

	(void)busy_ms; /* lock waits are bounded by lock() itself */
	*out = NULL;
	if (!url || !(has_prefix(url, "postgresql://") ||
	              has_prefix(url, "postgres://")))
		return strata_error_set(err, STRATA_EURL,
		                        "not a postgresql url (expected "
		                        "postgresql://[user[:password]@]host"
		                        "[:port]/dbname[?param=value...])");

	secrets[0] = raw_url_password(url);
	secrets[1] = raw_query_password(url);
	opts = PQconninfoParse(url, &parse_err);
	if (!opts) {
		if (parse_err)
			rc = set_libpq_error(
			    err, STRATA_EURL,
			    "invalid postgresql url: ", parse_err);
		else
			rc = strata_error_set(err, STRATA_ENOMEM,
			                      "out of memory");
		goto done;
	}
	for (o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "password") || !o->val)
			continue;
		/* without it, a message could not be cleaned: give up */
		if (!(secrets[2] = strdup(o->val))) {
			rc = strata_error_set(err, STRATA_ENOMEM,
			                      "out of memory");
			goto done;
		}
	}

	c = calloc(1, sizeof(*c));
	if (!c) {
		rc = strata_error_set(err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	c->pg = PQconnectdbParams(keywords, values, 1);
	if (!c->pg) {
		rc = strata_error_set(err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		rc = set_libpq_error(err, STRATA_ECONNECT, NULL,
		                     PQerrorMessage(c->pg));
		goto done;
	}
	/* Until set_notice_fn() is called, notices are dropped: libpq's
	 * default processor would print them, and the library never prints. */
	PQsetNoticeProcessor(c->pg, notice_processor, c);
	*out = c;
	c = NULL;

done:
	if (rc < 0) {
		redact(&err->message, secrets, 3);
		redact(&err->detail, secrets, 3);
		redact(&err->hint, secrets, 3);
	}
	for (i = 0; i < 3; i++)
		free(secrets[i]);
	if (parse_err)
		PQfreemem(parse_err);
	PQconninfoFree(opts);
	if (c) {
		PQfinish(c->pg);
		free(c);
	}
	return rc;
}

static void pg_close(strata_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c);
}

static void pg_set_notice_fn(strata_conn *c, strata_message_fn fn, void *data)
{
	c->notice_fn = fn;
	c->notice_data = data;
}

/* ---- statements ---------------------------------------------------- */

static void pg_set_tick_fn(strata_conn *c, strata_tick_fn fn, void *data)
{
	c->tick_fn = fn;
	c->tick_data = data;
}

/* Asks the server to cancel what this connection runs; the statement then
 * fails with 57014 (query_canceled). */
static void cancel(struct strata_conn *c)
{
	PGcancel *pc = PQgetCancel(c->pg);
	char why[256];

	if (pc) {
		PQcancel(pc, why, sizeof(why));
		PQfreeCancel(pc);
	}
}

/*
 * Waits for the answer to what PQsendQuery sent, calling the tick function
 * between waits, and returns the result PQexec would have: the first
 * error, else the last result.  A COPY result is returned at once, for
 * check_result() to end the copy.  A lost connection shows as an error
 * result from PQgetResult.
 */
static PGresult *await_result(struct strata_conn *c)
{
	PGresult *res, *keep = NULL;
	int cancelled = 0;

	for (;;) {
		while (PQisBusy(c->pg)) {
			struct pollfd p = {PQsocket(c->pg), POLLIN, 0};
			int n = poll(&p, 1, c->tick_fn ? STRATA_TICK_MS : -1);
			if (n < 0 && errno != EINTR)
				break;
			if (n > 0 && !PQconsumeInput(c->pg))
				break;
			/* a signal (EINTR) may be the interrupt: ask now */
			if (n <= 0 && c->tick_fn && !cancelled &&
			    c->tick_fn(c->tick_data)) {
				cancel(c);
				cancelled = 1;
			}
		}
		if (!(res = PQgetResult(c->pg)))
			break;
		switch (PQresultStatus(res)) {
		case PGRES_COPY_IN:
		case PGRES_COPY_OUT:
		case PGRES_COPY_BOTH:
			PQclear(keep);
			return res;
		default:
			break;
		}
		if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
			PQclear(res);
		} else {
			PQclear(keep);
			keep = res;
		}
	}
	return keep;
}

/* Hands the rows of a result to fn; returns 0, fn's non-zero value, or
 * STRATA_ENOMEM. */
static int result_rows(PGresult *res, strata_row_fn fn, void *data,
                       strata_error *err)
{
	const char **values;
	int rc = 0, nrows = PQntuples(res), ncols = PQnfields(res);

	if (nrows == 0)
		return 0;
	values = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof(*values));
	if (!values)
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	for (int r = 0; r < nrows && rc == 0; r++) {
		for (int i = 0; i < ncols; i++)
			values[i] = PQgetisnull(res, r, i)
			                ? NULL
			                : PQgetvalue(res, r, i);
		rc = fn(data, ncols, values);
	}
	free(values);
	return rc;
}

static int pg_exec_rows(strata_conn *c, const char *sql, strata_row_fn fn,
                        void *data, long *err_offset, strata_error *err)
{
	PGresult *res;
	int rc;

	if (err_offset)
		*err_offset = -1;
	/* asynchronously, so that a long statement can be watched and
	 * cancelled; a failed send leaves res NULL and the error in
	 * PQerrorMessage */
	res = PQsendQuery(c->pg, sql) ? await_result(c) : NULL;
	rc = check_result(c, res, sql, err_offset, err);
	if (rc == 0 && fn && PQresultStatus(res) == PGRES_TUPLES_OK)
		rc = result_rows(res, fn, data, err);
	PQclear(res);
	return rc;
}

static int pg_exec(strata_conn *c, const char *sql, long *err_offset,
                   strata_error *err)
{
	return pg_exec_rows(c, sql, NULL, NULL, err_offset, err);
}

static int pg_query(strata_conn *c, const char *sql, int nparams,
                    const char *const *params, strata_row_fn fn, void *data,
                    strata_error *err)
{
	PGresult *res;
	int rc;

	res = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	if ((rc = check_result(c, res, sql, NULL, err)) == 0 && fn)
		rc = result_rows(res, fn, data, err);
	PQclear(res);
	return rc;
}

/*
 * Matches tables and partitioned tables only: the history table is a
 * table, and a view of that name must not pass for it.  Names are compared
 * as stored in the catalog (no case folding).
 */
static int pg_table_exists(strata_conn *c, const char *schema,
                           const char *table, int *out_exists,
                           strata_error *err)
{
	static const char in_schema[] =
	    "SELECT 1 FROM pg_catalog.pg_class c"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE n.nspname = $1 AND c.relname = $2"
	    " AND c.relkind IN ('r', 'p')";
	/* current_schemas(false) is the effective search_path: it omits
	 * schemas that do not exist or that the user may not use. */
	static const char in_path[] =
	    "SELECT 1 FROM pg_catalog.pg_class c"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE n.nspname = ANY (pg_catalog.current_schemas(false))"
	    " AND c.relname = $1 AND c.relkind IN ('r', 'p')";
	const char *params[2];
	PGresult *res;
	int rc;

	*out_exists = 0;
	if (schema) {
		params[0] = schema;
		params[1] = table;
		res = PQexecParams(c->pg, in_schema, 2, NULL, params, NULL,
		                   NULL, 0);
	} else {
		params[0] = table;
		res = PQexecParams(c->pg, in_path, 1, NULL, params, NULL, NULL,
		                   0);
	}
	rc = check_result(c, res, NULL, NULL, err);
	if (rc == 0)
		*out_exists = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* ---- the migration lock -------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Tries the lock once: *out_got is 1 when it is now ours. */
static int try_lock(struct strata_conn *c, const char *key, int *out_got,
                    strata_error *err)
{
	PGresult *res;
	int rc;

	*out_got = 0;
	res = PQexecParams(c->pg,
	                   "SELECT pg_catalog.pg_try_advisory_lock($1::"
	                   "bigint)",
	                   1, NULL, &key, NULL, NULL, 0);
	rc = check_result(c, res, NULL, NULL, err);
	if (rc == 0 && PQntuples(res) == 1)
		*out_got = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return rc;
}

/*
 * Appends who holds the lock ("pid 1234 (application 'strata', running
 * for 12s)") to `out`; appends nothing when nobody does any more.  A bigint
 * advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32
 * bits, objsubid = 1.  pg_stat_activity hides backend_start from users
 * without the right to see other sessions: that part is then left out.
 */
static int describe_holder(struct strata_conn *c, long long key,
                           strata_buf *out, strata_error *err)
{
	static const char sql[] =
	    "SELECT l.pid, a.application_name,"
	    " floor(extract(epoch FROM"
	    " pg_catalog.clock_timestamp() - a.backend_start))::bigint"
	    " FROM pg_catalog.pg_locks l"
	    " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
	    " WHERE l.locktype = 'advisory' AND l.granted"
	    " AND l.database = (SELECT oid FROM pg_catalog.pg_database"
	    " WHERE datname = pg_catalog.current_database())"
	    " AND l.classid = $1::oid AND l.objid = $2::oid"
	    " AND l.objsubid = 1"
	    " LIMIT 1";
	unsigned long long k = (unsigned long long)key;
	char hi[16], lo[16];
	const char *params[2] = {hi, lo};
	const char *app, *secs;
	PGresult *res;
	int rc;

	snprintf(hi, sizeof(hi), "%llu", k >> 32);
	snprintf(lo, sizeof(lo), "%llu", k & 0xffffffffULL);
	res = PQexecParams(c->pg, sql, 2, NULL, params, NULL, NULL, 0);
	if ((rc = check_result(c, res, NULL, NULL, err)) < 0 ||
	    PQntuples(res) == 0)
		goto done;
	app = PQgetisnull(res, 0, 1) ? "" : PQgetvalue(res, 0, 1);
	secs = PQgetisnull(res, 0, 2) ? NULL : PQgetvalue(res, 0, 2);
	strata_buf_printf(out, "pid %s", PQgetvalue(res, 0, 0));
	if (*app && secs)
		strata_buf_printf(out, " (application '%s', running for %ss)",
		                  app, secs);
	else if (*app)
		strata_buf_printf(out, " (application '%s')", app);
	else if (secs)
		strata_buf_printf(out, " (running for %ss)", secs);

done:
	PQclear(res);
	return rc;
}

static int pg_lock(strata_conn *c, long long key, int wait_ms,
                   strata_message_fn on_wait, void *wait_data,
                   strata_error *err)
{
	strata_buf who = STRATA_BUF_INIT, msg = STRATA_BUF_INIT;
	long long start = now_ms(), last_report = 0, elapsed;
	char keytext[24];
	int rc, got, reported = 0;

	if (wait_ms < 0)
		wait_ms = 0;
	snprintf(keytext, sizeof(keytext), "%lld", key);
	for (;;) {
		if ((rc = try_lock(c, keytext, &got, err)) < 0 || got)
			goto done;
		elapsed = now_ms() - start;
		if (elapsed >= wait_ms)
			break;
		if (on_wait && (!reported || now_ms() - last_report >= 1000)) {
			strata_buf_clear(&who);
			if ((rc = describe_holder(c, key, &who, err)) < 0)
				goto done;
			/* Released meanwhile: try again before saying so. */
			if (who.len) {
				strata_buf_clear(&msg);
				strata_buf_printf(&msg,
				                  "waiting for the migration "
				                  "lock held by %s",
				                  who.ptr);
				on_wait(wait_data, msg.ptr);
				reported = 1;
				last_report = now_ms();
				continue;
			}
		}
		sleep_ms(wait_ms - elapsed < LOCK_POLL_MS ? wait_ms - elapsed
		                                          : LOCK_POLL_MS);
	}

	strata_buf_clear(&who);
	if ((rc = describe_holder(c, key, &who, err)) < 0)
		goto done;
	rc = strata_error_lock_timeout(err, wait_ms, who.ptr);

done:
	strata_buf_dispose(&who);
	strata_buf_dispose(&msg);
	return rc;
}

static int pg_unlock(strata_conn *c, long long key, strata_error *err)
{
	char keytext[24];
	const char *params[1] = {keytext};
	PGresult *res;
	int rc;

	snprintf(keytext, sizeof(keytext), "%lld", key);
	res = PQexecParams(c->pg,
	                   "SELECT pg_catalog.pg_advisory_unlock($1::bigint)",
	                   1, NULL, params, NULL, NULL, 0);
	rc = check_result(c, res, NULL, NULL, err);
	if (rc == 0 && (PQntuples(res) != 1 || PQgetvalue(res, 0, 0)[0] != 't'))
		rc = strata_error_set(err, STRATA_ERROR,
		                      "the migration lock was not held by "
		                      "this session");
	PQclear(res);
	return rc;
}

/* ---- scratch databases (strata test) --------------------------------- */

#define SCRATCH_PREFIX "strata_test_"

/* Appends v to b, percent-encoding all but unreserved URI characters. */
static void put_encoded(strata_buf *b, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			strata_buf_putc(b, (char)*p);
		else
			strata_buf_printf(b, "%%%02X", *p);
	}
}

/*
 * CREATE DATABASE beside the one `c` is connected to, and the URL of it:
 * every connection setting of `url` (host, port, user, password, sslmode,
 * ...) as a query parameter, the database name as the path.
 */
static int pg_scratch_create(strata_conn *c, const char *url, char **out_url,
                             strata_error *err)
{
	PQconninfoOption *opts, *o;
	strata_buf b = STRATA_BUF_INIT, sql = STRATA_BUF_INIT;
	char name[64], *parse_err = NULL;
	struct timespec ts;
	long off;
	int rc, sep = '?';

	*out_url = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof(name), SCRATCH_PREFIX "%ld_%09ld", (long)getpid(),
	         ts.tv_nsec);
	if (!(opts = PQconninfoParse(url, &parse_err))) {
		if (parse_err)
			PQfreemem(parse_err);
		return strata_error_set(err, STRATA_EURL,
		                        "invalid postgresql url");
	}
	strata_buf_printf(&sql, "CREATE DATABASE %s", name);
	if ((rc = pg_exec(c, sql.ptr, &off, err)) < 0) {
		strata_error_field(
		    &err->hint, "strata test makes a scratch database and "
		                "drops it after: the role needs CREATEDB, or "
		                "give an empty database with --scratch-url");
		goto done;
	}
	strata_buf_printf(&b, "postgresql:///%s", name);
	for (o = opts; o->keyword; o++) {
		if (!o->val || !strcmp(o->keyword, "dbname"))
			continue;
		strata_buf_printf(&b, "%c%s=", sep, o->keyword);
		put_encoded(&b, o->val);
		sep = '&';
	}
	*out_url = strata_buf_detach(&b);
done:
	PQconninfoFree(opts);
	strata_buf_dispose(&b);
	strata_buf_dispose(&sql);
	return rc;
}

static int pg_scratch_drop(strata_conn *c, const char *scratch_url,
                           strata_error *err)
{
	PQconninfoOption *opts, *o;
	strata_buf sql = STRATA_BUF_INIT;
	const char *name = NULL;
	long off;
	int rc = 0;

	if (!(opts = PQconninfoParse(scratch_url, NULL)))
		return strata_error_set(err, STRATA_EURL,
		                        "invalid postgresql url");
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "dbname"))
			name = o->val;
	/* only what scratch_create() made: the name says so */
	if (!name || strncmp(name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) ||
	    strspn(name + strlen(SCRATCH_PREFIX), "0123456789_") !=
	        strlen(name + strlen(SCRATCH_PREFIX))) {
		rc = strata_error_set(err, STRATA_EUSAGE,
		                      "not a scratch database of strata test");
		goto done;
	}
	strata_buf_printf(&sql, "DROP DATABASE IF EXISTS %s%s", name,
	                  PQserverVersion(c->pg) >= 130000 ? " WITH (FORCE)"
	                                                   : "");
	rc = pg_exec(c, sql.ptr, &off, err);
done:
	PQconninfoFree(opts);
	strata_buf_dispose(&sql);
	return rc;
}

static const char *const pg_schemes[] = {"postgres", "postgresql", NULL};

const struct strata_driver strata_driver_postgres = {
    .name = "postgres",
    .schemes = pg_schemes,
    .caps = STRATA_CAP_TRANSACTIONAL_DDL | STRATA_CAP_ADVISORY_LOCK,
    .dialect = STRATA_DIALECT_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .exec_rows = pg_exec_rows,
    .query = pg_query,
    .begin_sql = "BEGIN",
    .table_exists = pg_table_exists,
    .lock = pg_lock,
    .unlock = pg_unlock,
    .set_notice_fn = pg_set_notice_fn,
    .set_tick_fn = pg_set_tick_fn,
    .scratch_create = pg_scratch_create,
    .scratch_drop = pg_scratch_drop,
};
