/* strata verify */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *script_name(strata_verify_script r)
{
	switch (r) {
	case STRATA_SCRIPT_PASSED:
		return "passed";
	case STRATA_SCRIPT_FALSE:
		return "false";
	case STRATA_SCRIPT_ERROR:
		return "error";
	default:
		return "-";
	}
}

static const char *result_name(strata_verify_result r)
{
	switch (r) {
	case STRATA_VERIFY_OK:
		return "ok";
	case STRATA_VERIFY_FAILED:
		return "failed";
	default:
		return "not checked";
	}
}

struct tally {
	struct cli *c;
	int n[3];
	int header;
};

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void entry_json(struct cli *c, const strata_verify_entry *e)
{
	json_t *o = json_object(), *objects = json_object();

	json_object_set_new(o, "version", json_string(e->version));
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "state",
	                    json_string(strata_state_name(e->state)));
	json_object_set_new(o, "result", json_string(result_name(e->result)));
	json_object_set_new(objects, "expected",
	                    json_integer((json_int_t)e->expected));
	json_object_set_new(objects, "missing",
	                    strings(e->missing, e->nmissing));
	json_object_set_new(o, "objects", objects);
	json_object_set_new(o, "script",
	                    json_string(e->script == STRATA_SCRIPT_NONE
	                                    ? "none"
	                                    : script_name(e->script)));
	if (e->script != STRATA_SCRIPT_NONE) {
		json_object_set_new(o, "script_file",
		                    json_string(e->migration->verify_path));
		json_object_set_new(o, "script_statements",
		                    json_integer(e->script_statements));
	}
	json_object_set_new(o, "notes", strings(e->notes, e->nnotes));
	if (e->error)
		json_object_set_new(o, "error",
		                    json_error(e->error, e->error->code));
	json_array_append_new(c->events, o);
}

static void on_entry(const strata_verify_entry *e, void *data)
{
	struct tally *t = data;
	struct cli *c = t->c;
	char objects[48], b1[32], b2[64];

	t->n[e->result]++;
	if (c->json) {
		entry_json(c, e);
		return;
	}
	if (!t->header++)
		printf("%-16s %-32s %-8s %-7s %s\n", "VERSION", "NAME",
		       "OBJECTS", "SCRIPT", "RESULT");
	if (e->result == STRATA_VERIFY_UNCHECKED)
		snprintf(objects, sizeof(objects), "-");
	else
		snprintf(objects, sizeof(objects), "%zu/%zu",
		         e->expected - e->nmissing, e->expected);
	snprintf(b1, sizeof(b1), "%s", result_name(e->result));
	printf("%-16s %-32s %-8s %-7s %s\n", e->version, e->name, objects,
	       script_name(e->script),
	       e->result == STRATA_VERIFY_FAILED
	           ? paint(c, "31", b1, b2, sizeof(b2))
	           : b1);
	for (size_t i = 0; i < e->nmissing; i++)
		printf("    missing: %s (added by %s_%s)\n", e->missing[i],
		       e->version, e->name);
	for (size_t i = 0; i < e->nnotes; i++)
		printf("    note: %s\n", e->notes[i]);
	if (e->error) {
		fflush(stdout);
		fprintf(stderr, "strata: %s of %s_%s:\n",
		        e->script == STRATA_SCRIPT_NONE ? "the up section"
		                                        : "verify script",
		        e->version, e->name);
		out_error_text(c, e->error);
	}
}

static int verify(struct cli *c, int argc, char **argv)
{
	struct tally t;
	int failed = 0, rc, total;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "verify takes no arguments");
		return EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	if ((rc = strata_verify(c->s, on_entry, &t, &failed)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	total = t.n[0] + t.n[1] + t.n[2];
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_boolean(failed == 0));
		json_object_set(doc, "migrations", c->events);
		json_object_set_new(doc, "verified", json_integer(total));
		json_object_set_new(doc, "failed", json_integer(failed));
		out_json(doc);
	} else if (total == 0) {
		printf("no applied migration to verify\n");
	} else {
		printf("\n%d migration%s verified: %d ok", total,
		       total == 1 ? "" : "s", t.n[STRATA_VERIFY_OK]);
		if (t.n[STRATA_VERIFY_FAILED])
			printf(", %d failed", t.n[STRATA_VERIFY_FAILED]);
		if (t.n[STRATA_VERIFY_UNCHECKED])
			printf(", %d not checked (no file)",
			       t.n[STRATA_VERIFY_UNCHECKED]);
		printf("\n");
	}
	return failed ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_verify = {
    .name = "verify",
    .run = verify,
    .options = "",
    .usage = "verify",
    .summary = "check the database against its applied migrations",
    .help = "For every applied migration, in version order: the objects "
            "its up section\n"
            "creates (tables, columns, indexes, views, functions, "
            "triggers, types,\n"
            "policies...) and that no later migration dropped must exist "
            "in the database,\n"
            "and its verify script (VERSION_NAME.verify.sql, or a '-- "
            "strata:verify'\n"
            "section) must run without error and return no false value. "
            "The script runs\n"
            "in a transaction that is rolled back, so what it writes does "
            "not stay. What\n"
            "strata cannot see (a DO block, dynamic SQL) is noted as not "
            "checked. Pending\n"
            "migrations are not verified. Exit status 1 when a migration "
            "fails.",
};
