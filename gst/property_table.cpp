/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one declarative property table (see property_table.h). A row is built
 * by the helper for its type; the table below is the only place a property's
 * name, blurb, range, default and flags are written.
 */
#include "property_table.h"

#include "live/audio_chunker.h"
#include "live/model_catalog.h"
#include "live/protocol_tools.h"
#include "live/reconnect_policy.h"

#include <cmath>

GST_DEBUG_CATEGORY_STATIC (property_debug);
#define GST_CAT_DEFAULT property_debug

enum class RowType { STRING, BOOLEAN, INT, UINT, UINT64, DOUBLE, ENUM };

enum RowFlags : unsigned {
  ROW_READY = 0,                     /* changeable only in NULL or READY (the default) */
  ROW_PLAYING = 1 << 0,              /* changeable in any state */
  ROW_SECRET = 1 << 1,               /* write-only, never logged */
  ROW_READ_ONLY = 1 << 2,
  ROW_EMPTY_IS_DEFAULT = 1 << 3,     /* setting "" or NULL restores the default */
  ROW_NULL_WHEN_EMPTY = 1 << 4,      /* reads back NULL rather than "" when unset */
};

struct PropertyRow {
  const char *name;
  const char *nick;
  const char *blurb;
  unsigned scope;
  RowType type;
  unsigned flags;
  std::string ConversationSettings::*text;
  bool ConversationSettings::*flag;
  int ConversationSettings::*integer;
  guint ConversationSettings::*uinteger;
  guint64 ConversationSettings::*uint64;
  double ConversationSettings::*real;
  gint64 min, max, def;     /* INT, UINT, UINT64 (min, def), ENUM, BOOLEAN (def) */
  guint64 umax;             /* UINT64 */
  double dmin, dmax, ddef;  /* DOUBLE */
  const char *sdef;         /* STRING */
  GType (*enum_type) ();
  PropertyLiveValue live;
  /* After a value is stored (tools: checked when set). */
  void (*after_set) (ConversationSettings &settings, GObject *object);
};

static PropertyRow
base (const char *name, const char *nick, const char *blurb, unsigned scope, RowType type,
    unsigned flags)
{
  PropertyRow row {};
  row.name = name;
  row.nick = nick;
  row.blurb = blurb;
  row.scope = scope;
  row.type = type;
  row.flags = flags;
  return row;
}

static PropertyRow
text (const char *name, const char *nick, const char *blurb, unsigned scope,
    std::string ConversationSettings::*member, const char *def, unsigned flags = ROW_READY)
{
  auto row = base (name, nick, blurb, scope, RowType::STRING, flags);
  row.text = member;
  row.sdef = def;
  return row;
}

static PropertyRow
boolean (const char *name, const char *nick, const char *blurb, unsigned scope,
    bool ConversationSettings::*member, bool def, unsigned flags = ROW_READY)
{
  auto row = base (name, nick, blurb, scope, RowType::BOOLEAN, flags);
  row.flag = member;
  row.def = def;
  return row;
}

static PropertyRow
integer (const char *name, const char *nick, const char *blurb, unsigned scope,
    int ConversationSettings::*member, gint64 min, gint64 max, gint64 def,
    unsigned flags = ROW_READY)
{
  auto row = base (name, nick, blurb, scope, RowType::INT, flags);
  row.integer = member;
  row.min = min;
  row.max = max;
  row.def = def;
  return row;
}

static PropertyRow
uinteger (const char *name, const char *nick, const char *blurb, unsigned scope,
    guint ConversationSettings::*member, gint64 min, gint64 max, gint64 def,
    unsigned flags = ROW_READY)
{
  auto row = base (name, nick, blurb, scope, RowType::UINT, flags);
  row.uinteger = member;
  row.min = min;
  row.max = max;
  row.def = def;
  return row;
}

static PropertyRow
uint64_row (const char *name, const char *nick, const char *blurb, unsigned scope,
    guint64 ConversationSettings::*member, gint64 def, guint64 max = G_MAXINT64)
{
  auto row = base (name, nick, blurb, scope, RowType::UINT64, ROW_READY);
  row.uint64 = member;
  row.min = 0;
  row.umax = max;
  row.def = def;
  return row;
}

