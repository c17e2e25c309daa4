/*
 * What a PostgreSQL statement does to the tables it names: the lock it
 * takes on each (the strongest over all of an ALTER TABLE's subcommands, as
 * the server's AlterTableGetLockLevel() decides), whether it rewrites or
 * scans the table under that lock, and the risk that follows.  See
 * ../shared/notes/postgres-locks.md and docs/lint-rules.md.
 *
 * The analysis also keeps a small model of the schema across the run's up
 * sections (column types, validated NOT NULL checks), so that a type change
 * can be told binary-coercible and SET NOT NULL can be told free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

struct model {
	struct name_map coltypes;  /* "table.column" -> "varchar(20)" */
	struct name_set notnull;   /* "table.column": validated IS NOT NULL */
	struct name_map nv_checks; /* "table.constraint" -> column, NOT VALID */
};

void strata_lint_model_dispose(struct lint *L)
{
	if (!L->model)
		return;
	strata_name_map_dispose(&L->model->coltypes);
	strata_name_set_dispose(&L->model->notnull);
	strata_name_map_dispose(&L->model->nv_checks);
	free(L->model);
	L->model = NULL;
}

static struct model *model(struct lint *L)
{
	if (!L->model)
		L->model = calloc(1, sizeof(*L->model));
	return L->model;
}

/* ---- small parse-tree helpers ---- */

char *strata_pg_rangevar_name(const PgQuery__RangeVar *rv)
{
	char *out;
	size_t n;

	if (!rv || !rv->relname)
		return strdup("?");
	if (!rv->schemaname || !*rv->schemaname)
		return strdup(rv->relname);
	n = strlen(rv->schemaname) + strlen(rv->relname) + 2;
	if ((out = malloc(n)))
		snprintf(out, n, "%s.%s", rv->schemaname, rv->relname);
	return out;
}

const char *strata_pg_last_name(PgQuery__Node **names, size_t n)
{
	if (n == 0 || names[n - 1]->node_case != PG_QUERY__NODE__NODE_STRING)
		return "";
	return names[n - 1]->string->sval;
}

/* "a.b.c" of a name list (for DROP objects), into out. */
static void join_names(PgQuery__Node **names, size_t n, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		if (names[i]->node_case != PG_QUERY__NODE__NODE_STRING)
			continue;
		used +=
		    (size_t)snprintf(out + used, size - used, "%s%s",
		                     used ? "." : "", names[i]->string->sval);
	}
}

size_t lint_pg_offset(const struct lint *L, int32_t location)
{
	if (location < 0 || L->start + (size_t)location >= L->end)
		return LINT_AT_STMT;
	return L->start + (size_t)location;
}

