/* gst-gemini-live element tests: what the built-in tools report with a reply.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The local server scripts a reply grounded in search results (the scenario's
 * per-turn `grounding`, sent as serverContent.groundingMetadata); the element
 * must turn it into a geminilive/grounding bus message an application can show
 * as citations. Likewise the pages the urlContext tool fetched (`url_context`,
 * sent as serverContent.urlContextMetadata) become geminilive/url-context, and
 * the model waiting for the user (`waiting_for_input`, serverContent.
 * waitingForInput) becomes geminilive/waiting-for-input. That the server's
 * frames validate against the official schema is checked in tests/server
 * (grounding-metadata-...) and tests/conformance (conformance-server-metadata).
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

/* The spoken question through geminilive (with `properties`) to a fakesink. */
static GstElement *
question_pipeline (const LocalServer &server, const std::string &properties)
{
  return launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live " + properties + " endpoint=" + server.endpoint ()
      + " api-key=test-key ! fakesink sync=false");
}

/* Plays until the element posts `until`, then stops; fails without it. */
static void
play_until (GstElement *pipeline, BusLog &log, const char *until)
{
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool seen = log.wait (pipeline, is_element_message (until), TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (seen, "no %s; bus:\n%s", until, log.dump ().c_str ());
}

static std::vector<std::string>
string_array (const GstStructure *s, const char *field)
{
  std::vector<std::string> out;
  const GValue *array = gst_structure_get_value (s, field);
  ck_assert_msg (array != nullptr && GST_VALUE_HOLDS_ARRAY (array),
      "%s lacks the array '%s'", gst_structure_get_name (s), field);
  for (guint i = 0; i < gst_value_array_get_size (array); i++) {
    const GValue *v = gst_value_array_get_value (array, i);
    ck_assert_msg (G_VALUE_HOLDS_STRING (v), "%s[%u] is not a string", field, i);
    out.emplace_back (g_value_get_string (v));
  }
  return out;
}

/* Index of the first element message named `name` on the bus, or -1. */
static int
first_index (const BusLog &log, const char *name)
{
  for (size_t i = 0; i < log.messages.size (); i++) {
    GstMessage *m = log.messages[i];
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (gst_message_get_structure (m), name))
      return static_cast<int> (i);
  }
  return -1;
}

/* Whether the recorded setup asked for the built-in tool `tool` ("googleSearch"). */
static bool
setup_declares_tool (const LocalServer &server, const char *tool)
{
  for (const auto &frame : server.recorded_frames ()) {
    JsonNode *node = json_from_string (frame.c_str (), nullptr);
    bool found = false;
    if (node && JSON_NODE_HOLDS_OBJECT (node)) {
      JsonObject *root = json_node_get_object (node);
      if (json_object_has_member (root, "setup")) {
        JsonObject *setup = json_object_get_object_member (root, "setup");
        JsonArray *tools = json_object_has_member (setup, "tools")
            ? json_object_get_array_member (setup, "tools") : nullptr;
        for (guint i = 0; tools && i < json_array_get_length (tools); i++) {
          JsonNode *declared = json_array_get_element (tools, i);
          if (JSON_NODE_HOLDS_OBJECT (declared)
              && json_object_has_member (json_node_get_object (declared), tool))
            found = true;
        }
      }
    }
    if (node)
      json_node_unref (node);
    if (found)
      return true;
  }
  return false;
}

/* The setup declared `tool`, and every frame the element sent validates
 * against the official schema. */
static void
check_setup_declared (const LocalServer &server, const char *tool)
{
  ck_assert_msg (setup_declares_tool (server, tool), "setup did not declare the %s tool", tool);
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, server.recorded_frames (), report),
      "client frames do not validate: %s", report.c_str ());
}

