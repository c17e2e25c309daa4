/*
 * strata explain VERSION [--markdown] [-o FILE] [--scratch-url URL]: one
 * migration as a reviewer wants it: its statements with their locks and
 * risk, the lint findings, the schema change, each object it changes
 * before and after (read on a scratch database), the rollback, and how to
 * deploy it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct doc {
	struct cli *c;
	int md;              /* Markdown, else plain text */
	strata_buf stmts;    /* the statements, rendered */
	strata_buf findings; /* the lint findings, rendered */
	strata_risk worst;
};

static void heading(strata_buf *b, int md, const char *title)
{
	if (md)
		strata_buf_printf(b, "\n## %s\n\n", title);
	else
		strata_buf_printf(b, "\n%s\n", title);
}

/* A block of text: fenced in Markdown, indented in text. */
static void block(strata_buf *b, int md, const char *lang, const char *text)
{
	if (md)
		strata_buf_printf(b, "```%s\n", lang);
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		strata_buf_printf(b, "%s%.*s\n", md ? "" : "    ", (int)n, l);
		l += n + (l[n] == '\n');
	}
	if (md)
		strata_buf_puts(b, "```\n");
}

static void on_statement(const strata_statement_report *r, void *data)
{
	struct doc *d = data;
	strata_buf tables = STRATA_BUF_INIT;

	if (r->direction != STRATA_UP)
		return;
	for (size_t i = 0; i < r->ntouches; i++) {
		const strata_touch *t = &r->touches[i];
		strata_buf_printf(
		    &tables, "%s%s %s%s%s%s", i ? ", " : "", t->table,
		    strata_lock_mode_name(t->lock),
		    t->effects & STRATA_TOUCH_REWRITE ? " rewrite" : "",
		    t->effects & STRATA_TOUCH_SCAN ? " scan" : "",
		    t->effects & STRATA_TOUCH_NEW ? " (new)" : "");
	}
	if (r->risk > d->worst)
		d->worst = r->risk;
	if (d->md)
		strata_buf_printf(
		    &d->stmts, "| %d | %d | `%s` | %s | %s | %s |\n", r->index,
		    r->line, r->text, tables.len ? tables.ptr : "-",
		    strata_risk_name(r->risk), r->why ? r->why : "");
	else
		strata_buf_printf(&d->stmts,
		                  "  %d. line %d: %s\n     %s; risk %s%s%s\n",
		                  r->index, r->line, r->text,
		                  tables.len ? tables.ptr : "no table",
		                  strata_risk_name(r->risk), r->why ? ": " : "",
		                  r->why ? r->why : "");
	strata_buf_dispose(&tables);
}

static void on_finding(const strata_finding *f, void *data)
{
	struct doc *d = data;

	if (f->direction != STRATA_UP || f->severity == STRATA_SEVERITY_OFF)
		return;
	strata_buf_printf(&d->findings, "%s%s[%s]", d->md ? "- " : "  ",
	                  strata_severity_name(f->severity), f->rule);
	if (f->line > 0)
		strata_buf_printf(&d->findings, " line %d", f->line);
	strata_buf_printf(&d->findings, ": %s\n", f->message);
}

/* The block of the object with this header in a snapshot, or "". */
static void object_of(strata_buf *out, const char *snapshot, const char *header)
{
	size_t hl = strlen(header);

	for (const char *l = snapshot; *l;) {
		size_t n = strcspn(l, "\n");
		if (n == hl && !strncmp(l, header, hl)) {
			const char *e = l + n + (l[n] == '\n');
			while (!strncmp(e, "  ", 2))
				e += strcspn(e, "\n") +
				     (e[strcspn(e, "\n")] != 0);
			strata_buf_add(out, l, (size_t)(e - l));
			return;
		}
		l += n + (l[n] == '\n');
	}
}

/* Each object the diff names, before and after. */
static void before_after(strata_buf *b, int md, const char *diff,
                         const char *before, const char *after)
{
	for (const char *l = diff; *l;) {
		size_t n = strcspn(l, "\n");
		if (l[0] != ' ') {
			char *h = strndup(l + 2, n - 2);
			strata_buf was = STRATA_BUF_INIT, is = STRATA_BUF_INIT;
			object_of(&was, before, h);
			object_of(&is, after, h);
			strata_buf_printf(b, md ? "### %s\n\n" : "  %s\n", h);
			strata_buf_puts(b, md ? "Before:\n\n" : "  before:\n");
			block(b, md, "", was.len ? was.ptr : "(none)");
			strata_buf_puts(b, md ? "\nAfter:\n\n" : "  after:\n");
			block(b, md, "", is.len ? is.ptr : "(none)");
			if (md)
				strata_buf_putc(b, '\n');
			strata_buf_dispose(&was);
			strata_buf_dispose(&is);
			free(h);
		}
		l += n + (l[n] == '\n');
	}
}

/*
 * Additive when the diff only adds (objects, or lines of objects): old
 * code keeps working. Anything removed or changed can break the code
 * that runs while the migration is applied.
 */
