// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * makedumpfile: filter and compress Linux crash dumps, keeping the
 * device-backed vmemmap of pmem namespaces.
 *
 * main() owns the one context object; every module gets what it needs
 * from it and returns errors instead of exiting.
 */
#include "arch/arch.h"
#include "cli/json_report.h"
#include "cli/options.h"
#include "erase/job.h"
#include "erase_info.h"
#include "filter/devmap.h"
#include "filter/exclude_vmemmap.h"
#include "filter/filter.h"
#include "filter/mem_usage.h"
#include "kernel/dmesg.h"
#include "kernel/kernel.h"
#include "kernel/vmcoreinfo.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/util.h"
#include "print_info.h"
#include "reader/source.h"
#include "selfcheck/selfcheck.h"
#include "symbols/symbols.h"
#include "symbols/vmcoreinfo_gen.h"
#include "writer/codec.h"
#include "writer/output.h"
#include "writer/reassemble.h"
#include "writer/rearrange.h"
#include "writer/split.h"
#include "writer/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
/* --mem-usage reads /proc/kcore's p_paddr, valid since 4.11. */
#define MEM_USAGE_MIN_VERSION KERNEL_VERSION(4, 11, 0)

struct context {
	struct options opt;
	struct printer pr;
	struct source *src;
	struct vmcoreinfo *vi;
	struct symbols *syms;		/* -x vmlinux, or the dump's kallsyms/BTF */
	struct selfcheck *sc;		/* NULL until run */
	struct kernel *k;
	struct dbv_set *dbv;
	struct filter *filter;

	/* outputs: one, or one per --split file */
	struct output **outs;
	const char **out_names;
	unsigned int nr_outs;
	struct split_range *ranges;

	struct eraseinfo erase;
	struct erase_job erase_job;	/* --config */
	bool erasing;
	struct vmemmap_excl *vmx;	/* -e */
	uint8_t *notes;			/* notes as written (perhaps with VMCOREINFO added) */
	size_t notes_size;
	size_t vmcoreinfo_off, vmcoreinfo_size;
	struct dump_stats stats;
	bool have_stats;
	unsigned int dump_level;
	int requested_level;
	bool incomplete;
	uint64_t records;		/* dmesg or -R records */

	struct timespec t_start;
	double t_input, t_write;
	char *failure;			/* first error message, for --json */
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Print @err, keep its text for the JSON report, and release it. */
static int fail(struct context *c, struct error *err)
{
	int rc = err->code == ERR_RELEASE ? EXIT_WRONG_RELEASE : EXIT_FAILED;

	msg_error(&c->pr, "%s\n", err->msg);
	if (!c->failure)
		c->failure = strdup(err->msg);
	error_free(err);
	return rc;
}

static const char *dump_name(const struct context *c)
{
	return c->opt.flatten ? "STDOUT" : c->opt.dumpfile;
}

/* As makedumpfile checks before doing any work: existing files need -f. */
static struct error *check_dump_file(const char *path, bool force)
{
	if (!path || access(path, F_OK) != 0)
		return NULL;
	if (force) {
		if (access(path, W_OK) == 0)
			return NULL;
		return ERR_ERRNO(ERR_EXISTS, errno, "Can't open the dump file (%s). %s",
				 path, strerror(errno));
	}
	return ERR(ERR_EXISTS, "Can't open the dump file (%s). %s", path,
		   strerror(EEXIST));
}

/* -x: warn about a key where the dump and the vmlinux disagree. */
static void vmlinux_mismatch(void *arg, const char *key, const char *have,
			     const char *gen)
{
	struct context *c = arg;

	msg_common(&c->pr, "WARNING: VMCOREINFO has %s=%s, the vmlinux gives %s; "
		   "using VMCOREINFO's.\n", key, have, gen);
}

/*
 * -x: refuse a vmlinux of another build, then complete VMCOREINFO with what
 * the vmlinux knows (or take it all from the vmlinux if the dump has none).
 */
static struct error *use_vmlinux(struct context *c)
{
	struct vmcoreinfo *gen = NULL, *merged = NULL;
	char dump_id[128], vm_id[128], rel[UTS_FIELD_LEN];
	uint64_t kaslr = 0;
	struct error *err;
	size_t len;
	char *text;

