/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Validation of the application's `tools` JSON (parse_tools_json, see
 * protocol_tools.h) against the v1beta Tool schema, so that a typo is
 * reported with its JSON path when the property is set, before the service
 * closes the session with a bare 1007. Schema `type` and `behavior` values
 * are upper-cased on the way. Pure: see protocol.h.
 *
 * Apart from protocol_tools.cpp (the tool messages on the wire) because it is
 * a checker of a foreign document, about as large as the rest of the tool
 * codec together, and changes with the service's schema, not with the
 * message formats.
 */
#include "live/protocol_tools.h"
#include "live/json_check.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace gemlive {

using namespace json_check;

namespace {

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
    throw ShapeError (text + " (write it in camelCase: " + camel_key + ")");
  text += " (known: ";
  for (size_t i = 0; i < known.size (); i++)
    text += (i ? ", " : "") + known[i];
  throw ShapeError (text + ")");
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

/* The members of an object, in order. A copy, because the checks replace
 * members (normalize_enum) while they walk them, which a JsonObjectIter
 * would not survive. */
std::vector<std::pair<std::string, JsonNode *>>
members_of (JsonObject *object)
{
  std::vector<std::pair<std::string, JsonNode *>> members;
  JsonObjectIter iter;
  const gchar *name;
  JsonNode *member;
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    members.emplace_back (name, member);
  return members;
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
    throw ShapeError (at + ": unknown type \"" + written
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
    for (const auto &[name, member] : members_of (object_at (value, at)))
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
    throw ShapeError (path + ": schema nested deeper than 32 levels");
  JsonObject *schema = object_at (node, path);
  for (const auto &[key, value] : members_of (schema))
    check_schema_member (schema, key, value, path, depth);

  if (json_object_has_member (schema, "required")) {
    JsonObject *props = json_object_has_member (schema, "properties")
        ? json_object_get_object_member (schema, "properties") : nullptr;
    JsonArray *required = json_object_get_array_member (schema, "required");
    for (guint i = 0; i < json_array_get_length (required); i++) {
      const char *field = json_array_get_string_element (required, i);
      if (!props || !json_object_has_member (props, field))
        throw ShapeError (path + ".required[" + std::to_string (i) + "]: \"" + field
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
  if (!json_object_has_member (fn, "name"))
    throw ShapeError (path + ".name: missing (every function declaration needs a name)");
  bool non_blocking = false, blocking = false;
  for (const auto &[k, v] : members_of (fn)) {
    std::string at = path + "." + k;
    if (k == "name") {
      expect (is_string (v), at, "a string", v);
      std::string name = json_node_get_string (v);
      if (!valid_function_name (name))
        throw ShapeError (at + ": \"" + name + "\" is not a valid function name (a letter or "
            "'_' first, then letters, digits, '_', '.', ':' or '-'; at most 64 characters)");
      if (!out.function_names.insert (name).second)
        throw ShapeError (at + ": \"" + name + "\" is declared twice");
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
      else if (behavior == "BLOCKING")
        blocking = true;
      else if (behavior != "UNSPECIFIED")
        throw ShapeError (at + ": unknown behavior \"" + written
            + "\" (expected BLOCKING or NON_BLOCKING)");
    } else {
      unknown_field (path, k, known);
    }
  }
  if (json_object_has_member (fn, "parameters") && json_object_has_member (fn,
          "parametersJsonSchema"))
    throw ShapeError (path + ": give either parameters or parametersJsonSchema, not both");
  if (non_blocking)
    out.non_blocking_functions.insert (json_object_get_string_member (fn, "name"));
  if (blocking)
    out.blocking_functions.insert (json_object_get_string_member (fn, "name"));
}

void
check_empty_object (JsonNode *node, const std::string &path)
{
  JsonObject *o = object_at (node, path);
  if (json_object_get_size (o) != 0) {
    GList *names = json_object_get_members (o);
    std::string first = static_cast<const char *> (names->data);
    g_list_free (names);
    throw ShapeError (path + "." + first + ": unknown field (" + path
        + " takes an empty object {})");
  }
}

void
check_tool (JsonNode *node, const std::string &path, ToolDeclarations &out)
{
  static const std::vector<std::string> known = {"functionDeclarations", "googleSearch",
      "codeExecution", "urlContext", "fileSearch", "mcpServers"};
  JsonObject *tool = object_at (node, path);
  if (json_object_get_size (tool) == 0)
    throw ShapeError (path + ": empty Tool (give functionDeclarations, googleSearch, "
        "codeExecution, urlContext, fileSearch or mcpServers)");
  for (const auto &[k, value] : members_of (tool)) {
    std::string at = path + "." + k;
    if (k == "functionDeclarations") {
      JsonArray *fns = array_at (value, at);
      for (guint i = 0; i < json_array_get_length (fns); i++)
        check_function (json_array_get_element (fns, i), at + "[" + std::to_string (i) + "]",
            out);
    } else if (k == "googleSearch") {
      for (const auto &[sk, sv] : members_of (object_at (value, at))) {
        if (sk != "timeRangeFilter")
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
    } else if (k == "fileSearch") {
      /* Newer than the published schema: its members (fileSearchStoreNames,
       * …) pass through as written for the service to check. */
      object_at (value, at);
      out.file_search = true;
    } else if (k == "mcpServers") {
      JsonArray *servers = array_at (value, at);
      for (guint i = 0; i < json_array_get_length (servers); i++)
        object_at (json_array_get_element (servers, i), at + "[" + std::to_string (i) + "]");
      out.mcp_servers = true;
    } else {
      unknown_field (path, k, known);
    }
  }
}

}  // namespace

bool
parse_tools_json (const std::string &json, ToolDeclarations &out, std::string &error)
{
  out = ToolDeclarations ();
  std::string parse_error;
  JsonNodePtr root = parse (json, parse_error);
  if (!root) {
    error = "tools: not valid JSON (" + parse_error + ")";
    return false;
  }
  try {
    JsonArray *tools = array_at (root.get (), "tools");
    for (guint i = 0; i < json_array_get_length (tools); i++)
      check_tool (json_array_get_element (tools, i), "tools[" + std::to_string (i) + "]", out);
  } catch (const ShapeError &e) {
    out = ToolDeclarations ();
    error = e.what ();
    return false;
  }
  out.normalized_json = compact_json (root.get ());
  return true;
}

}  // namespace gemlive
