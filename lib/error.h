/* Filling and clearing strata_error (the struct is declared in strata.h). */
#ifndef STRATA_ERROR_H
#define STRATA_ERROR_H

#include "strata.h"

/* Frees every string and zeroes the struct. */
void strata_error_dispose(strata_error *e);

/* Clears `e`, then sets code and the formatted message.  Returns `code`. */
int strata_error_set(strata_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* STRATA_ELOCKED: the run lock was not granted within wait_ms; `holder`
 * ("" when unknown) says who has it.  Returns STRATA_ELOCKED. */
int strata_error_lock_timeout(strata_error *e, int wait_ms,
                              const char *holder);

/* Replaces one string field with a copy of `value` (NULL clears it). */
void strata_error_field(char **field, const char *value);

/* Moves src into dst (dst disposed first); src is left zeroed. */
void strata_error_move(strata_error *dst, strata_error *src);

/* A copy of `s` cut to at most `max` bytes on a character boundary, with
 * "..." appended when shortened.  Caller frees; NULL on NULL or no memory. */
char *strata_excerpt(const char *s, size_t max);

#endif
