/* strata backups: the copies kept before drops, in strata_backup. */
#include <stdio.h>

#include "cli.h"

static void row(const strata_backup_info *b, void *data)
{
	struct cli *c = data;

	if (c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(b->name));
		json_object_set_new(o, "rows",
		                    b->rows >= 0 ? json_integer(b->rows)
		                                 : json_null());
		json_object_set_new(o, "bytes", json_integer(b->bytes));
		json_array_append_new(c->events, o);
		return;
	}
	if (b->rows >= 0)
		printf("strata_backup.%-40s ~%lld rows  %lld bytes\n", b->name,
		       b->rows, b->bytes);
	else
		printf("strata_backup.%-40s %lld bytes\n", b->name, b->bytes);
}

static int backups(struct cli *c, int argc, char **argv)
{
	int rc;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "backups takes no arguments");
		return EXIT_USAGE;
	}
	if ((rc = strata_backups_list(c->s, row, c)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set(doc, "backups", c->events);
		out_json(doc);
	}
	return EXIT_OK;
}

const struct command cmd_backups = {
    .name = "backups",
    .run = backups,
    .options = "",
    .usage = "backups",
    .summary = "list the copies of dropped tables and columns",
    .help = "Before an up drops a table or a column on PostgreSQL, strata "
            "copies it into\n"
            "the schema strata_backup, in the same transaction (a column "
            "together with\n"
            "the primary key of its rows): strata_backup.VERSION_TABLE or\n"
            "VERSION_TABLE_COLUMN. This lists them with their size. To "
            "restore a table:\n"
            "  CREATE TABLE t AS TABLE strata_backup.\"VERSION_t\";\n"
            "a column: add it back, then UPDATE t SET c = b.c FROM "
            "strata_backup.\"...\" b\n"
            "WHERE t.id = b.id. --no-data-backup on up turns the copies "
            "off.",
};