static PropertyRow
real (const char *name, const char *nick, const char *blurb, unsigned scope,
    double ConversationSettings::*member, double min, double max, double def,
    unsigned flags = ROW_READY)
{
  auto row = base (name, nick, blurb, scope, RowType::DOUBLE, flags);
  row.real = member;
  row.dmin = min;
  row.dmax = max;
  row.ddef = def;
  return row;
}

static PropertyRow
enumeration (const char *name, const char *nick, const char *blurb, unsigned scope,
    int ConversationSettings::*member, GType (*type) (), gint64 def, unsigned flags = ROW_READY)
{
  auto row = base (name, nick, blurb, scope, RowType::ENUM, flags);
  row.integer = member;
  row.enum_type = type;
  row.def = def;
  return row;
}

static PropertyRow
live (PropertyRow row, PropertyLiveValue value)
{
  row.live = value;
  return row;
}

/* ------------------------------------------------------------ enums */

/* Each GEnum of a setup setting has 0 = "unset" (not sent); the others map
 * to the wire names in the *_WIRE tables. */
#define DEFINE_ENUM_TYPE(func, type_name, ...)                               \
  static GType func (void)                                                   \
  {                                                                          \
    static gsize type = 0;                                                   \
    static const GEnumValue values[] = {__VA_ARGS__, {0, nullptr, nullptr}}; \
    if (g_once_init_enter (&type))                                           \
      g_once_init_leave (&type, g_enum_register_static (type_name, values)); \
    return (GType) type;                                                     \
  }

DEFINE_ENUM_TYPE (backend_get_type, "GstGeminiLiveBackend",
    {(gint) gemlive::Backend::GEMINI_API, "Gemini Developer API (API key or ephemeral token)",
        "gemini-api"},
    {(gint) gemlive::Backend::VERTEX_AI, "Vertex AI (OAuth access token or express API key)",
        "vertex-ai"},
    {(gint) gemlive::Backend::FIREBASE_GOOGLE_AI,
        "Firebase AI Logic, Gemini Developer API backend (API key + App Check)",
        "firebase-google-ai"},
    {(gint) gemlive::Backend::FIREBASE_VERTEX_AI,
        "Firebase AI Logic, Vertex AI backend (API key + App Check)", "firebase-vertex-ai"})
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
    {2, "TURN_INCLUDES_ALL_INPUT: all input since the last turn is the turn", "all-input"},
    {3, "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO: detected speech and all video (the "
        "gemini-3.8-live default)", "audio-activity-and-all-video"})
DEFINE_ENUM_TYPE (thinking_level_get_type, "GstGeminiLiveThinkingLevel",
    {0, "Not sent (the model's default)", "unset"},
    {1, "MINIMAL (gemini-3.1-flash-live-preview's default)", "minimal"},
    {2, "LOW", "low"},
    {3, "MEDIUM", "medium"},
    {4, "HIGH", "high"})
DEFINE_ENUM_TYPE (media_resolution_get_type, "GstGeminiLiveMediaResolution",
    {0, "Not sent (the service's default)", "unset"},
    {1, "MEDIA_RESOLUTION_LOW (fewest tokens per frame)", "low"},
    {2, "MEDIA_RESOLUTION_MEDIUM", "medium"},
    {3, "MEDIA_RESOLUTION_HIGH", "high"})
DEFINE_ENUM_TYPE (transcription_mode_get_type, "GstGeminiLiveTranscriptionMode",
    {0, "Not sent (the service's default)", "unset"},
    {1, "VERBATIM: every word as spoken, fillers and false starts included", "verbatim"},
    {2, "SMART: readable text, fillers and false starts left out", "smart"})
DEFINE_ENUM_TYPE (input_pacing_get_type, "GstGeminiLiveInputPacing",
    {0, "Pace input that is not live at real time; fill gaps with silence", "auto"},
    {1, "Send input as fast as it comes; still fill gaps with silence", "off"})

template <size_t N>
static std::string
wire_name (const char *const (&table)[N], int value)
{
  return value > 0 && (size_t) value < N ? table[value] : "";
}

std::string
property_wire_start_sensitivity (int value)
{
  static const char *const wire[] = {"", "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW"};
  return wire_name (wire, value);
}

std::string
property_wire_end_sensitivity (int value)
{
  static const char *const wire[] = {"", "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW"};
  return wire_name (wire, value);
}

std::string
property_wire_activity_handling (int value)
{
  static const char *const wire[] = {"", "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION"};
  return wire_name (wire, value);
}

