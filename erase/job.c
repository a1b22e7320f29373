// SPDX-License-Identifier: GPL-2.0-or-later
#include "job.h"
#include "config.h"
#include "../arch/arch.h"
#include "../kernel/kernel.h"
#include "../lib/error.h"
#include "../print_info.h"

#include <string.h>

/* Pointers read from memory may carry tags (arm64): make them addresses. */
static uint64_t canonical(const struct kernel *k, uint64_t va)
{
	return k->arch->canonical_va ? k->arch->canonical_va(k, va) : va;
}

static struct error *mem_read(void *arg, uint64_t va, void *buf, size_t len)
{
	struct kernel *k = arg;

	return kernel_read(k, canonical(k, va), buf, len);
}

static struct error *mem_vtop(void *arg, uint64_t va, uint64_t *pa,
			      uint64_t *leaf)
{
	struct kernel *k = arg;

	return kernel_vtop(k, canonical(k, va), pa, leaf);
}

static bool hook_touches(const void *arg, uint64_t paddr, uint64_t len)
{
	return erase_set_touches(arg, paddr, len);
}

static void hook_apply(const void *arg, uint64_t paddr, uint8_t *page,
		       size_t len)
{
	erase_set_apply(arg, paddr, page, len);
}

struct error *erase_job_load(const char *path, struct erase_job *j)
{
	memset(j, 0, sizeof(*j));
	return erase_config_load(path, &j->cfg);
}

struct error *erase_job_plan(struct erase_job *j, struct symbols *syms,
			     struct kernel *k, struct printer *pr)
{
	struct erase_memory mem = {
		.read = mem_read,
		.vtop = mem_vtop,
		.arg = k,
		.pointer_size = 8,
	};
	struct error *err;

	j->k = k;
	err = erase_resolve(j->cfg, syms, &mem, pr, &j->plan);
	if (err)
		return err;
	j->patch.touches = hook_touches;
	j->patch.apply = hook_apply;
	j->patch.arg = &j->plan.set;
	msg_debug(pr, "erase: %llu commands, %llu bytes in %zu physical ranges\n",
		  (unsigned long long)j->plan.commands,
		  (unsigned long long)j->plan.set.bytes, j->plan.set.nr);
	return NULL;
}

void erase_job_release(struct erase_job *j)
{
	erase_config_free(j->cfg);
	erase_plan_release(&j->plan);
	memset(j, 0, sizeof(*j));
}
