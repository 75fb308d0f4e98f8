#!/usr/bin/env python3
# gst-gemini-live example: one Gemini Live session, two pipelines (PyGObject).
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A capture pipeline sends the question to geminilivesink; a separate
# playback pipeline, with its own clock, plays the answer from geminilivesrc.
# Both carry session=SESSION, so they share one Live session. The playback
# pipeline starts first: until the session opens, geminilivesrc outputs
# silence as time (GAP events), like a live source between replies.
#
#   python3 two_pipelines.py [--input question.wav] [--output reply.wav]
#                            [--endpoint URL] [--api-key KEY]
#
# Without --input it listens to the default microphone, without --output it
# plays through the default speaker. Needs python3-gi and gir1.2-gstreamer-1.0.
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

SESSION = "two-pipelines-example"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", help="WAV file with the question (default: microphone)")
    parser.add_argument("--output", help="WAV file for the reply (default: speaker)")
    parser.add_argument("--endpoint", help="Live API endpoint (default: the service)")
    parser.add_argument("--api-key", help="API key (default: GEMINI_API_KEY)")
    options = parser.parse_args()
    Gst.init(None)

    source = "filesrc name=file ! wavparse" if options.input else "autoaudiosrc"
    capture = Gst.parse_launch(
        source + " ! audioconvert ! audioresample ! geminilivesink name=live session=" + SESSION)
    sink = "wavenc ! filesink name=file" if options.output else "autoaudiosink"
    playback = Gst.parse_launch(
        "geminilivesrc session=" + SESSION + " ! audioconvert ! audioresample ! " + sink)
    # File names as properties: no quoting rules of a launch line to get wrong.
    if options.input:
        capture.get_by_name("file").set_property("location", options.input)
    if options.output:
        playback.get_by_name("file").set_property("location", options.output)

    live = capture.get_by_name("live")
    if options.endpoint:
        live.set_property("endpoint", options.endpoint)
    if options.api_key:
        live.set_property("api-key", options.api_key)

    loop = GLib.MainLoop()
    result = {"status": 0}

    def on_capture_message(_bus, message):
        # The conversation's messages come from geminilivesink, on the capture bus.
        if message.type == Gst.MessageType.ELEMENT:
            s = message.get_structure()
            if s.get_name() in ("geminilive/input-transcription",
                                "geminilive/output-transcription"):
                who = "you" if s.get_name().startswith("geminilive/input") else "model"
                print("%s: %s" % (who, s.get_string("text")), flush=True)
            elif s.get_name() == "geminilive/turn-complete":
                print("(turn complete)", flush=True)
        elif message.type == Gst.MessageType.ERROR:
            error, _debug = message.parse_error()
            print("error: %s" % error.message, file=sys.stderr)
            result["status"] = 1
            loop.quit()
        # EOS here only means the question ended; the answer still plays.

    def on_playback_message(_bus, message):
        if message.type == Gst.MessageType.EOS:
            print("the reply has been played", flush=True)
            loop.quit()
        elif message.type == Gst.MessageType.ERROR:
            error, _debug = message.parse_error()
            print("error: %s" % error.message, file=sys.stderr)
            result["status"] = 1
            loop.quit()

    for pipeline, handler in ((capture, on_capture_message), (playback, on_playback_message)):
        bus = pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", handler)

    failed = Gst.StateChangeReturn.FAILURE
    if playback.set_state(Gst.State.PLAYING) == failed \
            or capture.set_state(Gst.State.PLAYING) == failed:
        print("error: a pipeline did not start (see the error above)", file=sys.stderr)
        result["status"] = 1
    else:
        loop.run()
    # Stopping the src last closes the session after the answer is out.
    capture.set_state(Gst.State.NULL)
    playback.set_state(Gst.State.NULL)
    return result["status"]


if __name__ == "__main__":
    sys.exit(main())
