/* gst-gemini-live unit tests: decoding server frames.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "unit_helpers.h"

#include "live/protocol.h"

#include <glib.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace gemlive::unittest {

namespace {

const char *const SERVER_VECTORS[] = {
  "server-generation-complete.json",
  "server-go-away.json",
  "server-input-transcription.json",
  "server-interrupted.json",
  "server-model-turn-audio.json",
  "server-model-turn-text-and-thought.json",
  "server-model-turn-two-audio-parts.json",
  "server-output-transcription.json",
  "server-session-resumption-update.json",
  "server-setup-complete.json",
  "server-tool-call-cancellation.json",
  "server-tool-call.json",
  "server-turn-complete.json",
  "server-usage-metadata.json",
};

ServerMessage
decode_ok (const std::string &text)
{
  DecodeResult result = decode_server_message (text.data (), text.size ());
  if (!result.message)
    g_error ("frame was refused (%s): %s", result.error.c_str (), text.c_str ());
  g_assert_cmpstr (result.error.c_str (), ==, "");
  return std::move (*result.message);
}

ServerMessage
decode_wire (const char *name)
{
  return decode_ok (read_wire (name));
}

std::string
decode_error (const std::string &text)
{
  DecodeResult result = decode_server_message (text.data (), text.size ());
  if (result.message)
    g_error ("frame was accepted but must be refused: %.200s", text.c_str ());
  g_assert_cmpstr (result.error.c_str (), !=, "");
  return result.error;
}

void
assert_bytes (GBytes *bytes, const std::vector<uint8_t> &expected)
{
  gsize size = 0;
  const guint8 *data = static_cast<const guint8 *> (g_bytes_get_data (bytes, &size));
  g_assert_cmpmem (data, size, expected.data (), expected.size ());
}

int64_t
usage_count (const ServerMessage &msg, const char *name)
{
  g_assert_true (msg.usage.has_value ());
  for (const auto &[key, value] : msg.usage->counts)
    if (key == name)
      return value;
  g_error ("usage count %s missing", name);
}

bool
has_unknown (const ServerMessage &msg, const char *name)
{
  return std::find (msg.unknown_fields.begin (), msg.unknown_fields.end (), name)
      != msg.unknown_fields.end ();
}

void
test_every_wire_vector_decodes_fully ()
{
  for (const char *name : SERVER_VECTORS) {
    ServerMessage msg = decode_wire (name);
    if (!msg.unknown_fields.empty ())
      g_error ("%s: the codec did not understand %s", name, msg.unknown_fields[0].c_str ());
  }
}

void
test_setup_complete ()
{
  ServerMessage msg = decode_wire ("server-setup-complete.json");
  g_assert_true (msg.setup_complete);
  g_assert_true (msg.audio.empty ());
  g_assert_false (msg.turn_complete);
}

void
test_audio_part_decoded_with_rate ()
{
  ServerMessage msg = decode_wire ("server-model-turn-audio.json");
  g_assert_cmpuint (msg.audio.size (), ==, 1);
  std::vector<uint8_t> expected (48);
  for (size_t i = 0; i < expected.size (); i++)
    expected[i] = static_cast<uint8_t> (i);
  assert_bytes (msg.audio[0].get (), expected);
  g_assert_cmpint (msg.audio_rate, ==, 24000);
}

void
test_two_audio_parts_both_decoded ()
{
  ServerMessage msg = decode_wire ("server-model-turn-two-audio-parts.json");
  g_assert_cmpuint (msg.audio.size (), ==, 2);
  assert_bytes (msg.audio[0].get (), {1, 2, 3});
  assert_bytes (msg.audio[1].get (), {4, 5, 6, 7});
}

void
test_thought_parts_are_not_texts ()
{
  ServerMessage msg = decode_wire ("server-model-turn-text-and-thought.json");
  g_assert_cmpuint (msg.texts.size (), ==, 1);
  g_assert_cmpstr (msg.texts[0].c_str (), ==, "Hello there.");
}

void
test_transcriptions_and_flags ()
{
  ServerMessage in = decode_wire ("server-input-transcription.json");
  g_assert_true (in.input_transcription.has_value ());
  g_assert_cmpstr (in.input_transcription->c_str (), ==, "what is the weather");
  g_assert_false (in.output_transcription.has_value ());

  ServerMessage out = decode_wire ("server-output-transcription.json");
  assert_str (out.output_transcription.value_or ("<none>"), "It is sunny.");

  g_assert_true (decode_wire ("server-interrupted.json").interrupted);
  g_assert_true (decode_wire ("server-generation-complete.json").generation_complete);
  ServerMessage done = decode_wire ("server-turn-complete.json");
  g_assert_true (done.turn_complete);
  g_assert_false (done.interrupted);
  g_assert_cmpstr (done.turn_complete_reason.c_str (), ==, "");
}

void
test_one_frame_carries_audio_transcription_usage_and_reason ()
{
  /* Gemini 3.1 puts several kinds of content in one serverContent. */
  ServerMessage msg = decode_ok (
      "{\"serverContent\":{\"modelTurn\":{\"parts\":["
      "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"AAE=\"}},"
      "{\"text\":\"hi\"},"
      "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"AgM=\"}}]},"
      "\"outputTranscription\":{\"text\":\"hi\"},\"turnComplete\":true,"
      "\"turnCompleteReason\":\"NEED_MORE_INPUT\"},"
      "\"usageMetadata\":{\"totalTokenCount\":9}}");
  g_assert_cmpuint (msg.audio.size (), ==, 2);
  assert_bytes (msg.audio[0].get (), {0, 1});
  assert_bytes (msg.audio[1].get (), {2, 3});
  g_assert_cmpint (msg.audio_rate, ==, 16000);
  g_assert_cmpuint (msg.texts.size (), ==, 1);
  assert_str (msg.output_transcription.value_or (""), "hi");
  g_assert_true (msg.turn_complete);
  g_assert_cmpstr (msg.turn_complete_reason.c_str (), ==, "NEED_MORE_INPUT");
  g_assert_cmpint (usage_count (msg, "totalTokenCount"), ==, 9);
}

