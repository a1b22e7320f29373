// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader/notes: ELF note iteration on well-formed segments (4-byte padding
 * of names and descriptors, trailing zero padding), names stored without
 * their NUL, and malformed segments, where iteration must stop at the
 * damage, flag it, and still return what precedes it.
 */
#include "unit.h"

#include "reader/notes.h"

struct buf {
	uint8_t b[8192];
	size_t len;
};

static void put32(struct buf *nb, uint32_t v)
{
	memcpy(nb->b + nb->len, &v, 4);
	nb->len += 4;
}

/* Append a note; @namesz is what the header says (may omit the NUL). */
static void add_note(struct buf *nb, const char *name, uint32_t namesz,
		     uint32_t type, const void *desc, uint32_t descsz)
{
	put32(nb, namesz);
	put32(nb, descsz);
	put32(nb, type);
	memset(nb->b + nb->len, 0, (namesz + 3) & ~3u);
	memcpy(nb->b + nb->len, name, namesz < strlen(name) ? namesz : strlen(name));
	nb->len += (namesz + 3) & ~3u;
	memset(nb->b + nb->len, 0, (descsz + 3) & ~3u);
	if (desc)
		memcpy(nb->b + nb->len, desc, descsz);
	nb->len += (descsz + 3) & ~3u;
}