void strata_pg_type_string(const PgQuery__TypeName *t, char *out, size_t n)
{
	size_t used;

	out[0] = '\0';
	if (!t)
		return;
	used = (size_t)snprintf(out, n, "%s",
	                        strata_pg_last_name(t->names, t->n_names));
	for (size_t i = 0; i < t->n_typmods && used < n; i++) {
		const PgQuery__Node *m = t->typmods[i];
		long v = -1;
		if (m->node_case == PG_QUERY__NODE__NODE_A_CONST &&
		    m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
			v = m->a_const->ival->ival;
		used += (size_t)snprintf(out + used, n - used, "%s%ld",
		                         i ? "," : "(", v);
		if (i + 1 == t->n_typmods && used < n)
			used += (size_t)snprintf(out + used, n - used, ")");
	}
	if (t->n_array_bounds && used < n)
		snprintf(out + used, n - used, "[]");
}

/* ---- volatility ---- */

static const char *const volatile_functions[] = {
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setval",
    "txid_current",
    "gen_random_bytes",
    "random_normal",
    "pg_current_xact_id",
    NULL,
};

/* Common functions known not to be volatile (stable or immutable): a
 * default calling them is evaluated once, without a rewrite. */
static const char *const steady_functions[] = {
    "now",
    "transaction_timestamp",
    "statement_timestamp",
    "current_date",
    "lower",
    "upper",
    "length",
    "abs",
    "coalesce",
    "concat",
    "to_char",
    "to_jsonb",
    "jsonb_build_object",
    "json_build_object",
    "array_length",
    "md5",
    "btrim",
    "trim",
    "replace",
    "substr",
    "substring",
    "round",
    "floor",
    "ceil",
    "greatest",
    "least",
    "nullif",
    "date_trunc",
    "make_interval",
    "to_timestamp",
    "timezone",
    "current_setting",
    NULL,
};

static int in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static int func_volatile(struct lint *L, const char *name)
{
	int v;

	if (in_list(volatile_functions, name))
		return 1;
	if (in_list(steady_functions, name))
		return 0;
	if ((v = lint_live_function_volatile(L, name)) >= 0)
		return v;
	return -1;
}

static int max_vol(int a, int b)
{
	if (a == 1 || b == 1)
		return 1;
	return a == -1 || b == -1 ? -1 : 0;
}

int strata_pg_expr_volatile(struct lint *L, const PgQuery__Node *e)
{
	int v = 0;

	if (!e)
		return 0;
	switch (e->node_case) {
	case PG_QUERY__NODE__NODE_A_CONST:
	case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: /* CURRENT_TIMESTAMP */
		return 0;
	case PG_QUERY__NODE__NODE_TYPE_CAST:
		return strata_pg_expr_volatile(L, e->type_cast->arg);
	case PG_QUERY__NODE__NODE_FUNC_CALL: {
		const PgQuery__FuncCall *f = e->func_call;
		v = func_volatile(
		    L, strata_pg_last_name(f->funcname, f->n_funcname));
		for (size_t i = 0; i < f->n_args; i++)
			v = max_vol(v, strata_pg_expr_volatile(L, f->args[i]));
		return v;
	}
	case PG_QUERY__NODE__NODE_A_EXPR:
		return max_vol(strata_pg_expr_volatile(L, e->a_expr->lexpr),
		               strata_pg_expr_volatile(L, e->a_expr->rexpr));
	case PG_QUERY__NODE__NODE_BOOL_EXPR:
		for (size_t i = 0; i < e->bool_expr->n_args; i++)
			v = max_vol(v, strata_pg_expr_volatile(
			                   L, e->bool_expr->args[i]));
		return v;
	case PG_QUERY__NODE__NODE_COALESCE_EXPR:
		for (size_t i = 0; i < e->coalesce_expr->n_args; i++)
			v = max_vol(v, strata_pg_expr_volatile(
			                   L, e->coalesce_expr->args[i]));
		return v;
	case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
		for (size_t i = 0; i < e->a_array_expr->n_elements; i++)
			v = max_vol(v, strata_pg_expr_volatile(
			                   L, e->a_array_expr->elements[i]));
		return v;
	case PG_QUERY__NODE__NODE_NULL_TEST:
		return strata_pg_expr_volatile(L, e->null_test->arg);
	case PG_QUERY__NODE__NODE_CASE_EXPR: {
		const PgQuery__CaseExpr *c = e->case_expr;
		v = max_vol(strata_pg_expr_volatile(L, c->arg),
		            strata_pg_expr_volatile(L, c->defresult));
		for (size_t i = 0; i < c->n_args; i++)
			v = max_vol(v, strata_pg_expr_volatile(L, c->args[i]));
		return v;
	}
	case PG_QUERY__NODE__NODE_CASE_WHEN:
		return max_vol(
		    strata_pg_expr_volatile(L, e->case_when->expr),
		    strata_pg_expr_volatile(L, e->case_when->result));
	default:
		return -1;
	}
}

/* ---- the schema model ---- */

static void column_key(char *out, size_t n, const char *table,
                       const char *column)
{
	snprintf(out, n, "%s.%s", table, column);
}

void strata_pg_column_type(struct lint *L, const char *table,
                           const char *column, char *out, size_t n)
{
	char key[300];
	const char *t;

	out[0] = '\0';
	column_key(key, sizeof(key), table, column);
	if (L->model && (t = strata_name_map_get(&L->model->coltypes, key))) {
		snprintf(out, n, "%s", t);
		return;
	}
	lint_live_column_type(L, table, column, out, n);
}

int strata_pg_notnull_checked(struct lint *L, const char *table,
                              const char *column)
{
	char key[300];

	column_key(key, sizeof(key), table, column);
	return L->model && strata_name_set_has(&L->model->notnull, key);
}

static void model_column(struct lint *L, const char *table,
                         const PgQuery__ColumnDef *cd)
{
	char key[300], type[120];
	struct model *m;

	if (L->dir != STRATA_UP || !cd || !cd->colname || !(m = model(L)))
		return;
	column_key(key, sizeof(key), table, cd->colname);
	strata_pg_type_string(cd->type_name, type, sizeof(type));
	strata_name_map_put(&m->coltypes, key, type);
}

/* "varchar(20)" -> base "varchar", mods "20" */
static void split_type(const char *t, char *base, size_t bn, long mods[2],
                       int *nmods)
{
	const char *p = strchr(t, '(');
	size_t len = p ? (size_t)(p - t) : strlen(t);

	snprintf(base, bn, "%.*s", (int)len, t);
	*nmods = 0;
	while (p && *p && *p != ')' && *nmods < 2) {
		mods[(*nmods)++] = strtol(p + 1, (char **)&p, 10);
		if (*p != ',')
			break;
	}
}

int strata_pg_binary_coercible(const char *from, const char *to)
{
	char fb[64], tb[64];
	long fm[2] = {0, 0}, tm[2] = {0, 0};
	int fn, tn;

	if (!*from || !*to)
		return 0;
	if (strcmp(from, to) == 0)
		return 1;
	split_type(from, fb, sizeof(fb), fm, &fn);
	split_type(to, tb, sizeof(tb), tm, &tn);
	if ((!strcmp(fb, "varchar") || !strcmp(fb, "text")) &&
	    (!strcmp(tb, "text") || (!strcmp(tb, "varchar") && tn == 0)))
		return 1;
	if (!strcmp(fb, "varchar") && !strcmp(tb, "varchar") && fn == 1 &&
	    tn == 1 && tm[0] >= fm[0])
		return 1;
	if (!strcmp(fb, "numeric") && !strcmp(tb, "numeric") &&
	    (tn == 0 || (fn >= 1 && tm[0] >= fm[0] &&
	                 (fn < 2 ? 0 : fm[1]) == (tn < 2 ? 0 : tm[1]))))
		return fn > 0 || tn == 0;
	if (!strcmp(fb, "varbit") && !strcmp(tb, "varbit") &&
	    (tn == 0 || (fn == 1 && tm[0] >= fm[0])))
		return 1;
	if (!strcmp(fb, "cidr") && !strcmp(tb, "inet"))
		return 1;
	return 0;
}

/* "col IS NOT NULL", alone: the column, else NULL. */
static const char *is_not_null_check(const PgQuery__Node *e)
{
	const PgQuery__NullTest *nt;
	const PgQuery__ColumnRef *cr;

	if (!e || e->node_case != PG_QUERY__NODE__NODE_NULL_TEST)
		return NULL;
	nt = e->null_test;
	if (nt->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL ||
	    !nt->arg || nt->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
		return NULL;
	cr = nt->arg->column_ref;
	if (cr->n_fields != 1 ||
	    cr->fields[0]->node_case != PG_QUERY__NODE__NODE_STRING)
		return NULL;
	return cr->fields[0]->string->sval;
}

/* Records a CHECK (col IS NOT NULL): validated now, or pending VALIDATE. */
static void model_check(struct lint *L, const char *table,
                        const PgQuery__Constraint *c)
{
	const char *col = is_not_null_check(c->raw_expr);
	struct model *m;
	char key[300];

	if (!col || L->dir != STRATA_UP || !(m = model(L)))
		return;
	if (c->skip_validation) {
		if (c->conname && *c->conname) {
			column_key(key, sizeof(key), table, c->conname);
			strata_name_map_put(&m->nv_checks, key, col);
		}
		return;
	}
	column_key(key, sizeof(key), table, col);
	strata_name_set_add(&m->notnull, key);
}

static void model_validate(struct lint *L, const char *table,
                           const char *conname)
{
	char key[300];
	const char *col;

	if (!L->model || L->dir != STRATA_UP)
		return;
	column_key(key, sizeof(key), table, conname);
	if ((col = strata_name_map_get(&L->model->nv_checks, key))) {
		char k2[300];
		column_key(k2, sizeof(k2), table, col);
		strata_name_set_add(&L->model->notnull, k2);
	}
}

/* ---- touches ---- */

static struct lint_touch *touch(struct lint_stmt *st, const char *name,
                                strata_lock_mode lock, unsigned effects)
{
	return lint_touch(st, name, lock, effects, 0);
}

static struct lint_touch *touch_rv(struct lint_stmt *st,
                                   const PgQuery__RangeVar *rv,
                                   strata_lock_mode lock, unsigned effects)
{
	char *name = strata_pg_rangevar_name(rv);
	struct lint_touch *t = name ? touch(st, name, lock, effects) : NULL;
	free(name);
	return t;
}

void strata_lint_stmt_dispose(struct lint_stmt *st)
{
	for (size_t i = 0; i < st->ntouches; i++)
		free(st->touches[i].name);
	free(st->touches);
	st->touches = NULL;
	st->ntouches = 0;
}

/* ---- ALTER TABLE ---- */

static int is_null_const(const PgQuery__Node *e)
{
	return e && e->node_case == PG_QUERY__NODE__NODE_A_CONST &&
	       e->a_const->isnull;
}

/* Whether a new column's definition makes PostgreSQL rewrite the table. */
static int add_column_rewrites(struct lint *L, const PgQuery__ColumnDef *cd)
{
	char type[64];

	strata_pg_type_string(cd->type_name, type, sizeof(type));
	if (!strcmp(type, "serial") || !strcmp(type, "bigserial") ||
	    !strcmp(type, "smallserial") || !strcmp(type, "serial4") ||
	    !strcmp(type, "serial8") || !strcmp(type, "serial2"))
		return 1;
	for (size_t i = 0; i < cd->n_constraints; i++) {
		const PgQuery__Node *n = cd->constraints[i];
		const PgQuery__Constraint *c;
		if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		c = n->constraint;
		if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED ||
		    c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY)
			return 1;
		/* before 11 any default rewrote, except NULL: it is not
		 * stored */
		if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT &&
		    ((L->pg_version < 11 && !is_null_const(c->raw_expr)) ||
		     strata_pg_expr_volatile(L, c->raw_expr) == 1))
			return 1;
	}
	return 0;
}

