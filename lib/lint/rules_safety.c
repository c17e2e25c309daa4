/*
 * Rule family 'safety' (PostgreSQL): statements that destroy data or break
 * the app code running against the database (DROP, TRUNCATE, RENAME, UPDATE
 * or DELETE of every row), transaction control that does not fit the way
 * the section runs, and session settings (timeouts, repeated SETs).  See
 * docs/lint-rules.md.
 *
 * The family keeps a little state per section: the open BEGIN, the first
 * statement of each transaction mode, the settings in effect, the names a
 * section made new by other means than CREATE TABLE, and the tokens of the
 * statement being checked.  The tokens are scanned only when a finding
 * needs the exact place of a name the parse tree gives no location for
 * (DROP objects, ALTER TABLE subcommands, SET names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../split.h"
#include "lint.h"
#include "strata/buf.h"

enum {
	DROP_TABLE,
	DROP_COLUMN,
	DROP_DATABASE,
	DROP_SCHEMA_CASCADE,
	DROP_NOT_NULL,
	TRUNCATE_CASCADE,
	TRUNCATE_TABLE,
	RENAME_TABLE,
	RENAME_COLUMN,
	UPDATE_ALL,
	DELETE_ALL,
	NO_TX_IN_TX,
	MIXED_TX,
	TX_NESTING,
	UNCOMMITTED,
	LOCK_TIMEOUT,
	STATEMENT_TIMEOUT,
	DUPLICATE_SETTING,
	DUPLICATE_COLUMN,
	NON_ROBUST,
};

static const struct lint_rule rules[] = {
    [DROP_TABLE] = {"drop-table", STRATA_SEVERITY_ERROR,
                    LINT_RULE_UP_ONLY | LINT_RULE_DATA_LOSS,
                    "DROP TABLE of an existing table: its data is gone and "
                    "app code using it breaks"},
    [DROP_COLUMN] = {"drop-column", STRATA_SEVERITY_ERROR,
                     LINT_RULE_UP_ONLY | LINT_RULE_DATA_LOSS,
                     "DROP COLUMN: its data is gone and app code still "
                     "reading it breaks"},
    [DROP_DATABASE] = {"drop-database", STRATA_SEVERITY_ERROR, 0,
                       "DROP DATABASE in a migration"},
    [DROP_SCHEMA_CASCADE] = {"drop-schema-cascade", STRATA_SEVERITY_ERROR,
                             LINT_RULE_UP_ONLY,
                             "DROP SCHEMA ... CASCADE drops every object in "
                             "the schema"},
    [DROP_NOT_NULL] = {"drop-not-null", STRATA_SEVERITY_WARNING,
                       LINT_RULE_UP_ONLY,
                       "DROP NOT NULL lets in nulls that app code may not "
                       "expect, and cannot be undone once they are written"},
    [TRUNCATE_CASCADE] = {"truncate-cascade", STRATA_SEVERITY_ERROR, 0,
                          "TRUNCATE ... CASCADE also empties every table "
                          "that references the truncated ones"},
    [TRUNCATE_TABLE] = {"truncate-table", STRATA_SEVERITY_WARNING,
                        LINT_RULE_UP_ONLY | LINT_RULE_DATA_LOSS,
                        "TRUNCATE of an existing table deletes all its rows"},
    [RENAME_TABLE] = {"rename-table", STRATA_SEVERITY_ERROR, LINT_RULE_UP_ONLY,
                      "renaming a table breaks the running app code that "
                      "uses the old name"},
    [RENAME_COLUMN] = {"rename-column", STRATA_SEVERITY_ERROR,
                       LINT_RULE_UP_ONLY,
                       "renaming a column breaks the running app code that "
                       "uses the old name"},
    [UPDATE_ALL] = {"update-without-where", STRATA_SEVERITY_WARNING,
                    LINT_RULE_DATA_LOSS,
                    "UPDATE without WHERE rewrites every row in one "
                    "transaction"},
    [DELETE_ALL] = {"delete-without-where", STRATA_SEVERITY_ERROR,
                    LINT_RULE_UP_ONLY | LINT_RULE_DATA_LOSS,
                    "DELETE without WHERE deletes every row in one "
                    "transaction"},
    [NO_TX_IN_TX] = {"concurrently-in-transaction", STRATA_SEVERITY_ERROR, 0,
                     "CONCURRENTLY, VACUUM, CREATE DATABASE and the like "
                     "fail inside a transaction block"},
    [MIXED_TX] = {"mixed-transaction-modes", STRATA_SEVERITY_WARNING, 0,
                  "a no-transaction migration also holds ordinary DDL, "
                  "which a failure does not roll back"},
    [TX_NESTING] = {"transaction-nesting", STRATA_SEVERITY_ERROR, 0,
                    "BEGIN inside a transaction, or COMMIT/ROLLBACK inside "
                    "the one strata runs a migration in"},
    [UNCOMMITTED] = {"uncommitted-transaction", STRATA_SEVERITY_ERROR, 0,
                     "a BEGIN with no COMMIT or ROLLBACK by the end of the "
                     "section"},
    [LOCK_TIMEOUT] = {"require-lock-timeout", STRATA_SEVERITY_WARNING,
                      LINT_RULE_OPT_IN | LINT_RULE_LOOSE,
                      "a lock that blocks writes on an existing table with "
                      "no lock_timeout set"},
    [STATEMENT_TIMEOUT] = {"require-statement-timeout", STRATA_SEVERITY_WARNING,
                           LINT_RULE_OPT_IN | LINT_RULE_LOOSE,
                           "a scan or rewrite of an existing table with no "
                           "statement_timeout set"},
    [DUPLICATE_SETTING] = {"duplicate-setting", STRATA_SEVERITY_WARNING, 0,
                           "a SET that has no effect, or SET and SET LOCAL "
                           "of the same setting"},
    [DUPLICATE_COLUMN] = {"duplicate-column-assignment", STRATA_SEVERITY_ERROR,
                          0,
                          "UPDATE or INSERT naming one column twice, which "
                          "PostgreSQL refuses"},
    [NON_ROBUST] = {"non-robust-statement", STRATA_SEVERITY_WARNING, 0,
                    "CREATE/DROP/ADD COLUMN without IF [NOT] EXISTS where a "
                    "failure half-way is not rolled back"},
};

extern const struct lint_family strata_lint_safety;

/* ---- per-section state ---- */

struct setting {
	char *name;  /* owned */
	char *value; /* owned; NULL when strata cannot compare it */
	int local;   /* SET LOCAL: ends with the transaction */
	int used;    /* another statement ran since it was set */
	size_t at;   /* the SET, in L->text */
};

struct safety {
	PgQuery__ScanResult *scan; /* owned: the tokens of one statement */
	size_t scan_at;            /* that statement's offset */
	int scanned;

	struct name_set schemas; /* created in this section */
	struct name_set renamed; /* new tables under the name a RENAME gave */
	struct name_set columns; /* "table.column" added in this section */

	size_t begin_at;  /* the outermost BEGIN still open */
	int begin_report; /* uncommitted-transaction was on at that BEGIN */

