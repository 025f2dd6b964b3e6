#!/bin/sh
# Run the libFuzzer target for SECONDS (default 300) over a corpus seeded with tests/fixtures
# and results/ (real results). Exits non-zero when it found a crash: the input is left in
# $FUZZ_DIR/crash-* (turn it into a fixture under tests/fixtures/rejected, or a test).
set -eu
secs=${1:-300}
dir=${FUZZ_DIR:-build-fuzz}
corpus="$dir/corpus"
mkdir -p "$corpus"
for f in tests/fixtures/*.json tests/fixtures/rejected/*.json results/*.json results/baselines/*.json; do
	[ -f "$f" ] && cp "$f" "$corpus/" 2>/dev/null || true
done
echo "fuzz: $dir/fuzz_results for ${secs}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
rc=0
"$dir/fuzz_results" -max_total_time="$secs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
	-artifact_prefix="$dir/" -print_final_stats=1 "$corpus" 2>"$dir/fuzz.log" || rc=$?
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$dir/fuzz.log" || true
rm -rf /dev/shm/bb-fuzz-*
if [ "$rc" -ne 0 ]; then
	grep -E "ERROR|SUMMARY|Test unit written" "$dir/fuzz.log" | head -20
	echo "fuzz: FAILED (see $dir/fuzz.log)"
	exit 1
fi
echo "fuzz: no crash"
