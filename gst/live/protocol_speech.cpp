/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live API wire codec, client side: the setup pieces of the speech
 * models' jobs, translation (generationConfig.translationConfig) and
 * transcription (inputAudioTranscription / outputAudioTranscription with
 * language hints, custom vocabulary and mode). Newer than the published
 * protos; shaped as @google/genai's TranslationConfig and
 * AudioTranscriptionConfig. Pure: see protocol.h.
 */
#include "live/json_build.h"
#include "live/protocol_setup_parts.h"

namespace gemlive {

namespace {

void
add_string_list_if_set (JsonBuilder *b, const char *name, const std::vector<std::string> &list)
{
  if (list.empty ())
    return;
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (const auto &item : list)
    json_builder_add_string_value (b, item.c_str ());
  json_builder_end_array (b);
}

/* <name>: {languageCodes?, customVocabulary?, mode?}; {} when nothing is set. */
void
add_transcription_config (JsonBuilder *b, const char *name, const TranscriptionSettings &s)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_string_list_if_set (b, "languageCodes", s.language_codes);
  add_string_list_if_set (b, "customVocabulary", s.custom_vocabulary);
  add_string_if_set (b, "mode", s.mode);
  json_builder_end_object (b);
}

}  // namespace

void
encode_translation_config (JsonBuilder *b, const SetupConfig &config)
{
  const TranslationSettings &t = config.translation;
  if (t.target_language_code.empty ())
    return;
  json_builder_set_member_name (b, "translationConfig");
  json_builder_begin_object (b);
  add_string_if_set (b, "targetLanguageCode", t.target_language_code);
  add_bool_if_set (b, "echoTargetLanguage", t.echo_target_language);
  json_builder_end_object (b);
}

void
encode_transcription_setup (JsonBuilder *b, const SetupConfig &config, const ModelRules *rules)
{
  bool answers_in_text = rules && std::string (rules->response_modality) == "TEXT";
  if (config.input_transcription)
    add_transcription_config (b, "inputAudioTranscription", config.input_transcription_settings);
  if (config.output_transcription && !answers_in_text)
    add_transcription_config (b, "outputAudioTranscription", config.output_transcription_settings);
}

}  // namespace gemlive
