/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec: client messages built from plain structs, server
 * frames decoded into a typed ServerMessage. Pure: no I/O, no threads, no
 * GStreamer. json-glib builds and parses, base64 is ours (live/base64.h).
 */
#pragma once

#include <glib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gemlive {

/* Owning handle for GBytes, so decoded audio can become a GstBuffer without a copy. */
struct GBytesUnref {
  void operator() (GBytes *b) const { g_bytes_unref (b); }
};
using BytesPtr = std::unique_ptr<GBytes, GBytesUnref>;

/* Turn control (realtimeInputConfig), protocol_input.cpp.
 * Enum-valued fields hold the wire names ("START_SENSITIVITY_LOW", ...);
 * empty / nullopt = not sent. */
struct RealtimeInputSettings {
  std::optional<bool> automatic_detection_disabled;
  std::string start_sensitivity;    /* START_SENSITIVITY_HIGH|LOW */
  std::string end_sensitivity;      /* END_SENSITIVITY_HIGH|LOW */
  std::optional<int> prefix_padding_ms;
  std::optional<int> silence_duration_ms;
  std::string activity_handling;    /* START_OF_ACTIVITY_INTERRUPTS|NO_INTERRUPTION */
  std::string turn_coverage;        /* TURN_INCLUDES_ONLY_ACTIVITY|TURN_INCLUDES_ALL_INPUT|
                                     * TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO */
};

/* generationConfig.thinkingConfig.thinkingLevel (the 3.x models; 2.5 takes a
 * budget instead). UNSET = not sent. */
enum class ThinkingLevel { UNSET, MINIMAL, LOW, MEDIUM, HIGH };
/* "MINIMAL" … "HIGH"; nullptr for UNSET. */
const char *thinking_level_wire_name (ThinkingLevel level);

/* inputAudioTranscription / outputAudioTranscription beyond "on": hints the
 * SDK's AudioTranscriptionConfig carries (protocol_speech.cpp). Empty = not sent. */
struct TranscriptionSettings {
  std::vector<std::string> language_codes;     /* BCP-47 hints */
  std::vector<std::string> custom_vocabulary;  /* terms to bias recognition to */
  std::string mode;                            /* VERBATIM|SMART */
};

/* generationConfig.translationConfig (the translate models). Not sent while
 * target_language_code is empty. */
struct TranslationSettings {
  std::string target_language_code;          /* BCP-47, e.g. "de" */
  std::optional<bool> echo_target_language;  /* speak input already in the target language */
};

/* Everything that goes into the `setup` message. Optional fields that are
 * unset are not sent: the service must only see what the user asked for. */
struct SetupConfig {
  std::string model;               /* full resource name, e.g. "models/gemini-…" */
  std::string voice;               /* prebuiltVoiceConfig.voiceName; empty = not sent */
  std::string language_code;       /* speechConfig.languageCode; empty = not sent */
  std::string system_instruction;  /* systemInstruction.parts[0].text; empty = not sent */
  std::optional<double> temperature;
  bool input_transcription = true;   /* inputAudioTranscription {} */
  bool output_transcription = true;  /* outputAudioTranscription {} */
  /* sessionResumption is always requested; the handle is sent when non-empty. */
  std::string resumption_handle;
  /* Generation settings and turn control (protocol_input.cpp);
   * unset = not sent. */
  std::optional<int> max_output_tokens;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::optional<int> thinking_budget;     /* -1 = dynamic, 0 = off */
  std::optional<bool> include_thoughts;
  std::string media_resolution;           /* MEDIA_RESOLUTION_LOW|MEDIUM|HIGH */
  std::optional<bool> affective_dialog;   /* generationConfig.enableAffectiveDialog */
  std::optional<bool> proactive_audio;    /* proactivity.proactiveAudio */
  std::optional<bool> proactive_video;    /* proactivity.proactiveVideo */
  ThinkingLevel thinking_level = ThinkingLevel::UNSET;
  /* historyConfig.initialHistoryInClientContent: clientContent at the start
   * seeds history (3.1 closes a session that sends it later otherwise). */
  std::optional<bool> history_in_client_content;
  TranscriptionSettings input_transcription_settings;   /* sent when input_transcription */
  TranscriptionSettings output_transcription_settings;  /* sent when output_transcription */
  TranslationSettings translation;
  RealtimeInputSettings realtime_input;
  /* Function calling and built-in tools (protocol_tools.cpp). tools_json is
   * a JSON array of Tool already checked by parse_tools_json; the booleans add
   * {"googleSearch": {}} / {"codeExecution": {}} unless the array has one.
   * Nothing = no `tools`. */
  std::string tools_json;
  bool google_search = false;
  bool code_execution = false;
  /* Long sessions: contextWindowCompression with a sliding window
   * (protocol_resilience.cpp); not sent unless enabled; 0 tokens = not sent
   * (the service's default). */
  bool context_window_compression = false;
  uint64_t compression_trigger_tokens = 0;
  uint64_t compression_target_tokens = 0;
};

