/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the codec: reading JSON that someone else wrote (the
 * application's `tools` and tool answers, the server's groundingMetadata)
 * and reporting a wrong shape with the JSON path of the bad value, e.g.
 * "tools[0].functionDeclarations: expected an array, got an object". The
 * counterpart of json_build.h; shared by protocol_tools.cpp and
 * protocol_tools_validate.cpp, and kind_of () also by protocol.cpp. Not
 * installed, not used outside gst/live/protocol*.cpp.
 */
#pragma once

#include "live/json_build.h"
#include "live/json_guard.h"

#include <json-glib/json-glib.h>

#include <stdexcept>
#include <string>

namespace gemlive::json_check {

/* Thrown by the checks below; the text starts with the JSON path. */
struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/* Parses text into a node; nullptr and `error` on failure. */
inline JsonNodePtr
parse (const std::string &text, std::string &error)
{
  /* The application's JSON too: json-glib recurses once per level, and a
   * deeply nested tools value would overflow the stack of whichever thread
   * sets it. */
  error = json_guard_problem (text.data (), text.size ());
  if (!error.empty ())
    return nullptr;
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

/* What a node holds, for error texts: "an object", "a string", "null" … */
inline const char *
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

inline bool
is_string (JsonNode *n)
{
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

inline void
expect (bool ok, const std::string &path, const char *what, JsonNode *node)
{
  if (!ok)
    throw ShapeError (path + ": expected " + what + ", got " + kind_of (node));
}

inline JsonObject *
object_at (JsonNode *node, const std::string &path)
{
  expect (JSON_NODE_HOLDS_OBJECT (node), path, "an object", node);
  return json_node_get_object (node);
}

inline JsonArray *
array_at (JsonNode *node, const std::string &path)
{
  expect (JSON_NODE_HOLDS_ARRAY (node), path, "an array", node);
  return json_node_get_array (node);
}

}  // namespace gemlive::json_check
