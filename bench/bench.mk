# Benchmarks against Debian's makedumpfile, on demand (not part of check).
bench: makedumpfile tests/tools/mkvmcore
	@scripts/install-deps.sh
	bench/run

bench-quick: makedumpfile tests/tools/mkvmcore
	@scripts/install-deps.sh
	bench/run --quick -n 1

.PHONY: bench bench-quick
