/* gst-gemini-live element tests: conversations with the local server.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"


using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static std::string
conversation_pipeline (const LocalServer &server, const std::string &wav,
    const std::string &extra, const std::string &sink)
{
  return "filesrc location=" + test_data_path (wav) + " ! wavparse ! geminilive name=live "
      "endpoint=" + server.endpoint () + " api-key=test-key " + extra + " ! " + sink;
}

/* Within one reply (from a DISCONT buffer to the next) every buffer starts
 * where the previous one ended; across the stream timestamps never go back.
 * Chunks queued together leave in one buffer of at most 200 ms (the local
 * server's chunks are 80 ms, so merging never needs more). */
static void
check_live_timestamps (const std::vector<SrcRecord::Item> &items)
{
  const SrcRecord::Item *previous = nullptr;
  int buffers = 0;
  for (const auto &item : items) {
    if (item.what == "flush-stop")
      previous = nullptr;
    if (item.what != "buffer")
      continue;
    buffers++;
    ck_assert_msg (GST_CLOCK_TIME_IS_VALID (item.pts) && GST_CLOCK_TIME_IS_VALID (item.duration),
        "buffer %d has no timestamp", buffers);
    ck_assert_msg (item.size > 0 && item.size <= 24000 * 2 / 5,
        "buffer %d carries %" G_GSIZE_FORMAT " bytes (0 or more than 200 ms)", buffers, item.size);
    ck_assert_msg (item.duration == gst_util_uint64_scale (item.size / 2, GST_SECOND, 24000)
        || item.duration + 1 == gst_util_uint64_scale (item.size / 2, GST_SECOND, 24000)
        || item.duration == gst_util_uint64_scale (item.size / 2, GST_SECOND, 24000) + 1,
        "buffer %d: duration %" GST_TIME_FORMAT " does not match %" G_GSIZE_FORMAT " bytes",
        buffers, GST_TIME_ARGS (item.duration), item.size);
    if (!previous) {
      ck_assert_msg (item.discont, "the first buffer of a reply is not DISCONT");
    } else if (item.discont) {
      ck_assert_msg (item.pts >= previous->pts + previous->duration,
          "a new reply starts before the previous one ended");
    } else {
      ck_assert_msg (item.pts == previous->pts + previous->duration,
          "buffer %d is not contiguous: %" GST_TIME_FORMAT " after %" GST_TIME_FORMAT " + %"
          GST_TIME_FORMAT, buffers, GST_TIME_ARGS (item.pts), GST_TIME_ARGS (previous->pts),
          GST_TIME_ARGS (previous->duration));
    }
    previous = &item;
  }
  ck_assert_msg (buffers > 0, "no audio left the src pad");
}

static void
check_client_frames_conform (const LocalServer &server)
{
  std::string report;
  auto frames = server.recorded_frames ();
  ck_assert_msg (frames.size () >= 3, "only %zu client frames recorded", frames.size ());
  ck_assert_msg (validate_frames (WireDirection::CLIENT, frames, report),
      "client frames do not validate: %s", report.c_str ());
}

static void
check_audio_chunks (const LocalServer &server, int rate)
{
  auto chunks = recorded_audio_chunks (server.recorded_frames ());
  ck_assert_msg (!chunks.empty (), "no realtimeInput.audio frame was sent");
  const gsize max_bytes = (gsize) rate * 2 * 50 / 1000;
  const std::string mime = "audio/pcm;rate=" + std::to_string (rate);
  for (const auto &chunk : chunks) {
    ck_assert_msg (chunk.first == mime, "mimeType %s, expected %s", chunk.first.c_str (),
        mime.c_str ());
    ck_assert_msg (chunk.second > 0 && chunk.second <= max_bytes,
        "a chunk carries %" G_GSIZE_FORMAT " bytes, more than 50 ms (%" G_GSIZE_FORMAT ")",
        chunk.second, max_bytes);
    ck_assert_msg (chunk.second % 2 == 0, "a chunk splits a sample");
  }
}

/* Plays until EOS (and, if asked, until geminilive/usage, which comes in
 * the frame after turnComplete and so maybe after EOS), then stops; fails
 * without the EOS. */
static void
play_to_eos (GstElement *pipeline, BusLog &log, bool until_usage = false)
{
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  if (until_usage && log.element_messages ("geminilive/usage").empty ())
    log.wait (pipeline, is_element_message ("geminilive/usage"), TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "the pipeline did not end by itself (no EOS); bus:\n%s",
      log.dump ().c_str ());
}

