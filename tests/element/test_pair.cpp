/* gst-gemini-live element tests: geminilivesink and geminilivesrc, one Live
 * session shared by name, in one pipeline and in two.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "local_server.h"

#include <functional>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static std::string
sink_branch (const LocalServer &server, const std::string &session, const std::string &extra = "")
{
  return "filesrc location=" + test_data_path ("question-16k.wav") + " ! wavparse ! "
      "geminilivesink name=in session=" + session + " endpoint=" + server.endpoint ()
      + " api-key=test-key " + extra;
}

static std::string
src_branch (const std::string &session, const std::string &sink = "fakesink sync=false")
{
  return "geminilivesrc name=out session=" + session + " ! " + sink;
}

static size_t
index_of (const std::vector<SrcRecord::Item> &items, const std::string &what)
{
  for (size_t i = 0; i < items.size (); i++)
    if (items[i].what == what)
      return i;
  return items.size ();
}

/* Buffers of one reply are contiguous; the first is DISCONT. */
static void
check_reply_timestamps (const std::vector<SrcRecord::Item> &items)
{
  const SrcRecord::Item *previous = nullptr;
  for (const auto &item : items) {
    if (item.what == "flush-stop")
      previous = nullptr;
    if (item.what != "buffer")
      continue;
    ck_assert (GST_CLOCK_TIME_IS_VALID (item.pts) && GST_CLOCK_TIME_IS_VALID (item.duration));
    if (!previous)
      ck_assert_msg (item.discont, "the first buffer of a reply is not DISCONT");
    else if (!item.discont)
      ck_assert_msg (item.pts == previous->pts + previous->duration, "a gap inside a reply");
    previous = &item;
  }
}

GST_START_TEST (pair_in_one_pipeline_answers_and_drains_to_eos)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch (sink_branch (server, "one") + "  " + src_branch ("one"));
  GstElement *out = by_name (pipeline, "out");
  SrcRecord record;
  record.attach (out);
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* The pipeline's EOS needs both sinks: the input ended and the answer left the src. */
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "no EOS; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  ck_assert_msg (!log.element_messages ("geminilive/turn-complete").empty (),
      "no turn-complete on the bus");
  ck_assert_msg (!log.element_messages ("geminilive/output-transcription").empty (),
      "no transcript on the bus");
  for (auto m : log.messages)
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && g_str_has_prefix (
            gst_structure_get_name (gst_message_get_structure (m)), "geminilive/"))
      ck_assert_str_eq (GST_OBJECT_NAME (GST_MESSAGE_SRC (m)), "in");
  ck_assert_msg (record.audio_bytes () > 24000, "only %" G_GSIZE_FORMAT " bytes of reply",
      record.audio_bytes ());
  auto items = record.snapshot ();
  ck_assert_msg (index_of (items, "eos") == items.size () - 1, "EOS is not the src's last item");
  check_reply_timestamps (items);

  /* LATENCY as the single element answers it. */
  GstPad *src = gst_element_get_static_pad (out, "src");
  g_object_set (out, "latency", 150, nullptr);
  GstQuery *query = gst_query_new_latency ();
  ck_assert (gst_pad_query (src, query));
  gboolean live;
  GstClockTime min, max;
  gst_query_parse_latency (query, &live, &min, &max);
  ck_assert (live);
  ck_assert_uint_eq (min, 150 * GST_MSECOND);
  gst_query_unref (query);
  gst_object_unref (src);
  gst_object_unref (out);
  gst_object_unref (pipeline);
}
GST_END_TEST;

