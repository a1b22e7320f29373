// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel/vmcoreinfo: the value formats kernels print (FORMATS.md A.3,
 * FILTERING.md §2): SYMBOL hex without 0x, SIZE/OFFSET/LENGTH unsigned
 * decimal, NUMBER signed decimal or hex with 0x, bare KEY=hex/decimal; and
 * malformed values, which must read as absent rather than as garbage.
 */
#include "unit.h"

#include "kernel/vmcoreinfo.h"
#include "lib/error.h"

#include <unistd.h>

static struct vmcoreinfo *parse(const char *text, size_t len)
{
	struct vmcoreinfo *vi = NULL;
	struct error *err = vmcoreinfo_parse(text, len, &vi);

	if (err) {
		unit_fail(__FILE__, __LINE__, "vmcoreinfo_parse: %s", err->msg);
		error_free(err);
		return NULL;
	}
	return vi;
}

static const char real[] =
	"OSRELEASE=6.12.117-amd64\n"
	"BUILD-ID=0123456789abcdef\n"
	"PAGESIZE=4096\n"
	"SYMBOL(mem_section)=ffff8ded9ffd4000\n"
	"SYMBOL(vmemmap)=ffffec1300000000\n"
	"SIZE(page)=64\n"
	"OFFSET(page._mapcount)=48\n"
	"LENGTH(zone.free_area)=11\n"
	"NUMBER(PG_lru)=5\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
	"NUMBER(VMALLOC_START)=0xffffcb8a40000000\n"
	"NUMBER(phys_base)=50331648\n"
	"KERNELOFFSET=b600000\n"
	"CRASHTIME=1795598053\n";

TEST(real_value_formats)
{
	struct vmcoreinfo *vi = parse(real, sizeof(real) - 1);
	uint64_t u;
	int64_t n;
	char s[64];

	if (!vi)
		return;
	CHECK(vi_string(vi, "OSRELEASE", s, sizeof(s)));
	CHECK_STR(s, "6.12.117-amd64");
	CHECK(vi_decimal(vi, "PAGESIZE", &u));
	CHECK_EQ(u, 4096);
	CHECK(vi_symbol(vi, "mem_section", &u));
	CHECK_EQ(u, 0xffff8ded9ffd4000ull);
	CHECK(vi_symbol(vi, "vmemmap", &u));
	CHECK_EQ(u, 0xffffec1300000000ull);
	CHECK(vi_size(vi, "page", &u));
	CHECK_EQ(u, 64);
	CHECK(vi_offset(vi, "page._mapcount", &u));
	CHECK_EQ(u, 48);
	CHECK(vi_length(vi, "zone.free_area", &u));
	CHECK_EQ(u, 11);
	CHECK(vi_number(vi, "PG_lru", &n));
	CHECK_EQ_I(n, 5);
	CHECK(vi_number(vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &n));
	CHECK_EQ_I(n, -268435456);
	/* compared with the 32-bit _mapcount: 0xf0000000 */
	CHECK_EQ((uint32_t)n, 0xf0000000u);
	CHECK(vi_number(vi, "PAGE_OFFLINE_MAPCOUNT_VALUE", &n));
	CHECK_EQ_I(n, -257);
	CHECK(vi_number(vi, "VMALLOC_START", &n));
	CHECK_EQ((uint64_t)n, 0xffffcb8a40000000ull);
	CHECK(vi_number(vi, "phys_base", &n));
	CHECK_EQ_I(n, 50331648);
	CHECK(vi_hex(vi, "KERNELOFFSET", &u));
	CHECK_EQ(u, 0xb600000);
	CHECK(vi_decimal(vi, "CRASHTIME", &u));
	CHECK_EQ(u, 1795598053ull);
	vmcoreinfo_free(vi);
}

TEST(absent_keys)
{
	struct vmcoreinfo *vi = parse(real, sizeof(real) - 1);
	uint64_t u = 7;
	int64_t n = 7;

	if (!vi)
		return;
	CHECK(!vi_symbol(vi, "init_top_pgt", &u));
	CHECK(!vi_number(vi, "PG_slab", &n));
	CHECK(!vi_offset(vi, "page.compound_dtor", &u));
	/* Kind matters: SIZE(page) is not OFFSET(page) */
	CHECK(!vi_offset(vi, "page", &u));
	/* Prefixes of a key are not the key */
	CHECK(!vi_number(vi, "PG_lr", &n));
	CHECK(!vi_decimal(vi, "PAGESIZ", &u));
	CHECK_EQ(u, 7);
	CHECK_EQ_I(n, 7);
	vmcoreinfo_free(vi);
}

