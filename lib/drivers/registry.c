/* Finding a driver by URL scheme. */
#include <string.h>

#include "strata/driver.h"

static const struct strata_driver *const drivers[] = {
    &strata_driver_sqlite,
    &strata_driver_postgres,
    &strata_driver_mysql,
};

const struct strata_driver *strata_driver_find(const char *url)
{
	size_t n = strcspn(url, ":");

	if (!url[n])
		return NULL;
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		for (const char *const *sc = drivers[i]->schemes; *sc; sc++)
			if (strlen(*sc) == n && strncmp(*sc, url, n) == 0)
				return drivers[i];
	return NULL;
}
