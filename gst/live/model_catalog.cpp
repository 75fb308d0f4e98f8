/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The model catalog (see model_catalog.h). Each entry is written as the
 * difference from a conversation model that accepts everything, so a rule
 * reads the way protocol.md states it. Facts protocol.md does not state for a
 * model are left permissive: the service decides, as for unknown models.
 */
#include "live/model_catalog.h"

#include <cstring>
#include <utility>
#include <vector>

namespace gemlive {

namespace {

ModelRules
permissive (const char *family)
{
  ModelRules r {};
  r.family = family;
  r.kind = ModelKind::CONVERSATION;
  r.thinking = ThinkingSupport::BUDGET;
  r.minimal_thinking = true;
  r.non_blocking_by_default = false;
  r.blocking_calls = true;
  r.non_blocking_calls = true;
  r.scheduling = true;
  r.proactive_audio = ProactiveAudio::OPTIONAL;
  r.affective_dialog = true;
  r.tools = true;
  r.google_search = true;
  r.code_execution = true;
  r.url_context = true;
  r.system_instruction = true;
  r.speech_config = true;
  r.media_chunks = true;
  r.client_content_needs_history_config = false;
  r.context_update = false;
  r.turn_end = TurnEnd::TURN_COMPLETE;
  r.response_modality = "AUDIO";
  r.default_turn_coverage = "TURN_INCLUDES_ONLY_ACTIVITY";
  r.retired = false;
  return r;
}

ModelRules
gemini_3_8 (const char *family)
{
  ModelRules r = permissive (family);
  r.thinking = ThinkingSupport::NONE;
  r.minimal_thinking = false;
  r.non_blocking_by_default = true;
  r.proactive_audio = ProactiveAudio::ALWAYS_ON;
  r.affective_dialog = false;
  r.code_execution = false;
  r.url_context = false;
  /* The GA model takes the SDK's contextUpdate; the older ones carry a
   * change into a resumed connection instead. */
  r.context_update = true;
  r.default_turn_coverage = "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO";
  return r;
}

ModelRules
gemini_3_8_extended_thinking ()
{
  ModelRules r = gemini_3_8 ("gemini-3.8-live-extended-thinking");
  r.thinking = ThinkingSupport::LEVEL_REQUIRED;
  r.blocking_calls = false;
  r.scheduling = false;
  r.turn_end = TurnEnd::INTERACTION_STATUS;
  return r;
}

ModelRules
gemini_3_1 ()
{
  ModelRules r = permissive ("gemini-3.1-flash-live-preview");
  r.thinking = ThinkingSupport::LEVEL;
  r.non_blocking_calls = false;
  r.scheduling = false;  /* every call blocks; scheduling is for NON_BLOCKING calls only */
  r.proactive_audio = ProactiveAudio::REFUSED;
  r.affective_dialog = false;
  r.url_context = false;  /* urlContext: 2.5 only */
  r.media_chunks = false;
  r.client_content_needs_history_config = true;
  return r;
}

ModelRules
gemini_2_5 (const char *family)
{
  return permissive (family);
}

ModelRules
translate ()
{
  ModelRules r = permissive ("gemini-3.5-live-translate-preview");
  r.kind = ModelKind::TRANSLATION;
  r.thinking = ThinkingSupport::NONE;
  r.tools = false;
  r.google_search = false;
  r.code_execution = false;
  r.url_context = false;
  r.system_instruction = false;
  r.speech_config = false;  /* the voice follows the speaker */
  return r;
}

ModelRules
transcribe ()
{
  ModelRules r = permissive ("gemini-3.5-transcribe-live");
  r.kind = ModelKind::TRANSCRIPTION;
  r.thinking = ThinkingSupport::NONE;
  r.response_modality = "TEXT";
  return r;
}

ModelRules
retired (const char *family)
{
  ModelRules r = permissive (family);
  r.retired = true;
  return r;
}

struct CatalogEntry {
  const char *id;
  const ModelRules *rules;
};

const std::vector<CatalogEntry> &
catalog ()
{
  static const ModelRules r38 = gemini_3_8 ("gemini-3.8-live");
  static const ModelRules r38x = gemini_3_8_extended_thinking ();
  static const ModelRules r31 = gemini_3_1 ();
  static const ModelRules r25 = gemini_2_5 ("gemini-2.5-flash-native-audio-preview-12-2025");
  static const ModelRules r25_09 = gemini_2_5 ("gemini-2.5-flash-native-audio-preview-09-2025");
  static const ModelRules rtranslate = translate ();
  static const ModelRules rtranscribe = transcribe ();
  static const ModelRules r20 = retired ("gemini-2.0-flash-live-001");
  static const ModelRules r25_live = retired ("gemini-live-2.5-flash-preview");
  static const std::vector<CatalogEntry> entries = {
    {"gemini-3.8-live", &r38},
    {"gemini-3.8-live-extended-thinking", &r38x},
    {"gemini-3.1-flash-live-preview", &r31},
    {"gemini-2.5-flash-native-audio-preview-12-2025", &r25},
    {"gemini-2.5-flash-native-audio-latest", &r25},
    {"gemini-live-2.5-flash-native-audio", &r25},  /* Vertex, GA */
    {"gemini-2.5-flash-native-audio-preview-09-2025", &r25_09},
    {"gemini-live-2.5-flash-preview-native-audio-09-2025", &r25_09},  /* Vertex */
    {"gemini-3.5-live-translate-preview", &rtranslate},
    {"gemini-3.5-transcribe-live", &rtranscribe},
    {"gemini-3.5-transcribe-live-preview", &rtranscribe},  /* Vertex */
    {"gemini-2.0-flash-live-001", &r20},
    {"gemini-live-2.5-flash-preview", &r25_live},
  };
  return entries;
}

class Refusals {
public:
  explicit Refusals (std::string model) : model_ (std::move (model)) {}

