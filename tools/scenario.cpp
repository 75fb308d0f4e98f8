/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "scenario.h"

#include <json-glib/json-glib.h>

namespace gemlive::server {

namespace {

/* Field readers that reject wrong types with a message naming the field. */
class Reader {
public:
  Reader (JsonObject *obj, std::string where) : obj_ (obj), where_ (std::move (where)) {}

  bool has (const char *name) const { return json_object_has_member (obj_, name); }

  bool int_field (const char *name, int64_t &out, std::string &error) const
  {
    if (!has (name))
      return true;
    JsonNode *n = json_object_get_member (obj_, name);
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64) {
      error = where_ + "." + name + " must be an integer";
      return false;
    }
    out = json_node_get_int (n);
    return true;
  }

  bool string_field (const char *name, std::optional<std::string> &out, std::string &error) const
  {
    if (!has (name))
      return true;
    JsonNode *n = json_object_get_member (obj_, name);
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING) {
      error = where_ + "." + name + " must be a string";
      return false;
    }
    out = json_node_get_string (n);
    return true;
  }

  bool bool_field (const char *name, bool &out, std::string &error) const
  {
    if (!has (name))
      return true;
    JsonNode *n = json_object_get_member (obj_, name);
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN) {
      error = where_ + "." + name + " must be true or false";
      return false;
    }
    out = json_node_get_boolean (n);
    return true;
  }

  JsonObject *object_field (const char *name, std::string &error) const
  {
    JsonNode *n = json_object_get_member (obj_, name);
    if (n == nullptr || !JSON_NODE_HOLDS_OBJECT (n)) {
      error = where_ + "." + name + " must be an object";
      return nullptr;
    }
    return json_node_get_object (n);
  }

  JsonArray *array_field (const char *name, std::string &error) const
  {
    JsonNode *n = json_object_get_member (obj_, name);
    if (n == nullptr || !JSON_NODE_HOLDS_ARRAY (n)) {
      error = where_ + "." + name + " must be an array";
      return nullptr;
    }
    return json_node_get_array (n);
  }

  const std::string &where () const { return where_; }

private:
  JsonObject *obj_;
  std::string where_;
};

bool
parse_close (const Reader &r, CloseSpec &out, std::string &error)
{
  int64_t code = out.code;
  std::optional<std::string> reason;
  if (!r.int_field ("code", code, error) || !r.string_field ("reason", reason, error))
    return false;
  if (code < 1000 || code > 4999) {
    error = r.where () + ".code must be a WebSocket close code (1000-4999)";
    return false;
  }
  out.code = static_cast<int> (code);
  if (reason)
    out.reason = *reason;
  return true;
}

bool
parse_fault (JsonObject *obj, const std::string &where, TurnFault &fault, std::string &error)
{
  Reader r (obj, where);
  std::optional<std::string> kind;
  if (!r.string_field ("kind", kind, error))
    return false;
  if (!kind) {
    error = where + ".kind is required";
    return false;
  }
  if (*kind == "close") {
    fault.kind = TurnFault::Kind::CLOSE;
    if (!parse_close (r, fault.close, error))
      return false;
  } else if (*kind == "drop_tcp") {
    fault.kind = TurnFault::Kind::DROP_TCP;
  } else if (*kind == "malformed_frame") {
    fault.kind = TurnFault::Kind::MALFORMED_FRAME;
  } else if (*kind == "unknown_message") {
    fault.kind = TurnFault::Kind::UNKNOWN_MESSAGE;
  } else if (*kind == "go_away") {
    fault.kind = TurnFault::Kind::GO_AWAY;
    if (!r.int_field ("time_left_ms", fault.time_left_ms, error))
      return false;
  } else {
    error = where + ".kind '" + *kind +
        "' is unknown (expected close, drop_tcp, malformed_frame, unknown_message or go_away)";
    return false;
  }
  return r.bool_field ("mid_reply", fault.mid_reply, error);
}

bool
parse_tool_call (JsonObject *obj, const std::string &where, size_t index, ScriptedToolCall &out,
    std::string &error)
{
  Reader r (obj, where);
  std::optional<std::string> name, id;
  if (!r.string_field ("name", name, error) || !r.string_field ("id", id, error) ||
      !r.bool_field ("non_blocking", out.non_blocking, error))
    return false;
  if (!name || name->empty ()) {
    error = where + ".name is required";
    return false;
  }
  out.call.name = *name;
  out.call.id = id ? *id : "call-" + std::to_string (index + 1);
  if (r.has ("args")) {
    JsonObject *args = r.object_field ("args", error);
    if (args == nullptr)
      return false;
    JsonNode *node = json_node_init_object (json_node_alloc (), args);
    gchar *text = json_to_string (node, FALSE);
    out.call.args_json = text;
    g_free (text);
    json_node_unref (node);
  }
  return true;
}

