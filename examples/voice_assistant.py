#!/usr/bin/env python3
# gst-gemini-live example: a voice assistant that can act (function calling), PyGObject.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The same two tools as voice_assistant.cpp:
# - get_local_time: the real local time of this machine;
# - get_weather: a STUB returning made-up weather, labelled "stub": true in
#   its answer. Replace it with a real weather service before relying on it.
#
#   python3 voice_assistant.py [--input question.wav] [--endpoint URL] [--api-key KEY]
#
# Needs python3-gi and gir1.2-gstreamer-1.0. tool-call arrives on the
# element's own dispatch thread; send-tool-response may be called from any
# thread, so the handler answers directly.
import argparse
import datetime
import json
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

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


def on_tool_call(live, call_id, name, args_json):
    function = FUNCTIONS.get(name)
    answer = function(json.loads(args_json)) if function else {"error": "unknown function " + name}
    sent = live.emit("send-tool-response", call_id, name, json.dumps(answer), None)
    print("tool call %s(%s) -> %s%s" % (name, args_json, json.dumps(answer),
                                        "" if sent else " (not sent)"), flush=True)


def main():
    parser = argparse.ArgumentParser(description="voice assistant with two tools")
    parser.add_argument("--input", help="WAV file with the question (default: microphone)")
    parser.add_argument("--endpoint", help="Live API base URL")
    parser.add_argument("--api-key", help="API key (default: GEMINI_API_KEY)")
    options = parser.parse_args()

    Gst.init(None)
    if options.input:
        pipeline = Gst.parse_launch("filesrc name=in ! wavparse ! audioconvert ! audioresample ! "
                                    "geminilive name=live ! fakesink")
        pipeline.get_by_name("in").set_property("location", options.input)
    else:
        pipeline = Gst.parse_launch("autoaudiosrc ! audioconvert ! audioresample ! "
                                    "geminilive name=live ! audioconvert ! autoaudiosink")
    live = pipeline.get_by_name("live")
    live.set_property("tools", json.dumps(TOOLS))
    if options.endpoint:
        live.set_property("endpoint", options.endpoint)
    if options.api_key:
        live.set_property("api-key", options.api_key)
    live.connect("tool-call", on_tool_call)

    loop = GLib.MainLoop()
    status = {"code": 0}

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ELEMENT:
            s = message.get_structure()
            if s.get_name() == "geminilive/output-transcription":
                print("model: " + s.get_string("text"), flush=True)
            elif s.get_name() == "geminilive/grounding":
                print("sources: " + s.to_string(), flush=True)
        elif message.type == Gst.MessageType.ERROR:
            error, _debug = message.parse_error()
            print("error: " + error.message, file=sys.stderr)
            status["code"] = 1
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 2, loop.quit)  # SIGINT
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        status["code"] = 1
    else:
        loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
