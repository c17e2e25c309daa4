/* Everything the tool prints: errors, progress events, JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define RED    "31"
#define YELLOW "33"

const char *paint(const struct cli *c, const char *color, const char *text,
                  char *buf, size_t n)
{
	if (!c->color)
		return text;
	snprintf(buf, n, "\033[%sm%s\033[0m", color, text);
	return buf;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

json_t *json_error(const strata_error *e, int rc)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", json_integer(rc));
	set_str(o, "message", e->message);
	set_str(o, "file", e->file);
	if (e->line) {
		json_object_set_new(o, "line", json_integer(e->line));
		json_object_set_new(o, "column", json_integer(e->column));
	}
	if (e->statement_index)
		json_object_set_new(o, "statement_index",
		                    json_integer(e->statement_index));
	set_str(o, "statement", e->statement);
	set_str(o, "sqlstate", e->sqlstate);
	set_str(o, "detail", e->detail);
	set_str(o, "hint", e->hint);
	set_str(o, "way_out", e->way_out);
	return o;
}

void out_json(json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s) {
		puts(s);
		free(s);
	}
	json_decref(doc);
}

/* The caret line under the source line: spaces up to the column. */
static void caret_to(FILE *fp, const char *line, int column)
{
	fputs("      | ", fp);
	/* keep tabs so the caret lines up with the source */
	for (int col = 1; col < column && *line; line++) {
		if (((unsigned char)*line & 0xC0) == 0x80)
			continue;
		fputc(*line == '\t' ? '\t' : ' ', fp);
		col++;
	}
	fputs("^\n", fp);
}

static void caret(const char *line, int column)
{
	caret_to(stderr, line, column);
}

void out_finding(const struct cli *c, FILE *fp, const strata_finding *f)
{
	const char *color = f->severity == STRATA_SEVERITY_ERROR     ? RED
	                    : f->severity == STRATA_SEVERITY_WARNING ? YELLOW
	                                                             : "36";
	char label[80], b1[120];

	snprintf(label, sizeof(label),
	         "%s[%s]:", strata_severity_name(f->severity), f->rule);
	if (f->file && f->line)
		fprintf(fp, "%s:%d:%d: ", f->file, f->line, f->column);
	else if (f->file)
		fprintf(fp, "%s: ", f->file);
	fprintf(fp, "%s %s\n", paint(c, color, label, b1, sizeof(b1)),
	        f->message);
	if (f->source_line && f->line) {
		fprintf(fp, "%5d | %s\n", f->line, f->source_line);
		caret_to(fp, f->source_line, f->column);
	}
	if (f->help) {
		const char *p = f->help;
		fputs("  help: ", fp);
		for (; *p; p++) {
			fputc(*p, fp);
			if (*p == '\n' && p[1])
				fputs("        ", fp);
		}
		fputc('\n', fp);
	}
}

void out_error(struct cli *c, int rc)
{
	const strata_error *e = c->s ? strata_last_error(c->s) : NULL;

	out_progress_end(c);
	out_error_text(c, e);

	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_false());
		json_object_set_new(doc, "error",
		                    e ? json_error(e, rc)
		                      : json_string("out of memory"));
		if (c->events)
			json_object_set(doc, "migrations", c->events);
		if (c->notes)
			json_object_set(doc, "events", c->notes);
		out_json(doc);
	}
}

