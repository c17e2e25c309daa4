/*
 * Live facts for lint (PostgreSQL): table sizes and row estimates from
 * pg_class, column types, indexes, function volatility.  Every answer is
 * cached for the run, so a file that names a table a hundred times asks
 * once.  Queries use parameters, never built SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "lint.h"
#include "strata/driver.h"

struct live {
	struct name_map tables;    /* name -> "rows bytes" or "" (absent) */
	struct name_map functions; /* name -> "v", "s", "i" or "" */
	struct name_map columns;   /* "table.column" -> type or "" */
	struct name_map indexes;   /* "table.column" -> "1" or "0" */
};

/* "schema.table" -> schema ("" for none) and table. */
static void split_name(const char *name, char *schema, size_t sn, char *table,
                       size_t tn)
{
	const char *dot = strchr(name, '.');

	if (dot) {
		snprintf(schema, sn, "%.*s", (int)(dot - name), name);
		snprintf(table, tn, "%s", dot + 1);
	} else {
		schema[0] = '\0';
		snprintf(table, tn, "%s", name);
	}
}

static int first_value(void *data, int ncols, const char *const *values)
{
	strata_buf *b = data;

	if (ncols > 0 && values[0]) {
		strata_buf_puts(b, values[0]);
		for (int i = 1; i < ncols; i++) {
			strata_buf_putc(b, ' ');
			strata_buf_puts(b, values[i] ? values[i] : "-1");
		}
	}
	return 1; /* one row is enough */
}

/* Runs a lookup; the first row's values joined by spaces, "" for none.
 * Failures (permissions, a dropped connection) count as "unknown". */
static int lookup(struct lint *L, const char *sql, int n,
                  const char *const *params, strata_buf *out)
{
	strata_error err = {0};
	int rc = L->s->driver->query(L->s->conn, sql, n, params, first_value,
	                             out, &err);
	strata_error_dispose(&err);
	return rc < 0 ? rc : 0;
}

#define WHERE_REL                                                              \
	" c.relname = $2 AND CASE WHEN $1 = '' THEN "                          \
	"pg_catalog.pg_table_is_visible(c.oid) ELSE n.nspname = $1 END "

void lint_live_table(struct lint *L, const char *table, struct live_table *out)
{
	static const char sql[] =
	    "SELECT c.reltuples::bigint, "
	    "pg_catalog.pg_total_relation_size(c.oid) "
	    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = c.relnamespace WHERE" WHERE_REL
	    "AND c.relkind IN ('r', 'p', 'm', 'i') LIMIT 1";
	const char *v;
	char schema[128], name[128];

	out->known = 0;
	out->rows = out->bytes = -1;
	if (!L->live)
		return;
	if (!(v = strata_name_map_get(&L->live->tables, table))) {
		const char *params[2] = {schema, name};
		strata_buf b;
		strata_buf_init(&b);
		split_name(table, schema, sizeof(schema), name, sizeof(name));
		if (lookup(L, sql, 2, params, &b) == 0)
			strata_name_map_put(&L->live->tables, table, b.ptr);
		strata_buf_dispose(&b);
		if (!(v = strata_name_map_get(&L->live->tables, table)))
			return;
	}
	if (*v && sscanf(v, "%lld %lld", &out->rows, &out->bytes) == 2) {
		out->known = 1;
		if (out->rows < 0) /* never analyzed */
			out->rows = -1;
	}
}

int lint_live_function_volatile(struct lint *L, const char *fn)
{
	static const char sql[] = "SELECT max(provolatile::text) FROM "
	                          "pg_catalog.pg_proc WHERE proname = $1";
	const char *v;

	if (!L->live)
		return -1;
	if (!(v = strata_name_map_get(&L->live->functions, fn))) {
		strata_buf b;
		strata_buf_init(&b);
		if (lookup(L, sql, 1, &fn, &b) == 0)
			strata_name_map_put(&L->live->functions, fn, b.ptr);
		strata_buf_dispose(&b);
		if (!(v = strata_name_map_get(&L->live->functions, fn)))
			return -1;
	}
	return *v ? *v == 'v' : -1;
}

