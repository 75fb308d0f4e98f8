/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Turn-control properties: voice activity detection and push-to-talk, the
 * generation settings of the native-audio models, and the video / text_src
 * behaviour. Setup settings have a sentinel default meaning "not sent", so
 * the service only sees what the user asked for (models differ in what they
 * accept). They go into the setup message, so they take effect when the next
 * session opens (READY->PAUSED): hence GST_PARAM_MUTABLE_READY.
 */
#include "geminilive_turn.h"

enum {
  PROP_AUTOMATIC_ACTIVITY_DETECTION = GEMINI_LIVE_PROP_BASE_TURN + 1,
  PROP_START_SENSITIVITY,
  PROP_END_SENSITIVITY,
  PROP_PREFIX_PADDING_MS,
  PROP_SILENCE_DURATION_MS,
  PROP_ACTIVITY_HANDLING,
  PROP_TURN_COVERAGE,
  PROP_MAX_OUTPUT_TOKENS,
  PROP_TOP_P,
  PROP_TOP_K,
  PROP_THINKING_BUDGET,
  PROP_INCLUDE_THOUGHTS,
  PROP_PROACTIVE_AUDIO,
  PROP_AFFECTIVE_DIALOG,
  PROP_MEDIA_RESOLUTION,
  PROP_VIDEO_FPS,
  PROP_TEXT_SRC_INPUT_TRANSCRIPTION,
};

#define THINKING_BUDGET_UNSET -2
#define DEFAULT_VIDEO_FPS 1.0

/* Each GEnum's value 0 is "unset"; the others map to the wire names below. */
static GType
register_enum (const char *type_name, const GEnumValue *values)
{
  /* values must stay alive: they are static tables. */
  return g_enum_register_static (type_name, values);
}

#define DEFINE_ENUM_TYPE(func, type_name, ...)                           \
  static GType func (void)                                               \
  {                                                                      \
    static GType type = 0;                                               \
    static const GEnumValue values[] = {__VA_ARGS__, {0, nullptr, nullptr}}; \
    if (g_once_init_enter (&type))                                       \
      g_once_init_leave (&type, register_enum (type_name, values));      \
    return type;                                                         \
  }

DEFINE_ENUM_TYPE (start_sensitivity_get_type, "GstGeminiLiveStartSensitivity",
    {0, "Not sent (the service's default)", "unset"},
    {1, "START_SENSITIVITY_HIGH: speech is detected sooner", "high"},
    {2, "START_SENSITIVITY_LOW: speech must be louder and longer", "low"})
DEFINE_ENUM_TYPE (end_sensitivity_get_type, "GstGeminiLiveEndSensitivity",
    {0, "Not sent (the service's default)", "unset"},
    {1, "END_SENSITIVITY_HIGH: a turn ends at shorter pauses", "high"},
    {2, "END_SENSITIVITY_LOW: a turn ends only at clear silence", "low"})
DEFINE_ENUM_TYPE (activity_handling_get_type, "GstGeminiLiveActivityHandling",
    {0, "Not sent (the service's default: barge-in interrupts)", "unset"},
    {1, "START_OF_ACTIVITY_INTERRUPTS: user speech interrupts the reply", "interrupts"},
    {2, "NO_INTERRUPTION: the reply plays out", "no-interruption"})
DEFINE_ENUM_TYPE (turn_coverage_get_type, "GstGeminiLiveTurnCoverage",
    {0, "Not sent (the service's default)", "unset"},
    {1, "TURN_INCLUDES_ONLY_ACTIVITY: only detected speech is the turn", "only-activity"},
    {2, "TURN_INCLUDES_ALL_INPUT: all input since the last turn is the turn", "all-input"})
DEFINE_ENUM_TYPE (media_resolution_get_type, "GstGeminiLiveMediaResolution",
    {0, "Not sent (the service's default)", "unset"},
    {1, "MEDIA_RESOLUTION_LOW (fewest tokens per frame)", "low"},
    {2, "MEDIA_RESOLUTION_MEDIUM", "medium"},
    {3, "MEDIA_RESOLUTION_HIGH", "high"})

static const char *const START_SENSITIVITY_WIRE[] = {"", "START_SENSITIVITY_HIGH",
    "START_SENSITIVITY_LOW"};
