/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sizes and field offsets of the kdump-compressed format, shared by the
 * reader, the writer and -R (see ../shared/docs/FORMATS.md).
 */
#ifndef MDF_LIB_KDUMP_FORMAT_H
#define MDF_LIB_KDUMP_FORMAT_H

#define DISK_DUMP_HEADER_SIZE 464
#define SUB_HEADER_SIZE 104
#define PAGE_DESC_SIZE 24

/* Fields of disk_dump_header (after the 390-byte utsname and a timeval). */
#define KDUMP_STATUS_OFF 424
#define KDUMP_BLOCK_SIZE_OFF 428
#define KDUMP_SUB_HDR_SIZE_OFF 432
#define KDUMP_BITMAP_BLOCKS_OFF 436

/*
 * Dump page sizes we accept: the smallest and largest kernel page sizes of
 * any architecture (4 KiB x86/arm64 ... 256 KiB hexagon).  The kdump block
 * size is the dump's page size.
 */
#define DUMP_PAGE_SIZE_MIN 4096u
#define DUMP_PAGE_SIZE_MAX (256u << 10)

/* A flattened stream opens with this fixed-size header, whatever the page size. */
#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"

#endif
