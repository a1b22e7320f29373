// SPDX-License-Identifier: GPL-2.0-or-later
#include "split.h"
#include "writer.h"
#include "output.h"
#include "../filter/filter.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <stdlib.h>
#include <string.h>

/* Range choice, fed one finished block at a time. */
struct planner {
	struct split_range *r;
	unsigned int n, cur;	/* file being filled */
	int64_t need, quota;
	uint64_t max_mapnr, block_pfns;
	uint64_t blocks_done;
};

/* Close file @cur at the current block boundary and open the next. */
static void next_file(struct planner *p)
{
	uint64_t end = MIN(p->blocks_done * p->block_pfns, p->max_mapnr);

	/* A file starting at the end of memory holds nothing. */
	if (p->r[p->cur].start >= p->max_mapnr)
		end = p->max_mapnr;
	p->r[p->cur].end = end;
	p->cur++;
	p->r[p->cur].start = end;
	p->need = p->quota;
}

static void settle(struct planner *p)
{
	/* A quota of zero is met before taking any block. */
	while (p->cur + 1 < p->n &&
	       (p->need <= 0 || p->r[p->cur].start >= p->max_mapnr))
		next_file(p);
}

static void feed_block(struct planner *p, uint64_t count)
{
	settle(p);
	p->blocks_done++;
	if (p->cur + 1 < p->n) {
		p->need -= (int64_t)count;
		settle(p);
	}
}

static struct error *sweep(struct filter *f, uint64_t max_mapnr,
			   const struct filter_bitmaps *bm, struct printer *pr,
			   struct planner *p, uint64_t *total)
{
	uint64_t start, in_block = 0, count = 0;
	struct error *err;

	filter_rewind(f);
	for (start = 0; start < max_mapnr; start += bm->win) {
		uint64_t end = MIN(start + bm->win, max_mapnr), pos;

		progress_update(pr, "Excluding unnecessary pages", start, max_mapnr, false);
		err = filter_window(f, start, end, bm->bm1, bm->bm2, NULL);
		if (err)
			return err;
		if (total) {
			*total += bm_count(bm->bm2, 0, end - start);
			continue;
		}
		for (pos = start; pos < end;) {
			uint64_t take = MIN(p->block_pfns - in_block, end - pos);

			count += bm_count(bm->bm2, pos - start, pos - start + take);
			in_block += take;
			pos += take;
			if (in_block == p->block_pfns) {
				feed_block(p, count);
				in_block = count = 0;
			}
		}
	}
	/*
	 * A last partial block is never credited, as in makedumpfile's table:
	 * it goes to whichever file is still open.
	 */
	if (p && in_block)
		feed_block(p, 0);
	return NULL;
}

struct error *split_plan(struct filter *f, uint64_t max_mapnr,
			 uint64_t window_pfns, uint64_t block_pfns,
			 unsigned int n, struct printer *pr,
			 struct split_range *out)
{
	struct planner p = {
		.r = out, .n = n, .max_mapnr = max_mapnr,
		.block_pfns = MAX(block_pfns, 1),
	};
	struct filter_bitmaps bm;
	uint64_t total = 0;
	struct error *err;

	if (n < 2)
		return ERR(ERR_USAGE, "--split needs at least two dump files");
	err = filter_bitmaps_init(&bm, window_pfns, max_mapnr);
	if (err)
		return err;
	err = sweep(f, max_mapnr, &bm, pr, NULL, &total);
	if (!err) {
		memset(out, 0, n * sizeof(*out));
		p.quota = p.need = (int64_t)(total / n);
		err = sweep(f, max_mapnr, &bm, pr, &p, NULL);
	}
	progress_done(pr, "Excluding unnecessary pages");
	if (!err) {
		while (p.cur + 1 < n)
			next_file(&p);
		out[n - 1].end = max_mapnr;
	}
	filter_bitmaps_fini(&bm);
	return err;
}

struct error *split_write(const struct write_params *wp,
			  struct output *const *outs,
			  const struct split_range *r, unsigned int n,
			  bool *incomplete)
{
	const struct dump_stats base = *wp->stats;
	struct dump_stats whole = base;
	uint64_t zero = 0, dumped = 0;
	struct error *first = NULL;
	unsigned int i;

	*incomplete = false;
	for (i = 0; i < n; i++) {
		struct write_params one = *wp;
		struct dump_stats st = base;
		struct error *err;
		bool cut = false;

		one.out = outs[i];
		one.split = true;
		one.split_start = r[i].start;
		one.split_end = r[i].end;
		one.stats = &st;
		msg_debug(wp->pr, "Writing %s: pfns 0x%llx-0x%llx\n", outs[i]->name,
			  (unsigned long long)r[i].start, (unsigned long long)r[i].end);
		err = kdump_write(&one, &cut);
		if (!err)
			err = output_finish(outs[i]);
		*incomplete |= cut;
		/* Every file counts the exclusions of the whole dump; zero pages its own. */
		if (i == 0)
			whole = st;
		zero += st.zero - base.zero;
		dumped += st.num_dumped;
		if (!err)
			continue;
		if (!first) {
			first = err;
		} else {
			msg_error(wp->pr, "%s\n", err->msg);
			error_free(err);
		}
		/*
		 * Out of space: the other files still get their chance, as
		 * makedumpfile's parallel children do.  Anything else stops.
		 */
		if (first->code != ERR_NOSPC && first->code != ERR_IO)
			break;
	}
	whole.zero = base.zero + zero;
	whole.num_dumped = dumped;
	*wp->stats = whole;
	return first;
}
