/* gst-gemini-live element tests: nothing application-facing runs on the
 * network thread, which every session of the process shares.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "local_server.h"

#include <pthread.h>

#include <atomic>
#include <functional>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

struct SlowHandler {
  std::atomic<int> asked {0};
  std::atomic<gint64> sleep_start {0};
  std::atomic<gint64> sleep_end {0};
  char thread_name[32] = "";
};

/* Before every connection; before the resume it takes 2 s. */
static void
slow_need_app_check_token (GstElement *element, gpointer data)
{
  auto handler = static_cast<SlowHandler *> (data);
  g_object_set (element, "app-check-token", "fresh-app-check-token", nullptr);
  if (++handler->asked < 2)
    return;
  pthread_getname_np (pthread_self (), handler->thread_name, sizeof (handler->thread_name));
  handler->sleep_start = g_get_monotonic_time ();
  g_usleep (2 * G_USEC_PER_SEC);
  handler->sleep_end = g_get_monotonic_time ();
}

struct Arrivals {
  std::mutex lock;
  std::vector<gint64> times;
  static GstPadProbeReturn probe (GstPad *, GstPadProbeInfo *, gpointer data)
  {
    auto self = static_cast<Arrivals *> (data);
    std::lock_guard<std::mutex> guard (self->lock);
    self->times.push_back (g_get_monotonic_time ());
    return GST_PAD_PROBE_OK;
  }
  size_t count ()
  {
    std::lock_guard<std::mutex> guard (lock);
    return times.size ();
  }
  /* The longest time without a buffer between from and to (µs). */
  gint64 longest_silence (gint64 from, gint64 to)
  {
    std::lock_guard<std::mutex> guard (lock);
    gint64 previous = from, longest = 0;
    for (gint64 t : times) {
      if (t < from)
        continue;
      if (t > to)
        t = to;
      longest = MAX (longest, t - previous);
      previous = t;
      if (t == to)
        break;
    }
    return MAX (longest, to - previous);
  }
};

static bool
wait_until (const std::function<bool ()> &done, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  while (!done () && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  return done ();
}

GST_START_TEST (a_slow_need_app_check_token_handler_does_not_delay_another_session)
{
  /* One network thread for both sessions, as on a one-core machine. */
  g_setenv ("GEMINILIVE_NETWORK_THREADS", "1", TRUE);
  /* B: a long reply paced at real time. */
  std::string long_reply = write_scenario (R"({"turns": [{"reply": "The river Seine flows )"
      R"(through Paris on its way to the sea. Its banks are lined with old bridges, book )"
      R"(stalls, museums and gardens, and boats carry visitors past the cathedral and the )"
      R"(tower at every hour of the day."}]})");
  LocalServer paced ({"--scenario", long_reply});
  /* A: goAway in the middle of its reply, so it resumes (and asks again). */
  std::string go_away = write_scenario (R"({"turns": [{"reply": "The capital of France is )"
      R"(Paris.", "fault": {"kind": "go_away", "time_left_ms": 1500, "mid_reply": true}}]})");
  LocalServer resuming ({"--fast", "--scenario", go_away});

  std::string question = "filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! ";
  GstElement *b = launch (question + "geminilive name=live api-key=k endpoint="
      + paced.endpoint () + " ! fakesink sync=false");
  GstElement *a = launch (question + "geminilive name=live backend=firebase-google-ai "
      "project=p api-key=k endpoint=" + resuming.endpoint () + " ! fakesink sync=false");
  GstElement *b_live = by_name (b, "live");
  GstElement *a_live = by_name (a, "live");
  Arrivals arrivals;
  GstPad *b_src = gst_element_get_static_pad (b_live, "src");
  gst_pad_add_probe (b_src, GST_PAD_PROBE_TYPE_BUFFER, Arrivals::probe, &arrivals, nullptr);
  gst_object_unref (b_src);
  SlowHandler handler;
  g_signal_connect (a_live, "need-app-check-token", G_CALLBACK (slow_need_app_check_token),
      &handler);

  BusLog a_log, b_log;
  gst_element_set_state (b, GST_STATE_PLAYING);
  ck_assert_msg (wait_until ([&] { return arrivals.count () > 0; }, 60 * G_USEC_PER_SEC),
      "B's reply never started");
  gst_element_set_state (a, GST_STATE_PLAYING);
  ck_assert_msg (wait_until ([&] { return handler.sleep_end != 0; }, 60 * G_USEC_PER_SEC),
      "A never asked for a token before a resume; bus:\n%s", a_log.dump ().c_str ());
  bool b_ended = b_log.wait (b, is_eos, TIMEOUT);
  bool a_ended = a_log.wait (a, is_eos, TIMEOUT);
  gst_element_set_state (a, GST_STATE_NULL);
  gst_element_set_state (b, GST_STATE_NULL);
  ck_assert_msg (a_ended && a_log.first_error ().empty (), "A failed: %s",
      a_log.first_error ().c_str ());
  ck_assert_msg (b_ended, "B did not end");

  ck_assert_msg (!g_str_has_prefix (handler.thread_name, "geminilive-net"),
      "need-app-check-token was emitted on the network thread (%s)", handler.thread_name);
  /* B's audio kept coming while A's handler slept, unless B's reply had
   * already ended by then. */
  gint64 last_b = 0;
  {
    std::lock_guard<std::mutex> guard (arrivals.lock);
    last_b = arrivals.times.back ();
  }
  gint64 until = MIN ((gint64) handler.sleep_end, last_b);
  if (until > handler.sleep_start) {
    gint64 silence = arrivals.longest_silence (handler.sleep_start, until);
    ck_assert_msg (silence < 1500 * G_TIME_SPAN_MILLISECOND,
        "B's audio stopped for %" G_GINT64_FORMAT " ms while A's handler slept", silence / 1000);
  }
  gst_object_unref (a_live);
  gst_object_unref (b_live);
  gst_object_unref (a);
  gst_object_unref (b);
  g_unlink (long_reply.c_str ());
  g_unlink (go_away.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_threads_suite (void)
{
  Suite *s = suite_create ("geminilive-threads");
  TCase *tc = tcase_create ("threads");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, a_slow_need_app_check_token_handler_does_not_delay_another_session);
  return s;
}

GST_CHECK_MAIN (geminilive_threads);
