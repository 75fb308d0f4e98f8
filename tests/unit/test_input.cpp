/* gst-gemini-live unit tests: the multimodal input and turn-control
 * encoders (video, text turns, activity signals, turn-control and
 * generation setup pieces).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-input WIRE_DIR [g_test options]
 * Our frames are compared by structure with what the official SDK sends (the
 * wire vectors) and every one is validated against the official protos.
 */
#include "conformance.h"
#include "unit_helpers.h"
#include "live/protocol.h"

#include <json-glib/json-glib.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace gemlive;
using namespace gemlive::unittest;

JsonObject *
member (JsonNode *node, const char *name)
{
  return json_object_get_object_member (json_node_get_object (node), name);
}

/* Every input and turn-control setting, set as in the SDK's rich setup vector. */
SetupConfig
rich_turn_config ()
{
  SetupConfig config;
  config.model = "models/gemini-2.5-flash-native-audio-preview-12-2025";
  config.voice = "Kore";
  config.language_code = "en-US";
  config.system_instruction = "You are a terse voice assistant. Answer in one sentence.";
  config.temperature = 0.7;
  config.resumption_handle = "resume-handle-abc123";
  config.media_resolution = "MEDIA_RESOLUTION_LOW";
  config.thinking_budget = 1024;
  config.include_thoughts = true;
  config.affective_dialog = true;
  config.proactive_audio = true;
  auto &r = config.realtime_input;
  r.automatic_detection_disabled = false;
  r.start_sensitivity = "START_SENSITIVITY_LOW";
  r.end_sensitivity = "END_SENSITIVITY_HIGH";
  r.prefix_padding_ms = 20;
  r.silence_duration_ms = 500;
  r.activity_handling = "START_OF_ACTIVITY_INTERRUPTS";
  r.turn_coverage = "TURN_INCLUDES_ONLY_ACTIVITY";
  return config;
}

void
test_rich_setup_with_turn_settings_matches_sdk ()
{
  JsonNodePtr expected = parse_json (read_wire ("client-setup-rich.json"), "wire vector");
  JsonObject *setup = member (expected.get (), "setup");
  /* Other issues' settings (tools: 5, compression: 6) and the SDK's role. */
  json_object_remove_member (setup, "tools");
  json_object_remove_member (setup, "contextWindowCompression");
  json_object_remove_member (json_object_get_object_member (setup, "systemInstruction"), "role");
  std::string ours = encode_setup (rich_turn_config ());
  assert_json_equal (ours, expected.get (), "rich setup with turn-control settings");
  assert_conforms ({ours});
}

void
test_generation_extras_are_sent_only_when_set ()
{
  SetupConfig config;
  config.model = "models/m";
  config.input_transcription = false;
  config.output_transcription = false;
  JsonNodePtr bare = parse_json (encode_setup (config), "bare setup");
  JsonObject *setup = member (bare.get (), "setup");
  g_assert_false (json_object_has_member (setup, "realtimeInputConfig"));
  g_assert_false (json_object_has_member (setup, "proactivity"));
  JsonObject *generation = json_object_get_object_member (setup, "generationConfig");
  g_assert_cmpuint (json_object_get_size (generation), ==, 1);  /* responseModalities */

  config.max_output_tokens = 256;
  config.top_p = 0.5;
  config.top_k = 40;
  config.thinking_budget = 0;  /* "off" is a value: it must be sent */
  config.realtime_input.automatic_detection_disabled = true;
  config.realtime_input.turn_coverage = "TURN_INCLUDES_ALL_INPUT";
  std::string text = encode_setup (config);
  assert_conforms ({text});
  JsonNodePtr set = parse_json (text, "setup");
  setup = member (set.get (), "setup");
  generation = json_object_get_object_member (setup, "generationConfig");
  g_assert_cmpint (json_object_get_int_member (generation, "maxOutputTokens"), ==, 256);
  g_assert_cmpfloat (json_object_get_double_member (generation, "topP"), ==, 0.5);
  g_assert_cmpint (json_object_get_int_member (generation, "topK"), ==, 40);
  JsonObject *thinking = json_object_get_object_member (generation, "thinkingConfig");
  g_assert_cmpint (json_object_get_int_member (thinking, "thinkingBudget"), ==, 0);
  g_assert_false (json_object_has_member (thinking, "includeThoughts"));
  g_assert_false (json_object_has_member (generation, "enableAffectiveDialog"));
  JsonObject *realtime = json_object_get_object_member (setup, "realtimeInputConfig");
  JsonObject *aad = json_object_get_object_member (realtime, "automaticActivityDetection");
  g_assert_true (json_object_get_boolean_member (aad, "disabled"));
  g_assert_cmpuint (json_object_get_size (aad), ==, 1);
  g_assert_false (json_object_has_member (realtime, "activityHandling"));
  g_assert_cmpstr (json_object_get_string_member (realtime, "turnCoverage"), ==,
      "TURN_INCLUDES_ALL_INPUT");
  g_assert_false (json_object_has_member (setup, "proactivity"));
}