GST_START_TEST (grounded_reply_posts_queries_and_sources_before_turn_complete)
{
  std::string scenario = write_scenario (R"({"turns": [{
      "transcript": "What is the capital of France?",
      "reply": "Paris is the capital of France.",
      "grounding": {
        "queries": ["capital of France", "Paris population"],
        "sources": [
          {"uri": "https://en.wikipedia.org/wiki/Paris", "title": "Paris - Wikipedia"},
          {"uri": "https://www.britannica.com/place/France", "title": "France | Britannica"}],
        "search_entry_point": "<div class=\"chips\">capital of France</div>"}}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = question_pipeline (server, "google-search=true");

  BusLog log;
  play_until (pipeline, log, "geminilive/turn-complete");
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  auto grounding = log.element_messages ("geminilive/grounding");
  ck_assert_msg (grounding.size () == 1, "%zu geminilive/grounding messages; bus:\n%s",
      grounding.size (), log.dump ().c_str ());
  auto queries = string_array (grounding[0], "queries");
  ck_assert_uint_eq (queries.size (), 2);
  ck_assert_str_eq (queries[0].c_str (), "capital of France");
  ck_assert_str_eq (queries[1].c_str (), "Paris population");
  auto uris = string_array (grounding[0], "source-uris");
  auto titles = string_array (grounding[0], "source-titles");
  ck_assert_uint_eq (uris.size (), 2);
  ck_assert_uint_eq (titles.size (), 2);
  ck_assert_str_eq (uris[0].c_str (), "https://en.wikipedia.org/wiki/Paris");
  ck_assert_str_eq (titles[0].c_str (), "Paris - Wikipedia");
  ck_assert_str_eq (uris[1].c_str (), "https://www.britannica.com/place/France");
  ck_assert_str_eq (titles[1].c_str (), "France | Britannica");
  ck_assert_str_eq (gst_structure_get_string (grounding[0], "search-entry-point"),
      "<div class=\"chips\">capital of France</div>");

  /* The citations belong to this reply: they arrive before its turn ends. */
  ck_assert_int_lt (first_index (log, "geminilive/grounding"),
      first_index (log, "geminilive/turn-complete"));

  check_setup_declared (server, "googleSearch");

  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static guint64
running_time_of (const GstStructure *s)
{
  guint64 running_time = GST_CLOCK_TIME_NONE;
  ck_assert_msg (gst_structure_get_uint64 (s, "running-time", &running_time),
      "%s has no guint64 running-time", gst_structure_get_name (s));
  return running_time;
}

GST_START_TEST (url_context_reply_posts_urls_and_statuses_then_waits_for_input)
{
  std::string scenario = write_scenario (R"({"turns": [{
      "transcript": "Summarise the Live API page.",
      "reply": "The Live API streams audio both ways.",
      "url_context": [
        {"url": "https://ai.google.dev/gemini-api/docs/live", "status": "success"},
        {"url": "https://news.example.com/subscribers-only", "status": "paywall"},
        {"url": "https://unreachable.example/", "status": "error"}],
      "waiting_for_input": true}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  /* urlContext is a 2.5 tool (gemini-3.8-live refuses it). */
  GstElement *pipeline = question_pipeline (server,
      "model=gemini-2.5-flash-native-audio-preview-12-2025");
  GstElement *live = gst_bin_get_by_name (GST_BIN (pipeline), "live");
  g_object_set (live, "tools", "[{\"urlContext\": {}}]", nullptr);
  gst_object_unref (live);

  BusLog log;
  /* waitingForInput is the last thing the server says about the turn. */
  play_until (pipeline, log, "geminilive/waiting-for-input");
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());

  auto url_context = log.element_messages ("geminilive/url-context");
  ck_assert_msg (url_context.size () == 1, "%zu geminilive/url-context messages; bus:\n%s",
      url_context.size (), log.dump ().c_str ());
  auto urls = string_array (url_context[0], "urls");
  auto statuses = string_array (url_context[0], "statuses");
  ck_assert_uint_eq (urls.size (), 3);
  ck_assert_uint_eq (statuses.size (), 3);
  ck_assert_str_eq (urls[0].c_str (), "https://ai.google.dev/gemini-api/docs/live");
  ck_assert_str_eq (statuses[0].c_str (), "success");
  ck_assert_str_eq (urls[1].c_str (), "https://news.example.com/subscribers-only");
  ck_assert_str_eq (statuses[1].c_str (), "paywall");
  ck_assert_str_eq (urls[2].c_str (), "https://unreachable.example/");
  ck_assert_str_eq (statuses[2].c_str (), "error");
  guint64 fetched_at = running_time_of (url_context[0]);
  ck_assert_msg (GST_CLOCK_TIME_IS_VALID (fetched_at), "url-context running-time is NONE");

  auto waits = log.element_messages ("geminilive/waiting-for-input");
  ck_assert_uint_eq (waits.size (), 1);
  guint64 waiting_at = running_time_of (waits[0]);
  ck_assert_msg (GST_CLOCK_TIME_IS_VALID (waiting_at), "waiting-for-input running-time is NONE");
  ck_assert_uint_ge (waiting_at, fetched_at);

  /* The pages belong to this reply; the model waits once the reply is over. */
  ck_assert_int_lt (first_index (log, "geminilive/url-context"),
      first_index (log, "geminilive/turn-complete"));
  ck_assert_int_lt (first_index (log, "geminilive/turn-complete"),
      first_index (log, "geminilive/waiting-for-input"));
  ck_assert_msg (log.element_messages ("geminilive/grounding").empty (),
      "url context is not search grounding; bus:\n%s", log.dump ().c_str ());

  check_setup_declared (server, "urlContext");

  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (plain_reply_posts_no_tool_metadata)
{
  /* Control: without a scripted `grounding`, `url_context` or
   * `waiting_for_input` nothing is invented. */
  std::string scenario = write_scenario (
      R"({"turns": [{"transcript": "Hello?", "reply": "Hello."}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = question_pipeline (server, "google-search=true");

  BusLog log;
  play_until (pipeline, log, "geminilive/turn-complete");
  ck_assert_msg (log.element_messages ("geminilive/grounding").empty (),
      "a grounding message without groundingMetadata; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.element_messages ("geminilive/url-context").empty (),
      "a url-context message without urlContextMetadata; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.element_messages ("geminilive/waiting-for-input").empty (),
      "a waiting-for-input message without waitingForInput; bus:\n%s", log.dump ().c_str ());

  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_grounding_suite (void)
{
  Suite *s = suite_create ("geminilive-grounding");
  TCase *tc = tcase_create ("grounding");
  tcase_set_timeout (tc, 100);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, grounded_reply_posts_queries_and_sources_before_turn_complete);
  tcase_add_test (tc, url_context_reply_posts_urls_and_statuses_then_waits_for_input);
  tcase_add_test (tc, plain_reply_posts_no_tool_metadata);
  return s;
}

GST_CHECK_MAIN (geminilive_grounding);
