/*
 * The copies of dropped tables and columns that runs keep in strata_backup
 * (run_drops.c and run_drops_sqlite.c make them), and whole-database
 * backups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "session.h"
#include "strata/driver.h"

struct listing {
	void (*fn)(const strata_backup_info *b, void *data);
	void *data;
};

static int backup_row(void *data, int ncols, const char *const *v)
{
	struct listing *l = data;
	strata_backup_info b;

	if (ncols < 3)
		return 0;
	b.name = v[0] ? v[0] : "";
	b.rows = v[1] ? atoll(v[1]) : -1;
	b.bytes = v[2] ? atoll(v[2]) : -1;
	l->fn(&b, l->data);
	return 0;
}

static int name_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		strata_buf_printf(data, "%s\n", v[0]);
	return 0;
}

/* One copy's row for backup_row(): name, rows, bytes (dbstat) or NULL. */
static void sqlite_count_query(strata_buf *q, const char *name, int dbstat)
{
	strata_buf_printf(q, "SELECT $1, count(*), %s FROM strata_backup.\"",
	                  dbstat ? "(SELECT sum(pgsize) FROM "
	                           "dbstat('strata_backup') WHERE name = $1)"
	                         : "NULL");
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			strata_buf_putc(q, '"');
		strata_buf_putc(q, *p);
	}
	strata_buf_putc(q, '"');
}

/*
 * SQLite: the tables of the attached backup file (run_drops_sqlite.c),
 * with their exact row counts and, where SQLite is built with the dbstat
 * table, their size in the file; without dbstat the size is -1.  No file:
 * no copies, and none is created to say so.
 */
static int list_sqlite(strata *s, struct listing *l)
{
	static const char names_q[] =
	    "SELECT name FROM strata_backup.sqlite_master WHERE type = "
	    "'table' ORDER BY name";
	strata_buf names = STRATA_BUF_INIT;
	int rc, on, dbstat = 1;

	if ((rc = strata_sqlite_backup_attach(s, 0, &on)) < 0 || !on)
		return rc;
	rc = s->driver->query(s->conn, names_q, 0, NULL, name_row, &names,
	                      &s->err);
	for (char *name = names.ptr, *nl; rc == 0 && (nl = strchr(name, '\n'));
	     name = nl + 1) {
		strata_buf q = STRATA_BUF_INIT;
		strata_error scratch = {0};
		const char *param = name;
		*nl = '\0';
		sqlite_count_query(&q, name, dbstat);
		if (dbstat && s->driver->query(s->conn, q.ptr, 1, &param,
		                               backup_row, l, &scratch) < 0) {
			/* a SQLite built without dbstat: sizes unknown */
			dbstat = 0;
			strata_buf_clear(&q);
			sqlite_count_query(&q, name, 0);
		}
		if (!dbstat)
			rc = s->driver->query(s->conn, q.ptr, 1, &param,
			                      backup_row, l, &s->err);
		strata_error_dispose(&scratch);
		strata_buf_dispose(&q);
	}
	strata_buf_dispose(&names);
	return rc;
}

int strata_backups_list(strata *s,
                        void (*fn)(const strata_backup_info *b, void *data),
                        void *data)
{
	static const char q[] =
	    "SELECT c.relname, CASE WHEN c.reltuples < 0 THEN NULL ELSE "
	    "c.reltuples::bigint END, pg_catalog.pg_total_relation_size(c.oid) "
	    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = c.relnamespace WHERE n.nspname = 'strata_backup' "
	    "AND c.relkind = 'r' ORDER BY c.relname";
	struct listing l = {fn, data};
	int rc;

	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (s->driver->dialect == STRATA_DIALECT_SQLITE)
		return list_sqlite(s, &l);
	/* strata copies nothing before drops on MySQL (yet) */
	if (s->driver->dialect == STRATA_DIALECT_MYSQL)
		return 0;
	return s->driver->query(s->conn, q, 0, NULL, backup_row, &l, &s->err);
}

/* ---- whole-database backups ---- */