	/* the first statement of each kind in a no-transaction migration */
	size_t no_tx_at, no_tx_len, plain_at, plain_len;
	char no_tx_what[48];
	const char *plain_what;
	int mixed_done, lock_done, stmt_done;

	struct setting *settings; /* owned */
	size_t nsettings;
};

static void *safety_new(void)
{
	struct safety *S = calloc(1, sizeof(*S));

	if (S)
		S->no_tx_at = S->plain_at = LINT_AT_STMT;
	return S;
}

static void setting_drop(struct safety *S, size_t i)
{
	free(S->settings[i].name);
	free(S->settings[i].value);
	S->settings[i] = S->settings[--S->nsettings];
}

static void safety_free(void *p)
{
	struct safety *S = p;

	if (S->scan)
		pg_query__scan_result__free_unpacked(S->scan, NULL);
	strata_name_set_dispose(&S->schemas);
	strata_name_set_dispose(&S->renamed);
	strata_name_set_dispose(&S->columns);
	while (S->nsettings)
		setting_drop(S, 0);
	free(S->settings);
	free(S);
}

static struct safety *state(struct lint *L)
{
	return lint_state(L, &strata_lint_safety);
}

/* ---- names and tokens ---- */

static int line_of(struct lint *L, size_t offset)
{
	int line, col;

	lint_location(L, offset, &line, &col);
	return line;
}


/* The table of a RangeVar as SQL ("app.orders", "\"User\""). */
static const char *rv_sql(const PgQuery__RangeVar *rv, char *out, size_t n)
{
	char a[140], b[140];

	if (!rv || !rv->relname) {
		snprintf(out, n, "?");
		return out;
	}
	if (rv->schemaname && *rv->schemaname)
		snprintf(out, n, "%s.%s", lint_ident(rv->schemaname, a, sizeof(a)),
		         lint_ident(rv->relname, b, sizeof(b)));
	else
		lint_ident(rv->relname, out, n);
	return out;
}

static const char *str_of(const PgQuery__Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_STRING &&
	               n->string->sval
	           ? n->string->sval
	           : "";
}

/* The name parts of a DROP object (a list of String nodes in most forms). */
static PgQuery__Node *const *object_parts(const PgQuery__Node *o, size_t *n)
{
	switch (o->node_case) {
	case PG_QUERY__NODE__NODE_LIST:
		*n = o->list->n_items;
		return o->list->items;
	case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
		*n = o->object_with_args->n_objname;
		return o->object_with_args->objname;
	case PG_QUERY__NODE__NODE_TYPE_NAME:
		*n = o->type_name->n_names;
		return o->type_name->names;
	default:
		*n = 0;
		return NULL;
	}
}

/* "app.orders" of a DROP object: as written into `name`, as SQL into
 * `sql`; returns the part written first in the statement ("" unknown). */
static const char *object_name(const PgQuery__Node *o, int name_first,
                               char *name, char *sql, size_t n)
{
	PgQuery__Node *const *parts;
	size_t np, un = 0, us = 0;
	char q[140];

	name[0] = sql[0] = '\0';
	if (o->node_case == PG_QUERY__NODE__NODE_STRING) {
		snprintf(name, n, "%s", str_of(o));
		lint_ident(name, sql, n);
		return str_of(o);
	}
	parts = object_parts(o, &np);
	for (size_t i = 0; i < np && un < n && us < n; i++) {
		const char *s = str_of(parts[i]);
		if (!*s)
			continue; /* not a name (DROP CAST's types) */
		un += (size_t)snprintf(name + un, n - un, "%s%s", un ? "." : "",
		                       s);
		us += (size_t)snprintf(sql + us, n - us, "%s%s", us ? "." : "",
		                       lint_ident(s, q, sizeof(q)));
	}
	/* DROP TRIGGER t ON tab is stored as (tab, t): t comes first */
	return np ? str_of(parts[name_first ? np - 1 : 0]) : "";
}

/* PostgreSQL keeps the first 63 bytes of a name (fewer when that would cut
 * a character in two). */
#define NAME_CUT 60

/* Whether the token text[0, len) is the identifier `name` as PostgreSQL
 * reads it: unquoted ones are folded to lower case. */
