#include "strata/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata.h"

char strata_buf_empty[1];

void strata_buf_init(strata_buf *b)
{
	b->ptr = strata_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void strata_buf_dispose(strata_buf *b)
{
	if (b->cap)
		free(b->ptr);
	strata_buf_init(b);
}

char *strata_buf_detach(strata_buf *b)
{
	char *p = b->cap ? b->ptr : strdup("");
	strata_buf_init(b);
	return p;
}

void strata_buf_clear(strata_buf *b)
{
	b->len = 0;
	b->ptr[0] = '\0';
}

int strata_buf_grow(strata_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap;
	char *p;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		return STRATA_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int strata_buf_add(strata_buf *b, const void *data, size_t len)
{
	if (strata_buf_grow(b, len) < 0)
		return STRATA_ENOMEM;
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int strata_buf_puts(strata_buf *b, const char *s)
{
	return strata_buf_add(b, s, strlen(s));
}

int strata_buf_putc(strata_buf *b, char c)
{
	return strata_buf_add(b, &c, 1);
}

int strata_buf_vprintf(strata_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || strata_buf_grow(b, (size_t)n) < 0)
		return STRATA_ENOMEM;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int strata_buf_printf(strata_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strata_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}
