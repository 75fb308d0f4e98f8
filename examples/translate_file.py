#!/usr/bin/env python3
# gst-gemini-live example: translate speech into another language, PyGObject.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   python3 translate_file.py --input talk.wav|URI --to de --output talk-de.wav
#                             [--srt talk-de.srt] [--vtt talk-de.vtt] [--endpoint URL]
#                             [--api-key KEY]
#
# The input is a file or any URI GStreamer plays (http://, rtsp://, file://):
# its audio goes to gemini-3.5-live-translate-preview at a steady real-time
# pace (the model wants even input), the translated speech is written to
# --output as WAV, and the subtitles of the translation (the model's output
# transcription, in the target language) to --srt / --vtt. The source text
# and the translation print as lines. Any error is printed and exits non-zero.
#
# Needs python3-gi and gir1.2-gstreamer-1.0.
import argparse
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caption_files import CaptionRecorder  # noqa: E402

MODEL = "gemini-3.5-live-translate-preview"
PLUGIN_HINT = ("hint: GStreamer did not find the element. For geminilive, build the plugin "
               "(scripts/build.sh) and set GST_PLUGIN_PATH to the folder holding "
               "libgstgeminilive.so (e.g. export GST_PLUGIN_PATH=$PWD/build/gst), or meson "
               "install it; gst-inspect-1.0 geminilive must find it.")


def input_uri(text):
    """A URI for uridecodebin; a plain path must name an existing file."""
    if Gst.uri_is_valid(text):
        return text
    if not os.path.isfile(text):
        return None
    return Gst.filename_to_uri(os.path.abspath(text))


def main():
    parser = argparse.ArgumentParser(description="translate speech with a Gemini Live model")
    parser.add_argument("--input", required=True, help="audio file or URI to translate")
    parser.add_argument("--to", required=True, help="BCP-47 target language, e.g. de or pt-BR")
    parser.add_argument("--output", required=True, help="WAV file for the translated speech")
    parser.add_argument("--srt", help="SubRip file for the translation's subtitles")
    parser.add_argument("--vtt", help="WebVTT file for the translation's subtitles")
    parser.add_argument("--endpoint", help="Live API base URL")
    parser.add_argument("--api-key", help="API key (default: GEMINI_API_KEY)")
    options = parser.parse_args()

    Gst.init(None)
    uri = input_uri(options.input)
    if uri is None:
        print("error: the input file %s does not exist" % options.input, file=sys.stderr)
        return 1
    # identity sync=true: the input goes out at the pace of the clock, as the
    # translate model wants it, whatever speed the source could decode at.
    # Each subtitle is stamped with the translated speech it transcribes.
    description = (
        "uridecodebin name=in ! audioconvert ! audioresample ! audio/x-raw,channels=1,rate=16000 "
        "! identity sync=true ! geminilive name=live model=%s ! audioconvert ! wavenc "
        "! filesink name=out  live.text_src ! appsink name=captions" % MODEL)
    try:
        pipeline = Gst.parse_launch(description)
    except GLib.Error as error:
        print("error: cannot build the pipeline: " + error.message, file=sys.stderr)
        if error.matches(Gst.parse_error_quark(), Gst.ParseError.NO_SUCH_ELEMENT):
            print(PLUGIN_HINT, file=sys.stderr)
        return 1
    pipeline.get_by_name("in").set_property("uri", uri)
    pipeline.get_by_name("out").set_property("location", options.output)
    live = pipeline.get_by_name("live")
    live.set_property("translate-to", options.to)
    if options.endpoint:
        live.set_property("endpoint", options.endpoint)
    if options.api_key:
        live.set_property("api-key", options.api_key)
    captions = CaptionRecorder(pipeline.get_by_name("captions"))

    loop = GLib.MainLoop()
    status = {"code": 0}
    heard, spoken = [], []

    def flush_lines():
        if heard:
            print("heard: " + "".join(heard).strip(), flush=True)
        if spoken:
            print("translation: " + "".join(spoken).strip(), flush=True)
        heard.clear()
        spoken.clear()

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ELEMENT:
            s = message.get_structure()
            if s.get_name() == "geminilive/input-transcription":
                heard.append(s.get_string("text"))
            elif s.get_name() == "geminilive/output-transcription":
                spoken.append(s.get_string("text"))
            elif s.get_name() == "geminilive/turn-complete":
                flush_lines()
        elif message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            print("error from %s: %s" % (message.src.get_name(), error.message), file=sys.stderr)
            if debug:
                print("       (%s)" % debug, file=sys.stderr)
            status["code"] = 1
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            flush_lines()
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 2, loop.quit)  # SIGINT
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        status["code"] = 1
        GLib.timeout_add(500, loop.quit)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    if status["code"] == 0:
        captions.write(srt=options.srt, vtt=options.vtt)
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
