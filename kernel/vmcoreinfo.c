// SPDX-License-Identifier: GPL-2.0-or-later
#include "vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More entries than this is not a VMCOREINFO (real ones have ~110). */
#define MAX_ENTRIES 65536
#define MAX_FILE_SIZE (1u << 20)

struct error *vmcoreinfo_parse(const char *text, size_t len,
			       struct vmcoreinfo **out)
{
	struct vmcoreinfo *vi;
	size_t cap = 128, i = 0;

	vi = calloc(1, sizeof(*vi));
	if (!vi)
		return ERR_OOM();
	/* The note's descsz may include trailing NULs. */
	while (len && text[len - 1] == '\0')
		len--;
	vi->text = malloc(len + 1);
	vi->ent = malloc(cap * sizeof(*vi->ent));
	if (!vi->text || !vi->ent) {
		vmcoreinfo_free(vi);
		return ERR_OOM();
	}
	memcpy(vi->text, text, len);
	vi->text[len] = '\0';
	vi->len = len;
	while (i < len) {
		const char *line = vi->text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;
		const char *eq = memchr(line, '=', ll);

		i += ll + 1;
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (!eq || eq == line)
			continue;
		if (vi->nr == cap) {
			struct vmcoreinfo_entry *n;

			if (cap >= MAX_ENTRIES)
				break;
			cap *= 2;
			n = realloc(vi->ent, cap * sizeof(*n));
			if (!n) {
				vmcoreinfo_free(vi);
				return ERR_OOM();
			}
			vi->ent = n;
		}
		vi->ent[vi->nr].key = line;
		vi->ent[vi->nr].key_len = (size_t)(eq - line);
		vi->ent[vi->nr].val = eq + 1;
		vi->ent[vi->nr].val_len = ll - (size_t)(eq - line) - 1;
		vi->nr++;
	}
	*out = vi;
	return NULL;
}

void vmcoreinfo_free(struct vmcoreinfo *vi)
{
	if (!vi)
		return;
	free(vi->text);
	free(vi->ent);
	free(vi);
}

bool vi_raw(const struct vmcoreinfo *vi, const char *key, const char **val,
	    size_t *len)
{
	size_t kl = strlen(key), i;

	if (!vi)
		return false;
	for (i = 0; i < vi->nr; i++) {
		if (vi->ent[i].key_len == kl && !memcmp(vi->ent[i].key, key, kl)) {
			*val = vi->ent[i].val;
			*len = vi->ent[i].val_len;
			return true;
		}
	}
	return false;
}

bool vi_string(const struct vmcoreinfo *vi, const char *key, char *buf,
	       size_t size)
{
	const char *v;
	size_t l;

	if (!vi_raw(vi, key, &v, &l) || !size)
		return false;
	if (l >= size)
		l = size - 1;
	memcpy(buf, v, l);
	buf[l] = '\0';
	return true;
}

/* Parse an unsigned number in @base that must fill the whole value. */
static bool parse_u64(const char *v, size_t l, int base, uint64_t *out)
{
	char tmp[32];
	char *end;
	unsigned long long x;

	if (l == 0 || l >= sizeof(tmp))
		return false;
	memcpy(tmp, v, l);
	tmp[l] = '\0';
	if (tmp[0] == '-' || tmp[0] == '+' || tmp[0] == ' ')
		return false;
	errno = 0;
	x = strtoull(tmp, &end, base);
	if (errno || *end)
		return false;
	*out = x;
	return true;
}

static bool lookup_wrapped(const struct vmcoreinfo *vi, const char *kind,
			   const char *name, const char **v, size_t *l)
{
	char key[160];

	if (snprintf(key, sizeof(key), "%s(%s)", kind, name) >= (int)sizeof(key))
		return false;
	return vi_raw(vi, key, v, l);
}

bool vi_symbol(const struct vmcoreinfo *vi, const char *name, uint64_t *out)
{
	const char *v;
	size_t l;

	if (!lookup_wrapped(vi, "SYMBOL", name, &v, &l))
		return false;
	if (l > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		v += 2;
		l -= 2;
	}
	return parse_u64(v, l, 16, out);
}

static bool lookup_decimal(const struct vmcoreinfo *vi, const char *kind,
			   const char *name, uint64_t *out)
{
	const char *v;
	size_t l;

	return lookup_wrapped(vi, kind, name, &v, &l) && parse_u64(v, l, 10, out);
}

bool vi_size(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return lookup_decimal(vi, "SIZE", name, v);
}

bool vi_offset(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return lookup_decimal(vi, "OFFSET", name, v);
}

bool vi_length(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return lookup_decimal(vi, "LENGTH", name, v);
}

bool vi_number(const struct vmcoreinfo *vi, const char *name, int64_t *out)
{
	const char *v;
	size_t l;
	uint64_t u;
	bool neg = false;

	if (!lookup_wrapped(vi, "NUMBER", name, &v, &l))
		return false;
	if (l > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		if (!parse_u64(v + 2, l - 2, 16, &u))
			return false;
		*out = (int64_t)u;
		return true;
	}
	if (l && v[0] == '-') {
		neg = true;
		v++;
		l--;
	}
	if (!parse_u64(v, l, 10, &u)) {
		/* Some exports are hex without a prefix. */
		if (neg || !parse_u64(v, l, 16, &u))
			return false;
	}
	*out = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

bool vi_hex(const struct vmcoreinfo *vi, const char *key, uint64_t *out)
{
	const char *v;
	size_t l;

	if (!vi_raw(vi, key, &v, &l))
		return false;
	if (l > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		v += 2;
		l -= 2;
	}
	return parse_u64(v, l, 16, out);
}

bool vi_decimal(const struct vmcoreinfo *vi, const char *key, uint64_t *out)
{
	const char *v;
	size_t l;

	return vi_raw(vi, key, &v, &l) && parse_u64(v, l, 10, out);
}

struct error *vmcoreinfo_read_file(const char *path, struct vmcoreinfo **out)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	struct error *err;

	if (!f)
		return ERR_ERRNO(ERR_IO, errno, "Can't open the vmcoreinfo file(%s). %s",
				 path, strerror(errno));
	buf = malloc(MAX_FILE_SIZE);
	if (!buf) {
		fclose(f);
		return ERR_OOM();
	}
	n = fread(buf, 1, MAX_FILE_SIZE, f);
	if (ferror(f)) {
		err = ERR_ERRNO(ERR_IO, errno, "Can't read the vmcoreinfo file(%s). %s",
				path, strerror(errno));
	} else if (n == MAX_FILE_SIZE) {
		err = ERR(ERR_FORMAT, "%s is too large for a vmcoreinfo file", path);
	} else {
		err = vmcoreinfo_parse(buf, n, out);
	}
	free(buf);
	fclose(f);
	return err;
}
