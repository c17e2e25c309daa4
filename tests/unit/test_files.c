/* Migration files: names, layouts, sections, directives, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "migration_set.h"
#include "strata.h"

static char dir[] = "/tmp/strata-unit-XXXXXX";

static void put(const char *name, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/strata-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Loads `dir`; returns the code, and the session in *out. */
static int load(strata **out)
{
	strata_config cfg;
	strata_config_init(&cfg);
	cfg.url = "sqlite::memory:";
	cfg.dir = dir;
	assert_int_equal(strata_open(out, &cfg), 0);
	return strata_migrations_load(*out);
}

static void test_name_parse(void **state)
{
	char *v, *n;
	int kind;
	(void)state;

	assert_int_equal(
	    strata_migration_file_parse("20260105093000_create_users.up.sql",
	                                &v, &n, &kind),
	    0);
	assert_string_equal(v, "20260105093000");
	assert_string_equal(n, "create_users");
	assert_int_equal(kind, 1);
	free(v);
	free(n);
	assert_int_equal(strata_migration_file_parse("000012_add_2fa.down.sql",
	                                             &v, &n, &kind),
	                 0);
	assert_string_equal(v, "000012");
	assert_string_equal(n, "add_2fa");
	assert_int_equal(kind, 2);
	free(v);
	free(n);
	assert_int_equal(strata_migration_file_parse("7_x.sql", &v, &n, &kind),
	                 0);
	assert_int_equal(kind, 0);
	free(v);
	free(n);
	assert_int_equal(
	    strata_migration_file_parse("abc_x.sql", &v, &n, &kind), -1);
	assert_int_equal(
	    strata_migration_file_parse("1_Bad.sql", &v, &n, &kind), -1);
	assert_int_equal(
	    strata_migration_file_parse("1_bad-name.sql", &v, &n, &kind), -1);
	assert_int_equal(strata_migration_file_parse("1_.sql", &v, &n, &kind),
	                 -1);
	assert_int_equal(strata_migration_file_parse("_x.sql", &v, &n, &kind),
	                 -1);
	assert_int_equal(strata_migration_file_parse("1x.sql", &v, &n, &kind),
	                 -1);
	assert_int_equal(
	    strata_migration_file_parse("1_x.sideways.sql", &v, &n, &kind), -1);
	assert_int_equal(
	    strata_migration_file_parse("1_x.verify.sql", &v, &n, &kind), 0);
	assert_int_equal(kind, 3);
	assert_string_equal(n, "x");
	free(v);
	free(n);
	assert_int_equal(strata_migration_name_valid("add_users"), 1);
	assert_int_equal(strata_migration_name_valid("../etc"), 0);
	assert_int_equal(strata_migration_name_valid("a/b"), 0);
	assert_int_equal(strata_migration_name_valid(""), 0);
}

static void test_version_cmp(void **state)
{
	(void)state;
	assert_true(strata_version_cmp("2", "10") < 0);
	assert_true(strata_version_cmp("000010", "9") > 0);
	assert_int_equal(strata_version_cmp("0001", "1"), 0);
	assert_int_equal(strata_version_cmp("0", "000"), 0);
	assert_true(strata_version_cmp("20260105093000", "000001") > 0);
}

static void test_layouts_sorted(void **state)
{
	strata *s;
	const strata_migration *m;
	(void)state;

	put("10_c.sql", "-- strata:up\nCREATE TABLE c (x int);\n-- "
	                "strata:down\nDROP TABLE c;\n");
	put("2_b.up.sql", "CREATE TABLE b (x int);\n");
	put("1_a.up.sql", "CREATE TABLE a (x int);\n");
	put("1_a.down.sql", "DROP TABLE a;\n");
	put("README.md", "not a migration");
	assert_int_equal(load(&s), 0);
	assert_int_equal(strata_migrations_count(s), 3);
	m = strata_migrations_get(s, 0);
	assert_string_equal(m->version, "1");
	assert_non_null(m->down_path);
	m = strata_migrations_get(s, 1);
	assert_string_equal(m->version, "2");
	assert_null(m->down_path);
	m = strata_migrations_get(s, 2);
	assert_string_equal(m->name, "c");
	assert_true(m->flags & STRATA_MIG_SINGLE_FILE);
	assert_non_null(m->down_path);
	assert_null(strata_migrations_get(s, 3));
	strata_free(s);
}

