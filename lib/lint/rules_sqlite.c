/*
 * SQLite: the statement's kind and tables from its tokens, a model of the
 * schema across the run's up sections, and the rules for what SQLite's
 * ALTER TABLE cannot do.  See ../shared/notes/sqlite-alter.md and
 * docs/lint-rules.md.
 *
 * SQLite has one writer at a time: every write takes the database's write
 * lock, and what a statement risks is how long it holds it (a DROP COLUMN
 * or a table rebuild copies every row under it).  Most of what goes wrong
 * is not a lock, though: SQLite's ALTER TABLE refuses many changes, some of
 * them only once the table has rows (so they pass on an empty development
 * database and fail in production), and a DROP COLUMN can succeed and leave
 * a trigger that fails when it next fires.
 *
 * There is no parse tree: sqlite_tokens.c reads each statement into tokens,
 * and the rules look at tokens, never inside strings or comments.  The
 * schema model lives in sqlite_model.c; this file holds the analysis
 * (kind, tables, risk) and the rules.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint.h"
#include "sqlite_model.h"
#include "sqlite_tokens.h"
#include "strata/buf.h"

/* ---- per-section state ---- */

struct sq_state {
	struct toks toks; /* of the statement at toks_at */
	size_t toks_at;
	int toks_ok;
	struct sqlite_model *scratch; /* a down section's copy of the model */
	int cloned;
	struct name_set filled; /* tables (lower case) rows went into */
};

static void *state_new(void)
{
	struct sq_state *S = calloc(1, sizeof(*S));
	if (S)
		S->toks_at = NONE;
	return S;
}

static void state_free(void *p)
{
	struct sq_state *S = p;
	sqt_toks_dispose(&S->toks);
	strata_sqlite_model_free(S->scratch);
	strata_name_set_dispose(&S->filled);
	free(S);
}

extern const struct lint_family strata_lint_sqlite;

/* The statement's tokens (read once, for the analysis and the rules). */
static const struct toks *stmt_toks(struct lint *L, const struct lint_stmt *st)
{
	struct sq_state *S = lint_state(L, &strata_lint_sqlite);

	if (!S)
		return NULL;
	if (S->toks_at != st->offset) {
		S->toks_at = st->offset;
		S->toks_ok = sqt_tokenize(&S->toks, L->text + st->offset,
		                          st->len, st->offset) == 0;
	}
	return S->toks_ok ? &S->toks : NULL;
}

/* The model this section reads: the run's in an up section; in a down
 * section, the run's until the section changes it, then its own copy (the
 * down undoes the up; the next migration starts from what the up left). */
static struct sqlite_model *cur_model(struct lint *L)
{
	struct sq_state *S = lint_state(L, &strata_lint_sqlite);

	if (!L->sqlite_model)
		L->sqlite_model = calloc(1, sizeof(*L->sqlite_model));
	return S && S->cloned ? S->scratch : L->sqlite_model;
}

/* The model a statement of this section may change. */
static struct sqlite_model *mut_model(struct lint *L)
{
	struct sq_state *S = lint_state(L, &strata_lint_sqlite);

	if (L->dir == STRATA_UP || !S)
		return cur_model(L);
	if (!S->cloned) {
		S->scratch = sqm_model_clone(L->sqlite_model);
		S->cloned = 1;
	}
	return S->scratch;
}

/* Whether the table may hold rows: not when it was created in this section
 * and nothing was inserted into it since. */
static int may_have_rows(struct lint *L, const char *table)
{
	struct sq_state *S = lint_state(L, &strata_lint_sqlite);
	char key[SQ_NAME];

	if (!sqt_created_here(L, table))
		return 1;
	sqt_lower_into(key, sizeof(key), sqt_bare_of(table));
	return S && strata_name_set_has(&S->filled, key);
}

static void put_name(strata_buf *b, const char *name)
{
	lint_put_ident(b, name, STRATA_DIALECT_SQLITE);
}

/* ---- analysis: kind, touches, risk ---- */

/* SQLite compares names without case */
static struct lint_touch *touch(struct lint_stmt *st, const char *name,
                                strata_lock_mode lock, unsigned effects)
{
	return lint_touch(st, name, lock, effects, 1);
}

#define DBW STRATA_LOCK_DATABASE_WRITE

/* The first INSERT, REPLACE, UPDATE, DELETE or SELECT outside parentheses
 * (after a WITH clause's common table expressions). */
static size_t main_verb(const struct toks *T)
{
	static const char *const verbs[] = {"INSERT", "REPLACE", "UPDATE",
	                                    "DELETE", "SELECT",  "VALUES"};
	for (size_t k = 1; k < T->n; k++)
		for (size_t v = 0; v < sizeof(verbs) / sizeof(*verbs); v++)
			if (T->v[k].depth == 0 && sqt_is_word(T, k, verbs[v]))
				return k;
	return NONE;
}

/* The table after UPDATE [OR ...] / DELETE FROM / INSERT [OR ...] INTO. */
static size_t dml_table(const struct toks *T, size_t verb, struct qname *q)
{
	size_t i = verb + 1;

	if (sqt_is_word(T, i, "OR"))
		i += 2;
	if (sqt_is_word(T, verb, "DELETE") || sqt_is_word(T, verb, "INSERT") ||
	    sqt_is_word(T, verb, "REPLACE")) {
		if (!sqt_is_word(T, i, "FROM") && !sqt_is_word(T, i, "INTO"))
			return NONE;
		i++;
	}
	return sqt_read_qname(T, i, q);
}

static void analyze_create(struct lint_stmt *st, const struct toks *T)
{
	struct qname q, tab;
	size_t i = 1, k;
	struct lint_touch *t;

	if (sqt_is_word(T, i, "TEMP") || sqt_is_word(T, i, "TEMPORARY"))
		i++;
	if (sqt_is_word(T, i, "UNIQUE"))
		i++;
	if (sqt_is_word(T, i, "VIRTUAL")) {
		st->kind = "CREATE VIRTUAL TABLE";
		i++;
	}
	if (sqt_is_word(T, i, "TABLE")) {
		if (!st->kind || strcmp(st->kind, "OTHER") == 0)
			st->kind = "CREATE TABLE";
		if (sqt_read_qname(T, sqt_skip_if_exists(T, i + 1), &q) !=
		        NONE &&
		    (t = touch(st, q.full, DBW, STRATA_TOUCH_NEW)))
			t->created = 1;
	} else if (sqt_is_word(T, i, "INDEX")) {
		st->kind = "CREATE INDEX";
		k = sqt_read_qname(T, sqt_skip_if_exists(T, i + 1), &q);
		if (k != NONE && sqt_is_word(T, k, "ON") &&
		    sqt_read_qname(T, k + 1, &tab) != NONE)
			touch(st, tab.full, DBW, STRATA_TOUCH_SCAN);
	} else if (sqt_is_word(T, i, "VIEW")) {
		st->kind = "CREATE VIEW";
	} else if (sqt_is_word(T, i, "TRIGGER")) {
		st->kind = "CREATE TRIGGER";
		k = sqt_find_word(T, i, T->n, 0, "ON");
		if (k != NONE && sqt_read_qname(T, k + 1, &tab) != NONE)
			touch(st, tab.full, DBW, 0);
	}
}

