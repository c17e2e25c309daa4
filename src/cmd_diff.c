/* strata diff [--from SOURCE] [--to SOURCE]: two schemas, object by object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int diff(struct cli *c, int argc, char **argv)
{
	const char *from = c->from ? c->from : dump_file(c);
	char *a = NULL, *b = NULL, *out = NULL;
	int n, rc = EXIT_FAIL;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "diff takes no arguments (--from and --to "
		                   "name what to compare)");
		return EXIT_USAGE;
	}
	if (!(a = snapshot_of(c, from)) || !(b = snapshot_of(c, c->to)))
		goto out;
	if ((n = strata_snapshot_diff(a, b, &out)) < 0) {
		fputs("strata: out of memory\n", stderr);
		goto out;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "from", json_string(from));
		json_object_set_new(doc, "to",
		                    json_string(c->to ? c->to : "database"));
		json_object_set_new(doc, "differences", json_integer(n));
		json_object_set_new(doc, "diff", json_string(out));
		out_json(doc);
	} else if (n == 0) {
		if (!c->quiet)
			printf("no difference between %s and %s\n", from,
			       c->to ? c->to : "the database");
	} else {
		fputs(out, stdout);
	}
	/* like status --exit-code: 3 says "look at this", 1 stays failure */
	rc = n ? EXIT_PENDING : EXIT_OK;
out:
	free(a);
	free(b);
	free(out);
	return rc;
}

const struct command cmd_diff = {
    .name = "diff",
    .run = diff,
    .options = " from to owners ",
    .usage = "diff [--from FILE|URL] [--to FILE|URL] [--owners]",
    .summary = "compare two schemas object by object",
    .help = "Compares two schema snapshots (see 'strata dump'): a file "
            "written by dump,\n"
            "or a database URL. --from defaults to schema.snapshot "
            "(strata.ini's [dump]\n"
            "file), --to to the database (--url). Prints '+ OBJECT' for "
            "what only --to\n"
            "has, '- OBJECT' for what only --from has, and '~ OBJECT' with "
            "the lines that\n"
            "differ. Exit status 0 when they are the same, 3 when they "
            "differ.",
};
