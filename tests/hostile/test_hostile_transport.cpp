/* gst-gemini-live element tests: a hostile or broken service cannot crash,
 * freeze or exhaust the process through the transport (issue 20 items 2, 3,
 * 4, 5 and 6; issue 14's transport list). The real element against
 * tests/hostile/attack_server.py, one attack per test. Suite
 * hostile-transport: these describe the libsoup transport the lead is
 * writing and are left out of scripts/run-tests.sh until it lands.
 *
 * Bounds are generous on purpose (2 shared cores): what they catch is a
 * hang, a loop or unbounded memory, not a slow run.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "hostile_util.h"

#include <malloc.h>

#include <algorithm>
#include <cctype>

using namespace gemlive::test;

/* The transport's connect timeout is 30 s; the error must come within it
 * (plus scheduling slack). */
static const GstClockTime CONNECT_TIMEOUT_BOUND = 45 * GST_SECOND;
/* "set_state (NULL) completes within 3 s whatever the server does." */
static const double STOP_BOUND_S = 3.0;

static std::string
lower (std::string text)
{
  std::transform (text.begin (), text.end (), text.begin (),
      [] (unsigned char c) { return (char) std::tolower (c); });
  return text;
}

static bool
mentions_any (const std::string &text, std::initializer_list<const char *> words)
{
  std::string l = lower (text);
  for (const char *w : words)
    if (l.find (w) != std::string::npos)
      return true;
  return false;
}

/* Runs a live pipeline against `server` until an error or `timeout`;
 * returns the seconds until the error (< 0: none) and how long NULL took. */
struct Outcome {
  double error_after_s = -1;
  double stop_s = 0;
  std::string error;
  BusLog log;
};

static void
run_until_error (const std::string &endpoint, const std::string &properties, GstClockTime timeout,
    Outcome &out)
{
  GstElement *pipeline = live_pipeline (endpoint, properties);
  gint64 start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  if (out.log.wait (pipeline, is_error_message, timeout, false))
    out.error_after_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  out.error = out.log.first_error ();
  out.stop_s = seconds_to_stop (pipeline);
  gst_object_unref (pipeline);
}

/* ------------------------------------------------------ stalled handshakes */

GST_START_TEST (upgrade_never_answered_is_an_error_within_the_connect_timeout)
{
  /* Issue 14: the earlier libsoup element gave no error in 40 s. */
  auto server = attack_server ("upgrade-never-answered");
  Outcome out;
  run_until_error (server->endpoint (), "", CONNECT_TIMEOUT_BOUND, out);
  ck_assert_msg (out.error_after_s >= 0, "no error within 45 s; bus:\n%s", out.log.dump ().c_str ());
  ck_assert_msg (out.stop_s < STOP_BOUND_S, "NULL took %.1f s", out.stop_s);
  /* Issue 19 item 4: the error names the host and the stage. */
  ck_assert_msg (contains (out.error, "127.0.0.1:") && contains (out.error, "WebSocket upgrade"),
      "the error does not name the host and the stage: %s", out.error.c_str ());
}
GST_END_TEST;

GST_START_TEST (tls_never_finished_is_an_error_within_the_connect_timeout)
{
  auto server = attack_server ("tls-stall");
  ck_assert (g_str_has_prefix (server->endpoint ().c_str (), "wss://"));
  Outcome out;
  run_until_error (server->endpoint (), "", CONNECT_TIMEOUT_BOUND, out);
  ck_assert_msg (out.error_after_s >= 0, "no error within 45 s; bus:\n%s", out.log.dump ().c_str ());
  ck_assert_msg (out.stop_s < STOP_BOUND_S, "NULL took %.1f s", out.stop_s);
  ck_assert_msg (contains (out.error, "127.0.0.1:") && contains (out.error, "TLS handshake"),
      "the error does not name the host and the stage: %s", out.error.c_str ());
}
GST_END_TEST;

