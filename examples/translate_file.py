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
# pace (geminilive paces what is not live; the model wants even input), the translated speech is written to
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
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caption_files import CaptionRecorder  # noqa: E402
from example_common import build_pipeline, input_uri, run  # noqa: E402

MODEL = "gemini-3.5-live-translate-preview"


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
    # A file or stream decodes faster than it plays: geminilive paces input
    # that is not live to real time (input-pacing=auto), as the translate
    # model wants it. Each subtitle is stamped with the translated speech it
    # transcribes.
    pipeline = build_pipeline(
        "uridecodebin name=in ! audioconvert ! audioresample ! audio/x-raw,channels=1,rate=16000 "
        "! geminilive name=live model=%s ! audioconvert ! wavenc "
        "! filesink name=out  live.text_src ! appsink name=captions" % MODEL)
    if pipeline is None:
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

    heard, spoken = [], []

    def flush_lines():
        if heard:
            print("heard: " + "".join(heard).strip(), flush=True)
        if spoken:
            print("translation: " + "".join(spoken).strip(), flush=True)
        heard.clear()
        spoken.clear()

    def on_element(s):
        if s.get_name() == "geminilive/input-transcription" and not (
                s.has_field("interim") and s.get_value("interim")):  # previews are replaced
            heard.append(s.get_string("text"))
        elif s.get_name() == "geminilive/output-transcription":
            spoken.append(s.get_string("text"))
        elif s.get_name() == "geminilive/turn-complete":
            flush_lines()

    code = run(pipeline, on_element=on_element, on_end=flush_lines)
    if code == 0:
        captions.write(srt=options.srt, vtt=options.vtt)
    return code


if __name__ == "__main__":
    sys.exit(main())
