// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz_common.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void fuzz_printer(struct printer *pr)
{
	static FILE *null;

	/* FUZZ_VERBOSE=1 shows the messages when reproducing a finding. */
	if (!null)
		null = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
	memset(pr, 0, sizeof(*pr));
	pr->level = ML_ALL;
	pr->out = null;
	pr->err = null;
}

static bool write_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return true;
}

int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && !write_all(fd, data, size, 0)) {
		close(fd);
		return -1;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

#define NOTE_ALIGN(n) (((n) + 3) & ~(size_t)3)

static size_t put_note(uint8_t *p, const char *name, uint32_t type,
		       const void *desc, size_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t off = 0;

	memcpy(p, &namesz, 4);
	memcpy(p + 4, &(uint32_t){ (uint32_t)descsz }, 4);
	memcpy(p + 8, &type, 4);
	off = 12;
	memcpy(p + off, name, namesz);
	off += NOTE_ALIGN(namesz);
	if (descsz)
		memcpy(p + off, desc, descsz);
	return off + NOTE_ALIGN(descsz);
}

bool fuzz_build_vmcore(int fd, const char *vmcoreinfo, size_t vi_len,
		       const struct fuzz_load *loads, size_t nr_loads)
{
	return fuzz_build_vmcore_machine(fd, EM_X86_64, vmcoreinfo, vi_len,
					 loads, nr_loads);
}

bool fuzz_build_vmcore_machine(int fd, uint16_t e_machine, const char *vmcoreinfo,
			       size_t vi_len, const struct fuzz_load *loads,
			       size_t nr_loads)
{
	size_t phnum = 1 + nr_loads;
	size_t notes_cap = 2 * 12 + 16 + 336 + NOTE_ALIGN(vi_len) + 16;
	uint8_t *notes = calloc(1, notes_cap);
	uint8_t prstatus[336] = { 0 };
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr *ph = calloc(phnum, sizeof(*ph));
	uint64_t off, notes_off;
	size_t nsz = 0, i;
	bool ok = false;

	if (!notes || !ph)
		goto out;
	nsz += put_note(notes, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	if (vmcoreinfo)
		nsz += put_note(notes + nsz, "VMCOREINFO", 0, vmcoreinfo, vi_len);

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)phnum;

	notes_off = sizeof(eh) + phnum * sizeof(*ph);
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = notes_off;
	ph[0].p_filesz = ph[0].p_memsz = nsz;
	off = (notes_off + nsz + 4095) & ~4095ull;
	for (i = 0; i < nr_loads; i++) {
		Elf64_Phdr *p = &ph[1 + i];

		p->p_type = PT_LOAD;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_offset = off;
		p->p_vaddr = loads[i].vaddr;
		p->p_paddr = loads[i].paddr;
		p->p_filesz = p->p_memsz = loads[i].size;
		p->p_align = 0;
		off += (loads[i].size + 4095) & ~4095ull;
	}
	if (ftruncate(fd, (off_t)off) ||
	    !write_all(fd, &eh, sizeof(eh), 0) ||
	    !write_all(fd, ph, phnum * sizeof(*ph), sizeof(eh)) ||
	    !write_all(fd, notes, nsz, (off_t)notes_off))
		goto out;
	for (i = 0; i < nr_loads; i++)
		if (loads[i].size &&
		    !write_all(fd, loads[i].data, loads[i].size, (off_t)ph[1 + i].p_offset))
			goto out;
	ok = true;
out:
	free(notes);
	free(ph);
	return ok;
}

uint8_t fuzz_u8(struct fuzz_cursor *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

uint16_t fuzz_u16(struct fuzz_cursor *c)
{
	uint16_t lo = fuzz_u8(c);

	return (uint16_t)(lo | fuzz_u8(c) << 8);
}

uint64_t fuzz_u64(struct fuzz_cursor *c)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)fuzz_u8(c) << (8 * i);
	return v;
}

