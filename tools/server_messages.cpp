/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "server_messages.h"

#include <json-glib/json-glib.h>

#include <cstdio>
#include <functional>

namespace gemlive::server {

namespace {

/* Serialises a finished builder to compact JSON and releases it. */
std::string
finish (JsonBuilder *builder)
{
  JsonNode *root = json_builder_get_root (builder);
  JsonGenerator *generator = json_generator_new ();
  json_generator_set_root (generator, root);
  gchar *text = json_generator_to_data (generator, nullptr);
  std::string result (text);
  g_free (text);
  g_object_unref (generator);
  json_node_unref (root);
  g_object_unref (builder);
  return result;
}

/* {"serverContent": {<key>: true}} */
std::string
server_content_flag (const char *key)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, key);
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

void
add_modality_details (JsonBuilder *b, const char *name,
    const std::vector<std::pair<const char *, int64_t>> &counts)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (const auto &[modality, count] : counts) {
    if (count <= 0)
      continue;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "modality");
    json_builder_add_string_value (b, modality);
    json_builder_set_member_name (b, "tokenCount");
    json_builder_add_int_value (b, count);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* {"serverContent": {"modelTurn": {"parts": [{<what write_members writes>}]}}} */
std::string
model_turn_part (const std::function<void (JsonBuilder *)> &write_members)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "modelTurn");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "parts");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  write_members (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

/* protobuf Duration in JSON: seconds with up to 9 fractional digits and an 's'. */
std::string
duration_text (int64_t ms)
{
  char duration[64];
  if (ms % 1000 == 0)
    g_snprintf (duration, sizeof duration, "%" G_GINT64_FORMAT "s", ms / 1000);
  else
    g_snprintf (duration, sizeof duration, "%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT "s",
        ms / 1000, ms % 1000);
  return duration;
}

}  // namespace

std::string
msg_setup_complete ()
{
  return "{\"setupComplete\":{}}";
}

std::string
msg_setup_complete (const std::string &session_id)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "setupComplete");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sessionId");
  json_builder_add_string_value (b, session_id.c_str ());
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_voice_activity (bool start, int64_t audio_offset_ms, bool vertex)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "voiceActivity");
  json_builder_begin_object (b);
  /* The SDK's type names the field voiceActivityType; the Vertex wire says type. */
  json_builder_set_member_name (b, vertex ? "type" : "voiceActivityType");
  json_builder_add_string_value (b, start ? "ACTIVITY_START" : "ACTIVITY_END");
  json_builder_set_member_name (b, "audioOffset");
  json_builder_add_string_value (b, duration_text (audio_offset_ms).c_str ());
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_audio_chunk (const guint8 *pcm, gsize size)
{
  gchar *b64 = g_base64_encode (pcm, size);
  std::string message = model_turn_part ([b64] (JsonBuilder *b) {
    json_builder_set_member_name (b, "inlineData");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "mimeType");
    json_builder_add_string_value (b, "audio/pcm;rate=24000");
    json_builder_set_member_name (b, "data");
    json_builder_add_string_value (b, b64);
    json_builder_end_object (b);
  });
  g_free (b64);
  return message;
}

std::string
msg_transcription (const char *key, const TranscriptSpec &transcript)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, transcript.text.c_str ());
  if (!transcript.language_code.empty ()) {
    json_builder_set_member_name (b, "languageCode");
    json_builder_add_string_value (b, transcript.language_code.c_str ());
  }
  if (transcript.start_ms >= 0 && transcript.end_ms >= transcript.start_ms) {
    json_builder_set_member_name (b, "startOffset");
    json_builder_add_string_value (b, duration_text (transcript.start_ms).c_str ());
    json_builder_set_member_name (b, "endOffset");
    json_builder_add_string_value (b, duration_text (transcript.end_ms).c_str ());
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_thought (const std::string &text)
{
  return model_turn_part ([&text] (JsonBuilder *b) {
    json_builder_set_member_name (b, "text");
    json_builder_add_string_value (b, text.c_str ());
    json_builder_set_member_name (b, "thought");
    json_builder_add_boolean_value (b, TRUE);
  });
}

std::string
msg_turn_complete (const char *interaction_status)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "turnComplete");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "interactionStatus");
  json_builder_add_string_value (b, interaction_status);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_generation_complete ()
{
  return server_content_flag ("generationComplete");
}

