/*
 * Rule family 'locks' (PostgreSQL): statements that hold a strong lock on a
 * table that already has rows for as long as a scan, a rewrite or an index
 * build takes, and the pattern that does the same work without it.  See
 * docs/lint-rules.md and ../shared/notes/postgres-locks.md.
 *
 * The lock each statement takes and whether it scans or rewrites come from
 * the analysis (st->touches, pg_analyze.c); the rules here decide which of
 * those deserve a finding and what to write instead.  Tables created
 * earlier in the same section are never flagged: nobody waits on them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

enum {
	R_INDEX,
	R_DROP_INDEX,
	R_REINDEX,
	R_DETACH,
	R_REFRESH,
	R_CHECK,
	R_FOREIGN_KEY,
	R_VALIDATE_SAME_TX,
	R_VOLATILE_DEFAULT,
	R_UNKNOWN_DEFAULT,
	R_GENERATED,
	R_SERIAL,
	R_TYPE_CHANGE,
	R_SET_NOT_NULL,
	R_REQUIRED,
	R_PRIMARY_KEY,
	R_UNIQUE,
	R_TABLE_REWRITE,
	R_VACUUM_FULL,
	R_CLUSTER,
	R_LOCK_TABLE,
	R_COUNT
};

static const struct lint_rule rules[] = {
    [R_INDEX] = {"index-without-concurrently", STRATA_SEVERITY_ERROR, 0,
                 "CREATE INDEX without CONCURRENTLY blocks writes to the "
                 "table while the index builds"},
    [R_DROP_INDEX] = {"drop-index-without-concurrently",
                      STRATA_SEVERITY_WARNING, 0,
                      "DROP INDEX without CONCURRENTLY takes ACCESS "
                      "EXCLUSIVE on the index's table"},
    [R_REINDEX] = {"reindex-without-concurrently", STRATA_SEVERITY_ERROR, 0,
                   "REINDEX without CONCURRENTLY blocks writes (and reads "
                   "that use the index) while it rebuilds"},
    [R_DETACH] = {"detach-partition-without-concurrently",
                  STRATA_SEVERITY_WARNING, 0,
                  "DETACH PARTITION without CONCURRENTLY takes ACCESS "
                  "EXCLUSIVE on the partitioned table"},
    [R_REFRESH] = {"refresh-matview-without-concurrently",
                   STRATA_SEVERITY_WARNING, 0,
                   "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks "
                   "reads of the view while it runs"},
    [R_CHECK] = {"constraint-without-not-valid", STRATA_SEVERITY_ERROR, 0,
                 "ADD CHECK without NOT VALID scans the table under ACCESS "
                 "EXCLUSIVE"},
    [R_FOREIGN_KEY] = {"foreign-key-without-not-valid", STRATA_SEVERITY_ERROR,
                       0,
                       "a foreign key without NOT VALID scans the table and "
                       "blocks writes to both tables"},
    [R_VALIDATE_SAME_TX] = {"validate-in-same-transaction",
                            STRATA_SEVERITY_ERROR, 0,
                            "VALIDATE CONSTRAINT in the transaction that "
                            "added it NOT VALID still holds the ADD's lock"},
    [R_VOLATILE_DEFAULT] = {"volatile-default", STRATA_SEVERITY_ERROR, 0,
                            "ADD COLUMN with a volatile DEFAULT (any DEFAULT "
                            "before PostgreSQL 11) rewrites the table"},
    [R_UNKNOWN_DEFAULT] = {"unknown-default-volatility",
                           STRATA_SEVERITY_WARNING, 0,
                           "ADD COLUMN with a DEFAULT calling a function "
                           "strata cannot classify: a rewrite if volatile"},
    [R_GENERATED] = {"stored-generated-column", STRATA_SEVERITY_ERROR, 0,
                     "ADD COLUMN ... GENERATED ALWAYS AS ... STORED rewrites "
                     "the table"},
    [R_SERIAL] = {"add-serial-column", STRATA_SEVERITY_ERROR, 0,
                  "ADD COLUMN of a serial or identity column rewrites the "
                  "table"},
    [R_TYPE_CHANGE] = {"column-type-change", STRATA_SEVERITY_ERROR, 0,
                       "ALTER COLUMN TYPE rewrites the table unless the "
                       "types are binary-coercible"},
    [R_SET_NOT_NULL] = {"set-not-null", STRATA_SEVERITY_ERROR, 0,
                        "SET NOT NULL scans the table under ACCESS "
                        "EXCLUSIVE unless a validated CHECK proves it"},
    [R_REQUIRED] = {"required-column-without-default", STRATA_SEVERITY_ERROR, 0,
                    "ADD COLUMN ... NOT NULL without DEFAULT fails on a "
                    "table that has rows"},
    [R_PRIMARY_KEY] = {"primary-key-without-index", STRATA_SEVERITY_ERROR, 0,
                       "ADD PRIMARY KEY without USING INDEX builds the index "
                       "under ACCESS EXCLUSIVE"},
    [R_UNIQUE] = {"unique-without-index", STRATA_SEVERITY_ERROR, 0,
                  "ADD UNIQUE or EXCLUDE without USING INDEX builds the "
                  "index under ACCESS EXCLUSIVE"},
    [R_TABLE_REWRITE] = {"table-rewrite", STRATA_SEVERITY_ERROR, 0,
                         "SET TABLESPACE, SET LOGGED/UNLOGGED or SET ACCESS "
                         "METHOD rewrites the table under ACCESS EXCLUSIVE"},
    [R_VACUUM_FULL] = {"vacuum-full", STRATA_SEVERITY_ERROR, 0,
                       "VACUUM FULL rewrites the table under ACCESS "
                       "EXCLUSIVE"},
    [R_CLUSTER] = {"cluster", STRATA_SEVERITY_ERROR, 0,
                   "CLUSTER rewrites the table under ACCESS EXCLUSIVE"},
    [R_LOCK_TABLE] = {"lock-table-access-exclusive", STRATA_SEVERITY_WARNING, 0,
                      "LOCK TABLE in ACCESS EXCLUSIVE mode blocks every query "
                      "on the table until the transaction ends"},
};

/* ---- per-section state ---- */

struct locks_state {
	/* indexes created in this section, as written and schema-qualified */
	struct name_set indexes;
	/* "table.constraint" added NOT VALID in the transaction still open ->
	 * the lock that ADD took (held until that transaction ends) */
	struct name_map not_valid;
};

