/* Which database: --url, then DATABASE_URL, then .env, then the default. */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* inih reads .env's KEY=VALUE lines as keys of the unnamed section. */
static int env_line(void *data, const char *section, const char *name,
                    const char *value)
{
	char **out = data;
	size_t n;

	if (*section)
		return 1;
	if (strncmp(name, "export ", 7) == 0)
		name += 7;
	while (*name == ' ')
		name++;
	if (strcmp(name, "DATABASE_URL") != 0)
		return 1;
	if (value[0] == '"' || value[0] == '\'') {
		/* DATABASE_URL="..." or '...', maybe followed by a # comment */
		const char *close = strchr(value + 1, value[0]);
		if (!close)
			return 1;
		n = (size_t)(close - value - 1);
		value++;
	} else {
		/* an unquoted value ends at " #" (a comment) */
		const char *hash = strstr(value, " #");
		n = hash ? (size_t)(hash - value) : strlen(value);
		while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
			n--;
	}
	free(*out);
	*out = strndup(value, n);
	return 1;
}

char *resolve_url(struct cli *c, int *out_defaulted)
{
	const char *env = getenv("DATABASE_URL");
	char *found = NULL;

	*out_defaulted = 0;
	if (c->url)
		return strdup(c->url);
	if (env && *env)
		return strdup(env);
	if (ini_parse(".env", env_line, &found) >= 0 && found && *found)
		return found;
	free(found);
	*out_defaulted = 1;
	return strdup("sqlite:" DEFAULT_DB_FILE);
}

/* strata.ini, [lint] section: RULE = off|info|warning|error, and the
 * settings profile, pg-version, dialect. */
struct ini_state {
	struct cli *c;
	int failed;
};

static int lint_setting(struct cli *c, const char *name, const char *value,
                        int from_ini)
{
	int sev;

	if (from_ini && !strcmp(name, "profile")) {
		if (strcmp(value, "supabase") != 0)
			goto bad;
		c->profile_supabase = 1;
		return 0;
	}
	if (from_ini && !strcmp(name, "pg-version")) {
		int v = atoi(value);
		if (v < 9 || v > 99)
			goto bad;
		if (!c->pg_version)
			c->pg_version = v;
		return 0;
	}
	if (from_ini && !strcmp(name, "dialect")) {
		if (c->dialect != STRATA_DIALECT_AUTO)
			return 0;
		if (!strcmp(value, "postgres") || !strcmp(value, "postgresql"))
			c->dialect = STRATA_DIALECT_POSTGRES;
		else if (!strcmp(value, "sqlite"))
			c->dialect = STRATA_DIALECT_SQLITE;
		else
			goto bad;
		return 0;
	}
	if ((sev = strata_severity_parse(value)) < 0)
		goto bad;
	if (strata_lint_rule_set(c->s, name, (strata_severity)sev) < 0) {
		fprintf(stderr, "strata: %s%s\n",
		        from_ini ? "strata.ini: " : "", strata_errmsg(c->s));
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "strata: %s'%s = %s': expected %s\n",
	        from_ini ? "strata.ini: " : "--rule ", name, value,
	        !strcmp(name, "profile")      ? "supabase"
	        : !strcmp(name, "pg-version") ? "a major version"
	        : !strcmp(name, "dialect")    ? "postgres or sqlite"
	                                      : "off, info, warning or error");
	return -1;
}

static int ini_line(void *data, const char *section, const char *name,
                    const char *value)
{
	struct ini_state *st = data;

	if (strcmp(section, "lint") == 0 && !st->failed &&
	    lint_setting(st->c, name, value, 1) < 0)
		st->failed = 1;
	return 1;
}

