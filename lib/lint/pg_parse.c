/*
 * Parsing ahead for the PostgreSQL walker: the sections of a run are cut
 * into chunks (a section over CHUNK_BYTES is cut at a statement boundary),
 * and worker threads parse the chunks into
 * protobuf-c trees while the walker analyses the ones before.  Results come
 * back in order, at most WINDOW chunks ahead, so memory stays bounded by
 * the window however large the input: a 20 MB file never lives as one
 * parse tree (libpg_query needs ~25 bytes of memory per byte of SQL).
 *
 * Each tree is unpacked into an arena: protobuf-c's per-node malloc and
 * free were a fifth of the run time, and the tree dies all at once anyway.
 *
 * libpg_query keeps one memory context per thread and frees it when the
 * thread exits (../shared/notes/libpg_query.md).  With one CPU, or little
 * to parse, everything runs on the caller's thread.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../error.h"
#include "../split.h"
#include "lint.h"

#define CHUNK_BYTES  (64 * 1024)
#define JOB_BYTES    (16 * 1024) /* small sections handed over together */
#define WINDOW       4
#define MAX_THREADS  4
#define THREAD_BYTES (64 * 1024) /* less than this to parse: no threads */
#define ARENA_FIRST  4096        /* then doubling: small sections stay small */
#define ARENA_MAX    (1024 * 1024)

/* ---- the arena ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

static void *arena_alloc(void *data, size_t n)
{
	struct arena *a = data;
	struct arena_block *b = a->head;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!b || b->size - b->used < n) {
		size_t size = a->next ? a->next : ARENA_FIRST;
		if (size < n)
			size = n;
		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		a->next = size * 2 > ARENA_MAX ? ARENA_MAX : size * 2;
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += n;
	return (char *)b->data + b->used - n;
}

static void arena_free(void *data, void *p)
{
	(void)data;
	(void)p; /* everything goes at once in arena_dispose() */
}

