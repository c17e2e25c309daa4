/* strata down [N] [--to V | --all] */
#include "cli.h"

static int down(struct cli *c, int argc, char **argv)
{
	int count = 1;

	if (argc > 1) {
		out_usage_error(c, "too many arguments");
		return EXIT_USAGE;
	}
	if (argc == 1 && parse_count(c, argv[0], &count) < 0)
		return EXIT_USAGE;
	if (c->to && parse_version(c, c->to) < 0)
		return EXIT_USAGE;
	if ((argc == 1) + (c->to != NULL) + c->all > 1) {
		out_usage_error(c, "give one of N, --to or --all");
		return EXIT_USAGE;
	}
	return run_migrations(c, STRATA_OP_DOWN, count, c->to,
	                      c->all ? STRATA_RUN_ALL : 0);
}

const struct command cmd_down = {
    .name = "down",
    .run = down,
    .options =
        " to all dry-run dump allow-modified lock-timeout statement-timeout "
        "lock-tries ",
    .usage = "down [N | --to VERSION | --all] [--dry-run] [--dump] "
             "[--allow-modified] "
             "[--lock-timeout D] [--statement-timeout D] [--lock-tries N]",
    .summary = "roll back applied migrations (default: the newest one)",
    .help =
        "Rolls back the newest applied migration, the N newest, every "
        "migration\n"
        "newer than VERSION (VERSION stays applied; 0 means all), or --all, "
        "each in\n"
        "its own transaction with its history row. A migration without a down\n"
        "section, or whose file is missing, is refused.",
};