	if (c->vi)
		vi_hex(c->vi, "KERNELOFFSET", &kaslr);
	err = symbols_new(&c->syms);
	if (!err)
		err = symbols_add_vmlinux(c->syms, c->opt.vmlinux, kaslr);
	if (err)
		return err;
	if (c->vi && vi_string(c->vi, "BUILD-ID", dump_id, sizeof(dump_id)) &&
	    symbols_vmlinux_build_id(c->syms, vm_id, sizeof(vm_id)) &&
	    strcmp(dump_id, vm_id))
		return ERR(ERR_RELEASE,
			   "The vmlinux %s (build ID %s) is not the kernel of %s (build ID %s).",
			   c->opt.vmlinux, vm_id, c->src->path, dump_id);
	err = symbols_vmlinux_release(c->syms, rel, sizeof(rel));
	if (err)
		return error_wrap(err, "%s", c->opt.vmlinux);
	err = vmcoreinfo_generate(c->syms, &text, &len);
	if (err)
		return error_wrap(err, "%s", c->opt.vmlinux);
	err = vmcoreinfo_parse(text, len, &gen);
	free(text);
	if (err)
		return err;
	if (!c->vi) {
		c->vi = gen;
	} else {
		err = vmcoreinfo_merge(c->vi, gen, vmlinux_mismatch, c, &merged);
		vmcoreinfo_free(gen);
		if (err)
			return err;
		vmcoreinfo_free(c->vi);
		c->vi = merged;
	}
	return symbols_add_vmcoreinfo(c->syms, c->vi);
}

/*
 * -i takes precedence over the dump's note (values of the running kernel
 * excepted, see vmcoreinfo_adopt_runtime); the dump must then match it.
 */
static struct error *load_vmcoreinfo(struct context *c)
{
	struct vmcoreinfo *file = NULL, *note = NULL;
	const char *text;
	struct error *err;
	size_t len;

	text = source_vmcoreinfo(c->src, &len);
	if (c->opt.vmcoreinfo_in) {
		err = vmcoreinfo_read_file(c->opt.vmcoreinfo_in, &file);
		if (err || !text) {
			c->vi = file;
			return err;
		}
		err = vmcoreinfo_parse(text, len, &note);
		if (!err)
			err = vmcoreinfo_adopt_runtime(file, note, &c->vi);
		vmcoreinfo_free(file);
		vmcoreinfo_free(note);
		return err;
	}
	if (text) {
		err = vmcoreinfo_parse(text, len, &c->vi);
		if (err)
			return err;
	} else if (!c->opt.vmlinux) {
		return ERR(ERR_FORMAT,
			   "%s has no VMCOREINFO note; give one with -i VMCOREINFO",
			   c->src->path);
	}
	return c->opt.vmlinux ? use_vmlinux(c) : NULL;
}

/*
 * An ELF input's ERASEINFO note, when this run adds lines to the record:
 * the writers then write the whole record (the input's and ours) in one
 * place.  Returns the note's span inside the notes, or false.
 */
static bool eraseinfo_note_span(const struct context *c, size_t *from, size_t *to)
{
	const struct source *src = c->src;
	size_t pos = 0, prev;
	struct note n;
	bool bad;

	if (!src->note_info.has_eraseinfo || c->erase.size == c->erase.inherited)
		return false;
	for (prev = pos; note_next(src->notes, src->notes_size, &pos, &n, &bad); prev = pos)
		if (note_name_is(&n, "ERASEINFO")) {
			*from = prev;
			*to = pos;
			return true;
		}
	return false;
}

/* The notes the output carries: the input's, plus VMCOREINFO if -i supplied it. */
static struct error *build_notes(struct context *c)
{
	const struct source *src = c->src;
	size_t add = 0, name = ROUND_UP(sizeof("VMCOREINFO"), 4);
	size_t cut_from = 0, cut_to = 0;
	bool cut = eraseinfo_note_span(c, &cut_from, &cut_to);

	if ((c->opt.vmcoreinfo_in || c->opt.vmlinux) && !src->note_info.has_vmcoreinfo)
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
	if (cut) {
		size_t n = cut_to - cut_from;

		memmove(c->notes + cut_from, c->notes + cut_to, c->notes_size - cut_to);
		c->notes_size -= n;
		if (c->vmcoreinfo_size && c->vmcoreinfo_off >= cut_to)
			c->vmcoreinfo_off -= n;
	}
	if (add) {
		uint8_t *p = c->notes + c->notes_size - add;

		store_le32(p, sizeof("VMCOREINFO"));
		store_le32(p + 4, (uint32_t)c->vi->len);
		store_le32(p + 8, 0);
		memcpy(p + 12, "VMCOREINFO", sizeof("VMCOREINFO"));
		memcpy(p + 12 + name, c->vi->text, c->vi->len);
		c->vmcoreinfo_off = c->notes_size - add + 12 + name;
		c->vmcoreinfo_size = c->vi->len;
	}
	return NULL;
}

static struct error *check_release(struct context *c)
{
	const char *mem_release = (const char *)c->k->utsname + 2 * UTS_FIELD_LEN;

