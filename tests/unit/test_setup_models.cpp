/* gst-gemini-live unit tests: the setup of each Live model, and contextUpdate.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-setup-models WIRE_DIR [g_test options]
 * The settings newer than the published protos (thinkingLevel,
 * translationConfig, transcription hints, historyConfig, proactiveVideo,
 * contextUpdate) in the shape @google/genai's types give them, the
 * model-aware omissions, and every frame checked against the official
 * schema extended with the SDK's newer fields.
 */
#include "unit_helpers.h"
#include "live/model_catalog.h"
#include "live/protocol.h"

#include <json-glib/json-glib.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace gemlive;
using namespace gemlive::unittest;

/* The frames the tests built, validated together at the end (one node run). */
std::vector<std::string> &
built_frames ()
{
  static std::vector<std::string> frames;
  return frames;
}

JsonNodePtr
setup_of (const SetupConfig &config)
{
  std::string frame = encode_setup (config);
  built_frames ().push_back (frame);
  JsonNodePtr root = parse_json (frame, "setup");
  JsonObject *setup = json_object_get_object_member (json_node_get_object (root.get ()), "setup");
  return JsonNodePtr (json_node_init_object (json_node_alloc (), setup));
}

JsonNode *
at (JsonNode *node, const char *path)
{
  JsonNode *result = nullptr;
  GError *error = nullptr;
  JsonNode *matches = json_path_query (path, node, &error);
  g_assert_no_error (error);
  JsonArray *array = json_node_get_array (matches);
  if (json_array_get_length (array) > 0)
    result = json_node_copy (json_array_get_element (array, 0));
  json_node_unref (matches);
  return result;
}

bool
has (JsonNode *node, const char *path)
{
  JsonNode *found = at (node, path);
  if (found)
    json_node_unref (found);
  return found != nullptr;
}

void
assert_at (JsonNode *node, const char *path, const char *expected_json)
{
  JsonNode *found = at (node, path);
  if (!found)
    g_error ("%s missing in %s", path, to_json (node).c_str ());
  JsonNodePtr expected = parse_json (expected_json, path);
  assert_json_equal (found, expected.get (), path);
  json_node_unref (found);
}

SetupConfig
config_for (const char *model)
{
  SetupConfig config;
  config.model = model;
  config.input_transcription = false;
  config.output_transcription = false;
  return config;
}

void
test_gemini_3_8_gets_no_thinking_config_and_no_proactive_false ()
{
  SetupConfig c = config_for ("models/gemini-3.8-live");
  c.include_thoughts = false;
  c.proactive_audio = false;
  JsonNodePtr setup = setup_of (c);
  g_assert_false (has (setup.get (), "$.generationConfig.thinkingConfig"));
  g_assert_false (has (setup.get (), "$.proactivity"));
  assert_at (setup.get (), "$.generationConfig.responseModalities", R"(["AUDIO"])");

  c.proactive_audio = true;
  c.proactive_video = true;
  setup = setup_of (c);
  assert_at (setup.get (), "$.proactivity", R"({"proactiveAudio":true,"proactiveVideo":true})");

  /* the same settings reach a model the catalog does not know as written */
  SetupConfig u = config_for ("models/gemini-9-live");
  u.include_thoughts = false;
  u.proactive_audio = false;
  setup = setup_of (u);
  assert_at (setup.get (), "$.generationConfig.thinkingConfig", R"({"includeThoughts":false})");
  assert_at (setup.get (), "$.proactivity", R"({"proactiveAudio":false})");
}

void
test_thinking_level_is_sent_where_the_model_thinks ()
{
  SetupConfig x = config_for ("models/gemini-3.8-live-extended-thinking");
  x.thinking_level = ThinkingLevel::HIGH;
  x.include_thoughts = true;
  JsonNodePtr setup = setup_of (x);
  assert_at (setup.get (), "$.generationConfig.thinkingConfig",
      R"({"thinkingLevel":"HIGH","includeThoughts":true})");

  SetupConfig c31 = config_for ("models/gemini-3.1-flash-live-preview");
  c31.thinking_level = ThinkingLevel::MINIMAL;
  setup = setup_of (c31);
  assert_at (setup.get (), "$.generationConfig.thinkingConfig", R"({"thinkingLevel":"MINIMAL"})");

  SetupConfig c25 = config_for ("models/gemini-2.5-flash-native-audio-latest");
  c25.thinking_budget = 0;
  setup = setup_of (c25);
  assert_at (setup.get (), "$.generationConfig.thinkingConfig", R"({"thinkingBudget":0})");
  for (auto [level, name] : {std::pair {ThinkingLevel::LOW, "LOW"},
           std::pair {ThinkingLevel::MEDIUM, "MEDIUM"}})
    assert_str (thinking_level_wire_name (level), name);
  g_assert_null (thinking_level_wire_name (ThinkingLevel::UNSET));
}

