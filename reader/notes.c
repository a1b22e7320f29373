// SPDX-License-Identifier: GPL-2.0-or-later
#include "notes.h"
#include "../lib/util.h"

#include <string.h>

#define NT_PRSTATUS 1
#define XEN_ELFNOTE_CRASH_INFO 0x1000001

bool note_next(const uint8_t *buf, size_t size, size_t *pos,
	       struct note *n, bool *bad)
{
	size_t p = *pos;
	uint64_t name_pad, desc_pad, end;

	*bad = false;
	/* Trailing zero padding after the last note is common: stop there. */
	if (p >= size || size - p < 12)
		return false;
	n->namesz = load_le32(buf + p);
	n->descsz = load_le32(buf + p + 4);
	n->type = load_le32(buf + p + 8);
	if (n->namesz == 0 && n->descsz == 0 && n->type == 0)
		return false;
	name_pad = ROUND_UP((uint64_t)n->namesz, 4);
	desc_pad = ROUND_UP((uint64_t)n->descsz, 4);
	end = p + 12 + name_pad;
	if (end > size || desc_pad > size - end) {
		/* A last note whose padding runs past the end is still usable. */
		if (end <= size && n->descsz <= size - end) {
			desc_pad = size - end;
		} else {
			*bad = true;
			return false;
		}
	}
	n->name = (const char *)buf + p + 12;
	n->desc = buf + end;
	n->desc_off = end;
	*pos = end + desc_pad;
	return true;
}

bool note_name_is(const struct note *n, const char *name)
{
	size_t len = strlen(name);

	if (n->namesz == len + 1)
		return memcmp(n->name, name, len) == 0 && n->name[len] == '\0';
	/* Some producers omit the terminating NUL. */
	return n->namesz == len && memcmp(n->name, name, len) == 0;
}

void notes_summarize(const uint8_t *buf, size_t size, struct note_summary *s)
{
	size_t pos = 0;
	struct note n;
	bool bad = false;

	memset(s, 0, sizeof(*s));
	while (note_next(buf, size, &pos, &n, &bad)) {
		if (note_name_is(&n, "CORE") && n.type == NT_PRSTATUS) {
			s->nr_prstatus++;
		} else if (note_name_is(&n, "VMCOREINFO") &&
			   !s->has_vmcoreinfo) {
			s->has_vmcoreinfo = true;
			s->vmcoreinfo_off = n.desc_off;
			s->vmcoreinfo_size = n.descsz;
		} else if (note_name_is(&n, "ERASEINFO")) {
			s->has_eraseinfo = true;
			s->eraseinfo_off = n.desc_off;
			s->eraseinfo_size = n.descsz;
		} else if (note_name_is(&n, "Xen") &&
			   n.type == XEN_ELFNOTE_CRASH_INFO) {
			s->is_xen = true;
		}
	}
	s->malformed = bad;
}
