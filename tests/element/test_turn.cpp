/* gst-gemini-live element tests, multimodal input: video and text input, text output,
 * push-to-talk and the turn/generation settings, against the local server.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

#include <gst/app/app.h>

#include <cmath>
#include <set>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

/* Parsed client frames recorded by the server. */
struct Frames {
  std::vector<std::string> texts;
  std::vector<JsonNode *> nodes;

  explicit Frames (const LocalServer &server) : texts (server.recorded_frames ())
  {
    for (const auto &text : texts) {
      JsonParser *parser = json_parser_new ();
      ck_assert_msg (json_parser_load_from_data (parser, text.c_str (), -1, nullptr),
          "recorded frame is not JSON: %s", text.c_str ());
      nodes.push_back (json_node_copy (json_parser_get_root (parser)));
      g_object_unref (parser);
    }
  }
  ~Frames ()
  {
    for (auto node : nodes)
      json_node_unref (node);
  }
  /* The object under realtimeInput.<kind> (or top-level <kind>) of frame i. */
  JsonObject *member (size_t i, const char *top, const char *kind = nullptr) const
  {
    JsonObject *root = json_node_get_object (nodes[i]);
    if (!json_object_has_member (root, top))
      return nullptr;
    JsonObject *object = json_object_get_object_member (root, top);
    if (!kind)
      return object;
    return json_object_has_member (object, kind) ? object : nullptr;
  }
  /* Indexes of frames realtimeInput.<kind> (kind = "video", "text", ...). */
  std::vector<size_t> realtime (const char *kind) const
  {
    std::vector<size_t> out;
    for (size_t i = 0; i < nodes.size (); i++)
      if (member (i, "realtimeInput", kind))
        out.push_back (i);
    return out;
  }
  JsonObject *setup () const
  {
    ck_assert_msg (!nodes.empty (), "no frame recorded");
    JsonObject *s = member (0, "setup");
    ck_assert_msg (s != nullptr, "the first frame is not setup");
    return s;
  }
};

static void
check_conform (const LocalServer &server)
{
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, server.recorded_frames (), report),
      "client frames do not validate: %s", report.c_str ());
}

static size_t
count_messages (const BusLog &log, const char *name)
{
  return log.element_messages (name).size ();
}

static auto
nth_element_message (const char *name, size_t n, const BusLog &log)
{
  return [name, n, &log] (GstMessage *m) {
    (void) m;
    return count_messages (log, name) >= n;
  };
}

static void
wait_recorded (const LocalServer &server, const char *kind, size_t n, GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout / GST_USECOND);
  while (g_get_monotonic_time () < deadline) {
    if (Frames (server).realtime (kind).size () >= n)
      return;
    g_usleep (50 * 1000);
  }
}

