/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Live models this codec knows and the rules each one enforces
 * (../shared/protocol.md, "Models"): what setup it accepts, how it runs tool
 * calls, how it ends a turn, what it answers with. The service refuses a
 * wrong setting with a bare 1007 close after the connection is up; checking
 * the setup here first turns that into an error that names the property and
 * says what to do. A model not in the catalog is validated against nothing
 * (new models appear often): the service decides.
 *
 * Pure: no I/O, no GStreamer. Used by the element (before connecting) and by
 * gemini-live-server (which refuses what the service refuses).
 */
#pragma once

#include "live/protocol.h"
#include "live/protocol_tools.h"

#include <optional>
#include <string>

namespace gemlive {

/* The model a session uses when the application names none: what every
 * peer framework defaults to (GA since 2026-09-15). */
inline constexpr const char DEFAULT_LIVE_MODEL[] = "gemini-3.8-live";

enum class ModelKind {
  CONVERSATION,   /* speech in, speech (and transcripts) out */
  TRANSLATION,    /* speech in, the same speech in another language out */
  TRANSCRIPTION,  /* speech in, text out (as input transcription) */
};

enum class ThinkingSupport {
  NONE,            /* no thinkingConfig at all */
  BUDGET,          /* thinkingBudget (2.5) */
  LEVEL,           /* thinkingLevel, optional (3.1; MINIMAL is its default) */
  LEVEL_REQUIRED,  /* thinkingLevel LOW, MEDIUM or HIGH must be given */
};

/* What ends a model turn. */
enum class TurnEnd {
  TURN_COMPLETE,       /* serverContent.turnComplete */
  INTERACTION_STATUS,  /* serverContent.interactionStatus IDLE; IN_PROGRESS means more comes */
};

enum class ProactiveAudio {
  REFUSED,    /* proactivity.proactiveAudio true is refused */
  OPTIONAL,   /* off unless asked for */
  ALWAYS_ON,  /* on whatever the client says; sending false is refused */
};

struct ModelRules {
  const char *family;  /* the model ID this entry is named after */
  ModelKind kind;
  ThinkingSupport thinking;
  bool minimal_thinking;         /* thinkingLevel MINIMAL accepted */
  /* A function declared without `behavior` runs NON_BLOCKING (3.8: the
   * model goes on talking; no need to hold the microphone back). */
  bool non_blocking_by_default;
  bool blocking_calls;           /* behavior BLOCKING accepted */
  bool non_blocking_calls;       /* behavior NON_BLOCKING honoured (3.1 blocks every call) */
  bool scheduling;               /* FunctionResponse.scheduling accepted */
  ProactiveAudio proactive_audio;
  bool affective_dialog;         /* generationConfig.enableAffectiveDialog */
  bool tools;                    /* any `tools` at all */
  bool google_search;
  bool code_execution;
  bool url_context;
  bool system_instruction;
  bool speech_config;            /* generationConfig.speechConfig (voice, languageCode) */
  bool media_chunks;             /* the deprecated realtimeInput.mediaChunks */
  /* clientContent after the first model turn closes the session unless
   * historyConfig.initialHistoryInClientContent was set (3.1). */
  bool client_content_needs_history_config;
  bool context_update;           /* contextUpdate accepted mid-session */
  TurnEnd turn_end;
  const char *response_modality; /* "AUDIO" or "TEXT" */
  const char *default_turn_coverage;  /* realtimeInputConfig.turnCoverage when unset */
  /* Shut down: setup is refused with 1008 "models/X is not found…". */
  bool retired;
};

/* "gemini-3.8-live" out of any way a user or a backend writes a model:
 * "gemini-3.8-live", "models/gemini-3.8-live",
 * "projects/p/locations/l/publishers/google/models/gemini-3.8-live". */
std::string model_id_of (const std::string &model);

/* A Vertex AI resource name ("…publishers/google/models/…"), as the Vertex
 * backends (and Firebase's Vertex backend) send. */
bool model_is_vertex (const std::string &model);

/* The rules of a model written in any of the forms above, or nullptr for a
 * model the catalog does not know. Aliases and Vertex names share their
 * family's entry. */
const ModelRules *find_model_rules (const std::string &model);

/* A setting the chosen model refuses. */
struct SettingRefusal {
  std::string property;  /* as the element calls it: "thinking-level" */
  std::string model;     /* the model ID */
  std::string message;   /* what is wrong and what to do, naming both */
};

/* The first setting in `config` (and the `tools` it declares) that the
 * config's model refuses, or nothing when the model would take the setup or
 * is unknown. Checked in the order the service would hit them, so the user
 * fixes one property at a time. */
std::optional<SettingRefusal> validate_setup_for_model (const SetupConfig &config,
    const ToolDeclarations &tools);

/* Whether a call of function `name` blocks the model's turn (so microphone
 * audio must wait for the answer): by its declared behavior, else by the
 * model's default; unknown models and models that run every call blocking
 * say true (the safe side: the service closes sessions that stream audio
 * during an unanswered blocking call). */
bool call_is_blocking (const ModelRules *rules, const ToolDeclarations &tools,
    const std::string &name);

/* The scheduling to put in a function response for `model`: none where the
 * model refuses the field (extended thinking), and on Vertex none unless the
 * function was declared NON_BLOCKING (older Vertex servers refuse the field
 * with 1007 "Unknown name \"scheduling\""). */
ToolScheduling scheduling_to_send (const std::string &model, const ToolDeclarations &tools,
    const std::string &function_name, ToolScheduling requested);

/* The element property a close reason names, for the Live API's setting
 * refusals (1007 "Thinking level must be specified for this model", …, and
 * 1008 "models/X is not found…" which names `model`); nullopt for reasons
 * that name no setting. Matches the start of the reason only where it may be
 * cut at 123 bytes. */
struct CloseReasonSetting {
  std::string property;  /* "thinking-level", "tools", "model", … */
  std::string advice;    /* what to change, e.g. "set thinking-level to low, medium or high" */
};
std::optional<CloseReasonSetting> setting_named_by_close (int code, const std::string &reason);

}  // namespace gemlive
