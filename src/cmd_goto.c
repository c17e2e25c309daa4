/* strata goto VERSION */
#include "cli.h"

static int go(struct cli *c, int argc, char **argv)
{
	if (argc != 1) {
		out_usage_error(c, "goto needs exactly one version");
		return EXIT_USAGE;
	}
	if (parse_version(c, argv[0]) < 0)
		return EXIT_USAGE;
	return run_migrations(c, STRATA_OP_GOTO, 0, argv[0], 0);
}

const struct command cmd_goto = {
    .name = "goto",
    .run = go,
    .options = " dry-run dump allow-modified allow-out-of-order allow-unsafe "
               "allow-destructive no-data-backup "
               "lock-timeout statement-timeout lock-tries ",
    .usage = "goto VERSION [--dry-run] [--dump] [--allow-modified] "
             "[--allow-out-of-order] "
             "[--allow-unsafe] [--allow-destructive] [--no-data-backup] "
             "[--lock-timeout D] "
             "[--statement-timeout D] "
             "[--lock-tries N]",
    .summary = "migrate up or down until VERSION is the newest applied",
    .help = "Rolls back every applied migration newer than VERSION, then "
            "applies every\n"
            "pending one up to VERSION. 'goto 0' rolls back everything.",
};