/* The setup message. Model-aware for the models in model_catalog.h: it leaves
 * out what the chosen model refuses although the application may have set it
 * harmlessly (thinkingConfig on gemini-3.8-live, proactiveAudio false where
 * it is always on) and asks a transcribe model for TEXT. What the model
 * refuses outright is for validate_setup_for_model () to report first. */
std::string encode_setup (const SetupConfig &config);

/* contextUpdate: replaces the system instruction and/or the tools mid-session
 * (in order with other input). Unset = unchanged; a set tools_json (a JSON
 * array already checked by parse_tools_json) replaces the tools, "[]" clears
 * them. False and `error` when tools_json is not a valid tools array. */
struct ContextUpdate {
  std::optional<std::string> system_instruction;
  std::optional<std::string> tools_json;
  /* With tools_json: add {"googleSearch": {}} / {"codeExecution": {}} unless
   * the array has one, as the setup does. */
  bool google_search = false;
  bool code_execution = false;
};
bool encode_context_update (const ContextUpdate &update, std::string &frame, std::string &error);
/* realtimeInput.audio with mimeType "audio/pcm;rate=<rate>" and base64 data. */
std::string encode_realtime_audio (const uint8_t *pcm, size_t size, int rate);
std::string encode_audio_stream_end ();
std::string encode_realtime_text (const std::string &text);

/* Multimodal input and push-to-talk (protocol_input.cpp). */
/* realtimeInput.video {mimeType, data: base64 of the encoded image}. */
std::string encode_realtime_video (const uint8_t *image, size_t size,
    const std::string &mime_type);
std::string encode_activity_start ();
std::string encode_activity_end ();
/* One turn of clientContent: role "user" or "model", one text part. */
struct ContentTurn {
  std::string role;
  std::string text;
};
/* clientContent {turns, turnComplete}; with no turns only turnComplete is sent. */
std::string encode_client_content (const std::vector<ContentTurn> &turns, bool turn_complete);

struct FunctionCall {
  std::string id;
  std::string name;
  std::string args_json;  /* compact JSON object, "{}" when absent */
};

/* usageMetadata flattened into (name, value) pairs so every count the server
 * reports reaches the application, including ones this codec does not know.
 * Names are the wire names ("promptTokenCount"); per-modality details become
 * "promptTokensDetails.AUDIO" and so on. */
struct UsageMetadata {
  std::vector<std::pair<std::string, int64_t>> counts;
  std::string service_tier;  /* serviceTier as the server wrote it; empty when absent */
};

struct GoAway {
  int64_t time_left_ms = 0;  /* parsed from a Duration string such as "10s" or "1.5s" */
};

struct ResumptionUpdate {
  std::string new_handle;
  bool resumable = false;
  /* Vertex with sessionResumption.transparent: the last client message the
   * state includes (counted from 0), so the rest can be resent after resuming. */
  std::optional<int64_t> last_consumed_client_message_index;
};

/* What a Transcription carries beside its text (newer servers). */
struct TranscriptionInfo {
  bool finished = false;               /* documented; reported never set on the Gemini API */
  std::string language_code;           /* BCP-47 of the text; empty when not given */
  std::optional<int64_t> start_offset_ms;  /* from the start of the input audio */
  std::optional<int64_t> end_offset_ms;
};

