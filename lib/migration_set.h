/* Migration files: naming rules and parsing (migration_set.c). */
#ifndef STRATA_MIGRATION_SET_H
#define STRATA_MIGRATION_SET_H

#include "session.h"

/* Whether `name` is a valid migration name: [a-z0-9_]+. */
int strata_migration_name_valid(const char *name);

/*
 * Parses "<digits>_<name>[.up|.down|.verify].sql".  On success fills
 * *version and *name (caller frees) and *kind (0 single file, 1 up, 2
 * down, 3 verify script); returns -1 when the name does not parse.
 */
int strata_migration_file_parse(const char *file, char **version, char **name,
                                int *kind);

/*
 * Loads one file given by path, for lint: a migration by its name (an
 * NAME.up.sql finds its NAME.down.sql; a NAME.down.sql alone is a down
 * section), a file with '-- strata:up' as a single-file migration, or any
 * other SQL file as an up section (flag STRATA_MIG_LOOSE).  m->version is
 * NULL when the name is not a migration's.  Dispose m even on failure.
 */
#define STRATA_MIG_LOOSE     (1u << 16) /* not a migration: no down expected */
#define STRATA_MIG_DOWN_ONLY (1u << 17) /* a NAME.down.sql given alone */
#define STRATA_MIG_VERIFY_ONLY (1u << 18) /* a NAME.verify.sql given alone:
                                             no section to lint */
int strata_migration_file_load(struct migration_file *m, const char *path,
                               strata_hasher *hasher, strata_error *err);

void strata_migration_file_dispose(struct migration_file *m);

/* Reads a whole file (caller frees *out); removes a UTF-8 byte order mark
 * and refuses a NUL byte. */
int strata_read_text(const char *path, char **out, size_t *out_len,
                     strata_error *err);

/* ---- migration_formats.c: the other tools' formats ---- */

/* The format of the files in `dir` (STRATA_FORMAT_*): by their names and
 * their marker lines; files of two formats are refused. */
int strata_format_detect(const char *dir, int *out, strata_error *err);

/* Loads s->dir in the format s->format_used (not strata's own) into
 * s->migs, sorted by version.  On failure the caller clears s->migs. */
int strata_formats_load(strata *s);

/* Splits a section of m that has blocks kept whole (goose's
 * StatementBegin/StatementEnd): the dialect's splitter between them. */
int strata_split_blocks(strata *s, const struct migration_file *m,
                        struct section sec, struct strata_stmt_list *out);

/* ---- migration_sections.c: sections and directives ---- */

/* What a section's directives say. */
struct section_opts {
	int no_tx;
	int lock_timeout_ms, statement_timeout_ms; /* -1: not given */
};

/*
 * Checks the directives of text[start, end) (one section of `path`) and
 * fills *o.  A section marker there is refused: the caller has consumed
 * the ones allowed.  In a verify script (`verify`), no-transaction and
 * batch are refused too.
 */
int strata_section_directives(const char *path, const char *text,
                              size_t start, size_t end, int verify,
                              struct section_opts *o, strata_error *err);

/* Splits a single file (m->up_text, len bytes) into its sections at the
 * marker lines: fills m's section bounds (and down_path, verify_path).  A
 * verify section is refused when m->verify_path is already set (a verify
 * file too). */
int strata_sections_find(struct migration_file *m, size_t len,
                         strata_error *err);

/* Whether the text has a "-- strata:up" line. */
int strata_has_up_marker(const char *t, size_t len);

/* In t[0, end): where the first '-- strata:' line other than
 * no-transaction, ignore and ignore-file starts, or (size_t)-1. */
size_t strata_head_other_directive(const char *t, size_t end);
void strata_session_migrations_clear(strata *s);

#endif
