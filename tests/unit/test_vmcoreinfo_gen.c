// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * symbols/vmcoreinfo_gen: a -i file beside the dump's note (runtime keys
 * from the note, symbols moved by its KERNELOFFSET when the file has none),
 * and -x's merge (missing keys appended, differing ones reported, runtime
 * ones never compared).
 */
#include "unit.h"

#include "kernel/vmcoreinfo.h"
#include "lib/error.h"
#include "symbols/vmcoreinfo_gen.h"

static struct vmcoreinfo *parse(const char *text)
{
	struct vmcoreinfo *vi = NULL;
	struct error *err = vmcoreinfo_parse(text, strlen(text), &vi);

	if (err) {
		unit_fail(__FILE__, __LINE__, "vmcoreinfo_parse: %s", err->msg);
		error_free(err);
	}
	return vi;
}

static const char note[] =
	"OSRELEASE=6.12.117+deb12-amd64\n"
	"SYMBOL(init_uts_ns)=ffffffff8b81f700\n"
	"SYMBOL(mem_section)=ffff8a175ffd4000\n"
	"SIZE(page)=64\n"
	"NUMBER(phys_base)=37748736\n"
	"KERNELOFFSET=8a00000\n"
	"CRASHTIME=1795599066\n";

/* What -g writes for that kernel: link-time addresses, no runtime keys. */
static const char generated[] =
	"OSRELEASE=6.12.117+deb12-amd64\n"
	"SYMBOL(init_uts_ns)=ffffffff82e1f700\n"
	"SYMBOL(mem_section)=ffffffff8382fbd8\n"
	"SIZE(page)=64\n"
	"OFFSET(page.lru)=8\n";

TEST(adopt_moves_symbols_and_takes_runtime_keys)
{
	struct vmcoreinfo *n = parse(note), *f = parse(generated), *out = NULL;
	struct error *err;
	uint64_t v;
	int64_t s;

	if (!n || !f)
		return;
	err = vmcoreinfo_adopt_runtime(f, n, &out);
	CHECK(!err);
	if (err) {
		error_free(err);
		return;
	}
	CHECK(vi_symbol(out, "init_uts_ns", &v) && v == 0xffffffff8b81f700ull);
	/* the pointer's value, from the note, not the variable's address */
	CHECK(vi_symbol(out, "mem_section", &v) && v == 0xffff8a175ffd4000ull);
	CHECK(vi_hex(out, "KERNELOFFSET", &v) && v == 0x8a00000);
	CHECK(vi_number(out, "phys_base", &s) && s == 37748736);
	CHECK(vi_decimal(out, "CRASHTIME", &v) && v == 1795599066);
	CHECK(vi_offset(out, "page.lru", &v) && v == 8);
	vmcoreinfo_free(out);
	vmcoreinfo_free(n);
	vmcoreinfo_free(f);
}

TEST(adopt_keeps_a_file_with_its_own_offset)
{
	/* a note copied to a file already has runtime addresses */
	struct vmcoreinfo *n = parse(note), *f = parse(note), *out = NULL;
	struct error *err;
	uint64_t v;

	if (!n || !f)
		return;
	err = vmcoreinfo_adopt_runtime(f, n, &out);
	CHECK(!err);
	if (!err) {
		CHECK(vi_symbol(out, "init_uts_ns", &v) && v == 0xffffffff8b81f700ull);
		vmcoreinfo_free(out);
	}
	error_free(err);
	vmcoreinfo_free(n);
	vmcoreinfo_free(f);
}

static int mismatches;
static char last_key[64];

static void on_mismatch(void *arg, const char *key, const char *have, const char *gen)
{
	mismatches++;
	snprintf(last_key, sizeof(last_key), "%s", key);
}

TEST(merge_appends_missing_and_reports_differences)
{
	struct vmcoreinfo *have = parse("OSRELEASE=x\nSIZE(page)=64\nOFFSET(page.lru)=9\n"
					"SYMBOL(mem_section)=ffff8a175ffd4000\n");
	struct vmcoreinfo *gen = parse("OSRELEASE=x\nSIZE(page)=64\nOFFSET(page.lru)=8\n"
				       "SYMBOL(mem_section)=ffffffff8382fbd8\n"
				       "LENGTH(zone.free_area)=11\n");
	struct vmcoreinfo *out = NULL;
	struct error *err;
	uint64_t v;

	if (!have || !gen)
		return;
	mismatches = 0;
	err = vmcoreinfo_merge(have, gen, on_mismatch, NULL, &out);
	CHECK(!err);
	if (!err) {
		CHECK(vi_length(out, "zone.free_area", &v) && v == 11);
		CHECK(vi_offset(out, "page.lru", &v) && v == 9);	/* the dump's value */
		CHECK(vi_symbol(out, "mem_section", &v) && v == 0xffff8a175ffd4000ull);
		vmcoreinfo_free(out);
	}
	error_free(err);
	/* only OFFSET(page.lru): SYMBOL(mem_section) is a runtime key */
	CHECK(mismatches == 1 && !strcmp(last_key, "OFFSET(page.lru)"));
	vmcoreinfo_free(have);
	vmcoreinfo_free(gen);
}

TEST(runtime_keys)
{
	CHECK(vmcoreinfo_key_is_runtime("KERNELOFFSET", 12));
	CHECK(vmcoreinfo_key_is_runtime("SYMBOL(mem_section)", 19));
	CHECK(!vmcoreinfo_key_is_runtime("SYMBOL(init_uts_ns)", 19));
	CHECK(!vmcoreinfo_key_is_runtime("KERNELOFFSE", 11));
}

