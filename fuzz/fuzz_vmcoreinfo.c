// SPDX-License-Identifier: GPL-2.0-or-later
/* VMCOREINFO parsing (kernel/vmcoreinfo.c) and every kind of lookup. */
#include "fuzz_common.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"

#include <string.h>

static const char *const names[] = {
	"mem_section", "init_top_pgt", "init_level4_pgt", "vmemmap", "init_uts_ns",
	"prb", "log_buf", "page", "mem_section.section_mem_map", "page.flags",
	"phys_base", "SECTION_SIZE_BITS", "MAX_PHYSMEM_BITS", "pgtable_l5_enabled",
	"sme_mask", "PAGE_BUDDY_MAPCOUNT_VALUE", "zone.free_area", "",
	"a_name_longer_than_the_lookup_buffer_of_one_hundred_and_sixty_bytes_"
	"a_name_longer_than_the_lookup_buffer_of_one_hundred_and_sixty_bytes_"
	"a_name_longer_than_the_lookup_buffer",
};

static const char *const keys[] = {
	"OSRELEASE", "PAGESIZE", "CRASHTIME", "KERNELOFFSET", "BUILD-ID", "",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmcoreinfo *vi;
	struct error *err = vmcoreinfo_parse((const char *)data, size, &vi);
	size_t i;

	if (err) {
		error_free(err);
		return 0;
	}
	/* Every entry lies inside the owned copy, keys are non-empty. */
	for (i = 0; i < vi->nr; i++) {
		const struct vmcoreinfo_entry *e = &vi->ent[i];

		if (!e->key_len || e->key < vi->text ||
		    e->key + e->key_len > vi->text + vi->len ||
		    e->val < vi->text || e->val + e->val_len > vi->text + vi->len)
			__builtin_trap();
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t u;
		int64_t s;

		vi_symbol(vi, names[i], &u);
		vi_size(vi, names[i], &u);
		vi_offset(vi, names[i], &u);
		vi_length(vi, names[i], &u);
		vi_number(vi, names[i], &s);
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char buf[65], tiny[1];
		uint64_t u;

		if (vi_string(vi, keys[i], buf, sizeof(buf)) && strlen(buf) >= sizeof(buf))
			__builtin_trap();
		vi_string(vi, keys[i], tiny, sizeof(tiny));
		vi_string(vi, keys[i], tiny, 0);
		vi_hex(vi, keys[i], &u);
		vi_decimal(vi, keys[i], &u);
	}
	vmcoreinfo_free(vi);
	return 0;
}
