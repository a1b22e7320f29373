/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the libFuzzer targets: inputs handed to the tool as
 * files (memfd), a printer that formats every message into /dev/null
 * (so format bugs in messages are exercised too), and a builder of tiny
 * ELF64 x86_64 vmcores around a fuzzed memory image.
 */
#ifndef MDF_FUZZ_COMMON_H
#define MDF_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/mman.h>

#include "../print_info.h"

/* Every message class on, written to /dev/null (stderr if $FUZZ_VERBOSE). */
void fuzz_printer(struct printer *pr);

/*
 * A memfd holding @data; *@path is "/proc/self/fd/N" for source_open().
 * Returns the fd (close it when done) or -1.
 */
int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t path_size);

/* One PT_LOAD of a built vmcore. */
struct fuzz_load {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t size;		/* file and memory size */
	const uint8_t *data;	/* @size bytes */
};

/*
 * Write an ELF64 ET_CORE EM_X86_64 file to @fd: one PT_NOTE holding a
 * CORE/NT_PRSTATUS note and a VMCOREINFO note with @vmcoreinfo (@vi_len
 * bytes; none when @vmcoreinfo is NULL), then the PT_LOADs, their data
 * page aligned.  Returns false if writing failed.
 */
bool fuzz_build_vmcore(int fd, const char *vmcoreinfo, size_t vi_len,
		       const struct fuzz_load *loads, size_t nr_loads);
/* The same for another architecture (ELF @e_machine). */
bool fuzz_build_vmcore_machine(int fd, uint16_t e_machine, const char *vmcoreinfo,
			       size_t vi_len, const struct fuzz_load *loads,
			       size_t nr_loads);

/* Little-endian reads from a fuzz input, zero past its end. */
struct fuzz_cursor {
	const uint8_t *p;
	size_t left;
};

uint8_t fuzz_u8(struct fuzz_cursor *c);
uint16_t fuzz_u16(struct fuzz_cursor *c);
uint64_t fuzz_u64(struct fuzz_cursor *c);

#endif

/*
 * A tiny but consistent x86_64 kernel (6.1 VMCOREINFO key set) for seeds
 * and for targets that fuzz one part of it:
 *   RAM  [0, FT_RAM_PAGES pages): 4-level page tables (direct map at
 *        FT_PAGE_OFFSET with 4 KiB leaves, kernel image at
 *        0xffffffff80000000 -> pa 0, vmemmap at FT_VMEMMAP), struct pages,
 *        SPARSEMEM_EXTREME mem_section, init_uts_ns, data pages;
 *   pmem [FT_PMEM_BASE, +FT_PMEM_PAGES pages): an fsdax namespace with
 *        map=dev: reserve page, NVDIMM_PFN_INFO block, two vmemmap frames
 *        holding the struct pages of section 1, then data pages.
 */
#define FT_PAGE 4096u
#define FT_RAM_PAGES 24u
#define FT_PMEM_PAGES 8u
#define FT_PMEM_BASE 0x8000000ull	/* section 1 with SECTION_SIZE_BITS 27 */
#define FT_PAGE_OFFSET 0xffff888000000000ull
#define FT_KERNEL_MAP 0xffffffff80000000ull
#define FT_VMEMMAP 0xffffea0000000000ull

/* Page numbers inside the RAM image. */
enum {
	FT_PGD, FT_PUD_DIRECT, FT_PMD_DIRECT, FT_PTE_DIRECT,
	FT_PUD_KERNEL, FT_PMD_KERNEL, FT_PUD_VMEMMAP, FT_PMD_VMEMMAP,
	FT_PTE_VMEMMAP0, FT_STRUCT_PAGES, FT_MS_ROOTS, FT_MS_SECTIONS,
	FT_UTS, FT_PTE_VMEMMAP1, FT_DATA,
};

/* Variants. */
enum {
	FT_SME = 1u << 0,		/* C-bit 47 in every entry, NUMBER(sme_mask) */
	FT_FLAT = 1u << 1,		/* SPARSEMEM without LENGTH(mem_section) */
	FT_LINEAR = 1u << 2,		/* no mem_section: SYMBOL(vmemmap) only */
	FT_NO_INFO = 1u << 3,		/* no info block in the namespace */
	FT_BIG_LEAVES = 1u << 4,	/* direct map of pmem through a 2 MiB leaf */
};

struct fuzz_tiny {
	char vi[8192];
	size_t vi_len;
	uint8_t ram[FT_RAM_PAGES * FT_PAGE];
	uint8_t pmem[FT_PMEM_PAGES * FT_PAGE];
};

void fuzz_tiny_kernel(struct fuzz_tiny *t, unsigned int variant);

/* Offsets of the info block fields (struct nd_pfn_sb). */
#define FT_SB_DATAOFF 56
#define FT_SB_NPFNS 64
#define FT_SB_MODE 72
#define FT_SB_START_PAD 76
#define FT_SB_END_TRUNC 80
#define FT_SB_ALIGN 84
#define FT_SB_CHECKSUM 4088

/* Recompute the Fletcher-64 checksum of a 4 KiB info block. */
void fuzz_info_checksum(uint8_t *sb);

/*
 * The two PT_LOADs of a tiny kernel (RAM, pmem), either may be empty;
 * EM_AARCH64 when @vi has NUMBER(VA_BITS), else EM_X86_64.
 */
bool fuzz_write_tiny(int fd, const char *vi, size_t vi_len,
		     const uint8_t *ram, size_t ram_len,
		     const uint8_t *pmem, size_t pmem_len);

struct source;

/*
 * What the tool does with an opened input, bounded: bitmaps of a few
 * windows, the page count, every page of the first pfns and of each
 * segment's edges through a page reader, physical reads across segment
 * boundaries, VMCOREINFO parsing.
 */
void fuzz_exercise_source(struct source *src);