GST_START_TEST (videotestsrc_jpeg_frames_are_sent_throttled_to_video_fps)
{
  LocalServer server ({"--fast"});
  /* 10 frames/s in, video-fps=2 out: most frames are dropped, never blocked. */
  GstElement *pipeline = launch ("geminilive name=live endpoint=" + server.endpoint ()
      + " api-key=test-key video-fps=2 media-resolution=low ! fakesink sync=false "
      "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=10/1 ! "
      "jpegenc ! identity name=counter ! live.video_sink");
  GstElement *counter = by_name (pipeline, "counter");
  gint frames_in = 0;
  g_signal_connect (counter, "handoff", G_CALLBACK (+[] (GstElement *, GstBuffer *,
          gpointer data) { g_atomic_int_inc (static_cast<gint *> (data)); }), &frames_in);
  g_object_set (counter, "signal-handoffs", TRUE, nullptr);

  BusLog log;
  gint64 start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_recorded (server, "video", 4, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  double elapsed_s = (g_get_monotonic_time () - start) / 1e6;
  log.wait (pipeline, [] (GstMessage *) { return false; }, 100 * GST_MSECOND);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  Frames frames (server);
  auto video = frames.realtime ("video");
  ck_assert_msg (video.size () >= 4, "only %zu video frames reached the server",
      video.size ());
  /* Throttled: at most one frame per 1/video-fps, plus the first. */
  ck_assert_msg (video.size () <= (size_t) (elapsed_s * 2) + 1,
      "%zu frames in %.1f s is more than video-fps=2 allows", video.size (), elapsed_s);
  ck_assert_msg ((size_t) g_atomic_int_get (&frames_in) > video.size (),
      "upstream produced %d frames, no more than were sent (%zu): nothing was dropped",
      g_atomic_int_get (&frames_in), video.size ());
  for (size_t i : video) {
    JsonObject *blob = json_object_get_object_member (frames.member (i, "realtimeInput"),
        "video");
    ck_assert_str_eq (json_object_get_string_member (blob, "mimeType"), "image/jpeg");
    gsize size = 0;
    guchar *jpeg = g_base64_decode (json_object_get_string_member (blob, "data"), &size);
    ck_assert_msg (size > 100 && jpeg[0] == 0xff && jpeg[1] == 0xd8, "not a JPEG frame");
    g_free (jpeg);
  }
  JsonObject *generation = json_object_get_object_member (frames.setup (), "generationConfig");
  ck_assert_str_eq (json_object_get_string_member (generation, "mediaResolution"),
      "MEDIA_RESOLUTION_LOW");
  check_conform (server);
  gst_object_unref (counter);
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (png_frames_are_sent_as_image_png)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch ("geminilive name=live endpoint=" + server.endpoint ()
      + " api-key=test-key video-fps=30 ! fakesink sync=false "
      "videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48 ! pngenc ! live.video_sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_recorded (server, "video", 1, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  Frames frames (server);
  auto video = frames.realtime ("video");
  ck_assert_msg (!video.empty (), "no PNG frame reached the server");
  JsonObject *blob = json_object_get_object_member (frames.member (video[0], "realtimeInput"),
      "video");
  ck_assert_str_eq (json_object_get_string_member (blob, "mimeType"), "image/png");
  check_conform (server);
  gst_object_unref (pipeline);
}
GST_END_TEST;

/* Text buffers that left text_src, and the pts of every audio buffer. */
struct TextRecord {
  std::mutex lock;
  std::vector<std::pair<GstClockTime, GstClockTime>> stamps;  /* pts, duration */
  std::string text;
  std::set<GstClockTime> audio_pts;
  bool eos = false;
};

static GstPadProbeReturn
record_text (GstPad *, GstPadProbeInfo *info, gpointer data)
{
  auto record = static_cast<TextRecord *> (data);
  std::lock_guard<std::mutex> guard (record->lock);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
    record->stamps.emplace_back (GST_BUFFER_PTS (buffer), GST_BUFFER_DURATION (buffer));
    GstMapInfo map;
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    record->text.append ((const char *) map.data, map.size);
    gst_buffer_unmap (buffer, &map);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    record->eos = true;
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
record_audio_pts (GstPad *, GstPadProbeInfo *info, gpointer data)
{
  auto record = static_cast<TextRecord *> (data);
  std::lock_guard<std::mutex> guard (record->lock);
  record->audio_pts.insert (GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info)));
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (text_input_from_pad_and_signals_is_answered_with_subtitles_on_text_src)
{
  LocalServer server ({"--fast"});
  /* latency=2000: idle GAPs stay far behind the replies, so every subtitle
   * keeps the exact pts of the audio it transcribes. */
  GstElement *pipeline = launch ("appsrc name=text format=time "
      "caps=text/x-raw,format=utf8 ! live.text_sink "
      "geminilive name=live latency=2000 endpoint=" + server.endpoint ()
      + " api-key=test-key ! fakesink sync=false "
      "live.text_src ! fakesink name=subs sync=false");
  GstElement *live = by_name (pipeline, "live");
  GstElement *appsrc = by_name (pipeline, "text");
  TextRecord record;
  GstPad *text_src = gst_element_get_static_pad (live, "text_src");
  ck_assert_msg (text_src != nullptr, "no text_src pad");
  gst_pad_add_probe (text_src, (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER
          | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM), record_text, &record, nullptr);
  GstPad *src = gst_element_get_static_pad (live, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, record_audio_pts, &record, nullptr);

  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  const char *message = "Hello from the text pad";
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (appsrc),
          gst_buffer_new_memdup (message, strlen (message))), GST_FLOW_OK);
  ck_assert_msg (log.wait (pipeline, nth_element_message ("geminilive/turn-complete", 1, log),
          TIMEOUT), "no reply to the text pad's message; bus:\n%s", log.dump ().c_str ());

  gboolean ok = FALSE;
  g_signal_emit_by_name (live, "send-text", "Second message by signal", &ok);
  ck_assert_msg (ok, "send-text refused");
  ck_assert_msg (log.wait (pipeline, nth_element_message ("geminilive/turn-complete", 2, log),
          TIMEOUT), "no reply to send-text; bus:\n%s", log.dump ().c_str ());

  g_signal_emit_by_name (live, "send-client-content", "user", "Earlier question", FALSE, &ok);
  ck_assert (ok);
  g_signal_emit_by_name (live, "send-client-content", "model", "Earlier answer", FALSE, &ok);
  ck_assert (ok);
  g_signal_emit_by_name (live, "send-client-content", "user", "Third by client content",
      TRUE, &ok);
  ck_assert (ok);
  g_signal_emit_by_name (live, "send-client-content", "narrator", "bad role", TRUE, &ok);
  ck_assert_msg (!ok, "a role other than user/model was accepted");
  ck_assert_msg (log.wait (pipeline, nth_element_message ("geminilive/turn-complete", 3, log),
          TIMEOUT), "no reply to send-client-content; bus:\n%s", log.dump ().c_str ());
  /* turn-complete is posted when it arrives; the reply's audio (and with it
   * its subtitles) may still be on its way out. */
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline) {
    {
      std::lock_guard<std::mutex> guard (record.lock);
      if (contains (record.text, "answering.You said: Third"))
        break;
    }
    g_usleep (50 * 1000);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  Frames frames (server);
  std::vector<std::string> texts;
  for (size_t i : frames.realtime ("text"))
    texts.push_back (json_object_get_string_member (frames.member (i, "realtimeInput"),
            "text"));
  ck_assert_msg (texts.size () == 2, "%zu realtimeInput.text frames, expected 2",
      texts.size ());
  ck_assert_str_eq (texts[0].c_str (), message);
  ck_assert_str_eq (texts[1].c_str (), "Second message by signal");
  size_t content_frames = 0;
  for (size_t i = 0; i < frames.nodes.size (); i++)
    if (frames.member (i, "clientContent"))
      content_frames++;
  ck_assert_msg (content_frames == 3, "%zu clientContent frames, expected 3", content_frames);
  check_conform (server);

  /* text_src: the server's output transcription of each reply, every buffer
   * stamped at the pts of an audio buffer (the one it transcribes). */
  std::lock_guard<std::mutex> guard (record.lock);
  ck_assert_msg (contains (record.text, "Hello from the text pad"),
      "text_src lacks the first reply's transcript: '%s'", record.text.c_str ());
  ck_assert_msg (contains (record.text, "Third by client content"),
      "text_src lacks the third reply's transcript: '%s'", record.text.c_str ());
  GstClockTime previous = 0;
  for (const auto &stamp : record.stamps) {
    ck_assert_msg (GST_CLOCK_TIME_IS_VALID (stamp.first) && GST_CLOCK_TIME_IS_VALID (stamp.second)
        && stamp.second > 0, "a subtitle without pts or duration");
    ck_assert_msg (stamp.first >= previous, "subtitle timestamps go back");
    ck_assert_msg (record.audio_pts.count (stamp.first) == 1,
        "subtitle at %" GST_TIME_FORMAT " matches no audio buffer", GST_TIME_ARGS (stamp.first));
    previous = stamp.first;
  }
  gst_object_unref (src);
  gst_object_unref (text_src);
  gst_object_unref (appsrc);
  gst_object_unref (live);
  gst_object_unref (pipeline);
}
GST_END_TEST;

