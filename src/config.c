/* Which database: --url, then DATABASE_URL, then .env, then the default. */
#include <ini.h>
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
