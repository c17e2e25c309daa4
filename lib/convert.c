/*
 * strata convert --to strata: rewrites another tool's migrations directory
 * in strata's own format, in place.  Every step is planned and checked
 * before the first file changes: target names that exist, Flyway versions
 * strata cannot write, goose blocks the splitter would cut.  Files whose
 * text stays the same are renamed (so `git mv` history follows them);
 * files whose text changes are written anew, with O_EXCL so nothing is
 * ever overwritten, and the old file is removed after.  The up section's
 * bytes are kept as they are, so its checksum, and with it the history of
 * an adopted database, still matches.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "migration_set.h"
#include "session.h"
#include "split.h"

/* One file step: `from` becomes `to` (renamed when text is NULL, else
 * written with text), or, with to NULL, goes (merged into another). */
struct op {
	char *from, *to; /* owned; to NULL: removed */
	char *text;      /* owned: the new file's text; NULL: a rename */
	size_t len;
	char *note; /* owned; NULL: none */
	int checksum_changed;
};

struct plan {
	struct op *ops; /* owned */
	size_t n, cap;
	char *dirs[4096]; /* owned: diesel directories to remove after */
	size_t ndirs;
};

static void plan_dispose(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->ops[i].from);
		free(p->ops[i].to);
		free(p->ops[i].text);
		free(p->ops[i].note);
	}
	free(p->ops);
	for (size_t i = 0; i < p->ndirs; i++)
		free(p->dirs[i]);
}

static int nomem(strata *s)
{
	return strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
}

/* Appends a step; takes `to`, `text` and `note` (freed on failure). */
static int plan_add(strata *s, struct plan *p, const char *from, char *to,
                    strata_buf *text, char *note)
{
	struct op *o;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct op *ops = realloc(p->ops, cap * sizeof(*ops));
		if (!ops)
			goto fail;
		p->ops = ops;
		p->cap = cap;
	}
	o = &p->ops[p->n];
	memset(o, 0, sizeof(*o));
	if (!(o->from = strdup(from)))
		goto fail;
	p->n++;
	o->to = to;
	o->note = note;
	if (text) {
		o->len = text->len;
		o->text = strata_buf_detach(text);
	}
	return 0;
fail:
	free(to);
	free(note);
	if (text)
		strata_buf_dispose(text);
	return nomem(s);
}

/* A name strata takes ([a-z0-9_]+) for the tool's `name`: capitals made
 * small, anything else '_', runs of '_' made one. */
static char *native_name(const char *name)
{
	strata_buf b = STRATA_BUF_INIT;

	for (const char *p = name; *p; p++) {
		char c = (char)tolower((unsigned char)*p);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c == '_' && b.len && b.ptr[b.len - 1] == '_')
			continue;
		strata_buf_add(&b, &c, 1);
	}
	while (b.len && b.ptr[b.len - 1] == '_')
		b.ptr[--b.len] = 0;
	if (!b.len)
		strata_buf_puts(&b, "migration");
	return strata_buf_detach(&b);
}

/* Where the line holding offset `at` (or ending just before it) starts. */
static size_t line_start_before(const char *t, size_t at)
{
	if (at && t[at - 1] == '\n')
		at--;
	while (at && t[at - 1] != '\n')
		at--;
	return at;
}

static int is_tool_marker(const char *t, size_t p, size_t eol)
{
	while (p < eol && (t[p] == ' ' || t[p] == '\t'))
		p++;
	if (eol - p < 2 || t[p] != '-' || t[p + 1] != '-')
		return 0;
	p += 2;
	while (p < eol && (t[p] == ' ' || t[p] == '\t'))
		p++;
	return (eol - p >= 6 && !strncmp(t + p, "+goose", 6)) ||
	       (eol - p >= 8 && !strncmp(t + p, "migrate:", 8));
}

/*
 * A goose StatementBegin/End block runs as one statement.  strata's format
 * has no such block: the dialect's splitter must find exactly one
 * statement in it (a dollar-quoted body, a trigger's BEGIN ... END), or
 * the conversion would change what runs.
 */
