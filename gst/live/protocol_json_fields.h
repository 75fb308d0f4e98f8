/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the codec's json-glib decoder (protocol.cpp): reading one JSON
 * object of a server frame by camelCase member name, with the JSON path of
 * every value for errors and unknown fields. Apart from protocol.cpp so the
 * decoder file holds the messages, not the reading machinery. Not part of
 * the codec's API.
 */
#pragma once

#include "live/json_check.h"
#include "live/protocol.h"

#include <json-glib/json-glib.h>

#include <cstring>
#include <forward_list>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gemlive::decode_internal {

/* Thrown inside the decoder for a frame that breaks the schema; becomes
 * DecodeResult::error. The text names the JSON path. */
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/* The service accepts snake_case names and a local server may send them:
 * compare every key in its camelCase form. */
inline std::string
camel_case (const char *key)
{
  std::string out;
  out.reserve (strlen (key));
  bool upper_next = false;
  for (const char *p = key; *p; p++) {
    if (*p == '_' && !out.empty ()) {
      upper_next = true;
      continue;
    }
    out += upper_next ? g_ascii_toupper (*p) : *p;
    upper_next = false;
  }
  return out;
}

/* Where a value sits in the frame ("serverContent.modelTurn.parts[2]"): a
 * chain of links in the callers' stack frames, spelled out only when an
 * error or an unknown field is reported, never for a frame that decodes
 * cleanly. A link points at its parent, so every parent must be a named
 * variable (or ROOT_PATH), never a temporary. */
class JsonPath {
public:
  constexpr JsonPath () = default;
  JsonPath member (std::string_view name) const { return JsonPath (this, name, 0, false); }
  JsonPath element (guint index) const { return JsonPath (this, {}, index, true); }

  std::string str () const
  {
    if (!parent_)
      return "";
    std::string out = parent_->str ();
    if (is_index_)
      return out + "[" + std::to_string (index_) + "]";
    return out.empty () ? std::string (name_) : out + "." + std::string (name_);
  }

private:
  JsonPath (const JsonPath *parent, std::string_view name, guint index, bool is_index)
      : parent_ (parent), name_ (name), index_ (index), is_index_ (is_index) {}

  const JsonPath *parent_ = nullptr;
  std::string_view name_;
  guint index_ = 0;
  bool is_index_ = false;
};

inline constexpr JsonPath ROOT_PATH;

/* The members of one JSON object, keyed by their camelCase name. */
class Fields {
public:
  Fields (JsonNode *node, JsonPath path) : path_ (path)
  {
    if (!JSON_NODE_HOLDS_OBJECT (node))
      throw DecodeError (path.str () + " must be an object, not " + json_check::kind_of (node));
    JsonObject *object = json_node_get_object (node);
    members_.reserve (json_object_get_size (object));
    JsonObjectIter iter;
    const gchar *name;
    JsonNode *member;
    json_object_iter_init (&iter, object);
    while (json_object_iter_next (&iter, &name, &member))
      members_.emplace_back (camel_case_name (name), member);
  }
  Fields (const Fields &) = delete;
  Fields &operator= (const Fields &) = delete;

  /* Keys point into the parsed tree (or converted_); valid while both live. */
  const std::vector<std::pair<std::string_view, JsonNode *>> &all () const { return members_; }
  const JsonPath &path () const { return path_; }
  std::string path_of (std::string_view name) const { return path_.member (name).str (); }

  JsonNode *get (const char *name) const
  {
    for (const auto &[key, node] : members_)
      if (key == name && !JSON_NODE_HOLDS_NULL (node))
        return node;
    return nullptr;
  }

  std::optional<std::string> string (const char *name) const
  {
    JsonNode *node = get (name);
    if (!node)
      return std::nullopt;
    if (json_node_get_value_type (node) != G_TYPE_STRING || !JSON_NODE_HOLDS_VALUE (node))
      throw DecodeError (path_of (name) + " must be a string, not " + json_check::kind_of (node));
    return std::string (json_node_get_string (node));
  }

  bool boolean (const char *name) const
  {
    JsonNode *node = get (name);
    if (!node)
      return false;
    if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
      throw DecodeError (path_of (name) + " must be a boolean, not " + json_check::kind_of (node));
    return json_node_get_boolean (node);
  }

  JsonArray *array (const char *name) const
  {
    JsonNode *node = get (name);
    if (!node)
      return nullptr;
    if (!JSON_NODE_HOLDS_ARRAY (node))
      throw DecodeError (path_of (name) + " must be an array, not " + json_check::kind_of (node));
    return json_node_get_array (node);
  }

private:
  /* camelCase names pass through without a copy; only snake_case ones are
   * converted (and kept here so the view stays valid). */
  std::string_view camel_case_name (const gchar *name)
  {
    if (!strchr (name, '_'))
      return name;
    converted_.push_front (camel_case (name));
    return converted_.front ();
  }

  JsonPath path_;
  std::forward_list<std::string> converted_;
  std::vector<std::pair<std::string_view, JsonNode *>> members_;
};

inline bool
is_one_of (std::string_view key, std::initializer_list<const char *> names)
{
  for (const char *n : names)
    if (key == n)
      return true;
  return false;
}

/* proto3 JSON int64: a JSON integer or a decimal string. */
inline std::optional<int64_t>
read_int64 (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return std::nullopt;
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_STRING) {
    gint64 value;
    if (g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64,
            &value, nullptr))
      return value;
  }
  return std::nullopt;
}

}  // namespace gemlive::decode_internal
