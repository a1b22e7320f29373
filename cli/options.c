// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"
#include "../classify/page_class.h"
#include "../print_info.h"
#include "../writer/codec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MDF_VERSION
#define MDF_VERSION "0.9.0"
#endif
#ifndef MDF_RELEASE_DATE
#define MDF_RELEASE_DATE "25 Nov 2026"
#endif

enum {
	OPT_SPLIT = 256,
	OPT_REASSEMBLE,
	OPT_XEN_SYMS,
	OPT_XEN_VMCOREINFO,
	OPT_XEN_PHYS_START,
	OPT_MESSAGE_LEVEL,
	OPT_VTOP,
	OPT_DUMP_DMESG,
	OPT_PARTIAL_DMESG,
	OPT_CONFIG,
	OPT_HELP,
	OPT_DISKSET,
	OPT_CYCLIC_BUFFER,
	OPT_EPPIC,
	OPT_NON_MMAP,
	OPT_MEM_USAGE,
	OPT_SPLITBLOCK_SIZE,
	OPT_WORK_DIR,
	OPT_NUM_THREADS,
	OPT_CHECK_PARAMS,
	OPT_DRY_RUN,
	OPT_SHOW_STATS,
	OPT_EXTENSION,
	OPT_NON_CYCLIC,
	OPT_JSON,
	OPT_DEVICE_VMEMMAP,
	OPT_NO_DEVICE_VMEMMAP,
};

static const struct option longopts[] = {
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "reassemble", no_argument, NULL, OPT_REASSEMBLE },
	{ "xen-syms", required_argument, NULL, OPT_XEN_SYMS },
	{ "xen-vmcoreinfo", required_argument, NULL, OPT_XEN_VMCOREINFO },
	{ "xen_phys_start", required_argument, NULL, OPT_XEN_PHYS_START },
	{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
	{ "vtop", required_argument, NULL, OPT_VTOP },
	{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
	{ "partial-dmesg", no_argument, NULL, OPT_PARTIAL_DMESG },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "diskset", required_argument, NULL, OPT_DISKSET },
	{ "cyclic-buffer", required_argument, NULL, OPT_CYCLIC_BUFFER },
	{ "eppic", required_argument, NULL, OPT_EPPIC },
	{ "non-mmap", no_argument, NULL, OPT_NON_MMAP },
	{ "mem-usage", no_argument, NULL, OPT_MEM_USAGE },
	{ "splitblock-size", required_argument, NULL, OPT_SPLITBLOCK_SIZE },
	{ "work-dir", required_argument, NULL, OPT_WORK_DIR },
	{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
	{ "check-params", no_argument, NULL, OPT_CHECK_PARAMS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "show-stats", no_argument, NULL, OPT_SHOW_STATS },
	{ "extension", required_argument, NULL, OPT_EXTENSION },
	{ "non-cyclic", no_argument, NULL, OPT_NON_CYCLIC },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "device-vmemmap", required_argument, NULL, OPT_DEVICE_VMEMMAP },
	{ "no-device-vmemmap", no_argument, NULL, OPT_NO_DEVICE_VMEMMAP },
	{ NULL, 0, NULL, 0 },
};

void print_version(void)
{
	printf("makedumpfile: version " MDF_VERSION " (released on " MDF_RELEASE_DATE ")\n");
	printf("lzo\tenabled\nsnappy\tenabled\nzstd\tenabled\n");
	printf("device-backed vmemmap\tenabled\n\n");
}

