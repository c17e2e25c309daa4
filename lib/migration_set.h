/* Migration files: naming rules and parsing (migration_set.c). */
#ifndef STRATA_MIGRATION_SET_H
#define STRATA_MIGRATION_SET_H

#include "session.h"

/* Whether `name` is a valid migration name: [a-z0-9_]+. */
int strata_migration_name_valid(const char *name);

/*
 * Parses "<digits>_<name>[.up|.down].sql".  On success fills *version and
 * *name (caller frees) and *kind (0 single file, 1 up, 2 down); returns -1
 * when the name does not parse.
 */
int strata_migration_file_parse(const char *file, char **version, char **name,
                                int *kind);

void strata_migration_file_dispose(struct migration_file *m);
void strata_session_migrations_clear(strata *s);

#endif
