/*
 * The MySQL and MariaDB driver, on MariaDB Connector/C (libmariadb).
 *
 * URLs: mysql://[user[:password]@][host][:port]/dbname[?socket=/path],
 * or mariadb://...; user, password, database and socket are
 * percent-decoded.  The password never reaches a message.
 *
 * MySQL commits DDL implicitly, so the driver does not claim transactional
 * DDL: the engine then runs every migration statement by statement,
 * recording its progress (run_step.c).  Bookkeeping queries with values are
 * prepared statements ($n becomes ?), never SQL built from strings.  Every
 * result of every statement is drained, or the connection goes out of sync.
 *
 * Migration statements run through the non-blocking API, so exec() can
 * call the tick function while it waits; a cancel is a KILL QUERY sent on
 * a second connection.  The run lock is GET_LOCK(), held by the session
 * and released by the server when the connection goes away.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include <errmsg.h>
#include <mysql.h>

#include "error.h"
#include "strata/driver.h"

/* Where a URL points: kept to open a second connection for a cancel. */
struct target {
	char *user, *password, *host, *db, *socket; /* owned; NULL: none */
	char *raw_password; /* owned: as written in the URL, for redaction */
	unsigned port;      /* 0: the default */
};

struct strata_conn {
	MYSQL *my; /* owned */
	struct target t;
	strata_message_fn notice_fn; /* NULL: warnings are dropped */
	void *notice_data;
	strata_tick_fn tick_fn; /* NULL: exec() simply waits */
	void *tick_data;
};

#define SCRATCH_PREFIX "strata_test_"

static const char url_form[] =
    "mysql://[user[:password]@]host[:port]/dbname[?socket=/path/to/socket]";

/* ---- messages ------------------------------------------------------ */

/* Replaces every occurrence of the target's password by "***". */
static void redact(char **s, const struct target *t)
{
	const char *secrets[2] = {t->password, t->raw_password};
	strata_buf b = STRATA_BUF_INIT;
	const char *p, *hit;
	size_t len;

	for (int i = 0; i < 2; i++) {
		if (!*s || !secrets[i] || !*secrets[i] ||
		    !strstr(*s, secrets[i]))
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

static void redact_error(strata_error *err, const struct target *t)
{
	redact(&err->message, t);
	redact(&err->detail, t);
	redact(&err->hint, t);
}

/* Lower-cases a message's first letter when it starts a capitalised
 * word ("Table 'x' doesn't exist"), as strata's messages are. */
static void lower_first(char *m)
{
	if (m && m[0] >= 'A' && m[0] <= 'Z' && m[1] >= 'a' && m[1] <= 'z')
		m[0] = (char)(m[0] - 'A' + 'a');
}

/*
 * Where in `sql` a syntax error is: MySQL says "... near 'TEXT' at line
 * N", TEXT being the statement from that point on, cut to 80 characters.
 * Returns the byte offset (strlen(sql) for "near ''", the end), or -1.
 * *out_near receives TEXT's bounds within msg.
 */
static long near_offset(const char *msg, const char *sql, const char **near,
                        size_t *near_len)
{
	const char *a = strstr(msg, " near '"), *z = NULL, *p, *q;
	long line, at = 1;
	size_t n, k;
	char *end;

	if (!a || !sql)
		return -1;
	a += 7;
	for (p = a; (p = strstr(p, "' at line ")); p++)
		z = p;
	if (!z)
		return -1;
	line = strtol(z + 10, &end, 10);
	if (*end || line < 1)
		return -1;
	*near = a;
	*near_len = n = (size_t)(z - a);
	if (n == 0)
		return (long)strlen(sql);
	/* enough of TEXT to find it, not cutting a UTF-8 character */
	k = n < 40 ? n : 40;
	while (k > 1 && ((unsigned char)a[k] & 0xc0) == 0x80)
		k--;
	for (p = sql; *p; p++) {
		if (*p == '\n')
			at++;
		if (at < line)
			continue;
		if (at > line)
			break;
		for (q = p; q < p + k && *q == a[q - p]; q++)
			;
		if (q == p + k)
			return (long)(p - sql);
	}
	return -1;
}

/*
 * Fills err from a failed statement: errno `no`, message and SQLSTATE as
 * the server gave them.  A lost connection is STRATA_ECONNECT.
 */
static int set_db_error(strata_error *err, unsigned no, const char *msg,
                        const char *state, const char *sql, long *err_offset)
{
	const char *near = NULL;
	size_t near_len = 0;
	long off;
	int code = STRATA_EDB;

	if (err_offset)
		*err_offset = -1;
	if (no == CR_SERVER_GONE_ERROR || no == CR_SERVER_LOST ||
	    no == CR_SERVER_LOST_EXTENDED) {
		strata_error_set(err, STRATA_ECONNECT,
		                 "connection to the server was lost");
		strata_error_field(&err->detail, msg);
		return STRATA_ECONNECT;
	}
	off = near_offset(msg ? msg : "", sql, &near, &near_len);
	/* the server's "you have an error in your SQL syntax; check the
	 * manual ... near 'x' at line 2" counts lines of the statement,
	 * not the file: the location says it better */
	if (no == 1064 && off >= 0 && near_len)
		strata_error_set(err, code, "syntax error near '%.*s'",
		                 (int)near_len, near);
	else if (no == 1064 && off >= 0)
		strata_error_set(err, code,
		                 "syntax error at the end of the statement");
	else
		strata_error_set(err, code, "%s",
		                 msg && *msg ? msg : "unknown mysql error");
	lower_first(err->message);
	if (state && *state && strcmp(state, "00000") != 0)
		strata_error_field(&err->sqlstate, state);
	{
		char d[32];
		snprintf(d, sizeof(d), "mysql error %u", no);
		strata_error_field(&err->detail, d);
	}
	if (err_offset)
		*err_offset = off;
	return code;
}

static int conn_error(struct strata_conn *c, const char *sql, long *err_offset,
                      strata_error *err)
{
	int rc = set_db_error(err, mysql_errno(c->my), mysql_error(c->my),
	                      mysql_sqlstate(c->my), sql, err_offset);
	redact_error(err, &c->t);
	return rc;
}

static int stmt_error(struct strata_conn *c, MYSQL_STMT *st, strata_error *err)
{
	int rc = set_db_error(err, mysql_stmt_errno(st), mysql_stmt_error(st),
	                      mysql_stmt_sqlstate(st), NULL, NULL);
	redact_error(err, &c->t);
	return rc;
}

/* ---- URLs ------------------------------------------------------------ */

static void target_dispose(struct target *t)
{
	free(t->user);
	free(t->password);
	free(t->host);
	free(t->db);
	free(t->socket);
	free(t->raw_password);
	memset(t, 0, sizeof(*t));
}

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0, n) with %XX decoded into *out (caller frees); -1 on a bad escape
 * or an escaped NUL, STRATA_ENOMEM. */
static int decode(char **out, const char *s, size_t n)
{
	strata_buf b = STRATA_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		int v = s[i];
		if (s[i] == '%') {
			if (i + 2 >= n || hex(s[i + 1]) < 0 ||
			    hex(s[i + 2]) < 0)
				goto bad;
			v = hex(s[i + 1]) * 16 + hex(s[i + 2]);
			if (v == 0)
				goto bad;
			i += 2;
		}
		if (strata_buf_putc(&b, (char)v) < 0) {
			strata_buf_dispose(&b);
			return STRATA_ENOMEM;
		}
	}
	*out = strata_buf_detach(&b);
	return *out ? 0 : STRATA_ENOMEM;
bad:
	strata_buf_dispose(&b);
	return -1;
}