void print_usage(void)
{
	print_version();
	printf(
"Usage:\n"
"  Creating DUMPFILE:\n"
"  # makedumpfile    [-c|-l|-p|-z|-E] [-d DL] [-x VMLINUX|-i VMCOREINFO] VMCORE\n"
"    DUMPFILE\n"
"\n"
"  Creating DUMPFILE with filtered kernel data specified through filter config\n"
"  file (makedumpfile.conf(5)):\n"
"  # makedumpfile    [-c|-l|-p|-z|-E] [-d DL] [-x VMLINUX] --config FILE\n"
"    VMCORE DUMPFILE\n"
"\n"
"  Outputting the dump data in the flattened format to the standard output:\n"
"  # makedumpfile -F [-c|-l|-p|-z|-E] [-d DL] [-i VMCOREINFO] VMCORE\n"
"\n"
"  Rearranging the dump data in the flattened format to a readable DUMPFILE:\n"
"  # makedumpfile -R DUMPFILE\n"
"\n"
"  Splitting the dump data into multiple DUMPFILEs:\n"
"  # makedumpfile --split [OPTION] [-i VMCOREINFO] VMCORE DUMPFILE1\n"
"    DUMPFILE2 [DUMPFILE3 ..]\n"
"\n"
"  Reassemble multiple DUMPFILEs:\n"
"  # makedumpfile --reassemble DUMPFILE1 DUMPFILE2 [DUMPFILE3 ..] DUMPFILE\n"
"\n"
"  Extracting the kernel log (dmesg):\n"
"  # makedumpfile --dump-dmesg [--partial-dmesg] [-i VMCOREINFO] VMCORE LOGFILE\n"
"\n"
"  Generating VMCOREINFO from a vmlinux with debug information:\n"
"  # makedumpfile -g VMCOREINFO -x VMLINUX\n"
"\n"
"  Reporting the page classes of a dump or of the running system:\n"
"  # makedumpfile --mem-usage [-f] VMCORE|/proc/kcore\n"
"\n"
"Available options:\n"
"  [-c|-l|-p|-z]:\n"
"      Compress each page: -c zlib, -l lzo, -p snappy, -z zstd. The last one\n"
"      given wins. Without any, pages are stored uncompressed.\n"
"\n"
"  [-d DL[,DL...]]:\n"
"      Dump level 0-31, the sum of the page classes to exclude:\n"
"        1: pages filled with zero    2: cache pages without private data\n"
"        4: all cache pages           8: user process data\n"
"       16: free pages\n"
"      Hardware-poisoned and logically offline pages are always excluded.\n"
"      A list (e.g. -d 31,11) is tried in order when the output runs out of\n"
"      space. When re-filtering a kdump-compressed VMCORE the input's level\n"
"      is added.\n"
"\n"
"  [-E]:\n"
"      Write an ELF dump instead of kdump-compressed. Zero pages (-d with 1)\n"
"      are left out; runs of 256 or more excluded pages split a PT_LOAD,\n"
"      shorter runs keep their contents. Works with -F and --num-threads,\n"
"      and from a kdump-compressed VMCORE too.\n"
"\n"
"  [-F]:\n"
"      Write the flattened format to the standard output (messages go to\n"
"      the standard error). crash and libkdumpfile read it directly; -R\n"
"      turns it into a normal DUMPFILE.\n"
"\n"
"  [-R]:\n"
"      Rebuild DUMPFILE from a flattened stream on the standard input. A\n"
"      stream that ends before its end marker fails at once (exit 1); what\n"
"      arrived stays in DUMPFILE, flagged incomplete.\n"
"\n"
"  [-x VMLINUX]:\n"
"      Read the kernel's symbols and types from the DWARF of this vmlinux:\n"
"      VMCOREINFO keys the dump lacks are taken from it (a dump without\n"
"      VMCOREINFO is described by it alone), keys that disagree are warned\n"
"      about. A vmlinux of another build (build ID, or release when the dump\n"
"      has no build ID) is refused with exit status 2.\n"
"\n"
"  [-g VMCOREINFO]:\n"
"      With -x: write the VMCOREINFO the vmlinux's kernel exports (file mode\n"
"      0600; -f to overwrite). Values known only to the running kernel\n"
"      (KASLR offset, phys_base, the mem_section pointer, ...) are left out.\n"
"\n"
"  [-i VMCOREINFO]:\n"
"      Take the kernel's layout from this vmcoreinfo file instead of the\n"
"      dump's VMCOREINFO note; values of the running kernel still come from\n"
"      the note when it has them, and a file without KERNELOFFSET (from -g)\n"
"      has its symbols moved by the note's. Exit status 2 if its release\n"
"      differs.\n"
"\n"
"  [-f]:\n"
"      Overwrite an existing DUMPFILE. With --mem-usage: run on /proc/kcore\n"
"      of kernels older than 4.11.\n"
"\n"
"  [-L SIZE]:\n"
"      Limit the output to SIZE bytes (suffixes K, M, G, T, P, E). A dump\n"
"      cut short is still readable and is flagged incomplete.\n"
"\n"
"  [-D]:\n"
"      Print debugging messages (same as adding 8 to --message-level).\n"
"\n"
"  [--message-level ML]:\n"
"      Bit mask of message classes: 1 progress, 2 common messages,\n"
"      4 errors, 8 debug, 16 report. Default 7.\n"
"\n"
"  [--show-stats]:\n"
"      Print the statistics report (same as adding 16 to --message-level).\n"
"\n"
"  [--json FILE|-]:\n"
"      Also write the run's report as one JSON object to FILE (\"-\" for the\n"
"      standard output, or the standard error with -F): status, dump level,\n"
"      format, compression, page counters, write bytes, device-backed vmemmap\n"
"      segments, the self-check, timings. Written on failure too.\n"
"\n"
"  [--cyclic-buffer KIB]:\n"
"      Bitmap memory per window in KiB; one window covers KIB*8192 pages.\n"
"      By default the whole dump is done in one window when that takes at\n"
"      most 4 MiB per bitmap.\n"
"\n"
"  [--non-cyclic]:\n"
"      One window for the whole dump, whatever its size.\n"
"\n"
"  [--non-mmap]:\n"
"      Read VMCORE with read(2) only (mmap(2) is tried by default).\n"
"\n"
"  [--num-threads N]:\n"
"      Read and compress pages with N worker threads (also with -E, -F and\n"
"      --split). The output is byte-identical for any N.\n"
"\n"
"  [--split]:\n"
"      Write the dump as several kdump-compressed files (at least two), each\n"
"      holding one pfn range; written one after another.\n"
"\n"
"  [--splitblock-size KIB]:\n"
"      Granularity of the --split ranges (default 1048576, i.e. 1 GiB); must\n"
"      be a multiple of the page size.\n"
"\n"
"  [--reassemble]:\n"
"      Join the files of a --split set (any order) into the single DUMPFILE\n"
"      the unsplit run would have written.\n"
"\n"
"  [--dump-dmesg] [--partial-dmesg]:\n"
"      Write the kernel log of VMCORE to LOGFILE (lockless ring buffer of\n"
"      5.10+ or the older log_buf). --partial-dmesg starts at the last\n"
"      \"dmesg --clear\".\n"
"\n"
"  [--mem-usage]:\n"
"      Show how many pages each class holds, in a dump or in the running\n"
"      system's /proc/kcore (crashkernel memory left out).\n"
"\n"
"  [--dry-run]:\n"
"      Do everything but create or write the output; the report shows the\n"
"      bytes that would be written.\n"
"\n"
"  [--check-params]:\n"
"      Only check the command line: silent and exit 0 if it is valid; no\n"
"      file is opened or created.\n"
"\n"
"  [--vtop VADDR]:\n"
"      Print the page-table walk of a kernel virtual address.\n"
"\n"
"  [--config FILE]:\n"
"      Erase the kernel data FILE names (makedumpfile.conf(5): erase commands,\n"
"      for/endfor over arrays and lists) from the dump: the bytes are written\n"
"      as zeros in every output format, and an eraseinfo record of what was\n"
"      erased is kept in the dump (and carried through re-filtering). Names\n"
"      come from -x VMLINUX, or else from the dump's own kallsyms and BTF\n"
"      (globals then have no type: only 'size N' and 'nullify' work).\n"
"\n"
"  [-e]:\n"
"      Leave out the vmemmap frames (struct pages) whose every struct page\n"
"      describes a page the dump leaves out, for very large machines; needs\n"
"      --work-dir as makedumpfile does. Device-backed vmemmap is never left\n"
"      out. The header says so (DUMP_DH_EXCLUDED_VMEMMAP).\n"
"\n"
"  [-b ORDER], [--work-dir DIR], [--xen_phys_start ADDR]:\n"
"      Accepted for compatibility; they change nothing here (--work-dir only\n"
"      serves -e).\n"
"\n"
"  Not available in this build (refused with a message): --eppic, -X,\n"
"  --xen-syms, --xen-vmcoreinfo, --diskset, --extension.\n"
"\n"
"  Self-check: every dump and --mem-usage run compares the page classes it\n"
"  counted with the dumped kernel's own counters (free: free_area nr_free;\n"
"  cache: NR_FILE_PAGES - NR_SWAPCACHE; user: NR_ANON_MAPPED + hugetlb\n"
"  pools; slab: NR_SLAB_* against the kernel data kept), read with\n"
"  VMCOREINFO, the dump's kallsyms and BTF, or -x. Past 1%% (or 256 pages;\n"
"  free: 64) a WARNING names the class; the run still succeeds. The table\n"
"  is in the report (--message-level 16), -D and --json.\n"
"\n"
"  Device-backed vmemmap (struct pages of pmem namespaces stored on the\n"
"  device, map=dev) is recognised from the dump itself and every page of\n"
"  it is kept at any dump level:\n"
"  [--device-vmemmap START-END[,START-END...]]:\n"
"      Also treat these physical address ranges (hex, END exclusive) as\n"
"      device-backed vmemmap.\n"
"  [--no-device-vmemmap]:\n"
"      Do not look for device-backed vmemmap (stock makedumpfile behaviour).\n"
"\n"
"  [-v]:\n"
"      Show the version.\n"
"\n"
"  [-h|--help]:\n"
"      Show this help.\n"
"\n"
"Exit status: 0 success, 1 failure (an incomplete dump included), 2 the -i\n"
"VMCOREINFO does not match the dump's kernel release.\n");
}