/* Lock, effects on the table, for one constraint being added. */
static strata_lock_mode add_constraint(struct lint *L, struct lint_stmt *st,
                                       const char *table,
                                       const PgQuery__Constraint *c,
                                       unsigned *effects)
{
	switch (c->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		if (!c->skip_validation)
			*effects |= STRATA_TOUCH_SCAN;
		if (c->pktable)
			touch_rv(st, c->pktable,
			         STRATA_LOCK_SHARE_ROW_EXCLUSIVE,
			         c->skip_validation ? 0 : STRATA_TOUCH_SCAN);
		return STRATA_LOCK_SHARE_ROW_EXCLUSIVE;
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
		model_check(L, table, c);
		if (!c->skip_validation)
			*effects |= STRATA_TOUCH_SCAN;
		return STRATA_LOCK_ACCESS_EXCLUSIVE;
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
		/* USING INDEX reuses a built index: metadata only (a primary
		 * key still checks NOT NULL, a scan unless already so) */
		if (!c->indexname || !*c->indexname)
			*effects |= STRATA_TOUCH_SCAN;
		return STRATA_LOCK_ACCESS_EXCLUSIVE;
	default:
		return STRATA_LOCK_ACCESS_EXCLUSIVE;
	}
}

static void alter_table(struct lint *L, struct lint_stmt *st,
                        const PgQuery__AlterTableStmt *a)
{
	char *table = strata_pg_rangevar_name(a->relation);
	strata_lock_mode lock = STRATA_LOCK_NONE;
	unsigned effects = 0;

	if (!table)
		return;
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *c;
		strata_lock_mode m = STRATA_LOCK_ACCESS_EXCLUSIVE;
		char from[120], to[120];

		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		switch (c->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_COLUMN_DEF) {
				const PgQuery__ColumnDef *cd =
				    c->def->column_def;
				if (add_column_rewrites(L, cd))
					effects |= STRATA_TOUCH_REWRITE;
				for (size_t k = 0; k < cd->n_constraints; k++) {
					const PgQuery__Node *n =
					    cd->constraints[k];
					unsigned e = 0;
					if (n->node_case !=
					    PG_QUERY__NODE__NODE_CONSTRAINT)
						continue;
					switch (n->constraint->contype) {
					case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
					case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
					case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
					case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
						add_constraint(L, st, table,
						               n->constraint,
						               &e);
						effects |= e;
						break;
					default:
						break;
					}
				}
				model_column(L, table, cd);
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
			if (!(L->pg_version >= 12 &&
			      strata_pg_notnull_checked(L, table, c->name)))
				effects |= STRATA_TOUCH_SCAN;
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
			strata_pg_column_type(L, table, c->name, from,
			                      sizeof(from));
			to[0] = '\0';
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_COLUMN_DEF) {
				const PgQuery__ColumnDef *cd =
				    c->def->column_def;
				strata_pg_type_string(cd->type_name, to,
				                      sizeof(to));
				if (cd->raw_default ||
				    !strata_pg_binary_coercible(from, to))
					effects |= STRATA_TOUCH_REWRITE;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
			effects |= STRATA_TOUCH_DATA_LOSS;
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_CONSTRAINT)
				m = add_constraint(
				    L, st, table, c->def->constraint, &effects);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
			m = STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE;
			effects |= STRATA_TOUCH_SCAN;
			model_validate(L, table, c->name);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
			m = STRATA_LOCK_SHARE_ROW_EXCLUSIVE;
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
			m = STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE;
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
			/* SHARE UPDATE EXCLUSIVE on the parent; the attached
			 * table is scanned to check its bound */
			m = STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE;
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_PARTITION_CMD)
				touch_rv(st, c->def->partition_cmd->name,
				         STRATA_LOCK_ACCESS_EXCLUSIVE,
				         STRATA_TOUCH_SCAN);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_PARTITION_CMD) {
				int conc = c->def->partition_cmd->concurrent;
				m = conc ? STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE
				         : STRATA_LOCK_ACCESS_EXCLUSIVE;
				touch_rv(
				    st, c->def->partition_cmd->name,
				    conc ? STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE
				         : STRATA_LOCK_ACCESS_EXCLUSIVE,
				    0);
				if (conc)
					st->no_tx = 1;
			}
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
			effects |= STRATA_TOUCH_REWRITE;
			break;
		default: /* everything else: ACCESS EXCLUSIVE, brief */
			break;
		}
		if (m > lock)
			lock = m;
	}
	if (lock == STRATA_LOCK_NONE)
		lock = STRATA_LOCK_ACCESS_EXCLUSIVE;
	touch(st, table, lock, effects);
	free(table);
}

