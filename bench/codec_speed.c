// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The physical limits of a dump, measured on the pages of a real one:
 * how fast the bytes can be read, and how fast (and how small) each codec
 * turns them into kdump page data, page by page in a tight loop.
 *
 * Input: an ELF vmcore (as /proc/vmcore, or an -E dump: its PT_LOADs hold
 * only the kept pages).  Every page of file data that is not all zero is
 * one sample, as a -d 1 dump would store it.
 *
 * Usage: codec_speed [-r ROUNDS] [-n MAX_PAGES] [-p PAGE_SIZE] VMCORE METHOD...
 * METHOD: read, zero, codec:-c|-l|-p|-z (the tool's own codec),
 *         zlib:LEVEL, deflate:LEVEL (libdeflate, zlib wrapper),
 *         lzo1x_1, lzo1x_1_11, lzo1x_1_12, lzo1x_1_15, lzo1x_999,
 *         zstd:LEVEL, snappy
 * Prints one line per method: pages, stored bytes (raw where compression
 * does not shrink the page, as the writer does), ratio, MiB/s of input.
 */
#include "../writer/codec.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

struct pages {
	const uint8_t **p;
	size_t n, cap;
	size_t size;
	size_t max;		/* stop after this many samples (0: all) */
};

static void add_page(struct pages *s, const uint8_t *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
		if (!s->p) {
			perror("realloc");
			exit(1);
		}
	}
	s->p[s->n++] = p;
}

static int load(const char *path, struct pages *s)
{
	const Elf64_Ehdr *eh;
	struct stat st;
	uint8_t *m;
	int fd, i;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return -1;
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED || st.st_size < (off_t)sizeof(*eh)) {
		fprintf(stderr, "%s: cannot map\n", path);
		return -1;
	}
	eh = (const Elf64_Ehdr *)m;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff > (uint64_t)st.st_size ||
	    eh->e_phnum * (uint64_t)sizeof(Elf64_Phdr) > st.st_size - eh->e_phoff) {
		fprintf(stderr, "%s: not a 64-bit ELF vmcore\n", path);
		close(fd);
		return -1;
	}
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(m + eh->e_phoff) + i;
		uint64_t off;

		if (ph->p_type != PT_LOAD || ph->p_offset > (uint64_t)st.st_size ||
		    ph->p_filesz > st.st_size - ph->p_offset)
			continue;
		for (off = 0; off + s->size <= ph->p_filesz; off += s->size) {
			const uint8_t *p = m + ph->p_offset + off;
			uint64_t next;
			off_t data;

			if (s->max && s->n == s->max)
				goto out;
			/* Holes of a sparse file are zero: skip them unread. */
			if (!(off & ((1u << 20) - 1))) {
				data = lseek(fd, (off_t)(ph->p_offset + off), SEEK_DATA);
				if (data < 0)
					break;
				next = ROUND_DOWN((uint64_t)data - ph->p_offset, s->size);
				if (next > off) {
					off = next - s->size;
					continue;
				}
			}
			if (!mem_is_zero(p, s->size))
				add_page(s, p);
		}
	}
