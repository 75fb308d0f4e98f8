/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-geminilive
 * @title: geminilive
 *
 * A spoken conversation with a Gemini Live model. Microphone audio that
 * reaches the sink pad is streamed to the Live API over a WebSocket; the
 * model's spoken replies leave the src pad as 24 kHz mono audio, timestamped
 * like a live source. Transcripts, turn boundaries, barge-in and token usage
 * are posted as element messages (geminilive/...). When the user talks over a
 * reply the rest of it is dropped and downstream is flushed, so the speaker
 * falls silent at once. EOS on the sink pad ends the input; EOS leaves the src
 * pad once the model has finished answering.
 *
 * The WebSocket code lives in gst/live/ (LiveSession, NetworkThread), the wire
 * codec in gst/live/protocol.*; this file is the GObject glue (properties,
 * pads) and opens and closes the session on state changes. The sink pad is in
 * geminilive_sink.cpp, the src pad task in geminilive_output.cpp.
 *
 * ## Example launch line
 * |[
 * GEMINI_API_KEY=... gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! \
 *     audioconvert ! audioresample ! geminilive ! wavenc ! filesink location=reply.wav
 * ]|
 * Talks to the Live API and writes the spoken answer to reply.wav; ends by itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "geminilive_private.h"
#include "geminilive_backend.h"
#include "geminilive_turn.h"

#include "live/endpoint.h"
#include "live/protocol.h"

GST_DEBUG_CATEGORY (gst_gemini_live_debug);

#define DEFAULT_MODEL "gemini-2.5-flash-native-audio-preview-12-2025"
/* Empty: the backend's own host (gst/live/endpoint.h). */
#define DEFAULT_ENDPOINT ""
#define DEFAULT_API_VERSION "v1beta"
#define DEFAULT_TEMPERATURE -1.0
#define DEFAULT_TRANSCRIPTION TRUE
#define DEFAULT_LATENCY_MS 100
#define DEFAULT_DRAIN_TIMEOUT_MS 30000

enum {
  PROP_0,
  PROP_API_KEY,
  PROP_MODEL,
  PROP_VOICE,
  PROP_LANGUAGE_CODE,
  PROP_SYSTEM_INSTRUCTION,
  PROP_TEMPERATURE,
  PROP_INPUT_TRANSCRIPTION,
  PROP_OUTPUT_TRANSCRIPTION,
  PROP_ENDPOINT,
  PROP_API_VERSION,
  PROP_LATENCY,
  PROP_DRAIN_TIMEOUT,
  PROP_UNPARSABLE_FRAMES,
};

/* Feature property groups, each in its own file; nullptr ends the list. */
static const GeminiLivePropertyGroup *const property_groups[] = {
  &gst_gemini_live_backend_properties,
  &gst_gemini_live_tools_properties,
  &gst_gemini_live_turn_properties,
  &gst_gemini_live_resilience_properties,
  nullptr,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=16000; "
        "audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=[8000,48000]"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=24000"));

#define gst_gemini_live_parent_class parent_class
G_DEFINE_TYPE (GstGeminiLive, gst_gemini_live, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (geminilive, "geminilive", GST_RANK_NONE, GST_TYPE_GEMINI_LIVE);

static void gst_gemini_live_finalize (GObject *object);
static void gst_gemini_live_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec);
static void gst_gemini_live_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec);
static GstStateChangeReturn gst_gemini_live_change_state (GstElement *element,
    GstStateChange transition);

