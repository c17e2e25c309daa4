/* Database URLs: password redaction and SQLite paths. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "session.h"

/* Appends `s` to b with the value of every "password=" parameter hidden. */
static void redact_params(strata_buf *b, const char *s)
{
	while (*s) {
		const char *p = strstr(s, "password=");
		if (!p) {
			strata_buf_puts(b, s);
			return;
		}
		/* only a whole parameter name: start, '?', '&' or a space
		 * before */
		if (p == s || p[-1] == '?' || p[-1] == '&' || p[-1] == ' ') {
			const char *v = p + strlen("password=");
			strata_buf_add(b, s, (size_t)(v - s));
			strata_buf_puts(b, "***");
			s = v + strcspn(v, "& ");
		} else {
			strata_buf_add(b, s, (size_t)(p - s) + 1);
			s = p + 1;
		}
	}
}

char *strata_url_redact(const char *url)
{
	strata_buf b = STRATA_BUF_INIT;
	const char *auth, *at, *colon, *end;

	if (!url)
		return NULL;
	auth = strstr(url, "://");
	if (auth) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		/* the userinfo ends at the last '@' before the path */
		at = NULL;
		for (const char *p = auth; p < end; p++)
			if (*p == '@')
				at = p;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			strata_buf_add(&b, url, (size_t)(colon + 1 - url));
			strata_buf_puts(&b, "***");
			url = at;
		}
	}
	redact_params(&b, url);
	return strata_buf_detach(&b);
}

int strata_url_sqlite_path(const char *url, char **out, strata_error *err)
{
	const char *p;
	size_t n;

	*out = NULL;
	if (strncmp(url, "sqlite3:", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "sqlite:", 7) == 0)
		p = url + 7;
	else
		return strata_error_set(err, STRATA_EURL,
		                        "not a sqlite url '%s'", url);
	/* sqlite:///abs/path and sqlite://rel/path: drop the "//" */
	if (strncmp(p, "//", 2) == 0)
		p += 2;
	n = strcspn(p, "?#");
	if (n == 0)
		return strata_error_set(err, STRATA_EURL,
		                        "no file in sqlite url '%s' (expected "
		                        "sqlite:path/to/file.db)",
		                        url);
	*out = strndup(p, n);
	return *out ? 0 : STRATA_ENOMEM;
}