void out_error_text(struct cli *c, const strata_error *e)
{
	const char *msg = e && e->message ? e->message : "out of memory";
	char b1[64];

	if (e && e->file && e->line)
		fprintf(stderr, "%s:%d:%d: %s %s", e->file, e->line, e->column,
		        paint(c, RED, "error:", b1, sizeof(b1)), msg);
	else if (e && e->file)
		fprintf(stderr, "%s: %s %s", e->file,
		        paint(c, RED, "error:", b1, sizeof(b1)), msg);
	else
		fprintf(stderr, "strata: %s %s",
		        paint(c, RED, "error:", b1, sizeof(b1)), msg);
	if (e && e->sqlstate)
		fprintf(stderr, " (SQLSTATE %s)", e->sqlstate);
	fputc('\n', stderr);
	if (e && e->source_line && e->line) {
		fprintf(stderr, "%5d | %s\n", e->line, e->source_line);
		caret(e->source_line, e->column);
	}
	if (e && e->statement_index)
		fprintf(stderr, "  in statement %d: %s\n", e->statement_index,
		        e->statement ? e->statement : "");
	if (e && e->detail)
		fprintf(stderr, "  detail: %s\n", e->detail);
	if (e && e->hint)
		fprintf(stderr, "  hint: %s\n", e->hint);
	if (e && e->way_out)
		fprintf(stderr, "  way out: %s\n", e->way_out);
}

void out_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fputs("strata: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c->cmd && c->cmd != &cmd_help)
		fprintf(stderr, "\nusage: strata %s\n", c->cmd->usage);
	else if (!c->cmd || !c->asked_help)
		fputs("\n(see 'strata help')\n", stderr);
	else
		fputc('\n', stderr);
}

static void record(struct cli *c, const strata_event *ev, const char *what)
{
	json_t *o = json_object();

	json_object_set_new(o, "version", json_string(ev->migration->version));
	json_object_set_new(o, "name", json_string(ev->migration->name));
	json_object_set_new(o, "action", json_string(what));
	json_object_set_new(o, "duration_ms", json_integer(ev->duration_ms));
	json_array_append_new(c->events, o);
}