/* Issue 19 item 3: with a file source the input ends at once, and the drain
 * (2 s here) used to end before the connect failed: exit 0, an empty file
 * and only a drain warning. The failure to connect must be the error. */
GST_START_TEST (a_failure_to_connect_is_an_error_even_when_the_input_already_ended)
{
  auto server = attack_server ("upgrade-never-answered");
  GstElement *pipeline = launch ("audiotestsrc num-buffers=10 samplesperbuffer=1600 "
                                 "! audio/x-raw,format=S16LE,rate=16000,channels=1 "
                                 "! geminilive name=live api-key=hostile-test-key drain-timeout=2000 "
                                 "endpoint=" + server->endpoint () + " ! fakesink");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ended = log.wait (pipeline, [] (GstMessage *m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR || GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS;
      }, CONNECT_TIMEOUT_BOUND, false);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  ck_assert_msg (ended, "neither an error nor EOS; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (!log.has (GST_MESSAGE_EOS), "EOS before the connect failed; bus:\n%s",
      log.dump ().c_str ());
  ck_assert_msg (contains (log.first_error (), "WebSocket upgrade"), "error: %s",
      log.first_error ().c_str ());
}
GST_END_TEST;

GST_START_TEST (set_state_null_during_a_stalled_upgrade_is_quick)
{
  auto server = attack_server ("upgrade-never-answered");
  GstElement *pipeline = live_pipeline (server->endpoint ());
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_usleep (2 * G_USEC_PER_SEC);
  double stop_s = seconds_to_stop (pipeline);
  gst_object_unref (pipeline);
  ck_assert_msg (stop_s < STOP_BOUND_S, "NULL took %.1f s", stop_s);
}
GST_END_TEST;

GST_START_TEST (setup_complete_that_never_comes_times_out_like_the_upgrade)
{
  auto server = attack_server ("no-setup-complete");
  Outcome out;
  run_until_error (server->endpoint (), "reconnect-attempts=0", CONNECT_TIMEOUT_BOUND, out);
  ck_assert_msg (out.error_after_s >= 0, "no error within 45 s; bus:\n%s", out.log.dump ().c_str ());
  ck_assert_msg (mentions_any (out.error, {"setupcomplete", "setup"}),
      "the error does not say the setup was never answered: %s", out.error.c_str ());
}
GST_END_TEST;

/* ------------------------------------------------------ protocol violations */

struct Violation {
  const char *mode;
  std::initializer_list<const char *> named_by;  /* one of these words is in the error */
};

static const Violation VIOLATIONS[] = {
  {"masked-frame", {"mask"}},
  {"reserved-bits", {"reserved", "rsv"}},
  {"reserved-opcode", {"opcode"}},
  {"reserved-control-opcode", {"opcode"}},
  {"oversize-frame", {"limit", "too large", "too big", "larger"}},
  {"length-2-63", {"limit", "too large", "too big", "larger", "length"}},
  {"length-2-63-minus-1", {"limit", "too large", "too big", "larger"}},
  {"continuation-without-start", {"continuation", "fragment"}},
  {"data-mid-fragment", {"interleaved", "fragment", "continuation"}},
  {"fragmented-control", {"fragment", "control"}},
};

/* Issue 14: a violation ends the session with an error naming it, on the
 * first connection: no reconnect loop (the earlier libsoup element saw a
 * 1006 and retried for ever). With reconnection on (the default). */
static void
check_violation (const Violation &v, const char *prelude)
{
  auto server = attack_server (v.mode, {"--prelude", prelude});
  Outcome out;
  run_until_error (server->endpoint (), "reconnect-attempts=5 reconnect-initial-delay=100", 20 * GST_SECOND,
      out);
  ck_assert_msg (out.error_after_s >= 0, "%s (%s): no error in 20 s; bus:\n%s", v.mode, prelude,
      out.log.dump ().c_str ());
  ck_assert_msg (mentions_any (out.error, v.named_by), "%s (%s): the error does not name it: %s",
      v.mode, prelude, out.error.c_str ());
  size_t connections = count_events (*server, "connection");
  ck_assert_msg (connections == 1, "%s (%s): %" G_GSIZE_FORMAT " connections, expected 1",
      v.mode, prelude, connections);
  ck_assert_msg (out.stop_s < STOP_BOUND_S, "%s: NULL took %.1f s", v.mode, out.stop_s);
}

