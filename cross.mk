# Cross build for arm64 (included by the top Makefile).
#
#   make cross-arm64        the tool and its unit tests as arm64 binaries in
#                           $(ARM64_BUILD) (gcc-aarch64-linux-gnu, the arm64
#                           -dev packages through multiarch pkg-config data;
#                           scripts/install-deps.sh --cross installs them)
#   make check-cross-arm64  that build's unit tests under qemu-aarch64
#
# The arm64 binary is $(ARM64_BUILD)/bin/makedumpfile: the e2e test runs it
# as the core collector inside arm64 capture kernels.

ARM64_BUILD ?= build-arm64
ARM64_CC ?= aarch64-linux-gnu-gcc
ARM64_LIBDIR ?= /usr/lib/aarch64-linux-gnu
ARM64_PKG_CONFIG = env PKG_CONFIG_LIBDIR=$(ARM64_LIBDIR)/pkgconfig:/usr/share/pkgconfig \
	PKG_CONFIG_SYSTEM_LIBRARY_PATH=$(ARM64_LIBDIR) $(PKG_CONFIG)
# qemu-user: the loader from the cross libc, the libraries from multiarch.
ARM64_QEMU ?= qemu-aarch64 -L /usr/aarch64-linux-gnu \
	-E LD_LIBRARY_PATH=$(ARM64_LIBDIR):/lib/aarch64-linux-gnu

cross-arm64:
	@command -v $(ARM64_CC) >/dev/null || \
		{ echo "cross-arm64: $(ARM64_CC) missing (scripts/install-deps.sh --cross)"; exit 1; }
	@$(ARM64_PKG_CONFIG) --exists $(PKGS) || \
		{ echo "cross-arm64: arm64 -dev packages missing (scripts/install-deps.sh --cross)"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(ARM64_BUILD) CC=$(ARM64_CC) \
		PKG_CONFIG="$(ARM64_PKG_CONFIG)" $(ARM64_BUILD)/bin/makedumpfile unit-tests

check-cross-arm64: cross-arm64
	@fail=0; for t in $(TEST_UNIT_SRCS:tests/unit/%.c=$(ARM64_BUILD)/tests/unit/%); do \
		if $(ARM64_QEMU) $$t > $$t.log 2>&1; then echo "PASS $$t"; \
		else echo "FAIL $$t"; cat $$t.log; fail=1; fi; \
	done; exit $$fail

.PHONY: cross-arm64 check-cross-arm64
