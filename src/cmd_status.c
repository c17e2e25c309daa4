/* strata status [--exit-code] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *state_color(strata_state st)
{
	switch (st) {
	case STRATA_STATE_APPLIED:
		return "32";
	case STRATA_STATE_PENDING:
		return "36";
	default:
		return "31";
	}
}

/* A dirty up whose file is the one that ran: up goes on where it stopped. */
static int resumable(const strata_status_entry *e)
{
	return e->dirty_direction == STRATA_UP && e->migration &&
	       e->db_checksum &&
	       strcmp(e->db_checksum, e->migration->checksum) == 0;
}

static json_t *entry_json(const strata_status_entry *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "version", json_string(e->version));
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "state",
	                    json_string(strata_state_name(e->state)));
	json_object_set_new(o, "applied_at",
	                    e->applied_at ? json_string(e->applied_at)
	                                  : json_null());
	json_object_set_new(o, "duration_ms",
	                    e->duration_ms >= 0 ? json_integer(e->duration_ms)
	                                        : json_null());
	json_object_set_new(o, "applied_by",
	                    e->applied_by ? json_string(e->applied_by)
	                                  : json_null());
	json_object_set_new(o, "file",
	                    e->migration ? json_string(e->migration->up_path)
	                                 : json_null());
	json_object_set_new(o, "checksum",
	                    e->migration ? json_string(e->migration->checksum)
	                                 : json_null());
	json_object_set_new(o, "applied_checksum",
	                    e->db_checksum ? json_string(e->db_checksum)
	                                   : json_null());
	json_object_set_new(o, "out_of_order", json_boolean(e->out_of_order));
	if (e->state == STRATA_STATE_DIRTY) {
		json_object_set_new(o, "failed_statement",
		                    json_integer(e->failed_statement));
		json_object_set_new(o, "failed_direction",
		                    json_string(e->dirty_direction == STRATA_UP
		                                    ? "up"
		                                    : "down"));
	}
	return o;
}

static void print_table(struct cli *c, const strata_status *st)
{
	size_t counts[5] = {0};
	char b[64];

	printf("%-16s %-32s %-9s %-21s %s\n", "VERSION", "NAME", "STATE",
	       "APPLIED AT", "DURATION");
	for (size_t i = 0; i < st->count; i++) {
		const strata_status_entry *e = &st->entries[i];
		const char *name = strata_state_name(e->state);
		counts[e->state]++;
		/* pad before painting: escape codes have no width */
		snprintf(b, sizeof(b), "%-9s", name);
		{
			char painted[96];
			printf("%-16s %-32s %s %-21s ", e->version, e->name,
			       paint(c, state_color(e->state), b, painted,
			             sizeof(painted)),
			       e->applied_at ? e->applied_at : "-");
		}
		if (e->duration_ms >= 0)
			printf("%lld ms", e->duration_ms);
		putchar('\n');
		if (e->state == STRATA_STATE_MODIFIED)
			printf("    changed since applied: recorded %.12s, "
			       "file %.12s (%s)\n",
			       e->db_checksum, e->migration->checksum,
			       e->migration->up_path);
		if (e->state == STRATA_STATE_MISSING)
			printf("    applied, but no file in the migrations "
			       "directory has this version\n");
		if (e->state == STRATA_STATE_DIRTY && resumable(e))
			printf("    failed at statement %d outside a "
			       "transaction: once the cause is fixed, 'strata "
			       "up' goes on from it;\n    or repair by hand, "
			       "then 'strata force %s' or 'strata force %s "
			       "--pending'\n",
			       e->failed_statement, e->version, e->version);
		else if (e->state == STRATA_STATE_DIRTY)
			printf("    failed at statement %d outside a "
			       "transaction: repair, then 'strata force %s' or "
			       "'strata force %s --pending'\n",
			       e->failed_statement, e->version, e->version);
		if (e->out_of_order)
			printf("    older than the newest applied migration: "
			       "'up' needs --allow-out-of-order\n");
	}
	printf("\n%zu applied, %zu pending", counts[STRATA_STATE_APPLIED],
	       counts[STRATA_STATE_PENDING]);
	for (int k = STRATA_STATE_MODIFIED; k <= STRATA_STATE_DIRTY; k++)
		if (counts[k])
			printf(", %zu %s", counts[k],
			       strata_state_name((strata_state)k));
	printf("; current version %s\n",
	       st->current_version ? st->current_version : "none");
	if (!st->atomic)
		printf("MySQL commits DDL at once: a migration is not atomic. "
		       "strata records each\nstatement done; after a failure, "
		       "'strata up' goes on from the failed one.\n");
}

