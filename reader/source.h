/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A dump source: the physical memory image of the crashed machine, whatever
 * file format holds it.  Everything downstream (kernel model, filter,
 * writers) sees only this interface.
 *
 * Thread safety: read_phys() and page readers may be used concurrently;
 * each thread opens its own page reader.
 */
#ifndef MDF_READER_SOURCE_H
#define MDF_READER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notes.h"
#include "../lib/error.h"

struct error;
struct printer;
struct source;

enum source_format {
	SOURCE_ELF,
	SOURCE_KDUMP,
};

/* A PT_LOAD as the input states it (ELF only), after bounds checking. */
struct source_segment {
	uint64_t paddr;
	uint64_t memsz;
	uint64_t filesz;	/* clamped to what the file really holds */
	uint64_t vaddr;
	uint64_t offset;
	uint32_t flags;		/* p_flags */
};

/* Facts from a kdump-compressed input that re-filtering carries over. */
struct kdump_input_info {
	int header_version;
	uint32_t status;
	int dump_level;
	uint64_t phys_base;
	int64_t timestamp_sec, timestamp_usec;
	uint8_t utsname[390];
	uint8_t *eraseinfo;
	size_t eraseinfo_size;
	uint64_t max_mapnr;
	bool incomplete;
	bool split;
};

struct page_reader;

struct source_ops {
	void (*destroy)(struct source *src);
	struct error *(*read_phys)(struct source *src, uint64_t paddr,
				   void *buf, size_t len);
	/*
	 * Fill bitmaps for pfns [start, end) relative to @start: @present is
	 * the 1st bitmap (memory that exists in the dump), @readable the
	 * subset whose page data can be read.  Either may be NULL.
	 */
	void (*fill_bitmaps)(struct source *src, uint64_t start, uint64_t end,
			     uint8_t *present, uint8_t *readable);
	/* Pages the statistics call "Original pages" below @max_mapnr. */
	uint64_t (*original_pages)(struct source *src, uint64_t max_mapnr);
	struct error *(*reader_open)(struct source *src,
				     struct page_reader **out);
};

struct source {
	const struct source_ops *ops;
	enum source_format format;
	const char *path;
	int fd;
	uint64_t file_size;
	bool use_mmap;
	struct printer *pr;

	uint32_t page_size;	/* 0 until known */
	unsigned int page_shift;

	uint8_t *notes;		/* copy of the note segment(s) */
	size_t notes_size;
	struct note_summary note_info;

	/* ELF only */
	struct source_segment *segs;
	size_t nr_segs;
	uint8_t elf_header[64];	/* as read, for ELF output */
	uint16_t e_machine;

	/* kdump-compressed only */
	struct kdump_input_info *kdump;

	uint64_t max_paddr;	/* end of the highest memory in the dump */
	bool incomplete;	/* part of the input could not be read */
};

/*
 * A per-thread cursor that returns pointers to page data.  The pointer stays
 * valid until the next call on the same reader.
 */
struct page_reader_ops {
	struct error *(*read)(struct page_reader *r, uint64_t pfn,
			      const uint8_t **page);
	/* Copy page @pfn into @buf (page_size bytes); gaps read as zero. */
	struct error *(*read_into)(struct page_reader *r, uint64_t pfn,
				   uint8_t *buf);
	/*
	 * Point at physical memory in place (mapped inputs only; NULL op or
	 * an error means: copy instead).  Valid until a call that moves the
	 * window; with @move false the call fails rather than move it.
	 * Touch the memory only under guarded_call().
	 */
	struct error *(*map)(struct page_reader *r, uint64_t paddr, size_t len,
			     bool move, const uint8_t **ptr);
	/* Copy physical memory, like source_read_phys() but through the reader's window. */
	struct error *(*copy)(struct page_reader *r, uint64_t paddr, void *buf,
			      size_t len);
	void (*close)(struct page_reader *r);
};

struct page_reader {
	const struct page_reader_ops *ops;
	struct source *src;
};

/* Open @path, detecting its format. */
struct error *source_open(const char *path, bool use_mmap,
			  struct printer *pr, struct source **out);
void source_close(struct source *src);

/* The page size comes from VMCOREINFO for ELF inputs. */
struct error *source_set_page_size(struct source *src, uint32_t page_size);

static inline struct error *source_read_phys(struct source *src,
					     uint64_t paddr, void *buf,
					     size_t len)
{
	return src->ops->read_phys(src, paddr, buf, len);
}

static inline void source_fill_bitmaps(struct source *src, uint64_t start,
				       uint64_t end, uint8_t *present,
				       uint8_t *readable)
{
	src->ops->fill_bitmaps(src, start, end, present, readable);
}

static inline struct error *page_reader_open(struct source *src,
					     struct page_reader **out)
{
	return src->ops->reader_open(src, out);
}

static inline struct error *page_reader_read(struct page_reader *r,
					     uint64_t pfn,
					     const uint8_t **page)
{
	return r->ops->read(r, pfn, page);
}

static inline struct error *page_reader_read_into(struct page_reader *r,
						  uint64_t pfn, uint8_t *buf)
{
	return r->ops->read_into(r, pfn, buf);
}

static inline struct error *page_reader_map(struct page_reader *r,
					    uint64_t paddr, size_t len, bool move,
					    const uint8_t **ptr)
{
	if (!r->ops->map)
		return ERR(ERR_UNSUPPORTED, "no mapping");
	return r->ops->map(r, paddr, len, move, ptr);
}

static inline struct error *page_reader_copy(struct page_reader *r,
					     uint64_t paddr, void *buf,
					     size_t len)
{
	return r->ops->copy ? r->ops->copy(r, paddr, buf, len)
			    : source_read_phys(r->src, paddr, buf, len);
}

static inline void page_reader_close(struct page_reader *r)
{
	if (r)
		r->ops->close(r);
}

/* VMCOREINFO text inside the notes, or NULL. */
const char *source_vmcoreinfo(const struct source *src, size_t *len);

/* Format-specific constructors, used by source_open(). */
struct error *elf_source_open(int fd, const char *path, bool use_mmap,
			      struct printer *pr, struct source **out);
struct error *kdump_source_open(int fd, const char *path,
				struct printer *pr, struct source **out);

#endif
