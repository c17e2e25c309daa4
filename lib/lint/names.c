/*
 * A set of strings (table names, "table.column" keys) with open addressing:
 * a 20 MB file can create thousands of tables, and every statement asks
 * whether its table is one of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static size_t slot_of(char **slots, size_t cap, const char *name)
{
	size_t i = (size_t)hash(name) & (cap - 1);
	while (slots[i] && strcmp(slots[i], name) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct name_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 16;
	char **slots = calloc(cap, sizeof(char *));

	if (!slots)
		return STRATA_ENOMEM;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			slots[slot_of(slots, cap, set->slots[i])] =
			    set->slots[i];
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int strata_name_set_add(struct name_set *set, const char *name)
{
	size_t i;

	if ((set->count + 1) * 2 > set->cap && grow(set) < 0)
		return STRATA_ENOMEM;
	i = slot_of(set->slots, set->cap, name);
	if (set->slots[i])
		return 0;
	if (!(set->slots[i] = strdup(name)))
		return STRATA_ENOMEM;
	set->count++;
	return 1;
}

int strata_name_set_has(const struct name_set *set, const char *name)
{
	return set->cap && set->slots[slot_of(set->slots, set->cap, name)];
}

void strata_name_set_dispose(struct name_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

/* ---- maps: the same, with a value per key ---- */

static size_t map_slot(char **keys, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);
	while (keys[i] && strcmp(keys[i], key) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static int map_grow(struct name_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	char **keys = calloc(cap, sizeof(char *));
	char **vals = calloc(cap, sizeof(char *));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return STRATA_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t k = map_slot(keys, cap, m->keys[i]);
			keys[k] = m->keys[i];
			vals[k] = m->vals[i];
		}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int strata_name_map_put(struct name_map *m, const char *key, const char *val)
{
	size_t i;
	char *v;

	if ((m->count + 1) * 2 > m->cap && map_grow(m) < 0)
		return STRATA_ENOMEM;
	i = map_slot(m->keys, m->cap, key);
	if (!(v = strdup(val)))
		return STRATA_ENOMEM;
	if (m->keys[i]) {
		free(m->vals[i]);
	} else {
		if (!(m->keys[i] = strdup(key))) {
			free(v);
			return STRATA_ENOMEM;
		}
		m->count++;
	}
	m->vals[i] = v;
	return 0;
}

const char *strata_name_map_get(const struct name_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = map_slot(m->keys, m->cap, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

void strata_name_map_dispose(struct name_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		free(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
