/* strata help [COMMAND] */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char global_help[] =
    "Global options (before or after the command):\n"
    "  --url URL         database: sqlite:PATH, sqlite:///ABS/PATH, "
    "postgres://...,\n"
    "                    mysql://... (or mariadb://...)\n"
    "                    (default: $DATABASE_URL, then DATABASE_URL in "
    "./.env,\n"
    "                    then sqlite:strata.db)\n"
    "  --dir DIR         migrations directory (default: migrations)\n"
    "  --table T         history table, T or SCHEMA.T (default: "
    "strata_migrations)\n"
    "  --lock-wait SECS  how long to wait for another run's lock (default: "
    "60)\n"
    "  --json            machine-readable output on stdout\n"
    "  -q, --quiet       print errors only\n"
    "  -v, --verbose     print each migration as it starts, and server "
    "notices\n"
    "  --no-color        no colour (also: NO_COLOR set, or output not a "
    "terminal)\n"
    "\n"
    "Exit status: 0 ok, 1 failure, 2 usage error, 3 'status --exit-code' "
    "found\n"
    "migrations that are not applied, 130 interrupted by Ctrl-C (143: "
    "SIGTERM).\n";

static json_t *command_json(const struct command *cmd)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(cmd->name));
	json_object_set_new(o, "usage", json_string(cmd->usage));
	json_object_set_new(o, "summary", json_string(cmd->summary));
	json_object_set_new(o, "description", json_string(cmd->help));
	return o;
}

static int help_json(int argc, char **argv)
{
	json_t *list = json_array(), *doc = json_object();

	for (const struct command *const *cmd = commands; *cmd; cmd++)
		if (argc == 0 || strcmp((*cmd)->name, argv[0]) == 0)
			json_array_append_new(list, command_json(*cmd));
	if (json_array_size(list) == 0) {
		json_decref(list);
		json_decref(doc);
		fprintf(stderr,
		        "strata: unknown command '%s' (see 'strata help')\n",
		        argv[0]);
		return EXIT_USAGE;
	}
	json_object_set_new(doc, "version", json_string(STRATA_VERSION));
	json_object_set_new(doc, "commands", list);
	out_json(doc);
	return EXIT_OK;
}

static int help(struct cli *c, int argc, char **argv)
{
	if (c->json)
		return help_json(argc, argv);
	if (argc > 0) {
		for (const struct command *const *cmd = commands; *cmd; cmd++)
			if (strcmp((*cmd)->name, argv[0]) == 0) {
				printf("usage: strata %s\n\n%s\n%s\n\n%s",
				       (*cmd)->usage, (*cmd)->summary,
				       (*cmd)->help, global_help);
				return EXIT_OK;
			}
		fprintf(stderr,
		        "strata: unknown command '%s' (see 'strata help')\n",
		        argv[0]);
		return EXIT_USAGE;
	}
	printf("strata %s: database schema migrations\n\n"
	       "usage: strata [OPTIONS] COMMAND [ARGS]\n\nCommands:\n",
	       STRATA_VERSION);
	for (const struct command *const *cmd = commands; *cmd; cmd++)
		printf("  %-9s %s\n", (*cmd)->name, (*cmd)->summary);
	printf("\n%s\nMore: 'strata help COMMAND', docs/strata.1.md\n",
	       global_help);
	return EXIT_OK;
}

const struct command cmd_help = {
    .name = "help",
    .run = help,
    .options = "",
    .usage = "help [COMMAND]",
    .summary = "show help for strata or for one command",
    .help = "Prints the commands, or the usage and description of one.",
};