void
test_tool_call_args_as_json ()
{
  ServerMessage msg = decode_wire ("server-tool-call.json");
  g_assert_cmpuint (msg.tool_calls.size (), ==, 1);
  const FunctionCall &call = msg.tool_calls[0];
  g_assert_cmpstr (call.id.c_str (), ==, "function-call-1");
  g_assert_cmpstr (call.name.c_str (), ==, "get_weather");
  JsonNodePtr args = parse_json (call.args_json, "args_json");
  JsonNodePtr expected = parse_json ("{\"city\":\"Paris\"}", "expected args");
  assert_json_equal (args.get (), expected.get (), "tool call args");

  ServerMessage no_args = decode_ok (
      "{\"toolCall\":{\"functionCalls\":[{\"id\":\"a\",\"name\":\"f\"},"
      "{\"id\":\"b\",\"name\":\"g\",\"args\":{\"n\":[1,{\"x\":null}]}}]}}");
  g_assert_cmpuint (no_args.tool_calls.size (), ==, 2);
  g_assert_cmpstr (no_args.tool_calls[0].args_json.c_str (), ==, "{}");
  g_assert_cmpstr (no_args.tool_calls[1].name.c_str (), ==, "g");
  g_assert_cmpstr (no_args.tool_calls[1].args_json.c_str (), ==, "{\"n\":[1,{\"x\":null}]}");
}

void
test_tool_call_cancellation_ids ()
{
  ServerMessage msg = decode_wire ("server-tool-call-cancellation.json");
  g_assert_cmpuint (msg.cancelled_tool_call_ids.size (), ==, 1);
  g_assert_cmpstr (msg.cancelled_tool_call_ids[0].c_str (), ==, "function-call-1");
}

void
test_go_away_time_left_in_ms ()
{
  ServerMessage msg = decode_wire ("server-go-away.json");
  g_assert_true (msg.go_away.has_value ());
  g_assert_cmpint (msg.go_away->time_left_ms, ==, 10000);
}

void
test_resumption_handle ()
{
  ServerMessage msg = decode_wire ("server-session-resumption-update.json");
  g_assert_true (msg.resumption_update.has_value ());
  g_assert_cmpstr (msg.resumption_update->new_handle.c_str (), ==, "resume-handle-def456");
  g_assert_true (msg.resumption_update->resumable);
}

