/*
 * Finding and reading migration files in the native format:
 *   <version>_<name>.up.sql + <version>_<name>.down.sql, or
 *   <version>_<name>.sql with "-- strata:up" and "-- strata:down" sections;
 *   and a migration's verify script, <version>_<name>.verify.sql or a
 *   "-- strata:verify" section (strata verify runs it).
 * Everything wrong with a file is refused here, before any SQL runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backfill.h"
#include "error.h"
#include "migration_set.h"
#include "session.h"
#include "split.h"

enum kind { KIND_SINGLE, KIND_UP, KIND_DOWN, KIND_VERIFY };

struct found {
	char *file;           /* base name, owned */
	char *version, *name; /* owned */
	enum kind kind;
};

/*
 * Versions compare as tuples of numbers separated by '.' or '_' (Flyway's
 * "1.2.10"), each part by its value: leading zeros do not count, and a
 * missing part is 0, as in Flyway ("1" == "1.0").  A plain string of
 * digits is a one-part tuple, so every tool's numeric order is this one.
 */
int strata_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		size_t la = strcspn(a, "._"), lb = strcspn(b, "._");
		const char *pa = a, *pb = b;
		size_t za = la, zb = lb;
		int c;

		while (za && *pa == '0')
			pa++, za--;
		while (zb && *pb == '0')
			pb++, zb--;
		if (za != zb)
			return za < zb ? -1 : 1;
		if ((c = memcmp(pa, pb, za)))
			return c < 0 ? -1 : 1;
		a += la;
		b += lb;
		if (*a)
			a++;
		if (*b)
			b++;
	}
	return 0;
}

int strata_migration_name_valid(const char *name)
{
	if (!*name)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return 0;
	return 1;
}

/* "<digits>_<name>[.up|.down].sql" -> parts; 0 or -1 when it does not parse. */
int strata_migration_file_parse(const char *file, char **version, char **name,
                                int *kind)
{
	const char *p = file, *n0, *n1;
	enum kind k;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == file || *p != '_')
		return -1;
	n0 = ++p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	n1 = p;
	if (n1 == n0)
		return -1;
	if (strcmp(p, ".sql") == 0)
		k = KIND_SINGLE;
	else if (strcmp(p, ".up.sql") == 0)
		k = KIND_UP;
	else if (strcmp(p, ".down.sql") == 0)
		k = KIND_DOWN;
	else if (strcmp(p, ".verify.sql") == 0)
		k = KIND_VERIFY;
	else
		return -1;
	*version = strndup(file, (size_t)(n0 - 1 - file));
	*name = strndup(n0, (size_t)(n1 - n0));
	*kind = (int)k;
	if (!*version || !*name) {
		free(*version);
		free(*name);
		return -1;
	}
	return 0;
}

static char *path_join(const char *dir, const char *file)
{
	strata_buf b = STRATA_BUF_INIT;
	strata_buf_printf(&b, "%s/%s", dir, file);
	return strata_buf_detach(&b);
}