/* A JSON array of strings, or an error naming the offending element. */
bool
parse_string_list (JsonArray *array, const std::string &where, std::vector<std::string> &out,
    std::string &error)
{
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *n = json_array_get_element (array, i);
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING) {
      error = where + "[" + std::to_string (i) + "] must be a string";
      return false;
    }
    out.emplace_back (json_node_get_string (n));
  }
  return true;
}

bool
parse_grounding (JsonObject *obj, const std::string &where, GroundingSpec &out,
    std::string &error)
{
  Reader r (obj, where);
  std::optional<std::string> rendered;
  if (!r.string_field ("search_entry_point", rendered, error))
    return false;
  out.rendered_content = rendered.value_or ("");
  if (r.has ("queries")) {
    JsonArray *queries = r.array_field ("queries", error);
    if (queries == nullptr || !parse_string_list (queries, where + ".queries", out.queries, error))
      return false;
  }
  if (r.has ("sources")) {
    JsonArray *sources = r.array_field ("sources", error);
    if (sources == nullptr)
      return false;
    for (guint i = 0; i < json_array_get_length (sources); i++) {
      JsonNode *n = json_array_get_element (sources, i);
      std::string at = where + ".sources[" + std::to_string (i) + "]";
      if (!JSON_NODE_HOLDS_OBJECT (n)) {
        error = at + " must be an object";
        return false;
      }
      Reader source_reader (json_node_get_object (n), at);
      std::optional<std::string> uri, title;
      if (!source_reader.string_field ("uri", uri, error) ||
          !source_reader.string_field ("title", title, error))
        return false;
      /* A citation the user cannot follow is a mistake in the scenario. */
      if (!uri || uri->empty ()) {
        error = at + ".uri is required";
        return false;
      }
      out.sources.push_back ({*uri, title.value_or ("")});
    }
  }
  return true;
}

/* A scenario status: the short name ("success") or the wire name
 * ("URL_RETRIEVAL_STATUS_SUCCESS"). Only values of the published enum: what
 * the server sends must validate against the schema. */
bool
url_retrieval_status (const std::string &given, std::string &wire)
{
  static const char *const names[] = {"success", "error", "paywall", "unsafe", "unspecified"};
  for (const char *name : names) {
    std::string upper = name;
    for (auto &c : upper)
      c = g_ascii_toupper (c);
    if (given == name || given == "URL_RETRIEVAL_STATUS_" + upper) {
      wire = "URL_RETRIEVAL_STATUS_" + upper;
      return true;
    }
  }
  return false;
}

bool
parse_url_context (JsonArray *urls, const std::string &where, UrlContextSpec &out,
    std::string &error)
{
  for (guint i = 0; i < json_array_get_length (urls); i++) {
    JsonNode *n = json_array_get_element (urls, i);
    std::string at = where + "[" + std::to_string (i) + "]";
    if (!JSON_NODE_HOLDS_OBJECT (n)) {
      error = at + " must be an object";
      return false;
    }
    Reader r (json_node_get_object (n), at);
    std::optional<std::string> url, status;
    if (!r.string_field ("url", url, error) || !r.string_field ("status", status, error))
      return false;
    if (!url || url->empty ()) {
      error = at + ".url is required";
      return false;
    }
    UrlContextSpec::Url entry;
    entry.url = *url;
    if (!url_retrieval_status (status.value_or ("success"), entry.status)) {
      error = at + ".status '" + *status +
          "' is unknown (expected success, error, paywall, unsafe or unspecified)";
      return false;
    }
    out.urls.push_back (std::move (entry));
  }
  return true;
}

