// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * symquery: ask the symbols module questions from the command line, for
 * the tests that compare providers (DWARF vs BTF vs kallsyms).
 *
 *   symquery [-x VMLINUX] [-d VMCORE [-V] [-k]] [-b BTFFILE] QUERY...
 *     -x  add the vmlinux (DWARF); KASLR offset from the dump if -d given
 *     -d  open a dump; -V add its VMCOREINFO; -k add kallsyms/BTF from it
 *     -b  add the .BTF section of an ELF file (or a raw BTF blob)
 *     -K  add kallsyms decoded from the tables inside a vmlinux file
 *         (link-time addresses; tests the decoder without a dump)
 *   QUERY: size:NAME offset:TYPE.MEMBER length:NAME number:NAME
 *          symbol:NAME member:TYPE.MEMBER (offset,size,bits,kind)
 *          var:NAME (address, kind, size) kind:TYPE
 *   Prints "QUERY=VALUE source" or "QUERY=!message" per query.
 */
#include "kernel/kernel.h"
#include "kernel/vmcoreinfo.h"
#include "lib/error.h"
#include "print_info.h"
#include "reader/source.h"
#include "symbols/symbols.h"
#include "symbols/provider.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *kind_name(enum sym_kind k)
{
	static const char *const n[] = { "void", "base", "enum", "pointer",
		"array", "struct", "union", "func" };
	return k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

static struct error *add_btf_file(struct symbols *s, const char *path)
{
	const struct provider_ops *ops;
	struct error *err = NULL;
	Elf_Scn *scn = NULL;
	void *p;
	size_t shstrndx;
	int fd = open(path, O_RDONLY);
	Elf *elf;

	if (fd < 0)
		return ERR(ERR_IO, "open %s", path);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		err = ERR(ERR_FORMAT, "%s: not ELF", path);
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d) break;
		err = btf_provider_new(d->d_buf, d->d_size, &ops, &p);
		if (!err)
			err = symbols_attach(s, ops, p);
		goto out;
	}
	err = ERR(ERR_NOTFOUND, "%s has no .BTF", path);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* Bytes at link-time address @addr of an ELF file's allocated sections. */
static uint8_t *elf_bytes(Elf *elf, uint64_t addr, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		uint8_t *out;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    addr < sh.sh_addr || addr - sh.sh_addr >= sh.sh_size)
			continue;
		len = len < sh.sh_size - (addr - sh.sh_addr) ? len : sh.sh_size - (addr - sh.sh_addr);
		d = elf_getdata(scn, NULL);
		out = malloc(len + 1);
		if (!d || !out)
			return NULL;
		memcpy(out, (uint8_t *)d->d_buf + (addr - sh.sh_addr), len);
		return out;
	}
	return NULL;
}

/*
 * A relocatable kernel (arm64) leaves pointers in its data 0 in the file:
 * the value is the addend of the R_*_RELATIVE entry for that place.
 */
static uint64_t rela_addend(Elf *elf, uint64_t where)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;

			if (gelf_getrela(d, (int)i, &r) && r.r_offset == where)
				return (uint64_t)r.r_addend;
		}
	}
	return 0;
}

static struct error *add_kallsyms_file(struct symbols *s, const char *path)
{
	static const char *const syms[] = { "kallsyms_names", "kallsyms_token_table",
		"kallsyms_token_index", "kallsyms_offsets", "kallsyms_num_syms",
		"kallsyms_relative_base", "kallsyms_markers", "kallsyms_seqs_of_names" };
	uint64_t a[8] = { 0 }, stext, want;
	struct kallsyms_tables t = { 0 };
	const struct provider_ops *ops;
	struct symbols *tmp;
	struct error *err;
	uint8_t *num, *base;
	void *p;
	int fd = open(path, O_RDONLY);
	Elf *elf;

