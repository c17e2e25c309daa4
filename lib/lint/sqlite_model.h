/*
 * rules_sqlite.c's model of a SQLite schema, built from the run's up
 * sections in version order: tables with their columns and constraints,
 * indexes, views and triggers, so that a DROP COLUMN can be checked
 * against what uses the column and a rebuild can be written out with the
 * table's real columns.  Each function is described where it is defined
 * (sqlite_model.c).  Hidden from the shared library.
 */
#ifndef STRATA_SQLITE_MODEL_H
#define STRATA_SQLITE_MODEL_H

#include "sqlite_tokens.h"

struct sq_col {
	char *name; /* unquoted */
	char *raw;  /* the name as written */
	char *rest; /* the rest of its definition, as written */
};

struct sq_table {
	char *name;
	struct sq_col *cols;
	size_t ncols;
	char **cons; /* table constraints, as written */
	size_t ncons;
	char *tail; /* after the ')': WITHOUT ROWID, STRICT */
	int known;  /* the columns are known (not CREATE TABLE ... AS) */
};

enum { OBJ_INDEX, OBJ_VIEW, OBJ_TRIGGER };

struct sq_obj {
	int kind;
	char *name;
	char *table;   /* an index's or trigger's table */
	char *sql;     /* as written */
	char *lower;   /* sql in lower case, to rule objects out quickly */
	char *dangles; /* a view's or trigger's dropped table, or NULL */
};

struct sqlite_model {
	struct sq_table *tables;
	size_t ntables;
	struct sq_obj *objs;
	size_t nobjs;
	char **dropped; /* tables dropped and not made again */
	size_t ndropped;
	size_t ndangling; /* objects whose `dangles` is set */
	size_t *slots;    /* tables by name, open addressing: index + 1 */
	size_t cap;
};

struct drop_check {
	char why[200];               /* the reason SQLite refuses, or "" */
	const struct sq_obj *block;  /* the index, view or trigger that does */
	const struct sq_obj *breaks; /* a trigger whose body uses it */
};

int sqm_obj_mentions(const struct sq_obj *o,
                     const char *table) STRATA_LINT_HIDDEN;
struct sqlite_model *
sqm_model_clone(const struct sqlite_model *m) STRATA_LINT_HIDDEN;
struct sq_table *sqm_find_table(const struct sqlite_model *M,
                                const char *name) STRATA_LINT_HIDDEN;
struct sq_obj *sqm_find_obj(const struct sqlite_model *M, int kind,
                            const char *name) STRATA_LINT_HIDDEN;
void sqm_drop_obj(struct sqlite_model *M, int kind,
                  const char *name) STRATA_LINT_HIDDEN;
void sqm_add_obj(struct sqlite_model *M, int kind, const char *name,
                 const char *table, const char *sql) STRATA_LINT_HIDDEN;
void sqm_add_table(struct sqlite_model *M,
                   struct sq_table *t) STRATA_LINT_HIDDEN;
void sqm_drop_table(struct sqlite_model *M,
                    const char *name) STRATA_LINT_HIDDEN;
int sqm_has_word(const char *text, const char *kw) STRATA_LINT_HIDDEN;
void sqm_rename_table(struct sqlite_model *M, const char *old, const char *raw,
                      const char *bare) STRATA_LINT_HIDDEN;
struct sq_col *sqm_find_col(const struct sq_table *t,
                            const char *name) STRATA_LINT_HIDDEN;
void sqm_rename_column(struct sqlite_model *M, const char *table,
                       const char *old, const char *raw,
                       const char *bare) STRATA_LINT_HIDDEN;
int sqm_is_table_constraint(const struct toks *T, size_t i) STRATA_LINT_HIDDEN;
void sqm_each_element(const struct toks *T, size_t open,
                      void (*fn)(const struct toks *, size_t, size_t, void *),
                      void *data) STRATA_LINT_HIDDEN;
void sqm_model_create_table(struct sqlite_model *M, const struct toks *T,
                            size_t i, const struct qname *q,
                            int if_not) STRATA_LINT_HIDDEN;
void sqm_model_add_column(struct sqlite_model *M, const char *table,
                          const struct toks *T, size_t a,
                          size_t b) STRATA_LINT_HIDDEN;
void sqm_model_drop_column(struct sqlite_model *M, const char *table,
                           const char *col) STRATA_LINT_HIDDEN;
const char *sqm_constraint_uses(const char *c,
                                const char *col) STRATA_LINT_HIDDEN;
const char *sqm_column_expr_uses(const char *rest,
                                 const char *col) STRATA_LINT_HIDDEN;
void sqm_check_drop(const struct sqlite_model *M, const char *table,
                    const char *col, struct drop_check *dc) STRATA_LINT_HIDDEN;
const struct sq_obj *sqm_dangling(const struct sqlite_model *M,
                                  const char **table) STRATA_LINT_HIDDEN;

#endif
