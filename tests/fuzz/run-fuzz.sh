#!/usr/bin/env bash
# run-fuzz.sh FUZZER SOURCE_DIR SECONDS
# Runs a libFuzzer target for SECONDS, seeded from SOURCE_DIR/corpus; new inputs go to a scratch
# corpus in the build tree so the source tree is never written to. Crashes fail the test and leave
# the reproducer (crash-*) in the current directory.
set -euo pipefail
fuzzer=$1 src=$2 seconds=$3
scratch="$(dirname "$fuzzer")/corpus-$(basename "$fuzzer")"
mkdir -p "$scratch"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
  -dict="$src/live.dict" "$scratch" "$src/corpus"