/* ---- other statements ---- */

static void create_table(struct lint *L, struct lint_stmt *st,
                         const PgQuery__CreateStmt *c)
{
	char *table = strata_pg_rangevar_name(c->relation);
	struct lint_touch *t;

	if (!table)
		return;
	if ((t = touch(st, table, STRATA_LOCK_ACCESS_EXCLUSIVE,
	               STRATA_TOUCH_NEW)))
		t->created = 1;
	for (size_t i = 0; i < c->n_table_elts; i++) {
		const PgQuery__Node *e = c->table_elts[i];
		if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
			const PgQuery__ColumnDef *cd = e->column_def;
			model_column(L, table, cd);
			for (size_t k = 0; k < cd->n_constraints; k++) {
				const PgQuery__Node *n = cd->constraints[k];
				if (n->node_case ==
				        PG_QUERY__NODE__NODE_CONSTRAINT &&
				    n->constraint->contype ==
				        PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
				    n->constraint->pktable)
					touch_rv(
					    st, n->constraint->pktable,
					    STRATA_LOCK_SHARE_ROW_EXCLUSIVE, 0);
			}
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		           e->constraint->contype ==
		               PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
		           e->constraint->pktable) {
			touch_rv(st, e->constraint->pktable,
			         STRATA_LOCK_SHARE_ROW_EXCLUSIVE, 0);
		}
	}
	if (c->partbound)
		for (size_t i = 0; i < c->n_inh_relations; i++)
			if (c->inh_relations[i]->node_case ==
			    PG_QUERY__NODE__NODE_RANGE_VAR)
				touch_rv(st, c->inh_relations[i]->range_var,
				         STRATA_LOCK_ACCESS_EXCLUSIVE, 0);
	free(table);
}