GST_START_TEST (round_trip_replies_with_24k_audio_live_timestamps_and_transcripts)
{
  std::string scenario = write_scenario (
      R"({"turns": [{"transcript": "What is the capital of France?"}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch (conversation_pipeline (server, "question-16k.wav", "",
          "fakesink sync=false"));
  GstElement *live = by_name (pipeline, "live");
  SrcRecord record;
  record.attach (live);

  BusLog log;
  play_to_eos (pipeline, log, true);

  GstCaps *expected = gst_caps_from_string (
      "audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=24000");
  ck_assert_msg (record.caps && gst_caps_is_equal (record.caps, expected), "wrong src caps");
  gst_caps_unref (expected);
  auto items = record.snapshot ();
  check_live_timestamps (items);

  auto connected = log.element_messages ("geminilive/session");
  ck_assert_msg (connected.size () >= 2, "session messages missing");
  ck_assert_str_eq (gst_structure_get_string (connected[0], "state"), "connecting");
  ck_assert_str_eq (gst_structure_get_string (connected[1], "state"), "connected");

  auto inputs = log.element_messages ("geminilive/input-transcription");
  ck_assert_msg (!inputs.empty (), "no input transcription; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (contains (gst_structure_get_string (inputs[0], "text"), "capital"),
      "unexpected input transcript");
  guint64 running_time;
  ck_assert (gst_structure_get_uint64 (inputs[0], "running-time", &running_time));
  auto outputs = log.element_messages ("geminilive/output-transcription");
  ck_assert_msg (!outputs.empty (), "no output transcription");
  ck_assert_msg (!log.element_messages ("geminilive/turn-complete").empty (), "no turn-complete");
  ck_assert_msg (!log.element_messages ("geminilive/generation-complete").empty (),
      "no generation-complete");
  auto usage = log.element_messages ("geminilive/usage");
  ck_assert_msg (!usage.empty (), "no usage message");
  gint64 total;
  ck_assert_msg (gst_structure_get_int64 (usage[0], "total-token-count", &total) && total > 0,
      "usage lacks total-token-count");

  check_audio_chunks (server, 16000);
  check_client_frames_conform (server);

  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (input_at_48k_is_sent_as_rate_48000_in_chunks_of_at_most_50ms)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch (conversation_pipeline (server, "question-48k.wav", "",
          "fakesink sync=false"));
  BusLog log;
  play_to_eos (pipeline, log);
  check_audio_chunks (server, 48000);
  check_client_frames_conform (server);
  gst_object_unref (pipeline);
}
GST_END_TEST;

/* A live microphone delivers small buffers at real time; each frame sent must
 * still be a whole 40 ms chunk, the partial-chunk deadline only firing when
 * audio stops coming. */
