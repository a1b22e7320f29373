/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Eraseinfo: the text record of data erased from a dump, one line per
 * erase ("erase SYMBOL[.member...] size N" or "erase ... nullify").  It
 * lives after the page data of a kdump-compressed dump (sub header
 * offset_eraseinfo/size_eraseinfo) or in an ELF note named ERASEINFO.  A
 * dump re-filtered keeps the record of its input and appends its own.
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
	size_t inherited;	/* the first @inherited bytes came with the input */
};

/* Collect the eraseinfo the input carries (none is not an error). */
struct error *eraseinfo_from_source(const struct source *src,
				    struct eraseinfo *ei);
void eraseinfo_release(struct eraseinfo *ei);

/* Add this run's lines after the inherited ones. */
struct error *eraseinfo_append(struct eraseinfo *ei, const char *text,
			       size_t len);

/*
 * Call @fn for each line of @text (without its newline); a record that
 * does not end in a newline still gives its last line.
 */
void eraseinfo_lines(const uint8_t *text, size_t size,
		     void (*fn)(void *arg, const char *line, size_t len),
		     void *arg);

/* Size of an ELF note named ERASEINFO holding @ei. */
size_t eraseinfo_note_size(const struct eraseinfo *ei);
/* Write that note into @buf (eraseinfo_note_size() bytes). */
void eraseinfo_note_write(const struct eraseinfo *ei, uint8_t *buf);

#endif