static int check_blocks(strata *s, const struct migration_file *m, int *checked)
{
	const struct strata_driver *d;

	*checked = 0;
	if (!m->nblocks || !s->url || !(d = strata_driver_find(s->url)))
		return 0; /* said in the step's note */
	*checked = 1;
	for (size_t i = 0; i < m->nblocks; i++) {
		struct section sec = {m->up_text, m->up_path, m->blocks[2 * i],
		                      m->blocks[2 * i + 1]};
		strata_stmt_list l;
		size_t n;
		int rc;

		if ((rc = strata_session_split_section(s, sec, &l)) < 0)
			return rc;
		n = l.count;
		strata_stmt_list_dispose(&l);
		if (n != 1)
			return strata_error_at(
			    &s->err, STRATA_EFORMAT, m->up_path, m->up_text,
			    sec.start,
			    "this goose StatementBegin/StatementEnd block "
			    "would "
			    "run as %zu statements in strata's format (its "
			    "splitter finds no single statement here); "
			    "nothing was converted",
			    n);
	}
	return 0;
}

/* The single file for m: the head (the tool's comments before its up
 * marker, and no-transaction), '-- strata:up', the up section's bytes as
 * they are, then '-- strata:down' and the down section's. */
static int single_text(const struct migration_file *m, size_t head_end,
                       strata_buf *b, int *newline_added)
{
	const char *t = m->up_text;
	unsigned f = m->pub.flags;

	*newline_added = 0;
	for (size_t p = 0; p < head_end;) {
		const char *nl = memchr(t + p, '\n', head_end - p);
		size_t eol = nl ? (size_t)(nl - t) : head_end;
		if (!is_tool_marker(t, p, eol))
			strata_buf_add(b, t + p, eol - p),
			    strata_buf_add(b, "\n", 1);
		p = eol + 1;
	}
	if (f & STRATA_MIG_UP_NO_TX)
		strata_buf_puts(b, "-- strata:no-transaction\n");
	strata_buf_puts(b, "-- strata:up\n");
	strata_buf_add(b, t + m->up_start, m->up_end - m->up_start);
	if (!m->down_text)
		return 0;
	if (m->up_end > m->up_start && t[m->up_end - 1] != '\n') {
		/* the marker needs a line of its own */
		strata_buf_add(b, "\n", 1);
		*newline_added = 1;
	}
	strata_buf_puts(b, "-- strata:down\n");
	if (f & STRATA_MIG_DOWN_NO_TX)
		strata_buf_puts(b, "-- strata:no-transaction\n");
	return strata_buf_add(b, m->down_text + m->down_start,
	                      m->down_end - m->down_start);
}

static char *dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');
	return sl ? strndup(path, (size_t)(sl - path)) : strdup(".");
}

/*
 * A settings file of the tool (diesel's metadata.toml, Flyway's .conf):
 * what strata takes from it is in the converted file, so it goes; the
 * step says so.  `path` + `suffix` (a directory and "metadata.toml", or a
 * migration and ".conf").
 */
static int plan_meta(strata *s, struct plan *p, const char *path,
                     const char *suffix)
{
	strata_buf b = STRATA_BUF_INIT;
	char *note;
	int rc = 0;

	strata_buf_printf(&b, "%s%s%s", path, *suffix == '.' ? "" : "/",
	                  suffix);
	if (access(b.ptr, F_OK) == 0) {
		if (!(note =
		          strdup("the tool's settings file: a no-transaction "
		                 "setting is in the migration now")))
			rc = nomem(s);
		else
			rc = plan_add(s, p, b.ptr, NULL, NULL, note);
	}
	strata_buf_dispose(&b);
	return rc;
}

