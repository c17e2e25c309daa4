/*
 * What the engine does before a statement drops something on PostgreSQL:
 * copies a dropped table or column into strata_backup, and clears the
 * INVALID index a failed CREATE INDEX CONCURRENTLY left behind.  SQLite's
 * copies are made in run_drops_sqlite.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "lint/lint.h"
#include "strata/driver.h"

static int any_row(void *data, int ncols, const char *const *v)
{
	(void)ncols;
	(void)v;
	*(int *)data = 1;
	return 1;
}

/*
 * A CREATE INDEX CONCURRENTLY that failed leaves its index behind, INVALID,
 * and running the statement again then fails on the name.  Drops such a
 * leftover before the statement runs, and says so.
 */
void strata_drop_invalid_index(strata *s, const struct step *st,
                               const char *sql)
{
	static const char q[] =
	    "SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
	    "pg_catalog.to_regclass($1) AND NOT indisvalid";
	strata_buf name = STRATA_BUF_INIT, drop = STRATA_BUF_INIT;
	strata_error scratch = {0};
	const char *param;
	int no_tx, found = 0;
	long off;

	if (!strata_is_pg(s))
		return;
	strata_pg_statement_info(sql, &no_tx, &name);
	param = name.ptr;
	if (name.len &&
	    s->driver->query(s->conn, q, 1, &param, any_row, &found,
	                     &scratch) >= 0 &&
	    found) {
		strata_buf_printf(&drop, "DROP INDEX CONCURRENTLY IF EXISTS %s",
		                  name.ptr);
		if (s->driver->exec(s->conn, drop.ptr, &off, &scratch) >= 0) {
			strata_buf_clear(&drop);
			strata_buf_printf(
			    &drop,
			    "dropped the invalid index %s that a "
			    "failed CREATE INDEX CONCURRENTLY left "
			    "behind, to build it again",
			    name.ptr);
			strata_session_emit(s, STRATA_EVENT_WARNING,
			                    &st->m->pub, drop.ptr);
		}
	}
	strata_error_dispose(&scratch);
	strata_buf_dispose(&name);
	strata_buf_dispose(&drop);
}

/* ---- data backups before a drop (PostgreSQL) ---- */

static int text_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		strata_buf_puts(data, v[0]);
	return 1;
}

static void lint_put_ident_pg(strata_buf *b, const char *name)
{
	lint_put_ident(b, name, STRATA_DIALECT_POSTGRES);
}

/* "schema.table" as SQL, each part quoted where needed. */
static void put_table(strata_buf *b, const char *table)
{
	const char *dot = strchr(table, '.');

	if (dot) {
		char *schema = strndup(table, (size_t)(dot - table));
		if (schema)
			lint_put_ident_pg(b, schema);
		free(schema);
		strata_buf_putc(b, '.');
		table = dot + 1;
	}
	lint_put_ident_pg(b, table);
}

/*
 * Before a statement drops a table or a column, copies what it drops
 * into the strata_backup schema, in the same transaction: the table as
 * it is, or the column with the primary key that finds its rows again.
 */
int strata_backup_drops(strata *s, const struct step *st, const char *sql)
{
	static const char exists_q[] =
	    "SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL";
	static const char pk_q[] =
	    "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY "
	    "array_position(i.indkey, a.attnum)) FROM pg_catalog.pg_index i "
	    "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND "
	    "a.attnum = ANY(i.indkey) WHERE i.indrelid = "
	    "pg_catalog.to_regclass($1) AND i.indisprimary";
	strata_buf drops = STRATA_BUF_INIT;
	strata_error scratch = {0};
	long off;
	int rc = 0;

	if (!strata_is_pg(s))
		return strata_backup_drops_sqlite(s, st, sql);
	if (!s->data_backup || st->dir != STRATA_UP)
		return 0;
	strata_pg_statement_drops(sql, &drops);
	for (char *line = drops.ptr, *nl; rc == 0 && *line; line = nl + 1) {
		strata_buf q = STRATA_BUF_INIT, found = STRATA_BUF_INIT,
		           pk = STRATA_BUF_INIT, name = STRATA_BUF_INIT;
		char *tab, *col;
		const char *param;

		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		tab = line;
		col = strchr(line, '\t');
		*col++ = '\0';
		param = tab;
		s->driver->query(s->conn, exists_q, 1, &param, text_row, &found,
		                 &scratch);
		if (!found.len) /* DROP ... IF EXISTS of nothing */
			goto next;
		strata_buf_printf(&name, "%s_%s%s%s", st->m->version, tab,
		                  *col ? "_" : "", col);
		for (char *p = name.ptr; *p; p++)
			if (*p == '.')
				*p = '_';
		if (name.len > 60)
			name.ptr[60] = '\0';
		/* an earlier copy under that name (a redo) is kept too */
		for (int n = 2; n < 100; n++) {
			strata_buf there = STRATA_BUF_INIT,
			           full = STRATA_BUF_INIT;
			const char *p2;
			int taken;
			strata_buf_puts(&full, "strata_backup.");
			lint_put_ident_pg(&full, name.ptr);
			p2 = full.ptr;
			s->driver->query(s->conn, exists_q, 1, &p2, text_row,
			                 &there, &scratch);
			taken = there.len > 0;
			strata_buf_dispose(&there);
			strata_buf_dispose(&full);
			if (!taken)
				break;
			name.len = strlen(name.ptr);
			if (n > 2)
				name.len =
				    (size_t)(strrchr(name.ptr, '_') - name.ptr);
			name.ptr[name.len] = '\0';
			strata_buf_printf(&name, "_%d", n);
		}
		if (*col) {
			s->driver->query(s->conn, pk_q, 1, &param, text_row,
			                 &pk, &scratch);
			if (!pk.len)
				strata_buf_puts(&pk, "ctid::text AS row_ctid");
		}
		strata_buf_puts(&q, "CREATE TABLE strata_backup.");
		lint_put_ident_pg(&q, name.ptr);
		if (*col) {
			strata_buf_printf(&q, " AS SELECT %s, ", pk.ptr);
			lint_put_ident_pg(&q, col);
			strata_buf_puts(&q, " FROM ");
		} else {
			strata_buf_puts(&q, " AS TABLE ");
		}
		put_table(&q, tab);
		if ((rc = s->driver->exec(s->conn,
		                          "CREATE SCHEMA IF NOT EXISTS "
		                          "strata_backup",
		                          &off, &s->err)) < 0)
			goto next;
		if ((rc = s->driver->exec(s->conn, q.ptr, &off, &s->err)) < 0)
			goto next;
		strata_buf_clear(&q);
		strata_buf_printf(&q,
		                  "kept a copy of '%s%s%s' in "
		                  "strata_backup.%s before the drop",
		                  tab, *col ? "." : "", col, name.ptr);
		strata_session_emit(s, STRATA_EVENT_WARNING, &st->m->pub,
		                    q.ptr);
	next:
		strata_buf_dispose(&q);
		strata_buf_dispose(&found);
		strata_buf_dispose(&pk);
		strata_buf_dispose(&name);
	}
	strata_error_dispose(&scratch);
	strata_buf_dispose(&drops);
	return rc;
}
