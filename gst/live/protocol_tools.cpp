/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * issue 5: tools in the codec. Validation of the application's `tools` JSON
 * (so a typo is reported with its path before the service closes the session
 * with a bare 1007), the `tools` piece of setup, toolResponse, and
 * serverContent.groundingMetadata. Pure: see protocol.h.
 */
#include "live/protocol_tools.h"
#include "live/json_build.h"
#include "live/protocol_setup_parts.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace gemlive {

namespace {

/* Thrown by the validator; the text starts with the JSON path. */
struct ToolsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/* Parses text into a node; nullptr and `error` on failure. */
JsonNodePtr
parse_json (const std::string &text, std::string &error)
{
  GObjectPtr<JsonParser> parser (json_parser_new ());
  GError *gerror = nullptr;
  if (!json_parser_load_from_data (parser.get (), text.c_str (), (gssize) text.size (),
          &gerror)) {
    error = gerror ? gerror->message : "not JSON";
    g_clear_error (&gerror);
    return nullptr;
  }
  JsonNode *root = json_parser_get_root (parser.get ());
  if (!root) {
    error = "empty text";
    return nullptr;
  }
  return JsonNodePtr (json_node_copy (root));
}

const char *
kind_of (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY: return "an array";
    case JSON_NODE_NULL: return "null";
    case JSON_NODE_VALUE: break;
  }
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return "a string";
  if (type == G_TYPE_BOOLEAN)
    return "a boolean";
  return "a number";
}

bool
is_string (JsonNode *n)
{
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

bool
is_number (JsonNode *n)
{
  if (!JSON_NODE_HOLDS_VALUE (n))
    return false;
  GType t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* int64 fields may be JSON numbers or decimal strings (proto3 JSON). */
bool
is_integer (JsonNode *n)
{
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
    return true;
  if (!is_string (n))
    return false;
  const char *s = json_node_get_string (n);
  if (*s == '-')
    s++;
  if (!*s)
    return false;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return false;
  return true;
}

void
expect (bool ok, const std::string &path, const char *what, JsonNode *node)
{
  if (!ok)
    throw ToolsError (path + ": expected " + what + ", got " + kind_of (node));
}

JsonObject *
object_at (JsonNode *node, const std::string &path)
{
  expect (JSON_NODE_HOLDS_OBJECT (node), path, "an object", node);
  return json_node_get_object (node);
}

JsonArray *
array_at (JsonNode *node, const std::string &path)
{
  expect (JSON_NODE_HOLDS_ARRAY (node), path, "an array", node);
  return json_node_get_array (node);
}

/* "function_declarations" -> "functionDeclarations", for a helpful hint. */
std::string
camel (const std::string &key)
{
  std::string out;
  bool up = false;
  for (char c : key) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? g_ascii_toupper (c) : c;
    up = false;
  }
  return out;
}

[[noreturn]] void
unknown_field (const std::string &path, const std::string &key,
    const std::vector<std::string> &known)
{
  std::string text = path + "." + key + ": unknown field";
  std::string camel_key = camel (key);
  if (camel_key != key && std::find (known.begin (), known.end (), camel_key) != known.end ())
    throw ToolsError (text + " (write it in camelCase: " + camel_key + ")");
  text += " (known: ";
  for (size_t i = 0; i < known.size (); i++)
    text += (i ? ", " : "") + known[i];
  throw ToolsError (text + ")");
}

/* Upper-cases an enum string in place; returns the upper-case value. */
std::string
normalize_enum (JsonObject *parent, const char *member, JsonNode *value, const std::string &path,
    std::string &as_written)
{
  expect (is_string (value), path, "a string", value);
  /* `value` is freed when the member is replaced below. */
  as_written = json_node_get_string (value);
  gchar *upper = g_ascii_strup (as_written.c_str (), -1);
  std::string out (upper);
  g_free (upper);
  json_object_set_string_member (parent, member, out.c_str ());
  return out;
}

void
check_string_array (JsonNode *node, const std::string &path)
{
  JsonArray *array = array_at (node, path);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *e = json_array_get_element (array, i);
    expect (is_string (e), path + "[" + std::to_string (i) + "]", "a string", e);
  }
}

