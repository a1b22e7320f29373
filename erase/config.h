/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The filter configuration language of makedumpfile.conf(5): sections
 * naming vmlinux or a module, each with erase commands and for/endfor
 * loops over arrays and linked lists.  This module only parses; what the
 * names mean in the dump is erase/resolve.c's job.
 */
#ifndef MDF_ERASE_CONFIG_H
#define MDF_ERASE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct error;

/* Limits that keep a hostile or runaway file cheap to reject. */
#define ERASE_CONFIG_MAX_BYTES (4u << 20)
#define ERASE_CONFIG_MAX_TOKEN 512
#define ERASE_PATH_MAX_DEPTH 32

/* SYMBOL.member->member...: names[0] is a symbol or a loop's id. */
struct erase_path {
	char *text;		/* as written, for the eraseinfo record */
	char **names;
	unsigned int n;
};

enum erase_size_kind {
	ERASE_SIZE_AUTO,	/* the size of the target's type */
	ERASE_SIZE_VALUE,	/* size N[K|M] */
	ERASE_SIZE_EXPR,	/* size SYMBOL[.member...]: read from the dump */
	ERASE_NULLIFY,		/* the pointer itself is set to 0 */
};

struct erase_cmd {
	unsigned int line;
	struct erase_path target;
	enum erase_size_kind size_kind;
	uint64_t size_value;
	struct erase_path size_expr;
};

enum erase_loop_kind {
	ERASE_NO_LOOP,		/* one erase command */
	ERASE_LOOP_ARRAY,	/* for ID in ARRAY */
	ERASE_LOOP_VIA,		/* for ID in STRUCTVAR via NEXTMEMBER */
	ERASE_LOOP_WITHIN,	/* for ID in LISTHEAD within STRUCT:MEMBER */
};

/* One filter command: an erase, or a loop and the erases in it. */
struct erase_block {
	unsigned int line;
	enum erase_loop_kind loop;
	char *id;
	struct erase_path list;
	char *via;
	char *within_struct, *within_member;
	struct erase_cmd *cmds;
	size_t nr_cmds;
};

struct erase_section {
	unsigned int line;
	char *module;		/* "vmlinux" or a module's name */
	struct erase_block *blocks;
	size_t nr_blocks;
};

struct erase_config {
	char *path;
	struct erase_section *sec;
	size_t nr_sec;
};

/*
 * Parse @len bytes of @text; @path names the file in messages, which
 * say "PATH:LINE: ..." and quote the offending token.
 */
struct error *erase_config_parse(const char *path, const char *text,
				 size_t len, struct erase_config **out);
/* Read and parse the file @path. */
struct error *erase_config_load(const char *path, struct erase_config **out);
void erase_config_free(struct erase_config *cfg);

/* Number of erase commands in the whole file (loops count their body). */
size_t erase_config_commands(const struct erase_config *cfg);

#endif
