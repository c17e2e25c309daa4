/*
 * strata lint [FILES...] [--dir D] [--format text|json|github] [--explain]
 *             [--pg-version N] [--dialect postgres|sqlite] [--strict]
 *             [--profile supabase] [--rule NAME=SEVERITY] [--list-rules]
 *
 * Output goes to stdout as the findings arrive (a JSON array is streamed,
 * not built), so a 20 MB file costs no more memory than its parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct lint_out {
	struct cli *c;
	int items;       /* JSON: objects printed so far */
	char *last_file; /* explain: the section being shown */
	int last_dir;
	strata_risk worst; /* explain: of that section */
	int worst_line;
};

static void json_item(struct lint_out *o, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

	printf("%s\n  %s", o->items++ ? "," : "[", s ? s : "{}");
	free(s);
	json_decref(obj);
}

/* GitHub workflow commands: data escapes %, CR, LF; properties also : , */
static void gh_escape(const char *s, int property)
{
	for (; s && *s; s++) {
		if (*s == '%')
			fputs("%25", stdout);
		else if (*s == '\r')
			fputs("%0D", stdout);
		else if (*s == '\n')
			fputs("%0A", stdout);
		else if (property && *s == ':')
			fputs("%3A", stdout);
		else if (property && *s == ',')
			fputs("%2C", stdout);
		else
			putchar(*s);
	}
}

static void finding(const strata_finding *f, void *data)
{
	struct lint_out *o = data;
	struct cli *c = o->c;

	if (c->format == FORMAT_JSON) {
		json_t *j = json_object();
		if (c->explain)
			json_object_set_new(j, "kind", json_string("finding"));
		json_object_set_new(
		    j, "file", f->file ? json_string(f->file) : json_null());
		json_object_set_new(j, "line", json_integer(f->line));
		json_object_set_new(j, "column", json_integer(f->column));
		json_object_set_new(j, "rule", json_string(f->rule));
		json_object_set_new(
		    j, "severity",
		    json_string(strata_severity_name(f->severity)));
		json_object_set_new(j, "message", json_string(f->message));
		json_object_set_new(
		    j, "help", f->help ? json_string(f->help) : json_null());
		json_item(o, j);
	} else if (c->format == FORMAT_GITHUB) {
		printf("::%s file=",
		       f->severity == STRATA_SEVERITY_ERROR     ? "error"
		       : f->severity == STRATA_SEVERITY_WARNING ? "warning"
		                                                : "notice");
		gh_escape(f->file ? f->file : "", 1);
		if (f->line)
			printf(",line=%d,col=%d", f->line, f->column);
		printf(",title=strata ");
		gh_escape(f->rule, 1);
		printf("::");
		gh_escape(f->message, 0);
		if (f->help) {
			gh_escape("\nhelp: ", 0);
			gh_escape(f->help, 0);
		}
		putchar('\n');
	} else {
		out_finding(c, stdout, f);
	}
}

static void explain_end(struct lint_out *o)
{
	char b[64];

	if (!o->last_file)
		return;
	printf("  => %s (%s): risk %s", o->last_file,
	       o->last_dir == STRATA_UP ? "up" : "down",
	       paint(o->c,
	             o->worst == STRATA_RISK_HIGH     ? "31"
	             : o->worst == STRATA_RISK_MEDIUM ? "33"
	                                              : "32",
	             strata_risk_name(o->worst), b, sizeof(b)));
	if (o->worst > STRATA_RISK_LOW)
		printf(" (line %d)", o->worst_line);
	printf("\n\n");
	free(o->last_file);
	o->last_file = NULL;
}

