#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strata_error_dispose(strata_error *e)
{
	free(e->message);
	free(e->file);
	free(e->source_line);
	free(e->statement);
	free(e->sqlstate);
	free(e->detail);
	free(e->hint);
	free(e->way_out);
	memset(e, 0, sizeof(*e));
}

int strata_error_set(strata_error *e, int code, const char *fmt, ...)
{
	strata_buf b = STRATA_BUF_INIT;
	va_list ap;

	strata_error_dispose(e);
	va_start(ap, fmt);
	strata_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->code = code;
	e->message = strata_buf_detach(&b);
	return code;
}

void strata_error_field(char **field, const char *value)
{
	free(*field);
	*field = value ? strdup(value) : NULL;
}

void strata_error_move(strata_error *dst, strata_error *src)
{
	if (dst == src)
		return;
	strata_error_dispose(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

char *strata_excerpt(const char *s, size_t max)
{
	size_t n;
	char *out;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n <= max)
		return strdup(s);
	/* back up to a UTF-8 lead byte so no character is cut in half */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	out = malloc(max + 4);
	if (!out)
		return NULL;
	memcpy(out, s, max);
	memcpy(out + max, "...", 4);
	return out;
}

int strata_error_lock_timeout(strata_error *e, int wait_ms, const char *holder)
{
	char waited[32];

	if (wait_ms % 1000 == 0)
		snprintf(waited, sizeof(waited), "%ds", wait_ms / 1000);
	else
		snprintf(waited, sizeof(waited), "%.1fs", wait_ms / 1000.0);
	return strata_error_set(e, STRATA_ELOCKED,
	                        "timed out after %s waiting for the migration "
	                        "lock%s%s",
	                        waited, *holder ? " held by " : "", holder);
}
