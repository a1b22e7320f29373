/*
 * memstate: create memory state in the e2e guest before the crash.
 *
 *   memstate anon     MIB TAG RECORD        anonymous private memory, kept alive
 *   memstate writefile PATH MIB TAG          write(2) a file (page cache, no sync)
 *   memstate mapfile  PATH MIB TAG RECORD    MAP_SHARED file mapping, kept alive
 *
 * Every page starts with "TAG <page index>\n" and is filled with a byte
 * pattern, so the host can recognise it in the raw /proc/vmcore.  For the
 * two "kept alive" modes the physical frame numbers of the pages (from
 * /proc/self/pagemap) are appended to RECORD as lines "TAG pfn" once the
 * memory is populated; the process then forks into the background and
 * sleeps until the crash, holding the memory.  Built statically for the
 * e2e initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel's page size (4 KiB on x86_64; 4, 16 or 64 KiB on arm64). */
static unsigned long PAGE = 4096;
#define MAX_PAGE 65536UL

static void die(const char *what)
{
	fprintf(stderr, "memstate: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fill_page(unsigned char *p, const char *tag, unsigned long idx)
{
	int n = snprintf((char *)p, PAGE, "%s %lu\n", tag, idx);
	for (unsigned long i = (unsigned long)n; i < PAGE; i++)
		p[i] = (unsigned char)(0xa5 ^ (i & 0xff) ^ (idx & 0xff));
}

static void record_pfns(const char *record, const char *tag, unsigned char *base,
			unsigned long pages)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		die("open /proc/self/pagemap");
	FILE *out = fopen(record, "a");
	if (!out)
		die(record);
	unsigned long present = 0;
	for (unsigned long i = 0; i < pages; i++) {
		uint64_t e;
		off_t off = (off_t)(((uintptr_t)base + i * PAGE) / PAGE) * 8;
		if (pread(pm, &e, sizeof e, off) != (ssize_t)sizeof e)
			die("read pagemap");
		if (!(e >> 63))
			continue;
		uint64_t pfn = e & ((1ULL << 55) - 1);
		if (pfn == 0)
			continue; /* not root, or hidden */
		fprintf(out, "%s 0x%llx\n", tag, (unsigned long long)pfn);
		present++;
	}
	fclose(out);
	close(pm);
	printf("memstate: %s %lu pages, %lu present\n", tag, pages, present);
}

/* Detach: the parent returns once the child has populated and recorded. */
static void hold_forever(int ready_fd)
{
	char c = 1;
	if (write(ready_fd, &c, 1) != 1)
		die("write ready");
	close(ready_fd);
	for (;;)
		pause();
}

static int spawn(void (*body)(int, char **), char **argv)
{
	int p[2];
	if (pipe(p))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		setsid();
		body(p[1], argv);
		_exit(0);
	}
	close(p[1]);
	char c;
	if (read(p[0], &c, 1) != 1) {
		int st;
		waitpid(pid, &st, 0);
		fprintf(stderr, "memstate: child failed\n");
		return 1;
	}
	printf("memstate: pid %d holds the memory\n", (int)pid);
	return 0;
}

static void anon_body(int ready, char **argv)
{
	unsigned long pages = strtoul(argv[2], NULL, 0) * ((1UL << 20) / PAGE);
	const char *tag = argv[3];
	unsigned char *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap anon");
	/* Keep base pages so that each frame is a plain anonymous page. */
	madvise(m, pages * PAGE, MADV_NOHUGEPAGE);
	for (unsigned long i = 0; i < pages; i++)
		fill_page(m + i * PAGE, tag, i);
	record_pfns(argv[4], tag, m, pages);
	hold_forever(ready);
}

static void mapfile_body(int ready, char **argv)
{
	const char *path = argv[2];
	unsigned long pages = strtoul(argv[3], NULL, 0) * ((1UL << 20) / PAGE);
	const char *tag = argv[4];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	if (ftruncate(fd, (off_t)(pages * PAGE)))
		die("ftruncate");
	unsigned char *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("mmap shared");
	for (unsigned long i = 0; i < pages; i++)
		fill_page(m + i * PAGE, tag, i);
	record_pfns(argv[5], tag, m, pages);
	hold_forever(ready);
}

static int writefile(char **argv)
{
	const char *path = argv[2];
	unsigned long pages = strtoul(argv[3], NULL, 0) * ((1UL << 20) / PAGE);
	const char *tag = argv[4];
	static unsigned char buf[MAX_PAGE];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	for (unsigned long i = 0; i < pages; i++) {
		fill_page(buf, tag, i);
		if (write(fd, buf, PAGE) != (ssize_t)PAGE)
			die("write");
	}
	close(fd);
	printf("memstate: %s %lu pages written to %s\n", tag, pages, path);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	long ps = sysconf(_SC_PAGESIZE);
	if (ps > 0 && (unsigned long)ps <= MAX_PAGE)
		PAGE = (unsigned long)ps;
	if (argc == 5 && !strcmp(argv[1], "anon"))
		return spawn(anon_body, argv);
	if (argc == 5 && !strcmp(argv[1], "writefile"))
		return writefile(argv);
	if (argc == 6 && !strcmp(argv[1], "mapfile"))
		return spawn(mapfile_body, argv);
	fprintf(stderr, "usage: memstate anon MIB TAG RECORD | writefile PATH MIB TAG |"
			" mapfile PATH MIB TAG RECORD\n");
	return 2;
}