static void arena_dispose(struct arena *a)
{
	while (a->head) {
		struct arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

/* ---- one chunk ---- */

void strata_pg_chunk_parse(struct pg_chunk *c, const char *text)
{
	PgQueryProtobufParseResult r;
	ProtobufCAllocator alloc = {arena_alloc, arena_free, &c->arena};
	char *sql = strndup(text + c->base, c->end - c->base);

	c->done = 1;
	if (!sql) {
		c->nomem = 1;
		return;
	}
	r = pg_query_parse_protobuf(sql);
	if (r.error) {
		size_t at =
		    r.error->cursorpos > 0
		        ? strata_utf8_advance(sql, 0, r.error->cursorpos - 1)
		        : 0;
		c->error = strdup(r.error->message);
		c->error_at = c->base + at;
		c->nomem = !c->error;
	} else {
		c->tree = pg_query__parse_result__unpack(
		    &alloc, r.parse_tree.len,
		    (const uint8_t *)r.parse_tree.data);
		c->nomem = !c->tree;
	}
	pg_query_free_protobuf_parse_result(r);
	free(sql);
}

void strata_pg_chunk_dispose(struct pg_chunk *c)
{
	arena_dispose(&c->arena);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

/* ---- the pool ---- */

#define JOB_MAX 64

struct pg_job {
	struct pg_chunk chunks[JOB_MAX];
	int n, taken; /* chunks, and how many the walker took */
	int done;     /* parsed */
};

struct pg_pool {
	const struct lint_section *sects; /* not owned */
	size_t nsects;

	/* the producer's cursor: the next section, or where the section
	 * being cut goes on */
	size_t next_sect, cut_from;
	int cutting;

	struct pg_job ring[WINDOW]; /* parsed ahead */
	struct pg_job cur;          /* the walker's, being taken apart */
	size_t produced, consumed;  /* job sequence numbers */
	int exhausted;

	pthread_mutex_t mu;
	pthread_cond_t ready, space;
	pthread_t threads[MAX_THREADS];
	int nthreads, stop;
};

/*
 * The end of a chunk that starts at `from`: just past the first ';' at or
 * beyond from + CHUNK_BYTES that is outside quotes, dollar quotes and
 * comments, or `end`.  A lexer of its own, not libpg_query's scanner: that
 * one keeps ~3 bytes per byte of input until it returns.  A cut that still
 * falls inside a statement (BEGIN ATOMIC bodies hold ';') makes that chunk
 * fail to parse, and the walker parses it again joined to the next one.
 */
static size_t chunk_end(const char *t, size_t from, size_t end)
{
	size_t p = from;

	while (p < end) {
		char ch = t[p];
		if (ch == ';' && p - from >= CHUNK_BYTES)
			return p + 1;
		if (ch == '\'' || ch == '"') {
			/* E'...' strings may escape the quote with a backslash
			 */
			int esc = ch == '\'' && p > from &&
			          (t[p - 1] == 'E' || t[p - 1] == 'e');
			for (p++; p < end; p++) {
				if (esc && t[p] == '\\' && p + 1 < end)
					p++;
				else if (t[p] == ch)
					break;
			}
			p++;
		} else if (ch == '-' && p + 1 < end && t[p + 1] == '-') {
			while (p < end && t[p] != '\n')
				p++;
		} else if (ch == '/' && p + 1 < end && t[p + 1] == '*') {
			int depth = 1;
			for (p += 2; p < end && depth > 0; p++) {
				if (t[p] == '*' && p + 1 < end &&
				    t[p + 1] == '/')
					depth--, p++;
				else if (t[p] == '/' && p + 1 < end &&
				         t[p + 1] == '*')
					depth++, p++;
			}
		} else if (ch == '$') {
			/* $tag$ ... $tag$ (a $1 parameter has no closing $) */
			size_t q = p + 1, tl;
			while (q < end &&
			       (t[q] == '_' || (t[q] >= 'a' && t[q] <= 'z') ||
			        (t[q] >= 'A' && t[q] <= 'Z') ||
			        (q > p + 1 && t[q] >= '0' && t[q] <= '9')))
				q++;
			if (q < end && t[q] == '$' &&
			    !(p > from &&
			      (t[p - 1] == '_' ||
			       (t[p - 1] >= 'a' && t[p - 1] <= 'z') ||
			       (t[p - 1] >= 'A' && t[p - 1] <= 'Z') ||
			       (t[p - 1] >= '0' && t[p - 1] <= '9')))) {
				tl = q + 1 - p;
				for (q++; q + tl <= end; q++)
					if (t[q] == '$' &&
					    !memcmp(t + q, t + p, tl))
						break;
				p = q + tl;
			} else {
				p++;
			}
		} else {
			p++;
		}
	}
	return end;
}

/* Cuts the next chunk; 0 when every section is cut.  Under the mutex. */
static int cut_next(struct pg_pool *p, struct pg_chunk *c)
{
	const struct lint_section *s;

	memset(c, 0, sizeof(*c));
	if (!p->cutting) {
		if (p->next_sect >= p->nsects)
			return 0;
		p->cut_from = p->sects[p->next_sect++].start;
		p->cutting = 1;
	}
	s = &p->sects[p->next_sect - 1];
	c->sect = p->next_sect - 1;
	c->base = p->cut_from;
	c->end = chunk_end(s->text, p->cut_from, s->end);
	/* a tail of blanks and comments joins the chunk before it */
	if (strata_sql_skip_blank(s->text, c->end, s->end, 1) >= s->end)
		c->end = s->end;
	c->last = c->end >= s->end;
	p->cut_from = c->end;
	p->cutting = !c->last;
	return 1;
}

/* Cuts the next job: one chunk, or a run of small sections up to
 * JOB_BYTES (1000 small files are 1000 sections: handing them over one
 * by one cost more in wake-ups than their parse).  Under the mutex. */
static int cut_job(struct pg_pool *p, struct pg_job *j)
{
	size_t bytes = 0;

	memset(j, 0, sizeof(*j));
	while (j->n < JOB_MAX && bytes < JOB_BYTES &&
	       cut_next(p, &j->chunks[j->n])) {
		bytes += j->chunks[j->n].end - j->chunks[j->n].base;
		j->n++;
	}
	return j->n > 0;
}

static void job_parse(struct pg_pool *p, struct pg_job *j)
{
	for (int i = 0; i < j->n; i++)
		strata_pg_chunk_parse(&j->chunks[i],
		                      p->sects[j->chunks[i].sect].text);
	j->done = 1;
}

static void job_dispose(struct pg_job *j)
{
	for (int i = j->taken; i < j->n; i++)
		strata_pg_chunk_dispose(&j->chunks[i]);
	memset(j, 0, sizeof(*j));
}

static void *worker(void *arg)
{
	struct pg_pool *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pg_job j;
		size_t seq;

		while (!p->stop && !p->exhausted &&
		       p->produced - p->consumed >= WINDOW)
			pthread_cond_wait(&p->space, &p->mu);
		if (p->stop || p->exhausted)
			break;
		if (!cut_job(p, &j)) {
			p->exhausted = 1;
			pthread_cond_broadcast(&p->ready);
			break;
		}
		seq = p->produced++;
		pthread_mutex_unlock(&p->mu);
		job_parse(p, &j);
		pthread_mutex_lock(&p->mu);
		p->ring[seq % WINDOW] = j;
		pthread_cond_broadcast(&p->ready);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int strata_pg_pool_new(struct pg_pool **out, const struct lint_section *sects,
                       size_t n)
{
	struct pg_pool *p = calloc(1, sizeof(*p));
	size_t bytes = 0;
	int want;

	*out = NULL;
	if (!p)
		return STRATA_ENOMEM;
	p->sects = sects;
	p->nsects = n;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->ready, NULL);
	pthread_cond_init(&p->space, NULL);
	for (size_t i = 0; i < n; i++)
		bytes += sects[i].end - sects[i].start;
	/* the caller's thread parses too while it waits (next_job) */
	want = bytes < THREAD_BYTES ? 0 : cpus() - 1;
	for (int i = 0; i < want; i++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) ==
		    0)
			p->nthreads++;
	*out = p;
	return 0;
}

/* Makes p->cur the next job; 0 when none is left. */
static int next_job(struct pg_pool *p)
{
	size_t seq;

	job_dispose(&p->cur);
	pthread_mutex_lock(&p->mu);
	if (p->nthreads == 0) {
		/* no workers: cut and parse here */
		int more = cut_job(p, &p->cur);
		pthread_mutex_unlock(&p->mu);
		if (more)
			job_parse(p, &p->cur);
		return more;
	}
	seq = p->consumed;
	while (!(seq < p->produced && p->ring[seq % WINDOW].done) &&
	       !(p->exhausted && seq >= p->produced)) {
		/* rather than wait, parse a job ahead like a worker: one
		 * thread fewer for the same speed */
		struct pg_job j;
		size_t mine;
		if (p->produced - p->consumed < WINDOW && !p->exhausted) {
			if (!cut_job(p, &j)) {
				p->exhausted = 1;
				continue;
			}
			mine = p->produced++;
			pthread_mutex_unlock(&p->mu);
			job_parse(p, &j);
			pthread_mutex_lock(&p->mu);
			p->ring[mine % WINDOW] = j;
			pthread_cond_broadcast(&p->ready);
			continue;
		}
		pthread_cond_wait(&p->ready, &p->mu);
	}
	if (seq >= p->produced) {
		pthread_mutex_unlock(&p->mu);
		return 0;
	}
	p->cur = p->ring[seq % WINDOW];
	memset(&p->ring[seq % WINDOW], 0, sizeof(p->ring[0]));
	p->consumed++;
	pthread_cond_broadcast(&p->space);
	pthread_mutex_unlock(&p->mu);
	return 1;
}

/*
 * The next chunk, in order; the caller owns it (strata_pg_chunk_dispose).
 * 0 when none is left.
 */
int strata_pg_pool_next(struct pg_pool *p, struct pg_chunk *out)
{
	if (p->cur.taken >= p->cur.n && !next_job(p))
		return 0;
	*out = p->cur.chunks[p->cur.taken];
	memset(&p->cur.chunks[p->cur.taken], 0, sizeof(*out));
	p->cur.taken++;
	return 1;
}

void strata_pg_pool_free(struct pg_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->space);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (size_t i = 0; i < WINDOW; i++)
		job_dispose(&p->ring[i]);
	job_dispose(&p->cur);
	pthread_cond_destroy(&p->ready);
	pthread_cond_destroy(&p->space);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
