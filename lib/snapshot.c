/*
 * Schema snapshots: the public entry points, and the diff of two
 * snapshots object by object (docs/snapshot.md).  Reading the catalog is
 * done per dialect, in snapshot_pg.c and snapshot_sqlite.c.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "snapshot.h"
#include "strata/driver.h"

int strata_schema_snapshot(strata *s, unsigned flags, char **out_text)
{
	strata_buf b = STRATA_BUF_INIT;
	int pg, rc;

	*out_text = NULL;
	if ((rc = strata_session_connect(s)) < 0)
		return rc;
	if (s->driver->dialect == STRATA_DIALECT_MYSQL)
		return strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "schema snapshots are not available for "
		    "MySQL yet");
	pg = s->driver->dialect == STRATA_DIALECT_POSTGRES;
	strata_buf_printf(&b, "-- strata schema snapshot: %s\n",
	                  pg ? "postgres" : "sqlite");
	rc = pg ? strata_snapshot_pg(s, flags, &b)
	        : strata_snapshot_sqlite(s, flags, &b);
	if (rc < 0) {
		strata_buf_dispose(&b);
		return rc;
	}
	*out_text = strata_buf_detach(&b);
	return *out_text
	           ? 0
	           : strata_error_set(&s->err, STRATA_ENOMEM, "out of memory");
}

/* ---- diff ---- */

/* One object of a snapshot: its header line and property lines, as views
 * into a copy of the text. */
struct object {
	const char *header;
	const char **props;
	size_t nprops;
};