void
test_usage_counts_flattened ()
{
  ServerMessage msg = decode_wire ("server-usage-metadata.json");
  g_assert_cmpint (usage_count (msg, "promptTokenCount"), ==, 120);
  g_assert_cmpint (usage_count (msg, "responseTokenCount"), ==, 40);
  g_assert_cmpint (usage_count (msg, "totalTokenCount"), ==, 160);
  g_assert_cmpint (usage_count (msg, "promptTokensDetails.AUDIO"), ==, 100);
  g_assert_cmpint (usage_count (msg, "promptTokensDetails.TEXT"), ==, 20);
  g_assert_cmpint (usage_count (msg, "responseTokensDetails.AUDIO"), ==, 40);
  g_assert_cmpuint (msg.usage->counts.size (), ==, 6);
}

void
test_usage_int64_strings_and_vertex_names ()
{
  ServerMessage msg = decode_ok (
      "{\"usageMetadata\":{\"promptTokenCount\":\"9000000000\",\"candidatesTokenCount\":\"7\","
      "\"candidatesTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":\"7\"}],"
      "\"trafficType\":\"ON_DEMAND\"}}");
  g_assert_cmpint (usage_count (msg, "promptTokenCount"), ==, G_GINT64_CONSTANT (9000000000));
  g_assert_cmpint (usage_count (msg, "responseTokenCount"), ==, 7);
  g_assert_cmpint (usage_count (msg, "responseTokensDetails.AUDIO"), ==, 7);
  g_assert_true (has_unknown (msg, "usageMetadata.trafficType"));
}

void
test_unknown_fields_tolerated_and_reported ()
{
  ServerMessage msg = decode_ok (
      "{\"futureMessageKind\":{\"type\":\"X\"},"
      "\"serverContent\":{\"turnComplete\":true,\"futureMetadata\":{},\"futureThing\":[1]}}");
  g_assert_true (msg.turn_complete);
  g_assert_true (has_unknown (msg, "futureMessageKind"));
  /* groundingMetadata and urlContextMetadata are decoded (test_tools.cpp,
   * test_protocol.cpp); a metadata field nobody knows yet is not. */
  g_assert_true (has_unknown (msg, "serverContent.futureMetadata"));
  g_assert_true (has_unknown (msg, "serverContent.futureThing"));
}

void
test_snake_case_accepted ()
{
  ServerMessage msg = decode_ok (
      "{\"server_content\":{\"model_turn\":{\"parts\":[{\"inline_data\":"
      "{\"mime_type\":\"audio/pcm;rate=16000\",\"data\":\"AQI=\"}}]},"
      "\"output_transcription\":{\"text\":\"ok\"},\"turn_complete\":true},"
      "\"usage_metadata\":{\"total_token_count\":\"5\"}}");
  g_assert_cmpuint (msg.audio.size (), ==, 1);
  assert_bytes (msg.audio[0].get (), {1, 2});
  g_assert_cmpint (msg.audio_rate, ==, 16000);
  assert_str (msg.output_transcription.value_or (""), "ok");
  g_assert_true (msg.turn_complete);
  g_assert_cmpint (usage_count (msg, "totalTokenCount"), ==, 5);
  g_assert_true (msg.unknown_fields.empty ());

  ServerMessage go = decode_ok ("{\"go_away\":{\"time_left\":\"2.5s\"},"
      "\"session_resumption_update\":{\"new_handle\":\"h\",\"resumable\":true}}");
  g_assert_cmpint (go.go_away.value_or (GoAway ()).time_left_ms, ==, 2500);
  assert_str (go.resumption_update.value_or (ResumptionUpdate ()).new_handle, "h");
}