/* ---- the tiny kernel ---- */

#define E_P 0x1ull
#define E_RW 0x2ull
#define E_PSE 0x80ull
#define SME_BIT (1ull << 47)

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void entry(struct fuzz_tiny *t, unsigned int table, unsigned int idx,
		  uint64_t pa, uint64_t bits, unsigned int variant)
{
	uint64_t e = pa | E_P | E_RW | bits;

	if (variant & FT_SME)
		e |= SME_BIT;
	put64(t->ram + table * FT_PAGE + idx * 8, e);
}

static unsigned int idx_of(uint64_t va, unsigned int level)
{
	return (unsigned int)(va >> (12 + 9 * level)) & 511;
}

/* struct page of a 6.1 kernel (SIZE(page)=64). */
static void struct_page(uint8_t *p, uint64_t flags, uint64_t mapping,
			uint32_t mapcount, uint64_t private)
{
	memset(p, 0, 64);
	put64(p + 0, flags);
	put64(p + 8, 0);		/* lru / compound_head */
	put64(p + 24, mapping);
	put64(p + 40, private);
	put32(p + 48, mapcount);
	put32(p + 52, 1);		/* _refcount */
}

void fuzz_info_checksum(uint8_t *sb)
{
	uint32_t lo = 0;
	uint64_t hi = 0, sum;
	size_t i;

	put64(sb + FT_SB_CHECKSUM, 0);
	for (i = 0; i + 4 <= FT_PAGE; i += 4) {
		uint32_t w;

		memcpy(&w, sb + i, 4);
		lo += w;
		hi += lo;
	}
	sum = hi << 32 | lo;
	put64(sb + FT_SB_CHECKSUM, sum);
}

