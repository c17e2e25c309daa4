/*
 * Data backups before a drop, on SQLite: a dropped table, or a dropped
 * column with the key of its rows, is first copied into a SQLite file next
 * to the database, "<database file>.strata-backup", attached to the
 * migration's connection as the schema strata_backup.
 *
 * Attaching: SQLite refuses ATTACH inside a transaction, and the copy must
 * be made inside the migration's, so the file is attached before the run's
 * first BEGIN (strata_backup_prepare), once per connection, and only when
 * an up section of the run drops a table or a column.  Not at connect:
 * then every status or lint would create the file, and every migration
 * would lock it.  Once attached, BEGIN IMMEDIATE takes the write lock of
 * both files, so two runs that copy wait for each other as they wait for
 * the database.  Unqualified names look in attached files after main, but
 * the copies' names start with a version, so no migration's table is
 * found there by mistake.
 *
 * Atomicity: the copy and the drop are in one transaction over two files.
 * A statement that fails, or a run stopped before its COMMIT, rolls both
 * back, whatever the journal mode.  A crash in the middle of the COMMIT is
 * another matter: SQLite commits several files atomically (through a
 * super-journal) only when each keeps a rollback journal on disk
 * (journal_mode DELETE, TRUNCATE or PERSIST).  With the database in WAL
 * mode it commits the database first, then the backup file, each atomic
 * on its own, and a crash between the two leaves the drop done and the
 * copy rolled back.  docs/file-format.md says so.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "lint/lint.h"
#include "split.h"
#include "strata/driver.h"

#define BACKUP_SUFFIX ".strata-backup"

static int text_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		strata_buf_puts(data, v[0]);
	return 0;
}

/* Always quoted: SQLite's keywords need it too, and quotes never hurt. */
static void put_quoted(strata_buf *b, const char *name)
{
	strata_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			strata_buf_putc(b, '"');
		strata_buf_putc(b, *p);
	}
	strata_buf_putc(b, '"');
}

/* The first column of every row, ", "-separated, each as "quoted". */
static int list_row(void *data, int ncols, const char *const *v)
{
	strata_buf *b = data;

	if (ncols < 1 || !v[0])
		return 0;
	if (b->len)
		strata_buf_puts(b, ", ");
	put_quoted(b, v[0]);
	return 0;
}

/* Whether the query returns a row (a failing query: no). */
static int has_row(strata *s, const char *q, int n, const char *const *params)
{
	strata_buf found = STRATA_BUF_INIT;
	strata_error scratch = {0};
	int yes;

	s->driver->query(s->conn, q, n, params, text_row, &found, &scratch);
	yes = found.len > 0;
	strata_buf_dispose(&found);
	strata_error_dispose(&scratch);
	return yes;
}

static int attached(strata *s)
{
	return has_row(s,
	               "SELECT 1 FROM pragma_database_list WHERE name = "
	               "'strata_backup'",
	               0, NULL);
}

int strata_sqlite_backup_attach(strata *s, int create, int *out_attached)
{
	strata_buf file = STRATA_BUF_INIT;
	const char *param;
	int rc;

	*out_attached = 0;
	if (attached(s)) {
		*out_attached = 1;
		return 0;
	}
	/* the database's full path; "" for an in-memory or temporary one,
	 * which keeps no copies */
	if ((rc = s->driver->query(s->conn,
	                           "SELECT file FROM pragma_database_list "
	                           "WHERE name = 'main'",
	                           0, NULL, text_row, &file, &s->err)) < 0 ||
	    !file.len)
		goto done;
	strata_buf_puts(&file, BACKUP_SUFFIX);
	if (!create && access(file.ptr, F_OK) < 0)
		goto done;
	param = file.ptr;
	if ((rc = s->driver->query(s->conn, "ATTACH $1 AS strata_backup", 1,
	                           &param, NULL, NULL, &s->err)) < 0) {
		char *why = strdup(s->err.message ? s->err.message : "");
		rc = strata_error_set(&s->err, STRATA_EIO,
		                      "cannot open the data backup file '%s': "
		                      "%s",
		                      file.ptr, why ? why : "out of memory");
		free(why);
		strata_error_field(&s->err.way_out,
		                   "run again with --no-data-backup to drop "
		                   "without keeping a copy");
		goto done;
	}
	*out_attached = 1;
done:
	strata_buf_dispose(&file);
	return rc;
}

int strata_backup_prepare(strata *s, const struct step *steps,
                          const strata_stmt_list *lists, size_t n)
{
	strata_buf drops = STRATA_BUF_INIT;
	int on, any;

	if (!s->data_backup || s->driver->dialect != STRATA_DIALECT_SQLITE)
		return 0;
	for (size_t i = 0; i < n && !drops.len; i++)
		for (size_t k = steps[i].from; steps[i].dir == STRATA_UP &&
		                               k < lists[i].count && !drops.len;
		     k++)
			strata_sqlite_statement_drops(lists[i].items[k].sql,
			                              &drops);
	any = drops.len > 0;
	strata_buf_dispose(&drops);
	return any ? strata_sqlite_backup_attach(s, 1, &on) : 0;
}

/*
 * The schema of the table a statement drops: the one it names, else temp
 * before main, as SQLite looks for it.  NULL: no such table (DROP ... IF
 * EXISTS of nothing).
 */