int apply_lint_config(struct cli *c)
{
	struct ini_state st = {c, 0};
	int rc = ini_parse("strata.ini", ini_line, &st);

	if (rc > 0) {
		fprintf(stderr,
		        "strata: strata.ini:%d: cannot parse this line\n", rc);
		return -1;
	}
	if (st.failed)
		return -1;
	for (int i = 0; i < c->nrules; i++) {
		char name[80];
		const char *eq = strchr(c->rules[i], '=');
		if (!eq || eq == c->rules[i] ||
		    (size_t)(eq - c->rules[i]) >= sizeof(name)) {
			out_usage_error(c,
			                "--rule takes NAME=SEVERITY, not '%s'",
			                c->rules[i]);
			return -1;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - c->rules[i]),
		         c->rules[i]);
		if (lint_setting(c, name, eq + 1, 0) < 0)
			return -1;
	}
	return 0;
}

/* strata.ini, [dump] section: file = PATH, after-run = true|false */
static int dump_line(struct ini_state *st, const char *name, const char *value)
{
	struct cli *c = st->c;

	if (!strcmp(name, "file") && *value) {
		free(c->dump_file);
		c->dump_file = strdup(value);
	} else if (!strcmp(name, "after-run") &&
	           (!strcmp(value, "true") || !strcmp(value, "false"))) {
		c->dump_after_run = !strcmp(value, "true");
	} else {
		fprintf(stderr,
		        "strata: strata.ini: '%s = %s' in [dump]: expected "
		        "'file = PATH' or 'after-run = true|false'\n",
		        name, value);
		st->failed = 1;
	}
	return 1;
}

/* strata.ini, [run] section */
static int run_line(void *data, const char *section, const char *name,
                    const char *value)
{
	struct ini_state *st = data;
	struct cli *c = st->c;
	int ms;

	if (!strcmp(section, "dump") && !st->failed)
		return dump_line(st, name, value);
	if (!*section && !strcmp(name, "format") && !st->failed) {
		/* the migration files' format; --format wins */
		if (strata_format_id(value) < 0) {
			fprintf(
			    stderr,
			    "strata: strata.ini: 'format = %s': expected "
			    "auto, strata, golang-migrate (gm), dbmate, goose, "
			    "flyway, diesel or supabase\n",
			    value);
			st->failed = 1;
		} else if (!c->files_format) {
			free(c->ini_format);
			c->ini_format = strdup(value);
			c->files_format = c->ini_format;
		}
		return 1;
	}
	if (strcmp(section, "run") != 0 || st->failed)
		return 1;
	if (!strcmp(name, "lock-timeout") ||
	    !strcmp(name, "statement-timeout")) {
		int *slot = !strcmp(name, "lock-timeout")
		                ? &c->lock_timeout_ms
		                : &c->statement_timeout_ms;
		if (strata_duration_parse(value, strlen(value), &ms) < 0) {
			fprintf(stderr,
			        "strata: strata.ini: '%s = %s': expected a "
			        "duration like 250ms, 5s or 2min\n",
			        name, value);
			st->failed = 1;
		} else if (*slot < 0) {
			*slot = ms;
		}
	} else if (!strcmp(name, "lock-tries")) {
		char *end;
		long v = strtol(value, &end, 10);
		if (*end || end == value || v < 1 || v > 1000) {
			fprintf(
			    stderr,
			    "strata: strata.ini: 'lock-tries = %s': expected "
			    "a number from 1 to 1000\n",
			    value);
			st->failed = 1;
		} else if (c->lock_tries <= 0) {
			c->lock_tries = (int)v;
		}
	} else {
		fprintf(
		    stderr,
		    "strata: strata.ini: unknown setting '%s' in [run] "
		    "(known: lock-timeout, statement-timeout, lock-tries)\n",
		    name);
		st->failed = 1;
	}
	return 1;
}

int load_run_config(struct cli *c)
{
	struct ini_state st = {c, 0};

	if (ini_parse("strata.ini", run_line, &st) > 0)
		return 0; /* a syntax error: apply_lint_config() says where */
	return st.failed ? -1 : 0;
}