/* Plays `first`, then `second`; both must end with EOS. */
static void
run_two_pipelines (GstElement *first, GstElement *second, BusLog &first_log,
    BusLog &second_log, const std::function<void ()> &between,
    const std::function<void ()> &before_stop = [] {})
{
  gst_element_set_state (first, GST_STATE_PLAYING);
  between ();
  gst_element_set_state (second, GST_STATE_PLAYING);
  bool first_ended = first_log.wait (first, is_eos, TIMEOUT);
  bool second_ended = second_log.wait (second, is_eos, TIMEOUT);
  before_stop ();
  gst_element_set_state (first, GST_STATE_NULL);
  gst_element_set_state (second, GST_STATE_NULL);
  ck_assert_msg (first_ended, "the first pipeline did not end; bus:\n%s",
      first_log.dump ().c_str ());
  ck_assert_msg (second_ended, "the second pipeline did not end; bus:\n%s",
      second_log.dump ().c_str ());
}

GST_START_TEST (pair_in_two_pipelines_src_first_outputs_gaps_until_the_sink_starts)
{
  LocalServer server ({"--fast"});
  GstElement *playback = launch (src_branch ("two", "fakesink sync=true"));
  GstElement *capture = launch (sink_branch (server, "two"));
  GstElement *out = by_name (playback, "out");
  SrcRecord record;
  record.attach (out);
  BusLog playback_log, capture_log;
  size_t gaps_before_sink = 0;
  bool turn_complete = false;
  run_two_pipelines (playback, capture, playback_log, capture_log, [&] {
    /* Half a second of a live source without a session: time, no audio. */
    g_usleep (G_USEC_PER_SEC / 2 + G_USEC_PER_SEC / 4);
    for (const auto &item : record.snapshot ()) {
      ck_assert_msg (item.what != "buffer", "audio before the sink started");
      if (item.what == "gap")
        gaps_before_sink++;
    }
  }, [&] {
    /* The sink's pipeline ended with its input; the messages of the answer
     * come on its bus after that (and setting it to NULL flushes its bus). */
    turn_complete = !capture_log.element_messages ("geminilive/turn-complete").empty ()
        || capture_log.wait (capture, is_element_message ("geminilive/turn-complete"), TIMEOUT);
  });
  ck_assert_msg (gaps_before_sink > 0, "no GAP events while the sink had not started");
  ck_assert_msg (playback_log.first_error ().empty () && capture_log.first_error ().empty (),
      "error: %s%s", playback_log.first_error ().c_str (), capture_log.first_error ().c_str ());
  ck_assert_msg (record.audio_bytes () > 24000, "only %" G_GSIZE_FORMAT " bytes of reply",
      record.audio_bytes ());
  check_reply_timestamps (record.snapshot ());
  ck_assert_msg (turn_complete, "the sink's pipeline saw no turn-complete");
  gst_object_unref (out);
  gst_object_unref (playback);
  gst_object_unref (capture);
}
GST_END_TEST;

GST_START_TEST (pair_in_two_pipelines_sink_first)
{
  LocalServer server ({"--fast"});
  GstElement *capture = launch (sink_branch (server, "three"));
  GstElement *playback = launch (src_branch ("three"));
  GstElement *out = by_name (playback, "out");
  SrcRecord record;
  record.attach (out);
  BusLog playback_log, capture_log;
  run_two_pipelines (capture, playback, capture_log, playback_log, [&] {
    /* The session is up before anyone listens. */
    ck_assert_msg (capture_log.wait (capture, is_element_message ("geminilive/session"), TIMEOUT),
        "no session message");
  });
  ck_assert_msg (playback_log.first_error ().empty () && capture_log.first_error ().empty (),
      "error: %s%s", playback_log.first_error ().c_str (), capture_log.first_error ().c_str ());
  ck_assert_msg (record.audio_bytes () > 24000, "only %" G_GSIZE_FORMAT " bytes of reply",
      record.audio_bytes ());
  auto items = record.snapshot ();
  ck_assert_msg (index_of (items, "eos") == items.size () - 1, "EOS is not the src's last item");
  gst_object_unref (out);
  gst_object_unref (playback);
  gst_object_unref (capture);
}
GST_END_TEST;