static void statement(const strata_statement_report *r, void *data)
{
	struct lint_out *o = data;
	char b[64];

	if (o->c->format == FORMAT_JSON) {
		json_t *j = json_object(), *t = json_array();
		json_object_set_new(j, "kind", json_string("statement"));
		json_object_set_new(j, "file", json_string(r->file));
		json_object_set_new(j, "line", json_integer(r->line));
		json_object_set_new(j, "column", json_integer(r->column));
		json_object_set_new(
		    j, "direction",
		    json_string(r->direction == STRATA_UP ? "up" : "down"));
		json_object_set_new(j, "statement", json_string(r->kind));
		json_object_set_new(j, "text", json_string(r->text));
		for (size_t i = 0; i < r->ntouches; i++) {
			const strata_touch *x = &r->touches[i];
			json_t *tj = json_object();
			json_object_set_new(tj, "table", json_string(x->table));
			json_object_set_new(
			    tj, "lock",
			    json_string(strata_lock_mode_name(x->lock)));
			json_object_set_new(
			    tj, "rewrite",
			    json_boolean(x->effects & STRATA_TOUCH_REWRITE));
			json_object_set_new(
			    tj, "scan",
			    json_boolean(x->effects & STRATA_TOUCH_SCAN));
			json_object_set_new(
			    tj, "new",
			    json_boolean(x->effects & STRATA_TOUCH_NEW));
			json_object_set_new(
			    tj, "data_loss",
			    json_boolean(x->effects & STRATA_TOUCH_DATA_LOSS));
			if (x->rows >= 0)
				json_object_set_new(tj, "rows",
				                    json_integer(x->rows));
			if (x->bytes >= 0)
				json_object_set_new(tj, "bytes",
				                    json_integer(x->bytes));
			json_array_append_new(t, tj);
		}
		json_object_set_new(j, "tables", t);
		json_object_set_new(j, "risk",
		                    json_string(strata_risk_name(r->risk)));
		json_object_set_new(j, "why", json_string(r->why));
		json_item(o, j);
		return;
	}
	if (o->c->format != FORMAT_TEXT)
		return;
	if (!o->last_file || strcmp(o->last_file, r->file) != 0 ||
	    o->last_dir != (int)r->direction) {
		explain_end(o);
		o->last_file = strdup(r->file);
		o->last_dir = (int)r->direction;
		o->worst = STRATA_RISK_LOW;
		o->worst_line = r->line;
	}
	if (r->risk > o->worst) {
		o->worst = r->risk;
		o->worst_line = r->line;
	}
	printf("%s:%d:%d: %s  risk %s\n", r->file, r->line, r->column, r->kind,
	       paint(o->c,
	             r->risk == STRATA_RISK_HIGH     ? "31"
	             : r->risk == STRATA_RISK_MEDIUM ? "33"
	                                             : "32",
	             strata_risk_name(r->risk), b, sizeof(b)));
	printf("%5d | %s\n", r->line, r->text);
	for (size_t i = 0; i < r->ntouches; i++) {
		const strata_touch *x = &r->touches[i];
		char line[200];
		int n = snprintf(
		    line, sizeof(line), "%-24s %-22s%s%s%s%s", x->table,
		    *strata_lock_mode_name(x->lock)
		        ? strata_lock_mode_name(x->lock)
		        : "-",
		    x->effects & STRATA_TOUCH_NEW ? " new" : "",
		    x->effects & STRATA_TOUCH_REWRITE ? " rewrite" : "",
		    x->effects & STRATA_TOUCH_SCAN ? " scan" : "",
		    x->effects & STRATA_TOUCH_DATA_LOSS ? " data-loss" : "");
		/* no trailing blanks when there is no effect to show */
		while (n > 0 && (size_t)n < sizeof(line) && line[n - 1] == ' ')
			line[--n] = '\0';
		printf("      | %s", line);
		if (x->bytes >= 0)
			printf("  (~%lld rows, %lld bytes)", x->rows, x->bytes);
		putchar('\n');
	}
	printf("      | why: %s\n", r->why);
}