GST_START_TEST (protocol_violation_right_after_the_upgrade_ends_the_session_naming_it)
{
  for (const auto &v : VIOLATIONS)
    check_violation (v, "none");
}
GST_END_TEST;

GST_START_TEST (protocol_violation_mid_session_ends_the_session_naming_it)
{
  for (const auto &v : VIOLATIONS)
    check_violation (v, "session");
}
GST_END_TEST;

GST_START_TEST (invalid_utf8_text_frame_is_a_counted_frame_and_the_session_goes_on)
{
  auto server = attack_server ("invalid-utf8-text");
  GstElement *pipeline = live_pipeline (server->endpoint ());
  BusLog log;
  guint64 unparsable = 0;
  bool replied = play_until_turns (pipeline, 1, log, &unparsable);
  gst_object_unref (pipeline);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  ck_assert_msg (replied, "the session did not go on; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (unparsable == 1, "unparsable-frames is %" G_GUINT64_FORMAT, unparsable);
}
GST_END_TEST;

/* ------------------------------------------------------ floods and stalls */

/* Counts the audio bytes leaving a src pad (the element may merge frames
 * into fewer buffers, so bytes, not buffers). */
static GstPadProbeReturn
count_bytes (GstPad *, GstPadProbeInfo *info, gpointer data)
{
  g_atomic_int_add (static_cast<gint *> (data),
      (gint) gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)));
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (a_flooding_server_does_not_stall_a_healthy_neighbour_and_null_is_quick)
{
  /* Issue 20 item 2: a healthy neighbour got 2 messages in 15 s instead of
   * 469 while another session was flooded with 60 kB messages. */
  auto flood = attack_server ("flood", {"--flood-seconds", "30"});
  auto steady = attack_server ("steady", {"--lifetime", "40"});
  GstElement *flooded = live_pipeline (flood->endpoint (), "", "fakesink sync=false", "flooded");
  GstElement *neighbour = live_pipeline (steady->endpoint (), "", "fakesink sync=false", "neighbour");
  gint bytes = 0;
  GstElement *live = by_name (neighbour, "neighbour");
  GstPad *pad = gst_element_get_static_pad (live, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_bytes, &bytes, nullptr);
  gst_object_unref (pad);
  gst_object_unref (live);

  /* First the neighbour alone: what it gets without a flood. */
  gst_element_set_state (neighbour, GST_STATE_PLAYING);
  g_usleep (2 * G_USEC_PER_SEC);
  gint before = g_atomic_int_get (&bytes);
  g_usleep (3 * G_USEC_PER_SEC);
  gint alone = g_atomic_int_get (&bytes) - before;

  long rss_before = rss_kb ();
  gst_element_set_state (flooded, GST_STATE_PLAYING);
  g_usleep (3 * G_USEC_PER_SEC);  /* connected, the flood under way */
  gint at_start = g_atomic_int_get (&bytes);
  g_usleep (10 * G_USEC_PER_SEC);
  gint during = g_atomic_int_get (&bytes) - at_start;
  long rss_during = rss_kb ();

  double stop_s = seconds_to_stop (flooded);
  gst_object_unref (flooded);
  gst_element_set_state (neighbour, GST_STATE_NULL);
  gst_object_unref (neighbour);

  /* The steady server sends 20 ms of audio every 20 ms, 48 000 bytes a
   * second. A fifth of that is plenty on a loaded machine; a stalled
   * thread gives a handful of frames (issue 20: 2 in 15 s). */
  ck_assert_msg (alone >= 3 * 48000 / 5, "the neighbour got only %d bytes in 3 s without a flood",
      alone);
  ck_assert_msg (during >= 10 * 48000 / 5, "the neighbour got %d bytes in 10 s of flood (%d in "
      "3 s without it)", during, alone);
  ck_assert_msg (stop_s < STOP_BOUND_S, "NULL took %.1f s during the flood", stop_s);
  ck_assert_msg (rss_during - rss_before < 300 * 1024, "memory grew by %ld MB during the flood",
      (rss_during - rss_before) / 1024);
}
GST_END_TEST;

