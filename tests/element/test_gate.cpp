/* gst-gemini-live element tests: every input frame passes the tool gate, and
 * nothing posts or emits while holding a lock.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The microphone is an appsrc the test feeds; turns are marked by hand
 * (push-to-talk). The server runs with --strict-tool-audio: audio arriving
 * during an unanswered blocking call closes the session with 1008.
 */
#include "element_test_util.h"

#include "local_server.h"

#include <gst/app/gstappsrc.h>

#include <atomic>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static const char *const TOOLS = R"([{"functionDeclarations": [
  {"name": "get_weather", "description": "Weather in a city",
   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]}])";

static const char *const SCENARIO = R"({"turns": [{"tool_calls": [{"id": "call-w",
    "name": "get_weather", "args": {"city": "Paris"}}],
    "reply_after_tool": "It is sunny in Paris."}, {"reply": "You are welcome."}]})";


struct PushToTalk {
  std::string scenario_path;
  LocalServer *server;
  GstElement *pipeline, *live, *mic;
  BusLog log;
  std::atomic<int> calls {0};

  explicit PushToTalk (bool strict)
  {
    scenario_path = write_scenario (SCENARIO);
    std::vector<std::string> args = {"--fast", "--scenario", scenario_path};
    if (strict)
      args.push_back ("--strict-tool-audio");
    server = new LocalServer (args);
    pipeline = launch ("appsrc name=mic format=time "
        "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
        "geminilive name=live automatic-activity-detection=false tool-timeout=0 "
        /* get_weather is undeclared: it blocks on 2.5 (not on gemini-3.8-live). */
        "model=gemini-2.5-flash-native-audio-preview-12-2025 "
        /* first_turn's signals act at once; paced, the burst pushed before
         * them would still be on its way (docs/element.md, steady input). */
        "input-pacing=off "
        "api-key=test-key endpoint=" + server->endpoint () + " ! fakesink sync=false");
    live = by_name (pipeline, "live");
    mic = by_name (pipeline, "mic");
    g_object_set (live, "tools", TOOLS, nullptr);
    g_signal_connect (live, "tool-call", G_CALLBACK (+[] (GstElement *, const gchar *,
        const gchar *, const gchar *, gpointer data) {
          static_cast<PushToTalk *> (data)->calls++;
        }), this);
  }
  ~PushToTalk ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (mic);
    gst_object_unref (live);
    gst_object_unref (pipeline);
    delete server;
    g_unlink (scenario_path.c_str ());
  }
  bool signal (const char *name)
  {
    gboolean ok = FALSE;
    g_signal_emit_by_name (live, name, &ok);
    return ok;
  }
  void push (guint ms)
  {
    ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), pcm_16k (ms, true)), GST_FLOW_OK);
  }
  /* A push-to-talk boundary in the audio stream, in order with the buffers. */
  void mark (bool start)
  {
    gst_element_send_event (mic, gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
            gst_structure_new_empty (start ? "geminilive/activity-start"
                                           : "geminilive/activity-end")));
  }
  /* The first turn, by signals once its audio is on the wire. */
  void first_turn ()
  {
    ck_assert (signal ("activity-start"));
    push (400);
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (wire_order () != "Sa" && g_get_monotonic_time () < deadline)
      g_usleep (10000);
    ck_assert (signal ("activity-end"));
  }
  bool wait_calls (int n)
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (calls < n && g_get_monotonic_time () < deadline)
      g_usleep (10000);
    return calls >= n;
  }
  bool answer ()
  {
    gboolean ok = FALSE;
    g_signal_emit_by_name (live, "send-tool-response", "call-w", nullptr,
        R"({"sky": "sunny"})", nullptr, &ok);
    return ok;
  }
  /* Polls the server's record (written as frames arrive: this only waits
   * for delivery) until its order starts with `prefix`. */
  bool wait_order (const std::string &prefix)
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (wire_order ().compare (0, prefix.size (), prefix) != 0
        && g_get_monotonic_time () < deadline)
      g_usleep (20000);
    return wire_order ().compare (0, prefix.size (), prefix) == 0;
  }
  /* The client frames the server recorded, as "S" activityStart, "a" a run
   * of audio, "E" activityEnd, "R" toolResponse. */
  std::string wire_order ()
  {
    std::string order;
    for (const auto &frame : server->recorded_frames ()) {
      if (contains (frame, "\"activityStart\""))
        order += "S";
      else if (contains (frame, "\"activityEnd\""))
        order += "E";
      else if (contains (frame, "\"toolResponse\""))
        order += "R";
      else if (contains (frame, "\"audio\"") && (order.empty () || order.back () != 'a'))
        order += "a";
    }
    return order;
  }
};

