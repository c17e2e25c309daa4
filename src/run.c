/* The runner shared by up, down, redo and goto. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"

/* Asks on the terminal before data is deleted; the library lists what. */
static int confirm(const char *question, void *data)
{
	struct cli *c = data;
	char answer[16];

	(void)c;
	fprintf(stderr, "strata: %sdelete this data? [y/N] ", question);
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/*
 * Ctrl-C (or a deployer's SIGTERM) during a run: the library cancels the
 * running statement and stops cleanly, leaving the history true.  The
 * handler is one-shot, so a second Ctrl-C kills at once.
 */
static strata *interrupt_target;
static volatile sig_atomic_t interrupt_signal;

static void on_signal(int sig)
{
	interrupt_signal = sig;
	strata_interrupt(interrupt_target);
}

static void catch_signals(strata *s, int on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	interrupt_target = s;
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND : 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int parse_count(struct cli *c, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*end || end == arg || v < 1 || v > 1000000) {
		out_usage_error(
		    c, "'%s' is not a count of migrations (a number from 1)",
		    arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int parse_version(struct cli *c, const char *arg)
{
	/* digits, or Flyway's dotted tuples ("1.2.3", "1_2") */
	if (!*arg || strspn(arg, "0123456789._") != strlen(arg) ||
	    !strchr("0123456789", arg[0]) ||
	    !strchr("0123456789", arg[strlen(arg) - 1])) {
		out_usage_error(c,
		                "'%s' is not a version (digits like "
		                "20260105093000 or 000003, or Flyway's 1.2.3)",
		                arg);
		return -1;
	}
	return 0;
}

int run_migrations(struct cli *c, strata_op op, int count, const char *target,
                   unsigned extra_flags)
{
	strata_run_opts o;
	int done = 0, rc;

	memset(&o, 0, sizeof(o));
	o.op = op;
	o.count = count;
	o.target = target;
	o.flags = extra_flags | (c->dry_run ? STRATA_RUN_DRY_RUN : 0) |
	          (c->allow_modified ? STRATA_RUN_ALLOW_MODIFIED : 0) |
	          (c->allow_out_of_order ? STRATA_RUN_ALLOW_OUT_OF_ORDER : 0) |
	          (c->allow_unsafe ? STRATA_RUN_ALLOW_UNSAFE : 0) |
	          (c->allow_destructive ? STRATA_RUN_ALLOW_DESTRUCTIVE : 0) |
	          (c->backup ? STRATA_RUN_BACKUP : 0);
	/* a question needs someone to answer it */
	if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && !c->json) {
		o.confirm = confirm;
		o.confirm_data = c;
	}
	if (apply_lint_config(c) < 0)
		return EXIT_USAGE;
	c->progress_tty = isatty(STDERR_FILENO) && !c->json && !c->quiet;
	catch_signals(c->s, 1);
	rc = strata_run(c->s, &o, &done);
	catch_signals(c->s, 0);
	out_progress_end(c);
	if (rc < 0) {
		out_error(c, rc);
		return rc == STRATA_EINTERRUPTED && interrupt_signal
		           ? EXIT_SIGNAL(interrupt_signal)
		           : EXIT_FAIL;
	}
	/* keep the committed snapshot current */
	if ((c->dump || c->dump_after_run) && !c->dry_run) {
		char *text = snapshot_of(c, NULL);
		if (!text || snapshot_write(c, dump_file(c), text) < 0) {
			free(text);
			return EXIT_FAIL;
		}
		free(text);
		if (!c->quiet && !c->json)
			printf("wrote the schema to %s\n", dump_file(c));
	}
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "dry_run", json_boolean(c->dry_run));
		json_object_set(doc, "migrations", c->events);
		json_object_set(doc, "events", c->notes);
		out_json(doc);
	} else if (!c->quiet && done == 0 && !c->dry_run) {
		printf("nothing to do: %s\n",
		       op == STRATA_OP_DOWN || op == STRATA_OP_REDO
		           ? "no applied migration to roll back"
		           : "the database is up to date");
	}
	return EXIT_OK;
}