static const char vi_template[] =
	"OSRELEASE=6.1.0-56-amd64\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=%llx\n"
	"OFFSET(uts_namespace.name)=4\n"
	"SYMBOL(swapper_pg_dir)=ffffffff80000000\n"
	"SYMBOL(_stext)=ffffffff80000000\n"
	"%s"
	"SIZE(mem_section)=32\n"
	"OFFSET(mem_section.section_mem_map)=0\n"
	"NUMBER(SECTION_SIZE_BITS)=27\n"
	"NUMBER(MAX_PHYSMEM_BITS)=46\n"
	"SIZE(page)=64\n"
	"SIZE(pglist_data)=174208\n"
	"SIZE(zone)=1536\n"
	"SIZE(free_area)=88\n"
	"SIZE(list_head)=16\n"
	"OFFSET(page.flags)=0\n"
	"OFFSET(page._refcount)=52\n"
	"OFFSET(page.mapping)=24\n"
	"OFFSET(page.lru)=8\n"
	"OFFSET(page._mapcount)=48\n"
	"OFFSET(page.private)=40\n"
	"OFFSET(page.compound_dtor)=16\n"
	"OFFSET(page.compound_order)=17\n"
	"OFFSET(page.compound_head)=8\n"
	"OFFSET(zone.free_area)=256\n"
	"OFFSET(free_area.free_list)=0\n"
	"OFFSET(list_head.next)=0\n"
	"OFFSET(list_head.prev)=8\n"
	"LENGTH(zone.free_area)=11\n"
	"SYMBOL(prb)=%llx\n"
	"SIZE(printk_ringbuffer)=88\n"
	"OFFSET(printk_ringbuffer.desc_ring)=0\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=48\n"
	"OFFSET(printk_ringbuffer.fail)=80\n"
	"SIZE(prb_desc_ring)=48\n"
	"OFFSET(prb_desc_ring.count_bits)=0\n"
	"OFFSET(prb_desc_ring.descs)=8\n"
	"OFFSET(prb_desc_ring.infos)=16\n"
	"OFFSET(prb_desc_ring.head_id)=24\n"
	"OFFSET(prb_desc_ring.tail_id)=32\n"
	"SIZE(prb_desc)=24\n"
	"OFFSET(prb_desc.state_var)=0\n"
	"OFFSET(prb_desc.text_blk_lpos)=8\n"
	"SIZE(prb_data_blk_lpos)=16\n"
	"OFFSET(prb_data_blk_lpos.begin)=0\n"
	"OFFSET(prb_data_blk_lpos.next)=8\n"
	"SIZE(printk_info)=88\n"
	"OFFSET(printk_info.seq)=0\n"
	"OFFSET(printk_info.ts_nsec)=8\n"
	"OFFSET(printk_info.text_len)=16\n"
	"OFFSET(printk_info.caller_id)=20\n"
	"OFFSET(printk_info.dev_info)=24\n"
	"SIZE(dev_printk_info)=64\n"
	"OFFSET(dev_printk_info.subsystem)=0\n"
	"LENGTH(printk_info_subsystem)=16\n"
	"OFFSET(dev_printk_info.device)=16\n"
	"LENGTH(printk_info_device)=48\n"
	"SIZE(prb_data_ring)=32\n"
	"OFFSET(prb_data_ring.size_bits)=0\n"
	"OFFSET(prb_data_ring.data)=8\n"
	"OFFSET(prb_data_ring.head_lpos)=16\n"
	"OFFSET(prb_data_ring.tail_lpos)=24\n"
	"SIZE(atomic_long_t)=8\n"
	"OFFSET(atomic_long_t.counter)=0\n"
	"SIZE(latched_seq)=24\n"
	"OFFSET(latched_seq.val)=8\n"
	"LENGTH(free_area.free_list)=5\n"
	"NUMBER(NR_FREE_PAGES)=0\n"
	"NUMBER(PG_lru)=4\n"
	"NUMBER(PG_private)=13\n"
	"NUMBER(PG_swapcache)=10\n"
	"NUMBER(PG_swapbacked)=19\n"
	"NUMBER(PG_slab)=9\n"
	"NUMBER(PG_hwpoison)=23\n"
	"NUMBER(PG_head_mask)=65536\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(HUGETLB_PAGE_DTOR)=2\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
	"NUMBER(phys_base)=0\n"
	"SYMBOL(init_top_pgt)=ffffffff80000000\n"
	"NUMBER(pgtable_l5_enabled)=0\n"
	"KERNELOFFSET=0\n"
	"NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n"
	"NUMBER(sme_mask)=%llu\n"
	"CRASHTIME=1795598053\n";

