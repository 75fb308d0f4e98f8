# gst-gemini-live examples: what the PyGObject examples share (the Python
# counterpart of example_util.h).
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Building a pipeline with a hint when geminilive is not found, input paths
# as URIs, and running a pipeline until EOS or an error with that error
# printed (the exit code says which).

import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

PLUGIN_HINT = ("hint: GStreamer did not find the element. For geminilive, build the plugin "
               "(scripts/build.sh) and set GST_PLUGIN_PATH to the folder holding "
               "libgstgeminilive.so (e.g. export GST_PLUGIN_PATH=$PWD/build/gst), or meson "
               "install it; gst-inspect-1.0 geminilive must find it.")


def input_uri(text):
    """A URI for uridecodebin; a plain path must name an existing file (else None)."""
    if Gst.uri_is_valid(text):
        return text
    if not os.path.isfile(text):
        return None
    return Gst.filename_to_uri(os.path.abspath(text))


def build_pipeline(description):
    """The pipeline, or None after printing why not (a missing element included)."""
    try:
        return Gst.parse_launch(description)
    except GLib.Error as error:
        print("error: cannot build the pipeline: " + error.message, file=sys.stderr)
        if error.matches(Gst.parse_error_quark(), Gst.ParseError.NO_SUCH_ELEMENT):
            print(PLUGIN_HINT, file=sys.stderr)
        return None


def print_error(message):
    """A bus ERROR, with the element it came from and its debug text."""
    error, debug = message.parse_error()
    print("error from %s: %s" % (message.src.get_name(), error.message), file=sys.stderr)
    if debug:
        print("       (%s)" % debug, file=sys.stderr)


def run(pipeline, on_element=None, on_end=None, on_interrupt=None):
    """Plays pipeline until EOS or an ERROR; returns the exit code (0 or 1).

    on_element(structure): each element message (geminilive/...).
    on_end(): once, at EOS or before an error is printed.
    on_interrupt(): Ctrl-C; the default stops at once (return GLib.SOURCE_REMOVE
    from it, e.g. after sending EOS so that the pipeline finishes its work).
    """
    loop = GLib.MainLoop()
    status = {"code": 0}

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ELEMENT and on_element:
            on_element(message.get_structure())
        elif message.type == Gst.MessageType.ERROR:
            if on_end:
                on_end()
            print_error(message)
            status["code"] = 1
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            if on_end:
                on_end()
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 2, on_interrupt or loop.quit)  # SIGINT
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        # The bus ERROR says why; let the handler print it, then stop.
        status["code"] = 1
        GLib.timeout_add(500, loop.quit)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    return status["code"]