void check_schema (JsonNode *node, const std::string &path, int depth);

void
check_schema_member (JsonObject *schema, const std::string &key, JsonNode *value,
    const std::string &path, int depth)
{
  static const std::vector<std::string> known = {"type", "format", "title", "description",
      "nullable", "enum", "items", "maxItems", "minItems", "properties", "required",
      "minProperties", "maxProperties", "minimum", "maximum", "minLength", "maxLength",
      "pattern", "example", "anyOf", "propertyOrdering", "default"};
  std::string at = path + "." + key;
  if (key == "type") {
    std::string written;
    std::string type = normalize_enum (schema, "type", value, at, written);
    static const char *const types[] = {"TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER",
        "BOOLEAN", "ARRAY", "OBJECT", "NULL"};
    for (const char *t : types)
      if (type == t)
        return;
    throw ToolsError (at + ": unknown type \"" + written
        + "\" (expected STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT or NULL)");
  } else if (key == "format" || key == "title" || key == "description" || key == "pattern") {
    expect (is_string (value), at, "a string", value);
  } else if (key == "nullable") {
    expect (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN,
        at, "a boolean", value);
  } else if (key == "enum" || key == "required" || key == "propertyOrdering") {
    check_string_array (value, at);
  } else if (key == "items") {
    check_schema (value, at, depth + 1);
  } else if (key == "properties") {
    JsonObject *props = object_at (value, at);
    JsonObjectIter iter;
    const gchar *name;
    JsonNode *member;
    json_object_iter_init (&iter, props);
    while (json_object_iter_next (&iter, &name, &member))
      check_schema (member, at + "." + name, depth + 1);
  } else if (key == "anyOf") {
    JsonArray *array = array_at (value, at);
    for (guint i = 0; i < json_array_get_length (array); i++)
      check_schema (json_array_get_element (array, i), at + "[" + std::to_string (i) + "]",
          depth + 1);
  } else if (key == "maxItems" || key == "minItems" || key == "minProperties"
      || key == "maxProperties" || key == "minLength" || key == "maxLength") {
    expect (is_integer (value), at, "an integer", value);
  } else if (key == "minimum" || key == "maximum") {
    expect (is_number (value), at, "a number", value);
  } else if (key == "example" || key == "default") {
    /* google.protobuf.Value: any JSON */
  } else {
    unknown_field (path, key, known);
  }
}

void
check_schema (JsonNode *node, const std::string &path, int depth)
{
  if (depth > 32)
    throw ToolsError (path + ": schema nested deeper than 32 levels");
  JsonObject *schema = object_at (node, path);
  /* Collect first: normalize_enum replaces members while we iterate. */
  std::vector<std::pair<std::string, JsonNode *>> members;
  JsonObjectIter iter;
  const gchar *name;
  JsonNode *member;
  json_object_iter_init (&iter, schema);
  while (json_object_iter_next (&iter, &name, &member))
    members.emplace_back (name, member);
  for (const auto &[key, value] : members)
    check_schema_member (schema, key, value, path, depth);

  if (json_object_has_member (schema, "required")) {
    JsonObject *props = json_object_has_member (schema, "properties")
        ? json_object_get_object_member (schema, "properties") : nullptr;
    JsonArray *required = json_object_get_array_member (schema, "required");
    for (guint i = 0; i < json_array_get_length (required); i++) {
      const char *field = json_array_get_string_element (required, i);
      if (!props || !json_object_has_member (props, field))
        throw ToolsError (path + ".required[" + std::to_string (i) + "]: \"" + field
            + "\" is not one of the schema's properties");
    }
  }
}

/* The service's rule: a letter or underscore, then letters, digits,
 * underscores, dots, colons or dashes; at most 64 characters. */
