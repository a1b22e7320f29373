// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * writer/output: the flattened stream format (FORMATS.md C: a 4096-byte
 * header "makedumpfile" + type 1 + version 1 as big-endian int64, records
 * of big-endian {offset, size} + data, an all-0xff end marker, "Write
 * bytes" = stream size), the -L size limit (files filled up to the limit,
 * then ERR_NOSPC; streams refuse the record that would cross it), and
 * created files: mode 0600 whatever the umask, O_EXCL refusal of an
 * existing file ("File exists"), -f truncating and re-moding it.
 */
#include "unit.h"

#include "lib/error.h"
#include "writer/output.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mdf-output-XXXXXX";

static void remove_tmpdir(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* A path in this process's private temporary directory. */
static const char *tpath(const char *name)
{
	static char buf[256];
	static bool made;

	if (!made) {
		made = true;
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_tmpdir);
	}
	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static size_t slurp(int fd, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	lseek(fd, 0, SEEK_SET);
	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	return n;
}

TEST(flattened_stream_format)
{
	int fd = open(tpath("flat"), O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct output_options oo = { 0 };
	struct output *o = NULL;
	struct error *err;
	static uint8_t s[65536];
	uint8_t a[100], b[4096];
	size_t n;

	CHECK(fd >= 0);
	memset(a, 0xab, sizeof(a));
	memset(b, 0xcd, sizeof(b));
	err = output_flat(fd, "STDOUT", &oo, &o);
	CHECK(!err);
	if (err) {
		error_free(err);
		close(fd);
		return;
	}
	/* non-monotonic offsets, as the kdump writer emits them */
	CHECK(!output_write(o, 0, a, sizeof(a)));
	CHECK(!output_write(o, 4200, b, sizeof(b)));
	CHECK(!output_write(o, 4096, a, 10));
	CHECK(!output_write(o, 8192, a, 0));	/* empty writes emit nothing */
	CHECK(!output_finish(o));
	n = slurp(fd, s, sizeof(s));

	size_t want = 4096 + (16 + 100) + (16 + 4096) + (16 + 10) + 16;
	CHECK_EQ(n, want);
	CHECK_EQ(o->write_bytes, want);
	CHECK(!memcmp(s, "makedumpfile\0\0\0\0", 16));
	CHECK_EQ(be64(s + 16), 1);	/* type */
	CHECK_EQ(be64(s + 24), 1);	/* version */
	bool pad_zero = true;
	for (int i = 32; i < 4096; i++)
		pad_zero &= s[i] == 0;
	CHECK(pad_zero);
	const uint8_t *r = s + 4096;
	CHECK_EQ(be64(r), 0);
	CHECK_EQ(be64(r + 8), 100);
	CHECK(!memcmp(r + 16, a, 100));
	r += 16 + 100;
	CHECK_EQ(be64(r), 4200);
	CHECK_EQ(be64(r + 8), 4096);
	CHECK(!memcmp(r + 16, b, 4096));
	r += 16 + 4096;
	CHECK_EQ(be64(r), 4096);
	CHECK_EQ(be64(r + 8), 10);
	r += 16 + 10;
	for (int i = 0; i < 16; i++)
		CHECK_EQ(r[i], 0xff);
	CHECK(!output_can_read(o));
	output_close(o);
	close(fd);
	unlink(tpath("flat"));
}

TEST(flattened_limit_refuses_crossing_record)
{
	int fd = open(tpath("flat-limit"), O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct output_options oo = { .limit = 4096 + 16 + 100 + 16 + 50 };
	struct output *o = NULL;
	struct error *err;
	uint8_t a[100] = { 0 };
	static uint8_t s[8192];

	err = output_flat(fd, "STDOUT", &oo, &o);
	CHECK(!err);
	if (err) {
		error_free(err);
		close(fd);
		return;
	}
	CHECK(!output_write(o, 0, a, 100));
	err = output_write(o, 100, a, 100);
	CHECK(err != NULL);
	if (err) {
		CHECK_EQ(err->code, ERR_NOSPC);
		CHECK_CONTAINS(err->msg, "Size limit");
	}
	error_free(err);
	CHECK(o->hit_limit);
	/* nothing of the refused record reached the stream */
	CHECK_EQ(slurp(fd, s, sizeof(s)), 4096 + 16 + 100);
	output_close(o);
	close(fd);
	unlink(tpath("flat-limit"));
}

TEST(file_limit_fills_up_to_the_limit)
{
	struct output_options oo = { .limit = 5000 };
	struct output *o = NULL;
	struct error *err;
	uint8_t a[3000];
	struct stat st;
	const char *p = tpath("limited");

	unlink(p);
	memset(a, 0x5a, sizeof(a));
	err = output_create(p, &oo, &o);
	CHECK(!err);
	if (err) {
		error_free(err);
		return;
	}
	CHECK(!output_write(o, 0, a, 3000));
	err = output_write(o, 3000, a, 3000);
	CHECK(err != NULL);
	if (err) {
		CHECK_EQ(err->code, ERR_NOSPC);
		CHECK_CONTAINS(err->msg, "Size limit(5000) reached");
	}
	error_free(err);
	CHECK(o->hit_limit);
	CHECK_EQ(o->write_bytes, 5000);
	/* a write entirely beyond the limit fails too */
	err = output_write(o, 6000, a, 10);
	CHECK(err != NULL && err->code == ERR_NOSPC);
	error_free(err);
	output_close(o);
	CHECK(stat(p, &st) == 0);
	CHECK_EQ(st.st_size, 5000);
	unlink(p);
}

TEST(created_file_mode_0600_despite_umask)
{
	struct output_options oo = { 0 };
	struct output *o = NULL;
	struct error *err;
	struct stat st;
	const char *p = tpath("mode");
	mode_t old = umask(0);

	unlink(p);
	err = output_create(p, &oo, &o);
	umask(old);
	CHECK(!err);
	error_free(err);
	if (o) {
		CHECK(!output_write(o, 10, "x", 1));
		CHECK(!output_finish(o));
		output_close(o);
	}
	CHECK(stat(p, &st) == 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(st.st_size, 11);
	unlink(p);
}

TEST(existing_file_refused_without_force)
{
	struct output_options oo = { 0 };
	struct output *o = NULL;
	struct error *err;
	struct stat st;
	const char *p = tpath("exists");
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, "precious", 8) == 8);
	close(fd);
	chmod(p, 0644);
	err = output_create(p, &oo, &o);
	CHECK(err != NULL);
	if (err) {
		CHECK_EQ(err->code, ERR_EXISTS);
		CHECK_EQ(err->sys_errno, EEXIST);
		CHECK_CONTAINS(err->msg, "File exists");
		CHECK_CONTAINS(err->msg, p);
	}
	error_free(err);
	CHECK(stat(p, &st) == 0);
	CHECK_EQ(st.st_size, 8);	/* untouched */

	/* -f: truncated, and a dump never stays world-readable */
	oo.force = true;
	err = output_create(p, &oo, &o);
	CHECK(!err);
	error_free(err);
	if (o) {
		CHECK(!output_write(o, 0, "ab", 2));
		CHECK(!output_finish(o));
		output_close(o);
	}
	CHECK(stat(p, &st) == 0);
	CHECK_EQ(st.st_size, 2);
	CHECK_EQ(st.st_mode & 07777, 0600);
	unlink(p);
}

TEST(unwritable_location_is_an_io_error)
{
	struct output_options oo = { 0 };
	struct output *o = NULL;
	struct error *err = output_create("/nonexistent-dir/dump", &oo, &o);

	CHECK(err != NULL);
	if (err) {
		CHECK_EQ(err->code, ERR_IO);
		CHECK_EQ(err->sys_errno, ENOENT);
	}
	error_free(err);
}

TEST(read_back_and_dry_run)
{
	struct output_options oo = { 0 };
	struct output *o = NULL;
	struct error *err;
	uint8_t back[4] = { 0 };
	const char *p = tpath("readback");

	unlink(p);
	err = output_create(p, &oo, &o);
	CHECK(!err);
	error_free(err);
	if (o) {
		CHECK(output_can_read(o));
		CHECK(!output_write(o, 100, "abcd", 4));
		err = output_read(o, 100, back, 4);
		CHECK(!err && !memcmp(back, "abcd", 4));
		error_free(err);
		err = output_read(o, 200, back, 4);	/* beyond the end */
		CHECK(err != NULL);
		error_free(err);
		output_close(o);
	}
	unlink(p);

	o = NULL;
	err = output_dry(p, false, &o);
	CHECK(!err);
	error_free(err);
	if (o) {
		CHECK(!output_write(o, 0, "abcd", 4));
		CHECK(!output_write(o, 1 << 20, "abcd", 4));
		CHECK_EQ(o->write_bytes, 8);
		CHECK(!output_can_read(o));
		CHECK(!output_finish(o));
		CHECK_EQ(o->write_bytes, 8);
		output_close(o);
	}
	CHECK(access(p, F_OK) != 0);	/* --dry-run creates no file */

	/* --dry-run -F counts what the stream would carry (its Write bytes) */
	o = NULL;
	err = output_dry("STDOUT", true, &o);
	CHECK(!err);
	error_free(err);
	if (o) {
		CHECK(!output_write(o, 0, "abcd", 4));
		CHECK(!output_write(o, 4096, "abcdef", 6));
		CHECK(!output_finish(o));
		CHECK_EQ(o->write_bytes, 4096 + (16 + 4) + (16 + 6) + 16);
		output_close(o);
	}
}
