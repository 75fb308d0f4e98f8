#!/usr/bin/env bash
# Installs what gst-gemini-live needs on Debian 12, skipping what is already there.
#   scripts/install-deps.sh            build + run dependencies
#   scripts/install-deps.sh --tests    ... plus what the test suite needs (node packages)
#   scripts/install-deps.sh --mic      ... plus PulseAudio/ALSA elements and webrtcdsp (echo
#                                      cancellation, gstreamer1.0-plugins-bad) for microphone mode
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

want_tests=false
want_mic=false
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=true ;;
    --mic) want_mic=true ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

packages=(
  meson ninja-build pkg-config g++ clang
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev glib-networking
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  espeak-ng libespeak-ng-dev sox openssl
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  pocketsphinx pocketsphinx-en-us libpocketsphinx-dev
)
# gstreamer1.0-plugins-bad: webrtcdsp, for the acoustic echo-path test (tests/element echo).
# gstreamer1.0-x: textoverlay, for the captions-over-video example's test (tests/examples).
$want_tests && packages+=(valgrind libclang-rt-14-dev gstreamer1.0-plugins-bad gstreamer1.0-x)
$want_mic && packages+=(gstreamer1.0-pulseaudio gstreamer1.0-alsa pulseaudio-utils
  gstreamer1.0-plugins-bad)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node packages: the official schema and SDK that the conformance tests check against.
if $want_tests; then
  for dir in "$here"/tests/conformance "$here"/tests/server "$here"/tests/sdk; do
    [ -f "$dir/package-lock.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "install-deps: npm ci in ${dir#"$here"/}"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
fi
