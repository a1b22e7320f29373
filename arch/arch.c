// SPDX-License-Identifier: GPL-2.0-or-later
/* The architectures this build knows: every one, whatever the host. */
#include "arch.h"

#include <string.h>

static const struct arch_ops *const arches[] = {
	&arch_x86_64,
	&arch_aarch64,
};

const struct arch_ops *arch_by_machine(uint16_t e_machine)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i]->e_machine == e_machine)
			return arches[i];
	return NULL;
}

const struct arch_ops *arch_by_uts(const char *machine)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (strcmp(arches[i]->uts_machine, machine) == 0)
			return arches[i];
	return NULL;
}
