# libFuzzer targets (included by the top Makefile).
#
#   make fuzz             build every target, make the seed corpora, run each
#                         target for FUZZ_SECONDS (default 60) and report
#   make fuzz-build       only build (binaries in $(FUZZ_BUILD)/)
#   make fuzz FUZZ_TARGETS="elf kdump" FUZZ_SECONDS=600
#
# Needs clang and its libFuzzer runtime: scripts/install-deps.sh --fuzz.
# The library is rebuilt with clang into $(FUZZ_BUILD) with
# -fsanitize=fuzzer-no-link,address,undefined (UBSan findings abort, so they
# count as crashes).  Corpora: fuzz/corpus/<target> (committed, small),
# $(FUZZ_BUILD)/seeds/<target> (generated: tiny vmcores and, from them,
# kdump files written by ./makedumpfile), $(FUZZ_BUILD)/corpus/<target>
# (what the fuzzer learnt; kept between runs).  Crashes, leaks and timeouts
# go to $(FUZZ_BUILD)/crashes/<target>/; see fuzz/README.md.

FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= elf kdump vmcoreinfo pgtable kernel options notes devmap btf kallsyms dwarf \
	erase_config
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -pthread \
	$(WARNFLAGS) -Wno-format-nonliteral -Wno-gnu-variable-sized-type-not-at-end \
	-O1 -g $(FUZZ_SAN) $(PKG_CFLAGS)

FUZZ_LIB_OBJS = $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libmdf.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.c fuzz/fuzz_source.c \
		fuzz/fuzz_common.h $(FUZZ_BUILD)/libmdf.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ fuzz/fuzz_$*.c \
		fuzz/fuzz_common.c fuzz/fuzz_source.c $(FUZZ_BUILD)/libmdf.a $(LDLIBS)

$(FUZZ_BUILD)/mkseeds: fuzz/mkseeds.c fuzz/fuzz_common.c fuzz/fuzz_common.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O1 -g $(WARNFLAGS) -o $@ fuzz/mkseeds.c fuzz/fuzz_common.c

-include $(FUZZ_LIB_OBJS:.o=.d)

# Replayers: the same targets built with $(CC) against $(BUILD)'s library
# and fuzz/replay.c instead of libFuzzer.  tests/integration/test_fuzz_replay.py
# runs the corpora and fuzz/regress/ through them in make check (and with
# sanitizers in make check-asan); no clang needed.
REPLAY_BINS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/fuzz_%)

$(BUILD)/fuzz-replay/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.c fuzz/fuzz_source.c \
		fuzz/fuzz_common.h fuzz/replay.c $(BUILD)/libmdf.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/fuzz_common.c fuzz/fuzz_source.c \
		fuzz/replay.c $(BUILD)/libmdf.a $(LDLIBS)

$(BUILD)/fuzz-replay/mkseeds: fuzz/mkseeds.c fuzz/fuzz_common.c fuzz/fuzz_common.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ fuzz/mkseeds.c fuzz/fuzz_common.c

fuzz-replay: $(REPLAY_BINS) $(BUILD)/fuzz-replay/mkseeds

test-build: fuzz-replay

# Generated seeds: tiny vmcores, and kdump files the tool writes from them.
$(FUZZ_BUILD)/seeds/.stamp: $(FUZZ_BUILD)/mkseeds makedumpfile fuzz/kdump-seeds.sh
	rm -rf $(FUZZ_BUILD)/seeds
	$(FUZZ_BUILD)/mkseeds $(FUZZ_BUILD)/seeds
	sh fuzz/kdump-seeds.sh ./makedumpfile $(FUZZ_BUILD)/seeds
	touch $@

fuzz-deps:
	@scripts/install-deps.sh --fuzz

fuzz-build: $(FUZZ_BINS) $(FUZZ_BUILD)/seeds/.stamp

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

.PHONY: fuzz fuzz-build fuzz-deps fuzz-clean fuzz-replay
