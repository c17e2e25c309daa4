/* Rule family 'schema' (PostgreSQL).  See docs/lint-rules.md. */
#include "lint.h"

const struct lint_family strata_lint_schema = {
    .name = "schema",
    .dialect = STRATA_DIALECT_POSTGRES,
};
