/* gst-gemini-live unit tests: the tool codec and call bookkeeping.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-tools WIRE_DIR [g_test options]
 * Tool setups and toolResponse frames are compared with what the official SDK
 * sends (the wire vectors) and validated against the official protos.
 */
#include "conformance.h"
#include "unit_helpers.h"
#include "live/protocol.h"
#include "live/protocol_tools.h"
#include "live/model_catalog.h"
#include "live/tool_calls.h"

#include <json-glib/json-glib.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace gemlive;
using namespace gemlive::unittest;

/* Expects parse_tools_json to fail with an error that contains `needle`. */
void
assert_rejected (const std::string &json, const std::string &needle)
{
  ToolDeclarations declared;
  std::string error;
  if (parse_tools_json (json, declared, error))
    g_error ("accepted invalid tools: %s", json.c_str ());
  if (error.find (needle) == std::string::npos)
    g_error ("error for %s is \"%s\"; expected it to name \"%s\"", json.c_str (),
        error.c_str (), needle.c_str ());
}

const char *const WEATHER_TOOLS = R"([{"functionDeclarations": [
  {"name": "get_weather", "description": "Get the current weather for a city",
   "parameters": {"type": "object", "properties": {"city": {"type": "string",
     "description": "City name"}}, "required": ["city"]}},
  {"name": "get_time", "behavior": "NON_BLOCKING"}]}])";

void
test_valid_tools_are_normalized_and_classified ()
{
  ToolDeclarations declared;
  std::string error;
  g_assert_true (parse_tools_json (WEATHER_TOOLS, declared, error));
  g_assert_cmpuint (declared.function_names.size (), ==, 2);
  g_assert_true (declared.non_blocking_functions.count ("get_time") == 1);
  g_assert_true (declared.non_blocking_functions.count ("get_weather") == 0);
  /* lower-case JSON Schema types go out as the proto enum names */
  g_assert_true (declared.normalized_json.find ("\"OBJECT\"") != std::string::npos);
  g_assert_true (declared.normalized_json.find ("\"object\"") == std::string::npos);
  g_assert_true (declared.normalized_json.find ("\"STRING\"") != std::string::npos);
}

void
test_file_search_and_mcp_servers_pass_through ()
{
  const char *json = R"([{"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/docs-1"]}},)"
      R"({"mcpServers": [{"name": "weather", "streamableHttpTransport": {"url": "https://x/mcp"}}]},)"
      R"({"functionDeclarations": [{"name": "book", "behavior": "blocking"}]}])";
  ToolDeclarations declared;
  std::string error;
  if (!parse_tools_json (json, declared, error))
    g_error ("refused: %s", error.c_str ());
  g_assert_true (declared.file_search && declared.mcp_servers);
  g_assert_true (declared.blocking_functions.count ("book") == 1);
  g_assert_true (declared.normalized_json.find ("fileSearchStores/docs-1") != std::string::npos);
  g_assert_true (declared.normalized_json.find ("streamableHttpTransport") != std::string::npos);
  assert_rejected (R"([{"fileSearch": []}])", "tools[0].fileSearch: expected an object");
  assert_rejected (R"([{"mcpServers": {}}])", "tools[0].mcpServers: expected an array");
  assert_rejected (R"([{"mcpServers": [1]}])", "tools[0].mcpServers[0]: expected an object");
}

void
test_setup_tools_match_the_sdk_and_validate ()
{
  /* The official SDK's rich setup carries exactly this declaration. */
  JsonNodePtr rich = parse_json (read_wire ("client-setup-rich.json"), "wire vector");
  JsonNode *expected = json_object_get_member (json_object_get_object_member (
          json_node_get_object (rich.get ()), "setup"), "tools");
  SetupConfig config;
  config.model = "models/gemini-3.8-live";
  config.tools_json = to_json (expected);
  std::string frame = encode_setup (config);
  JsonNodePtr ours = parse_json (frame, "our frame");
  JsonNode *tools = json_object_get_member (json_object_get_object_member (
          json_node_get_object (ours.get ()), "setup"), "tools");
  g_assert_nonnull (tools);
  g_assert_true (json_node_equal (tools, expected));

  config.tools_json = WEATHER_TOOLS;
  config.google_search = true;
  config.code_execution = true;
  std::string with_builtins = encode_setup (config);
  g_assert_true (with_builtins.find ("{\"googleSearch\":{}}") != std::string::npos);
  g_assert_true (with_builtins.find ("{\"codeExecution\":{}}") != std::string::npos);
  g_assert_true (with_builtins.find ("\"behavior\":\"NON_BLOCKING\"") != std::string::npos);
  assert_conforms ({frame, with_builtins});
}

