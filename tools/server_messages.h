/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure builders for the messages gemini-live-server sends: compact camelCase
 * JSON shaped to BidiGenerateContentServerMessage. No I/O, no state.
 */
#pragma once

#include <glib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gemlive::server {

struct ToolCallSpec {
  std::string id;
  std::string name;
  std::string args_json = "{}";  /* compact JSON object */
};

/* serverContent.groundingMetadata of a reply grounded in Google Search. */
struct GroundingSpec {
  struct Source {
    std::string uri;
    std::string title;  /* omitted from the message when empty */
  };
  std::vector<std::string> queries;  /* webSearchQueries */
  std::vector<Source> sources;       /* groundingChunks[].web */
  std::string rendered_content;      /* searchEntryPoint.renderedContent; omitted when empty */
};

/* serverContent.urlContextMetadata: the pages the urlContext tool fetched. */
struct UrlContextSpec {
  struct Url {
    std::string url;     /* retrievedUrl */
    std::string status;  /* urlRetrievalStatus, the wire name (URL_RETRIEVAL_STATUS_...) */
  };
  std::vector<Url> urls;  /* urlMetadata[] */
};

struct UsageCounts {
  int64_t prompt_audio_tokens = 0;
  int64_t prompt_text_tokens = 0;
  int64_t response_audio_tokens = 0;
};

std::string msg_setup_complete ();
/* setupComplete {sessionId}. */
std::string msg_setup_complete (const std::string &session_id);
/* voiceActivity {voiceActivityType (Vertex: type), audioOffset}. */
std::string msg_voice_activity (bool start, int64_t audio_offset_ms, bool vertex);
/* One modelTurn part of 24 kHz S16LE mono PCM, base64 encoded here. */
std::string msg_audio_chunk (const guint8 *pcm, gsize size);
/* A Transcription with what newer servers add: the language and, for a
 * transcribe model, where in the input stream the text lies. */
struct TranscriptSpec {
  std::string text;
  std::string language_code;  /* omitted when empty */
  int64_t start_ms = -1;      /* startOffset / endOffset; omitted when < 0 */
  int64_t end_ms = -1;
};
/* serverContent.<key> (inputTranscription, outputTranscription) from a spec. */
std::string msg_transcription (const char *key, const TranscriptSpec &transcript);
/* One modelTurn part {text, thought: true}: what the model thought. */
std::string msg_thought (const std::string &text);
std::string msg_generation_complete ();
std::string msg_turn_complete ();
/* turnComplete beside interactionStatus (IN_PROGRESS, IDLE): extended thinking. */
std::string msg_turn_complete (const char *interaction_status);
std::string msg_interrupted ();
std::string msg_usage (const UsageCounts &usage);
std::string msg_grounding (const GroundingSpec &grounding);
std::string msg_url_context (const UrlContextSpec &url_context);
/* serverContent.waitingForInput: true. */
std::string msg_waiting_for_input ();
std::string msg_tool_call (const std::vector<ToolCallSpec> &calls);
std::string msg_tool_call_cancellation (const std::vector<std::string> &ids);
std::string msg_go_away (int64_t time_left_ms);
std::string msg_resumption_update (const std::string &new_handle, bool resumable);
/* A message kind newer than the published schema (fault injection only). */
std::string msg_unknown_kind ();

/* Tokens the service would count for audio of the given length (it bills
 * about 32 tokens per second of audio) and for text (about 4 chars a token). */
int64_t audio_tokens_for_ms (int64_t ms);
int64_t text_tokens_for (const std::string &text);

}  // namespace gemlive::server
