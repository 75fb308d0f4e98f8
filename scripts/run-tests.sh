#!/usr/bin/env bash
# Runs the whole gst-gemini-live test suite: installs what is missing, builds,
# runs `meson test`, and ends with a line "N passed, N failed".
#   scripts/run-tests.sh
# Environment: TEST_SANITIZERS=0 skips the AddressSanitizer/UBSan pass.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

"$here/scripts/install-deps.sh" --tests || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
status=0

failures_report=$(mktemp)
trap 'rm -f "$failures_report"' EXIT

# Reads meson's JSON test log, adds its counts to the totals and appends each
# failed test's name and the end of its output to $failures_report, which is
# printed again just before the totals: CI logs are often read from the end.
count_results() {
  local suite=$1 log=$2 counts
  counts=$(python3 - "$suite" "$log" "$failures_report" <<'PY'
import json, sys
suite, log, report = sys.argv[1:4]
ok = bad = 0
with open(log) as lines, open(report, "a") as out:
    for line in lines:
        test = json.loads(line)
        if test["result"] in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif test["result"] != "SKIP":
            bad += 1
            tail = (test.get("stdout") or "").splitlines()[-40:]
            out.write(f"--- {suite}: {test['name']} {test['result']} "
                      f"after {test['duration']:.1f} s; last lines of its output:\n")
            out.write("".join(f"    {l}\n" for l in tail))
print(ok, bad)
PY
  ) || counts="0 1"
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

# run_suite NAME BUILD_DIR "MESON SETUP OPTIONS" "MESON TEST OPTIONS"
run_suite() {
  local name=$1 dir=$2
  local -a setup_opts test_opts
  read -r -a setup_opts <<<"$3"
  read -r -a test_opts <<<"$4"
  echo "=== $name: build"
  if ! "$here/scripts/build.sh" "$dir" "${setup_opts[@]}"; then
    echo "=== $name: build FAILED"
    failed=$((failed + 1)); status=1
    echo "--- $name: the build failed (its output is above)" >>"$failures_report"
    return
  fi
  echo "=== $name: test"
  rm -f "$dir/meson-logs/testlog.json"
  meson test -C "$dir" --print-errorlogs --num-processes 2 "${test_opts[@]}" || status=1
  count_results "$name" "$dir/meson-logs/testlog.json"
}

run_suite "default" "$here/build" "" ""

if [ "${TEST_SANITIZERS:-1}" != 0 ]; then
  # The plugin is loaded in-process (GST_REGISTRY_FORK=no) so the ASan runtime comes first.
  # LeakSanitizer is off: it aborts on GLib's threads; the valgrind suite covers leaks instead.
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "asan+ubsan" "$here/build-sanitize" \
      "-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug" \
      "--no-suite bench --no-suite valgrind --no-suite inspect --no-suite launch --no-suite hostile-transport --no-suite echo"
  # (hostile-transport measures memory by RSS, which ASan's shadow memory and
  # quarantine make meaningless; echo plays real-time audio through webrtcdsp,
  # whose cancellation ASan's slowdown throws off: once in five ASan runs the
  # leftover echo interrupted the reply. Both run in the default pass.)
  # libFuzzer targets need clang; each runs for a few seconds here (see tests/fuzz/meson.build).
  CC=clang CXX=clang++ run_suite "fuzz" "$here/build-fuzz" \
    "-Dfuzzing=true -Dtests=disabled -Dexamples=disabled -Dbuildtype=debug" "--suite fuzz"
fi

if [ -s "$failures_report" ]; then
  echo "=== what failed"
  cat "$failures_report"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && exit $status
exit 1
