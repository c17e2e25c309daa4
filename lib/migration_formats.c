/*
 * The other tools' migration formats, read into the same in-memory
 * migrations as strata's own (migration_set.c):
 *   golang-migrate  <n>_<name>.up.sql / .down.sql
 *   dbmate          <ts>_<name>.sql, "-- migrate:up" / "-- migrate:down"
 *   goose           <n>_<name>.sql, "-- +goose Up" / "Down",
 *                   StatementBegin/StatementEnd, NO TRANSACTION
 *   Flyway          V<ver>__<desc>.sql, U<ver>__<desc>.sql (the down)
 *   diesel          <version>_<name>/up.sql + down.sql (+ metadata.toml)
 *   Supabase        <n>_<name>.sql, the whole file is the up
 * Each tool's own version rule is kept: numbers, or Flyway's tuples, which
 * strata_version_cmp() orders.  Files a tool would ignore are ignored; what
 * it would refuse is refused here, before any SQL runs.
 */
#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "migration_set.h"
#include "session.h"
#include "split.h"

static const char *const format_names[] = {
    "auto",  "strata", "golang-migrate", "dbmate",
    "goose", "flyway", "diesel",         "supabase",
};

int strata_format_id(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "gm") || !strcmp(name, "migrate"))
		return STRATA_FORMAT_GOLANG_MIGRATE;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names);
	     i++)
		if (!strcmp(name, format_names[i]))
			return (int)i;
	return -1;
}

const char *strata_format_name(int format)
{
	if (format < 0 ||
	    (size_t)format >= sizeof(format_names) / sizeof(*format_names))
		return "?";
	return format_names[format];
}

int strata_migrations_format(const strata *s)
{
	return s->loaded ? s->format_used : s->format;
}

/* One migration found on disk, before its files are read. */
struct entry {
	char *version, *name;      /* owned */
	char *up_path, *down_path; /* owned; down_path NULL: none */
	char *meta_path;           /* owned: diesel's metadata.toml, Flyway's
	                              .conf of the up (NULL: none) */
	char *down_meta_path;      /* owned: Flyway's .conf of the down */
};

struct list {
	struct entry *e; /* owned */
	size_t n, cap;
};

static void list_dispose(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->e[i].version);
		free(l->e[i].name);
		free(l->e[i].up_path);
		free(l->e[i].down_path);
		free(l->e[i].meta_path);
		free(l->e[i].down_meta_path);
	}
	free(l->e);
}

static char *join(const char *dir, const char *file)
{
	strata_buf b = STRATA_BUF_INIT;
	strata_buf_printf(&b, "%s/%s", dir, file);
	return strata_buf_detach(&b);
}

static int nomem(strata_error *err)
{
	return strata_error_set(err, STRATA_ENOMEM, "out of memory");
}

/* The entry for `version`: found, or appended empty. */
static int list_slot(struct list *l, const char *version, size_t vlen,
                     struct entry **out, strata_error *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->e[i].version) == vlen &&
		    !memcmp(l->e[i].version, version, vlen)) {
			*out = &l->e[i];
			return 0;
		}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct entry *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return nomem(err);
		l->e = e;
		l->cap = cap;
	}
	*out = &l->e[l->n];
	memset(*out, 0, sizeof(**out));
	if (!((*out)->version = strndup(version, vlen)))
		return nomem(err);
	l->n++;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- detection ---- */

static size_t line_end(const char *t, size_t p, size_t len)
{
	const char *nl = memchr(t + p, '\n', len - p);
	return nl ? (size_t)(nl - t) : len;
}

/* After "--" and blanks at the start of the line at t[p, eol): the offset
 * of the comment's text, or (size_t)-1 when the line is no comment. */
static size_t comment_text(const char *t, size_t p, size_t eol)
{
	while (p < eol && (t[p] == ' ' || t[p] == '\t'))
		p++;
	if (eol - p < 2 || t[p] != '-' || t[p + 1] != '-')
		return (size_t)-1;
	p += 2;
	while (p < eol && (t[p] == ' ' || t[p] == '\t'))
		p++;
	return p;
}

static int starts_word(const char *t, size_t p, size_t eol, const char *w)
{
	size_t n = strlen(w);
	return eol - p >= n && !strncasecmp(t + p, w, n);
}