std::string
property_wire_turn_coverage (int value)
{
  static const char *const wire[] = {"", "TURN_INCLUDES_ONLY_ACTIVITY",
      "TURN_INCLUDES_ALL_INPUT", "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO"};
  return wire_name (wire, value);
}

std::string
property_wire_media_resolution (int value)
{
  static const char *const wire[] = {"", "MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM",
      "MEDIA_RESOLUTION_HIGH"};
  return wire_name (wire, value);
}

gemlive::ThinkingLevel
property_thinking_level (int value)
{
  switch (value) {
    case 1: return gemlive::ThinkingLevel::MINIMAL;
    case 2: return gemlive::ThinkingLevel::LOW;
    case 3: return gemlive::ThinkingLevel::MEDIUM;
    case 4: return gemlive::ThinkingLevel::HIGH;
    default: return gemlive::ThinkingLevel::UNSET;
  }
}

std::vector<std::string>
property_split_list (const std::string &text)
{
  std::vector<std::string> out;
  gchar **items = g_strsplit (text.c_str (), ",", -1);
  for (gchar **item = items; *item; item++) {
    g_strstrip (*item);
    if (**item)
      out.emplace_back (*item);
  }
  g_strfreev (items);
  return out;
}

std::string
property_wire_transcription_mode (int value)
{
  static const char *const wire[] = {"", "VERBATIM", "SMART"};
  return wire_name (wire, value);
}

size_t
property_resume_buffer_frames (const ConversationSettings &settings)
{
  const guint chunk = gemlive::AudioChunker::DEFAULT_CHUNK_MS;
  return std::max<size_t> (1, (settings.resume_buffer_ms + chunk - 1) / chunk);
}

/* Checked when set so a mistake is logged at once; opening the session
 * refuses it with an error naming the field. */
static void
check_tools (ConversationSettings &s, GObject *object)
{
  s.tools_error.clear ();
  gemlive::ToolDeclarations declared;
  if (!s.tools_json.empty () && !gemlive::parse_tools_json (s.tools_json, declared,
          s.tools_error))
    GST_WARNING_OBJECT (object, "invalid tools property: %s", s.tools_error.c_str ());
}

/* ------------------------------------------------------------ the table */

#define S PROPERTY_SCOPE_SESSION
#define IN PROPERTY_SCOPE_INPUT
#define OUT PROPERTY_SCOPE_OUTPUT
#define NEXT " Takes effect at the next session"

using CS = ConversationSettings;

