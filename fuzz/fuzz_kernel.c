// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel model end to end: kernel_open (VMCOREINFO, arch, utsname,
 * sparsemem), struct page lookups, device-vmemmap detection, the filter
 * at dump level 31 over the first pfns, and the kernel log.  Input:
 *
 *   u16 vi_len, u32 ram_len, VMCOREINFO text, RAM image (PT_LOAD at 0),
 *   then the rest: a pmem image (PT_LOAD at 128 MiB) if non-empty.
 *
 * Seeds are tiny kernels (fuzz_tiny_kernel) whose page tables, mem_section
 * and struct pages are consistent.  A VMCOREINFO with NUMBER(VA_BITS) makes
 * an arm64 vmcore (EM_AARCH64): the aarch64 model's init on hostile text.
 */
#include "fuzz_common.h"
#include "../arch/arch.h"
#include "../filter/devmap.h"
#include "../filter/filter.h"
#include "../kernel/dmesg.h"
#include "../kernel/kernel.h"
#include "../kernel/sparsemem.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../reader/source.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_IMAGE (64u * 4096)
#define FILTER_PFNS (1u << 16)
#define FILTER_WINDOW 4096u

static struct error *discard(void *arg, const void *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return NULL;
}

static void run_filter(struct kernel *k, const struct dbv_set *dbv, bool zero_in_bitmap)
{
	struct filter_options fo = { .dump_level = 31, .zero_in_bitmap = zero_in_bitmap };
	uint8_t bm1[FILTER_WINDOW / 8 + 8], bm2[FILTER_WINDOW / 8 + 8];
	struct dump_stats st = { 0 };
	struct filter *f;
	uint64_t start, max = k->max_mapnr < FILTER_PFNS ? k->max_mapnr : FILTER_PFNS;

	struct error *err = filter_create(k, dbv, &fo, &f);

	if (err) {
		error_free(err);
		return;
	}
	for (start = 0; start < max; start += FILTER_WINDOW) {
		uint64_t end = max - start > FILTER_WINDOW ? start + FILTER_WINDOW : max;
		err = filter_window(f, start, end, bm1, bm2, &st);
		if (err) {
			error_free(err);
			break;
		}
	}
	filter_destroy(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_cursor c = { data, size };
	struct printer pr;
	struct source *src = NULL;
	struct vmcoreinfo *vi = NULL;
	struct kernel *k = NULL;
	struct dbv_set *dbv = NULL;
	struct dbv_options dopt = { .enabled = true };
	struct dmesg_info di;
	const char *text;
	const uint8_t *ram, *pmem;
	size_t vi_len, ram_len, pmem_len;
	char path[64];
	struct error *err;
	uint64_t pfn;
	int fd;

	vi_len = fuzz_u16(&c);
	ram_len = fuzz_u16(&c);
	ram_len |= (size_t)fuzz_u16(&c) << 16;
	if (vi_len > c.left)
		return 0;
	text = (const char *)c.p;
	c.p += vi_len;
	c.left -= vi_len;
	if (ram_len > c.left || ram_len > MAX_IMAGE || c.left - ram_len > MAX_IMAGE)
		return 0;
	ram = c.p;
	pmem = c.p + ram_len;
	pmem_len = c.left - ram_len;

	fuzz_printer(&pr);
	fd = memfd_create("fuzz-kernel", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!fuzz_write_tiny(fd, text, vi_len, ram, ram_len, pmem, pmem_len))
		goto out;
	err = source_open(path, true, &pr, &src);
	if (!err) {
		size_t len;
		const char *t = source_vmcoreinfo(src, &len);

		err = t ? vmcoreinfo_parse(t, len, &vi) : NULL;
	}
	if (!err && vi)
		err = kernel_open(src, vi, &pr, 0, &k);
	if (err || !k) {
		error_free(err);
		goto out;
	}
	for (pfn = 0; pfn < 64; pfn++)
		(void)sparsemem_page_addr(k, pfn);
	for (pfn = FT_PMEM_BASE / FT_PAGE; pfn < FT_PMEM_BASE / FT_PAGE + 16; pfn++)
		(void)sparsemem_page_addr(k, pfn);
	if (k->mm)
		for (size_t i = 0; i < k->mm->nr && i < 4; i++)
			(void)sparsemem_page_addr(k, k->mm->sec[i].nr << k->mm->section_shift);
	err = dbv_detect(k, &dopt, &dbv);
	if (!err) {
		dbv_print(dbv, k);
		(void)dbv_present_pages(dbv);
		for (pfn = FT_PMEM_BASE / FT_PAGE; pfn < FT_PMEM_BASE / FT_PAGE + 16; pfn++) {
			(void)dbv_is_meta(dbv, pfn);
			(void)dbv_is_data(dbv, pfn);
			(void)dbv_first_after(dbv, pfn);
		}
	}
	error_free(err);
	run_filter(k, dbv, false);
	run_filter(k, dbv, true);
	error_free(dmesg_dump(k, false, discard, NULL, &di));
	error_free(dmesg_dump(k, true, discard, NULL, &di));
out:
	dbv_free(dbv);
	kernel_close(k);
	vmcoreinfo_free(vi);
	source_close(src);
	close(fd);
	return 0;
}