static const char *const END_SENSITIVITY_WIRE[] = {"", "END_SENSITIVITY_HIGH",
    "END_SENSITIVITY_LOW"};
static const char *const ACTIVITY_HANDLING_WIRE[] = {"", "START_OF_ACTIVITY_INTERRUPTS",
    "NO_INTERRUPTION"};
static const char *const TURN_COVERAGE_WIRE[] = {"", "TURN_INCLUDES_ONLY_ACTIVITY",
    "TURN_INCLUDES_ALL_INPUT"};
static const char *const MEDIA_RESOLUTION_WIRE[] = {"", "MEDIA_RESOLUTION_LOW",
    "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH"};

template <size_t N>
static std::string
wire_name (const char *const (&table)[N], int value)
{
  return value > 0 && (size_t) value < N ? table[value] : "";
}

static void
install (GObjectClass *klass)
{
  auto next_session = (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY);
  auto live = (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_PLAYING);

  g_object_class_install_property (klass, PROP_AUTOMATIC_ACTIVITY_DETECTION,
      g_param_spec_boolean ("automatic-activity-detection", "Automatic activity detection",
          "Let the service detect when the user starts and stops speaking. FALSE = push-to-talk: "
          "turns are delimited by the activity-start/activity-end signals or the "
          "geminilive/activity-start|end custom events (sent as disabled=true; TRUE is the "
          "service's default and not sent). Takes effect at the next session", TRUE,
          next_session));
  g_object_class_install_property (klass, PROP_START_SENSITIVITY,
      g_param_spec_enum ("start-sensitivity", "Start-of-speech sensitivity",
          "How readily the service's voice activity detection hears speech start; unset = not "
          "sent. Takes effect at the next session", start_sensitivity_get_type (), 0,
          next_session));
  g_object_class_install_property (klass, PROP_END_SENSITIVITY,
      g_param_spec_enum ("end-sensitivity", "End-of-speech sensitivity",
          "How readily the service's voice activity detection ends a turn at a pause; unset = "
          "not sent. Takes effect at the next session", end_sensitivity_get_type (), 0,
          next_session));
  g_object_class_install_property (klass, PROP_PREFIX_PADDING_MS,
      g_param_spec_int ("prefix-padding-ms", "Prefix padding",
          "Speech needed (ms) before the start of speech is committed; -1 = not sent. Takes "
          "effect at the next session", -1, G_MAXINT, -1, next_session));
  g_object_class_install_property (klass, PROP_SILENCE_DURATION_MS,
      g_param_spec_int ("silence-duration-ms", "Silence duration",
          "Silence (ms) that ends the user's turn; -1 = not sent. Takes effect at the next "
          "session", -1, G_MAXINT, -1, next_session));
  g_object_class_install_property (klass, PROP_ACTIVITY_HANDLING,
      g_param_spec_enum ("activity-handling", "Activity handling",
          "Whether the user's speech interrupts the model's reply (barge-in); unset = not "
          "sent. Takes effect at the next session", activity_handling_get_type (), 0,
          next_session));
  g_object_class_install_property (klass, PROP_TURN_COVERAGE,
      g_param_spec_enum ("turn-coverage", "Turn coverage",
          "Which input makes up a user turn; unset = not sent. Takes effect at the next "
          "session", turn_coverage_get_type (), 0, next_session));
  g_object_class_install_property (klass, PROP_MAX_OUTPUT_TOKENS,
      g_param_spec_int ("max-output-tokens", "Max output tokens",
          "Longest reply in tokens; 0 = not sent. Takes effect at the next session", 0,
          G_MAXINT, 0, next_session));
  g_object_class_install_property (klass, PROP_TOP_P,
      g_param_spec_double ("top-p", "Top-p",
          "Nucleus sampling probability mass; -1 = not sent. Takes effect at the next session",
          -1.0, 1.0, -1.0, next_session));
  g_object_class_install_property (klass, PROP_TOP_K,
      g_param_spec_int ("top-k", "Top-k",
          "Sample among the k likeliest tokens; 0 = not sent. Takes effect at the next session",
          0, G_MAXINT, 0, next_session));
  g_object_class_install_property (klass, PROP_THINKING_BUDGET,
      g_param_spec_int ("thinking-budget", "Thinking budget",
          "thinkingConfig.thinkingBudget in tokens: 0 = no thinking, -1 = dynamic, -2 = not "
          "sent (2.5 models only: 3.x models refuse it). Takes effect at the next session",
          THINKING_BUDGET_UNSET, G_MAXINT, THINKING_BUDGET_UNSET, next_session));
  g_object_class_install_property (klass, PROP_INCLUDE_THOUGHTS,
      g_param_spec_boolean ("include-thoughts", "Include thoughts",
          "Ask for thought summaries (thinkingConfig.includeThoughts, sent only when TRUE). "
          "Takes effect at the next session", FALSE, next_session));
  g_object_class_install_property (klass, PROP_PROACTIVE_AUDIO,
      g_param_spec_boolean ("proactive-audio", "Proactive audio",
          "Let the model stay silent when input is not addressed to it "
          "(proactivity.proactiveAudio, sent only when TRUE; 2.5 native-audio models). Takes "
          "effect at the next session", FALSE, next_session));
  g_object_class_install_property (klass, PROP_AFFECTIVE_DIALOG,
      g_param_spec_boolean ("affective-dialog", "Affective dialog",
          "Let the model adapt its tone to the user's (enableAffectiveDialog, sent only when "
          "TRUE; 2.5 native-audio models, v1alpha). Takes effect at the next session", FALSE,
          next_session));
  g_object_class_install_property (klass, PROP_MEDIA_RESOLUTION,
      g_param_spec_enum ("media-resolution", "Media resolution",
          "Resolution at which the service reads video frames; unset = not sent. Takes effect "
          "at the next session", media_resolution_get_type (), 0, next_session));
  g_object_class_install_property (klass, PROP_VIDEO_FPS,
      g_param_spec_double ("video-fps", "Video frames per second",
          "Most video_sink frames sent per second (wall clock); frames in between are dropped, "
          "upstream is never blocked. Changeable while PLAYING", 0.01, 30.0, DEFAULT_VIDEO_FPS,
          live));
  g_object_class_install_property (klass, PROP_TEXT_SRC_INPUT_TRANSCRIPTION,
      g_param_spec_boolean ("text-src-input-transcription", "Input transcription on text_src",
          "Also push the transcription of the user's speech on text_src (needs "
          "input-transcription). Changeable while PLAYING", FALSE, live));
}

