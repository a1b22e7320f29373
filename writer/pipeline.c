// SPDX-License-Identifier: GPL-2.0-or-later
#include "pipeline.h"
#include "codec.h"
#include "../lib/error.h"
#include "../lib/sigbus.h"
#include "../lib/util.h"
#include "../reader/source.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Pages per batch: large enough to amortise locking, small for memory. */
#define BATCH_PAGES 64

enum batch_state { B_FREE, B_QUEUED, B_BUSY, B_DONE };

struct batch {
	enum batch_state state;
	unsigned int n;
	uint64_t pfn[BATCH_PAGES];
	const uint8_t *mapped[BATCH_PAGES];	/* zero-copy: the page in place */
	struct page_result res[BATCH_PAGES];
	uint32_t off[BATCH_PAGES];
	uint8_t *data;
	struct error *err;	/* fatal (not a per-page read error) */
};

/* What one thread needs to turn pfns into stored bytes. */
struct worker {
	struct pipeline *p;
	struct codec *codec;
	struct page_reader *reader;
	uint8_t *cbuf;		/* compression output for one page */
	pthread_t thread;
	bool started;
};

struct pipeline {
	struct source *src;
	struct pipeline_options opt;
	size_t page_size;
	size_t bound;
	emit_fn emit;
	void *arg;

	struct batch *ring;
	unsigned int nring;
	uint64_t filled;	/* batches handed to workers */
	uint64_t taken;		/* batches a worker has picked */
	uint64_t emitted;	/* batches consumed */
	struct batch *cur;	/* being filled, not yet queued */

	struct worker *workers;
	unsigned int nworkers;	/* 0: inline */
	struct worker inline_worker;
	/*
	 * Stored bytes are the page itself (no compression) and everything
	 * runs on the caller's thread: pages are emitted from the input's
	 * mapping, with no copy.  A batch never spans two windows.
	 */
	bool zero_copy;

	pthread_mutex_t lock;
	pthread_cond_t work;
	pthread_cond_t done;
	bool stop;
};

static struct error *worker_init(struct worker *w, struct pipeline *p)
{
	struct error *err;

	w->p = p;
	if (!p->opt.raw_only && p->opt.method) {
		err = codec_create(p->opt.method, p->page_size, &w->codec);
		if (err)
			return err;
	}
	err = page_reader_open(p->src, &w->reader);
	if (err)
		return err;
	w->cbuf = malloc(p->bound);
	return w->cbuf ? NULL : ERR_OOM();
}

static void worker_fini(struct worker *w)
{
	codec_destroy(w->codec);
	page_reader_close(w->reader);
	free(w->cbuf);
}

/* Zero check of a page in place, run under the SIGBUS guard. */
struct zero_probe {
	const uint8_t *page;
	size_t len;
	bool zero;
};

static void probe_zero(void *arg)
{
	struct zero_probe *z = arg;

	z->zero = mem_is_zero(z->page, z->len);
}

static void probe_touch(void *arg)
{
	struct zero_probe *z = arg;

	(void)*(volatile const uint8_t *)z->page;
}

static bool patched(const struct pipeline *p, uint64_t pfn)
{
	const struct page_patch *h = p->opt.patch;

	return h && h->touches(h->arg, pfn << p->src->page_shift, p->page_size);
}

static void patch_page(const struct pipeline *p, uint64_t pfn, uint8_t *page)
{
	const struct page_patch *h = p->opt.patch;

	h->apply(h->arg, pfn << p->src->page_shift, page, p->page_size);
}

struct copy_probe {
	const uint8_t *from;
	uint8_t *to;
	size_t len;
};

static void probe_copy(void *arg)
{
	struct copy_probe *c = arg;

	memcpy(c->to, c->from, c->len);
}

/*
 * A page mapped in place: check it, point at it.  Returns true when the
 * page went to @slot instead (the patch hook changes it).
 */
