/*
 * The SQLite statement reader shared by rules_sqlite.c: a tokenizer that
 * knows SQLite's quoting (names bare, "quoted", `quoted`, [quoted]; strings,
 * blobs, numbers; comments skipped), and readers for names and column
 * definitions on top of it.  Each function is described where it is
 * defined (sqlite_tokens.c).  Hidden from the shared library.
 */
#ifndef STRATA_SQLITE_TOKENS_H
#define STRATA_SQLITE_TOKENS_H

#include <stddef.h>

#include "lint.h"

#ifndef STRATA_LINT_HIDDEN
#define STRATA_LINT_HIDDEN __attribute__((visibility("hidden")))
#endif

#define NONE    ((size_t)-1)
#define SQ_NAME 128

enum tok_type {
	T_WORD,   /* a bare word: keyword or name */
	T_QUOTED, /* "name", `name`, [name] */
	T_STRING, /* 'text' */
	T_NUMBER,
	T_BLOB,  /* x'00' */
	T_PARAM, /* ?1, :name, @name, $name */
	T_PUNCT, /* one character */
};

struct tok {
	size_t off, len; /* in the text tokenized */
	enum tok_type type;
	int depth; /* parentheses around it; a '(' and its ')' are outside */
};

struct toks {
	const char *s; /* the text (not owned) */
	size_t base;   /* s's offset in L->text */
	struct tok *v; /* owned */
	size_t n, cap;
};

struct qname {
	char bare[SQ_NAME];     /* the last part, unquoted */
	char full[2 * SQ_NAME]; /* "schema.name", unquoted */
	char raw[2 * SQ_NAME];  /* as written */
	char braw[SQ_NAME];     /* the last part as written */
	size_t at;              /* its first token */
};

#define COL_PK        (1u << 0)
#define COL_UNIQUE    (1u << 1)
#define COL_NOTNULL   (1u << 2)
#define COL_GENERATED (1u << 3)
#define COL_STORED    (1u << 4)
#define COL_CHECK     (1u << 5)
#define COL_DEFAULT   (1u << 6)

struct coldef {
	unsigned flags;
	size_t notnull, pk, unique, stored, deflt; /* token indexes or NONE */
	size_t type_from, type_to; /* the declared type, [from, to) */
};

int sqt_tokenize(struct toks *T, const char *s, size_t len,
                 size_t base) STRATA_LINT_HIDDEN;
void sqt_toks_dispose(struct toks *T) STRATA_LINT_HIDDEN;
int sqt_is_word(const struct toks *T, size_t i,
                const char *kw) STRATA_LINT_HIDDEN;
int sqt_is_punct(const struct toks *T, size_t i, char c) STRATA_LINT_HIDDEN;
int sqt_is_name(const struct toks *T, size_t i) STRATA_LINT_HIDDEN;
void sqt_tok_name(const struct toks *T, size_t i, char *out,
                  size_t n) STRATA_LINT_HIDDEN;
int sqt_names(const struct toks *T, size_t i,
              const char *name) STRATA_LINT_HIDDEN;
size_t sqt_close_of(const struct toks *T, size_t i) STRATA_LINT_HIDDEN;
char *sqt_span_dup(const struct toks *T, size_t a, size_t b) STRATA_LINT_HIDDEN;
size_t sqt_find_word(const struct toks *T, size_t from, size_t to, int d,
                     const char *kw) STRATA_LINT_HIDDEN;
size_t sqt_mentions(const struct toks *T, size_t from, size_t to,
                    const char *name) STRATA_LINT_HIDDEN;
size_t sqt_mentions_row(const struct toks *T, size_t from, size_t to,
                        const char *name) STRATA_LINT_HIDDEN;
size_t sqt_read_qname(const struct toks *T, size_t i,
                      struct qname *q) STRATA_LINT_HIDDEN;
size_t sqt_skip_if_exists(const struct toks *T, size_t i) STRATA_LINT_HIDDEN;
const char *sqt_bare_of(const char *name) STRATA_LINT_HIDDEN;
void sqt_lower_into(char *out, size_t n, const char *s) STRATA_LINT_HIDDEN;
int sqt_created_here(const struct lint *L, const char *name) STRATA_LINT_HIDDEN;
void sqt_parse_coldef(const struct toks *T, size_t a, size_t b, int d,
                      struct coldef *cd) STRATA_LINT_HIDDEN;
int sqt_default_kind(const struct toks *T, size_t i,
                     size_t end) STRATA_LINT_HIDDEN;
size_t sqt_default_end(const struct toks *T, size_t i,
                       size_t b) STRATA_LINT_HIDDEN;

/* what sqt_default_kind() says of a DEFAULT */
enum { DEF_NULL, DEF_CONST, DEF_NONCONST };

#endif