static void *state_new(void)
{
	return calloc(1, sizeof(struct locks_state));
}

static void state_free(void *p)
{
	struct locks_state *s = p;

	strata_name_set_dispose(&s->indexes);
	strata_name_map_dispose(&s->not_valid);
	free(s);
}

/* defined at the end; statement() looks its own state up by it */
extern const struct lint_family strata_lint_locks;

/* ---- the statement's text ---- */

/* Length of the string, quoted identifier, comment or dollar-quoted body
 * that starts at t[i] (before end), or 0 when none starts there. */
static size_t quoted_len(const char *t, size_t i, size_t end)
{
	size_t j;

	if (t[i] == '\'' || t[i] == '"') {
		char q = t[i];
		for (j = i + 1; j < end; j++)
			if (t[j] == q) {
				if (j + 1 < end && t[j + 1] == q)
					j++; /* '' inside a string */
				else
					return j + 1 - i;
			}
		return end - i;
	}
	if (t[i] == '-' && i + 1 < end && t[i + 1] == '-') {
		for (j = i; j < end && t[j] != '\n'; j++)
			;
		return j - i;
	}
	if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
		for (j = i + 2; j + 1 < end; j++)
			if (t[j] == '*' && t[j + 1] == '/')
				return j + 2 - i;
		return end - i;
	}
	if (t[i] == '$') {
		size_t tag;
		for (j = i + 1;
		     j < end && (isalnum((unsigned char)t[j]) || t[j] == '_');
		     j++)
			;
		if (j >= end || t[j] != '$' ||
		    (j > i + 1 && isdigit((unsigned char)t[i + 1])))
			return 0;
		tag = j + 1 - i;
		for (j = i + tag; j + tag <= end; j++)
			if (memcmp(t + j, t + i, tag) == 0)
				return j + tag - i;
		return end - i;
	}
	return 0;
}

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Whether the keyword `w` (lower case) is the whole word at t[i]. */
static int word_at(const char *t, size_t i, size_t end, const char *w)
{
	size_t n = strlen(w);

	if (i + n > end || (i > 0 && ident_char(t[i - 1])))
		return 0;
	for (size_t k = 0; k < n; k++)
		if (tolower((unsigned char)t[i + k]) != w[k])
			return 0;
	return i + n == end || !ident_char(t[i + n]);
}

/* Offset of the first keyword `w` in t[from, end), outside strings and
 * comments; (size_t)-1 when there is none. */
static size_t find_word(const char *t, size_t from, size_t end, const char *w)
{
	for (size_t i = from; i < end;) {
		size_t q = quoted_len(t, i, end);
		if (q) {
			i += q;
			continue;
		}
		if (word_at(t, i, end, w))
			return i;
		i++;
	}
	return (size_t)-1;
}

/*
 * The end of the expression or constraint that starts at t[from]: the first
 * ',' or unmatched ')' outside parentheses, CASE ... END and quotes, or one
 * of `stops` (keywords that end a column's DEFAULT), or `end`.  Trailing
 * blanks are left out.
 */
static size_t clause_end(const char *t, size_t from, size_t end,
                         const char *const *stops)
{
	int depth = 0;
	size_t i = from;

	while (i < end) {
		size_t q = quoted_len(t, i, end);
		if (q) {
			i += q;
			continue;
		}
		if (t[i] == '(' || t[i] == '[') {
			depth++;
		} else if (t[i] == ')' || t[i] == ']') {
			if (depth-- == 0)
				break;
		} else if (word_at(t, i, end, "case")) {
			depth++;
		} else if (word_at(t, i, end, "end")) {
			depth--;
		} else if (depth == 0 && t[i] == ',') {
			break;
		} else if (depth == 0 && stops && i > from) {
			int hit = 0;
			for (const char *const *s = stops; *s && !hit; s++)
				hit = word_at(t, i, end, *s);
			if (hit)
				break;
		}
		i++;
	}
	while (i > from && isspace((unsigned char)t[i - 1]))
		i--;
	return i;
}

/* The end of the current statement in L->text (before the ';'). */
static size_t stmt_end(const struct lint_stmt *st)
{
	return st->offset + st->len;
}

/* Copies t[from, to) into out (size n), whitespace runs folded to one
 * space so that a multi-line clause fits in a one-line message. */
static void copy_text(char *out, size_t n, const char *t, size_t from,
                      size_t to)
{
	size_t k = 0;
	int space = 0;

	for (size_t i = from; i < to && k + 1 < n; i++) {
		if (isspace((unsigned char)t[i])) {
			space = 1;
			continue;
		}
		if (space && k > 0 && k + 2 < n)
			out[k++] = ' ';
		space = 0;
		out[k++] = t[i];
	}
	out[k] = '\0';
}

/* Skips blanks and comments from t[at]. */
static size_t skip_blank(const char *t, size_t at, size_t end)
{
	for (;;) {
		while (at < end && isspace((unsigned char)t[at]))
			at++;
		if (at < end && (t[at] == '-' || t[at] == '/') &&
		    quoted_len(t, at, end))
			at += quoted_len(t, at, end);
		else
			return at;
	}
}

/* Skips one word or quoted name from t[at], and the blanks after it. */
static size_t skip_name(const char *t, size_t at, size_t end)
{
	size_t q = at < end ? quoted_len(t, at, end) : 0;

	if (q)
		at += q;
	else
		while (at < end && ident_char(t[at]))
			at++;
	return skip_blank(t, at, end);
}

/*
 * The source of the clause at parse-tree `location`, "" when unknown:
 * without a leading "CONSTRAINT name" when `unnamed`, without the keyword
 * `skip` (DEFAULT) that starts it, up to clause_end().
 */
static void clause_text(const struct lint *L, const struct lint_stmt *st,
                        int32_t location, int unnamed, const char *skip,
                        const char *const *stops, char *out, size_t n)
{
	size_t at = lint_pg_offset(L, location), end = stmt_end(st);
	const char *t = L->text;

	out[0] = '\0';
	if (at == LINT_AT_STMT || at >= end)
		return;
	if (unnamed && word_at(t, at, end, "constraint"))
		at = skip_name(t, skip_name(t, at, end), end);
	if (skip && word_at(t, at, end, skip))
		at = skip_name(t, at, end);
	copy_text(out, n, t, at, clause_end(t, at, end, stops));
}

/* The statement with `insert` added after the first keyword `after` (e.g.
 * " CONCURRENTLY" after INDEX), into out; the statement alone when the
 * keyword is not found. */
