/* The session handle: configuration, connection, loaded files, last error. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "migration_set.h"
#include "session.h"
#include "split.h"

void strata_config_init(strata_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = "migrations";
	cfg->table = "strata_migrations";
	cfg->lock_wait_ms = 60000;
	cfg->lock_timeout_ms = 250;
	cfg->lock_tries = 20;
}

int strata_duration_parse(const char *text, size_t len, int *out_ms)
{
	static const struct {
		const char *unit;
		long long ms;
	} units[] = {
	    {"", 1}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}};
	long long v = 0;
	size_t i = 0;

	if (len == 0 || text[0] < '0' || text[0] > '9')
		return -1;
	while (i < len && text[i] >= '0' && text[i] <= '9' && v <= 86400000)
		v = v * 10 + (text[i++] - '0');
	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++)
		if (len - i == strlen(units[u].unit) &&
		    memcmp(text + i, units[u].unit, len - i) == 0) {
			v *= units[u].ms;
			if (v > 86400000)
				return -1;
			*out_ms = (int)v;
			return 0;
		}
	return -1;
}

static int ident_valid(const char *s, size_t n)
{
	if (n == 0 || n > 63 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* "table" or "schema.table"; plain identifiers only, so no quoting games. */
static int set_table(strata *s, const char *t)
{
	const char *dot = strchr(t, '.');
	const char *name = dot ? dot + 1 : t;

	if ((dot && !ident_valid(t, (size_t)(dot - t))) ||
	    !ident_valid(name, strlen(name)))
		return strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "invalid history table name '%s' (expected name or "
		    "schema.name, letters, digits and _)",
		    t);
	s->table_schema = dot ? strndup(t, (size_t)(dot - t)) : NULL;
	s->table_name = strdup(name);
	return 0;
}

static char *os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *u = pw ? pw->pw_name : getenv("USER");
	return strdup(u ? u : "unknown");
}

int strata_open(strata **out, const strata_config *cfg)
{
	strata *s = calloc(1, sizeof(*s));
	strata_config def;
	int rc;

	*out = s;
	if (!s)
		return STRATA_ENOMEM;
	if (!cfg) {
		strata_config_init(&def);
		cfg = &def;
	}
	s->url = cfg->url ? strdup(cfg->url) : NULL;
	s->dir = strdup(cfg->dir ? cfg->dir : "migrations");
	s->applied_by = cfg->applied_by ? strdup(cfg->applied_by) : os_user();
	s->lock_wait_ms = cfg->lock_wait_ms >= 0 ? cfg->lock_wait_ms : 0;
	s->lock_timeout_ms =
	    cfg->lock_timeout_ms >= 0 ? cfg->lock_timeout_ms : 0;
	s->statement_timeout_ms =
	    cfg->statement_timeout_ms >= 0 ? cfg->statement_timeout_ms : 0;
	s->lock_tries = cfg->lock_tries >= 1 ? cfg->lock_tries : 1;
	s->data_backup = !cfg->no_data_backup;
	s->on_event = cfg->on_event;
	s->event_data = cfg->event_data;
	if ((cfg->url && !s->url) || !s->dir || !s->applied_by)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	if ((rc = set_table(s, cfg->table ? cfg->table : "strata_migrations")) <
	    0)
		return rc;
	if (cfg->format && (s->format = strata_format_id(cfg->format)) < 0)
		return strata_error_set(
		    &s->err, STRATA_EUSAGE,
		    "unknown migration format '%s' (known: strata, "
		    "golang-migrate or gm, dbmate, goose, flyway, diesel, "
		    "supabase, auto)",
		    cfg->format);
	return 0;
}

void strata_free(strata *s)
{
	if (!s)
		return;
	if (s->driver) {
		strata_watch_close(s);
		s->driver->close(s->conn);
	}
	strata_session_migrations_clear(s);
	strata_history_kept_drop(s);
	strata_sqlite_checker_free(s->sqlite_checker);
	free(s->lint_sev);
	strata_error_dispose(&s->err);
	free(s->url);
	free(s->dir);
	free(s->applied_by);
	free(s->table_schema);
	free(s->table_name);
	free(s);
}

const strata_error *strata_last_error(const strata *s)
{
	return &s->err;
}

const char *strata_errmsg(const strata *s)
{
	if (!s)
		return "out of memory";
	return s->err.message ? s->err.message : "no error";
}

int strata_session_driver(strata *s, const struct strata_driver **out)
{
	char *shown;

	if (!s->url)
		return strata_error_set(&s->err, STRATA_EURL,
		                        "no database url given");
	if ((*out = strata_driver_find(s->url)))
		return 0;
	shown = strata_url_redact(s->url);
	strata_error_set(&s->err, STRATA_EURL,
	                 "unsupported database url '%s' (expected sqlite:PATH, "
	                 "postgres://, postgresql://, mysql:// or mariadb://)",
	                 shown ? shown : "");
	free(shown);
	return STRATA_EURL;
}

static void on_notice(void *data, const char *message)
{
	strata_session_emit(data, STRATA_EVENT_NOTICE, NULL, message);
}

int strata_session_connect(strata *s)
{
	const struct strata_driver *d;
	int rc;

	if (s->driver)
		return 0;
	if ((rc = strata_session_driver(s, &d)) < 0)
		return rc;
	if ((rc = d->open(&s->conn, s->url, s->lock_wait_ms, &s->err)) < 0)
		return rc;
	s->driver = d;
	if (d->set_notice_fn)
		d->set_notice_fn(s->conn, on_notice, s);
	strata_watch_attach(s);
	return 0;
}

int strata_session_load(strata *s)
{
	return s->loaded ? 0 : strata_migrations_load(s);
}

void strata_session_emit(strata *s, strata_event_type type,
                         const strata_migration *m, const char *message)
{
	strata_event ev;

	if (!s->on_event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.migration = m;
	ev.message = message;
	s->on_event(&ev, s->event_data);
}

void strata_session_progress(strata *s, const strata_migration *m,
                             const char *message, const char *phase,
                             const char *unit, long long done, long long total,
                             int blocker_pid)
{
	strata_event ev;

	if (!s->on_event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = STRATA_EVENT_PROGRESS;
	ev.migration = m;
	ev.message = message;
	ev.phase = phase;
	ev.unit = unit;
	ev.done = done;
	ev.total = total;
	ev.blocker_pid = blocker_pid;
	s->on_event(&ev, s->event_data);
}

int strata_session_split(strata *s, const struct migration_file *m,
                         strata_direction dir, strata_stmt_list *out)
{
	if (m->nblocks)
		return strata_split_blocks(s, m, migration_section(m, dir),
		                           out);
	return strata_session_split_section(s, migration_section(m, dir), out);
}

int strata_session_split_section(strata *s, struct section sec,
                                 strata_stmt_list *out)
{
	const struct strata_driver *d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = strata_session_driver(s, &d)) < 0)
		return rc;
	if (d->dialect == STRATA_DIALECT_POSTGRES)
		return strata_split_pg(out, sec.text, sec.start, sec.end,
		                       sec.path, &s->err);
	if (d->dialect == STRATA_DIALECT_MYSQL)
		return strata_split_mysql(out, sec.text, sec.start, sec.end,
		                          sec.path, &s->err);
	if ((rc = strata_split_sqlite(out, sec.text, sec.start, sec.end,
	                              sec.path, &s->err)) < 0 ||
	    (rc = strata_sqlite_check(&s->sqlite_checker, out, sec.text,
	                              sec.path, &s->err)) < 0)
		strata_stmt_list_dispose(out);
	return rc;
}
