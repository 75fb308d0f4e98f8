#!/bin/bash
# gst-gemini-live benchmark: the one command (docs/performance.md).
#
#   bench/run.sh [--smoke] [BUILDDIR]
#
# Builds BUILDDIR (default build-bench, release) if needed, then runs on this
# machine, in one go: the added latency (bench-latency), the scale runs of
# geminilive (bench-scale), of the two floors under it (bench-floor: the
# same workload with no GStreamer and no geminilive, on libsoup + GLib;
# bench-raw-floor: the same without libsoup or GLib's main loop, on epoll and
# its own WebSocket framing) and of the official
# @google/genai SDK (bench/sdk_driver.mjs) for N = 1 10 100 500 1000
# sessions, then N = 100 sessions through one gst-launch-1.0 pipeline beside
# the same pipeline with identity (bench/launch_cost.py), and prints the results as the Markdown tables of
# docs/performance.md. Raw JSON lines go to BUILDDIR/bench-results/results.jsonl.
# --smoke: N=2 for a few seconds, then checks the output is complete and
# sane (no timing assertions); this is the meson test 'bench-smoke'.
# Environment: BENCH_LEVELS ("1 10 100 500 1000"), BENCH_LAUNCH_SESSIONS (100), BENCH_SECONDS (window for
# N <= 100, default 20), BENCH_BIG_SECONDS (N > 100, default 15),
# BENCH_FLOOR=0 skips both floors (not with --smoke, which checks their rows).
# BENCH_PEER_DEFLATE=1 lets the peer accept permessage-deflate (the SDK then
# decodes compressed frames, the others do not: not a like-for-like run).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$(dirname "$here")"
smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
build="${1:-${BENCH_BUILD_DIR:-$src/build-bench}}"

if [ ! -x "$build/bench/bench-scale" ] && [ $smoke = 0 ]; then
  [ -f "$build/build.ninja" ] || meson setup "$build" "$src" -Dbuildtype=release >/dev/null
fi
if [ $smoke = 0 ]; then ninja -C "$build" >/dev/null; fi
floor=1
if [ "${BENCH_FLOOR:-1}" = 0 ] && [ $smoke = 0 ]; then floor=0; fi
exes="bench-scale bench-peer bench-latency"; [ $floor = 1 ] && exes="$exes bench-floor bench-raw-floor"
for exe in $exes; do
  [ -x "$build/bench/$exe" ] || { echo "run.sh: $build/bench/$exe is missing: build first" >&2; exit 1; }
done

# Thousands of sessions need thousands of sockets (one per session here, one
# per session in the peer process).
ulimit -n "$(ulimit -Hn)" || true

export GST_PLUGIN_PATH="$build/gst"
export GST_REGISTRY="$build/bench-registry.bin"
export GST_REGISTRY_FORK=no
# The benchmark never talks to the real service: no key may leak into it.
export GEMINI_API_KEY= GOOGLE_API_KEY=

out="$build/bench-results"
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

if [ $smoke = 1 ]; then
  levels="2"; seconds=3; big_seconds=3; warmup=1; frames=100
else
  levels="${BENCH_LEVELS:-1 10 100 500 1000}"
  seconds="${BENCH_SECONDS:-20}"; big_seconds="${BENCH_BIG_SECONDS:-15}"; warmup=3; frames=2000
fi

have_node=0
if command -v node >/dev/null && [ -d "$src/tests/sdk/node_modules/@google/genai" ]; then
  have_node=1
else
  echo "run.sh: node or tests/sdk/node_modules/@google/genai missing (npm ci --prefix tests/sdk): the SDK reference is skipped" >&2
fi

machine() {
  echo "{\"impl\":\"machine\",\"nproc\":$(nproc),\"cpu\":\"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)\"," \
    "\"mem_mb\":$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo),\"kernel\":\"$(uname -r)\"," \
    "\"gstreamer\":\"$(pkg-config --modversion gstreamer-1.0)\",\"libsoup\":\"$(pkg-config --modversion libsoup-3.0)\"," \
    "\"json_glib\":\"$(pkg-config --modversion json-glib-1.0)\",\"compiler\":\"$(c++ --version | head -1)\"," \
    "\"node\":\"$(node --version 2>/dev/null || echo none)\",\"fd_limit\":$(ulimit -n)," \
    "\"buildtype\":\"$(meson introspect --buildoptions "$build" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).find(o=>o.name==="buildtype").value)}catch{console.log("?")}})' 2>/dev/null || echo '?')\"}"
}
machine >> "$results"

status=0
echo "== latency ($frames frames per direction)" >&2
timeout 300 "$build/bench/bench-latency" --frames "$frames" >> "$results" || status=1

for n in $levels; do
  s=$seconds; [ "$n" -gt 100 ] && s=$big_seconds
  echo "== geminilive, N=$n, ${s} s" >&2
  timeout 600 "$build/bench/bench-scale" --peer "$build/bench/bench-peer" --sessions "$n" \
      --seconds "$s" --warmup $warmup >> "$results" || status=1
  if [ $floor = 1 ]; then
    echo "== libsoup floor, N=$n, ${s} s" >&2
    timeout 600 "$build/bench/bench-floor" --peer "$build/bench/bench-peer" --sessions "$n" \
        --seconds "$s" --warmup $warmup >> "$results" || status=1
    echo "== raw epoll floor, N=$n, ${s} s" >&2
    timeout 600 "$build/bench/bench-raw-floor" --peer "$build/bench/bench-peer" --sessions "$n" \
        --seconds "$s" --warmup $warmup >> "$results" || status=1
  fi
  if [ $have_node = 1 ]; then
    echo "== @google/genai, N=$n, ${s} s" >&2
    timeout 600 node --max-old-space-size=8192 "$here/sdk_driver.mjs" --peer "$build/bench/bench-peer" \
        --sessions "$n" --seconds "$s" --warmup $warmup >> "$results" || status=1
  fi
done

# The pipeline a user writes: one gst-launch-1.0 with N sessions, and the
# same pipeline with identity in place of geminilive (its own cost).
launch_n="${BENCH_LAUNCH_SESSIONS:-100}"; launch_s=$seconds
[ $smoke = 1 ] && launch_n=2
for element in geminilive identity; do
  echo "== gst-launch-1.0, $launch_n x $element, ${launch_s} s" >&2
  timeout 600 /usr/bin/python3 "$here/launch_cost.py" --peer "$build/bench/bench-peer" \
      --sessions "$launch_n" --seconds "$launch_s" --warmup $warmup --element "$element" \
      >> "$results" || status=1
done

if [ $have_node = 1 ]; then
  check=""; [ $smoke = 1 ] && check="--check"
  node "$here/report.mjs" $check "$results" || status=1
else
  cat "$results"
  if [ $smoke = 1 ]; then
    grep -q '"impl":"geminilive"' "$results" && grep -q '"impl":"latency"' "$results" \
      && grep -q '"impl":"libsoup-floor"' "$results" && grep -q '"impl":"raw-epoll-floor"' "$results" \
      || status=1
  fi
fi
exit $status
