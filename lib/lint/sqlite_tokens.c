/*
 * SQLite statements as tokens, and the names and column definitions read
 * from them (see sqlite_tokens.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_tokens.h"

/* ---- tokens ---- */

static int ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int push(struct toks *T, size_t off, size_t len, enum tok_type type,
                int depth)
{
	if (T->n == T->cap) {
		size_t cap = T->cap ? 2 * T->cap : 64;
		struct tok *v = realloc(T->v, cap * sizeof(*v));
		if (!v)
			return STRATA_ENOMEM;
		T->v = v;
		T->cap = cap;
	}
	T->v[T->n].off = off;
	T->v[T->n].len = len;
	T->v[T->n].type = type;
	T->v[T->n].depth = depth;
	T->n++;
	return 0;
}

/* The end of a quoted token opening at p (a doubled quote stays inside). */
static size_t quoted_end(const char *s, size_t len, size_t p, char q)
{
	for (p++; p < len; p++) {
		if (s[p] != q)
			continue;
		if (p + 1 < len && s[p + 1] == q)
			p++;
		else
			return p + 1;
	}
	return len;
}

static size_t number_end(const char *s, size_t len, size_t p)
{
	if (s[p] == '0' && p + 1 < len &&
	    (s[p + 1] == 'x' || s[p + 1] == 'X')) {
		p += 2;
		while (p < len && isxdigit((unsigned char)s[p]))
			p++;
		return p;
	}
	while (p < len && (isdigit((unsigned char)s[p]) || s[p] == '_'))
		p++;
	if (p < len && s[p] == '.')
		for (p++; p < len && isdigit((unsigned char)s[p]);)
			p++;
	if (p < len && (s[p] == 'e' || s[p] == 'E')) {
		size_t q = p + 1;
		if (q < len && (s[q] == '+' || s[q] == '-'))
			q++;
		if (q < len && isdigit((unsigned char)s[q]))
			for (p = q; p < len && isdigit((unsigned char)s[p]);)
				p++;
	}
	while (p < len && ident_char((unsigned char)s[p]))
		p++;
	return p;
}

/* Tokenizes s[0, len); base is s's offset in L->text.  0 or ENOMEM. */
int sqt_tokenize(struct toks *T, const char *s, size_t len, size_t base)
{
	size_t p = 0;
	int depth = 0;

	T->s = s;
	T->base = base;
	T->n = 0;
	while (p < len) {
		unsigned char c = (unsigned char)s[p];
		size_t b = p;
		enum tok_type type;
		int d = depth;

		if (isspace(c)) {
			p++;
			continue;
		}
		if (c == '-' && p + 1 < len && s[p + 1] == '-') {
			while (p < len && s[p] != '\n')
				p++;
			continue;
		}
		if (c == '/' && p + 1 < len && s[p + 1] == '*') {
			for (p += 2; p + 1 < len; p++)
				if (s[p] == '*' && s[p + 1] == '/')
					break;
			p = p + 2 < len ? p + 2 : len;
			continue;
		}
		if (c == '\'') {
			p = quoted_end(s, len, p, '\'');
			type = T_STRING;
		} else if (c == '"' || c == '`') {
			p = quoted_end(s, len, p, (char)c);
			type = T_QUOTED;
		} else if (c == '[') {
			while (p < len && s[p] != ']')
				p++;
			p = p < len ? p + 1 : len;
			type = T_QUOTED;
		} else if ((c == 'x' || c == 'X') && p + 1 < len &&
		           s[p + 1] == '\'') {
			p = quoted_end(s, len, p + 1, '\'');
			type = T_BLOB;
		} else if (isdigit(c) || (c == '.' && p + 1 < len &&
		                          isdigit((unsigned char)s[p + 1]))) {
			p = number_end(s, len, p);
			type = T_NUMBER;
		} else if (c == '?' ||
		           ((c == ':' || c == '@' || c == '$') && p + 1 < len &&
		            ident_char((unsigned char)s[p + 1]))) {
			for (p++; p < len && ident_char((unsigned char)s[p]);)
				p++;
			type = T_PARAM;
		} else if (ident_char(c)) {
			while (p < len && ident_char((unsigned char)s[p]))
				p++;
			type = T_WORD;
		} else {
			p++;
			type = T_PUNCT;
			if (c == '(')
				depth++;
			else if (c == ')' && depth > 0)
				d = --depth;
		}
		if (push(T, b, p - b, type, d) < 0)
			return STRATA_ENOMEM;
	}
	return 0;
}

void sqt_toks_dispose(struct toks *T)
{
	free(T->v);
	memset(T, 0, sizeof(*T));
}

int sqt_is_word(const struct toks *T, size_t i, const char *kw)
{
	return i < T->n && T->v[i].type == T_WORD &&
	       strlen(kw) == T->v[i].len &&
	       strncasecmp(T->s + T->v[i].off, kw, T->v[i].len) == 0;
}

int sqt_is_punct(const struct toks *T, size_t i, char c)
{
	return i < T->n && T->v[i].type == T_PUNCT && T->s[T->v[i].off] == c;
}

