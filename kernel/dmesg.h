/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --dump-dmesg: the crashed kernel's log buffer as text, formatted the way
 * makedumpfile 1.7.5+ prints it (CLI.md §4.3).  Both buffer generations:
 * the lockless printk ring buffer (5.10+, SYMBOL(prb)) and the older
 * log_buf of variable-length records (3.5+) or plain text (before 3.5).
 */
#ifndef MDF_KERNEL_DMESG_H
#define MDF_KERNEL_DMESG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

/* Receives the formatted text in pieces, in order. */
typedef struct error *(*dmesg_sink)(void *arg, const void *buf, size_t len);

struct dmesg_info {
	const char *kind;	/* "printk_ringbuffer", "log_buf" or "log_buf (text)" */
	uint64_t records;	/* records written */
	uint64_t skipped;	/* records found damaged and left out */
	bool partial;		/* started at the last clear */
};

/*
 * Format the log into @sink.  @partial starts at the last "dmesg --clear"
 * (clear_seq / clear_idx) when the kernel exports it.
 */
struct error *dmesg_dump(struct kernel *k, bool partial, dmesg_sink sink,
			 void *arg, struct dmesg_info *info);

#endif