static bool process_mapped(struct pipeline *p, struct page_result *r,
			   const uint8_t *page, uint8_t *slot)
{
	struct zero_probe z = { page, p->page_size, false };
	struct copy_probe c = { page, slot, p->page_size };

	/*
	 * Fault the page in under the guard even without a zero check: the
	 * writer hands the mapping to write(), where a bad sector or a file
	 * cut short gives EFAULT instead of SIGBUS, which would stop the dump
	 * as if the output had failed.
	 */
	if (!guarded_call(p->opt.zero_check ? probe_zero : probe_touch, &z)) {
		r->unreadable = true;
		r->read_err = ERR(ERR_IO, "I/O error reading pfn 0x%llx",
				  (unsigned long long)r->pfn);
		return false;
	}
	if (z.zero) {
		r->zero = true;
		return false;
	}
	r->size = (uint32_t)p->page_size;
	if (!patched(p, r->pfn)) {
		r->data = page;
		return false;
	}
	if (!guarded_call(probe_copy, &c)) {
		r->unreadable = true;
		r->read_err = ERR(ERR_IO, "I/O error reading pfn 0x%llx",
				  (unsigned long long)r->pfn);
		return false;
	}
	patch_page(p, r->pfn, slot);
	return true;
}

static void process(struct worker *w, struct batch *b)
{
	struct pipeline *p = w->p;
	size_t ps = p->page_size;
	uint32_t pos = 0;
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		struct page_result *r = &b->res[i];
		uint8_t *slot = b->data + pos;
		struct error *err;

		memset(r, 0, sizeof(*r));
		r->pfn = b->pfn[i];
		b->off[i] = UINT32_MAX;
		if (p->zero_copy && b->mapped[i]) {
			if (process_mapped(p, r, b->mapped[i], slot)) {
				b->off[i] = pos;
				pos += r->size;
			}
			continue;
		}
		/* The page lands where its stored bytes go: raw pages need no more copies. */
		err = page_reader_read_into(w->reader, r->pfn, slot);
		if (err) {
			r->unreadable = true;
			r->read_err = err;
			continue;
		}
		if (p->opt.zero_check && mem_is_zero(slot, ps)) {
			r->zero = true;
			continue;
		}
		if (patched(p, r->pfn))
			patch_page(p, r->pfn, slot);
		b->off[i] = pos;
		r->size = (uint32_t)ps;
		if (w->codec) {
			size_t len = 0;
			unsigned int f = codec_compress(w->codec, slot, w->cbuf, &len);

			if (f) {
				memcpy(slot, w->cbuf, len);
				r->size = (uint32_t)len;
				r->flags = f;
			}
		}
		pos += r->size;
	}
	for (i = 0; i < b->n; i++)
		if (b->off[i] != UINT32_MAX)
			b->res[i].data = b->data + b->off[i];
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *p = w->p;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct batch *b;

		while (!p->stop && p->taken == p->filled)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop && p->taken == p->filled)
			break;
		b = &p->ring[p->taken % p->nring];
		p->taken++;
		b->state = B_BUSY;
		pthread_mutex_unlock(&p->lock);
		process(w, b);
		pthread_mutex_lock(&p->lock);
		b->state = B_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void release_results(struct batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		error_free(b->res[i].read_err);
		b->res[i].read_err = NULL;
	}
	b->n = 0;
}

static struct error *emit_batch(struct pipeline *p, struct batch *b)
{
	struct error *err = NULL;
	unsigned int i;

	for (i = 0; i < b->n && !err; i++)
		err = p->emit(p->arg, &b->res[i]);
	if (!err && p->opt.batch_end)
		err = p->opt.batch_end(p->arg);
	release_results(b);
	b->state = B_FREE;
	return err;
}

/* Wait for the oldest queued batch and emit it. */
static struct error *emit_oldest(struct pipeline *p)
{
	struct batch *b = &p->ring[p->emitted % p->nring];

	pthread_mutex_lock(&p->lock);
	while (b->state != B_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	p->emitted++;
	return emit_batch(p, b);
}

static struct error *submit(struct pipeline *p)
{
	struct batch *b = p->cur;