static int list_rules(struct cli *c)
{
	size_t n = strata_lint_rule_count();

	if (c->format == FORMAT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			const strata_rule_info *r = strata_lint_rule_get(i);
			json_t *j = json_object();
			json_object_set_new(j, "rule", json_string(r->name));
			json_object_set_new(
			    j, "severity",
			    json_string(strata_severity_name(r->severity)));
			json_object_set_new(
			    j, "dialect",
			    json_string(r->dialect == STRATA_DIALECT_POSTGRES
			                    ? "postgres"
			                : r->dialect == STRATA_DIALECT_SQLITE
			                    ? "sqlite"
			                    : "any"));
			json_object_set_new(j, "opt_in",
			                    json_boolean(r->opt_in));
			json_object_set_new(j, "summary",
			                    json_string(r->summary));
			json_array_append_new(a, j);
		}
		out_json(a);
		return EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		const strata_rule_info *r = strata_lint_rule_get(i);
		printf("%-40s %-8s %-9s %s%s\n", r->name,
		       strata_severity_name(r->severity),
		       r->dialect == STRATA_DIALECT_POSTGRES ? "postgres"
		       : r->dialect == STRATA_DIALECT_SQLITE ? "sqlite"
		                                             : "any",
		       r->opt_in ? "(opt-in) " : "", r->summary);
	}
	return EXIT_OK;
}

static int lint(struct cli *c, int argc, char **argv)
{
	struct lint_out out = {c, 0, NULL, 0, STRATA_RISK_LOW, 0};
	strata_lint_totals t = {0};
	strata_lint_opts o;
	int rc = 0;

	if (c->list_rules)
		return list_rules(c);
	if (argc > 0 && c->dir) {
		out_usage_error(c, "give files or --dir, not both");
		return EXIT_USAGE;
	}
	if (apply_lint_config(c) < 0)
		return EXIT_USAGE;
	memset(&o, 0, sizeof(o));
	o.dialect = c->dialect;
	o.pg_version = c->pg_version;
	o.flags = (c->url ? STRATA_LINT_LIVE : 0) |
	          (c->profile_supabase ? STRATA_LINT_SUPABASE : 0);
	o.on_finding = finding;
	o.on_statement = c->explain ? statement : NULL;
	o.data = &out;

	if (argc == 0)
		rc = strata_lint_dir(c->s, &o, &t);
	for (int i = 0; i < argc && rc == 0; i++)
		rc = strata_lint_file(c->s, argv[i], &o, &t);
	explain_end(&out);
	if (c->format == FORMAT_JSON)
		printf("%s]\n", out.items ? "\n" : "[");
	fflush(stdout);
	if (rc < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	if (c->format == FORMAT_TEXT && !c->quiet)
		printf("%d error%s, %d warning%s, %d info in %d section%s (%d "
		       "statement%s)\n",
		       t.errors, t.errors == 1 ? "" : "s", t.warnings,
		       t.warnings == 1 ? "" : "s", t.infos, t.files,
		       t.files == 1 ? "" : "s", t.statements,
		       t.statements == 1 ? "" : "s");
	return t.errors || (c->strict && t.warnings) ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_lint = {
    .name = "lint",
    .run = lint,
    .options = " format explain pg-version dialect strict profile rule "
               "list-rules ",
    .usage = "lint [FILE...] [--dir DIR] [--url URL] [--format "
             "text|json|github] [--explain] [--pg-version N] [--dialect "
             "postgres|sqlite] [--strict] [--profile supabase] [--rule "
             "NAME=SEVERITY] [--list-rules]",
    .summary = "check migrations for locks, rewrites and unsafe changes",
    .help =
        "Reads every statement of the migrations (or of the FILEs given) with "
        "the\n"
        "database's own parser (PostgreSQL: libpg_query) and reports what "
        "would hurt a\n"
        "live database: locks that block traffic, table rewrites and scans, "
        "data loss,\n"
        "and the safe rewrite for each. --explain prints, for every "
        "statement, the\n"
        "tables it touches, the lock it takes, and its risk (low, medium, "
        "high).\n"
        "With --url (PostgreSQL) table sizes and indexes come from the "
        "database, so\n"
        "a change to a small table is not an error. '-- strata:ignore RULE "
        "reason'\n"
        "before a statement (or '-- strata:ignore-file RULE') silences a "
        "finding;\n"
        "--rule NAME=off|info|warning|error and the [lint] section of "
        "strata.ini\n"
        "set severities. The dialect follows the database URL unless "
        "--dialect says.\n"
        "Exit status: 0 clean or warnings only, 1 errors (or warnings with "
        "--strict).\n"
        "The same checks run before 'up': errors stop it unless "
        "--allow-unsafe.",
};
