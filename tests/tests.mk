# Test suite (included by the top Makefile).
#
#   make check        install missing packages, build makedumpfile, the
#                     vmcore generator (if tests/tools/tools.mk exists) and
#                     the unit tests, then run every test (tests/run)
#   make check-unit   the same, C unit tests only
#   make check-quick  everything except the heavy real-fixture matrix
#
# Pass runner options with TESTFLAGS, e.g. make check TESTFLAGS="-k devmap -j1".
# Unit tests: one executable per tests/unit/*.c, linked with libmdf.a,
# objects and binaries in $(BUILD)/tests/unit/.

TEST_PYTHON ?= /usr/bin/python3
TESTFLAGS ?=

TEST_UNIT_SRCS := $(wildcard tests/unit/*.c)
TEST_UNIT_OBJS := $(TEST_UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.o)
TEST_UNIT_BINS := $(TEST_UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

# Built only when its makefile (another engineer's) is there.
TEST_TOOL_BINS := $(if $(wildcard tests/tools/tools.mk),tests/tools/mkvmcore)

$(BUILD)/tests/unit/%.o: tests/unit/%.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I. -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libmdf.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The unit binaries are not intermediate files.
.SECONDARY: $(TEST_UNIT_OBJS)

-include $(TEST_UNIT_OBJS:.o=.d)

unit-tests: $(TEST_UNIT_BINS)

test-build: makedumpfile unit-tests $(TEST_TOOL_BINS)

# Dependencies first (the build needs their pkg-config data), then a fresh
# make so that PKG_CFLAGS/PKG_LIBS are computed with the packages present.
check:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory test-build
	$(TEST_PYTHON) tests/run $(TESTFLAGS)

check-unit:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory unit-tests
	$(TEST_PYTHON) tests/run --unit $(TESTFLAGS)

check-quick:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory test-build
	$(TEST_PYTHON) tests/run --quick $(TESTFLAGS)

.PHONY: check check-unit check-quick unit-tests test-build

# ---- Fault injection (added with issue 6) ----------------------------------
# tests/faults/failio.c: an LD_PRELOAD shim failing reads/writes of chosen
# files (test_faults.py).  Built without sanitizers: it only wraps libc.

FAULT_SHIM := $(BUILD)/tests/faults/failio.so

$(FAULT_SHIM): tests/faults/failio.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g $(WARNFLAGS) -fPIC -shared -o $@ $< -ldl -pthread

test-build: $(FAULT_SHIM)

# ---- Sanitizers (added with issue 6) ---------------------------------------
#
#   make check-asan   the tool and the unit tests built with
#                     -fsanitize=address,undefined into $(ASAN_BUILD), then
#                     the whole suite run against that binary
#                     ($MDF_MAKEDUMPFILE, read by tests/lib/tools.py).
#
# Sanitizer reports exit with 86 (ASan/LSan) or 87 (UBSan), never with 1 (a
# status the tests expect for failures), and are also written to
# $(ASAN_BUILD)/san/: the target fails if any report appears there, even
# when the test that caused it only looked at the output.  Pass runner
# options with ASAN_TESTFLAGS.  By default every light test runs and a
# quarter of the heavy fixture matrix (--thin 4: every 4th case by name,
# so each fixture, level and codec is still met); `make check` runs it all.
# ASAN_TESTFLAGS= runs the whole matrix under the sanitizers too.

ASAN_BUILD ?= build-asan
ASAN_TESTFLAGS ?= --thin 4
ASAN_CFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer

# The tool inside a build directory, for builds other than the default one.
$(BUILD)/bin/makedumpfile: $(MAIN_OBJ) $(BUILD)/libmdf.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

check-asan:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory $(TEST_TOOL_BINS) $(SYMQUERY)
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) OPTFLAGS="-O1 -g" \
		EXTRA_CFLAGS="$(ASAN_CFLAGS)" $(ASAN_BUILD)/bin/makedumpfile unit-tests \
		$(ASAN_BUILD)/tests/faults/failio.so fuzz-replay
	@rm -rf $(ASAN_BUILD)/san && mkdir -p $(ASAN_BUILD)/san
	MDF_MAKEDUMPFILE=$(abspath $(ASAN_BUILD))/bin/makedumpfile BUILD=$(ASAN_BUILD) \
	ASAN_OPTIONS=exitcode=86:detect_leaks=1:verify_asan_link_order=0:log_path=$(abspath $(ASAN_BUILD))/san/asan \
	UBSAN_OPTIONS=halt_on_error=1:exitcode=87:print_stacktrace=1:log_path=$(abspath $(ASAN_BUILD))/san/ubsan \
		$(TEST_PYTHON) tests/run $(ASAN_TESTFLAGS)
	@if [ -n "$$(ls $(ASAN_BUILD)/san)" ]; then \
		echo "check-asan: sanitizer reports in $(ASAN_BUILD)/san:"; \
		head -n 30 $(ASAN_BUILD)/san/*; exit 1; \
	fi

.PHONY: check-asan

# ---- symbols (issue 10) -----------------------------------------------------
# tests/tools/symquery: the symbols module's queries from the command line,
# for the tests comparing DWARF, BTF and kallsyms answers.
SYMQUERY := $(BUILD)/tests/symquery
$(SYMQUERY): tests/tools/symquery.c $(BUILD)/libmdf.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I. -o $@ $^ $(LDLIBS)
test-build: $(SYMQUERY)
