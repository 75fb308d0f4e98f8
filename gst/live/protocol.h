/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec: client messages built from plain structs, server
 * frames decoded into a typed ServerMessage. Pure: no I/O, no threads, no
 * GStreamer. json-glib builds and parses, GLib does base64.
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
};

std::string encode_setup (const SetupConfig &config);
/* realtimeInput.audio with mimeType "audio/pcm;rate=<rate>" and base64 data. */
std::string encode_realtime_audio (const uint8_t *pcm, size_t size, int rate);
std::string encode_audio_stream_end ();
std::string encode_realtime_text (const std::string &text);

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
};

struct GoAway {
  int64_t time_left_ms = 0;  /* parsed from a Duration string such as "10s" or "1.5s" */
};

struct ResumptionUpdate {
  std::string new_handle;
  bool resumable = false;
};

/* One server frame. A frame may carry several of these at once (usageMetadata
 * beside serverContent, several audio parts, audio and transcription together);
 * consumers handle them in the order the fields are declared here. */
struct ServerMessage {
  bool setup_complete = false;

  /* serverContent */
  std::vector<BytesPtr> audio;        /* every inlineData audio part, in order, decoded */
  int audio_rate = 24000;             /* rate from the parts' mimeType */
  std::vector<std::string> texts;     /* non-thought text parts */
  std::optional<std::string> input_transcription;
  std::optional<std::string> output_transcription;
  bool generation_complete = false;
  bool turn_complete = false;
  std::string turn_complete_reason;   /* empty when the server gave none */
  bool interrupted = false;

  std::vector<FunctionCall> tool_calls;
  std::vector<std::string> cancelled_tool_call_ids;
  std::optional<GoAway> go_away;
  std::optional<ResumptionUpdate> resumption_update;
  std::optional<UsageMetadata> usage;

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
