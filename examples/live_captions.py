#!/usr/bin/env python3
# gst-gemini-live example: live captions of speech, PyGObject.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   python3 live_captions.py [--input talk.wav|URI] [--srt out.srt] [--vtt out.vtt]
#                            [--overlay [--video URI] [--video-sink SINK]]
#                            [--mode verbatim|smart] [--latency MS]
#                            [--endpoint URL] [--api-key KEY]
#
# Speech (the microphone, or --input for a file or URI played in real time)
# goes to the streaming speech-to-text model gemini-3.5-transcribe-live. Each
# transcript leaves geminilive's text_src timed to the speech it transcribes
# (from the service's offsets) and prints as a line; --srt / --vtt write the
# subtitle files when the input ends (Ctrl-C ends the microphone). --overlay
# shows the captions over video with textoverlay: a test picture, or --video.
# --video-sink fakesink runs it without a window.
#
# --latency: how long a transcript may come after its speech and still be
# shown at that speech (the sinks wait this long); later text is shown when
# it arrives. 0 shows every caption as soon as it comes.
#
# Needs python3-gi and gir1.2-gstreamer-1.0; --overlay needs textoverlay
# (gstreamer1.0-x on Debian).
import argparse
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caption_files import CaptionRecorder  # noqa: E402
from example_common import build_pipeline, input_uri, run  # noqa: E402

MODEL = "gemini-3.5-transcribe-live"


def pipeline_description(options):
    if options.input:
        # identity sync=true: a file is heard at the pace it would be spoken.
        speech = "uridecodebin name=in ! audioconvert ! audioresample ! identity sync=true"
    else:
        speech = "autoaudiosrc ! audioconvert ! audioresample"
    speech += (" ! audio/x-raw,channels=1,rate=16000 ! geminilive name=live model=%s "
               "! fakesink sync=false" % MODEL)
    if not options.overlay:
        return speech + "  live.text_src ! appsink name=captions"
    if options.video:
        video = "uridecodebin name=video ! videoconvert"
    else:
        video = "videotestsrc is-live=true ! video/x-raw,width=640,height=360,framerate=25/1"
    return (speech + "  live.text_src ! tee name=t ! queue ! overlay.text_sink"
            "  t. ! queue ! appsink name=captions"
            "  %s ! textoverlay name=overlay wait-text=false valignment=bottom "
            "font-desc=\"Sans 18\" ! videoconvert ! %s" % (video, options.video_sink))


def main():
    parser = argparse.ArgumentParser(description="live captions with a Gemini Live model")
    parser.add_argument("--input", help="audio file or URI to caption (default: microphone)")
    parser.add_argument("--srt", help="SubRip file to write the captions to")
    parser.add_argument("--vtt", help="WebVTT file to write the captions to")
    parser.add_argument("--overlay", action="store_true", help="show the captions over video")
    parser.add_argument("--video", help="with --overlay: video file or URI (default: a test "
                        "picture)")
    parser.add_argument("--video-sink", default="autovideosink",
                        help="with --overlay: the video sink (fakesink: no window)")
    parser.add_argument("--mode", choices=["verbatim", "smart"], help="transcription mode")
    parser.add_argument("--latency", type=int, default=4000,
                        help="ms a caption may lag its speech and keep its timing (default 4000)")
    parser.add_argument("--endpoint", help="Live API base URL")
    parser.add_argument("--api-key", help="API key (default: GEMINI_API_KEY)")
    options = parser.parse_args()

    Gst.init(None)
    uris = {}
    for name, value in (("in", options.input), ("video", options.video)):
        if value:
            uris[name] = input_uri(value)
            if uris[name] is None:
                print("error: the input file %s does not exist" % value, file=sys.stderr)
                return 1
    pipeline = build_pipeline(pipeline_description(options))
    if pipeline is None:
        return 1
    for name, uri in uris.items():
        pipeline.get_by_name(name).set_property("uri", uri)
    live = pipeline.get_by_name("live")
    live.set_property("latency", options.latency)
    if options.mode:
        Gst.util_set_object_arg(live, "transcription-mode", options.mode)
    if options.endpoint:
        live.set_property("endpoint", options.endpoint)
    if options.api_key:
        live.set_property("api-key", options.api_key)

    def print_caption(start, end, text):
        print("[%7.2f s - %7.2f s] %s" % (start / Gst.SECOND, end / Gst.SECOND, text), flush=True)

    captions = CaptionRecorder(pipeline.get_by_name("captions"), print_caption)

    def stop(*_args):
        # EOS from every source: the speech's end sends audioStreamEnd, so the
        # last words still come before the pipeline ends.
        pipeline.send_event(Gst.Event.new_eos())
        return GLib.SOURCE_REMOVE

    captions_done = {"eos": False}

    def on_captions_eos(_appsink):
        # The speech is over and its last caption out; the video (which never
        # ends by itself) ends with it.
        if options.overlay and not captions_done["eos"]:
            captions_done["eos"] = True
            GLib.idle_add(stop)

    pipeline.get_by_name("captions").connect("eos", on_captions_eos)
    code = run(pipeline, on_interrupt=stop)  # Ctrl-C: finish, then write
    if code == 0:
        captions.write(srt=options.srt, vtt=options.vtt)
    return code


if __name__ == "__main__":
    sys.exit(main())