void
test_builtins_are_not_doubled_and_nothing_means_no_tools ()
{
  SetupConfig config;
  config.model = "models/gemini-3.8-live";
  g_assert_true (encode_setup (config).find ("\"tools\"") == std::string::npos);
  config.tools_json = R"([{"googleSearch": {}}, {"urlContext": {}}])";
  config.google_search = true;
  std::string frame = encode_setup (config);
  size_t first = frame.find ("googleSearch");
  g_assert_true (first != std::string::npos);
  g_assert_true (frame.find ("googleSearch", first + 1) == std::string::npos);
  assert_conforms ({frame});
}

void
test_malformed_tools_name_the_bad_field ()
{
  assert_rejected ("[{", "tools: not valid JSON");
  /* json-glib recurses per level: nesting this deep would overflow the
   * stack of the thread that sets the property (issue 20, item 1). */
  assert_rejected ("[{\"functionDeclarations\": " + std::string (100000, '['),
      "nests deeper than 256 levels");
  assert_rejected ("[/* comment */]", "comments are refused");
  assert_rejected (R"({"functionDeclarations": []})", "tools: expected an array, got an object");
  assert_rejected (R"([{"functionDeclarations": [{"description": "x"}]}])",
      "tools[0].functionDeclarations[0].name: missing");
  assert_rejected (R"([{"functionDeclarations": [{"name": "7up"}]}])",
      "tools[0].functionDeclarations[0].name: \"7up\" is not a valid function name");
  assert_rejected (R"([{"functionDeclarations": [{"name": "f", "behavior": "SOMETIMES"}]}])",
      "tools[0].functionDeclarations[0].behavior: unknown behavior \"SOMETIMES\"");
  assert_rejected (R"([{}, {"functionDeclarations": [{"name": "f", "parameters":
      {"type": "OBJECT", "properties": {"city": {"type": "TEXT"}}}}]}])", "tools[0]: empty Tool");
  assert_rejected (R"([{"functionDeclarations": [{"name": "f", "parameters":
      {"type": "OBJECT", "properties": {"city": {"type": "TEXT"}}}}]}])",
      "tools[0].functionDeclarations[0].parameters.properties.city.type: unknown type \"TEXT\"");
  assert_rejected (R"([{"functionDeclarations": [{"name": "f", "parameters":
      {"type": "OBJECT", "properties": {"a": {"type": "STRING"}}, "required": ["b"]}}]}])",
      "parameters.required[0]: \"b\" is not one of the schema's properties");
  assert_rejected (R"([{"functionDeclarations": [{"name": "f", "parameters":
      {"type": "OBJECT", "additionalProperties": false}}]}])",
      "tools[0].functionDeclarations[0].parameters.additionalProperties: unknown field");
  assert_rejected (R"([{"function_declarations": []}])",
      "tools[0].function_declarations: unknown field (write it in camelCase: "
      "functionDeclarations)");
  assert_rejected (R"([{"functionDeclarations": [{"name": "f"}, {"name": "f"}]}])",
      "tools[0].functionDeclarations[1].name: \"f\" is declared twice");
  assert_rejected (R"([{"codeExecution": {"language": "PYTHON"}}])",
      "tools[0].codeExecution.language: unknown field");
  assert_rejected (R"([{"retrieval": {}}])", "tools[0].retrieval: unknown field");
  assert_rejected (R"([{"functionDeclarations": [{"name": "f", "parameters":
      {"type": "ARRAY", "items": {"type": "STRING", "maxLength": "ten"}}}]}])",
      "parameters.items.maxLength: expected an integer, got a string");
}

void
test_tool_response_matches_the_sdk_and_validates ()
{
  ToolResponse response;
  response.id = "function-call-1";
  response.name = "get_weather";
  response.response_json = R"({"output": {"temperature_c": 21, "sky": "sunny"}})";
  std::string frame, error;
  g_assert_true (encode_tool_response (response, frame, error));
  JsonNodePtr ours = parse_json (frame, "our frame");
  JsonNodePtr sdk = parse_json (read_wire ("client-tool-response.json"), "wire vector");
  if (!json_node_equal (ours.get (), sdk.get ()))
    g_error ("toolResponse differs from the SDK's: %s", frame.c_str ());

  response.scheduling = ToolScheduling::WHEN_IDLE;
  std::string scheduled;
  g_assert_true (encode_tool_response (response, scheduled, error));
  g_assert_true (scheduled.find ("\"scheduling\":\"WHEN_IDLE\"") != std::string::npos);

  ToolResponse timeout;
  timeout.id = "c";
  timeout.name = "f";
  timeout.response_json = tool_error_response_json ("no \"answer\" in time");
  std::string timed_out;
  g_assert_true (encode_tool_response (timeout, timed_out, error));
  assert_conforms ({frame, scheduled, timed_out});

  response.response_json = "\"sunny\"";
  g_assert_false (encode_tool_response (response, frame, error));
  g_assert_true (error.find ("must be a JSON object") != std::string::npos);
  response.response_json = "{oops";
  g_assert_false (encode_tool_response (response, frame, error));
  g_assert_true (error.find ("not valid JSON") != std::string::npos);
}