static bool
set (GstGeminiLive *self, guint prop_id, const GValue *value)
{
  if (prop_id <= GEMINI_LIVE_PROP_BASE_TURN || prop_id > PROP_TEXT_SRC_INPUT_TRANSCRIPTION)
    return false;
  std::lock_guard<std::mutex> guard (self->priv->settings_lock);
  auto &s = self->priv->settings;
  switch (prop_id) {
    case PROP_AUTOMATIC_ACTIVITY_DETECTION:
      s.automatic_activity_detection = g_value_get_boolean (value);
      break;
    case PROP_START_SENSITIVITY: s.start_sensitivity = g_value_get_enum (value); break;
    case PROP_END_SENSITIVITY: s.end_sensitivity = g_value_get_enum (value); break;
    case PROP_PREFIX_PADDING_MS: s.prefix_padding_ms = g_value_get_int (value); break;
    case PROP_SILENCE_DURATION_MS: s.silence_duration_ms = g_value_get_int (value); break;
    case PROP_ACTIVITY_HANDLING: s.activity_handling = g_value_get_enum (value); break;
    case PROP_TURN_COVERAGE: s.turn_coverage = g_value_get_enum (value); break;
    case PROP_MAX_OUTPUT_TOKENS: s.max_output_tokens = g_value_get_int (value); break;
    case PROP_TOP_P: s.top_p = g_value_get_double (value); break;
    case PROP_TOP_K: s.top_k = g_value_get_int (value); break;
    case PROP_THINKING_BUDGET: s.thinking_budget = g_value_get_int (value); break;
    case PROP_INCLUDE_THOUGHTS: s.include_thoughts = g_value_get_boolean (value); break;
    case PROP_PROACTIVE_AUDIO: s.proactive_audio = g_value_get_boolean (value); break;
    case PROP_AFFECTIVE_DIALOG: s.affective_dialog = g_value_get_boolean (value); break;
    case PROP_MEDIA_RESOLUTION: s.media_resolution = g_value_get_enum (value); break;
    case PROP_VIDEO_FPS: s.video_fps = g_value_get_double (value); break;
    case PROP_TEXT_SRC_INPUT_TRANSCRIPTION:
      s.text_src_input_transcription = g_value_get_boolean (value);
      break;
    default:
      return false;
  }
  return true;
}