GST_START_TEST (a_ping_flood_from_a_server_that_never_reads_keeps_memory_bounded)
{
  /* Issue 20 item 3: a pong queued per ping reached 914 MB in 3 s. */
  auto server = attack_server ("ping-flood", {"--flood-seconds", "20"});
  GstElement *pipeline = live_pipeline (server->endpoint ());
  long rss_before = rss_kb ();
  BusLog log;
  long peak = peak_rss_while_playing (pipeline, log, 8);
  double stop_s = seconds_to_stop (pipeline);
  gst_object_unref (pipeline);
  ck_assert_msg (peak - rss_before < 200 * 1024, "memory grew by %ld MB in 8 s of pings",
      (peak - rss_before) / 1024);
  ck_assert_msg (stop_s < STOP_BOUND_S, "NULL took %.1f s", stop_s);
}
GST_END_TEST;

GST_START_TEST (a_server_that_stops_reading_cannot_grow_queued_input_without_bound)
{
  /* Issue 20 item 3: with a non-live source, queued audio reached 5 GB in
   * 30 s and resume-buffer did not apply. Past the cap input is dropped
   * with a warning, or the connection is treated as lost. input-pacing
   * would hold this source to real time (10 s of audio in 10 s, under the
   * cap): off, it floods as it did before pacing existed. */
  auto server = attack_server ("stop-reading");
  GstElement *pipeline = launch ("audiotestsrc is-live=false samplesperbuffer=1600 "
                                 "! audio/x-raw,format=S16LE,rate=16000,channels=1 "
                                 "! geminilive name=live input-pacing=off "
                                 "api-key=hostile-test-key endpoint="
      + server->endpoint () + " ! fakesink sync=false");
  long rss_before = rss_kb ();
  BusLog log;
  long peak = peak_rss_while_playing (pipeline, log, 10);
  double stop_s = seconds_to_stop (pipeline);
  gst_object_unref (pipeline);
  long rss_after = rss_kb ();
  ck_assert_msg (peak - rss_before < 300 * 1024, "memory grew by %ld MB in 10 s",
      (peak - rss_before) / 1024);
  ck_assert_msg (stop_s < STOP_BOUND_S, "NULL took %.1f s", stop_s);
  /* Memory is returned after NULL (glibc may keep some: generous). */
  ck_assert_msg (rss_after - rss_before < 150 * 1024, "%ld MB still held after NULL",
      (rss_after - rss_before) / 1024);
  ck_assert_msg (log.has (GST_MESSAGE_WARNING) || log.has (GST_MESSAGE_ERROR)
          || !log.element_messages ("geminilive/reconnecting").empty (),
      "input was neither dropped with a warning nor the connection treated as lost; bus:\n%s",
      log.dump ().c_str ());
}
GST_END_TEST;