/* Which tool's marker lines the file has: a STRATA_FORMAT_*, or 0. */
static int file_markers(const char *path, strata_error *err, int *out)
{
	char *t;
	size_t len;
	int rc;

	*out = 0;
	if ((rc = strata_read_text(path, &t, &len, err)) < 0)
		return rc;
	for (size_t p = 0; p < len && !*out;) {
		size_t eol = line_end(t, p, len);
		size_t c = comment_text(t, p, eol);
		if (c != (size_t)-1) {
			if (starts_word(t, c, eol, "strata:up"))
				*out = STRATA_FORMAT_STRATA;
			else if (starts_word(t, c, eol, "migrate:up"))
				*out = STRATA_FORMAT_DBMATE;
			else if (starts_word(t, c, eol, "+goose"))
				*out = STRATA_FORMAT_GOOSE;
		}
		p = eol + 1;
	}
	free(t);
	return 0;
}

/* Leading digits, then '_': the length of the digits, or 0. */
static size_t digits_prefix(const char *nm)
{
	size_t n = strspn(nm, "0123456789");
	return n && nm[n] == '_' ? n : 0;
}

/* Flyway: V<ver>__ or U<ver>__ with a version of digits, '.' and '_'
 * (starting with a digit): the version's length, or 0. */
static size_t flyway_version(const char *nm)
{
	const char *sep;
	size_t n;

	if ((nm[0] != 'V' && nm[0] != 'U') || !isdigit((unsigned char)nm[1]))
		return 0;
	if (!(sep = strstr(nm + 1, "__")))
		return 0;
	n = (size_t)(sep - nm - 1);
	return strspn(nm + 1, "0123456789._") >= n ? n : 0;
}

/* A pair file with a name both strata and golang-migrate take. */
#define PAIR_EITHER 100

/* The format one directory entry says, or 0 when it says none. */
static int entry_format(const char *dir, const char *nm, strata_error *err,
                        int *out)
{
	char *path = join(dir, nm), *sub;
	int rc = 0;

	*out = 0;
	if (!path)
		return nomem(err);
	if (is_dir(path)) {
		if (!(sub = join(path, "up.sql"))) {
			free(path);
			return nomem(err);
		}
		if (digits_prefix(nm) || strchr(nm, '_'))
			if (access(sub, F_OK) == 0)
				*out = STRATA_FORMAT_DIESEL;
		free(sub);
	} else if (!ends_with(nm, ".sql")) {
		/* not a migration in any format */
	} else if (flyway_version(nm) || !strncmp(nm, "R__", 3)) {
		*out = STRATA_FORMAT_FLYWAY;
	} else if (!digits_prefix(nm)) {
		/* strata's reader refuses it, the others ignore it */
	} else if (ends_with(nm, ".up.sql") || ends_with(nm, ".down.sql")) {
		char *v, *n;
		int kind;
		/* strata's pairs are golang-migrate's with stricter names */
		if (strata_migration_file_parse(nm, &v, &n, &kind) == 0) {
			free(v);
			free(n);
			*out = PAIR_EITHER;
		} else {
			*out = STRATA_FORMAT_GOLANG_MIGRATE;
		}
	} else if (ends_with(nm, ".verify.sql")) {
		*out = STRATA_FORMAT_STRATA;
	} else if ((rc = file_markers(path, err, out)) == 0 && !*out) {
		/* no marker at all: a Supabase migration where Supabase keeps
		 * them; elsewhere strata's reader says what is missing */
		size_t l = strlen(dir);
		while (l > 1 && dir[l - 1] == '/')
			l--;
		*out =
		    l >= 19 && !strncmp(dir + l - 19, "supabase/migrations", 19)
		        ? STRATA_FORMAT_SUPABASE
		        : STRATA_FORMAT_STRATA;
	}
	free(path);
	return rc;
}

