// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * failio.so: an LD_PRELOAD shim that makes I/O on chosen files fail, for
 * tests/integration/test_faults.py (this machine has no device-mapper
 * `error` target).  It wraps read/pread/write/pwrite (and their 64-bit
 * names) and decides by the file an fd refers to (/proc/self/fd link).
 *
 *   FAILIO_ERRNO=EIO|ENOSPC|EDQUOT|EFBIG|EPIPE|<number>   (default EIO)
 *
 * Output (fd whose path is $FAILIO_OUT):
 *   FAILIO_OUT_OFF=N    writes reaching file offset N fail: the part below
 *                       N is written (a short write), then -1/errno, like
 *                       a device whose sectors from N on are bad
 *   FAILIO_OUT_AFTER=N  after N bytes written in total, every write fails
 *                       (a device that died), including rewrites of the
 *                       header
 * Input (fd whose path is $FAILIO_IN):
 *   FAILIO_IN_BAD=A-B   reads overlapping bytes [A, B) fail: a short read
 *                       up to A if the read starts below it, else -1/errno
 *   FAILIO_TRUNC_IN=S, FAILIO_TRUNC_AT=N
 *                       once N bytes have been written to $FAILIO_OUT,
 *                       truncate $FAILIO_IN to S bytes (the input shrinks
 *                       under a live mapping: SIGBUS in the tool)
 *
 * Every failure injected is counted in $FAILIO_LOG (appended, one line
 * per kind) so that a test can tell that the fault really happened.
 * Offsets accept 0x prefixes.  Not thread-hostile: a mutex guards state.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*read_fn)(int, void *, size_t);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int inited;
static const char *out_path, *in_path, *log_path;
static int fail_errno = EIO;
static int64_t out_off = -1, out_after = -1, in_bad_a = -1, in_bad_b = -1;
static int64_t trunc_in = -1, trunc_at = -1;
static uint64_t out_written;
static int truncated;
static unsigned long n_out_fail, n_in_fail;

static int64_t num(const char *s)
{
	return s && *s ? (int64_t)strtoull(s, NULL, 0) : -1;
}

static void init(void)
{
	const char *e, *b;

	if (inited)
		return;
	inited = 1;
	out_path = getenv("FAILIO_OUT");
	in_path = getenv("FAILIO_IN");
	log_path = getenv("FAILIO_LOG");
	out_off = num(getenv("FAILIO_OUT_OFF"));
	out_after = num(getenv("FAILIO_OUT_AFTER"));
	trunc_in = num(getenv("FAILIO_TRUNC_IN"));
	trunc_at = num(getenv("FAILIO_TRUNC_AT"));
	b = getenv("FAILIO_IN_BAD");
	if (b && strchr(b, '-')) {
		in_bad_a = (int64_t)strtoull(b, NULL, 0);
		in_bad_b = (int64_t)strtoull(strchr(b, '-') + 1, NULL, 0);
	}
	e = getenv("FAILIO_ERRNO");
	if (e) {
		if (!strcmp(e, "EIO"))
			fail_errno = EIO;
		else if (!strcmp(e, "ENOSPC"))
			fail_errno = ENOSPC;
		else if (!strcmp(e, "EDQUOT"))
			fail_errno = EDQUOT;
		else if (!strcmp(e, "EFBIG"))
			fail_errno = EFBIG;
		else if (!strcmp(e, "EPIPE"))
			fail_errno = EPIPE;
		else
			fail_errno = atoi(e);
	}
}

static void note(const char *what)
{
	char line[128];
	int fd, n;

	if (!log_path)
		return;
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s out=%lu in=%lu\n", what, n_out_fail, n_in_fail);
	/* The real write: this fd matches neither path. */
	((write_fn)dlsym(RTLD_NEXT, "write"))(fd, line, (size_t)n);
	close(fd);
}

/* Does @fd refer to @path? */
static int fd_is(int fd, const char *path)
{
	char link[64], target[4096];
	ssize_t n;

	if (!path || fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, path);
}

/* How much of a write of @len at @off may go through; -1: fail it. */
static ssize_t out_allow(int fd, size_t len, int64_t off)
{
	ssize_t allow = (ssize_t)len;

	if (out_after >= 0) {
		if ((int64_t)out_written >= out_after)
			return -1;
		if ((int64_t)(out_written + len) > out_after)
			allow = (ssize_t)(out_after - (int64_t)out_written);
	}
	if (out_off >= 0 && off >= 0) {
		if (off >= out_off)
			return -1;
		if (off + (int64_t)len > out_off && (ssize_t)(out_off - off) < allow)
			allow = (ssize_t)(out_off - off);
	}
	return allow;
}

static void maybe_truncate(void)
{
	if (truncated || trunc_in < 0 || trunc_at < 0 || !in_path)
		return;
	if ((int64_t)out_written >= trunc_at) {
		truncated = 1;
		if (truncate(in_path, trunc_in) == 0)
			note("truncated-input");
	}
}

static ssize_t do_write(int fd, const void *buf, size_t len, int64_t off, int positional)
{
	static write_fn real_write;
	static pwrite_fn real_pwrite;
	ssize_t allow, n;

	pthread_mutex_lock(&lock);
	init();
	if (!real_write) {
		real_write = (write_fn)dlsym(RTLD_NEXT, "write");
		real_pwrite = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
	}
	if (!fd_is(fd, out_path)) {
		pthread_mutex_unlock(&lock);
		return positional ? real_pwrite(fd, buf, len, (off_t)off) : real_write(fd, buf, len);
	}
	if (!positional)
		off = (int64_t)lseek(fd, 0, SEEK_CUR);
	allow = out_allow(fd, len, off);
	if (allow <= 0 && len) {
		n_out_fail++;
		note("write-failed");
		pthread_mutex_unlock(&lock);
		errno = fail_errno;
		return -1;
	}
	n = positional ? real_pwrite(fd, buf, (size_t)allow, (off_t)off)
		       : real_write(fd, buf, (size_t)allow);
	if (n > 0)
		out_written += (uint64_t)n;
	maybe_truncate();
	pthread_mutex_unlock(&lock);
	return n;
}

static ssize_t do_read(int fd, void *buf, size_t len, int64_t off, int positional)
{
	static read_fn real_read;
	static pread_fn real_pread;
	ssize_t allow = (ssize_t)len;

	pthread_mutex_lock(&lock);
	init();
	if (!real_read) {
		real_read = (read_fn)dlsym(RTLD_NEXT, "read");
		real_pread = (pread_fn)dlsym(RTLD_NEXT, "pread64");
	}
	if (in_bad_a >= 0 && fd_is(fd, in_path)) {
		if (!positional)
			off = (int64_t)lseek(fd, 0, SEEK_CUR);
		if (off < in_bad_b && off + (int64_t)len > in_bad_a) {
			if (off >= in_bad_a) {
				n_in_fail++;
				note("read-failed");
				pthread_mutex_unlock(&lock);
				errno = fail_errno;
				return -1;
			}
			allow = (ssize_t)(in_bad_a - off);
		}
	}
	pthread_mutex_unlock(&lock);
	return positional ? real_pread(fd, buf, (size_t)allow, (off_t)off)
			  : real_read(fd, buf, (size_t)allow);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return do_write(fd, buf, len, -1, 0);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return do_write(fd, buf, len, off, 1);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return do_write(fd, buf, len, off, 1);
}

ssize_t read(int fd, void *buf, size_t len)
{
	return do_read(fd, buf, len, -1, 0);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return do_read(fd, buf, len, off, 1);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	return do_read(fd, buf, len, off, 1);
}