/* --json: what a run said along the way, in order. */
static void note(struct cli *c, const char *kind, const strata_event *ev)
{
	json_t *o;

	if (!c->notes)
		return;
	o = json_object();
	json_object_set_new(o, "event", json_string(kind));
	if (ev->migration)
		json_object_set_new(o, "version",
		                    json_string(ev->migration->version));
	if (ev->finding) {
		json_object_set_new(o, "rule", json_string(ev->finding->rule));
		json_object_set_new(
		    o, "severity",
		    json_string(strata_severity_name(ev->finding->severity)));
		if (ev->finding->file)
			json_object_set_new(o, "file",
			                    json_string(ev->finding->file));
		json_object_set_new(o, "line", json_integer(ev->finding->line));
	}
	json_object_set_new(o, "message",
	                    json_string(ev->message ? ev->message : ""));
	if (ev->type == STRATA_EVENT_PROGRESS) {
		set_str(o, "phase", ev->phase);
		if (ev->total > 0) {
			set_str(o, "unit", ev->unit);
			json_object_set_new(o, "done", json_integer(ev->done));
			json_object_set_new(o, "total",
			                    json_integer(ev->total));
		}
		if (ev->blocker_pid)
			json_object_set_new(o, "blocked_by",
			                    json_integer(ev->blocker_pid));
	}
	json_array_append_new(c->notes, o);
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void out_progress_end(struct cli *c)
{
	if (c->progress_open) {
		fputs("\r\033[K", stderr);
		c->progress_open = 0;
	}
}

/* How often a log (not a terminal) gets a progress line. */
#define PROGRESS_LOG_MS 10000

/*
 * On a terminal, progress is one line redrawn in place, cut to the
 * terminal's width so that it never wraps.  In a log, a line when the
 * work or what blocks it changes, when it ends, and every 10 s between.
 */
static void out_progress(struct cli *c, const strata_event *ev)
{
	long long now = mono_ms();

	if (c->progress_tty) {
		struct winsize ws;
		int width =
		    ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20
		        ? ws.ws_col - 1
		        : 79;
		int col = (int)strlen("strata: ");
		fputs("\r\033[Kstrata: ", stderr);
		for (const char *p = ev->message; *p; p++) {
			/* count characters, not UTF-8 continuation bytes */
			if (((unsigned char)*p & 0xC0) != 0x80 && ++col > width)
				break;
			fputc(*p, stderr);
		}
		fflush(stderr);
		c->progress_open = 1;
		return;
	}
	if (ev->migration == c->progress_mig &&
	    ev->blocker_pid == c->progress_blocker &&
	    now - c->progress_printed_ms < PROGRESS_LOG_MS &&
	    !(ev->total > 0 && ev->done >= ev->total))
		return;
	c->progress_mig = ev->migration;
	c->progress_blocker = ev->blocker_pid;
	c->progress_printed_ms = now;
	fprintf(stderr, "strata: %s\n", ev->message);
}

void on_event(const strata_event *ev, void *data)
{
	struct cli *c = data;
	const char *dir = ev->direction == STRATA_UP ? "up" : "down";
	char b1[64];

	if (ev->type != STRATA_EVENT_PROGRESS)
		out_progress_end(c);
	switch (ev->type) {
	case STRATA_EVENT_LOCK_WAIT:
		if (!c->quiet)
			fprintf(stderr, "strata: %s\n", ev->message);
		break;
	case STRATA_EVENT_MIGRATION_BEGIN:
		if (c->dry_run && !c->json)
			printf(
			    "-- would %s %s_%s (%s)\n",
			    ev->direction == STRATA_UP ? "apply" : "roll back",
			    ev->migration->version, ev->migration->name, dir);
		else if (c->verbose && !c->json)
			printf("%s %s_%s ...\n",
			       ev->direction == STRATA_UP ? "applying"
			                                  : "rolling back",
			       ev->migration->version, ev->migration->name);
		if (c->dry_run && c->json)
			record(c, ev,
			       ev->direction == STRATA_UP ? "would_apply"
			                                  : "would_roll_back");
		break;
	case STRATA_EVENT_MIGRATION_END:
		if (c->json)
			record(c, ev,
			       ev->direction == STRATA_UP ? "applied"
			                                  : "rolled_back");
		else if (!c->quiet)
			printf("%-11s %s_%s (%lld ms)\n",
			       ev->direction == STRATA_UP ? "applied"
			                                  : "rolled back",
			       ev->migration->version, ev->migration->name,
			       ev->duration_ms);
		break;
	case STRATA_EVENT_MIGRATION_SKIP:
		if (c->json)
			record(c, ev, "skipped");
		else if (!c->quiet)
			printf("skipped     %s_%s (another run did it first)\n",
			       ev->migration->version, ev->migration->name);
		break;
	case STRATA_EVENT_STATEMENT:
		if (!c->json)
			printf("-- %s:%d:%d\n%s;\n\n", ev->file, ev->line,
			       ev->column, ev->sql);
		break;
	case STRATA_EVENT_NOTICE:
		if (c->verbose)
			fprintf(stderr, "strata: server: %s\n", ev->message);
		break;
	case STRATA_EVENT_FINDING:
		note(c, "finding", ev);
		/* the pre-flight's findings: errors always, others unless -q */
		if (!c->quiet || ev->finding->severity == STRATA_SEVERITY_ERROR)
			out_finding(c, stderr, ev->finding);
		break;
	case STRATA_EVENT_BACKUP:
		note(c, "backup", ev);
		if (!c->quiet && !c->json)
			printf("backed up the database to %s\n", ev->message);
		break;
	case STRATA_EVENT_PROGRESS:
		note(c, "progress", ev);
		if (!c->quiet && !c->json)
			out_progress(c, ev);
		break;
	case STRATA_EVENT_RETRY:
		note(c, "retry", ev);
		if (!c->quiet)
			fprintf(stderr, "strata: %s\n", ev->message);
		break;
	case STRATA_EVENT_WARNING:
		if (!c->quiet)
			fprintf(stderr, "strata: %s %s\n",
			        paint(c, YELLOW, "warning:", b1, sizeof(b1)),
			        ev->message);
		break;
	}
}
