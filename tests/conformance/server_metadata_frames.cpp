/* gst-gemini-live conformance: the local server's scripted reply metadata.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: conformance-server-metadata WIRE_DIR
 *
 * gemini-live-server scripts serverContent.urlContextMetadata (`url_context`)
 * and serverContent.waitingForInput (`waiting_for_input`) per turn
 * (docs/local-server.md). Every status a scenario can name must reach the
 * wire as a value of the official UrlRetrievalStatus enum, so the frames
 * built from a parsed scenario are validated here against the protos; and
 * they must have the shape of the wire vectors the codec's unit tests decode,
 * so the element test against the server and the unit tests agree. The order
 * of these frames within a reply is checked end to end in
 * tests/element/test_grounding.cpp.
 */
#include "conformance.h"
#include "scenario.h"
#include "server_messages.h"

#include <json-glib/json-glib.h>

#include <cstring>
#include <string>
#include <vector>

using namespace gemlive::server;

namespace {

std::string wire_dir;

gemlive::server::Scenario
parse_ok (const char *json)
{
  gemlive::server::Scenario scenario;
  std::string error;
  if (!parse_scenario (json, scenario, error))
    g_error ("scenario refused: %s\n%s", error.c_str (), json);
  return scenario;
}

void
assert_valid (const std::vector<std::string> &frames)
{
  std::string report;
  if (!gemlive::test::validate_frames (gemlive::test::WireDirection::SERVER, frames, report))
    g_error ("server frames do not validate: %s", report.c_str ());
}

/* Structural comparison: the wire vectors are pretty-printed, the server's
 * frames compact. */
void
assert_same_json (const std::string &actual, const std::string &vector_name)
{
  gchar *text = nullptr;
  std::string path = wire_dir + "/" + vector_name;
  if (!g_file_get_contents (path.c_str (), &text, nullptr, nullptr))
    g_error ("cannot read %s", path.c_str ());
  JsonNode *expected = json_from_string (text, nullptr);
  JsonNode *got = json_from_string (actual.c_str (), nullptr);
  g_assert_nonnull (expected);
  g_assert_nonnull (got);
  if (!json_node_equal (expected, got))
    g_error ("the server's frame\n%s\ndiffers from %s\n%s", actual.c_str (), path.c_str (), text);
  json_node_unref (expected);
  json_node_unref (got);
  g_free (text);
}

void
test_every_scripted_url_status_validates ()
{
  auto scenario = parse_ok (R"({"turns": [{"url_context": [
      {"url": "https://example.org/a", "status": "success"},
      {"url": "https://example.org/b", "status": "error"},
      {"url": "https://example.org/c", "status": "paywall"},
      {"url": "https://example.org/d", "status": "unsafe"},
      {"url": "https://example.org/e", "status": "unspecified"},
      {"url": "https://example.org/f", "status": "URL_RETRIEVAL_STATUS_PAYWALL"},
      {"url": "https://example.org/g"}]}]})");
  const auto &spec = scenario.turns.at (0).url_context;
  g_assert_true (spec.has_value ());
  g_assert_cmpuint (spec->urls.size (), ==, 7);
  g_assert_cmpstr (spec->urls[5].status.c_str (), ==, "URL_RETRIEVAL_STATUS_PAYWALL");
  /* A status left out means the page was fetched. */
  g_assert_cmpstr (spec->urls[6].status.c_str (), ==, "URL_RETRIEVAL_STATUS_SUCCESS");
  assert_valid ({msg_url_context (*spec), msg_url_context (UrlContextSpec ()),
      msg_waiting_for_input ()});
}

void
test_frames_match_the_wire_vectors ()
{
  auto scenario = parse_ok (R"({"turns": [{"waiting_for_input": true, "url_context": [
      {"url": "https://ai.google.dev/gemini-api/docs/live", "status": "success"},
      {"url": "https://news.example.com/subscribers-only", "status": "paywall"}]}]})");
  const auto &turn = scenario.turns.at (0);
  g_assert_true (turn.waiting_for_input);
  assert_same_json (msg_url_context (*turn.url_context), "server-url-context-metadata.json");
  assert_same_json (msg_waiting_for_input (), "server-waiting-for-input.json");
}

void
test_statuses_outside_the_schema_are_refused ()
{
  /* The server must not send what the schema forbids: a scenario asking for
   * it is refused at start, naming the field. */
  gemlive::server::Scenario scenario;
  std::string error;
  g_assert_false (parse_scenario (R"({"turns": [{"url_context": [
      {"url": "https://example.org/", "status": "blocked"}]}]})", scenario, error));
  g_assert_nonnull (strstr (error.c_str (), "scenario.turns[0].url_context[0].status"));
  g_assert_false (parse_scenario (R"({"turns": [{"url_context": [{"status": "success"}]}]})",
      scenario, error));
  g_assert_nonnull (strstr (error.c_str (), "url_context[0].url is required"));
  g_assert_false (parse_scenario (R"({"turns": [{"waiting_for_input": "yes"}]})", scenario,
      error));
  g_assert_nonnull (strstr (error.c_str (), "waiting_for_input must be true or false"));
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: %s WIRE_DIR", argv[0]);
  wire_dir = argv[1];
  g_test_add_func ("/conformance/server/every-scripted-url-status-validates",
      test_every_scripted_url_status_validates);
  g_test_add_func ("/conformance/server/frames-match-the-wire-vectors",
      test_frames_match_the_wire_vectors);
  g_test_add_func ("/conformance/server/statuses-outside-the-schema-are-refused",
      test_statuses_outside_the_schema_are_refused);
  return g_test_run ();
}
