/*
 * What a PostgreSQL statement changes in objects that exist (objects.h):
 * ALTER TABLE's columns and constraints, DROP, RENAME, SET SCHEMA, and SET
 * search_path.  pg_objects.c has the CREATEs and the shared helpers.
 */
#include <string.h>

#include "pg_objects.h"

void pgo_alter_table(struct out *o, const PgQuery__AlterTableStmt *a)
{
	const PgQuery__RangeVar *rv = a->relation;

	if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
	    pgo_is_temp(rv))
		return;
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *c;
		struct so_object x;
		if (a->cmds[i]->node_case !=
		    PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		switch (c->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_COLUMN_DEF)
				pgo_put_column(o, rv, c->def->column_def);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
			if (c->def && c->def->node_case ==
			                  PG_QUERY__NODE__NODE_CONSTRAINT)
				pgo_put_constraint(o, rv, c->def->constraint,
				                   NULL);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
			if (!c->name || !*c->name)
				break;
			memset(&x, 0, sizeof(x));
			x.op = SO_DROP;
			x.kind =
			    c->subtype ==
			            PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn
			        ? "column"
			        : "constraint";
			x.schema = pgo_or_empty(rv->schemaname);
			x.name = c->name;
			x.table = rv->relname;
			x.cascade = c->behavior ==
			            PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
			pgo_put(o, &x);
			break;
		default:
			break;
		}
	}
}

/* The snapshot kind of a relation kind, or NULL. */
static const char *relation_kind(PgQuery__ObjectType t)
{
	switch (t) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
		return "table";
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
		return "view";
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		return "materialized-view";
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
		return "index";
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
		return "sequence";
	default:
		return NULL;
	}
}

static const char *routine_kind(PgQuery__ObjectType t)
{
	switch (t) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
		return "function";
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
		return "procedure";
	default:
		return NULL;
	}
}

void pgo_drop(struct out *o, const PgQuery__DropStmt *d)
{
	const char *rk = relation_kind(d->remove_type),
	           *fk = routine_kind(d->remove_type);
	int cascade = d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;

	for (size_t i = 0; i < d->n_objects; i++) {
		const PgQuery__Node *n = d->objects[i];
		struct so_object x;
		memset(&x, 0, sizeof(x));
		x.op = SO_DROP;
		x.schema = x.table = x.name = "";
		x.cascade = cascade;
		if (fk &&
		    n->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
			pgo_put_routine(o, SO_DROP, fk, n->object_with_args,
			                NULL, NULL, cascade);
			continue;
		}
		if (n->node_case == PG_QUERY__NODE__NODE_LIST && rk) {
			x.kind = rk;
			pgo_qualified(n->list->items, n->list->n_items,
			              &x.schema, &x.name);
		} else if (n->node_case == PG_QUERY__NODE__NODE_LIST &&
		           (d->remove_type ==
		                PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
		            d->remove_type ==
		                PG_QUERY__OBJECT_TYPE__OBJECT_POLICY)) {
			/* [schema.]table.name */
			size_t k = n->list->n_items;
			x.kind = d->remove_type ==
			                 PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER
			             ? "trigger"
			             : "policy";
			pgo_qualified(n->list->items, k - (k > 0), &x.schema,
			              &x.table);
			x.name =
			    k ? pgo_or_empty(pgo_sval(n->list->items[k - 1]))
			      : "";
		} else if (n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME &&
		           (d->remove_type ==
		                PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
		            d->remove_type ==
		                PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN)) {
			x.kind = "type";
			pgo_qualified(n->type_name->names,
			              n->type_name->n_names, &x.schema,
			              &x.name);
		} else if (pgo_sval(n) &&
		           (d->remove_type ==
		                PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA ||
		            d->remove_type ==
		                PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION)) {
			x.kind = d->remove_type ==
			                 PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA
			             ? "schema"
			             : "extension";
			x.name = pgo_sval(n);
		}
		if (x.kind && *x.name)
			pgo_put(o, &x);
	}
}

void pgo_rename_stmt(struct out *o, const PgQuery__RenameStmt *r)
{
	const PgQuery__RangeVar *rv = r->relation;
	const char *rk = relation_kind(r->rename_type),
	           *fk = routine_kind(r->rename_type);
	struct so_object x;

	memset(&x, 0, sizeof(x));
	x.op = SO_RENAME;
	x.schema = x.table = x.name = "";
	x.to = r->newname;
	if (!x.to || !*x.to)
		return;
	if (rk && !pgo_is_temp(rv)) {
		x.kind = rk;
		x.schema = pgo_or_empty(rv->schemaname);
		x.name = rv->relname;
	} else if (fk && r->object &&
	           r->object->node_case ==
	               PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
		pgo_put_routine(o, SO_RENAME, fk, r->object->object_with_args,
		                r->newname, NULL, 0);
		return;
	} else if ((r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
	            r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) &&
	           r->object &&
	           r->object->node_case == PG_QUERY__NODE__NODE_LIST) {
		x.kind = "type";
		pgo_qualified(r->object->list->items, r->object->list->n_items,
		              &x.schema, &x.name);
	} else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
		x.kind = "schema";
		x.name = pgo_or_empty(r->subname);
	} else if (!pgo_is_temp(rv) && r->subname) {
		switch (r->rename_type) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
			x.kind = "column";
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
			x.kind = "constraint";
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
			x.kind = "trigger";
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
			x.kind = "policy";
			break;
		default:
			return;
		}
		x.schema = pgo_or_empty(rv->schemaname);
		x.table = rv->relname;
		x.name = r->subname;
	}
	if (x.kind && *x.name)
		pgo_put(o, &x);
}

void pgo_set_schema(struct out *o, const PgQuery__AlterObjectSchemaStmt *a)
{
	const char *rk = relation_kind(a->object_type),
	           *fk = routine_kind(a->object_type);
	struct so_object x;

	memset(&x, 0, sizeof(x));
	x.op = SO_RENAME;
	x.schema = x.table = x.name = "";
	x.to_schema = a->newschema;
	if (!x.to_schema || !*x.to_schema)
		return;
	if (rk && !pgo_is_temp(a->relation)) {
		x.kind = rk;
		x.schema = pgo_or_empty(a->relation->schemaname);
		x.name = a->relation->relname;
	} else if (fk && a->object &&
	           a->object->node_case ==
	               PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
		pgo_put_routine(o, SO_RENAME, fk, a->object->object_with_args,
		                NULL, a->newschema, 0);
		return;
	} else if ((a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
	            a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) &&
	           a->object &&
	           a->object->node_case == PG_QUERY__NODE__NODE_LIST) {
		x.kind = "type";
		pgo_qualified(a->object->list->items, a->object->list->n_items,
		              &x.schema, &x.name);
	}
	if (x.kind && *x.name)
		pgo_put(o, &x);
}

/* SET search_path: where unqualified names go now (the first schema
 * named; "$user" is a schema only where one has the user's name). */
void pgo_search_path(struct out *o, const PgQuery__VariableSetStmt *v)
{
	const char *first = "";

	if (!v->name || strcmp(v->name, "search_path"))
		return;
	if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
		for (size_t i = 0; i < v->n_args && !*first; i++) {
			const PgQuery__Node *a = v->args[i];
			if (a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
			    a->a_const->val_case ==
			        PG_QUERY__A__CONST__VAL_SVAL &&
			    strcmp(a->a_const->sval->sval, "$user"))
				first = a->a_const->sval->sval;
		}
	} else if (v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT &&
	           v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
		return;
	}
	pgo_put_simple(o, SO_SEARCH_PATH, "search_path", first, "-", NULL);
}
