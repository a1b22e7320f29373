// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel.h"
#include "sparsemem.h"
#include "../arch/arch.h"
#include "../arch/pgtable.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct error *kernel_vtop(struct kernel *k, uint64_t va, uint64_t *pa,
			  uint64_t *leaf)
{
	if (k->arch->canonical_va)
		va = k->arch->canonical_va(k, va);
	return pgtable_vtop(k->pt, va, pa, leaf);
}

struct error *kernel_walk(struct kernel *k, uint64_t start, uint64_t end,
			  int (*fn)(void *arg, uint64_t va, uint64_t pa,
				    uint64_t size),
			  void *arg)
{
	return pgtable_walk(k->pt, start, end, fn, arg);
}

void kernel_print_vtop(struct kernel *k, uint64_t va)
{
	if (k->arch->canonical_va)
		va = k->arch->canonical_va(k, va);
	pgtable_print_vtop(k->pt, k->pr, va);
}

uint64_t kernel_direct_map_offset(struct kernel *k)
{
	return k->arch->direct_map_offset ? k->arch->direct_map_offset(k) : 0;
}

struct error *kernel_read(struct kernel *k, uint64_t va, void *buf, size_t len)
{
	return kernel_read_via(k, NULL, va, buf, len);
}

struct error *kernel_read_via(struct kernel *k, struct page_reader *r,
			      uint64_t va, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		uint64_t pa, leaf, n;
		struct error *err = kernel_vtop(k, va, &pa, &leaf);

		if (err)
			return err;
		n = MIN((uint64_t)len, leaf - (va & (leaf - 1)));
		err = r ? page_reader_copy(r, pa, out, n)
			: source_read_phys(k->src, pa, out, n);
		if (err)
			return err;
		out += n;
		va += n;
		len -= n;
	}
	return NULL;
}

struct error *kernel_map_via(struct kernel *k, struct page_reader *r,
			     uint64_t va, size_t len, const uint8_t **ptr)
{
	uint64_t pa, leaf;
	struct error *err = kernel_vtop(k, va, &pa, &leaf);

	if (err)
		return err;
	if (len > leaf - (va & (leaf - 1)))
		return ERR(ERR_UNSUPPORTED, "range crosses a mapping boundary");
	return page_reader_map(r, pa, len, true, ptr);
}

struct error *kernel_read_u64(struct kernel *k, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	struct error *err = kernel_read(k, va, b, sizeof(b));

	if (!err)
		*v = load_le64(b);
	return err;
}

