/*
 * The insides of a migration file: its sections ("-- strata:up",
 * "-- strata:down", "-- strata:verify") and the "-- strata:" directives in
 * each.  Everything
 * wrong with them is refused here, with the line and column, before any
 * SQL runs.
 */
#include <stdlib.h>
#include <string.h>

#include "backfill.h"
#include "error.h"
#include "migration_set.h"
#include "split.h"

static size_t line_end(const char *text, size_t p, size_t end)
{
	const char *nl = memchr(text + p, '\n', end - p);
	return nl ? (size_t)(nl - text) : end;
}

/*
 * If the line at text[p,eol) is a "-- strata:WORD [ARGS]" comment, returns
 * the offset of WORD and its length in *wlen; else (size_t)-1.
 */
static size_t directive_at(const char *text, size_t p, size_t eol, size_t *wlen)
{
	while (p < eol && (text[p] == ' ' || text[p] == '\t'))
		p++;
	if (eol - p < 2 || text[p] != '-' || text[p + 1] != '-')
		return (size_t)-1;
	p += 2;
	while (p < eol && (text[p] == ' ' || text[p] == '\t'))
		p++;
	if (eol - p < 7 || memcmp(text + p, "strata:", 7) != 0)
		return (size_t)-1;
	p += 7;
	*wlen = 0;
	while (p + *wlen < eol && !strchr(" \t\r", text[p + *wlen]))
		(*wlen)++;
	return p;
}

static int word_is(const char *text, size_t w, size_t wlen, const char *s)
{
	return wlen == strlen(s) && memcmp(text + w, s, wlen) == 0;
}

/* Whether anything but whitespace and comments is in text[p,end). */
static int has_sql(const char *text, size_t p, size_t end)
{
	while (p < end) {
		char c = text[p];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == ';') {
			p++;
		} else if (c == '-' && p + 1 < end && text[p + 1] == '-') {
			p = line_end(text, p, end);
		} else if (c == '/' && p + 1 < end && text[p + 1] == '*') {
			int depth = 1;
			p += 2;
			while (p < end && depth > 0) {
				if (text[p] == '*' && p + 1 < end &&
				    text[p + 1] == '/')
					depth--, p += 2;
				else if (text[p] == '/' && p + 1 < end &&
				         text[p + 1] == '*')
					depth++, p += 2;
				else
					p++;
			}
		} else {
			return 1;
		}
	}
	return 0;
}

/* Reads the duration after a directive word at text[w + wlen, eol). */
static int directive_duration(const char *path, const char *text, size_t w,
                              size_t wlen, size_t eol, int *out,
                              strata_error *err)
{
	size_t v = w + wlen, e;

	while (v < eol && (text[v] == ' ' || text[v] == '\t'))
		v++;
	e = v;
	while (e < eol && !strchr(" \t\r", text[e]))
		e++;
	if (strata_duration_parse(text + v, e - v, out) < 0)
		return strata_error_at(
		    err, STRATA_EFORMAT, path, text, v < eol ? v : w - 7,
		    "'strata:%.*s' takes a duration like 500ms, 5s or 2min, "
		    "not '%.*s'",
		    (int)wlen, text + w, (int)(e - v), text + v);
	return 0;
}

/*
 * Checks the directives of one section and fills *o.  Section markers are
 * accepted only where allowed (the caller has consumed them already).
 */
int strata_section_directives(const char *path, const char *text, size_t start,
                              size_t end, int verify, struct section_opts *o,
                              strata_error *err)
{
	o->no_tx = 0;
	o->lock_timeout_ms = o->statement_timeout_ms = -1;
	for (size_t p = start; p < end;) {
		size_t eol = line_end(text, p, end), wlen;
		size_t w = directive_at(text, p, eol, &wlen);
		int rc;

		if (w != (size_t)-1) {
			/* a verify script runs in a transaction that is
			 * always rolled back, and never in batches */
			if (verify &&
			    (word_is(text, w, wlen, "no-transaction") ||
			     word_is(text, w, wlen, "batch")))
				return strata_error_at(
				    err, STRATA_EFORMAT, path, text, w - 7,
				    "'strata:%.*s' in a verify script: it "
				    "always "
				    "runs in one transaction, rolled back",
				    (int)wlen, text + w);
			if (word_is(text, w, wlen, "no-transaction")) {
				o->no_tx = 1;
			} else if (word_is(text, w, wlen, "lock-timeout")) {
				if ((rc = directive_duration(
				         path, text, w, wlen, eol,
				         &o->lock_timeout_ms, err)) < 0)
					return rc;
			} else if (word_is(text, w, wlen,
			                   "statement-timeout")) {
				if ((rc = directive_duration(
				         path, text, w, wlen, eol,
				         &o->statement_timeout_ms, err)) < 0)
					return rc;
			} else if (word_is(text, w, wlen, "batch")) {
				struct batch b;
				if (strata_batch_parse(text + w + wlen,
				                       eol - w - wlen, &b) < 0)
					return strata_error_at(
					    err, STRATA_EFORMAT, path, text,
					    w - 7,
					    "'strata:batch' takes size=ROWS "
					    "(1-1000000) and pause=DURATION, "
					    "like 'size=1000 pause=50ms'");
			} else if (word_is(text, w, wlen, "ignore") ||
			           word_is(text, w, wlen, "ignore-file")) {
				/* lint's: it checks the rule names */
			} else if (word_is(text, w, wlen, "up") ||
			           word_is(text, w, wlen, "down") ||
			           word_is(text, w, wlen, "verify")) {
				return strata_error_at(
				    err, STRATA_EFORMAT, path, text, w - 7,
				    "section marker 'strata:%.*s' in a file "
				    "that holds one section",
				    (int)wlen, text + w);
			} else {
				return strata_error_at(
				    err, STRATA_EFORMAT, path, text, w - 7,
				    "unknown directive 'strata:%.*s' (known: "
				    "no-transaction, lock-timeout, "
				    "statement-timeout, batch, ignore, "
				    "ignore-file)",
				    (int)wlen, text + w);
			}
		}
		p = eol + 1;
	}
	return 0;
}

