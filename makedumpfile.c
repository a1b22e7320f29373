// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * makedumpfile: filter and compress Linux crash dumps, keeping the
 * device-backed vmemmap of pmem namespaces.
 *
 * main() owns the one context object; every module gets what it needs
 * from it and returns errors instead of exiting.
 */
#include "arch/arch.h"
#include "cli/options.h"
#include "erase_info.h"
#include "filter/devmap.h"
#include "filter/filter.h"
#include "kernel/kernel.h"
#include "kernel/vmcoreinfo.h"
#include "lib/error.h"
#include "lib/util.h"
#include "print_info.h"
#include "reader/source.h"
#include "writer/codec.h"
#include "writer/output.h"
#include "writer/writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum exit_status {
	EXIT_COMPLETED = 0,
	EXIT_FAILED = 1,
	EXIT_WRONG_RELEASE = 2,
};

/* Bitmap memory per window unless --cyclic-buffer says otherwise. */
#define DEFAULT_BITMAP_BYTES (4u << 20)

struct context {
	struct options opt;
	struct printer pr;
	struct source *src;
	struct vmcoreinfo *vi;
	struct kernel *k;
	struct dbv_set *dbv;
	struct filter *filter;
	struct output *out;
	struct eraseinfo erase;
	uint8_t *notes;			/* notes as written (perhaps with VMCOREINFO added) */
	size_t notes_size;
	size_t vmcoreinfo_off, vmcoreinfo_size;
	struct dump_stats stats;
	unsigned int dump_level;
	bool incomplete;
};

static void report_error(struct context *c, struct error *err)
{
	msg_error(&c->pr, "%s\n", err->msg);
}

/* -i takes precedence over the dump's note; the dump must then match it. */
static struct error *load_vmcoreinfo(struct context *c)
{
	const char *text;
	size_t len;

	if (c->opt.vmcoreinfo_in)
		return vmcoreinfo_read_file(c->opt.vmcoreinfo_in, &c->vi);
	text = source_vmcoreinfo(c->src, &len);
	if (!text)
		return ERR(ERR_FORMAT,
			   "%s has no VMCOREINFO note; give one with -i VMCOREINFO",
			   c->src->path);
	return vmcoreinfo_parse(text, len, &c->vi);
}

/* The notes the output carries: the input's, plus VMCOREINFO if -i supplied it. */
static struct error *build_notes(struct context *c)
{
	const struct source *src = c->src;
	size_t add = 0, name = ROUND_UP(sizeof("VMCOREINFO"), 4);

	if (c->opt.vmcoreinfo_in && !src->note_info.has_vmcoreinfo)
		add = 12 + name + ROUND_UP(c->vi->len, 4);
	c->notes_size = src->notes_size + add;
	if (!c->notes_size)
		return NULL;
	c->notes = calloc(1, c->notes_size);
	if (!c->notes)
		return ERR_OOM();
	if (src->notes_size)
		memcpy(c->notes, src->notes, src->notes_size);
	if (src->note_info.has_vmcoreinfo) {
		c->vmcoreinfo_off = src->note_info.vmcoreinfo_off;
		c->vmcoreinfo_size = src->note_info.vmcoreinfo_size;
	}
	if (add) {
		uint8_t *p = c->notes + src->notes_size;

		store_le32(p, sizeof("VMCOREINFO"));
		store_le32(p + 4, (uint32_t)c->vi->len);
		store_le32(p + 8, 0);
		memcpy(p + 12, "VMCOREINFO", sizeof("VMCOREINFO"));
		memcpy(p + 12 + name, c->vi->text, c->vi->len);
		c->vmcoreinfo_off = src->notes_size + 12 + name;
		c->vmcoreinfo_size = c->vi->len;
	}
	return NULL;
}

static struct error *check_release(struct context *c)
{
	const char *mem_release = (const char *)c->k->utsname + 2 * UTS_FIELD_LEN;

	if (!c->opt.vmcoreinfo_in || !mem_release[0])
		return NULL;
	if (strncmp(mem_release, c->k->release, UTS_FIELD_LEN))
		return ERR(ERR_RELEASE,
			   "The kernel version of %s (%s) doesn't match the vmcoreinfo (%s).",
			   c->src->path, mem_release, c->k->release);
	return NULL;
}

static uint64_t window_pfns(const struct context *c)
{
	uint64_t bytes = DEFAULT_BITMAP_BYTES;

	if (c->opt.non_cyclic)
		return UINT64_MAX;
	if (c->opt.cyclic_buffer_kib)
		bytes = (uint64_t)c->opt.cyclic_buffer_kib << 10;
	return bytes * 8;
}

