#!/bin/sh
# run.sh BUILD SECONDS TARGET...: run each fuzz target for SECONDS on its
# corpora and report.  Exit status 1 when any target left a crash, leak or
# timeout file in BUILD/crashes/<target>/ during this run.
set -u
build=$1
secs=$2
shift 2
here=$(dirname "$0")
failed=""
for t in "$@"; do
	bin="$build/fuzz_$t"
	corpus="$build/corpus/$t"
	crashes="$build/crashes/$t"
	mkdir -p "$corpus" "$crashes"
	seeds=""
	[ -d "$here/corpus/$t" ] && seeds="$seeds $here/corpus/$t"
	[ -d "$build/seeds/$t" ] && seeds="$seeds $build/seeds/$t"
	[ -d "$here/regress/$t" ] && seeds="$seeds $here/regress/$t"
	case $t in
	kernel) d=vmcoreinfo ;;
	*) d=$t ;;
	esac
	dict=""
	[ -f "$here/dict/$d.dict" ] && dict="-dict=$here/dict/$d.dict"
	before=$(ls "$crashes" | wc -l)
	log="$build/fuzz-$t.log"
	# -timeout: a single input taking this long counts as a hang.
	"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2560 \
		-malloc_limit_mb=2048 -artifact_prefix="$crashes/" \
		-print_final_stats=1 $dict "$corpus" $seeds >"$log" 2>&1
	rc=$?
	after=$(ls "$crashes" | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	echo "fuzz_$t: ${secs}s, ${execs:-?} executions, ${cov:-cov: ?}, exit $rc," \
		"$((after - before)) new finding(s) in $crashes"
	# One line per run, for totals over many runs.
	printf '%s\t%s\t%s\t%s\t%s\n' "$(date +%s)" "$t" "$secs" "${execs:-0}" "$rc" \
		>>"$build/fuzz-stats.tsv"
	if [ "$after" -gt "$before" ] || [ "$rc" -ne 0 ]; then
		failed="$failed $t"
		grep -m1 -B2 -A14 'ERROR: \|runtime error\|==ERROR\|ALARM' "$log" |
			sed 's/^/    /' || tail -20 "$log" | sed 's/^/    /'
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed (logs in $build/fuzz-<target>.log)"
	exit 1
fi
echo "fuzz: no findings"
