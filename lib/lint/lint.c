/*
 * The lint run: which sections to read, what every statement goes through,
 * and how a rule's report becomes a finding (severity, suppression, live
 * size, location).  The dialects' walkers are pg_lint.c and sqlite_lint.c;
 * the rules live in rules_*.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../error.h"
#include "../migration_set.h"
#include "../split.h"
#include "lint.h"
#include "strata/driver.h"

#define LINT_AT_FILE ((size_t)-2)

const char *strata_severity_name(strata_severity sev)
{
	static const char *const names[] = {"off", "info", "warning", "error"};
	return (unsigned)sev < 4 ? names[sev] : "?";
}

int strata_severity_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, strata_severity_name(i)) == 0)
			return i;
	return -1;
}

const char *strata_lock_mode_name(strata_lock_mode mode)
{
	static const char *const names[] = {
	    "",
	    "ACCESS SHARE",
	    "ROW SHARE",
	    "ROW EXCLUSIVE",
	    "SHARE UPDATE EXCLUSIVE",
	    "SHARE",
	    "SHARE ROW EXCLUSIVE",
	    "EXCLUSIVE",
	    "ACCESS EXCLUSIVE",
	    "DATABASE WRITE",
	};
	return (unsigned)mode < sizeof(names) / sizeof(*names) ? names[mode]
	                                                       : "?";
}

const char *strata_risk_name(strata_risk risk)
{
	static const char *const names[] = {"low", "medium", "high"};
	return (unsigned)risk < 3 ? names[risk] : "?";
}

/* ---- the core rules: about files and directives, every dialect ---- */

enum {
	CORE_SYNTAX,
	CORE_DIRECTIVE,
	CORE_MISSING_DOWN,
	CORE_EMPTY_DOWN,
	CORE_LARGE,
};

static const struct lint_rule core_rules[] = {
    [CORE_SYNTAX] = {"syntax-error", STRATA_SEVERITY_ERROR, 0,
                     "the file does not parse"},
    [CORE_DIRECTIVE] = {"bad-directive", STRATA_SEVERITY_ERROR, 0,
                        "a strata:ignore comment names no known rule"},
    [CORE_MISSING_DOWN] = {"missing-down", STRATA_SEVERITY_WARNING,
                           LINT_RULE_UP_ONLY,
                           "a migration without a down section cannot be "
                           "rolled back"},
    [CORE_EMPTY_DOWN] = {"empty-down", STRATA_SEVERITY_WARNING, 0,
                         "a down section without statements undoes "
                         "nothing"},
    [CORE_LARGE] = {"large-migration", STRATA_SEVERITY_INFO, LINT_RULE_UP_ONLY,
                    "a migration over 2 KB is hard to review and to roll "
                    "back"},
};

const struct lint_family strata_lint_core = {
    .name = "core",
    .dialect = STRATA_DIALECT_AUTO,
    .rules = core_rules,
    .nrules = sizeof(core_rules) / sizeof(*core_rules),
};

/* ---- configuration ---- */

int strata_lint_rule_set(strata *s, const char *rule, strata_severity sev)
{
	int i = strata_lint_rule_find(rule), n = strata_lint_rule_total();

	if (i < 0)
		return strata_error_set(&s->err, STRATA_EUSAGE,
		                        "no lint rule is named '%s' (see "
		                        "'strata lint --list-rules')",
		                        rule);
	if (!s->lint_sev) {
		if (!(s->lint_sev = malloc((size_t)n)))
			return strata_error_set(&s->err, STRATA_ENOMEM,
			                        "out of memory");
		memset(s->lint_sev, -1, (size_t)n);
	}
	s->lint_sev[i] = (signed char)sev;
	return 0;
}

/* The severity `rule` has in this section: configured, or its default as
 * the profile and the file's kind make it. */
