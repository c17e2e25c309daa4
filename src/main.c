/*
 * strata: the command-line tool.  Parses the options (global ones anywhere
 * on the line), opens a session with the library, and hands over to one
 * cmd_<verb>.c.  Exit status: 0 ok, 1 failure, 2 usage, 3 status --exit-code
 * found something to do, 128 + the signal's number when interrupted.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const struct command *const commands[] = {
    &cmd_new,    &cmd_up,    &cmd_down,     &cmd_redo,    &cmd_goto,
    &cmd_status, &cmd_test,  &cmd_explain,  &cmd_verify,  &cmd_lint,
    &cmd_dump,   &cmd_diff,  &cmd_backups,  &cmd_restore, &cmd_version,
    &cmd_force,  &cmd_adopt, &cmd_baseline, &cmd_convert, &cmd_help,
    NULL,
};

enum {
	OPT_URL = 1000,
	OPT_DIR,
	OPT_TABLE,
	OPT_JSON,
	OPT_LOCK_WAIT,
	OPT_NO_COLOR,
	OPT_VERSION,
	/* command options from here on */
	OPT_TO,
	OPT_SEQ,
	OPT_SINGLE_FILE,
	OPT_TIMESTAMP,
	OPT_DRY_RUN,
	OPT_ALL,
	OPT_EXIT_CODE,
	OPT_PENDING,
	OPT_ALLOW_MODIFIED,
	OPT_ALLOW_OUT_OF_ORDER,
	OPT_ALLOW_UNSAFE,
	OPT_FORMAT,
	OPT_EXPLAIN,
	OPT_PG_VERSION,
	OPT_DIALECT,
	OPT_STRICT,
	OPT_PROFILE,
	OPT_RULE,
	OPT_LIST_RULES,
	OPT_LOCK_TIMEOUT,
	OPT_STATEMENT_TIMEOUT,
	OPT_LOCK_TRIES,
	OPT_ALLOW_DESTRUCTIVE,
	OPT_NO_DATA_BACKUP,
	OPT_BACKUP,
	OPT_OUTPUT,
	OPT_OWNERS,
	OPT_FROM,
	OPT_DUMP,
	OPT_ONLY_UP,
	OPT_SCRATCH_URL,
	OPT_MARKDOWN
};

static const struct option longopts[] = {
    {"url", required_argument, NULL, OPT_URL},
    {"dir", required_argument, NULL, OPT_DIR},
    {"table", required_argument, NULL, OPT_TABLE},
    {"json", no_argument, NULL, OPT_JSON},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"to", required_argument, NULL, OPT_TO},
    {"seq", no_argument, NULL, OPT_SEQ},
    {"single-file", no_argument, NULL, OPT_SINGLE_FILE},
    {"timestamp", no_argument, NULL, OPT_TIMESTAMP},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"all", no_argument, NULL, OPT_ALL},
    {"exit-code", no_argument, NULL, OPT_EXIT_CODE},
    {"pending", no_argument, NULL, OPT_PENDING},
    {"allow-modified", no_argument, NULL, OPT_ALLOW_MODIFIED},
    {"allow-out-of-order", no_argument, NULL, OPT_ALLOW_OUT_OF_ORDER},
    {"allow-unsafe", no_argument, NULL, OPT_ALLOW_UNSAFE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"pg-version", required_argument, NULL, OPT_PG_VERSION},
    {"dialect", required_argument, NULL, OPT_DIALECT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"rule", required_argument, NULL, OPT_RULE},
    {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
    {"statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT},
    {"lock-tries", required_argument, NULL, OPT_LOCK_TRIES},
    {"allow-destructive", no_argument, NULL, OPT_ALLOW_DESTRUCTIVE},
    {"no-data-backup", no_argument, NULL, OPT_NO_DATA_BACKUP},
    {"backup", no_argument, NULL, OPT_BACKUP},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"owners", no_argument, NULL, OPT_OWNERS},
    {"from", required_argument, NULL, OPT_FROM},
    {"dump", no_argument, NULL, OPT_DUMP},
    {"only-up", no_argument, NULL, OPT_ONLY_UP},
    {"scratch-url", required_argument, NULL, OPT_SCRATCH_URL},
    {"markdown", no_argument, NULL, OPT_MARKDOWN},
    {NULL, 0, NULL, 0},
};

