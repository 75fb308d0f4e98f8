/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The scenario file (--scenario): what the local server says on each turn and
 * which faults it injects. The format is documented in docs/local-server.md.
 */
#pragma once

#include "server_messages.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gemlive::server {

struct CloseSpec {
  int code = 1011;
  std::string reason = "Internal error occurred.";
};

/* A fault injected at one turn. */
struct TurnFault {
  enum class Kind { NONE, CLOSE, DROP_TCP, MALFORMED_FRAME, UNKNOWN_MESSAGE, GO_AWAY } kind = Kind::NONE;
  bool mid_reply = false;      /* DROP_TCP / CLOSE: after half the reply audio instead of before it */
  CloseSpec close;             /* CLOSE */
  int64_t time_left_ms = 1000; /* GO_AWAY */
};

struct ScriptedToolCall {
  ToolCallSpec call;
  bool non_blocking = false;  /* the reply does not wait for the toolResponse */
};

struct ScenarioTurn {
  std::optional<std::string> transcript;  /* inputTranscription of the user's turn */
  /* languageCode of that transcript (and of its interim text), as newer servers send it */
  std::optional<std::string> transcript_language;
  std::optional<std::string> reply;       /* spoken reply; the default reply when unset */
  std::vector<ScriptedToolCall> tool_calls;
  std::optional<std::string> reply_after_tool;  /* said once the tool responses arrived */
  int64_t cancel_tool_calls_after_ms = -1;      /* >= 0: send toolCallCancellation instead of waiting */
  int64_t stall_ms = 0;
  int64_t interrupt_after_ms = -1;              /* >= 0: force `interrupted` after this much reply audio */
  std::optional<GroundingSpec> grounding;       /* sent as groundingMetadata with the reply */
  std::optional<UrlContextSpec> url_context;    /* sent as urlContextMetadata with the reply */
  bool waiting_for_input = false;               /* waitingForInput after the reply's turnComplete */
  TurnFault fault;
};

struct Scenario {
  std::optional<std::vector<std::string>> known_models;  /* unset: the server's list */
  std::string default_reply =
      "You said something. This is the local Gemini Live test server answering, not Gemini.";
  std::vector<ScenarioTurn> turns;
  int64_t go_away_after_ms = -1;
  int64_t go_away_time_left_ms = 1000;
  int64_t close_after_ms = -1;
  CloseSpec close_after;
  /* What newer servers send, when the scenario asks for it: the session's id
   * in setupComplete, and voiceActivity at each start and end of speech
   * the server's detection finds. */
  bool session_id = false;
  bool voice_activity = false;
  /* interimInputTranscription, word by word, before each turn's inputTranscription. */
  bool interim_transcription = false;

  /* The turn at 0-based index `k`, or an empty turn past the end of the list. */
  ScenarioTurn turn (size_t k) const;
};

/* Parses a scenario; on failure returns false and names the offending field. */
bool load_scenario (const std::string &path, Scenario &out, std::string &error);
bool parse_scenario (const std::string &json_text, Scenario &out, std::string &error);

}  // namespace gemlive::server