/* "6.1.0-56-amd64" -> KERNEL_VERSION(6, 1, 0); 0 when unparsable. */
static uint32_t parse_release(const char *rel)
{
	unsigned int a = 0, b = 0, c = 0;

	if (sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	if (b > 255)
		b = 255;
	if (c > 255)
		c = 255;
	return KERNEL_VERSION(a, b, c);
}

static void fill_uts_field(uint8_t *f, const char *s)
{
	size_t l = strnlen(s, UTS_FIELD_LEN - 1);

	memset(f, 0, UTS_FIELD_LEN);
	memcpy(f, s, l);
}

/* struct new_utsname from init_uts_ns, as makedumpfile stores it in the header. */
static void read_utsname(struct kernel *k)
{
	uint64_t sym, off = 4;	/* uts_namespace starts with a kref (int) */
	struct error *err;

	if (k->src->format == SOURCE_KDUMP && k->src->kdump) {
		memcpy(k->utsname, k->src->kdump->utsname, UTSNAME_SIZE);
		if (k->utsname[2 * UTS_FIELD_LEN])
			return;
	}
	if (vi_symbol(k->vi, "init_uts_ns", &sym)) {
		vi_offset(k->vi, "uts_namespace.name", &off);
		err = kernel_read(k, sym + off, k->utsname, UTSNAME_SIZE);
		if (!err) {
			size_t i;

			/* Keep each field NUL-terminated whatever memory held. */
			for (i = 0; i < 6; i++)
				k->utsname[i * UTS_FIELD_LEN + UTS_FIELD_LEN - 1] = 0;
			return;
		}
		msg_common(k->pr, "WARNING: can't read init_uts_ns (%s); "
			   "the header's utsname comes from VMCOREINFO.\n", err->msg);
		error_free(err);
	}
	fill_uts_field(k->utsname, "Linux");
	fill_uts_field(k->utsname + UTS_FIELD_LEN, "");
	fill_uts_field(k->utsname + 2 * UTS_FIELD_LEN, k->release);
	fill_uts_field(k->utsname + 3 * UTS_FIELD_LEN, "");
	fill_uts_field(k->utsname + 4 * UTS_FIELD_LEN, k->arch->uts_machine);
	fill_uts_field(k->utsname + 5 * UTS_FIELD_LEN, "");
}

unsigned int kernel_phys_bits(const struct kernel *k)
{
	int64_t n;

	/* Below the page shift, shifts by (bits - page_shift) would be UB. */
	if (vi_number(k->vi, "MAX_PHYSMEM_BITS", &n) && n > (int64_t)k->page_shift && n <= 52)
		return (unsigned int)n;
	return k->arch->max_physmem_bits(k);
}

unsigned int kernel_section_bits(const struct kernel *k)
{
	int64_t n;

	/* Out-of-range values are refused by sparsemem with their number. */
	if (vi_number(k->vi, "SECTION_SIZE_BITS", &n))
		return n < 0 || n > 63 ? 64 : (unsigned int)n;
	return k->arch->section_size_bits(k);
}

/*
 * Memory above what the kernel can address (MAX_PHYSMEM_BITS, or the
 * paging mode's default) is no RAM of it.  Sparsemem clips max_mapnr to
 * the last section anyway; without it, a stray PT_LOAD at 2^51 would make
 * bitmaps of 2^39 pfns (128 GiB of sparse file, minutes of work).
 */
static uint64_t clip_phys(struct kernel *k, uint64_t max_mapnr)
{
	unsigned int bits = kernel_phys_bits(k);
	uint64_t lim = 1ull << (bits - k->page_shift);

	if (max_mapnr <= lim)
		return max_mapnr;
	msg_common(k->pr, "WARNING: %s holds memory above the kernel's %u-bit physical "
		   "address space (up to 0x%llx); that part is left out.\n", k->src->path,
		   bits, (unsigned long long)k->src->max_paddr);
	return lim;
}

/* ---- the input, as arch code sees it ---- */

static struct error *input_read_phys(void *ctx, uint64_t pa, void *buf,
				     size_t len)
{
	return source_read_phys(ctx, pa, buf, len);
}

static bool input_phys_base(void *ctx, uint64_t *v)
{
	const struct source *src = ctx;

	if (src->format != SOURCE_KDUMP || !src->kdump)
		return false;
	*v = src->kdump->phys_base;
	return true;
}

static bool input_segment(void *ctx, size_t i, uint64_t *vaddr,
			  uint64_t *paddr, uint64_t *size)
{
	const struct source *src = ctx;

	if (i >= src->nr_segs)
		return false;
	*vaddr = src->segs[i].vaddr;
	*paddr = src->segs[i].paddr;
	*size = src->segs[i].memsz;
	return true;
}

/* utsname.machine of a kdump-compressed header, NUL-terminated in @buf. */
static void header_machine(const struct source *src, char buf[UTS_FIELD_LEN])
{
	buf[0] = 0;
	if (src->kdump) {
		memcpy(buf, src->kdump->utsname + 4 * UTS_FIELD_LEN, UTS_FIELD_LEN - 1);
		buf[UTS_FIELD_LEN - 1] = 0;
	}
}

/* The dump's architecture: ELF e_machine, or the kdump header's machine. */
static const struct arch_ops *pick_arch(struct source *src)
{
	char machine[UTS_FIELD_LEN];

	if (src->format == SOURCE_ELF)
		return arch_by_machine(src->e_machine);
	header_machine(src, machine);
	return arch_by_uts(machine);
}

struct error *kernel_open(struct source *src, const struct vmcoreinfo *vi,
			  struct printer *pr, uint64_t max_mapnr,
			  struct kernel **out)
{
	struct kernel *k;
	struct error *err;
	uint64_t v;

	if (!vi)
		return ERR(ERR_FORMAT,
			   "%s has no VMCOREINFO; give one with -i VMCOREINFO", src->path);
	k = calloc(1, sizeof(*k));
	if (!k)
		return ERR_OOM();
	k->src = src;
	k->pr = pr;
	k->vi = vi;
	k->in.ctx = src;
	k->in.read_phys = input_read_phys;
	k->in.phys_base = input_phys_base;
	k->in.segment = input_segment;
	if (!vi_decimal(vi, "PAGESIZE", &v) || v > UINT32_MAX) {
		err = ERR(ERR_FORMAT, "VMCOREINFO lacks PAGESIZE");
		goto fail;
	}
	err = source_set_page_size(src, (uint32_t)v);
	if (err)
		goto fail;
	k->page_size = src->page_size;
	k->page_shift = src->page_shift;
	if (!vi_string(vi, "OSRELEASE", k->release, sizeof(k->release))) {
		err = ERR(ERR_FORMAT, "VMCOREINFO lacks OSRELEASE");
		goto fail;
	}
	k->version = parse_release(k->release);
	if (!k->version)
		msg_common(pr, "WARNING: can't parse the kernel release \"%s\"; "
			   "assuming a current kernel.\n", k->release);
	if (!vi_size(vi, "page", &k->struct_page_size) ||
	    k->struct_page_size < 32 || k->struct_page_size > 1024) {
		err = ERR(ERR_FORMAT, "VMCOREINFO lacks a plausible SIZE(page)");
		goto fail;
	}
	vi_decimal(vi, "CRASHTIME", &k->crashtime);
	k->arch = pick_arch(src);
	if (!k->arch) {
		char machine[UTS_FIELD_LEN];

		header_machine(src, machine);
		err = src->format == SOURCE_ELF ?
		      ERR(ERR_UNSUPPORTED, "%s: ELF machine %u is not a supported "
			  "architecture", src->path, src->e_machine) :
		      ERR(ERR_UNSUPPORTED, "%s: machine \"%s\" is not a supported "
			  "architecture", src->path, machine);
		goto fail;
	}
	err = k->arch->init(k);
	if (err)
		goto fail;
	read_utsname(k);
	if (!max_mapnr)
		max_mapnr = src->kdump ? src->kdump->max_mapnr :
			    clip_phys(k, DIV_ROUND_UP(src->max_paddr, (uint64_t)k->page_size));
	k->max_mapnr = max_mapnr;
	err = sparsemem_init(k, &k->max_mapnr, &k->mm);
	if (err && err->code != ERR_NOMEM) {
		/*
		 * A damaged or cut dump may lose the mem_section table.  Saving
		 * everything unfiltered beats saving nothing: say so and go on.
		 */
		msg_common(pr, "WARNING: can't find the struct pages (%s); "
			   "no page is excluded by its class.\n", err->msg);
		error_free(err);
		err = NULL;
		k->mm = NULL;
	}
	if (err)
		goto fail;
	msg_debug(pr, "max_mapnr    : %llx\n", (unsigned long long)k->max_mapnr);
	*out = k;
	return NULL;
fail:
	kernel_close(k);
	return err;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	sparsemem_free(k->mm);
	if (k->arch && k->arch->cleanup)
		k->arch->cleanup(k);
	free(k);
}
