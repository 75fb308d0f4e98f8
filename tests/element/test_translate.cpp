/* gst-gemini-live element tests: the translate and transcribe models.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Translation: translate-to and translate-echo reach the setup, what the
 * model refuses fails before connecting (naming the property), the reply
 * is spoken in the target language's voice (the local server speaks it with
 * espeak-ng's voice for that language) and both transcripts arrive, the
 * source language's as input and the target's as output transcription.
 * Transcription: the session asks for TEXT, the transcript goes to text_src
 * timed by the service's offsets, src carries time only, and the end of the
 * input (EOS, push-to-talk end) sends audioStreamEnd so the text comes at once.
 */
#include "element_test_util.h"

#include "local_server.h"

#include <gst/app/gstappsrc.h>

#include <cmath>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 45 * GST_SECOND;
static const char *const TRANSLATE = "gemini-3.5-live-translate-preview";
static const char *const TRANSCRIBE = "gemini-3.5-transcribe-live";
static const char *const QUESTION = "What is the capital of France?";

namespace {

/* Every buffer and event that left a text pad. */
struct TextRecord {
  struct Buffer {
    std::string text;
    GstClockTime pts, duration;
  };
  std::mutex lock;
  std::vector<Buffer> buffers;
  bool eos = false;

  static GstPadProbeReturn probe (GstPad *, GstPadProbeInfo *info, gpointer data)
  {
    auto self = static_cast<TextRecord *> (data);
    std::lock_guard<std::mutex> guard (self->lock);
    if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstMapInfo map;
      gst_buffer_map (buffer, &map, GST_MAP_READ);
      self->buffers.push_back ({std::string ((const char *) map.data, map.size),
          GST_BUFFER_PTS (buffer), GST_BUFFER_DURATION (buffer)});
      gst_buffer_unmap (buffer, &map);
    } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
      self->eos = true;
    }
    return GST_PAD_PROBE_OK;
  }
  void attach (GstElement *element, const char *pad_name)
  {
    GstPad *pad = gst_element_get_static_pad (element, pad_name);
    gst_pad_add_probe (pad, (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER
            | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM), probe, this, nullptr);
    gst_object_unref (pad);
  }
  std::string all ()
  {
    std::lock_guard<std::mutex> guard (lock);
    std::string out;
    for (const auto &b : buffers)
      out += "[" + b.text + "] ";
    return out;
  }
};