static void stmt_with(const struct lint *L, const struct lint_stmt *st,
                      const char *after, const char *insert, char *out,
                      size_t n)
{
	const char *t = L->text;
	size_t end = stmt_end(st);
	size_t at = after ? find_word(t, st->offset, end, after) : end;

	if (at == (size_t)-1) {
		snprintf(out, n, "%.*s", (int)st->len, t + st->offset);
		return;
	}
	if (after)
		at += strlen(after);
	snprintf(out, n, "%.*s%s%.*s", (int)(at - st->offset), t + st->offset,
	         insert, (int)(end - at), t + at);
}

/* ---- what the analysis says ---- */

static const struct lint_touch *touch_of(const struct lint_stmt *st,
                                         const char *name)
{
	for (size_t i = 0; i < st->ntouches; i++)
		if (strcmp(st->touches[i].name, name) == 0)
			return &st->touches[i];
	return NULL;
}

/* Whether `table` is new in this section (nobody else can be using it). */
static int is_new(const struct lint *L, const struct lint_stmt *st,
                  const char *table)
{
	const struct lint_touch *t = touch_of(st, table);

	if (t)
		return (t->effects & STRATA_TOUCH_NEW) != 0;
	return lint_created_here(L, table);
}

/* The lock the analysis says the statement takes on `table`. */
static const char *lock_on(const struct lint_stmt *st, const char *table)
{
	const struct lint_touch *t = touch_of(st, table);

	return strata_lock_mode_name(t ? t->lock
	                               : STRATA_LOCK_ACCESS_EXCLUSIVE);
}

/* What that lock blocks, in words. */
static const char *blocks(const struct lint_stmt *st, const char *table)
{
	const struct lint_touch *t = touch_of(st, table);
	strata_lock_mode m = t ? t->lock : STRATA_LOCK_ACCESS_EXCLUSIVE;

	if (m == STRATA_LOCK_ACCESS_EXCLUSIVE)
		return "blocks reads and writes";
	if (m >= STRATA_LOCK_SHARE)
		return "blocks writes";
	return "blocks other schema changes";
}

/* The transaction-block advice for a CONCURRENTLY statement. */
static const char *outside_tx(const struct lint *L)
{
	if (L->loose)
		return L->tx_depth > 0 ? "-- outside BEGIN ... COMMIT: "
		                         "CONCURRENTLY cannot run in a "
		                         "transaction block\n"
		                       : "";
	if (L->in_tx)
		return "-- strata runs this statement outside the migration's "
		       "transaction by itself;\n-- best alone in a migration "
		       "of its own, so a failure leaves nothing half done\n";
	return "";
}

/* Readable names for the parser's type names in messages. */
static const char *sql_type(const char *t)
{
	static const char *const names[][2] = {
	    {"int8", "bigint"},   {"int4", "integer"},
	    {"int2", "smallint"}, {"float8", "double precision"},
	    {"float4", "real"},   {"bool", "boolean"},
	    {"bpchar", "char"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(t, names[i][0]) == 0)
			return names[i][1];
	return t;
}

/* The last part of a possibly qualified name ("s.t" -> "t"). */
static const char *base_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot + 1 : name;
}

/* "a, b" of a list of String nodes (column names). */
static void name_list(PgQuery__Node **items, size_t n, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		if (items[i]->node_case == PG_QUERY__NODE__NODE_STRING)
			used += (size_t)snprintf(out + used, size - used,
			                         "%s%s", used ? ", " : "",
			                         items[i]->string->sval);
}

static const PgQuery__Constraint *as_constraint(const PgQuery__Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
	           ? n->constraint
	           : NULL;
}

/* ---- CREATE INDEX, DROP INDEX, REINDEX, REFRESH ---- */

static void remember_index(struct locks_state *s, const PgQuery__IndexStmt *ix)
{
	char q[300];

	if (!s || !ix->idxname || !*ix->idxname)
		return;
	strata_name_set_add(&s->indexes, ix->idxname);
	if (ix->relation && ix->relation->schemaname &&
	    *ix->relation->schemaname) {
		snprintf(q, sizeof(q), "%s.%s", ix->relation->schemaname,
		         ix->idxname);
		strata_name_set_add(&s->indexes, q);
	}
}

static void create_index(struct lint *L, const struct lint_stmt *st,
                         const PgQuery__IndexStmt *ix)
{
	char *table = strata_pg_rangevar_name(ix->relation), sql[1024];

	/* ON ONLY a partitioned table builds nothing: it is the first step
	 * of the safe pattern for partitions (then one CONCURRENTLY build per
	 * partition, attached with ALTER INDEX ... ATTACH PARTITION) */
	if (!table || !ix->relation || ix->concurrent || !ix->relation->inh ||
	    is_new(L, st, table))
		goto out;
	stmt_with(L, st, "index", " CONCURRENTLY", sql, sizeof(sql));
	lint_help(L, "%s%s;", outside_tx(L), sql);
	lint_report(L, &rules[R_INDEX], table, LINT_AT_STMT,
	            "building the index takes %s on '%s' and %s until it is "
	            "built",
	            lock_on(st, table), table, blocks(st, table));
out:
	free(table);
}

static void drop_index(struct lint *L, const PgQuery__DropStmt *d,
                       struct locks_state *s)
{
	char name[256], sql[1024];

	if (d->concurrent)
		return;
	for (size_t i = 0; i < d->n_objects; i++) {
		const PgQuery__Node *o = d->objects[i];
		size_t used = 0;

		name[0] = '\0';
		if (o->node_case == PG_QUERY__NODE__NODE_LIST)
			for (size_t k = 0; k < o->list->n_items; k++)
				if (o->list->items[k]->node_case ==
				    PG_QUERY__NODE__NODE_STRING)
					used += (size_t)snprintf(
					    name + used, sizeof(name) - used,
					    "%s%s", used ? "." : "",
					    o->list->items[k]->string->sval);
		if (!*name || (s && strata_name_set_has(&s->indexes, name)))
			continue;
		/* one index per DROP INDEX CONCURRENTLY, without CASCADE */
		snprintf(sql, sizeof(sql), "DROP INDEX CONCURRENTLY %s%s;",
		         d->missing_ok ? "IF EXISTS " : "", name);
		lint_help(L, "%s%s", outside_tx(L), sql);
		lint_report(L, &rules[R_DROP_INDEX], NULL, LINT_AT_STMT,
		            "dropping index '%s' takes ACCESS EXCLUSIVE on its "
		            "table: queued behind running queries, it blocks "
		            "every later query on that table",
		            name);
	}
}

