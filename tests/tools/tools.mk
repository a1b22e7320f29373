# tests/tools/tools.mk -- build rules for the test tools.
# Included by the top-level Makefile (paths are relative to the repository root).
# Honours CC and CFLAGS; the tool itself needs only libc.

MKVMCORE := tests/tools/mkvmcore
MKVMCORE_SRC := tests/tools/mkvmcore.c
MKVMCORE_CFLAGS := -std=c11 -O2 -Wall -Wextra

$(MKVMCORE): $(MKVMCORE_SRC) tests/tools/tools.mk
	$(CC) $(MKVMCORE_CFLAGS) $(CFLAGS) -o $@ $(MKVMCORE_SRC)

.PHONY: mkvmcore mkvmcore-check mkvmcore-clean
mkvmcore: $(MKVMCORE)

# acceptance self-test of the generator (needs makedumpfile / python3-libkdumpfile
# for the full set; missing tools are reported as skipped)
mkvmcore-check: $(MKVMCORE)
	MKVMCORE=$(abspath $(MKVMCORE)) sh tests/tools/check_mkvmcore.sh

mkvmcore-clean:
	rm -f $(MKVMCORE)
