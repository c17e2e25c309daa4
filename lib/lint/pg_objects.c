/*
 * What a PostgreSQL statement creates, drops and renames (objects.h), read
 * from libpg_query's parse tree.  The grammar has already folded unquoted
 * names to lower case and spelled built-in types canonically (int becomes
 * int4), so the names and argument types compare as the catalog has them.
 */
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "pg_objects.h"

/* The column names an index or a constraint uses. */
struct cols {
	const char **v;
	size_t n, cap;
	int nomem;
};

const char *pgo_sval(const PgQuery__Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_STRING
	           ? n->string->sval
	           : NULL;
}

const char *pgo_or_empty(const char *s)
{
	return s ? s : "";
}

static void cols_add(struct cols *c, const char *name)
{
	if (!name || !*name)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		const char **v = realloc(c->v, cap * sizeof(*v));
		if (!v) {
			c->nomem = 1;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = name;
}

static void cols_add_names(struct cols *c, PgQuery__Node **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cols_add(c, pgo_sval(v[i]));
}

/*
 * Every column a part of the tree names, into cols (may be NULL):
 * ColumnRefs (their last name) and index elements; and every relation it
 * names, into rels (may be NULL).  Walks any message through the
 * protobuf-c descriptors, so an expression or a query of any shape is
 * covered; a name from a subquery (or a CTE's) is taken too, which at
 * worst makes strata expect a little less.
 */
static void walk_names(struct cols *cols, struct cols *rels,
                       const ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;

	if (d == &pg_query__column_ref__descriptor) {
		const PgQuery__ColumnRef *r = (const PgQuery__ColumnRef *)m;
		if (cols && r->n_fields)
			cols_add(cols, pgo_sval(r->fields[r->n_fields - 1]));
		return;
	}
	if (d == &pg_query__range_var__descriptor) {
		if (rels)
			cols_add(rels, ((const PgQuery__RangeVar *)m)->relname);
		return;
	}
	if (d == &pg_query__index_elem__descriptor && cols)
		cols_add(cols, ((const PgQuery__IndexElem *)m)->name);
	if (depth > 1000)
		return;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n =
			    *(const size_t *)(base + f->quantifier_offset);
			ProtobufCMessage *const *v = *(
			    ProtobufCMessage *const *const *)(base + f->offset);
			for (size_t k = 0; k < n; k++)
				if (v[k])
					walk_names(cols, rels, v[k], depth + 1);
		} else {
			const ProtobufCMessage *sub;
			if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			    *(const uint32_t *)(base + f->quantifier_offset) !=
			        f->id)
				continue;
			sub = *(const ProtobufCMessage *const *)(base +
			                                         f->offset);
			if (sub)
				walk_names(cols, rels, sub, depth + 1);
		}
	}
}

void pgo_put(struct out *o, struct so_object *x)
{
	if (!*x->schema && o->in_schema)
		x->schema = o->in_schema;
	o->fn(x, o->data);
}

/* One object without extras. */
void pgo_put_simple(struct out *o, enum so_op op, const char *kind,
                    const char *schema, const char *name, const char *table)
{
	struct so_object x;

	if (!name || !*name)
		return;
	memset(&x, 0, sizeof(x));
	x.op = op;
	x.kind = kind;
	x.schema = pgo_or_empty(schema);
	x.name = name;
	x.table = pgo_or_empty(table);
	pgo_put(o, &x);
}

/* A temporary relation goes away with its session: not followed. */
int pgo_is_temp(const PgQuery__RangeVar *rv)
{
	return !rv || !rv->relname ||
	       (rv->relpersistence && rv->relpersistence[0] == 't') ||
	       (rv->schemaname && !strcmp(rv->schemaname, "pg_temp"));
}

/* The last two names of a list: [schema.]name. */
void pgo_qualified(PgQuery__Node **v, size_t n, const char **schema,
                   const char **name)
{
	*name = n >= 1 ? pgo_or_empty(pgo_sval(v[n - 1])) : "";
	*schema = n >= 2 ? pgo_or_empty(pgo_sval(v[n - 2])) : "";
}