/* STRATA_EURL: "invalid mysql url '<the url, redacted>': <why>". */
static int bad_url(strata_error *err, const char *url, const char *why)
{
	char *shown = strata_url_redact(url);

	strata_error_set(err, STRATA_EURL, "invalid mysql url '%s': %s",
	                 shown ? shown : "", why);
	strata_error_field(&err->hint, url_form);
	free(shown);
	return STRATA_EURL;
}

/* One URL part, decoded into *out; a bad escape is the URL's fault. */
static int part(char **out, const char *url, const char *s, size_t n,
                const char *name, strata_error *err)
{
	char why[64];
	int rc = decode(out, s, n);

	if (rc == STRATA_ENOMEM)
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	if (rc < 0) {
		snprintf(why, sizeof(why), "bad %%-escape in the %s", name);
		return bad_url(err, url, why);
	}
	return 0;
}

static int parse_url(struct target *t, const char *url, strata_error *err)
{
	const char *p, *auth_end, *at = NULL, *colon, *hp, *rest, *q;
	size_t n;
	int rc = STRATA_EURL;

	memset(t, 0, sizeof(*t));
	if (!strncmp(url, "mysql://", 8))
		p = url + 8;
	else if (!strncmp(url, "mariadb://", 10))
		p = url + 10;
	else
		return strata_error_set(err, STRATA_EURL,
		                        "not a mysql url (expected %s)",
		                        url_form);
	auth_end = p + strcspn(p, "/?#");
	for (q = p; q < auth_end; q++)
		if (*q == '@')
			at = q;
	if (at) {
		colon = memchr(p, ':', (size_t)(at - p));
		n = (size_t)((colon ? colon : at) - p);
		if (n && (rc = part(&t->user, url, p, n, "user", err)) < 0)
			goto fail;
		if (colon) {
			n = (size_t)(at - colon - 1);
			if (!(t->raw_password = strndup(colon + 1, n)) ||
			    (rc = part(&t->password, url, colon + 1, n,
			               "password", err)) < 0) {
				if (!t->raw_password)
					rc =
					    strata_error_set(err, STRATA_ENOMEM,
					                     "out of memory");
				goto fail;
			}
		}
	}
	hp = at ? at + 1 : p;
	if (*hp == '[') {
		const char *close = memchr(hp, ']', (size_t)(auth_end - hp));
		if (!close) {
			rc = bad_url(err, url, "no ']' after the host");
			goto fail;
		}
		if ((rc = part(&t->host, url, hp + 1, (size_t)(close - hp - 1),
		               "host", err)) < 0)
			goto fail;
		rest = close + 1;
	} else {
		colon = memchr(hp, ':', (size_t)(auth_end - hp));
		rest = colon ? colon : auth_end;
		if (rest > hp &&
		    (rc = part(&t->host, url, hp, (size_t)(rest - hp), "host",
		               err)) < 0)
			goto fail;
	}
	if (rest < auth_end) {
		char *end = NULL, why[48];
		long port = *rest == ':' && rest[1] >= '0' && rest[1] <= '9'
		                ? strtol(rest + 1, &end, 10)
		                : -1;
		if (port < 1 || port > 65535 || end != auth_end) {
			snprintf(why, sizeof(why), "bad port '%.*s'",
			         (int)(auth_end - rest), rest);
			rc = bad_url(err, url, why);
			goto fail;
		}
		t->port = (unsigned)port;
	}
	if (*auth_end != '/' || !(n = strcspn(auth_end + 1, "?#"))) {
		rc = bad_url(err, url, "no database name");
		goto fail;
	}
	if ((rc = part(&t->db, url, auth_end + 1, n, "database name", err)) < 0)
		goto fail;
	q = auth_end + 1 + n;
	while (*q == '?' || *q == '&') {
		const char *key = q + 1;
		size_t klen = strcspn(key, "=&#"), vlen;
		const char *val = key + klen;
		if (*val != '=' || klen != 6 || strncmp(key, "socket", 6)) {
			char why[96];
			snprintf(why, sizeof(why),
			         "unknown parameter '%.*s' (known: socket)",
			         (int)(klen < 32 ? klen : 32), key);
			rc = bad_url(err, url, why);
			goto fail;
		}
		vlen = strcspn(++val, "&#");
		free(t->socket);
		t->socket = NULL;
		if (vlen &&
		    (rc = part(&t->socket, url, val, vlen, "socket", err)) < 0)
			goto fail;
		q = val + vlen;
	}
	/* a socket means this machine: libmariadb uses it for "localhost" */
	if (t->socket && t->host && strcmp(t->host, "localhost") != 0) {
		rc = bad_url(err, url, "give a host or ?socket=, not both");
		goto fail;
	}
	return 0;
fail:
	target_dispose(t);
	return rc;
}

