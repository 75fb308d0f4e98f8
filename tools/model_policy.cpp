/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The service's per-model refusals (see model_policy.h). Where protocol.md
 * quotes the service's reason it is sent verbatim; every other refusal is the
 * service's generic 1007.
 */
#include "model_policy.h"

#include "server_session.h"  /* client_member, client_object, client_string */

namespace gemlive::server {

namespace {

constexpr const char *kInvalidArgument = "Request contains an invalid argument.";

CloseSpec
refused (const char *reason = kInvalidArgument)
{
  return CloseSpec {1007, reason};
}

/* Present and true (a bool) / present and false. */
std::optional<bool>
bool_at (JsonObject *object, const char *name)
{
  JsonNode *n = client_member (object, name);
  if (n == nullptr || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return std::nullopt;
  return json_node_get_boolean (n);
}

std::optional<CloseSpec>
check_thinking (JsonObject *generation, const ModelRules &r)
{
  JsonObject *thinking = client_object (generation, "thinkingConfig");
  if (thinking == nullptr) {
    if (r.thinking == ThinkingSupport::LEVEL_REQUIRED)
      return refused ("Thinking level must be specified for this model");
    return std::nullopt;
  }
  const std::string level = client_string (thinking, "thinkingLevel");
  const bool budget = client_member (thinking, "thinkingBudget") != nullptr;
  switch (r.thinking) {
    case ThinkingSupport::NONE:
      return refused ("Thinking level is not supported for this model");
    case ThinkingSupport::BUDGET:
      if (!level.empty ())
        return refused ();
      break;
    case ThinkingSupport::LEVEL:
      if (budget)
        return refused ();
      break;
    case ThinkingSupport::LEVEL_REQUIRED:
      if (budget)
        return refused ();
      if (level.empty ())
        return refused ("Thinking level must be specified for this model");
      break;
  }
  if (level == "MINIMAL" && !r.minimal_thinking)
    return refused ("Thinking level MINIMAL is not supported for this model");
  if (!level.empty () && level != "MINIMAL" && level != "LOW" && level != "MEDIUM"
      && level != "HIGH")
    return refused ();  /* XHIGH exists in the SDK; no Live model takes it */
  return std::nullopt;
}

std::optional<CloseSpec>
check_tools (JsonObject *setup, const ModelRules &r, ModelPolicy &policy)
{
  JsonNode *tools = client_member (setup, "tools");
  if (tools == nullptr)
    return std::nullopt;
  gchar *text = json_to_string (tools, FALSE);
  std::string error;
  bool valid = parse_tools_json (text, policy.tools, error);
  g_free (text);
  if (!valid || (!r.tools && json_array_get_length (json_node_get_array (tools)) > 0))
    return refused ();
  const ToolDeclarations &t = policy.tools;
  if ((t.google_search && !r.google_search) || (t.code_execution && !r.code_execution)
      || (t.url_context && !r.url_context))
    return refused ();
  if (!t.blocking_functions.empty () && !r.blocking_calls)
    return refused ("BLOCKING function calls are not supported for this model");
  return std::nullopt;
}

}  // namespace

bool
ModelPolicy::call_blocks (const std::string &name, bool scripted_non_blocking) const
{
  if (rules && !rules->non_blocking_calls)
    return true;  /* 3.1 blocks on every call */
  if (rules && rules->non_blocking_by_default)  /* 3.8: only a declared BLOCKING call blocks */
    return !scripted_non_blocking && call_is_blocking (rules, tools, name);
  /* Models that block by default: the scenario says how the service treats
   * the call, whatever the client declared (so a test can catch a client
   * that streams on during a call the service holds). */
  return !scripted_non_blocking;
}

std::optional<CloseSpec>
check_setup_for_model (JsonObject *setup, ModelPolicy &policy)
{
  policy.rules = find_model_rules (client_string (setup, "model"));
  JsonObject *generation = client_object (setup, "generationConfig");
  JsonObject *translation = client_object (generation, "translationConfig");
  policy.translate_to = client_string (translation, "targetLanguageCode");
  policy.history_in_client_content = bool_at (client_object (setup, "historyConfig"),
      "initialHistoryInClientContent").value_or (false);
  if (!policy.rules)
    return std::nullopt;  /* new models appear often: the real service decides */
  const ModelRules &r = *policy.rules;

  if (auto close = check_thinking (generation, r))
    return close;
  policy.include_thoughts = r.thinking != ThinkingSupport::NONE
      && bool_at (client_object (generation, "thinkingConfig"), "includeThoughts").value_or (false);
  std::optional<bool> proactive = bool_at (client_object (setup, "proactivity"), "proactiveAudio");
  if (proactive && ((*proactive && r.proactive_audio == ProactiveAudio::REFUSED)
          || (!*proactive && r.proactive_audio == ProactiveAudio::ALWAYS_ON)))
    return refused ();
  if (bool_at (generation, "enableAffectiveDialog").value_or (false) && !r.affective_dialog)
    return refused ();
  if (auto close = check_tools (setup, r, policy))
    return close;
  if ((client_member (setup, "systemInstruction") && !r.system_instruction)
      || (client_member (generation, "speechConfig") && !r.speech_config))
    return refused ();
  if (r.kind == ModelKind::TRANSLATION && policy.translate_to.empty ())
    return refused ();
  if (r.kind == ModelKind::TRANSCRIPTION) {
    /* streaming speech-to-text answers in TEXT only */
    JsonNode *modalities = client_member (generation, "responseModalities");
    if (modalities == nullptr || !JSON_NODE_HOLDS_ARRAY (modalities)
        || json_array_get_length (json_node_get_array (modalities)) != 1
        || g_strcmp0 (json_array_get_string_element (json_node_get_array (modalities), 0),
               "TEXT") != 0)
      return refused ();
    JsonNode *vocabulary = client_member (client_object (setup, "inputAudioTranscription"),
        "customVocabulary");
    if (vocabulary && JSON_NODE_HOLDS_ARRAY (vocabulary)
        && json_array_get_length (json_node_get_array (vocabulary)) > 1000)
      return refused ();
  }
  return std::nullopt;
}

std::optional<CloseSpec>
check_context_update (JsonObject *update, ModelPolicy &policy)
{
  if (!policy.rules)
    return std::nullopt;  /* a model the catalog does not know: taken as sent */
  const ModelRules &r = *policy.rules;
  if (!r.context_update)
    return refused ();
  if (client_member (update, "systemInstruction") && !r.system_instruction)
    return refused ();
  JsonObject *tools = client_object (update, "tools");
  if (tools == nullptr)
    return std::nullopt;
  /* Checked like the setup's tools, into a copy kept only when accepted. */
  ModelPolicy replaced = policy;
  replaced.tools = ToolDeclarations ();
  if (client_member (tools, "tools") != nullptr) {
    if (auto close = check_tools (tools, r, replaced))
      return close;
  }
  policy.tools = replaced.tools;
  return std::nullopt;
}

std::optional<CloseSpec>
check_response_scheduling (const ModelPolicy &policy, bool has_scheduling)
{
  if (has_scheduling && policy.rules && !policy.rules->scheduling)
    return refused ("Function response scheduling is not supported for this model");
  return std::nullopt;
}

}  // namespace gemlive::server