static GstBuffer *
tone_16k (guint ms)
{
  guint samples = 16 * ms;
  GstBuffer *buffer = gst_buffer_new_allocate (nullptr, samples * 2, nullptr);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  auto pcm = reinterpret_cast<gint16 *> (map.data);
  for (guint i = 0; i < samples; i++)
    pcm[i] = (gint16) (8000 * ((i / 20) % 2 ? 1 : -1));  /* 400 Hz square */
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

GST_START_TEST (push_to_talk_by_signal_and_custom_events)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch ("appsrc name=mic format=time "
      "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
      "geminilive name=live automatic-activity-detection=false silence-duration-ms=300 "
      /* The activity signals act at once; paced, the burst pushed before
       * them would still be on its way (docs/element.md, steady input). */
      "input-pacing=off "
      "endpoint=" + server.endpoint () + " api-key=test-key ! fakesink sync=false");
  GstElement *live = by_name (pipeline, "live");
  GstElement *mic = by_name (pipeline, "mic");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  /* Turn 1: signals. */
  gboolean ok = FALSE;
  g_signal_emit_by_name (live, "activity-start", &ok);
  ck_assert_msg (ok, "activity-start refused with detection off");
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), tone_16k (400)), GST_FLOW_OK);
  wait_recorded (server, "audio", 1, TIMEOUT);
  g_signal_emit_by_name (live, "activity-end", &ok);
  ck_assert (ok);
  ck_assert_msg (log.wait (pipeline, nth_element_message ("geminilive/turn-complete", 1, log),
          TIMEOUT), "no reply after activity-end; bus:\n%s", log.dump ().c_str ());

  /* Turn 2: a downstream event in the audio stream starts it, an upstream
   * event from the sink (a "button" on the pipeline) ends it. */
  gst_element_send_event (mic, gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
          gst_structure_new_empty ("geminilive/activity-start")));
  ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), tone_16k (400)), GST_FLOW_OK);
  wait_recorded (server, "activityStart", 2, TIMEOUT);
  wait_recorded (server, "audio", 2, TIMEOUT);
  gst_element_send_event (pipeline, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM,
          gst_structure_new_empty ("geminilive/activity-end")));
  ck_assert_msg (log.wait (pipeline, nth_element_message ("geminilive/turn-complete", 2, log),
          TIMEOUT), "no reply after the activity-end event; bus:\n%s", log.dump ().c_str ());
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  Frames frames (server);
  JsonObject *config = json_object_get_object_member (frames.setup (), "realtimeInputConfig");
  ck_assert_msg (config != nullptr, "setup lacks realtimeInputConfig");
  JsonObject *aad = json_object_get_object_member (config, "automaticActivityDetection");
  ck_assert (json_object_get_boolean_member (aad, "disabled"));
  ck_assert_int_eq (json_object_get_int_member (aad, "silenceDurationMs"), 300);
  /* Order on the wire: start, the turn's audio, end; twice. */
  std::string order;
  for (size_t i = 0; i < frames.nodes.size (); i++) {
    if (frames.member (i, "realtimeInput", "activityStart"))
      order += "S";
    else if (frames.member (i, "realtimeInput", "activityEnd"))
      order += "E";
    else if (frames.member (i, "realtimeInput", "audio") && (order.empty ()
            || order.back () != 'a'))
      order += "a";
  }
  ck_assert_str_eq (order.c_str (), "SaESaE");
  check_conform (server);
  gst_object_unref (mic);
  gst_object_unref (live);
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (activity_signals_are_refused_while_automatic_detection_is_on)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch ("geminilive name=live endpoint=" + server.endpoint ()
      + " api-key=test-key ! fakesink sync=false");
  GstElement *live = by_name (pipeline, "live");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gboolean ok = TRUE;
  g_signal_emit_by_name (live, "activity-start", &ok);
  ck_assert_msg (!ok, "activity-start accepted while automatic detection is on");
  ck_assert_msg (log.wait (pipeline, [] (GstMessage *m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING;
      }, TIMEOUT), "no warning on the bus");
  g_signal_emit_by_name (live, "send-text", "still alive?", &ok);
  ck_assert (ok);
  ck_assert_msg (log.wait (pipeline, is_element_message ("geminilive/turn-complete"), TIMEOUT),
      "the session did not survive; bus:\n%s", log.dump ().c_str ());
  gst_element_set_state (pipeline, GST_STATE_NULL);
  std::string warning;
  for (auto m : log.messages) {
    if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_WARNING)
      continue;
    GError *error = nullptr;
    gst_message_parse_warning (m, &error, nullptr);
    warning = error->message;
    g_clear_error (&error);
  }
  ck_assert_msg (contains (warning, "automatic activity detection is on"),
      "the warning does not say why: '%s'", warning.c_str ());
  Frames frames (server);
  ck_assert_msg (frames.realtime ("activityStart").empty (), "activityStart was sent");
  ck_assert_msg (json_object_get_member (frames.setup (), "realtimeInputConfig") == nullptr,
      "setup has realtimeInputConfig although nothing was set");
  gst_object_unref (live);
  gst_object_unref (pipeline);
}
GST_END_TEST;

