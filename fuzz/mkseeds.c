// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the generated seed corpora: mkseeds DIR creates DIR/<target>/...
 * for the targets whose inputs are built around a tiny kernel
 * (fuzz_tiny_kernel).  kdump seeds are made by fuzz.mk from DIR/elf with
 * the tool itself.
 */
#include "fuzz_common.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;

static void put(const char *target, const char *name, const void *a, size_t alen,
		const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen || (blen && fwrite(b, 1, blen, f) != blen) ||
	    fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* The bytes of a tiny vmcore file. */
static uint8_t *tiny_file(const struct fuzz_tiny *t, size_t ram, size_t pmem, size_t *len)
{
	int fd = memfd_create("seed", 0);
	uint8_t *buf;
	off_t end;

	if (fd < 0 || !fuzz_write_tiny(fd, t->vi, t->vi_len, t->ram, ram, t->pmem, pmem))
		exit(1);
	end = lseek(fd, 0, SEEK_END);
	buf = malloc((size_t)end);
	if (!buf || pread(fd, buf, (size_t)end, 0) != end)
		exit(1);
	close(fd);
	*len = (size_t)end;
	return buf;
}

static void kernel_seed(const char *name, const struct fuzz_tiny *t, size_t ram, size_t pmem)
{
	uint8_t *buf = malloc(8 + t->vi_len + ram + pmem);
	size_t n = 0;

	buf[n++] = (uint8_t)t->vi_len;
	buf[n++] = (uint8_t)(t->vi_len >> 8);
	buf[n++] = (uint8_t)ram;
	buf[n++] = (uint8_t)(ram >> 8);
	buf[n++] = (uint8_t)(ram >> 16);
	buf[n++] = (uint8_t)(ram >> 24);
	memcpy(buf + n, t->vi, t->vi_len);
	n += t->vi_len;
	memcpy(buf + n, t->ram, ram);
	n += ram;
	memcpy(buf + n, t->pmem, pmem);
	n += pmem;
	put("kernel", name, buf, n, NULL, 0);
	free(buf);
}

static void pgtable_seed(const char *name, const struct fuzz_tiny *t, uint8_t flags)
{
	uint8_t hdr[1 + 32];
	uint64_t va[4] = {
		FT_PAGE_OFFSET + FT_DATA * FT_PAGE + 0x123,
		FT_KERNEL_MAP + FT_UTS * FT_PAGE,
		FT_VMEMMAP + 0x200000,
		FT_PAGE_OFFSET + FT_PMEM_BASE,
	};

	hdr[0] = flags;
	memcpy(hdr + 1, va, sizeof(va));
	put("pgtable", name, hdr, sizeof(hdr), t->ram, sizeof(t->ram));
}

/*
 * aarch64 page tables for fuzz_pgtable's arm64 modes: the top table at
 * physical 0, the linear map (PHYS_OFFSET 0) of the image with pages, and
 * and one level-1 block (2M/32M/512M) at the start of the upper quarter.
 */
struct a64_seed {
	uint8_t *img;
	size_t size;
	unsigned int shift, levels, va_bits;
	bool lpa2;
	uint64_t next;
};

static unsigned int a64_idx(const struct a64_seed *a, uint64_t va, unsigned int l)
{
	unsigned int sh = a->shift + (a->shift - 3) * l;
	unsigned int bits = l == a->levels - 1 ? a->va_bits - sh : a->shift - 3;

	return (unsigned int)(va >> sh) & ((1u << bits) - 1);
}

static uint64_t a64_get(const struct a64_seed *a, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, a->img + pa, 8);
	return v;
}

static void a64_put(struct a64_seed *a, uint64_t pa, uint64_t v)
{
	memcpy(a->img + pa, &v, 8);
}

