// SPDX-License-Identifier: GPL-2.0-or-later
/* The data: every byte non-zero where a test erases it. */
#include "secrets.h"

#define KEY(c) { [0 ... 31] = (c) }

char blob_data[256] = { [0 ... 255] = 0x5a };
long blob_size = 100;
char hello[] = "hello world";

struct secret s_array[NR_ARRAY] = {
	{ KEY('a'), 11, blob_data, 0, { 0, 0 }, hello, 5, 17, 0x11111111 },
	{ KEY('b'), 12, blob_data + 64, 0, { 0, 0 }, hello, 6, 18, 0x22222222 },
	{ KEY('c'), 13, 0, 0, { 0, 0 }, 0, 7, 19, 0x33333333 },
	{ KEY('d'), 14, blob_data + 128, 0, { 0, 0 }, hello, 1, 20, 0x44444444 },
};
struct secret *s_ptrs[NR_ARRAY] = { &s_array[1], 0, &s_array[3], 0 };

/* a 'via' chain, circular: c1 -> c2 -> c3 -> c1 */
extern struct secret chain1, chain2, chain3;
struct secret chain1 = { KEY('1'), 1, 0, &chain2, { 0, 0 }, hello, 1, 1, 1 };
struct secret chain2 = { KEY('2'), 2, 0, &chain3, { 0, 0 }, hello, 2, 2, 2 };
struct secret chain3 = { KEY('3'), 3, 0, &chain1, { 0, 0 }, hello, 3, 3, 3 };
struct secret *chain_head = &chain1;

/* a NULL-ended chain through a pointer */
extern struct secret open2;
struct secret open1 = { KEY('o'), 4, 0, &open2, { 0, 0 }, 0, 1, 1, 4 };
struct secret open2 = { KEY('p'), 5, 0, 0, { 0, 0 }, 0, 1, 1, 5 };

/* list_head list: head -> l1 -> l2 -> head */
extern struct secret l1, l2;
struct list_head s_list = { &l1.link, &l2.link };
struct secret l1 = { KEY('L'), 6, 0, 0, { &l2.link, &s_list }, 0, 1, 1, 6 };
struct secret l2 = { KEY('M'), 7, 0, 0, { &s_list, &l1.link }, 0, 1, 1, 7 };
struct list_head empty_list = { &empty_list, &empty_list };

/* damaged: head -> d1 -> d2 -> d3 -> d2 ... never back to head */
extern struct secret d1, d2, d3;
struct list_head bad_list = { &d1.link, &d3.link };
struct secret d1 = { KEY('x'), 8, 0, 0, { &d2.link, &bad_list }, 0, 1, 1, 8 };
struct secret d2 = { KEY('y'), 9, 0, 0, { &d3.link, &d1.link }, 0, 1, 1, 9 };
struct secret d3 = { KEY('z'), 10, 0, 0, { &d2.link, &d2.link }, 0, 1, 1, 10 };

struct holder holder = {
	&s_array[0],
	{ KEY('h'), 15, blob_data + 192, 0, { 0, 0 }, hello, 2, 2, 0x55555555 },
	{ &chain1, 0, &open1 },
};
struct holder *holder_ptr = &holder;
struct secret *null_ptr;

char page_secret[PAGE_SECRET_SIZE] __attribute__((aligned(4096))) =
	{ [0 ... PAGE_SECRET_SIZE - 1] = 0x77 };

/* What -x checks a vmlinux by: the release it was built as (the test's). */
struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
		domainname[65];
};
struct uts_namespace {
	struct new_utsname name;
};
struct uts_namespace init_uts_ns = {
	{ "Linux", "(none)", UTS_RELEASE, "#1", "x86_64", "(none)" },
};
/* ... and what -x derives the page size from. */
char empty_zero_page[4096] __attribute__((aligned(4096)));
