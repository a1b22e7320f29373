# makedumpfile with device-backed vmemmap support.
# `make` builds, `make check` runs all tests, `make demo` runs the job on a
# generated sample vmcore; both install missing Debian packages first.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = zlib lzo2 snappy libzstd libdw libelf
# zlib pages are written with libdeflate where it is installed (faster,
# never larger); zlib itself is the fallback and still reads them.
DEFLATE_PKG = $(shell $(PKG_CONFIG) --exists libdeflate 2>/dev/null && echo libdeflate)

# Computed lazily so that `make deps` works before the packages exist.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) $(DEFLATE_PKG) 2>/dev/null) \
	$(if $(DEFLATE_PKG),-DHAVE_LIBDEFLATE)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) $(DEFLATE_PKG) 2>/dev/null)

OPTFLAGS ?= -O2 -g
WARNFLAGS = -Wall -Wextra -Wshadow -Wno-unused-parameter -Wformat=2
CFLAGS ?= $(OPTFLAGS)
# CPPFLAGS and LDFLAGS come from the environment or the command line (e.g.
# dpkg-buildflags' hardening flags in debian/rules); empty by default.
CPPFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -pthread \
	$(WARNFLAGS) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS = $(PKG_LIBS) -pthread

BUILD ?= build

LIB_SRCS = \
	lib/error.c lib/bitmap.c lib/io.c lib/sigbus.c \
	reader/notes.c reader/source.c reader/elf_vmcore.c reader/kdump_input.c \
	kernel/vmcoreinfo.c kernel/kernel.c kernel/sparsemem.c \
	arch/arch.c arch/pgtable.c arch/x86_64.c arch/aarch64.c \
	classify/page_class.c \
	filter/filter.c filter/devmap.c filter/exclude_vmemmap.c \
	writer/codec.c writer/output.c writer/pipeline.c writer/kdump.c \
	writer/elf.c writer/split.c writer/reassemble.c writer/rearrange.c \
	kernel/dmesg.c filter/mem_usage.c cli/json_report.c \
	symbols/symbols.c symbols/name_index.c symbols/dwarf.c symbols/btf.c \
	symbols/kallsyms.c symbols/vmcoreinfo_gen.c selfcheck/selfcheck.c \
	cli/options.c \
	erase/config.c erase/ranges.c erase/resolve.c erase/module_syms.c \
	erase/job.c \
	erase_info.c print_info.c

LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ = $(BUILD)/makedumpfile.o

all: makedumpfile

makedumpfile: $(MAIN_OBJ) $(BUILD)/libmdf.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libmdf.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)

include tests/tests.mk
-include tests/tools/tools.mk
-include tests/e2e/e2e.mk
-include fuzz/fuzz.mk
-include bench/bench.mk
include cross.mk

deps:
	@scripts/install-deps.sh

install: makedumpfile
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 makedumpfile $(DESTDIR)$(SBINDIR)/makedumpfile
	install -m 0644 man/makedumpfile.8 $(DESTDIR)$(MANDIR)/man8/makedumpfile.8
	install -m 0644 man/makedumpfile.conf.5 $(DESTDIR)$(MANDIR)/man5/makedumpfile.conf.5

# Debian package (debian/), built in a copy of the tree; the .deb, the
# build log and lintian's report land in DEB_OUT, outside the tree.
DEB_OUT ?= ../makedumpfile-deb

deb:
	@scripts/install-deps.sh --deb
	@scripts/build-deb.sh $(DEB_OUT)

clean:
	rm -rf $(BUILD) $(ARM64_BUILD) makedumpfile tests/tools/mkvmcore

.PHONY: all deps install deb clean

demo: deps makedumpfile tests/tools/mkvmcore
	@scripts/demo.sh

.PHONY: demo