void
test_garbage_rejected_with_a_reason ()
{
  g_assert_nonnull (strstr (decode_error ("").c_str (), "empty"));
  g_assert_nonnull (strstr (decode_error ("hello").c_str (), "not valid JSON"));
  g_assert_nonnull (strstr (decode_error ("[1,2]").c_str (), "an array, not a JSON object"));
  g_assert_nonnull (strstr (decode_error ("42").c_str (), "not a JSON object"));
  g_assert_nonnull (strstr (decode_error ("null").c_str (), "not a JSON object"));
  g_assert_nonnull (strstr (decode_error ("\"x\"").c_str (), "a string, not a JSON object"));
  g_assert_nonnull (strstr (decode_error ("{\"a\":\"\xff\"}").c_str (), "UTF-8"));
  std::string with_nul ("{\"setupComplete\":{}}\0junk", 25);
  g_assert_nonnull (strstr (decode_error (with_nul).c_str (), "NUL byte"));
  g_assert_nonnull (strstr (decode_error (std::string (100000, '[')).c_str (), "nests deeper"));
}

void
test_truncated_json_rejected ()
{
  std::string whole = read_wire ("server-model-turn-two-audio-parts.json");
  /* Every proper prefix that still has an unclosed brace must be refused. */
  for (size_t cut = 1; cut < whole.rfind ('}'); cut++)
    decode_error (whole.substr (0, cut));
  g_assert_nonnull (strstr (decode_error ("{\"serverContent\":{\"turnComplete\":tr").c_str (),
      "not valid JSON"));
}

void
test_wrong_types_rejected_with_the_path ()
{
  struct { const char *frame, *says; } cases[] = {
    {"{\"serverContent\":5}", "serverContent must be an object"},
    {"{\"serverContent\":{\"turnComplete\":\"yes\"}}", "serverContent.turnComplete must be a boolean"},
    {"{\"serverContent\":{\"modelTurn\":{\"parts\":{}}}}", "serverContent.modelTurn.parts must be an array"},
    {"{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm\","
     "\"data\":\"%%%\"}}]}}}", "parts[0].inlineData.data is not valid base64"},
    {"{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":"
     "\"audio/pcm;rate=fast\",\"data\":\"\"}}]}}}", "invalid sample rate"},
    {"{\"goAway\":{\"timeLeft\":\"soon\"}}", "goAway.timeLeft \"soon\""},
    {"{\"toolCall\":{\"functionCalls\":[{\"id\":\"a\",\"args\":[1]}]}}", "args must be an object"},
    {"{\"toolCallCancellation\":{\"ids\":[7]}}", "ids[0] must be a string"},
    {"{\"usageMetadata\":{\"promptTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":\"x\"}]}}",
     "tokenCount must be an integer"},
  };
  for (const auto &c : cases) {
    std::string error = decode_error (c.frame);
    if (error.find (c.says) == std::string::npos)
      g_error ("error for %s was \"%s\", expected it to say \"%s\"", c.frame, error.c_str (), c.says);
  }
}

void
test_non_audio_inline_data_reported_not_played ()
{
  ServerMessage msg = decode_ok ("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":"
      "{\"mimeType\":\"image/png\",\"data\":\"AAAA\"}}]}}}");
  g_assert_true (msg.audio.empty ());
  g_assert_true (has_unknown (msg, "serverContent.modelTurn.parts[0].inlineData(image/png)"));
}

void
test_parse_duration ()
{
  struct { const char *text; std::optional<int64_t> ms; } cases[] = {
    {"10s", 10000}, {"0s", 0}, {"1.5s", 1500}, {"0.5s", 500}, {"1.000340s", 1000},
    {"0.999999999s", 999}, {"-2s", -2000}, {"60.05s", 60050},
    {"", std::nullopt}, {"s", std::nullopt}, {"10", std::nullopt}, {"1.s", std::nullopt},
    {"1.2345678901s", std::nullopt}, {"10s ", std::nullopt}, {"1e3s", std::nullopt},
    {"10ms", std::nullopt}, {"9999999999999s", std::nullopt}, {".5s", std::nullopt},
  };
  for (const auto &c : cases) {
    std::optional<int64_t> got = parse_duration_ms (c.text);
    if (got != c.ms)
      g_error ("parse_duration_ms(\"%s\") gave %s%" G_GINT64_FORMAT, c.text,
          got ? "" : "nullopt ", got.value_or (0));
  }
}


/* ------------------------------------------------ fields newer than the protos */

