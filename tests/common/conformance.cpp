/* gst-gemini-live test helper
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs tests/conformance/validate.mjs under node with the frames on stdin,
 * one per line (see conformance.h).
 */
#include "conformance.h"

#include <gio/gio.h>

#include <memory>

namespace gemlive::test {

namespace {

struct GObjectUnref {
  void operator() (gpointer o) const { g_object_unref (o); }
};

struct GFreeDeleter {
  void operator() (gpointer p) const { g_free (p); }
};
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

/* The validator reads one frame per line. Outside strings a raw newline in
 * JSON is only whitespace, and inside strings it must be escaped, so turning
 * line breaks into spaces never changes what a frame means. */
std::string
frames_as_lines (const std::vector<std::string> &frames)
{
  std::string input;
  for (const std::string &frame : frames) {
    std::string line = frame;
    for (char &c : line)
      if (c == '\n' || c == '\r')
        c = ' ';
    input += line;
    input += '\n';
  }
  return input;
}

}  // namespace

bool
validate_frames (WireDirection direction, const std::vector<std::string> &frames,
    std::string &report)
{
  const char *validator = g_getenv ("GEMINI_LIVE_VALIDATOR");
  if (!validator || !*validator) {
    report = "GEMINI_LIVE_VALIDATOR is not set (run the tests through meson test)";
    return false;
  }
  if (frames.empty ()) {
    report = "no frames given to validate";
    return false;
  }

  const char *mode = direction == WireDirection::CLIENT ? "client" : "server";
  GError *error = nullptr;
  std::unique_ptr<GSubprocess, GObjectUnref> process (g_subprocess_new (
      static_cast<GSubprocessFlags> (G_SUBPROCESS_FLAGS_STDIN_PIPE
          | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE),
      &error, "node", validator, mode, nullptr));
  if (!process) {
    report = std::string ("could not start node ") + validator + ": " + error->message;
    g_error_free (error);
    return false;
  }

  std::string input = frames_as_lines (frames);
  gchar *output = nullptr;
  if (!g_subprocess_communicate_utf8 (process.get (), input.c_str (), nullptr, &output,
          nullptr, &error)) {
    report = std::string ("talking to the validator failed: ") + error->message;
    g_error_free (error);
    return false;
  }
  GCharPtr owned_output (output);
  report = output ? output : "";

  if (!g_subprocess_get_if_exited (process.get ())) {
    report += "\nvalidator did not exit normally";
    return false;
  }
  return g_subprocess_get_exit_status (process.get ()) == 0;
}

}  // namespace gemlive::test