static void test_directives(void **state)
{
	strata *s;
	const strata_migration *m;
	(void)state;

	put("1_a.sql", "-- strata:up\n-- strata:no-transaction\nVACUUM;\n"
	               "-- strata:down\nSELECT 1;\n");
	put("2_b.up.sql", "SELECT 1;\n");
	put("2_b.down.sql", "  --   strata:no-transaction\nSELECT 1;\n");
	assert_int_equal(load(&s), 0);
	m = strata_migrations_get(s, 0);
	assert_true(m->flags & STRATA_MIG_UP_NO_TX);
	assert_false(m->flags & STRATA_MIG_DOWN_NO_TX);
	m = strata_migrations_get(s, 1);
	assert_false(m->flags & STRATA_MIG_UP_NO_TX);
	assert_true(m->flags & STRATA_MIG_DOWN_NO_TX);
	strata_free(s);
}

static void expect_refusal(const char *needle, int line, int column)
{
	strata *s;
	const strata_error *e;

	assert_int_equal(load(&s), STRATA_EFORMAT);
	e = strata_last_error(s);
	if (!strstr(e->message, needle))
		fail_msg("message '%s' lacks '%s'", e->message, needle);
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, column);
	strata_free(s);
}

static void test_unknown_directive(void **state)
{
	(void)state;
	put("1_a.up.sql", "SELECT 1;\n-- strata:no-transactoin\n");
	expect_refusal("unknown directive 'strata:no-transactoin'", 2, 4);
}

static void test_marker_in_split_file(void **state)
{
	(void)state;
	put("1_a.up.sql", "SELECT 1;\n-- strata:down\nSELECT 2;\n");
	expect_refusal("section marker", 2, 4);
}

static void test_single_file_refusals(void **state)
{
	(void)state;
	put("1_a.sql", "SELECT 1;\n");
	expect_refusal("has no '-- strata:up' line", 0, 0);
	put("1_a.sql", "CREATE TABLE t (x int);\n-- strata:up\nSELECT 1;\n");
	expect_refusal("SQL before the '-- strata:up' line", 1, 1);
	put("1_a.sql", "-- strata:up\nSELECT 1;\n-- strata:up\n");
	expect_refusal("second '-- strata:up'", 3, 4);
	put("1_a.sql", "-- strata:down\nSELECT 1;\n-- strata:up\nSELECT 2;\n");
	expect_refusal("'-- strata:up' after '-- strata:down'", 3, 4);
}

static void test_duplicates_and_orphans(void **state)
{
	(void)state;
	put("1_a.up.sql", "SELECT 1;\n");
	put("0001_b.up.sql", "SELECT 1;\n");
	expect_refusal("duplicate migration version", 0, 0);
	teardown(state);
	setup(state);
	put("1_a.sql", "-- strata:up\nSELECT 1;\n");
	put("1_a.down.sql", "SELECT 1;\n");
	expect_refusal("duplicate migration version 1", 0, 0);
	teardown(state);
	setup(state);
	put("3_x.down.sql", "SELECT 1;\n");
	expect_refusal("down migration without an up migration", 0, 0);
	teardown(state);
	setup(state);
	/* next to strata's own files, a name strata refuses is a typo */
	put("1_a.sql", "-- strata:up\nSELECT 1;\n");
	put("3_X.up.sql", "SELECT 1;\n");
	expect_refusal("cannot parse migration file name", 0, 0);
	teardown(state);
	setup(state);
	/* alone, it is golang-migrate's, which takes any name */
	{
		strata *s;
		put("3_X.up.sql", "SELECT 1;\n");
		assert_int_equal(load(&s), 0);
		assert_int_equal(strata_migrations_format(s),
		                 STRATA_FORMAT_GOLANG_MIGRATE);
		assert_string_equal(strata_migrations_get(s, 0)->name, "X");
		strata_free(s);
	}
}