void
test_thoughts_kept_apart_from_texts ()
{
  ServerMessage msg = decode_wire ("server-model-turn-text-and-thought.json");
  g_assert_cmpuint (msg.thoughts.size (), ==, 1);
  assert_str (msg.thoughts[0], "thinking...");
  g_assert_cmpuint (msg.texts.size (), ==, 1);
  assert_str (msg.texts[0], "Hello there.");
  g_assert_true (msg.unknown_fields.empty ());
}

void
test_transcription_language_offsets_and_interim ()
{
  ServerMessage msg = decode_ok (R"({"serverContent":{)"
      R"("interimInputTranscription":{"text":"wie sp"},)"
      R"("inputTranscription":{"text":"Wie spät ist es?","languageCode":"de-DE",)"
      R"("startOffset":"1.250s","endOffset":"2.5s","finished":true},)"
      R"("outputTranscription":{"text":"What time is it?","languageCode":"en"}}})");
  g_assert_true (msg.interim_input_transcription.has_value ());
  assert_str (msg.interim_input_transcription->text, "wie sp");
  g_assert_false (msg.interim_input_transcription->info.start_offset_ms.has_value ());
  assert_str (msg.input_transcription.value_or (""), "Wie spät ist es?");
  assert_str (msg.input_transcription_info.language_code, "de-DE");
  g_assert_cmpint (msg.input_transcription_info.start_offset_ms.value_or (-1), ==, 1250);
  g_assert_cmpint (msg.input_transcription_info.end_offset_ms.value_or (-1), ==, 2500);
  g_assert_true (msg.input_transcription_info.finished);
  assert_str (msg.output_transcription_info.language_code, "en");
  g_assert_false (msg.output_transcription_info.finished);
  g_assert_true (msg.unknown_fields.empty ());

  std::string error = decode_error (
      R"({"serverContent":{"inputTranscription":{"text":"x","startOffset":"soon"}}})");
  g_assert_nonnull (strstr (error.c_str (), "serverContent.inputTranscription.startOffset"));
  /* a Transcription member nobody decodes yet is reported, the text still arrives */
  msg = decode_ok (R"({"serverContent":{"inputTranscription":{"text":"a","speakerLabel":"spk_1"}}})");
  assert_str (msg.input_transcription.value_or (""), "a");
  g_assert_true (has_unknown (msg, "serverContent.inputTranscription.speakerLabel"));
}

void
test_interaction_status_values ()
{
  auto status = [] (const char *value) {
    return decode_ok (std::string (R"({"serverContent":{"turnComplete":true,"interactionStatus":")")
        + value + "\"}}").interaction_status;
  };
  g_assert_true (status ("IDLE") == InteractionStatus::IDLE);
  g_assert_true (status ("REQUIRES_ACTION") == InteractionStatus::IDLE);
  g_assert_true (status ("IN_PROGRESS") == InteractionStatus::IN_PROGRESS);
  g_assert_true (status ("WAITING_FOR_INPUT") == InteractionStatus::WAITING_FOR_INPUT);
  g_assert_true (status ("INTERACTION_STATUS_UNSPECIFIED") == InteractionStatus::UNSPECIFIED);
  ServerMessage future = decode_ok (R"({"serverContent":{"interactionStatus":"PONDERING"}})");
  g_assert_true (future.interaction_status == InteractionStatus::UNSPECIFIED);
  g_assert_true (has_unknown (future, "serverContent.interactionStatus(PONDERING)"));
  g_assert_true (decode_ok (R"({"serverContent":{"turnComplete":true}})").interaction_status
      == InteractionStatus::NONE);
}

