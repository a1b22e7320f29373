// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter/devmap: the nvdimm Fletcher-64 (DEVICE_VMEMMAP.md §2.1) on known
 * vectors and on the real NVDIMM_PFN_INFO block of the carved fixture
 * (4096 bytes at physical 0x10001000, read through the fixture's own
 * PT_LOAD table), and the interval queries the filter uses on a segment set.
 */
#include "unit.h"

#include "filter/devmap.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define CARVED "pmem-fsdax-devmap-6.1-kdump-kexec_file-carved"
#define INFO_PA 0x10001000ull
#define STORED_CHECKSUM 0x4195d0dfdb0c4d35ull

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

TEST(fletcher64_small_vectors)
{
	uint8_t b[16] = { 0 };

	CHECK_EQ(nd_fletcher64(b, 16), 0);
	put32(b, 1);
	put32(b + 4, 2);
	put32(b + 8, 3);
	/* lo = 1+2+3 = 6, hi = 1 + 3 + 6 + 6 = 16 (4th word 0 adds lo again) */
	CHECK_EQ(nd_fletcher64(b, 12), (10ull << 32) | 6);
	CHECK_EQ(nd_fletcher64(b, 16), (16ull << 32) | 6);
	/* lo wraps at 32 bits, hi keeps counting (and is shifted out at the top) */
	put32(b, 0xffffffffu);
	put32(b + 4, 0xffffffffu);
	CHECK_EQ(nd_fletcher64(b, 8), (0x1fffffffdull << 32) | 0xfffffffeull);
	/* words are little endian */
	memset(b, 0, sizeof(b));
	b[0] = 0x01;
	b[3] = 0x80;
	CHECK_EQ(nd_fletcher64(b, 4), (0x80000001ull << 32) | 0x80000001ull);
}

/* The decompressed fixture: the cache file, decompressing it if needed. */
static bool fixture_path(char *out, size_t size, char *why, size_t why_size)
{
	const char *fx = getenv("MDF_FIXTURES");
	const char *cache = getenv("MDF_FIXTURE_CACHE");
	const char *home = getenv("HOME");
	char fxdir[1024], cdir[1024], zst[2048], cmd[16384];
	struct stat st;

	if (fx && *fx)
		snprintf(fxdir, sizeof(fxdir), "%s", fx);
	else
		snprintf(fxdir, sizeof(fxdir), "../shared/fixtures");	/* run from the repo */
	if (cache && *cache)
		snprintf(cdir, sizeof(cdir), "%s", cache);
	else
		snprintf(cdir, sizeof(cdir), "%s/.cache/mdf-fixtures", home ? home : "/root");
	if (stat(fxdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, why_size, "fixture folder %s is absent (set MDF_FIXTURES)", fxdir);
		return false;
	}
	snprintf(zst, sizeof(zst), "%s/%s.vmcore.zst", fxdir, CARVED);
	if (stat(zst, &st) != 0) {
		snprintf(why, why_size, "fixture %s is absent (set MDF_FIXTURES)", zst);
		return false;
	}
	snprintf(out, size, "%s/%s.vmcore", cdir, CARVED);
	if (stat(out, &st) == 0 && st.st_size > 0)
		return true;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s' && zstd -q -d --long=31 -f '%s' -o '%s.part.%d' && mv '%s.part.%d' '%s'",
		 cdir, zst, out, (int)getpid(), out, (int)getpid(), out);
	if (system(cmd) != 0) {
		snprintf(why, why_size, "could not decompress %s with zstd", zst);
		return false;
	}
	return true;
}

/* Read @len bytes of physical memory at @pa through the ELF PT_LOADs. */
static bool read_phys(int fd, uint64_t pa, void *buf, size_t len)
{
	Elf64_Ehdr eh;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return false;
		if (ph.p_type != PT_LOAD || pa < ph.p_paddr || pa + len > ph.p_paddr + ph.p_filesz)
			continue;
		return pread(fd, buf, len, (off_t)(ph.p_offset + (pa - ph.p_paddr))) == (ssize_t)len;
	}
	return false;
}

TEST(fletcher64_of_real_info_block)
{
	char path[2048], why[4096];
	uint8_t sb[4096];
	uint64_t stored, want;
	int fd;

	if (!fixture_path(path, sizeof(path), why, sizeof(why)))
		SKIP("%s", why);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_MSG(read_phys(fd, INFO_PA, sb, sizeof(sb)),
		  "no PT_LOAD of %s holds physical 0x%llx", path, INFO_PA);
	close(fd);
	CHECK(!memcmp(sb, "NVDIMM_PFN_INFO\0", 16));
	memcpy(&stored, sb + 4088, 8);
	CHECK_EQ(stored, STORED_CHECKSUM);
	/* the checksum is computed with its own field taken as zero */
	CHECK(nd_fletcher64(sb, sizeof(sb)) != stored);
	memset(sb + 4088, 0, 8);
	want = nd_fletcher64(sb, sizeof(sb));
	CHECK_EQ(want, stored);
	/* any change of the block changes it */
	sb[56] ^= 1;	/* dataoff */
	CHECK(nd_fletcher64(sb, sizeof(sb)) != stored);
}

TEST(segment_interval_queries)
{
	struct dbv_segment seg[2];
	struct dbv_set set = { seg, 2 };

	memset(seg, 0, sizeof(seg));
	seg[0].start_pfn = 0x10000;
	seg[0].end_pfn = 0x10600;
	seg[0].data_start_pfn = 0x10600;
	seg[0].data_end_pfn = 0x20000;
	seg[0].present_pages = 1536;
	seg[1].start_pfn = 0x40000;
	seg[1].end_pfn = 0x40200;
	seg[1].data_start_pfn = seg[1].data_end_pfn = 0x40200;
	seg[1].present_pages = 100;

	CHECK(!dbv_is_meta(&set, 0xffff));
	CHECK(dbv_is_meta(&set, 0x10000));
	CHECK(dbv_is_meta(&set, 0x105ff));
	CHECK(!dbv_is_meta(&set, 0x10600));
	CHECK(dbv_is_data(&set, 0x10600));
	CHECK(dbv_is_data(&set, 0x1ffff));
	CHECK(!dbv_is_data(&set, 0x20000));
	CHECK(!dbv_is_data(&set, 0x105ff));
	CHECK(dbv_is_meta(&set, 0x401ff));
	CHECK(!dbv_is_data(&set, 0x40200));
	CHECK_EQ(dbv_present_pages(&set), 1636);
	CHECK(dbv_first_after(&set, 0) == &seg[0]);
	CHECK(dbv_first_after(&set, 0x1ffff) == &seg[0]);
	CHECK(dbv_first_after(&set, 0x20000) == &seg[1]);
	CHECK(dbv_first_after(&set, 0x40200) == NULL);
	CHECK_EQ(dbv_present_pages(NULL), 0);
	CHECK(!dbv_is_meta(NULL, 0x10000));
}