/* format_type()'s words -> the parser's names */
static void short_type(const char *in, char *out, size_t n)
{
	static const char *const map[][2] = {
	    {"character varying", "varchar"},
	    {"character", "bpchar"},
	    {"timestamp without time zone", "timestamp"},
	    {"timestamp with time zone", "timestamptz"},
	    {"time without time zone", "time"},
	    {"time with time zone", "timetz"},
	    {"integer", "int4"},
	    {"bigint", "int8"},
	    {"smallint", "int2"},
	    {"boolean", "bool"},
	    {"double precision", "float8"},
	    {"real", "float4"},
	    {"bit varying", "varbit"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
		size_t k = strlen(map[i][0]);
		if (!strncmp(in, map[i][0], k) &&
		    (in[k] == '\0' || in[k] == '(' || in[k] == '[')) {
			snprintf(out, n, "%s%s", map[i][1], in + k);
			return;
		}
	}
	snprintf(out, n, "%s", in);
}

void lint_live_column_type(struct lint *L, const char *table,
                           const char *column, char *out, size_t n)
{
	static const char sql[] =
	    "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) "
	    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c "
	    "ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = c.relnamespace WHERE" WHERE_REL
	    "AND a.attname = $3 AND NOT a.attisdropped LIMIT 1";
	char key[300], schema[128], name[128];
	const char *v;

	out[0] = '\0';
	if (!L->live)
		return;
	snprintf(key, sizeof(key), "%s.%s", table, column);
	if (!(v = strata_name_map_get(&L->live->columns, key))) {
		const char *params[3] = {schema, name, column};
		strata_buf b;
		strata_buf_init(&b);
		split_name(table, schema, sizeof(schema), name, sizeof(name));
		if (lookup(L, sql, 3, params, &b) == 0)
			strata_name_map_put(&L->live->columns, key, b.ptr);
		strata_buf_dispose(&b);
		if (!(v = strata_name_map_get(&L->live->columns, key)))
			return;
	}
	short_type(v, out, n);
}

int lint_live_has_index(struct lint *L, const char *table, const char *column)
{
	static const char sql[] =
	    "SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
	    "ON c.oid = i.indrelid JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = c.relnamespace JOIN pg_catalog.pg_attribute a "
	    "ON a.attrelid = c.oid AND a.attnum = i.indkey[0] WHERE" WHERE_REL
	    "AND a.attname = $3 LIMIT 1";
	char key[300], schema[128], name[128];
	const char *v;

	if (!L->live)
		return -1;
	snprintf(key, sizeof(key), "%s.%s", table, column);
	if (!(v = strata_name_map_get(&L->live->indexes, key))) {
		const char *params[3] = {schema, name, column};
		strata_buf b;
		strata_buf_init(&b);
		split_name(table, schema, sizeof(schema), name, sizeof(name));
		if (lookup(L, sql, 3, params, &b) == 0)
			strata_name_map_put(&L->live->indexes, key,
			                    *b.ptr ? "1" : "0");
		strata_buf_dispose(&b);
		if (!(v = strata_name_map_get(&L->live->indexes, key)))
			return -1;
	}
	return *v == '1';
}

static int version_row(void *data, int ncols, const char *const *values)
{
	if (ncols > 0 && values[0])
		*(int *)data = atoi(values[0]) / 10000;
	return 0;
}

int strata_lint_live_open(struct lint *L)
{
	strata_error err = {0};
	int rc, v = 0;

	if ((rc = strata_session_connect(L->s)) < 0)
		return rc;
	if (!(L->live = calloc(1, sizeof(*L->live))))
		return STRATA_ENOMEM;
	if (!L->pg_version &&
	    L->s->driver->query(L->s->conn, "SHOW server_version_num", 0, NULL,
	                        version_row, &v, &err) == 0 &&
	    v > 0)
		L->pg_version = v;
	strata_error_dispose(&err);
	return 0;
}

void strata_lint_live_free(struct live *live)
{
	if (!live)
		return;
	strata_name_map_dispose(&live->tables);
	strata_name_map_dispose(&live->functions);
	strata_name_map_dispose(&live->columns);
	strata_name_map_dispose(&live->indexes);
	free(live);
}
