/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gemini-live-server against a plain WebSocket client: the handshake checks,
 * a spoken turn from real speech, text turns, tool calls, interruption,
 * goAway, resumption and faults. Every frame the server sends must validate
 * as a BidiGenerateContentServerMessage.
 */
#include "conformance.h"
#include "local_server.h"
#include "server_test_util.h"
#include "ws_client.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

using namespace gemlive::test;

namespace {

const std::string kSetup = "{\"setup\":{\"model\":\"" + kModel +
    "\",\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]},"
    "\"inputAudioTranscription\":{},\"outputAudioTranscription\":{},\"sessionResumption\":{}}}";

std::unique_ptr<WsClient>
connect_client (const LocalServer &server, const std::string &query = "?key=test-key",
    const std::string &path = kPath,
    const std::vector<std::pair<std::string, std::string>> &headers = {})
{
  auto client = std::make_unique<WsClient> ();
  std::string error;
  if (!client->connect (server.endpoint () + path + query, error, headers))
    g_error ("cannot connect to %s: %s", server.endpoint ().c_str (), error.c_str ());
  return client;
}

std::unique_ptr<WsClient>
connect_and_setup (const LocalServer &server, const std::string &setup = kSetup)
{
  auto client = connect_client (server);
  client->send_text (setup);
  g_assert_true (client->wait_until ([&] { return client->find ("setupComplete") >= 0; }));
  return client;
}

JsonNode *
parse (const std::string &text)
{
  JsonNode *node = json_from_string (text.c_str (), nullptr);
  g_assert_nonnull (node);
  return node;
}

/* Total bytes of 24 kHz audio the server sent. */
size_t
audio_bytes (const WsClient &client)
{
  size_t total = 0;
  for (const auto &f : client.frames ()) {
    if (f.text.find ("inlineData") == std::string::npos)
      continue;
    g_assert_true (f.text.find ("\"mimeType\":\"audio/pcm;rate=24000\"") != std::string::npos);
    JsonNode *n = parse (f.text);
    JsonObject *part = json_array_get_object_element (
        json_object_get_array_member (json_object_get_object_member (json_object_get_object_member (
            json_node_get_object (n), "serverContent"), "modelTurn"), "parts"), 0);
    gsize size = 0;
    g_free (g_base64_decode (json_object_get_string_member (
        json_object_get_object_member (part, "inlineData"), "data"), &size));
    total += size;
    json_node_unref (n);
  }
  return total;
}

void
assert_frames_valid (const WsClient &client)
{
  for (const auto &f : client.frames ())
    g_assert_true (f.binary);  /* the service sends binary frames */
  std::string report;
  if (!validate_frames (WireDirection::SERVER, client.frame_texts (), report))
    g_error ("server frames do not validate: %s", report.c_str ());
}

void
assert_closed_with (WsClient &client, int code, const std::string &reason)
{
  g_assert_true (client.wait_closed ());
  g_assert_cmpint (client.close_code (), ==, code);
  g_assert_cmpstr (client.close_reason ().c_str (), ==, reason.c_str ());
}

bool
turn_complete_count_at_least (const WsClient &client, int n)
{
  int count = 0;
  for (const auto &f : client.frames ())
    if (f.text.find ("\"turnComplete\":true") != std::string::npos)
      count++;
  return count >= n;
}

}  // namespace

static void
test_setup_gets_setup_complete_and_handle ()
{
  LocalServer server;
  auto client = connect_and_setup (server);
  g_assert_true (client->wait_until ([&] { return client->find ("sessionResumptionUpdate") >= 0; }));
  g_assert_cmpint (client->find ("setupComplete"), ==, 0);
  g_assert_cmpstr (client->frames ()[0].text.c_str (), ==, "{\"setupComplete\":{}}");
  assert_frames_valid (*client);
}

