/*
 * Walks a PostgreSQL section: one libpg_query parse into protobuf-c structs
 * (no JSON round trip), then every statement through the analysis and the
 * rules, then the state the next statements rely on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../split.h"
#include "lint.h"

/* Offset of line/column (1-based, column in characters) in text. */
static size_t offset_of(const char *text, int line, int column)
{
	size_t p = 0;

	for (int l = 1; l < line && text[p]; p++)
		if (text[p] == '\n')
			l++;
	return strata_utf8_advance(text, p, column > 0 ? column - 1 : 0);
}

/* A chunk that does not parse: the splitter's message when it has one
 * (it knows psql meta-commands and COPY data), else the parser's. */
static void syntax_error(struct lint *L, const struct pg_chunk *c)
{
	strata_stmt_list l = {0};
	strata_error err = {0};

	L->syntax_failed = 1;
	if (strata_split_pg(&l, L->text, c->base, c->end, L->path, &err) < 0 &&
	    err.message && err.line > 0)
		lint_syntax_error(L, offset_of(L->text, err.line, err.column),
		                  err.message);
	else
		lint_syntax_error(L, c->error_at, c->error);
	strata_stmt_list_dispose(&l);
	strata_error_dispose(&err);
}

/* A timeout setting: 1 set for the session, 2 set for the transaction
 * (SET LOCAL), 0 reset; -1 when the statement is not one. */
static int timeout_setting(const struct lint *L,
                           const PgQuery__VariableSetStmt *v)
{
	switch (v->kind) {
	case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE:
		if (!v->is_local)
			return 1;
		/* SET LOCAL outside a transaction block does nothing */
		return L->in_tx || L->tx_depth > 0 ? 2 : 0;
	case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
	case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
		return 0;
	default:
		return -1;
	}
}

/* A table renamed from one this section created is new too. */
static void track_rename(struct lint *L, const PgQuery__RenameStmt *r)
{
	char *from, *to;
	size_t n;

	if (r->rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
	    !r->relation || !(from = strata_pg_rangevar_name(r->relation)))
		return;
	if (lint_created_here(L, from)) {
		const char *schema = r->relation->schemaname;
		n = strlen(r->newname) + (schema ? strlen(schema) : 0) + 2;
		if ((to = malloc(n))) {
			if (schema && *schema)
				snprintf(to, n, "%s.%s", schema, r->newname);
			else
				snprintf(to, n, "%s", r->newname);
			strata_name_set_add(&L->created, to);
			free(to);
		}
	}
	free(from);
}

/* What the statement leaves behind for the next ones. */
static void track(struct lint *L, const struct lint_stmt *st)
{
	const PgQuery__Node *n = st->node;

	for (size_t i = 0; i < st->ntouches; i++)
		if (st->touches[i].created)
			strata_name_set_add(&L->created, st->touches[i].name);
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		switch (n->transaction_stmt->kind) {
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
			L->tx_depth++;
			break;
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
		case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
			L->tx_depth = 0;
			/* SET LOCAL ends with the transaction */
			if (L->lock_timeout_set == 2)
				L->lock_timeout_set = 0;
			if (L->statement_timeout_set == 2)
				L->statement_timeout_set = 0;
			break;
		default:
			break;
		}
		break;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
		const PgQuery__VariableSetStmt *v = n->variable_set_stmt;
		int t = timeout_setting(L, v);
		if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
			L->lock_timeout_set = L->statement_timeout_set = 0;
		} else if (t >= 0 && v->name) {
			if (strcmp(v->name, "lock_timeout") == 0)
				L->lock_timeout_set = t;
			else if (strcmp(v->name, "statement_timeout") == 0)
				L->statement_timeout_set = t;
		}
		break;
	}
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		track_rename(L, n->rename_stmt);
		break;
	default:
		break;
	}
}

static void walk(struct lint *L, const struct pg_chunk *c, int *index)
{
	const PgQuery__ParseResult *tree = c->tree;

	for (size_t i = 0; i < tree->n_stmts; i++) {
		const PgQuery__RawStmt *raw = tree->stmts[i];
		struct lint_stmt st;
		size_t from = c->base + (size_t)raw->stmt_location, to;

		if (!raw->stmt)
			continue;
		memset(&st, 0, sizeof(st));
		st.node = raw->stmt;
		st.index = ++*index;
		st.offset = strata_sql_skip_blank(L->text, from, c->end, 1);
		to = raw->stmt_len ? from + (size_t)raw->stmt_len : c->end;
		while (to > st.offset && strchr(" \t\r\n", L->text[to - 1]))
			to--;
		st.len = to > st.offset ? to - st.offset : 0;
		strata_pg_analyze(L, &st);
		lint_statement(L, &st, from);
		track(L, &st);
		strata_pg_model_after(L, &st);
		strata_lint_stmt_dispose(&st);
	}
}

int strata_lint_pg_section(struct lint *L)
{
	struct pg_chunk c, next;
	int rc = 0, index = 0, more;

	memset(&c, 0, sizeof(c));
	while ((more = strata_pg_pool_next(L->pool, &c))) {
		/* a statement cut in two (BEGIN ATOMIC bodies hold ';'): parse
		 * it again together with the next chunk */
		while (!c.tree && !c.nomem && !c.last &&
		       strata_pg_pool_next(L->pool, &next)) {
			struct pg_chunk merged;
			memset(&merged, 0, sizeof(merged));
			merged.sect = c.sect;
			merged.base = c.base;
			merged.end = next.end;
			merged.last = next.last;
			strata_pg_chunk_dispose(&c);
			strata_pg_chunk_dispose(&next);
			strata_pg_chunk_parse(&merged, L->text);
			c = merged;
		}
		if (c.nomem) {
			rc = strata_error_set(&L->s->err, STRATA_ENOMEM,
			                      "out of memory");
			break;
		}
		if (!c.tree) {
			syntax_error(L, &c);
			break;
		}
		walk(L, &c, &index);
		if (c.last)
			break;
		strata_pg_chunk_dispose(&c);
	}
	/* after a failure, the rest of this section's chunks */
	while (more && !c.last) {
		strata_pg_chunk_dispose(&c);
		if (!strata_pg_pool_next(L->pool, &c))
			break;
	}
	strata_pg_chunk_dispose(&c);
	return rc;
}