static void reindex(struct lint *L, const struct lint_stmt *st,
                    const PgQuery__ReindexStmt *r, struct locks_state *s)
{
	const char *kind, *what, *kw;
	char *name = NULL, sql[1024];
	int conc = 0;

	for (size_t i = 0; i < r->n_params; i++)
		if (r->params[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    strcmp(r->params[i]->def_elem->defname, "concurrently") ==
		        0)
			conc = 1;
	switch (r->kind) {
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
		kind = "index";
		kw = "INDEX";
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
		kind = "table";
		kw = "TABLE";
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
		kind = "schema";
		kw = "SCHEMA";
		break;
	case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE:
		kind = "database";
		kw = "DATABASE";
		break;
	default: /* SYSTEM: catalogs only, CONCURRENTLY is not allowed */
		return;
	}
	if (conc)
		return;
	if (r->relation)
		name = strata_pg_rangevar_name(r->relation);
	else
		name = strdup(r->name && *r->name ? r->name : "?");
	if (!name)
		return;
	if (r->relation && (is_new(L, st, name) ||
	                    (s && strata_name_set_has(&s->indexes, name))))
		goto out;
	what = r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX
	           ? "queries that would use it wait, and writes to its "
	             "table are blocked"
	           : "writes are blocked, and so are queries that would use "
	             "the index being rebuilt";
	if (L->pg_version < 12) {
		lint_help(
		    L,
		    "-- PostgreSQL %d has no REINDEX CONCURRENTLY: build a "
		    "copy of each index and swap it in\n"
		    "%sCREATE INDEX CONCURRENTLY new_idx ON ... ;  -- the "
		    "old index's definition\n"
		    "DROP INDEX CONCURRENTLY old_idx;\n"
		    "ALTER INDEX new_idx RENAME TO old_idx;",
		    L->pg_version, outside_tx(L));
		lint_report(
		    L, &rules[R_REINDEX], r->relation ? name : NULL,
		    LINT_AT_STMT,
		    "REINDEX %s '%s' holds its locks until every index is "
		    "rebuilt: %s (PostgreSQL %d has no CONCURRENTLY; "
		    "rebuild and swap instead)",
		    kw, name, what, L->pg_version);
		goto out;
	}
	stmt_with(L, st, kind, " CONCURRENTLY", sql, sizeof(sql));
	lint_help(L, "%s%s;", outside_tx(L), sql);
	lint_report(L, &rules[R_REINDEX], r->relation ? name : NULL,
	            LINT_AT_STMT,
	            "REINDEX %s '%s' holds its locks until every index is "
	            "rebuilt: %s",
	            kw, name, what);
out:
	free(name);
}

static void refresh(struct lint *L, const struct lint_stmt *st,
                    const PgQuery__RefreshMatViewStmt *r)
{
	char *view, sql[1024];

	if (r->concurrent || r->skip_data ||
	    !(view = strata_pg_rangevar_name(r->relation)))
		return;
	if (!is_new(L, st, view)) {
		stmt_with(L, st, "view", " CONCURRENTLY", sql, sizeof(sql));
		lint_help(L,
		          "-- CONCURRENTLY needs a unique index on the view "
		          "(once):\n"
		          "-- CREATE UNIQUE INDEX CONCURRENTLY ON %s (key "
		          "columns);\n%s;",
		          view, sql);
		lint_report(L, &rules[R_REFRESH], view, LINT_AT_STMT,
		            "refreshing '%s' takes %s on it: every query on "
		            "the view waits until the query behind it has run "
		            "again",
		            view, lock_on(st, view));
	}
	free(view);
}

/* ---- ALTER TABLE: constraints ---- */

/* Expression keywords that end a column's DEFAULT. */
static const char *const default_stops[] = {
    "not",        "null",       "constraint", "check",     "unique",
    "primary",    "references", "collate",    "generated", "default",
    "deferrable", "initially",  NULL,
};

/*
 * The help for a CHECK or FOREIGN KEY added without NOT VALID: the same
 * constraint NOT VALID, and its VALIDATE in the next migration.  For a
 * column constraint of ADD COLUMN, the column is added first, bare.
 */
static void not_valid_help(struct lint *L, const struct lint_stmt *st,
                           const char *table, const PgQuery__Constraint *c,
                           const PgQuery__ColumnDef *column)
{
	int fk = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
	char text[600], name[200], type[120], add[400] = "", cols[300];

	clause_text(L, st, c->location, 1, NULL, column ? default_stops : NULL,
	            text, sizeof(text));
	if (c->conname && *c->conname) {
		snprintf(name, sizeof(name), "%s", c->conname);
	} else if (column) {
		snprintf(name, sizeof(name), "%s_%s_%s", base_name(table),
		         column->colname, fk ? "fkey" : "check");
	} else if (fk) {
		/* PostgreSQL's own name: table_col1_col2_fkey */
		size_t k = (size_t)snprintf(name, sizeof(name), "%s_",
		                            base_name(table));
		name_list(c->fk_attrs, c->n_fk_attrs, cols, sizeof(cols));
		for (const char *p = cols; *p && k + 6 < sizeof(name); p++)
			if (*p != ' ')
				name[k++] = *p == ',' ? '_' : *p;
		if (k + 6 <= sizeof(name))
			snprintf(name + k, sizeof(name) - k, "_fkey");
	} else {
		snprintf(name, sizeof(name), "%s_check", base_name(table));
	}
	if (column) {
		strata_pg_type_string(column->type_name, type, sizeof(type));
		snprintf(add, sizeof(add), "ALTER TABLE %s ADD COLUMN %s %s;\n",
		         table, column->colname, sql_type(type));
	}
	lint_help(L,
	          "%sALTER TABLE %s ADD CONSTRAINT %s %s%s%s%s NOT VALID;\n"
	          "-- in the next migration (it reads every row without "
	          "blocking reads or writes):\n"
	          "ALTER TABLE %s VALIDATE CONSTRAINT %s;",
	          add, table, name, column && fk ? "FOREIGN KEY (" : "",
	          column && fk ? column->colname : "", column && fk ? ") " : "",
	          text, table, name);
}

/* The key of a constraint in the NOT VALID map. */
static void constraint_key(char *out, size_t n, const char *table,
                           const char *conname)
{
	snprintf(out, n, "%s.%s", table, conname);
}

/* The help and the report for PRIMARY KEY, UNIQUE or EXCLUDE built in
 * place (no USING INDEX). */
static void index_constraint(struct lint *L, const struct lint_stmt *st,
                             const char *table, const PgQuery__Constraint *c,
                             const PgQuery__ColumnDef *column)
{
	int primary = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
	const char *kw = primary ? "PRIMARY KEY" : "UNIQUE";
	char cols[300], idx[200];

	if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) {
		lint_help(L, "-- an exclusion constraint cannot be attached to "
		             "a prebuilt index: add it while the table is "
		             "small, or in a maintenance window");
		lint_report(L, &rules[R_UNIQUE], table,
		            lint_pg_offset(L, c->location),
		            "adding the exclusion constraint builds its index "
		            "under %s on '%s' (%s) until every row is indexed",
		            lock_on(st, table), table, blocks(st, table));
		return;
	}
	if (column)
		snprintf(cols, sizeof(cols), "%s", column->colname);
	else
		name_list(c->keys, c->n_keys, cols, sizeof(cols));
	if (c->conname && *c->conname)
		snprintf(idx, sizeof(idx), "%s", c->conname);
	else if (primary)
		snprintf(idx, sizeof(idx), "%s_pkey", base_name(table));
	else {
		/* PostgreSQL's own name: table_col1_col2_key */
		size_t k =
		    (size_t)snprintf(idx, sizeof(idx), "%s_", base_name(table));
		for (const char *p = cols; *p && k + 5 < sizeof(idx); p++)
			if (*p != ' ')
				idx[k++] = *p == ',' ? '_' : *p;
		if (k + 5 <= sizeof(idx))
			snprintf(idx + k, sizeof(idx) - k, "_key");
	}
	lint_help(L,
	          "%s%sCREATE UNIQUE INDEX CONCURRENTLY %s ON %s (%s);\n"
	          "%sALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s;",
	          outside_tx(L),
	          column ? "-- add the column without it "
	                   "first, then:\n"
	                 : "",
	          idx, table, cols,
	          primary ? "-- the columns must be NOT NULL already, or "
	                    "this scans (see set-not-null):\n"
	                  : "",
	          table, idx, kw, idx);
	lint_report(L, &rules[primary ? R_PRIMARY_KEY : R_UNIQUE], table,
	            lint_pg_offset(L, c->location),
	            "adding the %s builds its index under %s on '%s' (%s) "
	            "until every row is indexed",
	            primary ? "primary key" : "unique constraint",
	            lock_on(st, table), table, blocks(st, table));
}

