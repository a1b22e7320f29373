# Benchmarks against Debian's makedumpfile, on demand (not part of check).
#   make bench         bench/run: every case, 3 alternating runs
#   make bench-quick   small inputs, one run (a smoke test)
#   make bench-codec   bench/codec_speed on the real fixtures: the physical
#                      limits (plain read, each codec in a tight loop)
BENCH_CODEC = $(BUILD)/bench/codec_speed
BENCH_FIXTURES ?= $(HOME)/.cache/mdf-fixtures

$(BENCH_CODEC): bench/codec_speed.c $(BUILD)/libmdf.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

bench: makedumpfile tests/tools/mkvmcore $(BENCH_CODEC)
	@scripts/install-deps.sh
	bench/run

bench-quick: makedumpfile tests/tools/mkvmcore $(BENCH_CODEC)
	@scripts/install-deps.sh
	bench/run --quick -n 1

bench-codec: $(BENCH_CODEC)
	@for f in $(BENCH_FIXTURES)/ram-6.1-kdump-kexec_file.vmcore \
		  $(BENCH_FIXTURES)/ram-6.12-kdump-kexec_file.vmcore; do \
		[ -f $$f ] || { echo "bench-codec: $$f missing"; continue; }; \
		echo "== $$f"; \
		$(BENCH_CODEC) -r 3 $$f read codec:-c zlib:1 deflate:1 deflate:2 \
			deflate:3 deflate:4 deflate:6 codec:-l lzo1x_1 lzo1x_1_15 \
			codec:-z zstd:1 zstd:2 zstd:-1 codec:-p; \
	done

.PHONY: bench bench-quick bench-codec