static int ident_is(const char *text, size_t len, const char *name)
{
	size_t k = 0;

	if (len >= 2 && text[0] == '"') {
		for (size_t i = 1; i + 1 < len; i++, k++) {
			if (text[i] == '"')
				i++; /* "" stands for one quote */
			if (name[k] == '\0' && k >= NAME_CUT)
				return 1;
			if (name[k] != text[i])
				return 0;
		}
		return name[k] == '\0';
	}
	for (size_t i = 0; i < len; i++, k++) {
		char c = text[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (name[k] == '\0' && k >= NAME_CUT)
			return 1; /* the parser cut a long name short */
		if (name[k] != c)
			return 0;
	}
	return name[k] == '\0';
}

/* The tokens of the statement being checked, scanned once. */
static const PgQuery__ScanResult *tokens(struct lint *L, struct safety *S)
{
	const struct lint_stmt *st = L->cur;
	PgQueryScanResult r;
	char *sql;

	if (!st)
		return NULL;
	if (S->scanned && S->scan_at == st->offset)
		return S->scan;
	if (S->scan)
		pg_query__scan_result__free_unpacked(S->scan, NULL);
	S->scan = NULL;
	S->scanned = 1;
	S->scan_at = st->offset;
	if (!(sql = strndup(L->text + st->offset, st->len)))
		return NULL;
	r = pg_query_scan(sql);
	if (!r.error)
		S->scan = pg_query__scan_result__unpack(
		    NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
	pg_query_free_scan_result(r);
	free(sql);
	return S->scan;
}

/*
 * Offset in L->text of the first token of the current statement at or after
 * `from` that is the identifier `name` (when given) or the token `tok`;
 * LINT_AT_STMT when there is none.
 */
static size_t find_token(struct lint *L, size_t from, int tok, const char *name)
{
	struct safety *S = state(L);
	const PgQuery__ScanResult *scan = S ? tokens(L, S) : NULL;
	const struct lint_stmt *st = L->cur;

	if (!scan || (name && !*name))
		return LINT_AT_STMT;
	if (from == LINT_AT_STMT || from < st->offset)
		from = st->offset;
	for (size_t i = 0; i < scan->n_tokens; i++) {
		const PgQuery__ScanToken *t = scan->tokens[i];
		size_t at = st->offset + (size_t)t->start;
		if (t->start < 0 || t->end < t->start || at < from)
			continue;
		if (name) {
			if ((t->token == PG_QUERY__TOKEN__IDENT ||
			     t->keyword_kind !=
			         PG_QUERY__KEYWORD_KIND__NO_KEYWORD) &&
			    ident_is(L->text + at, (size_t)(t->end - t->start),
			             name))
				return at;
		} else if ((int)t->token == tok) {
			return at;
		}
	}
	return LINT_AT_STMT;
}

/* The offset just after a RangeVar's first token, to look for the names
 * that follow it. */
static size_t after_rv(const struct lint *L, const PgQuery__RangeVar *rv)
{
	size_t at = rv ? lint_pg_offset(L, rv->location) : LINT_AT_STMT;
	return at == LINT_AT_STMT ? at : at + 1;
}

/* ---- help text ---- */

struct insert {
	size_t at;        /* in L->text, within the statement */
	const char *text; /* put there */
};

/*
 * Sets the help to `before`, then the current statement with the inserts
 * (in increasing order of `at`) up to the end of the line of the last one.
 * Returns 0 (and sets nothing) when an insert has no known place.
 */
static int help_inserted(struct lint *L, const char *before,
                         const struct insert *ins, size_t n)
{
	const struct lint_stmt *st = L->cur;
	size_t end = st->offset + st->len, p = st->offset, eol;
	strata_buf b;

	for (size_t i = 0; i < n; i++) {
		if (ins[i].at == LINT_AT_STMT || ins[i].at < p ||
		    ins[i].at > end)
			return 0;
		p = ins[i].at;
	}
	strata_buf_init(&b);
	strata_buf_puts(&b, before);
	p = st->offset;
	for (size_t i = 0; i < n; i++) {
		strata_buf_add(&b, L->text + p, ins[i].at - p);
		strata_buf_puts(&b, ins[i].text);
		p = ins[i].at;
	}
	for (eol = p; eol < end && L->text[eol] != '\n'; eol++)
		;
	strata_buf_add(&b, L->text + p,
	               eol - p - (eol > p && L->text[eol - 1] == '\r'));
	strata_buf_puts(&b, eol < end ? "\n  ...;" : ";");
	lint_help(L, "%s", b.ptr);
	strata_buf_dispose(&b);
	return 1;
}

/* The first line of the statement at text[at, at + len), for a help. */
static int first_line(const struct lint *L, size_t at, size_t len)
{
	size_t k = 0;

	while (k < len && L->text[at + k] != '\n' && L->text[at + k] != '\r')
		k++;
	return (int)k;
}

static void column_key(char *out, size_t n, const char *table,
                       const char *column)
{
	snprintf(out, n, "%s.%s", table, column);
}

static int column_added(struct safety *S, const char *table, const char *column)
{
	char key[300];

	column_key(key, sizeof(key), table, column);
	return strata_name_set_has(&S->columns, key);
}

/* ---- what a statement is ---- */

/* Whether the table `name` (as written) is new in this section. */
static int is_new(struct lint *L, struct safety *S, const char *name)
{
	return lint_created_here(L, name) ||
	       strata_name_set_has(&S->renamed, name);
}

static int rv_is_new(struct lint *L, struct safety *S,
                     const PgQuery__RangeVar *rv)
{
	char *name = strata_pg_rangevar_name(rv);
	int r = name && is_new(L, S, name);

	free(name);
	return r;
}

static int has_def(PgQuery__Node **opts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    opts[i]->def_elem->defname &&
		    strcmp(opts[i]->def_elem->defname, name) == 0)
			return 1;
	return 0;
}

static PgQuery__TransactionStmtKind tx_kind(const PgQuery__Node *n)
{
	return n->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT
	           ? n->transaction_stmt->kind
	           : PG_QUERY__TRANSACTION_STMT_KIND__TRANSACTION_STMT_KIND_UNDEFINED;
}

/* Whether the statement cannot run inside a transaction block: the
 * analysis' no_tx, and the two-phase commit statements. */
static int needs_no_tx(const struct lint_stmt *st)
{
	PgQuery__TransactionStmtKind k = tx_kind(st->node);

	return st->no_tx ||
	       k ==
	           PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED ||
	       k ==
	           PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_PREPARED;
}

/* "CREATE INDEX CONCURRENTLY", ... for a statement needs_no_tx(). */
static void describe_no_tx(const struct lint_stmt *st, char *out, size_t n)
{
	const PgQuery__Node *node = st->node;
	const PgQuery__ReindexStmt *r;

	switch (node->node_case) {
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		snprintf(out, n, "CREATE INDEX CONCURRENTLY");
		return;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		snprintf(out, n, "DROP INDEX CONCURRENTLY");
		return;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		snprintf(out, n, "DETACH PARTITION CONCURRENTLY");
		return;
	case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
		snprintf(out, n,
		         "ALTER TYPE ... ADD VALUE (before PostgreSQL "
		         "12)");
		return;
	case PG_QUERY__NODE__NODE_REINDEX_STMT:
		r = node->reindex_stmt;
		if (has_def(r->params, r->n_params, "concurrently"))
			snprintf(out, n, "REINDEX CONCURRENTLY");
		else
			snprintf(
			    out, n, "REINDEX %s",
			    r->kind ==
			            PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA
			        ? "SCHEMA"
			    : r->kind ==
			            PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM
			        ? "SYSTEM"
			        : "DATABASE");
		return;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		snprintf(
		    out, n, "%s",
		    tx_kind(node) ==
		            PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED
		        ? "COMMIT PREPARED"
		        : "ROLLBACK PREPARED");
		return;
	default:
		snprintf(out, n, "%s", st->kind ? st->kind : "this statement");
		return;
	}
}

/* Whether a statement is "ordinary" work that a transaction would have
 * protected: not a setting, transaction control, a query or ANALYZE. */
static int is_ordinary(const struct lint_stmt *st)
{
	switch (st->node->node_case) {
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
	case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
	case PG_QUERY__NODE__NODE_SELECT_STMT:
	case PG_QUERY__NODE__NODE_COMMENT_STMT:
		return 0;
	case PG_QUERY__NODE__NODE_VACUUM_STMT: /* ANALYZE; VACUUM is no_tx */
		return 0;
	default:
		return !needs_no_tx(st);
	}
}

/* ---- destructive statements ---- */

static void check_drop(struct lint *L, struct safety *S,
                       const PgQuery__DropStmt *d)
{
	const struct lint_stmt *st = L->cur;
	size_t from = st->offset;
	char name[300], sql[300];

	if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA &&
	    d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
		for (size_t i = 0; i < d->n_objects; i++) {
			object_name(d->objects[i], 0, name, sql, sizeof(name));
			if (!*name || strata_name_set_has(&S->schemas, name))
				continue;
			lint_help(L,
			          "-- drop what should go by name, after a "
			          "backup, then the empty schema:\n"
			          "-- DROP TABLE %s.<table>; ...\n"
			          "DROP SCHEMA %s;  -- RESTRICT: fails while "
			          "anything is left in it",
			          sql, sql);
			lint_report(
			    L, &rules[DROP_SCHEMA_CASCADE], NULL,
			    find_token(L, from, PG_QUERY__TOKEN__CASCADE, NULL),
			    "drops schema '%s' with every table, view "
			    "and function in it, for good, and whatever "
			    "outside depends on them",
			    name);
			break;
		}
		return;
	}
	if (d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	for (size_t i = 0; i < d->n_objects; i++) {
		const char *first =
		    object_name(d->objects[i], 0, name, sql, sizeof(name));
		size_t at = find_token(L, from, 0, first);
		if (at != LINT_AT_STMT)
			from = at + 1;
		if (!*name || is_new(L, S, name))
			continue;
		lint_help(L,
		          "-- 1. deploy app code that no longer uses '%s'\n"
		          "-- 2. back it up: pg_dump --table='%s' -Fc > "
		          "backup.dump\n"
		          "-- 3. drop it in a later migration, saying why:\n"
		          "-- strata:ignore drop-table unused since release N, "
		          "backed up\n"
		          "DROP TABLE %s;",
		          name, sql, sql);
		lint_report(L, &rules[DROP_TABLE], NULL, at,
		            "drops table '%s' and its data for good; running "
		            "app code that still uses it fails",
		            name);
	}
}

static void check_alter(struct lint *L, struct safety *S,
                        const PgQuery__AlterTableStmt *a)
{
	size_t from = after_rv(L, a->relation);
	char *table;
	char tsql[300], csql[140], key[300];

	if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !a->relation ||
	    rv_is_new(L, S, a->relation))
		return;
	if (!(table = strata_pg_rangevar_name(a->relation)))
		return;
	rv_sql(a->relation, tsql, sizeof(tsql));
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *c;
		size_t at;
		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
		    c->def &&
		    c->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF &&
		    c->def->column_def->colname) {
			column_key(key, sizeof(key), table,
			           c->def->column_def->colname);
			strata_name_set_add(&S->columns, key);
			continue;
		}
		if (c->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn &&
		    c->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull)
			continue;
		if (!c->name || !*c->name)
			continue;
		if (column_added(S, table, c->name))
			continue; /* added by this section: nobody uses it yet
			           */
		at = find_token(L, from, 0, c->name);
		if (at != LINT_AT_STMT)
			from = at + 1;
		lint_ident(c->name, csql, sizeof(csql));
		if (c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn) {
			lint_help(
			    L,
			    "-- 1. deploy app code that no longer reads or "
			    "writes '%s'\n"
			    "-- 2. drop it in a later migration, saying "
			    "why:\n"
			    "-- strata:ignore drop-column unused since "
			    "release N\n"
			    "ALTER TABLE %s DROP COLUMN %s;",
			    c->name, tsql, csql);
			lint_report(
			    L, &rules[DROP_COLUMN], NULL, at,
			    "drops column '%s.%s' and its data for good; "
			    "running app code that still reads or writes "
			    "it fails",
			    table, c->name);
		} else {
			lint_help(
			    L,
			    "-- first make sure every deployed app version "
			    "handles NULL in '%s', then:\n"
			    "-- strata:ignore drop-not-null every reader "
			    "handles NULL\n"
			    "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;",
			    c->name, tsql, csql);
			lint_report(
			    L, &rules[DROP_NOT_NULL], NULL, at,
			    "lets NULL into '%s.%s': app code that "
			    "assumes a value breaks, and once nulls are "
			    "written NOT NULL cannot simply be put back",
			    table, c->name);
		}
	}
	free(table);
}