bool
parse_turn (JsonObject *obj, const std::string &where, ScenarioTurn &turn, std::string &error)
{
  Reader r (obj, where);
  if (!r.string_field ("transcript", turn.transcript, error) ||
      !r.string_field ("transcript_language", turn.transcript_language, error) ||
      !r.string_field ("reply", turn.reply, error) ||
      !r.string_field ("reply_after_tool", turn.reply_after_tool, error) ||
      !r.int_field ("stall_ms", turn.stall_ms, error) ||
      !r.int_field ("interrupt_after_ms", turn.interrupt_after_ms, error) ||
      !r.int_field ("cancel_tool_calls_after_ms", turn.cancel_tool_calls_after_ms, error) ||
      !r.bool_field ("waiting_for_input", turn.waiting_for_input, error))
    return false;
  if (r.has ("tool_calls")) {
    JsonArray *calls = r.array_field ("tool_calls", error);
    if (calls == nullptr)
      return false;
    for (guint i = 0; i < json_array_get_length (calls); i++) {
      JsonNode *n = json_array_get_element (calls, i);
      std::string at = where + ".tool_calls[" + std::to_string (i) + "]";
      if (!JSON_NODE_HOLDS_OBJECT (n)) {
        error = at + " must be an object";
        return false;
      }
      ScriptedToolCall call;
      if (!parse_tool_call (json_node_get_object (n), at, i, call, error))
        return false;
      turn.tool_calls.push_back (call);
    }
  }
  if (r.has ("grounding")) {
    JsonObject *grounding = r.object_field ("grounding", error);
    GroundingSpec spec;
    if (grounding == nullptr || !parse_grounding (grounding, where + ".grounding", spec, error))
      return false;
    turn.grounding = spec;
  }
  if (r.has ("url_context")) {
    JsonArray *urls = r.array_field ("url_context", error);
    UrlContextSpec spec;
    if (urls == nullptr || !parse_url_context (urls, where + ".url_context", spec, error))
      return false;
    turn.url_context = spec;
  }
  if (r.has ("fault")) {
    JsonObject *fault = r.object_field ("fault", error);
    if (fault == nullptr || !parse_fault (fault, where + ".fault", turn.fault, error))
      return false;
  }
  return true;
}

}  // namespace

ScenarioTurn
Scenario::turn (size_t k) const
{
  return k < turns.size () ? turns[k] : ScenarioTurn ();
}

bool
parse_scenario (const std::string &json_text, Scenario &out, std::string &error)
{
  JsonParser *parser = json_parser_new ();
  GError *gerror = nullptr;
  bool ok = false;
  if (!json_parser_load_from_data (parser, json_text.c_str (), json_text.size (), &gerror)) {
    error = std::string ("not valid JSON: ") + gerror->message;
    g_clear_error (&gerror);
  } else if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    error = "the scenario must be a JSON object";
  } else {
    JsonObject *root = json_node_get_object (json_parser_get_root (parser));
    Reader r (root, "scenario");
    std::optional<std::string> default_reply;
    ok = r.string_field ("default_reply", default_reply, error) &&
        r.int_field ("go_away_after_ms", out.go_away_after_ms, error) &&
        r.int_field ("go_away_time_left_ms", out.go_away_time_left_ms, error) &&
        r.int_field ("close_after_ms", out.close_after_ms, error) &&
        r.bool_field ("session_id", out.session_id, error) &&
        r.bool_field ("voice_activity", out.voice_activity, error) &&
        r.bool_field ("interim_transcription", out.interim_transcription, error);
    if (ok && default_reply)
      out.default_reply = *default_reply;
    if (ok && r.has ("close_after")) {
      JsonObject *close = r.object_field ("close_after", error);
      ok = close != nullptr && parse_close (Reader (close, "scenario.close_after"), out.close_after,
          error);
    }
    if (ok && r.has ("known_models")) {
      JsonArray *models = r.array_field ("known_models", error);
      ok = models != nullptr;
      std::vector<std::string> names;
      for (guint i = 0; ok && i < json_array_get_length (models); i++) {
        JsonNode *n = json_array_get_element (models, i);
        if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING) {
          error = "scenario.known_models[" + std::to_string (i) + "] must be a string";
          ok = false;
        } else {
          names.emplace_back (json_node_get_string (n));
        }
      }
      if (ok)
        out.known_models = names;
    }
    if (ok && r.has ("turns")) {
      JsonArray *turns = r.array_field ("turns", error);
      ok = turns != nullptr;
      for (guint i = 0; ok && i < json_array_get_length (turns); i++) {
        JsonNode *n = json_array_get_element (turns, i);
        std::string where = "scenario.turns[" + std::to_string (i) + "]";
        ScenarioTurn turn;
        if (!JSON_NODE_HOLDS_OBJECT (n)) {
          error = where + " must be an object";
          ok = false;
        } else if ((ok = parse_turn (json_node_get_object (n), where, turn, error))) {
          out.turns.push_back (turn);
        }
      }
    }
  }
  g_object_unref (parser);
  return ok;
}

bool
load_scenario (const std::string &path, Scenario &out, std::string &error)
{
  gchar *contents = nullptr;
  gsize length = 0;
  GError *gerror = nullptr;
  if (!g_file_get_contents (path.c_str (), &contents, &length, &gerror)) {
    error = std::string ("cannot read the scenario: ") + gerror->message;
    g_clear_error (&gerror);
    return false;
  }
  std::string text (contents, length);
  g_free (contents);
  if (!parse_scenario (text, out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

}  // namespace gemlive::server
