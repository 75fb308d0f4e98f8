/* gst-gemini-live element tests, resilience: goAway, drops, 1011, a server that
 * goes away and comes back, dead resumption handles. The pipeline must keep
 * running and say on the bus what happened.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

#include <gio/gio.h>

#include <functional>
#include <memory>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static bool
is_error (GstMessage *m)
{
  return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
}

static bool
is_session_state (GstMessage *m, const char *state)
{
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ELEMENT)
    return false;
  const GstStructure *s = gst_message_get_structure (m);
  return gst_structure_has_name (s, "geminilive/session")
      && g_strcmp0 (gst_structure_get_string (s, "state"), state) == 0;
}

static std::vector<const GstStructure *>
session_states (const BusLog &log, const char *state)
{
  std::vector<const GstStructure *> out;
  for (auto s : log.element_messages ("geminilive/session"))
    if (g_strcmp0 (gst_structure_get_string (s, "state"), state) == 0)
      out.push_back (s);
  return out;
}

static std::string
field (const GstStructure *s, const char *name)
{
  const char *value = gst_structure_get_string (s, name);
  return value ? value : "";
}

static bool
flag (const GstStructure *s, const char *name)
{
  gboolean value = FALSE;
  gst_structure_get_boolean (s, name, &value);
  return value;
}

/* setup.sessionResumption.handle of every recorded setup ("" when absent). */
static std::vector<std::string>
setup_handles (const std::vector<std::string> &frames)
{
  std::vector<std::string> out;
  for (const auto &frame : frames) {
    JsonParser *parser = json_parser_new ();
    if (json_parser_load_from_data (parser, frame.c_str (), -1, nullptr)) {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      if (root && json_object_has_member (root, "setup")) {
        JsonObject *setup = json_object_get_object_member (root, "setup");
        std::string handle;
        if (json_object_has_member (setup, "sessionResumption")) {
          JsonObject *r = json_object_get_object_member (setup, "sessionResumption");
          if (json_object_has_member (r, "handle"))
            handle = json_object_get_string_member (r, "handle");
        }
        out.push_back (handle);
      }
    }
    g_object_unref (parser);
  }
  return out;
}

static void
assert_frames_conform (const LocalServer &server)
{
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, server.recorded_frames (), report),
      "client frames do not validate: %s", report.c_str ());
}

/* question-16k.wav through geminilive until EOS and `also` are both seen,
 * or an error. Returns the resumption-handle property read at the end. */
template <typename Pred>
static std::string
run_conversation (const std::string &endpoint, const std::string &properties, BusLog &log,
    Pred also)
{
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live endpoint=" + endpoint + " api-key=k "
      + properties + " ! fakesink sync=false");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool eos = false, other = false;
  bool ended = log.wait (pipeline, [&] (GstMessage *m) {
        eos = eos || is_eos (m);
        other = other || also (m);
        return (eos && other) || is_error (m);
      }, TIMEOUT, false);
  GstElement *live = by_name (pipeline, "live");
  gchar *handle = nullptr;
  g_object_get (live, "resumption-handle", &handle, nullptr);
  std::string out = handle ? handle : "";
  g_free (handle);
  gst_object_unref (live);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  ck_assert_msg (ended, "the conversation did not end; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.first_error ().empty (), "error: %s\nbus:\n%s", log.first_error ().c_str (),
      log.dump ().c_str ());
  return out;
}

static size_t
index_of (const BusLog &log, const std::function<bool (GstMessage *)> &pred)
{
  for (size_t i = 0; i < log.messages.size (); i++)
    if (pred (log.messages[i]))
      return i;
  return log.messages.size ();
}