static void check_truncate(struct lint *L, struct safety *S,
                           const PgQuery__TruncateStmt *t)
{
	char sql[300];

	if (t->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
		const PgQuery__RangeVar *old = NULL;
		for (size_t i = 0; i < t->n_relations && !old; i++)
			if (t->relations[i]->node_case ==
			        PG_QUERY__NODE__NODE_RANGE_VAR &&
			    !rv_is_new(L, S, t->relations[i]->range_var))
				old = t->relations[i]->range_var;
		if (!old)
			return;
		lint_help(L,
		          "-- name every table to empty; without CASCADE, "
		          "TRUNCATE fails if one is missing:\n"
		          "TRUNCATE %s /* , the referencing tables */;",
		          rv_sql(old, sql, sizeof(sql)));
		lint_report(L, &rules[TRUNCATE_CASCADE], NULL,
		            find_token(L, L->cur->offset,
		                       PG_QUERY__TOKEN__CASCADE, NULL),
		            "CASCADE also empties every table with a foreign "
		            "key to '%s', and the tables referencing those, "
		            "without naming them",
		            old->relname);
		return;
	}
	for (size_t i = 0; i < t->n_relations; i++) {
		const PgQuery__RangeVar *rv;
		if (t->relations[i]->node_case !=
		    PG_QUERY__NODE__NODE_RANGE_VAR)
			continue;
		rv = t->relations[i]->range_var;
		if (rv_is_new(L, S, rv))
			continue;
		rv_sql(rv, sql, sizeof(sql));
		lint_help(L,
		          "-- keep a copy first if the rows may be wanted "
		          "back: pg_dump --table='%s' -Fc > backup.dump\n"
		          "-- strata:ignore truncate-table the rows are "
		          "disposable\n"
		          "TRUNCATE %s;",
		          sql, sql);
		lint_report(
		    L, &rules[TRUNCATE_TABLE], NULL,
		    lint_pg_offset(L, rv->location),
		    "deletes every row of '%s' for good, under an ACCESS "
		    "EXCLUSIVE lock",
		    rv->relname);
	}
}

static void check_rename(struct lint *L, struct safety *S,
                         const PgQuery__RenameStmt *r)
{
	char *table;
	char tsql[300], old[140], new[140], type[120];

	if (!r->relation || !r->newname || !*r->newname)
		return;
	if (!(table = strata_pg_rangevar_name(r->relation)))
		return;
	rv_sql(r->relation, tsql, sizeof(tsql));
	lint_ident(r->newname, new, sizeof(new));
	if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
		char newname[300];
		if (r->relation->schemaname && *r->relation->schemaname)
			snprintf(newname, sizeof(newname), "%s.%s",
			         r->relation->schemaname, r->newname);
		else
			snprintf(newname, sizeof(newname), "%s", r->newname);
		if (is_new(L, S, table)) {
			/* still new under its new name */
			strata_name_set_add(&S->renamed, newname);
		} else {
			char nsql[300], s[140];
			if (r->relation->schemaname && *r->relation->schemaname)
				snprintf(nsql, sizeof(nsql), "%s.%s",
				         lint_ident(r->relation->schemaname, s,
				                sizeof(s)),
				         new);
			else
				snprintf(nsql, sizeof(nsql), "%s", new);
			lint_help(L,
			          "-- keep the old name working as a view "
			          "(simple views accept writes too):\n"
			          "-- strata:ignore rename-table the old name "
			          "stays as a view\n"
			          "ALTER TABLE %s RENAME TO %s;\n"
			          "CREATE VIEW %s AS SELECT * FROM %s;\n"
			          "-- drop the view once no deployed code uses "
			          "'%s'",
			          tsql, new, tsql, nsql, r->relation->relname);
			lint_report(
			    L, &rules[RENAME_TABLE], NULL,
			    lint_pg_offset(L, r->relation->location),
			    "renames '%s' to '%s' under an ACCESS "
			    "EXCLUSIVE lock: running app code that uses "
			    "'%s' fails at once",
			    table, r->newname, r->relation->relname);
		}
	} else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
	           r->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
	           r->subname && *r->subname &&
	           column_added(S, table, r->subname)) {
		char key[300];
		/* still new under its new name */
		column_key(key, sizeof(key), table, r->newname);
		strata_name_set_add(&S->columns, key);
	} else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
	           r->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
	           r->subname && *r->subname && !is_new(L, S, table)) {
		lint_ident(r->subname, old, sizeof(old));
		strata_pg_column_type(L, table, r->subname, type, sizeof(type));
		lint_help(
		    L,
		    "-- add the new column, write both from the app, "
		    "backfill, switch reads, then drop the old one:\n"
		    "ALTER TABLE %s ADD COLUMN %s %s;%s\n"
		    "UPDATE %s SET %s = %s WHERE id BETWEEN 1 AND 10000;  "
		    "-- in batches\n"
		    "-- later, once no deployed code uses '%s':\n"
		    "ALTER TABLE %s DROP COLUMN %s;",
		    tsql, new, *type ? type : "text",
		    *type ? "" : "  -- the type of the old column", tsql, new,
		    old, r->subname, tsql, old);
		lint_report(
		    L, &rules[RENAME_COLUMN], NULL,
		    find_token(L, after_rv(L, r->relation), 0, r->subname),
		    "renames column '%s.%s' to '%s' under an ACCESS "
		    "EXCLUSIVE lock: running app code that uses '%s' "
		    "fails at once",
		    table, r->subname, r->newname, r->subname);
	}
	free(table);
}

