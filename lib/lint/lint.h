/*
 * The linter's insides, shared by the files of lib/lint/.
 *
 * A lint run walks sections (the up or the down part of one migration).
 * Each section is parsed once; for every statement the dialect's analysis
 * fills `struct lint_stmt` (tables touched, lock, rewrite or scan, risk),
 * then every rule family looks at it, and at the end of the section each
 * family may look at what it collected.  Rules report through lint_report(),
 * which applies the configured severity, the `-- strata:ignore` comments and
 * the live table sizes, and hands the finding to the caller.
 *
 * Adding a rule: add it to a family's rule table (rules_*.c) and report it
 * from that family's statement or section_end function; document it in
 * docs/lint-rules.md; add a fixture pair in tests/fixtures/lint/.
 */
#ifndef STRATA_LINT_H
#define STRATA_LINT_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stddef.h>

#include "session.h"
#include "split.h"
#include "strata.h"

/* ---- rules ---- */

#define LINT_RULE_UP_ONLY  (1u << 0) /* not reported in down sections */
#define LINT_RULE_OPT_IN   (1u << 1) /* off unless configured on */
#define LINT_RULE_SUPABASE (1u << 2) /* on with the supabase profile */
#define LINT_RULE_LOOSE    (1u << 3) /* an OPT_IN rule that is on for plain
                                        SQL files (another tool runs them) */
#define LINT_RULE_DATA_LOSS (1u << 4) /* deletes data: before a run, up asks
                                         (or --allow-destructive) instead of
                                         refusing, so at most a warning */

struct lint_rule {
	const char *name; /* kebab-case, unique over all families */
	strata_severity severity; /* default */
	unsigned flags;           /* LINT_RULE_* */
	const char *summary;      /* one line, for `lint --list-rules` */
};

struct lint;
struct lint_stmt;

/* A group of rules with the code that checks them. */
struct lint_family {
	const char *name;
	strata_dialect dialect; /* AUTO: both */
	const struct lint_rule *rules;
	size_t nrules;
	/* Called for every statement of a section; may be NULL. */
	void (*statement)(struct lint *L, const struct lint_stmt *st);
	/* Called after a section's last statement; may be NULL. */
	void (*section_end)(struct lint *L);
	/* Per-section state: created before the first statement, freed after
	 * section_end.  May be NULL. */
	void *(*state_new)(void);
	void (*state_free)(void *state);
};

/* Every family, NULL-terminated (rules.c). */
extern const struct lint_family *const strata_lint_families[];

/* Global index of a rule (position over all families), or -1. */
int strata_lint_rule_index(const struct lint_rule *r);
int strata_lint_rule_find(const char *name);
const struct lint_rule *strata_lint_rule_at(int index);
int strata_lint_rule_total(void);

/* ---- string sets and maps (names.c); keys compare as bytes ---- */

struct name_set {
	char **slots; /* owned; open addressing */
	size_t cap, count;
};

/* 1 if added, 0 if it was there, STRATA_ENOMEM. */
int strata_name_set_add(struct name_set *set, const char *name);
int strata_name_set_has(const struct name_set *set, const char *name);
void strata_name_set_dispose(struct name_set *set);

struct name_map {
	char **keys, **vals; /* owned */
	size_t cap, count;
};

/* Sets key to a copy of val (replacing).  0 or STRATA_ENOMEM. */
int strata_name_map_put(struct name_map *m, const char *key, const char *val);
const char *strata_name_map_get(const struct name_map *m, const char *key);
void strata_name_map_dispose(struct name_map *m);

/* ---- statements ---- */

/* A table a statement touches, as the analysis sees it. */
struct lint_touch {
	char *name; /* owned: "schema.table" or "table", as written */
	strata_lock_mode lock;
	unsigned effects; /* STRATA_TOUCH_* */
	int created;      /* this statement creates it */
};

struct lint_stmt {
	const PgQuery__Node *node; /* PostgreSQL: the parse tree; else NULL */
	size_t offset, len; /* the statement in L->text, from its first token,
	                       without the final ';' */
	int index;          /* 1-based within the section */
	const char *kind;   /* "ALTER TABLE", ... (static) */
	struct lint_touch *touches; /* owned by the walker */
	size_t ntouches;
	strata_risk risk;
	char why[160]; /* why that risk, one line */
	int no_tx;     /* cannot run inside a transaction block */
};

/* ---- the run ---- */

struct live;

struct lint {
	strata *s;
	const strata_lint_opts *o;
	strata_dialect dialect;
	int pg_version;
	strata_severity *sev; /* owned: effective severity by rule index */
	strata_lint_totals *totals;
	struct live *live; /* owned; NULL without live facts */

