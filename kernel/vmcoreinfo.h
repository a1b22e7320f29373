/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMCOREINFO: the KEY=value text a kernel exports about its own layout.
 * Lookups return false for absent or malformed keys; callers decide what a
 * missing key means for them.
 */
#ifndef MDF_KERNEL_VMCOREINFO_H
#define MDF_KERNEL_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

struct vmcoreinfo_entry {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
};

struct vmcoreinfo {
	char *text;		/* owned copy */
	size_t len;
	struct vmcoreinfo_entry *ent;
	size_t nr;
};

struct error *vmcoreinfo_parse(const char *text, size_t len,
			       struct vmcoreinfo **out);
void vmcoreinfo_free(struct vmcoreinfo *vi);

/* Raw value of KEY (e.g. "OSRELEASE" or "SYMBOL(mem_section)"). */
bool vi_raw(const struct vmcoreinfo *vi, const char *key, const char **val,
	    size_t *len);
/* Copy a string value into @buf (NUL-terminated, truncated to @size-1). */
bool vi_string(const struct vmcoreinfo *vi, const char *key, char *buf,
	       size_t size);

/* SYMBOL(name)=hex */
bool vi_symbol(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
/* SIZE(name)=decimal */
bool vi_size(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
/* OFFSET(type.member)=decimal */
bool vi_offset(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
/* LENGTH(name)=decimal */
bool vi_length(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
/* NUMBER(name)=signed decimal, or hex with 0x */
bool vi_number(const struct vmcoreinfo *vi, const char *name, int64_t *v);
/* A bare KEY=hex value (KERNELOFFSET) */
bool vi_hex(const struct vmcoreinfo *vi, const char *key, uint64_t *v);
/* A bare KEY=decimal value (PAGESIZE, CRASHTIME) */
bool vi_decimal(const struct vmcoreinfo *vi, const char *key, uint64_t *v);

/* Read a vmcoreinfo text file (-i). */
struct error *vmcoreinfo_read_file(const char *path, struct vmcoreinfo **out);

#endif