static bool
get (GstGeminiLive *self, guint prop_id, GValue *value)
{
  if (prop_id <= GEMINI_LIVE_PROP_BASE_TURN || prop_id > PROP_TEXT_SRC_INPUT_TRANSCRIPTION)
    return false;
  std::lock_guard<std::mutex> guard (self->priv->settings_lock);
  const auto &s = self->priv->settings;
  switch (prop_id) {
    case PROP_AUTOMATIC_ACTIVITY_DETECTION:
      g_value_set_boolean (value, s.automatic_activity_detection);
      break;
    case PROP_START_SENSITIVITY: g_value_set_enum (value, s.start_sensitivity); break;
    case PROP_END_SENSITIVITY: g_value_set_enum (value, s.end_sensitivity); break;
    case PROP_PREFIX_PADDING_MS: g_value_set_int (value, s.prefix_padding_ms); break;
    case PROP_SILENCE_DURATION_MS: g_value_set_int (value, s.silence_duration_ms); break;
    case PROP_ACTIVITY_HANDLING: g_value_set_enum (value, s.activity_handling); break;
    case PROP_TURN_COVERAGE: g_value_set_enum (value, s.turn_coverage); break;
    case PROP_MAX_OUTPUT_TOKENS: g_value_set_int (value, s.max_output_tokens); break;
    case PROP_TOP_P: g_value_set_double (value, s.top_p); break;
    case PROP_TOP_K: g_value_set_int (value, s.top_k); break;
    case PROP_THINKING_BUDGET: g_value_set_int (value, s.thinking_budget); break;
    case PROP_INCLUDE_THOUGHTS: g_value_set_boolean (value, s.include_thoughts); break;
    case PROP_PROACTIVE_AUDIO: g_value_set_boolean (value, s.proactive_audio); break;
    case PROP_AFFECTIVE_DIALOG: g_value_set_boolean (value, s.affective_dialog); break;
    case PROP_MEDIA_RESOLUTION: g_value_set_enum (value, s.media_resolution); break;
    case PROP_VIDEO_FPS: g_value_set_double (value, s.video_fps); break;
    case PROP_TEXT_SRC_INPUT_TRANSCRIPTION:
      g_value_set_boolean (value, s.text_src_input_transcription);
      break;
    default:
      return false;
  }
  return true;
}

const GeminiLivePropertyGroup gst_gemini_live_turn_properties = {install, set, get};

void
gst_gemini_live_turn_fill_setup (GstGeminiLive *self, const GeminiLiveSettings &s,
    gemlive::SetupConfig &setup)
{
  gst_gemini_live_pads_session_opens (self, !s.automatic_activity_detection);
  auto &r = setup.realtime_input;
  if (!s.automatic_activity_detection)
    r.automatic_detection_disabled = true;
  r.start_sensitivity = wire_name (START_SENSITIVITY_WIRE, s.start_sensitivity);
  r.end_sensitivity = wire_name (END_SENSITIVITY_WIRE, s.end_sensitivity);
  if (s.prefix_padding_ms >= 0)
    r.prefix_padding_ms = s.prefix_padding_ms;
  if (s.silence_duration_ms >= 0)
    r.silence_duration_ms = s.silence_duration_ms;
  r.activity_handling = wire_name (ACTIVITY_HANDLING_WIRE, s.activity_handling);
  r.turn_coverage = wire_name (TURN_COVERAGE_WIRE, s.turn_coverage);

  if (s.max_output_tokens > 0)
    setup.max_output_tokens = s.max_output_tokens;
  if (s.top_p >= 0.0)
    setup.top_p = s.top_p;
  if (s.top_k > 0)
    setup.top_k = s.top_k;
  if (s.thinking_budget != THINKING_BUDGET_UNSET)
    setup.thinking_budget = s.thinking_budget;
  if (s.include_thoughts)
    setup.include_thoughts = true;
  if (s.proactive_audio)
    setup.proactive_audio = true;
  if (s.affective_dialog)
    setup.affective_dialog = true;
  setup.media_resolution = wire_name (MEDIA_RESOLUTION_WIRE, s.media_resolution);
}