/* An argument type as the grammar spells it: the last name, and "[]" per
 * array dimension (a typmod does not tell functions apart). */
static void put_type(strata_buf *b, const PgQuery__TypeName *t)
{
	strata_buf_puts(b, t ? strata_pg_last_name(t->names, t->n_names) : "?");
	for (size_t i = 0; t && i < t->n_array_bounds; i++)
		strata_buf_puts(b, "[]");
}

/* The input argument types of CREATE FUNCTION's parameters. */
static void params_args(PgQuery__Node **v, size_t n, strata_buf *b)
{
	for (size_t i = 0; i < n; i++) {
		const PgQuery__FunctionParameter *p;
		if (v[i]->node_case != PG_QUERY__NODE__NODE_FUNCTION_PARAMETER)
			continue;
		p = v[i]->function_parameter;
		if (p->mode ==
		        PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT ||
		    p->mode ==
		        PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE)
			continue;
		if (b->len)
			strata_buf_putc(b, ',');
		put_type(b, p->arg_type);
	}
}

/* A function named with its arguments (DROP, ALTER ... RENAME). */
void pgo_put_routine(struct out *o, enum so_op op, const char *kind,
                     const PgQuery__ObjectWithArgs *f, const char *to,
                     const char *to_schema, int cascade)
{
	struct so_object x;
	strata_buf args = STRATA_BUF_INIT;

	memset(&x, 0, sizeof(x));
	x.op = op;
	x.kind = kind;
	pgo_qualified(f->objname, f->n_objname, &x.schema, &x.name);
	x.table = "";
	for (size_t i = 0; !f->args_unspecified && i < f->n_objargs; i++) {
		if (i)
			strata_buf_putc(&args, ',');
		if (f->objargs[i]->node_case == PG_QUERY__NODE__NODE_TYPE_NAME)
			put_type(&args, f->objargs[i]->type_name);
	}
	x.args = f->args_unspecified ? NULL : args.ptr;
	x.to = to;
	x.to_schema = to_schema;
	x.cascade = cascade;
	if (*x.name)
		pgo_put(o, &x);
	strata_buf_dispose(&args);
}

/* A named constraint of table rv; `column` is set for a column's own. */
void pgo_put_constraint(struct out *o, const PgQuery__RangeVar *rv,
                        const PgQuery__Constraint *k, const char *column)
{
	struct so_object x;
	struct cols c = {0}, r = {0};

	if (!k->conname || !*k->conname)
		return;
	cols_add(&c, column);
	cols_add_names(&c, k->keys, k->n_keys);
	cols_add_names(&c, k->fk_attrs, k->n_fk_attrs);
	cols_add_names(&c, k->including, k->n_including);
	walk_names(&c, &r, &k->base, 0); /* r: a foreign key's table */
	memset(&x, 0, sizeof(x));
	x.op = SO_CREATE;
	x.kind = "constraint";
	x.schema = pgo_or_empty(rv->schemaname);
	x.name = k->conname;
	x.table = rv->relname;
	x.cols = c.v;
	x.ncols = c.n;
	x.refs = r.v;
	x.nrefs = r.n;
	o->nomem |= c.nomem | r.nomem;
	pgo_put(o, &x);
	free(c.v);
	free(r.v);
	/* ADD CONSTRAINT ... USING INDEX renames the index */
	if (k->indexname && *k->indexname) {
		memset(&x, 0, sizeof(x));
		x.op = SO_RENAME;
		x.kind = "index";
		x.schema = pgo_or_empty(rv->schemaname);
		x.name = k->indexname;
		x.table = "";
		x.to = k->conname;
		pgo_put(o, &x);
	}
}