	/* the section being linted */
	const char *path, *text; /* text: the whole file */
	size_t start, end;
	const char *version; /* NULL for a loose file */
	strata_direction dir;
	int in_tx; /* strata wraps the section in a transaction */
	int loose; /* a plain SQL file: another tool will run it */
	int nstatements;   /* in this section so far */
	int syntax_failed; /* this section did not parse */
	const struct lint_stmt *cur; /* the statement being checked */

	/* suppressions: rule indexes, as bit arrays */
	unsigned char *ignore_file, *ignore_next; /* owned */

	/* state every family may read (lint.c keeps it up to date) */
	struct name_set created; /* tables created in this section */
	int keep_created;        /* ...or in an earlier section of the run */
	strata_buf *destructive; /* not owned: when set, up statements that
	                            delete data are listed here, a line each */
	int tx_depth;            /* explicit BEGIN nesting */
	int lock_timeout_set, statement_timeout_set;

	void **family_state; /* owned: one per family */
	struct pg_pool *pool; /* owned: parses the sections ahead */
	struct lint_section *sections; /* owned: the run's, in lint order */
	size_t nsections;
	struct model *model; /* owned: column types seen in up sections, across
	                        the run's migrations (pg_analyze.c) */
	struct sqlite_model *sqlite_model; /* owned: the schema the run's up
	                                      sections built (rules_sqlite.c) */
	char *help;          /* owned: pending help for the next report */
	struct strata_cursor where; /* for line numbers (see split.h) */
};

#define LINT_AT_STMT ((size_t)-1)

/*
 * Runs every family on `st` after reading the "-- strata:ignore" comments in
 * text[gap_from, st->offset).  The dialect walkers call it per statement.
 */
void lint_statement(struct lint *L, struct lint_stmt *st, size_t gap_from);

/* A file that does not parse: a syntax-error finding at `offset`. */
void lint_syntax_error(struct lint *L, size_t offset, const char *message);

/* Line and column of a byte of L->text, fast when asked in order. */
void lint_location(struct lint *L, size_t offset, int *line, int *column);

/* Frees L->model (pg_analyze.c). */
void strata_lint_model_dispose(struct lint *L);

/* The core family: files and directives (lint.c). */
extern const struct lint_family strata_lint_core;

/* The state of `family` for this section (as state_new made it). */
void *lint_state(struct lint *L, const struct lint_family *family);

/*
 * Sets the help (the safe rewrite, SQL) of the next lint_report().
 */