void
test_session_id_voice_activity_tier_and_index ()
{
  ServerMessage msg = decode_ok (R"({"setupComplete":{"sessionId":"sess-42"}})");
  g_assert_true (msg.setup_complete);
  assert_str (msg.session_id, "sess-42");
  g_assert_true (msg.unknown_fields.empty ());

  msg = decode_ok (R"({"voiceActivity":{"voiceActivityType":"ACTIVITY_END","audioOffset":"3.2s"}})");
  g_assert_true (msg.voice_activity.has_value ());
  g_assert_true (msg.voice_activity->kind == VoiceActivity::Kind::END);
  g_assert_cmpint (msg.voice_activity->audio_offset_ms.value_or (-1), ==, 3200);
  msg = decode_ok (R"({"voiceActivity":{"type":"ACTIVITY_START"}})");  /* the Vertex wire */
  g_assert_true (msg.voice_activity->kind == VoiceActivity::Kind::START);
  assert_str (msg.voice_activity->wire_type, "ACTIVITY_START");
  g_assert_false (msg.voice_activity->audio_offset_ms.has_value ());
  g_assert_true (msg.unknown_fields.empty ());

  msg = decode_ok (R"({"usageMetadata":{"totalTokenCount":5,"serviceTier":"STANDARD"}})");
  assert_str (msg.usage->service_tier, "STANDARD");
  g_assert_cmpint (usage_count (msg, "totalTokenCount"), ==, 5);
  g_assert_true (msg.unknown_fields.empty ());

  msg = decode_ok (R"({"sessionResumptionUpdate":{"newHandle":"h","resumable":true,)"
      R"("lastConsumedClientMessageIndex":"17"}})");
  g_assert_cmpint (msg.resumption_update->last_consumed_client_message_index.value_or (-1), ==, 17);
  msg = decode_ok (R"({"sessionResumptionUpdate":{"newHandle":"h","resumable":true}})");
  g_assert_false (msg.resumption_update->last_consumed_client_message_index.has_value ());
  std::string error = decode_error (
      R"({"sessionResumptionUpdate":{"lastConsumedClientMessageIndex":"many"}})");
  g_assert_nonnull (strstr (error.c_str (), "lastConsumedClientMessageIndex"));
}

}  // namespace

void
register_decode_tests ()
{
  g_test_add_func ("/decode/every-wire-vector-decodes-fully", test_every_wire_vector_decodes_fully);
  g_test_add_func ("/decode/setup-complete", test_setup_complete);
  g_test_add_func ("/decode/audio-part-decoded-with-rate", test_audio_part_decoded_with_rate);
  g_test_add_func ("/decode/two-audio-parts-both-decoded", test_two_audio_parts_both_decoded);
  g_test_add_func ("/decode/thought-parts-are-not-texts", test_thought_parts_are_not_texts);
  g_test_add_func ("/decode/transcriptions-and-flags", test_transcriptions_and_flags);
  g_test_add_func ("/decode/one-frame-carries-audio-transcription-usage-and-reason",
      test_one_frame_carries_audio_transcription_usage_and_reason);
  g_test_add_func ("/decode/tool-call-args-as-json", test_tool_call_args_as_json);
  g_test_add_func ("/decode/tool-call-cancellation-ids", test_tool_call_cancellation_ids);
  g_test_add_func ("/decode/go-away-time-left-in-ms", test_go_away_time_left_in_ms);
  g_test_add_func ("/decode/resumption-handle", test_resumption_handle);
  g_test_add_func ("/decode/usage-counts-flattened", test_usage_counts_flattened);
  g_test_add_func ("/decode/usage-int64-strings-and-vertex-names",
      test_usage_int64_strings_and_vertex_names);
  g_test_add_func ("/decode/unknown-fields-tolerated-and-reported",
      test_unknown_fields_tolerated_and_reported);
  g_test_add_func ("/decode/snake-case-accepted", test_snake_case_accepted);
  g_test_add_func ("/decode/garbage-rejected-with-a-reason", test_garbage_rejected_with_a_reason);
  g_test_add_func ("/decode/truncated-json-rejected", test_truncated_json_rejected);
  g_test_add_func ("/decode/wrong-types-rejected-with-the-path",
      test_wrong_types_rejected_with_the_path);
  g_test_add_func ("/decode/non-audio-inline-data-reported-not-played",
      test_non_audio_inline_data_reported_not_played);
  g_test_add_func ("/decode/parse-duration", test_parse_duration);
  g_test_add_func ("/decode/thoughts-kept-apart-from-texts", test_thoughts_kept_apart_from_texts);
  g_test_add_func ("/decode/transcription-language-offsets-and-interim",
      test_transcription_language_offsets_and_interim);
  g_test_add_func ("/decode/interaction-status-values", test_interaction_status_values);
  g_test_add_func ("/decode/session-id-voice-activity-tier-and-index",
      test_session_id_voice_activity_tier_and_index);
}

}  // namespace gemlive::unittest
