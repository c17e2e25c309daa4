/*
 * Statement splitting with exact locations, one splitter per dialect.
 *
 * Input is a section of a migration file: `text` is the whole file (BOM
 * already removed, NUL-terminated), [start, end) the section's bytes.  Output
 * statements carry absolute byte offsets into `text` and 1-based line/column
 * (columns count UTF-8 characters), so messages point into the file.
 */
#ifndef STRATA_SPLIT_H
#define STRATA_SPLIT_H

#include <stddef.h>

#include "strata.h"

typedef struct strata_stmt {
	char *sql;     /* owned: the statement, NUL-terminated, no final ';' */
	size_t offset; /* byte offset of its first token in `text` */
	int line, column; /* of that first token */
} strata_stmt;

typedef struct strata_stmt_list {
	strata_stmt *items; /* owned */
	size_t count;
} strata_stmt_list;

/* Frees every statement and leaves the list empty.  (location.c) */
void strata_stmt_list_dispose(strata_stmt_list *l);

/*
 * PostgreSQL, with libpg_query's parser.  Leading comments are not part of a
 * statement; a section with only comments yields count 0.  Syntax errors
 * return STRATA_ESYNTAX with err->file (= path), line, column, source_line;
 * psql meta-commands (\i, \set ...) and COPY ... FROM stdin get their own
 * message naming the line; a psql variable (:name) gets err->hint.
 *
 * `out` need not be initialised; on failure it is left empty.  The caller
 * disposes it with strata_stmt_list_dispose().
 */
int strata_split_pg(strata_stmt_list *out, const char *text, size_t start,
                    size_t end, const char *path, strata_error *err);

/*
 * SQLite, with sqlite3_complete() (CREATE TRIGGER ... BEGIN ... END;).
 * Syntax errors surface when the statements run, not here; the only failures
 * are STRATA_ENOMEM and a NUL byte in the section (STRATA_ESYNTAX).  `out`
 * as for strata_split_pg().
 */
int strata_split_sqlite(strata_stmt_list *out, const char *text, size_t start,
                        size_t end, const char *path, strata_error *err);

/*
 * MySQL and MariaDB, the way the mysql client splits a script: ';' outside
 * '...', "..." (backslash escapes) and `...`, '#' and '-- ' comments (a
 * '--' needs a space or control character after it) and C-style comments.
 * Executable comments (a C-style comment whose text starts with '!' or
 * 'M!') stay part of their statement, even alone.  'DELIMITER xx' at the
 * start of a statement changes the delimiter for what follows (for CREATE PROCEDURE / TRIGGER bodies); the
 * directive is the client's, so it is not a statement.  An unterminated
 * string, quoted name or comment, or a DELIMITER without a delimiter, is
 * STRATA_ESYNTAX with its location, before anything runs: MySQL runs a
 * migration statement by statement, so a late error would leave it half
 * applied.  `out` as for strata_split_pg().
 */
int strata_split_mysql(strata_stmt_list *out, const char *text, size_t start,
                       size_t end, const char *path, strata_error *err);

/*
 * SQLite syntax check (sqlite_check.c): prepares each statement against an
 * empty in-memory database, reporting syntax errors as STRATA_ESYNTAX with
 * their location.  *cache holds that database between calls (start with
 * NULL; free with strata_sqlite_checker_free).
 */
typedef struct strata_sqlite_checker strata_sqlite_checker;
int strata_sqlite_check(strata_sqlite_checker **cache,
                        const strata_stmt_list *l, const char *text,
                        const char *path, strata_error *err);
void strata_sqlite_checker_free(strata_sqlite_checker *c);

/* ---- locations (location.c) ---- */

/*
 * A NUL-terminated copy of text[start, end) for a splitter (caller frees).
 * A NUL byte inside would silently cut the SQL short: STRATA_ESYNTAX.
 */
int strata_section_copy(char **out, const char *text, size_t start, size_t end,
                        const char *path, strata_error *err);

/* 1-based line and character column of byte `offset` in `text`. */
void strata_location(const char *text, size_t offset, int *line, int *column);

/*
 * The same, going on from where the cursor was last asked, so asking in
 * ascending order through a big file costs one pass, not one per call.
 * Start with a zeroed cursor.
 */
struct strata_cursor {
	const char *text;
	size_t offset;
	int line, column;
};
void strata_location_cursor(struct strata_cursor *c, const char *text,
                            size_t offset, int *line, int *column);

/*
 * Byte offset of the `chars`-th character (0-based) after `from`: advances
 * `chars` characters, stopping at the terminating NUL.
 */
size_t strata_utf8_advance(const char *text, size_t from, long chars);

/*
 * Fills err with code, file, line, column and source_line for byte `offset`
 * of `text`, and the message.  Returns `code`.
 */
int strata_error_at(strata_error *err, int code, const char *path,
                    const char *text, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* ---- shared by the splitters (location.c) ---- */

/*
 * Offset of the first byte in [from, end) that is not whitespace or part of
 * a '--' or block comment (nested when `nested_comments`, as in PostgreSQL),
 * or `end` when there is none.
 */
size_t strata_sql_skip_blank(const char *text, size_t from, size_t end,
                             int nested_comments);

/*
 * Appends text[from, to) as a statement, without its leading whitespace and
 * comments and its trailing whitespace; appends nothing when that leaves
 * nothing.  Line and column are counted from the previous statement when it
 * lies before `from`.  Returns 0 or STRATA_ENOMEM.
 */
int strata_stmt_list_push(strata_stmt_list *l, const char *text, size_t from,
                          size_t to, int nested_comments);

/*
 * The same without skipping anything at the start: `from` is already the
 * statement's first token (MySQL's executable comments, which the skipping
 * would take for plain ones).  Trailing whitespace is still cut.
 */
int strata_stmt_list_add(strata_stmt_list *l, const char *text, size_t from,
                         size_t to);

#endif
