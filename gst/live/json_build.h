/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the codec: the few JsonBuilder helpers every encoder file
 * needs, so the encoders share one way of owning builders and nodes, of
 * writing compact JSON, and of leaving unset optional settings out of a
 * message. Not installed, not used outside gst/live/protocol*.cpp.
 */
#pragma once

#include <json-glib/json-glib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gemlive {

struct GObjectUnref {
  void operator() (gpointer o) const { g_object_unref (o); }
};
template <typename T> using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct JsonNodeUnref {
  void operator() (JsonNode *n) const { json_node_unref (n); }
};
using JsonNodePtr = std::unique_ptr<JsonNode, JsonNodeUnref>;

/* The wire form: no whitespace, as the official SDKs send. */
inline std::string
compact_json (JsonNode *node)
{
  gchar *text = json_to_string (node, FALSE);
  std::string out (text);
  g_free (text);
  return out;
}

/* The finished document of a builder whose outermost object is closed. */
inline std::string
builder_to_json (JsonBuilder *builder)
{
  JsonNodePtr root (json_builder_get_root (builder));
  return compact_json (root.get ());
}

/* <name>: {} */
inline void
add_empty_object (JsonBuilder *b, const char *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_end_object (b);
}

/* The add_*_if_set helpers write nothing for an unset setting: models differ
 * in what they accept, so what the user did not set is not sent. */
inline void
add_string_if_set (JsonBuilder *b, const char *name, const std::string &value)
{
  if (value.empty ())
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value.c_str ());
}

inline void
add_int_if_set (JsonBuilder *b, const char *name, const std::optional<int> &value)
{
  if (!value)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, *value);
}

inline void
add_double_if_set (JsonBuilder *b, const char *name, const std::optional<double> &value)
{
  if (!value)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, *value);
}

inline void
add_bool_if_set (JsonBuilder *b, const char *name, const std::optional<bool> &value)
{
  if (!value)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, *value);
}

/* proto3 JSON writes int64 as a string, as the official SDKs do; 0 is unset. */
inline void
add_int64_string_if_set (JsonBuilder *b, const char *name, uint64_t value)
{
  if (value == 0)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, std::to_string (value).c_str ());
}

}  // namespace gemlive