static void drop(struct lint *L, struct lint_stmt *st,
                 const PgQuery__DropStmt *d)
{
	(void)L;
	for (size_t i = 0; i < d->n_objects; i++) {
		const PgQuery__Node *o = d->objects[i];
		char name[256] = "";
		if (o->node_case == PG_QUERY__NODE__NODE_LIST)
			join_names(o->list->items, o->list->n_items, name,
			           sizeof(name));
		else if (o->node_case == PG_QUERY__NODE__NODE_STRING)
			snprintf(name, sizeof(name), "%s", o->string->sval);
		if (!*name)
			continue;
		switch (d->remove_type) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
		case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
			touch(st, name, STRATA_LOCK_ACCESS_EXCLUSIVE,
			      STRATA_TOUCH_DATA_LOSS);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
			/* the table is locked too; its name is not written */
			touch(st, name,
			      d->concurrent ? STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE
			                    : STRATA_LOCK_ACCESS_EXCLUSIVE,
			      0);
			if (d->concurrent)
				st->no_tx = 1;
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
		case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
		case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
		case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
			touch(st, name, STRATA_LOCK_ACCESS_EXCLUSIVE, 0);
			break;
		default:
			break;
		}
	}
}

static int has_option(PgQuery__Node **opts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    opts[i]->def_elem->defname &&
		    strcmp(opts[i]->def_elem->defname, name) == 0) {
			const PgQuery__Node *arg = opts[i]->def_elem->arg;
			/* "(FULL false)" turns it off */
			if (arg &&
			    arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
				return arg->boolean->boolval;
			if (arg &&
			    arg->node_case == PG_QUERY__NODE__NODE_STRING)
				return strcmp(arg->string->sval, "false") &&
				       strcmp(arg->string->sval, "off");
			return 1;
		}
	return 0;
}

static const strata_lock_mode lock_stmt_modes[] = {
    STRATA_LOCK_NONE,
    STRATA_LOCK_ACCESS_SHARE,
    STRATA_LOCK_ROW_SHARE,
    STRATA_LOCK_ROW_EXCLUSIVE,
    STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE,
    STRATA_LOCK_SHARE,
    STRATA_LOCK_SHARE_ROW_EXCLUSIVE,
    STRATA_LOCK_EXCLUSIVE,
    STRATA_LOCK_ACCESS_EXCLUSIVE,
};

