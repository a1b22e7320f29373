// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF64 vmcores: /proc/vmcore (kexec_file_load and kexec_load layouts),
 * QEMU dump-guest-memory files, and ELF dumps we or makedumpfile wrote.
 */
#include "source.h"
#include "../lib/io.h"
#include "../lib/kdump_format.h"
#include "../lib/sigbus.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <gelf.h>
#include <libelf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Physical addresses above this are not real on any supported machine. */
#define MAX_PHYS_BITS 52
/* A vmcore with more segments than this is not a vmcore. */
#define MAX_PHNUM (1u << 22)
#define MAX_NOTES_SIZE (64u << 20)
/* Page data is mapped in windows of this size, one window per reader. */
#define MAP_WINDOW (4u << 20)

/* A disjoint piece of physical memory with data in the file. */
struct extent {
	uint64_t start, end;	/* physical byte addresses */
	uint64_t offset;	/* file offset of start */
};

struct elf_source {
	struct source base;
	struct extent *ext;
	size_t nr_ext;
	/* Truncated segments are cut to whole dump pages of this size. */
	uint64_t cut_page;
	/* mmap() offsets are multiples of the host's page size, not the dump's. */
	uint64_t host_page;
};

static struct elf_source *to_elf(struct source *src)
{
	return (struct elf_source *)src;
}

static void elf_destroy(struct source *src)
{
	struct elf_source *es = to_elf(src);

	free(es->ext);
	free(src->segs);
	free(src->notes);
	free(es);
}

/* Index of the extent holding @paddr, or -1. */
static ssize_t find_extent(const struct elf_source *es, uint64_t paddr)
{
	size_t lo = 0, hi = es->nr_ext;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (paddr < es->ext[mid].start)
			hi = mid;
		else if (paddr >= es->ext[mid].end)
			lo = mid + 1;
		else
			return (ssize_t)mid;
	}
	return -1;
}

