/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer_process.h"

#include <csignal>

namespace bench {

PeerProcess::~PeerProcess ()
{
  if (child_) {
    g_subprocess_force_exit (child_);
    g_subprocess_wait (child_, nullptr, nullptr);
  }
  g_clear_object (&out_);
  g_clear_object (&child_);
}

bool
PeerProcess::start (const std::string &binary, unsigned out_chunk_ms, unsigned lead_ms,
    std::string &error)
{
  GError *err = nullptr;
  auto chunk = std::to_string (out_chunk_ms), lead = std::to_string (lead_ms);
  child_ = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, binary.c_str (), "--port",
      "0", "--out-chunk-ms", chunk.c_str (), "--lead-ms", lead.c_str (), nullptr);
  if (!child_) {
    error = "cannot run " + binary + ": " + err->message;
    g_clear_error (&err);
    return false;
  }
  out_ = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child_));
  gchar *line = g_data_input_stream_read_line (out_, nullptr, nullptr, &err);
  static const char prefix[] = "listening on ";
  if (!line || !g_str_has_prefix (line, prefix)) {
    error = binary + " did not start: " + (line ? line : err ? err->message : "no output");
    g_clear_error (&err);
    g_free (line);
    return false;
  }
  url_ = line + sizeof (prefix) - 1;
  g_free (line);
  return true;
}

std::string
PeerProcess::stop (std::string &error)
{
  if (!child_) {
    error = "the peer is not running";
    return "";
  }
  g_subprocess_send_signal (child_, SIGTERM);
  GError *err = nullptr;
  gchar *line = g_data_input_stream_read_line (out_, nullptr, nullptr, &err);
  std::string report = line ? line : "";
  if (!line)
    error = std::string ("the peer gave no report: ") + (err ? err->message : "it exited");
  g_clear_error (&err);
  g_free (line);
  g_subprocess_wait (child_, nullptr, nullptr);
  g_clear_object (&out_);
  g_clear_object (&child_);
  return report;
}

}  // namespace bench
