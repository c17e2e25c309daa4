/* strata force VERSION [--pending] */
#include <stdio.h>

#include "cli.h"

static int force(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc != 1) {
		out_usage_error(c, "force needs exactly one version");
		return EXIT_USAGE;
	}
	if (parse_version(c, argv[0]) < 0)
		return EXIT_USAGE;
	if ((rc = strata_force(c->s, argv[0], !c->pending)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "version", json_string(argv[0]));
		json_object_set_new(
		    doc, "state",
		    json_string(c->pending ? "pending" : "applied"));
		out_json(doc);
	} else if (!c->quiet) {
		printf(c->pending ? "%s is pending now (its history row is "
		                    "removed; no SQL ran)\n"
		                  : "%s is recorded as applied (no SQL ran)\n",
		       argv[0]);
	}
	return EXIT_OK;
}

const struct command cmd_force = {
    .name = "force",
    .run = force,
    .options = " pending ",
    .usage = "force VERSION [--pending]",
    .summary =
        "record a migration as applied (or, with --pending, as not applied)",
    .help = "Changes the history table only; no SQL of the migration runs. The "
            "way out\n"
            "of a dirty migration once the database is repaired by hand: "
            "'force V' if\n"
            "its changes are all in place, 'force V --pending' if none are.",
};
