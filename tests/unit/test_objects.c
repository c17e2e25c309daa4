/*
 * What a statement creates, drops and renames (lib/lint/objects.h), for
 * strata verify: one line per object change, in both dialects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/objects.h"
#include "strata.h"

static const char *const ops[] = {"create", "drop", "rename", "search_path",
                                  "unseen"};

/* "create column s.t.c", "drop index i", "rename table t -> u", ... */
static void line(const struct so_object *o, void *data)
{
	strata_buf *b = data;

	strata_buf_printf(b, "%s %s ", ops[o->op], o->kind);
	if (*o->schema)
		strata_buf_printf(b, "%s.", o->schema);
	if (*o->table)
		strata_buf_printf(b, "%s.", o->table);
	strata_buf_puts(b, o->name);
	if (o->args)
		strata_buf_printf(b, "(%s)", o->args);
	if (o->to_schema)
		strata_buf_printf(b, " -> %s.%s", o->to_schema,
		                  o->to ? o->to : o->name);
	else if (o->to)
		strata_buf_printf(b, " -> %s", o->to);
	for (size_t i = 0; i < o->ncols; i++)
		strata_buf_printf(b, "%s%s", i ? "," : " uses ", o->cols[i]);
	for (size_t i = 0; i < o->nrefs; i++)
		strata_buf_printf(b, "%s%s", i ? "," : " reads ", o->refs[i]);
	if (o->cascade)
		strata_buf_puts(b, " cascade");
	strata_buf_putc(b, '\n');
}

static void pg(const char *sql, const char *want)
{
	strata_buf b = STRATA_BUF_INIT;

	assert_int_equal(strata_pg_statement_objects(sql, line, &b), 0);
	assert_string_equal(b.ptr, want);
	strata_buf_dispose(&b);
}

static void sq(const char *sql, const char *want)
{
	strata_buf b = STRATA_BUF_INIT;

	assert_int_equal(strata_sqlite_statement_objects(sql, line, &b), 0);
	assert_string_equal(b.ptr, want);
	strata_buf_dispose(&b);
}

static void test_pg_tables_and_members(void **state)
{
	(void)state;
	pg("CREATE TABLE app.Users (id int PRIMARY KEY, \"Nick\" text "
	   "CONSTRAINT nick_len CHECK (length(\"Nick\") < 20), "
	   "CONSTRAINT users_uk UNIQUE (id, \"Nick\"))",
	   "create table app.users\n"
	   "create column app.users.id\n"
	   "create column app.users.Nick\n"
	   "create constraint app.users.nick_len uses Nick,Nick\n"
	   "create constraint app.users.users_uk uses id,Nick\n");
	pg("CREATE TABLE IF NOT EXISTS t (LIKE u)", "create table t\n");
	pg("CREATE TEMP TABLE t (a int); CREATE TABLE pg_temp.u (a int)", "");
	pg("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int REFERENCES u, "
	   "ADD CONSTRAINT t_fk FOREIGN KEY (c) REFERENCES u (id), "
	   "DROP COLUMN d CASCADE, DROP CONSTRAINT t_old, "
	   "ALTER COLUMN e SET NOT NULL",
	   "create column t.c\n"
	   "create constraint t.t_fk uses c reads u\n"
	   "drop column t.d cascade\n"
	   "drop constraint t.t_old\n");
	pg("ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_idx",
	   "create constraint t.t_pkey\nrename index t_idx -> t_pkey\n");
	pg("CREATE TABLE t2 (a, b) AS SELECT 1, 2", "create table t2\n"
	                                            "create column t2.a\n"
	                                            "create column t2.b\n");
	pg("CREATE MATERIALIZED VIEW s.mv AS SELECT 1",
	   "create materialized-view s.mv\n");
	pg("CREATE OR REPLACE VIEW v AS SELECT 1", "create view v\n");
	/* what a view reads: a DROP ... CASCADE of one takes it along */
	pg("CREATE VIEW s.v AS SELECT a.x FROM s.a JOIN b USING (id) WHERE "
	   "EXISTS (SELECT 1 FROM c)",
	   "create view s.v reads a,b,c\n");
	pg("CREATE MATERIALIZED VIEW m AS SELECT * FROM t",
	   "create materialized-view m reads t\n");
}

static void test_pg_other_objects(void **state)
{
	(void)state;
	pg("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t (lower(a), "
	   "b) INCLUDE (c) WHERE d > 0",
	   "create index s.t.i uses a,b,c,d\n");
	pg("CREATE INDEX ON t (a)", "unseen an index without a name -\n");
	pg("CREATE SEQUENCE s.seq", "create sequence s.seq\n");
	pg("CREATE FUNCTION s.f(a int, b varchar(10)[], OUT c text) RETURNS "
	   "text LANGUAGE sql AS 'select 1'",
	   "create function s.f(int4,varchar[])\n");
	pg("CREATE PROCEDURE p() LANGUAGE sql AS 'select 1'",
	   "create procedure p()\n");
	pg("CREATE TRIGGER tr BEFORE INSERT ON s.t FOR EACH ROW EXECUTE "
	   "FUNCTION f()",
	   "create trigger s.t.tr\n");
	pg("CREATE TYPE mood AS ENUM ('a'); CREATE TYPE s.pair AS (a int); "
	   "CREATE DOMAIN pos AS int CHECK (VALUE > 0); CREATE TYPE r AS RANGE "
	   "(subtype = int4); CREATE TYPE shell",
	   "create type mood\ncreate type s.pair\ncreate type pos\n"
	   "create type r\ncreate type shell\n");
	pg("CREATE POLICY own ON s.t USING (true)", "create policy s.t.own\n");
	pg("CREATE SCHEMA app CREATE TABLE t (a int) CREATE VIEW v AS SELECT 1",
	   "create schema app\ncreate table app.t\ncreate column app.t.a\n"
	   "create view app.v\n");
	pg("CREATE EXTENSION IF NOT EXISTS citext",
	   "create extension citext\n");
	pg("DO $$ BEGIN EXECUTE 'CREATE TABLE x ()'; END $$",
	   "unseen a DO block -\n");
}