/* The recorded client frames as JSON. */
struct Frames {
  std::vector<JsonNode *> nodes;
  explicit Frames (const LocalServer &server)
  {
    for (const auto &text : server.recorded_frames ()) {
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
  JsonObject *setup () const
  {
    ck_assert_msg (!nodes.empty (), "no frame recorded");
    JsonObject *root = json_node_get_object (nodes[0]);
    ck_assert_msg (json_object_has_member (root, "setup"), "the first frame is not setup");
    return json_object_get_object_member (root, "setup");
  }
  /* "S" activityStart, "a" a run of audio, "E" activityEnd, "X" audioStreamEnd. */
  std::string realtime_order () const
  {
    std::string order;
    for (auto node : nodes) {
      JsonObject *root = json_node_get_object (node);
      if (!json_object_has_member (root, "realtimeInput"))
        continue;
      JsonObject *input = json_object_get_object_member (root, "realtimeInput");
      if (json_object_has_member (input, "activityStart"))
        order += "S";
      else if (json_object_has_member (input, "activityEnd"))
        order += "E";
      else if (json_object_has_member (input, "audioStreamEnd"))
        order += "X";
      else if (json_object_has_member (input, "audio") && (order.empty () || order.back () != 'a'))
        order += "a";
    }
    return order;
  }
};

JsonObject *
object_at (JsonObject *object, const char *member)
{
  if (!object || !json_object_has_member (object, member))
    return nullptr;
  return json_object_get_object_member (object, member);
}

/* The fragments of one transcript kind on the bus, joined; and the
 * language-code they carried (the last one). */
std::string
bus_transcript (const BusLog &log, const char *name, std::string *language = nullptr)
{
  std::string text;
  for (auto s : log.element_messages (name)) {
    text += gst_structure_get_string (s, "text");
    const char *code = gst_structure_get_string (s, "language-code");
    if (language && code)
      *language = code;
  }
  return text;
}

std::vector<gint16>
wav_samples (const std::string &path, int &rate)
{
  gchar *data = nullptr;
  gsize size = 0;
  ck_assert (g_file_get_contents (path.c_str (), &data, &size, nullptr));
  /* A canonical sox/espeak WAV: fmt then data; find "data". */
  std::string bytes (data, size);
  g_free (data);
  size_t at = bytes.find ("data");
  ck_assert_msg (at != std::string::npos && bytes.size () > 44, "%s is no WAV", path.c_str ());
  rate = (int) ((guint8) bytes[24] | ((guint8) bytes[25] << 8) | ((guint8) bytes[26] << 16));
  std::vector<gint16> pcm ((bytes.size () - at - 8) / 2);
  memcpy (pcm.data (), bytes.data () + at + 8, pcm.size () * 2);
  return pcm;
}

/* The level in dBFS of each 20 ms window. */
std::vector<double>
levels_of (const std::vector<gint16> &pcm, int rate)
{
  const size_t window = (size_t) rate / 50;
  std::vector<double> levels;
  for (size_t w = 0; window && (w + 1) * window <= pcm.size (); w++) {
    double sum = 0;
    for (size_t i = w * window; i < (w + 1) * window; i++)
      sum += (double) pcm[i] * pcm[i];
    levels.push_back (10 * std::log10 (sum / window / (32768.0 * 32768.0) + 1e-12));
  }
  return levels;
}

/* The first and last window louder than -45 dBFS. */
std::pair<size_t, size_t>
voiced_windows (const std::vector<double> &levels)
{
  size_t first = SIZE_MAX, last = 0;
  for (size_t w = 0; w < levels.size (); w++) {
    if (levels[w] > -45) {
      first = std::min (first, w);
      last = w;
    }
  }
  ck_assert_msg (first != SIZE_MAX, "no speech");
  return {first, last};
}

/* Seconds from the first to the last voiced window; onset: where it starts. */
double
voiced_seconds (const std::vector<gint16> &pcm, int rate, double *onset = nullptr)
{
  auto [first, last] = voiced_windows (levels_of (pcm, rate));
  if (onset)
    *onset = first * 0.02;
  return (last - first + 1) * 0.02;
}

/* How unlike two renderings sound: the mean difference of their 20 ms
 * levels (floored at -60 dBFS) from the start of speech on. The same voice
 * saying the same text is a dB or two apart, another voice far more. */
double
envelope_distance (const std::vector<gint16> &a, int rate_a, const std::vector<gint16> &b,
    int rate_b)
{
  auto la = levels_of (a, rate_a), lb = levels_of (b, rate_b);
  size_t fa = voiced_windows (la).first, fb = voiced_windows (lb).first;
  size_t n = std::min (la.size () - fa, lb.size () - fb);
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += std::fabs (std::max (la[fa + i], -60.0) - std::max (lb[fb + i], -60.0));
  return n ? sum / n : 1e9;
}

/* espeak-ng's rendering of `text` in `voice`, as the server renders it. */
std::vector<gint16>
espeak (const std::string &text, const char *voice, int &rate)
{
  gchar *path = nullptr;
  int fd = g_file_open_tmp ("geminilive-espeak-XXXXXX.wav", &path, nullptr);
  ck_assert (fd >= 0);
  close (fd);
  const gchar *argv[] = {"espeak-ng", "-v", voice, "-w", path, text.c_str (), nullptr};
  gint status = 0;
  ck_assert (g_spawn_sync (nullptr, const_cast<gchar **> (argv), nullptr, G_SPAWN_SEARCH_PATH,
      nullptr, nullptr, nullptr, nullptr, &status, nullptr));
  ck_assert (g_spawn_check_wait_status (status, nullptr));
  auto pcm = wav_samples (path, rate);
  g_unlink (path);
  g_free (path);
  return pcm;
}

/* The pcm that left src (24 kHz S16LE). */
struct AudioCapture {
  std::mutex lock;
  std::vector<gint16> pcm;
  static GstPadProbeReturn probe (GstPad *, GstPadProbeInfo *info, gpointer data)
  {
    auto self = static_cast<AudioCapture *> (data);
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
    GstMapInfo map;
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    std::lock_guard<std::mutex> guard (self->lock);
    const gint16 *samples = (const gint16 *) map.data;
    self->pcm.insert (self->pcm.end (), samples, samples + map.size / 2);
    gst_buffer_unmap (buffer, &map);
    return GST_PAD_PROBE_OK;
  }
};

}  // namespace

/* Each setting the translate model refuses stops the start with an error
 * naming the property, and nothing is sent to the service. */
GST_START_TEST (translate_model_refusals_fail_before_connecting)
{
  struct Case {
    const char *property, *value, *named;
  };
  const Case cases[] = {
    {nullptr, nullptr, "translate-to"},  /* translate-to missing */
    {"voice", "Puck", "voice"},
    {"system-instruction", "Translate formally.", "system-instruction"},
    {"tools", R"([{"functionDeclarations":[{"name":"lookup"}]}])", "tools"},
    {"google-search", "true", "google-search"},
  };
  LocalServer server ({"--fast"});
  for (const auto &c : cases) {
    GstElement *pipeline = launch ("audiotestsrc num-buffers=10 ! audio/x-raw,rate=16000,"
        "channels=1 ! geminilive name=live api-key=k endpoint=" + server.endpoint ()
        + " model=" + TRANSLATE + " ! fakesink");
    GstElement *live = by_name (pipeline, "live");
    if (c.property) {
      g_object_set (live, "translate-to", "de", nullptr);
      gst_util_set_object_arg (G_OBJECT (live), c.property, c.value);
    }
    BusLog log;
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    log.wait (pipeline, [] (GstMessage *m) { return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR; },
        TIMEOUT);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    GQuark domain = 0;
    gint code = 0;
    std::string error = log.first_error (&domain, &code);
    ck_assert_msg (contains (error, c.named) && contains (error, TRANSLATE),
        "%s: the error does not name %s and the model: '%s'", c.property ? c.property : "-",
        c.named, error.c_str ());
    ck_assert_msg (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_SETTINGS,
        "%s: not a RESOURCE/SETTINGS error: %s", c.named, error.c_str ());
    gst_object_unref (live);
    gst_object_unref (pipeline);
  }
  ck_assert_msg (server.recorded_frames ().empty (), "a refused setup reached the service");
}
GST_END_TEST;

GST_START_TEST (translation_is_spoken_in_the_target_voice_with_both_transcripts)
{
  std::string scenario = write_scenario (std::string (R"({"turns": [{"transcript": ")")
      + QUESTION + "\"}]}");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live api-key=k endpoint=" + server.endpoint ()
      + " model=" + TRANSLATE + " translate-to=de-DE translate-echo=true"
      " text-src-input-transcription=true ! fakesink  live.text_src ! fakesink");
  GstElement *live = by_name (pipeline, "live");
  AudioCapture audio;
  GstPad *src = gst_element_get_static_pad (live, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, AudioCapture::probe, &audio, nullptr);
  gst_object_unref (src);
  TextRecord text;
  text.attach (live, "text_src");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "no EOS; bus:\n%s", log.dump ().c_str ());

  /* The wire: translationConfig, and nothing the model refuses. */
  Frames frames (server);
  JsonObject *generation = object_at (frames.setup (), "generationConfig");
  JsonObject *translation = object_at (generation, "translationConfig");
  ck_assert_msg (translation != nullptr, "no translationConfig in the setup");
  ck_assert_str_eq (json_object_get_string_member (translation, "targetLanguageCode"), "de-DE");
  ck_assert (json_object_get_boolean_member (translation, "echoTargetLanguage"));
  ck_assert (!object_at (generation, "speechConfig") && !object_at (frames.setup (),
      "systemInstruction"));

  /* The source text as input, the translation as output transcription. */
  std::string source_language, target_language;
  std::string source = bus_transcript (log, "geminilive/input-transcription", &source_language);
  std::string target = bus_transcript (log, "geminilive/output-transcription", &target_language);
  ck_assert_str_eq (source.c_str (), QUESTION);
  const std::string translated = std::string ("Übersetzung: ") + QUESTION;
  ck_assert_str_eq (target.c_str (), translated.c_str ());
  ck_assert_str_eq (source_language.c_str (), "en-US");
  ck_assert_str_eq (target_language.c_str (), "de-DE");

  /* Both on text_src (text-src-input-transcription=true): the translation as
   * caption lines, the source text as it came. */
  std::string lines = text.all ();
  ck_assert_msg (contains (lines, "[Übersetzung: What is the capital of France?]")
      && contains (lines, std::string ("[") + QUESTION + "]"), "text_src: %s", lines.c_str ());

  /* Spoken by the German voice: it sounds like espeak-ng -v de saying the
   * text, not like its English voice. */
  int rate = 0;
  std::lock_guard<std::mutex> guard (audio.lock);
  double ours = voiced_seconds (audio.pcm, 24000);
  auto german_pcm = espeak (target, "de", rate);
  double german = voiced_seconds (german_pcm, rate);
  auto english_pcm = espeak (target, "en-us", rate);
  double english = voiced_seconds (english_pcm, rate);
  double to_german = envelope_distance (audio.pcm, 24000, german_pcm, rate);
  double to_english = envelope_distance (audio.pcm, 24000, english_pcm, rate);
  ck_assert_msg (std::fabs (ours - german) <= 0.05 * german && to_german < 3.0
      && to_english > 2 * to_german + 3.0,
      "the reply (%.2f s) is not espeak-ng -v de (%.2f s, %.1f dB apart) rather than -v en-us "
      "(%.2f s, %.1f dB apart)", ours, german, to_german, english, to_english);
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

