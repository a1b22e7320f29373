// SPDX-License-Identifier: GPL-2.0-or-later
#include "io.h"
#include "error.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct error *pread_full(int fd, void *buf, size_t len, uint64_t off,
			 const char *name)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ERR_ERRNO(ERR_IO, errno,
					 "Can't read %s at offset 0x%llx: %s",
					 name, (unsigned long long)off,
					 strerror(errno));
		}
		if (n == 0)
			return ERR(ERR_FORMAT,
				   "Can't read %s at offset 0x%llx: unexpected end of file",
				   name, (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct error *write_error(const char *name, uint64_t off, int e)
{
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return ERR_ERRNO(ERR_NOSPC, e,
				 "Can't write the dump file(%s) at offset 0x%llx: %s",
				 name, (unsigned long long)off, strerror(e));
	return ERR_ERRNO(ERR_IO, e,
			 "Can't write the dump file(%s) at offset 0x%llx: %s",
			 name, (unsigned long long)off, strerror(e));
}

struct error *pwrite_full(int fd, const void *buf, size_t len, uint64_t off,
			  const char *name)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return write_error(name, off, errno);
		}
		if (n == 0)
			return write_error(name, off, ENOSPC);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

struct error *write_full(int fd, const void *buf, size_t len, const char *name)
{
	const uint8_t *p = buf;
	uint64_t done = 0;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return write_error(name, done, errno);
		}
		if (n == 0)
			return write_error(name, done, ENOSPC);
		p += n;
		done += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

struct error *read_full(int fd, void *buf, size_t len, size_t *got,
			const char *name)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*got = done;
			return ERR_ERRNO(ERR_IO, errno, "Can't read %s: %s", name,
					 strerror(errno));
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return NULL;
}

struct error *file_size_of(int fd, const char *name, uint64_t *size)
{
	struct stat st;
	off_t end;

	if (fstat(fd, &st) < 0)
		return ERR_ERRNO(ERR_IO, errno, "Can't stat %s: %s", name,
				 strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		*size = (uint64_t)st.st_size;
		return NULL;
	}
	end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return ERR_ERRNO(ERR_IO, errno,
				 "%s is not seekable (%s); a vmcore must be a file",
				 name, strerror(errno));
	*size = (uint64_t)end;
	return NULL;
}