void
test_transcribe_model_asks_for_text_with_hints ()
{
  SetupConfig c = config_for ("models/gemini-3.5-transcribe-live");
  c.input_transcription = true;
  c.output_transcription = true;  /* the element's default: no speech to transcribe here */
  c.input_transcription_settings.language_codes = {"en-US", "de-DE"};
  c.input_transcription_settings.custom_vocabulary = {"GStreamer", "pocketsphinx"};
  c.input_transcription_settings.mode = "SMART";
  JsonNodePtr setup = setup_of (c);
  assert_at (setup.get (), "$.generationConfig.responseModalities", R"(["TEXT"])");
  assert_at (setup.get (), "$.inputAudioTranscription",
      R"({"languageCodes":["en-US","de-DE"],"customVocabulary":["GStreamer","pocketsphinx"],)"
      R"("mode":"SMART"})");
  g_assert_false (has (setup.get (), "$.outputAudioTranscription"));

  /* a conversation model keeps both, hints only where set */
  SetupConfig v = config_for ("models/gemini-3.8-live");
  v.input_transcription = true;
  v.output_transcription = true;
  v.output_transcription_settings.language_codes = {"fr-FR"};
  setup = setup_of (v);
  assert_at (setup.get (), "$.inputAudioTranscription", "{}");
  assert_at (setup.get (), "$.outputAudioTranscription", R"({"languageCodes":["fr-FR"]})");
}

void
test_translate_model_gets_translation_config ()
{
  SetupConfig c = config_for ("models/gemini-3.5-live-translate-preview");
  c.input_transcription = true;
  c.output_transcription = true;
  c.translation.target_language_code = "de";
  c.translation.echo_target_language = false;
  JsonNodePtr setup = setup_of (c);
  assert_at (setup.get (), "$.generationConfig.translationConfig",
      R"({"targetLanguageCode":"de","echoTargetLanguage":false})");
  assert_at (setup.get (), "$.generationConfig.responseModalities", R"(["AUDIO"])");
  g_assert_true (has (setup.get (), "$.outputAudioTranscription"));

  c.translation.target_language_code.clear ();
  setup = setup_of (c);
  g_assert_false (has (setup.get (), "$.generationConfig.translationConfig"));
}

void
test_history_config_and_new_turn_coverage ()
{
  SetupConfig c = config_for ("models/gemini-3.1-flash-live-preview");
  c.history_in_client_content = true;
  c.realtime_input.turn_coverage = "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO";
  JsonNodePtr setup = setup_of (c);
  assert_at (setup.get (), "$.historyConfig", R"({"initialHistoryInClientContent":true})");
  assert_at (setup.get (), "$.realtimeInputConfig",
      R"({"turnCoverage":"TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO"})");
  c.history_in_client_content.reset ();
  setup = setup_of (c);
  g_assert_false (has (setup.get (), "$.historyConfig"));
}

void
test_context_update_replaces_instruction_and_tools ()
{
  std::string frame, error;
  ContextUpdate update;
  update.system_instruction = "Answer in German.";
  g_assert_true (encode_context_update (update, frame, error));
  built_frames ().push_back (frame);
  JsonNodePtr expected = parse_json (
      R"({"contextUpdate":{"systemInstruction":{"parts":[{"text":"Answer in German."}]}}})", "x");
  assert_json_equal (frame, expected.get (), "system instruction only");

  update.system_instruction.reset ();
  update.tools_json = R"([{"functionDeclarations":[{"name":"get_weather","parameters":)"
      R"({"type":"object","properties":{"city":{"type":"string"}}}}]},{"googleSearch":{}}])";
  g_assert_true (encode_context_update (update, frame, error));
  built_frames ().push_back (frame);
  expected = parse_json (R"({"contextUpdate":{"tools":{"tools":[{"functionDeclarations":[)"
      R"({"name":"get_weather","parameters":{"type":"OBJECT","properties":{"city":)"
      R"({"type":"STRING"}}}}]},{"googleSearch":{}}]}}})", "y");
  assert_json_equal (frame, expected.get (), "tools, normalized");

  update.tools_json = "[]";
  g_assert_true (encode_context_update (update, frame, error));
  built_frames ().push_back (frame);
  expected = parse_json (R"({"contextUpdate":{"tools":{"tools":[]}}})", "z");
  assert_json_equal (frame, expected.get (), "tools cleared");

  update.tools_json = R"([{"functionDeclarations":[{"nam":"x"}]}])";
  g_assert_false (encode_context_update (update, frame, error));
  g_assert_nonnull (strstr (error.c_str (), "tools[0].functionDeclarations[0]"));
}

void
test_frames_conform_to_the_extended_schema ()
{
  g_assert_cmpuint (built_frames ().size (), >=, 10);
  assert_conforms (built_frames ());
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: test-setup-models WIRE_DIR");
  set_wire_dir (argv[1]);
  g_test_add_func ("/setup-models/gemini-3.8-gets-no-thinking-config-and-no-proactive-false",
      test_gemini_3_8_gets_no_thinking_config_and_no_proactive_false);
  g_test_add_func ("/setup-models/thinking-level-is-sent-where-the-model-thinks",
      test_thinking_level_is_sent_where_the_model_thinks);
  g_test_add_func ("/setup-models/transcribe-model-asks-for-text-with-hints",
      test_transcribe_model_asks_for_text_with_hints);
  g_test_add_func ("/setup-models/translate-model-gets-translation-config",
      test_translate_model_gets_translation_config);
  g_test_add_func ("/setup-models/history-config-and-new-turn-coverage",
      test_history_config_and_new_turn_coverage);
  g_test_add_func ("/setup-models/context-update-replaces-instruction-and-tools",
      test_context_update_replaces_instruction_and_tools);
  /* last: it validates what the tests above built */
  g_test_add_func ("/setup-models/frames-conform-to-the-extended-schema",
      test_frames_conform_to_the_extended_schema);
  return g_test_run ();
}