int strata_format_detect(const char *dir, int *out, strata_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *first = NULL, *pair = NULL;
	int rc = 0;

	*out = STRATA_FORMAT_STRATA;
	if (!d)
		return strata_error_set(
		    err, STRATA_EIO,
		    "cannot open migrations directory '%s': %s", dir,
		    strerror(errno));
	while ((de = readdir(d))) {
		char **slot;
		int f;

		if (de->d_name[0] == '.')
			continue;
		if ((rc = entry_format(dir, de->d_name, err, &f)) < 0)
			break;
		if (!f)
			continue;
		slot = f == PAIR_EITHER ? &pair : &first;
		if (!*slot && !(*slot = strdup(de->d_name))) {
			rc = nomem(err);
			break;
		}
		if (f == PAIR_EITHER)
			continue;
		/* a name strata refuses, next to strata's own files: a typo,
		 * which strata's reader then names */
		if (f == STRATA_FORMAT_GOLANG_MIGRATE &&
		    *out == STRATA_FORMAT_STRATA && strcmp(first, de->d_name))
			continue;
		if (f == STRATA_FORMAT_STRATA &&
		    *out == STRATA_FORMAT_GOLANG_MIGRATE) {
			*out = f;
			continue;
		}
		if (*slot == first && strcmp(first, de->d_name) == 0) {
			*out = f;
		} else if (f != *out) {
			rc = strata_error_set(
			    err, STRATA_EFORMAT,
			    "'%s' mixes migration formats: '%s' is %s, '%s' "
			    "is %s; say which with --format NAME",
			    dir, first, strata_format_name(*out), de->d_name,
			    strata_format_name(f));
			break;
		}
	}
	closedir(d);
	/* pairs both take are golang-migrate's next to its other names */
	if (rc == 0 && first && pair && *out != STRATA_FORMAT_STRATA &&
	    *out != STRATA_FORMAT_GOLANG_MIGRATE)
		rc = strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s' mixes migration formats: '%s' is %s, '%s' is "
		    "strata or golang-migrate; say which with --format NAME",
		    dir, first, strata_format_name(*out), pair);
	free(first);
	free(pair);
	return rc;
}

/* ---- listing each tool's files ---- */

static int set_str(char **slot, const char *dir, const char *file,
                   const char *what, strata_error *err)
{
	if (*slot)
		return strata_error_set(err, STRATA_EFORMAT,
		                        "duplicate %s: '%s' and '%s/%s'", what,
		                        *slot, dir, file);
	if (!(*slot = join(dir, file)))
		return nomem(err);
	return 0;
}

/* golang-migrate: {version}_{title}.up.sql / .down.sql (any title). */
static int list_gm(const char *dir, const char *nm, struct list *l,
                   strata_error *err)
{
	size_t v = digits_prefix(nm), l0 = strlen(nm), tail;
	int down;
	struct entry *e;
	int rc;

	if (!v)
		return 0;
	if (ends_with(nm, ".up.sql"))
		down = 0, tail = 7;
	else if (ends_with(nm, ".down.sql"))
		down = 1, tail = 9;
	else
		return 0;
	if (l0 < v + 1 + tail)
		return 0;
	if ((rc = list_slot(l, nm, v, &e, err)) < 0)
		return rc;
	if (!down && !e->name &&
	    !(e->name = strndup(nm + v + 1, l0 - v - 1 - tail)))
		return nomem(err);
	return set_str(down ? &e->down_path : &e->up_path, dir, nm,
	               down ? "down migration" : "up migration", err);
}

/* dbmate, goose, Supabase: {version}_{name}.sql */
static int list_single(const char *dir, const char *nm, struct list *l,
                       int format, strata_error *err)
{
	size_t v = digits_prefix(nm), l0 = strlen(nm);
	struct entry *e;
	int rc;

	if (format == STRATA_FORMAT_GOOSE && v && ends_with(nm, ".go"))
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s/%s' is a goose migration in Go: strata runs SQL "
		    "migrations only",
		    dir, nm);
	if (!v || !ends_with(nm, ".sql") || l0 < v + 1 + 4)
		return 0;
	if ((rc = list_slot(l, nm, v, &e, err)) < 0)
		return rc;
	if ((rc = set_str(&e->up_path, dir, nm, "migration version", err)) < 0)
		return rc;
	if (!(e->name = strndup(nm + v + 1, l0 - v - 1 - 4)))
		return nomem(err);
	return 0;
}

/* Flyway: V<ver>__<desc>.sql, U<ver>__<desc>.sql, each maybe with a
 * <file>.conf; the version's '_' are '.', as Flyway records it. */
static int list_flyway(const char *dir, const char *nm, struct list *l,
                       strata_error *err)
{
	size_t v = flyway_version(nm), l0 = strlen(nm);
	char ver[256], *conf;
	struct entry *e;
	int rc, down = nm[0] == 'U';

	if (!strncmp(nm, "R__", 3) && ends_with(nm, ".sql"))
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s/%s' is a Flyway repeatable migration: strata does "
		    "not run those (yet); move it out of '%s'",
		    dir, nm, dir);
	if (!v || !ends_with(nm, ".sql"))
		return 0;
	if (v >= sizeof(ver) || nm[v] == '.' || nm[v] == '_' ||
	    strstr(nm + 1, "..") || strstr(nm + 1, "._") ||
	    strstr(nm + 1, "_."))
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s/%s': '%.*s' is not a Flyway version", dir, nm, (int)v,
		    nm + 1);
	memcpy(ver, nm + 1, v);
	ver[v] = 0;
	for (char *p = ver; *p; p++)
		if (*p == '_')
			*p = '.';
	if ((rc = list_slot(l, ver, v, &e, err)) < 0)
		return rc;
	if (!down && !e->name &&
	    !(e->name = strndup(nm + 1 + v + 2, l0 - (1 + v + 2) - 4)))
		return nomem(err);
	if ((rc = set_str(down ? &e->down_path : &e->up_path, dir, nm,
	                  down ? "undo migration" : "migration version", err)) <
	    0)
		return rc;
	if (!(conf = join(dir, nm)))
		return nomem(err);
	{
		strata_buf b = STRATA_BUF_INIT;
		strata_buf_printf(&b, "%s.conf", conf);
		free(conf);
		if (access(b.ptr, F_OK) == 0)
			*(down ? &e->down_meta_path : &e->meta_path) =
			    strata_buf_detach(&b);
		else
			strata_buf_dispose(&b);
	}
	return 0;
}

