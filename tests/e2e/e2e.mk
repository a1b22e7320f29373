# End-to-end test in a real kdump (QEMU, Debian kernels): see tests/e2e/README.md.
# Installs its packages first (scripts/install-deps.sh --e2e), then builds
# ./makedumpfile and the arm64 build (cross.mk: the arm64 guests' core
# collector) in sub-makes (so the build flags see the fresh packages).
# Kernels, debuginfo and initramfs are cached in $(MDF_E2E_CACHE)
# (default ~/.cache/mdf-e2e), outside the repository.
check-e2e:
	@scripts/install-deps.sh --e2e
	@$(MAKE) --no-print-directory makedumpfile
	@$(MAKE) --no-print-directory cross-arm64 || \
		echo "check-e2e: the arm64 build failed: arm64 scenarios will be skipped"
	@tests/e2e/run.sh

.PHONY: check-e2e
