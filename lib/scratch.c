/*
 * Scratch databases, for strata test and strata explain: made beside the
 * user's (driver scratch_create: SQLite a temporary file, PostgreSQL a
 * database strata_test_*) or given with --scratch-url, and a session of
 * their own with the user's directory and settings.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "scratch.h"
#include "strata/driver.h"

/* The scratch session's long statements are the user's to see. */
static void forward_event(const strata_event *ev, void *data)
{
	strata *s = data;

	if (ev->type == STRATA_EVENT_PROGRESS && s->on_event)
		s->on_event(ev, s->event_data);
}

/* Opens the scratch session: the user's directory and settings, no data
 * copies before drops (the scratch database is thrown away). */
static int open_session(strata *s, const char *url, strata **out)
{
	strata_config cfg;
	strata_buf table = STRATA_BUF_INIT;
	int rc;

	strata_config_init(&cfg);
	cfg.url = url;
	cfg.dir = s->dir;
	if (s->table_schema)
		strata_buf_printf(&table, "%s.", s->table_schema);
	strata_buf_puts(&table, s->table_name);
	cfg.table = table.ptr;
	cfg.lock_timeout_ms = s->lock_timeout_ms;
	cfg.statement_timeout_ms = s->statement_timeout_ms;
	cfg.lock_tries = s->lock_tries;
	cfg.no_data_backup = 1;
	cfg.format = strata_format_name(s->format); /* "auto" when none */
	cfg.on_event = forward_event;
	cfg.event_data = s;
	rc = strata_open(out, &cfg);
	if (rc < 0)
		strata_error_set(&s->err, rc, "%s",
		                 *out ? strata_errmsg(*out) : "out of memory");
	strata_buf_dispose(&table);
	return rc;
}

int strata_scratch_open(strata *s, const char *url, struct scratch *sc)
{
	int rc;

	memset(sc, 0, sizeof(*sc));
	if ((rc = strata_session_driver(s, &sc->driver)) < 0)
		return rc;
	if (url) {
		sc->url = strdup(url);
	} else if (!sc->driver->scratch_create) {
		return strata_error_set(&s->err, STRATA_EUSAGE,
		                        "%s cannot make a scratch database: "
		                        "give one with --scratch-url",
		                        sc->driver->name);
	} else {
		/* SQLite needs no connection to the user's database */
		if (sc->driver->dialect != STRATA_DIALECT_SQLITE &&
		    (rc = strata_session_connect(s)) < 0)
			return rc;
		if ((rc = sc->driver->scratch_create(s->conn, s->url, &sc->url,
		                                     &s->err)) < 0)
			return rc;
		sc->made = 1;
	}
	if (!sc->url)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	if ((rc = open_session(s, sc->url, &sc->session)) < 0) {
		strata_scratch_close(s, sc);
		return rc;
	}
	/* a scratch database is thrown away: it need not survive a crash,
	 * so its commits do not wait for the disk */
	if ((rc = strata_session_connect(sc->session)) < 0) {
		strata_error_move(&s->err, &sc->session->err);
		strata_scratch_close(s, sc);
		return rc;
	}
	{
		const char *fast[] = {"PRAGMA synchronous = OFF",
		                      "PRAGMA journal_mode = MEMORY", NULL};
		const char *fast_pg[] = {"SET synchronous_commit = off", NULL};
		strata_error ignored = {0};
		long off;
		for (const char **q =
		         sc->driver->dialect == STRATA_DIALECT_POSTGRES
		             ? fast_pg
		         : sc->driver->dialect == STRATA_DIALECT_SQLITE ? fast
		                                                        : NULL;
		     q && *q; q++)
			sc->driver->exec(sc->session->conn, *q, &off, &ignored);
		strata_error_dispose(&ignored);
	}
	atomic_store(&s->child, sc->session);
	return 0;
}

void strata_scratch_close(strata *s, struct scratch *sc)
{
	atomic_store(&s->child, NULL);
	strata_free(sc->session);
	sc->session = NULL;
	if (sc->made) {
		strata_error ignored = {0};
		sc->driver->scratch_drop(s->conn, sc->url, &ignored);
		strata_error_dispose(&ignored);
	}
	free(sc->url);
	sc->url = NULL;
}