/* Help for UPDATE/DELETE of every row: the statement, one key range at a
 * time, each range in a transaction of its own. */
static void help_batches(struct lint *L, int plain)
{
	const struct lint_stmt *st = L->cur;
	const char *how =
	    L->loose ? "-- one key range per transaction (autocommit), "
	               "repeated up to max(id):\n"
	             : "-- strata:no-transaction\n"
	               "-- (a migration of its own: each batch then commits "
	               "alone; repeat up to max(id))\n";

	if (plain)
		lint_help(L, "%s%.*s\nWHERE id >= 1 AND id < 10001;", how,
		          (int)st->len, L->text + st->offset);
	else
		lint_help(L,
		          "%s-- the same statement with\nWHERE id >= 1 AND "
		          "id < 10001",
		          how);
}

static void check_update(struct lint *L, struct safety *S,
                         const PgQuery__UpdateStmt *u)
{
	char *table;

	if (u->where_clause || !u->relation || rv_is_new(L, S, u->relation))
		return;
	table = strata_pg_rangevar_name(u->relation);
	help_batches(L, !u->n_returning_list && !u->with_clause);
	lint_report(L, &rules[UPDATE_ALL], table,
	            lint_pg_offset(L, u->relation->location),
	            "updates every row of '%s' in one transaction: each row "
	            "stays locked until commit, and the table grows by a "
	            "full copy until vacuum",
	            table ? table : "?");
	free(table);
}

static void check_delete(struct lint *L, struct safety *S,
                         const PgQuery__DeleteStmt *d)
{
	char *table;

	if (d->where_clause || !d->relation || rv_is_new(L, S, d->relation))
		return;
	table = strata_pg_rangevar_name(d->relation);
	help_batches(L, !d->n_returning_list && !d->with_clause);
	lint_report(L, &rules[DELETE_ALL], NULL,
	            lint_pg_offset(L, d->relation->location),
	            "deletes every row of '%s' for good, in one transaction "
	            "that keeps them all locked until commit",
	            table ? table : "?");
	free(table);
}

/* ---- transactions ---- */

static void check_no_tx(struct lint *L, const struct lint_stmt *st)
{
	struct safety *S = state(L);
	char what[48];
	size_t at;

	/* a strata migration needs no help: strata runs such a statement
	 * outside the transaction by itself (mixed-transaction-modes says
	 * what that means for the rest) */
	if (!needs_no_tx(st) || L->tx_depth == 0)
		return;
	describe_no_tx(st, what, sizeof(what));
	at = find_token(L, st->offset, PG_QUERY__TOKEN__CONCURRENTLY, NULL);
	lint_help(L, "-- after the transaction ends:\nCOMMIT;\n%.*s;",
	          (int)st->len, L->text + st->offset);
	lint_report(L, &rules[NO_TX_IN_TX], NULL, at,
	            "%s cannot run inside a transaction block, and the BEGIN "
	            "at line %d opened one: it fails with SQLSTATE 25001",
	            what, S ? line_of(L, S->begin_at) : 0);
}

/* A no-transaction strata migration: the first statement that needs it
 * and the first ordinary one, reported once both are there. */
static void check_mixed(struct lint *L, struct safety *S,
                        const struct lint_stmt *st)
{
	int no_tx = needs_no_tx(st), plain = is_ordinary(st);

	if (L->loose || L->tx_depth > 0 || S->mixed_done || (!no_tx && !plain))
		return;
	if (no_tx && S->no_tx_at == LINT_AT_STMT) {
		S->no_tx_at = st->offset;
		S->no_tx_len = st->len;
		describe_no_tx(st, S->no_tx_what, sizeof(S->no_tx_what));
	}
	if (plain && S->plain_at == LINT_AT_STMT) {
		S->plain_at = st->offset;
		S->plain_len = st->len;
		S->plain_what = st->kind ? st->kind : "statement";
	}
	if (S->no_tx_at == LINT_AT_STMT || S->plain_at == LINT_AT_STMT ||
	    !lint_enabled(L, &rules[MIXED_TX]))
		return;
	lint_help(
	    L,
	    "-- this migration: only what cannot run in a transaction\n"
	    "-- strata:no-transaction\n%.*s;\n"
	    "-- a migration of its own for the rest, run in a "
	    "transaction:\n%.*s;",
	    first_line(L, S->no_tx_at, S->no_tx_len), L->text + S->no_tx_at,
	    first_line(L, S->plain_at, S->plain_len), L->text + S->plain_at);
	if (plain)
		lint_report(
		    L, &rules[MIXED_TX], NULL, LINT_AT_STMT,
		    "%s runs outside a transaction because of the %s at "
		    "line %d: if a statement fails half-way, what ran "
		    "before stays done",
		    S->plain_what, S->no_tx_what, line_of(L, S->no_tx_at));
	else
		lint_report(
		    L, &rules[MIXED_TX], NULL, LINT_AT_STMT,
		    "%s makes this migration run without a transaction, "
		    "so the %s at line %d is not rolled back if a "
		    "statement fails",
		    S->no_tx_what, S->plain_what, line_of(L, S->plain_at));
	S->mixed_done = 1;
}