std::string
msg_turn_complete ()
{
  return server_content_flag ("turnComplete");
}

std::string
msg_interrupted ()
{
  return server_content_flag ("interrupted");
}

std::string
msg_usage (const UsageCounts &usage)
{
  const int64_t prompt = usage.prompt_audio_tokens + usage.prompt_text_tokens;
  const int64_t response = usage.response_audio_tokens;
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "usageMetadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "promptTokenCount");
  json_builder_add_int_value (b, prompt);
  json_builder_set_member_name (b, "responseTokenCount");
  json_builder_add_int_value (b, response);
  json_builder_set_member_name (b, "totalTokenCount");
  json_builder_add_int_value (b, prompt + response);
  add_modality_details (b, "promptTokensDetails",
      {{"AUDIO", usage.prompt_audio_tokens}, {"TEXT", usage.prompt_text_tokens}});
  add_modality_details (b, "responseTokensDetails", {{"AUDIO", usage.response_audio_tokens}});
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_grounding (const GroundingSpec &grounding)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "groundingMetadata");
  json_builder_begin_object (b);
  if (!grounding.queries.empty ()) {
    json_builder_set_member_name (b, "webSearchQueries");
    json_builder_begin_array (b);
    for (const auto &query : grounding.queries)
      json_builder_add_string_value (b, query.c_str ());
    json_builder_end_array (b);
  }
  if (!grounding.sources.empty ()) {
    json_builder_set_member_name (b, "groundingChunks");
    json_builder_begin_array (b);
    for (const auto &source : grounding.sources) {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "web");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, source.uri.c_str ());
      if (!source.title.empty ()) {
        json_builder_set_member_name (b, "title");
        json_builder_add_string_value (b, source.title.c_str ());
      }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
  }
  if (!grounding.rendered_content.empty ()) {
    json_builder_set_member_name (b, "searchEntryPoint");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "renderedContent");
    json_builder_add_string_value (b, grounding.rendered_content.c_str ());
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_url_context (const UrlContextSpec &url_context)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "urlContextMetadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "urlMetadata");
  json_builder_begin_array (b);
  for (const auto &url : url_context.urls) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "retrievedUrl");
    json_builder_add_string_value (b, url.url.c_str ());
    json_builder_set_member_name (b, "urlRetrievalStatus");
    json_builder_add_string_value (b, url.status.c_str ());
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_waiting_for_input ()
{
  return server_content_flag ("waitingForInput");
}

std::string
msg_tool_call (const std::vector<ToolCallSpec> &calls)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "toolCall");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "functionCalls");
  json_builder_begin_array (b);
  for (const auto &call : calls) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, call.id.c_str ());
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, call.name.c_str ());
    json_builder_set_member_name (b, "args");
    JsonNode *args = json_from_string (call.args_json.c_str (), nullptr);
    if (args == nullptr || !JSON_NODE_HOLDS_OBJECT (args)) {
      if (args != nullptr)
        json_node_unref (args);
      args = json_node_init_object (json_node_alloc (), json_object_new ());
    }
    json_builder_add_value (b, args);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_tool_call_cancellation (const std::vector<std::string> &ids)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "toolCallCancellation");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ids");
  json_builder_begin_array (b);
  for (const auto &id : ids)
    json_builder_add_string_value (b, id.c_str ());
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_go_away (int64_t time_left_ms)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "goAway");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "timeLeft");
  json_builder_add_string_value (b, duration_text (time_left_ms).c_str ());
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_resumption_update (const std::string &new_handle, bool resumable)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sessionResumptionUpdate");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "newHandle");
  json_builder_add_string_value (b, new_handle.c_str ());
  json_builder_set_member_name (b, "resumable");
  json_builder_add_boolean_value (b, resumable);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return finish (b);
}

std::string
msg_unknown_kind ()
{
  /* A kind no schema has (voiceActivity, which newer servers send, is
   * decoded by clients now, so it would not test tolerance). */
  return "{\"futureMessageKind\":{\"type\":\"EXPERIMENT\"}}";
}

int64_t
audio_tokens_for_ms (int64_t ms)
{
  return (ms * 32 + 999) / 1000;
}

int64_t
text_tokens_for (const std::string &text)
{
  return (static_cast<int64_t> (text.size ()) + 3) / 4;
}

}  // namespace gemlive::server