	err = symbols_new(&tmp);
	if (!err)
		err = symbols_add_vmlinux(tmp, path, 0);
	for (int i = 0; !err && i < 8; i++) {
		err = sym_address(tmp, syms[i], &a[i], NULL);
		if (err && i >= 6) {
			error_free(err);
			err = NULL;
		}
	}
	if (err || fd < 0)
		return err ? err : ERR(ERR_IO, "open %s", path);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	/* each table runs to the next one (at most 64 MiB) */
	size_t len[4];
	for (int i = 0; i < 4; i++) {
		uint64_t end = a[i] + (64u << 20);

		for (int j = 0; j < 8; j++)
			if (a[j] > a[i] && a[j] < end)
				end = a[j];
		len[i] = (size_t)(end - a[i]);
	}
	num = elf_bytes(elf, a[4], 4);
	base = elf_bytes(elf, a[5], 8);
	t.names = elf_bytes(elf, a[0], len[0]);
	t.names_len = len[0];
	t.token_table = elf_bytes(elf, a[1], len[1]);
	t.token_table_len = len[1];
	t.token_index = elf_bytes(elf, a[2], 512);
	t.token_index_len = 512;
	if (!num || !base || !t.names || !t.token_table || !t.token_index)
		return ERR(ERR_FORMAT, "%s: kallsyms tables not found", path);
	memcpy(&t.num_syms, num, 4);
	memcpy(&t.relative_base, base, 8);
	if (!t.relative_base)
		t.relative_base = rela_addend(elf, a[5]);
	t.offsets_len = (size_t)t.num_syms * 4;
	t.offsets = elf_bytes(elf, a[3], t.offsets_len);
	if (!t.offsets)
		return ERR(ERR_FORMAT, "%s: kallsyms_offsets not found", path);
	/* the encoding that puts _stext where the symbol table does */
	err = sym_address(tmp, "_stext", &want, NULL);
	for (int abs = 0; !err && abs < 2; abs++) {
		t.absolute_percpu = abs;
		err = kallsyms_provider_new(&t, &ops, &p);
		if (err)
			break;
		struct error *e2 = ops->address(p, "_stext", &stext);

		if (!e2 && stext == want) {
			err = symbols_attach(s, ops, p);
			fprintf(stderr, "symquery: kallsyms encoding %s\n",
				abs ? "absolute per-cpu" : "relative");
			goto out;
		}
		error_free(e2);
		ops->destroy(p);
	}
	if (!err)
		err = ERR(ERR_FORMAT, "%s: _stext decodes to neither encoding", path);
out:
	free(num);
	free(base);
	free((void *)t.names);
	free((void *)t.token_table);
	free((void *)t.token_index);
	free((void *)t.offsets);
	elf_end(elf);
	close(fd);
	symbols_free(tmp);
	return err;
}

