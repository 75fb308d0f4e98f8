/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec, client side: multimodal input (video frames, text,
 * ordered turns), manual activity signals, and the setup pieces for turn
 * control and generation settings. Every setting is optional: what the user
 * did not set is not sent, because models differ in what they accept
 * (3.1 has no thinkingBudget, 3.8 no affective dialog); where a model refuses
 * a harmless form (model_catalog.h) it is left out.
 */
#include "live/json_build.h"
#include "live/protocol_setup_parts.h"

namespace gemlive {

namespace {

/* {"realtimeInput": {<name>: {}}} */
std::string
realtime_empty_signal (const char *name)
{
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realtimeInput");
  json_builder_begin_object (b);
  add_empty_object (b, name);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_to_json (b);
}

bool
detection_is_set (const RealtimeInputSettings &r)
{
  return r.automatic_detection_disabled || !r.start_sensitivity.empty ()
      || !r.end_sensitivity.empty () || r.prefix_padding_ms || r.silence_duration_ms;
}

}  // namespace

const char *
thinking_level_wire_name (ThinkingLevel level)
{
  switch (level) {
    case ThinkingLevel::MINIMAL: return "MINIMAL";
    case ThinkingLevel::LOW: return "LOW";
    case ThinkingLevel::MEDIUM: return "MEDIUM";
    case ThinkingLevel::HIGH: return "HIGH";
    case ThinkingLevel::UNSET: break;
  }
  return nullptr;
}

std::string
encode_realtime_video (const uint8_t *image, size_t size, const std::string &mime_type)
{
  gchar *data = g_base64_encode (image, size);
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realtimeInput");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "video");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mimeType");
  json_builder_add_string_value (b, mime_type.c_str ());
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, data);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_free (data);
  return builder_to_json (b);
}

std::string
encode_activity_start ()
{
  return realtime_empty_signal ("activityStart");
}

std::string
encode_activity_end ()
{
  return realtime_empty_signal ("activityEnd");
}

std::string
encode_client_content (const std::vector<ContentTurn> &turns, bool turn_complete)
{
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "clientContent");
  json_builder_begin_object (b);
  if (!turns.empty ()) {
    json_builder_set_member_name (b, "turns");
    json_builder_begin_array (b);
    for (const auto &turn : turns) {
      json_builder_begin_object (b);
      add_string_if_set (b, "role", turn.role);
      json_builder_set_member_name (b, "parts");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, turn.text.c_str ());
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
  }
  /* proto3 omits a false bool; the SDKs send it only when true too. */
  if (turn_complete) {
    json_builder_set_member_name (b, "turnComplete");
    json_builder_add_boolean_value (b, TRUE);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_to_json (b);
}

void
encode_generation_extras (JsonBuilder *b, const SetupConfig &config, const ModelRules *rules)
{
  add_int_if_set (b, "maxOutputTokens", config.max_output_tokens);
  add_double_if_set (b, "topP", config.top_p);
  add_int_if_set (b, "topK", config.top_k);
  add_string_if_set (b, "mediaResolution", config.media_resolution);
  const char *level = thinking_level_wire_name (config.thinking_level);
  /* gemini-3.8-live closes on any thinkingConfig, even {includeThoughts: false}. */
  bool thinking_refused = rules && rules->thinking == ThinkingSupport::NONE;
  if (!thinking_refused && (config.thinking_budget || config.include_thoughts || level)) {
    json_builder_set_member_name (b, "thinkingConfig");
    json_builder_begin_object (b);
    add_int_if_set (b, "thinkingBudget", config.thinking_budget);
    if (level) {
      json_builder_set_member_name (b, "thinkingLevel");
      json_builder_add_string_value (b, level);
    }
    add_bool_if_set (b, "includeThoughts", config.include_thoughts);
    json_builder_end_object (b);
  }
  add_bool_if_set (b, "enableAffectiveDialog", config.affective_dialog);
}

void
encode_turn_setup_parts (JsonBuilder *b, const SetupConfig &config, const ModelRules *rules)
{
  const RealtimeInputSettings &r = config.realtime_input;
  if (detection_is_set (r) || !r.activity_handling.empty () || !r.turn_coverage.empty ()) {
    json_builder_set_member_name (b, "realtimeInputConfig");
    json_builder_begin_object (b);
    if (detection_is_set (r)) {
      json_builder_set_member_name (b, "automaticActivityDetection");
      json_builder_begin_object (b);
      add_bool_if_set (b, "disabled", r.automatic_detection_disabled);
      add_string_if_set (b, "startOfSpeechSensitivity", r.start_sensitivity);
      add_string_if_set (b, "endOfSpeechSensitivity", r.end_sensitivity);
      add_int_if_set (b, "prefixPaddingMs", r.prefix_padding_ms);
      add_int_if_set (b, "silenceDurationMs", r.silence_duration_ms);
      json_builder_end_object (b);
    }
    add_string_if_set (b, "activityHandling", r.activity_handling);
    add_string_if_set (b, "turnCoverage", r.turn_coverage);
    json_builder_end_object (b);
  }
  std::optional<bool> proactive_audio = config.proactive_audio;
  /* Always on there, and an explicit false is refused. */
  if (rules && rules->proactive_audio == ProactiveAudio::ALWAYS_ON && proactive_audio
      && !*proactive_audio)
    proactive_audio.reset ();
  if (proactive_audio || config.proactive_video) {
    json_builder_set_member_name (b, "proactivity");
    json_builder_begin_object (b);
    add_bool_if_set (b, "proactiveAudio", proactive_audio);
    add_bool_if_set (b, "proactiveVideo", config.proactive_video);
    json_builder_end_object (b);
  }
  if (config.history_in_client_content) {
    json_builder_set_member_name (b, "historyConfig");
    json_builder_begin_object (b);
    add_bool_if_set (b, "initialHistoryInClientContent", config.history_in_client_content);
    json_builder_end_object (b);
  }
}

}  // namespace gemlive
