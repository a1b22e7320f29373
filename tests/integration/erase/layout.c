// SPDX-License-Identifier: GPL-2.0-or-later
/* Prints the layout of secrets.h as JSON, from the compiler itself. */
#include <stddef.h>
#include <stdio.h>
#include "secrets.h"

#define M(f) printf("\"%s\": [%zu, %zu],", #f, offsetof(struct secret, f), \
		    sizeof(((struct secret *)0)->f))

int main(void)
{
	printf("{\"secret\": {");
	M(key); M(key_len); M(blob); M(next); M(link); M(name); M(tail);
	printf("\"size\": %zu}, ", sizeof(struct secret));
	printf("\"holder\": {\"sp\": %zu, \"inner\": %zu, \"arr\": %zu, \"size\": %zu},",
	       offsetof(struct holder, sp), offsetof(struct holder, inner),
	       offsetof(struct holder, arr), sizeof(struct holder));
	printf("\"list_head\": {\"next\": %zu, \"size\": %zu}}\n",
	       offsetof(struct list_head, next), sizeof(struct list_head));
	return 0;
}