static void invalid_value(FILE *msgf, const char *what, const char *arg)
{
	fprintf(msgf, "Invalid value for %s: '%s'.\n", what, arg);
}

static bool parse_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 0);
	return !errno && end != s && *end == '\0';
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && *end == '\0';
}

/* SIZE with an optional binary suffix, as -L takes it. */
static bool parse_size(const char *s, uint64_t *v)
{
	static const char suffix[] = "KMGTPE";
	char *end;
	const char *p;
	uint64_t x;

	if (*s == '-')
		return false;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	if (*end) {
		p = strchr(suffix, *end >= 'a' ? *end - 32 : *end);
		if (!p || end[1])
			return false;
		for (int i = 0; i <= p - suffix; i++) {
			if (x > UINT64_MAX / 1024)
				return false;
			x *= 1024;
		}
	}
	*v = x;
	return x != 0;
}

static bool parse_dump_levels(FILE *msgf, struct options *o, const char *arg)
{
	char buf[256];
	char *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf)) {
		fprintf(msgf, "Dump_level is invalid.\n");
		return false;
	}
	strcpy(buf, arg);
	o->nr_dump_levels = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long v;

		if (!parse_long(tok, &v) || v < 0 || v > DL_MAX) {
			fprintf(msgf, "Dump_level(%s) is invalid.\n", tok);
			return false;
		}
		if (o->nr_dump_levels == MAX_DUMP_LEVELS) {
			fprintf(msgf, "Dump_level is invalid.\n");
			return false;
		}
		o->dump_levels[o->nr_dump_levels++] = (int)v;
	}
	if (!o->nr_dump_levels) {
		fprintf(msgf, "Dump_level is invalid.\n");
		return false;
	}
	return true;
}

