/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-like data for the erase tests: built twice, into a small ELF with
 * DWARF linked at kernel image addresses (secrets.c, secrets.ld) and into
 * a host program that prints where every byte is (layout.c), so that the
 * expected erased bytes do not come from the DWARF reader under test.
 */
struct list_head {
	struct list_head *next, *prev;
};

struct secret {
	char key[32];
	long key_len;
	void *blob;
	struct secret *next;
	struct list_head link;
	char *name;
	unsigned int flags : 3;
	unsigned int mode : 5;
	int tail;
};

struct holder {
	struct secret *sp;
	struct secret inner;
	struct secret *arr[3];
};

#define NR_ARRAY 4
#define PAGE_SECRET_SIZE 4096
