// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF note parsing (reader/notes.c): every note returned lies inside the
 * buffer, iteration always ends, and the summary points inside it.
 */
#include "fuzz_common.h"
#include "../reader/notes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct note_summary s;
	struct note n;
	size_t pos = 0, count = 0;
	bool bad;

	while (note_next(data, size, &pos, &n, &bad)) {
		const uint8_t *end = data + size;

		if ((const uint8_t *)n.name < data || (const uint8_t *)n.name + n.namesz > end ||
		    n.desc < data || n.desc + n.descsz > end || n.desc_off + n.descsz > size)
			__builtin_trap();
		/* Progress: each note advances, so the loop ends. */
		if (++count > size / 12 + 1)
			__builtin_trap();
		note_name_is(&n, "CORE");
		note_name_is(&n, "VMCOREINFO");
	}
	notes_summarize(data, size, &s);
	if (s.has_vmcoreinfo && (s.vmcoreinfo_off > size ||
				 s.vmcoreinfo_size > size - s.vmcoreinfo_off))
		__builtin_trap();
	if (s.has_eraseinfo && (s.eraseinfo_off > size ||
				s.eraseinfo_size > size - s.eraseinfo_off))
		__builtin_trap();
	return 0;
}
