/* Merging the files on disk with the history table into one status. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "session.h"

/* The public status plus the history its strings point into. */
struct status_impl {
	strata_status pub; /* first: strata_status_free casts back */
	history h;         /* owned, unless borrowed */
	int borrowed;      /* the strings are a kept history's */
};

const char *strata_state_name(strata_state st)
{
	switch (st) {
	case STRATA_STATE_PENDING:
		return "pending";
	case STRATA_STATE_APPLIED:
		return "applied";
	case STRATA_STATE_MODIFIED:
		return "modified";
	case STRATA_STATE_MISSING:
		return "missing";
	case STRATA_STATE_DIRTY:
		return "dirty";
	}
	return "unknown";
}

void strata_status_free(strata_status *st)
{
	struct status_impl *im = (struct status_impl *)st;

	if (!im)
		return;
	if (!im->borrowed)
		strata_history_dispose(&im->h);
	free(im->pub.entries);
	free(im);
}

static void from_row(strata_status_entry *e, const history_row *r)
{
	e->version = r->version;
	e->name = r->name;
	e->applied_at = r->applied_at;
	e->applied_by = r->applied_by;
	e->db_checksum = r->checksum;
	e->duration_ms = r->duration_ms;
	/* a dirty down is stored as minus its statement (history.c) */
	e->failed_statement = abs(r->failed_statement);
	e->dirty_direction = r->failed_statement < 0 ? STRATA_DOWN : STRATA_UP;
	e->state = strcmp(r->state, "dirty") == 0 ? STRATA_STATE_DIRTY
	                                          : STRATA_STATE_APPLIED;
}

static int build(strata *s, const history *hin, int borrowed,
                 strata_status **out)
{
	struct status_impl *im = calloc(1, sizeof(*im));
	size_t i = 0, j = 0, n = 0;
	const char *newest = NULL;

	*out = NULL;
	if (!im)
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	im->h = *hin;
	im->borrowed = borrowed;
	im->pub.entries =
	    calloc(s->nmigs + im->h.count + 1, sizeof(*im->pub.entries));
	if (!im->pub.entries) {
		free(im);
		return strata_error_set(&s->err, STRATA_ENOMEM,
		                        "out of memory");
	}
	/* both lists are sorted by version: merge them */
	while (i < s->nmigs || j < im->h.count) {
		strata_status_entry *e = &im->pub.entries[n++];
		const struct migration_file *m =
		    i < s->nmigs ? &s->migs[i] : NULL;
		const history_row *r = j < im->h.count ? &im->h.rows[j] : NULL;
		int c = !m   ? 1
		        : !r ? -1
		             : strata_version_cmp(m->version, r->version);

		if (c < 0) { /* file only */
			e->version = m->version;
			e->name = m->name;
			e->migration = &m->pub;
			e->state = STRATA_STATE_PENDING;
			e->duration_ms = -1;
			i++;
		} else if (c > 0) { /* history only */
			from_row(e, r);
			if (e->state == STRATA_STATE_APPLIED)
				e->state = STRATA_STATE_MISSING;
			j++;
		} else {
			from_row(e, r);
			e->name = m->name;
			e->migration = &m->pub;
			if (e->state == STRATA_STATE_APPLIED &&
			    strcmp(r->checksum, m->checksum) != 0)
				e->state = STRATA_STATE_MODIFIED;
			i++;
			j++;
		}
		if (e->state != STRATA_STATE_PENDING)
			newest = e->version;
	}
	im->pub.count = n;
	im->pub.current_version = newest;
	im->pub.atomic =
	    !s->driver || (s->driver->caps & STRATA_CAP_TRANSACTIONAL_DDL) != 0;
	for (i = 0; i < n && newest; i++) {
		strata_status_entry *e = &im->pub.entries[i];
		if (e->state == STRATA_STATE_PENDING &&
		    strata_version_cmp(e->version, newest) < 0)
			e->out_of_order = 1;
	}
	*out = &im->pub;
	return 0;
}

/* Takes ownership of *h (left empty). */
int strata_status_build(strata *s, const history *h, strata_status **out)
{
	return build(s, h, 0, out);
}

int strata_status_build_borrowed(strata *s, const history *h,
                                 strata_status **out)
{
	return build(s, h, 1, out);
}

int strata_status_read(strata *s, strata_status **out)
{
	history h;
	int rc;

	*out = NULL;
	if ((rc = strata_session_load(s)) < 0 ||
	    (rc = strata_session_connect(s)) < 0 ||
	    (rc = strata_history_read(s, &h)) < 0)
		return rc;
	if ((rc = strata_status_build(s, &h, out)) < 0)
		strata_history_dispose(&h);
	return rc;
}