static strata_severity severity_of(const struct lint *L, int idx,
                                   const struct lint_rule *r)
{
	if (L->s->lint_sev && L->s->lint_sev[idx] >= 0)
		return (strata_severity)L->s->lint_sev[idx];
	if ((r->flags & LINT_RULE_SUPABASE) &&
	    (L->o->flags & STRATA_LINT_SUPABASE))
		return r->severity;
	if ((r->flags & LINT_RULE_LOOSE) && L->loose)
		return r->severity;
	if (r->flags & (LINT_RULE_OPT_IN | LINT_RULE_SUPABASE))
		return STRATA_SEVERITY_OFF;
	return r->severity;
}

static int bit(const unsigned char *bits, int i)
{
	return bits && (bits[i / 8] >> (i % 8)) & 1;
}

int lint_enabled(const struct lint *L, const struct lint_rule *rule)
{
	int idx = strata_lint_rule_index(rule);

	if (idx < 0 || severity_of(L, idx, rule) == STRATA_SEVERITY_OFF)
		return 0;
	if (L->dir == STRATA_DOWN && (rule->flags & LINT_RULE_UP_ONLY))
		return 0;
	return !bit(L->ignore_file, idx) && !bit(L->ignore_next, idx);
}

int lint_created_here(const struct lint *L, const char *table)
{
	return strata_name_set_has(&L->created, table);
}

void *lint_state(struct lint *L, const struct lint_family *family)
{
	for (size_t i = 0; strata_lint_families[i]; i++)
		if (strata_lint_families[i] == family)
			return L->family_state ? L->family_state[i] : NULL;
	return NULL;
}

/* ---- names and touches, for every family ---- */

/* PostgreSQL's reserved key words, and those only allowed as type or
 * function names: a column named "order" or "left" must be quoted. */
static int pg_reserved(const char *s)
{
	static const char words[] =
	    " all analyse analyze and any array as asc asymmetric both case"
	    " cast check collate column constraint create current_catalog"
	    " current_date current_role current_time current_timestamp"
	    " current_user default deferrable desc distinct do else end except"
	    " false fetch for foreign from grant group having in initially"
	    " intersect into lateral leading limit localtime localtimestamp not"
	    " null offset on only or order placing primary references returning"
	    " select session_user some symmetric table then to trailing true"
	    " union unique user using variadic when where window with"
	    " authorization binary collation concurrently cross current_schema"
	    " freeze full ilike inner is isnull join left like natural notnull"
	    " outer overlaps right similar tablesample verbose ";
	char key[24];

	if (strlen(s) + 3 > sizeof(key))
		return 0;
	snprintf(key, sizeof(key), " %s ", s);
	return strstr(words, key) != NULL;
}

void lint_put_ident(strata_buf *b, const char *name, strata_dialect d)
{
	int pg = d != STRATA_DIALECT_SQLITE;
	int plain = (*name >= 'a' && *name <= 'z') || *name == '_' ||
	            (!pg && *name >= 'A' && *name <= 'Z');

	/* PostgreSQL folds bare names to lower case; SQLite keeps them */
	for (const char *p = name; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		        *p == '_' || (pg && *p == '$') ||
		        (!pg && *p >= 'A' && *p <= 'Z');
	if (plain && !(pg && pg_reserved(name))) {
		strata_buf_puts(b, name);
		return;
	}
	strata_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			strata_buf_putc(b, '"');
		strata_buf_putc(b, *p);
	}
	strata_buf_putc(b, '"');
}

const char *lint_ident(const char *name, char *out, size_t n)
{
	strata_buf b;

	strata_buf_init(&b);
	lint_put_ident(&b, name, STRATA_DIALECT_POSTGRES);
	snprintf(out, n, "%s", b.ptr);
	strata_buf_dispose(&b);
	return out;
}

struct lint_touch *lint_touch(struct lint_stmt *st, const char *name,
                              strata_lock_mode lock, unsigned effects,
                              int nocase)
{
	struct lint_touch *t;

	for (size_t i = 0; i < st->ntouches; i++) {
		t = &st->touches[i];
		if ((nocase ? strcasecmp(t->name, name)
		            : strcmp(t->name, name)) == 0) {
			if (lock > t->lock)
				t->lock = lock;
			t->effects |= effects;
			return t;
		}
	}
	t = realloc(st->touches, (st->ntouches + 1) * sizeof(*t));
	if (!t)
		return NULL;
	st->touches = t;
	t = &st->touches[st->ntouches];
	memset(t, 0, sizeof(*t));
	if (!(t->name = strdup(name)))
		return NULL;
	st->ntouches++;
	t->lock = lock;
	t->effects = effects;
	return t;
}

