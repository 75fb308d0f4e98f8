/* gst-gemini-live element tests: what is queued ahead of playback is bounded.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "local_server.h"

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

GST_START_TEST (audio_beyond_max_queued_audio_is_dropped_and_said_on_the_bus)
{
  /* The server sends a reply of several seconds at once; the sink plays it
   * against the clock, so nearly all of it waits in the element. */
  std::string scenario = write_scenario (R"({"turns": [{"reply": "The capital of France is )"
      R"(Paris. It lies on the river Seine, in the north of the country, and it has been the )"
      R"(capital for more than a thousand years."}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live max-queued-audio=500 api-key=k endpoint="
      + server.endpoint () + " ! fakesink sync=true");
  GstElement *live = by_name (pipeline, "live");
  SrcRecord record;
  record.attach (live);
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool dropped = log.wait (pipeline, is_element_message ("geminilive/audio-dropped"), TIMEOUT);
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (dropped, "no audio-dropped message; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (ended, "no EOS");
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  guint64 total = 0, reported = 0;
  for (auto s : log.element_messages ("geminilive/audio-dropped")) {
    guint64 ms = 0;
    guint max = 0;
    ck_assert (gst_structure_get_uint64 (s, "dropped-ms", &ms) && ms > 0);
    ck_assert (gst_structure_get_uint64 (s, "total-dropped-ms", &total));
    ck_assert (gst_structure_get_uint (s, "max-queued-ms", &max) && max == 500);
    reported += ms;
  }
  ck_assert_uint_eq (reported, total);
  /* What played plus what was dropped is the reply (within a chunk). */
  guint64 played_ms = record.audio_bytes () * 1000 / (24000 * 2);
  ck_assert_msg (played_ms >= 500, "only %" G_GUINT64_FORMAT " ms played", played_ms);
  ck_assert_msg (total >= 1000, "only %" G_GUINT64_FORMAT " ms dropped", total);
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_output_limit_suite (void)
{
  Suite *s = suite_create ("geminilive-output-limit");
  TCase *tc = tcase_create ("output-limit");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, audio_beyond_max_queued_audio_is_dropped_and_said_on_the_bus);
  return s;
}

GST_CHECK_MAIN (geminilive_output_limit);
