/* strata version: the database's current version. */
#include <stdio.h>

#include "cli.h"

static int version(struct cli *c, int argc, char **argv)
{
	strata_status *st;
	int rc, dirty = 0;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "version takes no arguments");
		return EXIT_USAGE;
	}
	if ((rc = strata_status_read(c->s, &st)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < st->count; i++)
		if (st->entries[i].state == STRATA_STATE_DIRTY)
			dirty = 1;
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "version",
		                    st->current_version
		                        ? json_string(st->current_version)
		                        : json_null());
		json_object_set_new(doc, "dirty", json_boolean(dirty));
		json_object_set_new(doc, "strata", json_string(STRATA_VERSION));
		out_json(doc);
	} else {
		printf("%s%s\n",
		       st->current_version ? st->current_version : "none",
		       dirty ? " (dirty)" : "");
	}
	strata_status_free(st);
	return EXIT_OK;
}

const struct command cmd_version = {
    .name = "version",
    .run = version,
    .options = "",
    .usage = "version",
    .summary = "print the database's current version (newest applied)",
    .help = "Prints the newest applied version, 'none' when nothing is "
            "applied, with\n"
            "'(dirty)' when a migration failed half-way. 'strata --version' "
            "prints the\n"
            "version of strata itself.",
};