struct Transcription {
  std::string text;
  TranscriptionInfo info;
};

/* serverContent.interactionStatus: extended thinking ends a turn only at IDLE. */
enum class InteractionStatus {
  NONE,               /* not in the frame */
  UNSPECIFIED,        /* INTERACTION_STATUS_UNSPECIFIED, or a value this codec does not know */
  IN_PROGRESS,        /* more output is coming (background reasoning) */
  IDLE,               /* all processing done; REQUIRES_ACTION (deprecated) decodes as IDLE */
  WAITING_FOR_INPUT,
};

/* voiceActivity: the server's own voice activity detection. */
struct VoiceActivity {
  enum class Kind { START, END, OTHER } kind = Kind::OTHER;
  std::string wire_type;                /* "ACTIVITY_START", … as written */
  std::optional<int64_t> audio_offset_ms;  /* from the start of the audio stream */
};

/* serverContent.groundingMetadata (Google Search), for citations. */
struct GroundingMetadata {
  struct Source {
    std::string uri;
    std::string title;
  };
  std::vector<std::string> queries;   /* webSearchQueries */
  std::vector<Source> sources;        /* groundingChunks[].web */
  std::string rendered_content;       /* searchEntryPoint.renderedContent (HTML) */
};

/* serverContent.urlContextMetadata: what the urlContext tool fetched. */
struct UrlContextMetadata {
  struct Url {
    std::string url;     /* retrievedUrl */
    /* urlRetrievalStatus in short form: "success", "error", "paywall",
     * "unsafe", "unspecified" (also when absent). A status this codec does
     * not know is kept as the server wrote it, so newer ones still arrive. */
    std::string status;
  };
  std::vector<Url> urls;  /* urlMetadata[], in order */
};

/* One server frame. A frame may carry several of these at once (usageMetadata
 * beside serverContent, several audio parts, audio and transcription together);
 * consumers handle them in the order the fields are declared here. */
struct ServerMessage {
  bool setup_complete = false;
  std::string session_id;             /* setupComplete.sessionId; empty when not given */

  /* serverContent */
  std::vector<BytesPtr> audio;        /* every inlineData audio part, in order, decoded */
  int audio_rate = 24000;             /* rate from the parts' mimeType */
  std::vector<std::string> texts;     /* non-thought text parts */
  std::vector<std::string> thoughts;  /* text parts marked thought: true, in order */
  /* Low-latency text while the user is still speaking. */
  std::optional<Transcription> interim_input_transcription;
  std::optional<std::string> input_transcription;   /* its text */
  TranscriptionInfo input_transcription_info;       /* the rest, when input_transcription is set */
  std::optional<std::string> output_transcription;  /* its text */
  TranscriptionInfo output_transcription_info;
  bool generation_complete = false;
  bool turn_complete = false;
  std::string turn_complete_reason;   /* empty when the server gave none */
  bool interrupted = false;
  bool waiting_for_input = false;     /* the model waits for the user to go on */
  InteractionStatus interaction_status = InteractionStatus::NONE;
  std::optional<VoiceActivity> voice_activity;

  std::vector<FunctionCall> tool_calls;
  std::vector<std::string> cancelled_tool_call_ids;
  std::optional<GoAway> go_away;
  std::optional<ResumptionUpdate> resumption_update;
  std::optional<UsageMetadata> usage;
  std::optional<GroundingMetadata> grounding;  /* Google Search sources */
  std::optional<UrlContextMetadata> url_context;  /* pages the urlContext tool fetched */

  /* Top-level keys (and serverContent keys) this codec does not understand;
   * the session logs and counts them and carries on. */
  std::vector<std::string> unknown_fields;
};

struct DecodeResult {
  std::optional<ServerMessage> message;  /* set on success */
  std::string error;                     /* set when the frame is not a JSON object */
};

/* Accepts UTF-8 JSON from a text or binary frame; `data` need not be NUL-terminated. */
DecodeResult decode_server_message (const char *data, size_t size);

/* Parses a protobuf Duration string ("10s", "0.5s", "1.000340s"); nullopt if malformed. */
std::optional<int64_t> parse_duration_ms (const std::string &duration);

}  // namespace gemlive
