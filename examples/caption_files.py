# gst-gemini-live example helper: subtitle files from geminilive's text_src.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# text_src pushes one text/x-raw buffer per caption (a line of the reply's
# output transcription, or a transcript timed by the service's offsets), each
# with a PTS and a duration in the pipeline's running time. CaptionRecorder
# pulls them from an appsink and writes them as SRT and/or WebVTT when the
# stream ends. Used by translate_file.py and live_captions.py.
import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def _clock(ns, decimal):
    ms = max(0, ns) // 1000000
    hours, ms = divmod(ms, 3600000)
    minutes, ms = divmod(ms, 60000)
    seconds, ms = divmod(ms, 1000)
    return "%02d:%02d:%02d%s%03d" % (hours, minutes, seconds, decimal, ms)


def srt_text(cues):
    """SubRip: numbered cues, HH:MM:SS,mmm --> HH:MM:SS,mmm, a blank line after each."""
    out = []
    for number, (start, end, text) in enumerate(cues, 1):
        out.append("%d\n%s --> %s\n%s\n" % (number, _clock(start, ","), _clock(end, ","), text))
    return "\n".join(out)


def webvtt_text(cues):
    """WebVTT: the WEBVTT header, then HH:MM:SS.mmm --> HH:MM:SS.mmm cues."""
    out = ["WEBVTT\n"]
    for start, end, text in cues:
        # "-->" may not appear in a cue's text
        out.append("%s --> %s\n%s\n" % (_clock(start, "."), _clock(end, "."),
                                        text.replace("-->", "->")))
    return "\n".join(out)


class CaptionRecorder:
    """Collects the captions that reach `appsink` (an appsink after text_src)."""

    def __init__(self, appsink, on_caption=None):
        self.cues = []
        self.on_caption = on_caption
        appsink.set_property("emit-signals", True)
        appsink.set_property("sync", False)
        appsink.connect("new-sample", self._on_sample)

    def _on_sample(self, appsink):
        sample = appsink.emit("pull-sample")
        if sample is None:
            return Gst.FlowReturn.EOS
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        if ok:
            text = bytes(info.data).decode("utf-8", "replace").strip()
            buffer.unmap(info)
            duration = buffer.duration if buffer.duration != Gst.CLOCK_TIME_NONE else Gst.SECOND
            if text and buffer.pts != Gst.CLOCK_TIME_NONE:
                cue = (buffer.pts, buffer.pts + duration, text)
                # A caption may only start after the one before it ends.
                if self.cues and self.cues[-1][1] > cue[0]:
                    self.cues[-1] = (self.cues[-1][0], cue[0], self.cues[-1][2])
                self.cues.append(cue)
                if self.on_caption:
                    self.on_caption(*cue)
        return Gst.FlowReturn.OK

    def write(self, srt=None, vtt=None):
        for path, render in ((srt, srt_text), (vtt, webvtt_text)):
            if path:
                with open(path, "w", encoding="utf-8") as out:
                    out.write(render(self.cues))
