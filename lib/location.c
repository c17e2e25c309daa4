/*
 * Byte offsets to line and column, error locations, and the statement-list
 * helpers both splitters share.
 *
 * Characters are counted the way PostgreSQL's pg_utf_mblen() does for valid
 * UTF-8 (the lead byte gives the length), so a libpg_query cursor position
 * converts back to the byte it meant.  For invalid UTF-8 a character never
 * swallows a byte that is not a continuation byte, so a stray lead byte can
 * not hide a '\n' or the terminating NUL.
 */
#include "split.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* Length in bytes of the character starting at s (1 at a NUL). */
static size_t utf8_len(const unsigned char *s)
{
	size_t want, n;

	if (*s < 0x80)
		return 1;
	if ((*s & 0xe0) == 0xc0)
		want = 2;
	else if ((*s & 0xf0) == 0xe0)
		want = 3;
	else if ((*s & 0xf8) == 0xf0)
		want = 4;
	else
		return 1;
	for (n = 1; n < want && (s[n] & 0xc0) == 0x80; n++)
		;
	return n;
}

/*
 * Moves (*line, *column) from byte `from` to byte `to` of text.  The caller
 * guarantees from <= to and that [from, to) lies inside the text.
 */
static void advance(const char *text, size_t from, size_t to, int *line,
                    int *column)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t p = from;

	while (p < to) {
		if (s[p] == '\n') {
			(*line)++;
			*column = 1;
			p++;
			continue;
		}
		(*column)++;
		p += utf8_len(s + p);
	}
}

void strata_location(const char *text, size_t offset, int *line, int *column)
{
	*line = 1;
	*column = 1;
	advance(text, 0, offset, line, column);
}

void strata_location_cursor(struct strata_cursor *c, const char *text,
                            size_t offset, int *line, int *column)
{
	if (c->text != text || offset < c->offset) {
		c->text = text;
		c->offset = 0;
		c->line = c->column = 1;
	}
	advance(text, c->offset, offset, &c->line, &c->column);
	c->offset = offset;
	*line = c->line;
	*column = c->column;
}

size_t strata_utf8_advance(const char *text, size_t from, long chars)
{
	const unsigned char *s = (const unsigned char *)text;

	for (; chars > 0 && s[from]; chars--)
		from += utf8_len(s + from);
	return from;
}

int strata_error_at(strata_error *err, int code, const char *path,
                    const char *text, size_t offset, const char *fmt, ...)
{
	strata_buf msg = STRATA_BUF_INIT;
	size_t bol = offset, eol = offset;
	char *file, *source;
	int line, column;
	va_list ap;

	/* Format and copy first: the arguments may point into *err. */
	va_start(ap, fmt);
	strata_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	file = path ? strdup(path) : NULL;
	while (bol > 0 && text[bol - 1] != '\n')
		bol--;
	while (text[eol] && text[eol] != '\n')
		eol++;
	if (eol > bol && text[eol - 1] == '\r')
		eol--;
	source = strndup(text + bol, eol - bol);
	strata_location(text, offset, &line, &column);

	strata_error_set(err, code, "%s", msg.ptr);
	err->file = file;
	err->line = line;
	err->column = column;
	err->source_line = source;
	strata_buf_dispose(&msg);
	return code;
}

/* ---- shared by the splitters ---- */

void strata_stmt_list_dispose(strata_stmt_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].sql);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

size_t strata_sql_skip_blank(const char *text, size_t from, size_t end,
                             int nested_comments)
{
	size_t p = from;

	while (p < end) {
		if (is_space(text[p])) {
			p++;
		} else if (text[p] == '-' && p + 1 < end &&
		           text[p + 1] == '-') {
			while (p < end && text[p] != '\n')
				p++;
		} else if (text[p] == '/' && p + 1 < end &&
		           text[p + 1] == '*') {
			int depth = 1;

			/* An unterminated comment runs to the end: both SQLite
			 * and the splitter's caller treat it that way. */
			for (p += 2; p < end && depth > 0;) {
				if (text[p] == '*' && p + 1 < end &&
				    text[p + 1] == '/') {
					depth--;
					p += 2;
				} else if (nested_comments && text[p] == '/' &&
				           p + 1 < end && text[p + 1] == '*') {
					depth++;
					p += 2;
				} else {
					p++;
				}
			}
		} else {
			break;
		}
	}
	return p < end ? p : end;
}

int strata_stmt_list_push(strata_stmt_list *l, const char *text, size_t from,
                          size_t to, int nested_comments)
{
	from = strata_sql_skip_blank(text, from, to, nested_comments);
	return strata_stmt_list_add(l, text, from, to);
}

int strata_stmt_list_add(strata_stmt_list *l, const char *text, size_t from,
                         size_t to)
{
	strata_stmt *st;
	size_t n;

	while (to > from && is_space(text[to - 1]))
		to--;
	if (to == from)
		return 0;

	/* Capacity doubles at each power of two from 8 on. */
	n = l->count;
	if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) {
		strata_stmt *items =
		    realloc(l->items, (n ? 2 * n : 8) * sizeof(*items));

		if (!items)
			return STRATA_ENOMEM;
		l->items = items;
	}
	st = &l->items[n];
	st->sql = strndup(text + from, to - from);
	if (!st->sql)
		return STRATA_ENOMEM;
	st->offset = from;

	/* Statements arrive in order: count lines from the previous one so
	 * a file of many statements is walked once, not once per statement. */
	if (n > 0 && l->items[n - 1].offset <= from) {
		st->line = l->items[n - 1].line;
		st->column = l->items[n - 1].column;
		advance(text, l->items[n - 1].offset, from, &st->line,
		        &st->column);
	} else {
		strata_location(text, from, &st->line, &st->column);
	}
	l->count = n + 1;
	return 0;
}

int strata_section_copy(char **out, const char *text, size_t start, size_t end,
                        const char *path, strata_error *err)
{
	const char *nul = memchr(text + start, '\0', end - start);

	*out = NULL;
	if (nul)
		return strata_error_at(err, STRATA_ESYNTAX, path, text,
		                       (size_t)(nul - text),
		                       "unexpected NUL byte in the SQL");
	if (!(*out = strndup(text + start, end - start)))
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}
