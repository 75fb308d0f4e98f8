/* gst-gemini-live element tests: steady input (input-pacing).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the service hears, measured at the local server (it records every
 * client frame and, with --record-times, when it arrived):
 * - audio from a source that is not live arrives at real time however
 *   fast upstream pushes it (input-pacing=auto), as fast as it comes with
 *   input-pacing=off;
 * - a live source's gaps (a jump in its timestamps, GAP events) arrive as
 *   silence of the gap's length; a gap beyond the bound (3 s) ends the audio
 *   stream (audioStreamEnd) and the audio after it resumes the stream.
 * The live source is a pad of the test's own that answers the LATENCY query
 * as a live source does, so the test decides every timestamp and event.
 */
#include "element_test_util.h"

#include "local_server.h"

#include <gst/app/gstappsrc.h>

#include <cstring>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;
static const char *const MODEL = "gemini-3.8-live";
static const char *const CAPS_16K
    = "audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000";

/* One client frame as the server recorded it, with its arrival time. */
struct ReceivedFrame {
  enum class Kind { AUDIO, STREAM_END, OTHER } kind = Kind::OTHER;
  std::vector<gint16> pcm; /* AUDIO */
  gint64 arrived_us = -1;
};

/* A local server that records when each frame arrived. */
struct TimedServer {
  std::string times_path;
  LocalServer server;

  static std::string new_times_path ()
  {
    gchar *path = nullptr;
    int fd = g_file_open_tmp ("geminilive-times-XXXXXX.txt", &path, nullptr);
    g_assert (fd >= 0);
    close (fd);
    std::string out = path;
    g_free (path);
    return out;
  }
  TimedServer () : times_path (new_times_path ()), server ({"--fast", "--record-times", times_path})
  {}
  ~TimedServer () { g_unlink (times_path.c_str ()); }

  std::vector<ReceivedFrame> frames ()
  {
    auto texts = server.recorded_frames ();
    std::vector<gint64> times;
    gchar *text = nullptr;
    if (g_file_get_contents (times_path.c_str (), &text, nullptr, nullptr)) {
      gchar **lines = g_strsplit (text, "\n", -1);
      for (gchar **line = lines; *line; line++)
        if (**line)
          times.push_back (g_ascii_strtoll (*line, nullptr, 10));
      g_strfreev (lines);
      g_free (text);
    }
    std::vector<ReceivedFrame> out;
    for (size_t i = 0; i < texts.size () && i < times.size (); i++) {
      ReceivedFrame frame;
      frame.arrived_us = times[i];
      JsonParser *parser = json_parser_new ();
      if (json_parser_load_from_data (parser, texts[i].c_str (), -1, nullptr)) {
        JsonObject *root = json_node_get_object (json_parser_get_root (parser));
        JsonObject *input = root && json_object_has_member (root, "realtimeInput")
                                ? json_object_get_object_member (root, "realtimeInput")
                                : nullptr;
        if (input && json_object_has_member (input, "audio")) {
          JsonObject *audio = json_object_get_object_member (input, "audio");
          gsize size = 0;
          guchar *bytes = g_base64_decode (json_object_get_string_member (audio, "data"), &size);
          frame.kind = ReceivedFrame::Kind::AUDIO;
          frame.pcm.resize (size / 2);
          memcpy (frame.pcm.data (), bytes, frame.pcm.size () * 2);
          g_free (bytes);
        } else if (input && json_object_has_member (input, "audioStreamEnd")) {
          frame.kind = ReceivedFrame::Kind::STREAM_END;
        }
      }
      g_object_unref (parser);
      out.push_back (std::move (frame));
    }
    return out;
  }

  static gsize audio_samples (const std::vector<ReceivedFrame> &frames)
  {
    gsize total = 0;
    for (const auto &f : frames)
      total += f.pcm.size ();
    return total;
  }

  /* Waits until the server has `samples` of audio (and `stream_ends`
   * audioStreamEnd frames); returns what it has then. */
  std::vector<ReceivedFrame> wait_for_audio (gsize samples, int stream_ends = 0)
  {
    gint64 deadline = g_get_monotonic_time () + (gint64)(TIMEOUT / GST_USECOND);
    while (true) {
      auto got = frames ();
      int ends = 0;
      for (const auto &f : got)
        ends += f.kind == ReceivedFrame::Kind::STREAM_END;
      if ((audio_samples (got) >= samples && ends >= stream_ends)
          || g_get_monotonic_time () > deadline)
        return got;
      g_usleep (50 * 1000);
    }
  }
};

/* The whole received audio, in order. */
static std::vector<gint16>
joined_pcm (const std::vector<ReceivedFrame> &frames)
{
  std::vector<gint16> all;
  for (const auto &f : frames)
    all.insert (all.end (), f.pcm.begin (), f.pcm.end ());
  return all;
}

/* Seconds between the first and the last audio frame's arrival. */
static double
audio_arrival_span_s (const std::vector<ReceivedFrame> &frames)
{
  gint64 first = -1, last = -1;
  for (const auto &f : frames)
    if (f.kind == ReceivedFrame::Kind::AUDIO) {
      if (first < 0)
        first = f.arrived_us;
      last = f.arrived_us;
    }
  return first < 0 ? 0 : (double)(last - first) / G_USEC_PER_SEC;
}

