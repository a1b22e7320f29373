// SPDX-License-Identifier: GPL-2.0-or-later
#include "mem_usage.h"
#include "filter.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/notes.h"
#include "../reader/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define SYS_VMCOREINFO "/sys/kernel/vmcoreinfo"
/* The kernel's vmcoreinfo note buffer is one page or a little more. */
#define MAX_VMCOREINFO_NOTE (64u << 10)
#define MAX_CRASH_RANGES 64

bool mem_usage_is_live(const struct source *src)
{
	struct statfs st;

	return fstatfs(src->fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

struct error *mem_usage_live_vmcoreinfo(struct source *src,
					struct vmcoreinfo **out)
{
	unsigned long long addr, len;
	const char *text;
	struct note n;
	size_t tlen, pos = 0;
	uint8_t *buf;
	bool bad = false;
	struct error *err;
	FILE *f;

	text = source_vmcoreinfo(src, &tlen);
	if (text)
		return vmcoreinfo_parse(text, tlen, out);
	/* Before 4.19 kcore has no VMCOREINFO note: sysfs says where it is. */
	f = fopen(SYS_VMCOREINFO, "r");
	if (!f)
		return ERR_ERRNO(ERR_IO, errno, "%s has no VMCOREINFO note and %s can't be read: %s",
				 src->path, SYS_VMCOREINFO, strerror(errno));
	if (fscanf(f, "%llx %llx", &addr, &len) != 2 || !len ||
	    len > MAX_VMCOREINFO_NOTE) {
		fclose(f);
		return ERR(ERR_FORMAT, "Cannot parse %s", SYS_VMCOREINFO);
	}
	fclose(f);
	buf = malloc(len);
	if (!buf)
		return ERR_OOM();
	err = source_read_phys(src, addr, buf, len);
	if (err) {
		free(buf);
		return error_wrap(err, "Can't read the VMCOREINFO note at 0x%llx", addr);
	}
	err = ERR(ERR_FORMAT, "No VMCOREINFO note at the address %s gives", SYS_VMCOREINFO);
	while (note_next(buf, len, &pos, &n, &bad)) {
		if (note_name_is(&n, "VMCOREINFO")) {
			error_free(err);
			err = vmcoreinfo_parse((const char *)n.desc, n.descsz, out);
			break;
		}
	}
	free(buf);
	return err;
}

struct error *mem_usage_crashkernel(const char *iomem, uint32_t page_size,
				    uint64_t (**ranges)[2], size_t *nr)
{
	static const char name[] = "Crash kernel";
	uint64_t (*r)[2];
	char line[256];
	FILE *f;

	*ranges = NULL;
	*nr = 0;
	f = fopen(iomem, "r");
	if (!f)
		return ERR_ERRNO(ERR_IO, errno, "Cannot open %s: %s", iomem, strerror(errno));
	r = calloc(MAX_CRASH_RANGES, sizeof(*r));
	if (!r) {
		fclose(f);
		return ERR_OOM();
	}
	while (fgets(line, sizeof(line), f) && *nr < MAX_CRASH_RANGES) {
		unsigned long long start, end;
		int used = 0;

		if (sscanf(line, "%llx-%llx : %n", &start, &end, &used) != 2 || !used)
			continue;
		if (strncmp(line + used, name, sizeof(name) - 1) ||
		    (line[used + sizeof(name) - 1] != '\n' && line[used + sizeof(name) - 1]))
			continue;
		if (end < start)
			continue;
		/* Whole pages only: partial ones still hold other data. */
		r[*nr][0] = DIV_ROUND_UP(start, page_size);
		r[*nr][1] = (end + 1) / page_size;
		if (r[*nr][1] > r[*nr][0])
			(*nr)++;
	}
	fclose(f);
	*ranges = r;
	return NULL;
}

/* ---- the masked view ---- */

struct masked {
	struct source base;
	struct source *inner;
	uint64_t (*r)[2];
	size_t nr;
};

static struct masked *to_masked(struct source *s)
{
	return (struct masked *)s;
}

static void m_destroy(struct source *s)
{
	struct masked *m = to_masked(s);

	/* The fd is the inner source's and is closed once, by source_close(). */
	m->inner->ops->destroy(m->inner);
	free(m->r);
	free(m);
}

static struct error *m_read_phys(struct source *s, uint64_t paddr, void *buf,
				 size_t len)
{
	return source_read_phys(to_masked(s)->inner, paddr, buf, len);
}

static void m_fill_bitmaps(struct source *s, uint64_t start, uint64_t end,
			   uint8_t *present, uint8_t *readable)
{
	struct masked *m = to_masked(s);
	size_t i;

	source_fill_bitmaps(m->inner, start, end, present, readable);
	for (i = 0; i < m->nr; i++) {
		uint64_t b = MAX(m->r[i][0], start), e = MIN(m->r[i][1], end);

		if (b >= e)
			continue;
		if (present)
			bm_clear_range(present, b - start, e - start);
		if (readable)
			bm_clear_range(readable, b - start, e - start);
	}
}

static uint64_t m_original_pages(struct source *s, uint64_t max_mapnr)
{
	struct masked *m = to_masked(s);
	uint64_t n = m->inner->ops->original_pages(m->inner, max_mapnr);
	unsigned int sh = s->page_shift;
	size_t i, j;

	/* Each segment loses what it shares with a range, as makedumpfile cuts them. */
	for (i = 0; i < s->nr_segs; i++) {
		const struct source_segment *g = &s->segs[i];
		uint64_t b = g->paddr >> sh;
		uint64_t e = MIN((g->paddr + g->memsz) >> sh, max_mapnr);

		for (j = 0; j < m->nr; j++) {
			uint64_t ob = MAX(b, m->r[j][0]), oe = MIN(e, m->r[j][1]);

			if (ob < oe)
				n -= MIN(n, oe - ob);
		}
	}
	return n;
}

static struct error *m_reader_open(struct source *s, struct page_reader **out)
{
	return page_reader_open(to_masked(s)->inner, out);
}

static const struct source_ops masked_ops = {
	.destroy = m_destroy,
	.read_phys = m_read_phys,
	.fill_bitmaps = m_fill_bitmaps,
	.original_pages = m_original_pages,
	.reader_open = m_reader_open,
};

struct error *mem_usage_mask(struct source *inner, uint64_t (*ranges)[2],
			     size_t nr, struct source **out)
{
	struct masked *m = calloc(1, sizeof(*m));

	if (!m)
		return ERR_OOM();
	m->base = *inner;
	m->base.ops = &masked_ops;
	m->inner = inner;
	m->r = ranges;
	m->nr = nr;
	*out = &m->base;
	return NULL;
}

/* ---- counting and the table ---- */

struct error *mem_usage_scan(struct filter *f, uint64_t max_mapnr,
			     uint64_t window_pfns, struct printer *pr,
			     struct dump_stats *st)
{
	struct filter_bitmaps bm;
	struct error *err;
	uint64_t start;

	err = filter_bitmaps_init(&bm, window_pfns, max_mapnr);
	if (err)
		return err;
	progress_begin(pr);
	filter_rewind(f);
	for (start = 0; start < max_mapnr && !err; start += bm.win) {
		uint64_t end = MIN(start + bm.win, max_mapnr);

		progress_update(pr, "Excluding unnecessary pages", start, max_mapnr, false);
		err = filter_window(f, start, end, bm.bm1, bm.bm2, st);
	}
	progress_done(pr, "Excluding unnecessary pages");
	filter_bitmaps_fini(&bm);
	return err;
}

uint64_t mem_usage_kern_data(const struct dump_stats *st)
{
	uint64_t out = stats_excluded(st) + st->dbv_pages;

	return st->original > out ? st->original - out : 0;
}

void mem_usage_print(struct printer *pr, const struct dump_stats *st,
		     uint32_t page_size)
{
	msg_common(pr, "\n");
	msg_common(pr, "TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n");
	msg_common(pr, "----------------------------------------------------------------------\n");
	msg_common(pr, "ZERO\t\t%-16llu\tyes\t\tPages filled with zero\n",
		   (unsigned long long)st->zero);
	msg_common(pr, "NON_PRI_CACHE\t%-16llu\tyes\t\tCache pages without private flag\n",
		   (unsigned long long)st->cache);
	msg_common(pr, "PRI_CACHE\t%-16llu\tyes\t\tCache pages with private flag\n",
		   (unsigned long long)st->cache_private);
	msg_common(pr, "USER\t\t%-16llu\tyes\t\tUser process pages\n",
		   (unsigned long long)st->user);
	msg_common(pr, "FREE\t\t%-16llu\tyes\t\tFree pages\n",
		   (unsigned long long)st->free);
	/* Our rows: only when there is something to show. */
	if (st->pmem_data)
		msg_common(pr, "PMEM_DATA\t%-16llu\tyes\t\tPmem data pages (ZONE_DEVICE, excluded with user data)\n",
			   (unsigned long long)st->pmem_data);
	msg_common(pr, "KERN_DATA\t%-16llu\tno\t\tDumpable kernel data \n",
		   (unsigned long long)mem_usage_kern_data(st));
	if (st->dbv_segments)
		msg_common(pr, "DEVICE_VMEMMAP\t%-16llu\tno\t\tDevice-backed vmemmap (%u segment%s, always kept)\n",
			   (unsigned long long)st->dbv_pages, st->dbv_segments,
			   st->dbv_segments == 1 ? "" : "s");
	msg_common(pr, "\n");
	msg_common(pr, "page size:\t\t%-16lu\n", (unsigned long)page_size);
	msg_common(pr, "Total pages on system:\t%-16llu\n",
		   (unsigned long long)st->original);
	msg_common(pr, "Total size on system:\t%-16llu Byte\n",
		   (unsigned long long)st->original * page_size);
}