/* diesel: <version>_<name>/ with up.sql, down.sql, maybe metadata.toml;
 * the version is the name up to the first '_' without its dashes. */
static int list_diesel(const char *dir, const char *nm, struct list *l,
                       strata_error *err)
{
	const char *us = strchr(nm, '_');
	char *sub, ver[128];
	size_t n = 0;
	struct entry *e;
	int rc = 0;

	if (!us || !(sub = join(dir, nm)))
		return us ? nomem(err) : 0;
	if (!is_dir(sub)) {
		free(sub);
		return 0;
	}
	for (const char *p = nm; p < us && n < sizeof(ver) - 1; p++)
		if (*p != '-')
			ver[n++] = *p;
	ver[n] = 0;
	if (!n || strspn(ver, "0123456789") != n) {
		rc = strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s/%s': a diesel migration directory is "
		    "<version>_<name>, with a version of digits and dashes",
		    dir, nm);
		goto done;
	}
	if ((rc = list_slot(l, ver, n, &e, err)) < 0)
		goto done;
	if ((rc = set_str(&e->up_path, sub, "up.sql", "migration version",
	                  err)) < 0)
		goto done;
	if (access(e->up_path, F_OK) != 0) {
		rc = strata_error_set(err, STRATA_EFORMAT, "'%s' has no up.sql",
		                      sub);
		goto done;
	}
	if (!(e->name = strdup(us + 1)) ||
	    !(e->down_path = join(sub, "down.sql")) ||
	    !(e->meta_path = join(sub, "metadata.toml"))) {
		rc = nomem(err);
		goto done;
	}
	if (access(e->down_path, F_OK) != 0) {
		free(e->down_path);
		e->down_path = NULL;
	}
	if (access(e->meta_path, F_OK) != 0) {
		free(e->meta_path);
		e->meta_path = NULL;
	}
done:
	free(sub);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strata_version_cmp(((const struct entry *)a)->version,
	                          ((const struct entry *)b)->version);
}

static int list_dir(strata *s, struct list *l)
{
	DIR *d = opendir(s->dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return strata_error_set(
		    &s->err, STRATA_EIO,
		    "cannot open migrations directory '%s': %s", s->dir,
		    strerror(errno));
	while (rc == 0 && (de = readdir(d))) {
		const char *nm = de->d_name;
		if (nm[0] == '.')
			continue;
		switch (s->format_used) {
		case STRATA_FORMAT_GOLANG_MIGRATE:
			rc = list_gm(s->dir, nm, l, &s->err);
			break;
		case STRATA_FORMAT_FLYWAY:
			rc = list_flyway(s->dir, nm, l, &s->err);
			break;
		case STRATA_FORMAT_DIESEL:
			rc = list_diesel(s->dir, nm, l, &s->err);
			break;
		default:
			rc =
			    list_single(s->dir, nm, l, s->format_used, &s->err);
		}
	}
	closedir(d);
	if (rc < 0)
		return rc;
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(*l->e), entry_cmp);
	for (size_t i = 0; i < l->n; i++) {
		/* "1" and "01", or Flyway's "1.0" and "1": one version */
		if (i + 1 < l->n &&
		    strata_version_cmp(l->e[i].version, l->e[i + 1].version) ==
		        0)
			return strata_error_set(
			    &s->err, STRATA_EFORMAT,
			    "duplicate migration version: '%s' and '%s'",
			    l->e[i].up_path ? l->e[i].up_path
			                    : l->e[i].down_path,
			    l->e[i + 1].up_path ? l->e[i + 1].up_path
			                        : l->e[i + 1].down_path);
		if (!l->e[i].up_path)
			return strata_error_set(
			    &s->err, STRATA_EFORMAT,
			    "'%s' is a down migration without an up migration",
			    l->e[i].down_path);
	}
	return 0;
}

