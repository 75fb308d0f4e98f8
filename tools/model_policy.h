/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What gemini-live-server enforces for the model a setup names, the way the
 * service does (../shared/protocol.md, "Models"): the setup settings each
 * model refuses, with the service's 1007 close reasons, and the facts the
 * session needs later (the declared tools, the target language, whether
 * history may be seeded). The model facts come from the codec's catalog
 * (gst/live/model_catalog.h); this file reads them off the wire JSON, so a
 * client that skipped its own checks meets the service's answer here.
 */
#pragma once

#include "scenario.h"

#include "live/model_catalog.h"

#include <json-glib/json-glib.h>

#include <optional>
#include <string>

namespace gemlive::server {

struct ModelPolicy {
  const ModelRules *rules = nullptr;  /* nullptr: a model the catalog does not know */
  ToolDeclarations tools;             /* the setup's function declarations */
  std::string translate_to;           /* translationConfig.targetLanguageCode */
  bool history_in_client_content = false;  /* historyConfig.initialHistoryInClientContent */
  bool include_thoughts = false;  /* thinkingConfig.includeThoughts on a model that thinks */

  bool is (ModelKind kind) const { return rules && rules->kind == kind; }
  bool turn_ends_at_idle () const { return rules && rules->turn_end == TurnEnd::INTERACTION_STATUS; }
  /* Whether the reply waits for the answer to a call of `name`: on 3.8 as
   * declared (undeclared: no), on 3.1 always, elsewhere as the scenario says. */
  bool call_blocks (const std::string &name, bool scripted_non_blocking) const;
};

/* Reads the setup into `policy` and returns the close the service would send
 * for a setting the model refuses, or nothing. */
std::optional<CloseSpec> check_setup_for_model (JsonObject *setup, ModelPolicy &policy);

/* contextUpdate {systemInstruction, tools: {tools: [...]}}: the close the
 * service would send (a model that takes no contextUpdate, tools the model
 * refuses), or nothing; then `policy.tools` holds the new declarations when
 * the update replaced them. */
std::optional<CloseSpec> check_context_update (JsonObject *update, ModelPolicy &policy);

/* The close for a functionResponse that carries `scheduling` where the model
 * refuses it, or nothing. */
std::optional<CloseSpec> check_response_scheduling (const ModelPolicy &policy, bool has_scheduling);

}  // namespace gemlive::server
