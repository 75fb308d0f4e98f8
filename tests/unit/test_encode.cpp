/* gst-gemini-live unit tests: encoding client messages.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Our output is compared by structure with what the official SDK sends
 * (the wire vectors) and checked against the official protos.
 */
#include "unit_helpers.h"

#include "conformance.h"
#include "live/protocol.h"

#include <glib.h>

#include <cstring>
#include <vector>

namespace gemlive::unittest {

namespace {

using gemlive::test::WireDirection;

const char *const MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025";

JsonObject *
member_object (JsonNode *node, const char *name)
{
  return json_object_get_object_member (json_node_get_object (node), name);
}

/* The SDK's minimal setup, plus what we always send (sessionResumption). */
JsonNodePtr
expected_minimal_setup ()
{
  JsonNodePtr expected = parse_json (read_wire ("client-setup-minimal.json"), "wire vector");
  json_object_set_object_member (member_object (expected.get (), "setup"), "sessionResumption",
      json_object_new ());
  return expected;
}

/* The SDK's rich setup without the settings SetupConfig does not have yet
 * (they are for other issues), so what is left must match exactly. */
JsonNodePtr
expected_rich_setup ()
{
  JsonNodePtr expected = parse_json (read_wire ("client-setup-rich.json"), "wire vector");
  JsonObject *setup = member_object (expected.get (), "setup");
  for (const char *name : {"tools", "realtimeInputConfig", "contextWindowCompression",
           "proactivity"})
    json_object_remove_member (setup, name);
  JsonObject *generation = json_object_get_object_member (setup, "generationConfig");
  for (const char *name : {"mediaResolution", "thinkingConfig", "enableAffectiveDialog"})
    json_object_remove_member (generation, name);
  /* The SDK adds role "user" to systemInstruction; the service does not need it. */
  json_object_remove_member (json_object_get_object_member (setup, "systemInstruction"), "role");
  return expected;
}

SetupConfig
minimal_config ()
{
  SetupConfig config;
  config.model = MODEL;
  config.input_transcription = false;
  config.output_transcription = false;
  return config;
}

SetupConfig
rich_config ()
{
  SetupConfig config;
  config.model = MODEL;
  config.voice = "Kore";
  config.language_code = "en-US";
  config.system_instruction = "You are a terse voice assistant. Answer in one sentence.";
  config.temperature = 0.7;
  config.input_transcription = true;
  config.output_transcription = true;
  config.resumption_handle = "resume-handle-abc123";
  return config;
}

void
test_minimal_setup_matches_sdk ()
{
  std::string text = encode_setup (minimal_config ());
  g_assert_null (strchr (text.c_str (), '\n'));  /* compact */
  JsonNodePtr actual = parse_json (text, "encode_setup");
  JsonNodePtr expected = expected_minimal_setup ();
  assert_json_equal (actual.get (), expected.get (), "minimal setup");
}

void
test_rich_setup_matches_sdk ()
{
  JsonNodePtr actual = parse_json (encode_setup (rich_config ()), "encode_setup");
  JsonNodePtr expected = expected_rich_setup ();
  assert_json_equal (actual.get (), expected.get (), "rich setup");
}

void
test_setup_sends_only_what_was_set ()
{
  SetupConfig config = minimal_config ();
  config.voice = "Puck";  /* voice without language */
  JsonNodePtr actual = parse_json (encode_setup (config), "encode_setup");
  JsonNodePtr expected = parse_json (
      "{\"setup\":{\"model\":\"m\",\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],"
      "\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":{\"voiceName\":\"Puck\"}}}},"
      "\"sessionResumption\":{}}}", "expected");
  json_object_set_string_member (member_object (expected.get (), "setup"), "model", MODEL);
  assert_json_equal (actual.get (), expected.get (), "setup with a voice only");

  config = minimal_config ();
  config.language_code = "de-DE";
  config.temperature = 0.0;  /* set, even though zero: it must be sent */
  JsonNodePtr second = parse_json (encode_setup (config), "encode_setup");
  JsonObject *generation = json_object_get_object_member (
      member_object (second.get (), "setup"), "generationConfig");
  g_assert_true (json_object_has_member (generation, "temperature"));
  g_assert_cmpfloat (json_object_get_double_member (generation, "temperature"), ==, 0.0);
  JsonObject *speech = json_object_get_object_member (generation, "speechConfig");
  g_assert_cmpstr (json_object_get_string_member (speech, "languageCode"), ==, "de-DE");
  g_assert_false (json_object_has_member (speech, "voiceConfig"));
}

void
test_setup_escapes_text ()
{
  SetupConfig config = minimal_config ();
  config.system_instruction = "Say \"hi\"\n\tthen stop. \\ ünïcödé ✓";
  JsonNodePtr actual = parse_json (encode_setup (config), "encode_setup");
  JsonObject *instruction = json_object_get_object_member (
      member_object (actual.get (), "setup"), "systemInstruction");
  JsonObject *part = json_array_get_object_element (
      json_object_get_array_member (instruction, "parts"), 0);
  g_assert_cmpstr (json_object_get_string_member (part, "text"), ==,
      config.system_instruction.c_str ());
}

void
test_realtime_audio_round_trips ()
{
  GRand *rand = g_rand_new_with_seed (7);
  for (size_t size : {0, 1, 2, 3, 4, 5, 640, 3200, 96001}) {
    std::vector<uint8_t> pcm (size);
    for (uint8_t &b : pcm)
      b = static_cast<uint8_t> (g_rand_int (rand));
    std::string text = encode_realtime_audio (pcm.data (), pcm.size (), 16000);
    JsonNodePtr root = parse_json (text, "encode_realtime_audio");
    JsonObject *audio = json_object_get_object_member (
        member_object (root.get (), "realtimeInput"), "audio");
    g_assert_cmpstr (json_object_get_string_member (audio, "mimeType"), ==,
        "audio/pcm;rate=16000");
    gsize decoded_size = 0;
    guchar *decoded = g_base64_decode (json_object_get_string_member (audio, "data"),
        &decoded_size);
    g_assert_cmpmem (decoded, decoded_size, pcm.data (), pcm.size ());
    g_free (decoded);
  }
  g_rand_free (rand);

  uint8_t two[] = {0x10, 0x20};
  JsonNodePtr at_48k = parse_json (encode_realtime_audio (two, 2, 48000), "audio");
  JsonObject *audio = json_object_get_object_member (
      member_object (at_48k.get (), "realtimeInput"), "audio");
  g_assert_cmpstr (json_object_get_string_member (audio, "mimeType"), ==,
      "audio/pcm;rate=48000");
}

void
test_realtime_audio_matches_sdk ()
{
  JsonNodePtr expected = parse_json (read_wire ("client-realtime-audio.json"), "wire vector");
  JsonObject *audio = json_object_get_object_member (
      member_object (expected.get (), "realtimeInput"), "audio");
  gsize size = 0;
  guchar *pcm = g_base64_decode (json_object_get_string_member (audio, "data"), &size);
  JsonNodePtr actual = parse_json (encode_realtime_audio (pcm, size, 16000), "audio");
  g_free (pcm);
  assert_json_equal (actual.get (), expected.get (), "realtime audio");
}

void
test_stream_end_and_text_match_sdk ()
{
  JsonNodePtr end = parse_json (encode_audio_stream_end (), "encode_audio_stream_end");
  JsonNodePtr end_expected = parse_json (read_wire ("client-realtime-audio-stream-end.json"),
      "wire vector");
  assert_json_equal (end.get (), end_expected.get (), "audioStreamEnd");

  JsonNodePtr text = parse_json (encode_realtime_text ("hi"), "encode_realtime_text");
  JsonNodePtr text_expected = parse_json (read_wire ("client-realtime-text.json"), "wire vector");
  assert_json_equal (text.get (), text_expected.get (), "realtime text");

  const char *tricky = "quote \" backslash \\ newline \n nul-free ✓";
  JsonNodePtr escaped = parse_json (encode_realtime_text (tricky), "encode_realtime_text");
  g_assert_cmpstr (json_object_get_string_member (
      member_object (escaped.get (), "realtimeInput"), "text"), ==, tricky);
}

void
test_every_client_message_conforms_to_protos ()
{
  uint8_t pcm[] = {1, 2, 3, 4, 5};
  SetupConfig escaped = rich_config ();
  escaped.system_instruction = "line\nbreak \"quoted\"";
  assert_conforms ({
      encode_setup (minimal_config ()),
      encode_setup (rich_config ()),
      encode_setup (escaped),
      encode_realtime_audio (pcm, sizeof (pcm), 16000),
      encode_realtime_audio (pcm, 0, 24000),
      encode_audio_stream_end (),
      encode_realtime_text ("hello"),
  });
}

void
test_conformance_check_can_fail ()
{
  /* Guards the guard: a frame with a misspelt field must be refused, with the path. */
  std::string report;
  bool ok = gemlive::test::validate_frames (WireDirection::CLIENT,
      {encode_realtime_text ("fine"), "{\"realtimeInput\":{\"txet\":\"typo\"}}"}, report);
  g_assert_false (ok);
  g_assert_nonnull (strstr (report.c_str (), "frame 1"));
  g_assert_nonnull (strstr (report.c_str (), "realtimeInput.txet"));
}

}  // namespace

void
register_encode_tests ()
{
  g_test_add_func ("/encode/minimal-setup-matches-sdk", test_minimal_setup_matches_sdk);
  g_test_add_func ("/encode/rich-setup-matches-sdk", test_rich_setup_matches_sdk);
  g_test_add_func ("/encode/setup-sends-only-what-was-set", test_setup_sends_only_what_was_set);
  g_test_add_func ("/encode/setup-escapes-text", test_setup_escapes_text);
  g_test_add_func ("/encode/realtime-audio-round-trips", test_realtime_audio_round_trips);
  g_test_add_func ("/encode/realtime-audio-matches-sdk", test_realtime_audio_matches_sdk);
  g_test_add_func ("/encode/stream-end-and-text-match-sdk", test_stream_end_and_text_match_sdk);
  g_test_add_func ("/encode/every-client-message-conforms-to-protos",
      test_every_client_message_conforms_to_protos);
  g_test_add_func ("/encode/conformance-check-can-fail", test_conformance_check_can_fail);
}

}  // namespace gemlive::unittest