void
test_video_matches_sdk_and_round_trips ()
{
  JsonNodePtr expected = parse_json (read_wire ("client-realtime-video.json"), "wire vector");
  JsonObject *video = json_object_get_object_member (member (expected.get (), "realtimeInput"),
      "video");
  gsize size = 0;
  guchar *jpeg = g_base64_decode (json_object_get_string_member (video, "data"), &size);
  std::string ours = encode_realtime_video (jpeg, size, "image/jpeg");
  g_free (jpeg);
  assert_json_equal (ours, expected.get (), "realtimeInput.video");

  const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d};
  std::string png_frame = encode_realtime_video (png, sizeof (png), "image/png");
  JsonNodePtr parsed = parse_json (png_frame, "png frame");
  JsonObject *png_video = json_object_get_object_member (member (parsed.get (),
          "realtimeInput"), "video");
  g_assert_cmpstr (json_object_get_string_member (png_video, "mimeType"), ==, "image/png");
  guchar *decoded = g_base64_decode (json_object_get_string_member (png_video, "data"), &size);
  g_assert_cmpmem (decoded, size, png, sizeof (png));
  g_free (decoded);
  assert_conforms ({ours, png_frame});
}

void
test_activity_signals_match_sdk ()
{
  JsonNodePtr start = parse_json (read_wire ("client-realtime-activity-start.json"), "vector");
  JsonNodePtr end = parse_json (read_wire ("client-realtime-activity-end.json"), "vector");
  assert_json_equal (encode_activity_start (), start.get (), "activityStart");
  assert_json_equal (encode_activity_end (), end.get (), "activityEnd");
  assert_conforms ({encode_activity_start (), encode_activity_end ()});
}

void
test_client_content_matches_sdk ()
{
  JsonNodePtr turns = parse_json (read_wire ("client-content-turns.json"), "vector");
  std::string ours = encode_client_content ({{"user", "What is the weather in Paris?"}}, true);
  assert_json_equal (ours, turns.get (), "clientContent with a turn");

  JsonNodePtr only = parse_json (read_wire ("client-content-turncomplete-only.json"), "vector");
  std::string complete_only = encode_client_content ({}, true);
  assert_json_equal (complete_only, only.get (), "clientContent turnComplete only");

  /* History: ordered user/model turns, not complete; text is escaped. */
  std::string history = encode_client_content (
      {{"user", "Say \"hi\"\n"}, {"model", "hi ✓"}}, false);
  JsonNodePtr parsed = parse_json (history, "history");
  JsonObject *content = member (parsed.get (), "clientContent");
  g_assert_false (json_object_has_member (content, "turnComplete"));
  JsonArray *array = json_object_get_array_member (content, "turns");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  JsonObject *second = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (second, "role"), ==, "model");
  JsonObject *first_part = json_array_get_object_element (json_object_get_array_member (
          json_array_get_object_element (array, 0), "parts"), 0);
  g_assert_cmpstr (json_object_get_string_member (first_part, "text"), ==, "Say \"hi\"\n");
  assert_conforms ({ours, complete_only, history});
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: %s WIRE_DIR (the directory of client-*.json vectors)", argv[0]);
  set_wire_dir (argv[1]);
  g_test_add_func ("/input/rich-setup-with-turn-settings-matches-sdk",
      test_rich_setup_with_turn_settings_matches_sdk);
  g_test_add_func ("/input/generation-extras-are-sent-only-when-set",
      test_generation_extras_are_sent_only_when_set);
  g_test_add_func ("/input/video-matches-sdk-and-round-trips",
      test_video_matches_sdk_and_round_trips);
  g_test_add_func ("/input/activity-signals-match-sdk", test_activity_signals_match_sdk);
  g_test_add_func ("/input/client-content-matches-sdk", test_client_content_matches_sdk);
  return g_test_run ();
}
