/* strata backups: the copies kept before drops, in strata_backup (a schema
 * on PostgreSQL, an attached file on SQLite). */
#include <stdio.h>

#include "cli.h"

struct listing {
	struct cli *c;
	int n;
};

static void row(const strata_backup_info *b, void *data)
{
	struct listing *l = data;
	char bytes[32] = "?"; /* SQLite without dbstat cannot tell */

	l->n++;
	if (l->c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(b->name));
		json_object_set_new(o, "rows",
		                    b->rows >= 0 ? json_integer(b->rows)
		                                 : json_null());
		json_object_set_new(o, "bytes",
		                    b->bytes >= 0 ? json_integer(b->bytes)
		                                  : json_null());
		json_array_append_new(l->c->events, o);
		return;
	}
	if (b->bytes >= 0)
		snprintf(bytes, sizeof(bytes), "%lld", b->bytes);
	if (b->rows >= 0)
		printf("strata_backup.%-40s ~%lld rows  %s bytes\n", b->name,
		       b->rows, bytes);
	else
		printf("strata_backup.%-40s %s bytes\n", b->name, bytes);
}

static int backups(struct cli *c, int argc, char **argv)
{
	struct listing l = {c, 0};
	int rc;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "backups takes no arguments");
		return EXIT_USAGE;
	}
	if ((rc = strata_backups_list(c->s, row, &l)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set(doc, "backups", c->events);
		out_json(doc);
	} else if (l.n == 0 && !c->quiet) {
		printf("no copies of dropped tables or columns\n");
	}
	return EXIT_OK;
}

const struct command cmd_backups = {
    .name = "backups",
    .run = backups,
    .options = "",
    .usage = "backups",
    .summary = "list the copies of dropped tables and columns",
    .help =
        "Before an up drops a table or a column, strata copies it into\n"
        "strata_backup, in the same transaction (a column together with "
        "the primary\n"
        "key of its rows, else ctid or rowid): strata_backup.VERSION_TABLE or\n"
        "VERSION_TABLE_COLUMN. On PostgreSQL strata_backup is a schema; on "
        "SQLite it\n"
        "is the file DATABASE.strata-backup next to the database, attached "
        "under that\n"
        "name. This lists the copies with their rows and size. To restore "
        "a table:\n"
        "  CREATE TABLE t AS TABLE strata_backup.\"VERSION_t\";\n"
        "a column: add it back, then UPDATE t SET c = b.c FROM "
        "strata_backup.\"...\" b\n"
        "WHERE t.id = b.id. On SQLite, first ATTACH "
        "'DATABASE.strata-backup' AS\n"
        "strata_backup; a table is then: INSERT INTO t SELECT * FROM\n"
        "strata_backup.\"VERSION_t\". --no-data-backup on up turns the "
        "copies off.",
};
