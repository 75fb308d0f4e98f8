/* gst-gemini-live element tests: Google Search grounding.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The local server scripts a reply grounded in search results (the scenario's
 * per-turn `grounding`, sent as serverContent.groundingMetadata); the element
 * must turn it into a geminilive/grounding bus message an application can show
 * as citations. That the server's groundingMetadata validates against the
 * official schema is checked in tests/server (grounding-metadata-...).
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static std::vector<std::string>
string_array (const GstStructure *s, const char *field)
{
  std::vector<std::string> out;
  const GValue *array = gst_structure_get_value (s, field);
  ck_assert_msg (array != nullptr && GST_VALUE_HOLDS_ARRAY (array),
      "geminilive/grounding lacks the array '%s'", field);
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

/* Whether the recorded setup asked for the googleSearch tool. */
static bool
setup_declares_google_search (const LocalServer &server)
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
          JsonNode *tool = json_array_get_element (tools, i);
          if (JSON_NODE_HOLDS_OBJECT (tool)
              && json_object_has_member (json_node_get_object (tool), "googleSearch"))
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
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live google-search=true endpoint=" + server.endpoint ()
      + " api-key=test-key ! fakesink sync=false");

  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool completed = log.wait (pipeline, is_element_message ("geminilive/turn-complete"), TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (completed, "no turn-complete; bus:\n%s", log.dump ().c_str ());
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

  ck_assert_msg (setup_declares_google_search (server),
      "google-search=true did not declare the googleSearch tool in setup");
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, server.recorded_frames (), report),
      "client frames do not validate: %s", report.c_str ());

  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (ungrounded_reply_posts_no_grounding)
{
  /* Control: without a scripted `grounding` nothing is invented. */
  std::string scenario = write_scenario (
      R"({"turns": [{"transcript": "Hello?", "reply": "Hello."}]})");
  LocalServer server ({"--fast", "--scenario", scenario});
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live google-search=true endpoint=" + server.endpoint ()
      + " api-key=test-key ! fakesink sync=false");

  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool completed = log.wait (pipeline, is_element_message ("geminilive/turn-complete"), TIMEOUT);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (completed, "no turn-complete; bus:\n%s", log.dump ().c_str ());
  ck_assert_msg (log.element_messages ("geminilive/grounding").empty (),
      "a grounding message without groundingMetadata; bus:\n%s", log.dump ().c_str ());

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
  tcase_add_test (tc, ungrounded_reply_posts_no_grounding);
  return s;
}

GST_CHECK_MAIN (geminilive_grounding);