static const char vmcoreinfo[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";

TEST(well_formed_segment)
{
	struct buf nb = { .len = 0 };
	uint8_t prstatus[336] = { 1 };
	struct note n;
	size_t pos = 0;
	bool bad = true;
	int count = 0;

	add_note(&nb, "CORE", 5, 1, prstatus, sizeof(prstatus));
	add_note(&nb, "CORE", 5, 1, prstatus, sizeof(prstatus));
	add_note(&nb, "VMCOREINFO", 11, 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	/* /proc/vmcore pads the merged segment with zeros. */
	memset(nb.b + nb.len, 0, 64);
	nb.len += 64;

	while (note_next(nb.b, nb.len, &pos, &n, &bad)) {
		count++;
		if (count <= 2) {
			CHECK(note_name_is(&n, "CORE"));
			CHECK_EQ(n.type, 1);
			CHECK_EQ(n.descsz, sizeof(prstatus));
			/* 12-byte header + "CORE\0" padded to 8 */
			CHECK_EQ(n.desc_off, (count - 1) * (12 + 8 + 336) + 20);
		} else {
			CHECK(note_name_is(&n, "VMCOREINFO"));
			CHECK(!note_name_is(&n, "VMCOREINF"));
			CHECK(!note_name_is(&n, "CORE"));
			CHECK_EQ(n.descsz, sizeof(vmcoreinfo) - 1);
			CHECK(!memcmp(n.desc, vmcoreinfo, n.descsz));
		}
	}
	CHECK_EQ(count, 3);
	CHECK(!bad);

	struct note_summary s;

	notes_summarize(nb.b, nb.len, &s);
	CHECK_EQ(s.nr_prstatus, 2);
	CHECK(s.has_vmcoreinfo);
	CHECK_EQ(s.vmcoreinfo_off, 2 * (12 + 8 + 336) + 12 + 12);
	CHECK_EQ(s.vmcoreinfo_size, sizeof(vmcoreinfo) - 1);
	CHECK(!s.has_eraseinfo);
	CHECK(!s.is_xen);
	CHECK(!s.malformed);
}

TEST(descriptor_padding_to_four)
{
	struct buf nb = { .len = 0 };
	struct note n;
	size_t pos = 0;
	bool bad;

	/* descsz 5 -> padded to 8; the next note must be found at 12+8+8 */
	add_note(&nb, "CORE", 5, 2, "abcde", 5);
	add_note(&nb, "QEMU", 5, 0, "xyz", 3);
	CHECK(note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK_EQ(pos, 28);
	CHECK(note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK(note_name_is(&n, "QEMU"));
	CHECK_EQ(n.descsz, 3);
	CHECK(!note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK(!bad);
}

TEST(name_without_nul)
{
	struct buf nb = { .len = 0 };
	struct note_summary s;

	/* Some producers omit the terminating NUL: namesz 10 for VMCOREINFO. */
	add_note(&nb, "VMCOREINFO", 10, 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	notes_summarize(nb.b, nb.len, &s);
	CHECK(s.has_vmcoreinfo);
	CHECK_EQ(s.vmcoreinfo_off, 12 + 12);
	CHECK_EQ(s.vmcoreinfo_size, sizeof(vmcoreinfo) - 1);
}

TEST(prstatus_counts_only_core_type_1)
{
	struct buf nb = { .len = 0 };
	struct note_summary s;
	uint8_t d[16] = { 0 };

	add_note(&nb, "CORE", 5, 1, d, sizeof(d));
	add_note(&nb, "CORE", 5, 2, d, sizeof(d));	/* NT_PRFPREG */
	add_note(&nb, "LINUX", 6, 1, d, sizeof(d));
	add_note(&nb, "COREX", 6, 1, d, sizeof(d));
	add_note(&nb, "ERASEINFO", 10, 0, "erase x size 4\n", 15);
	add_note(&nb, "Xen", 4, 0x1000001, d, sizeof(d));
	notes_summarize(nb.b, nb.len, &s);
	CHECK_EQ(s.nr_prstatus, 1);
	CHECK(s.has_eraseinfo);
	CHECK_EQ(s.eraseinfo_size, 15);
	CHECK(s.is_xen);
	CHECK(!s.has_vmcoreinfo);
	CHECK(!s.malformed);
}

TEST(malformed_namesz_stops_and_keeps_prefix)
{
	struct buf nb = { .len = 0 };
	struct note_summary s;
	uint8_t d[16] = { 0 };

	add_note(&nb, "CORE", 5, 1, d, sizeof(d));
	add_note(&nb, "VMCOREINFO", 11, 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	/* A header whose name runs far past the end of the segment. */
	put32(&nb, 0x7fffffff);
	put32(&nb, 4);
	put32(&nb, 1);
	put32(&nb, 0);
	notes_summarize(nb.b, nb.len, &s);
	CHECK_EQ(s.nr_prstatus, 1);
	CHECK(s.has_vmcoreinfo);
	CHECK(s.malformed);
}

TEST(malformed_descsz_overflow)
{
	struct buf nb = { .len = 0 };
	struct note n;
	size_t pos = 0;
	bool bad = false;

	/* descsz 0xffffffff: the padded size must not wrap around. */
	put32(&nb, 5);
	put32(&nb, 0xffffffffu);
	put32(&nb, 1);
	memcpy(nb.b + nb.len, "CORE\0\0\0\0", 8);
	nb.len += 8;
	memset(nb.b + nb.len, 0xaa, 64);
	nb.len += 64;
	CHECK(!note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK(bad);
	CHECK_EQ(pos, 0);
}

TEST(truncated_header_is_end)
{
	struct buf nb = { .len = 0 };
	struct note n;
	size_t pos = 0;
	bool bad = true;
	uint8_t d[8] = { 0 };

	add_note(&nb, "CORE", 5, 1, d, sizeof(d));
	/* 8 stray bytes: not enough for a header */
	put32(&nb, 5);
	put32(&nb, 4);
	CHECK(note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK(!note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK(!bad);
}

TEST(last_note_padding_past_end_is_usable)
{
	struct buf nb = { .len = 0 };
	struct note n;
	size_t pos = 0;
	bool bad = true;

	/* descsz 30: padded to 32, but the segment ends right after 30 bytes. */
	add_note(&nb, "VMCOREINFO", 11, 0, "OSRELEASE=6.1\nPAGESIZE=4096\n..", 30);
	nb.len -= 2;
	CHECK(note_next(nb.b, nb.len, &pos, &n, &bad));
	CHECK(!bad);
	CHECK_EQ(n.descsz, 30);
	CHECK_EQ(pos, nb.len);
	CHECK(!note_next(nb.b, nb.len, &pos, &n, &bad));
}

TEST(descriptor_cut_short_is_malformed)
{
	struct buf nb = { .len = 0 };
	struct note_summary s;

	add_note(&nb, "VMCOREINFO", 11, 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	nb.len -= 12;	/* the descriptor itself is incomplete */
	notes_summarize(nb.b, nb.len, &s);
	CHECK(!s.has_vmcoreinfo);
	CHECK(s.malformed);
}

TEST(empty_segment)
{
	struct note_summary s;
	struct note n;
	size_t pos = 0;
	bool bad = true;

	notes_summarize((const uint8_t *)"", 0, &s);
	CHECK(!s.malformed);
	CHECK_EQ(s.nr_prstatus, 0);
	CHECK(!note_next((const uint8_t *)"", 0, &pos, &n, &bad));
	CHECK(!bad);
}
