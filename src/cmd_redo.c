/* strata redo */
#include "cli.h"

static int redo(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "redo takes no arguments");
		return EXIT_USAGE;
	}
	return run_migrations(c, STRATA_OP_REDO, 0, NULL, 0);
}

const struct command cmd_redo = {
    .name = "redo",
    .run = redo,
    .options = " dry-run dump allow-modified allow-unsafe allow-destructive "
               "no-data-backup lock-timeout "
               "statement-timeout lock-tries ",
    .usage = "redo [--dry-run] [--dump] [--allow-modified] [--allow-unsafe] "
             "[--allow-destructive] [--no-data-backup] "
             "[--lock-timeout D] [--statement-timeout D] [--lock-tries N]",
    .summary = "roll back the newest migration and apply it again",
    .help = "Rolls back the newest applied migration and applies it again, "
            "under one\n"
            "lock: the quick loop while writing a migration.",
};