/* Where the section whose marker is at `at` ends: at the next marker. */
static size_t section_end(const size_t *at, int k, size_t len)
{
	size_t end = len;

	for (int j = 0; j < 3; j++)
		if (j != k && at[j] != (size_t)-1 && at[j] > at[k] &&
		    at[j] < end)
			end = at[j];
	return end;
}

/*
 * Splits a single file into its sections at the marker lines: up first,
 * then down and verify in either order, each running to the next marker.
 */
int strata_sections_find(struct migration_file *m, size_t len,
                         strata_error *err)
{
	static const char *const marker[3] = {"up", "down", "verify"};
	const char *t = m->up_text;
	const char *path = m->up_path;
	size_t at[3] = {(size_t)-1, (size_t)-1, (size_t)-1}, body[3] = {0},
	       sql_before = (size_t)-1;

	for (size_t p = 0; p < len;) {
		size_t eol = line_end(t, p, len), wlen;
		size_t w = directive_at(t, p, eol, &wlen);
		int k = 0;

		while (w != (size_t)-1 && k < 3 &&
		       !word_is(t, w, wlen, marker[k]))
			k++;
		if (w == (size_t)-1 || k == 3) {
			if (at[0] == (size_t)-1 && at[1] == (size_t)-1 &&
			    at[2] == (size_t)-1 && sql_before == (size_t)-1 &&
			    has_sql(t, p, eol))
				sql_before = p;
			p = eol + 1;
			continue;
		}
		if (at[k] != (size_t)-1)
			return strata_error_at(
			    err, STRATA_EFORMAT, path, t, w - 7,
			    "second '-- strata:%s' line", marker[k]);
		for (int j = 1; k == 0 && j < 3; j++)
			if (at[j] != (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, path, t, w - 7,
				    "'-- strata:up' after '-- strata:%s'",
				    marker[j]);
		at[k] = p;
		body[k] = eol < len ? eol + 1 : len;
		p = eol + 1;
	}
	if (at[0] == (size_t)-1)
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s' has no '-- strata:up' line (a single-file migration "
		    "needs '-- strata:up' and, to be reversible, '-- "
		    "strata:down')",
		    path);
	if (sql_before != (size_t)-1)
		return strata_error_at(err, STRATA_EFORMAT, path, t, sql_before,
		                       "SQL before the '-- strata:up' line");
	if (at[2] != (size_t)-1 && m->verify_path)
		return strata_error_at(
		    err, STRATA_EFORMAT, path, t, at[2],
		    "a '-- strata:verify' section, and a verify script '%s': "
		    "keep one",
		    m->verify_path);
	m->head_end = at[0];
	m->up_start = body[0];
	m->up_end = section_end(at, 0, len);
	if (at[1] != (size_t)-1) {
		m->down_text = m->up_text;
		if (!(m->down_path = strdup(m->up_path)))
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		m->down_start = body[1];
		m->down_end = section_end(at, 1, len);
	}
	if (at[2] != (size_t)-1) {
		m->verify_text = m->up_text;
		if (!(m->verify_path = strdup(m->up_path)))
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		m->verify_start = body[2];
		m->verify_end = section_end(at, 2, len);
	}
	return 0;
}

/* Whether the file text has a "-- strata:up" line. */
int strata_has_up_marker(const char *t, size_t len)
{
	for (size_t p = 0; p < len;) {
		size_t eol = line_end(t, p, len), wlen;
		size_t w = directive_at(t, p, eol, &wlen);
		if (w != (size_t)-1 && word_is(t, w, wlen, "up"))
			return 1;
		p = eol + 1;
	}
	return 0;
}

size_t strata_head_other_directive(const char *t, size_t end)
{
	for (size_t p = 0; p < end;) {
		size_t eol = line_end(t, p, end), wlen;
		size_t w = directive_at(t, p, eol, &wlen);
		if (w != (size_t)-1 && !word_is(t, w, wlen, "no-transaction") &&
		    !word_is(t, w, wlen, "ignore") &&
		    !word_is(t, w, wlen, "ignore-file"))
			return w - 7;
		p = eol + 1;
	}
	return (size_t)-1;
}
