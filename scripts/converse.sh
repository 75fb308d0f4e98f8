#!/usr/bin/env bash
# The main job: one real spoken conversation through a GStreamer pipeline.
#
#   scripts/converse.sh                     speak a question (espeak-ng), save the spoken reply
#   scripts/converse.sh --question "TEXT"   ... a question of your own
#   scripts/converse.sh --mic               talk through the microphone and speakers (Ctrl-C ends);
#                                           echo cancelled with webrtcdsp/webrtcechoprobe
#   scripts/converse.sh --headphones        ... through a headset: no echo cancellation
#
# With GEMINI_API_KEY (or GOOGLE_API_KEY) set it talks to the real Gemini Live API; otherwise it starts
# the bundled local Live server (tools/gemini-live-server) and talks to that.
# Output goes to out/: question.wav, reply.wav; transcripts are printed as they arrive.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

question="What is the capital of France?"
mic=false
headphones=false
while (($#)); do
  case "$1" in
    --mic) mic=true ;;
    --question) question=${2:?--question needs text}; shift ;;
    --headphones) mic=true; headphones=true ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "converse: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if $mic; then "$here/scripts/install-deps.sh" --mic; else "$here/scripts/install-deps.sh"; fi
"$here/scripts/build.sh" "$here/build" >/dev/null
export GST_PLUGIN_PATH="$here/build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"

out="$here/out"
mkdir -p "$out"
args=()
server_pid=
cleanup() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -n "${GEMINI_API_KEY:-}${GOOGLE_API_KEY:-}" ]; then
  echo "Talking to the Gemini Live API (key from the environment)."
else
  echo "No GEMINI_API_KEY set: talking to the bundled local Live server."
  "$here/build/tools/gemini-live-server" --port 0 --realtime >"$out/server.log" 2>"$out/server-errors.log" &
  server_pid=$!
  for _ in $(seq 100); do
    line=$(head -n1 "$out/server.log" 2>/dev/null || true)
    [[ "$line" == "listening on "* ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out/server-errors.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ "${line:-}" == "listening on "* ]] || { echo "converse: the local server did not start" >&2; exit 1; }
  args+=(--endpoint "${line#listening on }" --api-key local-demo-key)
  # The server's stderr starts with pipelines to paste into gst-launch-1.0.
  echo "Local server: ${line#listening on } (pipelines to try by hand: out/server-errors.log)"
fi

if $mic; then
  if $headphones; then
    echo "Speak now (headphones: no echo cancellation); Ctrl-C ends the conversation."
    exec "$here/build/examples/gemini-converse" --headphones "${args[@]}"
  fi
  echo "Speak now (echo cancelled, so the speakers may play); Ctrl-C ends the conversation."
  exec "$here/build/examples/gemini-converse" --mic "${args[@]}"
fi

# A real spoken question: espeak-ng speech, 16 kHz mono, with a second of silence after it.
espeak-ng -v en-us -s 150 -w "$out/question-22k.wav" "$question"
sox -q "$out/question-22k.wav" -r 16000 -c 1 -b 16 "$out/question.wav" pad 0 1
rm -f "$out/question-22k.wav"
echo "you (spoken from out/question.wav): $question"

"$here/build/examples/gemini-converse" --input "$out/question.wav" --output "$out/reply.wav" "${args[@]}"
echo "reply: out/reply.wav ($(soxi -D "$out/reply.wav") s of audio at $(soxi -r "$out/reply.wav") Hz)"