static std::vector<PropertyRow>
build_table ()
{
  return {
    /* The session: setup */
    text ("api-key", "API key",
        "The key of the backend (write-only, never logged): gemini-api: a Gemini API key or an "
        "ephemeral token (auth_tokens/...), when unset GEMINI_API_KEY, then GOOGLE_API_KEY; "
        "vertex-ai: an express-mode API key (else access-token); firebase-*: the Firebase "
        "project's web API key", S, &CS::api_key, nullptr, ROW_SECRET),
    text ("model", "Model",
        "Live model ID, sent as models/<model> (gemini-api), "
        "projects/<project>/models/<model> (firebase-google-ai) or "
        "projects/<project>/locations/<location>/publishers/google/models/<model> "
        "(vertex-ai, firebase-vertex-ai; publishers/google/models/<model> with an express "
        "key); a full resource name is sent as it is", S,
        &CS::model, gemlive::DEFAULT_LIVE_MODEL, ROW_EMPTY_IS_DEFAULT),
    text ("voice", "Voice", "Prebuilt voice name (e.g. Puck, Kore); empty = the model's default",
        S, &CS::voice, nullptr),
    text ("language-code", "Language code",
        "BCP-47 language of the spoken replies (e.g. en-US); empty = automatic", S,
        &CS::language_code, nullptr),
    text ("system-instruction", "System instruction",
        "Instructions that steer the model for the whole session; empty = none. May be set "
        "while PLAYING: sent as contextUpdate where the model takes it, else through a "
        "resumed connection; geminilive/context-update says which and whether it worked", S,
        &CS::system_instruction, nullptr, ROW_PLAYING),
    real ("temperature", "Temperature",
        "Sampling temperature; -1 = unset (the service's default is used)", S, &CS::temperature,
        -1.0, 2.0, -1.0),
    boolean ("input-transcription", "Input transcription",
        "Ask for transcripts of the user's speech (geminilive/input-transcription messages)", S,
        &CS::input_transcription, true),
    boolean ("output-transcription", "Output transcription",
        "Ask for transcripts of the model's speech (geminilive/output-transcription messages)",
        S, &CS::output_transcription, true),
    text ("endpoint", "Endpoint",
        "Base URL of the Live API (wss://host[:port]; ws://127.0.0.1:PORT for a local server); "
        "empty = the backend's own host. Only scheme, host and port are replaced", S,
        &CS::endpoint, ""),
    text ("api-version", "API version", "API version in the WebSocket path (v1beta, v1alpha, v1)",
        S, &CS::api_version, "v1beta", ROW_EMPTY_IS_DEFAULT),
    live (uint64_row ("unparsable-frames", "Unparsable frames",
              "Server frames that could not be parsed or carried unknown fields (logged and "
              "skipped)", S, nullptr, 0, G_MAXUINT64), PropertyLiveValue::UNPARSABLE_FRAMES),

    /* The session: turn control and generation */
    boolean ("automatic-activity-detection", "Automatic activity detection",
        "Let the service detect when the user starts and stops speaking. FALSE = push-to-talk: "
        "turns are delimited by the activity-start/activity-end signals or the "
        "geminilive/activity-start|end custom events (sent as disabled=true; TRUE is the "
        "service's default and not sent)." NEXT, S, &CS::automatic_activity_detection, true),
    enumeration ("start-sensitivity", "Start-of-speech sensitivity",
        "How readily the service's voice activity detection hears speech start; unset = not "
        "sent." NEXT, S, &CS::start_sensitivity, start_sensitivity_get_type, 0),
    enumeration ("end-sensitivity", "End-of-speech sensitivity",
        "How readily the service's voice activity detection ends a turn at a pause; unset = "
        "not sent." NEXT, S, &CS::end_sensitivity, end_sensitivity_get_type, 0),
    integer ("prefix-padding-ms", "Prefix padding",
        "Speech needed (ms) before the start of speech is committed; -1 = not sent." NEXT, S,
        &CS::prefix_padding_ms, -1, G_MAXINT, -1),
    integer ("silence-duration-ms", "Silence duration",
        "Silence (ms) that ends the user's turn; -1 = not sent." NEXT, S,
        &CS::silence_duration_ms, -1, G_MAXINT, -1),
    enumeration ("activity-handling", "Activity handling",
        "Whether the user's speech interrupts the model's reply (barge-in); unset = not sent."
        NEXT, S, &CS::activity_handling, activity_handling_get_type, 0),
    enumeration ("turn-coverage", "Turn coverage",
        "Which input makes up a user turn; unset = not sent." NEXT, S, &CS::turn_coverage,
        turn_coverage_get_type, 0),
    integer ("max-output-tokens", "Max output tokens",
        "Longest reply in tokens; 0 = not sent." NEXT, S, &CS::max_output_tokens, 0, G_MAXINT,
        0),
    real ("top-p", "Top-p", "Nucleus sampling probability mass; -1 = not sent." NEXT, S,
        &CS::top_p, -1.0, 1.0, -1.0),
    integer ("top-k", "Top-k", "Sample among the k likeliest tokens; 0 = not sent." NEXT, S,
        &CS::top_k, 0, G_MAXINT, 0),
    integer ("thinking-budget", "Thinking budget",
        "thinkingConfig.thinkingBudget in tokens: 0 = no thinking, -1 = dynamic, -2 = not "
        "sent (2.5 models only: 3.x models refuse it)." NEXT, S, &CS::thinking_budget, -2,
        G_MAXINT, -2),
    boolean ("include-thoughts", "Include thoughts",
        "Ask for thought summaries (thinkingConfig.includeThoughts, sent only when TRUE); "
        "they are posted as geminilive/thought." NEXT,
        S, &CS::include_thoughts, false),
    boolean ("proactive-audio", "Proactive audio",
        "Let the model stay silent when input is not addressed to it "
        "(proactivity.proactiveAudio, sent only when TRUE; 2.5 native-audio models)." NEXT, S,
        &CS::proactive_audio, false),
    boolean ("affective-dialog", "Affective dialog",
        "Let the model adapt its tone to the user's (enableAffectiveDialog, sent only when "
        "TRUE; 2.5 native-audio models, v1alpha)." NEXT, S, &CS::affective_dialog, false),
    enumeration ("media-resolution", "Media resolution",
        "Resolution at which the service reads video frames; unset = not sent." NEXT, S,
        &CS::media_resolution, media_resolution_get_type, 0),

    /* The session: settings that depend on the model (docs/models.md). A
     * value the model refuses fails READY->PAUSED before connecting. */
    enumeration ("thinking-level", "Thinking level",
        "generationConfig.thinkingConfig.thinkingLevel of the 3.x models; unset = not sent. "
        "Required (low, medium or high) by gemini-3.8-live-extended-thinking; refused by "
        "gemini-3.8-live and the 2.5 models (which take thinking-budget)." NEXT, S,
        &CS::thinking_level, thinking_level_get_type, 0),
    boolean ("proactive-video", "Proactive video",
        "Let the model speak up about what it sees without being asked "
        "(proactivity.proactiveVideo, sent only when TRUE)." NEXT, S, &CS::proactive_video,
        false),
    text ("transcription-languages", "Transcription languages",
        "Comma-separated BCP-47 codes the user's speech is expected in "
        "(inputAudioTranscription.languageCodes, e.g. \"en-US,de-DE\"); empty = not sent." NEXT,
        S, &CS::transcription_languages, nullptr),
    text ("custom-vocabulary", "Custom vocabulary",
        "Comma-separated words and names the transcription of the user's speech should "
        "favour (inputAudioTranscription.customVocabulary, up to 1000 terms); empty = not "
        "sent." NEXT, S, &CS::custom_vocabulary, nullptr),
    boolean ("history-in-client-content", "History in client content",
        "historyConfig.initialHistoryInClientContent: send-client-content seeds the history. "
        "Needed on gemini-3.1-flash-live-preview to use send-client-content after the "
        "model's first turn (the service closes the session otherwise); sent only when "
        "TRUE." NEXT, S, &CS::history_in_client_content, false),
    /* The session: translation and transcription models (docs/captions.md) */
    text ("translate-to", "Translate to",
        "BCP-47 language the translate models (gemini-3.5-live-translate-preview) speak the "
        "input in, e.g. de or pt-BR (generationConfig.translationConfig.targetLanguageCode); "
        "required by those models, refused by every other; empty = not sent." NEXT, S,
        &CS::translate_to, nullptr),
    boolean ("translate-echo", "Translate echo",
        "Translate models: also speak input that is already in the translate-to language "
        "(translationConfig.echoTargetLanguage, sent only when TRUE)." NEXT, S,
        &CS::translate_echo, false),
    enumeration ("transcription-mode", "Transcription mode",
        "How the user's speech is transcribed (inputAudioTranscription.mode): verbatim or "
        "smart; unset = not sent (the service's default)." NEXT, S, &CS::transcription_mode,
        transcription_mode_get_type, 0),

    /* The session: backends and credentials (docs/backends.md) */
    enumeration ("backend", "Backend",
        "Which service the session goes through; each has its own credentials "
        "(docs/backends.md)", S, &CS::backend, backend_get_type,
        (gint64) gemlive::Backend::GEMINI_API),
    text ("project", "Project",
        "Google Cloud project ID (vertex-ai) or Firebase project ID (firebase-*)", S,
        &CS::project, nullptr, ROW_NULL_WHEN_EMPTY),
    text ("location", "Location",
        "Vertex AI location (vertex-ai, firebase-vertex-ai), e.g. us-central1, europe-west4 or "
        "global", S, &CS::location, "us-central1", ROW_EMPTY_IS_DEFAULT),
    text ("access-token", "Access token",
        "vertex-ai: OAuth 2 access token (write-only, never logged). When unset (and no api-key "
        "is set) GOOGLE_OAUTH_ACCESS_TOKEN is used", S, &CS::access_token, nullptr, ROW_SECRET),
    /* Tokens that expire: refreshed while PLAYING, used by the next connection. */
    text ("app-check-token", "App Check token",
        "firebase-*: Firebase App Check token, required (write-only, never logged). May be set "
        "while PLAYING (e.g. from need-app-check-token); the next connection uses it", S,
        &CS::app_check_token, nullptr, ROW_SECRET | ROW_PLAYING),
    text ("firebase-id-token", "Firebase ID token",
        "firebase-*: ID token of the signed-in user, optional (write-only, never logged); may "
        "be refreshed while PLAYING", S, &CS::firebase_id_token, nullptr,
        ROW_SECRET | ROW_PLAYING),
    text ("firebase-app-id", "Firebase app ID",
        "firebase-*: the Firebase app ID (X-Firebase-AppId), optional", S, &CS::firebase_app_id,
        nullptr, ROW_NULL_WHEN_EMPTY),
    text ("firebase-app-version", "Firebase app version",
        "firebase-*: the app's version (X-Firebase-AppVersion), optional", S,
        &CS::firebase_app_version, nullptr, ROW_NULL_WHEN_EMPTY),
    text ("tls-ca-file", "TLS CA file",
        "PEM file of CA certificates trusted besides the system's, for a wss:// endpoint "
        "behind a private CA. Certificates are always verified", S, &CS::tls_ca_file, nullptr,
        ROW_NULL_WHEN_EMPTY),

    /* The session: function calling and built-in tools */
    [] {
      auto row = text ("tools", "Tools",
          "JSON array of Tool objects as in the Live API setup (functionDeclarations with "
          "name, description, parameters and behavior BLOCKING|NON_BLOCKING; googleSearch; "
          "codeExecution; urlContext). Checked when set; an invalid value fails the "
          "READY->PAUSED change with an error naming the bad field. Empty = no tools. May be "
          "set while PLAYING, as system-instruction (geminilive/context-update)", S,
          &CS::tools_json, nullptr, ROW_PLAYING);
      row.after_set = check_tools;
      return row;
    }(),
    boolean ("google-search", "Google Search",
        "Let the model search the web (adds {\"googleSearch\": {}} to the tools); sources "
        "arrive as geminilive/grounding messages", S, &CS::google_search, false),
    boolean ("code-execution", "Code execution",
        "Let the model run code (adds {\"codeExecution\": {}} to the tools)", S,
        &CS::code_execution, false),
    uinteger ("tool-timeout", "Tool timeout",
        "Longest wait in ms for the application's answer to a function call; then the element "
        "answers {\"error\": ...} itself and posts a warning, so the conversation never hangs. "
        "0 = wait forever", S, &CS::tool_timeout_ms, 0, G_MAXUINT, 30000, ROW_PLAYING),

    /* The session: reconnection, resumption, context compression */
    live (text ("resumption-handle", "Resumption handle",
              "Reading: the newest resumable handle the service gave this element's session "
              "(empty before the first). Set before start: resume that earlier session (valid "
              "about 2 hours); an unknown or expired handle falls back to a fresh session with "
              "a warning", S, &CS::resumption_handle, nullptr),
        PropertyLiveValue::RESUMPTION_HANDLE),
    uinteger ("reconnect-attempts", "Reconnect attempts",
        "Reconnections tried in a row after an unexpected close (network error, 1006, 1011) "
        "before an error is posted; 0 = none. Resumptions after goAway do not count", S,
        &CS::reconnect_attempts, 0, 1000, gemlive::ReconnectSettings::DEFAULT_MAX_ATTEMPTS),
    uinteger ("reconnect-initial-delay", "Reconnect initial delay",
        "Wait before the first reconnection attempt (ms); doubles per attempt, with random "
        "jitter of up to half", S, &CS::reconnect_initial_delay_ms, 1, 600000,
        gemlive::ReconnectSettings::DEFAULT_INITIAL_DELAY_MS),
    uinteger ("reconnect-max-delay", "Reconnect max delay",
        "Longest wait between reconnection attempts (ms)", S, &CS::reconnect_max_delay_ms, 1,
        3600000, gemlive::ReconnectSettings::DEFAULT_MAX_DELAY_MS),
    uinteger ("resume-buffer", "Resume buffer",
        "Input kept while the connection is being (re)established, in ms of 40 ms audio "
        "frames; sent after setupComplete. Beyond it the oldest input is dropped with a "
        "warning", S, &CS::resume_buffer_ms, 40, 3600000, 20000),
    boolean ("context-window-compression", "Context window compression",
        "Ask the service to compress the context with a sliding window, so a session is not "
        "capped at 15 minutes (audio) / 2 minutes (video)", S, &CS::context_window_compression,
        false),
    uint64_row ("compression-trigger-tokens", "Compression trigger tokens",
        "Context length (tokens) that triggers compression; 0 = the service's default. "
        "Non-zero turns context-window-compression on", S, &CS::compression_trigger_tokens, 0),
    uint64_row ("compression-target-tokens", "Compression target tokens",
        "Tokens the sliding window keeps after compressing; 0 = the service's default. Must "
        "be below compression-trigger-tokens. Non-zero turns context-window-compression on", S,
        &CS::compression_target_tokens, 0),

    /* The input side */
    uinteger ("drain-timeout", "Drain timeout",
        "After EOS on the sink pad, longest wait in ms for the model to finish its answer "
        "before EOS is pushed anyway (with a warning)", IN, &CS::drain_timeout_ms, 0,
        G_MAXUINT, 30000),
    real ("video-fps", "Video frames per second",
        "Most video_sink frames sent per second (wall clock); frames in between are dropped, "
        "upstream is never blocked. Changeable while PLAYING", IN, &CS::video_fps, 0.01, 30.0,
        1.0, ROW_PLAYING),
    boolean ("half-duplex", "Half duplex",
        "While the model's reply plays (until its last sample has played out, plus 200 ms for "
        "the echo), the service hears silence in place of the microphone: no echo canceller "
        "is needed, but the user cannot interrupt the reply. Changeable while PLAYING", IN,
        &CS::half_duplex, false, ROW_PLAYING),
    enumeration ("input-pacing", "Input pacing",
        "auto: audio from a source that is not live (a file, a burst) goes to the service at "
        "real time, the streaming thread waiting as a synchronised sink would; gaps in the "
        "input (GAP events, jumps in the timestamps) become silence, up to 3 s in a row, then "
        "audioStreamEnd until audio returns. off: no pacing (gaps are still filled). "
        "Changeable while PLAYING", IN, &CS::input_pacing, input_pacing_get_type, 0,
        ROW_PLAYING),

    /* The output side */
    uinteger ("latency", "Latency",
        "Latency reported on the src pad in ms; it absorbs network jitter between the chunks "
        "of a reply", OUT, &CS::latency_ms, 0, 10000, 100),
    uinteger ("max-queued-audio", "Max queued audio",
        "Most reply audio in ms held in the element ahead of playback (a server may send "
        "faster than real time); audio beyond it is dropped and geminilive/audio-dropped "
        "posted", OUT, &CS::max_queued_audio_ms, 200, 3600000, 60000),
    boolean ("text-src-input-transcription", "Input transcription on text_src",
        "Also push the transcription of the user's speech on text_src (needs "
        "input-transcription; a transcribe model's transcript always goes there). Changeable "
        "while PLAYING", OUT,
        &CS::text_src_input_transcription, false, ROW_PLAYING),
  };
}