int lint_touch_risk_common(const struct lint_touch *t, char *why, size_t n,
                           strata_risk *out)
{
	if (t->effects & STRATA_TOUCH_NEW) {
		snprintf(why, n,
		         "%s is new in this migration: nobody waits on it",
		         t->name);
		*out = STRATA_RISK_LOW;
		return 1;
	}
	if (t->effects & STRATA_TOUCH_DATA_LOSS) {
		snprintf(why, n, "data in %s is deleted for good", t->name);
		*out = STRATA_RISK_HIGH;
		return 1;
	}
	return 0;
}

/* ---- reporting ---- */

void lint_location(struct lint *L, size_t offset, int *line, int *column)
{
	strata_location_cursor(&L->where, L->text, offset, line, column);
}

void lint_help(struct lint *L, const char *fmt, ...)
{
	va_list ap;
	strata_buf b;

	strata_buf_init(&b);
	va_start(ap, fmt);
	strata_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(L->help);
	L->help = strata_buf_detach(&b);
}

static void human_size(char *out, size_t n, long long bytes)
{
	const char *unit[] = {"bytes", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 4)
		v /= 1024, u++;
	if (u == 0)
		snprintf(out, n, "%lld bytes", bytes);
	else
		snprintf(out, n, "%.*f %s", v < 10 ? 1 : 0, v, unit[u]);
}

/* Appends what the database says of `table`; lowers an error on a small
 * table to a warning. */
static void add_live_size(struct lint *L, const char *table, strata_buf *msg,
                          strata_severity *sev)
{
	struct live_table lt;
	char size[32];

	lint_live_table(L, table, &lt);
	if (!lt.known)
		return;
	human_size(size, sizeof(size), lt.bytes);
	if (lt.rows >= 0)
		strata_buf_printf(msg, " (%s: ~%lld rows, %s)", table, lt.rows,
		                  size);
	else
		strata_buf_printf(msg, " (%s: %s)", table, size);
	if (lt.bytes < LINT_SMALL_BYTES && *sev == STRATA_SEVERITY_ERROR) {
		*sev = STRATA_SEVERITY_WARNING;
		strata_buf_printf(msg, "; small today, so the lock is brief");
	}
}

static char *line_at(const char *text, size_t offset)
{
	size_t b = offset, e = offset;

	while (b > 0 && text[b - 1] != '\n')
		b--;
	while (text[e] && text[e] != '\n')
		e++;
	if (e > b && text[e - 1] == '\r')
		e--;
	return strndup(text + b, e - b);
}

void lint_report(struct lint *L, const struct lint_rule *rule,
                 const char *table, size_t offset, const char *fmt, ...)
{
	int idx = strata_lint_rule_index(rule);
	strata_severity sev;
	strata_finding f;
	strata_buf msg;
	char *src = NULL;
	va_list ap;

	if (!lint_enabled(L, rule))
		goto out;
	sev = severity_of(L, idx, rule);
	/* the pre-flight's confirmation covers data loss */
	if (L->destructive && (rule->flags & LINT_RULE_DATA_LOSS) &&
	    sev == STRATA_SEVERITY_ERROR)
		sev = STRATA_SEVERITY_WARNING;
	strata_buf_init(&msg);
	va_start(ap, fmt);
	strata_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (table && L->live)
		add_live_size(L, table, &msg, &sev);

	memset(&f, 0, sizeof(f));
	f.rule = rule->name;
	f.severity = sev;
	f.message = msg.ptr;
	f.help = L->help;
	f.file = L->path;
	f.version = L->version;
	f.direction = L->dir;
	if (offset == LINT_AT_STMT)
		offset = L->cur ? L->cur->offset : LINT_AT_FILE;
	if (offset != LINT_AT_FILE && L->text) {
		lint_location(L, offset, &f.line, &f.column);
		f.source_line = src = line_at(L->text, offset);
	}
	L->o->on_finding(&f, L->o->data);
	if (L->totals) {
		if (sev == STRATA_SEVERITY_ERROR)
			L->totals->errors++;
		else if (sev == STRATA_SEVERITY_WARNING)
			L->totals->warnings++;
		else
			L->totals->infos++;
	}
	free(src);
	strata_buf_dispose(&msg);
out:
	free(L->help);
	L->help = NULL;
}