/* Whether [from, to) samples of `pcm` are all zero. */
static bool
all_zero (const std::vector<gint16> &pcm, gsize from, gsize to)
{
  for (gsize i = from; i < to && i < pcm.size (); i++)
    if (pcm[i] != 0)
      return false;
  return to <= pcm.size ();
}

/* Whether every 10 ms of [from, to) holds the tone (not silence). */
static bool
all_tone (const std::vector<gint16> &pcm, gsize from, gsize to)
{
  if (to > pcm.size ())
    return false;
  for (gsize block = from; block + 160 <= to; block += 160) {
    double sum = 0;
    for (gsize i = block; i < block + 160; i++)
      sum += (double)pcm[i] * pcm[i];
    if (std::sqrt (sum / 160) < 1000)
      return false;
  }
  return true;
}

/* --- a source that is not live: appsrc pushing everything at once --- */

struct BurstSource {
  TimedServer server;
  GstElement *pipeline, *mic;
  BusLog log;

  explicit BurstSource (const std::string &pacing)
  {
    pipeline
        = launch (std::string ("appsrc name=mic format=time caps=") + CAPS_16K
                  + " ! geminilive name=live api-key=test-key model=" + MODEL + " input-pacing="
                  + pacing + " endpoint=" + server.server.endpoint () + " ! fakesink sync=false");
    mic = by_name (pipeline, "mic");
  }
  ~BurstSource ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (mic);
    gst_object_unref (pipeline);
  }
  /* 5 s of silence in one buffer, as a network burst or a file read hands it over. */
  void push_five_seconds ()
  {
    GstBuffer *buffer = pcm_16k (5000, false);
    GST_BUFFER_PTS (buffer) = 0;
    GST_BUFFER_DURATION (buffer) = 5 * GST_SECOND;
    ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), buffer), GST_FLOW_OK);
  }
};

GST_START_TEST (a_burst_that_is_not_live_reaches_the_service_at_real_time)
{
  BurstSource source ("auto");
  gst_element_set_state (source.pipeline, GST_STATE_PLAYING);
  source.push_five_seconds ();
  auto frames = source.server.wait_for_audio (5 * 16000);
  ck_assert_msg (TimedServer::audio_samples (frames) == 5 * 16000,
                 "the server got %" G_GSIZE_FORMAT " of 80000 samples; bus:\n%s",
                 TimedServer::audio_samples (frames), source.log.dump ().c_str ());
  /* 40 ms frames; the first leaves once its 20 ms slices are handed over,
   * the last 4.96 s later at real time. */
  double span = audio_arrival_span_s (frames);
  g_print ("5 s of audio arrived over %.3f s\n", span);
  ck_assert_msg (span >= 4.96 * 0.95 && span <= 4.96 * 1.05,
                 "5 s of audio arrived over %.3f s, not 4.96 s +-5 %%", span);
}
GST_END_TEST;

GST_START_TEST (input_pacing_off_sends_a_burst_as_fast_as_it_comes)
{
  BurstSource source ("off");
  gst_element_set_state (source.pipeline, GST_STATE_PLAYING);
  source.push_five_seconds ();
  auto frames = source.server.wait_for_audio (5 * 16000);
  ck_assert_int_eq (TimedServer::audio_samples (frames), 5 * 16000);
  double span = audio_arrival_span_s (frames);
  g_print ("5 s of audio arrived over %.3f s\n", span);
  /* Generous for a loaded machine: paced it would take 4.96 s. */
  ck_assert_msg (span < 2.5, "5 s of audio took %.3f s with input-pacing=off", span);
}
GST_END_TEST;

/* --- a live source with gaps: the test's own pad --- */

static gboolean
live_source_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gst_query_set_latency (query, TRUE, 20 * GST_MSECOND, 20 * GST_MSECOND);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}

struct LiveSource {
  TimedServer server;
  GstElement *pipeline, *live;
  GstPad *pad;
  BusLog log;

  LiveSource ()
  {
    pipeline = launch (std::string ("geminilive name=live api-key=test-key model=") + MODEL
                       + " endpoint=" + server.server.endpoint () + " ! fakesink sync=false");
    live = by_name (pipeline, "live");
    pad = gst_pad_new ("mic", GST_PAD_SRC);
    gst_pad_set_query_function (pad, live_source_query);
    GstPad *sink = gst_element_get_static_pad (live, "sink");
    ck_assert_int_eq (gst_pad_link (pad, sink), GST_PAD_LINK_OK);
    gst_object_unref (sink);
  }
  ~LiveSource ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_pad_set_active (pad, FALSE);
    gst_object_unref (pad);
    gst_object_unref (live);
    gst_object_unref (pipeline);
  }
  void start ()
  {
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    gst_pad_set_active (pad, TRUE);
    gst_pad_push_event (pad, gst_event_new_stream_start ("live-mic"));
    GstCaps *caps = gst_caps_from_string (CAPS_16K);
    gst_pad_push_event (pad, gst_event_new_caps (caps));
    gst_caps_unref (caps);
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_TIME);
    gst_pad_push_event (pad, gst_event_new_segment (&segment));
  }
  /* `ms` of tone stamped at `at_ms`, in 20 ms buffers as a microphone sends. */
  void tone (guint at_ms, guint ms)
  {
    for (guint t = 0; t < ms; t += 20) {
      GstBuffer *buffer = pcm_16k (20, true);
      GST_BUFFER_PTS (buffer) = (at_ms + t) * GST_MSECOND;
      GST_BUFFER_DURATION (buffer) = 20 * GST_MSECOND;
      ck_assert_int_eq (gst_pad_push (pad, buffer), GST_FLOW_OK);
    }
  }
};