	if (!mem_release[0])
		return NULL;
	if (c->opt.vmlinux && c->syms) {
		char rel[UTS_FIELD_LEN];
		struct error *err = symbols_vmlinux_release(c->syms, rel, sizeof(rel));

		if (err)
			return err;
		if (strncmp(mem_release, rel, UTS_FIELD_LEN))
			return ERR(ERR_RELEASE,
				   "The kernel version of %s (%s) doesn't match the vmlinux %s (%s).",
				   c->src->path, mem_release, c->opt.vmlinux, rel);
	}
	if (!c->opt.vmcoreinfo_in)
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

/* Source, VMCOREINFO and kernel model. */
static struct error *open_kernel(struct context *c)
{
	struct error *err;

	err = source_open(c->opt.vmcore, !c->opt.non_mmap, &c->pr, &c->src);
	if (!err)
		err = load_vmcoreinfo(c);
	if (!err)
		err = kernel_open(c->src, c->vi, &c->pr, 0, &c->k);
	if (!err)
		err = check_release(c);
	if (!err && c->opt.have_vtop)
		kernel_print_vtop(c->k, c->opt.vtop);
	return err;
}

static struct error *need_symbols(struct context *c);

/* --config: what to erase in this dump, and its record. */
static struct error *plan_erase(struct context *c)
{
	struct erase_plan *p = &c->erase_job.plan;
	struct error *err;

	/* -x gave the vmlinux's; otherwise the dump's kallsyms and BTF. */
	err = need_symbols(c);
	if (err)
		return error_wrap(err, "--config needs the kernel's symbols: give -x VMLINUX");
	err = erase_job_plan(&c->erase_job, c->syms, c->k, &c->pr);
	if (!err)
		err = eraseinfo_append(&c->erase, p->info, p->info_len);
	if (err)
		return err;
	msg_common(&c->pr, "Erasing %llu bytes (%llu erase commands) from %s.\n",
		   (unsigned long long)p->set.bytes, (unsigned long long)p->commands,
		   c->opt.config);
	return NULL;
}

/* The input's eraseinfo and ours, for -D. */
static void print_eraseinfo_line(void *arg, const char *line, size_t len)
{
	struct context *c = arg;

	msg_debug(&c->pr, "  %.*s\n", (int)len, line);
}

static void print_eraseinfo(struct context *c)
{
	const struct eraseinfo *ei = &c->erase;

	if (!msg_enabled(&c->pr, ML_DEBUG) || !ei->size)
		return;
	if (ei->inherited) {
		msg_debug(&c->pr, "eraseinfo of %s (%zu bytes):\n", c->src->path, ei->inherited);
		eraseinfo_lines(ei->text, ei->inherited, print_eraseinfo_line, c);
	}
	if (ei->size > ei->inherited) {
		msg_debug(&c->pr, "eraseinfo added by %s:\n", c->opt.config);
		eraseinfo_lines(ei->text + ei->inherited, ei->size - ei->inherited,
				print_eraseinfo_line, c);
	}
	msg_debug(&c->pr, "\n");
}

static struct error *detect_dbv(struct context *c)
{
	struct dbv_options dopt = { 0 };
	struct error *err;

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
	struct error *err;

	if ((requested | in) != requested)
		msg_common(&c->pr, "dump_level is changed to %u, because %s was created by dump_level(%u).\n",
			   requested | in, c->src->path, in);
	c->requested_level = (int)requested;
	c->dump_level = requested | in;
	filter_destroy(c->filter);
	c->filter = NULL;
	fopt.dump_level = c->dump_level;
	fopt.zero_in_bitmap = c->opt.elf || c->opt.mode == MODE_MEM_USAGE;
	err = filter_create(c->k, c->dbv, &fopt, &c->filter);
	if (err || !c->opt.exclude_vmemmap || c->opt.mode != MODE_DUMP)
		return err;
	/* -e: decided on this level's bitmaps, before any is written. */
	vmemmap_excl_free(c->vmx);
	c->vmx = NULL;
	err = vmemmap_excl_build(c->k, c->filter, c->dbv, window_pfns(c), &c->pr, &c->vmx);
	if (err)
		return err;
	filter_set_vmemmap_excl(c->filter, c->vmx);
	return NULL;
}

static struct error *create_output(const struct context *c, const char *path,
				   struct output **out)
{
	struct output_options oo = { .force = c->opt.force,
				     .limit = c->opt.size_limit };

	if (c->opt.dry_run)
		return output_dry(path, c->opt.flatten, out);
	if (c->opt.flatten)
		return output_flat(STDOUT_FILENO, "STDOUT", &oo, out);
	return output_create(path, &oo, out);
}

static void close_outputs(struct context *c, bool remove_files)
{
	unsigned int i;

	for (i = 0; c->outs && i < c->nr_outs; i++) {
		output_close(c->outs[i]);
		c->outs[i] = NULL;
		if (remove_files && !c->opt.flatten && !c->opt.dry_run)
			unlink(c->out_names[i]);
	}
}

static struct error *open_outputs(struct context *c)
{
	struct error *err = NULL;
	unsigned int i;

