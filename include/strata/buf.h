/*
 * strata_buf: the one growable string type used across strata.
 *
 * Invariant: `ptr` is never NULL and always NUL-terminated, so a buffer can
 * be handed to any C string function at any time.  A zero-initialised buffer
 * is NOT valid: call strata_buf_init() (or use STRATA_BUF_INIT).
 */
#ifndef STRATA_BUF_H
#define STRATA_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strata_buf {
	char *ptr;  /* owned unless it points at strata_buf_empty */
	size_t len; /* bytes before the terminating NUL */
	size_t cap; /* 0 while ptr is the shared empty string */
} strata_buf;

extern char strata_buf_empty[];
#define STRATA_BUF_INIT                                                        \
	{                                                                      \
		strata_buf_empty, 0, 0                                         \
	}

void strata_buf_init(strata_buf *b);
/* Frees the storage and leaves `b` initialised and empty. */
void strata_buf_dispose(strata_buf *b);
/* Hands the string over; the caller frees it with free().  `b` is left empty.
 */
char *strata_buf_detach(strata_buf *b);
void strata_buf_clear(strata_buf *b);

/* These return 0, or STRATA_ENOMEM with `b` unchanged. */
int strata_buf_grow(strata_buf *b, size_t extra);
int strata_buf_add(strata_buf *b, const void *data, size_t len);
int strata_buf_puts(strata_buf *b, const char *s);
int strata_buf_putc(strata_buf *b, char c);
int strata_buf_printf(strata_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int strata_buf_vprintf(strata_buf *b, const char *fmt, va_list ap);

#endif