GST_START_TEST (audio_far_ahead_of_playback_is_bounded_and_drops_are_said)
{
  /* Issue 20 item 4: 12 MB frames to a clock-synced sink took 1.17 GB in
   * 3 s. The attack sends 40 frames of 8 MiB PCM (175 s each). */
  auto server = attack_server ("audio-ahead", {"--count", "40"});
  const char *bound = g_getenv ("HOSTILE_MAX_QUEUED_AUDIO");  /* to see it fail: 3600000 */
  GstElement *pipeline = live_pipeline (server->endpoint (),
      std::string ("max-queued-audio=") + (bound ? bound : "60000"), "fakesink sync=true");
  long rss_before = rss_kb ();
  BusLog log;
  peak_rss_while_playing (pipeline, log, 8);
  /* By now every frame has arrived (440 MB on loopback takes 2-3 s): what
   * stays is what is queued ahead of playback. (The peak is not asserted:
   * each 11 MB frame is read, decoded and dropped, and glibc keeps such
   * freed blocks for a while.) */
  /* What is held, not what glibc keeps cached of freed frames (its mmap
   * threshold rises after the first 8 MB free, so later frames come from
   * the heap and stay resident: 134 MB and 321 MB were seen). */
  malloc_trim (0);
  long settled = rss_kb ();
  double stop_s = seconds_to_stop (pipeline);
  gst_object_unref (pipeline);
  /* 60 s of reply audio is 2.9 MB; without the bound 470 MB stay. */
  ck_assert_msg (settled - rss_before < 200 * 1024, "%ld MB held while playing",
      (settled - rss_before) / 1024);
  ck_assert_msg (stop_s < STOP_BOUND_S, "NULL took %.1f s", stop_s);
  ck_assert_msg (mentions_any (log.dump (), {"drop"}), "no bus message says audio was dropped:\n%s",
      log.dump ().c_str ());
}
GST_END_TEST;

/* ------------------------------------------------------ reconnect storms */

/* Issue 20 item 5: a connection that ends soon after it started counts as
 * a failed attempt, planned or not; once the attempts run out the element
 * gives one clear error. Before: 31 reconnects a second for ever (goAway),
 * 2.6 a second with no error (1011, drop). */
static void
check_storm (const char *mode)
{
  auto server = attack_server (mode, {"--lifetime", "120"});
  Outcome out;
  gint64 start = g_get_monotonic_time ();
  run_until_error (server->endpoint (),
      "reconnect-attempts=3 reconnect-initial-delay=200 reconnect-max-delay=1000", 60 * GST_SECOND,
      out);
  double seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  size_t connections = count_events (*server, "connection");
  ck_assert_msg (out.error_after_s >= 0, "%s: no error in 60 s after %" G_GSIZE_FORMAT
      " connections", mode, connections);
  /* The first connection and three attempts, with a little room. */
  ck_assert_msg (connections <= 6, "%s: %" G_GSIZE_FORMAT " connections in %.1f s", mode,
      connections, seconds);
  ck_assert_msg (is_clean_text (out.error), "%s: error text is not clean: %s", mode,
      out.error.c_str ());
}

GST_START_TEST (go_away_on_every_connection_ends_in_an_error_not_a_loop)
{
  check_storm ("goaway-every-connection");
}
GST_END_TEST;

GST_START_TEST (close_1011_on_every_connection_ends_in_an_error_not_a_loop)
{
  check_storm ("close-1011-every-connection");
}
GST_END_TEST;

GST_START_TEST (drop_on_every_connection_ends_in_an_error_not_a_loop)
{
  check_storm ("drop-every-connection");
}
GST_END_TEST;

/* ------------------------------------------------------ peer text, codes */

/* Runs `mode` (with reconnection off) and checks that the peer's reason
 * reached the error, holding `word`, as valid UTF-8 without controls. */
static void
check_reason_is_clean (const char *mode, const char *word, Outcome &out)
{
  auto server = attack_server (mode);
  run_until_error (server->endpoint (), "reconnect-attempts=0", 30 * GST_SECOND, out);
  ck_assert_msg (out.error_after_s >= 0, "%s: no error; bus:\n%s", mode, out.log.dump ().c_str ());
  ck_assert_msg (contains (out.error, word), "%s: the reason is missing: %s", mode,
      out.error.c_str ());
  ck_assert_msg (is_clean_text (out.error), "%s: escape or invalid UTF-8 in the error: %s", mode,
      out.error.c_str ());
}

GST_START_TEST (http_refusal_reason_reaches_the_error_as_clean_text)
{
  Outcome out;
  check_reason_is_clean ("http-refusal-bad-reason", "evil", out);
  ck_assert_msg (contains (out.error, "403"), "the status is missing: %s", out.error.c_str ());
  ck_assert_msg (is_clean_text (out.log.dump ()), "escape or invalid UTF-8 on the bus");
}
GST_END_TEST;

