/* strata convert --to strata [--dry-run] */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct seen {
	struct cli *c;
	json_t *steps;  /* --json */
	size_t changed; /* up sections whose checksum changes */
};

static void step(const strata_convert_step *st, void *data)
{
	struct seen *w = data;

	w->changed += st->checksum_changed ? 1 : 0;
	if (w->steps) {
		json_t *o = json_object();
		json_object_set_new(o, "from", json_string(st->from));
		json_object_set_new(o, "to",
		                    st->to ? json_string(st->to) : json_null());
		json_object_set_new(o, "rewritten",
		                    json_boolean(st->rewritten));
		json_object_set_new(o, "checksum_changed",
		                    json_boolean(st->checksum_changed));
		if (st->note)
			json_object_set_new(o, "note", json_string(st->note));
		json_array_append_new(w->steps, o);
		return;
	}
	if (w->c->quiet)
		return;
	if (!st->to)
		printf("remove  %s\n", st->from);
	else if (!strcmp(st->from, st->to))
		printf("%s %s\n", st->rewritten ? "rewrite" : "keep   ",
		       st->from);
	else
		printf("%s %s -> %s\n", st->rewritten ? "rewrite" : "rename ",
		       st->from, st->to);
	if (st->note)
		printf("        (%s)\n", st->note);
}

static int convert(struct cli *c, int argc, char **argv)
{
	struct seen w = {c, NULL, 0};
	size_t n;
	int rc;

	(void)argv;
	if (argc != 0) {
		out_usage_error(c, "convert takes no arguments");
		return EXIT_USAGE;
	}
	if (!c->to || strcmp(c->to, "strata")) {
		out_usage_error(c, "convert needs --to strata (strata writes "
		                   "only its own format)");
		return EXIT_USAGE;
	}
	if (c->json)
		w.steps = json_array();
	if ((rc = strata_convert(c->s, c->dry_run, step, &w, &n)) < 0) {
		json_decref(w.steps);
		out_error(c, rc);
		return rc == STRATA_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (w.steps) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "dry_run", json_boolean(c->dry_run));
		json_object_set_new(doc, "steps", w.steps);
		out_json(doc);
	} else if (!c->quiet && !n) {
		printf("nothing to convert: the migrations are in strata's "
		       "format\n");
	} else if (!c->quiet) {
		printf("%s: versions kept; ",
		       c->dry_run ? "dry run, nothing changed"
		                  : "converted (git add -A keeps "
		                    "the renames)");
		if (w.changed)
			printf(
			    "%zu up section%s changed (see above): an applied "
			    "one shows as modified\n",
			    w.changed, w.changed == 1 ? "" : "s");
		else
			printf("the up sections are byte for byte the same, so "
			       "their checksums are too\n");
	}
	return EXIT_OK;
}

const struct command cmd_convert = {
    .name = "convert",
    .run = convert,
    .options = " to dry-run ",
    .usage = "convert --to strata [--dry-run]",
    .summary = "rewrite another tool's migrations in strata's format",
    .help = "Rewrites the migrations directory of golang-migrate, dbmate, "
            "goose,\n"
            "Flyway, diesel or Supabase (detected, or --format NAME) in "
            "strata's\n"
            "format, in place, and prints each step (old -> new).  Versions "
            "are kept;\n"
            "files whose text stays are renamed (git follows them), the others "
            "are\n"
            "rewritten with '-- strata:up', '-- strata:down' and\n"
            "'-- strata:no-transaction' where the tool said so.  The up "
            "sections'\n"
            "bytes are kept, so applied migrations keep their checksums.  "
            "Nothing\n"
            "is overwritten: a target name that exists stops the conversion "
            "before\n"
            "any file changes, and so do Flyway versions with a dot.  With "
            "--url, goose\n"
            "StatementBegin/End blocks are checked to stay one statement with "
            "that\n"
            "database's splitter.",
};
