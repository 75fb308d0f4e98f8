/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Function calling: the tool side of the codec. Checks an application's
 * `tools` JSON before it reaches the service, naming the bad field
 * (protocol_tools_validate.cpp), and builds toolResponse frames
 * (protocol_tools.cpp). Pure: no I/O, no threads.
 */
#pragma once

#include "live/protocol.h"

#include <set>
#include <string>

namespace gemlive {

/* FunctionResponse.scheduling; only meaningful for NON_BLOCKING calls. */
enum class ToolScheduling { NONE, INTERRUPT, WHEN_IDLE, SILENT };

/* NULL or "" -> NONE; "interrupt" | "when-idle" | "silent" (the wire names
 * INTERRUPT | WHEN_IDLE | SILENT are accepted too). False for anything else. */
bool parse_tool_scheduling (const char *text, ToolScheduling &out);
const char *tool_scheduling_wire_name (ToolScheduling scheduling);

/* What a valid `tools` property declares. */
struct ToolDeclarations {
  std::string normalized_json;              /* compact JSON array, types upper-cased */
  std::set<std::string> function_names;
  std::set<std::string> non_blocking_functions;  /* behavior: NON_BLOCKING */
  std::set<std::string> blocking_functions;      /* behavior: BLOCKING, written out */
  bool google_search = false;
  bool code_execution = false;
  bool url_context = false;
  bool file_search = false;   /* fileSearch (Gemini API), passed through as written */
  bool mcp_servers = false;   /* mcpServers (Gemini API), passed through as written */
};

/* Validates a JSON array of Tool objects (functionDeclarations, googleSearch,
 * codeExecution, urlContext; fileSearch and mcpServers are newer than the
 * published schema and only checked to be objects / an array of objects)
 * against the v1beta schema. Schema `type` and
 * `behavior` values may be written in lower case; they are sent upper-case.
 * On failure returns false and `error` names the field, e.g.
 * "tools[0].functionDeclarations[1].parameters.properties.city.type: unknown
 * type \"TEXT\" (expected STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT or NULL)". */
bool parse_tools_json (const std::string &json, ToolDeclarations &out, std::string &error);

struct ToolResponse {
  std::string id;
  std::string name;
  std::string response_json;  /* must be a JSON object */
  ToolScheduling scheduling = ToolScheduling::NONE;
};

/* {"toolResponse":{"functionResponses":[{id, name, response, scheduling?}]}}.
 * False (and `error`) when response_json is not a JSON object. */
bool encode_tool_response (const ToolResponse &response, std::string &frame,
    std::string &error);

/* {"error": message}: what tool-timeout answers on the application's behalf. */
std::string tool_error_response_json (const std::string &message);

}  // namespace gemlive
