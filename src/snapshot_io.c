/* Snapshots in files and in other databases: what dump, diff, status and
 * up --dump share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define MAGIC "-- strata schema snapshot: "

const char *dump_file(const struct cli *c)
{
	return c->dump_file ? c->dump_file : DEFAULT_DUMP_FILE;
}

static int is_url(const char *s)
{
	return strstr(s, "://") || strncmp(s, "sqlite:", 7) == 0;
}

/* A snapshot of another database: a session of its own, same settings. */
static char *snapshot_of_url(struct cli *c, const char *url)
{
	strata_config cfg;
	strata *other = NULL;
	char *text = NULL;
	int rc;

	strata_config_init(&cfg);
	cfg.url = url;
	if (c->dir)
		cfg.dir = c->dir;
	if (c->table)
		cfg.table = c->table;
	if ((rc = strata_open(&other, &cfg)) < 0 ||
	    (rc = strata_schema_snapshot(
	         other, c->owners ? STRATA_SNAPSHOT_OWNERS : 0, &text)) < 0)
		fprintf(stderr, "strata: %s: %s\n", url,
		        other ? strata_errmsg(other) : "out of memory");
	strata_free(other);
	return text;
}

static char *snapshot_of_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0;

	if (!f) {
		fprintf(stderr, "strata: cannot read '%s': %s%s\n", path,
		        strerror(errno),
		        errno == ENOENT ? " (write one with 'strata dump -o "
		                          "FILE')"
		                        : "");
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
		    (text = malloc((size_t)n + 1))) {
			len = fread(text, 1, (size_t)n, f);
			text[len] = '\0';
		}
	}
	fclose(f);
	if (!text) {
		fprintf(stderr, "strata: cannot read '%s'\n", path);
		return NULL;
	}
	if (strncmp(text, MAGIC, strlen(MAGIC)) != 0) {
		fprintf(stderr,
		        "strata: '%s' is not a schema snapshot (it does not "
		        "start with '%s'): write one with 'strata dump -o "
		        "FILE'\n",
		        path, MAGIC);
		free(text);
		return NULL;
	}
	return text;
}

char *snapshot_of(struct cli *c, const char *source)
{
	char *text = NULL;
	int rc;

	if (source && is_url(source))
		return snapshot_of_url(c, source);
	if (source)
		return snapshot_of_file(source);
	if ((rc = strata_schema_snapshot(
	         c->s, c->owners ? STRATA_SNAPSHOT_OWNERS : 0, &text)) < 0) {
		out_error(c, rc);
		return NULL;
	}
	return text;
}

/* Writes straight into something that is not a regular file (/dev/null,
 * a pipe, a terminal): renaming over it would replace the device. */
static int write_direct(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fputs(text, f) >= 0;

	if (f)
		ok = (fclose(f) == 0) && ok;
	if (!ok)
		fprintf(stderr, "strata: cannot write '%s': %s\n", path,
		        strerror(errno));
	return ok ? 0 : -1;
}

int snapshot_write(struct cli *c, const char *path, const char *text)
{
	size_t n = strlen(path) + 16;
	struct stat st;
	char *tmp;
	FILE *f;
	int ok;

	(void)c;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_direct(path, text);
	if (!(tmp = malloc(n)))
		return -1;
	snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "wb"))) {
		fprintf(stderr, "strata: cannot write '%s': %s\n", tmp,
		        strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "strata: cannot write '%s': %s\n", path,
		        strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