/* Appends v percent-encoded (all but unreserved characters). */
static void put_encoded(strata_buf *b, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			strata_buf_putc(b, (char)*p);
		else
			strata_buf_printf(b, "%%%02X", *p);
	}
}

/* The URL of database `db` on the same server, as the same user. */
static char *url_for(const struct target *t, const char *db)
{
	strata_buf b = STRATA_BUF_INIT;

	strata_buf_puts(&b, "mysql://");
	if (t->user || t->password) {
		put_encoded(&b, t->user ? t->user : "");
		if (t->password) {
			strata_buf_putc(&b, ':');
			put_encoded(&b, t->password);
		}
		strata_buf_putc(&b, '@');
	}
	if (t->host && strchr(t->host, ':'))
		strata_buf_printf(&b, "[%s]", t->host);
	else if (t->host)
		put_encoded(&b, t->host);
	if (t->port)
		strata_buf_printf(&b, ":%u", t->port);
	strata_buf_putc(&b, '/');
	put_encoded(&b, db);
	if (t->socket) {
		strata_buf_puts(&b, "?socket=");
		put_encoded(&b, t->socket);
	}
	return strata_buf_detach(&b);
}

/* ---- open and close ------------------------------------------------ */

/*
 * libmariadb reports every failed TCP connect as EINPROGRESS, the errno of
 * its non-blocking connect(), not why it failed: ask the network once more
 * for the real reason (ECONNREFUSED, ETIMEDOUT, ...).  Returns an errno,
 * or 0 when this connect works (the failure was elsewhere).
 */