static void check_transaction(struct lint *L, struct safety *S,
                              const struct lint_stmt *st)
{
	PgQuery__TransactionStmtKind k = tx_kind(st->node);
	const char *word;

	switch (k) {
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
		word = k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN
		           ? "BEGIN"
		           : "START TRANSACTION";
		if (L->in_tx) {
			lint_help(L,
			          "-- delete the %s and its COMMIT: strata "
			          "runs each migration in one transaction\n"
			          "-- (or start the file with '-- "
			          "strata:no-transaction' to manage "
			          "transactions yourself)",
			          word);
			lint_report(
			    L, &rules[TX_NESTING], NULL, LINT_AT_STMT,
			    "%s in a migration that strata already runs "
			    "in a transaction: strata refuses to apply it",
			    word);
		} else if (L->tx_depth > 0) {
			lint_help(L,
			          "-- end the open transaction first:\n"
			          "COMMIT;\n%s;",
			          word);
			lint_report(L, &rules[TX_NESTING], NULL, LINT_AT_STMT,
			            "%s inside the transaction opened at line "
			            "%d: PostgreSQL only warns, and the next "
			            "COMMIT ends both",
			            word, line_of(L, S->begin_at));
		} else {
			S->begin_at = st->offset;
			S->begin_report = lint_enabled(L, &rules[UNCOMMITTED]);
		}
		break;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
		/* SET LOCAL ends with the transaction */
		for (size_t i = S->nsettings; i-- > 0;)
			if (S->settings[i].local)
				setting_drop(S, i);
		/* after a flagged BEGIN, that finding says it all */
		if (!L->in_tx || L->tx_depth > 0)
			break;
		word =
		    k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT
		        ? "COMMIT"
		    : k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK
		        ? "ROLLBACK"
		        : "PREPARE TRANSACTION";
		lint_help(L,
		          "-- delete the %s: strata commits the migration "
		          "together with its history row\n"
		          "-- (to commit in between, split the migration "
		          "in two)",
		          word);
		lint_report(
		    L, &rules[TX_NESTING], NULL, LINT_AT_STMT,
		    "%s ends the transaction strata runs this migration "
		    "in, half-way: strata refuses to apply it",
		    word);
		break;
	default:
		break;
	}
}

static void safety_section_end(struct lint *L)
{
	struct safety *S = state(L);

	if (!S || L->in_tx || L->tx_depth <= 0 || !S->begin_report)
		return;
	lint_help(L,
	          "-- end the transaction before the end of the %s:\n"
	          "COMMIT;",
	          L->loose ? "file" : "section");
	lint_report(L, &rules[UNCOMMITTED], NULL, S->begin_at,
	            "this BEGIN is never committed: the %s ends inside the "
	            "transaction, and its work is rolled back when the "
	            "session closes",
	            L->loose ? "file" : "section");
}

/* ---- settings ---- */

static void check_timeouts(struct lint *L, struct safety *S,
                           const struct lint_stmt *st)
{
	if (st->node->node_case == PG_QUERY__NODE__NODE_DROPDB_STMT)
		return; /* touches a database, not a table */
	for (size_t i = 0; i < st->ntouches; i++) {
		const struct lint_touch *t = &st->touches[i];
		const char *lock = strata_lock_mode_name(t->lock);
		if (t->created || (t->effects & STRATA_TOUCH_NEW))
			continue;
		if (!S->lock_done && !L->lock_timeout_set &&
		    t->lock >= STRATA_LOCK_SHARE &&
		    lint_enabled(L, &rules[LOCK_TIMEOUT])) {
			lint_help(L, "SET lock_timeout = '2s';  -- give up "
			             "(and retry later) instead of queueing "
			             "every query behind the lock");
			lint_report(
			    L, &rules[LOCK_TIMEOUT], t->name, LINT_AT_STMT,
			    "takes %s on '%s' with no lock_timeout set: "
			    "while it waits for a running transaction, "
			    "every query on '%s' queues behind it",
			    lock, t->name, t->name);
			S->lock_done = 1;
		}
		if (!S->stmt_done && !L->statement_timeout_set &&
		    (t->effects & (STRATA_TOUCH_SCAN | STRATA_TOUCH_REWRITE)) &&
		    (t->lock >= STRATA_LOCK_SHARE ||
		     (t->effects & STRATA_TOUCH_REWRITE)) &&
		    lint_enabled(L, &rules[STATEMENT_TIMEOUT])) {
			lint_help(L,
			          "SET statement_timeout = '5min';  -- an "
			          "upper bound on how long it holds the lock");
			lint_report(
			    L, &rules[STATEMENT_TIMEOUT], t->name, LINT_AT_STMT,
			    "%s '%s' under %s with no statement_timeout "
			    "set: nothing bounds how long it blocks others",
			    t->effects & STRATA_TOUCH_REWRITE ? "rewrites"
			                                      : "scans",
			    t->name,
			    t->lock >= STRATA_LOCK_SHARE ? lock : "row locks");
			S->stmt_done = 1;
		}
	}
}

/* The value of a SET as text, to compare two SETs; NULL when not a list
 * of plain constants. */
static char *setting_value(const PgQuery__VariableSetStmt *v)
{
	strata_buf b;

	if (v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE || !v->n_args)
		return NULL;
	strata_buf_init(&b);
	for (size_t i = 0; i < v->n_args; i++) {
		const PgQuery__Node *a = v->args[i];
		const PgQuery__AConst *c;
		if (a->node_case != PG_QUERY__NODE__NODE_A_CONST) {
			strata_buf_dispose(&b);
			return NULL;
		}
		c = a->a_const;
		if (i)
			strata_buf_puts(&b, ", ");
		switch (c->val_case) {
		case PG_QUERY__A__CONST__VAL_IVAL:
			strata_buf_printf(&b, "%d", (int)c->ival->ival);
			break;
		case PG_QUERY__A__CONST__VAL_FVAL:
			strata_buf_puts(&b, c->fval->fval);
			break;
		case PG_QUERY__A__CONST__VAL_SVAL:
			strata_buf_printf(&b, "'%s'", c->sval->sval);
			break;
		case PG_QUERY__A__CONST__VAL_BOOLVAL:
			strata_buf_puts(&b,
			                c->boolval->boolval ? "true" : "false");
			break;
		default:
			strata_buf_dispose(&b);
			return NULL;
		}
	}
	return strata_buf_detach(&b);
}

static struct setting *setting_find(struct safety *S, const char *name,
                                    int local)
{
	for (size_t i = 0; i < S->nsettings; i++)
		if (S->settings[i].local == local &&
		    strcmp(S->settings[i].name, name) == 0)
			return &S->settings[i];
	return NULL;
}