static bool a64_seed_map(struct a64_seed *a, uint64_t va, uint64_t pa, unsigned int level)
{
	uint64_t table = 0, mask = ((1ull << 48) - 1) & ~((1ull << a->shift) - 1);
	uint64_t attrs = (1ull << 10) | (a->lpa2 ? 0 : 3ull << 8);
	int l;

	for (l = (int)a->levels - 1; l > (int)level; l--) {
		uint64_t slot = table + 8 * a64_idx(a, va, (unsigned int)l);

		if (!a64_get(a, slot)) {
			if (a->next + (1ull << a->shift) > a->size)
				return false;
			a64_put(a, slot, a->next | 3);
			a->next += 1ull << a->shift;
		}
		table = a64_get(a, slot) & mask;
	}
	a64_put(a, table + 8 * a64_idx(a, va, level), pa | attrs | (level ? 1 : 3));
	return true;
}

/* The same tables as a whole arm64 kernel for fuzz_kernel (linear vmemmap). */
static void a64_kernel_seed(const struct a64_seed *a, unsigned int mode)
{
	char vi[512], name[32];
	int len = snprintf(vi, sizeof(vi),
			   "OSRELEASE=6.12.0\nPAGESIZE=%u\nSIZE(page)=64\n"
			   "NUMBER(VA_BITS)=%u\nNUMBER(TCR_EL1_T1SZ)=0x%x\n"
			   "NUMBER(PHYS_OFFSET)=0\nNUMBER(kimage_voffset)=0x%llx\n"
			   "NUMBER(KERNELPACMASK)=0x0\nSYMBOL(swapper_pg_dir)=%llx\n"
			   "SYMBOL(init_uts_ns)=%llx\nSYMBOL(vmemmap)=%llx\n",
			   1u << a->shift, a->va_bits, 64 - a->va_bits,
			   (unsigned long long)(~0ull << (a->va_bits - 1)),
			   (unsigned long long)(~0ull << (a->va_bits - 1)),
			   (unsigned long long)((~0ull << a->va_bits) + 0x2000),
			   (unsigned long long)((~0ull << a->va_bits) + 0x10000));
	uint8_t *buf = malloc(8 + (size_t)len + a->size);
	size_t n = 0;

	if (!buf)
		return;
	buf[n++] = (uint8_t)len;
	buf[n++] = (uint8_t)(len >> 8);
	buf[n++] = (uint8_t)a->size;
	buf[n++] = (uint8_t)(a->size >> 8);
	buf[n++] = (uint8_t)(a->size >> 16);
	buf[n++] = (uint8_t)(a->size >> 24);
	memcpy(buf + n, vi, (size_t)len);
	n += (size_t)len;
	memcpy(buf + n, a->img, a->size);
	n += a->size;
	snprintf(name, sizeof(name), "arm64-mode%u.kernel", mode);
	put("kernel", name, buf, n, NULL, 0);
	free(buf);
}

static void a64_pgtable_seeds(void)
{
	static const struct { unsigned int shift, va_bits; bool lpa2; } modes[8] = {
		{ 12, 48, false }, { 12, 39, false }, { 12, 52, true }, { 12, 48, false },
		{ 14, 47, false }, { 14, 52, true }, { 16, 42, false }, { 16, 52, false },
	};
	unsigned int m;

	for (m = 0; m < 8; m++) {
		struct a64_seed a = { 0 };
		uint8_t hdr[1 + 32];
		uint64_t po, va[4], p;
		char name[32];

		a.size = 64 * 4096;
		a.img = calloc(1, a.size);
		if (!a.img)
			return;
		a.shift = modes[m].shift;
		a.va_bits = modes[m].va_bits;
		a.lpa2 = modes[m].lpa2;
		a.levels = (a.va_bits - a.shift + a.shift - 4) / (a.shift - 3);
		a.next = 1ull << a.shift;
		po = ~0ull << a.va_bits;
		for (p = 0; p < a.size; p += 1ull << a.shift)
			if (!a64_seed_map(&a, po + p, p, 0))
				break;
		/* The upper quarter: a level-1 block (2M/32M/512M) at pa 0. */
		a64_seed_map(&a, ~0ull << (a.va_bits - 1), 0, 1);
		va[0] = po + 0x123;
		va[1] = po + a.size;
		va[2] = (~0ull << (a.va_bits - 1)) + 0x4567;
		va[3] = po + (1ull << a.shift) + 8;
		hdr[0] = (uint8_t)(8 | m);
		memcpy(hdr + 1, va, sizeof(va));
		snprintf(name, sizeof(name), "arm64-mode%u", m);
		put("pgtable", name, hdr, sizeof(hdr), a.img, a.size);
		if (m == 0 || m == 2 || m == 7)
			a64_kernel_seed(&a, m);
		free(a.img);
	}
}

