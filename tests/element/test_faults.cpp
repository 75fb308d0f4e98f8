/* gst-gemini-live element tests: rejected sessions, unreachable servers and
 * faults mid-session become specific errors; bad frames are tolerated.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "local_server.h"

#include <gio/gio.h>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static bool
is_error (GstMessage *m)
{
  return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
}

/* Runs question-16k.wav through geminilive until EOS or an error. */
static void
run_conversation (const std::string &endpoint, const std::string &properties, BusLog &log,
    guint64 *unparsable = nullptr)
{
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live endpoint=" + endpoint + " " + properties
      + " ! fakesink sync=false");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ended = log.wait (pipeline, [] (GstMessage *m) { return is_eos (m) || is_error (m); },
      TIMEOUT, false);
  if (unparsable) {
    GstElement *live = by_name (pipeline, "live");
    g_object_get (live, "unparsable-frames", unparsable, nullptr);
    gst_object_unref (live);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  ck_assert_msg (ended, "neither EOS nor an error; bus:\n%s", log.dump ().c_str ());
}

GST_START_TEST (rejected_key_error_carries_the_server_reason_not_the_key)
{
  const std::string key = "AIzaRejectedKey-7f3c9d";
  LocalServer server ({"--fast", "--reject-key", key});
  BusLog log;
  run_conversation (server.endpoint (), "api-key=" + key, log);
  GQuark domain;
  gint code;
  std::string error = log.first_error (&domain, &code);
  ck_assert_msg (!error.empty (), "no error; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (contains (error, "close 1007: API key not valid. Please pass a valid API key."),
      "the server's reason is missing: %s", error.c_str ());
  ck_assert_msg (contains (error, "api-key"), "the error does not say what to fix: %s",
      error.c_str ());
  ck_assert (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_NOT_AUTHORIZED);
  ck_assert_msg (!contains (log.dump (), key), "the key leaked onto the bus");
  ck_assert_msg (!contains (error, key), "the key leaked into the error");
}
GST_END_TEST;

GST_START_TEST (unknown_model_error_carries_close_1008_and_the_model)
{
  LocalServer server ({"--fast"});
  BusLog log;
  run_conversation (server.endpoint (), "api-key=k model=gemini-0.1-retired-live", log);
  GQuark domain;
  gint code;
  std::string error = log.first_error (&domain, &code);
  ck_assert_msg (contains (error, "close 1008"), "no close code: %s", error.c_str ());
  ck_assert_msg (contains (error, "gemini-0.1-retired-live"), "model not named: %s",
      error.c_str ());
  ck_assert (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_SETTINGS);
}
GST_END_TEST;

GST_START_TEST (unreachable_endpoint_error_names_host_and_port_quickly)
{
  int port = unused_loopback_port ();
  BusLog log;
  gint64 start = g_get_monotonic_time ();
  run_conversation ("ws://127.0.0.1:" + std::to_string (port), "api-key=k", log);
  GQuark domain;
  gint code;
  std::string error = log.first_error (&domain, &code);
  ck_assert_msg (contains (error, "127.0.0.1:" + std::to_string (port)),
      "host:port not named: %s", error.c_str ());
  ck_assert (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_OPEN_READ_WRITE);
  ck_assert_msg (g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC, "took too long");
}
GST_END_TEST;