/* ---- suppression comments ---- */

static void set_bit(unsigned char *bits, int i)
{
	bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

/*
 * Reads "-- strata:ignore RULE[,RULE] reason" (or ignore-file) lines in
 * text[from, to) into `bits`; an unknown rule name is a bad-directive
 * finding at that name.
 */
static void read_ignores(struct lint *L, size_t from, size_t to,
                         const char *word, unsigned char *bits)
{
	const char *t = L->text;
	size_t wl = strlen(word);

	for (size_t p = from; p < to;) {
		const char *nl = memchr(t + p, '\n', to - p);
		size_t eol = nl ? (size_t)(nl - t) : to, q = p;

		while (q < eol && (t[q] == ' ' || t[q] == '\t'))
			q++;
		if (eol - q > 2 && t[q] == '-' && t[q + 1] == '-') {
			q += 2;
			while (q < eol && (t[q] == ' ' || t[q] == '\t'))
				q++;
			if (eol - q > 7 + wl && !memcmp(t + q, "strata:", 7) &&
			    !memcmp(t + q + 7, word, wl) &&
			    (t[q + 7 + wl] == ' ' || t[q + 7 + wl] == '\t')) {
				q += 7 + wl;
				while (q < eol && (t[q] == ' ' || t[q] == '\t'))
					q++;
				/* the list: names and commas, no spaces */
				while (q < eol && t[q] != ' ' && t[q] != '\t' &&
				       t[q] != '\r') {
					size_t b = q;
					char name[80];
					int i;
					while (q < eol &&
					       !strchr(", \t\r", t[q]))
						q++;
					snprintf(name, sizeof(name), "%.*s",
					         (int)(q - b), t + b);
					if ((i = strata_lint_rule_find(name)) >=
					    0)
						set_bit(bits, i);
					else
						lint_report(
						    L,
						    &core_rules[CORE_DIRECTIVE],
						    NULL, b,
						    "'strata:%s' names an "
						    "unknown "
						    "rule '%s'",
						    word, name);
					if (q < eol && t[q] == ',')
						q++;
				}
			} else if (eol - q >= 7 + wl &&
			           !memcmp(t + q, "strata:", 7) &&
			           !memcmp(t + q + 7, word, wl) &&
			           (q + 7 + wl == eol ||
			            t[q + 7 + wl] == '\r')) {
				lint_report(L, &core_rules[CORE_DIRECTIVE],
				            NULL, q,
				            "'strata:%s' names no rule", word);
			}
		}
		p = eol + 1;
	}
}

/* ---- every statement ---- */

static int count_row(void *data, int ncols, const char *const *v)
{
	if (ncols > 0 && v[0])
		*(long long *)data = atoll(v[0]);
	return 1;
}

/* Rows in `table` now: PostgreSQL's estimate, SQLite's count; -1 when
 * the table is not there or cannot be read. */
static long long rows_now(struct lint *L, const char *table)
{
	long long n = -1;

	if (L->live) {
		struct live_table lt;
		lint_live_table(L, table, &lt);
		/* -2: there, but never analyzed, so no estimate */
		return lt.known ? (lt.rows >= 0 ? lt.rows : -2) : -1;
	}
	if (L->s->conn && L->dialect == STRATA_DIALECT_SQLITE) {
		strata_buf q = STRATA_BUF_INIT;
		strata_error scratch = {0};
		strata_buf_puts(&q, "SELECT count(*) FROM ");
		lint_put_ident(&q, table, STRATA_DIALECT_SQLITE);
		if (L->s->driver->query(L->s->conn, q.ptr, 0, NULL, count_row,
		                        &n, &scratch) < 0)
			n = -1;
		strata_error_dispose(&scratch);
		strata_buf_dispose(&q);
	}
	return n;
}

/* The pre-flight's list of what an up run deletes: a line per table. */
static void list_destructive(struct lint *L, const struct lint_stmt *st)
{
	int update_all = st->kind && !strcmp(st->kind, "UPDATE");

	for (size_t i = 0; i < st->ntouches; i++) {
		const struct lint_touch *t = &st->touches[i];
		unsigned fx = t->effects;
		long long rows;
		size_t k = 0;
		int line, col;

		if ((fx & STRATA_TOUCH_NEW) ||
		    !((fx & STRATA_TOUCH_DATA_LOSS) ||
		      (update_all && (fx & STRATA_TOUCH_REWRITE))))
			continue;
		/* nothing to lose in a table that is not there */
		if ((rows = rows_now(L, t->name)) == -1 && L->s->conn)
			continue;
		while (k < st->len && k < 70 && L->text[st->offset + k] != '\n')
			k++;
		lint_location(L, st->offset, &line, &col);
		strata_buf_printf(L->destructive, "  %s:%d: %.*s%s  ('%s'",
		                  L->path, line, (int)k, L->text + st->offset,
		                  k < st->len ? "..." : "", t->name);
		if (rows >= 0)
			strata_buf_printf(L->destructive, ": %s%lld row%s",
			                  L->live ? "~" : "", rows,
			                  rows == 1 ? "" : "s");
		strata_buf_puts(L->destructive, ")\n");
	}
}

void lint_statement(struct lint *L, struct lint_stmt *st, size_t gap_from)
{
	size_t nbytes = ((size_t)strata_lint_rule_total() + 7) / 8;

	memset(L->ignore_next, 0, nbytes);
	if (gap_from < st->offset)
		read_ignores(L, gap_from, st->offset, "ignore", L->ignore_next);
	L->cur = st;
	L->nstatements++;
	if (L->totals)
		L->totals->statements++;

	if (L->o->on_statement) {
		strata_statement_report r;
		strata_touch touches[16];
		char text[100];
		size_t n = st->ntouches < 16 ? st->ntouches : 16, k = 0;

		memset(&r, 0, sizeof(r));
		lint_location(L, st->offset, &r.line, &r.column);
		r.file = L->path;
		r.version = L->version;
		r.direction = L->dir;
		r.index = st->index;
		r.kind = st->kind;
		while (k < st->len && k < sizeof(text) - 4 &&
		       L->text[st->offset + k] != '\n')
			k++;
		snprintf(text, sizeof(text), "%.*s%s", (int)k,
		         L->text + st->offset, k < st->len ? "..." : "");
		r.text = text;
		for (size_t i = 0; i < n; i++) {
			struct live_table lt = {0, -1, -1};
			if (L->live)
				lint_live_table(L, st->touches[i].name, &lt);
			touches[i].table = st->touches[i].name;
			touches[i].lock = st->touches[i].lock;
			touches[i].effects = st->touches[i].effects;
			touches[i].rows = lt.known ? lt.rows : -1;
			touches[i].bytes = lt.known ? lt.bytes : -1;
		}
		r.touches = touches;
		r.ntouches = n;
		r.risk = st->risk;
		r.why = st->why;
		L->o->on_statement(&r, L->o->data);
	}

	if (L->destructive && L->dir == STRATA_UP)
		list_destructive(L, st);

	for (size_t i = 0; strata_lint_families[i]; i++) {
		const struct lint_family *f = strata_lint_families[i];
		if (f->statement && (f->dialect == STRATA_DIALECT_AUTO ||
		                     f->dialect == L->dialect))
			f->statement(L, st);
	}
	memset(L->ignore_next, 0, nbytes);
	L->cur = NULL;
}

/* ---- sections and migrations ---- */

static int lint_section(struct lint *L, const char *path, const char *text,
                        size_t start, size_t end, strata_direction dir,
                        int in_tx)
{
	size_t nf = 0;
	int rc;

	while (strata_lint_families[nf])
		nf++;
	L->path = path;
	L->text = text;
	L->start = start;
	L->end = end;
	L->dir = dir;
	L->in_tx = in_tx;
	L->tx_depth = 0;
	L->lock_timeout_set = L->statement_timeout_set = 0;
	L->nstatements = 0;
	if (!L->keep_created)
		strata_name_set_dispose(&L->created);
	for (size_t i = 0; i < nf; i++) {
		const struct lint_family *f = strata_lint_families[i];
		L->family_state[i] = f->state_new && (f->dialect == 0 ||
		                                      f->dialect == L->dialect)
		                         ? f->state_new()
		                         : NULL;
	}
	if (L->totals)
		L->totals->files++;

	rc = L->dialect == STRATA_DIALECT_POSTGRES
	         ? strata_lint_pg_section(L)
	         : strata_lint_sqlite_section(L);

	for (size_t i = 0; i < nf; i++) {
		const struct lint_family *f = strata_lint_families[i];
		if (rc == 0 && f->section_end &&
		    (f->dialect == 0 || f->dialect == L->dialect))
			f->section_end(L);
		if (f->state_free && L->family_state[i])
			f->state_free(L->family_state[i]);
		L->family_state[i] = NULL;
	}
	return rc;
}

void lint_syntax_error(struct lint *L, size_t offset, const char *message)
{
	lint_report(L, &core_rules[CORE_SYNTAX], NULL, offset, "%s", message);
}

/* Lints m's up section, then (unless ups_only) its down section. */
static int lint_migration(struct lint *L, const struct migration_file *m,
                          int ups_only)
{
	unsigned fl = m->pub.flags;
	size_t nbytes = ((size_t)strata_lint_rule_total() + 7) / 8;
	int rc = 0;

	L->version = m->version;
	L->loose = (fl & STRATA_MIG_LOOSE) != 0;

	if (!(fl & STRATA_MIG_DOWN_ONLY)) {
		memset(L->ignore_file, 0, nbytes);
		L->path = m->up_path;
		L->text = m->up_text;
		L->dir = STRATA_UP;
		read_ignores(L, 0, strlen(m->up_text), "ignore-file",
		             L->ignore_file);
		/* a plain SQL file: only its own BEGIN opens a transaction */
		if ((rc = lint_section(
		         L, m->up_path, m->up_text, m->up_start, m->up_end,
		         STRATA_UP,
		         !(fl & (STRATA_MIG_UP_NO_TX | STRATA_MIG_LOOSE)))) < 0)
			return rc;
		L->cur = NULL;
		if (m->up_end - m->up_start > 2048)
			lint_report(L, &core_rules[CORE_LARGE], NULL,
			            LINT_AT_FILE,
			            "the up section is %zu bytes: consider "
			            "splitting it into smaller migrations",
			            m->up_end - m->up_start);
		if (!m->down_text &&
		    !(fl & (STRATA_MIG_LOOSE | STRATA_MIG_FORWARD_ONLY))) {
			if (fl & STRATA_MIG_SINGLE_FILE)
				lint_help(L,
				          "-- strata:down\n-- the statements "
				          "that undo the up section");
			else
				lint_help(L,
				          "-- %s_%s.down.sql: the statements "
				          "that undo the up file",
				          m->version ? m->version : "VERSION",
				          m->name);
			lint_report(
			    L, &core_rules[CORE_MISSING_DOWN], NULL,
			    LINT_AT_FILE,
			    "no down section: this migration cannot be "
			    "rolled back (ignore with '-- "
			    "strata:ignore-file missing-down' when that "
			    "is intended)");
		}
	}
	if (m->down_text && !ups_only) {
		if (m->down_text != m->up_text || (fl & STRATA_MIG_DOWN_ONLY)) {
			memset(L->ignore_file, 0, nbytes);
			L->path = m->down_path;
			L->text = m->down_text;
			L->dir = STRATA_DOWN;
			read_ignores(L, 0, strlen(m->down_text), "ignore-file",
			             L->ignore_file);
		}
		if ((rc = lint_section(L, m->down_path, m->down_text,
		                       m->down_start, m->down_end, STRATA_DOWN,
		                       !(fl & STRATA_MIG_DOWN_NO_TX))) < 0)
			return rc;
		if (L->nstatements == 0 && !L->syntax_failed)
			lint_report(
			    L, &core_rules[CORE_EMPTY_DOWN], NULL,
			    m->down_start < strlen(m->down_text) ? m->down_start
			                                         : LINT_AT_FILE,
			    "the down section has no statements: rolling "
			    "back would record the migration as undone "
			    "and change nothing");
	}
	return 0;
}

/* Sets up a run: dialect, version, live facts, buffers. */
static int lint_begin(struct lint *L, strata *s, const strata_lint_opts *o,
                      strata_lint_totals *totals)
{
	size_t nf = 0, nbytes = ((size_t)strata_lint_rule_total() + 7) / 8;
	int rc;

	memset(L, 0, sizeof(*L));
	L->s = s;
	L->o = o;
	L->totals = totals;
	L->dialect = o->dialect;
	L->pg_version = o->pg_version;
	if (L->dialect == STRATA_DIALECT_AUTO) {
		const struct strata_driver *d;
		if ((rc = strata_session_driver(s, &d)) < 0)
			return rc;
		L->dialect = d->dialect;
	}
	/* better said than the rules of another dialect run on it */
	if (L->dialect == STRATA_DIALECT_MYSQL)
		return strata_error_set(&s->err, STRATA_EUSAGE,
		                        "lint is not available for MySQL yet: "
		                        "its rules read PostgreSQL and SQLite");
	while (strata_lint_families[nf])
		nf++;
	L->ignore_file = calloc(nbytes, 1);
	L->ignore_next = calloc(nbytes, 1);
	L->family_state = calloc(nf + 1, sizeof(void *));
	if (!L->ignore_file || !L->ignore_next || !L->family_state)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	if ((o->flags & STRATA_LINT_LIVE) &&
	    L->dialect == STRATA_DIALECT_POSTGRES &&
	    (rc = strata_lint_live_open(L)) < 0)
		return rc;
	if (!L->pg_version)
		L->pg_version = 15;
	return 0;
}

/*
 * The sections the run will lint, in the order lint_migration() takes
 * them, and (PostgreSQL) the pool that parses them ahead.
 */
static int plan_sections(struct lint *L,
                         const struct migration_file *const *migs, size_t n,
                         int ups_only)
{
	if (L->dialect != STRATA_DIALECT_POSTGRES)
		return 0;
	if (!(L->sections = calloc(2 * n + 1, sizeof(*L->sections))))
		return strata_error_set(&L->s->err, STRATA_ENOMEM,
		                        "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct migration_file *m = migs[i];
		struct lint_section *sec;
		if (!(m->pub.flags & STRATA_MIG_DOWN_ONLY)) {
			sec = &L->sections[L->nsections++];
			sec->text = m->up_text;
			sec->start = m->up_start;
			sec->end = m->up_end;
		}
		if (m->down_text && !ups_only) {
			sec = &L->sections[L->nsections++];
			sec->text = m->down_text;
			sec->start = m->down_start;
			sec->end = m->down_end;
		}
	}
	if (strata_pg_pool_new(&L->pool, L->sections, L->nsections) < 0)
		return strata_error_set(&L->s->err, STRATA_ENOMEM,
		                        "out of memory");
	return 0;
}

static void lint_end(struct lint *L)
{
	strata_pg_pool_free(L->pool);
	free(L->sections);
	strata_lint_live_free(L->live);
	free(L->ignore_file);
	free(L->ignore_next);
	free(L->family_state);
	free(L->help);
	strata_name_set_dispose(&L->created);
	strata_lint_model_dispose(L);
	strata_sqlite_model_free(L->sqlite_model);
}

int strata_lint_dir(strata *s, const strata_lint_opts *o,
                    strata_lint_totals *totals)
{
	struct lint L;
	int rc;

	if ((rc = lint_begin(&L, s, o, totals)) < 0)
		goto done;
	if ((rc = strata_migrations_load(s)) < 0)
		goto done;
	{
		const struct migration_file **migs =
		    calloc(s->nmigs + 1, sizeof(*migs));
		if (!migs) {
			rc = strata_error_set(&s->err, STRATA_ENOMEM,
			                      "out of memory");
			goto done;
		}
		for (size_t i = 0; i < s->nmigs; i++)
			migs[i] = &s->migs[i];
		rc = plan_sections(&L, migs, s->nmigs, 0);
		free(migs);
		if (rc < 0)
			goto done;
	}
	for (size_t i = 0; i < s->nmigs && rc == 0; i++)
		rc = lint_migration(&L, &s->migs[i], 0);
done:
	lint_end(&L);
	return rc;
}

int strata_lint_file(strata *s, const char *path, const strata_lint_opts *o,
                     strata_lint_totals *totals)
{
	struct migration_file m;
	strata_hasher *h = NULL;
	struct lint L;
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = lint_begin(&L, s, o, totals)) < 0)
		goto done;
	if (strata_hasher_new(&h) < 0) {
		rc = strata_error_set(&s->err, STRATA_ERROR,
		                      "cannot compute checksums");
		goto done;
	}
	strata_error_dispose(&s->err);
	if ((rc = strata_migration_file_load(&m, path, h, &s->err)) < 0 ||
	    (m.pub.flags & STRATA_MIG_VERIFY_ONLY))
		goto done;
	{
		const struct migration_file *one = &m;
		if ((rc = plan_sections(&L, &one, 1, 0)) < 0)
			goto done;
	}
	rc = lint_migration(&L, &m, 0);