/* Plans the steps for one migration. */
static int plan_one(strata *s, struct plan *p, const struct migration_file *m)
{
	int fmt = s->format_used, rc = 0, checked = 0, nl = 0;
	char *name = native_name(m->name), *to = NULL, *note = NULL,
	     *dir = NULL;
	const char *version = m->version;
	strata_buf b = STRATA_BUF_INIT, nb = STRATA_BUF_INIT;
	int single = fmt == STRATA_FORMAT_DBMATE || fmt == STRATA_FORMAT_GOOSE;

	if (!name)
		return nomem(s);
	if ((rc = check_blocks(s, m, &checked)) < 0)
		goto done;
	if (strcmp(name, m->name))
		strata_buf_printf(&nb, "name '%s' is '%s' in strata's format",
		                  m->name, name);
	if (m->nblocks && !checked)
		strata_buf_printf(&nb,
		                  "%sits StatementBegin/StatementEnd blocks "
		                  "were not checked to stay one statement each "
		                  "(no --url names the database)",
		                  nb.len ? "; " : "");
	/* a pair with a no-transaction setting becomes a single file: a
	 * pair has no place for the directive outside its checksum */
	if (!single &&
	    (m->pub.flags & (STRATA_MIG_UP_NO_TX | STRATA_MIG_DOWN_NO_TX)))
		single = 2;
	if (!(dir = dir_of(m->up_path)))
		goto oom;
	if (fmt == STRATA_FORMAT_DIESEL) {
		/* <dir>/<version>_<name>/up.sql: the files go up to <dir>, and
		 * the directory goes once empty */
		char *parent = dir_of(dir);
		if (!parent)
			goto oom;
		if (p->ndirs < sizeof(p->dirs) / sizeof(*p->dirs))
			p->dirs[p->ndirs++] = dir;
		else
			free(dir);
		dir = parent;
	}
	if (single) {
		size_t head = single == 1
		                  ? line_start_before(m->up_text, m->up_start)
		                  : 0;
		strata_buf_printf(&b, "%s/%s_%s.sql", dir, version, name);
		to = strata_buf_detach(&b);
		if (single_text(m, head, &b, &nl) < 0)
			goto oom;
		if (single == 2)
			strata_buf_printf(
			    &nb,
			    "%sa single file, for '-- strata:no-transaction'",
			    nb.len ? "; " : "");
		if (nl)
			strata_buf_printf(
			    &nb,
			    "%sthe up section gains a final newline, "
			    "so its checksum changes",
			    nb.len ? "; " : "");
		note = nb.len ? strata_buf_detach(&nb) : NULL;
		rc = plan_add(s, p, m->up_path, to, &b, note);
		to = note = NULL;
		if (rc < 0)
			goto done;
		p->ops[p->n - 1].checksum_changed = nl;
		/* the down file of a pair is in the single file now */
		if (single == 2 && m->down_path &&
		    strcmp(m->down_path, m->up_path) &&
		    (rc = plan_add(s, p, m->down_path, NULL, NULL, NULL)) < 0)
			goto done;
	} else {
		strata_buf_printf(&b, "%s/%s_%s.up.sql", dir, version, name);
		note = nb.len ? strata_buf_detach(&nb) : NULL;
		rc = plan_add(s, p, m->up_path, strata_buf_detach(&b), NULL,
		              note);
		note = NULL;
		if (rc < 0)
			goto done;
		if (m->down_path) {
			strata_buf_printf(&b, "%s/%s_%s.down.sql", dir, version,
			                  name);
			if ((rc = plan_add(s, p, m->down_path,
			                   strata_buf_detach(&b), NULL, NULL)) <
			    0)
				goto done;
		}
	}
	if (fmt == STRATA_FORMAT_DIESEL &&
	    (rc = plan_meta(s, p, p->dirs[p->ndirs - 1], "metadata.toml")) < 0)
		goto done;
	if (fmt == STRATA_FORMAT_FLYWAY &&
	    ((rc = plan_meta(s, p, m->up_path, ".conf")) < 0 ||
	     (m->down_path &&
	      (rc = plan_meta(s, p, m->down_path, ".conf")) < 0)))
		goto done;
	goto done;
oom:
	rc = nomem(s);
done:
	free(name);
	free(dir);
	free(to);
	free(note);
	strata_buf_dispose(&b);
	strata_buf_dispose(&nb);
	return rc;
}

/* Flyway versions with a dot have no native form (digits only): all of
 * them are named, nothing is converted. */
static int refuse_dotted(strata *s)
{
	strata_buf b = STRATA_BUF_INIT;
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < s->nmigs; i++)
		if (strchr(s->migs[i].version, '.'))
			strata_buf_printf(&b, "%s'%s'", n++ ? ", " : "",
			                  s->migs[i].up_path);
	if (!n) {
		strata_buf_dispose(&b);
		return 0;
	}
	rc = strata_error_set(
	    &s->err, STRATA_EFORMAT,
	    "strata's versions are digits, these Flyway versions have more "
	    "than one part: %s; nothing was converted (renumber them with "
	    "whole numbers that keep their order, and their rows in "
	    "flyway_schema_history, then convert)",
	    b.ptr);
	strata_buf_dispose(&b);
	return rc;
}

/* Refuses a target that exists (and is not the file it comes from) or
 * that two steps share, before anything changes. */