	for (i = 0; i < c->nr_outs && !err; i++)
		err = create_output(c, c->out_names[i], &c->outs[i]);
	return err;
}

static void init_stats(struct context *c)
{
	memset(&c->stats, 0, sizeof(c->stats));
	c->stats.max_mapnr = c->k->max_mapnr;
	c->stats.original = c->src->ops->original_pages(c->src, c->k->max_mapnr);
	c->stats.dbv_segments = (unsigned int)c->dbv->nr;
	c->stats.dbv_pages = dbv_present_pages(c->dbv);
	c->stats.elf = c->opt.elf;
	c->have_stats = true;
}

/* --splitblock-size in pfns, as makedumpfile checks it. */
static struct error *split_block_pfns(const struct context *c, uint64_t *pfns)
{
	uint64_t bytes = c->opt.splitblock_kib ? (uint64_t)c->opt.splitblock_kib << 10
					       : DEFAULT_SPLITBLOCK_BYTES;

	if (bytes % c->k->page_size)
		return ERR(ERR_USAGE, "The splitblock size must be align to page_size.");
	*pfns = bytes / c->k->page_size;
	return NULL;
}

static struct error *write_once(struct context *c)
{
	struct write_params wp = {
		.src = c->src,
		.k = c->k,
		.filter = c->filter,
		.dbv = c->dbv,
		.out = c->outs[0],
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
		/* As the input had it, the note is among the notes still. */
		.eraseinfo_in_notes = c->src->note_info.has_eraseinfo &&
				      c->erase.size == c->erase.inherited,
		.patch = c->erasing ? &c->erase_job.patch : NULL,
		.extra_status = c->vmx ? DUMP_DH_EXCLUDED_VMEMMAP : 0,
		.timestamp_sec = (int64_t)c->k->crashtime,
		.stats = &c->stats,
	};
	struct error *err;
	unsigned int i;

	if (c->src->kdump) {
		wp.timestamp_sec = c->src->kdump->timestamp_sec;
		wp.timestamp_usec = c->src->kdump->timestamp_usec;
	}
	init_stats(c);
	if (c->opt.split) {
		uint64_t block = 0;

		err = split_block_pfns(c, &block);
		if (!err)
			err = split_plan(c->filter, c->k->max_mapnr, wp.window_pfns, block,
					 c->nr_outs, &c->pr, c->ranges);
		if (!err)
			err = open_outputs(c);
		if (!err)
			err = split_write(&wp, c->outs, c->ranges, c->nr_outs, &c->incomplete);
	} else {
		err = open_outputs(c);
		wp.out = c->outs[0];
		if (!err)
			err = c->opt.elf ? elf_write(&wp, &c->incomplete)
					 : kdump_write(&wp, &c->incomplete);
		if (!err)
			err = output_finish(c->outs[0]);
	}
	c->stats.write_bytes = 0;
	for (i = 0; i < c->nr_outs; i++)
		if (c->outs[i])
			c->stats.write_bytes += c->outs[i]->write_bytes;
	return err;
}

/* Write the dump, walking down a -d retry list when space runs out. */
static struct error *create_dumpfile(struct context *c)
{
	struct timespec t0;
	struct error *err;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = open_kernel(c);
	if (!err)
		err = detect_dbv(c);
	if (!err)
		err = eraseinfo_from_source(c->src, &c->erase);
	if (!err && c->erasing)
		err = plan_erase(c);
	if (!err)
		print_eraseinfo(c);
	if (!err)
		err = build_notes(c);
	c->t_input = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; !err; i++) {
		err = use_dump_level(c, (unsigned int)c->opt.dump_levels[i]);
		if (!err)
			err = write_once(c);
		if (!err || err->code != ERR_NOSPC ||
		    i + 1 >= c->opt.nr_dump_levels || c->opt.flatten ||
		    c->opt.dry_run)
			break;
		/* Start over with the next level into empty files. */
		msg_error(&c->pr, "%s\n", err->msg);
		error_free(err);
		err = NULL;
		close_outputs(c, true);
		c->incomplete = false;
		msg_common(&c->pr, "Retry to create a dumpfile by dump_level(%d).\n",
			   c->opt.dump_levels[i + 1]);
	}
	c->t_write = seconds_since(&t0);
	/* Frames the dump holds, as the bitmap pass took them out. */
	if (!err && c->vmx)
		msg_common(&c->pr, "Excluded %llu unused vmemmap pages\n",
			   (unsigned long long)c->stats.vmemmap);
	return err;
}

static void print_saved(struct context *c)
{
	unsigned int i;

	msg_common(&c->pr, "\n");
	if (!c->opt.split) {
		msg_common(&c->pr, "The dumpfile is saved to %s.\n", dump_name(c));
		return;
	}
	msg_common(&c->pr, "The dumpfiles are saved to ");
	for (i = 0; i + 1 < c->nr_outs; i++)
		msg_common(&c->pr, "%s, ", c->out_names[i]);
	msg_common(&c->pr, "and %s.\n", c->out_names[i]);
}

/*
 * Symbols and types of the dumped kernel: the vmlinux's (-x, with
 * VMCOREINFO) or, without one, VMCOREINFO and the dump's kallsyms and BTF.
 * Made once; needs the kernel model.
 */
static struct error *need_symbols(struct context *c)
{
	struct error *err;

