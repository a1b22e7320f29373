// SPDX-License-Identifier: GPL-2.0-or-later
#include "erase_info.h"
#include "lib/error.h"
#include "lib/util.h"
#include "reader/source.h"

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
	if (!n)
		return NULL;
	ei->text = malloc(n);
	if (!ei->text)
		return ERR_OOM();
	memcpy(ei->text, p, n);
	ei->size = n;
	return NULL;
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
