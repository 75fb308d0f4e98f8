/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Function calling and built-in tools on the wire: the `tools` piece of
 * setup, toolResponse frames (and the error answer tool-timeout sends), the
 * scheduling names, and decoding what the built-in tools report with a reply:
 * serverContent.groundingMetadata (Google Search sources) and
 * serverContent.urlContextMetadata (the pages urlContext fetched). The
 * checking of the application's `tools` JSON is in
 * protocol_tools_validate.cpp. Pure: see protocol.h.
 */
#include "live/protocol_tools.h"
#include "live/json_build.h"
#include "live/json_check.h"
#include "live/protocol_setup_parts.h"

#include <string>
#include <vector>

namespace gemlive {

using namespace json_check;

namespace {

JsonNode *
empty_object_node ()
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, json_object_new ());
  return node;
}

/* The server may write either form of a field name (see protocol.cpp). */
JsonNode *
member_either (JsonObject *o, const char *camel_name, const char *snake_name)
{
  if (json_object_has_member (o, camel_name))
    return json_object_get_member (o, camel_name);
  if (json_object_has_member (o, snake_name))
    return json_object_get_member (o, snake_name);
  return nullptr;
}

std::vector<std::string>
string_list (JsonObject *o, const char *camel_name, const char *snake_name)
{
  std::vector<std::string> out;
  JsonNode *node = member_either (o, camel_name, snake_name);
  if (!node || JSON_NODE_HOLDS_NULL (node))
    return out;
  JsonArray *array = array_at (node, std::string ("groundingMetadata.") + camel_name);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *e = json_array_get_element (array, i);
    expect (is_string (e), std::string ("groundingMetadata.") + camel_name + "["
        + std::to_string (i) + "]", "a string", e);
    out.emplace_back (json_node_get_string (e));
  }
  return out;
}

std::string
string_member_or_empty (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_has_member (o, name) ? json_object_get_member (o, name) : nullptr;
  return n && is_string (n) ? json_node_get_string (n) : "";
}

/* UrlMetadata.urlRetrievalStatus in the short form applications compare
 * against. proto3 JSON may write an enum as its number; a name or number
 * this codec does not know is passed on as written, not refused, since the
 * service adds statuses before the published protos list them. */
std::string
url_retrieval_status (JsonNode *node, const std::string &path)
{
  static const char *const names[] = {"unspecified", "success", "error", "paywall", "unsafe"};
  constexpr size_t n_names = G_N_ELEMENTS (names);
  if (!node || JSON_NODE_HOLDS_NULL (node))
    return names[0];
  expect (JSON_NODE_HOLDS_VALUE (node) && (is_string (node)
          || json_node_get_value_type (node) == G_TYPE_INT64), path,
      "a status name (string) or number", node);
  if (!is_string (node)) {
    gint64 number = json_node_get_int (node);
    return number >= 0 && static_cast<guint64> (number) < n_names ? names[number]
                                                                   : std::to_string (number);
  }
  std::string wire = json_node_get_string (node);
  const std::string prefix = "URL_RETRIEVAL_STATUS_";
  if (wire.compare (0, prefix.size (), prefix) == 0) {
    std::string rest = wire.substr (prefix.size ());
    for (auto &c : rest)
      c = g_ascii_tolower (c);
    for (const char *name : names)
      if (rest == name)
        return rest;
  }
  return wire;
}

}  // namespace

bool
parse_tool_scheduling (const char *text, ToolScheduling &out)
{
  if (!text || !*text) {
    out = ToolScheduling::NONE;
    return true;
  }
  std::string s (text);
  if (s == "interrupt" || s == "INTERRUPT")
    out = ToolScheduling::INTERRUPT;
  else if (s == "when-idle" || s == "WHEN_IDLE")
    out = ToolScheduling::WHEN_IDLE;
  else if (s == "silent" || s == "SILENT")
    out = ToolScheduling::SILENT;
  else
    return false;
  return true;
}

const char *
tool_scheduling_wire_name (ToolScheduling scheduling)
{
  switch (scheduling) {
    case ToolScheduling::INTERRUPT: return "INTERRUPT";
    case ToolScheduling::WHEN_IDLE: return "WHEN_IDLE";
    case ToolScheduling::SILENT: return "SILENT";
    case ToolScheduling::NONE: break;
  }
  return nullptr;
}

bool
encode_tool_response (const ToolResponse &response, std::string &frame, std::string &error)
{
  std::string parse_error;
  JsonNodePtr body = parse (response.response_json, parse_error);
  if (!body) {
    error = "response-json is not valid JSON (" + parse_error + ")";
    return false;
  }
  if (!JSON_NODE_HOLDS_OBJECT (body.get ())) {
    error = std::string ("response-json must be a JSON object (e.g. {\"result\": ...}), not ")
        + kind_of (body.get ());
    return false;
  }
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "toolResponse");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "functionResponses");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string_if_set (b, "id", response.id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, response.name.c_str ());
  json_builder_set_member_name (b, "response");
  json_builder_add_value (b, body.release ());
  if (const char *scheduling = tool_scheduling_wire_name (response.scheduling)) {
    json_builder_set_member_name (b, "scheduling");
    json_builder_add_string_value (b, scheduling);
  }
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  frame = builder_to_json (b);
  return true;
}

