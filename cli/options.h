/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line, parsed and checked the way makedumpfile checks it. */
#ifndef MDF_CLI_OPTIONS_H
#define MDF_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_DUMP_LEVELS 8
#define MAX_DBV_RANGES 64

enum run_mode {
	MODE_DUMP,		/* VMCORE DUMPFILE, -F VMCORE, --split */
	MODE_REARRANGE,		/* -R DUMPFILE < stream */
	MODE_REASSEMBLE,	/* --reassemble FILES... DUMPFILE */
	MODE_DMESG,		/* --dump-dmesg VMCORE LOGFILE */
	MODE_MEM_USAGE,		/* --mem-usage VMCORE */
	MODE_GENERATE,		/* -g VMCOREINFO -x VMLINUX */
};

struct options {
	enum run_mode mode;
	unsigned int compress;		/* DUMP_DH_COMPRESSED_*, last wins */
	int dump_levels[MAX_DUMP_LEVELS];
	int nr_dump_levels;
	unsigned int message_level;

	bool elf, flatten, force, debug, show_stats, dry_run, check_params;
	bool non_cyclic, non_mmap, split, exclude_vmemmap, xen_exclude;
	bool partial_dmesg, help, version;
	bool no_device_vmemmap;
	const char *vmcoreinfo_in;	/* -i */
	const char *vmlinux;		/* -x */
	const char *vmcoreinfo_out;	/* -g */
	const char *work_dir;
	const char *config;
	const char *eppic;
	const char *json;		/* --json FILE or - */
	const char *xen_syms, *xen_vmcoreinfo;
	long block_order;
	long cyclic_buffer_kib;		/* 0: automatic */
	long splitblock_kib;		/* 0: default */
	long num_threads;
	uint64_t size_limit;		/* 0: none */
	bool have_vtop;
	uint64_t vtop;
	uint64_t dbv_ranges[MAX_DBV_RANGES][2];
	size_t nr_dbv_ranges;
	bool has_extension, has_diskset;

	/* positional arguments, by role */
	const char *vmcore;
	const char *dumpfile;
	const char **dumpfiles;		/* --split outputs, --reassemble inputs */
	int nr_dumpfiles;
};

enum parse_result {
	PARSE_OK,
	PARSE_INVALID,		/* "Commandline parameter is invalid." */
	PARSE_FAILED,		/* a specific message was printed */
};

/*
 * Parse argv.  Messages about bad values go to @messages (stderr when
 * stdout carries a flattened stream).
 */
enum parse_result options_parse(struct options *o, int argc, char **argv,
				FILE *messages);

void print_usage(void);
void print_version(void);

#endif