static void
test_spoken_turn_yields_audio_transcription_and_completion_in_order ()
{
  LocalServer server ({"--fast"});
  auto client = connect_and_setup (server);
  stream_wav (*client, "question-16k.wav");  /* no audioStreamEnd: the VAD must end the turn */
  g_assert_true (client->wait_until ([&] { return client->find ("usageMetadata") >= 0; }));

  int first_audio = client->find ("inlineData");
  int first_transcript = client->find ("outputTranscription");
  int generation_complete = client->find ("generationComplete");
  int turn_complete = client->find ("turnComplete");
  int usage = client->find ("usageMetadata");
  g_assert_cmpint (first_audio, >, 0);
  g_assert_cmpint (first_transcript, >, 0);
  g_assert_cmpint (client->find ("inlineData", generation_complete), ==, -1);
  g_assert_cmpint (generation_complete, >, first_audio);
  g_assert_cmpint (turn_complete, >, generation_complete);
  g_assert_cmpint (usage, >, turn_complete);
  g_assert_true (client->frames ()[usage].text.find ("\"promptTokenCount\":") != std::string::npos);

  /* The reply is real speech of plausible length (over a second at 24 kHz) and
   * its transcription is the default reply, which names the local server. */
  g_assert_cmpuint (audio_bytes (*client), >, 24000 * 2);
  std::string said = transcript (*client, "outputTranscription");
  g_assert_true (said.find ("local Gemini Live test server") != std::string::npos);
  assert_frames_valid (*client);
}

static void
test_48k_turn_with_stream_end_and_scripted_transcript ()
{
  ScenarioFile scenario (R"({"turns":[{"transcript":"What is the capital of France?",
      "reply":"Paris is the capital of France."}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  stream_wav (*client, "question-48k.wav");
  client->send_text ("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  const std::string heard = transcript (*client, "inputTranscription");
  const std::string said = transcript (*client, "outputTranscription");
  g_assert_cmpstr (heard.c_str (), ==, "What is the capital of France?");
  g_assert_cmpstr (said.c_str (), ==, "Paris is the capital of France.");
  g_assert_cmpint (client->find ("inputTranscription"), <, client->find ("inlineData"));
  assert_frames_valid (*client);
}

static void
test_text_turn_answers_what_was_typed ()
{
  LocalServer server;
  auto client = connect_and_setup (server);
  client->send_text ("{\"realtime_input\":{\"text\":\"hello there\"}}");  /* snake_case too */
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  const std::string said = transcript (*client, "outputTranscription");
  g_assert_true (g_str_has_prefix (said.c_str (), "You said: hello there."));
  client->send_text ("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":"
                     "\"second\"}]}],\"turnComplete\":true}}");
  g_assert_true (client->wait_until ([&] { return turn_complete_count_at_least (*client, 2); }));
  assert_frames_valid (*client);
}

static void
test_missing_key_closes_1008 ()
{
  LocalServer server ({"--fast", "--api-key", "test-key"});
  auto client = connect_client (server, "");
  g_assert_true (client->wait_closed ());
  g_assert_cmpint (client->close_code (), ==, 1008);
  g_assert_true (client->close_reason ().find ("API Key") != std::string::npos);
  g_assert_cmpuint (client->close_reason ().size (), <=, 123);
}

static void
test_invalid_key_closes_1007 ()
{
  LocalServer server;
  auto client = connect_client (server, "?key=invalid");
  assert_closed_with (*client, 1007, "API key not valid. Please pass a valid API key.");
  LocalServer custom ({"--fast", "--reject-key", "revoked"});
  auto other = connect_client (custom, "?key=revoked");
  assert_closed_with (*other, 1007, "API key not valid. Please pass a valid API key.");
}

static void
test_header_key_and_sdk_double_slash_path_accepted ()
{
  LocalServer server;
  auto client = connect_client (server, "", "/" + kPath, {{"x-goog-api-key", "test-key"}});
  client->send_text (kSetup);
  g_assert_true (client->wait_until ([&] { return client->find ("setupComplete") >= 0; }));
}

static void
test_unknown_model_closes_1008 ()
{
  LocalServer server;
  auto client = connect_client (server);
  client->send_text ("{\"setup\":{\"model\":\"models/gemini-1.0-retired\"}}");
  assert_closed_with (*client, 1008,
      "models/gemini-1.0-retired is not found for API version v1beta, or is not supported for "
      "bidiGenerateContent");
}

static void
test_first_message_not_setup_closes_1007 ()
{
  LocalServer server;
  auto client = connect_client (server);
  client->send_text ("{\"realtimeInput\":{\"text\":\"hi\"}}");
  assert_closed_with (*client, 1007, "Request contains an invalid argument.");
  auto other = connect_client (server);
  other->send_text ("{\"setup\":{}}");
  assert_closed_with (*other, 1007, "Request contains an invalid argument.");
}

static void
test_record_holds_every_received_frame ()
{
  LocalServer server;
  auto client = connect_and_setup (server);
  const std::string text = "{\"realtimeInput\":{\"text\":\"recorded\"}}";
  client->send_text (text);
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  auto recorded = server.recorded_frames ();
  g_assert_cmpuint (recorded.size (), ==, 2);
  g_assert_cmpstr (recorded[0].c_str (), ==, kSetup.c_str ());
  g_assert_cmpstr (recorded[1].c_str (), ==, text.c_str ());
}

static void
test_tool_call_waits_for_matching_response ()
{
  ScenarioFile scenario (R"({"turns":[{"tool_calls":[{"id":"fc-1","name":"get_weather",
      "args":{"city":"Paris"}}],"reply_after_tool":"It is sunny in Paris."}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  client->send_text ("{\"realtimeInput\":{\"text\":\"weather?\"}}");
  g_assert_true (client->wait_until ([&] { return client->find ("toolCall") >= 0; }));
  g_assert_true (client->frames ()[client->find ("toolCall")].text.find ("\"city\":\"Paris\"") !=
      std::string::npos);
  g_assert_cmpint (client->find ("inlineData"), ==, -1);
  client->send_text ("{\"toolResponse\":{\"functionResponses\":[{\"id\":\"fc-1\",\"name\":"
                     "\"get_weather\",\"response\":{\"sky\":\"clear\"}}]}}");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  const std::string said = transcript (*client, "outputTranscription");
  g_assert_cmpstr (said.c_str (), ==, "It is sunny in Paris.");
  assert_frames_valid (*client);
}