/*
 * Drift: how many objects of the live schema differ from the committed
 * snapshot, when there is one (-1: none, or it could not be read).
 */
static int drift(struct cli *c)
{
	char *file, *live;
	int n = -1;

	if (access(dump_file(c), F_OK) != 0)
		return -1;
	if (!(file = snapshot_of(c, dump_file(c))))
		return -1;
	if ((live = snapshot_of(c, NULL))) {
		char *out = NULL;
		n = strata_snapshot_diff(file, live, &out);
		free(out);
	}
	free(file);
	free(live);
	return n < 0 ? -1 : n;
}

static void print_drift(int n, const char *file, int pending)
{
	if (n == 0)
		printf("schema: matches %s\n", file);
	else if (n > 0)
		printf("schema: %d object%s differ%s from %s%s ('strata diff' "
		       "shows how)\n",
		       n, n == 1 ? "" : "s", n == 1 ? "s" : "", file,
		       pending ? "; pending migrations may account for it"
		               : "");
}

static int status(struct cli *c, int argc, char **argv)
{
	strata_status *st;
	int rc, attention = 0, pending = 0, drifted;

	(void)argv;
	if (argc > 0) {
		out_usage_error(c, "status takes no arguments");
		return EXIT_USAGE;
	}
	if ((rc = strata_status_read(c->s, &st)) < 0) {
		out_error(c, rc);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < st->count; i++) {
		if (st->entries[i].state != STRATA_STATE_APPLIED)
			attention = 1;
		if (st->entries[i].state == STRATA_STATE_PENDING)
			pending = 1;
	}
	drifted = drift(c);
	if (c->json) {
		json_t *doc = json_object(), *list = json_array();
		for (size_t i = 0; i < st->count; i++)
			json_array_append_new(list,
			                      entry_json(&st->entries[i]));
		json_object_set_new(doc, "migrations", list);
		json_object_set_new(doc, "current_version",
		                    st->current_version
		                        ? json_string(st->current_version)
		                        : json_null());
		json_object_set_new(doc, "atomic", json_boolean(st->atomic));
		if (drifted >= 0) {
			json_t *d = json_object();
			json_object_set_new(d, "file",
			                    json_string(dump_file(c)));
			json_object_set_new(d, "differences",
			                    json_integer(drifted));
			json_object_set_new(doc, "drift", d);
		} else {
			json_object_set_new(doc, "drift", json_null());
		}
		out_json(doc);
	} else {
		print_table(c, st);
		print_drift(drifted, dump_file(c), pending);
	}
	strata_status_free(st);
	return c->exit_code && (attention || drifted > 0) ? EXIT_PENDING
	                                                  : EXIT_OK;
}

const struct command cmd_status = {
    .name = "status",
    .run = status,
    .options = " exit-code ",
    .usage = "status [--exit-code]",
    .summary = "list migrations: applied, pending, modified, missing, dirty",
    .help = "Compares the migration files with the history table. States: "
            "applied;\n"
            "pending; modified (applied, but the file changed since: both "
            "checksums are\n"
            "shown); missing (applied, but the file is gone); dirty (failed "
            "half-way\n"
            "outside a transaction). When schema.snapshot (strata.ini's "
            "[dump] file)\n"
            "exists, the live schema is compared with it: drift. "
            "--exit-code exits 3\n"
            "when anything is not applied, or the schema drifted.",
};
