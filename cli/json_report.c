// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_report.h"
#include "../erase_info.h"
#include "../filter/devmap.h"
#include "../filter/mem_usage.h"
#include "../lib/error.h"
#include "../print_info.h"
#include "../selfcheck/selfcheck.h"
#include "../writer/split.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#ifndef MDF_VERSION
#define MDF_VERSION "0.9.0"
#endif

/* A tiny streaming writer: commas and nesting are all it tracks. */
struct jw {
	FILE *f;
	int depth;
	bool first[16];
};

static void jw_str_raw(struct jw *w, const char *s)
{
	fputc('"', w->f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(w->f, "\\%c", c);
		else if (c < 0x20)
			fprintf(w->f, "\\u%04x", c);
		else
			fputc(c, w->f);
	}
	fputc('"', w->f);
}

static void jw_key(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	if (key) {
		jw_str_raw(w, key);
		fputc(':', w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	fputc(c, w->f);
	if (w->depth + 1 < (int)(sizeof(w->first) / sizeof(w->first[0])))
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	fputc(c, w->f);
	if (w->depth)
		w->depth--;
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

static void jw_int(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	fprintf(w->f, "%lld", v);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void jw_double(struct jw *w, const char *key, double v)
{
	jw_key(w, key);
	fprintf(w->f, "%.6f", v);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		jw_str_raw(w, s);
	else
		fputs("null", w->f);
}

static void jw_hex(struct jw *w, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	jw_str(w, key, buf);
}

static void write_pages(struct jw *w, const struct run_report *r)
{
	const struct dump_stats *st = r->stats;
	uint64_t excluded = stats_excluded(st);

	jw_open(w, "pages", '{');
	jw_u64(w, "total", st->max_mapnr);
	jw_u64(w, "original", st->original);
	jw_u64(w, "memory_hole", st->max_mapnr > st->original ?
		   st->max_mapnr - st->original : 0);
	jw_u64(w, "excluded", excluded);
	jw_u64(w, "zero", st->zero);
	jw_u64(w, "cache", st->cache);
	jw_u64(w, "cache_private", st->cache_private);
	jw_u64(w, "user", st->user);
	jw_u64(w, "free", st->free);
	jw_u64(w, "hwpoison", st->hwpoison);
	jw_u64(w, "offline", st->offline);
	jw_u64(w, "pmem_data", st->pmem_data);
	if (st->vmemmap)
		jw_u64(w, "unused_vmemmap", st->vmemmap);
	if (r->mem_usage) {
		jw_u64(w, "kern_data", mem_usage_kern_data(st));
	} else {
		jw_u64(w, "remaining", st->original - (excluded < st->original ?
						       excluded : st->original));
		if (st->elf)
			jw_u64(w, "elf_excluded", st->elf_excluded);
		jw_u64(w, "written", st->num_dumped);
	}
	jw_close(w, '}');
}

static void write_signals(struct jw *w, unsigned int s)
{
	jw_open(w, "signals", '[');
	if (s & DBV_SIG_VMEMMAP)
		jw_str(w, NULL, "backs-vmemmap");
	if (s & DBV_SIG_INFOBLOCK)
		jw_str(w, NULL, "info-block");
	if (s & DBV_SIG_SECTIONS)
		jw_str(w, NULL, "offline-sections");
	if (s & DBV_SIG_MANUAL)
		jw_str(w, NULL, "command-line");
	jw_close(w, ']');
}

static void write_dbv(struct jw *w, const struct run_report *r)
{
	const struct dbv_set *set = r->dbv;
	size_t i;

	jw_open(w, "device_backed_vmemmap", '{');
	jw_u64(w, "pages_kept", r->stats ? r->stats->dbv_pages : 0);
	jw_open(w, "segments", '[');
	for (i = 0; set && i < set->nr; i++) {
		const struct dbv_segment *s = &set->seg[i];

		jw_open(w, NULL, '{');
		jw_u64(w, "start_pfn", s->start_pfn);
		jw_u64(w, "end_pfn", s->end_pfn);
		if (r->page_size) {
			jw_hex(w, "start", s->start_pfn * r->page_size);
			jw_hex(w, "end", s->end_pfn * r->page_size);
		}
		write_signals(w, s->signals);
		jw_u64(w, "pages", s->end_pfn - s->start_pfn);
		jw_u64(w, "present_pages", s->present_pages);
		jw_u64(w, "vmemmap_frames", s->vmemmap_frames);
		jw_bool(w, "sections_online", s->sections_online);
		if (s->data_end_pfn > s->data_start_pfn) {
			jw_u64(w, "data_start_pfn", s->data_start_pfn);
			jw_u64(w, "data_end_pfn", s->data_end_pfn);
		}
		if (s->ns.valid) {
			jw_open(w, "namespace", '{');
			jw_str(w, "mode", s->ns.devdax ? "devdax" : "fsdax");
			jw_hex(w, "base", s->ns.base);
			jw_hex(w, "dataoff", s->ns.dataoff);
			jw_u64(w, "npfns", s->ns.npfns);
			jw_u64(w, "align", s->ns.align);
			jw_u64(w, "start_pad", s->ns.start_pad);
			jw_u64(w, "end_trunc", s->ns.end_trunc);
			jw_u64(w, "version_major", s->ns.version_major);
			jw_u64(w, "version_minor", s->ns.version_minor);
			jw_close(w, '}');
		} else {
			jw_str(w, "namespace", NULL);
		}
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_selfcheck(struct jw *w, const struct selfcheck *sc)
{
	jw_open(w, "self_check", '{');
	jw_bool(w, "available", sc->available);
	if (!sc->available) {
		jw_str(w, "reason", sc->reason);
		jw_close(w, '}');
		return;
	}
	jw_str(w, "source", sc->k.source);
	jw_u64(w, "warnings", sc->warnings);
	jw_open(w, "classes", '[');
	for (int i = 0; i < SC_NR; i++) {
		const struct sc_row *row = &sc->row[i];

		jw_open(w, NULL, '{');
		jw_str(w, "class", row->name);
		jw_str(w, "kernel_counter", row->counter);
		jw_bool(w, "compared", row->compared);
		jw_u64(w, "ours", row->ours);
		if (row->have_kernel)
			jw_u64(w, "kernel", row->kernel);
		else
			jw_str(w, "kernel", NULL);
		jw_u64(w, "tolerance", row->tolerance);
		jw_bool(w, "agrees", row->ok);
		jw_str(w, "not_compared_because", row->why);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (sc->k.have_nr_free)
		jw_u64(w, "kernel_nr_free_pages", sc->k.nr_free_pages);
	if (sc->k.have_huge)
		jw_u64(w, "kernel_hugetlb_pages", sc->k.huge_pages);
	jw_close(w, '}');
}

struct line_sink {
	struct jw *w;
	char buf[1024];
};

static void json_line(void *arg, const char *line, size_t len)
{
	struct line_sink *ls = arg;
	size_t n = len < sizeof(ls->buf) - 1 ? len : sizeof(ls->buf) - 1;

	memcpy(ls->buf, line, n);
	ls->buf[n] = 0;
	jw_str(ls->w, NULL, ls->buf);
}

/* The eraseinfo record as lines: what the input carried, what this run added. */
static void write_eraseinfo(struct jw *w, const struct run_report *r)
{
	struct line_sink ls = { .w = w };
	size_t inh = r->eraseinfo_inherited;

	jw_open(w, "eraseinfo", '{');
	jw_u64(w, "size", r->eraseinfo_size);
	jw_open(w, "inherited", '[');
	eraseinfo_lines(r->eraseinfo, inh, json_line, &ls);
	jw_close(w, ']');
	jw_open(w, "added", '[');
	if (r->eraseinfo_size > inh)
		eraseinfo_lines(r->eraseinfo + inh, r->eraseinfo_size - inh, json_line, &ls);
	jw_close(w, ']');
	if (r->erasing) {
		jw_u64(w, "erased_bytes", r->erased_bytes);
		jw_u64(w, "ranges", r->erase_ranges);
	}
	jw_close(w, '}');
}

static void write_report(struct jw *w, const struct run_report *r)
{
	const struct dump_stats *st = r->stats;
	unsigned int i;

	jw_open(w, NULL, '{');
	jw_str(w, "program", "makedumpfile");
	jw_str(w, "version", MDF_VERSION);
	jw_str(w, "mode", r->mode);
	/* A dump cut short is usable: "incomplete" wins over the error that cut it. */
	jw_str(w, "status", r->incomplete ? "incomplete" : r->error ? "failed" : "completed");
	jw_int(w, "exit_status", r->exit_status);
	jw_str(w, "error", r->error);
	jw_str(w, "input", r->input);
	jw_open(w, "outputs", '[');
	for (i = 0; i < r->nr_outputs; i++)
		jw_str(w, NULL, r->outputs[i]);
	jw_close(w, ']');
	jw_str(w, "format", r->format);
	jw_bool(w, "flattened", r->flattened);
	jw_bool(w, "dry_run", r->dry_run);
	jw_bool(w, "incomplete", r->incomplete);
	jw_str(w, "compression", r->compression);
	if (r->dump_level >= 0) {
		jw_int(w, "dump_level", r->dump_level);
		jw_int(w, "requested_dump_level", r->requested_dump_level);
	}
	if (r->page_size)
		jw_u64(w, "page_size", r->page_size);
	if (st)
		write_pages(w, r);
	if (!r->mem_usage)
		jw_u64(w, "write_bytes", r->write_bytes);
	if (r->records)
		jw_u64(w, "records", r->records);
	if (r->ranges) {
		jw_open(w, "split", '[');
		for (i = 0; i < r->nr_outputs; i++) {
			jw_open(w, NULL, '{');
			jw_str(w, "file", r->outputs[i]);
			jw_u64(w, "start_pfn", r->ranges[i].start);
			jw_u64(w, "end_pfn", r->ranges[i].end);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	if (st || r->dbv)
		write_dbv(w, r);
	if (r->selfcheck)
		write_selfcheck(w, r->selfcheck);
	if (r->eraseinfo_size || r->erasing)
		write_eraseinfo(w, r);
	jw_open(w, "timings", '{');
	jw_double(w, "input_seconds", r->t_input);
	jw_double(w, "write_seconds", r->t_write);
	jw_double(w, "total_seconds", r->t_total);
	jw_close(w, '}');
	jw_close(w, '}');
	fputc('\n', w->f);
}

struct error *json_report_write(const char *path, FILE *dash_stream,
				const struct run_report *r)
{
	struct jw w = { .first = { true } };
	int fd, e;

	if (!strcmp(path, "-")) {
		w.f = dash_stream;
		write_report(&w, r);
		if (fflush(w.f) == EOF || ferror(w.f))
			return ERR_ERRNO(ERR_IO, errno, "Can't write the JSON report: %s",
					 strerror(errno));
		return NULL;
	}
	/* A report on kernel memory is no one else's business either. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(w.f = fdopen(fd, "w"))) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return ERR_ERRNO(ERR_IO, e, "Can't open the JSON report file(%s). %s",
				 path, strerror(e));
	}
	write_report(&w, r);
	e = ferror(w.f) ? errno : 0;
	if (fclose(w.f) == EOF && !e)
		e = errno ? errno : EIO;
	if (e)
		return ERR_ERRNO(ERR_IO, e, "Can't write the JSON report file(%s). %s",
				 path, strerror(e));
	return NULL;
}