static void analyze_drop(struct lint *L, struct lint_stmt *st,
                         const struct toks *T)
{
	const struct sqlite_model *M = cur_model(L);
	const struct sq_obj *o;
	struct qname q;
	size_t k = sqt_read_qname(T, sqt_skip_if_exists(T, 2), &q);

	if (sqt_is_word(T, 1, "TABLE")) {
		st->kind = "DROP TABLE";
		if (k != NONE)
			touch(st, q.full, DBW, STRATA_TOUCH_DATA_LOSS);
	} else if (sqt_is_word(T, 1, "INDEX")) {
		st->kind = "DROP INDEX";
		if (k != NONE && (o = sqm_find_obj(M, OBJ_INDEX, q.bare)))
			touch(st, o->table, DBW, 0);
	} else if (sqt_is_word(T, 1, "TRIGGER")) {
		st->kind = "DROP TRIGGER";
		if (k != NONE && (o = sqm_find_obj(M, OBJ_TRIGGER, q.bare)))
			touch(st, o->table, DBW, 0);
	} else if (sqt_is_word(T, 1, "VIEW")) {
		st->kind = "DROP VIEW";
	}
}

/* Whether ALTER TABLE ... ADD COLUMN makes SQLite check every row: it runs
 * a quick_check over the table when the table has a CHECK (or is STRICT),
 * or the new column is a NOT NULL generated one. */
static int add_column_scans(const struct sqlite_model *M, const char *table,
                            const struct coldef *cd)
{
	const struct sq_table *t = sqm_find_table(M, table);

	if ((cd->flags & COL_CHECK) ||
	    (cd->flags & (COL_NOTNULL | COL_GENERATED)) ==
	        (COL_NOTNULL | COL_GENERATED))
		return 1;
	if (t && t->tail && sqm_has_word(t->tail, "STRICT"))
		return 1;
	for (size_t i = 0; t && i < t->ncons; i++)
		if (sqm_has_word(t->cons[i], "CHECK"))
			return 1;
	for (size_t i = 0; t && i < t->ncols; i++)
		if (sqm_has_word(t->cols[i].rest, "CHECK"))
			return 1;
	return 0;
}

static void analyze_alter(struct lint *L, struct lint_stmt *st,
                          const struct toks *T)
{
	struct qname q, to;
	struct lint_touch *t;
	size_t k;
	unsigned eff = 0;

	st->kind = "ALTER TABLE";
	if (!sqt_is_word(T, 1, "TABLE") ||
	    (k = sqt_read_qname(T, 2, &q)) == NONE)
		return;
	if (sqt_is_word(T, k, "DROP")) {
		eff = STRATA_TOUCH_REWRITE | STRATA_TOUCH_DATA_LOSS;
	} else if (sqt_is_word(T, k, "ADD")) {
		struct coldef cd;
		size_t a = k + 1 + sqt_is_word(T, k + 1, "COLUMN");
		if (a < T->n) {
			sqt_parse_coldef(T, a + 1, T->n, 0, &cd);
			if (add_column_scans(cur_model(L), q.bare, &cd))
				eff = STRATA_TOUCH_SCAN;
		}
	}
	touch(st, q.full, DBW, eff);
	/* a table created here keeps being new under its new name */
	if (sqt_is_word(T, k, "RENAME") && sqt_is_word(T, k + 1, "TO") &&
	    sqt_created_here(L, q.full) &&
	    sqt_read_qname(T, k + 2, &to) != NONE &&
	    (t = touch(st, to.full, DBW, STRATA_TOUCH_NEW)))
		t->created = 1;
}

static void analyze_insert(struct lint *L, struct lint_stmt *st,
                           const struct toks *T, size_t verb)
{
	struct qname q, src;
	size_t k = dml_table(T, verb, &q), sel, from;

	if (k == NONE)
		return;
	touch(st, q.full, DBW, 0);
	/* INSERT INTO new_t SELECT ... FROM t: the copy step of a table
	 * rebuild when new_t is new, every row of t read under the lock */
	sel = sqt_find_word(T, k, T->n, 0, "SELECT");
	from = sel == NONE ? NONE : sqt_find_word(T, sel, T->n, 0, "FROM");
	if (from != NONE && sqt_read_qname(T, from + 1, &src) != NONE &&
	    strcasecmp(src.bare, q.bare) != 0)
		touch(st, src.full, DBW,
		      sqt_created_here(L, q.full) ? STRATA_TOUCH_REWRITE
		                                  : STRATA_TOUCH_SCAN);
}

/* The WHERE of an UPDATE or DELETE (outside parentheses), or NONE. */
static size_t dml_where(const struct toks *T, size_t from)
{
	return sqt_find_word(T, from, T->n, 0, "WHERE");
}

static void classify(struct lint *L, struct lint_stmt *st, const struct toks *T)
{
	struct qname q;
	size_t verb = 0, k;

	st->kind = "OTHER";
	if (T->n == 0)
		return;
	if (sqt_is_word(T, 0, "WITH") && (verb = main_verb(T)) == NONE)
		return;
	if (sqt_is_word(T, verb, "CREATE")) {
		analyze_create(st, T);
	} else if (sqt_is_word(T, verb, "DROP")) {
		analyze_drop(L, st, T);
	} else if (sqt_is_word(T, verb, "ALTER")) {
		analyze_alter(L, st, T);
	} else if (sqt_is_word(T, verb, "INSERT") ||
	           sqt_is_word(T, verb, "REPLACE")) {
		st->kind = "INSERT";
		analyze_insert(L, st, T, verb);
	} else if (sqt_is_word(T, verb, "UPDATE")) {
		st->kind = "UPDATE";
		if ((k = dml_table(T, verb, &q)) != NONE)
			touch(st, q.full, DBW,
			      dml_where(T, k) == NONE ? STRATA_TOUCH_REWRITE
			                              : 0);
	} else if (sqt_is_word(T, verb, "DELETE")) {
		st->kind = "DELETE";
		if ((k = dml_table(T, verb, &q)) != NONE)
			touch(st, q.full, DBW,
			      dml_where(T, k) == NONE ? STRATA_TOUCH_DATA_LOSS
			                              : 0);
	} else if (sqt_is_word(T, verb, "SELECT") ||
	           sqt_is_word(T, verb, "VALUES")) {
		st->kind = "SELECT";
	} else if (sqt_is_word(T, 0, "PRAGMA")) {
		st->kind = "PRAGMA";
		k = sqt_is_punct(T, 2, '.') ? 3 : 1;
		if (sqt_is_word(T, k, "journal_mode") && k + 1 < T->n)
			st->no_tx = 1; /* WAL cannot be entered in one */
	} else if (sqt_is_word(T, 0, "BEGIN")) {
		st->kind = "BEGIN";
	} else if (sqt_is_word(T, 0, "COMMIT") || sqt_is_word(T, 0, "END")) {
		st->kind = "COMMIT";
	} else if (sqt_is_word(T, 0, "ROLLBACK")) {
		st->kind = "ROLLBACK";
	} else if (sqt_is_word(T, 0, "SAVEPOINT")) {
		st->kind = "SAVEPOINT";
	} else if (sqt_is_word(T, 0, "RELEASE")) {
		st->kind = "RELEASE";
	} else if (sqt_is_word(T, 0, "VACUUM")) {
		st->kind = "VACUUM";
		st->no_tx = 1;
	} else if (sqt_is_word(T, 0, "ANALYZE")) {
		st->kind = "ANALYZE";
	} else if (sqt_is_word(T, 0, "REINDEX")) {
		st->kind = "REINDEX";
		if (sqt_read_qname(T, 1, &q) != NONE &&
		    sqm_find_table(cur_model(L), q.bare))
			touch(st, q.full, DBW, STRATA_TOUCH_SCAN);
	} else if (sqt_is_word(T, 0, "ATTACH") || sqt_is_word(T, 0, "DETACH")) {
		st->kind = sqt_is_word(T, 0, "ATTACH") ? "ATTACH" : "DETACH";
		st->no_tx = 1;
	} else if (sqt_is_word(T, 0, "EXPLAIN")) {
		st->kind = "EXPLAIN";
	}
}

