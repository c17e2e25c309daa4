/* strata baseline VERSION */
#include <stdio.h>

#include "cli.h"

static int baseline(struct cli *c, int argc, char **argv)
{
	size_t n;
	int rc;

	if (argc != 1) {
		out_usage_error(c, "baseline needs exactly one version");
		return EXIT_USAGE;
	}
	if (parse_version(c, argv[0]) < 0)
		return EXIT_USAGE;
	if ((rc = strata_baseline(c->s, argv[0], &n)) < 0) {
		out_error(c, rc);
		return rc == STRATA_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "version", json_string(argv[0]));
		json_object_set_new(doc, "recorded",
		                    json_integer((json_int_t)n));
		out_json(doc);
	} else if (!c->quiet) {
		printf("recorded %zu migration%s up to %s as applied (no SQL "
		       "ran)\n",
		       n, n == 1 ? "" : "s", argv[0]);
	}
	return EXIT_OK;
}

const struct command cmd_baseline = {
    .name = "baseline",
    .run = baseline,
    .options = "",
    .usage = "baseline VERSION",
    .summary = "record every migration up to VERSION as applied",
    .help = "For a database no tool has managed, whose schema is already "
            "what the\n"
            "migrations up to VERSION make: records them applied without "
            "running\n"
            "them.  Refused once the history table has a row.",
};