/* ---- the insides of the files ---- */

/* Whether a settings file (diesel's metadata.toml, Flyway's .conf) sets
 * `key` to false: "key = false" on a line of its own. */
static int setting_false(const char *path, const char *key, int *out,
                         strata_error *err)
{
	char *t;
	size_t len, kl = strlen(key);
	int rc;

	*out = 0;
	if (!path)
		return 0;
	if ((rc = strata_read_text(path, &t, &len, err)) < 0)
		return rc;
	for (size_t p = 0; p < len;) {
		size_t eol = line_end(t, p, len), q = p;
		while (q < eol && isspace((unsigned char)t[q]))
			q++;
		if (eol - q > kl && !memcmp(t + q, key, kl)) {
			q += kl;
			while (q < eol && isspace((unsigned char)t[q]))
				q++;
			if (q < eol && t[q] == '=') {
				q++;
				while (q < eol && isspace((unsigned char)t[q]))
					q++;
				*out =
				    eol - q >= 5 && !strncmp(t + q, "false", 5);
			}
		}
		p = eol + 1;
	}
	free(t);
	return 0;
}

/*
 * A single file with an up marker (at `up`, the line after it starting the
 * up section) and maybe a down marker (at `down`, (size_t)-1: none): the
 * sections of m, refusing a file without the up marker or with SQL before
 * it.  dbmate's and goose's readers share it.
 */
static int set_sections(struct migration_file *m, const char *t, size_t len,
                        size_t up, size_t down, const char *marker,
                        const char *why, strata_error *err)
{
	if (up == (size_t)-1)
		return strata_error_set(err, STRATA_EFORMAT,
		                        "'%s' has no '%s' line %s", m->up_path,
		                        marker, why);
	if (strata_sql_skip_blank(t, 0, up, 0) < up)
		return strata_error_at(err, STRATA_EFORMAT, m->up_path, t,
		                       strata_sql_skip_blank(t, 0, up, 0),
		                       "SQL before the '%s' line", marker);
	m->up_end = down != (size_t)-1 ? down : len;
	if (down != (size_t)-1) {
		m->down_text = m->up_text;
		m->down_end = len;
		if (!(m->down_path = strdup(m->up_path)))
			return nomem(err);
	}
	return 0;
}

/* dbmate: "-- migrate:up [transaction:false]", then "-- migrate:down". */
static int sections_dbmate(struct migration_file *m, size_t len,
                           strata_error *err)
{
	const char *t = m->up_text;
	size_t up = (size_t)-1, down = (size_t)-1;

	for (size_t p = 0; p < len;) {
		size_t eol = line_end(t, p, len), c = comment_text(t, p, eol);
		int is_up = 0;

		if (c != (size_t)-1 &&
		    ((is_up = starts_word(t, c, eol, "migrate:up")) ||
		     starts_word(t, c, eol, "migrate:down"))) {
			int no_tx = 0;
			for (size_t q = c; q + 17 <= eol; q++)
				if (!memcmp(t + q, "transaction:false", 17))
					no_tx = 1;
			if ((is_up && up != (size_t)-1) ||
			    (!is_up && down != (size_t)-1))
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    "second '-- migrate:%s' line",
				    is_up ? "up" : "down");
			if (is_up && down != (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    "'-- migrate:up' after '-- migrate:down'");
			if (is_up) {
				up = p;
				m->up_start = eol < len ? eol + 1 : len;
				m->pub.flags |= no_tx ? STRATA_MIG_UP_NO_TX : 0;
			} else {
				down = p;
				m->down_start = eol < len ? eol + 1 : len;
				m->pub.flags |=
				    no_tx ? STRATA_MIG_DOWN_NO_TX : 0;
			}
		}
		p = eol + 1;
	}
	return set_sections(m, t, len, up, down, "-- migrate:up",
	                    "(a dbmate migration needs one)", err);
}

static int add_block(struct migration_file *m, size_t start, size_t end)
{
	size_t *b = realloc(m->blocks, (m->nblocks + 1) * 2 * sizeof(*b));
	if (!b)
		return STRATA_ENOMEM;
	m->blocks = b;
	b[m->nblocks * 2] = start;
	b[m->nblocks * 2 + 1] = end;
	m->nblocks++;
	return 0;
}

/* goose: "-- +goose Up", "-- +goose Down", StatementBegin/End around what
 * must run whole, "-- +goose NO TRANSACTION" for the whole file. */
