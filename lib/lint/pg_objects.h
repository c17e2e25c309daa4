/*
 * Shared by pg_objects.c (CREATE, and the helpers) and pg_objects_change.c
 * (ALTER TABLE, DROP, RENAME, SET SCHEMA, SET search_path): reading what a
 * PostgreSQL statement does to objects (objects.h).  Hidden from the
 * shared library.
 */
#ifndef STRATA_PG_OBJECTS_H
#define STRATA_PG_OBJECTS_H

#include "lint.h"
#include "objects.h"

#define PGO_HIDDEN STRATA_LINT_HIDDEN

/* Where the object changes go. */
struct out {
	so_fn fn;
	void *data;
	const char *in_schema; /* CREATE SCHEMA s CREATE TABLE t: t is s.t */
	int nomem;
};

/* A String node's text, or NULL. */
const char *pgo_sval(const PgQuery__Node *n) PGO_HIDDEN;
const char *pgo_or_empty(const char *s) PGO_HIDDEN;
/* Hands x to o->fn, in o->in_schema when x names no schema. */
void pgo_put(struct out *o, struct so_object *x) PGO_HIDDEN;
/* One object without extras (nothing when name is empty). */
void pgo_put_simple(struct out *o, enum so_op op, const char *kind,
                    const char *schema, const char *name,
                    const char *table) PGO_HIDDEN;
/* A temporary relation (or none): not followed. */
int pgo_is_temp(const PgQuery__RangeVar *rv) PGO_HIDDEN;
/* The last two names of a list: [schema.]name. */
void pgo_qualified(PgQuery__Node **v, size_t n, const char **schema,
                   const char **name) PGO_HIDDEN;
/* A function or procedure named with its arguments. */
void pgo_put_routine(struct out *o, enum so_op op, const char *kind,
                     const PgQuery__ObjectWithArgs *f, const char *to,
                     const char *to_schema, int cascade) PGO_HIDDEN;
/* A named constraint of table rv (a column's own: `column` set). */
void pgo_put_constraint(struct out *o, const PgQuery__RangeVar *rv,
                        const PgQuery__Constraint *k,
                        const char *column) PGO_HIDDEN;
/* A column definition: the column and its named constraints. */
void pgo_put_column(struct out *o, const PgQuery__RangeVar *rv,
                    const PgQuery__ColumnDef *cd) PGO_HIDDEN;

/* pg_objects_change.c */
void pgo_alter_table(struct out *o,
                     const PgQuery__AlterTableStmt *a) PGO_HIDDEN;
void pgo_drop(struct out *o, const PgQuery__DropStmt *d) PGO_HIDDEN;
void pgo_rename_stmt(struct out *o, const PgQuery__RenameStmt *r) PGO_HIDDEN;
void pgo_set_schema(struct out *o,
                    const PgQuery__AlterObjectSchemaStmt *a) PGO_HIDDEN;
void pgo_search_path(struct out *o,
                     const PgQuery__VariableSetStmt *v) PGO_HIDDEN;

#endif
