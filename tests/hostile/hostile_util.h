/* gst-gemini-live hostile-service tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs tests/hostile/attack_server.py (one --mode per attack) through
 * LocalServer, builds a geminilive pipeline against it, and reads what the
 * attack server recorded of the client and what the process costs.
 */
#pragma once

#include "../element/element_test_util.h"
#include "local_server.h"

#include <json-glib/json-glib.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gemlive::test {

/* The attack server in `mode` with extra arguments ("--variant", "plain"). */
inline std::unique_ptr<LocalServer>
attack_server (const std::string &mode, const std::vector<std::string> &extra = {})
{
  /* Run as a program (#!/usr/bin/python3) so LocalServer's arguments follow it. */
  const char *script = g_getenv ("GEMINI_LIVE_ATTACK_SERVER");
  if (!script)
    g_error ("GEMINI_LIVE_ATTACK_SERVER is not set; run the tests with meson test");
  LocalServer::Command command {{script, "--mode", mode}};
  command.argv.insert (command.argv.end (), extra.begin (), extra.end ());
  return std::make_unique<LocalServer> (command);
}

/* What the attack server recorded of the client: events named `event`. */
inline std::vector<JsonObject *>
recorded_events (const LocalServer &server, const char *event, std::vector<JsonParser *> &keep)
{
  std::vector<JsonObject *> out;
  for (const auto &line : server.recorded_frames ()) {
    JsonParser *parser = json_parser_new ();
    keep.push_back (parser);
    if (!json_parser_load_from_data (parser, line.c_str (), -1, nullptr))
      continue;
    JsonObject *object = json_node_get_object (json_parser_get_root (parser));
    if (g_strcmp0 (json_object_get_string_member_with_default (object, "event", ""), event) == 0)
      out.push_back (object);
  }
  return out;
}

inline size_t
count_events (const LocalServer &server, const char *event)
{
  std::vector<JsonParser *> keep;
  size_t n = recorded_events (server, event, keep).size ();
  for (auto parser : keep)
    g_object_unref (parser);
  return n;
}

/* Resident memory of this process, in kB (VmRSS of /proc/self/status). */
inline long
rss_kb ()
{
  FILE *status = fopen ("/proc/self/status", "r");
  g_assert (status);
  char line[256];
  long kb = -1;
  while (fgets (line, sizeof line, status))
    if (sscanf (line, "VmRSS: %ld kB", &kb) == 1)
      break;
  fclose (status);
  return kb;
}

/* A live 16 kHz microphone stand-in into geminilive against `endpoint`. */
inline GstElement *
live_pipeline (const std::string &endpoint, const std::string &properties = "",
    const std::string &sink = "fakesink sync=false", const std::string &name = "live")
{
  return launch ("audiotestsrc is-live=true samplesperbuffer=320 wave=sine "
                 "! audio/x-raw,format=S16LE,rate=16000,channels=1 ! geminilive name="
      + name + " endpoint=" + endpoint + " api-key=hostile-test-key " + properties + " ! " + sink);
}

/* Seconds set_state (NULL) took. */
inline double
seconds_to_stop (GstElement *pipeline)
{
  gint64 start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

inline bool
is_error_message (GstMessage *m)
{
  return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
}

inline guint64
unparsable_frames (GstElement *pipeline, const char *name = "live")
{
  GstElement *live = by_name (pipeline, name);
  guint64 n = 0;
  g_object_get (live, "unparsable-frames", &n, nullptr);
  gst_object_unref (live);
  return n;
}

/* Sets `pipeline` PLAYING and waits (30 s at most, or an error) for `n`
 * geminilive/turn-complete messages; whether they came. `unparsable`
 * gets the element's count before the pipeline goes to NULL; `settled`,
 * if given, is then awaited for up to 5 s more (the src task pushes
 * queued audio after the message is posted). */
inline bool
play_until_turns (GstElement *pipeline, size_t n, BusLog &log, guint64 *unparsable = nullptr,
    const std::function<bool ()> &settled = nullptr)
{
  size_t seen = 0;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool done = log.wait (pipeline,
      [&seen, n] (GstMessage *m) {
        if (is_element_message ("geminilive/turn-complete") (m))
          seen++;
        return seen >= n;
      },
      30 * GST_SECOND);
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (done && settled && !settled () && g_get_monotonic_time () < until)
    g_usleep (20000);
  if (unparsable)
    *unparsable = unparsable_frames (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return done;
}

/* Sets `pipeline` PLAYING for `seconds`, keeping its bus messages; returns
 * the highest VmRSS seen (kB), sampled twice a second. */
inline long
peak_rss_while_playing (GstElement *pipeline, BusLog &log, double seconds)
{
  long peak = rss_kb ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < until) {
    log.wait (pipeline, [] (GstMessage *) { return false; }, GST_SECOND / 2, false);
    peak = MAX (peak, rss_kb ());
  }
  return peak;
}

/* Neither invalid UTF-8 nor any control character (ESC, BEL, CSI...). */
inline bool
is_clean_text (const std::string &text)
{
  if (!g_utf8_validate (text.data (), (gssize) text.size (), nullptr))
    return false;
  for (const gchar *p = text.c_str (); *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f))
      return false;
  }
  return true;
}

}  // namespace gemlive::test