void lint_help(struct lint *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Reports `rule` at byte `offset` of L->text (LINT_AT_STMT: the current
 * statement's first token).  When `table` is given and live facts know it,
 * its size is added to the message, and an error on a small table is
 * lowered to a warning (the lock is brief when there is little to scan).
 */
void lint_report(struct lint *L, const struct lint_rule *rule,
                 const char *table, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Whether `rule` is on for this section (skip expensive checks if not). */
int lint_enabled(const struct lint *L, const struct lint_rule *rule);

/* Appends `name` as an identifier of dialect d: bare when the database
 * reads it back unchanged, else "quoted". */
void lint_put_ident(strata_buf *b, const char *name, strata_dialect d);
/* The same (PostgreSQL) into out; returns out. */
const char *lint_ident(const char *name, char *out, size_t n);

/* Adds `name` to the statement's touches, or raises its lock and adds
 * effects when it is there (nocase: SQLite's names).  NULL: no memory. */
struct lint_touch *lint_touch(struct lint_stmt *st, const char *name,
                              strata_lock_mode lock, unsigned effects,
                              int nocase);

/* The risk every dialect agrees on: a table new in this migration (low)
 * or data deleted (high).  1 with *out and `why` set, else 0. */
int lint_touch_risk_common(const struct lint_touch *t, char *why, size_t n,
                           strata_risk *out);

/* Whether `table` was created earlier in this section. */
int lint_created_here(const struct lint *L, const char *table);

/* ---- live facts (live.c) ---- */

struct live_table {
	int known;       /* the table exists in the database */
	long long rows;  /* estimate; -1 unknown */
	long long bytes; /* with indexes and TOAST */
};

/* Facts about `table` from the database; known = 0 without live facts. */
void lint_live_table(struct lint *L, const char *table,
                     struct live_table *out);
/* 1 volatile, 0 not, -1 unknown (no live facts, or no such function). */
int lint_live_function_volatile(struct lint *L, const char *name);
/* The column's type as format_type() says it, in the parser's names
 * ("varchar(20)", "int4"); "" unknown. */
void lint_live_column_type(struct lint *L, const char *table,
                           const char *column, char *out, size_t n);
/* 1 when an index on `table` starts with `column`, 0 not, -1 unknown. */
int lint_live_has_index(struct lint *L, const char *table,
                        const char *column);
/* Connects and reads the server version when STRATA_LINT_LIVE. */
int strata_lint_live_open(struct lint *L);
void strata_lint_live_free(struct live *live);
/* Whether a table under this size is "small" (its lock is brief). */
#define LINT_SMALL_BYTES (8ll * 1024 * 1024)

/* ---- PostgreSQL (pg_*.c) ---- */

/* A section to parse: text[start, end). */
struct lint_section {
	const char *text;
	size_t start, end;
};

/* Parses the run's sections ahead, in order, in chunks (pg_parse.c). */
struct pg_pool;

struct arena {
	struct arena_block *head; /* owned */
	size_t next;              /* size of the next block */
};

/* One chunk of a section, parsed. */
struct pg_chunk {
	size_t sect;      /* index into the run's sections */
	size_t base, end; /* its bytes in the section's text */
	int last;         /* the section's last chunk */
	int done;         /* parsed (or failed) */
	PgQuery__ParseResult *tree; /* in `arena`; NULL on failure */
	struct arena arena;
	char *error;     /* owned: the parser's message */
	size_t error_at; /* byte offset of the error in the text */
	int nomem;
};
int strata_pg_pool_new(struct pg_pool **out, const struct lint_section *sects,
                       size_t n);
int strata_pg_pool_next(struct pg_pool *p, struct pg_chunk *out);
void strata_pg_pool_free(struct pg_pool *p); /* NULL-safe */
void strata_pg_chunk_parse(struct pg_chunk *c, const char *text);
void strata_pg_chunk_dispose(struct pg_chunk *c);

/* Lints one section with libpg_query. */
int strata_lint_pg_section(struct lint *L);

/* Fills the analysis fields of st from st->node (pg_analyze.c). */
int strata_pg_analyze(struct lint *L, struct lint_stmt *st);
void strata_lint_stmt_dispose(struct lint_stmt *st);
/* What a statement changes in the schema model, once the families have
 * seen it (a type change: they need the old type). */
void strata_pg_model_after(struct lint *L, const struct lint_stmt *st);

/* "schema.name" or "name" for a RangeVar (caller frees). */
char *strata_pg_rangevar_name(const PgQuery__RangeVar *rv);
/* The last name of a qualified name list (String nodes), or "". */
const char *strata_pg_last_name(PgQuery__Node **names, size_t n);
/* Byte offset in L->text of a parse-tree location (libpg_query locations
 * are bytes into the parsed section); the statement's start when < 0. */
size_t lint_pg_offset(const struct lint *L, int32_t location);

/* The type as "varchar(20)", "int4", "text[]" (last name, typmods). */
void strata_pg_type_string(const PgQuery__TypeName *t, char *out, size_t n);

/* Whether an expression calls something volatile: 1 yes, 0 no, -1 a
 * function strata does not know (and live facts cannot tell). */
int strata_pg_expr_volatile(struct lint *L, const PgQuery__Node *expr);

/* The column's type as the earlier migrations (or the database) left it,
 * "" when unknown; table as written, column name. */
void strata_pg_column_type(struct lint *L, const char *table,
                           const char *column, char *out, size_t n);

/* Whether changing from type `from` to `to` needs no rewrite. */
int strata_pg_binary_coercible(const char *from, const char *to);

/* Whether a validated CHECK (column IS NOT NULL) is known on table. */
int strata_pg_notnull_checked(struct lint *L, const char *table,
                              const char *column);

/* ---- SQLite (sqlite_lint.c) ---- */

int strata_lint_sqlite_section(struct lint *L);

/* Fills kind, touches, risk of a SQLite statement from its tokens
 * (rules_sqlite.c). */
void strata_sqlite_analyze(struct lint *L, struct lint_stmt *st);
/* Frees a model from rules_sqlite.c (NULL-safe). */
void strata_sqlite_model_free(struct sqlite_model *m);

/* ---- for the engine ---- */

/* The tables a PostgreSQL statement touches, one per line, appended to
 * out (nothing when it does not parse): whose locks to look at when the
 * statement timed out waiting for one. */
int strata_pg_statement_tables(const char *sql, strata_buf *out);

/* What a PostgreSQL statement drops: a line "table\t" per DROP TABLE,
 * "table\tcolumn" per DROP COLUMN, appended to out. */
int strata_pg_statement_drops(const char *sql, strata_buf *out);

/* The same for a SQLite statement (sqlite_lint.c), from its tokens. */
int strata_sqlite_statement_drops(const char *sql, strata_buf *out);

/* Whether a PostgreSQL statement cannot run in a transaction block
 * (*no_tx), and, for CREATE INDEX CONCURRENTLY with a name, that name as
 * SQL appended to concurrent_index (may be NULL). */
int strata_pg_statement_info(const char *sql, int *no_tx,
                             strata_buf *concurrent_index);

/* Lints the up sections of migs, in order, as the run will apply them;
 * findings go to the session's event callback. */
int strata_lint_preflight(strata *s, const struct migration_file *const *migs,
                          size_t n, strata_lint_totals *totals,
                          strata_buf *destructive);

#endif
