/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec, server side (see protocol.h; the client messages
 * are built in protocol_encode.cpp). Server frames are parsed with JsonParser
 * and walked by hand so that every part of every message is read, wire names
 * in snake_case are accepted, and anything unknown is reported, not fatal.
 */
#include "live/protocol.h"
#include "live/json_build.h"
#include "live/json_check.h"
#include "live/json_guard.h"
#include "live/peer_text.h"
#include "live/protocol_decode.h"
#include "live/protocol_json_fields.h"
#include "live/protocol_setup_parts.h"  /* decode_grounding_metadata, decode_url_context_metadata */

#include <json-glib/json-glib.h>

#include <cstring>
#include <forward_list>
#include <stdexcept>
#include <string_view>

namespace gemlive {

using namespace decode_internal;

namespace {

/* ---------------------------------------------------------------- decoding */

void
decode_inline_data (JsonNode *node, const JsonPath &path, ServerMessage &msg)
{
  Fields blob (node, path);
  std::string mime_type = blob.string ("mimeType").value_or ("");
  if (!g_str_has_prefix (mime_type.c_str (), "audio/pcm")) {
    msg.unknown_fields.push_back (path.str () + "(" + mime_type + ")");
    return;
  }
  std::optional<int> rate = decode_internal::pcm_rate_of (mime_type, msg.audio_rate);
  if (!rate)
    throw DecodeError (blob.path_of ("mimeType") + " has an invalid sample rate in \""
        + mime_type + "\"");
  msg.audio_rate = *rate;

  JsonNode *data = blob.get ("data");
  if (!data) {
    msg.audio.emplace_back (g_bytes_new (nullptr, 0));
    return;
  }
  if (!JSON_NODE_HOLDS_VALUE (data) || json_node_get_value_type (data) != G_TYPE_STRING)
    throw DecodeError (blob.path_of ("data") + " must be a base64 string, not "
        + json_check::kind_of (data));
  const char *text = json_node_get_string (data);
  size_t length = strlen (text);
  GBytes *pcm = decode_internal::decode_strict_base64 (text, length);
  if (!pcm)
    throw DecodeError (blob.path_of ("data") + " is not valid base64");
  msg.audio.emplace_back (pcm);
}

void
decode_model_turn (JsonNode *node, const JsonPath &path, ServerMessage &msg)
{
  Fields turn (node, path);
  JsonArray *parts = turn.array ("parts");
  if (!parts)
    return;
  JsonPath parts_path = path.member ("parts");
  guint n = json_array_get_length (parts);
  for (guint i = 0; i < n; i++) {
    JsonPath part_path = parts_path.element (i);
    Fields part (json_array_get_element (parts, i), part_path);
    bool thought = part.boolean ("thought");
    for (const auto &[key, value] : part.all ()) {
      if (key == "inlineData") {
        decode_inline_data (value, part_path.member (key), msg);
      } else if (key == "text") {
        std::optional<std::string> text = part.string ("text");
        if (text)
          (thought ? msg.thoughts : msg.texts).push_back (*text);
      } else if (!is_one_of (key, {"thought", "thoughtSignature"})) {
        msg.unknown_fields.push_back (part.path_of (key));
      }
    }
  }
}

/* A Duration member ("1.5s"), or nullopt when absent. */
std::optional<int64_t>
duration_member (const Fields &fields, const char *name)
{
  std::optional<std::string> text = fields.string (name);
  if (!text)
    return std::nullopt;
  std::optional<int64_t> ms = parse_duration_ms (*text);
  if (!ms)
    throw DecodeError (fields.path_of (name) + " \"" + *text + "\" is not a Duration like \"1.5s\"");
  return ms;
}

Transcription
decode_transcription (JsonNode *node, const JsonPath &path, ServerMessage &msg)
{
  Fields fields (node, path);
  Transcription t;
  for (const auto &[key, value] : fields.all ()) {
    if (key == "text")
      t.text = fields.string ("text").value_or ("");
    else if (key == "finished")
      t.info.finished = fields.boolean ("finished");
    else if (key == "languageCode")
      t.info.language_code = fields.string ("languageCode").value_or ("");
    else if (key == "startOffset")
      t.info.start_offset_ms = duration_member (fields, "startOffset");
    else if (key == "endOffset")
      t.info.end_offset_ms = duration_member (fields, "endOffset");
    else if (!JSON_NODE_HOLDS_NULL (value))
      msg.unknown_fields.push_back (fields.path_of (key));  /* speakerLabel, words, … */
  }
  return t;
}

void
decode_interaction_status (const Fields &content, ServerMessage &msg)
{
  std::string status = content.string ("interactionStatus").value_or ("");
  if (status == "IDLE" || status == "REQUIRES_ACTION")
    msg.interaction_status = InteractionStatus::IDLE;
  else if (status == "IN_PROGRESS")
    msg.interaction_status = InteractionStatus::IN_PROGRESS;
  else if (status == "WAITING_FOR_INPUT")
    msg.interaction_status = InteractionStatus::WAITING_FOR_INPUT;
  else {
    msg.interaction_status = InteractionStatus::UNSPECIFIED;
    if (status != "INTERACTION_STATUS_UNSPECIFIED")
      msg.unknown_fields.push_back (content.path_of ("interactionStatus") + "(" + status + ")");
  }
}

void
decode_server_content (JsonNode *node, ServerMessage &msg)
{
  JsonPath content_path = ROOT_PATH.member ("serverContent");
  Fields content (node, content_path);
  for (const auto &[key, value] : content.all ()) {
    if (JSON_NODE_HOLDS_NULL (value))
      continue;
    JsonPath path = content_path.member (key);
    if (key == "modelTurn")
      decode_model_turn (value, path, msg);
    else if (key == "inputTranscription") {
      Transcription t = decode_transcription (value, path, msg);
      msg.input_transcription = std::move (t.text);
      msg.input_transcription_info = std::move (t.info);
    } else if (key == "outputTranscription") {
      Transcription t = decode_transcription (value, path, msg);
      msg.output_transcription = std::move (t.text);
      msg.output_transcription_info = std::move (t.info);
    } else if (key == "interimInputTranscription")
      msg.interim_input_transcription = decode_transcription (value, path, msg);
    else if (key == "interactionStatus")
      decode_interaction_status (content, msg);
    else if (key == "generationComplete")
      msg.generation_complete = content.boolean ("generationComplete");
    else if (key == "turnComplete")
      msg.turn_complete = content.boolean ("turnComplete");
    else if (key == "interrupted")
      msg.interrupted = content.boolean ("interrupted");
    else if (key == "turnCompleteReason")  /* an enum name, posted on the bus */
      msg.turn_complete_reason = peer_text (content.string ("turnCompleteReason").value_or (""));
    else if (key == "groundingMetadata") {  /* Google Search sources: protocol_tools.cpp */
      GroundingMetadata grounding;
      std::string error;
      if (!decode_grounding_metadata (value, grounding, error))
        throw DecodeError (error);
      msg.grounding = std::move (grounding);
    }
    else if (key == "urlContextMetadata") {  /* urlContext tool: protocol_tools.cpp */
      UrlContextMetadata url_context;
      std::string error;
      if (!decode_url_context_metadata (value, url_context, error))
        throw DecodeError (error);
      msg.url_context = std::move (url_context);
    }
    else if (key == "waitingForInput")
      msg.waiting_for_input = content.boolean ("waitingForInput");
    else
      msg.unknown_fields.push_back (path.str ());
  }
}

void
decode_tool_call (JsonNode *node, ServerMessage &msg)
{
  JsonPath tool_call_path = ROOT_PATH.member ("toolCall");
  Fields tool_call (node, tool_call_path);
  JsonArray *calls = tool_call.array ("functionCalls");
  JsonPath calls_path = tool_call_path.member ("functionCalls");
  guint n = calls ? json_array_get_length (calls) : 0;
  for (guint i = 0; i < n; i++) {
    Fields call (json_array_get_element (calls, i), calls_path.element (i));
    FunctionCall fc;
    fc.id = call.string ("id").value_or ("");
    fc.name = call.string ("name").value_or ("");
    JsonNode *args = call.get ("args");
    if (args && !JSON_NODE_HOLDS_OBJECT (args))
      throw DecodeError (call.path_of ("args") + " must be an object, not "
          + json_check::kind_of (args));
    fc.args_json = args ? compact_json (args) : "{}";
    msg.tool_calls.push_back (std::move (fc));
  }
}

void
decode_tool_call_cancellation (JsonNode *node, ServerMessage &msg)
{
  Fields cancellation (node, ROOT_PATH.member ("toolCallCancellation"));
  JsonArray *ids = cancellation.array ("ids");
  guint n = ids ? json_array_get_length (ids) : 0;
  for (guint i = 0; i < n; i++) {
    JsonNode *id = json_array_get_element (ids, i);
    if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
      throw DecodeError ("toolCallCancellation.ids[" + std::to_string (i)
          + "] must be a string, not " + json_check::kind_of (id));
    msg.cancelled_tool_call_ids.emplace_back (json_node_get_string (id));
  }
}

void
decode_go_away (JsonNode *node, ServerMessage &msg)
{
  Fields go_away (node, ROOT_PATH.member ("goAway"));
  GoAway result;
  if (std::optional<std::string> time_left = go_away.string ("timeLeft")) {
    std::optional<int64_t> ms = parse_duration_ms (*time_left);
    if (!ms)
      throw DecodeError ("goAway.timeLeft \"" + *time_left + "\" is not a Duration like \"10s\"");
    result.time_left_ms = *ms;
  }
  msg.go_away = result;
}

void
decode_resumption_update (JsonNode *node, ServerMessage &msg)
{
  Fields update (node, ROOT_PATH.member ("sessionResumptionUpdate"));
  ResumptionUpdate result;
  result.new_handle = update.string ("newHandle").value_or ("");
  result.resumable = update.boolean ("resumable");
  if (JsonNode *index = update.get ("lastConsumedClientMessageIndex")) {
    result.last_consumed_client_message_index = read_int64 (index);
    if (!result.last_consumed_client_message_index)
      throw DecodeError (update.path_of ("lastConsumedClientMessageIndex")
          + " must be an integer");
  }
  msg.resumption_update = result;
}

void
decode_setup_complete (JsonNode *node, ServerMessage &msg)
{
  Fields setup (node, ROOT_PATH.member ("setupComplete"));
  msg.setup_complete = true;
  for (const auto &[key, value] : setup.all ()) {
    if (key == "sessionId")
      msg.session_id = setup.string ("sessionId").value_or ("");
    else if (!JSON_NODE_HOLDS_NULL (value))
      msg.unknown_fields.push_back (setup.path_of (key));  /* voiceConsentSignature, … */
  }
}

/* voiceActivity {voiceActivityType, audioOffset}; the Vertex wire names the
 * type `type`. */
void
decode_voice_activity (JsonNode *node, ServerMessage &msg)
{
  Fields activity (node, ROOT_PATH.member ("voiceActivity"));
  VoiceActivity result;
  result.wire_type = activity.string ("voiceActivityType")
                         .value_or (activity.string ("type").value_or (""));
  if (result.wire_type == "ACTIVITY_START")
    result.kind = VoiceActivity::Kind::START;
  else if (result.wire_type == "ACTIVITY_END")
    result.kind = VoiceActivity::Kind::END;
  result.audio_offset_ms = duration_member (activity, "audioOffset");
  msg.voice_activity = std::move (result);
}

/* Vertex says "candidates" where the Gemini API says "response"; one name
 * reaches the application whichever route it came from. */
std::string
usage_name (std::string_view key)
{
  if (key == "candidatesTokenCount")
    return "responseTokenCount";
  if (key == "candidatesTokensDetails")
    return "responseTokensDetails";
  return std::string (key);
}

void
decode_usage (JsonNode *node, ServerMessage &msg)
{
  JsonPath usage_path = ROOT_PATH.member ("usageMetadata");
  Fields usage (node, usage_path);
  UsageMetadata result;
  for (const auto &[key, value] : usage.all ()) {
    if (key == "serviceTier" && JSON_NODE_HOLDS_VALUE (value)
        && json_node_get_value_type (value) == G_TYPE_STRING) {
      result.service_tier = json_node_get_string (value);
      continue;
    }
    /* Names become bus-message field names: only plain identifiers do
     * (a key holding "=", "," or an escape would garble the serialised
     * structure an application parses or logs). */
    if (!is_plain_identifier (key)) {
      msg.unknown_fields.push_back (usage.path_of (key));
      continue;
    }
    std::string name = usage_name (key);
    if (std::optional<int64_t> count = read_int64 (value)) {
      result.counts.emplace_back (name, *count);
    } else if (JSON_NODE_HOLDS_ARRAY (value)) {
      JsonArray *details = json_node_get_array (value);
      JsonPath details_path = usage_path.member (key);
      guint n = json_array_get_length (details);
      for (guint i = 0; i < n; i++) {
        Fields detail (json_array_get_element (details, i), details_path.element (i));
        std::string modality = detail.string ("modality").value_or ("MODALITY_UNSPECIFIED");
        if (!is_plain_identifier (modality)) {
          msg.unknown_fields.push_back (detail.path_of ("modality") + "(" + modality + ")");
          continue;
        }
        JsonNode *token_count = detail.get ("tokenCount");
        std::optional<int64_t> count = token_count ? read_int64 (token_count) : 0;
        if (!count)
          throw DecodeError (detail.path_of ("tokenCount") + " must be an integer");
        result.counts.emplace_back (name + "." + modality, *count);
      }
    } else if (!JSON_NODE_HOLDS_NULL (value)) {
      /* e.g. Vertex's trafficType enum: not a count */
      msg.unknown_fields.push_back (usage.path_of (key));
    }
  }
  msg.usage = std::move (result);
}

ServerMessage
decode_root (JsonNode *root)
{
  ServerMessage msg;
  Fields top (root, ROOT_PATH);
  for (const auto &[key, value] : top.all ()) {
    if (JSON_NODE_HOLDS_NULL (value))
      continue;
    if (key == "setupComplete") {
      decode_setup_complete (value, msg);
    } else if (key == "voiceActivity") {
      decode_voice_activity (value, msg);
    } else if (key == "serverContent") {
      decode_server_content (value, msg);
    } else if (key == "toolCall") {
      decode_tool_call (value, msg);
    } else if (key == "toolCallCancellation") {
      decode_tool_call_cancellation (value, msg);
    } else if (key == "goAway") {
      decode_go_away (value, msg);
    } else if (key == "sessionResumptionUpdate") {
      decode_resumption_update (value, msg);
    } else if (key == "usageMetadata") {
      decode_usage (value, msg);
    } else {
      msg.unknown_fields.emplace_back (key);
    }
  }
  return msg;
}

}  // namespace

/* ---------------------------------------------------------------- decoder */

namespace decode_internal {

DecodeResult
decode_server_message_json (const char *data, size_t size)
{
  DecodeResult result;
  if (!data || size == 0) {
    result.error = "empty frame (expected a JSON object)";
    return result;
  }
  if (size > G_MAXSSIZE) {
    result.error = "frame too large";
    return result;
  }
  if (memchr (data, '\0', size)) {
    result.error = "frame contains a NUL byte (expected UTF-8 JSON text)";
    return result;
  }
  const gchar *bad_utf8 = nullptr;
  if (!g_utf8_validate_len (data, size, &bad_utf8)) {
    result.error = "frame is not valid UTF-8 (at byte " + std::to_string (bad_utf8 - data) + ")";
    return result;
  }
  /* Before json-glib, whose recursion a deep frame turns into a crash. */
  std::string not_plain = json_guard_problem (data, size);
  if (!not_plain.empty ()) {
    result.error = "frame refused before parsing: " + not_plain;
    return result;
  }

  GObjectPtr<JsonParser> parser (json_parser_new_immutable ());
  GError *error = nullptr;
  if (!json_parser_load_from_data (parser.get (), data, static_cast<gssize> (size), &error)) {
    result.error = peer_text (std::string ("frame is not valid JSON: ") + error->message, 1024);
    g_error_free (error);
    return result;
  }
  JsonNode *root = json_parser_get_root (parser.get ());
  if (!root) {
    result.error = "frame holds no JSON value (expected a JSON object)";
    return result;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    result.error = std::string ("frame is ") + json_check::kind_of (root)
        + ", not a JSON object";
    return result;
  }
  /* Both name the peer's keys and values, and the session logs them. */
  try {
    result.message = decode_root (root);
    for (std::string &name : result.message->unknown_fields)
      name = peer_text (name);
  } catch (const DecodeError &e) {
    result.error = peer_text (e.what (), 1024);
  }
  return result;
}

}  // namespace decode_internal

DecodeResult
decode_server_message (const char *data, size_t size)
{
  /* Most frames are audio only: they skip the JSON tree (the fast path
   * returns nothing for any other frame). */
  DecodeResult result;
  result.message = decode_internal::decode_audio_frame_fast (data, size);
  if (result.message)
    return result;
  return decode_internal::decode_server_message_json (data, size);
}

std::optional<int64_t>
parse_duration_ms (const std::string &duration)
{
  /* proto3 JSON Duration: optional '-', seconds, optional '.' and up to nine
   * fractional digits, then 's'. */
  const char *p = duration.c_str ();
  bool negative = (*p == '-');
  if (negative)
    p++;
  int64_t seconds = 0;
  int int_digits = 0;
  while (g_ascii_isdigit (*p)) {
    if (++int_digits > 12)  /* the proto limit is 315,576,000,000 s */
      return std::nullopt;
    seconds = seconds * 10 + (*p++ - '0');
  }
  int64_t millis = 0;
  int frac_digits = 0;
  if (*p == '.') {
    p++;
    while (g_ascii_isdigit (*p)) {
      if (++frac_digits > 9)
        return std::nullopt;
      if (frac_digits <= 3)
        millis = millis * 10 + (*p - '0');
      p++;
    }
    if (frac_digits == 0)
      return std::nullopt;
    for (int d = frac_digits; d < 3; d++)
      millis *= 10;
  }
  if (int_digits == 0 || *p != 's' || p[1] != '\0')
    return std::nullopt;
  int64_t total = seconds * 1000 + millis;
  return negative ? -total : total;
}

}  // namespace gemlive
