// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device-vmemmap detector (filter/devmap.c) on fuzzed info blocks:
 * a tiny kernel whose pmem namespace's info block, section flags, vmemmap
 * PTEs and hand-named ranges come from the input.  Input:
 *
 *   u8  flags     bit 0: fix the info block's checksum (else as given);
 *                 bit 1: no pmem PT_LOAD; bit 2: pmem mapped by a 2 MiB
 *                 leaf; bit 3: the walk finds no frames (PTEs cleared)
 *   u8  sec1      low bits of section 1's section_mem_map
 *   u64 pte[2]    the vmemmap PTEs of section 1 (0: keep the template's)
 *   u8  nr_manual (mod 4), then u64 pairs: hand-named ranges (as the
 *       command line accepts them: END > START)
 *   ...           the info block (up to 4096 bytes over the template's)
 */
#include "fuzz_common.h"
#include "../filter/devmap.h"
#include "../kernel/kernel.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../reader/source.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_tiny t;
	struct fuzz_cursor c = { data, size };
	struct printer pr;
	struct source *src = NULL;
	struct vmcoreinfo *vi = NULL;
	struct kernel *k = NULL;
	struct dbv_set *dbv = NULL;
	uint64_t manual[4][2], pte[2], pfn;
	struct dbv_options dopt = { .enabled = true, .manual = (const uint64_t (*)[2])manual };
	uint8_t flags, sec1, *sb, *ms;
	char path[64];
	struct error *err;
	unsigned int i;
	int fd;

	flags = fuzz_u8(&c);
	sec1 = fuzz_u8(&c);
	pte[0] = fuzz_u64(&c);
	pte[1] = fuzz_u64(&c);
	dopt.nr_manual = fuzz_u8(&c) % 4;
	for (i = 0; i < dopt.nr_manual; i++) {
		manual[i][0] = fuzz_u64(&c);
		manual[i][1] = fuzz_u64(&c);
		/* --device-vmemmap accepts START-END with END > START only. */
		if (manual[i][1] <= manual[i][0])
			return 0;
	}
	fuzz_tiny_kernel(&t, flags & 4 ? FT_BIG_LEAVES : 0);
	sb = t.pmem + FT_PAGE;
	memcpy(sb, c.p, c.left < FT_PAGE ? c.left : FT_PAGE);
	if (flags & 1)
		fuzz_info_checksum(sb);
	ms = t.ram + FT_MS_SECTIONS * FT_PAGE + 32;
	ms[0] = (uint8_t)((ms[0] & ~0x3f) | (sec1 & 0x3f));
	for (i = 0; i < 2; i++) {
		uint8_t *e = t.ram + FT_PTE_VMEMMAP1 * FT_PAGE + i * 8;

		if (flags & 8)
			memset(e, 0, 8);
		else if (pte[i])
			memcpy(e, &pte[i], 8);
	}

	fuzz_printer(&pr);
	fd = memfd_create("fuzz-devmap", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!fuzz_write_tiny(fd, t.vi, t.vi_len, t.ram, sizeof(t.ram),
			     t.pmem, flags & 2 ? 0 : sizeof(t.pmem)))
		goto out;
	err = source_open(path, true, &pr, &src);
	if (!err)
		err = vmcoreinfo_parse(t.vi, t.vi_len, &vi);
	if (!err)
		err = kernel_open(src, vi, &pr, 0, &k);
	if (!err)
		err = dbv_detect(k, &dopt, &dbv);
	if (err) {
		error_free(err);
		goto out;
	}
	dbv_print(dbv, k);
	(void)dbv_present_pages(dbv);
	for (i = 0; i < dbv->nr; i++) {
		const struct dbv_segment *s = &dbv->seg[i];

		/* Segments come sorted and disjoint. */
		if (s->start_pfn > s->end_pfn || s->data_start_pfn > s->data_end_pfn)
			__builtin_trap();
		if (i && s->start_pfn < dbv->seg[i - 1].end_pfn)
			__builtin_trap();
	}
	for (pfn = FT_PMEM_BASE / FT_PAGE - 2; pfn < FT_PMEM_BASE / FT_PAGE + 16; pfn++) {
		(void)dbv_is_meta(dbv, pfn);
		(void)dbv_is_data(dbv, pfn);
		(void)dbv_first_after(dbv, pfn);
	}
out:
	dbv_free(dbv);
	kernel_close(k);
	vmcoreinfo_free(vi);
	source_close(src);
	close(fd);
	return 0;
}