/* The text of a section of the loaded migration i. */
static void assert_section(const char *text, size_t start, size_t end,
                           const char *want)
{
	assert_non_null(text);
	if (strlen(want) != end - start ||
	    memcmp(text + start, want, end - start))
		fail_msg("section '%.*s', expected '%s'", (int)(end - start),
		         text + start, want);
}

static void test_verify_scripts(void **state)
{
	strata *s;
	const struct migration_file *m;
	char sum[65];
	(void)state;

	put("1_a.up.sql", "CREATE TABLE a (x int);\n");
	put("1_a.verify.sql", "SELECT count(*) = 0 FROM a;\n");
	put("2_b.sql", "-- strata:up\nCREATE TABLE b (x int);\n"
	               "-- strata:verify\nSELECT 1;\n"
	               "-- strata:down\nDROP TABLE b;\n");
	put("3_c.sql", "-- strata:up\nCREATE TABLE c (x int);\n"
	               "-- strata:down\nDROP TABLE c;\n"
	               "-- strata:verify\n-- strata:statement-timeout 5s\n"
	               "SELECT 2;\n");
	put("4_d.up.sql", "SELECT 4;\n");
	assert_int_equal(load(&s), 0);
	assert_int_equal(strata_migrations_count(s), 4);
	m = &s->migs[0];
	assert_non_null(strstr(m->pub.verify_path, "/1_a.verify.sql"));
	assert_section(m->verify_text, m->verify_start, m->verify_end,
	               "SELECT count(*) = 0 FROM a;\n");
	/* verify before down, and after it: each section ends at the next */
	m = &s->migs[1];
	assert_string_equal(m->pub.verify_path, m->pub.up_path);
	assert_section(m->up_text, m->up_start, m->up_end,
	               "CREATE TABLE b (x int);\n");
	assert_section(m->verify_text, m->verify_start, m->verify_end,
	               "SELECT 1;\n");
	assert_section(m->down_text, m->down_start, m->down_end,
	               "DROP TABLE b;\n");
	m = &s->migs[2];
	assert_section(m->down_text, m->down_start, m->down_end,
	               "DROP TABLE c;\n");
	assert_section(m->verify_text, m->verify_start, m->verify_end,
	               "-- strata:statement-timeout 5s\nSELECT 2;\n");
	assert_int_equal(m->verify_statement_timeout_ms, 5000);
	assert_int_equal(m->verify_lock_timeout_ms, -1);
	strcpy(sum, m->pub.checksum);
	assert_null(s->migs[3].pub.verify_path);
	strata_free(s);
	/* the checksum covers the up section only: a verify script can be
	 * improved after the migration was applied */
	put("3_c.sql", "-- strata:up\nCREATE TABLE c (x int);\n"
	               "-- strata:down\nDROP TABLE c;\n"
	               "-- strata:verify\nSELECT 3;\n");
	assert_int_equal(load(&s), 0);
	assert_string_equal(s->migs[2].pub.checksum, sum);
	strata_free(s);
}

static void test_verify_refusals(void **state)
{
	(void)state;
	put("1_a.verify.sql", "SELECT 1;\n");
	expect_refusal("1_a.verify.sql' is a verify script without its "
	               "migration (1_a)",
	               0, 0);
	put("1_b.up.sql", "SELECT 1;\n");
	expect_refusal("is a verify script without its migration", 0, 0);
	teardown(state);
	setup(state);
	put("1_a.sql",
	    "-- strata:up\nSELECT 1;\n-- strata:verify\nSELECT 1;\n");
	put("1_a.verify.sql", "SELECT 2;\n");
	expect_refusal("a '-- strata:verify' section, and a verify script", 3,
	               1);
	teardown(state);
	setup(state);
	put("1_a.sql", "-- strata:up\nSELECT 1;\n-- strata:verify\n"
	               "-- strata:verify\n");
	expect_refusal("second '-- strata:verify' line", 4, 4);
	put("1_a.sql", "-- strata:verify\nSELECT 1;\n-- strata:up\n");
	expect_refusal("'-- strata:up' after '-- strata:verify'", 3, 4);
	put("1_a.sql", "-- strata:up\nSELECT 1;\n-- strata:verify\n"
	               "-- strata:no-transaction\nSELECT 1;\n");
	expect_refusal("'strata:no-transaction' in a verify script", 4, 4);
	teardown(state);
	setup(state);
	put("1_a.up.sql", "SELECT 1;\n");
	put("1_a.verify.sql", "-- strata:batch size=10\nSELECT 1;\n");
	expect_refusal("'strata:batch' in a verify script", 1, 4);
	put("1_a.verify.sql", "SELECT 1;\n-- strata:down\n");
	expect_refusal("section marker 'strata:down'", 2, 4);
	put("1_a.verify.sql", "SELECT 1;\n");
	put("1_a.up.sql", "SELECT 1;\n-- strata:verify\nSELECT 2;\n");
	expect_refusal("section marker 'strata:verify'", 2, 4);
}

