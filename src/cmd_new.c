/* strata new NAME [--seq] [--single-file] */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int new_migration(struct cli *c, int argc, char **argv)
{
	char *up, *down;
	unsigned flags = 0;
	int rc;

	if (argc != 1) {
		out_usage_error(c, "new needs exactly one name");
		return EXIT_USAGE;
	}
	if (c->seq && c->timestamp) {
		out_usage_error(c, "give --seq or --timestamp, not both");
		return EXIT_USAGE;
	}
	flags |= c->seq ? STRATA_NEW_SEQ : 0;
	flags |= c->timestamp ? STRATA_NEW_TIMESTAMP : 0;
	flags |= c->single_file ? STRATA_NEW_SINGLE_FILE : 0;
	if ((rc = strata_migration_new(c->s, argv[0], flags, &up, &down)) < 0) {
		out_error(c, rc);
		return rc == STRATA_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "up", json_string(up));
		json_object_set_new(doc, "down",
		                    down ? json_string(down) : json_null());
		out_json(doc);
	} else if (!c->quiet) {
		printf("created %s\n", up);
		if (down)
			printf("created %s\n", down);
	}
	free(up);
	free(down);
	return EXIT_OK;
}

const struct command cmd_new = {
    .name = "new",
    .run = new_migration,
    .options = " seq single-file timestamp ",
    .usage = "new NAME [--seq | --timestamp] [--single-file]",
    .summary = "create the files of a new migration",
    .help = "Creates VERSION_NAME.up.sql and VERSION_NAME.down.sql (or, with\n"
            "--single-file, VERSION_NAME.sql with '-- strata:up' and '-- "
            "strata:down'\n"
            "sections) in the migrations directory. VERSION is the UTC time\n"
            "(YYYYMMDDHHMMSS), or with --seq the next zero-padded number; "
            "without either\n"
            "flag the directory's existing scheme is continued. NAME: a-z, 0-9 "
            "and _.",
};