	if (c->syms)
		return NULL;
	err = symbols_new(&c->syms);
	if (!err)
		err = symbols_add_vmcoreinfo(c->syms, c->vi);
	if (!err)
		err = symbols_add_kernel(c->syms, c->k);
	if (err) {
		symbols_free(c->syms);
		c->syms = NULL;
	}
	return err;
}

/*
 * The classification self-check (selfcheck.h): never fails the run; what
 * it cannot do it says in the report and -D.
 */
static void run_selfcheck(struct context *c, uint64_t kern_data)
{
	const struct kdump_input_info *in = c->src->kdump;
	unsigned int input_level = in && in->dump_level > 0 ? (unsigned int)in->dump_level : 0;
	struct error *err = NULL;

	c->sc = calloc(1, sizeof(*c->sc));
	if (!c->sc)
		return;
	err = need_symbols(c);
	if (!err)
		err = selfcheck_read(c->k, c->syms, &c->sc->k);
	if (err) {
		snprintf(c->sc->reason, sizeof(c->sc->reason), "%s", err->msg);
		error_free(err);
	} else {
		c->sc->available = true;
		selfcheck_compare(c->sc, &c->stats, c->dump_level, input_level, kern_data);
	}
	selfcheck_print(&c->pr, c->sc);
}

static int run_dump(struct context *c)
{
	struct error *err;
	unsigned int i;

	c->nr_outs = c->opt.split ? (unsigned int)c->opt.nr_dumpfiles : 1;
	c->outs = calloc(c->nr_outs, sizeof(*c->outs));
	c->out_names = calloc(c->nr_outs, sizeof(*c->out_names));
	c->ranges = calloc(c->nr_outs, sizeof(*c->ranges));
	if (!c->outs || !c->out_names || !c->ranges)
		return fail(c, ERR_OOM());
	if (c->opt.config) {
		/* A bad file is refused before the dump is touched. */
		err = erase_job_load(c->opt.config, &c->erase_job);
		if (err)
			return fail(c, err);
		c->erasing = true;
	}
	for (i = 0; i < c->nr_outs; i++) {
		c->out_names[i] = c->opt.split ? c->opt.dumpfiles[i] : dump_name(c);
		if (!c->opt.flatten) {
			err = check_dump_file(c->out_names[i], c->opt.force);
			if (err)
				return fail(c, err);
		}
	}
	err = create_dumpfile(c);
	if (err) {
		int rc = fail(c, err);

		if (c->incomplete && !c->opt.flatten)
			msg_common(&c->pr, "This is an incomplete dumpfile, but might analyzable.\n");
		return rc;
	}
	print_report(&c->pr, &c->stats);
	if (c->k && c->have_stats)
		run_selfcheck(c, c->stats.original - MIN(stats_excluded(&c->stats),
							 c->stats.original));
	if (c->incomplete) {
		msg_common(&c->pr, "This is an incomplete dumpfile, but might analyzable.\n");
		return EXIT_FAILED;
	}
	print_saved(c);
	return EXIT_COMPLETED;
}

/* One output, DUMPFILE: its slot in the context; refused if it exists without -f. */
static struct error *one_output(struct context *c)
{
	c->nr_outs = 1;
	c->out_names = calloc(1, sizeof(*c->out_names));
	c->outs = calloc(1, sizeof(*c->outs));
	if (!c->outs || !c->out_names)
		return ERR_OOM();
	c->out_names[0] = c->opt.dumpfile;
	return check_dump_file(c->opt.dumpfile, c->opt.force);
}

/* ---- -R ---- */

static int run_rearrange(struct context *c)
{
	struct rearrange_result res;
	struct output *out = NULL;
	struct timespec t0;
	struct error *err;

	err = one_output(c);
	if (err)
		return fail(c, err);
	/* Created before anything is read, as makedumpfile does. */
	err = create_output(c, c->opt.dumpfile, &out);
	if (err)
		return fail(c, err);
	c->outs[0] = out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = rearrange(STDIN_FILENO, "STDIN", out, &res);
	c->t_write = seconds_since(&t0);
	c->records = res.records;
	c->incomplete = res.header_ok && !res.complete;
	if (err && !res.header_ok && out->kind == OUTPUT_FILE) {
		/* Nothing was received: leave no empty file behind. */
		output_close(out);
		c->outs[0] = NULL;
		unlink(c->opt.dumpfile);
	}
	if (c->outs[0])
		c->stats.write_bytes = out->write_bytes;
	if (!err)
		err = output_finish(out);
	if (err)
		return fail(c, err);
	print_saved(c);
	return EXIT_COMPLETED;
}

/* ---- --reassemble ---- */

static int run_reassemble(struct context *c)
{
	struct error *err;

	err = one_output(c);
	if (!err)
		err = create_output(c, c->opt.dumpfile, &c->outs[0]);
	if (!err) {
		err = reassemble(c->opt.dumpfiles, (unsigned int)c->opt.nr_dumpfiles,
				 c->outs[0], &c->pr, &c->incomplete);
		if (!err)
			err = output_finish(c->outs[0]);
		/* A set that does not fit together leaves no file behind. */
		if (err)
			close_outputs(c, true);
	}
	if (err)
		return fail(c, err);
	if (c->incomplete) {
		msg_common(&c->pr, "This is an incomplete dumpfile, but might analyzable.\n");
		return EXIT_FAILED;
	}
	print_saved(c);
	return EXIT_COMPLETED;
}

/* ---- --dump-dmesg ---- */

struct log_sink {
	struct output *out;
	uint64_t pos;
};

static struct error *write_log(void *arg, const void *buf, size_t len)
{
	struct log_sink *s = arg;
	struct error *err = output_write(s->out, s->pos, buf, len);

