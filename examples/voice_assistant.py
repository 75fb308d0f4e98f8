#!/usr/bin/env python3
# gst-gemini-live example: a voice assistant that can act (function calling), PyGObject.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The same two tools as voice_assistant.cpp:
# - get_local_time: the real local time of this machine;
# - get_weather: a STUB returning made-up weather, labelled "stub": true in
#   its answer. Replace it with a real weather service before relying on it.
#
#   python3 voice_assistant.py [--input question.wav [--output reply.wav]] [--endpoint URL]
#                              [--api-key KEY]
#
# Without --input it listens on the microphone and speaks through the speakers until
# Ctrl-C (use headphones, or see docs/microphone.md); with --input it answers one recorded
# question, plays the answer (or writes it to --output) and exits. The model's words print
# as a line per turn. Any error is printed and exits non-zero.
#
# Needs python3-gi and gir1.2-gstreamer-1.0. tool-call arrives on the
# element's own dispatch thread; send-tool-response may be called from any
# thread, so the handler answers directly.
import argparse
import datetime
import json
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from example_common import build_pipeline, run  # noqa: E402

TOOLS = [{"functionDeclarations": [
    {"name": "get_local_time", "description": "The current local date and time of the user"},
    {"name": "get_weather", "description": "Current weather in a city (demo stub)",
     "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}},
                    "required": ["city"]}},
]}]


def get_local_time(_args):
    now = datetime.datetime.now().astimezone()
    return {"time": now.isoformat(timespec="seconds"), "timezone": now.tzname()}


def get_weather_stub(args):
    # STUB: not real weather data.
    return {"stub": True, "note": "STUB: not real weather data", "city": args.get("city"),
            "sky": "sunny", "celsius": 21}


FUNCTIONS = {"get_local_time": get_local_time, "get_weather": get_weather_stub}

def pipeline_description(options):
    if not options.input:
        return ("autoaudiosrc ! audioconvert ! audioresample ! geminilive name=live ! "
                "audioconvert ! audioresample ! autoaudiosink")
    # The reply is heard (or written): an assistant answering into fakesink answers nobody.
    reply = "wavenc ! filesink name=out" if options.output else "audioresample ! autoaudiosink"
    return ("filesrc name=in ! wavparse ! audioconvert ! audioresample ! geminilive name=live "
            "! audioconvert ! " + reply)


def on_tool_call(live, call_id, name, args_json):
    function = FUNCTIONS.get(name)
    answer = function(json.loads(args_json)) if function else {"error": "unknown function " + name}
    sent = live.emit("send-tool-response", call_id, name, json.dumps(answer), None)
    print("tool call %s(%s) -> %s%s" % (name, args_json, json.dumps(answer),
                                        "" if sent else " (not sent)"), flush=True)


def main():
    parser = argparse.ArgumentParser(description="voice assistant with two tools")
    parser.add_argument("--input", help="WAV file with the question (default: microphone)")
    parser.add_argument("--output", help="with --input: WAV file for the spoken answer "
                        "(default: play it)")
    parser.add_argument("--endpoint", help="Live API base URL")
    parser.add_argument("--api-key", help="API key (default: GEMINI_API_KEY)")
    options = parser.parse_args()
    if options.output and not options.input:
        parser.error("--output needs --input")
    if options.input and not os.path.isfile(options.input):
        print("error: the input file %s does not exist" % options.input, file=sys.stderr)
        return 1

    Gst.init(None)
    pipeline = build_pipeline(pipeline_description(options))
    if pipeline is None:
        return 1
    for name, location in (("in", options.input), ("out", options.output)):
        if location:
            pipeline.get_by_name(name).set_property("location", location)
    live = pipeline.get_by_name("live")
    live.set_property("tools", json.dumps(TOOLS))
    if options.endpoint:
        live.set_property("endpoint", options.endpoint)
    if options.api_key:
        live.set_property("api-key", options.api_key)
    live.connect("tool-call", on_tool_call)

    # Transcription arrives in fragments of a few words: print a line per turn.
    line = []

    def flush_line(suffix=""):
        if line:
            print("model: " + "".join(line) + suffix, flush=True)
            line.clear()

    def on_element(s):
        if s.get_name() == "geminilive/output-transcription":
            line.append(s.get_string("text"))
        elif s.get_name() == "geminilive/turn-complete":
            flush_line()
        elif s.get_name() == "geminilive/interrupted":
            flush_line(" (interrupted)")
        elif s.get_name() == "geminilive/grounding":
            print("sources: " + s.to_string(), flush=True)

    return run(pipeline, on_element=on_element, on_end=flush_line)

if __name__ == "__main__":
    sys.exit(main())