static void devmap_seed(const char *name, const struct fuzz_tiny *t, uint8_t flags,
			uint8_t sec1, const uint64_t *manual, unsigned int nr)
{
	uint8_t hdr[2 + 16 + 1 + 4 * 16] = { 0 };
	size_t n = 0;

	hdr[n++] = flags;
	hdr[n++] = sec1;
	n += 16;		/* PTEs: the template's */
	hdr[n++] = (uint8_t)nr;
	if (nr)
		memcpy(hdr + n, manual, nr * 16);
	n += nr * 16;
	/* The info block up to the checksum: the rest of the page is zero. */
	put("devmap", name, hdr, n, t->pmem + FT_PAGE, 128);
}

static void notes_seed(const char *name, const uint8_t *file)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff);

	put("notes", name, file + ph[0].p_offset, ph[0].p_filesz, NULL, 0);
}

int main(int argc, char **argv)
{
	static struct fuzz_tiny t;
	static const struct {
		const char *name;
		unsigned int variant;
	} v[] = {
		{ "tiny", 0 }, { "sme", FT_SME }, { "flat", FT_FLAT },
		{ "linear", FT_LINEAR }, { "noinfo", FT_NO_INFO },
		{ "bigleaves", FT_BIG_LEAVES },
	};
	uint64_t manual[2][2] = {
		{ FT_PMEM_BASE, FT_PMEM_BASE + 4 * FT_PAGE },
		{ FT_PMEM_BASE + 0x100000, FT_PMEM_BASE + 0x200000 },
	};
	size_t i, len;
	char name[64];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t *file;

		fuzz_tiny_kernel(&t, v[i].variant);
		file = tiny_file(&t, sizeof(t.ram), sizeof(t.pmem), &len);
		snprintf(name, sizeof(name), "%s.vmcore", v[i].name);
		put("elf", name, file, len, NULL, 0);
		snprintf(name, sizeof(name), "%s.notes", v[i].name);
		notes_seed(name, file);
		free(file);
		snprintf(name, sizeof(name), "%s.kernel", v[i].name);
		kernel_seed(name, &t, sizeof(t.ram), sizeof(t.pmem));
		snprintf(name, sizeof(name), "%s.txt", v[i].name);
		put("vmcoreinfo", name, t.vi, t.vi_len, NULL, 0);
	}
	/* Small ELF files: RAM only, and one page of it. */
	fuzz_tiny_kernel(&t, 0);
	{
		uint8_t *file = tiny_file(&t, sizeof(t.ram), 0, &len);

		put("elf", "ramonly.vmcore", file, len, NULL, 0);
		free(file);
		file = tiny_file(&t, FT_PAGE, 0, &len);
		put("elf", "onepage.vmcore", file, len, NULL, 0);
		free(file);
		file = tiny_file(&t, FT_PAGE + 100, FT_PAGE - 8, &len);
		put("elf", "partial.vmcore", file, len, NULL, 0);
		free(file);
	}
	kernel_seed("ramonly.kernel", &t, sizeof(t.ram), 0);
	pgtable_seed("tiny", &t, 0);
	fuzz_tiny_kernel(&t, FT_SME);
	pgtable_seed("sme47", &t, 1 << 1);
	fuzz_tiny_kernel(&t, FT_BIG_LEAVES);
	pgtable_seed("bigleaves", &t, 0);
	a64_pgtable_seeds();

	fuzz_tiny_kernel(&t, 0);
	devmap_seed("checksummed", &t, 1, 3, NULL, 0);
	devmap_seed("bigleaves", &t, 1 | 4, 3, NULL, 0);
	devmap_seed("online", &t, 1, 0xf, NULL, 0);
	devmap_seed("noframes", &t, 1 | 8, 3, NULL, 0);
	devmap_seed("manual", &t, 1 | 8, 3, &manual[0][0], 2);
	return 0;
}