static bool parse_dbv_ranges(struct options *o, const char *arg)
{
	char buf[4096];
	char *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf))
		return false;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t b, e;
		char *end;

		if (!dash || o->nr_dbv_ranges == MAX_DBV_RANGES)
			return false;
		*dash = '\0';
		errno = 0;
		b = strtoull(tok, &end, 16);
		if (errno || end == tok || *end)
			return false;
		e = strtoull(dash + 1, &end, 16);
		if (errno || end == dash + 1 || *end || e <= b)
			return false;
		o->dbv_ranges[o->nr_dbv_ranges][0] = b;
		o->dbv_ranges[o->nr_dbv_ranges][1] = e;
		o->nr_dbv_ranges++;
	}
	return o->nr_dbv_ranges > 0;
}

/* Assign positional arguments by mode; false if their number is wrong. */
static bool assign_positionals(struct options *o, int n, char **args)
{
	switch (o->mode) {
	case MODE_REARRANGE:
		if (n != 1)
			return false;
		o->dumpfile = args[0];
		return true;
	case MODE_REASSEMBLE:
		if (n < 3)
			return false;
		o->dumpfiles = (const char **)args;
		o->nr_dumpfiles = n - 1;
		o->dumpfile = args[n - 1];
		return true;
	case MODE_GENERATE:
		return n == 0;
	case MODE_DMESG:
		if (n != 2)
			return false;
		o->vmcore = args[0];
		o->dumpfile = args[1];
		return true;
	case MODE_MEM_USAGE:
		if (n != 1)
			return false;
		o->vmcore = args[0];
		return true;
	case MODE_DUMP:
		if (o->split) {
			if (n < 3)
				return false;
			o->vmcore = args[0];
			o->dumpfiles = (const char **)args + 1;
			o->nr_dumpfiles = n - 1;
			return true;
		}
		if (o->flatten) {
			if (n != 1)
				return false;
			o->vmcore = args[0];
			return true;
		}
		if (n != 2)
			return false;
		o->vmcore = args[0];
		o->dumpfile = args[1];
		return true;
	}
	return false;
}