static int tcp_errno(const struct target *t)
{
	struct addrinfo hints = {0}, *res = NULL;
	char port[12];
	int fd, e = EINPROGRESS;
	socklen_t len = sizeof(e);

	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", t->port ? t->port : 3306);
	if (!t->host || getaddrinfo(t->host, port, &hints, &res) != 0)
		return EINPROGRESS;
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK,
	            res->ai_protocol);
	if (fd >= 0) {
		if (connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
			e = 0;
		} else if (errno != EINPROGRESS) {
			e = errno;
		} else {
			struct pollfd p = {fd, POLLOUT, 0};
			if (poll(&p, 1, 2000) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
				e = errno;
			else if (p.revents == 0)
				e = ETIMEDOUT;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return e;
}

/*
 * Connects to t.  A connection failure's message ends with the system's
 * error number, "(111)": that becomes its text ("connection refused").
 */
static MYSQL *connect_to(const struct target *t, int nonblock,
                         strata_error *err)
{
	unsigned int timeout = 10, no_infile = 0;
	MYSQL *my = mysql_init(NULL);
	const char *msg;
	size_t n;
	char *open;

	if (!my) {
		strata_error_set(err, STRATA_ENOMEM, "out of memory");
		return NULL;
	}
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	/* a migration must not read files of the machine it runs on */
	mysql_options(my, MYSQL_OPT_LOCAL_INFILE, &no_infile);
	mysql_optionsv(my, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name",
	               "strata");
	/* a server whose default is autocommit=0 would keep the history
	 * rows in a transaction that never commits; non-blocking only after
	 * the connect, which would otherwise report EINPROGRESS for a
	 * refused TCP connection */
	if (mysql_real_connect(my, t->socket ? "localhost" : t->host, t->user,
	                       t->password, t->db, t->port, t->socket,
	                       CLIENT_MULTI_RESULTS) &&
	    !mysql_autocommit(my, 1) &&
	    (!nonblock || !mysql_options(my, MYSQL_OPT_NONBLOCK, 0)))
		return my;
	msg = mysql_error(my);
	n = strlen(msg);
	open = n > 3 && msg[n - 1] == ')' ? strrchr(msg, '(') : NULL;
	/* "(-2)": a getaddrinfo() error, for an unknown host */
	if (open && open > msg && open[-1] == ' ' &&
	    strspn(open + 1, "-0123456789") == n - (size_t)(open - msg) - 2) {
		int e = atoi(open + 1);
		char port[24] = "";
		if (e == EINPROGRESS && !t->socket && (e = tcp_errno(t)) == 0)
			e = EINPROGRESS;
		if (!t->socket && e > 0)
			snprintf(port, sizeof(port), " port %u",
			         t->port ? t->port : 3306);
		strata_error_set(err, STRATA_ECONNECT, "%.*s%s: %s",
		                 (int)(open - msg - 1), msg, port,
		                 e < 0 ? gai_strerror(e) : strerror(e));
		/* "Connection refused" -> "connection refused" */
		open = strrchr(err->message, ':');
		if (open && open[1] == ' ')
			lower_first(open + 2);
	} else {
		strata_error_set(err, STRATA_ECONNECT, "%s", msg);
	}
	lower_first(err->message);
	if (*mysql_sqlstate(my) && strcmp(mysql_sqlstate(my), "00000") &&
	    strcmp(mysql_sqlstate(my), "HY000"))
		strata_error_field(&err->sqlstate, mysql_sqlstate(my));
	redact_error(err, t);
	mysql_close(my);
	return NULL;
}

static int my_open(strata_conn **out, const char *url, int busy_ms,
                   strata_error *err)
{
	struct strata_conn *c;
	int rc;

	(void)busy_ms; /* lock waits are bounded by lock() itself */
	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	if ((rc = parse_url(&c->t, url, err)) < 0) {
		free(c);
		return rc;
	}
	if (!(c->my = connect_to(&c->t, 1, err))) {
		rc = err->code ? err->code : STRATA_ECONNECT;
		target_dispose(&c->t);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void my_close(strata_conn *c)
{
	if (!c)
		return;
	mysql_close(c->my);
	target_dispose(&c->t);
	free(c);
}

static void my_set_notice_fn(strata_conn *c, strata_message_fn fn, void *data)
{
	c->notice_fn = fn;
	c->notice_data = data;
}

static void my_set_tick_fn(strata_conn *c, strata_tick_fn fn, void *data)
{
	c->tick_fn = fn;
	c->tick_data = data;
}

/* ---- statements ---------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asks the server, on a second connection, to stop what this one runs;
 * the statement then fails with 1317 (query execution was interrupted). */
static void kill_query(struct strata_conn *c)
{
	strata_error ignored = {0};
	MYSQL *k = connect_to(&c->t, 0, &ignored);
	char sql[48];

	if (k) {
		snprintf(sql, sizeof(sql), "KILL QUERY %lu",
		         mysql_thread_id(c->my));
		mysql_real_query(k, sql, strlen(sql));
		mysql_close(k);
	}
	strata_error_dispose(&ignored);
}

/*
 * Waits until the socket is ready for what `status` asks (MYSQL_WAIT_*)
 * and returns what happened, for the _cont call.  While a watched
 * statement waits, the tick function is called about every
 * STRATA_TICK_MS; the first time it asks, the statement is killed.
 */
static int wait_io(struct strata_conn *c, int status, int watched,
                   int *cancelled)
{
	struct pollfd p = {mysql_get_socket(c->my), 0, 0};
	long long deadline = -1;
	int ms, n, ev;

	if (status & MYSQL_WAIT_READ)
		p.events |= POLLIN;
	if (status & MYSQL_WAIT_WRITE)
		p.events |= POLLOUT;
	if (status & MYSQL_WAIT_EXCEPT)
		p.events |= POLLPRI;
	if (status & MYSQL_WAIT_TIMEOUT)
		deadline = now_ms() + mysql_get_timeout_value_ms(c->my);
	for (;;) {
		ms = watched && c->tick_fn ? STRATA_TICK_MS : -1;
		if (deadline >= 0) {
			long long left = deadline - now_ms();
			if (left <= 0)
				return MYSQL_WAIT_TIMEOUT;
			if (ms < 0 || left < ms)
				ms = (int)left;
		}
		n = poll(&p, 1, ms);
		if (n > 0) {
			ev = 0;
			if (p.revents & (POLLIN | POLLHUP | POLLERR))
				ev |= MYSQL_WAIT_READ;
			if (p.revents & (POLLOUT | POLLHUP | POLLERR))
				ev |= MYSQL_WAIT_WRITE;
			if (p.revents & POLLPRI)
				ev |= MYSQL_WAIT_EXCEPT;
			/* only what was asked for; anything else (POLLNVAL)
			 * is for the library to find out, not to spin on */
			ev &= status;
			return ev ? ev
			          : status &
			                (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE);
		} else if (n < 0 && errno != EINTR) {
			/* let the library find out what is wrong */
			return status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE);
		}
		/* a signal (EINTR) may be the interrupt: ask now */
		if (n <= 0 && watched && c->tick_fn && !*cancelled &&
		    c->tick_fn(c->tick_data)) {
			kill_query(c);
			*cancelled = 1;
		}
	}
}

/*
 * Runs `sql` as text and drains every result it has (a CALL has several);
 * the rows of result sets go to fn when given (until it returns non-zero,
 * which is then returned).  `watched`: the tick function applies.
 */
static int run_text(struct strata_conn *c, const char *sql, int watched,
                    strata_row_fn fn, void *data, long *err_offset,
                    strata_error *err)
{
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int ret, st, cancelled = 0, rc = 0;

	if (err_offset)
		*err_offset = -1;
	st = mysql_real_query_start(&ret, c->my, sql, strlen(sql));
	while (st)
		st = mysql_real_query_cont(&ret, c->my,
		                           wait_io(c, st, watched, &cancelled));
	if (ret)
		return conn_error(c, sql, err_offset, err);
	for (;;) {
		if (mysql_field_count(c->my) > 0) {
			st = mysql_store_result_start(&res, c->my);
			while (st)
				st = mysql_store_result_cont(
				    &res, c->my,
				    wait_io(c, st, watched, &cancelled));
			if (!res)
				return conn_error(c, sql, err_offset, err);
			while (fn && rc == 0 && (row = mysql_fetch_row(res)))
				rc = fn(data, (int)mysql_num_fields(res),
				        (const char *const *)row);
			mysql_free_result(res);
		}
		st = mysql_next_result_start(&ret, c->my);
		while (st)
			st = mysql_next_result_cont(
			    &ret, c->my, wait_io(c, st, watched, &cancelled));
		if (ret > 0)
			return conn_error(c, sql, err_offset, err);
		if (ret < 0)
			return rc;
	}
}

/* SHOW WARNINGS, one notice each: "Note 1050: Table 't' already exists". */
static int warning_row(void *data, int ncols, const char *const *v)
{
	struct strata_conn *c = data;
	strata_buf b = STRATA_BUF_INIT;

	if (ncols >= 3) {
		strata_buf_printf(&b, "%s %s: %s", v[0] ? v[0] : "",
		                  v[1] ? v[1] : "", v[2] ? v[2] : "");
		c->notice_fn(c->notice_data, b.ptr);
	}
	strata_buf_dispose(&b);
	return 0;
}

static int my_exec(strata_conn *c, const char *sql, long *err_offset,
                   strata_error *err)
{
	strata_error ignored = {0};
	int rc = run_text(c, sql, 1, NULL, NULL, err_offset, err);

	if (rc == 0 && c->notice_fn && mysql_warning_count(c->my) > 0)
		run_text(c, "SHOW WARNINGS", 0, warning_row, c, NULL, &ignored);
	strata_error_dispose(&ignored);
	return rc;
}

/*
 * $1..$n in `sql` become ? (outside quotes and comments); order[k]
 * receives the parameter index of the k-th ?.  A $k past nparams is a bug
 * of the caller: STRATA_ERROR.
 */
static int placeholders(const char *sql, int nparams, strata_buf *out,
                        int **order, size_t *count, strata_error *err)
{
	const char *p = sql;
	int *o = NULL, *grown;
	size_t n = 0;

	while (*p) {
		if (*p == '\'' || *p == '"' || *p == '`') {
			char q = *p;
			strata_buf_putc(out, *p++);
			while (*p && *p != q) {
				if (*p == '\\' && q != '`' && p[1])
					strata_buf_putc(out, *p++);
				strata_buf_putc(out, *p++);
			}
			if (*p)
				strata_buf_putc(out, *p++);
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			char *end;
			long k = strtol(p + 1, &end, 10);
			if (k > nparams) {
				free(o);
				return strata_error_set(
				    err, STRATA_ERROR,
				    "query parameter $%ld without a value", k);
			}
			if (!(grown = realloc(o, (n + 1) * sizeof(*o)))) {
				free(o);
				return strata_error_set(err, STRATA_ENOMEM,
				                        "out of memory");
			}
			o = grown;
			o[n++] = (int)k - 1;
			strata_buf_putc(out, '?');
			p = end;
		} else {
			strata_buf_putc(out, *p++);
		}
	}
	*order = o;
	*count = n;
	return 0;
}

/* One result column, fetched as text. */
struct column {
	char *buf; /* owned */
	unsigned long cap, len;
	my_bool null, error;
};

/* Fetches every row of an executed statement into fn, as text. */
static int fetch_rows(struct strata_conn *c, MYSQL_STMT *st, MYSQL_RES *meta,
                      strata_row_fn fn, void *data, strata_error *err)
{
	int ncols = (int)mysql_num_fields(meta), rc = 0, f, i;
	MYSQL_BIND *out = calloc((size_t)ncols + 1, sizeof(*out));
	struct column *col = calloc((size_t)ncols + 1, sizeof(*col));
	const char **values = calloc((size_t)ncols + 1, sizeof(*values));

	if (!out || !col || !values) {
		rc = strata_error_set(err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < ncols; i++) {
		col[i].cap = 64;
		if (!(col[i].buf = malloc(col[i].cap))) {
			rc = strata_error_set(err, STRATA_ENOMEM,
			                      "out of memory");
			goto done;
		}
		out[i].buffer_type = MYSQL_TYPE_STRING;
		out[i].buffer = col[i].buf;
		out[i].buffer_length = col[i].cap;
		out[i].length = &col[i].len;
		out[i].is_null = &col[i].null;
		out[i].error = &col[i].error;
	}
	if (mysql_stmt_bind_result(st, out) || mysql_stmt_store_result(st)) {
		rc = stmt_error(c, st, err);
		goto done;
	}
	while (rc == 0 && (f = mysql_stmt_fetch(st)) != MYSQL_NO_DATA) {
		int rebind = 0;
		if (f == 1) {
			rc = stmt_error(c, st, err);
			goto done;
		}
		/* a value longer than its buffer: grow it, fetch it again */
		for (i = 0; i < ncols; i++) {
			struct column *k = &col[i];
			char *grown;
			if (k->null) {
				values[i] = NULL;
				continue;
			}
			if (k->len + 1 > k->cap) {
				if (!(grown = realloc(k->buf, k->len + 1))) {
					rc =
					    strata_error_set(err, STRATA_ENOMEM,
					                     "out of memory");
					goto done;
				}
				k->buf = grown;
				k->cap = k->len + 1;
				out[i].buffer = k->buf;
				out[i].buffer_length = k->cap;
				if (mysql_stmt_fetch_column(st, &out[i],
				                            (unsigned)i, 0)) {
					rc = stmt_error(c, st, err);
					goto done;
				}
				rebind = 1;
			}
			k->buf[k->len] = '\0';
			values[i] = k->buf;
		}
		if (rebind && mysql_stmt_bind_result(st, out)) {
			rc = stmt_error(c, st, err);
			goto done;
		}
		rc = fn(data, ncols, values);
	}
done:
	for (i = 0; col && i < ncols; i++)
		free(col[i].buf);
	free(col);
	free(out);
	free(values);
	return rc;
}

static int my_query(strata_conn *c, const char *sql, int nparams,
                    const char *const *params, strata_row_fn fn, void *data,
                    strata_error *err)
{
	strata_buf q = STRATA_BUF_INIT;
	MYSQL_STMT *st = NULL;
	MYSQL_BIND *in = NULL;
	MYSQL_RES *meta = NULL;
	unsigned long *lens = NULL;
	int *order = NULL, rc;
	size_t n = 0;

	if (nparams == 0)
		return run_text(c, sql, 0, fn, data, NULL, err);
	if ((rc = placeholders(sql, nparams, &q, &order, &n, err)) < 0)
		goto done;
	in = calloc(n + 1, sizeof(*in));
	lens = calloc(n + 1, sizeof(*lens));
	if (!in || !lens || !(st = mysql_stmt_init(c->my))) {
		rc = strata_error_set(err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	if (mysql_stmt_prepare(st, q.ptr, q.len)) {
		rc = stmt_error(c, st, err);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const char *v = params[order[i]];
		if (!v) {
			in[i].buffer_type = MYSQL_TYPE_NULL;
			continue;
		}
		lens[i] = strlen(v);
		in[i].buffer_type = MYSQL_TYPE_STRING;
		in[i].buffer = (void *)v;
		in[i].buffer_length = lens[i];
		in[i].length = &lens[i];
	}
	if ((n && mysql_stmt_bind_param(st, in)) || mysql_stmt_execute(st)) {
		rc = stmt_error(c, st, err);
		goto done;
	}
	if (!(meta = mysql_stmt_result_metadata(st))) {
		if (mysql_stmt_errno(st))
			rc = stmt_error(c, st, err);
		goto done;
	}
	if (fn)
		rc = fetch_rows(c, st, meta, fn, data, err);
done:
	if (meta)
		mysql_free_result(meta);
	if (st)
		mysql_stmt_close(st);
	free(in);
	free(lens);
	free(order);
	strata_buf_dispose(&q);
	return rc;
}

static int found_row(void *data, int ncols, const char *const *values)
{
	(void)ncols;
	(void)values;
	*(int *)data = 1;
	return 0;
}

/* Base tables only: a view of that name must not pass for the history
 * table.  No schema: the URL's database. */
static int my_table_exists(strata_conn *c, const char *schema,
                           const char *table, int *out_exists,
                           strata_error *err)
{
	const char *params[2] = {schema ? schema : table, table};

	*out_exists = 0;
	return my_query(c,
	                schema ? "SELECT 1 FROM information_schema.TABLES"
	                         " WHERE TABLE_SCHEMA = $1 AND TABLE_NAME = $2"
	                         " AND TABLE_TYPE = 'BASE TABLE'"
	                       : "SELECT 1 FROM information_schema.TABLES"
	                         " WHERE TABLE_SCHEMA = DATABASE()"
	                         " AND TABLE_NAME = $1"
	                         " AND TABLE_TYPE = 'BASE TABLE'",
	                schema ? 2 : 1, params, found_row, out_exists, err);
}

/* ---- the migration lock -------------------------------------------- */

/*
 * GET_LOCK names are global to the server, not per database: the
 * database's name goes into it with the key (64 characters at most).
 */
static void lock_name(const struct strata_conn *c, long long key, char out[80])
{
	snprintf(out, 80, "strata.%016llx.%.40s", (unsigned long long)key,
	         c->t.db ? c->t.db : "");
}

static int first_text(void *data, int ncols, const char *const *v)
{
	char **out = data;

	free(*out);
	*out = ncols > 0 && v[0] ? strdup(v[0]) : NULL;
	return 0;
}

/* GET_LOCK waiting at most ms on the server: *out_got 1 when ours. */
static int try_lock(struct strata_conn *c, const char *name, long long ms,
                    int *out_got, strata_error *err)
{
	char secs[32], *got = NULL;
	const char *params[2] = {name, secs};
	int rc;

	snprintf(secs, sizeof(secs), "%lld.%03lld", ms / 1000, ms % 1000);
	rc = my_query(c, "SELECT GET_LOCK($1, $2)", 2, params, first_text, &got,
	              err);
	*out_got = rc == 0 && got && strcmp(got, "1") == 0;
	free(got);
	return rc;
}

static int holder_row(void *data, int ncols, const char *const *v)
{
	strata_buf *out = data;

	if (ncols < 5 || !v[0])
		return 0;
	strata_buf_printf(out, "connection %s", v[0]);
	if (v[1] && v[2]) {
		strata_buf_printf(out, " (%s@%s", v[1], v[2]);
		if (v[3] && v[4] && !strcmp(v[3], "Sleep"))
			strata_buf_printf(out, ", idle for %ss", v[4]);
		else if (v[3] && v[4] && !strcmp(v[3], "Query"))
			strata_buf_printf(out, ", running a statement for %ss",
			                  v[4]);
		strata_buf_putc(out, ')');
	}
	return 0;
}

/*
 * Appends who holds the lock; nothing when nobody does any more.  The
 * process list shows other users' sessions only with the PROCESS
 * privilege: without it the connection id is all there is.
 */
static int describe_holder(struct strata_conn *c, const char *name,
                           strata_buf *out, strata_error *err)
{
	const char *params[1] = {name};

	return my_query(c,
	                "SELECT l.id, p.USER, p.HOST, p.COMMAND, p.TIME"
	                " FROM (SELECT IS_USED_LOCK($1) AS id) l"
	                " LEFT JOIN information_schema.PROCESSLIST p"
	                " ON p.ID = l.id",
	                1, params, holder_row, out, err);
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int my_lock(strata_conn *c, long long key, int wait_ms,
                   strata_message_fn on_wait, void *wait_data,
                   strata_error *err)
{
	strata_buf who = STRATA_BUF_INIT, msg = STRATA_BUF_INIT;
	long long start = now_ms(), last_report = 0, elapsed, slice = 0, t;
	char name[80];
	int rc, got;

	if (wait_ms < 0)
		wait_ms = 0;
	lock_name(c, key, name);
	for (;;) {
		t = now_ms();
		if ((rc = try_lock(c, name, slice, &got, err)) < 0 || got)
			goto done;
		/* a server that ignores the fraction came back at once: do
		 * not ask again in a tight loop */
		if (slice > 0 && now_ms() - t < slice / 2)
			sleep_ms(slice / 2 < 50 ? slice / 2 : 50);
		elapsed = now_ms() - start;
		if (elapsed >= wait_ms)
			break;
		if (on_wait &&
		    (!last_report || now_ms() - last_report >= 1000)) {
			strata_buf_clear(&who);
			if ((rc = describe_holder(c, name, &who, err)) < 0)
				goto done;
			/* released meanwhile: try again before saying so */
			if (!who.len) {
				slice = 0;
				continue;
			}
			strata_buf_clear(&msg);
			strata_buf_printf(&msg,
			                  "waiting for the migration lock held "
			                  "by %s",
			                  who.ptr);
			on_wait(wait_data, msg.ptr);
			last_report = now_ms();
		}
		/* the server waits, up to the next report or the end */
		slice = wait_ms - (now_ms() - start);
		if (on_wait && slice > 1000 - (now_ms() - last_report))
			slice = 1000 - (now_ms() - last_report);
		if (slice < 1)
			slice = 1;
	}
	strata_buf_clear(&who);
	if ((rc = describe_holder(c, name, &who, err)) < 0)
		goto done;
	rc = strata_error_lock_timeout(err, wait_ms, who.ptr);
done:
	strata_buf_dispose(&who);
	strata_buf_dispose(&msg);
	return rc;
}

static int my_unlock(strata_conn *c, long long key, strata_error *err)
{
	char name[80], *released = NULL;
	const char *params[1] = {name};
	int rc;

	lock_name(c, key, name);
	rc = my_query(c, "SELECT RELEASE_LOCK($1)", 1, params, first_text,
	              &released, err);
	if (rc == 0 && (!released || strcmp(released, "1") != 0))
		rc = strata_error_set(err, STRATA_ERROR,
		                      "the migration lock was not held by "
		                      "this session");
	free(released);
	return rc;
}

/* ---- scratch databases (strata test) --------------------------------- */

/* A database beside the URL's one, on the same server, as the same user. */
static int my_scratch_create(strata_conn *c, const char *url, char **out_url,
                             strata_error *err)
{
	char name[64], sql[96];
	struct timespec ts;
	long off;
	int rc;

	(void)url; /* c is connected to it, and knows where that is */
	*out_url = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof(name), SCRATCH_PREFIX "%ld_%09ld", (long)getpid(),
	         ts.tv_nsec);
	snprintf(sql, sizeof(sql), "CREATE DATABASE `%s`", name);
	if ((rc = run_text(c, sql, 0, NULL, NULL, &off, err)) < 0) {
		strata_error_field(
		    &err->hint, "strata test makes a scratch database and "
		                "drops it after: the user needs the CREATE and "
		                "DROP privileges, or give an empty database "
		                "with --scratch-url");
		return rc;
	}
	if (!(*out_url = url_for(&c->t, name)))
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

static int my_scratch_drop(strata_conn *c, const char *scratch_url,
                           strata_error *err)
{
	struct target t;
	const char *digits;
	char sql[160];
	long off;
	int rc;

	if ((rc = parse_url(&t, scratch_url, err)) < 0)
		return rc;
	/* only what scratch_create() made: the name says so */
	digits = t.db + strlen(SCRATCH_PREFIX);
	if (strncmp(t.db, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) || !*digits ||
	    strspn(digits, "0123456789_") != strlen(digits) ||
	    strlen(t.db) > 64) {
		target_dispose(&t);
		return strata_error_set(
		    err, STRATA_EUSAGE,
		    "not a scratch database of strata test");
	}
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", t.db);
	target_dispose(&t);
	return run_text(c, sql, 0, NULL, NULL, &off, err);
}

static const char *const my_schemes[] = {"mysql", "mariadb", NULL};

const struct strata_driver strata_driver_mysql = {
    .name = "mysql",
    .schemes = my_schemes,
    /* no STRATA_CAP_TRANSACTIONAL_DDL: DDL commits implicitly */
    .caps = STRATA_CAP_ADVISORY_LOCK,
    .dialect = STRATA_DIALECT_MYSQL,
    .open = my_open,
    .close = my_close,
    .exec = my_exec,
    .query = my_query,
    .begin_sql = "START TRANSACTION",
    .table_exists = my_table_exists,
    .lock = my_lock,
    .unlock = my_unlock,
    .set_notice_fn = my_set_notice_fn,
    .set_tick_fn = my_set_tick_fn,
    .scratch_create = my_scratch_create,
    .scratch_drop = my_scratch_drop,
};
