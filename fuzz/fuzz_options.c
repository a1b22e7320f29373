// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line (cli/options.c): the input is argv[1..], NUL-separated.
 * getopt keeps state between calls; a throw-away call with optind 0 resets
 * it, as a fresh process would have it.
 */
#include "fuzz_common.h"
#include "../cli/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char *copy, *argv[MAX_ARGS + 2];
	char *reset_argv[] = { "x", NULL };
	struct options o;
	size_t i, start = 0;
	int argc = 1;

	if (!null)
		null = fopen("/dev/null", "w");
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "makedumpfile";
	for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (i == size || copy[i] == '\0') {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	optind = 0;
	opterr = 0;
	(void)getopt(1, reset_argv, "");
	(void)options_parse(&o, argc, argv, null);
	free(copy);
	return 0;
}
