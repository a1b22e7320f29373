// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader/elf_vmcore with dump pages larger than 4 KiB: a truncated PT_LOAD
 * is cut to whole pages of the VMCOREINFO PAGESIZE (16 KiB, 64 KiB), not
 * to 4 KiB, so no page is half data and half invented zeros; page reads
 * return page_size bytes at the right file offset through the mmap window
 * (whose offset follows the host's page size) and through pread.
 */
#include "unit.h"

#include "lib/error.h"
#include "print_info.h"
#include "reader/source.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mdf-elfps-XXXXXX";

static void remove_tmpdir(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static const char *tpath(const char *name)
{
	static char buf[256];
	static bool made;

	if (!made) {
		made = true;
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_tmpdir);
	}
	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

/* Byte @i of the memory image: distinct in every 4 KiB piece of every page. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 12) * 13 + 1);
}

/*
 * An aarch64 ET_CORE with one VMCOREINFO note saying PAGESIZE=@ps and one
 * PT_LOAD of @pages pages at @paddr, the file cut @cut bytes into the
 * segment's data.
 */
static const char *make_core(const char *name, uint32_t ps, uint64_t paddr,
			     uint64_t pages, uint64_t cut)
{
	char desc[64];
	uint32_t dlen = (uint32_t)snprintf(desc, sizeof(desc),
					   "OSRELEASE=6.12.0\nPAGESIZE=%u\n", ps);
	uint32_t dpad = (dlen + 3) & ~3u;
	uint8_t note[12 + 12 + 64];
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[2] = { { 0 } };
	uint64_t data_off = ps, i;
	const char *path = tpath(name);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	uint8_t *buf;

	memset(note, 0, sizeof(note));
	memcpy(note, &(uint32_t){ 11 }, 4);
	memcpy(note + 4, &dlen, 4);
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + 24, desc, dlen);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = 0x200;
	ph[0].p_filesz = ph[0].p_memsz = 24 + dpad;
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = data_off;
	ph[1].p_paddr = paddr;
	ph[1].p_vaddr = 0xffff000000000000ull + paddr;
	ph[1].p_filesz = ph[1].p_memsz = pages * ps;
	CHECK(fd >= 0);
	CHECK(pwrite(fd, &eh, sizeof(eh), 0) == sizeof(eh));
	CHECK(pwrite(fd, ph, sizeof(ph), sizeof(eh)) == sizeof(ph));
	CHECK(pwrite(fd, note, 24 + dpad, 0x200) == (ssize_t)(24 + dpad));
	buf = malloc(cut);
	for (i = 0; i < cut; i++)
		buf[i] = pattern(i);
	CHECK(pwrite(fd, buf, cut, (off_t)data_off) == (ssize_t)cut);
	free(buf);
	CHECK(ftruncate(fd, (off_t)(data_off + cut)) == 0);
	close(fd);
	return path;
}

static void check_cut(uint32_t ps, bool use_mmap)
{
	struct printer pr;
	struct source *src = NULL;
	struct page_reader *r = NULL;
	struct error *err;
	uint64_t paddr = 0x40000000, whole = 3;
	/* The file ends 3 pages and half a page + 100 bytes into the data. */
	const char *path = make_core("cut.core", ps, paddr, 8, whole * ps + ps / 2 + 100);
	uint8_t present[1], readable[1];
	uint8_t *page = malloc(ps);
	uint64_t first = paddr / ps, i;

	printer_init(&pr, 0, false);
	pr.out = pr.err = fopen("/dev/null", "w");
	err = source_open(path, use_mmap, &pr, &src);
	CHECK_MSG(!err, "source_open: %s", err ? err->msg : "");
	if (err) {
		error_free(err);
		goto out;
	}
	CHECK(src->incomplete);
	CHECK_EQ(src->nr_segs, 1);
	CHECK_EQ(src->segs[0].filesz, whole * ps);
	err = source_set_page_size(src, ps);
	CHECK(!err);
	src->ops->fill_bitmaps(src, first, first + 8, present, readable);
	CHECK_EQ(present[0], 0xff);
	CHECK_EQ(readable[0], (1u << whole) - 1);
	err = src->ops->reader_open(src, &r);
	CHECK(!err);
	for (uint64_t p = 0; r && p < whole; p++) {
		err = r->ops->read_into(r, first + p, page);
		CHECK(!err);
		for (i = 0; i < ps; i++)
			if (page[i] != pattern(p * ps + i))
				break;
		CHECK_MSG(i == ps, "page %llu differs at byte %llu",
			  (unsigned long long)p, (unsigned long long)i);
	}
	if (r)
		r->ops->close(r);
out:
	source_close(src);
	fclose(pr.out);
	free(page);
}

TEST(cut_to_16k_pages_mmap)
{
	check_cut(16384, true);
}

TEST(cut_to_64k_pages_mmap)
{
	check_cut(65536, true);
}

TEST(cut_to_64k_pages_pread)
{
	check_cut(65536, false);
}

TEST(cut_to_4k_pages)
{
	check_cut(4096, true);
}

/* A PAGESIZE VMCOREINFO cannot mean is refused by the kernel model, and the
 * reader falls back to 4 KiB cuts rather than trusting it. */
TEST(implausible_pagesize_cuts_at_4k)
{
	struct printer pr;
	struct source *src = NULL;
	struct error *err;
	const char *path = make_core("odd.core", 12288, 0x40000000, 2, 12288 + 5000);

	printer_init(&pr, 0, false);
	pr.out = pr.err = fopen("/dev/null", "w");
	err = source_open(path, true, &pr, &src);
	CHECK(!err);
	if (!err) {
		CHECK_EQ(src->segs[0].filesz, 16384);
		err = source_set_page_size(src, 12288);
		CHECK(err);
		error_free(err);
	}
	source_close(src);
	fclose(pr.out);
}