#undef S
#undef IN
#undef OUT
#undef NEXT

/* Not in any scope: only geminilivesink and geminilivesrc carry it. */
static PropertyRow
session_name_row ()
{
  return text ("session", "Session",
      "Name of the Live session: a geminilivesink and a geminilivesrc with the same name in "
      "one process share one session, in one pipeline or in two. Only one geminilivesink and "
      "one geminilivesrc may use a name at a time", 0, &CS::session_name, "default",
      ROW_EMPTY_IS_DEFAULT);
}

static const std::vector<PropertyRow> &
table ()
{
  static const std::vector<PropertyRow> rows = [] {
    auto rows = build_table ();
    rows.push_back (session_name_row ());
    return rows;
  }();
  return rows;
}

ConversationSettings
property_table_defaults ()
{
  ConversationSettings s;
  for (const auto &row : table ()) {
    switch (row.type) {
      case RowType::STRING: s.*row.text = row.sdef ? row.sdef : ""; break;
      case RowType::BOOLEAN: s.*row.flag = row.def != 0; break;
      case RowType::INT:
      case RowType::ENUM: s.*row.integer = (int) row.def; break;
      case RowType::UINT: s.*row.uinteger = (guint) row.def; break;
      case RowType::UINT64:
        if (row.uint64)
          s.*row.uint64 = (guint64) row.def;
        break;
      case RowType::DOUBLE: s.*row.real = row.ddef; break;
    }
  }
  return s;
}