static void test_pg_drops(void **state)
{
	(void)state;
	pg("DROP TABLE a, s.b CASCADE", "drop table a cascade\n"
	                                "drop table s.b cascade\n");
	pg("DROP VIEW IF EXISTS v; DROP MATERIALIZED VIEW m; DROP INDEX "
	   "CONCURRENTLY s.i; DROP SEQUENCE q",
	   "drop view v\ndrop materialized-view m\ndrop index s.i\n"
	   "drop sequence q\n");
	pg("DROP FUNCTION f(int, text[]), g; DROP PROCEDURE p(); DROP ROUTINE "
	   "r",
	   "drop function f(int4,text[])\ndrop function g\n"
	   "drop procedure p()\ndrop function r\n");
	pg("DROP TRIGGER tr ON s.t; DROP POLICY p ON t",
	   "drop trigger s.t.tr\ndrop policy t.p\n");
	pg("DROP TYPE s.mood; DROP DOMAIN pos; DROP SCHEMA app CASCADE; DROP "
	   "EXTENSION citext",
	   "drop type s.mood\ndrop type pos\ndrop schema app cascade\n"
	   "drop extension citext\n");
}

static void test_pg_renames(void **state)
{
	(void)state;
	pg("ALTER TABLE s.t RENAME TO u; ALTER VIEW v RENAME TO w; ALTER INDEX "
	   "i RENAME TO j; ALTER SEQUENCE q RENAME TO r",
	   "rename table s.t -> u\nrename view v -> w\nrename index i -> j\n"
	   "rename sequence q -> r\n");
	pg("ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t RENAME "
	   "CONSTRAINT c TO d; ALTER TRIGGER tr ON t RENAME TO tr2; ALTER "
	   "POLICY p ON s.t RENAME TO p2",
	   "rename column t.a -> b\nrename constraint t.c -> d\n"
	   "rename trigger t.tr -> tr2\nrename policy s.t.p -> p2\n");
	pg("ALTER FUNCTION f(int) RENAME TO g; ALTER TYPE s.t RENAME TO u; "
	   "ALTER SCHEMA a RENAME TO b",
	   "rename function f(int4) -> g\nrename type s.t -> u\n"
	   "rename schema a -> b\n");
	pg("ALTER TABLE t SET SCHEMA s; ALTER FUNCTION f SET SCHEMA s; ALTER "
	   "TYPE x SET SCHEMA s",
	   "rename table t -> s.t\nrename function f -> s.f\n"
	   "rename type x -> s.x\n");
}

static void test_pg_search_path_and_nothing(void **state)
{
	(void)state;
	pg("SET search_path TO \"$user\", app, public",
	   "search_path search_path app.-\n");
	pg("SET LOCAL search_path = DEFAULT; RESET search_path",
	   "search_path search_path -\nsearch_path search_path -\n");
	pg("SET lock_timeout = '1s'", "");
	pg("SELECT 1; INSERT INTO t VALUES (1); ALTER TABLE t ALTER COLUMN a "
	   "TYPE bigint",
	   "");
	pg("not sql at all", "");
	pg("", "");
}

static void test_sqlite(void **state)
{
	(void)state;
	sq("CREATE TABLE IF NOT EXISTS main.\"Users\" (id INTEGER PRIMARY KEY, "
	   "[nick name] TEXT CHECK (length([nick name]) < 9), "
	   "CONSTRAINT u UNIQUE (id), FOREIGN KEY (id) REFERENCES x)",
	   "create table main.Users\ncreate column main.Users.id\n"
	   "create column main.Users.nick name\n");
	sq("CREATE TABLE t AS SELECT 1 AS a", "create table t\n");
	sq("CREATE TEMP TABLE t (a)", "");
	sq("CREATE VIRTUAL TABLE ft USING fts5(body)", "create table ft\n");
	sq("CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a)",
	   "create index t.i\n");
	sq("CREATE VIEW v AS SELECT 1", "create view v\n");
	sq("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
	   "create trigger t.tr\n");
	sq("ALTER TABLE t ADD COLUMN c TEXT; ", "create column t.c\n");
	sq("alter table t add c", "create column t.c\n");
	sq("ALTER TABLE t DROP COLUMN c", "drop column t.c\n");
	sq("ALTER TABLE t RENAME TO u", "rename table t -> u\n");
	sq("ALTER TABLE t RENAME COLUMN a TO b", "rename column t.a -> b\n");
	sq("ALTER TABLE t RENAME a TO b", "rename column t.a -> b\n");
	sq("DROP TABLE IF EXISTS t", "drop table t\n");
	sq("DROP INDEX i; ", "drop index i\n");
	sq("DROP VIEW v", "drop view v\n");
	sq("DROP TRIGGER main.tr", "drop trigger main.tr\n");
	sq("INSERT INTO t VALUES (1)", "");
	sq("DROP TABLE", "");
	sq("", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pg_tables_and_members),
	    cmocka_unit_test(test_pg_other_objects),
	    cmocka_unit_test(test_pg_drops),
	    cmocka_unit_test(test_pg_renames),
	    cmocka_unit_test(test_pg_search_path_and_nothing),
	    cmocka_unit_test(test_sqlite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
