/* strata dump [-o FILE] [--owners]: the schema as a snapshot. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int dump(struct cli *c, int argc, char **argv)
{
	char *text;
	int rc = EXIT_OK;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "dump takes no arguments (-o FILE writes "
		                   "to a file)");
		return EXIT_USAGE;
	}
	if (!(text = snapshot_of(c, NULL)))
		return EXIT_FAIL;
	if (c->output && snapshot_write(c, c->output, text) < 0) {
		rc = EXIT_FAIL;
	} else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		if (c->output)
			json_object_set_new(doc, "file",
			                    json_string(c->output));
		else
			json_object_set_new(doc, "snapshot", json_string(text));
		out_json(doc);
	} else if (!c->output) {
		fputs(text, stdout);
	} else if (!c->quiet) {
		printf("wrote the schema to %s\n", c->output);
	}
	free(text);
	return rc;
}

const struct command cmd_dump = {
    .name = "dump",
    .run = dump,
    .options = " output owners ",
    .usage = "dump [-o FILE] [--owners]",
    .summary = "write the schema as a canonical, diffable snapshot",
    .help = "Reads the schema from the database's catalog and prints it as "
            "sorted text,\n"
            "one object per block (docs/snapshot.md): the same schema gives "
            "the same\n"
            "bytes, whatever order it was built in. Without pg_dump, so any "
            "server\n"
            "version works. strata's history table is left out. -o FILE "
            "writes it to\n"
            "FILE (commit it: 'strata status' reports drift from "
            "schema.snapshot, or\n"
            "strata.ini's [dump] file). --owners adds the owner of each "
            "object.",
};