static int sections_goose(struct migration_file *m, size_t len,
                          strata_error *err)
{
	const char *t = m->up_text;
	size_t up = (size_t)-1, down = (size_t)-1, begin = (size_t)-1,
	       begin_at = 0;

	for (size_t p = 0; p < len;) {
		size_t eol = line_end(t, p, len), c = comment_text(t, p, eol);
		size_t a, e;

		if (c == (size_t)-1 || !starts_word(t, c, eol, "+goose")) {
			p = eol + 1;
			continue;
		}
		a = c + 6;
		while (a < eol && (t[a] == ' ' || t[a] == '\t'))
			a++;
		e = eol;
		while (e > a && isspace((unsigned char)t[e - 1]))
			e--;
#define IS(w) (e - a == strlen(w) && !strncasecmp(t + a, w, e - a))
		if (IS("up") || IS("down")) {
			int is_up = IS("up");
			if (begin != (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t,
				    begin_at,
				    "'-- +goose StatementBegin' without "
				    "'-- +goose StatementEnd'");
			if ((is_up && up != (size_t)-1) ||
			    (!is_up && down != (size_t)-1))
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    "second '-- +goose %s' line",
				    is_up ? "Up" : "Down");
			if (is_up && down != (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    "'-- +goose Up' after '-- +goose Down'");
			if (!is_up && up == (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    "'-- +goose Down' before '-- +goose Up'");
			*(is_up ? &up : &down) = p;
			*(is_up ? &m->up_start : &m->down_start) =
			    eol < len ? eol + 1 : len;
		} else if (IS("statementbegin")) {
			if (up == (size_t)-1 || begin != (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    up == (size_t)-1
				        ? "'-- +goose StatementBegin' before "
				          "'-- +goose Up'"
				        : "'-- +goose StatementBegin' inside "
				          "another one");
			begin = eol < len ? eol + 1 : len;
			begin_at = c;
		} else if (IS("statementend")) {
			if (begin == (size_t)-1)
				return strata_error_at(
				    err, STRATA_EFORMAT, m->up_path, t, c,
				    "'-- +goose StatementEnd' without "
				    "'-- +goose StatementBegin'");
			if (add_block(m, begin, p) < 0)
				return nomem(err);
			begin = (size_t)-1;
		} else if (IS("no transaction")) {
			m->pub.flags |=
			    STRATA_MIG_UP_NO_TX | STRATA_MIG_DOWN_NO_TX;
		} else if (IS("envsub off")) {
			/* the default */
		} else if (IS("envsub on")) {
			return strata_error_at(
			    err, STRATA_EFORMAT, m->up_path, t, c,
			    "'-- +goose ENVSUB ON': strata runs the SQL as "
			    "written, without putting in environment "
			    "variables");
		} else {
			return strata_error_at(
			    err, STRATA_EFORMAT, m->up_path, t, c,
			    "unknown goose annotation '%.*s' (known: Up, Down, "
			    "StatementBegin, StatementEnd, NO TRANSACTION)",
			    (int)(e - a), t + a);
		}
#undef IS
		p = eol + 1;
	}
	if (begin != (size_t)-1)
		return strata_error_at(err, STRATA_EFORMAT, m->up_path, t,
		                       begin_at,
		                       "'-- +goose StatementBegin' without "
		                       "'-- +goose StatementEnd'");
	return set_sections(m, t, len, up, down, "-- +goose Up",
	                    "(a goose migration starts with one)", err);
}

/* Reads one entry's files into m (which owns what it is given). */
static int read_entry(strata *s, struct entry *e, strata_hasher *hasher,
                      struct migration_file *m)
{
	strata_error *err = &s->err;
	size_t len;
	char sum[65];
	int rc, f;

	m->version = e->version;
	m->name = e->name;
	m->up_path = e->up_path;
	e->version = e->name = e->up_path = NULL;
	if (!m->name && !(m->name = strdup("")))
		return nomem(err);
	m->lock_timeout_ms[0] = m->lock_timeout_ms[1] = -1;
	m->statement_timeout_ms[0] = m->statement_timeout_ms[1] = -1;
	m->verify_lock_timeout_ms = m->verify_statement_timeout_ms = -1;
	if ((rc = strata_read_text(m->up_path, &m->up_text, &len, err)) < 0)
		return rc;
	m->up_start = 0;
	m->up_end = len;
	if (s->format_used == STRATA_FORMAT_FLYWAY ||
	    s->format_used == STRATA_FORMAT_SUPABASE)
		m->pub.flags |= STRATA_MIG_FORWARD_ONLY;
	switch (s->format_used) {
	case STRATA_FORMAT_DBMATE:
		m->pub.flags |= STRATA_MIG_SINGLE_FILE;
		rc = sections_dbmate(m, len, err);
		break;
	case STRATA_FORMAT_GOOSE:
		m->pub.flags |= STRATA_MIG_SINGLE_FILE;
		rc = sections_goose(m, len, err);
		break;
	default:
		if (e->down_path) {
			m->down_path = e->down_path;
			e->down_path = NULL;
			if ((rc = strata_read_text(m->down_path, &m->down_text,
			                           &len, err)) < 0)
				return rc;
			m->down_start = 0;
			m->down_end = len;
		}
		if (s->format_used == STRATA_FORMAT_DIESEL) {
			if ((rc = setting_false(e->meta_path,
			                        "run_in_transaction", &f,
			                        err)) < 0)
				return rc;
			m->pub.flags |=
			    f ? STRATA_MIG_UP_NO_TX | STRATA_MIG_DOWN_NO_TX : 0;
		} else if (s->format_used == STRATA_FORMAT_FLYWAY) {
			if ((rc = setting_false(e->meta_path,
			                        "executeInTransaction", &f,
			                        err)) < 0)
				return rc;
			m->pub.flags |= f ? STRATA_MIG_UP_NO_TX : 0;
			if ((rc = setting_false(e->down_meta_path,
			                        "executeInTransaction", &f,
			                        err)) < 0)
				return rc;
			m->pub.flags |= f ? STRATA_MIG_DOWN_NO_TX : 0;
		}
	}
	if (rc < 0)
		return rc;
	if (strata_hasher_hex(hasher, m->up_text + m->up_start,
	                      m->up_end - m->up_start, sum) < 0)
		return strata_error_set(err, STRATA_ERROR,
		                        "cannot compute checksum");
	if (!(m->checksum = strdup(sum)))
		return nomem(err);
	m->pub.version = m->version;
	m->pub.name = m->name;
	m->pub.up_path = m->up_path;
	m->pub.down_path = m->down_path;
	m->pub.checksum = m->checksum;
	return 0;
}

/* ---- what the tool would warn about ---- */

static int line_of(const char *t, size_t at)
{
	int line = 1;
	for (size_t i = 0; i < at; i++)
		line += t[i] == '\n';
	return line;
}

static void warn(strata *s, const struct migration_file *m, const char *path,
                 int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void warn(strata *s, const struct migration_file *m, const char *path,
                 int line, const char *fmt, ...)
{
	strata_buf b = STRATA_BUF_INIT;
	strata_event ev;
	va_list ap;

	if (!s->on_event)
		return;
	if (line)
		strata_buf_printf(&b, "%s:%d: ", path, line);
	else
		strata_buf_printf(&b, "%s: ", path);
	va_start(ap, fmt);
	strata_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.type = STRATA_EVENT_WARNING;
	ev.migration = &m->pub;
	ev.message = b.ptr;
	ev.file = path;
	ev.line = line;
	s->on_event(&ev, s->event_data);
	strata_buf_dispose(&b);
}

/*
 * Where the section's last statement ends without its ';': the offset of
 * the line it ends on, or (size_t)-1.  By lines: the last one with
 * something else than blanks and a '--' comment must have a ';' with only
 * blanks or a comment after it.  (A statement ending inside a block
 * comment's line is taken as ended.)
 */
static size_t missing_semicolon(const char *t, size_t start, size_t end)
{
	size_t last = (size_t)-1, last_eol = 0;

	for (size_t p = start; p < end;) {
		size_t eol = line_end(t, p, end), c = p;
		while (c < eol && isspace((unsigned char)t[c]))
			c++;
		if (c < eol &&
		    !(eol - c >= 2 && t[c] == '-' && t[c + 1] == '-'))
			last = p, last_eol = eol;
		p = eol + 1;
	}
	if (last == (size_t)-1)
		return (size_t)-1;
	for (size_t q = last_eol; q > last; q--) {
		char c = t[q - 1];
		if (c == ';')
			return (size_t)-1;
		if (c == '-' && q - 1 > last && t[q - 2] == '-')
			last_eol = q - 2; /* a comment after the statement */
		if (c == '/' && q - 1 > last && t[q - 2] == '*')
			return (size_t)-1;
	}
	return last;
}

/*
 * What strata reads from another tool's files as that tool does, but what
 * is most likely a slip: an empty down (strata's 'down' refuses it), a
 * last statement without ';' (fine alone, a broken statement once another
 * is appended), a name with a space.  Said once per session, as a
 * STRATA_EVENT_WARNING with the file and line; the files are read again by
 * some commands.
 */
static void warn_entry(strata *s, const struct migration_file *m)
{
	size_t at;

	if (strchr(m->name, ' '))
		warn(s, m, m->up_path, 0,
		     "the name '%s' has a space (strata convert makes it a "
		     "name of a-z, 0-9 and _)",
		     m->name);
	if ((at = missing_semicolon(m->up_text, m->up_start, m->up_end)) !=
	    (size_t)-1)
		warn(s, m, m->up_path, line_of(m->up_text, at),
		     "the last statement of the up section has no final ';'");
	if (!m->down_text)
		return;
	if (strata_sql_skip_blank(m->down_text, m->down_start, m->down_end,
	                          0) >= m->down_end)
		warn(s, m, m->down_path, line_of(m->down_text, m->down_start),
		     "the down section is empty%s: 'down' refuses to run it",
		     m->down_text == m->up_text ? "" : " (an empty file)");
	else if ((at = missing_semicolon(m->down_text, m->down_start,
	                                 m->down_end)) != (size_t)-1)
		warn(s, m, m->down_path, line_of(m->down_text, at),
		     "the last statement of the down section has no final "
		     "';'");
}

int strata_formats_load(strata *s)
{
	struct list l = {0};
	strata_hasher *hasher = NULL;
	int rc;

	if ((rc = list_dir(s, &l)) < 0)
		goto done;
	if (strata_hasher_new(&hasher) < 0) {
		rc = strata_error_set(&s->err, STRATA_ERROR,
		                      "cannot set up SHA-256");
		goto done;
	}
	if (!(s->migs = calloc(l.n ? l.n : 1, sizeof(*s->migs)))) {
		rc = nomem(&s->err);
		goto done;
	}
	for (size_t i = 0; i < l.n; i++)
		/* a partly filled entry is disposed with the rest */
		if ((rc = read_entry(s, &l.e[i], hasher,
		                     &s->migs[s->nmigs++])) < 0)
			goto done;
	if (!s->format_warned)
		for (size_t i = 0; i < s->nmigs; i++)
			warn_entry(s, &s->migs[i]);
	s->format_warned = 1;
done:
	list_dispose(&l);
	strata_hasher_free(hasher);
	return rc;
}

/* ---- splitting around blocks ---- */

static int append(strata_stmt_list *out, strata_stmt_list *part)
{
	strata_stmt *items;

	if (!part->count)
		return 0;
	items =
	    realloc(out->items, (out->count + part->count) * sizeof(*items));
	if (!items)
		return STRATA_ENOMEM;
	memcpy(items + out->count, part->items, part->count * sizeof(*items));
	out->items = items;
	out->count += part->count;
	free(part->items);
	part->items = NULL;
	part->count = 0;
	return 0;
}

int strata_split_blocks(strata *s, const struct migration_file *m,
                        struct section sec, strata_stmt_list *out)
{
	const struct strata_driver *d;
	size_t pos = sec.start;
	int rc, nested;

	memset(out, 0, sizeof(*out));
	if ((rc = strata_session_driver(s, &d)) < 0)
		return rc;
	nested = d->dialect == STRATA_DIALECT_POSTGRES;
	for (size_t i = 0; i <= m->nblocks; i++) {
		size_t b0 = i < m->nblocks ? m->blocks[2 * i] : sec.end;
		size_t b1 = i < m->nblocks ? m->blocks[2 * i + 1] : sec.end;
		struct section part = sec;
		strata_stmt_list l;

		if (b1 <= sec.start || b0 >= sec.end) {
			if (i < m->nblocks)
				continue;
			b0 = b1 = sec.end;
		}
		part.start = pos;
		part.end = b0;
		if (part.end > part.start) {
			if ((rc = strata_session_split_section(s, part, &l)) <
			    0)
				goto fail;
			if ((rc = append(out, &l)) < 0) {
				strata_stmt_list_dispose(&l);
				goto fail;
			}
		}
		if (b1 > b0) {
			/* the block is one statement, as goose sends it;
			 * only its final ';' goes, like every statement's */
			size_t e = b1;
			while (e > b0 &&
			       isspace((unsigned char)sec.text[e - 1]))
				e--;
			if (e > b0 && sec.text[e - 1] == ';')
				e--;
			if ((rc = strata_stmt_list_push(out, sec.text, b0, e,
			                                nested)) < 0)
				goto fail;
		}
		pos = b1;
	}
	return 0;
fail:
	strata_stmt_list_dispose(out);
	return rc;
}