	s->pos += len;
	return err;
}

static int run_dmesg(struct context *c)
{
	struct output_options oo = { .force = c->opt.force };
	struct dmesg_info info;
	struct log_sink sink = { 0 };
	struct timespec t0;
	struct error *err;

	err = one_output(c);
	if (err)
		return fail(c, err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = open_kernel(c);
	c->t_input = seconds_since(&t0);
	if (err)
		return fail(c, err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = output_create(c->opt.dumpfile, &oo, &c->outs[0]);
	if (err)
		return fail(c, err);
	sink.out = c->outs[0];
	err = dmesg_dump(c->k, c->opt.partial_dmesg, write_log, &sink, &info);
	c->records = info.records;
	msg_debug(&c->pr, "dmesg: %llu records from the %s%s\n",
		  (unsigned long long)info.records, info.kind ? info.kind : "?",
		  info.partial ? " since the last clear" : "");
	if (!err)
		err = output_finish(c->outs[0]);
	c->stats.write_bytes = c->outs[0]->write_bytes;
	c->t_write = seconds_since(&t0);
	if (err && !c->stats.write_bytes) {
		/*
		 * Nothing of the log was written: leave no empty file behind
		 * (kdump-tools keeps whatever dmesg.<stamp> it finds).
		 */
		output_close(c->outs[0]);
		c->outs[0] = NULL;
		unlink(c->opt.dumpfile);
	}
	if (err)
		return fail(c, err);
	msg_common(&c->pr, "\nThe dmesg log is saved to %s.\n", c->opt.dumpfile);
	return EXIT_COMPLETED;
}

/* ---- --mem-usage ---- */

/* major.minor of an OSRELEASE string; 0 if it has none. */
static uint32_t release_version(const struct vmcoreinfo *vi)
{
	char rel[UTS_FIELD_LEN];
	unsigned int a = 0, b = 0;

	if (!vi_string(vi, "OSRELEASE", rel, sizeof(rel)) ||
	    sscanf(rel, "%u.%u", &a, &b) != 2)
		return 0;
	return KERNEL_VERSION(a, b, 0);
}

/* The running system: VMCOREINFO from kcore, crashkernel memory left out. */
static struct error *open_live(struct context *c)
{
	uint64_t (*ranges)[2] = NULL, pagesize;
	struct source *masked;
	uint32_t ver;
	size_t nr = 0;
	struct error *err;

	err = c->opt.vmcoreinfo_in ? vmcoreinfo_read_file(c->opt.vmcoreinfo_in, &c->vi)
				   : mem_usage_live_vmcoreinfo(c->src, &c->vi);
	if (err)
		return err;
	ver = release_version(c->vi);
	if (ver && ver < MEM_USAGE_MIN_VERSION && !c->opt.force) {
		msg_common(&c->pr, "mem-usage not supported for this kernel.\n");
		msg_common(&c->pr, "You can try with -f if your kernel's kcore has valid p_paddr\n");
		return ERR(ERR_UNSUPPORTED, "kcore of kernels before 4.11 has no physical addresses");
	}
	if (!vi_decimal(c->vi, "PAGESIZE", &pagesize) || pagesize > UINT32_MAX)
		return ERR(ERR_FORMAT, "VMCOREINFO lacks PAGESIZE");
	err = source_set_page_size(c->src, (uint32_t)pagesize);
	if (!err)
		err = mem_usage_crashkernel("/proc/iomem", (uint32_t)pagesize, &ranges, &nr);
	if (err)
		return err;
	for (size_t i = 0; i < nr; i++)
		msg_debug(&c->pr, "Crash kernel: pfn 0x%llx-0x%llx left out\n",
			  (unsigned long long)ranges[i][0], (unsigned long long)ranges[i][1]);
	err = mem_usage_mask(c->src, ranges, nr, &masked);
	if (err) {
		free(ranges);
		return err;
	}
	c->src = masked;
	return NULL;
}

static int run_mem_usage(struct context *c)
{
	struct timespec t0;
	struct error *err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = source_open(c->opt.vmcore, !c->opt.non_mmap, &c->pr, &c->src);
	if (!err && mem_usage_is_live(c->src))
		err = open_live(c);
	else if (!err)
		err = load_vmcoreinfo(c);
	if (!err)
		err = kernel_open(c->src, c->vi, &c->pr, 0, &c->k);
	if (!err)
		err = check_release(c);
	if (!err)
		err = detect_dbv(c);
	c->t_input = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Every class, as makedumpfile's table counts them. */
	if (!err)
		err = use_dump_level(c, DL_MAX);
	if (!err) {
		init_stats(c);
		err = mem_usage_scan(c->filter, c->k->max_mapnr, window_pfns(c),
				     &c->pr, &c->stats);
	}
	c->t_write = seconds_since(&t0);
	if (err)
		return fail(c, err);
	mem_usage_print(&c->pr, &c->stats, c->k->page_size);
	run_selfcheck(c, mem_usage_kern_data(&c->stats));
	return EXIT_COMPLETED;
}

/* ---- -g: VMCOREINFO from a vmlinux ---- */

static struct error *write_vmcoreinfo_file(struct context *c, const char *text,
					   size_t len)
{
	const char *path = c->opt.vmcoreinfo_out;
	struct error *err = check_dump_file(path, c->opt.force);
	int fd;

	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		  (c->opt.force ? 0 : O_EXCL), 0600);
	if (fd < 0)
		return ERR_ERRNO(ERR_IO, errno, "Can't open the vmcoreinfo file(%s). %s",
				 path, strerror(errno));
	err = write_full(fd, text, len, path);
	if (close(fd) != 0 && !err)
		err = ERR_ERRNO(ERR_IO, errno, "Can't write the vmcoreinfo file(%s). %s",
				path, strerror(errno));
	if (err)
		unlink(path);
	return err;
}

static int run_generate(struct context *c)
{
	struct error *err;
	char *text = NULL;
	size_t len;

	err = symbols_new(&c->syms);
	if (!err)
		err = symbols_add_vmlinux(c->syms, c->opt.vmlinux, 0);
	if (!err)
		err = vmcoreinfo_generate(c->syms, &text, &len);
	if (!err)
		err = write_vmcoreinfo_file(c, text, len);
	free(text);
	if (err)
		return fail(c, err);
	msg_common(&c->pr, "The vmcoreinfo is saved to %s.\n", c->opt.vmcoreinfo_out);
	return EXIT_COMPLETED;
}

/* ---- the report and main ---- */

static const char *mode_name(const struct options *o)
{
	switch (o->mode) {
	case MODE_REARRANGE:
		return "rearrange";
	case MODE_REASSEMBLE:
		return "reassemble";
	case MODE_DMESG:
		return "dump-dmesg";
	case MODE_MEM_USAGE:
		return "mem-usage";
	case MODE_GENERATE:
		return "generate-vmcoreinfo";
	default:
		return o->split ? "split" : "dump";
	}
}

static struct error *write_json(struct context *c, int rc)
{
	const struct options *o = &c->opt;
	bool dump = o->mode == MODE_DUMP;
	struct run_report r = {
		.mode = mode_name(o),
		.input = o->mode == MODE_REARRANGE ? "STDIN" : o->vmcore,
		.outputs = c->out_names,
		.nr_outputs = c->nr_outs,
		.flattened = o->flatten || o->mode == MODE_REARRANGE,
		.dry_run = o->dry_run,
		.dump_level = -1,
		.requested_dump_level = -1,
		.page_size = c->k ? c->k->page_size : 0,
		.stats = c->have_stats ? &c->stats : NULL,
		.mem_usage = o->mode == MODE_MEM_USAGE,
		.dbv = c->dbv,
		.selfcheck = c->sc,
		.ranges = o->split && c->have_stats ? c->ranges : NULL,
		.records = c->records,
		.write_bytes = c->stats.write_bytes,
		.t_total = seconds_since(&c->t_start),
		.t_input = c->t_input,
		.t_write = c->t_write,
		.incomplete = c->incomplete,
		.eraseinfo = c->erase.text,
		.eraseinfo_size = c->erase.size,
		.eraseinfo_inherited = c->erase.inherited,
		.erasing = c->erasing,
		.erased_bytes = c->erase_job.plan.set.bytes,
		.erase_ranges = c->erase_job.plan.set.nr,
		.exit_status = rc,
		.error = c->failure,
	};

	if (o->mode == MODE_REASSEMBLE)
		r.input = NULL;
	if (dump || o->mode == MODE_REASSEMBLE || o->mode == MODE_REARRANGE)
		r.format = o->elf ? "elf" : "kdump-compressed";
	if (o->mode == MODE_REARRANGE)
		r.format = NULL;	/* whatever the stream held */
	if (o->mode == MODE_DMESG)
		r.format = "text";
	if (dump) {
		r.compression = o->compress ? codec_name(o->compress) : "none";
		if (c->filter) {
			r.dump_level = (int)c->dump_level;
			r.requested_dump_level = c->requested_level;
		}
	}
	if (o->mode == MODE_MEM_USAGE && c->filter)
		r.dump_level = r.requested_dump_level = (int)c->dump_level;
	/* With -F the data owns stdout. */
	return json_report_write(o->json, o->flatten ? stderr : stdout, &r);
}

static bool unsupported(struct context *c)
{
	const struct options *o = &c->opt;

	if (!(o->eppic ||
	      o->xen_exclude || o->xen_syms || o->xen_vmcoreinfo || o->has_diskset ||
	      o->has_extension))
		return false;
	msg_common(&c->pr, "%s is not available in this build: it reads no "
		   "Xen or sadump dumps, or extensions. "
		   "Give the kernel's layout with -i VMCOREINFO.\n",
		   o->eppic ? "--eppic" : o->has_diskset ? "--diskset" :
		   o->has_extension ? "--extension" : "Xen support");
	return true;
}

static int run(struct context *c, int argc, char **argv)
{
	bool to_stderr = false;
	enum parse_result pr;
	struct error *err;
	int i, rc;

	clock_gettime(CLOCK_MONOTONIC, &c->t_start);
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
		/* --check-params reports problems but never the final line. */
		if (!c->opt.check_params)
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
	if (unsupported(c)) {
		if (!c->opt.check_params)
			msg_common(&c->pr, "\nmakedumpfile Failed.\n");
		return EXIT_FAILED;
	}
	if (c->opt.check_params)
		return EXIT_COMPLETED;
	msg_debug(&c->pr, "makedumpfile: command line:");
	for (i = 0; i < argc; i++)
		msg_debug(&c->pr, " %s", argv[i]);
	msg_debug(&c->pr, "\n\n");

	switch (c->opt.mode) {
	case MODE_REARRANGE:
		rc = run_rearrange(c);
		break;
	case MODE_REASSEMBLE:
		rc = run_reassemble(c);
		break;
	case MODE_DMESG:
		rc = run_dmesg(c);
		break;
	case MODE_MEM_USAGE:
		rc = run_mem_usage(c);
		break;
	case MODE_GENERATE:
		rc = run_generate(c);
		break;
	default:
		rc = run_dump(c);
		break;
	}
	if (c->opt.json) {
		err = write_json(c, rc);
		if (err) {
			msg_error(&c->pr, "%s\n", err->msg);
			error_free(err);
			rc = EXIT_FAILED;
		}
	}
	if (c->opt.mode == MODE_MEM_USAGE && rc == EXIT_COMPLETED)
		return rc;	/* makedumpfile ends the table without a final line */
	msg_common(&c->pr, "\n");
	msg_common(&c->pr, rc == EXIT_COMPLETED ? "makedumpfile Completed.\n"
						: "makedumpfile Failed.\n");
	return rc;
}

static void cleanup(struct context *c)
{
	close_outputs(c, false);
	free(c->outs);
	free(c->out_names);
	free(c->ranges);
	filter_destroy(c->filter);
	dbv_free(c->dbv);
	symbols_free(c->syms);		/* borrows the kernel model */
	kernel_close(c->k);
	free(c->sc);
	vmcoreinfo_free(c->vi);
	source_close(c->src);
	eraseinfo_release(&c->erase);
	erase_job_release(&c->erase_job);
	vmemmap_excl_free(c->vmx);
	free(c->notes);
	free(c->failure);
}

int main(int argc, char **argv)
{
	struct context c = { 0 };
	int rc;

	/*
	 * A stream's reader may go away (ssh dropped): writes then fail with
	 * EPIPE, reported with exit 1, instead of SIGPIPE killing us silently.
	 */
	signal(SIGPIPE, SIG_IGN);
	rc = run(&c, argc, argv);

	cleanup(&c);
	return rc;
}
