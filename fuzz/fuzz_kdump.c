// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump-compressed reader (reader/kdump_input.c), plain files and
 * flattened streams: the input is the whole file.
 */
#include "fuzz_common.h"
#include "../lib/error.h"
#include "../reader/source.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct printer pr;
	struct source *src;
	struct error *err;
	char path[64];
	int fd;

	fuzz_printer(&pr);
	fd = fuzz_memfd(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	err = source_open(path, true, &pr, &src);
	if (!err) {
		fuzz_exercise_source(src);
		source_close(src);
	}
	error_free(err);
	close(fd);
	return 0;
}
