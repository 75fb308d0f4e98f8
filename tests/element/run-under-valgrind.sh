#!/bin/sh
# Runs a test program under valgrind with a GStreamer registry that is already
# up to date. Without one, gst_init scans every system plugin inside valgrind:
# slow, and their libraries' constructors report GLib-internal allocations as
# definite leaks that are not ours (seen on a fresh CI machine). The scan runs
# here, outside valgrind, with the same GST_REGISTRY and GST_PLUGIN_PATH.
#   run-under-valgrind.sh VALGRIND_ARGS... PROGRAM ARGS...
set -eu
if ! gst-inspect-1.0 geminilive >/dev/null 2>"${TMPDIR:-/tmp}/valgrind-registry-scan.$$"; then
  echo "run-under-valgrind.sh: gst-inspect-1.0 geminilive failed (GST_PLUGIN_PATH=${GST_PLUGIN_PATH:-<unset>}):" >&2
  cat "${TMPDIR:-/tmp}/valgrind-registry-scan.$$" >&2
  rm -f "${TMPDIR:-/tmp}/valgrind-registry-scan.$$"
  exit 1
fi
rm -f "${TMPDIR:-/tmp}/valgrind-registry-scan.$$"
exec valgrind "$@"