static void
test_scripted_interruption_stops_the_reply ()
{
  ScenarioFile scenario (R"({"turns":[{"reply":"This is a long answer that will be cut short by the scenario.",
      "interrupt_after_ms":400}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  client->send_text ("{\"realtimeInput\":{\"text\":\"talk\"}}");
  g_assert_true (client->wait_until ([&] { return client->find ("interrupted") >= 0; }));
  int interrupted = client->find ("interrupted");
  g_assert_cmpint (client->find ("inlineData"), <, interrupted);
  client->wait_until ([] { return false; }, 1);  /* nothing more of that reply may follow */
  g_assert_cmpint (client->find ("inlineData", interrupted), ==, -1);
  g_assert_cmpint (client->find ("turnComplete"), ==, -1);
  g_assert_cmpuint (audio_bytes (*client), <=, 24000 * 2 / 2);  /* about 400-480 ms */
  assert_frames_valid (*client);
}

static void
test_go_away_then_deadline_close ()
{
  ScenarioFile scenario (R"({"go_away_after_ms":200,"go_away_time_left_ms":1000})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  assert_closed_with (*client, 1011, "Deadline expired before operation could complete.");
  g_assert_cmpint (client->find ("{\"goAway\":{\"timeLeft\":\"1s\"}}"), >, 0);
  assert_frames_valid (*client);
}

static std::string
last_handle (const WsClient &client)
{
  std::string handle;
  for (const auto &f : client.frames ()) {
    auto pos = f.text.find ("\"newHandle\":\"");
    if (pos != std::string::npos) {
      pos += 13;
      handle = f.text.substr (pos, f.text.find ('"', pos) - pos);
    }
  }
  return handle;
}

static void
test_resumption_restores_session_and_refuses_bad_cases ()
{
  ScenarioFile scenario (R"({"turns":[{"reply":"First."},{"reply":"Second."}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto first = connect_and_setup (server);
  first->send_text ("{\"realtimeInput\":{\"text\":\"one\"}}");
  g_assert_true (first->wait_until ([&] { return first->find ("turnComplete") >= 0; }));
  g_assert_true (first->wait_until ([&] { return first->find ("sessionResumptionUpdate",
      first->find ("turnComplete")) >= 0; }));
  const std::string handle = last_handle (*first);
  const std::string resume = "{\"setup\":{\"model\":\"" + kModel +
      "\",\"outputAudioTranscription\":{},\"sessionResumption\":{\"handle\":\"" + handle + "\"}}}";

  /* While the first connection is open, resuming is refused. */
  auto early = connect_client (server);
  early->send_text (resume);
  g_assert_true (early->wait_closed ());
  g_assert_cmpint (early->close_code (), ==, 1011);

  first->close ();
  auto second = connect_client (server);
  second->send_text (resume);
  g_assert_true (second->wait_until ([&] { return second->find ("setupComplete") >= 0; }));
  second->send_text ("{\"realtimeInput\":{\"text\":\"two\"}}");
  g_assert_true (second->wait_until ([&] { return second->find ("turnComplete") >= 0; }));
  /* The conversation went on at its second turn. */
  const std::string said = transcript (*second, "outputTranscription");
  g_assert_cmpstr (said.c_str (), ==, "Second.");

  auto unknown = connect_client (server);
  unknown->send_text ("{\"setup\":{\"model\":\"" + kModel +
      "\",\"sessionResumption\":{\"handle\":\"no-such-handle\"}}}");
  assert_closed_with (*unknown, 1008, "BidiGenerateContent session not found");
}

static void
test_drop_tcp_fault_closes_without_close_frame ()
{
  ScenarioFile scenario (R"({"turns":[{"fault":{"kind":"drop_tcp","mid_reply":true}}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  client->send_text ("{\"realtimeInput\":{\"text\":\"hi\"}}");
  g_assert_true (client->wait_closed ());
  /* No close frame: libsoup reports code 0 (what browsers call 1006). */
  g_assert_true (client->close_code () == 0 || client->close_code () == 1006);
  g_assert_cmpint (client->find ("inlineData"), >, 0);
  g_assert_cmpint (client->find ("turnComplete"), ==, -1);
}

static void
test_concurrent_sessions_all_answered ()
{
  LocalServer server;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 6; i++) {
    clients.push_back (connect_client (server));
    clients.back ()->send_text (kSetup);
    clients.back ()->send_text ("{\"realtimeInput\":{\"text\":\"client " + std::to_string (i) + "\"}}");
  }
  for (auto &c : clients) {
    WsClient *client = c.get ();
    g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }, 120));
  }
  for (int i = 0; i < 6; i++)
    g_assert_true (transcript (*clients[i], "outputTranscription").find (
        "client " + std::to_string (i)) != std::string::npos);
}

