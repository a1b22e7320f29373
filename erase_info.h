/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Eraseinfo: the text record of data erased from a dump ("erase SYMBOL
 * size N" lines).  A dump that was filtered with erasing keeps the record
 * when it is re-filtered, in the kdump sub header or an ELF ERASEINFO note.
 */
#ifndef MDF_ERASE_INFO_H
#define MDF_ERASE_INFO_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct source;

struct eraseinfo {
	uint8_t *text;
	size_t size;
};

/* Collect the eraseinfo the input carries (none is not an error). */
struct error *eraseinfo_from_source(const struct source *src,
				    struct eraseinfo *ei);
void eraseinfo_release(struct eraseinfo *ei);

/* Size of an ELF note named ERASEINFO holding @ei. */
size_t eraseinfo_note_size(const struct eraseinfo *ei);
/* Write that note into @buf (eraseinfo_note_size() bytes). */
void eraseinfo_note_write(const struct eraseinfo *ei, uint8_t *buf);

#endif