/* An ADD CONSTRAINT (or a column constraint of ADD COLUMN, `column` set). */
static void add_constraint(struct lint *L, const struct lint_stmt *st,
                           const char *table, const PgQuery__Constraint *c,
                           const PgQuery__ColumnDef *column,
                           struct locks_state *s)
{
	char key[400], ref[300] = "", *pk = NULL;

	switch (c->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
		if (c->skip_validation)
			break;
		not_valid_help(L, st, table, c, column);
		lint_report(
		    L, &rules[R_CHECK], table, lint_pg_offset(L, c->location),
		    "checking every existing row of '%s' holds %s on it "
		    "(%s) for the whole scan",
		    table, lock_on(st, table), blocks(st, table));
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		if (c->skip_validation)
			break;
		if (c->pktable && (pk = strata_pg_rangevar_name(c->pktable)) &&
		    strcmp(pk, table) != 0)
			snprintf(ref, sizeof(ref), " and %s on '%s'",
			         lock_on(st, pk), pk);
		not_valid_help(L, st, table, c, column);
		lint_report(
		    L, &rules[R_FOREIGN_KEY], table,
		    lint_pg_offset(L, c->location),
		    "validating the foreign key reads every row of '%s' "
		    "while holding %s on it%s: writes to %s wait",
		    table, lock_on(st, table), ref, *ref ? "both" : "it");
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
		if (!c->indexname || !*c->indexname)
			index_constraint(L, st, table, c, column);
		break;
	default:
		break;
	}
	/* NOT VALID now, VALIDATE later: remember it while its transaction
	 * is open (an autocommitted ADD has released its lock already) */
	if (s && !column && c->skip_validation && c->conname && *c->conname &&
	    (L->in_tx || L->tx_depth > 0) &&
	    (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
	     c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)) {
		constraint_key(key, sizeof(key), table, c->conname);
		strata_name_map_put(&s->not_valid, key, lock_on(st, table));
	}
	free(pk);
}

static void validate(struct lint *L, const char *table, const char *conname,
                     struct locks_state *s)
{
	char key[400];
	const char *lock;

	if (!s || !conname)
		return;
	constraint_key(key, sizeof(key), table, conname);
	if (!(lock = strata_name_map_get(&s->not_valid, key)))
		return;
	lint_help(L,
	          "-- in the next migration (its own transaction, after the "
	          "ADD has committed):\n"
	          "ALTER TABLE %s VALIDATE CONSTRAINT %s;",
	          table, conname);
	lint_report(L, &rules[R_VALIDATE_SAME_TX], table, LINT_AT_STMT,
	            "'%s' was added NOT VALID earlier in this transaction: "
	            "the %s lock from the ADD is still held on '%s' while "
	            "VALIDATE reads every row",
	            conname, lock, table);
}

/* ---- ALTER TABLE: columns ---- */

static int is_serial(const char *type)
{
	static const char *const serials[] = {
	    "serial",  "bigserial", "smallserial", "serial2",
	    "serial4", "serial8",   NULL,
	};
	for (const char *const *s = serials; *s; s++)
		if (strcmp(type, *s) == 0)
			return 1;
	return 0;
}