done:
	strata_migration_file_dispose(&m);
	strata_hasher_free(h);
	lint_end(&L);
	return rc;
}

/* ---- the pre-flight of a run ---- */

struct preflight {
	strata *s;
	const struct migration_file *m;
};

static void preflight_finding(const strata_finding *f, void *data)
{
	struct preflight *p = data;
	strata_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = STRATA_EVENT_FINDING;
	ev.migration = &p->m->pub;
	ev.direction = f->direction;
	ev.message = f->message;
	ev.file = f->file;
	ev.line = f->line;
	ev.column = f->column;
	ev.finding = f;
	if (p->s->on_event)
		p->s->on_event(&ev, p->s->event_data);
}

int strata_lint_preflight(strata *s, const struct migration_file *const *migs,
                          size_t n, strata_lint_totals *totals,
                          strata_buf *destructive)
{
	struct preflight p = {s, NULL};
	strata_lint_opts o;
	struct lint L;
	int rc;

	/* no MySQL rules yet (and no question before deleting data) */
	if (s->driver && s->driver->dialect == STRATA_DIALECT_MYSQL)
		return 0;
	memset(&o, 0, sizeof(o));
	o.flags = s->driver && s->driver->dialect == STRATA_DIALECT_POSTGRES
	              ? STRATA_LINT_LIVE
	              : 0;
	o.on_finding = preflight_finding;
	o.data = &p;
	if ((rc = lint_begin(&L, s, &o, totals)) < 0 ||
	    (rc = plan_sections(&L, migs, n, 1)) < 0)
		goto done;
	/* a table an earlier migration of this run creates is new and
	 * empty when the later one runs, though the database has no such
	 * table yet */
	L.keep_created = 1;
	L.destructive = destructive;
	for (size_t i = 0; i < n && rc == 0; i++) {
		p.m = migs[i];
		rc = lint_migration(&L, migs[i], 1);
	}
done:
	lint_end(&L);
	return rc;
}
