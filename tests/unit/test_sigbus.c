// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/sigbus: a mapped file that shrinks under the reader raises SIGBUS on
 * access; guarded_copy() and guarded_call() turn that into a failure the
 * caller handles, and leave the process able to go on.
 */
#include "unit.h"

#include "lib/sigbus.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAP_LEN (1 << 20)

struct sum_args {
	const uint8_t *p;
	size_t len;
	unsigned int sum;
};

static void sum_bytes(void *arg)
{
	struct sum_args *a = arg;

	for (size_t i = 0; i < a->len; i++)
		a->sum += a->p[i];
}

/* A 1 MiB file of 0x5a bytes, mapped; then cut to 4 KiB. */
static uint8_t *map_then_truncate(int *fdp)
{
	char path[] = "/tmp/mdf-sigbus-XXXXXX";
	uint8_t buf[4096];
	int fd = mkstemp(path);
	uint8_t *p;

	if (fd < 0)
		return NULL;
	unlink(path);
	memset(buf, 0x5a, sizeof(buf));
	for (int i = 0; i < MAP_LEN / 4096; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return NULL;
	p = mmap(NULL, MAP_LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (ftruncate(fd, 4096))
		return NULL;
	*fdp = fd;
	return p;
}

TEST(copy_from_a_truncated_mapping_fails_cleanly)
{
	uint8_t out[4096];
	int fd;
	uint8_t *p = map_then_truncate(&fd);

	if (!p) {
		unit_skip("can't set up a mapping in /tmp");
		return;
	}
	CHECK(guarded_copy(out, p, 4096));
	CHECK_EQ(out[100], 0x5a);
	CHECK(!guarded_copy(out, p + 8192, 4096));
	/* The guard is reusable after a fault. */
	CHECK(guarded_copy(out, p + 16, 64));
	CHECK(!guarded_copy(out, p + MAP_LEN - 4096, 4096));
	munmap(p, MAP_LEN);
	close(fd);
}

TEST(call_reading_a_truncated_mapping_fails_cleanly)
{
	int fd;
	uint8_t *p = map_then_truncate(&fd);
	struct sum_args ok, bad;

	if (!p) {
		unit_skip("can't set up a mapping in /tmp");
		return;
	}
	ok = (struct sum_args){ p, 4096, 0 };
	CHECK(guarded_call(sum_bytes, &ok));
	CHECK_EQ(ok.sum, 4096u * 0x5a);
	bad = (struct sum_args){ p, 3 * 4096, 0 };
	CHECK(!guarded_call(sum_bytes, &bad));
	/* And the next guarded call works normally. */
	ok.sum = 0;
	CHECK(guarded_call(sum_bytes, &ok));
	CHECK_EQ(ok.sum, 4096u * 0x5a);
	munmap(p, MAP_LEN);
	close(fd);
}
