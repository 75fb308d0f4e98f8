/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec, client side (see protocol.h). Messages are built
 * with JsonBuilder, except realtime audio, which is on the hot path and is
 * written straight around the base64 text.
 */
#include "live/protocol.h"
#include "live/base64.h"
#include "live/json_build.h"
#include "live/protocol_setup_parts.h"

namespace gemlive {

void
add_text_content (JsonBuilder *b, const char *name, const std::string &text)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "parts");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text.c_str ());
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

std::string
encode_setup (const SetupConfig &config)
{
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  const ModelRules *rules = find_model_rules (config.model);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "setup");
  json_builder_begin_object (b);

  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, config.model.c_str ());

  json_builder_set_member_name (b, "generationConfig");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "responseModalities");
  json_builder_begin_array (b);
  /* A transcribe model answers in text; an unknown model gets the default. */
  json_builder_add_string_value (b, rules ? rules->response_modality : "AUDIO");
  json_builder_end_array (b);
  add_double_if_set (b, "temperature", config.temperature);
  if (!config.voice.empty () || !config.language_code.empty ()) {
    json_builder_set_member_name (b, "speechConfig");
    json_builder_begin_object (b);
    if (!config.voice.empty ()) {
      json_builder_set_member_name (b, "voiceConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "prebuiltVoiceConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "voiceName");
      json_builder_add_string_value (b, config.voice.c_str ());
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
    add_string_if_set (b, "languageCode", config.language_code);
    json_builder_end_object (b);
  }
  encode_generation_extras (b, config, rules);  /* protocol_input.cpp */
  encode_translation_config (b, config);  /* protocol_speech.cpp */
  json_builder_end_object (b);  /* generationConfig */

  if (!config.system_instruction.empty ())
    add_text_content (b, "systemInstruction", config.system_instruction);

  /* Always asked for: without it a dropped connection loses the conversation. */
  json_builder_set_member_name (b, "sessionResumption");
  json_builder_begin_object (b);
  add_string_if_set (b, "handle", config.resumption_handle);
  json_builder_end_object (b);
  encode_compression_setup (b, config);  /* protocol_resilience.cpp */

  encode_transcription_setup (b, config, rules);  /* protocol_speech.cpp */
  encode_turn_setup_parts (b, config, rules);  /* protocol_input.cpp */
  encode_setup_tools (b, config);  /* protocol_tools.cpp */

  json_builder_end_object (b);  /* setup */
  json_builder_end_object (b);
  return builder_to_json (b);
}

bool
encode_context_update (const ContextUpdate &update, std::string &frame, std::string &error)
{
  ToolDeclarations declared;
  if (update.tools_json && !update.tools_json->empty ()
      && !parse_tools_json (*update.tools_json, declared, error))
    return false;
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "contextUpdate");
  json_builder_begin_object (b);
  if (update.system_instruction)
    add_text_content (b, "systemInstruction", *update.system_instruction);
  if (update.tools_json) {
    /* The list is wrapped so that an empty one (clear the tools) differs
     * from no update on the wire. */
    json_builder_set_member_name (b, "tools");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "tools");
    json_builder_add_value (b, tools_array_node (declared, update.google_search,
        update.code_execution));
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  frame = builder_to_json (b);
  return true;
}

std::string
encode_realtime_audio (const uint8_t *pcm, size_t size, int rate)
{
  /* Written directly: the base64 alphabet and the decimal rate need no JSON
   * escaping, and this runs for every microphone buffer. */
  static const char prefix[] = "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=";
  static const char middle[] = "\",\"data\":\"";
  static const char suffix[] = "\"}}}";
  std::string rate_text = std::to_string (rate);

  std::string out;
  out.reserve (sizeof (prefix) + rate_text.size () + sizeof (middle) + base64_encoded_size (size)
      + sizeof (suffix));
  out.append (prefix).append (rate_text).append (middle);

  size_t start = out.size ();
  out.resize (start + base64_encoded_size (size));
  base64_encode (pcm, size, &out[start]);

  out.append (suffix);
  return out;
}

std::string
encode_audio_stream_end ()
{
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realtimeInput");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "audioStreamEnd");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_to_json (b);
}

std::string
encode_realtime_text (const std::string &text)
{
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realtimeInput");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text.c_str ());
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_to_json (b);
}

}  // namespace gemlive