static bool
nth_turn_complete (BusLog &log, GstElement *pipeline, size_t n)
{
  if (log.element_messages ("geminilive/turn-complete").size () >= n)
    return true;
  return log.wait (pipeline, [&] (GstMessage *) {
    return log.element_messages ("geminilive/turn-complete").size () >= n;
  }, TIMEOUT);
}

GST_START_TEST (push_to_talk_during_a_blocking_tool_call_holds_the_audio)
{
  PushToTalk c (true);
  gst_element_set_state (c.pipeline, GST_STATE_PLAYING);
  c.first_turn ();
  ck_assert_msg (c.wait_calls (1), "no tool-call; bus:\n%s", c.log.dump ().c_str ());
  /* Past the strict server's grace for audio already in flight. */
  g_usleep (1200 * G_TIME_SPAN_MILLISECOND);

  /* A whole push-to-talk turn while the call is unanswered; 410 ms leaves
   * 10 ms in the chunker, which activity-end sends. */
  c.mark (true);
  c.push (410);
  c.mark (false);
  g_usleep (G_USEC_PER_SEC);  /* give a leak the chance to reach the server */
  ck_assert_msg (c.wire_order () == "SaE", "input passed the gate during the call: %s",
      c.wire_order ().c_str ());
  ck_assert_msg (c.log.first_error ().empty (), "error: %s", c.log.first_error ().c_str ());

  ck_assert (c.answer ());
  /* The held turn follows the answer, whole and in order. */
  ck_assert_msg (c.wait_order ("SaERSaE"), "wire order after the answer: %s",
      c.wire_order ().c_str ());
  ck_assert_msg (nth_turn_complete (c.log, c.pipeline, 1), "no reply after the toolResponse");
  ck_assert_msg (c.log.first_error ().empty (), "error: %s", c.log.first_error ().c_str ());
}
GST_END_TEST;

struct SyncHandler {
  GstElement *live;
  std::atomic<bool> called {false};
  std::atomic<bool> returned {false};
};

static GstBusSyncReply
call_activity_end_on_warning (GstBus *, GstMessage *message, gpointer data)
{
  auto handler = static_cast<SyncHandler *> (data);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING && !handler->called.exchange (true)) {
    /* On the thread that posted it, maybe the streaming thread. */
    gboolean ok = FALSE;
    g_signal_emit_by_name (handler->live, "activity-end", &ok);
    handler->returned = true;
  }
  return GST_BUS_PASS;
}

GST_START_TEST (a_synchronous_bus_handler_may_call_activity_end)
{
  PushToTalk c (false);
  SyncHandler handler;
  handler.live = c.live;
  GstBus *bus = gst_element_get_bus (c.pipeline);
  gst_bus_set_sync_handler (bus, call_activity_end_on_warning, &handler, nullptr);
  gst_object_unref (bus);
  gst_element_set_state (c.pipeline, GST_STATE_PLAYING);
  c.first_turn ();
  ck_assert_msg (c.wait_calls (1), "no tool-call");

  /* More held audio than the gate keeps: the oldest is dropped with a
   * warning, posted from the streaming thread pushing it, whose handler
   * then ends the turn. */
  for (int i = 0; i < 12; i++)
    c.push (1000);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!handler.returned && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  ck_assert_msg (handler.called, "no warning about dropped held audio");
  ck_assert_msg (handler.returned, "activity-end from a synchronous bus handler never returned "
      "(a lock was held while the warning was posted)");
  ck_assert (c.answer ());
  /* The audio held during the call, then the handler's activity-end,
   * follow the answer. */
  ck_assert_msg (c.wait_order ("SaERaE"), "wire order after the answer: %s",
      c.wire_order ().c_str ());
  ck_assert_msg (c.log.first_error ().empty (), "error: %s", c.log.first_error ().c_str ());
}
GST_END_TEST;

static Suite *
geminilive_gate_suite (void)
{
  Suite *s = suite_create ("geminilive-gate");
  TCase *tc = tcase_create ("gate");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, push_to_talk_during_a_blocking_tool_call_holds_the_audio);
  tcase_add_test (tc, a_synchronous_bus_handler_may_call_activity_end);
  return s;
}

GST_CHECK_MAIN (geminilive_gate);