GST_START_TEST (barge_in_flushes_the_src_of_the_pair)
{
  std::string scenario = write_scenario (R"({"turns": [{"interrupt_after_ms": 1000}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *capture = launch (sink_branch (server, "four", "drain-timeout=2000"));
  GstElement *playback = launch (src_branch ("four", "fakesink sync=true"));
  GstElement *out = by_name (playback, "out");
  SrcRecord record;
  record.attach (out);
  BusLog playback_log, capture_log;
  gst_element_set_state (playback, GST_STATE_PLAYING);
  gst_element_set_state (capture, GST_STATE_PLAYING);
  bool interrupted = capture_log.wait (capture, is_element_message ("geminilive/interrupted"),
      TIMEOUT);
  /* No turnComplete follows an interruption: the drain ends by its timeout. */
  bool ended = playback_log.wait (playback, is_eos, TIMEOUT);
  gst_element_set_state (capture, GST_STATE_NULL);
  gst_element_set_state (playback, GST_STATE_NULL);
  ck_assert_msg (interrupted, "no interrupted message; bus:\n%s", capture_log.dump ().c_str ());
  ck_assert_msg (ended, "no EOS from the src after the drain timeout");

  auto items = record.snapshot ();
  size_t flush_start = index_of (items, "flush-start"), flush_stop = index_of (items, "flush-stop");
  /* The interruption may come before the src pushed anything; then there is
   * nothing downstream to flush. */
  if (record.audio_bytes () > 0) {
    ck_assert_msg (flush_start < items.size (), "no FLUSH_START downstream");
    ck_assert_msg (flush_stop < items.size () && flush_stop > flush_start,
        "no FLUSH_STOP after FLUSH_START");
    for (size_t i = flush_start; i < items.size (); i++)
      ck_assert_msg (items[i].what != "buffer", "audio of the interrupted reply after the flush");
    check_reply_timestamps (items);
  }
  ck_assert_msg (record.audio_bytes () < 24000 * 2, "queued audio was not dropped");
  gst_object_unref (out);
  gst_object_unref (playback);
  gst_object_unref (capture);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (second_sink_with_a_used_session_name_fails_naming_it)
{
  LocalServer server ({"--fast"});
  GstElement *first = launch (sink_branch (server, "taken") + " " + src_branch ("taken"));
  GstElement *second = launch ("audiotestsrc ! audio/x-raw,format=S16LE,channels=1,rate=16000 ! "
      "geminilivesink name=again session=taken api-key=k endpoint=" + server.endpoint ());
  ck_assert_int_ne (gst_element_set_state (first, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  ck_assert_int_eq (gst_element_set_state (second, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  BusLog log;
  log.wait (second, [] (GstMessage *m) { return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR; },
      10 * GST_SECOND);
  GQuark domain = 0;
  gint code = 0;
  std::string error = log.first_error (&domain, &code);
  ck_assert_msg (contains (error, "\"taken\"") && contains (error, "geminilivesink")
      && contains (error, "in"), "error does not name the session and its sink: %s",
      error.c_str ());
  ck_assert (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_BUSY);

  /* The first pair is unharmed; once it stopped the name is free again. */
  BusLog first_log;
  ck_assert_msg (first_log.wait (first, is_eos, TIMEOUT), "the first pair did not finish");
  gst_element_set_state (second, GST_STATE_NULL);
  gst_element_set_state (first, GST_STATE_NULL);
  ck_assert_int_ne (gst_element_set_state (second, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (second, GST_STATE_NULL);
  gst_object_unref (first);
  gst_object_unref (second);
}
GST_END_TEST;

GST_START_TEST (each_element_carries_its_own_properties_and_reads_back_what_was_set)
{
  GstElement *live = gst_element_factory_make ("geminilive", nullptr);
  GstElement *sink = gst_element_factory_make ("geminilivesink", nullptr);
  GstElement *src = gst_element_factory_make ("geminilivesrc", nullptr);
  for (GstElement *e : {live, sink}) {
    /* Not a multiple of the 40 ms frames: still what was set. */
    g_object_set (e, "resume-buffer", 50u, "tool-timeout", 1234u, nullptr);
    guint resume = 0, timeout = 0;
    g_object_get (e, "resume-buffer", &resume, "tool-timeout", &timeout, nullptr);
    ck_assert_uint_eq (resume, 50);
    ck_assert_uint_eq (timeout, 1234);
  }
  g_object_set (src, "latency", 250u, nullptr);
  guint latency = 0;
  g_object_get (src, "latency", &latency, nullptr);
  ck_assert_uint_eq (latency, 250);
  gchar *name = nullptr;
  g_object_get (sink, "session", &name, nullptr);
  ck_assert_str_eq (name, "default");
  g_free (name);
  /* Session settings belong to the sink, output settings to the src. */
  ck_assert (g_object_class_find_property (G_OBJECT_GET_CLASS (src), "api-key") == nullptr);
  ck_assert (g_object_class_find_property (G_OBJECT_GET_CLASS (sink), "latency") == nullptr);
  ck_assert (g_object_class_find_property (G_OBJECT_GET_CLASS (live), "session") == nullptr);
  gst_object_unref (live);
  gst_object_unref (sink);
  gst_object_unref (src);
}
GST_END_TEST;

static std::string example_py;

GST_START_TEST (python_two_pipeline_example_plays_the_answer)
{
  LocalServer server ({"--fast"});
  std::string wav = test_data_path ("question-16k.wav");
  gchar *dir = g_dir_make_tmp ("geminilive-pair-XXXXXX", nullptr);
  std::string reply = std::string (dir) + "/reply.wav";
  /* The system interpreter: python3-gi is a Debian package. */
  const char *argv[] = {"/usr/bin/python3", example_py.c_str (), "--endpoint",
      server.endpoint ().c_str (), "--api-key", "test-key", "--input", wav.c_str (), "--output",
      reply.c_str (), nullptr};
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  gchar **env = environ_for_foreign_program (g_get_environ ());
  ck_assert_msg (g_spawn_sync (nullptr, (gchar **) argv, env, G_SPAWN_DEFAULT, nullptr, nullptr,
          &out, &err, &status, &error), "spawn: %s", error ? error->message : "");
  g_strfreev (env);
  std::string stdout_text = out, stderr_text = err;
  g_free (out);
  g_free (err);
  ck_assert_msg (g_spawn_check_wait_status (status, nullptr), "the example failed:\n%s\n%s",
      stdout_text.c_str (), stderr_text.c_str ());
  ck_assert_msg (contains (stdout_text, "model: ") && contains (stdout_text, "played"),
      "unexpected output:\n%s", stdout_text.c_str ());
  GStatBuf st;
  /* A WAV header and at least a second of 24 kHz speech. */
  ck_assert_msg (g_stat (reply.c_str (), &st) == 0 && st.st_size > 44 + 48000,
      "no reply in %s", reply.c_str ());
  g_unlink (reply.c_str ());
  g_rmdir (dir);
  g_free (dir);
}
GST_END_TEST;

static Suite *
geminilive_pair_suite (void)
{
  Suite *s = suite_create ("geminilive-pair");
  TCase *tc = tcase_create ("pair");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, each_element_carries_its_own_properties_and_reads_back_what_was_set);
  tcase_add_test (tc, pair_in_one_pipeline_answers_and_drains_to_eos);
  tcase_add_test (tc, pair_in_two_pipelines_src_first_outputs_gaps_until_the_sink_starts);
  tcase_add_test (tc, pair_in_two_pipelines_sink_first);
  tcase_add_test (tc, barge_in_flushes_the_src_of_the_pair);
  tcase_add_test (tc, second_sink_with_a_used_session_name_fails_naming_it);
  if (!example_py.empty ())
    tcase_add_test (tc, python_two_pipeline_example_plays_the_answer);
  return s;
}

/* argv[1]: examples/two_pipelines.py (optional). */
int
main (int argc, char **argv)
{
  if (argc > 1)
    example_py = argv[1];
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (geminilive_pair_suite (), "geminilive-pair", __FILE__);
}