bool
valid_function_name (const std::string &name)
{
  if (name.empty () || name.size () > 64)
    return false;
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return false;
  for (char c : name)
    if (!g_ascii_isalnum (c) && !strchr ("_.:-", c))
      return false;
  return true;
}

void
check_function (JsonNode *node, const std::string &path, ToolDeclarations &out)
{
  static const std::vector<std::string> known = {"name", "description", "parameters",
      "parametersJsonSchema", "response", "responseJsonSchema", "behavior"};
  JsonObject *fn = object_at (node, path);
  std::vector<std::pair<std::string, JsonNode *>> members;
  JsonObjectIter iter;
  const gchar *key;
  JsonNode *value;
  json_object_iter_init (&iter, fn);
  while (json_object_iter_next (&iter, &key, &value))
    members.emplace_back (key, value);

  if (!json_object_has_member (fn, "name"))
    throw ToolsError (path + ".name: missing (every function declaration needs a name)");
  bool non_blocking = false;
  for (const auto &[k, v] : members) {
    std::string at = path + "." + k;
    if (k == "name") {
      expect (is_string (v), at, "a string", v);
      std::string name = json_node_get_string (v);
      if (!valid_function_name (name))
        throw ToolsError (at + ": \"" + name + "\" is not a valid function name (a letter or "
            "'_' first, then letters, digits, '_', '.', ':' or '-'; at most 64 characters)");
      if (!out.function_names.insert (name).second)
        throw ToolsError (at + ": \"" + name + "\" is declared twice");
    } else if (k == "description") {
      expect (is_string (v), at, "a string", v);
    } else if (k == "parameters" || k == "response") {
      check_schema (v, at, 0);
    } else if (k == "parametersJsonSchema" || k == "responseJsonSchema") {
      /* google.protobuf.Value: a JSON Schema, passed through as written. */
    } else if (k == "behavior") {
      std::string written;
      std::string behavior = normalize_enum (fn, "behavior", v, at, written);
      if (behavior == "NON_BLOCKING")
        non_blocking = true;
      else if (behavior != "BLOCKING" && behavior != "UNSPECIFIED")
        throw ToolsError (at + ": unknown behavior \"" + written
            + "\" (expected BLOCKING or NON_BLOCKING)");
    } else {
      unknown_field (path, k, known);
    }
  }
  if (json_object_has_member (fn, "parameters") && json_object_has_member (fn,
          "parametersJsonSchema"))
    throw ToolsError (path + ": give either parameters or parametersJsonSchema, not both");
  if (non_blocking)
    out.non_blocking_functions.insert (json_object_get_string_member (fn, "name"));
}

void
check_empty_object (JsonNode *node, const std::string &path)
{
  JsonObject *o = object_at (node, path);
  if (json_object_get_size (o) != 0) {
    GList *names = json_object_get_members (o);
    std::string first = static_cast<const char *> (names->data);
    g_list_free (names);
    throw ToolsError (path + "." + first + ": unknown field (" + path
        + " takes an empty object {})");
  }
}

void
check_tool (JsonNode *node, const std::string &path, ToolDeclarations &out)
{
  static const std::vector<std::string> known = {"functionDeclarations", "googleSearch",
      "codeExecution", "urlContext"};
  JsonObject *tool = object_at (node, path);
  if (json_object_get_size (tool) == 0)
    throw ToolsError (path + ": empty Tool (give functionDeclarations, googleSearch, "
        "codeExecution or urlContext)");
  JsonObjectIter iter;
  const gchar *key;
  JsonNode *value;
  json_object_iter_init (&iter, tool);
  while (json_object_iter_next (&iter, &key, &value)) {
    std::string k = key, at = path + "." + k;
    if (k == "functionDeclarations") {
      JsonArray *fns = array_at (value, at);
      for (guint i = 0; i < json_array_get_length (fns); i++)
        check_function (json_array_get_element (fns, i), at + "[" + std::to_string (i) + "]",
            out);
    } else if (k == "googleSearch") {
      JsonObject *search = object_at (value, at);
      JsonObjectIter inner;
      const gchar *sk;
      JsonNode *sv;
      json_object_iter_init (&inner, search);
      while (json_object_iter_next (&inner, &sk, &sv)) {
        if (std::string (sk) != "timeRangeFilter")
          unknown_field (at, sk, {"timeRangeFilter"});
        object_at (sv, at + "." + sk);
      }
      out.google_search = true;
    } else if (k == "codeExecution") {
      check_empty_object (value, at);
      out.code_execution = true;
    } else if (k == "urlContext") {
      check_empty_object (value, at);
      out.url_context = true;
    } else {
      unknown_field (path, k, known);
    }
  }
}