/* ".strata/backups/NAME-20261122T093000Z.EXT" (caller frees). */
static char *backup_path(const char *name, const char *ext)
{
	strata_buf b = STRATA_BUF_INIT;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	strata_buf_printf(&b, ".strata/backups/%s-%s.%s", name, stamp, ext);
	return strata_buf_detach(&b);
}

static int make_dirs(strata *s)
{
	if ((mkdir(".strata", 0777) < 0 && errno != EEXIST) ||
	    (mkdir(".strata/backups", 0777) < 0 && errno != EEXIST))
		return strata_error_set(&s->err, STRATA_EIO,
		                        "cannot create .strata/backups: %s",
		                        strerror(errno));
	return 0;
}

/* pg_dump -Fc into path, run without a shell; its messages go into the
 * error, not to the terminal (the library never prints). */
static int pg_dump(strata *s, const char *path)
{
	strata_buf said = STRATA_BUF_INIT;
	char buf[4096];
	int fds[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return strata_error_set(&s->err, STRATA_EIO, "pipe: %s",
		                        strerror(errno));
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return strata_error_set(&s->err, STRATA_EIO, "fork: %s",
		                        strerror(errno));
	}
	if (pid == 0) {
		char *argv[] = {
		    "pg_dump",    "--format=custom", "--no-password", "--file",
		    (char *)path, "--dbname",        s->url,          NULL};
		dup2(fds[1], STDERR_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("pg_dump", argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			strata_buf_add(&said, buf, (size_t)n);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		strata_buf_dispose(&said);
		return 0;
	}
	unlink(path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		strata_error_set(&s->err, STRATA_ENOTFOUND,
		                 "pg_dump not found: install the PostgreSQL "
		                 "client tools (postgresql-client) to back up");
	else
		strata_error_set(&s->err, STRATA_EIO, "pg_dump failed");
	while (said.len && said.ptr[said.len - 1] == '\n')
		said.ptr[--said.len] = '\0';
	if (said.len) {
		char *shown = strata_url_redact(said.ptr);
		strata_error_field(&s->err.detail, shown ? shown : said.ptr);
		free(shown);
	}
	strata_buf_dispose(&said);
	return s->err.code;
}

int strata_database_backup(strata *s, char **out_path)
{
	char *path = NULL, *file = NULL;
	int rc;

	*out_path = NULL;
	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (s->driver->dialect == STRATA_DIALECT_MYSQL)
		return strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "whole-database backups are not "
		    "available for MySQL yet: run mysqldump "
		    "first");
	if ((rc = make_dirs(s)) < 0)
		return rc;
	if (s->driver->backup_to) {
		const char *base, *dot;
		char *name;
		if ((rc = strata_url_sqlite_path(s->url, &file, &s->err)) < 0)
			return rc;
		base = strrchr(file, '/');
		base = base ? base + 1 : file;
		dot = strrchr(base, '.');
		name = strndup(base, dot && dot != base ? (size_t)(dot - base)
		                                        : strlen(base));
		path = name ? backup_path(name, "db") : NULL;
		free(name);
		free(file);
		if (!path)
			return strata_error_set(&s->err, STRATA_ENOMEM,
			                        "out of memory");
		rc = s->driver->backup_to(s->conn, path, &s->err);
	} else {
		if (!(path = backup_path("postgres", "dump")))
			return strata_error_set(&s->err, STRATA_ENOMEM,
			                        "out of memory");
		rc = pg_dump(s, path);
	}
	if (rc < 0) {
		free(path);
		return rc;
	}
	*out_path = path;
	return 0;
}

int strata_database_restore(strata *s, const char *path)
{
	int rc;

	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (!s->driver->restore_from &&
	    s->driver->dialect == STRATA_DIALECT_MYSQL)
		return strata_error_set(&s->err, STRATA_EUSAGE,
		                        "strata restores SQLite backups only");
	if (!s->driver->restore_from)
		return strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "strata restores SQLite backups only; for PostgreSQL run "
		    "pg_restore --clean --dbname URL '%s'",
		    path);
	if (access(path, R_OK) < 0)
		return strata_error_set(&s->err, STRATA_EIO,
		                        "cannot read the backup '%s': %s", path,
		                        strerror(errno));
	return s->driver->restore_from(s->conn, path, &s->err);
}