static void deployment(strata_buf *b, int md, const char *diff, int has_down)
{
	int breaking = 0;

	for (const char *l = diff; *l; l += strcspn(l, "\n") + 1) {
		if (l[0] == '-' || (!strncmp(l, "    -", 5)))
			breaking = 1;
		if (!l[strcspn(l, "\n")])
			break;
	}
	if (!md)
		strata_buf_puts(b, "  ");
	if (!*diff)
		strata_buf_puts(b, "No change to the schema: a data migration. "
		                   "Check its batches and locks above.\n");
	else if (!breaking)
		strata_buf_puts(
		    b, "Additive: it only adds to the schema, so the "
		       "code running now keeps working. Apply it before "
		       "deploying the code that uses it.\n");
	else
		strata_buf_printf(
		    b,
		    "Breaking: it removes or changes what exists (the '-' "
		    "lines above), so code running now may fail while and "
		    "after it is applied. Split it into expand, migrate, "
		    "contract:\n"
		    "%s1. expand: add the new shape next to the old one "
		    "(new column, table or view), and deploy code that writes "
		    "both;\n"
		    "%s2. migrate: backfill the new shape in batches "
		    "(-- strata:batch), then deploy code that reads only the "
		    "new one;\n"
		    "%s3. contract: in a later migration, once nothing uses "
		    "it, "
		    "remove the old shape.\n",
		    md ? "" : "  ", md ? "" : "  ", md ? "" : "  ");
	if (!has_down)
		strata_buf_puts(b, "It has no down section: rolling back means "
		                   "a new migration, or a restore.\n");
}

static int explain(struct cli *c, int argc, char **argv)
{
	const strata_migration *m = NULL;
	char *before = NULL, *after = NULL, *diff = NULL, *down = NULL;
	strata_buf out = STRATA_BUF_INIT;
	strata_lint_opts lo;
	struct doc d;
	int rc, status = EXIT_FAIL;

	if (argc != 1) {
		out_usage_error(c, "explain takes one VERSION");
		return EXIT_USAGE;
	}
	if (parse_version(c, argv[0]) < 0)
		return EXIT_USAGE;
	if ((rc = strata_migrations_load(c->s)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < strata_migrations_count(c->s); i++)
		if (!strcmp(strata_migrations_get(c->s, i)->version, argv[0]))
			m = strata_migrations_get(c->s, i);
	if (!m) {
		fprintf(stderr, "strata: no migration has version %s\n",
		        argv[0]);
		return EXIT_FAIL;
	}
	memset(&d, 0, sizeof(d));
	d.c = c;
	d.md = c->markdown;
	strata_buf_init(&d.stmts);
	strata_buf_init(&d.findings);
	memset(&lo, 0, sizeof(lo));
	lo.on_finding = on_finding;
	lo.on_statement = on_statement;
	lo.data = &d;
	if (apply_lint_config(c) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if ((rc = strata_lint_file(c->s, m->up_path, &lo, NULL)) < 0 ||
	    (rc = strata_schema_around(c->s, m->version, c->scratch_url,
	                               &before, &after)) < 0 ||
	    (rc = strata_migration_section(c->s, m->version, STRATA_DOWN,
	                                   &down)) < 0) {
		out_error(c, rc);
		goto done;
	}
	if (strata_snapshot_diff(before, after, &diff) < 0)
		goto done;

	strata_buf_printf(&out, d.md ? "# %s_%s\n\n" : "%s_%s\n", m->version,
	                  m->name);
	strata_buf_printf(&out, "%s%s; worst risk: %s\n",
	                  d.md ? "File: " : "  ", m->up_path,
	                  strata_risk_name(d.worst));
	heading(&out, d.md, "Statements");
	if (d.md)
		strata_buf_puts(&out, "| # | line | statement | tables and "
		                      "locks | risk | why |\n"
		                      "|---|---|---|---|---|---|\n");
	strata_buf_puts(&out, d.stmts.ptr);
	heading(&out, d.md, "Lint findings");
	strata_buf_puts(&out, d.findings.len ? d.findings.ptr
	                      : d.md         ? "None.\n"
	                                     : "  none\n");
	heading(&out, d.md, "Schema change");
	block(&out, d.md, "diff", *diff ? diff : "(none)");
	if (*diff) {
		heading(&out, d.md, "Before and after");
		before_after(&out, d.md, diff, before, after);
	}
	heading(&out, d.md, "Rollback");
	if (down && *down)
		block(&out, d.md, "sql", down);
	else
		strata_buf_puts(&out, d.md ? "None: no down section.\n"
		                           : "  none: no down section\n");
	heading(&out, d.md, "Deployment");
	deployment(&out, d.md, diff, down && *down);

	if (c->output) {
		FILE *f = fopen(c->output, "w");
		if (!f || fputs(out.ptr, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "strata: cannot write '%s'\n",
			        c->output);
			goto done;
		}
		if (!c->quiet)
			printf("wrote the explanation of %s_%s to %s\n",
			       m->version, m->name, c->output);
	} else {
		fputs(out.ptr, stdout);
	}
	status = EXIT_OK;
done:
	strata_buf_dispose(&d.stmts);
	strata_buf_dispose(&d.findings);
	strata_buf_dispose(&out);
	free(before);
	free(after);
	free(diff);
	free(down);
	return status;
}

const struct command cmd_explain = {
    .name = "explain",
    .run = explain,
    .options = " markdown output scratch-url ",
    .usage = "explain VERSION [--markdown] [-o FILE] [--scratch-url URL]",
    .summary = "one migration for review: locks, schema change, rollback",
    .help = "Explains one migration for a reviewer: each statement with the "
            "tables it\n"
            "touches, the lock it takes and its risk (as 'lint --explain'), "
            "the lint\n"
            "findings, the schema change and every changed object before "
            "and after\n"
            "(applied on a scratch database, as 'strata test' makes one; "
            "your database\n"
            "is not touched), the rollback, and whether it is additive or "
            "breaking,\n"
            "with the expand, migrate, contract steps for a breaking one. "
            "--markdown\n"
            "writes it as a Markdown document; -o FILE into a file.",
};