static struct error *elf_read_phys(struct source *src, uint64_t paddr,
				   void *buf, size_t len)
{
	struct elf_source *es = to_elf(src);
	uint8_t *out = buf;

	while (len) {
		ssize_t i = find_extent(es, paddr);
		uint64_t n;
		struct error *err;

		if (i < 0)
			return ERR(ERR_NOTFOUND,
				   "physical address 0x%llx is not in the dump",
				   (unsigned long long)paddr);
		n = MIN((uint64_t)len, es->ext[i].end - paddr);
		err = pread_full(src->fd, out, n,
				 es->ext[i].offset + (paddr - es->ext[i].start),
				 src->path);
		if (err)
			return err;
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

static void elf_fill_bitmaps(struct source *src, uint64_t start, uint64_t end,
			     uint8_t *present, uint8_t *readable)
{
	const struct elf_source *es = to_elf(src);
	unsigned int sh = src->page_shift;
	uint64_t ps = src->page_size;
	size_t i;

	if (present)
		memset(present, 0, DIV_ROUND_UP(end - start, 8));
	/*
	 * Partial first and last pages count as present, as in makedumpfile
	 * whenever the dump fits one cycle (every machine up to 64 GiB).
	 */
	for (i = 0; i < src->nr_segs; i++) {
		const struct source_segment *s = &src->segs[i];
		uint64_t b = MAX(s->paddr >> sh, start);
		uint64_t e = MIN(DIV_ROUND_UP(s->paddr + s->memsz, ps), end);

		if (b >= e)
			continue;
		if (present)
			bm_set_range(present, b - start, e - start);
	}
	if (!readable)
		return;
	/*
	 * Readable: pages with file data, i.e. the extents (p_filesz parts,
	 * overlaps merged).  Clearing each segment's tail instead would let
	 * a RAM PT_LOAD cut short (a truncated file) hide the pages that the
	 * kernel-text PT_LOAD overlapping it still holds.
	 */
	memset(readable, 0, DIV_ROUND_UP(end - start, 8));
	for (i = 0; i < es->nr_ext; i++) {
		uint64_t b = MAX(es->ext[i].start >> sh, start);
		uint64_t e = MIN(DIV_ROUND_UP(es->ext[i].end, ps), end);

		if (b < e)
			bm_set_range(readable, b - start, e - start);
	}
}

static uint64_t elf_original_pages(struct source *src, uint64_t max_mapnr)
{
	unsigned int sh = src->page_shift;
	uint64_t n = 0;
	size_t i;

	/* Duplicated ranges (the kernel text segment) count twice, as in makedumpfile. */
	for (i = 0; i < src->nr_segs; i++) {
		const struct source_segment *s = &src->segs[i];
		uint64_t b = s->paddr >> sh;
		uint64_t e = MIN(DIV_ROUND_UP(s->paddr + s->memsz, (uint64_t)src->page_size),
				 max_mapnr);

		if (b < e)
			n += e - b;
	}
	return n;
}

/* Page reader: windows of the file mapped read-only, pread as fallback. */
struct elf_page_reader {
	struct page_reader base;
	struct elf_source *es;
	uint8_t *win;
	uint64_t win_off, win_len;
	bool use_mmap;
	uint8_t *scratch;
};

static void drop_window(struct elf_page_reader *r)
{
	if (r->win)
		munmap(r->win, r->win_len);
	r->win = NULL;
	r->win_len = 0;
}

/* Map a window holding file bytes [off, off + len); NULL if mmap fails. */
static const uint8_t *map_range(struct elf_page_reader *r, uint64_t off,
				uint64_t len)
{
	struct source *src = &r->es->base;
	uint64_t start, wlen;
	void *p;

	if (r->win && off >= r->win_off && off + len <= r->win_off + r->win_len)
		return r->win + (off - r->win_off);
	drop_window(r);
	start = ROUND_DOWN(off, MAP_WINDOW);
	if (off + len > start + MAP_WINDOW)
		start = ROUND_DOWN(off, r->es->host_page);
	wlen = MIN((uint64_t)MAP_WINDOW, src->file_size - start);
	if (off + len > start + wlen)
		return NULL;
	p = mmap(NULL, wlen, PROT_READ, MAP_PRIVATE, src->fd, (off_t)start);
	if (p == MAP_FAILED) {
		r->use_mmap = false;
		msg_debug(src->pr, "mmap() of %s failed (%s); reading with read()\n",
			  src->path, strerror(errno));
		return NULL;
	}
	r->win = p;
	r->win_off = start;
	r->win_len = wlen;
	return r->win + (off - start);
}

static struct error *elf_reader_read_into(struct page_reader *pr, uint64_t pfn,
					  uint8_t *buf)
{
	struct elf_page_reader *r = (struct elf_page_reader *)pr;
	struct elf_source *es = r->es;
	struct source *src = &es->base;
	uint64_t ps = src->page_size;
	uint64_t pa = pfn << src->page_shift;
	uint64_t done = 0;
	ssize_t i = find_extent(es, pa);

	if (i >= 0 && es->ext[i].end - pa >= ps) {
		uint64_t off = es->ext[i].offset + (pa - es->ext[i].start);

		if (r->use_mmap) {
			const uint8_t *p = map_range(r, off, ps);

			/* Copy out under a guard: a bad sector raises SIGBUS. */
			if (p && guarded_copy(buf, p, ps))
				return NULL;
			if (p) {
				drop_window(r);
				return ERR(ERR_IO, "Can't read %s at offset 0x%llx (I/O error in the mapping)",
					   src->path, (unsigned long long)off);
			}
		}
		return pread_full(src->fd, buf, ps, off, src->path);
	}
	/* A page only partly backed by file data: the rest reads as zero. */
	while (done < ps) {
		uint64_t a = pa + done, n;
		struct error *err;

		i = find_extent(es, a);
		if (i < 0) {
			uint64_t next = pa + ps;
			size_t k;

			for (k = 0; k < es->nr_ext; k++)
				if (es->ext[k].start > a && es->ext[k].start < next)
					next = es->ext[k].start;
			memset(buf + done, 0, next - a);
			done += next - a;
			continue;
		}
		n = MIN(ps - done, es->ext[i].end - a);
		err = pread_full(src->fd, buf + done, n,
				 es->ext[i].offset + (a - es->ext[i].start), src->path);
		if (err)
			return err;
		done += n;
	}
	return NULL;
}

static struct error *elf_reader_read(struct page_reader *pr, uint64_t pfn,
				     const uint8_t **page)
{
	struct elf_page_reader *r = (struct elf_page_reader *)pr;

	*page = r->scratch;
	return elf_reader_read_into(pr, pfn, r->scratch);
}

static struct error *elf_reader_map(struct page_reader *pr, uint64_t paddr,
				    size_t len, bool move, const uint8_t **ptr)
{
	struct elf_page_reader *r = (struct elf_page_reader *)pr;
	struct elf_source *es = r->es;
	ssize_t i = find_extent(es, paddr);
	uint64_t off;

	if (!r->use_mmap || i < 0 || es->ext[i].end - paddr < len || len > MAP_WINDOW / 2)
		return ERR(ERR_UNSUPPORTED, "not mappable in one piece");
	off = es->ext[i].offset + (paddr - es->ext[i].start);
	if (!move && !(r->win && off >= r->win_off && off + len <= r->win_off + r->win_len))
		return ERR(ERR_UNSUPPORTED, "outside the current window");
	*ptr = map_range(r, off, len);
	return *ptr ? NULL : ERR(ERR_UNSUPPORTED, "mmap failed");
}

/* Bulk copies (struct pages) through the window: no syscall per batch. */
static struct error *elf_reader_copy(struct page_reader *pr, uint64_t paddr,
				     void *buf, size_t len)
{
	struct elf_page_reader *r = (struct elf_page_reader *)pr;
	struct elf_source *es = r->es;
	uint8_t *out = buf;

	while (len) {
		ssize_t i = find_extent(es, paddr);
		uint64_t n, off;
		const uint8_t *p;

		if (i < 0)
			return ERR(ERR_NOTFOUND, "physical address 0x%llx is not in the dump",
				   (unsigned long long)paddr);
		n = MIN((uint64_t)len, es->ext[i].end - paddr);
		n = MIN(n, (uint64_t)MAP_WINDOW / 2);
		off = es->ext[i].offset + (paddr - es->ext[i].start);
		p = r->use_mmap ? map_range(r, off, n) : NULL;
		if (!p || !guarded_copy(out, p, n)) {
			struct error *err;

			if (p)
				drop_window(r);
			err = pread_full(es->base.fd, out, n, off, es->base.path);
			if (err)
				return err;
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

static void elf_reader_close(struct page_reader *pr)
{
	struct elf_page_reader *r = (struct elf_page_reader *)pr;

	drop_window(r);
	free(r->scratch);
	free(r);
}

static const struct page_reader_ops elf_reader_ops = {
	.read = elf_reader_read,
	.read_into = elf_reader_read_into,
	.map = elf_reader_map,
	.copy = elf_reader_copy,
	.close = elf_reader_close,
};

static struct error *elf_reader_open(struct source *src,
				     struct page_reader **out)
{
	struct elf_page_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return ERR_OOM();
	r->scratch = malloc(src->page_size);
	if (!r->scratch) {
		free(r);
		return ERR_OOM();
	}
	r->base.ops = &elf_reader_ops;
	r->base.src = src;
	r->es = to_elf(src);
	r->use_mmap = src->use_mmap;
	*out = &r->base;
	return NULL;
}

static const struct source_ops elf_ops = {
	.destroy = elf_destroy,
	.read_phys = elf_read_phys,
	.fill_bitmaps = elf_fill_bitmaps,
	.original_pages = elf_original_pages,
	.reader_open = elf_reader_open,
};

static int cmp_extent(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/*
 * Turn possibly overlapping segments (the kernel-text PT_LOAD repeats part
 * of a RAM PT_LOAD) into disjoint extents; overlapping bytes are equal, so
 * which segment serves them does not matter.
 */
static struct error *build_extents(struct elf_source *es)
{
	struct source *src = &es->base;
	struct extent *tmp, *out;
	size_t n = 0, m = 0, i;
	uint64_t covered = 0;

	tmp = calloc(src->nr_segs ? src->nr_segs : 1, sizeof(*tmp));
	if (!tmp)
		return ERR_OOM();
	for (i = 0; i < src->nr_segs; i++) {
		const struct source_segment *s = &src->segs[i];

		if (!s->filesz)
			continue;
		tmp[n].start = s->paddr;
		tmp[n].end = s->paddr + s->filesz;
		tmp[n].offset = s->offset;
		n++;
	}
	qsort(tmp, n, sizeof(*tmp), cmp_extent);
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out) {
		free(tmp);
		return ERR_OOM();
	}
	for (i = 0; i < n; i++) {
		struct extent e = tmp[i];

		if (m && e.end <= covered)
			continue;
		if (m && e.start < covered) {
			e.offset += covered - e.start;
			e.start = covered;
		}
		if (m && out[m - 1].end == e.start &&
		    out[m - 1].offset + (out[m - 1].end - out[m - 1].start) == e.offset)
			out[m - 1].end = e.end;
		else
			out[m++] = e;
		covered = e.end;
	}
	free(tmp);
	es->ext = out;
	es->nr_ext = m;
	return NULL;
}

/* Header and program headers through libelf (it handles PN_XNUM and e_phoff). */
static struct error *read_phdrs(struct elf_source *es, Elf64_Phdr **phdrs_out,
				size_t *phnum_out)
{
	struct source *src = &es->base;
	struct error *err = NULL;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	size_t phnum;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return ERR(ERR_UNSUPPORTED, "libelf is out of date");
	elf = elf_begin(src->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = ERR(ERR_FORMAT, "%s: not an ELF file (%s)", src->path,
			  elf_errmsg(-1));
		goto out;
	}
	if (gelf_getclass(elf) != ELFCLASS64) {
		err = ERR(ERR_UNSUPPORTED,
			  "%s: only ELF64 vmcores are handled (this one is ELF32, a 32-bit kernel's)",
			  src->path);
		goto out;
	}
	eh = elf64_getehdr(elf);
	if (!eh) {
		err = ERR(ERR_FORMAT, "%s: bad ELF header (%s)", src->path, elf_errmsg(-1));
		goto out;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		err = ERR(ERR_UNSUPPORTED, "%s: big-endian vmcores are not handled", src->path);
		goto out;
	}
	if (eh->e_type != ET_CORE) {
		err = ERR(ERR_FORMAT, "%s: ELF type %u is not a core file", src->path,
			  eh->e_type);
		goto out;
	}
	src->e_machine = eh->e_machine;
	/* libelf says only "invalid data" (or "no error") for these. */
	if (eh->e_phnum != PN_XNUM && eh->e_phentsize == sizeof(Elf64_Phdr) &&
	    !range_in(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
		      src->file_size)) {
		err = ERR(ERR_FORMAT, "%s is cut short (%llu bytes): its %u program headers "
			  "at offset 0x%llx lie past the end", src->path,
			  (unsigned long long)src->file_size, eh->e_phnum,
			  (unsigned long long)eh->e_phoff);
		goto out;
	}
	if (elf_getphdrnum(elf, &phnum)) {
		err = ERR(ERR_FORMAT, "%s: Can't get the number of PT_LOAD (%s)", src->path,
			  elf_errmsg(-1));
		goto out;
	}
	if (phnum == 0) {
		err = ERR(ERR_FORMAT, "%s: no program headers (e_phnum 0): not a vmcore",
			  src->path);
		goto out;
	}
	if (phnum > MAX_PHNUM) {
		err = ERR(ERR_FORMAT, "%s: implausible number of program headers (%zu)",
			  src->path, phnum);
		goto out;
	}
	/* QEMU 7.2 writes e_ehsize 8 and puts the phdrs after its section headers. */
	ph = elf64_getphdr(elf);
	if (!ph) {
		err = ERR(ERR_FORMAT, "%s: program headers unreadable (%s)", src->path,
			  elf_errmsg(-1));
		goto out;
	}
	*phdrs_out = malloc(phnum * sizeof(*ph));
	if (!*phdrs_out) {
		err = ERR_OOM();
		goto out;
	}
	memcpy(*phdrs_out, ph, phnum * sizeof(*ph));
	*phnum_out = phnum;
out:
	elf_end(elf);
	return err;
}

/* The host's page size (mmap granularity); 4 KiB if the system will not say. */
static uint64_t host_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 && is_power_of_2((uint64_t)ps) ? (uint64_t)ps : DUMP_PAGE_SIZE_MIN;
}

/*
 * PAGESIZE from the VMCOREINFO note, needed before the kernel model reads
 * it (to cut truncated segments); the smallest page size if absent or
 * implausible, which the kernel model then reports.
 */
static uint64_t vmcoreinfo_page_size(const struct source *src)
{
	static const char key[] = "PAGESIZE=";
	size_t len, i;
	const char *vi = source_vmcoreinfo(src, &len);

	for (i = 0; vi && i + sizeof(key) - 1 < len;) {
		const char *nl = memchr(vi + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - vi) : len;

		if (end - i > sizeof(key) - 1 && !memcmp(vi + i, key, sizeof(key) - 1)) {
			uint64_t v = 0;
			size_t j;

			for (j = i + sizeof(key) - 1; j < end && vi[j] >= '0' && vi[j] <= '9' &&
			     v <= DUMP_PAGE_SIZE_MAX; j++)
				v = v * 10 + (uint64_t)(vi[j] - '0');
			if (j == end && is_power_of_2(v) && v >= DUMP_PAGE_SIZE_MIN &&
			    v <= DUMP_PAGE_SIZE_MAX)
				return v;
			break;
		}
		i = end + 1;
	}
	return DUMP_PAGE_SIZE_MIN;
}

static struct error *collect_notes(struct elf_source *es, const Elf64_Phdr *ph,
				   size_t phnum)
{
	struct source *src = &es->base;
	uint64_t total = 0, last_pad = 0;
	size_t i;
	uint8_t *buf;

	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		if (!range_in(ph[i].p_offset, ph[i].p_filesz, src->file_size))
			return ERR(ERR_FORMAT,
				   "%s: PT_NOTE (offset 0x%llx, size 0x%llx) lies beyond the end of the file",
				   src->path, (unsigned long long)ph[i].p_offset,
				   (unsigned long long)ph[i].p_filesz);
		total += ROUND_UP(ph[i].p_filesz, 4);
		if (total > MAX_NOTES_SIZE)
			return ERR(ERR_FORMAT, "%s: note segments are implausibly large",
				   src->path);
	}
	if (!total)
		return NULL;
	buf = calloc(1, total);
	if (!buf)
		return ERR_OOM();
	total = 0;
	for (i = 0; i < phnum; i++) {
		struct error *err;

		if (ph[i].p_type != PT_NOTE || !ph[i].p_filesz)
			continue;
		err = pread_full(src->fd, buf + total, ph[i].p_filesz,
				 ph[i].p_offset, src->path);
		if (err) {
			free(buf);
			return err;
		}
		last_pad = ROUND_UP(ph[i].p_filesz, 4) - ph[i].p_filesz;
		total += ROUND_UP(ph[i].p_filesz, 4);
	}
	/* Notes are copied verbatim: no padding after the last segment. */
	src->notes = buf;
	src->notes_size = total - last_pad;
	notes_summarize(buf, total, &src->note_info);
	if (src->note_info.malformed)
		msg_common(src->pr, "WARNING: the note segment of %s is damaged; "
			   "using the notes before the damage.\n", src->path);
	return NULL;
}

static struct error *collect_loads(struct elf_source *es, const Elf64_Phdr *ph,
				   size_t phnum)
{
	struct source *src = &es->base;
	uint64_t missing = 0;
	size_t i, n = 0, ignored = 0;

	src->segs = calloc(phnum, sizeof(*src->segs));
	if (!src->segs)
		return ERR_OOM();
	for (i = 0; i < phnum; i++) {
		struct source_segment *s = &src->segs[n];
		uint64_t end, avail;

		if (ph[i].p_type != PT_LOAD)
			continue;
		/* Segments without a physical address are virtual-only. */
		if (ph[i].p_paddr == UINT64_MAX || ph[i].p_memsz == 0)
			continue;
		if (add_overflows(ph[i].p_paddr, ph[i].p_memsz, &end) ||
		    end > (1ull << MAX_PHYS_BITS)) {
			/*
			 * No memory is there: a broken header (kexec-tools
			 * 2.0.25 on arm64 without _text in kallsyms writes a
			 * kernel-image PT_LOAD of size ~2^64).  The other
			 * PT_LOADs can still be sound.
			 */
			msg_common(src->pr,
				   "WARNING: %s: PT_LOAD[%zu] [0x%llx, +0x%llx) lies outside the "
				   "physical address space; ignored.\n",
				   src->path, i, (unsigned long long)ph[i].p_paddr,
				   (unsigned long long)ph[i].p_memsz);
			ignored++;
			continue;
		}
		s->paddr = ph[i].p_paddr;
		s->memsz = ph[i].p_memsz;
		s->vaddr = ph[i].p_vaddr;
		s->offset = ph[i].p_offset;
		s->flags = ph[i].p_flags;
		s->filesz = MIN(ph[i].p_filesz, ph[i].p_memsz);
		if (s->filesz && s->offset >= src->file_size) {
			missing += s->filesz;
			s->filesz = 0;
		} else if (s->filesz) {
			avail = src->file_size - s->offset;
			if (s->filesz > avail) {
				/*
				 * A cut inside a page would have its tail read as
				 * zeros: garbage for a page that held data.  Keep
				 * whole pages only.
				 */
				uint64_t keep = ROUND_DOWN(s->paddr + avail, es->cut_page);

				keep = keep > s->paddr ? keep - s->paddr : 0;
				missing += s->filesz - keep;
				s->filesz = keep;
			}
		}
		if (end > src->max_paddr)
			src->max_paddr = end;
		n++;
	}
	src->nr_segs = n;
	if (missing) {
		src->incomplete = true;
		msg_common(src->pr,
			   "WARNING: %s is truncated: %llu bytes of memory data are missing; "
			   "the pages they hold are treated as absent.\n",
			   src->path, (unsigned long long)missing);
	}
	if (!n && ignored)
		return ERR(ERR_FORMAT, "%s: every PT_LOAD lies outside the physical "
			   "address space", src->path);
	if (!n)
		return ERR(ERR_FORMAT, "%s: no PT_LOAD segment with a physical address",
			   src->path);
	return build_extents(es);
}

struct error *elf_source_open(int fd, const char *path, bool use_mmap,
			      struct printer *pr, struct source **out)
{
	struct elf_source *es;
	struct source *src;
	Elf64_Phdr *ph = NULL;
	size_t phnum = 0;
	struct error *err;

	es = calloc(1, sizeof(*es));
	if (!es)
		return ERR_OOM();
	src = &es->base;
	src->ops = &elf_ops;
	src->format = SOURCE_ELF;
	src->fd = fd;
	src->path = path;
	src->use_mmap = use_mmap;
	src->pr = pr;
	es->host_page = host_page_size();
	err = file_size_of(fd, path, &src->file_size);
	if (err)
		goto fail;
	if (src->file_size < sizeof(src->elf_header)) {
		err = ERR(ERR_FORMAT, "%s: too short for an ELF header", path);
		goto fail;
	}
	err = pread_full(fd, src->elf_header, sizeof(src->elf_header), 0, path);
	if (!err)
		err = read_phdrs(es, &ph, &phnum);
	if (err)
		goto fail;
	err = collect_notes(es, ph, phnum);
	if (err)
		goto fail;
	es->cut_page = vmcoreinfo_page_size(src);
	err = collect_loads(es, ph, phnum);
	if (err)
		goto fail;
	free(ph);
	*out = src;
	return NULL;
fail:
	free(ph);
	elf_destroy(src);
	return err;
}