static GParamSpec *
param_spec (const PropertyRow &row)
{
  unsigned access = (row.flags & ROW_SECRET) ? G_PARAM_WRITABLE
      : (row.flags & ROW_READ_ONLY) || row.live == PropertyLiveValue::UNPARSABLE_FRAMES
          ? G_PARAM_READABLE : G_PARAM_READWRITE;
  unsigned flags = access | G_PARAM_STATIC_STRINGS;
  if (access & G_PARAM_WRITABLE)
    flags |= (row.flags & ROW_PLAYING) ? GST_PARAM_MUTABLE_PLAYING : GST_PARAM_MUTABLE_READY;
  auto f = (GParamFlags) flags;
  switch (row.type) {
    case RowType::STRING:
      return g_param_spec_string (row.name, row.nick, row.blurb, row.sdef, f);
    case RowType::BOOLEAN:
      return g_param_spec_boolean (row.name, row.nick, row.blurb, row.def != 0, f);
    case RowType::INT:
      return g_param_spec_int (row.name, row.nick, row.blurb, (gint) row.min, (gint) row.max,
          (gint) row.def, f);
    case RowType::UINT:
      return g_param_spec_uint (row.name, row.nick, row.blurb, (guint) row.min,
          (guint) row.max, (guint) row.def, f);
    case RowType::UINT64:
      return g_param_spec_uint64 (row.name, row.nick, row.blurb, (guint64) row.min, row.umax,
          (guint64) row.def, f);
    case RowType::DOUBLE:
      return g_param_spec_double (row.name, row.nick, row.blurb, row.dmin, row.dmax, row.ddef,
          f);
    case RowType::ENUM:
      return g_param_spec_enum (row.name, row.nick, row.blurb, row.enum_type (),
          (gint) row.def, f);
  }
  return nullptr;
}

