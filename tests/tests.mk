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