	p->cur = NULL;
	if (!b || !b->n)
		return NULL;
	if (!p->nworkers) {
		process(&p->inline_worker, b);
		return emit_batch(p, b);
	}
	pthread_mutex_lock(&p->lock);
	b->state = B_QUEUED;
	p->filled++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct error *pipeline_push(struct pipeline *p, uint64_t pfn)
{
	struct error *err;

	if (!p->cur) {
		if (p->nworkers && p->filled - p->emitted == p->nring) {
			err = emit_oldest(p);
			if (err)
				return err;
		}
		p->cur = &p->ring[p->nworkers ? p->filled % p->nring : 0];
		p->cur->n = 0;
	}
	if (p->zero_copy) {
		struct page_reader *r = p->inline_worker.reader;
		uint64_t pa = pfn << p->src->page_shift;
		const uint8_t *ptr = NULL;
		struct error *e;

		/* Mapping this page must not move the window under the batch. */
		e = page_reader_map(r, pa, p->page_size, p->cur->n == 0, &ptr);
		if (e && p->cur->n) {
			error_free(e);
			err = submit(p);
			if (err)
				return err;
			p->cur = &p->ring[0];
			p->cur->n = 0;
			e = page_reader_map(r, pa, p->page_size, true, &ptr);
		}
		error_free(e);
		p->cur->mapped[p->cur->n] = e ? NULL : ptr;
	}
	p->cur->pfn[p->cur->n++] = pfn;
	if (p->cur->n == BATCH_PAGES)
		return submit(p);
	return NULL;
}

struct error *pipeline_drain(struct pipeline *p)
{
	struct error *err = submit(p);

	while (!err && p->emitted < p->filled)
		err = emit_oldest(p);
	return err;
}

struct error *pipeline_create(struct source *src,
			      const struct pipeline_options *opt,
			      emit_fn emit, void *arg, struct pipeline **out)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct error *err = NULL;
	unsigned int i;

	if (!p)
		return ERR_OOM();
	p->src = src;
	p->opt = *opt;
	p->page_size = src->page_size;
	p->bound = MAX(codec_bound(p->page_size), p->page_size);
	p->emit = emit;
	p->arg = arg;
	p->nworkers = opt->threads;
	p->nring = p->nworkers ? 2 * p->nworkers + 2 : 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->ring = calloc(p->nring, sizeof(*p->ring));
	if (!p->ring) {
		err = ERR_OOM();
		goto fail;
	}
	for (i = 0; i < p->nring; i++) {
		/* Stored bytes never exceed a page each: raw is the fallback. */
		p->ring[i].data = malloc(BATCH_PAGES * p->page_size);
		if (!p->ring[i].data) {
			err = ERR_OOM();
			goto fail;
		}
	}
	if (!p->nworkers) {
		err = worker_init(&p->inline_worker, p);
		if (err)
			goto fail;
		p->zero_copy = !p->inline_worker.codec && src->ops->reader_open &&
			       p->inline_worker.reader->ops->map;
	} else {
		p->workers = calloc(p->nworkers, sizeof(*p->workers));
		if (!p->workers) {
			err = ERR_OOM();
			goto fail;
		}
		for (i = 0; i < p->nworkers; i++) {
			err = worker_init(&p->workers[i], p);
			if (err)
				goto fail;
			if (pthread_create(&p->workers[i].thread, NULL, worker_main,
					   &p->workers[i])) {
				err = ERR(ERR_NOMEM, "Can't create a worker thread");
				goto fail;
			}
			p->workers[i].started = true;
		}
	}
	*out = p;
	return NULL;
fail:
	pipeline_destroy(p);
	return err;
}

void pipeline_destroy(struct pipeline *p)
{
	unsigned int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; p->workers && i < p->nworkers; i++) {
		if (p->workers[i].started)
			pthread_join(p->workers[i].thread, NULL);
		worker_fini(&p->workers[i]);
	}
	free(p->workers);
	worker_fini(&p->inline_worker);
	for (i = 0; p->ring && i < p->nring; i++) {
		release_results(&p->ring[i]);
		free(p->ring[i].data);
	}
	free(p->ring);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