static void check_set(struct lint *L, struct safety *S,
                      const PgQuery__VariableSetStmt *v)
{
	const char *name = v->name ? v->name : "";
	int local = v->is_local != 0;
	struct setting *same, *other, *e;
	char *value;

	switch (v->kind) {
	case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
		while (S->nsettings)
			setting_drop(S, 0);
		return;
	case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
	case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
		for (size_t i = S->nsettings; i-- > 0;)
			if (strcmp(S->settings[i].name, name) == 0)
				setting_drop(S, i);
		return;
	case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE:
	case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_CURRENT:
		break;
	default:
		return;
	}
	/* SET LOCAL outside a transaction block does nothing (PostgreSQL
	 * only warns) */
	if (!*name || (local && !L->in_tx && L->tx_depth == 0))
		return;
	value = setting_value(v);
	same = setting_find(S, name, local);
	other = setting_find(S, name, !local);
	if (other) {
		lint_help(L,
		          "-- set '%s' once, with %s for both, or RESET it "
		          "in between",
		          name, local ? "SET LOCAL" : "SET");
		lint_report(L, &rules[DUPLICATE_SETTING], NULL,
		            find_token(L, L->cur->offset, 0, name),
		            "'%s' was set with %s at line %d and now with %s: "
		            "which value applies depends on where transactions "
		            "end",
		            name, other->local ? "SET LOCAL" : "SET",
		            line_of(L, other->at), local ? "SET LOCAL" : "SET");
	} else if (same && !same->used) {
		lint_help(L,
		          "-- delete the SET of '%s' at line %d: nothing "
		          "runs under it",
		          name, line_of(L, same->at));
		lint_report(L, &rules[DUPLICATE_SETTING], NULL,
		            find_token(L, L->cur->offset, 0, name),
		            "'%s' is set again before any statement ran under "
		            "the value set at line %d: that SET has no effect",
		            name, line_of(L, same->at));
	} else if (same && same->value && value &&
	           strcmp(same->value, value) == 0) {
		lint_help(L, "-- delete this SET: '%s' is %s since line %d",
		          name, value, line_of(L, same->at));
		lint_report(L, &rules[DUPLICATE_SETTING], NULL,
		            find_token(L, L->cur->offset, 0, name),
		            "'%s' is already %s since line %d: this SET "
		            "changes nothing",
		            name, value, line_of(L, same->at));
	}
	if (!(e = same)) {
		e = realloc(S->settings, (S->nsettings + 1) * sizeof(*e));
		if (!e) {
			free(value);
			return;
		}
		S->settings = e;
		e = &S->settings[S->nsettings];
		if (!(e->name = strdup(name))) {
			free(value);
			return;
		}
		e->value = NULL;
		S->nsettings++;
	}
	free(e->value);
	e->value = value;
	e->local = local;
	e->used = 0;
	e->at = L->cur->offset;
}

/* ---- statements PostgreSQL refuses ---- */

static const PgQuery__ResTarget *res_target(const PgQuery__Node *n)
{
	return n->node_case == PG_QUERY__NODE__NODE_RES_TARGET ? n->res_target
	                                                       : NULL;
}

/*
 * UPDATE ... SET a = 1, a = 2 and INSERT INTO t (a, a): the server refuses
 * both.  Assignments to different parts of one column (a[1], a[2]) are
 * allowed; one to the whole column and one to a part are not.
 */
static void check_targets(struct lint *L, PgQuery__Node **t, size_t n,
                          const char *verb)
{
	for (size_t i = 1; i < n; i++) {
		const PgQuery__ResTarget *b = res_target(t[i]);
		if (!b || !b->name || !*b->name)
			continue;
		for (size_t k = 0; k < i; k++) {
			const PgQuery__ResTarget *a = res_target(t[k]);
			if (!a || !a->name || strcmp(a->name, b->name) != 0 ||
			    (a->n_indirection && b->n_indirection))
				continue;
			lint_help(L, "-- keep one %s of '%s'",
			          *verb == 'U' ? "assignment" : "mention",
			          b->name);
			lint_report(
			    L, &rules[DUPLICATE_COLUMN], NULL,
			    lint_pg_offset(L, b->location),
			    "column '%s' is %s twice: PostgreSQL refuses "
			    "the %s",
			    b->name, *verb == 'U' ? "assigned" : "listed",
			    verb);
			break;
		}
	}
}

/* ---- statements that cannot be run twice ---- */

/* "DROP INDEX CONCURRENTLY": the words before the first name, into out. */
static const char *drop_words(const struct lint *L, size_t name_at, char *out,
                              size_t n)
{
	const struct lint_stmt *st = L->cur;
	size_t k = 0;

	snprintf(out, n, "DROP");
	if (name_at == LINT_AT_STMT || name_at <= st->offset ||
	    name_at - st->offset >= n)
		return out;
	for (size_t i = st->offset; i < name_at; i++) {
		char c = L->text[i];
		if (c == '-' || c == '/' || c == '"')
			return "DROP"; /* a comment or a quoted word: keep it
			                  short */
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (k && out[k - 1] != ' ')
				out[k++] = ' ';
		} else if (c >= 'a' && c <= 'z') {
			out[k++] = (char)(c - 'a' + 'A');
		} else {
			out[k++] = c;
		}
	}
	while (k && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
	return out;
}

/* ins[0].text is the clause missing from the first statement part. */
static void report_robust(struct lint *L, const char *what, const char *name,
                          const struct insert *ins, size_t n,
                          const char *before)
{
	int len = (int)strlen(ins[0].text) - 1; /* without its space */

	if (!help_inserted(L, before, ins, n))
		lint_help(L, "-- add %.*s to the statement", len, ins[0].text);
	lint_report(L, &rules[NON_ROBUST], NULL, ins[0].at,
	            "%s '%s' without %.*s outside a transaction: if a later "
	            "statement fails, running the %s again stops here",
	            what, name, len, ins[0].text,
	            L->loose ? "file" : "section");
}

static void check_robust_alter(struct lint *L, const PgQuery__AlterTableStmt *a)
{
	struct insert ins[8];
	const char *first = NULL, *first_what = NULL;
	size_t n = 0, from = after_rv(L, a->relation);

	if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	for (size_t i = 0; i < a->n_cmds && n < 8; i++) {
		const PgQuery__AlterTableCmd *c;
		const char *name = NULL, *word = NULL, *what = NULL;
		size_t at = LINT_AT_STMT;
		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		if (c->missing_ok)
			continue;
		switch (c->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
			if (!c->def || c->def->node_case !=
			                   PG_QUERY__NODE__NODE_COLUMN_DEF)
				continue;
			name = c->def->column_def->colname;
			at = lint_pg_offset(L, c->def->column_def->location);
			word = "IF NOT EXISTS ";
			what = "ADD COLUMN";
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
			name = c->name;
			at = find_token(L, from, 0, name);
			word = "IF EXISTS ";
			what = c->subtype ==
			               PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn
			           ? "DROP COLUMN"
			           : "DROP CONSTRAINT";
			break;
		default:
			continue;
		}
		if (!name || !*name)
			continue;
		if (at != LINT_AT_STMT)
			from = at + 1;
		if (!first) {
			first = name;
			first_what = what;
		}
		ins[n].at = at;
		ins[n].text = word;
		n++;
	}
	if (n) {
		report_robust(L, first_what, first, ins, n, "");
	}
}

/* Whether another statement follows the current one in the section. */
static int later_statement(const struct lint *L)
{
	const struct lint_stmt *st = L->cur;
	size_t p =
	    strata_sql_skip_blank(L->text, st->offset + st->len, L->end, 1);

	while (p < L->end && L->text[p] == ';')
		p = strata_sql_skip_blank(L->text, p + 1, L->end, 1);
	return p < L->end;
}