out:
	close(fd);
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* One method over all pages; returns stored bytes, or -1 if unknown. */
static long long run(const char *m, const struct pages *s, uint8_t *out,
		     size_t cap, void *wrk)
{
	size_t ps = s->size, i;
	long long total = 0;
	int level = 0;
	const char *colon = strchr(m, ':');

	if (colon)
		level = atoi(colon + 1);
	if (!strcmp(m, "read")) {
		uint64_t sum = 0;

		for (i = 0; i < s->n; i++) {
			const uint64_t *q = (const uint64_t *)s->p[i];
			size_t k;

			for (k = 0; k < ps / 8; k++)
				sum += q[k];
		}
		return sum == 1 ? 0 : (long long)(s->n * ps);
	}
	if (!strcmp(m, "zero")) {
		for (i = 0; i < s->n; i++)
			total += mem_is_zero(s->p[i], ps) ? 0 : (long long)ps;
		return total;
	}
	if (!strncmp(m, "codec:", 6)) {
		unsigned int method = 0;
		struct codec *c;
		struct error *err;

		switch (m[7]) {
		case 'c': method = DUMP_DH_COMPRESSED_ZLIB; break;
		case 'l': method = DUMP_DH_COMPRESSED_LZO; break;
		case 'p': method = DUMP_DH_COMPRESSED_SNAPPY; break;
		case 'z': method = DUMP_DH_COMPRESSED_ZSTD; break;
		default: return -1;
		}
		err = codec_create(method, ps, &c);
		if (err) {
			fprintf(stderr, "%s\n", err->msg);
			return -1;
		}
		for (i = 0; i < s->n; i++) {
			size_t len = 0;

			total += codec_compress(c, s->p[i], out, &len) ? (long long)len
								     : (long long)ps;
		}
		codec_destroy(c);
		return total;
	}
	for (i = 0; i < s->n; i++) {
		const uint8_t *p = s->p[i];
		size_t len = cap;
		int ok = 1;

		if (!strncmp(m, "zlib:", 5)) {
			uLongf l = cap;

			ok = compress2(out, &l, p, ps, level) == Z_OK;
			len = l;
#ifdef HAVE_LIBDEFLATE
		} else if (!strncmp(m, "deflate:", 8)) {
			static struct libdeflate_compressor *d;
			static int dl = -1;

			if (dl != level) {
				libdeflate_free_compressor(d);
				d = libdeflate_alloc_compressor(level);
				dl = level;
			}
			len = libdeflate_zlib_compress(d, p, ps, out, cap);
			ok = len != 0;
#endif
		} else if (!strncmp(m, "lzo1x_", 6)) {
			lzo_uint l = 0;
			int rc;

			if (!strcmp(m, "lzo1x_1"))
				rc = lzo1x_1_compress(p, ps, out, &l, wrk);
			else if (!strcmp(m, "lzo1x_1_11"))
				rc = lzo1x_1_11_compress(p, ps, out, &l, wrk);
			else if (!strcmp(m, "lzo1x_1_12"))
				rc = lzo1x_1_12_compress(p, ps, out, &l, wrk);
			else if (!strcmp(m, "lzo1x_1_15"))
				rc = lzo1x_1_15_compress(p, ps, out, &l, wrk);
			else if (!strcmp(m, "lzo1x_999"))
				rc = lzo1x_999_compress(p, ps, out, &l, wrk);
			else
				return -1;
			ok = rc == LZO_E_OK;
			len = l;
		} else if (!strncmp(m, "zstd:", 5)) {
			static ZSTD_CCtx *z;

			if (!z)
				z = ZSTD_createCCtx();
			len = ZSTD_compressCCtx(z, out, cap, p, ps, level);
			ok = !ZSTD_isError(len);
		} else if (!strcmp(m, "snappy")) {
			ok = snappy_compress((const char *)p, ps, (char *)out, &len) == SNAPPY_OK;
		} else {
			return -1;
		}
		total += ok && len < ps ? (long long)len : (long long)ps;
	}
	return total;
}

int main(int argc, char **argv)
{
	struct pages s = { .size = 4096 };
	int rounds = 1, opt, i, r;
	uint8_t *out;
	void *wrk;
	size_t cap;

	while ((opt = getopt(argc, argv, "r:n:p:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'n')
			s.max = strtoul(optarg, NULL, 0);
		else if (opt == 'p')
			s.size = strtoul(optarg, NULL, 0);
		else
			goto usage;
	}
	if (optind + 2 > argc || rounds < 1 || s.size < 512 || (s.size & (s.size - 1)))
		goto usage;
	if (load(argv[optind], &s))
		return 1;
	cap = codec_bound(s.size) + s.size;
	out = malloc(cap);
	wrk = malloc(LZO1X_999_MEM_COMPRESS);
	if (!out || !wrk || lzo_init() != LZO_E_OK)
		return 1;
	printf("%-12s %9s %12s %7s %9s\n", "method", "pages", "stored", "ratio", "MiB/s");
	for (i = optind + 1; i < argc; i++) {
		double best = 0;
		long long bytes = 0;

		for (r = 0; r < rounds; r++) {
			double t0 = now(), dt;

			bytes = run(argv[i], &s, out, cap, wrk);
			dt = now() - t0;
			if (bytes < 0)
				break;
			if (!best || dt < best)
				best = dt;
		}
		if (bytes < 0) {
			fprintf(stderr, "unknown method %s\n", argv[i]);
			return 2;
		}
		printf("%-12s %9zu %12lld %7.4f %9.1f\n", argv[i], s.n, bytes,
		       (double)bytes / ((double)s.n * s.size),
		       s.n * (double)s.size / (1 << 20) / best);
		fflush(stdout);
	}
	return 0;
usage:
	fprintf(stderr, "usage: %s [-r ROUNDS] [-n MAX_PAGES] [-p PAGE_SIZE] VMCORE METHOD...\n", argv[0]);
	return 2;
}