static const struct command *find_command(const char *name)
{
	for (const struct command *const *c = commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* The index of the command word: the first argument that is neither an
 * option nor the value of a global option. */
static int command_index(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (a[0] != '-')
			return i;
		if (!strcmp(a, "--url") || !strcmp(a, "--dir") ||
		    !strcmp(a, "--table") || !strcmp(a, "--lock-wait") ||
		    !strcmp(a, "--to") || !strcmp(a, "--format") ||
		    !strcmp(a, "--pg-version") || !strcmp(a, "--dialect") ||
		    !strcmp(a, "--profile") || !strcmp(a, "--rule") ||
		    !strcmp(a, "--lock-timeout") ||
		    !strcmp(a, "--statement-timeout") ||
		    !strcmp(a, "--lock-tries") || !strcmp(a, "--output") ||
		    !strcmp(a, "-o") || !strcmp(a, "--from") ||
		    !strcmp(a, "--scratch-url"))
			i++;
	}
	return -1;
}

static const char *option_name(int val)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

/* Whether the command accepts this command option. */
static int allowed(const struct command *cmd, int val)
{
	char key[40];
	snprintf(key, sizeof(key), " %s ", option_name(val));
	return cmd->options && strstr(cmd->options, key) != NULL;
}

static int parse_options(struct cli *c, int argc, char **argv)
{
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qvho:", longopts, NULL)) != -1) {
		if (ch == 'o')
			ch = OPT_OUTPUT;
		/* --format NAME of a migration format is global; lint's
		 * --format text|json|github names its output's */
		if (ch == OPT_FORMAT && strata_format_id(optarg) >= 0) {
			c->files_format = optarg;
			continue;
		}
		if (ch == OPT_FORMAT && !allowed(c->cmd, ch)) {
			out_usage_error(
			    c,
			    "--format takes a migration format "
			    "(strata, golang-migrate or gm, dbmate, "
			    "goose, flyway, diesel, supabase, auto), "
			    "not '%s'",
			    optarg);
			return -1;
		}
		if (ch >= OPT_TO && !allowed(c->cmd, ch)) {
			out_usage_error(c, "'%s' does not take --%s",
			                c->cmd->name, option_name(ch));
			return -1;
		}
		switch (ch) {
		case OPT_URL:
			c->url = optarg;
			break;
		case OPT_DIR:
			c->dir = optarg;
			break;
		case OPT_TABLE:
			c->table = optarg;
			break;
		case OPT_JSON:
			c->json = 1;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'v':
			c->verbose = 1;
			break;
		case OPT_NO_COLOR:
			c->color = 0;
			break;
		case OPT_LOCK_WAIT: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 86400) {
				out_usage_error(c,
				                "--lock-wait takes seconds "
				                "(0-86400), not '%s'",
				                optarg);
				return -1;
			}
			c->lock_wait_s = (int)v;
			break;
		}
		case 'h':
			c->cmd = &cmd_help;
			c->asked_help = 1;
			break;
		case OPT_VERSION:
			printf("strata %s\n", STRATA_VERSION);
			exit(EXIT_OK);
		case OPT_TO:
			c->to = optarg;
			break;
		case OPT_SEQ:
			c->seq = 1;
			break;
		case OPT_SINGLE_FILE:
			c->single_file = 1;
			break;
		case OPT_TIMESTAMP:
			c->timestamp = 1;
			break;
		case OPT_DRY_RUN:
			c->dry_run = 1;
			break;
		case OPT_ALL:
			c->all = 1;
			break;
		case OPT_EXIT_CODE:
			c->exit_code = 1;
			break;
		case OPT_PENDING:
			c->pending = 1;
			break;
		case OPT_ALLOW_MODIFIED:
			c->allow_modified = 1;
			break;
		case OPT_ALLOW_OUT_OF_ORDER:
			c->allow_out_of_order = 1;
			break;
		case OPT_ALLOW_UNSAFE:
			c->allow_unsafe = 1;
			break;
		case OPT_ALLOW_DESTRUCTIVE:
			c->allow_destructive = 1;
			break;
		case OPT_NO_DATA_BACKUP:
			c->no_data_backup = 1;
			break;
		case OPT_BACKUP:
			c->backup = 1;
			break;
		case OPT_OUTPUT:
			c->output = optarg;
			break;
		case OPT_OWNERS:
			c->owners = 1;
			break;
		case OPT_FROM:
			c->from = optarg;
			break;
		case OPT_DUMP:
			c->dump = 1;
			break;
		case OPT_ONLY_UP:
			c->only_up = 1;
			break;
		case OPT_SCRATCH_URL:
			c->scratch_url = optarg;
			break;
		case OPT_MARKDOWN:
			c->markdown = 1;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				c->format = FORMAT_TEXT;
			else if (!strcmp(optarg, "json"))
				c->format = FORMAT_JSON;
			else if (!strcmp(optarg, "github"))
				c->format = FORMAT_GITHUB;
			else {
				out_usage_error(
				    c,
				    "--format takes a migration format "
				    "(strata, golang-migrate, dbmate, "
				    "goose, flyway, diesel, supabase) or "
				    "lint's text, json or github, not "
				    "'%s'",
				    optarg);
				return -1;
			}
			break;
		case OPT_EXPLAIN:
			c->explain = 1;
			break;
		case OPT_PG_VERSION: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 9 || v > 99) {
				out_usage_error(c,
				                "--pg-version takes a major "
				                "version (9-99), not '%s'",
				                optarg);
				return -1;
			}
			c->pg_version = (int)v;
			break;
		}
		case OPT_DIALECT:
			if (!strcmp(optarg, "postgres") ||
			    !strcmp(optarg, "postgresql"))
				c->dialect = STRATA_DIALECT_POSTGRES;
			else if (!strcmp(optarg, "sqlite"))
				c->dialect = STRATA_DIALECT_SQLITE;
			else {
				out_usage_error(c,
				                "--dialect takes postgres or "
				                "sqlite, not '%s'",
				                optarg);
				return -1;
			}
			break;
		case OPT_STRICT:
			c->strict = 1;
			break;
		case OPT_PROFILE:
			if (strcmp(optarg, "supabase") != 0) {
				out_usage_error(c,
				                "--profile takes supabase, not "
				                "'%s'",
				                optarg);
				return -1;
			}
			c->profile_supabase = 1;
			break;
		case OPT_RULE:
			if (c->nrules ==
			    (int)(sizeof(c->rules) / sizeof(*c->rules))) {
				out_usage_error(c, "too many --rule options");
				return -1;
			}
			c->rules[c->nrules++] = optarg;
			break;
		case OPT_LIST_RULES:
			c->list_rules = 1;
			break;
		case OPT_LOCK_TIMEOUT:
		case OPT_STATEMENT_TIMEOUT: {
			int ms;
			if (strata_duration_parse(optarg, strlen(optarg), &ms) <
			    0) {
				out_usage_error(c,
				                "--%s takes a duration like "
				                "250ms, 5s or 2min, not '%s'",
				                option_name(ch), optarg);
				return -1;
			}
			if (ch == OPT_LOCK_TIMEOUT)
				c->lock_timeout_ms = ms;
			else
				c->statement_timeout_ms = ms;
			break;
		}
		case OPT_LOCK_TRIES: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 1000) {
				out_usage_error(c,
				                "--lock-tries takes a number "
				                "from 1 to 1000, not '%s'",
				                optarg);
				return -1;
			}
			c->lock_tries = (int)v;
			break;
		}
		default:
			if (optopt >= OPT_URL)
				out_usage_error(c, "option --%s needs a value",
				                option_name(optopt));
			else if (optopt)
				out_usage_error(c, "unknown option '-%c'",
				                optopt);
			else
				out_usage_error(c, "unknown option '%s'",
				                argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

/* Opens the session: URL, directory, table and event printing. */
static int open_session(struct cli *c, int need_url)
{
	strata_config cfg;
	int defaulted = 0, rc;
	char *url = need_url ? resolve_url(c, &defaulted) : NULL;

	strata_config_init(&cfg);
	/* convert checks goose blocks with the splitter of the database
	 * named, never with the default's */
	cfg.url = c->cmd == &cmd_convert && defaulted ? NULL : url;
	if (c->dir)
		cfg.dir = c->dir;
	else if (c->cmd != &cmd_new && access("migrations", F_OK) != 0 &&
	         access("supabase/migrations", F_OK) == 0)
		/* a Supabase project keeps its migrations there */
		cfg.dir = "supabase/migrations";
	cfg.format = c->files_format;
	if (c->table)
		cfg.table = c->table;
	cfg.lock_wait_ms = c->lock_wait_s * 1000;
	if (c->lock_timeout_ms >= 0)
		cfg.lock_timeout_ms = c->lock_timeout_ms;
	if (c->statement_timeout_ms >= 0)
		cfg.statement_timeout_ms = c->statement_timeout_ms;
	if (c->lock_tries > 0)
		cfg.lock_tries = c->lock_tries;
	cfg.no_data_backup = c->no_data_backup;
	cfg.on_event = on_event;
	cfg.event_data = c;
	rc = strata_open(&c->s, &cfg);
	if (rc < 0) {
		free(url);
		out_error(c, rc);
		return rc == STRATA_EUSAGE ? -EXIT_USAGE : -EXIT_FAIL;
	}
	/* said once: when the default database is about to be created (lint
	 * only reads files; test and explain work on a scratch database) */
	if (defaulted && !c->quiet && c->cmd != &cmd_lint &&
	    c->cmd != &cmd_test && c->cmd != &cmd_explain &&
	    c->cmd != &cmd_convert && access(DEFAULT_DB_FILE, F_OK) != 0)
		fprintf(stderr,
		        "strata: no database given (--url, DATABASE_URL or "
		        ".env): creating the embedded default %s\n",
		        url);
	free(url);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c;
	int ci, rc;

	memset(&c, 0, sizeof(c));
	c.lock_wait_s = 60;
	c.lock_timeout_ms = c.statement_timeout_ms = -1;
	/* status paints stdout, errors paint stderr: both must be terminals */
	c.color = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) &&
	          !getenv("NO_COLOR") &&
	          !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0);
	ci = command_index(argc, argv);
	if (ci < 0) {
		/* no command word: global --help/--version, else a usage error
		 */
		c.cmd = &cmd_help;
		if (parse_options(&c, argc, argv) < 0)
			return EXIT_USAGE;
		if (c.asked_help)
			return cmd_help.run(&c, 0, NULL);
		cmd_help.run(&c, 0, NULL);
		return EXIT_USAGE;
	}
	if (!(c.cmd = find_command(argv[ci]))) {
		fprintf(stderr,
		        "strata: unknown command '%s' (see 'strata help')\n",
		        argv[ci]);
		return EXIT_USAGE;
	}
	/* drop the command word; getopt moves the other words to the end */
	memmove(argv + ci, argv + ci + 1, (size_t)(argc - ci) * sizeof(*argv));
	argc--;
	{
		const struct command *asked = c.cmd;
		if (parse_options(&c, argc, argv) < 0)
			return EXIT_USAGE;
		if (c.cmd == &cmd_help && asked != &cmd_help) {
			char *name[] = {(char *)asked->name};
			return cmd_help.run(&c, 1, name);
		}
	}
	if (c.json) {
		c.events = json_array();
		c.notes = json_array();
	}
	if (c.cmd != &cmd_help && load_run_config(&c) < 0) {
		free(c.dump_file);
		free(c.ini_format);
		json_decref(c.events);
		json_decref(c.notes);
		return EXIT_USAGE;
	}
	if (c.cmd != &cmd_help &&
	    (rc = open_session(&c, c.cmd != &cmd_new)) < 0) {
		strata_free(c.s);
		json_decref(c.events);
		json_decref(c.notes);
		free(c.dump_file);
		free(c.ini_format);
		return -rc;
	}
	rc = c.cmd->run(&c, argc - optind, argv + optind);
	strata_free(c.s);
	free(c.dump_file);
	free(c.ini_format);
	json_decref(c.events);
	json_decref(c.notes);
	return rc;
}