static const char odd[] =
	"SYMBOL(a)=0xffffffff81000000\n"	/* tolerated 0x */
	"SYMBOL(bad)=ffffzz00\n"
	"SYMBOL(empty)=\n"
	"SYMBOL(toolong)=1ffffffffffffffff\n"
	"SIZE(neg)=-64\n"
	"SIZE(junk)=64abc\n"
	"SIZE(space)= 64\n"
	"OFFSET(plus)=+8\n"
	"NUMBER(neg)=-129\n"
	"NUMBER(hex)=0x7f\n"
	"NUMBER(hexneg)=0xffffffffffffff7f\n"
	"NUMBER(barehex)=7fab\n"
	"NUMBER(junk)=12 34\n"
	"NUMBER(dash)=--5\n"
	"NUMBER(negjunk)=-0x10\n"
	"NUMBER(empty)=\n"
	"NUMBER(huge)=99999999999999999999999\n"
	"this line has no equals sign\n"
	"=no key\n"
	"CRLF=12\r\n"
	"LAST=1";	/* no trailing newline */

TEST(malformed_values_read_as_absent)
{
	struct vmcoreinfo *vi = parse(odd, sizeof(odd) - 1);
	uint64_t u;
	int64_t n;

	if (!vi)
		return;
	CHECK(vi_symbol(vi, "a", &u));
	CHECK_EQ(u, 0xffffffff81000000ull);
	CHECK(!vi_symbol(vi, "bad", &u));
	CHECK(!vi_symbol(vi, "empty", &u));
	CHECK(!vi_symbol(vi, "toolong", &u));
	CHECK(!vi_size(vi, "neg", &u));
	CHECK(!vi_size(vi, "junk", &u));
	CHECK(!vi_size(vi, "space", &u));
	CHECK(!vi_offset(vi, "plus", &u));
	CHECK(vi_number(vi, "neg", &n));
	CHECK_EQ_I(n, -129);
	CHECK(vi_number(vi, "hex", &n));
	CHECK_EQ_I(n, 0x7f);
	CHECK(vi_number(vi, "hexneg", &n));
	CHECK_EQ_I(n, -129);
	/* makedumpfile falls back to hex when decimal does not parse */
	CHECK(vi_number(vi, "barehex", &n));
	CHECK_EQ_I(n, 0x7fab);
	CHECK(!vi_number(vi, "junk", &n));
	CHECK(!vi_number(vi, "dash", &n));
	CHECK(!vi_number(vi, "negjunk", &n));
	CHECK(!vi_number(vi, "empty", &n));
	CHECK(!vi_number(vi, "huge", &n));
	CHECK(vi_decimal(vi, "CRLF", &u));
	CHECK_EQ(u, 12);
	CHECK(vi_decimal(vi, "LAST", &u));
	CHECK_EQ(u, 1);
	vmcoreinfo_free(vi);
}

TEST(trailing_nuls_and_string_truncation)
{
	static const char text[] = "OSRELEASE=6.1.0-56-amd64\n\0\0\0\0";
	struct vmcoreinfo *vi = parse(text, sizeof(text) - 1);
	char small[6];
	const char *v;
	size_t l;

	if (!vi)
		return;
	CHECK(vi_raw(vi, "OSRELEASE", &v, &l));
	CHECK_EQ(l, strlen("6.1.0-56-amd64"));
	CHECK(vi_string(vi, "OSRELEASE", small, sizeof(small)));
	CHECK_STR(small, "6.1.0");
	CHECK_EQ(vi->len, strlen("OSRELEASE=6.1.0-56-amd64\n"));
	vmcoreinfo_free(vi);
}

TEST(first_duplicate_wins)
{
	static const char text[] = "NUMBER(x)=1\nNUMBER(x)=2\n";
	struct vmcoreinfo *vi = parse(text, sizeof(text) - 1);
	int64_t n = 0;

	if (!vi)
		return;
	CHECK(vi_number(vi, "x", &n));
	CHECK_EQ_I(n, 1);
	vmcoreinfo_free(vi);
}

TEST(read_file)
{
	char path[] = "/tmp/mdf-vi-XXXXXX";
	int fd = mkstemp(path);
	struct vmcoreinfo *vi = NULL;
	struct error *err;
	uint64_t u;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, real, sizeof(real) - 1) == (ssize_t)(sizeof(real) - 1));
	close(fd);
	err = vmcoreinfo_read_file(path, &vi);
	CHECK(err == NULL);
	if (!err) {
		CHECK(vi_size(vi, "page", &u));
		CHECK_EQ(u, 64);
		vmcoreinfo_free(vi);
	}
	error_free(err);
	unlink(path);
	err = vmcoreinfo_read_file("/nonexistent/vmcoreinfo", &vi);
	CHECK(err != NULL);
	if (err) {
		CHECK_EQ(err->code, ERR_IO);
		CHECK_CONTAINS(err->msg, "/nonexistent/vmcoreinfo");
	}
	error_free(err);
}

TEST(lookup_on_null_is_absent)
{
	int64_t n;

	CHECK(!vi_number(NULL, "PG_lru", &n));
}