/* Text sent to a translate model would close the session (it takes audio
 * only): it is refused with a warning, and the translation goes on. */
GST_START_TEST (translate_model_refuses_text_input_with_a_warning)
{
  std::string scenario = write_scenario (std::string (R"({"turns": [{"transcript": ")")
      + QUESTION + "\"}]}");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! identity sync=true ! geminilive name=live api-key=k endpoint="
      + server.endpoint () + " model=" + TRANSLATE + " translate-to=fr ! fakesink");
  GstElement *live = by_name (pipeline, "live");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  auto connected = [] (GstMessage *m) {
    const GstStructure *s = gst_message_get_structure (m);
    return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (s, "geminilive/session")
        && g_strcmp0 (gst_structure_get_string (s, "state"), "connected") == 0;
  };
  ck_assert_msg (log.wait (pipeline, connected, TIMEOUT), "not connected; bus:\n%s",
      log.dump ().c_str ());
  gboolean sent = TRUE;
  g_signal_emit_by_name (live, "send-text", "Bonjour", &sent);
  ck_assert_msg (!sent, "send-text accepted by a translate model");
  g_signal_emit_by_name (live, "send-client-content", "user", "Bonjour", TRUE, &sent);
  ck_assert (!sent);
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "no EOS; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  int warnings = 0;
  for (auto m : log.messages) {
    if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_WARNING)
      continue;
    GError *error = nullptr;
    gst_message_parse_warning (m, &error, nullptr);
    if (contains (error->message, "audio input only"))
      warnings++;
    g_clear_error (&error);
  }
  ck_assert_int_eq (warnings, 1);
  for (const auto &frame : server.recorded_frames ())
    ck_assert_msg (!contains (frame, "Bonjour"), "text reached the service: %s", frame.c_str ());
  const std::string translation = bus_transcript (log, "geminilive/output-transcription");
  const std::string expected = std::string ("Traduction : ") + QUESTION;
  ck_assert_str_eq (translation.c_str (), expected.c_str ());
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