void fuzz_tiny_kernel(struct fuzz_tiny *t, unsigned int variant)
{
	char mem[256];
	uint8_t *sb, *sp;
	unsigned int i;
	const char *uts[6] = { "Linux", "tiny", "6.1.0-56-amd64", "#1 SMP", "x86_64", "(none)" };

	memset(t, 0, sizeof(*t));
	/* Direct map: PGD -> PUD -> PMD -> 4 KiB PTEs for the RAM pages. */
	entry(t, FT_PGD, idx_of(FT_PAGE_OFFSET, 3), FT_PUD_DIRECT * FT_PAGE, 0, variant);
	entry(t, FT_PUD_DIRECT, 0, FT_PMD_DIRECT * FT_PAGE, 0, variant);
	entry(t, FT_PMD_DIRECT, 0, FT_PTE_DIRECT * FT_PAGE, 0, variant);
	for (i = 0; i < FT_RAM_PAGES; i++)
		entry(t, FT_PTE_DIRECT, i, (uint64_t)i * FT_PAGE, 0, variant);
	/* The pmem namespace in the direct map (one 2 MiB leaf), if asked. */
	if (variant & FT_BIG_LEAVES)
		entry(t, FT_PMD_DIRECT, idx_of(FT_PMEM_BASE, 1), FT_PMEM_BASE, E_PSE, variant);
	/* Kernel image: 0xffffffff80000000 -> pa 0, sharing the direct PTE table. */
	entry(t, FT_PGD, 511, FT_PUD_KERNEL * FT_PAGE, 0, variant);
	entry(t, FT_PUD_KERNEL, 510, FT_PMD_KERNEL * FT_PAGE, 0, variant);
	entry(t, FT_PMD_KERNEL, 0, FT_PTE_DIRECT * FT_PAGE, 0, variant);
	/* vmemmap: section 0's struct pages in RAM, section 1's on the device. */
	entry(t, FT_PGD, idx_of(FT_VMEMMAP, 3), FT_PUD_VMEMMAP * FT_PAGE, 0, variant);
	entry(t, FT_PUD_VMEMMAP, 0, FT_PMD_VMEMMAP * FT_PAGE, 0, variant);
	entry(t, FT_PMD_VMEMMAP, 0, FT_PTE_VMEMMAP0 * FT_PAGE, 0, variant);
	entry(t, FT_PTE_VMEMMAP0, 0, FT_STRUCT_PAGES * FT_PAGE, 0, variant);
	entry(t, FT_PMD_VMEMMAP, 1, FT_PTE_VMEMMAP1 * FT_PAGE, 0, variant);
	entry(t, FT_PTE_VMEMMAP1, 0, FT_PMEM_BASE + 2 * FT_PAGE, 0, variant);
	entry(t, FT_PTE_VMEMMAP1, 1, FT_PMEM_BASE + 3 * FT_PAGE, 0, variant);
	/*
	 * The filter reads struct pages 512 pfns (8 pages) at a time: map the
	 * rest of each batch to the zero page (in RAM, so not device frames).
	 */
	for (i = 1; i < 8; i++)
		entry(t, FT_PTE_VMEMMAP0, i, (FT_DATA + 7) * FT_PAGE, 0, variant);
	for (i = 2; i < 8; i++)
		entry(t, FT_PTE_VMEMMAP1, i, (FT_DATA + 7) * FT_PAGE, 0, variant);

	/* mem_section: root 0 -> array page; 0: boot RAM, 1: ZONE_DEVICE. */
	if (!(variant & FT_FLAT)) {
		put64(t->ram + FT_MS_ROOTS * FT_PAGE,
		      FT_PAGE_OFFSET + FT_MS_SECTIONS * FT_PAGE);
	}
	put64(t->ram + FT_MS_SECTIONS * FT_PAGE, FT_VMEMMAP | 0xf);
	put64(t->ram + FT_MS_SECTIONS * FT_PAGE + 32, FT_VMEMMAP | 0x3);

	/* Struct pages of RAM: reserved kernel pages, then one of each class. */
	sp = t->ram + FT_STRUCT_PAGES * FT_PAGE;
	for (i = 0; i < FT_RAM_PAGES; i++)
		struct_page(sp + i * 64, 1ull << 10 /* PG_reserved-ish */, 0, 0xffffffffu, 0);
	struct_page(sp + (FT_DATA + 0) * 64, 0, 0, (uint32_t)-129, 1);	/* buddy, order 1 */
	struct_page(sp + (FT_DATA + 2) * 64, (1ull << 4) | (1ull << 19),
		    FT_PAGE_OFFSET + 0x100 + 1, 0xffffffffu, 0);		/* anon */
	struct_page(sp + (FT_DATA + 3) * 64, 1ull << 4, FT_PAGE_OFFSET + 0x200,
		    0xffffffffu, 0);					/* cache */
	struct_page(sp + (FT_DATA + 4) * 64, (1ull << 4) | (1ull << 13),
		    FT_PAGE_OFFSET + 0x200, 0xffffffffu, 0);		/* cache private */
	struct_page(sp + (FT_DATA + 5) * 64, 1ull << 23, 0, 0xffffffffu, 0);	/* hwpoison */
	struct_page(sp + (FT_DATA + 6) * 64, 0, 0, (uint32_t)-257, 0);	/* offline */
	struct_page(sp + (FT_DATA + 7) * 64, 0, 0, 0xffffffffu, 0);	/* zero page */
	/* Data pages (the zero page at FT_DATA + 7 stays zero). */
	for (i = FT_DATA; i < FT_RAM_PAGES; i++)
		if (i != FT_DATA + 7 && i != FT_DATA + 8)
			memset(t->ram + i * FT_PAGE, 'a' + (int)(i % 26), FT_PAGE);
	/* init_uts_ns: kref, then six 65-byte fields. */
	for (i = 0; i < 6; i++)
		memcpy(t->ram + FT_UTS * FT_PAGE + 4 + i * 65, uts[i], strlen(uts[i]));

	/* pmem: reserve, info block, 2 memmap frames, 4 data pages. */
	sb = t->pmem + FT_PAGE;
	if (!(variant & FT_NO_INFO)) {
		memcpy(sb, "NVDIMM_PFN_INFO", 16);
		put32(sb + 52, 1 | 4u << 16);		/* version 1.4 */
		put64(sb + FT_SB_DATAOFF, 4 * FT_PAGE);
		put64(sb + FT_SB_NPFNS, FT_PMEM_PAGES - 4);
		put32(sb + FT_SB_MODE, 2);
		put32(sb + FT_SB_ALIGN, FT_PAGE);
		fuzz_info_checksum(sb);
	}
	sp = t->pmem + 2 * FT_PAGE;
	for (i = 0; i < FT_PMEM_PAGES; i++)
		struct_page(sp + i * 64, 1ull << 10, 0, 0xffffffffu, 0);
	for (i = 4; i < FT_PMEM_PAGES; i++)
		memset(t->pmem + i * FT_PAGE, 'P', FT_PAGE);

	if (variant & FT_LINEAR)
		snprintf(mem, sizeof(mem), "SYMBOL(vmemmap)=%llx\n",
			 (unsigned long long)FT_VMEMMAP);
	else if (variant & FT_FLAT)
		snprintf(mem, sizeof(mem), "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=524288\n",
			 (unsigned long long)(FT_PAGE_OFFSET + FT_MS_SECTIONS * FT_PAGE));
	else
		snprintf(mem, sizeof(mem), "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=4096\n",
			 (unsigned long long)(FT_PAGE_OFFSET + FT_MS_ROOTS * FT_PAGE));
	t->vi_len = (size_t)snprintf(t->vi, sizeof(t->vi), vi_template,
				     (unsigned long long)(FT_KERNEL_MAP + FT_UTS * FT_PAGE),
				     mem,
				     (unsigned long long)(FT_KERNEL_MAP + (FT_DATA + 8) * FT_PAGE),
				     (unsigned long long)(variant & FT_SME ? SME_BIT : 0));
}

bool fuzz_write_tiny(int fd, const char *vi, size_t vi_len,
		     const uint8_t *ram, size_t ram_len,
		     const uint8_t *pmem, size_t pmem_len)
{
	struct fuzz_load l[2];
	size_t n = 0;

	if (ram_len) {
		l[n].paddr = 0;
		l[n].vaddr = FT_PAGE_OFFSET;
		l[n].size = ram_len;
		l[n].data = ram;
		n++;
	}
	if (pmem_len) {
		l[n].paddr = FT_PMEM_BASE;
		l[n].vaddr = FT_PAGE_OFFSET + FT_PMEM_BASE;
		l[n].size = pmem_len;
		l[n].data = pmem;
		n++;
	}
	/* arm64 VMCOREINFO (VA_BITS) makes an arm64 vmcore: the aarch64 model. */
	return fuzz_build_vmcore_machine(fd, memmem(vi, vi_len, "NUMBER(VA_BITS)=", 16) ?
					 EM_AARCH64 : EM_X86_64, vi, vi_len, l, n);
}
