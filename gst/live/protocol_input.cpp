/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec, issue 4: multimodal input (video frames, text,
 * ordered turns), manual activity signals, and the setup pieces for turn
 * control and generation settings. Every setting is optional: what the user
 * did not set is not sent, because models differ in what they accept
 * (3.1 has no thinkingBudget, 3.8 no affective dialog).
 */
#include "live/protocol_setup_parts.h"

namespace gemlive {

namespace {

struct GObjectUnref {
  void operator() (gpointer o) const { g_object_unref (o); }
};
using BuilderPtr = std::unique_ptr<JsonBuilder, GObjectUnref>;

std::string
builder_to_json (JsonBuilder *builder)
{
  JsonNode *root = json_builder_get_root (builder);
  gchar *text = json_to_string (root, FALSE);
  std::string json (text);
  g_free (text);
  json_node_unref (root);
  return json;
}

/* {"realtimeInput": {<name>: {}}} */
std::string
realtime_empty_signal (const char *name)
{
  BuilderPtr owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realtimeInput");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_to_json (b);
}

void
add_string (JsonBuilder *b, const char *name, const std::string &value)
{
  if (value.empty ())
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value.c_str ());
}

void
add_int (JsonBuilder *b, const char *name, const std::optional<int> &value)
{
  if (!value)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, *value);
}

void
add_bool (JsonBuilder *b, const char *name, const std::optional<bool> &value)
{
  if (!value)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, *value);
}

bool
detection_is_set (const RealtimeInputSettings &r)
{
  return r.automatic_detection_disabled || !r.start_sensitivity.empty ()
      || !r.end_sensitivity.empty () || r.prefix_padding_ms || r.silence_duration_ms;
}

}  // namespace

std::string
encode_realtime_video (const uint8_t *image, size_t size, const std::string &mime_type)
{
  gchar *data = g_base64_encode (image, size);
  BuilderPtr owner (json_builder_new ());
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
  BuilderPtr owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "clientContent");
  json_builder_begin_object (b);
  if (!turns.empty ()) {
    json_builder_set_member_name (b, "turns");
    json_builder_begin_array (b);
    for (const auto &turn : turns) {
      json_builder_begin_object (b);
      add_string (b, "role", turn.role);
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
encode_generation_extras (JsonBuilder *b, const SetupConfig &config)
{
  add_int (b, "maxOutputTokens", config.max_output_tokens);
  if (config.top_p) {
    json_builder_set_member_name (b, "topP");
    json_builder_add_double_value (b, *config.top_p);
  }
  add_int (b, "topK", config.top_k);
  add_string (b, "mediaResolution", config.media_resolution);
  if (config.thinking_budget || config.include_thoughts) {
    json_builder_set_member_name (b, "thinkingConfig");
    json_builder_begin_object (b);
    add_int (b, "thinkingBudget", config.thinking_budget);
    add_bool (b, "includeThoughts", config.include_thoughts);
    json_builder_end_object (b);
  }
  add_bool (b, "enableAffectiveDialog", config.affective_dialog);
}

void
encode_turn_setup_parts (JsonBuilder *b, const SetupConfig &config)
{
  const RealtimeInputSettings &r = config.realtime_input;
  if (detection_is_set (r) || !r.activity_handling.empty () || !r.turn_coverage.empty ()) {
    json_builder_set_member_name (b, "realtimeInputConfig");
    json_builder_begin_object (b);
    if (detection_is_set (r)) {
      json_builder_set_member_name (b, "automaticActivityDetection");
      json_builder_begin_object (b);
      add_bool (b, "disabled", r.automatic_detection_disabled);
      add_string (b, "startOfSpeechSensitivity", r.start_sensitivity);
      add_string (b, "endOfSpeechSensitivity", r.end_sensitivity);
      add_int (b, "prefixPaddingMs", r.prefix_padding_ms);
      add_int (b, "silenceDurationMs", r.silence_duration_ms);
      json_builder_end_object (b);
    }
    add_string (b, "activityHandling", r.activity_handling);
    add_string (b, "turnCoverage", r.turn_coverage);
    json_builder_end_object (b);
  }
  if (config.proactive_audio) {
    json_builder_set_member_name (b, "proactivity");
    json_builder_begin_object (b);
    add_bool (b, "proactiveAudio", config.proactive_audio);
    json_builder_end_object (b);
  }
}

}  // namespace gemlive
