/* `strata new`: the files of a new migration, from templates. */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"
#include "migration_set.h"
#include "session.h"

static const char up_template[] =
    "-- %s: describe what this migration changes and why.\n"
    "-- strata runs this section in one transaction together with its history\n"
    "-- row. Statements that cannot run in a transaction (CREATE INDEX\n"
    "-- CONCURRENTLY, VACUUM) need a line \"-- strata:no-transaction\".\n"
    "\n";

static const char down_template[] =
    "-- Undo %s: reverse every change of the up section, last change first,\n"
    "-- so that up, down and up again leave the same schema.\n"
    "\n";

/* mkdir -p */
static int make_dirs(const char *dir, strata_error *err)
{
	char *p = strdup(dir);

	if (!p)
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	for (char *q = p + 1;; q++) {
		if (*q == '/' || *q == '\0') {
			char c = *q;
			*q = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				strata_error_set(
				    err, STRATA_EIO,
				    "cannot create directory '%s': %s", p,
				    strerror(errno));
				free(p);
				return STRATA_EIO;
			}
			if (!(*q = c))
				break;
		}
	}
	free(p);
	return 0;
}

/* The decimal string v + 1, at least `width` digits. */
static char *version_next(const char *v, size_t width)
{
	size_t n = strlen(v), w = n + 1 > width ? n + 1 : width;
	char *out = malloc(w + 1);
	int carry = 1;

	if (!out)
		return NULL;
	out[w] = '\0';
	for (size_t i = w; i-- > 0;) {
		size_t k = w - 1 - i; /* digits from the right */
		int d = k < n ? v[n - 1 - k] - '0' : 0;
		d += carry;
		carry = d / 10;
		out[i] = (char)('0' + d % 10);
	}
	/* drop padding beyond the wider of `width` and what is needed */
	{
		size_t skip = 0;
		while (w - skip > width && out[skip] == '0')
			skip++;
		memmove(out, out + skip, w - skip + 1);
	}
	return out;
}

static char *choose_version(const strata *s, unsigned flags)
{
	const char *newest = s->nmigs ? s->migs[s->nmigs - 1].version : NULL;
	int seq =
	    (flags & STRATA_NEW_SEQ) ||
	    (!(flags & STRATA_NEW_TIMESTAMP) && newest && strlen(newest) != 14);
	char stamp[16];
	time_t t = time(NULL);
	struct tm tm;

	if (seq) {
		/* continue the directory's width: 001 is followed by 002 */
		size_t width = newest ? strlen(newest) : 6;
		return version_next(newest ? newest : "0", width);
	}
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	/* two `new` in one second, or a clock behind the newest file: the
	 * second after the newest, still a real UTC time */
	if (newest && strata_version_cmp(stamp, newest) <= 0) {
		memset(&tm, 0, sizeof(tm));
		if (strlen(newest) != 14 ||
		    !strptime(newest, "%Y%m%d%H%M%S", &tm))
			return version_next(newest, 14);
		t = timegm(&tm) + 1;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	}
	return strdup(stamp);
}

static int write_new(const char *path, const char *content, strata_error *err)
{
	FILE *f = fopen(path, "wx"); /* never overwrite */

	if (!f)
		return strata_error_set(
		    err, errno == EEXIST ? STRATA_EEXISTS : STRATA_EIO,
		    "cannot create '%s': %s", path, strerror(errno));
	if (fputs(content, f) < 0 || fclose(f) != 0)
		return strata_error_set(err, STRATA_EIO,
		                        "cannot write '%s': %s", path,
		                        strerror(errno));
	return 0;
}

int strata_migration_new(strata *s, const char *name, unsigned flags,
                         char **out_up, char **out_down)
{
	strata_buf up = STRATA_BUF_INIT, down = STRATA_BUF_INIT,
	           body = STRATA_BUF_INIT;
	char *version = NULL;
	int rc;

	*out_up = *out_down = NULL;
	if (strchr(name, '/') || strstr(name, ".."))
		return strata_error_set(&s->err, STRATA_EUSAGE,
		                        "invalid migration name '%s': it must "
		                        "not contain a path separator or '..'",
		                        name);
	if (!strata_migration_name_valid(name))
		return strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "invalid migration name '%s': use lower-case letters, "
		    "digits and _ (for example add_users_table)",
		    name);
	if ((rc = make_dirs(s->dir, &s->err)) < 0 ||
	    (rc = strata_migrations_load(s)) < 0)
		return rc;
	if (!(version = choose_version(s, flags)))
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	if (flags & STRATA_NEW_SINGLE_FILE) {
		strata_buf_printf(&up, "%s/%s_%s.sql", s->dir, version, name);
		strata_buf_puts(&body, "-- strata:up\n");
		strata_buf_printf(&body, up_template, name);
		strata_buf_puts(&body, "-- strata:down\n");
		strata_buf_printf(&body, down_template, name);
		rc = write_new(up.ptr, body.ptr, &s->err);
	} else {
		strata_buf_printf(&up, "%s/%s_%s.up.sql", s->dir, version,
		                  name);
		strata_buf_printf(&down, "%s/%s_%s.down.sql", s->dir, version,
		                  name);
		strata_buf_printf(&body, up_template, name);
		if ((rc = write_new(up.ptr, body.ptr, &s->err)) == 0) {
			strata_buf_clear(&body);
			strata_buf_printf(&body, down_template, name);
			if ((rc = write_new(down.ptr, body.ptr, &s->err)) < 0)
				remove(up.ptr); /* all or nothing */
		}
	}
	free(version);
	strata_buf_dispose(&body);
	if (rc < 0) {
		strata_buf_dispose(&up);
		strata_buf_dispose(&down);
		return rc;
	}
	*out_up = strata_buf_detach(&up);
	*out_down = down.len ? strata_buf_detach(&down) : NULL;
	strata_buf_dispose(&down);
	s->loaded = 0; /* the directory changed */
	return 0;
}