void
test_scheduling_names ()
{
  ToolScheduling s;
  g_assert_true (parse_tool_scheduling (nullptr, s) && s == ToolScheduling::NONE);
  g_assert_true (parse_tool_scheduling ("interrupt", s) && s == ToolScheduling::INTERRUPT);
  g_assert_true (parse_tool_scheduling ("when-idle", s) && s == ToolScheduling::WHEN_IDLE);
  g_assert_true (parse_tool_scheduling ("SILENT", s) && s == ToolScheduling::SILENT);
  g_assert_false (parse_tool_scheduling ("later", s));
}

FunctionCall
call (const char *id, const char *name)
{
  FunctionCall c;
  c.id = id;
  c.name = name;
  return c;
}

void
test_table_tracks_blocking_answers_and_cancellations ()
{
  ToolCallTable table;
  table.set_non_blocking_functions ({"get_time"});
  PendingToolCall answered;
  g_assert_true (table.add (call ("a", "get_weather"), -1).blocking);
  g_assert_false (table.add (call ("b", "get_time"), -1).blocking);
  g_assert_true (table.blocking_pending ());

  using V = ToolCallTable::Verdict;
  g_assert_true (table.answer ("zzz", "", ToolScheduling::NONE, answered) == V::UNKNOWN_ID);
  g_assert_true (table.answer ("a", "get_time", ToolScheduling::NONE, answered)
      == V::WRONG_NAME);
  g_assert_true (table.answer ("a", "", ToolScheduling::SILENT, answered)
      == V::SCHEDULING_ON_BLOCKING);
  /* refusals leave the call pending */
  g_assert_true (table.blocking_pending ());
  g_assert_true (table.answer ("a", "", ToolScheduling::NONE, answered) == V::ACCEPTED);
  g_assert_cmpstr (answered.name.c_str (), ==, "get_weather");
  g_assert_false (table.blocking_pending ());
  g_assert_true (table.answer ("a", "", ToolScheduling::NONE, answered) == V::ALREADY_ANSWERED);

  auto cancelled = table.cancel ({"b", "never-called"});
  g_assert_cmpuint (cancelled.size (), ==, 1);
  g_assert_true (table.answer ("b", "", ToolScheduling::WHEN_IDLE, answered) == V::CANCELLED);
  g_assert_cmpuint (table.pending (), ==, 0);
}

void
test_table_follows_the_models_call_behaviour ()
{
  ToolDeclarations declared;
  std::string error;
  g_assert_true (parse_tools_json (R"([{"functionDeclarations":[{"name":"lookup"},)"
      R"({"name":"book","behavior":"BLOCKING"}]}])", declared, error));
  ToolCallTable table;
  table.set_call_behaviour (find_model_rules ("models/gemini-3.8-live"), declared);
  PendingToolCall answered;
  /* 3.8 runs an undeclared call NON_BLOCKING: no microphone hold, scheduling allowed */
  g_assert_false (table.add (call ("a", "lookup"), -1).blocking);
  g_assert_false (table.blocking_pending ());
  g_assert_true (table.answer ("a", "", ToolScheduling::WHEN_IDLE, answered)
      == ToolCallTable::Verdict::ACCEPTED);
  g_assert_true (table.add (call ("b", "book"), -1).blocking);
  g_assert_true (table.blocking_pending ());

  table.set_call_behaviour (find_model_rules ("models/gemini-2.5-flash-native-audio-latest"),
      declared);
  g_assert_true (table.add (call ("c", "lookup"), -1).blocking);
}

