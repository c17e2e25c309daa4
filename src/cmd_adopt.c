/* strata adopt [--from TOOL] */
#include <stdio.h>

#include "cli.h"

static int adopt(struct cli *c, int argc, char **argv)
{
	int from = STRATA_FORMAT_AUTO, rc;
	size_t n;

	(void)argv;
	if (argc != 0) {
		out_usage_error(c, "adopt takes no arguments");
		return EXIT_USAGE;
	}
	if (c->from &&
	    ((from = strata_format_id(c->from)) < 0 ||
	     from == STRATA_FORMAT_STRATA || from == STRATA_FORMAT_AUTO)) {
		out_usage_error(
		    c,
		    "--from takes gm (golang-migrate), dbmate, goose, "
		    "flyway, diesel or supabase, not '%s'",
		    c->from);
		return EXIT_USAGE;
	}
	if ((rc = strata_adopt(c->s, from, &n)) < 0) {
		out_error(c, rc);
		return rc == STRATA_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "recorded",
		                    json_integer((json_int_t)n));
		out_json(doc);
	} else if (!c->quiet) {
		printf("recorded %zu migration%s as applied (no SQL ran)\n", n,
		       n == 1 ? "" : "s");
	}
	return EXIT_OK;
}

const struct command cmd_adopt = {
    .name = "adopt",
    .run = adopt,
    .options = " from ",
    .usage = "adopt [--from gm|dbmate|goose|flyway|diesel|supabase]",
    .summary = "take over a database another tool migrated",
    .help =
        "Reads the other tool's history table (golang-migrate's and "
        "dbmate's\n"
        "schema_migrations, goose_db_version, flyway_schema_history,\n"
        "__diesel_schema_migrations, supabase_migrations.schema_migrations) "
        "and\n"
        "records the versions it has applied in strata's history, with "
        "the\n"
        "files' checksums, without running any SQL.  Then 'status' shows "
        "them\n"
        "applied and 'up' runs only what is new.  The other tool's table is "
        "left\n"
        "as it is.  Without --from, the tool is the one whose format the "
        "files are in.",
};
