/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every module: byte-order loads, checked math. */
#ifndef MDF_LIB_UTIL_H
#define MDF_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "dump fields are loaded with memcpy: little-endian hosts only");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ROUND_UP(n, a) (DIV_ROUND_UP((n), (a)) * (a))
#define ROUND_DOWN(n, a) (((n) / (a)) * (a))

/*
 * Dumps are read byte by byte from untrusted buffers: loads never assume
 * alignment and always state the byte order of the dumped machine
 * (little endian for every architecture we handle).
 */
static inline uint16_t load_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t load_le32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load_le64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void store_le32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void store_le64(void *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void store_be64(void *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, sizeof(v));
}

static inline uint64_t load_be64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

/* a + b into *res; false on overflow. */
static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_add_overflow(a, b, res);
}

static inline bool mul_overflows(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_mul_overflow(a, b, res);
}

/* Does [off, off+len) lie inside a buffer of @size bytes? */
static inline bool range_in(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static inline bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static inline unsigned int ilog2_u64(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

/* True when all @len bytes (a multiple of 8) are zero. */
bool mem_is_zero(const void *buf, size_t len);

#endif
