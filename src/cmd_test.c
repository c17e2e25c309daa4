/* strata test [--from V] [--to V] [--only-up] [--scratch-url URL] */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *result_name(strata_proof r)
{
	switch (r) {
	case STRATA_PROOF_REVERSIBLE:
		return "reversible";
	case STRATA_PROOF_NOT_REVERSIBLE:
		return "not reversible";
	case STRATA_PROOF_IRREVERSIBLE:
		return "irreversible";
	case STRATA_PROOF_FORWARD:
		return "applied";
	default:
		return "failed";
	}
}

struct tally {
	struct cli *c;
	int n[5];
	int header;
};

static void ms_cell(long long ms)
{
	if (ms >= 0)
		printf(" %7lld ms", ms);
	else
		printf(" %10s", "-");
}

/* Prints a diff indented under its migration. */
static void print_diff(const char *title, const char *diff)
{
	if (!*diff)
		return;
	printf("    %s:\n", title);
	for (const char *l = diff; *l;) {
		size_t n = strcspn(l, "\n");
		printf("      %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

static void on_entry(const strata_proof_entry *e, void *data)
{
	struct tally *t = data;
	struct cli *c = t->c;
	char b1[64], b2[64];

	t->n[e->result]++;
	if (c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "version",
		                    json_string(e->migration->version));
		json_object_set_new(o, "name", json_string(e->migration->name));
		json_object_set_new(o, "result",
		                    json_string(result_name(e->result)));
		json_object_set_new(o, "up_ms", json_integer(e->up_ms));
		json_object_set_new(o, "down_ms", json_integer(e->down_ms));
		json_object_set_new(o, "again_ms", json_integer(e->again_ms));
		if (*e->summary)
			json_object_set_new(o, "summary",
			                    json_string(e->summary));
		if (*e->down_diff)
			json_object_set_new(o, "down_diff",
			                    json_string(e->down_diff));
		if (*e->again_diff)
			json_object_set_new(o, "again_diff",
			                    json_string(e->again_diff));
		if (e->error) {
			json_object_set_new(o, "phase", json_string(e->phase));
			json_object_set_new(
			    o, "error", json_error(e->error, e->error->code));
		}
		json_array_append_new(c->events, o);
		return;
	}
	if (!t->header++)
		printf("%-16s %-32s %10s %10s %10s  %s\n", "VERSION", "NAME",
		       "UP", "DOWN", "UP AGAIN", "RESULT");
	printf("%-16s %-32s", e->migration->version, e->migration->name);
	ms_cell(e->up_ms);
	ms_cell(e->down_ms);
	ms_cell(e->again_ms);
	snprintf(b1, sizeof(b1), "%s", result_name(e->result));
	printf("  %s\n", e->result == STRATA_PROOF_REVERSIBLE ||
	                         e->result == STRATA_PROOF_FORWARD
	                     ? b1
	                     : paint(c, "31", b1, b2, sizeof(b2)));
	if (*e->summary)
		printf("    %s\n", e->summary);
	print_diff("before up -> after down", e->down_diff);
	print_diff("after up -> after up again", e->again_diff);
	if (e->result == STRATA_PROOF_IRREVERSIBLE)
		printf("    no down section, or an empty one: it cannot be "
		       "rolled back\n");
	if (e->error) {
		fflush(stdout);
		fprintf(stderr, "strata: %s of %s_%s failed:\n", e->phase,
		        e->migration->version, e->migration->name);
		out_error_text(c, e->error);
	}
}

static int test(struct cli *c, int argc, char **argv)
{
	strata_prove_opts o;
	struct tally t;
	int bad = 0, rc, total = 0;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "test takes no arguments (--from and --to "
		                   "choose the migrations)");
		return EXIT_USAGE;
	}
	if ((c->from && parse_version(c, c->from) < 0) ||
	    (c->to && parse_version(c, c->to) < 0))
		return EXIT_USAGE;
	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	t.c = c;
	o.from = c->from;
	o.to = c->to;
	o.only_up = c->only_up;
	o.scratch_url = c->scratch_url;
	o.on_entry = on_entry;
	o.data = &t;
	if ((rc = strata_prove(c->s, &o, &bad)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	for (int i = 0; i < 5; i++)
		total += t.n[i];
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_boolean(bad == 0));
		json_object_set(doc, "migrations", c->events);
		json_object_set_new(doc, "tested", json_integer(total));
		json_object_set_new(doc, "not_proven", json_integer(bad));
		out_json(doc);
	} else if (total == 0) {
		printf("no migration to test\n");
	} else {
		printf("\n%d migration%s: %d reversible", total,
		       total == 1 ? "" : "s", t.n[STRATA_PROOF_REVERSIBLE]);
		if (t.n[STRATA_PROOF_FORWARD])
			printf(", %d applied (--only-up)",
			       t.n[STRATA_PROOF_FORWARD]);
		if (t.n[STRATA_PROOF_NOT_REVERSIBLE])
			printf(", %d not reversible",
			       t.n[STRATA_PROOF_NOT_REVERSIBLE]);
		if (t.n[STRATA_PROOF_IRREVERSIBLE])
			printf(", %d irreversible",
			       t.n[STRATA_PROOF_IRREVERSIBLE]);
		if (t.n[STRATA_PROOF_FAILED])
			printf(", %d failed (the test stopped there)",
			       t.n[STRATA_PROOF_FAILED]);
		printf("\n");
	}
	return bad ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_test = {
    .name = "test",
    .run = test,
    .options = " from to only-up scratch-url ",
    .usage = "test [--from VERSION] [--to VERSION] [--only-up] "
             "[--scratch-url URL]",
    .summary = "prove every migration reversible on a scratch database",
    .help = "On a scratch database (SQLite: a temporary file; PostgreSQL: "
            "a database\n"
            "made beside the one of --url and dropped after, or "
            "--scratch-url), for each\n"
            "migration in order: snapshot, up, snapshot, down, snapshot "
            "(must equal the\n"
            "first), up again, snapshot (must equal the second). A down "
            "that does not\n"
            "restore the schema is shown with the exact difference. Your "
            "own database is\n"
            "never touched. --only-up applies and snapshots only, for "
            "forward-only\n"
            "histories. Exit status 1 when a migration is not reversible, "
            "has no down,\n"
            "or fails.",
};