GST_START_TEST (missing_api_key_fails_before_connecting)
{
  /* meson test sets GEMINI_API_KEY and GOOGLE_API_KEY to "". */
  g_setenv ("GEMINI_API_KEY", "", TRUE);
  g_setenv ("GOOGLE_API_KEY", "", TRUE);
  GstElement *pipeline = launch ("audiotestsrc is-live=true ! audio/x-raw,format=S16LE,"
      "rate=16000,channels=1 ! geminilive endpoint=ws://127.0.0.1:9 ! fakesink");
  ck_assert_int_eq (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  BusLog log;
  log.wait (pipeline, is_error, 10 * GST_SECOND);
  std::string error = log.first_error ();
  ck_assert_msg (contains (error, "api-key") && contains (error, "GEMINI_API_KEY"),
      "error does not say how to give a key: %s", error.c_str ());
  ck_assert_msg (log.element_messages ("geminilive/session").empty (), "it tried to connect");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (malformed_server_frame_is_counted_and_the_session_goes_on)
{
  std::string scenario = write_scenario (
      R"({"turns": [{"fault": {"kind": "malformed_frame"}}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  BusLog log;
  guint64 unparsable = 0;
  run_conversation (server.endpoint (), "api-key=k", log, &unparsable);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  ck_assert_msg (log.has (GST_MESSAGE_EOS), "the conversation did not finish");
  ck_assert_msg (!log.element_messages ("geminilive/turn-complete").empty (),
      "no reply after the malformed frame");
  ck_assert_msg (unparsable >= 1, "unparsable-frames is %" G_GUINT64_FORMAT, unparsable);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (unknown_server_message_is_counted_and_the_session_goes_on)
{
  std::string scenario = write_scenario (
      R"({"turns": [{"fault": {"kind": "unknown_message"}}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  BusLog log;
  guint64 unparsable = 0;
  run_conversation (server.endpoint (), "api-key=k", log, &unparsable);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  ck_assert_msg (!log.element_messages ("geminilive/turn-complete").empty (),
      "no reply after the unknown message");
  ck_assert_msg (unparsable >= 1, "unparsable-frames is %" G_GUINT64_FORMAT, unparsable);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (tcp_drop_mid_session_is_an_error_naming_close_1006)
{
  std::string scenario = write_scenario (
      R"({"turns": [{"fault": {"kind": "drop_tcp", "mid_reply": true}}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  BusLog log;
  /* With reconnection off; test_resilience.cpp covers it on. */
  run_conversation (server.endpoint (), "api-key=k reconnect-attempts=0", log);
  GQuark domain;
  gint code;
  std::string error = log.first_error (&domain, &code);
  ck_assert_msg (contains (error, "1006"), "close code not named: %s", error.c_str ());
  ck_assert (domain == GST_STREAM_ERROR && code == GST_STREAM_ERROR_FAILED);
  auto sessions = log.element_messages ("geminilive/session");
  ck_assert_str_eq (gst_structure_get_string (sessions.back (), "state"), "closed");
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (server_close_mid_session_is_an_error_with_code_and_reason)
{
  std::string scenario = write_scenario (R"({"turns": [{"fault": {"kind": "close",
      "mid_reply": true, "close": {"code": 1011, "reason": "Internal error occurred."}}}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  BusLog log;
  /* With reconnection off; test_resilience.cpp covers it on. */
  run_conversation (server.endpoint (), "api-key=k reconnect-attempts=0", log);
  std::string error = log.first_error ();
  ck_assert_msg (contains (error, "close 1011: Internal error occurred."),
      "close code/reason not named: %s", error.c_str ());
  auto sessions = log.element_messages ("geminilive/session");
  gint close_code = 0;
  ck_assert (gst_structure_get_int (sessions.back (), "close-code", &close_code));
  ck_assert_int_eq (close_code, 1011);
  ck_assert_str_eq (gst_structure_get_string (sessions.back (), "reason"),
      "Internal error occurred.");
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_faults_suite (void)
{
  Suite *s = suite_create ("geminilive-faults");
  TCase *tc = tcase_create ("faults");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, rejected_key_error_carries_the_server_reason_not_the_key);
  tcase_add_test (tc, unknown_model_error_carries_close_1008_and_the_model);
  tcase_add_test (tc, unreachable_endpoint_error_names_host_and_port_quickly);
  tcase_add_test (tc, missing_api_key_fails_before_connecting);
  tcase_add_test (tc, malformed_server_frame_is_counted_and_the_session_goes_on);
  tcase_add_test (tc, unknown_server_message_is_counted_and_the_session_goes_on);
  tcase_add_test (tc, tcp_drop_mid_session_is_an_error_naming_close_1006);
  tcase_add_test (tc, server_close_mid_session_is_an_error_with_code_and_reason);
  return s;
}

GST_CHECK_MAIN (geminilive_faults);
