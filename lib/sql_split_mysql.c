/*
 * MySQL and MariaDB statement splitting, the way the mysql command-line
 * client reads a script (see split.h for the rules).
 *
 * There is no parser to lean on, so this is a small scanner over the bytes:
 * everything special is ASCII, so UTF-8 text needs no decoding.  The
 * server's sql_mode can change two things this cannot know about:
 * ANSI_QUOTES makes "..." a name (no backslash escapes) and
 * NO_BACKSLASH_ESCAPES makes a backslash an ordinary character.  Both only
 * matter for a string that contains a backslash before its closing quote.
 */
#include "split.h"

#include <string.h>
#include <strings.h>

#include "error.h"

#define DELIM_MAX 16

/* Where an unterminated token began, for the error. */
struct scan {
	const char *text;
	size_t end;
	const char *path;
	strata_error *err;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* '-- ' starts a comment only with a space or control character after
 * the dashes (or at the end): "1--1" is arithmetic. */
static int dash_comment(const struct scan *s, size_t p)
{
	return s->text[p] == '-' && p + 1 < s->end && s->text[p + 1] == '-' &&
	       (p + 2 == s->end || (unsigned char)s->text[p + 2] <= ' ');
}

static size_t line_end(const struct scan *s, size_t p)
{
	while (p < s->end && s->text[p] != '\n')
		p++;
	return p;
}

/* Past the C-style comment at p ("/" "*"), or 0 when it never ends. */
static size_t comment_end(const struct scan *s, size_t p)
{
	for (p += 2; p + 1 < s->end; p++)
		if (s->text[p] == '*' && s->text[p + 1] == '/')
			return p + 2;
	return 0;
}

/* Whether the C-style comment at p is executable (kept, sent). */
static int executable(const struct scan *s, size_t p)
{
	const char *t = s->text;

	return (p + 2 < s->end && t[p + 2] == '!') ||
	       (p + 3 < s->end && t[p + 2] == 'M' && t[p + 3] == '!');
}

/*
 * Past the quoted token at p (quote character q), or 0 when it never
 * ends.  A doubled quote stays inside; in strings a backslash escapes the
 * next byte, in `names` it is an ordinary character.
 */
static size_t quoted_end(const struct scan *s, size_t p, char q)
{
	for (p++; p < s->end; p++) {
		if (s->text[p] == '\\' && q != '`') {
			p++;
			continue;
		}
		if (s->text[p] != q)
			continue;
		if (p + 1 < s->end && s->text[p + 1] == q) {
			p++;
			continue;
		}
		return p + 1;
	}
	return 0;
}

static int unterminated(const struct scan *s, size_t p, const char *what)
{
	return strata_error_at(s->err, STRATA_ESYNTAX, s->path, s->text, p,
	                       "unterminated %s", what);
}

/*
 * A "DELIMITER xx" directive at p: *out_len receives its delimiter's
 * length, copied into delim, and *next the start of the next line.
 * Returns 1 when p is one, 0 when not, or STRATA_ESYNTAX.
 */
static int delimiter_directive(const struct scan *s, size_t p, char *delim,
                               size_t *out_len, size_t *next)
{
	const char *t = s->text;
	size_t q = p + 9, a, b;

	if (s->end - p < 10 || strncasecmp(t + p, "delimiter", 9) != 0 ||
	    (t[q] != ' ' && t[q] != '\t'))
		return 0;
	while (q < s->end && (t[q] == ' ' || t[q] == '\t'))
		q++;
	a = q;
	/* the mysql client takes a quoted delimiter without its quotes */
	if (q < s->end && (t[q] == '\'' || t[q] == '"' || t[q] == '`')) {
		char quote = t[q];
		a = ++q;
		while (q < s->end && t[q] != quote && t[q] != '\n')
			q++;
		b = q;
		if (q < s->end && t[q] == quote)
			q++;
	} else {
		while (q < s->end && !is_space(t[q]))
			q++;
		b = q;
	}
	if (b == a || b - a > DELIM_MAX || memchr(t + a, '\\', b - a))
		return strata_error_at(
		    s->err, STRATA_ESYNTAX, s->path, t, p,
		    b == a ? "DELIMITER needs a delimiter, like 'DELIMITER $$'"
		           : "a DELIMITER must be 1 to 16 characters without a "
		             "backslash");
	memcpy(delim, t + a, b - a);
	*out_len = b - a;
	/* the rest of the line is the directive's, as in the client */
	*next = line_end(s, q);
	return 1;
}

int strata_split_mysql(strata_stmt_list *out, const char *text, size_t start,
                       size_t end, const char *path, strata_error *err)
{
	struct scan s = {text, end, path, err};
	char delim[DELIM_MAX] = ";";
	size_t dlen = 1, p = start, first = 0, next = 0;
	const char *nul = memchr(text + start, '\0', end - start);
	int in_stmt = 0, rc;

	out->items = NULL;
	out->count = 0;
	if (nul)
		return strata_error_at(err, STRATA_ESYNTAX, path, text,
		                       (size_t)(nul - text),
		                       "unexpected NUL byte in the SQL");
	while (p < end) {
		char c = text[p];

		if (p + dlen <= end && memcmp(text + p, delim, dlen) == 0) {
			if (in_stmt && (rc = strata_stmt_list_add(
			                    out, text, first, p)) < 0)
				goto nomem;
			in_stmt = 0;
			p += dlen;
		} else if (!in_stmt && is_space(c)) {
			p++;
		} else if (c == '#' || dash_comment(&s, p)) {
			p = line_end(&s, p);
		} else if (c == '/' && p + 1 < end && text[p + 1] == '*') {
			if (!(next = comment_end(&s, p))) {
				rc = unterminated(&s, p, "comment");
				goto fail;
			}
			if (!in_stmt && executable(&s, p)) {
				in_stmt = 1;
				first = p;
			}
			p = next;
		} else if (c == '\'' || c == '"' || c == '`') {
			if (!(next = quoted_end(&s, p, c))) {
				rc = unterminated(
				    &s, p, c == '`' ? "quoted name" : "string");
				goto fail;
			}
			if (!in_stmt) {
				in_stmt = 1;
				first = p;
			}
			p = next;
		} else if (!in_stmt) {
			rc = delimiter_directive(&s, p, delim, &dlen, &next);
			if (rc < 0)
				goto fail;
			if (rc == 1) {
				p = next;
				continue;
			}
			in_stmt = 1;
			first = p++;
		} else {
			p++;
		}
	}
	if (in_stmt && (rc = strata_stmt_list_add(out, text, first, end)) < 0)
		goto nomem;
	return 0;

nomem:
	rc = strata_error_set(err, STRATA_ENOMEM, "out of memory");
fail:
	strata_stmt_list_dispose(out);
	return rc;
}