/*
 * Outside a transaction, a statement that cannot run twice is only a
 * problem when a later one can fail (the section is then run again): the
 * last statement of a section is not flagged.
 */
static void check_robust(struct lint *L, const struct lint_stmt *st)
{
	const PgQuery__Node *node = st->node;
	struct insert ins[1];
	char name[300], sql[300], before[400];

	if (L->in_tx || L->tx_depth > 0 || !later_statement(L))
		return;
	switch (node->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT: {
		const PgQuery__CreateStmt *c = node->create_stmt;
		if (c->if_not_exists || !c->relation ||
		    (c->relation->relpersistence &&
		     c->relation->relpersistence[0] == 't'))
			return;
		ins[0].at = lint_pg_offset(L, c->relation->location);
		ins[0].text = "IF NOT EXISTS ";
		report_robust(L, "CREATE TABLE", c->relation->relname, ins, 1,
		              "");
		return;
	}
	case PG_QUERY__NODE__NODE_INDEX_STMT: {
		const PgQuery__IndexStmt *ix = node->index_stmt;
		if (ix->if_not_exists)
			return;
		if (!ix->idxname || !*ix->idxname) {
			lint_help(L,
			          "-- name the index (IF NOT EXISTS needs a "
			          "name):\nCREATE INDEX%s IF NOT EXISTS "
			          "%s_idx ON %s (...);",
			          ix->concurrent ? " CONCURRENTLY" : "",
			          ix->relation ? ix->relation->relname : "t",
			          rv_sql(ix->relation, sql, sizeof(sql)));
			lint_report(
			    L, &rules[NON_ROBUST], NULL, LINT_AT_STMT,
			    "CREATE INDEX without a name or IF NOT "
			    "EXISTS outside a transaction: running the %s "
			    "again builds a second index",
			    L->loose ? "file" : "section");
			return;
		}
		ins[0].at = find_token(L, st->offset, 0, ix->idxname);
		ins[0].text = "IF NOT EXISTS ";
		before[0] = '\0';
		if (ix->concurrent)
			snprintf(
			    before, sizeof(before),
			    "-- a failed build leaves an INVALID index that "
			    "IF NOT EXISTS would keep:\n"
			    "DROP INDEX CONCURRENTLY IF EXISTS %s;\n",
			    lint_ident(ix->idxname, sql, sizeof(sql)));
		report_robust(L, "CREATE INDEX", ix->idxname, ins, 1, before);
		return;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT: {
		const PgQuery__DropStmt *d = node->drop_stmt;
		int name_first;
		const char *lead;
		if (d->missing_ok || !d->n_objects)
			return;
		name_first =
		    d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
		    d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY ||
		    d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_RULE;
		lead = object_name(d->objects[0], name_first, name, sql,
		                   sizeof(name));
		ins[0].at = find_token(L, st->offset, 0, lead);
		ins[0].text = "IF EXISTS ";
		report_robust(L, drop_words(L, ins[0].at, sql, sizeof(sql)),
		              *name ? name : "?", ins, 1, "");
		return;
	}
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		check_robust_alter(L, node->alter_table_stmt);
		return;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: {
		const PgQuery__CreateSchemaStmt *c = node->create_schema_stmt;
		if (c->if_not_exists || !c->schemaname || !*c->schemaname)
			return;
		ins[0].at = find_token(L, st->offset, 0, c->schemaname);
		ins[0].text = "IF NOT EXISTS ";
		report_robust(L, "CREATE SCHEMA", c->schemaname, ins, 1, "");
		return;
	}
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: {
		const PgQuery__CreateSeqStmt *c = node->create_seq_stmt;
		if (c->if_not_exists || !c->sequence)
			return;
		ins[0].at = lint_pg_offset(L, c->sequence->location);
		ins[0].text = "IF NOT EXISTS ";
		report_robust(L, "CREATE SEQUENCE", c->sequence->relname, ins,
		              1, "");
		return;
	}
	case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: {
		const PgQuery__CreateExtensionStmt *c =
		    node->create_extension_stmt;
		if (c->if_not_exists || !c->extname)
			return;
		ins[0].at = find_token(L, st->offset, 0, c->extname);
		ins[0].text = "IF NOT EXISTS ";
		report_robust(L, "CREATE EXTENSION", c->extname, ins, 1, "");
		return;
	}
	default:
		return;
	}
}

/* ---- the family ---- */

static void safety_statement(struct lint *L, const struct lint_stmt *st)
{
	struct safety *S = state(L);
	const PgQuery__Node *n = st->node;

	if (!S || !n)
		return;
	check_no_tx(L, st);
	check_mixed(L, S, st);
	check_timeouts(L, S, st);
	check_robust(L, st);
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		check_transaction(L, S, st);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		check_drop(L, S, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROPDB_STMT:
		lint_help(L,
		          "-- drop a database by hand, after a backup, not "
		          "in a migration:\n-- pg_dump -Fc %s > backup.dump "
		          "&& dropdb %s",
		          n->dropdb_stmt->dbname, n->dropdb_stmt->dbname);
		lint_report(
		    L, &rules[DROP_DATABASE], NULL,
		    find_token(L, st->offset, 0, n->dropdb_stmt->dbname),
		    "drops database '%s' with every table in it, for "
		    "good",
		    n->dropdb_stmt->dbname);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		check_alter(L, S, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
		check_truncate(L, S, n->truncate_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		check_rename(L, S, n->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_UPDATE_STMT:
		check_update(L, S, n->update_stmt);
		check_targets(L, n->update_stmt->target_list,
		              n->update_stmt->n_target_list, "UPDATE");
		break;
	case PG_QUERY__NODE__NODE_INSERT_STMT:
		check_targets(L, n->insert_stmt->cols, n->insert_stmt->n_cols,
		              "INSERT");
		if (n->insert_stmt->on_conflict_clause)
			check_targets(
			    L, n->insert_stmt->on_conflict_clause->target_list,
			    n->insert_stmt->on_conflict_clause->n_target_list,
			    "UPDATE");
		break;
	case PG_QUERY__NODE__NODE_DELETE_STMT:
		check_delete(L, S, n->delete_stmt);
		break;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		check_set(L, S, n->variable_set_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		if (n->create_schema_stmt->schemaname)
			strata_name_set_add(&S->schemas,
			                    n->create_schema_stmt->schemaname);
		break;
	default:
		break;
	}
	/* a setting is "used" once something else ran under it */
	if (n->node_case != PG_QUERY__NODE__NODE_VARIABLE_SET_STMT &&
	    n->node_case != PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT &&
	    n->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT)
		for (size_t i = 0; i < S->nsettings; i++)
			S->settings[i].used = 1;
}

const struct lint_family strata_lint_safety = {
    .name = "safety",
    .dialect = STRATA_DIALECT_POSTGRES,
    .rules = rules,
    .nrules = sizeof(rules) / sizeof(*rules),
    .statement = safety_statement,
    .section_end = safety_section_end,
    .state_new = safety_new,
    .state_free = safety_free,
};
