/* gst-gemini-live unit tests: the model catalog.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every Live model of ../shared/protocol.md: found under each name a user or
 * a backend writes, its refusals reported with the property and the model,
 * its tool behaviour, and the close reasons that name a setting.
 */
#include "live/model_catalog.h"

#include <glib.h>

#include <cstring>
#include <string>

namespace {

using namespace gemlive;

void
assert_str (const std::string &actual, const std::string &expected)
{
  g_assert_cmpstr (actual.c_str (), ==, expected.c_str ());
}

SetupConfig
config_for (const std::string &model)
{
  SetupConfig config;
  config.model = model;
  return config;
}

ToolDeclarations
tools_of (const std::string &json)
{
  ToolDeclarations out;
  std::string error;
  g_assert_true (parse_tools_json (json, out, error));
  return out;
}

/* The refusal of `config`, which must exist and name `property`. */
SettingRefusal
refusal_of (const SetupConfig &config, const char *property,
    const ToolDeclarations &tools = ToolDeclarations ())
{
  std::optional<SettingRefusal> refusal = validate_setup_for_model (config, tools);
  if (!refusal)
    g_error ("%s: expected %s to be refused", config.model.c_str (), property);
  assert_str (refusal->property, property);
  assert_str (refusal->model, model_id_of (config.model));
  return *refusal;
}

void
assert_accepted (const SetupConfig &config, const ToolDeclarations &tools = ToolDeclarations ())
{
  std::optional<SettingRefusal> refusal = validate_setup_for_model (config, tools);
  if (refusal)
    g_error ("%s: unexpectedly refused: %s (%s)", config.model.c_str (),
        refusal->message.c_str (), refusal->property.c_str ());
}

void
test_lookup_by_every_written_form ()
{
  const ModelRules *r = find_model_rules ("gemini-3.8-live");
  g_assert_nonnull (r);
  g_assert_true (find_model_rules ("models/gemini-3.8-live") == r);
  g_assert_true (find_model_rules (
      "projects/p/locations/us-central1/publishers/google/models/gemini-3.8-live") == r);
  g_assert_true (find_model_rules ("publishers/google/models/gemini-3.8-live") == r);
  g_assert_true (find_model_rules ("projects/p/models/gemini-3.8-live") == r);
  assert_str (r->family, "gemini-3.8-live");

  /* aliases and Vertex names share their family's rules */
  const ModelRules *r25 = find_model_rules ("gemini-2.5-flash-native-audio-preview-12-2025");
  g_assert_nonnull (r25);
  g_assert_true (find_model_rules ("models/gemini-2.5-flash-native-audio-latest") == r25);
  g_assert_true (find_model_rules ("projects/p/locations/europe-west4/publishers/google/models/"
      "gemini-live-2.5-flash-native-audio") == r25);
  g_assert_true (find_model_rules ("gemini-live-2.5-flash-preview-native-audio-09-2025")
      == find_model_rules ("gemini-2.5-flash-native-audio-preview-09-2025"));
  g_assert_true (find_model_rules ("gemini-3.5-transcribe-live-preview")
      == find_model_rules ("gemini-3.5-transcribe-live"));

  g_assert_null (find_model_rules ("gemini-9.9-live"));
  g_assert_null (find_model_rules ("models/gemini-3.8-live-2027"));
  g_assert_null (find_model_rules (""));
  assert_str (model_id_of ("models/gemini-3.8-live"), "gemini-3.8-live");
  assert_str (model_id_of ("tunedmodels/x"), "tunedmodels/x");
  g_assert_true (model_is_vertex ("projects/p/locations/l/publishers/google/models/m"));
  g_assert_true (model_is_vertex ("publishers/google/models/m"));
  g_assert_false (model_is_vertex ("models/m"));
  g_assert_false (model_is_vertex ("projects/p/models/m"));
  assert_str (DEFAULT_LIVE_MODEL, "gemini-3.8-live");
}

void
test_behaviour_of_each_family ()
{
  const ModelRules *r38 = find_model_rules ("gemini-3.8-live");
  const ModelRules *x = find_model_rules ("gemini-3.8-live-extended-thinking");
  const ModelRules *r31 = find_model_rules ("gemini-3.1-flash-live-preview");
  const ModelRules *r25 = find_model_rules ("gemini-2.5-flash-native-audio-latest");
  const ModelRules *tr = find_model_rules ("gemini-3.5-live-translate-preview");
  const ModelRules *ts = find_model_rules ("gemini-3.5-transcribe-live");
  g_assert_true (r38->turn_end == TurnEnd::TURN_COMPLETE);
  g_assert_true (x->turn_end == TurnEnd::INTERACTION_STATUS);
  g_assert_true (r38->thinking == ThinkingSupport::NONE);
  g_assert_true (x->thinking == ThinkingSupport::LEVEL_REQUIRED);
  g_assert_true (r31->thinking == ThinkingSupport::LEVEL);
  g_assert_true (r25->thinking == ThinkingSupport::BUDGET);
  g_assert_true (r38->proactive_audio == ProactiveAudio::ALWAYS_ON);
  g_assert_true (r25->proactive_audio == ProactiveAudio::OPTIONAL);
  g_assert_true (r31->proactive_audio == ProactiveAudio::REFUSED);
  g_assert_true (r38->scheduling && !x->scheduling);
  g_assert_true (r25->code_execution && r25->url_context && r25->affective_dialog);
  g_assert_false (r38->code_execution || r38->url_context || r38->affective_dialog);
  g_assert_false (r31->media_chunks);
  g_assert_true (r31->client_content_needs_history_config);
  assert_str (r38->default_turn_coverage, "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO");
  g_assert_true (tr->kind == ModelKind::TRANSLATION);
  g_assert_true (ts->kind == ModelKind::TRANSCRIPTION);
  assert_str (ts->response_modality, "TEXT");
  assert_str (r38->response_modality, "AUDIO");
  g_assert_true (find_model_rules ("gemini-2.0-flash-live-001")->retired);
}

void
test_extended_thinking_needs_a_level ()
{
  SetupConfig c = config_for ("models/gemini-3.8-live-extended-thinking");
  SettingRefusal r = refusal_of (c, "thinking-level");
  assert_str (r.message, "gemini-3.8-live-extended-thinking needs thinking-level (low, medium or high)");
  c.thinking_level = ThinkingLevel::MINIMAL;
  r = refusal_of (c, "thinking-level");
  g_assert_nonnull (strstr (r.message.c_str (), "minimal"));
  c.thinking_level = ThinkingLevel::HIGH;
  assert_accepted (c);
  c.thinking_budget = 1024;
  refusal_of (c, "thinking-budget");
  c.thinking_budget.reset ();
  c.include_thoughts = true;
  assert_accepted (c);

  /* BLOCKING declarations are refused, naming the function */
  ToolDeclarations blocking = tools_of (
      R"([{"functionDeclarations":[{"name":"lookup"},{"name":"book","behavior":"blocking"}]}])");
  c.tools_json = R"([{"functionDeclarations":[{"name":"book","behavior":"BLOCKING"}]}])";
  r = refusal_of (c, "tools", blocking);
  g_assert_nonnull (strstr (r.message.c_str (), "\"book\""));
  ToolDeclarations fine = tools_of (
      R"([{"functionDeclarations":[{"name":"lookup","behavior":"NON_BLOCKING"}]}])");
  assert_accepted (c, fine);
}

void
test_gemini_3_8_refusals ()
{
  SetupConfig c = config_for ("models/gemini-3.8-live");
  c.voice = "Kore";
  c.system_instruction = "Be brief.";
  c.google_search = true;
  c.input_transcription_settings.language_codes = {"en-US"};
  assert_accepted (c);

  SetupConfig t = c;
  t.thinking_level = ThinkingLevel::LOW;
  assert_str (refusal_of (t, "thinking-level").message.substr (0, 40),
      "gemini-3.8-live takes no thinking level:");
  t = c;
  t.thinking_budget = 0;
  refusal_of (t, "thinking-budget");
  t = c;
  t.include_thoughts = true;
  refusal_of (t, "include-thoughts");
  t = c;
  t.proactive_audio = false;
  refusal_of (t, "proactive-audio");
  t.proactive_audio = true;
  assert_accepted (t);
  t = c;
  t.affective_dialog = true;
  refusal_of (t, "affective-dialog");
  t = c;
  t.code_execution = true;
  refusal_of (t, "code-execution");
  t = c;
  t.tools_json = R"([{"urlContext":{}}])";
  refusal_of (t, "tools", tools_of (t.tools_json));
  t = c;
  t.translation.target_language_code = "de";
  refusal_of (t, "translate-to");
}

void
test_older_models ()
{
  SetupConfig c31 = config_for ("models/gemini-3.1-flash-live-preview");
  c31.thinking_level = ThinkingLevel::MINIMAL;
  assert_accepted (c31);
  c31.thinking_budget = 512;
  refusal_of (c31, "thinking-budget");
  c31.thinking_budget.reset ();
  c31.proactive_audio = true;
  refusal_of (c31, "proactive-audio");

  SetupConfig c25 = config_for (
      "projects/p/locations/us-central1/publishers/google/models/gemini-live-2.5-flash-native-audio");
  c25.thinking_budget = 0;
  c25.proactive_audio = true;
  c25.affective_dialog = true;
  c25.code_execution = true;
  c25.tools_json = R"([{"urlContext":{}},{"functionDeclarations":[{"name":"f","behavior":"BLOCKING"}]}])";
  assert_accepted (c25, tools_of (c25.tools_json));
  c25.thinking_level = ThinkingLevel::LOW;
  refusal_of (c25, "thinking-level");

  SettingRefusal r = refusal_of (config_for ("models/gemini-2.0-flash-live-001"), "model");
  g_assert_nonnull (strstr (r.message.c_str (), "gemini-3.8-live"));
}

void
test_translate_and_transcribe ()
{
  SetupConfig c = config_for ("models/gemini-3.5-live-translate-preview");
  refusal_of (c, "translate-to");
  c.translation.target_language_code = "de";
  c.translation.echo_target_language = true;
  assert_accepted (c);
  SetupConfig t = c;
  t.system_instruction = "Translate formally.";
  refusal_of (t, "system-instruction");
  t = c;
  t.voice = "Puck";
  refusal_of (t, "voice");
  t = c;
  t.language_code = "de-DE";
  refusal_of (t, "language-code");
  t = c;
  t.tools_json = R"([{"functionDeclarations":[{"name":"f"}]}])";
  refusal_of (t, "tools", tools_of (t.tools_json));
  t = c;
  t.google_search = true;
  refusal_of (t, "google-search");
  t = c;
  t.thinking_level = ThinkingLevel::LOW;
  refusal_of (t, "thinking-level");

  SetupConfig s = config_for ("models/gemini-3.5-transcribe-live");
  s.input_transcription_settings.mode = "SMART";
  s.input_transcription_settings.custom_vocabulary = {"GStreamer", "Gemini"};
  assert_accepted (s);
  s.input_transcription = false;
  refusal_of (s, "input-transcription");
  s.input_transcription = true;
  s.input_transcription_settings.custom_vocabulary.assign (1001, "term");
  refusal_of (s, "custom-vocabulary");
  SetupConfig e = config_for ("models/gemini-3.8-live");
  e.translation.echo_target_language = false;
  refusal_of (e, "translate-echo");
}

/* What the element says must lead the user to the property to change. */
void
test_translate_refusals_name_the_property ()
{
  auto says = [] (const SettingRefusal &refusal, const char *words) {
    if (refusal.message.find (words) == std::string::npos)
      g_error ("refusal of %s does not say \"%s\": %s", refusal.property.c_str (), words,
          refusal.message.c_str ());
  };
  SetupConfig c = config_for ("models/gemini-3.5-live-translate-preview");
  /* translate-echo alone is not a target language */
  c.translation.echo_target_language = true;
  says (refusal_of (c, "translate-to"), "translate-to");
  c.translation.target_language_code = "pt-BR";
  assert_accepted (c);
  SetupConfig t = c;
  t.system_instruction = "Be formal.";
  says (refusal_of (t, "system-instruction"), "system-instruction");
  t = c;
  t.voice = "Kore";
  says (refusal_of (t, "voice"), "unset voice");
  t = c;
  t.code_execution = true;
  says (refusal_of (t, "code-execution"), "code-execution");
  t = c;
  t.tools_json = R"([{"googleSearch":{}}])";
  refusal_of (t, "tools", tools_of (t.tools_json));

  /* A transcribe model speaks nothing, so it translates nothing either. */
  SetupConfig s = config_for ("projects/p/locations/l/publishers/google/models/"
                              "gemini-3.5-transcribe-live-preview");
  s.input_transcription_settings.mode = "VERBATIM";
  assert_accepted (s);
  s.translation.target_language_code = "de";
  says (refusal_of (s, "translate-to"), "unset translate-to");
}

void
test_unknown_models_validate_nothing ()
{
  SetupConfig c = config_for ("models/gemini-4.0-live-preview");
  c.thinking_level = ThinkingLevel::MINIMAL;
  c.thinking_budget = 99;
  c.proactive_audio = false;
  c.affective_dialog = true;
  c.translation.target_language_code = "fr";
  c.input_transcription = false;
  c.tools_json = R"([{"functionDeclarations":[{"name":"f","behavior":"BLOCKING"}]}])";
  assert_accepted (c, tools_of (c.tools_json));
}

void
test_tool_calls_follow_the_model ()
{
  ToolDeclarations t = tools_of (R"([{"functionDeclarations":[{"name":"plain"},)"
      R"({"name":"nb","behavior":"NON_BLOCKING"},{"name":"b","behavior":"BLOCKING"}]}])");
  const ModelRules *r38 = find_model_rules ("gemini-3.8-live");
  const ModelRules *r25 = find_model_rules ("gemini-2.5-flash-native-audio-latest");
  const ModelRules *r31 = find_model_rules ("gemini-3.1-flash-live-preview");
  g_assert_false (call_is_blocking (r38, t, "plain"));
  g_assert_false (call_is_blocking (r38, t, "undeclared"));
  g_assert_true (call_is_blocking (r38, t, "b"));
  g_assert_true (call_is_blocking (r25, t, "plain"));
  g_assert_false (call_is_blocking (r25, t, "nb"));
  g_assert_true (call_is_blocking (r31, t, "nb"));
  g_assert_true (call_is_blocking (nullptr, t, "plain"));
  g_assert_false (call_is_blocking (nullptr, t, "nb"));

  auto sched = [&t] (const char *model, const char *fn) {
    return scheduling_to_send (model, t, fn, ToolScheduling::WHEN_IDLE);
  };
  g_assert_true (sched ("models/gemini-3.8-live", "plain") == ToolScheduling::WHEN_IDLE);
  g_assert_true (sched ("models/gemini-3.8-live-extended-thinking", "nb") == ToolScheduling::NONE);
  const char *vertex = "projects/p/locations/l/publishers/google/models/gemini-3.8-live";
  g_assert_true (sched (vertex, "plain") == ToolScheduling::NONE);
  g_assert_true (sched (vertex, "nb") == ToolScheduling::WHEN_IDLE);
  g_assert_true (sched ("models/unknown-model", "plain") == ToolScheduling::WHEN_IDLE);
  g_assert_true (scheduling_to_send ("models/gemini-3.8-live", t, "plain", ToolScheduling::NONE)
      == ToolScheduling::NONE);
}

void
test_close_reasons_name_the_property ()
{
  auto property = [] (int code, const std::string &reason) {
    std::optional<CloseReasonSetting> s = setting_named_by_close (code, reason);
    return s ? s->property : std::string ("-");
  };
  assert_str (property (1007, "Thinking level is not supported for this model"), "thinking-level");
  assert_str (property (1007, "Thinking level must be specified for this model"), "thinking-level");
  assert_str (property (1007, "Thinking level MINIMAL is not supported for this model"),
      "thinking-level");
  assert_str (property (1007, "BLOCKING function calls are not supported for this model"), "tools");
  assert_str (property (1007, "Function response scheduling is not supported for this model"),
      "scheduling");
  assert_str (property (1007, "Invalid JSON payload received. Unknown name \"scheduling\" at 'tool_"),
      "scheduling");
  assert_str (property (1007, "API key not valid. Please pass a valid API key."), "api-key");
  assert_str (property (1008, "models/gemini-x is not found for API version v1beta, or is not "
      "supported for bidiGenerateContent"), "model");
  assert_str (property (1007, "Request contains an invalid argument."), "-");
  assert_str (property (1011, "Thinking level must be specified for this model"), "-");
  assert_str (property (1008, "BidiGenerateContent session not found"), "-");
  g_assert_nonnull (strstr (setting_named_by_close (1007,
      "Thinking level must be specified for this model")->advice.c_str (), "low, medium or high"));
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/model-catalog/lookup-by-every-written-form", test_lookup_by_every_written_form);
  g_test_add_func ("/model-catalog/behaviour-of-each-family", test_behaviour_of_each_family);
  g_test_add_func ("/model-catalog/extended-thinking-needs-a-level",
      test_extended_thinking_needs_a_level);
  g_test_add_func ("/model-catalog/gemini-3.8-refusals", test_gemini_3_8_refusals);
  g_test_add_func ("/model-catalog/older-models", test_older_models);
  g_test_add_func ("/model-catalog/translate-and-transcribe", test_translate_and_transcribe);
  g_test_add_func ("/model-catalog/translate-refusals-name-the-property",
      test_translate_refusals_name_the_property);
  g_test_add_func ("/model-catalog/unknown-models-validate-nothing",
      test_unknown_models_validate_nothing);
  g_test_add_func ("/model-catalog/tool-calls-follow-the-model", test_tool_calls_follow_the_model);
  g_test_add_func ("/model-catalog/close-reasons-name-the-property",
      test_close_reasons_name_the_property);
  return g_test_run ();
}