/* The combinations makedumpfile refuses, mode by mode. */
static enum parse_result check_combinations(FILE *msgf, struct options *o,
					    bool levels_given,
					    bool rearrange, bool reassemble,
					    bool dmesg, bool mem_usage)
{
	if (o->vmcoreinfo_in && o->vmlinux)
		return PARSE_INVALID;
	if (o->vmcoreinfo_in && o->xen_syms)
		return PARSE_INVALID;
	switch (o->mode) {
	case MODE_GENERATE:
		if (o->compress || levels_given || o->elf || o->vmcoreinfo_in ||
		    o->flatten || rearrange || o->xen_exclude || !o->vmlinux)
			return PARSE_INVALID;
		if (o->dry_run) {
			fprintf(msgf, "--dry-run cannot be used with -g.\n");
			return PARSE_FAILED;
		}
		break;
	case MODE_REARRANGE:
		if (o->compress || levels_given || o->elf || o->vmlinux ||
		    o->vmcoreinfo_in || o->flatten || o->xen_exclude || o->split)
			return PARSE_INVALID;
		break;
	case MODE_REASSEMBLE:
		if (o->compress || levels_given || o->elf || o->vmlinux ||
		    o->vmcoreinfo_in || o->flatten || o->split)
			return PARSE_INVALID;
		if (o->dry_run) {
			fprintf(msgf, "--dry-run cannot be used with --reassemble.\n");
			return PARSE_FAILED;
		}
		break;
	default:
		if (o->compress && o->elf)
			return PARSE_INVALID;
		if (dmesg && o->dry_run) {
			fprintf(msgf, "--dry-run cannot be used with --dump-dmesg.\n");
			return PARSE_FAILED;
		}
		if (o->flatten && o->split)
			return PARSE_INVALID;
		if (o->partial_dmesg && !dmesg)
			return PARSE_INVALID;
		if (o->exclude_vmemmap && !o->work_dir) {
			fprintf(msgf, "-e requires --work-dir\n");
			return PARSE_FAILED;
		}
		if (o->split && o->elf) {
			fprintf(msgf, "Options for splitting dumpfile cannot be used with Elf format.\n");
			return PARSE_FAILED;
		}
		break;
	}
	(void)mem_usage;
	(void)reassemble;
	return PARSE_OK;
}