GST_START_TEST (close_reason_reaches_the_error_and_bus_as_clean_text)
{
  Outcome out;
  check_reason_is_clean ("close-bad-reason", "reason", out);
  for (const GstStructure *s : out.log.element_messages ("geminilive/session")) {
    const gchar *reason = gst_structure_get_string (s, "reason");
    ck_assert_msg (!reason || is_clean_text (reason), "unclean reason on the bus");
  }
}
GST_END_TEST;

GST_START_TEST (close_we_answer_never_carries_1005_1006_or_a_code_outside_1000_4999)
{
  for (int code : {1005, 1006, 999, 5000}) {
    auto server = attack_server ("close-code", {"--code", std::to_string (code)});
    Outcome out;
    run_until_error (server->endpoint (), "reconnect-attempts=0", 20 * GST_SECOND, out);
    ck_assert_msg (out.error_after_s >= 0, "close %d: no error; bus:\n%s", code,
        out.log.dump ().c_str ());
    /* Give the attack server a moment to record our close frame. */
    g_usleep (G_USEC_PER_SEC / 2);
    std::vector<JsonParser *> keep;
    for (JsonObject *close : recorded_events (*server, "close", keep)) {
      if (json_object_get_null_member (close, "code"))
        continue;  /* an empty close frame is allowed */
      gint64 answered = json_object_get_int_member (close, "code");
      ck_assert_msg (answered >= 1000 && answered <= 4999 && answered != 1005 && answered != 1006,
          "the server closed with %d and we answered %" G_GINT64_FORMAT, code, answered);
    }
    for (auto parser : keep)
      g_object_unref (parser);
  }
}
GST_END_TEST;

static Suite *
geminilive_hostile_transport_suite (void)
{
  Suite *s = suite_create ("geminilive-hostile-transport");
  TCase *tc = tcase_create ("hostile-transport");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, upgrade_never_answered_is_an_error_within_the_connect_timeout);
  tcase_add_test (tc, tls_never_finished_is_an_error_within_the_connect_timeout);
  tcase_add_test (tc, set_state_null_during_a_stalled_upgrade_is_quick);
  tcase_add_test (tc, a_failure_to_connect_is_an_error_even_when_the_input_already_ended);
  tcase_add_test (tc, setup_complete_that_never_comes_times_out_like_the_upgrade);
  tcase_add_test (tc, protocol_violation_right_after_the_upgrade_ends_the_session_naming_it);
  tcase_add_test (tc, protocol_violation_mid_session_ends_the_session_naming_it);
  tcase_add_test (tc, invalid_utf8_text_frame_is_a_counted_frame_and_the_session_goes_on);
  tcase_add_test (tc, a_flooding_server_does_not_stall_a_healthy_neighbour_and_null_is_quick);
  tcase_add_test (tc, a_ping_flood_from_a_server_that_never_reads_keeps_memory_bounded);
  tcase_add_test (tc, a_server_that_stops_reading_cannot_grow_queued_input_without_bound);
  tcase_add_test (tc, audio_far_ahead_of_playback_is_bounded_and_drops_are_said);
  tcase_add_test (tc, go_away_on_every_connection_ends_in_an_error_not_a_loop);
  tcase_add_test (tc, close_1011_on_every_connection_ends_in_an_error_not_a_loop);
  tcase_add_test (tc, drop_on_every_connection_ends_in_an_error_not_a_loop);
  tcase_add_test (tc, http_refusal_reason_reaches_the_error_as_clean_text);
  tcase_add_test (tc, close_reason_reaches_the_error_and_bus_as_clean_text);
  tcase_add_test (tc, close_we_answer_never_carries_1005_1006_or_a_code_outside_1000_4999);
  return s;
}

GST_CHECK_MAIN (geminilive_hostile_transport);
