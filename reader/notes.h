/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF note segments as vmcores carry them: registers and VMCOREINFO. */
#ifndef MDF_READER_NOTES_H
#define MDF_READER_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct note {
	const char *name;	/* not NUL-terminated; see namesz */
	uint32_t namesz;	/* as stored, including the NUL if any */
	uint32_t type;
	const uint8_t *desc;
	uint32_t descsz;
	size_t desc_off;	/* offset of desc inside the note buffer */
};

/*
 * Iterate over the notes in @buf.  *@pos starts at 0.  Returns false at
 * the end or at the first malformed note (*@bad is then set), so that a
 * damaged note segment yields what precedes the damage.
 */
bool note_next(const uint8_t *buf, size_t size, size_t *pos,
	       struct note *n, bool *bad);

/* Does the note's name equal @name (compared with its NUL, as kernels write it)? */
bool note_name_is(const struct note *n, const char *name);

struct note_summary {
	int nr_prstatus;		/* CORE/NT_PRSTATUS notes = CPUs */
	bool has_vmcoreinfo;
	size_t vmcoreinfo_off;		/* desc offset in the buffer */
	size_t vmcoreinfo_size;
	bool has_eraseinfo;
	size_t eraseinfo_off, eraseinfo_size;
	bool is_xen;
	bool malformed;			/* parsing stopped early */
};

void notes_summarize(const uint8_t *buf, size_t size, struct note_summary *s);

#endif
