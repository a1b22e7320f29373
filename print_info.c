// SPDX-License-Identifier: GPL-2.0-or-later
#include "print_info.h"

#include <stdarg.h>
#include <string.h>

#include "lib/util.h"

void printer_init(struct printer *pr, unsigned int level, bool data_on_stdout)
{
	memset(pr, 0, sizeof(*pr));
	pr->level = level;
	pr->out = data_on_stdout ? stderr : stdout;
	pr->err = stderr;
}

static void vmsg(struct printer *pr, unsigned int ml, FILE *f,
		 const char *fmt, va_list ap)
{
	if (!msg_enabled(pr, ml))
		return;
	/* A progress line in the way ends first, as makedumpfile does. */
	if (pr->progress_shown && f == pr->err) {
		fputc('\n', pr->err);
		pr->progress_shown = false;
	}
	vfprintf(f, fmt, ap);
	fflush(f);
}

void msg_common(struct printer *pr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(pr, ML_COMMON, pr ? pr->out : NULL, fmt, ap);
	va_end(ap);
}

void msg_error(struct printer *pr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(pr, ML_ERROR, pr ? pr->err : NULL, fmt, ap);
	va_end(ap);
}

void msg_debug(struct printer *pr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(pr, ML_DEBUG, pr ? pr->out : NULL, fmt, ap);
	va_end(ap);
}