static strata_risk touch_risk(const struct lint_touch *t, char *why, size_t n)
{
	strata_risk r;

	if (lint_touch_risk_common(t, why, n, &r))
		return r;
	if (t->effects & STRATA_TOUCH_REWRITE) {
		snprintf(why, n,
		         "every row of %s is written while the "
		         "database write lock is held: other writers "
		         "wait",
		         t->name);
		return STRATA_RISK_HIGH;
	}
	if (t->effects & STRATA_TOUCH_SCAN) {
		snprintf(why, n,
		         "every row of %s is read while the database "
		         "write lock is held: other writers wait",
		         t->name);
		return STRATA_RISK_MEDIUM;
	}
	snprintf(why, n, "the database write lock is held briefly for %s",
	         t->name);
	return STRATA_RISK_LOW;
}

/* Why a statement that touches no table is low risk. */
static const char *quiet_why(const char *kind, const struct toks *T)
{
	static const char *const tx[] = {"BEGIN",     "COMMIT",  "ROLLBACK",
	                                 "SAVEPOINT", "RELEASE", NULL};
	size_t k;

	if (!strcmp(kind, "SELECT") || !strcmp(kind, "EXPLAIN"))
		return "reads only: no write lock";
	for (const char *const *w = tx; *w; w++)
		if (!strcmp(kind, *w))
			return "transaction control: touches no table";
	if (!strcmp(kind, "PRAGMA") && T) {
		k = sqt_is_punct(T, 2, '.') ? 3 : 1;
		return sqt_is_punct(T, k + 1, '=') ||
		               sqt_is_punct(T, k + 1, '(')
		           ? "changes a setting: touches no table"
		           : "reads only: no write lock";
	}
	if (!strncmp(kind, "CREATE", 6) || !strncmp(kind, "DROP", 4))
		return "changes the schema only: the database write lock is "
		       "held briefly";
	return "holds the database write lock briefly";
}

void strata_sqlite_analyze(struct lint *L, struct lint_stmt *st)
{
	const struct toks *T = stmt_toks(L, st);
	char why[160];

	st->kind = "OTHER";
	st->risk = STRATA_RISK_LOW;
	if (T)
		classify(L, st, T);
	snprintf(st->why, sizeof(st->why), "%s", quiet_why(st->kind, T));
	for (size_t i = 0; i < st->ntouches; i++) {
		struct lint_touch *t = &st->touches[i];
		strata_risk r;
		if (!t->created && sqt_created_here(L, t->name)) {
			/* nothing to lose or to wait for on a new table */
			t->effects &=
			    ~(STRATA_TOUCH_REWRITE | STRATA_TOUCH_SCAN |
			      STRATA_TOUCH_DATA_LOSS);
			t->effects |= STRATA_TOUCH_NEW;
		}
		r = touch_risk(t, why, sizeof(why));
		if (i == 0 || r > st->risk) {
			st->risk = r;
			snprintf(st->why, sizeof(st->why), "%s", why);
		}
	}
	if (strcmp(st->kind, "VACUUM") == 0) {
		st->risk = STRATA_RISK_HIGH;
		snprintf(st->why, sizeof(st->why),
		         "VACUUM rewrites the whole database file; every other "
		         "connection waits");
	}
}

/* ---- rules ---- */

enum {
	R_ADD_NOT_NULL,
	R_ADD_NON_CONST,
	R_ADD_KEY,
	R_ADD_STORED,
	R_DROP_BLOCKED,
	R_DROP_BREAKS,
	R_DROP_COLUMN,
	R_UNSUPPORTED,
	R_DANGLING,
	R_FK_PRAGMA,
	R_RENAME_TABLE,
	R_RENAME_COLUMN,
	R_UPDATE_ALL,
	R_DELETE_ALL,
};

static const struct lint_rule rules[] = {
    [R_ADD_NOT_NULL] = {"sqlite-add-column-not-null-without-default",
                        STRATA_SEVERITY_ERROR, 0,
                        "ADD COLUMN ... NOT NULL without a non-NULL DEFAULT "
                        "fails once the table has rows"},
    [R_ADD_NON_CONST] = {"sqlite-add-column-non-constant-default",
                         STRATA_SEVERITY_ERROR, 0,
                         "ADD COLUMN with CURRENT_TIMESTAMP or an expression "
                         "as DEFAULT fails once the table has rows"},
    [R_ADD_KEY] = {"sqlite-add-column-primary-key-or-unique",
                   STRATA_SEVERITY_ERROR, 0,
                   "SQLite cannot ADD COLUMN with PRIMARY KEY or UNIQUE"},
    [R_ADD_STORED] = {"sqlite-add-column-stored-generated",
                      STRATA_SEVERITY_ERROR, 0,
                      "SQLite cannot add a STORED generated column to a "
                      "table with rows"},
    [R_DROP_BLOCKED] = {"sqlite-drop-column-blocked", STRATA_SEVERITY_ERROR, 0,
                        "DROP COLUMN of a column a key, index, CHECK, "
                        "foreign key, view or trigger uses: SQLite refuses"},
    [R_DROP_BREAKS] = {"sqlite-drop-column-breaks-trigger",
                       STRATA_SEVERITY_ERROR, 0,
                       "DROP COLUMN of a column a trigger body uses succeeds, "
                       "and the trigger fails when it next fires"},
    [R_DROP_COLUMN] = {"sqlite-drop-column", STRATA_SEVERITY_WARNING,
                       LINT_RULE_UP_ONLY,
                       "DROP COLUMN deletes the data and rewrites the table "
                       "under the database write lock"},
    [R_UNSUPPORTED] = {"sqlite-unsupported-alter", STRATA_SEVERITY_ERROR, 0,
                       "an ALTER TABLE form SQLite does not have: the table "
                       "must be rebuilt"},
    [R_DANGLING] = {"sqlite-alter-with-dangling-view", STRATA_SEVERITY_ERROR, 0,
                    "RENAME or DROP COLUMN while a view or trigger refers to "
                    "a dropped table: SQLite refuses"},
    [R_FK_PRAGMA] = {"sqlite-foreign-keys-pragma-in-transaction",
                     STRATA_SEVERITY_ERROR, 0,
                     "PRAGMA foreign_keys inside a transaction does "
                     "nothing"},
    [R_RENAME_TABLE] = {"sqlite-rename-table", STRATA_SEVERITY_WARNING, 0,
                        "renaming a table breaks the running application's "
                        "queries"},
    [R_RENAME_COLUMN] = {"sqlite-rename-column", STRATA_SEVERITY_WARNING, 0,
                         "renaming a column breaks the running "
                         "application's queries"},
    [R_UPDATE_ALL] = {"sqlite-update-without-where", STRATA_SEVERITY_WARNING, 0,
                      "UPDATE without WHERE rewrites every row under the "
                      "database write lock"},
    [R_DELETE_ALL] = {"sqlite-delete-without-where", STRATA_SEVERITY_WARNING,
                      LINT_RULE_UP_ONLY,
                      "DELETE without WHERE empties the "
                      "table"},
};