/* Opens one session with these properties; frames = what the server recorded. */
static void
setup_of_a_session (const LocalServer &server, const std::string &properties, Frames *&frames)
{
  GstElement *pipeline = launch ("geminilive name=live endpoint=" + server.endpoint ()
      + " api-key=test-key " + properties + " ! fakesink sync=false");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool connected = log.wait (pipeline, [] (GstMessage *m) {
        if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ELEMENT)
          return false;
        const GstStructure *s = gst_message_get_structure (m);
        return gst_structure_has_name (s, "geminilive/session")
            && g_strcmp0 (gst_structure_get_string (s, "state"), "connected") == 0;
      }, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  ck_assert_msg (connected, "no session; bus:\n%s", log.dump ().c_str ());
  frames = new Frames (server);
}

GST_START_TEST (generation_settings_are_sent_only_when_set)
{
  LocalServer plain_server ({"--fast"});
  Frames *plain = nullptr;
  setup_of_a_session (plain_server, "", plain);
  JsonObject *generation = json_object_get_object_member (plain->setup (), "generationConfig");
  for (const char *name : {"maxOutputTokens", "topP", "topK", "thinkingConfig",
           "mediaResolution", "enableAffectiveDialog"})
    ck_assert_msg (!json_object_has_member (generation, name), "%s sent though unset", name);
  ck_assert (!json_object_has_member (plain->setup (), "proactivity"));
  ck_assert (!json_object_has_member (plain->setup (), "realtimeInputConfig"));
  delete plain;

  LocalServer rich_server ({"--fast"});
  Frames *rich = nullptr;
  /* The 2.5 model takes every one of these (3.8 refuses the thinking budget,
   * affective dialog and proactiveAudio settings). */
  setup_of_a_session (rich_server, "model=gemini-2.5-flash-native-audio-preview-12-2025 "
      "max-output-tokens=300 top-p=0.9 top-k=20 "
      "thinking-budget=0 include-thoughts=true proactive-audio=true affective-dialog=true "
      "start-sensitivity=low end-sensitivity=high prefix-padding-ms=40 "
      "activity-handling=no-interruption turn-coverage=all-input", rich);
  JsonObject *setup = rich->setup ();
  generation = json_object_get_object_member (setup, "generationConfig");
  ck_assert_int_eq (json_object_get_int_member (generation, "maxOutputTokens"), 300);
  ck_assert (fabs (json_object_get_double_member (generation, "topP") - 0.9) < 1e-9);
  ck_assert_int_eq (json_object_get_int_member (generation, "topK"), 20);
  JsonObject *thinking = json_object_get_object_member (generation, "thinkingConfig");
  ck_assert_int_eq (json_object_get_int_member (thinking, "thinkingBudget"), 0);
  ck_assert (json_object_get_boolean_member (thinking, "includeThoughts"));
  ck_assert (json_object_get_boolean_member (generation, "enableAffectiveDialog"));
  ck_assert (json_object_get_boolean_member (json_object_get_object_member (setup,
              "proactivity"), "proactiveAudio"));
  JsonObject *config = json_object_get_object_member (setup, "realtimeInputConfig");
  JsonObject *aad = json_object_get_object_member (config, "automaticActivityDetection");
  ck_assert_str_eq (json_object_get_string_member (aad, "startOfSpeechSensitivity"),
      "START_SENSITIVITY_LOW");
  ck_assert_str_eq (json_object_get_string_member (aad, "endOfSpeechSensitivity"),
      "END_SENSITIVITY_HIGH");
  ck_assert_int_eq (json_object_get_int_member (aad, "prefixPaddingMs"), 40);
  ck_assert (!json_object_has_member (aad, "disabled"));
  ck_assert_str_eq (json_object_get_string_member (config, "activityHandling"),
      "NO_INTERRUPTION");
  ck_assert_str_eq (json_object_get_string_member (config, "turnCoverage"),
      "TURN_INCLUDES_ALL_INPUT");
  check_conform (rich_server);
  delete rich;
}
GST_END_TEST;

static Suite *
geminilive_turn_suite (void)
{
  Suite *s = suite_create ("geminilive-turn");
  TCase *tc = tcase_create ("turn");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, videotestsrc_jpeg_frames_are_sent_throttled_to_video_fps);
  tcase_add_test (tc, png_frames_are_sent_as_image_png);
  tcase_add_test (tc, text_input_from_pad_and_signals_is_answered_with_subtitles_on_text_src);
  tcase_add_test (tc, push_to_talk_by_signal_and_custom_events);
  tcase_add_test (tc, activity_signals_are_refused_while_automatic_detection_is_on);
  tcase_add_test (tc, generation_settings_are_sent_only_when_set);
  return s;
}

GST_CHECK_MAIN (geminilive_turn);