static void
gst_gemini_live_class_init (GstGeminiLiveClass *klass)
{
  auto gobject_class = G_OBJECT_CLASS (klass);
  auto element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_gemini_live_finalize;
  gobject_class->set_property = gst_gemini_live_set_property;
  gobject_class->get_property = gst_gemini_live_get_property;

  auto ready_flags = (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY);

  g_object_class_install_property (gobject_class, PROP_API_KEY,
      g_param_spec_string ("api-key", "API key",
          "Gemini API key (write-only, never logged). When unset or empty the "
          "GEMINI_API_KEY environment variable is used, then GOOGLE_API_KEY", nullptr,
          (GParamFlags) (G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "Live model ID, sent as models/<model>", DEFAULT_MODEL, ready_flags));
  g_object_class_install_property (gobject_class, PROP_VOICE,
      g_param_spec_string ("voice", "Voice",
          "Prebuilt voice name (e.g. Puck, Kore); empty = the model's default", nullptr,
          ready_flags));
  g_object_class_install_property (gobject_class, PROP_LANGUAGE_CODE,
      g_param_spec_string ("language-code", "Language code",
          "BCP-47 language of the spoken replies (e.g. en-US); empty = automatic", nullptr,
          ready_flags));
  g_object_class_install_property (gobject_class, PROP_SYSTEM_INSTRUCTION,
      g_param_spec_string ("system-instruction", "System instruction",
          "Instructions that steer the model for the whole session; empty = none", nullptr,
          ready_flags));
  g_object_class_install_property (gobject_class, PROP_TEMPERATURE,
      g_param_spec_double ("temperature", "Temperature",
          "Sampling temperature; -1 = unset (the service's default is used)", -1.0, 2.0,
          DEFAULT_TEMPERATURE, ready_flags));
  g_object_class_install_property (gobject_class, PROP_INPUT_TRANSCRIPTION,
      g_param_spec_boolean ("input-transcription", "Input transcription",
          "Ask for transcripts of the user's speech (geminilive/input-transcription messages)",
          DEFAULT_TRANSCRIPTION, ready_flags));
  g_object_class_install_property (gobject_class, PROP_OUTPUT_TRANSCRIPTION,
      g_param_spec_boolean ("output-transcription", "Output transcription",
          "Ask for transcripts of the model's speech (geminilive/output-transcription messages)",
          DEFAULT_TRANSCRIPTION, ready_flags));
  g_object_class_install_property (gobject_class, PROP_ENDPOINT,
      g_param_spec_string ("endpoint", "Endpoint",
          "Base URL of the Live API (wss://host[:port]; ws://127.0.0.1:PORT for a local server); "
          "empty = the backend's own host. Only scheme, host and port are replaced",
          DEFAULT_ENDPOINT, ready_flags));
  g_object_class_install_property (gobject_class, PROP_API_VERSION,
      g_param_spec_string ("api-version", "API version",
          "API version in the WebSocket path (v1beta, v1alpha, v1)", DEFAULT_API_VERSION,
          ready_flags));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Latency reported on the src pad in ms; it absorbs network jitter between the "
          "chunks of a reply", 0, 10000, DEFAULT_LATENCY_MS, ready_flags));
  g_object_class_install_property (gobject_class, PROP_DRAIN_TIMEOUT,
      g_param_spec_uint ("drain-timeout", "Drain timeout",
          "After EOS on the sink pad, longest wait in ms for the model to finish its answer "
          "before EOS is pushed anyway (with a warning)", 0, G_MAXUINT,
          DEFAULT_DRAIN_TIMEOUT_MS, ready_flags));
  g_object_class_install_property (gobject_class, PROP_UNPARSABLE_FRAMES,
      g_param_spec_uint64 ("unparsable-frames", "Unparsable frames",
          "Server frames that could not be parsed or carried unknown fields (logged and "
          "skipped)", 0, G_MAXUINT64, 0,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  for (auto group = property_groups; *group; group++)
    (*group)->install (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  /* video_sink, text_sink, text_src and the push-to-talk action signals */
  gst_gemini_live_pads_class_init (element_class);
  gst_element_class_set_static_metadata (element_class, "Gemini Live conversation",
      "Filter/Audio/Network",
      "Spoken conversation with a Gemini Live model over the Live API WebSocket",
      "gst-gemini-live contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_gemini_live_change_state);

  GST_DEBUG_CATEGORY_INIT (gst_gemini_live_debug, "geminilive", 0, "Gemini Live element");
}

static void
gst_gemini_live_init (GstGeminiLive *self)
{
  auto priv = self->priv = new GstGeminiLivePrivate (self);
  priv->tools = gst_gemini_live_tools_new ();
  priv->settings.model = DEFAULT_MODEL;
  priv->settings.endpoint = DEFAULT_ENDPOINT;
  priv->settings.api_version = DEFAULT_API_VERSION;
  priv->pads = gst_gemini_live_pads_new ();

  priv->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (priv->sinkpad, GST_DEBUG_FUNCPTR (gst_gemini_live_sink_chain));
  gst_pad_set_event_function (priv->sinkpad, GST_DEBUG_FUNCPTR (gst_gemini_live_sink_event));
  gst_pad_set_query_function (priv->sinkpad, GST_DEBUG_FUNCPTR (gst_gemini_live_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), priv->sinkpad);

  priv->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_activatemode_function (priv->srcpad,
      GST_DEBUG_FUNCPTR (gst_gemini_live_src_activate_mode));
  gst_pad_set_query_function (priv->srcpad, GST_DEBUG_FUNCPTR (gst_gemini_live_src_query));
  gst_pad_set_event_function (priv->srcpad, GST_DEBUG_FUNCPTR (gst_gemini_live_src_event));
  gst_pad_use_fixed_caps (priv->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), priv->srcpad);

  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
gst_gemini_live_finalize (GObject *object)
{
  auto self = GST_GEMINI_LIVE (object);
  delete self->priv;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
set_string (std::string &target, const GValue *value)
{
  const gchar *s = g_value_get_string (value);
  target = s ? s : "";
}

static void
gst_gemini_live_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  auto self = GST_GEMINI_LIVE (object);
  auto priv = self->priv;
  for (auto group = property_groups; *group; group++)
    if ((*group)->set (self, prop_id, value))
      return;

  std::lock_guard<std::mutex> guard (priv->settings_lock);
  auto &s = priv->settings;

  switch (prop_id) {
    case PROP_API_KEY: set_string (s.api_key, value); break;
    case PROP_MODEL:
      set_string (s.model, value);
      if (s.model.empty ())
        s.model = DEFAULT_MODEL;
      break;
    case PROP_VOICE: set_string (s.voice, value); break;
    case PROP_LANGUAGE_CODE: set_string (s.language_code, value); break;
    case PROP_SYSTEM_INSTRUCTION: set_string (s.system_instruction, value); break;
    case PROP_TEMPERATURE: s.temperature = g_value_get_double (value); break;
    case PROP_INPUT_TRANSCRIPTION: s.input_transcription = g_value_get_boolean (value); break;
    case PROP_OUTPUT_TRANSCRIPTION: s.output_transcription = g_value_get_boolean (value); break;
    case PROP_ENDPOINT:
      set_string (s.endpoint, value);
      if (s.endpoint.empty ())
        s.endpoint = DEFAULT_ENDPOINT;
      break;
    case PROP_API_VERSION:
      set_string (s.api_version, value);
      if (s.api_version.empty ())
        s.api_version = DEFAULT_API_VERSION;
      break;
    case PROP_LATENCY: s.latency_ms = g_value_get_uint (value); break;
    case PROP_DRAIN_TIMEOUT: s.drain_timeout_ms = g_value_get_uint (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_gemini_live_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  auto self = GST_GEMINI_LIVE (object);
  auto priv = self->priv;
  for (auto group = property_groups; *group; group++)
    if ((*group)->get (self, prop_id, value))
      return;

  if (prop_id == PROP_UNPARSABLE_FRAMES) {
    std::lock_guard<std::mutex> guard (priv->session_lock);
    guint64 count = priv->unparsable_before;
    if (priv->session)
      count += priv->session->unparsable_frames ();
    g_value_set_uint64 (value, count);
    return;
  }

  std::lock_guard<std::mutex> guard (priv->settings_lock);
  auto &s = priv->settings;
  switch (prop_id) {
    case PROP_MODEL: g_value_set_string (value, s.model.c_str ()); break;
    case PROP_VOICE: g_value_set_string (value, s.voice.c_str ()); break;
    case PROP_LANGUAGE_CODE: g_value_set_string (value, s.language_code.c_str ()); break;
    case PROP_SYSTEM_INSTRUCTION:
      g_value_set_string (value, s.system_instruction.c_str ());
      break;
    case PROP_TEMPERATURE: g_value_set_double (value, s.temperature); break;
    case PROP_INPUT_TRANSCRIPTION: g_value_set_boolean (value, s.input_transcription); break;
    case PROP_OUTPUT_TRANSCRIPTION: g_value_set_boolean (value, s.output_transcription); break;
    case PROP_ENDPOINT: g_value_set_string (value, s.endpoint.c_str ()); break;
    case PROP_API_VERSION: g_value_set_string (value, s.api_version.c_str ()); break;
    case PROP_LATENCY: g_value_set_uint (value, s.latency_ms); break;
    case PROP_DRAIN_TIMEOUT: g_value_set_uint (value, s.drain_timeout_ms); break;
    default:
      /* api-key is write-only: GObject never asks for it. */
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* --- session lifecycle --- */

static bool
gst_gemini_live_open_session (GstGeminiLive *self)
{
  auto priv = self->priv;
  GeminiLiveSettings s;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    s = priv->settings;
  }

  /* Backend, credentials, URL and model name (geminilive_backend.cpp). */
  gemlive::ConnectionRequest request;
  std::string model_resource;
  if (!gst_gemini_live_backend_prepare (self, request, model_resource))
    return false;

  gemlive::SetupConfig setup;
  setup.model = model_resource;
  setup.voice = s.voice;
  setup.language_code = s.language_code;
  setup.system_instruction = s.system_instruction;
  if (s.temperature >= 0.0)
    setup.temperature = s.temperature;
  setup.input_transcription = s.input_transcription;
  setup.output_transcription = s.output_transcription;
  /* Each feature adds its own part of the setup message. */
  if (!gst_gemini_live_tools_configure_setup (self, setup))
    return false;
  gst_gemini_live_turn_fill_setup (self, s, setup);
  gemlive::SessionOptions options;
  if (!gst_gemini_live_resilience_configure (self, setup, options))
    return false;

  const std::string redacted_url = request.redacted_url;
  auto session = std::make_shared<gemlive::LiveSession> (priv->events,
      gst_gemini_live_backend_provider (self, std::move (request)), std::move (setup), options);
  auto &thread = session->network_thread ();
  auto chunk_alarm = std::make_shared<gemlive::Alarm> (thread,
      [self] { gst_gemini_live_flush_partial_chunk (self); });
  auto drain_alarm = std::make_shared<gemlive::Alarm> (thread,
      [self] { gst_gemini_live_drain_timed_out (self); });
  {
    std::lock_guard<std::mutex> guard (priv->reply_lock);
    priv->reply = GeminiLiveReplyState ();
  }
  {
    std::lock_guard<std::mutex> guard (priv->input_lock);
    priv->chunker.reset ();
  }
  {
    std::lock_guard<std::mutex> guard (priv->session_lock);
    priv->session = session;
    priv->chunk_alarm = chunk_alarm;
    priv->drain_alarm = drain_alarm;
    priv->model_in_use = s.model;
    priv->latency = s.latency_ms * GST_MSECOND;
    priv->drain_timeout = s.drain_timeout_ms * GST_MSECOND;
  }
  gst_gemini_live_tools_session_opened (self, *session);
  GST_INFO_OBJECT (self, "opening a Live session with model %s at %s", model_resource.c_str (),
      redacted_url.c_str ());
  gst_gemini_live_post (self, gst_structure_new ("geminilive/session",
          "state", G_TYPE_STRING, "connecting", nullptr));
  gst_element_post_message (GST_ELEMENT (self), gst_message_new_progress (GST_OBJECT (self),
          GST_PROGRESS_TYPE_START, "connect", "Connecting to the Gemini Live API"));
  session->start ();
  return true;
}

/* Synchronous: when it returns no network callback runs and nothing waits. */
static void
gst_gemini_live_close_session (GstGeminiLive *self)
{
  auto priv = self->priv;
  std::shared_ptr<gemlive::LiveSession> session;
  std::shared_ptr<gemlive::Alarm> chunk_alarm, drain_alarm;
  {
    std::lock_guard<std::mutex> guard (priv->session_lock);
    session.swap (priv->session);
    chunk_alarm.swap (priv->chunk_alarm);
    drain_alarm.swap (priv->drain_alarm);
  }
  if (!session)
    return;
  /* Alarms first (their callbacks use the session), outside every lock: their
   * destructors wait for the network thread. Another thread may still hold a
   * copy for a moment; it only arms it. */
  chunk_alarm.reset ();
  drain_alarm.reset ();
  /* Forget this session's function calls and held input, stop their timer. */
  gst_gemini_live_tools_session_closed (self);
  session->stop ();
  /* Keep the newest resumption handle for the resumption-handle property. */
  gst_gemini_live_resilience_session_closed (self, *session);
  std::lock_guard<std::mutex> guard (priv->session_lock);
  priv->unparsable_before += session->unparsable_frames ();
  priv->key_in_use.clear ();
}

static GstStateChangeReturn
gst_gemini_live_change_state (GstElement *element, GstStateChange transition)
{
  auto self = GST_GEMINI_LIVE (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    if (!gst_gemini_live_open_session (self))
      return GST_STATE_CHANGE_FAILURE;
  } else if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    /* Before the pads deactivate, so no FLUSH_START races the src task's stop. */
    gst_gemini_live_close_session (self);
    self->priv->output.set_flushing (true);
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      gst_gemini_live_close_session (self);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* Like every live source: no preroll. */
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    default:
      break;
  }
  return ret;
}
