/* gst-gemini-live element tests: the element against a server whose pongs
 * are as slow as the real service's (gemini-live-server --pong-delay-ms).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Clients that close the connection when a pong is late kill healthy
 * sessions (../shared/protocol.md, "Service behaviours"). This runs a
 * conversation in which 20 s of real-time silence precede the question, with
 * pongs held for 30 s, and checks the one connection carries it to the end.
 */
#include "element_test_util.h"

#include "local_server.h"

using namespace gemlive::test;

GST_START_TEST (slow_pongs_do_not_end_a_healthy_session)
{
  LocalServer server ({"--fast", "--pong-delay-ms", "30000"});
  /* identity sync=true paces the input at real time, so the connection
   * really lives 20 s before the question is asked. */
  GstElement *pipeline = launch (
      "concat name=c ! identity sync=true ! geminilive name=live endpoint=" + server.endpoint ()
      + " api-key=test-key ! fakesink "
      "audiotestsrc wave=silence samplesperbuffer=1600 num-buffers=200 ! "
      "audio/x-raw,format=S16LE,rate=16000,channels=1 ! c. "
      "filesrc location=" + test_data_path ("question-16k.wav") + " ! wavparse ! c.");
  BusLog log;
  ck_assert_int_ne (gst_element_set_state (pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  const gint64 started = g_get_monotonic_time ();
  bool answered = log.wait (pipeline, is_element_message ("geminilive/turn-complete"),
      90 * GST_SECOND);
  const gint64 lived_ms = (g_get_monotonic_time () - started) / 1000;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  ck_assert_msg (answered, "no turn-complete; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  ck_assert_msg (lived_ms >= 20000, "the question came after only %" G_GINT64_FORMAT " ms",
      lived_ms);
  /* One connection from start to answer: never dropped, never re-established. */
  int connected = 0;
  for (const GstStructure *s : log.element_messages ("geminilive/session")) {
    const char *state = gst_structure_get_string (s, "state");
    ck_assert_msg (g_strcmp0 (state, "connecting") == 0 || g_strcmp0 (state, "connected") == 0,
        "session went to '%s'; bus:\n%s", state, log.dump ().c_str ());
    connected += g_strcmp0 (state, "connected") == 0;
  }
  ck_assert_int_eq (connected, 1);
}
GST_END_TEST;

static Suite *
geminilive_slow_pong_suite (void)
{
  Suite *s = suite_create ("geminilive-slow-pong");
  TCase *tc = tcase_create ("slow-pong");
  tcase_set_timeout (tc, 150);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, slow_pongs_do_not_end_a_healthy_session);
  return s;
}

GST_CHECK_MAIN (geminilive_slow_pong);
