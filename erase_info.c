// SPDX-License-Identifier: GPL-2.0-or-later
#include "erase_info.h"
#include "lib/error.h"
#include "lib/util.h"
#include "reader/source.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_NAME "ERASEINFO"

struct error *eraseinfo_from_source(const struct source *src,
				    struct eraseinfo *ei)
{
	const uint8_t *p = NULL;
	size_t n = 0;

	memset(ei, 0, sizeof(*ei));
	if (src->kdump && src->kdump->eraseinfo_size) {
		p = src->kdump->eraseinfo;
		n = src->kdump->eraseinfo_size;
	} else if (src->note_info.has_eraseinfo) {
		p = src->notes + src->note_info.eraseinfo_off;
		n = src->note_info.eraseinfo_size;
	}
	/* An ELF note's padding is not part of the record. */
	while (n && !p[n - 1])
		n--;
	if (!n)
		return NULL;
	ei->text = malloc(n);
	if (!ei->text)
		return ERR_OOM();
	memcpy(ei->text, p, n);
	ei->size = ei->inherited = n;
	return NULL;
}

struct error *eraseinfo_append(struct eraseinfo *ei, const char *text,
			       size_t len)
{
	bool need_nl = ei->size && ei->text[ei->size - 1] != '\n';
	uint8_t *t;

	if (!len)
		return NULL;
	t = realloc(ei->text, ei->size + need_nl + len);
	if (!t)
		return ERR_OOM();
	ei->text = t;
	/* An inherited record cut mid-line must not swallow our first line. */
	if (need_nl)
		t[ei->size++] = '\n';
	memcpy(t + ei->size, text, len);
	ei->size += len;
	return NULL;
}

void eraseinfo_lines(const uint8_t *text, size_t size,
		     void (*fn)(void *arg, const char *line, size_t len),
		     void *arg)
{
	size_t pos = 0;

	while (pos < size) {
		const uint8_t *nl = memchr(text + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - text) : size;

		/* Padding of an ELF note ends the record. */
		if (text[pos] == '\0')
			break;
		fn(arg, (const char *)text + pos, end - pos);
		pos = end + 1;
	}
}

void eraseinfo_release(struct eraseinfo *ei)
{
	free(ei->text);
	ei->text = NULL;
	ei->size = 0;
}

size_t eraseinfo_note_size(const struct eraseinfo *ei)
{
	return 12 + ROUND_UP(sizeof(NOTE_NAME), 4) + ROUND_UP(ei->size, 4);
}

void eraseinfo_note_write(const struct eraseinfo *ei, uint8_t *buf)
{
	size_t name = ROUND_UP(sizeof(NOTE_NAME), 4);

	memset(buf, 0, eraseinfo_note_size(ei));
	store_le32(buf, sizeof(NOTE_NAME));
	store_le32(buf + 4, (uint32_t)ei->size);
	store_le32(buf + 8, 0);
	memcpy(buf + 12, NOTE_NAME, sizeof(NOTE_NAME));
	memcpy(buf + 12 + name, ei->text, ei->size);
}