/* A column definition: the column and its named constraints. */
void pgo_put_column(struct out *o, const PgQuery__RangeVar *rv,
                    const PgQuery__ColumnDef *cd)
{
	pgo_put_simple(o, SO_CREATE, "column", rv->schemaname, cd->colname,
	               rv->relname);
	for (size_t i = 0; i < cd->n_constraints; i++)
		if (cd->constraints[i]->node_case ==
		    PG_QUERY__NODE__NODE_CONSTRAINT)
			pgo_put_constraint(
			    o, rv, cd->constraints[i]->constraint, cd->colname);
}

static void create_table(struct out *o, const PgQuery__CreateStmt *c)
{
	if (pgo_is_temp(c->relation))
		return;
	pgo_put_simple(o, SO_CREATE, "table", c->relation->schemaname,
	               c->relation->relname, NULL);
	for (size_t i = 0; i < c->n_table_elts; i++) {
		const PgQuery__Node *e = c->table_elts[i];
		if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			pgo_put_column(o, c->relation, e->column_def);
		else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			pgo_put_constraint(o, c->relation, e->constraint, NULL);
	}
}

static void create_index(struct out *o, const PgQuery__IndexStmt *ix)
{
	struct so_object x;
	struct cols c = {0};

	if (pgo_is_temp(ix->relation))
		return;
	if (!ix->idxname || !*ix->idxname) {
		pgo_put_simple(o, SO_UNSEEN, "an index without a name", "", "-",
		               NULL);
		return;
	}
	walk_names(&c, NULL, &ix->base, 0);
	memset(&x, 0, sizeof(x));
	x.op = SO_CREATE;
	x.kind = "index";
	x.schema = pgo_or_empty(ix->relation->schemaname);
	x.name = ix->idxname;
	x.table = ix->relation->relname;
	x.cols = c.v;
	x.ncols = c.n;
	o->nomem |= c.nomem;
	pgo_put(o, &x);
	free(c.v);
}

/* A view, or a materialized view, and the relations its query reads. */
static void create_view(struct out *o, const char *kind,
                        const PgQuery__RangeVar *rv, const PgQuery__Node *q)
{
	struct so_object x;
	struct cols r = {0};

	if (pgo_is_temp(rv))
		return;
	if (q)
		walk_names(NULL, &r, &q->base, 0);
	memset(&x, 0, sizeof(x));
	x.op = SO_CREATE;
	x.kind = kind;
	x.schema = pgo_or_empty(rv->schemaname);
	x.name = rv->relname;
	x.table = "";
	x.refs = r.v;
	x.nrefs = r.n;
	o->nomem |= r.nomem;
	pgo_put(o, &x);
	free(r.v);
}

static void create_table_as(struct out *o, const PgQuery__CreateTableAsStmt *c)
{
	const PgQuery__RangeVar *rv = c->into ? c->into->rel : NULL;
	int mat = c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;

	if (mat) {
		create_view(o, "materialized-view", rv, c->query);
		return;
	}
	if (pgo_is_temp(rv))
		return;
	pgo_put_simple(o, SO_CREATE, "table", rv->schemaname, rv->relname,
	               NULL);
	/* the columns are named only when the statement lists them */
	for (size_t i = 0; i < c->into->n_col_names; i++)
		pgo_put_simple(o, SO_CREATE, "column", rv->schemaname,
		               pgo_sval(c->into->col_names[i]), rv->relname);
}

static void create_function(struct out *o, const PgQuery__CreateFunctionStmt *f)
{
	struct so_object x;
	strata_buf args = STRATA_BUF_INIT;

	memset(&x, 0, sizeof(x));
	x.op = SO_CREATE;
	x.kind = f->is_procedure ? "procedure" : "function";
	pgo_qualified(f->funcname, f->n_funcname, &x.schema, &x.name);
	x.table = "";
	params_args(f->parameters, f->n_parameters, &args);
	x.args = args.ptr;
	if (*x.name)
		pgo_put(o, &x);
	strata_buf_dispose(&args);
}