static void test_bom_and_crlf(void **state)
{
	strata *s, *t;
	char a[65];
	(void)state;

	put("1_a.sql", "\xEF\xBB\xBF-- strata:up\r\nCREATE TABLE t (x "
	               "int);\r\n-- strata:down\r\nDROP TABLE t;\r\n");
	assert_int_equal(load(&s), 0);
	strcpy(a, strata_migrations_get(s, 0)->checksum);
	assert_non_null(strata_migrations_get(s, 0)->down_path);
	strata_free(s);
	/* the same file with LF endings and no BOM has the same checksum */
	put("1_a.sql", "-- strata:up\nCREATE TABLE t (x int);\n-- "
	               "strata:down\nDROP TABLE t;\n");
	assert_int_equal(load(&t), 0);
	assert_string_equal(strata_migrations_get(t, 0)->checksum, a);
	strata_free(t);
	/* and a real change does not */
	put("1_a.sql", "-- strata:up\nCREATE TABLE t (y int);\n-- "
	               "strata:down\nDROP TABLE t;\n");
	assert_int_equal(load(&t), 0);
	assert_string_not_equal(strata_migrations_get(t, 0)->checksum, a);
	strata_free(t);
}

static void test_checksum_covers_up_only(void **state)
{
	strata *s, *t;
	char a[65];
	(void)state;

	/* fixing a down of an applied migration must not make it "modified" */
	put("1_a.up.sql", "CREATE TABLE t (x int);\n");
	put("1_a.down.sql", "DROP TABLE t;\n");
	assert_int_equal(load(&s), 0);
	strcpy(a, strata_migrations_get(s, 0)->checksum);
	strata_free(s);
	put("1_a.down.sql", "DROP TABLE IF EXISTS t;\n");
	assert_int_equal(load(&t), 0);
	assert_string_equal(strata_migrations_get(t, 0)->checksum, a);
	/* sha-256 of "CREATE TABLE t (x int);\n" */
	assert_string_equal(
	    a,
	    "af056ff8cbf6bb40effb8920e184f2eaf0b40f2eadc0ffa125e66952e89bf8f3");
	strata_free(t);
}

static void test_missing_dir(void **state)
{
	strata *s;
	strata_config cfg;
	(void)state;

	strata_config_init(&cfg);
	cfg.url = "sqlite::memory:";
	cfg.dir = "/nonexistent/strata/migrations";
	assert_int_equal(strata_open(&s, &cfg), 0);
	assert_int_equal(strata_migrations_load(s), STRATA_EIO);
	assert_non_null(
	    strstr(strata_errmsg(s), "/nonexistent/strata/migrations"));
	strata_free(s);
}

static void test_bad_table_name(void **state)
{
	strata *s;
	strata_config cfg;
	(void)state;

	strata_config_init(&cfg);
	cfg.url = "sqlite::memory:";
	cfg.table = "x; DROP TABLE y";
	assert_int_equal(strata_open(&s, &cfg), STRATA_EUSAGE);
	assert_non_null(strstr(strata_errmsg(s), "invalid history table name"));
	strata_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_parse),
	    cmocka_unit_test(test_version_cmp),
	    cmocka_unit_test_setup_teardown(test_layouts_sorted, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_directives, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_directive, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_marker_in_split_file, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_single_file_refusals, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_duplicates_and_orphans, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_verify_scripts, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_verify_refusals, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bom_and_crlf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checksum_covers_up_only, setup,
	                                    teardown),
	    cmocka_unit_test(test_missing_dir),
	    cmocka_unit_test(test_bad_table_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
