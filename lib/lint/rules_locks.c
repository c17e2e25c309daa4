/* Rule family 'locks' (PostgreSQL).  See docs/lint-rules.md. */
#include "lint.h"

const struct lint_family strata_lint_locks = {
    .name = "locks",
    .dialect = STRATA_DIALECT_POSTGRES,
};