/* A type made by any of CREATE TYPE's forms, or CREATE DOMAIN. */
static void create_type(struct out *o, PgQuery__Node **names, size_t n)
{
	const char *schema, *name;

	pgo_qualified(names, n, &schema, &name);
	pgo_put_simple(o, SO_CREATE, "type", schema, name, NULL);
}

static void statement(struct out *o, const PgQuery__Node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		create_table(o, n->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		create_index(o, n->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		create_view(o, "view", n->view_stmt->view, n->view_stmt->query);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		create_table_as(o, n->create_table_as_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		if (!pgo_is_temp(n->create_seq_stmt->sequence))
			pgo_put_simple(o, SO_CREATE, "sequence",
			               n->create_seq_stmt->sequence->schemaname,
			               n->create_seq_stmt->sequence->relname,
			               NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		create_function(o, n->create_function_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
		if (!pgo_is_temp(n->create_trig_stmt->relation))
			pgo_put_simple(
			    o, SO_CREATE, "trigger",
			    n->create_trig_stmt->relation->schemaname,
			    n->create_trig_stmt->trigname,
			    n->create_trig_stmt->relation->relname);
		break;
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		create_type(o, n->create_enum_stmt->type_name,
		            n->create_enum_stmt->n_type_name);
		break;
	case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
		create_type(o, n->create_range_stmt->type_name,
		            n->create_range_stmt->n_type_name);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		create_type(o, n->create_domain_stmt->domainname,
		            n->create_domain_stmt->n_domainname);
		break;
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
		if (n->composite_type_stmt->typevar)
			pgo_put_simple(
			    o, SO_CREATE, "type",
			    n->composite_type_stmt->typevar->schemaname,
			    n->composite_type_stmt->typevar->relname, NULL);
		break;
	case PG_QUERY__NODE__NODE_DEFINE_STMT:
		if (n->define_stmt->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE)
			create_type(o, n->define_stmt->defnames,
			            n->define_stmt->n_defnames);
		break;
	case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
		if (!pgo_is_temp(n->create_policy_stmt->table))
			pgo_put_simple(o, SO_CREATE, "policy",
			               n->create_policy_stmt->table->schemaname,
			               n->create_policy_stmt->policy_name,
			               n->create_policy_stmt->table->relname);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: {
		const PgQuery__CreateSchemaStmt *c = n->create_schema_stmt;
		const char *was = o->in_schema;
		if (!c->schemaname || !*c->schemaname)
			break;
		pgo_put_simple(o, SO_CREATE, "schema", NULL, c->schemaname,
		               NULL);
		o->in_schema = c->schemaname;
		for (size_t i = 0; i < c->n_schema_elts; i++)
			statement(o, c->schema_elts[i]);
		o->in_schema = was;
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
		pgo_put_simple(o, SO_CREATE, "extension", NULL,
		               n->create_extension_stmt->extname, NULL);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		pgo_alter_table(o, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		pgo_drop(o, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		pgo_rename_stmt(o, n->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
		pgo_set_schema(o, n->alter_object_schema_stmt);
		break;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		pgo_search_path(o, n->variable_set_stmt);
		break;
	case PG_QUERY__NODE__NODE_DO_STMT:
		pgo_put_simple(o, SO_UNSEEN, "a DO block", "", "-", NULL);
		break;
	default:
		break;
	}
}

int strata_pg_statement_objects(const char *sql, so_fn fn, void *data)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	PgQuery__ParseResult *tree = NULL;
	struct out o = {fn, data, NULL, 0};

	if (!r.error)
		tree = pg_query__parse_result__unpack(
		    NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
	for (size_t i = 0; tree && i < tree->n_stmts; i++)
		if (tree->stmts[i]->stmt)
			statement(&o, tree->stmts[i]->stmt);
	if (tree)
		pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(r);
	return o.nomem ? STRATA_ENOMEM : 0;
}