void msg_report(struct printer *pr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(pr, ML_REPORT, pr ? pr->out : NULL, fmt, ap);
	va_end(ap);
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	       (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

void progress_begin(struct printer *pr)
{
	clock_gettime(CLOCK_MONOTONIC, &pr->progress_start);
	pr->progress_last.tv_sec = 0;
	pr->progress_last.tv_nsec = 0;
}

static void format_eta(char *buf, size_t len, double secs)
{
	long s = (long)secs;

	if (s >= 100L * 86400)
		snprintf(buf, len, "eta: >100day");
	else if (s >= 86400)
		snprintf(buf, len, "eta: %ldd%ldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "eta: %ldh%ldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "eta: %ldm%lds", s / 60, s % 60);
	else
		snprintf(buf, len, "eta: %lds", s);
}

void progress_update(struct printer *pr, const char *label, uint64_t done,
		     uint64_t total, bool force)
{
	static const char spin[] = "/|\\-";
	struct timespec now;
	unsigned int permille;
	char eta[32] = "";

	if (!msg_enabled(pr, ML_PROGRESS))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && pr->progress_last.tv_sec &&
	    now.tv_sec == pr->progress_last.tv_sec)
		return;
	pr->progress_last = now;
	if (total == 0)
		total = done = 1;
	if (done > total)
		done = total;
	permille = (unsigned int)(done * 1000 / total);
	if (done && done < total) {
		double el = ts_diff(&now, &pr->progress_start);
		format_eta(eta, sizeof(eta), el * (double)(total - done) / (double)done);
	} else if (done == total) {
		snprintf(eta, sizeof(eta), "eta: 0s");
	}
	fprintf(pr->err, "\r%-50s: [%3u.%u %%] %c  %16s", label,
		permille / 10, permille % 10, spin[pr->spinner++ & 3], eta);
	fflush(pr->err);
	pr->progress_shown = true;
}

void progress_done(struct printer *pr, const char *label)
{
	if (!msg_enabled(pr, ML_PROGRESS))
		return;
	progress_update(pr, label, 1, 1, true);
	fputc('\n', pr->err);
	pr->progress_shown = false;
}

void print_step_time(struct printer *pr, const char *label,
		     const struct timespec *start)
{
	struct timespec now;
	long sec, nsec;

	if (!msg_enabled(pr, ML_REPORT))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	sec = now.tv_sec - start->tv_sec;
	nsec = now.tv_nsec - start->tv_nsec;
	if (nsec < 0) {
		sec--;
		nsec += 1000000000L;
	}
	msg_report(pr, "STEP [%-27s] : %ld.%06ld seconds\n", label, sec,
		   nsec / 1000);
}

uint64_t stats_excluded(const struct dump_stats *st)
{
	return st->zero + st->cache + st->cache_private + st->user +
	       st->free + st->hwpoison + st->offline + st->pmem_data +
	       st->vmemmap;
}

void print_report(struct printer *pr, const struct dump_stats *st)
{
	uint64_t excluded = stats_excluded(st);
	uint64_t remaining = st->original - MIN(excluded, st->original);
	uint64_t shown = remaining;
	uint64_t hole = st->max_mapnr > st->original ?
			st->max_mapnr - st->original : 0;

	if (!msg_enabled(pr, ML_REPORT))
		return;
	msg_report(pr, "\n");
	msg_report(pr, "Original pages  : 0x%016llx\n",
		   (unsigned long long)st->original);
	msg_report(pr, "  Excluded pages   : 0x%016llx\n",
		   (unsigned long long)excluded);
	if (st->elf)
		msg_report(pr, "     in ELF format : 0x%016llx\n",
			   (unsigned long long)st->elf_excluded);
	msg_report(pr, "    Pages filled with zero  : 0x%016llx\n",
		   (unsigned long long)st->zero);
	msg_report(pr, "    Non-private cache pages : 0x%016llx\n",
		   (unsigned long long)st->cache);
	msg_report(pr, "    Private cache pages     : 0x%016llx\n",
		   (unsigned long long)st->cache_private);
	msg_report(pr, "    User process data pages : 0x%016llx\n",
		   (unsigned long long)st->user);
	msg_report(pr, "    Free pages              : 0x%016llx\n",
		   (unsigned long long)st->free);
	msg_report(pr, "    Hwpoison pages          : 0x%016llx\n",
		   (unsigned long long)st->hwpoison);
	msg_report(pr, "    Offline pages           : 0x%016llx\n",
		   (unsigned long long)st->offline);
	if (st->pmem_data)
		msg_report(pr, "    Pmem data pages         : 0x%016llx\n",
			   (unsigned long long)st->pmem_data);
	if (st->vmemmap)
		msg_report(pr, "    Unused vmemmap pages    : 0x%016llx\n",
			   (unsigned long long)st->vmemmap);
	msg_report(pr, "  Remaining pages  : 0x%016llx\n",
		   (unsigned long long)remaining);
	if (st->elf) {
		shown = st->original - MIN(st->elf_excluded, st->original);
		msg_report(pr, "     in ELF format : 0x%016llx\n",
			   (unsigned long long)shown);
	}
	if (st->original)
		msg_report(pr, "  (The number of pages is reduced to %lld%%.)\n",
			   (long long)(shown * 100 / st->original));
	if (st->dbv_segments)
		msg_report(pr, "  Device-backed vmemmap pages : 0x%016llx "
			   "(kept, %u segment%s)\n",
			   (unsigned long long)st->dbv_pages, st->dbv_segments,
			   st->dbv_segments == 1 ? "" : "s");
	msg_report(pr, "Memory Hole     : 0x%016llx\n", (unsigned long long)hole);
	msg_report(pr, "--------------------------------------------------\n");
	msg_report(pr, "Total pages     : 0x%016llx\n",
		   (unsigned long long)st->max_mapnr);
	msg_report(pr, "Write bytes     : %llu\n",
		   (unsigned long long)st->write_bytes);
	msg_report(pr, "\n");
}

bool warn_missing_pages(struct printer *pr, const char *path, uint64_t unreadable,
			bool input_incomplete, const char *fate)
{
	if (unreadable)
		msg_common(pr, "WARNING: %llu page(s) could not be read from %s; "
			   "they are %s in the dump.\n", (unsigned long long)unreadable,
			   path, fate);
	else if (input_incomplete)
		msg_common(pr, "WARNING: %s is incomplete; the dump holds what it has.\n",
			   path);
	return unreadable || input_incomplete;
}