/* Source, VMCOREINFO, kernel model and device-vmemmap detection. */
static struct error *open_input(struct context *c)
{
	struct dbv_options dopt = { 0 };
	struct error *err;

	err = source_open(c->opt.vmcore, !c->opt.non_mmap, &c->pr, &c->src);
	if (!err)
		err = load_vmcoreinfo(c);
	if (!err)
		err = kernel_open(c->src, c->vi, &c->pr, 0, &c->k);
	if (!err)
		err = check_release(c);
	if (err)
		return err;
	if (c->opt.have_vtop)
		c->k->arch->print_vtop(c->k, c->opt.vtop);
	dopt.enabled = !c->opt.no_device_vmemmap;
	dopt.manual = (const uint64_t (*)[2])c->opt.dbv_ranges;
	dopt.nr_manual = c->opt.nr_dbv_ranges;
	err = dbv_detect(c->k, &dopt, &c->dbv);
	if (!err)
		dbv_print(c->dbv, c->k);
	return err;
}

/* A re-filtered dump can't get back what its input left out: OR the levels. */
static struct error *use_dump_level(struct context *c, unsigned int requested)
{
	struct filter_options fopt = { 0 };
	unsigned int in = c->src->kdump ? (unsigned int)c->src->kdump->dump_level : 0;

	if ((requested | in) != requested)
		msg_common(&c->pr, "dump_level is changed to %u, because %s was created by dump_level(%u).\n",
			   requested | in, c->src->path, in);
	c->dump_level = requested | in;
	filter_destroy(c->filter);
	c->filter = NULL;
	fopt.dump_level = c->dump_level;
	fopt.zero_in_bitmap = c->opt.elf || c->opt.mode == MODE_MEM_USAGE;
	return filter_create(c->k, c->dbv, &fopt, &c->filter);
}

static struct error *open_output(struct context *c)
{
	struct output_options oo = { .force = c->opt.force,
				     .limit = c->opt.size_limit };

	if (c->opt.dry_run)
		return output_dry(c->opt.flatten ? "STDOUT" : c->opt.dumpfile, &c->out);
	if (c->opt.flatten)
		return output_flat(STDOUT_FILENO, "STDOUT", &oo, &c->out);
	return output_create(c->opt.dumpfile, &oo, &c->out);
}

static void init_stats(struct context *c)
{
	memset(&c->stats, 0, sizeof(c->stats));
	c->stats.max_mapnr = c->k->max_mapnr;
	c->stats.original = c->src->ops->original_pages(c->src, c->k->max_mapnr);
	c->stats.dbv_segments = (unsigned int)c->dbv->nr;
	c->stats.dbv_pages = dbv_present_pages(c->dbv);
	c->stats.elf = c->opt.elf;
}

static struct error *write_once(struct context *c)
{
	struct write_params wp = {
		.src = c->src,
		.k = c->k,
		.filter = c->filter,
		.dbv = c->dbv,
		.out = c->out,
		.pr = &c->pr,
		.dump_level = c->dump_level,
		.method = c->opt.compress,
		.threads = (unsigned int)c->opt.num_threads,
		.window_pfns = window_pfns(c),
		.notes = c->notes,
		.notes_size = c->notes_size,
		.vmcoreinfo_off = c->vmcoreinfo_off,
		.vmcoreinfo_size = c->vmcoreinfo_size,
		.nr_cpus = c->src->note_info.nr_prstatus,
		.eraseinfo = c->erase.text,
		.eraseinfo_size = c->erase.size,
		.timestamp_sec = (int64_t)c->k->crashtime,
		.stats = &c->stats,
	};
	struct timespec t0;
	struct error *err;

	if (c->src->kdump) {
		wp.timestamp_sec = c->src->kdump->timestamp_sec;
		wp.timestamp_usec = c->src->kdump->timestamp_usec;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	init_stats(c);
	err = kdump_write(&wp, &c->incomplete);
	if (!err)
		err = output_finish(c->out);
	c->stats.write_bytes = c->out->write_bytes;
	return err;
}

/* Write the dump, walking down a -d retry list when space runs out. */
static struct error *create_dumpfile(struct context *c)
{
	struct error *err;
	int i;

