/* strata restore FILE: a SQLite backup made by 'up --backup' put back. */
#include <stdio.h>

#include "cli.h"

static int restore(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc != 1) {
		out_usage_error(c, "restore takes the backup file");
		return EXIT_USAGE;
	}
	if ((rc = strata_database_restore(c->s, argv[0])) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "restored", json_string(argv[0]));
		out_json(doc);
	} else if (!c->quiet) {
		printf("restored the database from %s\n", argv[0]);
	}
	return EXIT_OK;
}

const struct command cmd_restore = {
    .name = "restore",
    .run = restore,
    .options = "",
    .usage = "restore FILE",
    .summary = "put back a SQLite backup made by 'up --backup'",
    .help = "Replaces the SQLite database, schema, history and data, with "
            "the backup in FILE\n"
            "(.strata/backups/NAME-TIMESTAMP.db, made by 'strata up "
            "--backup'). A file that\n"
            "is not a SQLite database is refused before anything is "
            "overwritten. For a\n"
            "PostgreSQL backup (a pg_dump file) use pg_restore.",
};
