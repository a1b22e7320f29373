// SPDX-License-Identifier: GPL-2.0-or-later
#include "output.h"
#include "../lib/error.h"
#include "../lib/io.h"
#include "../lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct output *alloc_output(enum output_kind kind, int fd,
				   const char *name)
{
	struct output *o = calloc(1, sizeof(*o));

	if (o) {
		o->kind = kind;
		o->fd = fd;
		o->name = name;
	}
	return o;
}

struct error *output_create(const char *path, const struct output_options *opt,
			    struct output **out)
{
	int flags = O_CREAT | O_RDWR | O_CLOEXEC | (opt->force ? O_TRUNC : O_EXCL);
	struct output *o;
	struct stat st;
	int fd;

	fd = open(path, flags, S_IRUSR | S_IWUSR);
	if (fd < 0)
		return ERR_ERRNO(errno == EEXIST ? ERR_EXISTS : ERR_IO, errno,
				 "Can't open the dump file(%s). %s", path,
				 strerror(errno));
	/* An overwritten file keeps its old mode: dumps hold kernel memory. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		fchmod(fd, S_IRUSR | S_IWUSR);
	o = alloc_output(OUTPUT_FILE, fd, path);
	if (!o) {
		close(fd);
		return ERR_OOM();
	}
	o->owns_fd = true;
	o->limit = opt->limit;
	*out = o;
	return NULL;
}

struct error *output_flat(int fd, const char *name,
			  const struct output_options *opt,
			  struct output **out)
{
	uint8_t hdr[FLAT_HEADER_SIZE] = { 0 };
	struct output *o = alloc_output(OUTPUT_FLAT, fd, name);
	struct error *err;

	if (!o)
		return ERR_OOM();
	o->limit = opt->limit;
	memcpy(hdr, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE));
	store_be64(hdr + 16, 1);	/* type */
	store_be64(hdr + 24, 1);	/* version */
	err = write_full(fd, hdr, sizeof(hdr), name);
	if (err) {
		free(o);
		return err;
	}
	o->write_bytes = o->stream_pos = sizeof(hdr);
	*out = o;
	return NULL;
}

struct error *output_dry(const char *name, bool flat, struct output **out)
{
	struct output *o = alloc_output(OUTPUT_NONE, -1, name);

	if (!o)
		return ERR_OOM();
	/* Count what a stream would carry: its header, record headers, end marker. */
	o->dry_flat = flat;
	if (flat)
		o->write_bytes = FLAT_HEADER_SIZE;
	*out = o;
	return NULL;
}

static struct error *limit_error(struct output *o)
{
	o->hit_limit = true;
	return ERR(ERR_NOSPC, "Can't write the dump file(%s). Size limit(%llu) reached.",
		   o->name, (unsigned long long)o->limit);
}

struct error *output_write(struct output *o, uint64_t off, const void *buf,
			   size_t len)
{
	struct error *err;
	uint8_t rec[16];

	if (!len)
		return NULL;
	switch (o->kind) {
	case OUTPUT_NONE:
		o->write_bytes += len + (o->dry_flat ? 16 : 0);
		return NULL;
	case OUTPUT_FILE:
		/* Like makedumpfile, fill up to the limit, then fail. */
		if (o->limit && off + len > o->limit) {
			if (off < o->limit) {
				err = pwrite_full(o->fd, buf, o->limit - off, off, o->name);
				if (err)
					return err;
				o->write_bytes += o->limit - off;
			}
			return limit_error(o);
		}
		err = pwrite_full(o->fd, buf, len, off, o->name);
		if (!err)
			o->write_bytes += len;
		return err;
	case OUTPUT_FLAT:
		if (o->limit && o->stream_pos + sizeof(rec) + len > o->limit)
			return limit_error(o);
		store_be64(rec, off);
		store_be64(rec + 8, len);
		err = write_full(o->fd, rec, sizeof(rec), o->name);
		if (!err)
			err = write_full(o->fd, buf, len, o->name);
		if (err)
			return err;
		o->stream_pos += sizeof(rec) + len;
		o->write_bytes += sizeof(rec) + len;
		return NULL;
	}
	return NULL;
}

bool output_can_read(const struct output *o)
{
	return o->kind == OUTPUT_FILE;
}

struct error *output_read(struct output *o, uint64_t off, void *buf, size_t len)
{
	if (o->kind != OUTPUT_FILE)
		return ERR(ERR_UNSUPPORTED, "the output %s can't be read back", o->name);
	return pread_full(o->fd, buf, len, off, o->name);
}

void output_reserve(struct output *o, uint64_t off, uint64_t len)
{
	if (o->kind != OUTPUT_FILE || !len)
		return;
	if (o->limit) {
		if (off >= o->limit)
			return;
		len = MIN(len, o->limit - off);
	}
	/* Best effort: filesystems without fallocate simply write later. */
	(void)posix_fallocate(o->fd, (off_t)off, (off_t)len);
}

/* Current size of a file output (0 for other kinds or on error). */
static uint64_t output_size(struct output *o)
{
	struct stat st;

	if (o->kind != OUTPUT_FILE || o->fd < 0 || fstat(o->fd, &st) < 0)
		return 0;
	return (uint64_t)st.st_size;
}

void output_extend(struct output *o, uint64_t size)
{
	if (o->kind == OUTPUT_FILE && o->fd >= 0 && output_size(o) < size)
		(void)ftruncate(o->fd, (off_t)size);
}

struct error *output_finish(struct output *o)
{
	static const uint8_t end_marker[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct error *err;

	switch (o->kind) {
	case OUTPUT_NONE:
		if (o->dry_flat)
			o->write_bytes += sizeof(end_marker);
		return NULL;
	case OUTPUT_FLAT:
		err = write_full(o->fd, end_marker, sizeof(end_marker), o->name);
		if (err)
			return err;
		o->stream_pos += sizeof(end_marker);
		o->write_bytes += sizeof(end_marker);
		return NULL;
	case OUTPUT_FILE:
		/*
		 * No fsync (kdump scripts sync after us), but network
		 * filesystems report deferred write errors at close.
		 */
		if (o->owns_fd && close(o->fd) < 0) {
			int e = errno;

			o->fd = -1;
			return ERR_ERRNO(e == ENOSPC || e == EDQUOT ? ERR_NOSPC : ERR_IO, e,
					 "Can't close the dump file(%s). %s", o->name,
					 strerror(e));
		}
		o->fd = -1;
		return NULL;
	default:
		return NULL;
	}
}

void output_close(struct output *o)
{
	if (!o)
		return;
	if (o->owns_fd && o->fd >= 0)
		close(o->fd);
	free(o);
}