	err = open_input(c);
	if (!err)
		err = eraseinfo_from_source(c->src, &c->erase);
	if (!err)
		err = build_notes(c);
	for (i = 0; !err; i++) {
		err = use_dump_level(c, (unsigned int)c->opt.dump_levels[i]);
		if (!err)
			err = open_output(c);
		if (!err)
			err = write_once(c);
		if (!err || err->code != ERR_NOSPC ||
		    i + 1 >= c->opt.nr_dump_levels || c->opt.flatten ||
		    c->opt.dry_run)
			break;
		/* Start over with the next level into an empty file. */
		report_error(c, err);
		error_free(err);
		err = NULL;
		output_close(c->out);
		c->out = NULL;
		unlink(c->opt.dumpfile);
		c->incomplete = false;
		msg_common(&c->pr, "Retry to create a dumpfile by dump_level(%d).\n",
			   c->opt.dump_levels[i + 1]);
	}
	return err;
}

static int run_dump(struct context *c)
{
	struct error *err = create_dumpfile(c);
	const char *name = c->opt.flatten ? "STDOUT" : c->opt.dumpfile;

	if (err) {
		int rc = err->code == ERR_RELEASE ? EXIT_WRONG_RELEASE : EXIT_FAILED;

		report_error(c, err);
		if (c->incomplete && !c->opt.flatten)
			msg_common(&c->pr, "This is an incomplete dumpfile, but might analyzable.\n");
		error_free(err);
		return rc;
	}
	print_report(&c->pr, &c->stats);
	if (c->incomplete) {
		msg_common(&c->pr, "This is an incomplete dumpfile, but might analyzable.\n");
		return EXIT_FAILED;
	}
	msg_common(&c->pr, "\nThe dumpfile is saved to %s.\n", name);
	return EXIT_COMPLETED;
}

static int run(struct context *c, int argc, char **argv)
{
	bool to_stderr = false;
	enum parse_result pr;
	struct error *err = NULL;
	int i, rc;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-F"))
			to_stderr = true;
	pr = options_parse(&c->opt, argc, argv, to_stderr ? stderr : stdout);
	printer_init(&c->pr, c->opt.message_level, c->opt.flatten || to_stderr);
	if (pr == PARSE_INVALID) {
		msg_common(&c->pr, "Commandline parameter is invalid.\n");
		msg_common(&c->pr, "Try `makedumpfile --help' for more information.\n");
	}
	if (pr != PARSE_OK) {
		msg_common(&c->pr, "\nmakedumpfile Failed.\n");
		return EXIT_FAILED;
	}
	if (c->opt.help) {
		print_usage();
		return EXIT_COMPLETED;
	}
	if (c->opt.version) {
		print_version();
		return EXIT_COMPLETED;
	}
	if (c->opt.check_params)
		return EXIT_COMPLETED;
	if (c->opt.vmlinux || c->opt.mode == MODE_GENERATE || c->opt.config ||
	    c->opt.eppic || c->opt.xen_exclude || c->opt.xen_syms ||
	    c->opt.xen_vmcoreinfo || c->opt.has_diskset || c->opt.has_extension ||
	    c->opt.exclude_vmemmap) {
		msg_common(&c->pr, "%s is not available in this build: it reads no "
			   "vmlinux debug information, Xen or sadump dumps, or extensions. "
			   "Give the kernel's layout with -i VMCOREINFO.\n",
			   c->opt.vmlinux ? "-x" :
			   c->opt.mode == MODE_GENERATE ? "-g" :
			   c->opt.config ? "--config" : c->opt.eppic ? "--eppic" :
			   c->opt.exclude_vmemmap ? "-e" :
			   c->opt.has_diskset ? "--diskset" :
			   c->opt.has_extension ? "--extension" : "Xen support");
		msg_common(&c->pr, "\nmakedumpfile Failed.\n");
		return EXIT_FAILED;
	}
	msg_debug(&c->pr, "makedumpfile: command line:");
	for (i = 0; i < argc; i++)
		msg_debug(&c->pr, " %s", argv[i]);
	msg_debug(&c->pr, "\n\n");

	if (c->opt.mode != MODE_DUMP || c->opt.split || c->opt.elf || c->opt.json) {
		msg_common(&c->pr, "This mode is not available yet in this build.\n");
		msg_common(&c->pr, "\nmakedumpfile Failed.\n");
		return EXIT_FAILED;
	}
	rc = run_dump(c);
	if (err) {
		report_error(c, err);
		error_free(err);
	}
	msg_common(&c->pr, "\n");
	msg_common(&c->pr, rc == EXIT_COMPLETED ? "makedumpfile Completed.\n"
						: "makedumpfile Failed.\n");
	return rc;
}

static void cleanup(struct context *c)
{
	output_close(c->out);
	filter_destroy(c->filter);
	dbv_free(c->dbv);
	kernel_close(c->k);
	vmcoreinfo_free(c->vi);
	source_close(c->src);
	eraseinfo_release(&c->erase);
	free(c->notes);
}

int main(int argc, char **argv)
{
	struct context c = { 0 };
	int rc = run(&c, argc, argv);

	cleanup(&c);
	return rc;
}