void
test_table_expires_calls_at_their_deadline ()
{
  ToolCallTable table;
  table.add (call ("late", "f"), 2000);
  table.add (call ("early", "f"), 1000);
  table.add (call ("never", "f"), -1);
  g_assert_true (table.next_deadline () == 1000);
  g_assert_true (table.expire (999).empty ());
  auto expired = table.expire (1500);
  g_assert_cmpuint (expired.size (), ==, 1);
  g_assert_cmpstr (expired[0].id.c_str (), ==, "early");
  g_assert_true (table.next_deadline () == 2000);
  PendingToolCall answered;
  g_assert_true (table.answer ("early", "", ToolScheduling::NONE, answered)
      == ToolCallTable::Verdict::TIMED_OUT);
  g_assert_cmpuint (table.expire (5000).size (), ==, 1);
  g_assert_false (table.next_deadline ().has_value ());
  g_assert_true (table.blocking_pending ());  /* "never" */
  table.clear ();
  g_assert_false (table.blocking_pending ());
}

void
test_held_input_keeps_the_newest_audio_and_every_other_frame ()
{
  HeldInput held (100);
  for (int i = 0; i < 5; i++)
    held.push ("audio" + std::to_string (i), 40);
  held.push ("end", 0);
  /* 200 ms pushed, 100 ms bound: the three oldest chunks went (120 ms). */
  g_assert_cmpint (held.held_audio_ms (), ==, 80);
  g_assert_cmpint (held.dropped_audio_ms (), ==, 120);
  auto frames = held.take ();
  g_assert_cmpuint (frames.size (), ==, 3);
  g_assert_cmpstr (frames[0].c_str (), ==, "audio3");
  g_assert_cmpstr (frames[1].c_str (), ==, "audio4");
  g_assert_cmpstr (frames[2].c_str (), ==, "end");
  g_assert_true (held.empty ());
}

void
test_grounding_metadata_is_decoded ()
{
  const char *frame = R"({"serverContent": {"groundingMetadata": {
      "webSearchQueries": ["weather paris"],
      "searchEntryPoint": {"renderedContent": "<div>chips</div>"},
      "groundingChunks": [{"web": {"uri": "https://example.org/a", "title": "A"}},
                          {"retrievedContext": {"uri": "x"}}]}}})";
  auto result = decode_server_message (frame, strlen (frame));
  g_assert_true (result.message.has_value ());
  g_assert_true (result.message->grounding.has_value ());
  const auto &g = *result.message->grounding;
  g_assert_cmpuint (g.queries.size (), ==, 1);
  g_assert_cmpstr (g.queries[0].c_str (), ==, "weather paris");
  g_assert_cmpuint (g.sources.size (), ==, 1);
  g_assert_cmpstr (g.sources[0].uri.c_str (), ==, "https://example.org/a");
  g_assert_cmpstr (g.sources[0].title.c_str (), ==, "A");
  g_assert_cmpstr (g.rendered_content.c_str (), ==, "<div>chips</div>");
  g_assert_true (result.message->unknown_fields.empty ());

  const char *bad = R"({"serverContent": {"groundingMetadata": {"webSearchQueries": "x"}}})";
  auto refused = decode_server_message (bad, strlen (bad));
  g_assert_false (refused.message.has_value ());
  g_assert_true (refused.error.find ("webSearchQueries") != std::string::npos);
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: test-tools WIRE_DIR");
  set_wire_dir (argv[1]);
  g_test_add_func ("/tools/valid-tools-are-normalized-and-classified",
      test_valid_tools_are_normalized_and_classified);
  g_test_add_func ("/tools/setup-tools-match-the-sdk-and-validate",
      test_setup_tools_match_the_sdk_and_validate);
  g_test_add_func ("/tools/builtins-are-not-doubled-and-nothing-means-no-tools",
      test_builtins_are_not_doubled_and_nothing_means_no_tools);
  g_test_add_func ("/tools/file-search-and-mcp-servers-pass-through",
      test_file_search_and_mcp_servers_pass_through);
  g_test_add_func ("/tools/malformed-tools-name-the-bad-field",
      test_malformed_tools_name_the_bad_field);
  g_test_add_func ("/tools/tool-response-matches-the-sdk-and-validates",
      test_tool_response_matches_the_sdk_and_validates);
  g_test_add_func ("/tools/scheduling-names", test_scheduling_names);
  g_test_add_func ("/tools/table-tracks-blocking-answers-and-cancellations",
      test_table_tracks_blocking_answers_and_cancellations);
  g_test_add_func ("/tools/table-follows-the-models-call-behaviour",
      test_table_follows_the_models_call_behaviour);
  g_test_add_func ("/tools/table-expires-calls-at-their-deadline",
      test_table_expires_calls_at_their_deadline);
  g_test_add_func ("/tools/held-input-keeps-the-newest-audio-and-every-other-frame",
      test_held_input_keeps_the_newest_audio_and_every_other_frame);
  g_test_add_func ("/tools/grounding-metadata-is-decoded", test_grounding_metadata_is_decoded);
  return g_test_run ();
}