/* A DEFAULT that PostgreSQL does not store (a NULL constant). */
static int null_default(const PgQuery__Node *e)
{
	if (e && e->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		e = e->type_cast->arg;
	return e && e->node_case == PG_QUERY__NODE__NODE_A_CONST &&
	       e->a_const->isnull;
}

/* "UPDATE ... SET col = DEFAULT" in batches, for the help. */
static const char backfill_fmt[] =
    "-- backfill in batches, repeated until it updates no row:\n"
    "UPDATE %s SET %s = %s WHERE ctid = ANY (ARRAY(SELECT ctid FROM %s "
    "WHERE %s IS NULL LIMIT 10000));";

static void add_column(struct lint *L, const struct lint_stmt *st,
                       const char *table, const PgQuery__ColumnDef *cd,
                       struct locks_state *s)
{
	const PgQuery__Constraint *def = NULL, *notnull = NULL, *gen = NULL,
	                          *ident = NULL, *primary = NULL;
	char type[120], expr[400], backfill[600];
	const char *col = cd->colname, *tname;
	int serial;

	strata_pg_type_string(cd->type_name, type, sizeof(type));
	tname = sql_type(type);
	serial = is_serial(type);
	for (size_t i = 0; i < cd->n_constraints; i++) {
		const PgQuery__Constraint *c =
		    as_constraint(cd->constraints[i]);
		if (!c)
			continue;
		switch (c->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
			def = c;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
			notnull = c;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
			gen = c;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
			ident = c;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
			primary = c;
			add_constraint(L, st, table, c, cd, s);
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
		case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
			add_constraint(L, st, table, c, cd, s);
			break;
		default:
			break;
		}
	}

	if (serial || ident) {
		char seq[200];
		snprintf(seq, sizeof(seq), "%s_%s_seq", base_name(table), col);
		snprintf(backfill, sizeof(backfill), backfill_fmt, table, col,
		         "DEFAULT", table, col);
		lint_help(L,
		          "CREATE SEQUENCE %s;\n"
		          "ALTER TABLE %s ADD COLUMN %s bigint;\n"
		          "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT "
		          "nextval('%s');\n"
		          "ALTER SEQUENCE %s OWNED BY %s.%s;\n%s\n"
		          "-- then NOT NULL through a validated CHECK (see "
		          "set-not-null)",
		          seq, table, col, table, col, seq, seq, table, col,
		          backfill);
		lint_report(L, &rules[R_SERIAL], table,
		            ident ? lint_pg_offset(L, ident->location)
		                  : lint_pg_offset(L, cd->type_name->location),
		            "adding %s column '%s' draws a value for every "
		            "existing row: '%s' is rewritten under %s (%s)",
		            ident ? "identity" : tname, col, table,
		            lock_on(st, table), blocks(st, table));
	}
	if (gen) {
		size_t at = lint_pg_offset(L, gen->location), end;
		expr[0] = '\0';
		if (at != LINT_AT_STMT &&
		    (at = find_word(L->text, at, stmt_end(st), "as")) !=
		        (size_t)-1) {
			end = stmt_end(st);
			at += 2;
			while (at < end && isspace((unsigned char)L->text[at]))
				at++;
			if (at < end && L->text[at] == '(') {
				size_t e =
				    clause_end(L->text, at + 1, end, NULL);
				copy_text(expr, sizeof(expr), L->text, at + 1,
				          e);
			}
		}
		snprintf(backfill, sizeof(backfill), backfill_fmt, table, col,
		         *expr ? expr : "(expression)", table, col);
		lint_help(L,
		          "ALTER TABLE %s ADD COLUMN %s %s;\n"
		          "-- a BEFORE INSERT OR UPDATE trigger sets NEW.%s := "
		          "%s;\n%s",
		          table, col, tname, col, *expr ? expr : "(expression)",
		          backfill);
		lint_report(L, &rules[R_GENERATED], table,
		            lint_pg_offset(L, gen->location),
		            "a stored generated column is computed for every "
		            "existing row: '%s' is rewritten under %s (%s)",
		            table, lock_on(st, table), blocks(st, table));
	}
	if (def && !null_default(def->raw_expr)) {
		int v = strata_pg_expr_volatile(L, def->raw_expr);
		clause_text(L, st, def->location, 0, "default", default_stops,
		            expr, sizeof(expr));
		snprintf(backfill, sizeof(backfill), backfill_fmt, table, col,
		         "DEFAULT", table, col);
		if (L->pg_version < 11 || v != 0)
			lint_help(L,
			          "ALTER TABLE %s ADD COLUMN %s %s;\n"
			          "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT "
			          "%s;  -- new rows only\n%s%s",
			          table, col, tname, table, col, expr, backfill,
			          notnull ? "\n-- then NOT NULL through a "
			                    "validated CHECK (see set-not-null)"
			                  : "");
		if (L->pg_version < 11)
			lint_report(
			    L, &rules[R_VOLATILE_DEFAULT], table,
			    lint_pg_offset(L, def->location),
			    "before PostgreSQL 11 any DEFAULT on ADD "
			    "COLUMN is written into every existing row: "
			    "'%s' is rewritten under %s (%s)",
			    table, lock_on(st, table), blocks(st, table));
		else if (v == 1)
			lint_report(
			    L, &rules[R_VOLATILE_DEFAULT], table,
			    lint_pg_offset(L, def->location),
			    "the volatile default %s is computed for every "
			    "existing row: '%s' is rewritten under %s (%s)",
			    expr, table, lock_on(st, table), blocks(st, table));
		else if (v < 0)
			lint_report(
			    L, &rules[R_UNKNOWN_DEFAULT], table,
			    lint_pg_offset(L, def->location),
			    "strata cannot tell whether the default %s is "
			    "volatile; if it is, '%s' is rewritten under %s "
			    "(%s)",
			    expr, table, lock_on(st, table), blocks(st, table));
	}
	if ((notnull || primary) && !def && !gen && !ident && !serial) {
		const PgQuery__Constraint *at = notnull ? notnull : primary;
		lint_help(
		    L,
		    "ALTER TABLE %s ADD COLUMN %s %s NOT NULL DEFAULT "
		    "...;  -- a constant: no rewrite since PostgreSQL 11\n"
		    "-- or add it nullable, backfill, then NOT NULL "
		    "through a validated CHECK (see set-not-null)",
		    table, col, tname);
		/* no table size: a small table with rows fails all the same */
		lint_report(
		    L, &rules[R_REQUIRED], NULL,
		    lint_pg_offset(L, at->location),
		    "'%s' is NOT NULL without a DEFAULT: the ALTER fails "
		    "as soon as '%s' has a row",
		    col, table);
	}
}

static void alter_type(struct lint *L, const struct lint_stmt *st,
                       const char *table, const PgQuery__AlterTableStmt *a,
                       const PgQuery__AlterTableCmd *c)
{
	const PgQuery__ColumnDef *cd;
	const struct lint_touch *t = touch_of(st, table);
	int rewrite = t && (t->effects & STRATA_TOUCH_REWRITE);
	char from[120], to[120], why[300];
	const char *col = c->name;

	if (!c->def || c->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
		return;
	cd = c->def->column_def;
	strata_pg_type_string(cd->type_name, to, sizeof(to));
	strata_pg_column_type(L, table, col, from, sizeof(from));
	if (cd->raw_default) {
		snprintf(why, sizeof(why),
		         "changing '%s' to %s USING an expression", col,
		         sql_type(to));
	} else if (*from && strcmp(from, to) != 0) {
		if (strata_pg_binary_coercible(from, to))
			return;
		snprintf(why, sizeof(why), "changing '%s' from %s to %s", col,
		         sql_type(from), sql_type(to));
	} else if (!*from || (a->n_cmds == 1 && rewrite)) {
		/* The type before this statement is unknown.  (The analysis
		 * records the new type before the rules run: a `from` equal
		 * to `to` may be that, and then its verdict decides.) */
		snprintf(why, sizeof(why),
		         "strata cannot see the current type of '%s'; unless "
		         "it is binary-coercible to %s (varchar to text, a "
		         "longer varchar), changing it",
		         col, sql_type(to));
	} else {
		return; /* the same type again: nothing to do */
	}
	lint_help(L,
	          "ALTER TABLE %s ADD COLUMN %s_new %s;\n"
	          "-- write both columns (application or trigger), then "
	          "backfill in batches:\n"
	          "UPDATE %s SET %s_new = %s WHERE ctid = ANY (ARRAY(SELECT "
	          "ctid FROM %s WHERE %s_new IS NULL AND %s IS NOT NULL LIMIT "
	          "10000));\n"
	          "-- then move readers to %s_new and drop %s in later "
	          "migrations",
	          table, col, sql_type(to), table, col, col, table, col, col,
	          col, col);
	lint_report(L, &rules[R_TYPE_CHANGE], table,
	            cd->type_name ? lint_pg_offset(L, cd->type_name->location)
	                          : LINT_AT_STMT,
	            "%s rewrites every row of '%s' under %s (%s)", why, table,
	            lock_on(st, table), blocks(st, table));
}

static void set_not_null(struct lint *L, const struct lint_stmt *st,
                         const char *table, const char *col)
{
	char check[200];

	if (L->pg_version >= 12 && strata_pg_notnull_checked(L, table, col))
		return;
	snprintf(check, sizeof(check), "%s_%s_not_null", base_name(table), col);
	if (L->pg_version < 12) {
		lint_help(L,
		          "-- before PostgreSQL 12 SET NOT NULL always scans: "
		          "keep a validated CHECK instead\n"
		          "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT "
		          "NULL) NOT VALID;\n"
		          "-- in the next migration:\n"
		          "ALTER TABLE %s VALIDATE CONSTRAINT %s;",
		          table, check, col, table, check);
		lint_report(
		    L, &rules[R_SET_NOT_NULL], table, LINT_AT_STMT,
		    "SET NOT NULL on '%s' reads every row of '%s' under "
		    "%s (%s); PostgreSQL %d cannot skip the scan",
		    col, table, lock_on(st, table), blocks(st, table),
		    L->pg_version);
		return;
	}
	lint_help(L,
	          "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) "
	          "NOT VALID;\n"
	          "-- in the next migration (the scan blocks no reads or "
	          "writes):\n"
	          "ALTER TABLE %s VALIDATE CONSTRAINT %s;\n"
	          "-- then, with the CHECK validated, no scan:\n"
	          "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;\n"
	          "ALTER TABLE %s DROP CONSTRAINT %s;",
	          table, check, col, table, check, table, col, table, check);
	lint_report(L, &rules[R_SET_NOT_NULL], table, LINT_AT_STMT,
	            "SET NOT NULL on '%s' reads every row of '%s' under %s "
	            "(%s) to look for NULLs",
	            col, table, lock_on(st, table), blocks(st, table));
}

static void detach(struct lint *L, const struct lint_stmt *st,
                   const char *table, const PgQuery__AlterTableStmt *a,
                   const PgQuery__PartitionCmd *p)
{
	char *part, sql[1024];

	/* before 14 there is no other way to detach */
	if (p->concurrent || L->pg_version < 14 || !p->name ||
	    !(part = strata_pg_rangevar_name(p->name)))
		return;
	if (a->n_cmds == 1)
		snprintf(sql, sizeof(sql), "%.*s CONCURRENTLY;", (int)st->len,
		         L->text + st->offset);
	else
		snprintf(sql, sizeof(sql),
		         "ALTER TABLE %s DETACH PARTITION %s CONCURRENTLY;",
		         table, part);
	lint_help(L, "%s%s\n-- (not possible when %s has a DEFAULT partition)",
	          outside_tx(L), sql, table);
	lint_report(L, &rules[R_DETACH], table,
	            lint_pg_offset(L, p->name->location),
	            "detaching '%s' takes %s on '%s': queued behind running "
	            "queries, it blocks every later query on the partitioned "
	            "table",
	            part, lock_on(st, table), table);
	free(part);
}

static void table_rewrite(struct lint *L, const struct lint_stmt *st,
                          const char *table, const char *what)
{
	lint_help(L,
	          "-- pg_repack rebuilds a table with only brief locks (it "
	          "can also move it:\n"
	          "-- pg_repack --table %s --tablespace NEW_SPACE), or build "
	          "a copy and switch\n"
	          "-- over in a maintenance window",
	          table);
	lint_report(L, &rules[R_TABLE_REWRITE], table, LINT_AT_STMT,
	            "%s rewrites every row of '%s' under %s (%s)", what, table,
	            lock_on(st, table), blocks(st, table));
}

static void alter_table(struct lint *L, const struct lint_stmt *st,
                        const PgQuery__AlterTableStmt *a, struct locks_state *s)
{
	char *table;

	if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
	    a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW)
		return;
	if (!(table = strata_pg_rangevar_name(a->relation)))
		return;
	if (is_new(L, st, table))
		goto out;
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *c;
		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		switch (c->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_COLUMN_DEF)
				add_column(L, st, table, c->def->column_def, s);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
			if (as_constraint(c->def))
				add_constraint(L, st, table, c->def->constraint,
				               NULL, s);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
			validate(L, table, c->name, s);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
			alter_type(L, st, table, a, c);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
			set_not_null(L, st, table, c->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_PARTITION_CMD)
				detach(L, st, table, a, c->def->partition_cmd);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
			table_rewrite(L, st, table, "SET TABLESPACE");
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
			table_rewrite(L, st, table, "SET LOGGED");
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
			table_rewrite(L, st, table, "SET UNLOGGED");
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
			table_rewrite(L, st, table, "SET ACCESS METHOD");
			break;
		default:
			break;
		}
	}