void
property_table_install (GObjectClass *klass, unsigned scopes, bool with_session_name)
{
  static gsize debug_once = 0;
  if (g_once_init_enter (&debug_once)) {
    GST_DEBUG_CATEGORY_INIT (property_debug, "geminilive-properties", 0,
        "geminilive property table");
    gst_type_mark_as_plugin_api (backend_get_type (), (GstPluginAPIFlags) 0);
    g_once_init_leave (&debug_once, 1);
  }
  const auto &rows = table ();
  for (size_t i = 0; i < rows.size (); i++) {
    const auto &row = rows[i];
    bool wanted = row.scope ? (row.scope & scopes) != 0 : with_session_name;
    if (wanted)
      g_object_class_install_property (klass, (guint) i + 1, param_spec (row));
  }
}

const PropertyRow *
property_table_row (guint prop_id)
{
  const auto &rows = table ();
  return prop_id >= 1 && prop_id <= rows.size () ? &rows[prop_id - 1] : nullptr;
}

PropertyLiveValue
property_table_live_value (const PropertyRow *row)
{
  return row->live;
}

void
property_table_set (const PropertyRow *row, ConversationSettings &s, const GValue *value,
    GObject *object)
{
  switch (row->type) {
    case RowType::STRING: {
      const gchar *v = g_value_get_string (value);
      if ((!v || !*v) && (row->flags & ROW_EMPTY_IS_DEFAULT))
        v = row->sdef;
      s.*row->text = v ? v : "";
      break;
    }
    case RowType::BOOLEAN: s.*row->flag = g_value_get_boolean (value); break;
    case RowType::INT: s.*row->integer = g_value_get_int (value); break;
    case RowType::ENUM: s.*row->integer = g_value_get_enum (value); break;
    case RowType::UINT: s.*row->uinteger = g_value_get_uint (value); break;
    case RowType::UINT64: s.*row->uint64 = g_value_get_uint64 (value); break;
    case RowType::DOUBLE: s.*row->real = g_value_get_double (value); break;
  }
  if (row->after_set)
    row->after_set (s, object);
}

void
property_table_get (const PropertyRow *row, const ConversationSettings &s, GValue *value)
{
  switch (row->type) {
    case RowType::STRING: {
      const std::string &v = s.*row->text;
      g_value_set_string (value, v.empty () && (row->flags & ROW_NULL_WHEN_EMPTY) ? nullptr
          : v.c_str ());
      break;
    }
    case RowType::BOOLEAN: g_value_set_boolean (value, s.*row->flag); break;
    case RowType::INT: g_value_set_int (value, s.*row->integer); break;
    case RowType::ENUM: g_value_set_enum (value, s.*row->integer); break;
    case RowType::UINT: g_value_set_uint (value, s.*row->uinteger); break;
    case RowType::UINT64: g_value_set_uint64 (value, row->uint64 ? s.*row->uint64 : 0); break;
    case RowType::DOUBLE: g_value_set_double (value, s.*row->real); break;
  }
}
