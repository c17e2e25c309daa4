/*
 * The registry of rule families, and rule lookup by name and by index.
 * A new family is one line here and one rules_*.c file.
 */
#include <string.h>

#include "lint.h"

extern const struct lint_family strata_lint_locks, strata_lint_schema,
    strata_lint_safety, strata_lint_sqlite;

const struct lint_family *const strata_lint_families[] = {
    &strata_lint_core,   &strata_lint_locks,  &strata_lint_schema,
    &strata_lint_safety, &strata_lint_sqlite, NULL,
};

int strata_lint_rule_total(void)
{
	int n = 0;
	for (size_t i = 0; strata_lint_families[i]; i++)
		n += (int)strata_lint_families[i]->nrules;
	return n;
}

int strata_lint_rule_index(const struct lint_rule *r)
{
	int base = 0;
	for (size_t i = 0; strata_lint_families[i]; i++) {
		const struct lint_family *f = strata_lint_families[i];
		if (r >= f->rules && r < f->rules + f->nrules)
			return base + (int)(r - f->rules);
		base += (int)f->nrules;
	}
	return -1;
}

const struct lint_rule *strata_lint_rule_at(int index)
{
	for (size_t i = 0; strata_lint_families[i] && index >= 0; i++) {
		const struct lint_family *f = strata_lint_families[i];
		if ((size_t)index < f->nrules)
			return &f->rules[index];
		index -= (int)f->nrules;
	}
	return NULL;
}

int strata_lint_rule_find(const char *name)
{
	int base = 0;
	for (size_t i = 0; strata_lint_families[i]; i++) {
		const struct lint_family *f = strata_lint_families[i];
		for (size_t k = 0; k < f->nrules; k++)
			if (strcmp(f->rules[k].name, name) == 0)
				return base + (int)k;
		base += (int)f->nrules;
	}
	return -1;
}

size_t strata_lint_rule_count(void)
{
	return (size_t)strata_lint_rule_total();
}

const strata_rule_info *strata_lint_rule_get(size_t i)
{
	static strata_rule_info info; /* valid until the next call */
	int base = 0;

	for (size_t k = 0; strata_lint_families[k]; k++) {
		const struct lint_family *f = strata_lint_families[k];
		if (i < (size_t)base + f->nrules) {
			const struct lint_rule *r = &f->rules[i - (size_t)base];
			info.name = r->name;
			info.severity = r->severity;
			info.dialect = f->dialect;
			info.summary = r->summary;
			info.opt_in = (r->flags & (LINT_RULE_OPT_IN |
			                           LINT_RULE_SUPABASE)) != 0;
			return &info;
		}
		base += (int)f->nrules;
	}
	return NULL;
}
