/* strata up [N] [--to V] [--dry-run] [--dump] */
#include "cli.h"

static int up(struct cli *c, int argc, char **argv)
{
	int count = 0;

	if (argc > 1) {
		out_usage_error(c, "too many arguments");
		return EXIT_USAGE;
	}
	if (argc == 1 && parse_count(c, argv[0], &count) < 0)
		return EXIT_USAGE;
	if (c->to && parse_version(c, c->to) < 0)
		return EXIT_USAGE;
	if (count && c->to) {
		out_usage_error(c, "give a count or --to, not both");
		return EXIT_USAGE;
	}
	return run_migrations(c, STRATA_OP_UP, count, c->to, 0);
}

const struct command cmd_up = {
    .name = "up",
    .run = up,
    .options =
        " to dry-run dump allow-modified allow-out-of-order allow-unsafe "
        "allow-destructive no-data-backup backup "
        "lock-timeout statement-timeout lock-tries ",
    .usage = "up [N] [--to VERSION] [--dry-run] [--dump] [--allow-modified] "
             "[--allow-out-of-order] [--allow-unsafe] [--allow-destructive] "
             "[--no-data-backup] [--backup] "
             "[--lock-timeout D] "
             "[--statement-timeout D] [--lock-tries N]",
    .summary = "apply pending migrations",
    .help =
        "Applies pending migrations in version order, each in its own "
        "transaction\n"
        "together with its history row: all of them, the next N, or those up "
        "to and\n"
        "including VERSION. --dry-run prints the statements without running "
        "them.\n"
        "Refuses when a migration is dirty, when an applied file has changed\n"
        "(--allow-modified) or when a pending migration is older than the "
        "newest\n"
        "applied one (--allow-out-of-order). The migrations are linted "
        "first: errors\n"
        "stop the run before anything runs (--allow-unsafe). On "
        "PostgreSQL each\n"
        "migration runs with lock_timeout 250ms (--lock-timeout) and no "
        "statement\n"
        "timeout (--statement-timeout); a lock timeout rolls it back and "
        "tries again,\n"
        "up to 20 times (--lock-tries), naming the session that blocks.\n"
        "Statements that delete data (DROP TABLE/COLUMN, TRUNCATE, DELETE "
        "or UPDATE\n"
        "without WHERE) are listed with their row counts and need a yes on "
        "the\n"
        "terminal, or --allow-destructive. --backup first copies the whole "
        "database\n"
        "into .strata/backups/ (SQLite: its backup API, 'strata restore' "
        "puts it\n"
        "back; PostgreSQL: pg_dump). A statement running for over 2 s "
        "reports its\n"
        "progress and what it waits for. Ctrl-C cancels it and rolls its "
        "migration\n"
        "back (outside a transaction: dirty there, and up goes on from it); "
        "exit 130.",
};
