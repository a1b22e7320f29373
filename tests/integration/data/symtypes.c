/*
 * A small program with the kinds of types the symbols tests ask about:
 * nested and anonymous members, bit fields, arrays (one and two
 * dimensions, flexible), a linked list, enums, typedefs and qualifiers.
 * Built with -g; with -DPRINT_TRUTH it prints the compiler's own answers
 * (sizeof/offsetof) in symquery's query syntax.
 */
#include <stddef.h>
#include <stdio.h>

enum colour { RED, GREEN = 5, BLUE = -3 };
enum { BIG_FLAG = 0x7fffffff };

struct list_node {
	struct list_node *next, *prev;
	long payload;
};

struct secret {
	char key[32];
	unsigned int len;
	const volatile unsigned long counter;
	struct {
		int a;
		union {
			short b;
			long long c;
		};
	};
	unsigned int flag1 : 3, flag2 : 7;
	struct list_node head;
	int grid[4][6];
	struct secret *self;
	unsigned char tail[];
};

typedef struct secret secret_t;
typedef const secret_t csecret_t;

struct holder {
	csecret_t *ptr;
	secret_t items[3];
	enum colour c;
};

struct holder global_holder;
struct list_node list_nodes[8];
secret_t *secret_ptr;
int plain_int = 42;

int main(void)
{
#ifdef PRINT_TRUTH
#define SZ(t, n) printf("size:%s=%zu\n", n, sizeof(t))
#define OF(t, m, n) printf("offset:%s=%zu\n", n, offsetof(t, m))
	SZ(struct secret, "secret");
	SZ(secret_t, "secret_t");
	SZ(struct holder, "holder");
	SZ(struct list_node, "list_node");
	OF(struct secret, len, "secret.len");
	OF(struct secret, counter, "secret.counter");
	OF(struct secret, a, "secret.a");
	OF(struct secret, b, "secret.b");
	OF(struct secret, c, "secret.c");
	OF(struct secret, head, "secret.head");
	OF(struct secret, head.prev, "secret.head.prev");
	OF(struct secret, head.payload, "secret.head.payload");
	OF(struct secret, grid, "secret.grid");
	OF(struct secret, self, "secret.self");
	OF(struct secret, tail, "secret.tail");
	OF(struct holder, items, "holder.items");
	OF(struct holder, c, "holder.c");
	OF(struct list_node, prev, "list_node.prev");
	printf("length:secret.key=%zu\n", sizeof(((struct secret *)0)->key));
	printf("length:secret.grid=%zu\n", sizeof(((struct secret *)0)->grid) /
					   sizeof(((struct secret *)0)->grid[0]));
	printf("length:holder.items=3\n");
	printf("length:list_nodes=%zu\n", sizeof(list_nodes) / sizeof(list_nodes[0]));
	printf("number:RED=%d\nnumber:GREEN=%d\nnumber:BLUE=%d\nnumber:BIG_FLAG=%d\n",
	       RED, GREEN, BLUE, BIG_FLAG);
	printf("symbol:global_holder=%lx\n", (unsigned long)&global_holder);
	printf("symbol:plain_int=%lx\n", (unsigned long)&plain_int);
#endif
	return plain_int == 42 ? 0 : 1;
}