/* A token that can name something (SQLite also takes 'text' there). */
int sqt_is_name(const struct toks *T, size_t i)
{
	return i < T->n &&
	       (T->v[i].type == T_WORD || T->v[i].type == T_QUOTED ||
	        T->v[i].type == T_STRING);
}

/* The name a token spells, without its quotes, into out. */
void sqt_tok_name(const struct toks *T, size_t i, char *out, size_t n)
{
	const char *s = T->s + T->v[i].off;
	size_t len = T->v[i].len, k = 0;
	char close;

	if (T->v[i].type == T_WORD || len < 2) {
		snprintf(out, n, "%.*s", (int)len, s);
		return;
	}
	close = s[0] == '[' ? ']' : s[0];
	for (size_t p = 1; p + 1 < len + (s[len - 1] != close) && k + 1 < n;
	     p++) {
		out[k++] = s[p];
		if (s[p] == close && close != ']' && p + 1 < len &&
		    s[p + 1] == close)
			p++;
	}
	out[k] = '\0';
}

/* Whether token i is an identifier (bare or quoted) spelling `name`. */
int sqt_names(const struct toks *T, size_t i, const char *name)
{
	char buf[SQ_NAME];

	if (i >= T->n || (T->v[i].type != T_WORD && T->v[i].type != T_QUOTED))
		return 0;
	sqt_tok_name(T, i, buf, sizeof(buf));
	return strcasecmp(buf, name) == 0;
}

/* The ')' closing the '(' at i, or T->n. */
size_t sqt_close_of(const struct toks *T, size_t i)
{
	for (size_t k = i + 1; k < T->n; k++)
		if (sqt_is_punct(T, k, ')') && T->v[k].depth == T->v[i].depth)
			return k;
	return T->n;
}

/* A copy of the text from token a to the end of token b. */
char *sqt_span_dup(const struct toks *T, size_t a, size_t b)
{
	size_t from = T->v[a].off, to = T->v[b].off + T->v[b].len;
	return strndup(T->s + from, to - from);
}

/* The first token in [from, to) at depth d that is the word kw. */
size_t sqt_find_word(const struct toks *T, size_t from, size_t to, int d,
                     const char *kw)
{
	for (size_t k = from; k < to && k < T->n; k++)
		if (T->v[k].depth == d && sqt_is_word(T, k, kw))
			return k;
	return NONE;
}

/* Whether [from, to) holds an identifier spelling name. */
size_t sqt_mentions(const struct toks *T, size_t from, size_t to,
                    const char *name)
{
	for (size_t k = from; k < to && k < T->n; k++)
		if (sqt_names(T, k, name))
			return k;
	return NONE;
}

/* NEW.name or OLD.name in [from, to). */
size_t sqt_mentions_row(const struct toks *T, size_t from, size_t to,
                        const char *name)
{
	for (size_t k = from; k + 2 < to && k + 2 < T->n; k++)
		if ((sqt_is_word(T, k, "NEW") || sqt_is_word(T, k, "OLD")) &&
		    sqt_is_punct(T, k + 1, '.') && sqt_names(T, k + 2, name))
			return k;
	return NONE;
}

/* Reads [schema.]name at i; the index after it, or NONE. */
size_t sqt_read_qname(const struct toks *T, size_t i, struct qname *q)
{
	size_t last = i;
	char schema[SQ_NAME];

	memset(q, 0, sizeof(*q));
	if (!sqt_is_name(T, i))
		return NONE;
	q->at = i;
	if (sqt_is_punct(T, i + 1, '.') && sqt_is_name(T, i + 2)) {
		last = i + 2;
		sqt_tok_name(T, i, schema, sizeof(schema));
		sqt_tok_name(T, last, q->bare, sizeof(q->bare));
		snprintf(q->full, sizeof(q->full), "%s.%s", schema, q->bare);
	} else {
		sqt_tok_name(T, i, q->bare, sizeof(q->bare));
		snprintf(q->full, sizeof(q->full), "%s", q->bare);
	}
	snprintf(q->raw, sizeof(q->raw), "%.*s",
	         (int)(T->v[last].off + T->v[last].len - T->v[i].off),
	         T->s + T->v[i].off);
	snprintf(q->braw, sizeof(q->braw), "%.*s", (int)T->v[last].len,
	         T->s + T->v[last].off);
	return last + 1;
}

/* Skips IF [NOT] EXISTS at i. */
size_t sqt_skip_if_exists(const struct toks *T, size_t i)
{
	if (!sqt_is_word(T, i, "IF"))
		return i;
	i++;
	if (sqt_is_word(T, i, "NOT"))
		i++;
	return sqt_is_word(T, i, "EXISTS") ? i + 1 : i;
}

const char *sqt_bare_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot + 1 : name;
}

void sqt_lower_into(char *out, size_t n, const char *s)
{
	size_t k = 0;
	for (; s[k] && k + 1 < n; k++)
		out[k] = (char)tolower((unsigned char)s[k]);
	out[k] = '\0';
}

/* Whether the table was created earlier in this section.  The walker also
 * records each created table's bare name in lower case, as SQLite compares
 * names. */
