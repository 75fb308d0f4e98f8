/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-peer: the scale benchmark's Live API peer as a process of its own,
 * so that its CPU never counts as the client's. stdout: first
 * "listening on ws://127.0.0.1:PORT", then, on SIGTERM or SIGINT, one JSON
 * line with what it received and sent (PeerServer::Report).
 */
#include "peer_server.h"

#include <glib-unix.h>

#include <cstdio>
#include <cstdlib>

namespace {

gboolean
quit (gpointer loop)
{
  g_main_loop_quit (static_cast<GMainLoop *> (loop));
  return G_SOURCE_REMOVE;
}

}  // namespace

int
main (int argc, char **argv)
{
  gint port = 0, out_chunk_ms = 100, lead_ms = 200;
  GOptionEntry entries[] = {
    {"port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: a free one)", "N"},
    {"out-chunk-ms", 0, 0, G_OPTION_ARG_INT, &out_chunk_ms, "Reply audio per frame (ms)", "MS"},
    {"lead-ms", 0, 0, G_OPTION_ARG_INT, &lead_ms, "How far ahead of real time to send", "MS"},
    {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
  };
  GOptionContext *options = g_option_context_new ("- paced Live API peer for the benchmark");
  g_option_context_add_main_entries (options, entries, nullptr);
  GError *error = nullptr;
  bool ok = g_option_context_parse (options, &argc, &argv, &error);
  g_option_context_free (options);
  if (!ok) {
    g_printerr ("bench-peer: %s\n", error->message);
    g_clear_error (&error);
    return EXIT_FAILURE;
  }
  if (port < 0 || port > 65535 || out_chunk_ms < 10 || out_chunk_ms > 5000 || lead_ms < 0
      || lead_ms > 10000) {
    g_printerr ("bench-peer: --port 0-65535, --out-chunk-ms 10-5000, --lead-ms 0-10000\n");
    return EXIT_FAILURE;
  }

  bench::PeerServer::Config config;
  config.port = (guint16) port;
  config.out_chunk_ms = (unsigned) out_chunk_ms;
  config.lead_ms = (unsigned) lead_ms;
  GMainContext *context = g_main_context_default ();
  GMainLoop *loop = g_main_loop_new (context, FALSE);
  int status = EXIT_SUCCESS;
  {
    bench::PeerServer peer (context, config);
    std::string url, why;
    if (!peer.listen (url, why)) {
      g_printerr ("bench-peer: %s\n", why.c_str ());
      status = EXIT_FAILURE;
    } else {
      printf ("listening on %s\n", url.c_str ());
      fflush (stdout);
      g_unix_signal_add (SIGTERM, quit, loop);
      g_unix_signal_add (SIGINT, quit, loop);
      g_main_loop_run (loop);
      auto r = peer.report ();
      printf ("{\"sessions\":%zu,\"in_samples_min\":%" G_GUINT64_FORMAT
          ",\"in_samples_max\":%" G_GUINT64_FORMAT ",\"in_frames\":%" G_GUINT64_FORMAT
          ",\"out_samples\":%" G_GUINT64_FORMAT ",\"bad_frames\":%" G_GUINT64_FORMAT
          ",\"compressed_sessions\":%zu}\n",
          r.sessions, r.in_samples_min, r.in_samples_max, r.in_frames, r.out_samples,
          r.bad_frames, r.compressed_sessions);
      fflush (stdout);
    }
  }
  g_main_loop_unref (loop);
  return status;
}