static int check_targets(strata *s, const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct op *o = &p->ops[i];
		if (!o->to || !strcmp(o->to, o->from))
			continue;
		if (access(o->to, F_OK) == 0)
			return strata_error_set(
			    &s->err, STRATA_EEXISTS,
			    "'%s' would become '%s', which exists; nothing "
			    "was converted",
			    o->from, o->to);
		for (size_t j = 0; j < i; j++)
			if (p->ops[j].to && !strcmp(p->ops[j].to, o->to))
				return strata_error_set(
				    &s->err, STRATA_EEXISTS,
				    "'%s' and '%s' would both become '%s'; "
				    "nothing was converted",
				    p->ops[j].from, o->from, o->to);
	}
	return 0;
}

static int write_new(strata *s, const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	size_t done = 0;

	if (fd < 0)
		return strata_error_set(
		    &s->err, errno == EEXIST ? STRATA_EEXISTS : STRATA_EIO,
		    "cannot create '%s': %s", path, strerror(errno));
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			close(fd);
			unlink(path);
			return strata_error_set(&s->err, STRATA_EIO,
			                        "cannot write '%s': %s", path,
			                        strerror(e));
		}
		done += (size_t)w;
	}
	if (close(fd) < 0)
		return strata_error_set(&s->err, STRATA_EIO,
		                        "cannot write '%s': %s", path,
		                        strerror(errno));
	return 0;
}

static int do_op(strata *s, const struct op *o)
{
	strata_buf tmp = STRATA_BUF_INIT;
	int rc = 0;

	if (!o->to) {
		if (unlink(o->from) < 0)
			return strata_error_set(&s->err, STRATA_EIO,
			                        "cannot remove '%s': %s",
			                        o->from, strerror(errno));
		return 0;
	}
	if (!o->text) {
		if (!strcmp(o->from, o->to))
			return 0;
		/* link() never replaces a file, unlike rename() */
		if (link(o->from, o->to) < 0 || unlink(o->from) < 0)
			return strata_error_set(
			    &s->err,
			    errno == EEXIST ? STRATA_EEXISTS : STRATA_EIO,
			    "cannot rename '%s' to '%s': %s", o->from, o->to,
			    strerror(errno));
		return 0;
	}
	if (strcmp(o->from, o->to)) {
		if ((rc = write_new(s, o->to, o->text, o->len)) < 0)
			return rc;
		if (unlink(o->from) < 0)
			return strata_error_set(&s->err, STRATA_EIO,
			                        "cannot remove '%s': %s",
			                        o->from, strerror(errno));
		return 0;
	}
	/* the same name: the new text replaces the file it comes from */
	strata_buf_printf(&tmp, "%s.strata-convert", o->to);
	if (!(rc = write_new(s, tmp.ptr, o->text, o->len)) &&
	    rename(tmp.ptr, o->to) < 0) {
		rc = strata_error_set(&s->err, STRATA_EIO,
		                      "cannot rename '%s' to '%s': %s", tmp.ptr,
		                      o->to, strerror(errno));
		unlink(tmp.ptr);
	}
	strata_buf_dispose(&tmp);
	return rc;
}

int strata_convert(strata *s, int dry_run, strata_convert_fn fn, void *data,
                   size_t *out_count)
{
	struct plan p;
	int rc;

	memset(&p, 0, sizeof(p));
	*out_count = 0;
	if ((rc = strata_migrations_load(s)) < 0)
		return rc;
	if (s->format_used == STRATA_FORMAT_STRATA)
		return 0;
	if (s->format_used == STRATA_FORMAT_FLYWAY &&
	    (rc = refuse_dotted(s)) < 0)
		return rc;
	for (size_t i = 0; i < s->nmigs; i++)
		if ((rc = plan_one(s, &p, &s->migs[i])) < 0)
			goto done;
	if ((rc = check_targets(s, &p)) < 0)
		goto done;
	for (size_t i = 0; i < p.n; i++) {
		const struct op *o = &p.ops[i];
		strata_convert_step st = {o->from, o->to, o->note,
		                          o->text != NULL, o->checksum_changed};
		if (!dry_run && (rc = do_op(s, o)) < 0)
			goto done;
		if (fn)
			fn(&st, data);
		(*out_count)++;
	}
	/* diesel's directories, now empty (one holding more stays) */
	for (size_t i = 0; !dry_run && i < p.ndirs; i++) {
		rmdir(p.dirs[i]);
	}
	/* the files are strata's now: read them again as such */
	strata_session_migrations_clear(s);
done:
	plan_dispose(&p);
	return rc;
}