  /* Records the first refusal only; later checks are no-ops. */
  void refuse (bool when, const char *property, const std::string &what_to_do)
  {
    if (!when || first_)
      return;
    first_ = SettingRefusal {property, model_, model_ + " " + what_to_do};
  }

  std::optional<SettingRefusal> first () { return std::move (first_); }

private:
  std::string model_;
  std::optional<SettingRefusal> first_;
};

void
check_kind (const SetupConfig &c, const ModelRules &r, Refusals &out)
{
  bool translating = r.kind == ModelKind::TRANSLATION;
  out.refuse (translating && c.translation.target_language_code.empty (), "translate-to",
      "needs translate-to (the BCP-47 language to speak, e.g. \"de\")");
  out.refuse (!translating && !c.translation.target_language_code.empty (), "translate-to",
      "does not translate: unset translate-to, or set model to gemini-3.5-live-translate-preview");
  out.refuse (!translating && c.translation.echo_target_language.has_value (), "translate-echo",
      "does not translate: unset translate-echo");
  out.refuse (r.kind == ModelKind::TRANSCRIPTION && !c.input_transcription,
      "input-transcription",
      "delivers its transcript as input transcription: set input-transcription to true");
  out.refuse (r.kind == ModelKind::TRANSCRIPTION
          && c.input_transcription_settings.custom_vocabulary.size () > 1000,
      "custom-vocabulary", "takes at most 1000 custom-vocabulary terms");
}

void
check_thinking (const SetupConfig &c, const ModelRules &r, Refusals &out)
{
  bool level = c.thinking_level != ThinkingLevel::UNSET;
  switch (r.thinking) {
    case ThinkingSupport::NONE:
      out.refuse (level, "thinking-level", "takes no thinking level: unset thinking-level"
          + std::string (r.turn_end == TurnEnd::TURN_COMPLETE && r.kind == ModelKind::CONVERSATION
                  ? " (gemini-3.8-live-extended-thinking thinks)" : ""));
      out.refuse (c.thinking_budget.has_value (), "thinking-budget",
          "takes no thinking budget: unset thinking-budget");
      out.refuse (c.include_thoughts.value_or (false), "include-thoughts",
          "does not think aloud: unset include-thoughts");
      break;
    case ThinkingSupport::BUDGET:
      out.refuse (level, "thinking-level",
          "takes thinking-budget, not thinking-level: unset thinking-level");
      break;
    case ThinkingSupport::LEVEL:
      out.refuse (c.thinking_budget.has_value (), "thinking-budget",
          "takes thinking-level (minimal, low, medium or high), not thinking-budget: "
          "unset thinking-budget");
      break;
    case ThinkingSupport::LEVEL_REQUIRED:
      out.refuse (c.thinking_budget.has_value (), "thinking-budget",
          "takes thinking-level, not thinking-budget: unset thinking-budget and set "
          "thinking-level (low, medium or high)");
      out.refuse (!level, "thinking-level", "needs thinking-level (low, medium or high)");
      break;
  }
  out.refuse (level && c.thinking_level == ThinkingLevel::MINIMAL && !r.minimal_thinking,
      "thinking-level", "does not take thinking-level minimal: set low, medium or high");
}

void
check_tools (const SetupConfig &c, const ToolDeclarations &t, const ModelRules &r, Refusals &out)
{
  bool declared_any = !c.tools_json.empty () && c.tools_json != "[]";
  out.refuse (!r.tools && declared_any, "tools", "takes no tools: unset tools");
  out.refuse ((!r.tools || !r.google_search) && c.google_search, "google-search",
      "cannot search Google: set google-search to false");
  out.refuse ((!r.tools || !r.code_execution) && c.code_execution, "code-execution",
      "cannot run code: set code-execution to false");
  out.refuse (!r.google_search && t.google_search, "tools",
      "cannot search Google: remove googleSearch from tools");
  out.refuse (!r.code_execution && t.code_execution, "tools",
      "cannot run code: remove codeExecution from tools");
  out.refuse (!r.url_context && t.url_context, "tools",
      "cannot fetch URLs: remove urlContext from tools");
  if (!r.blocking_calls && !t.blocking_functions.empty ())
    out.refuse (true, "tools", "runs every function call NON_BLOCKING: remove behavior "
        "BLOCKING from function \"" + *t.blocking_functions.begin () + "\" in tools");
}

}  // namespace

std::string
model_id_of (const std::string &model)
{
  size_t at = model.rfind ("models/");
  if (at == std::string::npos)
    return model;
  /* "models/" at the start or after a '/', not inside a name such as "xmodels/" */
  if (at != 0 && model[at - 1] != '/')
    return model;
  return model.substr (at + strlen ("models/"));
}

bool
model_is_vertex (const std::string &model)
{
  return model.rfind ("publishers/", 0) == 0 || model.find ("/publishers/") != std::string::npos;
}

const ModelRules *
find_model_rules (const std::string &model)
{
  std::string id = model_id_of (model);
  for (const CatalogEntry &entry : catalog ())
    if (id == entry.id)
      return entry.rules;
  return nullptr;
}

std::optional<SettingRefusal>
validate_setup_for_model (const SetupConfig &config, const ToolDeclarations &tools)
{
  const ModelRules *rules = find_model_rules (config.model);
  if (!rules)
    return std::nullopt;
  const ModelRules &r = *rules;
  std::string id = model_id_of (config.model);
  Refusals out (id);
  out.refuse (r.retired, "model",
      "was shut down: set model to gemini-3.8-live (or another current Live model)");
  check_kind (config, r, out);
  check_thinking (config, r, out);
  out.refuse (r.proactive_audio == ProactiveAudio::REFUSED && config.proactive_audio.value_or (false),
      "proactive-audio", "has no proactive audio: set proactive-audio to false");
  out.refuse (r.proactive_audio == ProactiveAudio::ALWAYS_ON && config.proactive_audio.has_value ()
          && !*config.proactive_audio,
      "proactive-audio", "always answers proactively (it refuses proactiveAudio false): "
      "unset proactive-audio");
  out.refuse (!r.affective_dialog && config.affective_dialog.value_or (false), "affective-dialog",
      "has no affective dialog: set affective-dialog to false");
  check_tools (config, tools, r, out);
  out.refuse (!r.system_instruction && !config.system_instruction.empty (), "system-instruction",
      "takes no system instruction: unset system-instruction");
  out.refuse (!r.speech_config && !config.voice.empty (), "voice",
      "speaks in the speaker's own voice: unset voice");
  out.refuse (!r.speech_config && !config.language_code.empty (), "language-code",
      "takes no speech language: unset language-code (translate-to sets the output language)");
  return out.first ();
}

bool
call_is_blocking (const ModelRules *rules, const ToolDeclarations &tools, const std::string &name)
{
  if (rules && !rules->non_blocking_calls)
    return true;
  if (tools.non_blocking_functions.count (name))
    return false;
  if (tools.blocking_functions.count (name))
    return true;
  return rules ? !rules->non_blocking_by_default : true;
}

ToolScheduling
scheduling_to_send (const std::string &model, const ToolDeclarations &tools,
    const std::string &function_name, ToolScheduling requested)
{
  const ModelRules *rules = find_model_rules (model);
  if (rules && !rules->scheduling)
    return ToolScheduling::NONE;
  if (model_is_vertex (model) && !tools.non_blocking_functions.count (function_name))
    return ToolScheduling::NONE;
  return requested;
}

std::optional<CloseReasonSetting>
setting_named_by_close (int code, const std::string &reason)
{
  auto starts = [&reason] (const char *prefix) { return reason.rfind (prefix, 0) == 0; };
  if (code == 1007) {
    if (starts ("Thinking level is not supported"))
      return CloseReasonSetting {"thinking-level",
          "this model takes no thinking settings: unset thinking-level and thinking-budget"};
    if (starts ("Thinking level must be specified"))
      return CloseReasonSetting {"thinking-level", "set thinking-level to low, medium or high"};
    if (starts ("Thinking level MINIMAL is not supported"))
      return CloseReasonSetting {"thinking-level",
          "set thinking-level to low, medium or high (not minimal)"};
    if (starts ("BLOCKING function calls are not supported"))
      return CloseReasonSetting {"tools",
          "remove behavior BLOCKING from the function declarations in tools"};
    if (starts ("Function response scheduling is not supported")
        || reason.find ("Unknown name \"scheduling\"") != std::string::npos)
      return CloseReasonSetting {"scheduling",
          "answer send-tool-response without scheduling (NULL) for this model"};
    if (starts ("API key not valid"))
      return CloseReasonSetting {"api-key", "set api-key (or GEMINI_API_KEY) to a valid key"};
  } else if (code == 1008) {
    /* "models/X is not found for API version v1beta, or is not supported…";
     * a long model name may leave the reason cut before "is not found". */
    if (starts ("models/") && (reason.find (" is not found") != std::string::npos
            || reason.size () >= 120))
      return CloseReasonSetting {"model",
          "set model to a Live model this API version serves, e.g. gemini-3.8-live"};
  }
  return std::nullopt;
}

}  // namespace gemlive