struct objects {
	char *text; /* owned copy, cut into lines */
	struct object *v;
	size_t n;
	const char **lines; /* every property line, objects point into it */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_object(const void *a, const void *b)
{
	return strcmp(((const struct object *)a)->header,
	              ((const struct object *)b)->header);
}

static void objects_dispose(struct objects *o)
{
	free(o->text);
	free(o->v);
	free(o->lines);
}

/* Cuts a snapshot into objects, each with its properties sorted, and the
 * objects sorted by header. */
static int objects_read(const char *text, struct objects *o)
{
	size_t nlines = 1, nobj = 0, np = 0;
	char *line, *next;

	memset(o, 0, sizeof(*o));
	if (!(o->text = strdup(text)))
		return STRATA_ENOMEM;
	for (const char *p = text; *p; p++)
		nlines += *p == '\n';
	o->v = calloc(nlines, sizeof(*o->v));
	o->lines = calloc(nlines, sizeof(*o->lines));
	if (!o->v || !o->lines) {
		objects_dispose(o);
		return STRATA_ENOMEM;
	}
	for (line = o->text; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (!*line || (line[0] == '-' && line[1] == '-'))
			continue;
		if (line[0] == ' ') {
			if (!nobj) /* a property before any header */
				continue;
			while (*line == ' ')
				line++;
			o->lines[np++] = line;
			o->v[nobj - 1].nprops++;
			continue;
		}
		o->v[nobj].header = line;
		o->v[nobj].props = o->lines + np;
		nobj++;
	}
	o->n = nobj;
	for (size_t i = 0; i < o->n; i++)
		qsort(o->v[i].props, o->v[i].nprops, sizeof(char *), cmp_str);
	qsort(o->v, o->n, sizeof(*o->v), cmp_object);
	return 0;
}

/* The property lines of two objects of the same header that differ;
 * returns whether any do. */
static int diff_props(const struct object *a, const struct object *b,
                      strata_buf *out)
{
	size_t i = 0, j = 0;
	int any = 0;

	while (i < a->nprops || j < b->nprops) {
		int c = i == a->nprops   ? 1
		        : j == b->nprops ? -1
		                         : strcmp(a->props[i], b->props[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		if (!any)
			strata_buf_printf(out, "~ %s\n", a->header);
		any = 1;
		if (c < 0)
			strata_buf_printf(out, "    - %s\n", a->props[i++]);
		else
			strata_buf_printf(out, "    + %s\n", b->props[j++]);
	}
	return any;
}

int strata_snapshot_diff(const char *a, const char *b, char **out_text)
{
	struct objects x, y;
	strata_buf out = STRATA_BUF_INIT;
	size_t i = 0, j = 0;
	int n = 0;

	*out_text = NULL;
	if (objects_read(a, &x) < 0)
		return STRATA_ENOMEM;
	if (objects_read(b, &y) < 0) {
		objects_dispose(&x);
		return STRATA_ENOMEM;
	}
	while (i < x.n || j < y.n) {
		int c = i == x.n   ? 1
		        : j == y.n ? -1
		                   : strcmp(x.v[i].header, y.v[j].header);
		if (c < 0) {
			strata_buf_printf(&out, "- %s\n", x.v[i++].header);
			n++;
		} else if (c > 0) {
			strata_buf_printf(&out, "+ %s\n", y.v[j++].header);
			n++;
		} else {
			n += diff_props(&x.v[i++], &y.v[j++], &out);
		}
	}
	objects_dispose(&x);
	objects_dispose(&y);
	if (!(*out_text = strata_buf_detach(&out)))
		return STRATA_ENOMEM;
	return n;
}

/* ---- a diff in one line ---- */

/* The first n bytes of a header up to " ON ", for a short name. */
static size_t name_len(const char *header)
{
	const char *on = strstr(header, " ON ");
	const char *nl = strchr(header, '\n');
	size_t n = nl ? (size_t)(nl - header) : strlen(header);
	return on && (size_t)(on - header) < n ? (size_t)(on - header) : n;
}

/* Appends "KIND OBJECT.NAME" for property line p of object header h:
 * "column nick TEXT" of "table public.users" -> column public.users.nick */
static void put_member(strata_buf *b, const char *h, const char *p)
{
	const char *obj = strchr(h, ' '), *name = strchr(p, ' '), *end;

	/* a view's or trigger's definition: the object itself changed */
	if (!strncmp(p, "definition ", 11)) {
		strata_buf_add(b, h, name_len(h));
		return;
	}
	if (!obj || !name) {
		strata_buf_add(b, p, strcspn(p, "\n"));
		return;
	}
	obj++;
	name++;
	end = name + strcspn(name, " \n");
	strata_buf_printf(b, "%.*s %.*s.%.*s", (int)(name - 1 - p), p,
	                  (int)(name_len(obj)), obj, (int)(end - name), name);
}

static void put_item(strata_buf *group, const char *text, size_t n)
{
	if (group->len)
		strata_buf_puts(group, ", ");
	strata_buf_add(group, text, n);
}

/* The bytes of a property line's first two words ("column nick"). */
static size_t key_len(const char *p)
{
	size_t n = strcspn(p, " ");
	return p[n] ? n + 1 + strcspn(p + n + 1, " ") : n;
}

/*
 * One line from a diff of strata_snapshot_diff(): what the second snapshot
 * has that the first has not (`more`), lacks (`less`), and has otherwise
 * (`other`: a member whose line changed), each group named by its label:
 * "down leaves: column public.users.nick; down removes: index public.x".
 */
void strata_snapshot_summary(const char *diff, const char *more,
                             const char *less, const char *other,
                             strata_buf *out)
{
	strata_buf g[3] = {STRATA_BUF_INIT, STRATA_BUF_INIT, STRATA_BUF_INIT};
	const char *labels[3] = {more, less, other};
	char *copy = strdup(diff), **v = NULL, *line;
	size_t n = 0, block = (size_t)-1; /* the "~" line of the object */

	if (!copy || !(v = calloc(strlen(diff) + 1, sizeof(*v))))
		goto out;
	for (line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		v[n++] = line;
	for (size_t i = 0; i < n; i++) {
		const char *l = v[i], *p = l + 6;
		strata_buf item = STRATA_BUF_INIT;
		int twin = 0;

		if (l[0] == '+' || l[0] == '-') {
			put_item(&g[l[0] == '+' ? 0 : 1], l + 2,
			         name_len(l + 2));
			block = (size_t)-1;
			continue;
		}
		if (l[0] == '~') {
			block = i;
			continue;
		}
		if (strncmp(l, "    ", 4) || block == (size_t)-1)
			continue;
		/* "- column a int DEFAULT 1" and "+ column a int DEFAULT 2"
		 * are one change of column a */
		for (size_t j = block + 1; j < n && !strncmp(v[j], "    ", 4);
		     j++)
			if (j != i && v[j][4] != l[4] &&
			    key_len(v[j] + 6) == key_len(p) &&
			    !strncmp(v[j] + 6, p, key_len(p)))
				twin = 1;
		if (twin && l[4] == '-')
			continue;
		put_member(&item, v[block] + 2, p);
		put_item(&g[twin          ? 2
		            : l[4] == '+' ? 0
		                          : 1],
		         item.ptr, item.len);
		strata_buf_dispose(&item);
	}
	for (int k = 0; k < 3; k++)
		if (g[k].len)
			strata_buf_printf(out, "%s%s: %s", out->len ? "; " : "",
			                  labels[k], g[k].ptr);
out:
	for (int k = 0; k < 3; k++)
		strata_buf_dispose(&g[k]);
	free(v);
	free(copy);
}