static void touch_rel_list(struct lint_stmt *st, PgQuery__Node **rels, size_t n,
                           strata_lock_mode lock, unsigned eff)
{
	for (size_t i = 0; i < n; i++) {
		const PgQuery__Node *r = rels[i];
		if (r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
			touch_rv(st, r->range_var, lock, eff);
		else if (r->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION &&
		         r->vacuum_relation->relation)
			touch_rv(st, r->vacuum_relation->relation, lock, eff);
	}
}

/* Fills kind and touches; returns 0. */
static void classify(struct lint *L, struct lint_stmt *st)
{
	const PgQuery__Node *n = st->node;

	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		st->kind = "CREATE TABLE";
		create_table(L, st, n->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
		const PgQuery__CreateTableAsStmt *c = n->create_table_as_stmt;
		struct lint_touch *t;
		st->kind = c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW
		               ? "CREATE MATERIALIZED VIEW"
		               : "CREATE TABLE AS";
		if (c->into && (t = touch_rv(st, c->into->rel,
		                             STRATA_LOCK_ACCESS_EXCLUSIVE,
		                             STRATA_TOUCH_NEW)))
			t->created = 1;
		break;
	}
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		switch (n->alter_table_stmt->objtype) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
			st->kind = "ALTER INDEX";
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
			st->kind = "ALTER VIEW";
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
			st->kind = "ALTER SEQUENCE";
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
			st->kind = "ALTER MATERIALIZED VIEW";
			break;
		default:
			st->kind = "ALTER TABLE";
		}
		alter_table(L, st, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT: {
		const PgQuery__IndexStmt *ix = n->index_stmt;
		st->kind = "CREATE INDEX";
		if (ix->concurrent)
			st->no_tx = 1;
		touch_rv(st, ix->relation,
		         ix->concurrent ? STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE
		                        : STRATA_LOCK_SHARE,
		         STRATA_TOUCH_SCAN);
		break;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		st->kind = "DROP";
		drop(L, st, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT: {
		const PgQuery__RenameStmt *r = n->rename_stmt;
		st->kind = "RENAME";
		if (r->relation)
			touch_rv(st, r->relation,
			         r->rename_type ==
			                 PG_QUERY__OBJECT_TYPE__OBJECT_INDEX
			             ? STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE
			             : STRATA_LOCK_ACCESS_EXCLUSIVE,
			         0);
		break;
	}
	case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
		st->kind = "TRUNCATE";
		touch_rel_list(st, n->truncate_stmt->relations,
		               n->truncate_stmt->n_relations,
		               STRATA_LOCK_ACCESS_EXCLUSIVE,
		               STRATA_TOUCH_DATA_LOSS);
		break;
	case PG_QUERY__NODE__NODE_VACUUM_STMT: {
		const PgQuery__VacuumStmt *v = n->vacuum_stmt;
		int full = has_option(v->options, v->n_options, "full");
		st->kind = v->is_vacuumcmd ? (full ? "VACUUM FULL" : "VACUUM")
		                           : "ANALYZE";
		if (v->is_vacuumcmd)
			st->no_tx = 1;
		touch_rel_list(st, v->rels, v->n_rels,
		               full ? STRATA_LOCK_ACCESS_EXCLUSIVE
		                    : STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE,
		               full ? STRATA_TOUCH_REWRITE : STRATA_TOUCH_SCAN);
		break;
	}
	case PG_QUERY__NODE__NODE_CLUSTER_STMT:
		st->kind = "CLUSTER";
		if (n->cluster_stmt->relation)
			touch_rv(st, n->cluster_stmt->relation,
			         STRATA_LOCK_ACCESS_EXCLUSIVE,
			         STRATA_TOUCH_REWRITE);
		break;
	case PG_QUERY__NODE__NODE_REINDEX_STMT: {
		const PgQuery__ReindexStmt *r = n->reindex_stmt;
		int conc = has_option(r->params, r->n_params, "concurrently");
		st->kind = "REINDEX";
		if (conc ||
		    r->kind ==
		        PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE ||
		    r->kind ==
		        PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM ||
		    r->kind ==
		        PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA)
			st->no_tx = 1;
		if (r->relation)
			touch_rv(
			    st, r->relation,
			    conc ? STRATA_LOCK_SHARE_UPDATE_EXCLUSIVE
			    : r->kind ==
			            PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX
			        ? STRATA_LOCK_ACCESS_EXCLUSIVE
			        : STRATA_LOCK_SHARE,
			    STRATA_TOUCH_SCAN);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
		st->kind = "CREATE TRIGGER";
		touch_rv(st, n->create_trig_stmt->relation,
		         STRATA_LOCK_SHARE_ROW_EXCLUSIVE, 0);
		break;
	case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
		st->kind = "CREATE POLICY";
		touch_rv(st, n->create_policy_stmt->table,
		         STRATA_LOCK_ACCESS_EXCLUSIVE, 0);
		break;
	case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
		st->kind = "ALTER POLICY";
		touch_rv(st, n->alter_policy_stmt->table,
		         STRATA_LOCK_ACCESS_EXCLUSIVE, 0);
		break;
	case PG_QUERY__NODE__NODE_COMMENT_STMT:
		st->kind = "COMMENT";
		break;
	case PG_QUERY__NODE__NODE_LOCK_STMT: {
		const PgQuery__LockStmt *l = n->lock_stmt;
		int m = l->mode >= 1 && l->mode <= 8 ? l->mode : 8;
		st->kind = "LOCK";
		touch_rel_list(st, l->relations, l->n_relations,
		               lock_stmt_modes[m], 0);
		break;
	}
	case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
		st->kind = "REFRESH MATERIALIZED VIEW";
		touch_rv(st, n->refresh_mat_view_stmt->relation,
		         n->refresh_mat_view_stmt->concurrent
		             ? STRATA_LOCK_EXCLUSIVE
		             : STRATA_LOCK_ACCESS_EXCLUSIVE,
		         STRATA_TOUCH_REWRITE);
		break;
	case PG_QUERY__NODE__NODE_UPDATE_STMT:
		st->kind = "UPDATE";
		touch_rv(
		    st, n->update_stmt->relation, STRATA_LOCK_ROW_EXCLUSIVE,
		    n->update_stmt->where_clause ? 0 : STRATA_TOUCH_REWRITE);
		break;
	case PG_QUERY__NODE__NODE_DELETE_STMT:
		st->kind = "DELETE";
		touch_rv(
		    st, n->delete_stmt->relation, STRATA_LOCK_ROW_EXCLUSIVE,
		    n->delete_stmt->where_clause ? 0 : STRATA_TOUCH_DATA_LOSS);
		break;
	case PG_QUERY__NODE__NODE_INSERT_STMT:
		st->kind = "INSERT";
		touch_rv(st, n->insert_stmt->relation,
		         STRATA_LOCK_ROW_EXCLUSIVE, 0);
		break;
	case PG_QUERY__NODE__NODE_SELECT_STMT:
		st->kind = "SELECT";
		break;
	case PG_QUERY__NODE__NODE_CREATEDB_STMT:
		st->kind = "CREATE DATABASE";
		st->no_tx = 1;
		break;
	case PG_QUERY__NODE__NODE_DROPDB_STMT:
		st->kind = "DROP DATABASE";
		st->no_tx = 1;
		touch(st, n->dropdb_stmt->dbname, STRATA_LOCK_ACCESS_EXCLUSIVE,
		      STRATA_TOUCH_DATA_LOSS);
		break;
	case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
		st->kind = "ALTER SYSTEM";
		st->no_tx = 1;
		break;
	case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
		st->kind = "ALTER TYPE";
		/* ADD VALUE could not run in a transaction before 12 */
		if (L->pg_version < 12 && n->alter_enum_stmt->new_val &&
		    *n->alter_enum_stmt->new_val &&
		    !(n->alter_enum_stmt->old_val &&
		      *n->alter_enum_stmt->old_val))
			st->no_tx = 1;
		break;
	case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
		st->kind = "ALTER DOMAIN";
		break;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		st->kind = "TRANSACTION";
		break;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		st->kind = "SET";
		break;
	case PG_QUERY__NODE__NODE_DO_STMT:
		st->kind = "DO";
		break;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		st->kind = "CREATE FUNCTION";
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		st->kind = "CREATE VIEW";
		break;
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		st->kind = "CREATE TYPE";
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		st->kind = "CREATE DOMAIN";
		break;
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		st->kind = "CREATE SEQUENCE";
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		st->kind = "CREATE SCHEMA";
		break;
	case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
		st->kind = "CREATE EXTENSION";
		break;
	case PG_QUERY__NODE__NODE_GRANT_STMT:
		st->kind = "GRANT";
		break;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
		st->kind = "SET SCHEMA";
		if (n->alter_object_schema_stmt->relation)
			touch_rv(st, n->alter_object_schema_stmt->relation,
			         STRATA_LOCK_ACCESS_EXCLUSIVE, 0);
		break;
	default:
		st->kind = "OTHER";
		break;
	}
}

/* The risk of one touch, and a line saying why. */
static strata_risk touch_risk(struct lint *L, const struct lint_touch *t,
                              char *why, size_t n)
{
	const char *lock = strata_lock_mode_name(t->lock);
	struct live_table lt = {0, -1, -1};
	strata_risk r;

	if (lint_touch_risk_common(t, why, n, &r))
		return r;
	if ((t->effects & (STRATA_TOUCH_REWRITE | STRATA_TOUCH_SCAN)) &&
	    t->lock >= STRATA_LOCK_SHARE) {
		snprintf(why, n, "%s on %s (%s) while every row is %s", lock,
		         t->name,
		         t->lock == STRATA_LOCK_ACCESS_EXCLUSIVE
		             ? "blocks reads and writes"
		             : "blocks writes",
		         t->effects & STRATA_TOUCH_REWRITE ? "rewritten"
		                                           : "read");
		r = STRATA_RISK_HIGH;
	} else if (t->effects & STRATA_TOUCH_REWRITE) {
		snprintf(why, n,
		         "every row of %s is written; row locks are "
		         "held until commit",
		         t->name);
		r = STRATA_RISK_MEDIUM;
	} else if (t->lock >= STRATA_LOCK_SHARE_ROW_EXCLUSIVE ||
	           t->lock == STRATA_LOCK_SHARE) {
		snprintf(why, n,
		         "%s on %s, brief, but queued behind running "
		         "transactions it blocks every query",
		         lock, t->name);
		r = STRATA_RISK_MEDIUM;
	} else if (t->lock != STRATA_LOCK_NONE) {
		snprintf(
		    why, n, "%s on %s: reads and writes go on%s", lock, t->name,
		    t->effects & STRATA_TOUCH_SCAN ? " during the scan" : "");
		return STRATA_RISK_LOW;
	} else {
		return STRATA_RISK_LOW;
	}
	if (L->live) {
		lint_live_table(L, t->name, &lt);
		if (lt.known && lt.bytes < LINT_SMALL_BYTES && r > 0) {
			size_t len = strlen(why);
			snprintf(why + len, n - len, "; small table");
			r = STRATA_RISK_LOW + (r == STRATA_RISK_HIGH);
		}
	}
	return r;
}

void strata_pg_model_after(struct lint *L, const struct lint_stmt *st)
{
	const PgQuery__AlterTableStmt *a;
	char *table;

	if (L->dir != STRATA_UP ||
	    st->node->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)
		return;
	a = st->node->alter_table_stmt;
	if (!(table = strata_pg_rangevar_name(a->relation)))
		return;
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *c;
		char key[300], to[120];
		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		if (c->subtype !=
		        PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType ||
		    !c->def ||
		    c->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF ||
		    !model(L))
			continue;
		strata_pg_type_string(c->def->column_def->type_name, to,
		                      sizeof(to));
		column_key(key, sizeof(key), table, c->name);
		strata_name_map_put(&L->model->coltypes, key, to);
	}
	free(table);
}

int strata_pg_analyze(struct lint *L, struct lint_stmt *st)
{
	char why[160];

	classify(L, st);
	st->risk = STRATA_RISK_LOW;
	snprintf(st->why, sizeof(st->why), "no table lock that blocks others");
	for (size_t i = 0; i < st->ntouches; i++) {
		struct lint_touch *t = &st->touches[i];
		strata_risk r;
		if (!t->created && lint_created_here(L, t->name))
			t->effects |= STRATA_TOUCH_NEW;
		why[0] = '\0';
		r = touch_risk(L, t, why, sizeof(why));
		if (i == 0 || r > st->risk) {
			st->risk = r;
			if (*why)
				snprintf(st->why, sizeof(st->why), "%s", why);
		}
	}
	if (st->node->node_case == PG_QUERY__NODE__NODE_DO_STMT) {
		st->risk = STRATA_RISK_MEDIUM;
		snprintf(st->why, sizeof(st->why),
		         "a DO block: strata cannot see what it locks");
	}
	return 0;
}

/*
 * Parses `sql` and hands every statement, analysed as an up section would
 * be (no live facts, PostgreSQL 15), to fn: for the engine, which needs a
 * statement's tables or whether it can run in a transaction.
 */
static void each_analyzed(const char *sql,
                          void (*fn)(const struct lint_stmt *st, void *data),
                          void *data)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	PgQuery__ParseResult *tree = NULL;
	struct lint L;

	memset(&L, 0, sizeof(L));
	L.dialect = STRATA_DIALECT_POSTGRES;
	L.pg_version = 15;
	L.dir = STRATA_UP;
	if (!r.error)
		tree = pg_query__parse_result__unpack(
		    NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
	for (size_t i = 0; tree && i < tree->n_stmts; i++) {
		struct lint_stmt st;
		if (!tree->stmts[i]->stmt)
			continue;
		memset(&st, 0, sizeof(st));
		st.node = tree->stmts[i]->stmt;
		strata_pg_analyze(&L, &st);
		fn(&st, data);
		strata_lint_stmt_dispose(&st);
	}
	if (tree)
		pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(r);
	strata_lint_model_dispose(&L);
}

static void add_tables(const struct lint_stmt *st, void *data)
{
	strata_buf *out = data;

	for (size_t k = 0; k < st->ntouches; k++) {
		if (out->len)
			strata_buf_putc(out, '\n');
		strata_buf_puts(out, st->touches[k].name);
	}
}

int strata_pg_statement_tables(const char *sql, strata_buf *out)
{
	each_analyzed(sql, add_tables, out);
	return 0;
}

struct info {
	int no_tx;
	strata_buf *index;
};

static void add_info(const struct lint_stmt *st, void *data)
{
	struct info *in = data;
	const PgQuery__Node *n = st->node;
	const PgQuery__RangeVar *rv;

	in->no_tx |= st->no_tx;
	if (!in->index || n->node_case != PG_QUERY__NODE__NODE_INDEX_STMT ||
	    !n->index_stmt->concurrent || !n->index_stmt->idxname ||
	    !*n->index_stmt->idxname)
		return;
	/* the index lives in its table's schema */
	rv = n->index_stmt->relation;
	if (rv && rv->schemaname && *rv->schemaname) {
		lint_put_ident(in->index, rv->schemaname,
		               STRATA_DIALECT_POSTGRES);
		strata_buf_putc(in->index, '.');
	}
	lint_put_ident(in->index, n->index_stmt->idxname,
	               STRATA_DIALECT_POSTGRES);
}

int strata_pg_statement_info(const char *sql, int *no_tx,
                             strata_buf *concurrent_index)
{
	struct info in = {0, concurrent_index};

	each_analyzed(sql, add_info, &in);
	*no_tx = in.no_tx;
	return 0;
}

int strata_pg_statement_drops(const char *sql, strata_buf *out)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	PgQuery__ParseResult *tree = NULL;

	if (!r.error)
		tree = pg_query__parse_result__unpack(
		    NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
	for (size_t i = 0; tree && i < tree->n_stmts; i++) {
		const PgQuery__Node *n = tree->stmts[i]->stmt;
		if (!n)
			continue;
		if (n->node_case == PG_QUERY__NODE__NODE_DROP_STMT &&
		    n->drop_stmt->remove_type ==
		        PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
			for (size_t k = 0; k < n->drop_stmt->n_objects; k++) {
				const PgQuery__Node *o =
				    n->drop_stmt->objects[k];
				char name[256];
				if (o->node_case != PG_QUERY__NODE__NODE_LIST)
					continue;
				join_names(o->list->items, o->list->n_items,
				           name, sizeof(name));
				strata_buf_printf(out, "%s\t\n", name);
			}
		} else if (n->node_case ==
		               PG_QUERY__NODE__NODE_ALTER_TABLE_STMT &&
		           n->alter_table_stmt->objtype ==
		               PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
			const PgQuery__AlterTableStmt *a = n->alter_table_stmt;
			char *table = strata_pg_rangevar_name(a->relation);
			for (size_t k = 0; table && k < a->n_cmds; k++) {
				const PgQuery__AlterTableCmd *c;
				if (a->cmds[k]->node_case !=
				    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
					continue;
				c = a->cmds[k]->alter_table_cmd;
				if (c->subtype ==
				        PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn &&
				    c->name && *c->name)
					strata_buf_printf(out, "%s\t%s\n",
					                  table, c->name);
			}
			free(table);
		}
	}
	if (tree)
		pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(r);
	return 0;
}