JsonNode *
empty_object_node ()
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, json_object_new ());
  return node;
}

std::vector<std::string>
string_list (JsonObject *o, const char *camel_name, const char *snake_name)
{
  std::vector<std::string> out;
  const char *name = json_object_has_member (o, camel_name) ? camel_name : snake_name;
  if (!json_object_has_member (o, name))
    return out;
  JsonNode *node = json_object_get_member (o, name);
  if (JSON_NODE_HOLDS_NULL (node))
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

JsonNode *
member_either (JsonObject *o, const char *camel_name, const char *snake_name)
{
  if (json_object_has_member (o, camel_name))
    return json_object_get_member (o, camel_name);
  if (json_object_has_member (o, snake_name))
    return json_object_get_member (o, snake_name);
  return nullptr;
}

std::string
string_member_or_empty (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_has_member (o, name) ? json_object_get_member (o, name) : nullptr;
  return n && is_string (n) ? json_node_get_string (n) : "";
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
parse_tools_json (const std::string &json, ToolDeclarations &out, std::string &error)
{
  out = ToolDeclarations ();
  std::string parse_error;
  JsonNodePtr root = parse_json (json, parse_error);
  if (!root) {
    error = "tools: not valid JSON (" + parse_error + ")";
    return false;
  }
  try {
    JsonArray *tools = array_at (root.get (), "tools");
    for (guint i = 0; i < json_array_get_length (tools); i++)
      check_tool (json_array_get_element (tools, i), "tools[" + std::to_string (i) + "]", out);
  } catch (const ToolsError &e) {
    out = ToolDeclarations ();
    error = e.what ();
    return false;
  }
  out.normalized_json = compact_json (root.get ());
  return true;
}

bool
encode_tool_response (const ToolResponse &response, std::string &frame, std::string &error)
{
  std::string parse_error;
  JsonNodePtr body = parse_json (response.response_json, parse_error);
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

void
encode_setup_tools (JsonBuilder *b, const SetupConfig &config)
{
  JsonArray *tools = json_array_new ();
  ToolDeclarations declared;
  std::string error;
  if (!config.tools_json.empty ()) {
    /* Validated when the property was set; checked again so the setup can
     * never carry something the validator would refuse. */
    if (parse_tools_json (config.tools_json, declared, error)) {
      JsonNodePtr root = parse_json (declared.normalized_json, error);
      JsonArray *given = json_node_get_array (root.get ());
      for (guint i = 0; i < json_array_get_length (given); i++)
        json_array_add_element (tools, json_node_copy (json_array_get_element (given, i)));
    }
  }
  auto add_builtin = [tools] (const char *name) {
    JsonObject *tool = json_object_new ();
    json_object_set_member (tool, name, empty_object_node ());
    json_array_add_object_element (tools, tool);
  };
  if (config.google_search && !declared.google_search)
    add_builtin ("googleSearch");
  if (config.code_execution && !declared.code_execution)
    add_builtin ("codeExecution");

  if (json_array_get_length (tools) == 0) {
    json_array_unref (tools);
    return;
  }
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, tools);
  json_builder_set_member_name (b, "tools");
  json_builder_add_value (b, node);
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
  } catch (const ToolsError &e) {
    error = e.what ();
    return false;
  }
  return true;
}

}  // namespace gemlive