static const char *table_schema(strata *s, const char *given, const char *table)
{
	static const char *const look[] = {"temp", "main"};
	const char *const *from = given ? &given : look;
	const char *param = table;

	for (size_t i = 0; i < (given ? 1u : 2u); i++) {
		strata_buf q = STRATA_BUF_INIT;
		int yes;
		strata_buf_puts(&q, "SELECT 1 FROM ");
		put_quoted(&q, from[i]);
		strata_buf_puts(&q, ".sqlite_master WHERE type = 'table' AND "
		                    "name = $1 COLLATE NOCASE");
		yes = has_row(s, q.ptr, 1, &param);
		strata_buf_dispose(&q);
		if (yes)
			return from[i];
	}
	return NULL;
}

/* "VERSION_TABLE[_COLUMN]", then _2, _3, ... while a copy has the name. */
static void copy_name(strata *s, const struct step *st, const char *table,
                      const char *col, strata_buf *out)
{
	size_t len;
	const char *param;

	strata_buf_printf(out, "%s_%s%s%s", st->m->version, table,
	                  *col ? "_" : "", col);
	for (char *p = out->ptr; *p; p++)
		if (*p == '.')
			*p = '_';
	len = out->len;
	for (int n = 2;; n++) {
		param = out->ptr;
		if (!has_row(s,
		             "SELECT 1 FROM strata_backup.sqlite_master WHERE "
		             "name = $1 COLLATE NOCASE",
		             1, &param))
			return;
		out->len = len;
		out->ptr[len] = '\0';
		strata_buf_printf(out, "_%d", n);
	}
}

/* The columns that find a table's rows again, as SQL: its primary key,
 * else its rowid, which a DROP COLUMN keeps (a VACUUM may not). */
static void row_key(strata *s, const char *const *params, strata_buf *out)
{
	strata_error scratch = {0};

	s->driver->query(s->conn,
	                 "SELECT name FROM pragma_table_xinfo($1, $2) "
	                 "WHERE pk > 0 ORDER BY pk",
	                 2, params, list_row, out, &scratch);
	strata_error_dispose(&scratch);
	if (!out->len)
		strata_buf_puts(out, "rowid AS rowid");
}

/* Copies one dropped table (col "") or column; 0 when there is nothing
 * to copy. */
static int copy_one(strata *s, const struct step *st, const char *tab,
                    const char *col)
{
	strata_buf q = STRATA_BUF_INIT, key = STRATA_BUF_INIT,
	           name = STRATA_BUF_INIT;
	const char *dot = strchr(tab, '.'), *schema, *params[3];
	char *given = dot ? strndup(tab, (size_t)(dot - tab)) : NULL;
	const char *table = dot ? dot + 1 : tab;
	long off;
	int rc = 0;

	if (dot && !given)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	/* strata_backup's own copies go without a copy */
	if ((given && strcasecmp(given, "strata_backup") == 0) ||
	    !(schema = table_schema(s, given, table)))
		goto done;
	params[0] = table;
	params[1] = schema;
	params[2] = col;
	/* a column the table lacks: the statement fails by itself */
	if (*col && !has_row(s,
	                     "SELECT 1 FROM pragma_table_xinfo($1, $2) "
	                     "WHERE name = $3 COLLATE NOCASE",
	                     3, params))
		goto done;
	if (*col)
		row_key(s, params, &key);
	copy_name(s, st, tab, col, &name);
	strata_buf_puts(&q, "CREATE TABLE strata_backup.");
	put_quoted(&q, name.ptr);
	strata_buf_puts(&q, " AS SELECT ");
	if (*col) {
		strata_buf_printf(&q, "%s, ", key.ptr);
		put_quoted(&q, col);
	} else {
		strata_buf_putc(&q, '*');
	}
	strata_buf_puts(&q, " FROM ");
	put_quoted(&q, schema);
	strata_buf_putc(&q, '.');
	put_quoted(&q, table);
	if ((rc = s->driver->exec(s->conn, q.ptr, &off, &s->err)) < 0) {
		char *why = strdup(s->err.message ? s->err.message : "");
		rc = strata_error_set(&s->err, STRATA_EDB,
		                      "cannot keep a copy of '%s%s%s' in "
		                      "strata_backup before the drop: %s",
		                      tab, *col ? "." : "", col,
		                      why ? why : "out of memory");
		free(why);
		strata_error_field(&s->err.way_out,
		                   "run again with --no-data-backup to drop "
		                   "without keeping a copy");
		goto done;
	}
	strata_buf_clear(&q);
	strata_buf_printf(&q,
	                  "kept a copy of '%s%s%s' in strata_backup.%s "
	                  "before the drop",
	                  tab, *col ? "." : "", col, name.ptr);
	strata_session_emit(s, STRATA_EVENT_WARNING, &st->m->pub, q.ptr);
done:
	free(given);
	strata_buf_dispose(&q);
	strata_buf_dispose(&key);
	strata_buf_dispose(&name);
	return rc;
}

int strata_backup_drops_sqlite(strata *s, const struct step *st,
                               const char *sql)
{
	strata_buf drops = STRATA_BUF_INIT;
	int rc = 0;

	if (!s->data_backup || st->dir != STRATA_UP)
		return 0;
	if ((rc = strata_sqlite_statement_drops(sql, &drops)) < 0) {
		strata_buf_dispose(&drops);
		return strata_error_set(&s->err, rc, "out of memory");
	}
	/* not attached: an in-memory database, which keeps no copies */
	if (!drops.len || !attached(s))
		goto done;
	for (char *line = drops.ptr, *nl, *col; rc == 0 && *line;
	     line = nl + 1) {
		if (!(nl = strchr(line, '\n')) || !(col = strchr(line, '\t')))
			break;
		*nl = '\0';
		*col++ = '\0';
		rc = copy_one(s, st, line, col);
	}
done:
	strata_buf_dispose(&drops);
	return rc;
}
