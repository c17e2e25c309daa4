/* What the command files share: parsed options, the session, output. */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "strata.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PENDING = 3 };
/* interrupted by a signal: 128 + its number, as shells report it */
#define EXIT_SIGNAL(sig) (128 + (sig))
enum { FORMAT_TEXT = 0, FORMAT_JSON, FORMAT_GITHUB };

struct cli {
	/* global options */
	const char *url, *dir, *table;
	const char *files_format; /* --format NAME of the migration files,
	                             or strata.ini's format = NAME */
	char *ini_format;         /* owned: strata.ini's format */
	int json, quiet, verbose, color, lock_wait_s;
	/* command options; each command accepts only its own (main.c) */
	const char *to;
	int seq, single_file, timestamp, dry_run, all, exit_code, pending;
	int allow_modified, allow_out_of_order, allow_unsafe, allow_destructive;
	int no_data_backup, backup;
	const char *output, *from; /* dump -o FILE; diff --from SOURCE */
	int owners, dump;          /* dump --owners; up/down --dump */
	char *dump_file;           /* owned: strata.ini [dump] file */
	int dump_after_run;        /* strata.ini [dump] after-run */
	int only_up;               /* test --only-up */
	const char *scratch_url;   /* test, explain --scratch-url */
	int markdown;              /* explain --markdown */
	int lock_timeout_ms, statement_timeout_ms, lock_tries; /* -1: unset */
	/* lint */
	int format; /* FORMAT_* */
	int explain, strict, list_rules, profile_supabase, pg_version;
	strata_dialect dialect;
	const char *rules[64]; /* --rule NAME=SEVERITY, in order */
	int nrules;
	int asked_help; /* -h or --help was given */

	const struct command *cmd;
	strata *s;        /* opened by main for commands that need it */
	json_t *events;   /* --json: the migrations run, in order */
	json_t *notes;    /* --json: retries, progress, backups, findings */
	int dry_shown;    /* dry run: statements printed */
	/* progress of long work: on a terminal one line redrawn in place
	 * (progress_open: it is on screen); elsewhere a line now and then */
	int progress_tty, progress_open, progress_blocker;
	long long progress_printed_ms;
	const strata_migration *progress_mig;
};

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *options; /* the command's own options, " name name " */
	const char *usage;
	const char *summary;
	const char *help;    /* longer description for `strata help NAME` */
};

extern const struct command cmd_new, cmd_up, cmd_down, cmd_redo, cmd_goto,
	cmd_status, cmd_version, cmd_force, cmd_help, cmd_lint, cmd_backups,
	cmd_restore, cmd_dump, cmd_diff, cmd_test, cmd_explain, cmd_verify,
	cmd_adopt, cmd_baseline, cmd_convert;
extern const struct command *const commands[];

/* output.c */
void out_error(struct cli *c, int rc);       /* the session's last error */
/* An error as text on stderr: file:line:col, source line, caret, detail. */
void out_error_text(struct cli *c, const strata_error *e);
void out_usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void out_json(json_t *doc);                  /* prints and frees */
json_t *json_error(const strata_error *e, int rc);
const char *paint(const struct cli *c, const char *color, const char *text,
                  char *buf, size_t n);
void on_event(const strata_event *ev, void *data);
/* Takes a progress line off the terminal before something else prints. */
void out_progress_end(struct cli *c);
/* A lint finding as text: location, rule, source line, caret, help. */
void out_finding(const struct cli *c, FILE *fp, const strata_finding *f);

/* run.c: up, down, redo and goto share one runner */
int run_migrations(struct cli *c, strata_op op, int count, const char *target,
                   unsigned extra_flags);
int parse_count(struct cli *c, const char *arg, int *out);
int parse_version(struct cli *c, const char *arg);

/* snapshot_io.c: snapshots in files, for dump, diff, status and --dump */
#define DEFAULT_DUMP_FILE "schema.snapshot"
const char *dump_file(const struct cli *c); /* strata.ini's, or default */
/* The snapshot of SOURCE: NULL for the session's database, a URL (with
 * "://" or "sqlite:"), or a file strata dump wrote.  Caller frees; NULL
 * after printing why. */
char *snapshot_of(struct cli *c, const char *source);
/* Writes a snapshot to `path` through a temporary file and a rename, so
 * that a reader never sees half of one.  Prints and returns -1 on error. */
int snapshot_write(struct cli *c, const char *path, const char *text);

/* config.c */
#define DEFAULT_DB_FILE "strata.db"
char *resolve_url(struct cli *c, int *out_defaulted);
/* Rule severities and lint settings: strata.ini's [lint] section, then the
 * command line.  Prints and returns -1 on an unknown rule or value. */
int apply_lint_config(struct cli *c);
/* strata.ini's [run] section: lock-timeout, statement-timeout, lock-tries,
 * for what the command line left unset.  Prints and returns -1 on a bad
 * value. */
int load_run_config(struct cli *c);

#endif
