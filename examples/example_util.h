/* gst-gemini-live examples: what every example does the same way.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * - build_pipeline: gst_parse_launch, where a missing element is an error
 *   (gst_parse_launch then still returns a partial pipeline), with a hint on
 *   how GStreamer finds the geminilive plugin;
 * - print_error_message: the bus ERROR, as the user should read it;
 * - TranscriptLine: transcription fragments gathered into lines.
 */
#pragma once

#include <gst/gst.h>

#include <cstdio>
#include <string>

namespace gemlive::examples {

/* The pipeline for `description`, or nullptr after printing why not. */
inline GstElement *
build_pipeline (const std::string &description)
{
  GError *error = nullptr;
  GstElement *pipeline = gst_parse_launch (description.c_str (), &error);
  if (error == nullptr)
    return pipeline;
  std::fprintf (stderr, "error: cannot build the pipeline: %s\n", error->message);
  if (g_error_matches (error, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT)) {
    std::fprintf (stderr,
        "hint: GStreamer did not find the element. For geminilive, build the plugin "
        "(scripts/build.sh) and set GST_PLUGIN_PATH to the folder holding libgstgeminilive.so "
        "(e.g. export GST_PLUGIN_PATH=$PWD/build/gst), or meson install it; "
        "gst-inspect-1.0 geminilive must find it.%s\n",
        std::string (error->message).find ("geminilive") == std::string::npos
            ? " Other elements come from the GStreamer plugin packages "
              "(scripts/install-deps.sh installs them)."
            : "");
  }
  g_clear_error (&error);
  if (pipeline != nullptr)
    gst_object_unref (pipeline);
  return nullptr;
}

/* Prints a bus ERROR with the element that posted it. */
inline void
print_error_message (GstMessage *message)
{
  GError *error = nullptr;
  gchar *debug = nullptr;
  gst_message_parse_error (message, &error, &debug);
  std::fprintf (stderr, "error from %s: %s\n", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
      error->message);
  if (debug != nullptr)
    std::fprintf (stderr, "       (%s)\n", debug);
  g_clear_error (&error);
  g_free (debug);
}

/* geminilive/output-transcription (and input-transcription) arrive as
 * fragments of a few words; a reader wants a line per turn. */
class TranscriptLine {
public:
  explicit TranscriptLine (const char *label) : label_ (label) {}
  void add (const gchar *fragment)
  {
    if (fragment != nullptr)
      text_ += fragment;
  }
  /* At turn-complete, interrupted, EOS or an error: print what was gathered. */
  void flush (const char *suffix = "")
  {
    if (text_.empty ())
      return;
    std::printf ("%s%s%s\n", label_, text_.c_str (), suffix);
    std::fflush (stdout);
    text_.clear ();
  }

private:
  const char *label_;
  std::string text_;
};

}  // namespace gemlive::examples