enum parse_result options_parse(struct options *o, int argc, char **argv,
				FILE *messages)
{
	bool levels_given = false, rearrange = false, reassemble = false;
	bool dmesg = false, mem_usage = false, generate = false;
	int c;

	FILE *msgf = messages;

	memset(o, 0, sizeof(*o));
	o->message_level = ML_DEFAULT;
	o->block_order = 4;
	o->dump_levels[0] = 0;
	o->nr_dump_levels = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:cDd:eEFfg:hi:lL:pRvXx:z",
				longopts, NULL)) != -1) {
		long v;

		switch (c) {
		case 'b':
			if (!parse_long(optarg, &v) || v < 0 || v > 20) {
				invalid_value(msgf, "-b", optarg);
				return PARSE_INVALID;
			}
			o->block_order = v;
			break;
		case 'c':
			o->compress = DUMP_DH_COMPRESSED_ZLIB;
			break;
		case 'l':
			o->compress = DUMP_DH_COMPRESSED_LZO;
			break;
		case 'p':
			o->compress = DUMP_DH_COMPRESSED_SNAPPY;
			break;
		case 'z':
			o->compress = DUMP_DH_COMPRESSED_ZSTD;
			break;
		case 'D':
			o->debug = true;
			break;
		case 'd':
			if (!parse_dump_levels(msgf, o, optarg))
				return PARSE_FAILED;
			levels_given = true;
			break;
		case 'e':
			o->exclude_vmemmap = true;
			break;
		case 'E':
			o->elf = true;
			break;
		case 'F':
			o->flatten = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'g':
			generate = true;
			o->vmcoreinfo_out = optarg;
			break;
		case 'h':
		case OPT_HELP:
			o->help = true;
			break;
		case 'i':
			o->vmcoreinfo_in = optarg;
			break;
		case 'L':
			if (!parse_size(optarg, &o->size_limit)) {
				fprintf(msgf, "Limit size(%s) is invalid.\n", optarg);
				return PARSE_FAILED;
			}
			break;
		case 'R':
			rearrange = true;
			break;
		case 'v':
			o->version = true;
			break;
		case 'X':
			o->xen_exclude = true;
			break;
		case 'x':
			o->vmlinux = optarg;
			break;
		case OPT_SPLIT:
			o->split = true;
			break;
		case OPT_REASSEMBLE:
			reassemble = true;
			break;
		case OPT_XEN_SYMS:
			o->xen_syms = optarg;
			break;
		case OPT_XEN_VMCOREINFO:
			o->xen_vmcoreinfo = optarg;
			break;
		case OPT_XEN_PHYS_START:
			break;
		case OPT_MESSAGE_LEVEL:
			if (!parse_long(optarg, &v) || v < 0 || v > ML_ALL) {
				fprintf(msgf, "Message_level(%s) is invalid.\n", optarg);
				return PARSE_FAILED;
			}
			o->message_level = (unsigned int)v;
			break;
		case OPT_VTOP:
			if (!parse_u64(optarg, &o->vtop)) {
				invalid_value(msgf, "--vtop", optarg);
				return PARSE_INVALID;
			}
			o->have_vtop = true;
			break;
		case OPT_DUMP_DMESG:
			dmesg = true;
			break;
		case OPT_PARTIAL_DMESG:
			o->partial_dmesg = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_DISKSET:
			o->has_diskset = true;
			break;
		case OPT_CYCLIC_BUFFER:
			if (!parse_long(optarg, &v) || v <= 0) {
				invalid_value(msgf, "--cyclic-buffer", optarg);
				return PARSE_INVALID;
			}
			o->cyclic_buffer_kib = v;
			break;
		case OPT_EPPIC:
			o->eppic = optarg;
			break;
		case OPT_NON_MMAP:
			o->non_mmap = true;
			break;
		case OPT_MEM_USAGE:
			mem_usage = true;
			break;
		case OPT_SPLITBLOCK_SIZE:
			if (!parse_long(optarg, &v) || v <= 0) {
				invalid_value(msgf, "--splitblock-size", optarg);
				return PARSE_INVALID;
			}
			o->splitblock_kib = v;
			break;
		case OPT_WORK_DIR:
			o->work_dir = optarg;
			break;
		case OPT_NUM_THREADS:
			if (!parse_long(optarg, &v)) {
				invalid_value(msgf, "--num-threads", optarg);
				return PARSE_INVALID;
			}
			/* makedumpfile turns a negative count into 0. */
			o->num_threads = v < 0 ? 0 : v;
			break;
		case OPT_CHECK_PARAMS:
			o->check_params = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_SHOW_STATS:
			o->show_stats = true;
			break;
		case OPT_EXTENSION:
			o->has_extension = true;
			break;
		case OPT_NON_CYCLIC:
			o->non_cyclic = true;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_DEVICE_VMEMMAP:
			if (!parse_dbv_ranges(o, optarg)) {
				invalid_value(msgf, "--device-vmemmap", optarg);
				return PARSE_INVALID;
			}
			break;
		case OPT_NO_DEVICE_VMEMMAP:
			o->no_device_vmemmap = true;
			break;
		default:
			return PARSE_INVALID;
		}
	}
	if (o->debug)
		o->message_level |= ML_DEBUG;
	if (o->show_stats)
		o->message_level |= ML_REPORT;
	if (o->check_params)
		o->message_level = ML_DEFAULT;
	if (o->help || o->version)
		return PARSE_OK;

	if (generate)
		o->mode = MODE_GENERATE;
	else if (rearrange)
		o->mode = MODE_REARRANGE;
	else if (reassemble)
		o->mode = MODE_REASSEMBLE;
	else if (dmesg)
		o->mode = MODE_DMESG;
	else if (mem_usage)
		o->mode = MODE_MEM_USAGE;
	else
		o->mode = MODE_DUMP;
	if (o->num_threads > 1024) {
		invalid_value(msgf, "--num-threads", "more than 1024");
		return PARSE_INVALID;
	}
	{
		enum parse_result r = check_combinations(msgf, o, levels_given, rearrange,
							 reassemble, dmesg, mem_usage);
		if (r != PARSE_OK)
			return r;
	}
	if (!assign_positionals(o, argc - optind, argv + optind))
		return PARSE_INVALID;
	return PARSE_OK;
}
