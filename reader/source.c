// SPDX-License-Identifier: GPL-2.0-or-later
#include "source.h"
#include "../lib/error.h"
#include "../lib/io.h"
#include "../lib/kdump_format.h"
#include "../lib/util.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

struct error *source_open(const char *path, bool use_mmap,
			  struct printer *pr, struct source **out)
{
	uint8_t magic[16] = { 0 };
	size_t got = 0;
	struct error *err;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_ERRNO(ERR_IO, errno, "Can't open the dump memory(%s). %s",
				 path, strerror(errno));
	err = read_full(fd, magic, sizeof(magic), &got, path);
	if (err)
		goto fail;
	if (got >= SELFMAG && !memcmp(magic, ELFMAG, SELFMAG)) {
		err = elf_source_open(fd, path, use_mmap, pr, out);
	} else if ((got >= 8 && !memcmp(magic, "KDUMP   ", 8)) ||
		   (got >= 16 && !memcmp(magic, "makedumpfile\0\0\0\0", 16))) {
		err = kdump_source_open(fd, path, pr, out);
	} else if (got >= 8 && !memcmp(magic, "DISKDUMP", 8)) {
		err = ERR(ERR_UNSUPPORTED,
			  "%s is a netdump/diskdump-driver dump; only ELF and kdump-compressed inputs are handled",
			  path);
	} else {
		err = ERR(ERR_FORMAT,
			  "%s is neither an ELF vmcore nor a kdump-compressed dump",
			  path);
	}
	if (err)
		goto fail;
	return NULL;
fail:
	close(fd);
	return err;
}

void source_close(struct source *src)
{
	int fd;

	if (!src)
		return;
	fd = src->fd;
	src->ops->destroy(src);
	if (fd >= 0)
		close(fd);
}

struct error *source_set_page_size(struct source *src, uint32_t page_size)
{
	if (!is_power_of_2(page_size) || page_size < DUMP_PAGE_SIZE_MIN ||
	    page_size > DUMP_PAGE_SIZE_MAX)
		return ERR(ERR_FORMAT, "implausible page size %u", page_size);
	if (src->page_size && src->page_size != page_size)
		return ERR(ERR_FORMAT,
			   "page size %u from VMCOREINFO differs from the dump's %u",
			   page_size, src->page_size);
	src->page_size = page_size;
	src->page_shift = ilog2_u64(page_size);
	return NULL;
}

const char *source_vmcoreinfo(const struct source *src, size_t *len)
{
	if (!src->notes || !src->note_info.has_vmcoreinfo)
		return NULL;
	*len = src->note_info.vmcoreinfo_size;
	return (const char *)src->notes + src->note_info.vmcoreinfo_off;
}