static void query(struct symbols *s, const char *q)
{
	const char *arg = strchr(q, ':');
	struct error *err = NULL;
	enum sym_source from = SYM_SRC_NONE;
	char out[256] = "";

	if (!arg) {
		printf("%s=!bad query\n", q);
		return;
	}
	arg++;
	if (!strncmp(q, "size:", 5)) {
		uint64_t v;
		err = sym_size(s, arg, &v, &from);
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v);
	} else if (!strncmp(q, "offset:", 7)) {
		uint64_t v;
		err = sym_offset(s, arg, &v, &from);
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v);
	} else if (!strncmp(q, "length:", 7)) {
		uint64_t v;
		err = sym_length(s, arg, &v, &from);
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v);
	} else if (!strncmp(q, "number:", 7)) {
		int64_t v;
		err = sym_number(s, arg, &v, &from);
		snprintf(out, sizeof(out), "%lld", (long long)v);
	} else if (!strncmp(q, "symbol:", 7)) {
		uint64_t v;
		err = sym_address(s, arg, &v, &from);
		snprintf(out, sizeof(out), "%llx", (unsigned long long)v);
	} else if (!strncmp(q, "member:", 7)) {
		const struct sym_type *t;
		struct sym_member m;
		char type[128];
		const char *dot = strchr(arg, '.');
		uint64_t sz = 0;

		if (!dot || (size_t)(dot - arg) >= sizeof(type)) {
			printf("%s=!bad query\n", q);
			return;
		}
		memcpy(type, arg, dot - arg);
		type[dot - arg] = 0;
		err = sym_type_by_name(s, type, &t);
		if (!err)
			err = sym_type_member(t, dot + 1, &m);
		if (!err) {
			struct error *e2 = sym_type_size(m.type, &sz);
			error_free(e2);
			from = sym_type_source(t);
			snprintf(out, sizeof(out), "%llu,%llu,%u:%u,%s",
				 (unsigned long long)m.offset, (unsigned long long)sz,
				 m.bit_offset, m.bit_size, kind_name(sym_type_kind(m.type)));
		}
	} else if (!strncmp(q, "var:", 4)) {
		const struct sym_type *t;
		uint64_t a, sz = 0;

		err = sym_variable(s, arg, &a, &t);
		if (!err) {
			struct error *e2 = sym_type_size(t, &sz);
			error_free(e2);
			from = sym_type_source(t);
			snprintf(out, sizeof(out), "%llx,%s,%llu", (unsigned long long)a,
				 kind_name(sym_type_kind(t)), (unsigned long long)sz);
		}
	} else if (!strncmp(q, "kind:", 5)) {
		const struct sym_type *t;
		uint64_t sz = 0;

		err = sym_type_by_name(s, arg, &t);
		if (!err) {
			struct error *e2 = sym_type_size(t, &sz);
			error_free(e2);
			from = sym_type_source(t);
			snprintf(out, sizeof(out), "%s,%llu,%zu", kind_name(sym_type_kind(t)),
				 (unsigned long long)sz, sym_type_nr_members(t));
		}
	} else {
		printf("%s=!bad query\n", q);
		return;
	}
	if (err) {
		printf("%s=!%s\n", q, err->msg);
		error_free(err);
	} else {
		printf("%s=%s %s\n", q, out, sym_source_name(from));
	}
}

int main(int argc, char **argv)
{
	const char *vmlinux = NULL, *dump = NULL, *btf = NULL, *ksfile = NULL;
	struct vmcoreinfo *vi = NULL;
	struct source *src = NULL;
	struct kernel *k = NULL;
	struct symbols *s = NULL;
	struct printer pr;
	struct error *err;
	bool add_vi = false, add_kernel = false;
	int opt;

	while ((opt = getopt(argc, argv, "x:d:b:K:Vk")) != -1) {
		switch (opt) {
		case 'x': vmlinux = optarg; break;
		case 'd': dump = optarg; break;
		case 'b': btf = optarg; break;
		case 'K': ksfile = optarg; break;
		case 'V': add_vi = true; break;
		case 'k': add_kernel = true; break;
		default:
			fprintf(stderr, "usage: symquery [-x VMLINUX] [-d VMCORE [-V] [-k]] [-b BTF] QUERY...\n");
			return 2;
		}
	}
	printer_init(&pr, ML_ERROR, false);
	err = symbols_new(&s);
	if (!err && dump) {
		const char *text;
		size_t len;

		err = source_open(dump, true, &pr, &src);
		if (!err) {
			text = source_vmcoreinfo(src, &len);
			err = text ? vmcoreinfo_parse(text, len, &vi)
				   : ERR(ERR_FORMAT, "no VMCOREINFO");
		}
		if (!err)
			err = kernel_open(src, vi, &pr, 0, &k);
		if (!err && add_vi)
			err = symbols_add_vmcoreinfo(s, vi);
	}
	if (!err && vmlinux) {
		uint64_t off = 0;

		if (vi)
			vi_hex(vi, "KERNELOFFSET", &off);
		err = symbols_add_vmlinux(s, vmlinux, off);
	}
	if (!err && btf)
		err = add_btf_file(s, btf);
	if (!err && ksfile)
		err = add_kallsyms_file(s, ksfile);
	if (!err && add_kernel) {
		err = symbols_add_kernel(s, k);
		if (!err && *symbols_note(s))
			fprintf(stderr, "symquery: note: %s\n", symbols_note(s));
	}
	if (err) {
		fprintf(stderr, "symquery: %s\n", err->msg);
		error_free(err);
		return 1;
	}
	for (int i = optind; i < argc; i++)
		query(s, argv[i]);
	symbols_free(s);
	kernel_close(k);
	vmcoreinfo_free(vi);
	source_close(src);
	return 0;
}