out:
	free(table);
}

/* ---- VACUUM FULL, CLUSTER, LOCK ---- */

static int vacuum_full(const PgQuery__VacuumStmt *v)
{
	for (size_t i = 0; i < v->n_options; i++) {
		const PgQuery__DefElem *d;
		if (v->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
			continue;
		d = v->options[i]->def_elem;
		if (!d->defname || strcmp(d->defname, "full") != 0)
			continue;
		if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
			return d->arg->boolean->boolval;
		if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_STRING)
			return strcmp(d->arg->string->sval, "false") &&
			       strcmp(d->arg->string->sval, "off");
		if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER)
			return d->arg->integer->ival != 0;
		return 1;
	}
	return 0;
}

static void vacuum(struct lint *L, const struct lint_stmt *st,
                   const PgQuery__VacuumStmt *v)
{
	if (!v->is_vacuumcmd || !vacuum_full(v))
		return;
	if (v->n_rels == 0) {
		lint_help(L, "-- pg_repack --all rebuilds tables with only "
		             "brief locks; plain VACUUM reclaims space for "
		             "reuse without any");
		lint_report(L, &rules[R_VACUUM_FULL], NULL, LINT_AT_STMT,
		            "VACUUM FULL without a table rewrites every table "
		            "of the database, each under ACCESS EXCLUSIVE "
		            "(blocks reads and writes)");
		return;
	}
	for (size_t i = 0; i < v->n_rels; i++) {
		const PgQuery__Node *r = v->rels[i];
		const PgQuery__RangeVar *rv = NULL;
		char *table;
		if (r->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION)
			rv = r->vacuum_relation->relation;
		else if (r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
			rv = r->range_var;
		if (!rv || !(table = strata_pg_rangevar_name(rv)))
			continue;
		if (!is_new(L, st, table)) {
			lint_help(
			    L,
			    "-- pg_repack --table %s  (rebuilds with only "
			    "brief locks)\n"
			    "VACUUM %s;  -- or plain VACUUM: space is "
			    "reused, not returned, and nothing is blocked",
			    table, table);
			lint_report(
			    L, &rules[R_VACUUM_FULL], table,
			    lint_pg_offset(L, rv->location),
			    "VACUUM FULL rewrites every row of '%s' under "
			    "%s (%s)",
			    table, lock_on(st, table), blocks(st, table));
		}
		free(table);
	}
}

static void cluster(struct lint *L, const struct lint_stmt *st,
                    const PgQuery__ClusterStmt *c)
{
	char *table;

	if (!c->relation) {
		lint_help(L, "-- pg_repack --order-by ... rebuilds a table in "
		             "index order with only brief locks");
		lint_report(L, &rules[R_CLUSTER], NULL, LINT_AT_STMT,
		            "CLUSTER without a table rewrites every clustered "
		            "table of the database, each under ACCESS "
		            "EXCLUSIVE (blocks reads and writes)");
		return;
	}
	if (!(table = strata_pg_rangevar_name(c->relation)))
		return;
	if (!is_new(L, st, table)) {
		lint_help(L,
		          "-- pg_repack --table %s --order-by COLUMNS  (the "
		          "same order, with only brief locks)",
		          table);
		lint_report(L, &rules[R_CLUSTER], table,
		            lint_pg_offset(L, c->relation->location),
		            "CLUSTER rewrites every row of '%s' in index order "
		            "under %s (%s)",
		            table, lock_on(st, table), blocks(st, table));
	}
	free(table);
}

static void lock_table(struct lint *L, const struct lint_stmt *st,
                       const PgQuery__LockStmt *l)
{
	for (size_t i = 0; i < l->n_relations; i++) {
		const PgQuery__Node *r = l->relations[i];
		const struct lint_touch *t;
		char *table;
		if (r->node_case != PG_QUERY__NODE__NODE_RANGE_VAR ||
		    !(table = strata_pg_rangevar_name(r->range_var)))
			continue;
		t = touch_of(st, table);
		if (t && t->lock == STRATA_LOCK_ACCESS_EXCLUSIVE &&
		    !is_new(L, st, table)) {
			lint_help(
			    L,
			    "SET LOCAL lock_timeout = '5s';  -- give up "
			    "rather than queue in front of every query\n"
			    "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE;  -- "
			    "if blocking writes is enough",
			    table);
			lint_report(
			    L, &rules[R_LOCK_TABLE], table,
			    lint_pg_offset(L, r->range_var->location),
			    "LOCK TABLE holds ACCESS EXCLUSIVE on '%s' "
			    "until the transaction ends: every query on "
			    "it waits, reads included",
			    table);
		}
		free(table);
	}
}

/* ---- the family ---- */

static void statement(struct lint *L, const struct lint_stmt *st)
{
	struct locks_state *s = lint_state(L, &strata_lint_locks);
	const PgQuery__Node *n = st->node;

	if (!n)
		return;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		create_index(L, st, n->index_stmt);
		remember_index(s, n->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		if (n->drop_stmt->remove_type ==
		    PG_QUERY__OBJECT_TYPE__OBJECT_INDEX)
			drop_index(L, n->drop_stmt, s);
		break;
	case PG_QUERY__NODE__NODE_REINDEX_STMT:
		reindex(L, st, n->reindex_stmt, s);
		break;
	case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
		refresh(L, st, n->refresh_mat_view_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		alter_table(L, st, n->alter_table_stmt, s);
		break;
	case PG_QUERY__NODE__NODE_VACUUM_STMT:
		vacuum(L, st, n->vacuum_stmt);
		break;
	case PG_QUERY__NODE__NODE_CLUSTER_STMT:
		cluster(L, st, n->cluster_stmt);
		break;
	case PG_QUERY__NODE__NODE_LOCK_STMT:
		lock_table(L, st, n->lock_stmt);
		break;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		switch (n->transaction_stmt->kind) {
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
			/* the ADD's locks are released */
			if (s)
				strata_name_map_dispose(&s->not_valid);
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
}

const struct lint_family strata_lint_locks = {
    .name = "locks",
    .dialect = STRATA_DIALECT_POSTGRES,
    .rules = rules,
    .nrules = R_COUNT,
    .statement = statement,
    .state_new = state_new,
    .state_free = state_free,
};