GST_START_TEST (go_away_mid_reply_resumes_after_the_reply_without_an_error)
{
  /* goAway at half of the reply; the server closes with 1011 1.5 s later. */
  std::string scenario = write_scenario (std::string (R"({"turns": [{"reply": )")
      + R"("The capital of France is Paris. It lies on the Seine.", )"
      + R"("fault": {"kind": "go_away", "time_left_ms": 1500, "mid_reply": true}}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  BusLog log;
  std::string handle = run_conversation (server.endpoint (), "", log,
      [] (GstMessage *m) { return is_session_state (m, "resumed"); });

  auto reconnecting = session_states (log, "reconnecting");
  ck_assert_int_eq (reconnecting.size (), 1);
  ck_assert_msg (flag (reconnecting[0], "planned"), "a goAway resumption is not a failure");
  ck_assert_msg (contains (field (reconnecting[0], "reason"), "goAway"), "reason: %s",
      field (reconnecting[0], "reason").c_str ());
  auto resumed = session_states (log, "resumed");
  ck_assert_msg (flag (resumed[0], "context-kept"), "not resumed with the handle");
  /* After the reply in progress, not in the middle of it. */
  size_t turn_complete = index_of (log, is_element_message ("geminilive/turn-complete"));
  size_t resumption = index_of (log, [] (GstMessage *m) {
        return is_session_state (m, "reconnecting"); });
  ck_assert_msg (turn_complete < resumption, "resumed before the reply finished; bus:\n%s",
      log.dump ().c_str ());
  ck_assert_msg (session_states (log, "closed").empty () || contains (log.dump (), "EOS"),
      "the session was reported closed mid-conversation");

  auto handles = setup_handles (server.recorded_frames ());
  ck_assert_int_eq (handles.size (), 2);
  ck_assert_str_eq (handles[0].c_str (), "");
  ck_assert_msg (g_str_has_prefix (handles[1].c_str (), "local-"), "resumed with '%s'",
      handles[1].c_str ());
  ck_assert_msg (g_str_has_prefix (handle.c_str (), "local-"),
      "resumption-handle reads '%s'", handle.c_str ());
  assert_frames_conform (server);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (go_away_during_a_long_reply_resumes_before_time_runs_out)
{
  /* Real-time pacing: the reply lasts seconds, longer than timeLeft, so the
   * element's timer (not the end of the reply) must trigger the resumption. */
  std::string scenario = write_scenario (std::string (R"({"turns": [{"reply": )")
      + R"("This answer is long on purpose. It goes on and on, sentence after sentence, )"
      + R"(so that the connection's time runs out while the model is still talking )"
      + R"(about the river Seine and its bridges.", )"
      + R"("fault": {"kind": "go_away", "time_left_ms": 1200, "mid_reply": true}}]})");
  LocalServer server ({"--realtime", "--scenario", scenario});
  BusLog log;
  run_conversation (server.endpoint (), "drain-timeout=3000", log,
      [] (GstMessage *m) { return is_session_state (m, "resumed"); });
  auto reconnecting = session_states (log, "reconnecting");
  ck_assert_int_eq (reconnecting.size (), 1);
  ck_assert_msg (contains (field (reconnecting[0], "reason"), "time running out"),
      "reason: %s", field (reconnecting[0], "reason").c_str ());
  ck_assert_msg (!contains (log.dump (), "1011"), "the server's 1011 deadline was reached:\n%s",
      log.dump ().c_str ());
  ck_assert_msg (flag (session_states (log, "resumed")[0], "context-kept"), "context lost");
  assert_frames_conform (server);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

/* A fault mid-reply: the element reconnects after a backoff and resumes. The
 * lost reply never completes, so the drain timeout ends the stream. */
static void
check_unexpected_close_is_resumed (const char *fault, const char *code)
{
  std::string scenario = write_scenario (std::string (R"({"turns": [{"fault": )") + fault
      + "}]}");
  LocalServer server ({"--fast", "--scenario", scenario});
  BusLog log;
  run_conversation (server.endpoint (), "drain-timeout=2000 reconnect-initial-delay=100", log,
      [] (GstMessage *m) { return is_session_state (m, "resumed"); });
  auto reconnecting = session_states (log, "reconnecting");
  ck_assert_int_ge (reconnecting.size (), 1);
  ck_assert_msg (!flag (reconnecting[0], "planned"), "an unexpected close reported as planned");
  ck_assert_msg (contains (field (reconnecting[0], "reason"), code), "reason: %s",
      field (reconnecting[0], "reason").c_str ());
  guint attempt = 0;
  ck_assert (gst_structure_get_uint (reconnecting[0], "attempt", &attempt));
  ck_assert_int_eq (attempt, 1);
  ck_assert_msg (flag (session_states (log, "resumed")[0], "context-kept"), "context lost");
  auto handles = setup_handles (server.recorded_frames ());
  ck_assert_int_ge (handles.size (), 2);
  ck_assert_msg (!handles[1].empty (), "the reconnection did not resume with a handle");
  assert_frames_conform (server);
  g_unlink (scenario.c_str ());
}

GST_START_TEST (close_1011_mid_reply_reconnects_and_resumes)
{
  check_unexpected_close_is_resumed (R"({"kind": "close", "mid_reply": true, )"
      R"("close": {"code": 1011, "reason": "Internal error occurred."}})", "close 1011");
}
GST_END_TEST;

GST_START_TEST (tcp_drop_mid_reply_reconnects_and_resumes)
{
  check_unexpected_close_is_resumed (R"({"kind": "drop_tcp", "mid_reply": true})", "1006");
}
GST_END_TEST;

GST_START_TEST (unknown_handle_falls_back_to_a_fresh_session_once_and_says_so)
{
  LocalServer server ({"--fast"});
  BusLog log;
  std::string handle = run_conversation (server.endpoint (),
      "resumption-handle=expired-handle-123", log, [] (GstMessage *m) {
        return is_element_message ("geminilive/turn-complete") (m); });
  auto reconnecting = session_states (log, "reconnecting");
  ck_assert_int_eq (reconnecting.size (), 1);
  ck_assert_msg (contains (field (reconnecting[0], "reason"), "session not found"),
      "reason: %s", field (reconnecting[0], "reason").c_str ());
  ck_assert_msg (log.has (GST_MESSAGE_WARNING), "no warning that the context is lost");
  auto resumed = session_states (log, "resumed");
  ck_assert_int_eq (resumed.size (), 1);
  ck_assert_msg (!flag (resumed[0], "context-kept"), "a refused handle cannot keep context");
  auto handles = setup_handles (server.recorded_frames ());
  ck_assert_int_eq (handles.size (), 2);
  ck_assert_str_eq (handles[0].c_str (), "expired-handle-123");
  ck_assert_str_eq (handles[1].c_str (), "");
  ck_assert_msg (handle != "expired-handle-123" && !handle.empty (),
      "resumption-handle still reads '%s'", handle.c_str ());

  /* The newest handle resumes the conversation in a new pipeline. */
  BusLog again;
  run_conversation (server.endpoint (), "resumption-handle=" + handle, again,
      [] (GstMessage *m) { return is_element_message ("geminilive/turn-complete") (m); });
  ck_assert_msg (session_states (again, "reconnecting").empty (),
      "a valid handle was refused; bus:\n%s", again.dump ().c_str ());
  assert_frames_conform (server);
}
GST_END_TEST;

GST_START_TEST (server_down_for_seconds_then_back_keeps_the_pipeline_and_the_input)
{
  const std::string port = std::to_string (unused_loopback_port ());
  auto server = std::make_unique<LocalServer> (std::vector<std::string> {"--fast", "--port",
      port});
  const std::string endpoint = server->endpoint ();
  GstElement *pipeline = launch ("audiotestsrc is-live=true wave=silence samplesperbuffer=320 "
      "! audio/x-raw,format=S16LE,rate=16000,channels=1 ! geminilive endpoint=" + endpoint
      + " api-key=k reconnect-attempts=40 reconnect-initial-delay=100 reconnect-max-delay=500 "
      "! fakesink sync=false");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  BusLog log;
  ck_assert_msg (log.wait (pipeline, [] (GstMessage *m) { return is_session_state (m,
              "connected"); }, TIMEOUT), "no session; bus:\n%s", log.dump ().c_str ());
  g_usleep (500 * 1000);  /* the server issues a handle right after setup */

  server.reset ();  /* killed: the connection drops (1006), later dials are refused */
  ck_assert_msg (log.wait (pipeline, [] (GstMessage *m) { return is_session_state (m,
              "reconnecting"); }, TIMEOUT), "no reconnection; bus:\n%s", log.dump ().c_str ());
  g_usleep (3 * G_USEC_PER_SEC);
  server = std::make_unique<LocalServer> (std::vector<std::string> {"--fast", "--port", port});
  ck_assert_str_eq (server->endpoint ().c_str (), endpoint.c_str ());

  /* The new process does not know the handle: one fresh session, no loop. */
  ck_assert_msg (log.wait (pipeline, [] (GstMessage *m) { return is_session_state (m,
              "resumed"); }, TIMEOUT), "not resumed; bus:\n%s", log.dump ().c_str ());
  g_usleep (G_USEC_PER_SEC);
  log.wait (pipeline, [] (GstMessage *) { return false; }, 200 * GST_MSECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  auto reconnecting = session_states (log, "reconnecting");
  ck_assert_msg (reconnecting.size () >= 3, "expected retries while the server was down; "
      "bus:\n%s", log.dump ().c_str ());
  guint last_attempt = 0;
  gst_structure_get_uint (reconnecting[reconnecting.size () - 2], "attempt", &last_attempt);
  ck_assert_msg (last_attempt >= 2, "no backoff retries");
  ck_assert_msg (contains (field (reconnecting.back (), "reason"), "session not found"),
      "the last reconnection is not the fresh-session fallback: %s",
      field (reconnecting.back (), "reason").c_str ());
  auto resumed = session_states (log, "resumed");
  ck_assert_int_eq (resumed.size (), 1);
  ck_assert (!flag (resumed[0], "context-kept"));

  /* Input of the seconds without a server was kept and sent after setup:
   * far more audio than the one second that passed since. */
  gsize bytes = 0;
  for (const auto &chunk : recorded_audio_chunks (server->recorded_frames ()))
    bytes += chunk.second;
  ck_assert_msg (bytes >= 16000 * 2 * 5 / 2, "only %" G_GSIZE_FORMAT " bytes of audio reached "
      "the server after it came back", bytes);
  assert_frames_conform (*server);
}
GST_END_TEST;

GST_START_TEST (non_retryable_close_fails_at_once)
{
  LocalServer server ({"--fast"});
  BusLog log;
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive endpoint=" + server.endpoint ()
      + " api-key=k model=gemini-0.1-retired-live ! fakesink sync=false");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  log.wait (pipeline, is_error, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  ck_assert_msg (contains (log.first_error (), "close 1008"), "error: %s",
      log.first_error ().c_str ());
  ck_assert_msg (session_states (log, "reconnecting").empty (), "a bad model was retried");
}
GST_END_TEST;

GST_START_TEST (bad_compression_settings_fail_at_start_with_a_clear_error)
{
  GstElement *pipeline = launch ("audiotestsrc is-live=true ! audio/x-raw,format=S16LE,"
      "rate=16000,channels=1 ! geminilive endpoint=ws://127.0.0.1:9 api-key=k "
      "compression-trigger-tokens=1000 compression-target-tokens=2000 ! fakesink");
  ck_assert_int_eq (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  BusLog log;
  log.wait (pipeline, is_error, 10 * GST_SECOND);
  ck_assert_msg (contains (log.first_error (), "compression-target-tokens"), "error: %s",
      log.first_error ().c_str ());
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (compression_settings_reach_the_setup_message)
{
  LocalServer server ({"--fast"});
  BusLog log;
  run_conversation (server.endpoint (), "compression-trigger-tokens=20000 "
      "compression-target-tokens=10000", log, [] (GstMessage *) { return true; });
  auto frames = server.recorded_frames ();
  ck_assert (!frames.empty ());
  ck_assert_msg (contains (frames[0], R"("contextWindowCompression":{"triggerTokens":"20000",)"
          R"("slidingWindow":{"targetTokens":"10000"}})"), "setup: %s", frames[0].c_str ());
  assert_frames_conform (server);
}
GST_END_TEST;

static Suite *
geminilive_resilience_suite (void)
{
  Suite *s = suite_create ("geminilive-resilience");
  TCase *tc = tcase_create ("resilience");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, go_away_mid_reply_resumes_after_the_reply_without_an_error);
  tcase_add_test (tc, go_away_during_a_long_reply_resumes_before_time_runs_out);
  tcase_add_test (tc, close_1011_mid_reply_reconnects_and_resumes);
  tcase_add_test (tc, tcp_drop_mid_reply_reconnects_and_resumes);
  tcase_add_test (tc, unknown_handle_falls_back_to_a_fresh_session_once_and_says_so);
  tcase_add_test (tc, server_down_for_seconds_then_back_keeps_the_pipeline_and_the_input);
  tcase_add_test (tc, non_retryable_close_fails_at_once);
  tcase_add_test (tc, bad_compression_settings_fail_at_start_with_a_clear_error);
  tcase_add_test (tc, compression_settings_reach_the_setup_message);
  return s;
}

GST_CHECK_MAIN (geminilive_resilience);