/* Reads a whole file; removes a UTF-8 byte order mark. */
int strata_read_text(const char *path, char **out, size_t *out_len,
                     strata_error *err)
{
	strata_buf b = STRATA_BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return strata_error_set(err, STRATA_EIO, "cannot read '%s': %s",
		                        path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (strata_buf_add(&b, chunk, n) < 0) {
			fclose(f);
			strata_buf_dispose(&b);
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		}
	if (ferror(f)) {
		fclose(f);
		strata_buf_dispose(&b);
		return strata_error_set(err, STRATA_EIO, "cannot read '%s': %s",
		                        path, strerror(errno));
	}
	fclose(f);
	if (memchr(b.ptr, '\0', b.len)) {
		strata_buf_dispose(&b);
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s' contains a NUL byte: not a text file", path);
	}
	if (b.len >= 3 && memcmp(b.ptr, "\xEF\xBB\xBF", 3) == 0) {
		memmove(b.ptr, b.ptr + 3, b.len - 2);
		b.len -= 3;
	}
	*out_len = b.len;
	*out = strata_buf_detach(&b);
	return 0;
}

void strata_migration_file_dispose(struct migration_file *m)
{
	if (m->down_text != m->up_text)
		free(m->down_text);
	if (m->verify_text != m->up_text)
		free(m->verify_text);
	free(m->verify_path);
	free(m->up_text);
	free(m->version);
	free(m->name);
	free(m->up_path);
	free(m->down_path);
	free(m->checksum);
	free(m->blocks);
	memset(m, 0, sizeof(*m));
}

/*
 * A single file's head, before '-- strata:up': a '-- strata:no-transaction'
 * there is the up section's.  It is outside the checksum so that a file
 * converted from a tool that says it outside the up section (goose's NO
 * TRANSACTION, dbmate's 'migrate:up transaction:false') keeps the checksum
 * of its up section.  Other directives belong in a section.
 */
static int head_directives(struct migration_file *m, struct section_opts *up,
                           strata_error *err)
{
	struct section_opts h;
	const char *t = m->up_text;
	size_t at;
	int rc;

	if ((rc = strata_section_directives(m->up_path, t, 0, m->head_end, 0,
	                                    &h, err)) < 0)
		return rc;
	if ((at = strata_head_other_directive(t, m->head_end)) != (size_t)-1)
		return strata_error_at(
		    err, STRATA_EFORMAT, m->up_path, t, at,
		    "only 'strata:no-transaction' (for the up section) and "
		    "lint's 'strata:ignore-file' go before '-- strata:up': "
		    "put this one in its section");
	up->no_tx |= h.no_tx;
	return 0;
}

/* Reads the files of one migration and fills in everything else. */
static int migration_read(struct migration_file *m, strata_hasher *hasher,
                          strata_error *err)
{
	size_t len;
	struct section_opts up = {0, -1, -1}, down = {0, -1, -1},
	                    verify = {0, -1, -1};
	int rc;
	char sum[65];

	if ((rc = strata_read_text(m->up_path, &m->up_text, &len, err)) < 0)
		return rc;
	if (m->pub.flags & STRATA_MIG_SINGLE_FILE) {
		if ((rc = strata_sections_find(m, len, err)) < 0)
			return rc;
	} else {
		m->up_start = 0;
		m->up_end = len;
		if (m->down_path) {
			if ((rc = strata_read_text(m->down_path, &m->down_text,
			                           &len, err)) < 0)
				return rc;
			m->down_start = 0;
			m->down_end = len;
		}
	}
	if (m->verify_path && !m->verify_text) {
		if ((rc = strata_read_text(m->verify_path, &m->verify_text,
		                           &len, err)) < 0)
			return rc;
		m->verify_start = 0;
		m->verify_end = len;
	}
	if ((rc = strata_section_directives(m->up_path, m->up_text, m->up_start,
	                                    m->up_end, 0, &up, err)) < 0)
		return rc;
	if (m->head_end && (rc = head_directives(m, &up, err)) < 0)
		return rc;
	if (m->down_text && (rc = strata_section_directives(
	                         m->down_path, m->down_text, m->down_start,
	                         m->down_end, 0, &down, err)) < 0)
		return rc;
	if (m->verify_text &&
	    (rc = strata_section_directives(m->verify_path, m->verify_text,
	                                    m->verify_start, m->verify_end, 1,
	                                    &verify, err)) < 0)
		return rc;
	m->verify_lock_timeout_ms = verify.lock_timeout_ms;
	m->verify_statement_timeout_ms = verify.statement_timeout_ms;
	if (strata_hasher_hex(hasher, m->up_text + m->up_start,
	                      m->up_end - m->up_start, sum) < 0)
		return strata_error_set(err, STRATA_ERROR,
		                        "cannot compute checksum");
	if (!(m->checksum = strdup(sum)))
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	m->pub.flags |= (up.no_tx ? STRATA_MIG_UP_NO_TX : 0) |
	                (down.no_tx ? STRATA_MIG_DOWN_NO_TX : 0);
	m->lock_timeout_ms[STRATA_UP] = up.lock_timeout_ms;
	m->lock_timeout_ms[STRATA_DOWN] = down.lock_timeout_ms;
	m->statement_timeout_ms[STRATA_UP] = up.statement_timeout_ms;
	m->statement_timeout_ms[STRATA_DOWN] = down.statement_timeout_ms;
	m->pub.version = m->version;
	m->pub.name = m->name;
	m->pub.up_path = m->up_path;
	m->pub.down_path = m->down_path;
	m->pub.verify_path = m->verify_path;
	m->pub.checksum = m->checksum;
	return 0;
}

int strata_migration_file_load(struct migration_file *m, const char *path,
                               strata_hasher *hasher, strata_error *err)
{
	const char *base = strrchr(path, '/');
	char *version = NULL, *name = NULL;
	struct section_opts o;
	int kind = -1, rc = 0;

	memset(m, 0, sizeof(*m));
	base = base ? base + 1 : path;
	if (strata_migration_file_parse(base, &version, &name, &kind) == 0) {
		m->version = version;
		m->name = name;
	} else if (!(m->name = strdup(base))) {
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	if (kind == 2) {
		/* a down file alone: its section is the down one */
		size_t len;
		if (!(m->down_path = strdup(path)))
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		if ((rc = strata_read_text(path, &m->down_text, &len, err)) < 0)
			return rc;
		m->down_end = len;
		if (!(m->up_text = strdup("")) || !(m->up_path = strdup(path)))
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		m->pub.flags |= STRATA_MIG_DOWN_ONLY;
		if ((rc = strata_section_directives(path, m->down_text, 0, len,
		                                    0, &o, err)) < 0)
			return rc;
		m->pub.flags |= o.no_tx ? STRATA_MIG_DOWN_NO_TX : 0;
		m->pub.version = m->version;
		m->pub.name = m->name;
		return 0;
	}
	if (!(m->up_path = strdup(path)))
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	if (kind == 3) {
		/* a verify script is not a migration: nothing to lint */
		m->pub.flags |= STRATA_MIG_VERIFY_ONLY;
		if (!(m->up_text = strdup("")))
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		m->pub.version = m->version;
		m->pub.name = m->name;
		return 0;
	}
	if (kind == 1) {
		size_t n = strlen(path);
		char *down = malloc(n + 3);
		if (!down)
			return strata_error_set(err, STRATA_ENOMEM,
			                        "out of memory");
		memcpy(down, path, n - 7);
		strcpy(down + n - 7, ".down.sql");
		if (access(down, F_OK) == 0)
			m->down_path = down;
		else
			free(down);
	} else {
		size_t len;
		if ((rc = strata_read_text(path, &m->up_text, &len, err)) < 0)
			return rc;
		if (strata_has_up_marker(m->up_text, len))
			m->pub.flags |= STRATA_MIG_SINGLE_FILE;
		free(m->up_text);
		m->up_text = NULL;
		/* neither named nor marked: a plain SQL file, all "up" */
		if (!(m->pub.flags & STRATA_MIG_SINGLE_FILE) && kind != 0)
			m->pub.flags |= STRATA_MIG_LOOSE;
	}
	return migration_read(m, hasher, err);
}

static int found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strata_version_cmp(x->version, y->version);
	return c ? c : (int)x->kind - (int)y->kind;
}

static void found_free(struct found *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].file);
		free(f[i].version);
		free(f[i].name);
	}
	free(f);
}