int sqt_created_here(const struct lint *L, const char *name)
{
	char key[SQ_NAME + 8];

	if (lint_created_here(L, name))
		return 1;
	snprintf(key, sizeof(key), "sqlite:");
	sqt_lower_into(key + 7, sizeof(key) - 7, sqt_bare_of(name));
	return lint_created_here(L, key);
}

/* ---- column definitions ---- */

static const char *const constraint_words[] = {
    "CONSTRAINT", "PRIMARY", "NOT",        "NULL",      "UNIQUE", "CHECK",
    "DEFAULT",    "COLLATE", "REFERENCES", "GENERATED", "AS",     NULL,
};

static int is_constraint_word(const struct toks *T, size_t i)
{
	for (const char *const *w = constraint_words; *w; w++)
		if (sqt_is_word(T, i, *w))
			return 1;
	return 0;
}

/* Reads the tokens [a, b) after a column's name; d is their depth. */
void sqt_parse_coldef(const struct toks *T, size_t a, size_t b, int d,
                      struct coldef *cd)
{
	size_t k = a;

	memset(cd, 0, sizeof(*cd));
	cd->notnull = cd->pk = cd->unique = cd->stored = cd->deflt = NONE;
	cd->type_from = a;
	while (k < b && !(T->v[k].depth == d && is_constraint_word(T, k)))
		k++;
	cd->type_to = k;
	for (; k < b; k++) {
		if (T->v[k].depth != d)
			continue;
		if (sqt_is_word(T, k, "PRIMARY")) {
			cd->flags |= COL_PK;
			cd->pk = k;
		} else if (sqt_is_word(T, k, "UNIQUE")) {
			cd->flags |= COL_UNIQUE;
			cd->unique = k;
		} else if (sqt_is_word(T, k, "NOT") &&
		           sqt_is_word(T, k + 1, "NULL")) {
			cd->flags |= COL_NOTNULL;
			cd->notnull = k;
		} else if (sqt_is_word(T, k, "CHECK")) {
			cd->flags |= COL_CHECK;
		} else if (sqt_is_word(T, k, "DEFAULT") && k + 1 < b) {
			cd->flags |= COL_DEFAULT;
			cd->deflt = k + 1;
		} else if (sqt_is_word(T, k, "AS") &&
		           sqt_is_punct(T, k + 1, '(')) {
			cd->flags |= COL_GENERATED;
		} else if (sqt_is_word(T, k, "STORED")) {
			cd->flags |= COL_STORED;
			cd->stored = k;
		}
	}
}


/* What SQLite's ALTER TABLE ADD COLUMN makes of a DEFAULT: it wants a value
 * it can compute once (a literal, signed or in parentheses, or a CAST of
 * one); CURRENT_TIMESTAMP or any expression is refused on a table with
 * rows.  A bare word is taken as a string. */
int sqt_default_kind(const struct toks *T, size_t i, size_t end)
{
	int paren = 0;

	while (sqt_is_punct(T, i, '(') && sqt_close_of(T, i) < end) {
		end = sqt_close_of(T, i);
		i++;
		paren = 1;
	}
	if (i >= end)
		return DEF_NONCONST;
	if (sqt_is_word(T, i, "CAST") && sqt_is_punct(T, i + 1, '(')) {
		size_t c = sqt_close_of(T, i + 1),
		       as = sqt_find_word(T, i + 2, c, T->v[i].depth + 1, "AS");
		if (c + 1 != end && paren)
			return DEF_NONCONST;
		return as == NONE ? DEF_NONCONST
		                  : sqt_default_kind(T, i + 2, as);
	}
	while (i < end && (sqt_is_punct(T, i, '-') || sqt_is_punct(T, i, '+')))
		i++;
	if (i >= end)
		return DEF_NONCONST;
	/* in parentheses the term must be the whole expression */
	if (paren && i + 1 != end)
		return DEF_NONCONST;
	if (sqt_is_word(T, i, "NULL"))
		return DEF_NULL;
	if (sqt_is_word(T, i, "CURRENT_TIMESTAMP") ||
	    sqt_is_word(T, i, "CURRENT_TIME") ||
	    sqt_is_word(T, i, "CURRENT_DATE"))
		return DEF_NONCONST;
	switch (T->v[i].type) {
	case T_NUMBER:
	case T_STRING:
	case T_BLOB:
		return DEF_CONST;
	case T_WORD:
		if (sqt_is_word(T, i, "TRUE") || sqt_is_word(T, i, "FALSE"))
			return DEF_CONST;
		return paren ? DEF_NONCONST : DEF_CONST;
	case T_QUOTED:
		return paren ? DEF_NONCONST : DEF_CONST;
	default:
		return DEF_NONCONST;
	}
}

/* The end of the DEFAULT value starting at i (a term or a group). */
size_t sqt_default_end(const struct toks *T, size_t i, size_t b)
{
	while (i < b && (sqt_is_punct(T, i, '-') || sqt_is_punct(T, i, '+')))
		i++;
	if (sqt_is_punct(T, i, '('))
		return sqt_close_of(T, i) + 1;
	return i + 1;
}
