#!/usr/bin/env bash
# Golden test of an element's public interface as gst-inspect-1.0 shows it:
# pads, caps, properties (names, blurbs, flags, ranges, defaults), signals and
# actions. An unreviewed change to any of them fails here, so it is a decision
# rather than an accident.
#
#   check-inspect.sh GOLDEN_FILE [ELEMENT]   compare with GOLDEN_FILE, check property rules
#   check-inspect.sh --print [ELEMENT]       print the normalised output (update-golden.sh)
# ELEMENT is geminilive (the default), geminilivesink or geminilivesrc.
#
# GST_PLUGIN_PATH and GST_REGISTRY must point at the build tree (meson test
# sets them from tests/meson.build's test_env; update-golden.sh sets them too).
set -euo pipefail

usage () {
  echo "usage: $0 GOLDEN_FILE [ELEMENT] | --print [ELEMENT]" >&2
  exit 2
}
[ $# -eq 1 ] || [ $# -eq 2 ] || usage
element=${2:-geminilive}

# The secrets are write-only so that no one can read them back out of a
# pipeline (gst-launch -v, gst-inspect on a running element, debug dumps).
# geminilivesrc carries no session settings, so no secrets.
secret_properties=(api-key access-token app-check-token firebase-id-token)
[ "$element" != geminilivesrc ] || secret_properties=()

# Prints gst-inspect-1.0 ELEMENT with everything that depends on the machine
# taken out: the plugin's file path and version (the interface, not the release
# number, is what is checked), colours, trailing blanks. LC_ALL=C keeps
# GStreamer's own blurbs untranslated and numbers printed with a dot.
normalised_inspect () {
  local raw errors status=0
  errors=$(mktemp)
  raw=$(LC_ALL=C GST_INSPECT_NO_COLORS=1 PAGER=cat GST_PAGER=cat \
        gst-inspect-1.0 "$element" 2>"$errors") || status=$?
  if [ $status -ne 0 ]; then
    echo "gst-inspect-1.0 $element failed with status $status (is the plugin built" \
         "and GST_PLUGIN_PATH=${GST_PLUGIN_PATH:-<unset>} right?):" >&2
    cat "$errors" >&2
    rm -f "$errors"
    return 1
  fi
  # A critical while the class is set up (bad param spec, duplicate signal)
  # is a bug even when the output still looks right.
  if grep -q -- '-CRITICAL' "$errors"; then
    echo "gst-inspect-1.0 $element printed criticals:" >&2
    cat "$errors" >&2
    rm -f "$errors"
    return 1
  fi
  rm -f "$errors"
  printf '%s\n' "$raw" | sed \
    -e 's/\x1b\[[0-9;]*m//g' \
    -e 's|^\(  Filename  *\).*$|\1<plugin file>|' \
    -e 's|^\(  Version  *\).*$|\1<version>|' \
    -e '/^  Release date  /d' \
    -e 's/[[:space:]]*$//'
}

# Checks the "Element Properties:" section: every property has a blurb, and
# every secret exists and is writable but not readable. Prints one line per
# problem; returns non-zero if there was any.
check_properties () {
  local secrets
  secrets=$(IFS=,; echo "${secret_properties[*]}")
  awk -v secrets="$secrets" '
    BEGIN { n = split (secrets, list, ","); for (i = 1; i <= n; i++) secret[list[i]] = 1 }
    /^Element Properties:$/ { in_props = 1; next }
    in_props && /^$/ { in_props = 0; next }
    !in_props { next }
    /^  [^ ]/ {
      if (match ($0, /^  [a-z][a-z0-9-]* *:/) == 0) {
        printf "cannot parse property line: %s\n", $0; bad = 1; current = ""; next
      }
      current = substr ($0, 3, RLENGTH - 3)
      sub (/ +$/, "", current)
      blurb = substr ($0, RLENGTH + 1)
      sub (/^ +/, "", blurb)
      count++
      if (blurb == "" || blurb == "(null)") {
        printf "property %s has no blurb\n", current; bad = 1
      }
      expect_flags = 1
      next
    }
    expect_flags && /^ +flags:/ {
      expect_flags = 0
      if (current in secret) {
        seen[current] = 1
        if ($0 ~ /readable/)
          { printf "secret property %s is readable (%s)\n", current, $0; bad = 1 }
        if ($0 !~ /writable/)
          { printf "secret property %s is not writable (%s)\n", current, $0; bad = 1 }
      }
    }
    END {
      if (count == 0) { print "no properties found in the gst-inspect output"; bad = 1 }
      for (name in secret)
        if (!(name in seen)) { printf "secret property %s is missing\n", name; bad = 1 }
      exit bad
    }'
}

if [ "$1" = "--print" ]; then
  normalised_inspect
  exit 0
fi

golden=$1
if [ ! -r "$golden" ]; then
  echo "golden file $golden is missing; create it with tests/inspect/update-golden.sh BUILD_DIR" >&2
  exit 1
fi

actual=$(normalised_inspect)
status=0

if ! problems=$(printf '%s\n' "$actual" | check_properties); then
  echo "FAIL: property rules:" >&2
  printf '%s\n' "$problems" | sed 's/^/  /' >&2
  status=1
fi

if ! difference=$(printf '%s\n' "$actual" | diff -u --label golden --label actual "$golden" -); then
  echo "FAIL: gst-inspect-1.0 $element differs from $golden:" >&2
  printf '%s\n' "$difference" >&2
  echo "If the change is intended, regenerate the golden file and commit it:" >&2
  echo "  tests/inspect/update-golden.sh BUILD_DIR" >&2
  status=1
fi

[ $status -ne 0 ] || echo "gst-inspect output matches $golden; property rules hold"
exit $status