/* The transcript is placed on the input's timeline: text_src's buffer covers
 * the speech the service's offsets say (the input file starts at running
 * time 0), src carries no audio, and EOS ends the turn at once (the speech
 * ends 0.1 s before the file: only audioStreamEnd ends it, not a VAD). */
GST_START_TEST (transcription_is_timed_by_its_offsets_and_ends_at_eos)
{
  std::string scenario = write_scenario (std::string (R"({"turns": [{"transcript": ")")
      + QUESTION + "\"}]}");
  LocalServer server ({"--fast", "--scenario", scenario});
  const std::string wav = test_data_path ("question-16k-clipped.wav");
  /* latency: the transcript may come this late after its speech and keep
   * its timing (docs/captions.md). drain-timeout far beyond TIMEOUT: only
   * the final text can end this in time. */
  GstElement *pipeline = launch ("filesrc location=" + wav + " ! wavparse ! geminilive "
      "name=live api-key=k endpoint=" + server.endpoint () + " model=" + TRANSCRIBE
      + " transcription-mode=smart latency=10000 drain-timeout=600000 ! fakesink"
      "  live.text_src ! fakesink");
  GstElement *live = by_name (pipeline, "live");
  SrcRecord src;
  src.attach (live);
  TextRecord text;
  text.attach (live, "text_src");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ended = log.wait (pipeline, is_eos, TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (ended, "no EOS; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  Frames frames (server);
  JsonObject *generation = object_at (frames.setup (), "generationConfig");
  JsonArray *modalities = json_object_get_array_member (generation, "responseModalities");
  ck_assert_str_eq (json_array_get_string_element (modalities, 0), "TEXT");
  JsonObject *transcription = object_at (frames.setup (), "inputAudioTranscription");
  ck_assert_msg (transcription && json_object_has_member (transcription, "mode"),
      "no inputAudioTranscription.mode");
  ck_assert_str_eq (json_object_get_string_member (transcription, "mode"), "SMART");
  ck_assert_msg (contains (frames.realtime_order (), "aX"), "no audioStreamEnd after the audio: %s",
      frames.realtime_order ().c_str ());

  /* src: time only. */
  ck_assert_uint_eq (src.audio_bytes (), 0);
  ck_assert (src.saw ("eos"));

  /* text_src: the transcript, on the speech it transcribes. */
  std::lock_guard<std::mutex> guard (text.lock);
  ck_assert_msg (text.buffers.size () == 1, "text_src: %s", text.all ().c_str ());
  const auto &line = text.buffers[0];
  ck_assert_str_eq (line.text.c_str (), QUESTION);
  int rate = 0;
  auto pcm = wav_samples (wav, rate);
  double onset = 0;
  voiced_seconds (pcm, rate, &onset);
  GstClockTime file_end = gst_util_uint64_scale (pcm.size (), GST_SECOND, rate);
  GstClockTime frame = 20 * GST_MSECOND;  /* the server's VAD frame */
  GstClockTime speech_start = (GstClockTime) (onset * GST_SECOND);
  ck_assert_msg (line.pts + 3 * frame >= speech_start && line.pts <= speech_start + 3 * frame,
      "the transcript starts at %" GST_TIME_FORMAT ", the speech at %" GST_TIME_FORMAT,
      GST_TIME_ARGS (line.pts), GST_TIME_ARGS (speech_start));
  ck_assert_msg (GST_CLOCK_TIME_IS_VALID (line.duration)
      && line.pts + line.duration + frame >= file_end && line.pts + line.duration <= file_end,
      "the transcript ends at %" GST_TIME_FORMAT ", the audio (ended by audioStreamEnd) at %"
      GST_TIME_FORMAT, GST_TIME_ARGS (line.pts + line.duration), GST_TIME_ARGS (file_end));
  ck_assert (text.eos);

  /* The bus says the same, with the timing. */
  auto posted = log.element_messages ("geminilive/input-transcription");
  ck_assert_uint_eq (posted.size (), 1);
  guint64 pts = 0, duration = 0;
  ck_assert (gst_structure_get_uint64 (posted[0], "pts", &pts));
  ck_assert (gst_structure_get_uint64 (posted[0], "duration", &duration));
  ck_assert_uint_eq (pts, line.pts);
  ck_assert_uint_eq (duration, line.duration);
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static GstBuffer *
tone (guint ms, GstClockTime pts)
{
  guint samples = 16 * ms;
  GstBuffer *buffer = gst_buffer_new_allocate (nullptr, samples * 2, nullptr);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  auto pcm = reinterpret_cast<gint16 *> (map.data);
  for (guint i = 0; i < samples; i++)
    pcm[i] = (gint16) (8000 * ((i / 20) % 2 ? 1 : -1));
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = ms * GST_MSECOND;
  return buffer;
}

/* Push-to-talk with a transcribe model: activity-end is the end of what
 * the speaker says, so audioStreamEnd follows it and the text comes; src
 * keeps time with GAP events meanwhile. */
GST_START_TEST (push_to_talk_end_flushes_the_transcript)
{
  std::string scenario = write_scenario (std::string (R"({"turns": [{"transcript": ")")
      + QUESTION + "\"}]}");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch ("appsrc name=mic format=time is-live=true "
      "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
      "geminilive name=live automatic-activity-detection=false model=" + std::string (TRANSCRIBE)
      + " endpoint=" + server.endpoint () + " api-key=k ! fakesink sync=false"
      "  live.text_src ! fakesink sync=false");
  GstElement *live = by_name (pipeline, "live");
  GstElement *mic = by_name (pipeline, "mic");
  SrcRecord src;
  src.attach (live);
  TextRecord text;
  text.attach (live, "text_src");
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gboolean ok = FALSE;
  g_signal_emit_by_name (live, "activity-start", &ok);
  ck_assert (ok);
  for (int i = 0; i < 10; i++)
    ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic),
        tone (100, i * 100 * GST_MSECOND)), GST_FLOW_OK);
  /* appsrc hands the audio on from its own thread: the turn ends after it. */
  auto sent_bytes = [&server] {
    gsize total = 0;
    for (const auto &chunk : recorded_audio_chunks (server.recorded_frames ()))
      total += chunk.second;
    return total;
  };
  gint64 sent_deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (sent_bytes () < 32000 && g_get_monotonic_time () < sent_deadline)
    g_usleep (20 * 1000);
  ck_assert_uint_eq (sent_bytes (), 32000);
  g_signal_emit_by_name (live, "activity-end", &ok);
  ck_assert (ok);
  ck_assert_msg (log.wait (pipeline, is_element_message ("geminilive/input-transcription"),
      TIMEOUT), "no transcript after activity-end; bus:\n%s", log.dump ().c_str ());
  /* Time keeps running on src while the transcript is all there is. */
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!src.saw ("gap") && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  gint64 text_deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  auto text_count = [&text] {
    std::lock_guard<std::mutex> guard (text.lock);
    return text.buffers.size ();
  };
  while (text_count () == 0 && g_get_monotonic_time () < text_deadline)
    g_usleep (50 * 1000);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  Frames frames (server);
  const std::string order = frames.realtime_order ();
  ck_assert_str_eq (order.c_str (), "SaEX");
  ck_assert_msg (src.saw ("gap"), "no GAP on src");
  ck_assert_uint_eq (src.audio_bytes (), 0);
  ck_assert_msg (contains (text.all (), std::string ("[") + QUESTION + "]"), "text_src: %s",
      text.all ().c_str ());
  gst_object_unref (mic);
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_translate_suite (void)
{
  Suite *s = suite_create ("geminilive-translate");
  TCase *tc = tcase_create ("translate");
  tcase_set_timeout (tc, 240);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, translate_model_refusals_fail_before_connecting);
  tcase_add_test (tc, translation_is_spoken_in_the_target_voice_with_both_transcripts);
  tcase_add_test (tc, translate_model_refuses_text_input_with_a_warning);
  tcase_add_test (tc, transcription_is_timed_by_its_offsets_and_ends_at_eos);
  tcase_add_test (tc, push_to_talk_end_flushes_the_transcript);
  return s;
}

GST_CHECK_MAIN (geminilive_translate);