static size_t at(const struct toks *T, size_t i)
{
	return i < T->n ? T->base + T->v[i].off : LINT_AT_STMT;
}

/* The text of tokens [a, b) as written, into out (for messages and help). */
static const char *text_of(const struct toks *T, size_t a, size_t b, char *out,
                           size_t n)
{
	if (a >= b || a >= T->n) {
		snprintf(out, n, "%s", "");
		return out;
	}
	if (b > T->n)
		b = T->n;
	snprintf(out, n, "%.*s",
	         (int)(T->v[b - 1].off + T->v[b - 1].len - T->v[a].off),
	         T->s + T->v[a].off);
	return out;
}

/* "new_t" for t as written (inside its quotes when quoted). */
static void new_name(char *out, size_t n, const char *braw)
{
	if (braw[0] == '"' || braw[0] == '`' || braw[0] == '[')
		snprintf(out, n, "%cnew_%s", braw[0], braw + 1);
	else
		snprintf(out, n, "new_%s", braw);
}

/* A name made from parts ("orders_email_key"), quoted when it must be. */
static const char *sqlname(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *sqlname(char *out, size_t n, const char *fmt, ...)
{
	char name[3 * SQ_NAME];
	strata_buf b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	strata_buf_init(&b);
	put_name(&b, name);
	snprintf(out, n, "%s", b.ptr);
	strata_buf_dispose(&b);
	return out;
}

/* Views, and other tables' triggers, that use `table`: a rebuild must drop
 * them before DROP TABLE and create them again after the rename. */
static int must_recreate(const struct sq_obj *o, const char *table)
{
	if (o->kind == OBJ_INDEX)
		return 0;
	if (o->kind == OBJ_TRIGGER && o->table &&
	    strcasecmp(o->table, table) == 0)
		return 0;
	return sqm_obj_mentions(o, table);
}

static int is_generated(const char *rest)
{
	struct toks T = {0};
	struct coldef cd = {0};

	if (sqt_tokenize(&T, rest, strlen(rest), 0) == 0)
		sqt_parse_coldef(&T, 0, T.n, 0, &cd);
	sqt_toks_dispose(&T);
	return (cd.flags & COL_GENERATED) != 0;
}

/* Whether the table constraint text c is named `name`. */
static int constraint_named(const char *c, const char *name)
{
	struct toks T = {0};
	int r = 0;

	if (name && sqt_tokenize(&T, c, strlen(c), 0) == 0)
		r = sqt_is_word(&T, 0, "CONSTRAINT") && sqt_names(&T, 1, name);
	sqt_toks_dispose(&T);
	return r;
}

/* How the rebuild's new table differs from the old one. */
struct rebuild {
	const char *col;       /* the column the change is about, or NULL */
	const char *note;      /* a comment for that column's line */
	int omit;              /* leave that column out (DROP COLUMN) */
	const char *add_cons;  /* a table constraint to add, as written */
	const char *drop_cons; /* the name of a constraint to leave out */
};

/*
 * The help of a change SQLite's ALTER TABLE cannot make: SQLite's own
 * 12-step table rebuild, with the table's real name, and its columns,
 * indexes, triggers and views when earlier migrations showed them.
 */
static void rebuild_help(struct lint *L, const struct sqlite_model *M,
                         const struct qname *q, const struct rebuild *rb)
{
	const struct sq_table *t = sqm_find_table(M, q->bare);
	char nn[SQ_NAME + 8];
	strata_buf b, list;
	size_t nitems = 0;

	new_name(nn, sizeof(nn), q->braw);
	strata_buf_init(&b);
	strata_buf_init(&list);
	strata_buf_puts(&b, "-- SQLite's table rebuild "
	                    "(https://sqlite.org/lang_altertable.html)\n");
	if (!L->loose)
		strata_buf_puts(&b, "-- strata:no-transaction  (PRAGMA "
		                    "foreign_keys works only outside a "
		                    "transaction)\n");
	strata_buf_puts(&b, "PRAGMA foreign_keys = OFF;\nBEGIN;\n");
	for (size_t i = 0; M && i < M->nobjs; i++)
		if (must_recreate(&M->objs[i], q->bare)) {
			strata_buf_puts(&b, M->objs[i].kind == OBJ_VIEW
			                        ? "DROP VIEW "
			                        : "DROP TRIGGER ");
			put_name(&b, M->objs[i].name);
			strata_buf_puts(&b, ";\n");
		}
	strata_buf_printf(&b, "CREATE TABLE %s (\n", nn);
	if (t && t->known) {
		size_t total = t->ncols + t->ncons + (rb->add_cons != NULL);
		const char *pending = NULL; /* the last line's comment */
		for (size_t i = 0; i < total; i++) {
			const char *line, *note = NULL;
			if (i < t->ncols) {
				const struct sq_col *c = &t->cols[i];
				int mine = rb->col &&
				           strcasecmp(c->name, rb->col) == 0;
				if (mine && rb->omit)
					continue;
				if (mine)
					note = rb->note;
				else if (rb->omit &&
				         sqm_column_expr_uses(c->rest, rb->col))
					note = "uses the dropped column";
				if (!is_generated(c->rest))
					strata_buf_printf(&list, "%s%s",
					                  list.len ? ", " : "",
					                  c->raw);
				line = NULL;
			} else if (i < t->ncols + t->ncons) {
				line = t->cons[i - t->ncols];
				if (constraint_named(line, rb->drop_cons))
					continue;
				if (rb->omit &&
				    sqm_constraint_uses(line, rb->col))
					note = "uses the dropped column";
			} else {
				line = rb->add_cons;
				note = "the new constraint";
			}
			if (nitems++)
				strata_buf_putc(&b, ',');
			if (pending)
				strata_buf_printf(&b, "  -- %s", pending);
			if (nitems > 1)
				strata_buf_putc(&b, '\n');
			if (line)
				strata_buf_printf(&b, "    %s", line);
			else
				strata_buf_printf(&b, "    %s%s",
				                  t->cols[i].raw,
				                  t->cols[i].rest);
			pending = note;
		}
		if (pending)
			strata_buf_printf(&b, "  -- %s", pending);
		strata_buf_printf(&b, "\n)%s%s;\n", t->tail ? " " : "",
		                  t->tail ? t->tail : "");
		strata_buf_printf(&b,
		                  "INSERT INTO %s (%s)\n    SELECT %s FROM "
		                  "%s;\n",
		                  nn, list.ptr, list.ptr, q->braw);
	} else {
		strata_buf_printf(&b,
		                  "    -- every column of %s, with the "
		                  "change%s%s\n);\n",
		                  q->braw, rb->note ? ": " : "",
		                  rb->note ? rb->note : "");
		strata_buf_printf(&b,
		                  "INSERT INTO %s (columns)\n    SELECT "
		                  "columns FROM %s;\n",
		                  nn, q->braw);
	}
	strata_buf_printf(&b, "DROP TABLE %s;\nALTER TABLE %s RENAME TO %s;\n",
	                  q->braw, nn, q->braw);
	if (!t)
		strata_buf_printf(&b,
		                  "-- create the indexes and triggers of "
		                  "%s again: SELECT sql FROM sqlite_schema "
		                  "WHERE tbl_name = '%s';\n",
		                  q->braw, q->bare);
	for (size_t i = 0; M && i < M->nobjs; i++) {
		const struct sq_obj *o = &M->objs[i];
		if ((o->table && strcasecmp(o->table, q->bare) == 0 &&
		     o->kind != OBJ_VIEW) ||
		    must_recreate(o, q->bare))
			strata_buf_printf(&b, "%s;%s\n", o->sql,
			                  rb->omit &&
			                          sqm_obj_mentions(o, rb->col)
			                      ? "  -- uses the dropped column"
			                      : "");
	}
	strata_buf_puts(&b, "PRAGMA foreign_key_check;\nCOMMIT;\n"
	                    "PRAGMA foreign_keys = ON;");
	lint_help(L, "%s", b.ptr);
	strata_buf_dispose(&b);
	strata_buf_dispose(&list);
}

/* A view or trigger that would make this RENAME or DROP COLUMN fail. */
static void check_dangling(struct lint *L, const struct sqlite_model *M)
{
	const char *table = NULL;
	const struct sq_obj *o = sqm_dangling(M, &table);
	int view;
	strata_buf b;

	if (!o || !lint_enabled(L, &rules[R_DANGLING]))
		return;
	view = o->kind == OBJ_VIEW;
	strata_buf_init(&b);
	strata_buf_printf(&b, "-- before DROP TABLE %s:\nDROP %s ", table,
	                  view ? "VIEW" : "TRIGGER");
	put_name(&b, o->name);
	strata_buf_printf(&b,
	                  ";\n-- ... the rebuild ...\n-- after ALTER "
	                  "TABLE new_%s RENAME TO %s:\n%s;",
	                  table, table, o->sql);
	lint_help(L, "%s", b.ptr);
	strata_buf_dispose(&b);
	lint_report(L, &rules[R_DANGLING], NULL, LINT_AT_STMT,
	            "SQLite refuses this ALTER TABLE: %s '%s' still refers to "
	            "'%s', which was dropped (\"error in %s %s: no such "
	            "table\"); drop it before the DROP TABLE",
	            view ? "view" : "trigger", o->name, table,
	            view ? "view" : "trigger", o->name);
}

/* "ALTER COLUMN", "ADD CONSTRAINT", ... for the message. */
static void action_label(const struct toks *T, size_t k, char *out, size_t n)
{
	static const char *const second[] = {
	    "COLUMN",  "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN",
	    "DEFAULT", "NOT",        "INDEX",   "KEY",    NULL,
	};
	size_t to = k + 1;

	for (const char *const *w = second; *w; w++)
		if (sqt_is_word(T, k + 1, *w))
			to = k + 2;
	if (to == k + 2 &&
	    (sqt_is_word(T, k + 2, "KEY") || sqt_is_word(T, k + 2, "NULL")))
		to = k + 3;
	text_of(T, k, to, out, n);
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

enum {
	ACT_OK,      /* RENAME TO, RENAME [COLUMN] a TO b, ADD/DROP [COLUMN] */
	ACT_FOREIGN, /* another database's form: ALTER COLUMN, ADD CONSTRAINT */
	ACT_BROKEN,  /* incomplete: SQLite's syntax check says it better */
};

/* What the ALTER TABLE action at k is to SQLite. */
static int action_kind(const struct toks *T, size_t k)
{
	static const char *const keywords[] = {
	    "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN",
	    "INDEX",      "DEFAULT", "NOT",    NULL,
	};
	size_t n = k + 1 + sqt_is_word(T, k + 1, "COLUMN");

	if (k >= T->n)
		return ACT_BROKEN;
	if (sqt_is_word(T, k, "RENAME")) {
		if (sqt_is_word(T, k + 1, "TO"))
			return sqt_is_name(T, k + 2) ? ACT_OK : ACT_BROKEN;
		if (sqt_is_word(T, n, "CONSTRAINT") ||
		    sqt_is_word(T, n, "INDEX"))
			return ACT_FOREIGN;
		return sqt_is_name(T, n) && sqt_is_word(T, n + 1, "TO") &&
		               sqt_is_name(T, n + 2)
		           ? ACT_OK
		           : ACT_BROKEN;
	}
	if (sqt_is_word(T, k, "ADD") || sqt_is_word(T, k, "DROP")) {
		if (!sqt_is_name(T, n))
			return ACT_BROKEN;
		for (const char *const *w = keywords; *w; w++)
			if (sqt_is_word(T, n, *w))
				return ACT_FOREIGN;
		if (sqt_is_word(T, n, "IF") &&
		    (sqt_is_word(T, n + 1, "NOT") ||
		     sqt_is_word(T, n + 1, "EXISTS")))
			return ACT_FOREIGN;
		return ACT_OK;
	}
	return T->v[k].type == T_WORD ? ACT_FOREIGN : ACT_BROKEN;
}

static void report_unsupported(struct lint *L, const struct sqlite_model *M,
                               const struct toks *T, const struct qname *q,
                               size_t k)
{
	struct rebuild rb;
	char label[64], note[200], col[SQ_NAME], cons[400];

	if (!lint_enabled(L, &rules[R_UNSUPPORTED]))
		return;
	memset(&rb, 0, sizeof(rb));
	action_label(T, k, label, sizeof(label));
	text_of(T, k, T->n, note, sizeof(note));
	rb.note = note;
	if ((sqt_is_word(T, k, "ALTER") || sqt_is_word(T, k, "MODIFY") ||
	     sqt_is_word(T, k, "CHANGE")) &&
	    sqt_is_name(T, k + 1 + sqt_is_word(T, k + 1, "COLUMN"))) {
		sqt_tok_name(T, k + 1 + sqt_is_word(T, k + 1, "COLUMN"), col,
		             sizeof(col));
		rb.col = col;
	} else if (sqt_is_word(T, k, "ADD") &&
	           sqm_is_table_constraint(T, k + 1)) {
		rb.add_cons = text_of(T, k + 1, T->n, cons, sizeof(cons));
		rb.note = NULL;
	} else if (sqt_is_word(T, k, "DROP") &&
	           sqt_is_word(T, k + 1, "CONSTRAINT") &&
	           sqt_is_name(T, k + 2)) {
		sqt_tok_name(T, k + 2, col, sizeof(col));
		rb.drop_cons = col;
	}
	rebuild_help(L, M, q, &rb);
	lint_report(L, &rules[R_UNSUPPORTED], NULL, at(T, k),
	            "SQLite cannot %s: rebuild the table '%s' (a syntax error "
	            "as written)",
	            label, q->bare);
}

/* ALTER TABLE q ADD [COLUMN] with the column's name at a, up to end;
 * returns 1 when SQLite refuses it whatever the table holds. */
static int check_add_column(struct lint *L, const struct toks *T,
                            const struct qname *q, size_t a, size_t end)
{
	struct coldef cd;
	char name[SQ_NAME], nr[SQ_NAME], type[160], val[160], x[3 * SQ_NAME];
	int dk;

	sqt_tok_name(T, a, name, sizeof(name));
	text_of(T, a, a + 1, nr, sizeof(nr));
	sqt_parse_coldef(T, a + 1, end, 0, &cd);
	text_of(T, cd.type_from, cd.type_to, type, sizeof(type));
	if (cd.flags & (COL_PK | COL_UNIQUE)) {
		int pk = (cd.flags & COL_PK) != 0;
		lint_help(L,
		          "ALTER TABLE %s ADD COLUMN %s%s%s;\n"
		          "CREATE UNIQUE INDEX %s ON %s (%s);%s",
		          q->raw, nr, *type ? " " : "", type,
		          sqlname(x, sizeof(x), "%s_%s_key", q->bare, name),
		          q->raw, nr,
		          pk ? "\n-- a new PRIMARY KEY needs the table rebuild"
		             : "");
		lint_report(L, &rules[R_ADD_KEY], NULL,
		            at(T, pk ? cd.pk : cd.unique),
		            "SQLite cannot add a %s column: 'Cannot add a %s "
		            "column'",
		            pk ? "PRIMARY KEY" : "UNIQUE",
		            pk ? "PRIMARY KEY" : "UNIQUE");
	}
	if (!may_have_rows(L, q->full))
		return (cd.flags & (COL_PK | COL_UNIQUE)) != 0;
	if ((cd.flags & COL_GENERATED) && (cd.flags & COL_STORED)) {
		char def[400];
		text_of(T, a, end, def, sizeof(def));
		lint_help(L,
		          "-- computed when read, nothing stored:\n"
		          "ALTER TABLE %s ADD COLUMN %.*sVIRTUAL%s;\n"
		          "-- or rebuild the table to store it",
		          q->raw, (int)(T->v[cd.stored].off - T->v[a].off), def,
		          def + (T->v[cd.stored].off + T->v[cd.stored].len -
		                 T->v[a].off));
		lint_report(
		    L, &rules[R_ADD_STORED], NULL, at(T, cd.stored),
		    "SQLite cannot add the STORED generated column '%s' "
		    "to '%s' once it has rows ('cannot add a STORED "
		    "column')",
		    name, q->bare);
	}
	dk = cd.deflt == NONE
	         ? DEF_NULL
	         : sqt_default_kind(T, cd.deflt,
	                            sqt_default_end(T, cd.deflt, end));
	if ((cd.flags & COL_NOTNULL) && !(cd.flags & COL_GENERATED) &&
	    dk == DEF_NULL) {
		const char *guess = "''";
		char lt[160];
		/* SQLite's type affinity rules, roughly */
		sqt_lower_into(lt, sizeof(lt), type);
		if (strstr(lt, "int") || strstr(lt, "bool"))
			guess = "0";
		else if (strstr(lt, "real") || strstr(lt, "floa") ||
		         strstr(lt, "doub") || strstr(lt, "num") ||
		         strstr(lt, "dec"))
			guess = "0.0";
		lint_help(L,
		          "-- the value existing rows get:\n"
		          "ALTER TABLE %s ADD COLUMN %s %s NOT NULL DEFAULT "
		          "%s;",
		          q->raw, nr, *type ? type : "TEXT", guess);
		lint_report(L, &rules[R_ADD_NOT_NULL], NULL, at(T, cd.notnull),
		            "NOT NULL column '%s' has no non-NULL default: "
		            "SQLite refuses to add it once '%s' has rows "
		            "('Cannot add a NOT NULL column with default value "
		            "NULL')",
		            name, q->bare);
	}
	if (dk == DEF_NONCONST) {
		size_t e = sqt_default_end(T, cd.deflt, end);
		text_of(T, cd.deflt, e, val, sizeof(val));
		lint_help(L,
		          "ALTER TABLE %s ADD COLUMN %s%s%s;\n"
		          "UPDATE %s SET %s = %s;\n"
		          "-- new rows: set it in the INSERT, or\n"
		          "CREATE TRIGGER %s AFTER INSERT ON %s\n"
		          "WHEN NEW.%s IS NULL BEGIN\n"
		          "    UPDATE %s SET %s = %s WHERE rowid = "
		          "NEW.rowid;\n"
		          "END;",
		          q->raw, nr, *type ? " " : "", type, q->raw, nr, val,
		          sqlname(x, sizeof(x), "%s_%s_default", q->bare, name),
		          q->raw, nr, q->raw, nr, val);
		lint_report(L, &rules[R_ADD_NON_CONST], NULL, at(T, cd.deflt),
		            "DEFAULT %s is not a constant: SQLite refuses to "
		            "add column '%s' once '%s' has rows ('Cannot add a "
		            "column with non-constant default')",
		            val, name, q->bare);
	}
	return (cd.flags & (COL_PK | COL_UNIQUE)) != 0;
}

/* Returns 1 when SQLite refuses the drop. */
static int check_drop_column(struct lint *L, const struct sqlite_model *M,
                             const struct toks *T, const struct qname *q,
                             size_t c)
{
	struct drop_check dc;
	char col[SQ_NAME], cr[SQ_NAME], on[3 * SQ_NAME];

	sqt_tok_name(T, c, col, sizeof(col));
	text_of(T, c, c + 1, cr, sizeof(cr));
	sqm_check_drop(M, q->bare, col, &dc);
	if (*dc.why) {
		if (dc.block && dc.block->kind == OBJ_INDEX) {
			lint_help(L,
			          "DROP INDEX %s;\nALTER TABLE %s DROP "
			          "COLUMN %s;",
			          sqlname(on, sizeof(on), "%s", dc.block->name),
			          q->raw, cr);
		} else if (dc.block) {
			int view = dc.block->kind == OBJ_VIEW;
			lint_help(L,
			          "DROP %s %s;\nALTER TABLE %s DROP COLUMN "
			          "%s;\n-- then CREATE %s %s again, without "
			          "'%s'",
			          view ? "VIEW" : "TRIGGER",
			          sqlname(on, sizeof(on), "%s", dc.block->name),
			          q->raw, cr, view ? "VIEW" : "TRIGGER", on,
			          col);
		} else {
			struct rebuild rb = {col, NULL, 1, NULL, NULL};
			rebuild_help(L, M, q, &rb);
		}
		lint_report(L, &rules[R_DROP_BLOCKED], NULL, at(T, c),
		            "SQLite refuses to drop column '%s' of '%s': %s",
		            col, q->bare, dc.why);
		return 1;
	}
	if (dc.breaks) {
		lint_help(L,
		          "DROP TRIGGER %s;\nALTER TABLE %s DROP COLUMN %s;"
		          "\n-- then CREATE TRIGGER %s again, without '%s'",
		          sqlname(on, sizeof(on), "%s", dc.breaks->name),
		          q->raw, cr, on, col);
		lint_report(
		    L, &rules[R_DROP_BREAKS], NULL, at(T, c),
		    "the body of trigger '%s' uses '%s.%s': the DROP "
		    "COLUMN succeeds and the trigger fails each time it "
		    "fires from then on",
		    dc.breaks->name, q->bare, col);
	}
	if (sqt_created_here(L, q->full))
		return 0;
	lint_help(L,
	          "-- once no deployed code reads or writes '%s', keep "
	          "its data before dropping it:\n"
	          "CREATE TABLE %s AS SELECT rowid AS row_id, %s FROM "
	          "%s;\n"
	          "ALTER TABLE %s DROP COLUMN %s;",
	          col, sqlname(on, sizeof(on), "%s_%s_backup", q->bare, col),
	          cr, q->raw, q->raw, cr);
	lint_report(L, &rules[R_DROP_COLUMN], q->full, at(T, c),
	            "dropping column '%s' deletes its data and rewrites every "
	            "row of '%s' while the database write lock is held",
	            col, q->bare);
	return 0;
}

static void check_rename(struct lint *L, struct sqlite_model *M,
                         const struct toks *T, const struct qname *q, size_t k)
{
	struct qname nq;
	char old[SQ_NAME], neu[SQ_NAME], type[160] = "", or [SQ_NAME],
	                                 nr[SQ_NAME], tn[3 * SQ_NAME];
	size_t c;

	if (sqt_is_word(T, k + 1, "TO")) {
		sqt_read_qname(T, k + 2, &nq);
		if (!sqt_created_here(L, q->full)) {
			lint_help(L,
			          "-- keep the old name readable until every "
			          "deployed reader uses the new one:\n"
			          "ALTER TABLE %s RENAME TO %s;\n"
			          "CREATE VIEW %s AS SELECT * FROM %s;",
			          q->raw, nq.braw, q->braw, nq.braw);
			lint_report(
			    L, &rules[R_RENAME_TABLE], NULL, at(T, k),
			    "renaming '%s' to '%s' breaks every deployed "
			    "query that still uses '%s'",
			    q->bare, nq.bare, q->bare);
		}
		sqm_rename_table(M, q->bare, nq.braw, nq.bare);
		return;
	}
	c = k + 1 + sqt_is_word(T, k + 1, "COLUMN");
	sqt_tok_name(T, c, old, sizeof(old));
	sqt_tok_name(T, c + 2, neu, sizeof(neu));
	text_of(T, c, c + 1, or, sizeof(or));
	text_of(T, c + 2, c + 3, nr, sizeof(nr));
	if (!sqt_created_here(L, q->full)) {
		const struct sq_col *col =
		    sqm_find_col(sqm_find_table(M, q->bare), old);
		if (col) {
			struct toks R = {0};
			struct coldef cd;
			if (sqt_tokenize(&R, col->rest, strlen(col->rest), 0) ==
			    0) {
				sqt_parse_coldef(&R, 0, R.n, 0, &cd);
				text_of(&R, cd.type_from, cd.type_to, type,
				        sizeof(type));
			}
			sqt_toks_dispose(&R);
		}
		lint_help(L,
		          "-- expand: a new column kept in step with the "
		          "old one\n"
		          "ALTER TABLE %s ADD COLUMN %s%s%s;\n"
		          "UPDATE %s SET %s = %s;\n"
		          "CREATE TRIGGER %s AFTER UPDATE OF %s ON %s\n"
		          "BEGIN UPDATE %s SET %s = NEW.%s WHERE rowid = "
		          "NEW.rowid; END;\n"
		          "-- contract, in a later migration once the "
		          "application uses %s:\n"
		          "-- DROP TRIGGER %s; ALTER TABLE %s DROP "
		          "COLUMN %s;",
		          q->raw, nr, *type ? " " : "", type, q->raw, nr, or,
		          sqlname(tn, sizeof(tn), "%s_%s_sync", q->bare, neu),
		          or, q->raw, q->raw, nr, or, neu, tn, q->raw, or);
		lint_report(L, &rules[R_RENAME_COLUMN], NULL, at(T, c),
		            "renaming column '%s' of '%s' to '%s' breaks every "
		            "deployed query that still uses '%s'",
		            old, q->bare, neu, old);
	}
	sqm_rename_column(M, q->bare, old, nr, neu);
}

/* The first comma outside parentheses from k, or NONE. */
static size_t top_comma(const struct toks *T, size_t k)
{
	for (; k < T->n; k++)
		if (T->v[k].depth == 0 && sqt_is_punct(T, k, ','))
			return k;
	return NONE;
}

static void check_alter(struct lint *L, struct sqlite_model *M,
                        const struct toks *T)
{
	struct qname q;
	size_t k, comma, n;

	if (!sqt_is_word(T, 1, "TABLE") ||
	    (k = sqt_read_qname(T, 2, &q)) == NONE || k >= T->n)
		return;
	if (action_kind(T, k) != ACT_OK) {
		if (action_kind(T, k) == ACT_FOREIGN)
			report_unsupported(L, M, T, &q, k);
		return;
	}
	if ((comma = top_comma(T, k)) != NONE) {
		/* SQLite takes one change per ALTER TABLE */
		strata_buf b;
		size_t a = k, bad = NONE;
		int broken = 0;
		strata_buf_init(&b);
		for (size_t e = comma;; e = top_comma(T, a)) {
			char piece[400];
			int kind = action_kind(T, a);
			if (kind == ACT_FOREIGN && bad == NONE)
				bad = a;
			broken |= kind == ACT_BROKEN;
			strata_buf_printf(&b, "%sALTER TABLE %s %s;",
			                  b.len ? "\n" : "", q.raw,
			                  text_of(T, a, e == NONE ? T->n : e,
			                          piece, sizeof(piece)));
			if (e == NONE)
				break;
			a = e + 1;
		}
		if (bad != NONE) {
			report_unsupported(L, M, T, &q, bad);
		} else if (!broken) {
			lint_help(L, "%s", b.ptr);
			lint_report(L, &rules[R_UNSUPPORTED], NULL,
			            at(T, comma),
			            "SQLite makes one change per ALTER TABLE: "
			            "this one is a syntax error; split it");
		}
		strata_buf_dispose(&b);
		return;
	}
	n = k + 1 + sqt_is_word(T, k + 1, "COLUMN");
	if (sqt_is_word(T, k, "RENAME")) {
		check_dangling(L, M);
		check_rename(L, M, T, &q, k);
	} else if (sqt_is_word(T, k, "ADD")) {
		if (!check_add_column(L, T, &q, n, T->n))
			sqm_model_add_column(M, q.bare, T, n, T->n);
	} else if (sqt_is_word(T, k, "DROP")) {
		char col[SQ_NAME];
		check_dangling(L, M);
		sqt_tok_name(T, n, col, sizeof(col));
		if (!check_drop_column(L, M, T, &q, n))
			sqm_model_drop_column(M, q.bare, col);
	}
}

static void check_pragma(struct lint *L, const struct toks *T)
{
	size_t k = sqt_is_punct(T, 2, '.') ? 3 : 1;
	char value[32];

	if (!sqt_is_word(T, k, "foreign_keys") ||
	    !(sqt_is_punct(T, k + 1, '=') || sqt_is_punct(T, k + 1, '(')))
		return;
	if (!L->in_tx && L->tx_depth == 0)
		return;
	text_of(T, k + 2, k + 3, value, sizeof(value));
	if (L->in_tx)
		lint_help(L,
		          "-- strata:no-transaction\n"
		          "PRAGMA foreign_keys = %s;\n"
		          "BEGIN;\n"
		          "-- the migration's statements\n"
		          "PRAGMA foreign_key_check;\n"
		          "COMMIT;\n"
		          "PRAGMA foreign_keys = ON;",
		          value);
	else
		lint_help(L,
		          "PRAGMA foreign_keys = %s;  -- before BEGIN\n"
		          "BEGIN;\n"
		          "-- the statements\n"
		          "PRAGMA foreign_key_check;\n"
		          "COMMIT;\n"
		          "PRAGMA foreign_keys = ON;",
		          value);
	lint_report(L, &rules[R_FK_PRAGMA], NULL, LINT_AT_STMT,
	            "PRAGMA foreign_keys is silently ignored inside a "
	            "transaction%s: foreign keys stay as they were",
	            L->in_tx ? ", and strata runs this migration in one"
	                     : " (after BEGIN)");
}

static void check_dml(struct lint *L, const struct toks *T, size_t verb)
{
	struct qname q;
	size_t k = dml_table(T, verb, &q);
	int del = sqt_is_word(T, verb, "DELETE");

	if (k == NONE || dml_where(T, k) != NONE || sqt_created_here(L, q.full))
		return;
	if (del) {
		lint_help(L,
		          "DELETE FROM %s WHERE ...;  -- the rows to remove\n"
		          "-- emptying it is intended? say so:\n"
		          "-- strata:ignore sqlite-delete-without-where "
		          "the table is reloaded below",
		          q.raw);
		lint_report(L, &rules[R_DELETE_ALL], q.full, at(T, verb),
		            "DELETE without WHERE removes every row of '%s'",
		            q.bare);
	} else {
		/* the statement's own SET clause, batched by rowid */
		static const char *const tail[] = {"RETURNING", "ORDER",
		                                   "LIMIT", NULL};
		size_t set = sqt_find_word(T, k, T->n, 0, "SET"), end = T->n;
		char sets[400];
		for (const char *const *w = tail; *w && set != NONE; w++) {
			size_t e = sqt_find_word(T, set, T->n, 0, *w);
			if (e != NONE && e < end)
				end = e;
		}
		text_of(T, set == NONE ? T->n : set, end, sets, sizeof(sets));
		if (!*sets)
			snprintf(sets, sizeof(sets), "SET ...");
		lint_help(L,
		          "-- strata:no-transaction, then in batches, each "
		          "a short write lock:\n"
		          "UPDATE %s %s WHERE rowid BETWEEN 1 AND 10000;\n"
		          "UPDATE %s %s WHERE rowid BETWEEN 10001 AND 20000;",
		          q.raw, sets, q.raw, sets);
		lint_report(L, &rules[R_UPDATE_ALL], q.full, at(T, verb),
		            "UPDATE without WHERE rewrites every row of '%s' "
		            "while the database write lock is held",
		            q.bare);
	}
}

/* What CREATE and DROP leave in the model. */
static void track_schema(struct sqlite_model *M, const struct toks *T)
{
	struct qname q, tab;
	size_t i = 1, k;
	char *sql;

	if (sqt_is_word(T, 0, "DROP")) {
		if (sqt_read_qname(T, sqt_skip_if_exists(T, 2), &q) == NONE)
			return;
		if (sqt_is_word(T, 1, "TABLE"))
			sqm_drop_table(M, q.bare);
		else if (sqt_is_word(T, 1, "INDEX"))
			sqm_drop_obj(M, OBJ_INDEX, q.bare);
		else if (sqt_is_word(T, 1, "VIEW"))
			sqm_drop_obj(M, OBJ_VIEW, q.bare);
		else if (sqt_is_word(T, 1, "TRIGGER"))
			sqm_drop_obj(M, OBJ_TRIGGER, q.bare);
		return;
	}
	if (sqt_is_word(T, i, "TEMP") || sqt_is_word(T, i, "TEMPORARY"))
		i++;
	if (sqt_is_word(T, i, "UNIQUE"))
		i++;
	if (sqt_is_word(T, i, "VIRTUAL") && sqt_is_word(T, i + 1, "TABLE")) {
		struct sq_table t;
		if (sqt_read_qname(T, sqt_skip_if_exists(T, i + 2), &q) == NONE)
			return;
		memset(&t, 0, sizeof(t));
		if ((t.name = strdup(q.bare)))
			sqm_add_table(M, &t);
		return;
	}
	if (sqt_is_word(T, i, "TABLE")) {
		size_t s = sqt_skip_if_exists(T, i + 1);
		if ((k = sqt_read_qname(T, s, &q)) != NONE)
			sqm_model_create_table(M, T, k, &q, s != i + 1);
		return;
	}
	k = sqt_read_qname(T, sqt_skip_if_exists(T, i + 1), &q);
	/* to the last token: a trailing comment would swallow the ';' of
	 * the rebuild help that repeats it */
	if (k == NONE || !(sql = sqt_span_dup(T, 0, T->n - 1)))
		return;
	if (sqt_is_word(T, i, "INDEX")) {
		if (sqt_is_word(T, k, "ON") &&
		    sqt_read_qname(T, k + 1, &tab) != NONE)
			sqm_add_obj(M, OBJ_INDEX, q.bare, tab.bare, sql);
	} else if (sqt_is_word(T, i, "VIEW")) {
		sqm_add_obj(M, OBJ_VIEW, q.bare, NULL, sql);
	} else if (sqt_is_word(T, i, "TRIGGER")) {
		size_t on = sqt_find_word(T, k, T->n, 0, "ON");
		if (on != NONE && sqt_read_qname(T, on + 1, &tab) != NONE)
			sqm_add_obj(M, OBJ_TRIGGER, q.bare, tab.bare, sql);
	}
	free(sql);
}

static void sqlite_statement(struct lint *L, const struct lint_stmt *st)
{
	struct sq_state *S = lint_state(L, &strata_lint_sqlite);
	const struct toks *T = stmt_toks(L, st);
	struct sqlite_model *M;
	size_t verb = 0;

	if (!T || T->n == 0)
		return;
	M = sqt_is_word(T, 0, "ALTER") || sqt_is_word(T, 0, "CREATE") ||
	            sqt_is_word(T, 0, "DROP")
	        ? mut_model(L)
	        : cur_model(L);
	if (!M)
		return;
	if (sqt_is_word(T, 0, "WITH") && (verb = main_verb(T)) == NONE)
		return;
	if (sqt_is_word(T, verb, "ALTER")) {
		struct qname q, to;
		char key[SQ_NAME];
		size_t k = sqt_read_qname(T, 2, &q);
		/* rows copied into new_t are in t after the rename */
		if (S && k != NONE && sqt_is_word(T, k, "RENAME") &&
		    sqt_is_word(T, k + 1, "TO") &&
		    sqt_read_qname(T, k + 2, &to) != NONE) {
			sqt_lower_into(key, sizeof(key), q.bare);
			if (strata_name_set_has(&S->filled, key)) {
				sqt_lower_into(key, sizeof(key), to.bare);
				strata_name_set_add(&S->filled, key);
			}
		}
		check_alter(L, M, T);
	} else if (sqt_is_word(T, verb, "CREATE") ||
	           sqt_is_word(T, verb, "DROP")) {
		track_schema(M, T);
	} else if (sqt_is_word(T, verb, "PRAGMA")) {
		check_pragma(L, T);
	} else if (sqt_is_word(T, verb, "UPDATE") ||
	           sqt_is_word(T, verb, "DELETE")) {
		check_dml(L, T, verb);
	} else if (sqt_is_word(T, verb, "INSERT") ||
	           sqt_is_word(T, verb, "REPLACE")) {
		struct qname q;
		char key[SQ_NAME];
		if (S && dml_table(T, verb, &q) != NONE) {
			sqt_lower_into(key, sizeof(key), q.bare);
			strata_name_set_add(&S->filled, key);
		}
	}
}

const struct lint_family strata_lint_sqlite = {
    .name = "sqlite",
    .dialect = STRATA_DIALECT_SQLITE,
    .rules = rules,
    .nrules = sizeof(rules) / sizeof(*rules),
    .statement = sqlite_statement,
    .state_new = state_new,
    .state_free = state_free,
};
