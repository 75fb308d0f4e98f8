/* gst-gemini-live element tests: how EOS on the sink ends the output.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * EOS after the answer (a live source stopped, gst-launch -e, trailing
 * silence) leaves src promptly; EOS right after a question still waits for
 * its answer. The microphone is an appsrc the test feeds.
 */
#include "element_test_util.h"

#include "local_server.h"

#include <gst/app/gstappsrc.h>


using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;


struct Microphone {
  LocalServer server {{"--fast"}};
  GstElement *pipeline, *live, *mic;
  SrcRecord record;
  BusLog log;

  Microphone ()
  {
    pipeline = launch ("appsrc name=mic format=time "
        "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
        "geminilive name=live api-key=test-key endpoint=" + server.endpoint ()
        + " ! fakesink sync=false");
    live = by_name (pipeline, "live");
    mic = by_name (pipeline, "mic");
    record.attach (live);
  }
  ~Microphone ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (mic);
    gst_object_unref (live);
    gst_object_unref (pipeline);
  }
  void push (guint ms, bool tone)
  {
    ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), pcm_16k (ms, tone)),
        GST_FLOW_OK);
  }
  size_t index_of (const char *name)
  {
    for (size_t i = 0; i < log.messages.size (); i++) {
      GstMessage *m = log.messages[i];
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
          && gst_structure_has_name (gst_message_get_structure (m), name))
        return i;
    }
    return log.messages.size ();
  }
  size_t eos_index ()
  {
    for (size_t i = 0; i < log.messages.size (); i++)
      if (GST_MESSAGE_TYPE (log.messages[i]) == GST_MESSAGE_EOS)
        return i;
    return log.messages.size ();
  }
};

GST_START_TEST (eos_after_the_answer_leaves_src_promptly)
{
  Microphone m;
  gst_element_set_state (m.pipeline, GST_STATE_PLAYING);
  /* One spoken turn; the server's voice activity detection ends it. */
  m.push (600, true);
  m.push (800, false);
  ck_assert_msg (m.log.wait (m.pipeline, is_element_message ("geminilive/turn-complete"), TIMEOUT),
      "no answer; bus:\n%s", m.log.dump ().c_str ());
  /* The usage of the turn comes before its turn-complete. */
  if (m.index_of ("geminilive/usage") == m.log.messages.size ())
    m.log.wait (m.pipeline, is_element_message ("geminilive/usage"), 2 * GST_SECOND);
  ck_assert_msg (m.index_of ("geminilive/usage") < m.index_of ("geminilive/turn-complete"),
      "usage after turn-complete; bus:\n%s", m.log.dump ().c_str ());

  /* Trailing silence, then the source stops: nothing awaits an answer. */
  m.push (300, false);
  gint64 ended_at = g_get_monotonic_time ();
  ck_assert_int_eq (gst_app_src_end_of_stream (GST_APP_SRC (m.mic)), GST_FLOW_OK);
  /* Far below drain-timeout (30 s); about 2 s is what is promised. */
  bool eos = m.log.wait (m.pipeline, is_eos, 10 * GST_SECOND);
  gint64 took_ms = (g_get_monotonic_time () - ended_at) / 1000;
  ck_assert_msg (eos, "no EOS within 10 s of the input's end; bus:\n%s", m.log.dump ().c_str ());
  ck_assert_msg (!m.log.has (GST_MESSAGE_WARNING), "a warning at EOS; bus:\n%s",
      m.log.dump ().c_str ());
  ck_assert (m.record.saw ("eos"));
  GST_INFO ("EOS %" G_GINT64_FORMAT " ms after the input ended", took_ms);
}
GST_END_TEST;

GST_START_TEST (eos_right_after_a_question_still_waits_for_the_answer)
{
  Microphone m;
  gst_element_set_state (m.pipeline, GST_STATE_PLAYING);
  /* Speech, and the input ends at once: the answer is still to come. */
  m.push (600, true);
  ck_assert_int_eq (gst_app_src_end_of_stream (GST_APP_SRC (m.mic)), GST_FLOW_OK);
  ck_assert_msg (m.log.wait (m.pipeline, is_eos, TIMEOUT), "no EOS; bus:\n%s",
      m.log.dump ().c_str ());
  ck_assert_msg (m.index_of ("geminilive/turn-complete") < m.eos_index (),
      "EOS before the answer; bus:\n%s", m.log.dump ().c_str ());
  ck_assert_msg (m.record.audio_bytes () > 0, "no reply audio before EOS");
  /* The turn's usage (the frame after its turnComplete) before EOS too. */
  ck_assert_msg (m.index_of ("geminilive/usage") < m.index_of ("geminilive/turn-complete"),
      "usage after turn-complete or EOS; bus:\n%s", m.log.dump ().c_str ());
  ck_assert_msg (!m.log.has (GST_MESSAGE_WARNING), "a warning at EOS; bus:\n%s",
      m.log.dump ().c_str ());
}
GST_END_TEST;

static Suite *
geminilive_drain_suite (void)
{
  Suite *s = suite_create ("geminilive-drain");
  TCase *tc = tcase_create ("drain");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, eos_after_the_answer_leaves_src_promptly);
  tcase_add_test (tc, eos_right_after_a_question_still_waits_for_the_answer);
  return s;
}

GST_CHECK_MAIN (geminilive_drain);
