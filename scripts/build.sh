#!/usr/bin/env bash
# Configures (once) and builds gst-gemini-live into BUILD_DIR (default: build/).
#   scripts/build.sh [BUILD_DIR] [extra meson setup options...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-"$here/build"}
shift || true
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" "$here" "$@"
fi
ninja -C "$build_dir"
