/* Rule family 'safety' (PostgreSQL).  See docs/lint-rules.md. */
#include "lint.h"

const struct lint_family strata_lint_safety = {
    .name = "safety",
    .dialect = STRATA_DIALECT_POSTGRES,
};