static void
test_realtime_reply_is_paced_and_barge_in_interrupts ()
{
  LocalServer server ({"--realtime"});
  auto client = connect_and_setup (server);
  client->send_text ("{\"realtimeInput\":{\"text\":\"tell me something\"}}");
  g_assert_true (client->wait_until ([&] { return client->find ("inlineData") >= 0; }));
  /* Paced at real time, the reply (several seconds) is still playing: new
   * input barges in. */
  client->send_text ("{\"realtimeInput\":{\"text\":\"stop\"}}");
  g_assert_true (client->wait_until ([&] { return client->find ("interrupted") >= 0; }));
  /* The second turn is answered in full after the interruption. */
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }, 120));
  g_assert_cmpint (client->find ("turnComplete"), >, client->find ("interrupted"));
  assert_frames_valid (*client);
}

/* The scripted grounding arrives as one groundingMetadata, after the reply's
 * audio and before generationComplete, and validates against the official
 * GroundingMetadata message (webSearchQueries, groundingChunks[].web). */
static void
test_grounding_metadata_is_sent_with_the_reply_and_validates ()
{
  ScenarioFile scenario (R"({"turns":[{"reply":"Paris.","grounding":{
      "queries":["capital of France"],
      "sources":[{"uri":"https://en.wikipedia.org/wiki/Paris","title":"Paris"},
                 {"uri":"https://example.org/untitled"}],
      "search_entry_point":"<b>capital of France</b>"}}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  client->send_text ("{\"realtimeInput\":{\"text\":\"capital of France?\"}}");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  int grounding = client->find ("groundingMetadata");
  g_assert_cmpint (grounding, >, client->find ("inlineData"));
  g_assert_cmpint (grounding, <, client->find ("generationComplete"));
  g_assert_cmpint (client->find ("groundingMetadata", grounding + 1), ==, -1);
  g_assert_cmpstr (client->frames ()[grounding].text.c_str (), ==,
      "{\"serverContent\":{\"groundingMetadata\":{"
      "\"webSearchQueries\":[\"capital of France\"],"
      "\"groundingChunks\":[{\"web\":{\"uri\":\"https://en.wikipedia.org/wiki/Paris\","
      "\"title\":\"Paris\"}},{\"web\":{\"uri\":\"https://example.org/untitled\"}}],"
      "\"searchEntryPoint\":{\"renderedContent\":\"<b>capital of France</b>\"}}}}");
  assert_frames_valid (*client);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  silence_transport_debug_logs ();
  g_test_add_func ("/server/setup-gets-setup-complete-and-handle",
      test_setup_gets_setup_complete_and_handle);
  g_test_add_func ("/server/spoken-turn-yields-audio-transcription-and-completion-in-order",
      test_spoken_turn_yields_audio_transcription_and_completion_in_order);
  g_test_add_func ("/server/48k-turn-with-stream-end-and-scripted-transcript",
      test_48k_turn_with_stream_end_and_scripted_transcript);
  g_test_add_func ("/server/text-turn-answers-what-was-typed", test_text_turn_answers_what_was_typed);
  g_test_add_func ("/server/missing-key-closes-1008-under-api-key", test_missing_key_closes_1008);
  g_test_add_func ("/server/invalid-key-closes-1007", test_invalid_key_closes_1007);
  g_test_add_func ("/server/header-key-and-sdk-double-slash-path-accepted",
      test_header_key_and_sdk_double_slash_path_accepted);
  g_test_add_func ("/server/unknown-model-closes-1008", test_unknown_model_closes_1008);
  g_test_add_func ("/server/first-message-not-setup-closes-1007",
      test_first_message_not_setup_closes_1007);
  g_test_add_func ("/server/record-holds-every-received-frame",
      test_record_holds_every_received_frame);
  g_test_add_func ("/server/tool-call-waits-for-matching-response",
      test_tool_call_waits_for_matching_response);
  g_test_add_func ("/server/scripted-interruption-stops-the-reply",
      test_scripted_interruption_stops_the_reply);
  g_test_add_func ("/server/go-away-then-deadline-close", test_go_away_then_deadline_close);
  g_test_add_func ("/server/resumption-restores-session-and-refuses-bad-cases",
      test_resumption_restores_session_and_refuses_bad_cases);
  g_test_add_func ("/server/drop-tcp-fault-closes-without-close-frame",
      test_drop_tcp_fault_closes_without_close_frame);
  g_test_add_func ("/server/concurrent-sessions-all-answered", test_concurrent_sessions_all_answered);
  g_test_add_func ("/server/realtime-reply-is-paced-and-barge-in-interrupts",
      test_realtime_reply_is_paced_and_barge_in_interrupts);
  g_test_add_func ("/server/grounding-metadata-is-sent-with-the-reply-and-validates",
      test_grounding_metadata_is_sent_with_the_reply_and_validates);
  return g_test_run ();
}