GST_START_TEST (live_20ms_buffers_are_sent_as_whole_40ms_chunks)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch ("audiotestsrc is-live=true wave=silence samplesperbuffer=320 "
      "num-buffers=50 ! audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 "
      "! geminilive name=live endpoint=" + server.endpoint () + " api-key=test-key "
      "drain-timeout=500 ! fakesink sync=false");
  BusLog log;
  play_to_eos (pipeline, log);
  check_audio_chunks (server, 16000);

  auto chunks = recorded_audio_chunks (server.recorded_frames ());
  const gsize whole = 16000 * 2 * 40 / 1000;
  gsize total = 0, partial = 0;
  for (const auto &chunk : chunks) {
    total += chunk.second;
    if (chunk.second != whole)
      partial++;
  }
  ck_assert_msg (total == 50 * 640, "%" G_GSIZE_FORMAT " bytes sent of %d", total, 50 * 640);
  /* A streaming thread stalled for 40 ms on a loaded machine may cut one
   * short; a deadline left armed after each chunk cuts every other one. */
  ck_assert_msg (partial <= 3, "%" G_GSIZE_FORMAT " of %zu frames were not 40 ms", partial,
      chunks.size ());
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (eos_drain_writes_the_whole_reply_to_a_wav_file)
{
  LocalServer server ({"--fast"});
  gchar *wav_path = g_build_filename (g_get_tmp_dir (), "geminilive-drain-XXXXXX.wav", nullptr);
  int fd = g_mkstemp (wav_path);
  close (fd);
  GstElement *pipeline = launch (conversation_pipeline (server, "question-16k.wav", "",
          std::string ("wavenc ! filesink location=") + wav_path));
  BusLog log;
  play_to_eos (pipeline, log, true);
  ck_assert_msg (!log.has (GST_MESSAGE_WARNING), "drain timed out: %s", log.dump ().c_str ());

  gchar *contents = nullptr;
  gsize length = 0;
  ck_assert (g_file_get_contents (wav_path, &contents, &length, nullptr));
  ck_assert_msg (length > 44, "empty WAV");
  /* wavenc writes a 44-byte header for S16LE mono. */
  guint32 data_size = GST_READ_UINT32_LE (contents + 40);
  ck_assert_msg (data_size == length - 44, "WAV header not finalised (%u vs %" G_GSIZE_FORMAT ")",
      data_size, length - 44);
  g_free (contents);
  g_unlink (wav_path);
  g_free (wav_path);

  /* The server reports its reply's length as audio tokens, 32 per second,
   * rounded up: the file must hold exactly that much audio. */
  auto usage = log.element_messages ("geminilive/usage");
  ck_assert_msg (!usage.empty (), "no usage message");
  gint64 tokens = 0;
  ck_assert (gst_structure_get_int64 (usage.back (), "response-tokens-details-audio", &tokens));
  guint64 ms = (guint64) data_size / 2 * 1000 / 24000;
  gint64 expected = (gint64) ((ms * 32 + 999) / 1000);
  ck_assert_msg (tokens > 0 && (expected == tokens || expected + 1 == tokens
          || expected == tokens + 1),
      "WAV holds %" G_GUINT64_FORMAT " ms of audio (%" G_GINT64_FORMAT " tokens) but the server "
      "sent %" G_GINT64_FORMAT " tokens", ms, expected, tokens);
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (interruption_flushes_queued_audio)
{
  /* The server streams 1 s of reply audio at once, then says `interrupted`;
   * a clock-synchronised sink has played only the first part by then. */
  std::string scenario = write_scenario (R"({"turns": [{"interrupt_after_ms": 1000}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch (conversation_pipeline (server, "question-16k.wav",
          "drain-timeout=2000", "fakesink sync=true"));
  GstElement *live = by_name (pipeline, "live");
  SrcRecord record;
  record.attach (live);

  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool interrupted = log.wait (pipeline, is_element_message ("geminilive/interrupted"), TIMEOUT);
  ck_assert_msg (interrupted, "no interrupted message; bus:\n%s", log.dump ().c_str ());
  /* No turnComplete follows an interruption: the drain ends by its timeout. */
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "no EOS after the drain timeout; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.has (GST_MESSAGE_WARNING), "no drain-timeout warning");

  auto items = record.snapshot ();
  size_t flush_start = items.size (), flush_stop = items.size ();
  for (size_t i = 0; i < items.size (); i++) {
    if (items[i].what == "flush-start" && flush_start == items.size ())
      flush_start = i;
    if (items[i].what == "flush-stop" && flush_stop == items.size ())
      flush_stop = i;
  }
  ck_assert_msg (flush_start < items.size (), "no FLUSH_START downstream");
  ck_assert_msg (flush_stop < items.size () && flush_stop > flush_start,
      "no FLUSH_STOP after FLUSH_START");
  for (size_t i = flush_start; i < items.size (); i++)
    ck_assert_msg (items[i].what != "buffer", "audio of the interrupted reply after the flush");
  /* Depending on scheduling the interruption may come before the src task
   * pushed anything; either way, less than the 1 s the server sent. */
  gsize played = record.audio_bytes ();
  ck_assert_msg (played < 24000 * 2, "%" G_GSIZE_FORMAT " bytes pushed: queued audio was not "
      "dropped", played);
  if (played > 0)
    check_live_timestamps (items);

  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

/* GstHarness cannot drive geminilive: gst_harness_play () insists on SUCCESS
 * where a live element answers NO_PREROLL. The pad-level contract is checked
 * on a running pipeline instead. */
GST_START_TEST (src_answers_latency_as_live_and_refuses_seeks)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch (conversation_pipeline (server, "question-16k.wav",
          "latency=150", "fakesink sync=false"));
  GstElement *live = by_name (pipeline, "live");
  BusLog log;
  ck_assert_int_ne (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  ck_assert (log.wait (pipeline, is_eos, TIMEOUT));

  GstPad *src = gst_element_get_static_pad (live, "src");
  GstQuery *query = gst_query_new_latency ();
  ck_assert (gst_pad_query (src, query));
  gboolean is_live;
  GstClockTime min, max;
  gst_query_parse_latency (query, &is_live, &min, &max);
  ck_assert (is_live);
  ck_assert_uint_eq (min, 150 * GST_MSECOND);
  ck_assert (!GST_CLOCK_TIME_IS_VALID (max));
  gst_query_unref (query);
  ck_assert (!gst_pad_send_event (src, gst_event_new_seek (1.0, GST_FORMAT_TIME,
              GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, 0)));
  gst_object_unref (src);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (live);
  gst_object_unref (pipeline);

  /* On its own, like every live source, it does not preroll. */
  GstElement *alone = gst_element_factory_make ("geminilive", nullptr);
  g_object_set (alone, "endpoint", server.endpoint ().c_str (), "api-key", "k", nullptr);
  ck_assert_int_eq (gst_element_set_state (alone, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  ck_assert_int_eq (gst_element_set_state (alone, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (alone);
}
GST_END_TEST;

static Suite *
geminilive_conversation_suite (void)
{
  Suite *s = suite_create ("geminilive-conversation");
  TCase *tc = tcase_create ("conversation");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, round_trip_replies_with_24k_audio_live_timestamps_and_transcripts);
  tcase_add_test (tc, input_at_48k_is_sent_as_rate_48000_in_chunks_of_at_most_50ms);
  tcase_add_test (tc, live_20ms_buffers_are_sent_as_whole_40ms_chunks);
  tcase_add_test (tc, eos_drain_writes_the_whole_reply_to_a_wav_file);
  tcase_add_test (tc, interruption_flushes_queued_audio);
  tcase_add_test (tc, src_answers_latency_as_live_and_refuses_seeks);
  return s;
}

GST_CHECK_MAIN (geminilive_conversation);