/* Lists the directory's migration files, refusing names that do not parse. */
static int list_dir(const char *dir, struct found **out, size_t *out_n,
                    strata_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct found *f = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*out_n = 0;
	if (!d)
		return strata_error_set(
		    err, STRATA_EIO,
		    "cannot open migrations directory '%s': %s", dir,
		    strerror(errno));
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		size_t l = strlen(nm);
		char *ver, *name;
		int kind;

		if (nm[0] == '.' || l < 4 || strcmp(nm + l - 4, ".sql") != 0)
			continue;
		if (strata_migration_file_parse(nm, &ver, &name, &kind) < 0) {
			rc = strata_error_set(
			    err, STRATA_EFORMAT,
			    "cannot parse migration file name '%s/%s': "
			    "expected <version>_<name>.up.sql, .down.sql or "
			    ".sql, with a version of digits and a name of a-z, "
			    "0-9 and _",
			    dir, nm);
			goto fail;
		}
		if (n == cap) {
			struct found *g;
			cap = cap ? cap * 2 : 64;
			if (!(g = realloc(f, cap * sizeof(*f)))) {
				free(ver);
				free(name);
				rc = strata_error_set(err, STRATA_ENOMEM,
				                      "out of memory");
				goto fail;
			}
			f = g;
		}
		f[n].file = strdup(nm);
		f[n].version = ver;
		f[n].name = name;
		f[n].kind = (enum kind)kind;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(f, n, sizeof(*f), found_cmp);
	*out = f;
	*out_n = n;
	return 0;
fail:
	closedir(d);
	found_free(f, n);
	return rc;
}

