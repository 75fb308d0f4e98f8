#!/usr/bin/env bash
# Regenerates docs/gst-inspect-{geminilive,geminilivesink,geminilivesrc}.txt
# from the plugin in BUILD_DIR.
# Review the diff (git diff docs/) before committing: it is the element's
# public interface.
#   tests/inspect/update-golden.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build_dir=$(cd "$1" && pwd)
if [ ! -d "$build_dir/gst" ]; then
  echo "$build_dir has no gst/ directory: is it a configured build of this project?" >&2
  exit 1
fi
ninja -C "$build_dir" gst/libgstgeminilive.so >/dev/null
for element in geminilive geminilivesink geminilivesrc; do
  golden=$here/docs/gst-inspect-$element.txt
  GST_PLUGIN_PATH=$build_dir/gst GST_REGISTRY=$build_dir/test-registry.bin GST_REGISTRY_FORK=no \
    "$here/tests/inspect/check-inspect.sh" --print "$element" > "$golden.tmp" \
    || { rm -f "$golden.tmp"; exit 1; }
  mv "$golden.tmp" "$golden"
  echo "wrote $golden"
done