GST_START_TEST (a_jump_in_live_timestamps_becomes_silence)
{
  LiveSource source;
  source.start ();
  source.tone (0, 1000);
  source.tone (3000, 1000); /* 2 s later than the first second ended */
  auto frames = source.server.wait_for_audio (4 * 16000);
  auto pcm = joined_pcm (frames);
  ck_assert_msg (pcm.size () == 4 * 16000,
                 "the server got %" G_GSIZE_FORMAT " samples, not 1 s + 2 s of silence + 1 s",
                 pcm.size ());
  ck_assert_msg (all_tone (pcm, 0, 16000), "the first second is not the tone");
  ck_assert_msg (all_zero (pcm, 16000, 48000), "the gap is not silence");
  ck_assert_msg (all_tone (pcm, 48000, 64000), "the second after the gap is not the tone");
}
GST_END_TEST;

GST_START_TEST (gap_events_from_a_live_source_become_silence)
{
  LiveSource source;
  source.start ();
  source.tone (0, 1000);
  /* A live source with nothing to say covers the time with GAP events. */
  for (guint t = 1000; t < 2500; t += 100)
    ck_assert (
        gst_pad_push_event (source.pad, gst_event_new_gap (t * GST_MSECOND, 100 * GST_MSECOND)));
  source.tone (2500, 500);
  auto frames = source.server.wait_for_audio (3 * 16000);
  auto pcm = joined_pcm (frames);
  ck_assert_msg (pcm.size () == 3 * 16000,
                 "the server got %" G_GSIZE_FORMAT " samples, not 1 s + 1.5 s of silence + 0.5 s",
                 pcm.size ());
  ck_assert_msg (all_tone (pcm, 0, 16000), "the first second is not the tone");
  ck_assert_msg (all_zero (pcm, 16000, 40000), "the GAP events did not become silence");
  ck_assert_msg (all_tone (pcm, 40000, 48000), "the audio after the gap is not the tone");
}
GST_END_TEST;

GST_START_TEST (a_gap_beyond_the_bound_ends_the_stream_and_audio_resumes_it)
{
  LiveSource source;
  source.start ();
  source.tone (0, 1000);
  source.tone (7000, 1000); /* a 6 s gap: 3 s of silence, then audioStreamEnd */
  auto frames = source.server.wait_for_audio (5 * 16000, 1);
  size_t end_at = frames.size ();
  for (size_t i = 0; i < frames.size (); i++)
    if (frames[i].kind == ReceivedFrame::Kind::STREAM_END) {
      end_at = i;
      break;
    }
  ck_assert_msg (end_at < frames.size (), "no audioStreamEnd for a 6 s gap");
  std::vector<ReceivedFrame> before (frames.begin (), frames.begin () + end_at);
  std::vector<ReceivedFrame> after (frames.begin () + end_at + 1, frames.end ());
  auto pcm_before = joined_pcm (before);
  auto pcm_after = joined_pcm (after);
  ck_assert_msg (pcm_before.size () == 4 * 16000,
                 "before audioStreamEnd: %" G_GSIZE_FORMAT " samples, not 1 s + 3 s of silence",
                 pcm_before.size ());
  ck_assert (all_tone (pcm_before, 0, 16000));
  ck_assert (all_zero (pcm_before, 16000, 64000));
  ck_assert_msg (pcm_after.size () == 16000 && all_tone (pcm_after, 0, 16000),
                 "after audioStreamEnd: %" G_GSIZE_FORMAT " samples, not the second of tone",
                 pcm_after.size ());
  /* A pause, not the end: the element did not drain. */
  ck_assert (!source.log.wait (source.pipeline, is_eos, GST_SECOND));
  std::string error = source.log.first_error ();
  ck_assert_msg (error.empty (), "an error: %s", error.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_pacing_suite (void)
{
  Suite *s = suite_create ("geminilive-pacing");
  TCase *tc = tcase_create ("pacing");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, a_burst_that_is_not_live_reaches_the_service_at_real_time);
  tcase_add_test (tc, input_pacing_off_sends_a_burst_as_fast_as_it_comes);
  tcase_add_test (tc, a_jump_in_live_timestamps_becomes_silence);
  tcase_add_test (tc, gap_events_from_a_live_source_become_silence);
  tcase_add_test (tc, a_gap_beyond_the_bound_ends_the_stream_and_audio_resumes_it);
  return s;
}

GST_CHECK_MAIN (geminilive_pacing);