void strata_session_migrations_clear(strata *s)
{
	for (size_t i = 0; i < s->nmigs; i++)
		strata_migration_file_dispose(&s->migs[i]);
	free(s->migs);
	s->migs = NULL;
	s->nmigs = 0;
	s->loaded = 0;
}

static int duplicate(strata *s, const struct found *a, const struct found *b)
{
	return strata_error_set(
	    &s->err, STRATA_EFORMAT,
	    "duplicate migration version %s: '%s/%s' and '%s/%s'", a->version,
	    s->dir, a->file, s->dir, b->file);
}

/* Groups the files of one version into a migration; refuses bad layouts. */
static int group_version(strata *s, struct found *f, size_t n,
                         strata_hasher *hasher, struct migration_file *m)
{
	struct found *up = NULL, *down = NULL, *verify = NULL;
	strata_error *err = &s->err;

	for (size_t i = 0; i < n; i++) {
		struct found **slot = f[i].kind == KIND_DOWN     ? &down
		                      : f[i].kind == KIND_VERIFY ? &verify
		                                                 : &up;
		if (*slot)
			return duplicate(s, *slot, &f[i]);
		*slot = &f[i];
	}
	/* an up and a down pair only when both are halves of one name */
	if (up && down &&
	    (up->kind == KIND_SINGLE || strcmp(up->name, down->name)))
		return duplicate(s, up, down);
	if (!up && down)
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s/%s' is a down migration without an up migration",
		    s->dir, down->file);
	if (verify && (!up || strcmp(up->name, verify->name)))
		return strata_error_set(
		    err, STRATA_EFORMAT,
		    "'%s/%s' is a verify script without its migration (%s_%s)",
		    s->dir, verify->file, verify->version, verify->name);
	m->version = strdup(up->version);
	m->name = strdup(up->name);
	m->up_path = path_join(s->dir, up->file);
	if (up->kind == KIND_SINGLE)
		m->pub.flags |= STRATA_MIG_SINGLE_FILE;
	if (down)
		m->down_path = path_join(s->dir, down->file);
	if (verify)
		m->verify_path = path_join(s->dir, verify->file);
	if (!m->version || !m->name || !m->up_path || (down && !m->down_path) ||
	    (verify && !m->verify_path))
		return strata_error_set(err, STRATA_ENOMEM, "out of memory");
	return migration_read(m, hasher, err);
}

int strata_migrations_load(strata *s)
{
	struct found *f = NULL;
	strata_hasher *hasher = NULL;
	size_t n = 0, i, j;
	int rc;

	strata_session_migrations_clear(s);
	s->format_used = s->format;
	if (s->format_used == STRATA_FORMAT_AUTO &&
	    (rc = strata_format_detect(s->dir, &s->format_used, &s->err)) < 0)
		return rc;
	if (s->format_used != STRATA_FORMAT_STRATA) {
		if ((rc = strata_formats_load(s)) < 0)
			strata_session_migrations_clear(s);
		else
			s->loaded = 1;
		return rc;
	}
	if ((rc = list_dir(s->dir, &f, &n, &s->err)) < 0)
		return rc;
	if (strata_hasher_new(&hasher) < 0) {
		rc = strata_error_set(&s->err, STRATA_ERROR,
		                      "cannot set up SHA-256");
		goto done;
	}
	if (!(s->migs = calloc(n ? n : 1, sizeof(*s->migs)))) {
		rc = strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i = j) {
		struct migration_file *m = &s->migs[s->nmigs++];
		for (j = i + 1; j < n && strata_version_cmp(f[i].version,
		                                            f[j].version) == 0;)
			j++;
		/* a partly filled entry is disposed with the rest */
		if ((rc = group_version(s, f + i, j - i, hasher, m)) < 0)
			goto done;
	}
	s->loaded = 1;
done:
	found_free(f, n);
	strata_hasher_free(hasher);
	if (rc < 0)
		strata_session_migrations_clear(s);
	return rc;
}

size_t strata_migrations_count(const strata *s)
{
	return s->nmigs;
}

const strata_migration *strata_migrations_get(const strata *s, size_t i)
{
	return i < s->nmigs ? &s->migs[i].pub : NULL;
}

struct migration_file *strata_session_find(strata *s, const char *version)
{
	/* binary search: the list is sorted by version */
	size_t lo = 0, hi = s->nmigs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strata_version_cmp(s->migs[mid].version, version);
		if (c == 0)
			return &s->migs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
