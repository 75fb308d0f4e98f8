/* gst-gemini-live element tests: text_src carries readable caption lines.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What textoverlay needs: a buffer per phrase (not per word), each lasting
 * long enough to be read, and still on screen when a live pipeline gets it.
 */
#include "element_test_util.h"

#include "local_server.h"

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

struct Captions {
  struct Line {
    std::string text;
    GstClockTime pts, duration, pushed_at;  /* pushed_at: running time when it left text_src */
  };
  std::mutex lock;
  std::vector<Line> lines;
  GstElement *element = nullptr;

  static GstPadProbeReturn probe (GstPad *, GstPadProbeInfo *info, gpointer data)
  {
    auto self = static_cast<Captions *> (data);
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
    GstMapInfo map;
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    Line line {std::string ((const char *) map.data, map.size), GST_BUFFER_PTS (buffer),
        GST_BUFFER_DURATION (buffer), GST_CLOCK_TIME_NONE};
    gst_buffer_unmap (buffer, &map);
    GstClock *clock = gst_element_get_clock (self->element);
    if (clock) {
      line.pushed_at = gst_clock_get_time (clock) - gst_element_get_base_time (self->element);
      gst_object_unref (clock);
    }
    std::lock_guard<std::mutex> guard (self->lock);
    self->lines.push_back (line);
    return GST_PAD_PROBE_OK;
  }
};

GST_START_TEST (text_src_carries_readable_lines_a_live_overlay_shows)
{
  /* Paced at real time and played against the clock, as live. */
  std::string scenario = write_scenario (R"({"turns": [{"reply": "The capital of France )"
      R"(is Paris. It lies on the river Seine, in the north of the country."}]})");
  LocalServer server ({"--scenario", scenario});
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live api-key=k endpoint=" + server.endpoint ()
      + " ! fakesink sync=true  live.text_src ! fakesink sync=true");
  GstElement *live = by_name (pipeline, "live");
  Captions captions;
  captions.element = live;
  GstPad *text_src = gst_element_get_static_pad (live, "text_src");
  gst_pad_add_probe (text_src, GST_PAD_PROBE_TYPE_BUFFER, Captions::probe, &captions, nullptr);
  gst_object_unref (text_src);
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "no EOS; bus:\n%s", log.dump ().c_str ());

  std::string transcript;
  for (auto s : log.element_messages ("geminilive/output-transcription"))
    transcript += gst_structure_get_string (s, "text");
  std::lock_guard<std::mutex> guard (captions.lock);
  ck_assert_msg (!captions.lines.empty (), "no captions");
  std::string joined, all;
  GstClockTime previous = 0;
  for (const auto &line : captions.lines) {
    all += "[" + line.text + "] ";
    joined += (joined.empty () ? "" : " ") + line.text;
    /* A phrase, not a word: more than one word, no blank at either end. */
    ck_assert_msg (line.text.find (' ') != std::string::npos, "a one-word caption: [%s]",
        line.text.c_str ());
    ck_assert_msg (line.text.front () != ' ' && line.text.back () != ' ',
        "caption with blanks at its ends: [%s]", line.text.c_str ());
    ck_assert_msg (line.duration >= 2 * GST_SECOND, "[%s] lasts only %" GST_TIME_FORMAT,
        line.text.c_str (), GST_TIME_ARGS (line.duration));
    ck_assert_msg (line.pts >= previous, "caption timestamps go back");
    previous = line.pts;
    /* Still to be shown for a while when the overlay gets it. */
    ck_assert_msg (GST_CLOCK_TIME_IS_VALID (line.pushed_at)
        && line.pts + line.duration >= line.pushed_at + GST_SECOND,
        "[%s] is over (%" GST_TIME_FORMAT " + %" GST_TIME_FORMAT ") before it is pushed at %"
        GST_TIME_FORMAT, line.text.c_str (), GST_TIME_ARGS (line.pts),
        GST_TIME_ARGS (line.duration), GST_TIME_ARGS (line.pushed_at));
  }
  /* Two sentences: two lines (three if a pause split one), nothing lost. */
  ck_assert_msg (captions.lines.size () >= 2 && captions.lines.size () <= 4,
      "%zu captions: %s", captions.lines.size (), all.c_str ());
  ck_assert_msg (contains (joined, "The capital of France is Paris.")
      && contains (joined, "in the north of the country."), "captions: %s", all.c_str ());
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_captions_suite (void)
{
  Suite *s = suite_create ("geminilive-captions");
  TCase *tc = tcase_create ("captions");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, text_src_carries_readable_lines_a_live_overlay_shows);
  return s;
}

GST_CHECK_MAIN (geminilive_captions);