std::string
tool_error_response_json (const std::string &message)
{
  GObjectPtr<JsonBuilder> owner (json_builder_new ());
  JsonBuilder *b = owner.get ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message.c_str ());
  json_builder_end_object (b);
  return builder_to_json (b);
}

JsonNode *
tools_array_node (const ToolDeclarations &declared, bool google_search, bool code_execution)
{
  JsonArray *tools = json_array_new ();
  if (!declared.normalized_json.empty ()) {
    std::string error;
    JsonNodePtr root = parse (declared.normalized_json, error);
    JsonArray *given = json_node_get_array (root.get ());
    for (guint i = 0; i < json_array_get_length (given); i++)
      json_array_add_element (tools, json_node_copy (json_array_get_element (given, i)));
  }
  auto add_builtin = [tools] (const char *name) {
    JsonObject *tool = json_object_new ();
    json_object_set_member (tool, name, empty_object_node ());
    json_array_add_object_element (tools, tool);
  };
  if (google_search && !declared.google_search)
    add_builtin ("googleSearch");
  if (code_execution && !declared.code_execution)
    add_builtin ("codeExecution");
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, tools);
  return node;
}

void
encode_setup_tools (JsonBuilder *b, const SetupConfig &config)
{
  ToolDeclarations declared;
  std::string error;
  /* Validated when the property was set; checked again so the setup can
   * never carry something the validator would refuse. */
  if (!config.tools_json.empty () && !parse_tools_json (config.tools_json, declared, error))
    declared = ToolDeclarations ();
  JsonNodePtr node (tools_array_node (declared, config.google_search, config.code_execution));
  if (json_array_get_length (json_node_get_array (node.get ())) == 0)
    return;
  json_builder_set_member_name (b, "tools");
  json_builder_add_value (b, node.release ());
}

bool
decode_grounding_metadata (JsonNode *node, GroundingMetadata &out, std::string &error)
{
  try {
    JsonObject *o = object_at (node, "serverContent.groundingMetadata");
    out.queries = string_list (o, "webSearchQueries", "web_search_queries");
    if (JsonNode *chunks = member_either (o, "groundingChunks", "grounding_chunks")) {
      JsonArray *array = array_at (chunks, "groundingMetadata.groundingChunks");
      for (guint i = 0; i < json_array_get_length (array); i++) {
        std::string at = "groundingMetadata.groundingChunks[" + std::to_string (i) + "]";
        JsonObject *chunk = object_at (json_array_get_element (array, i), at);
        /* web sources only; retrievedContext / maps chunks have no URL to cite here */
        if (!json_object_has_member (chunk, "web"))
          continue;
        JsonObject *web = object_at (json_object_get_member (chunk, "web"), at + ".web");
        GroundingMetadata::Source source;
        source.uri = string_member_or_empty (web, "uri");
        source.title = string_member_or_empty (web, "title");
        out.sources.push_back (std::move (source));
      }
    }
    if (JsonNode *entry = member_either (o, "searchEntryPoint", "search_entry_point")) {
      JsonObject *e = object_at (entry, "groundingMetadata.searchEntryPoint");
      out.rendered_content = string_member_or_empty (e, "renderedContent");
      if (out.rendered_content.empty ())
        out.rendered_content = string_member_or_empty (e, "rendered_content");
    }
  } catch (const ShapeError &e) {
    error = e.what ();
    return false;
  }
  return true;
}

bool
decode_url_context_metadata (JsonNode *node, UrlContextMetadata &out, std::string &error)
{
  const std::string base = "serverContent.urlContextMetadata";
  try {
    JsonObject *o = object_at (node, base);
    JsonNode *list = member_either (o, "urlMetadata", "url_metadata");
    if (!list || JSON_NODE_HOLDS_NULL (list))
      return true;
    JsonArray *array = array_at (list, base + ".urlMetadata");
    for (guint i = 0; i < json_array_get_length (array); i++) {
      std::string at = base + ".urlMetadata[" + std::to_string (i) + "]";
      JsonObject *entry = object_at (json_array_get_element (array, i), at);
      UrlContextMetadata::Url url;
      JsonNode *retrieved = member_either (entry, "retrievedUrl", "retrieved_url");
      if (retrieved && !JSON_NODE_HOLDS_NULL (retrieved)) {
        expect (is_string (retrieved), at + ".retrievedUrl", "a string", retrieved);
        url.url = json_node_get_string (retrieved);
      }
      url.status = url_retrieval_status (
          member_either (entry, "urlRetrievalStatus", "url_retrieval_status"),
          at + ".urlRetrievalStatus");
      out.urls.push_back (std::move (url));
    }
  } catch (const ShapeError &e) {
    error = e.what ();
    return false;
  }
  return true;
}

}  // namespace gemlive
