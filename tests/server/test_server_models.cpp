/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gemini-live-server keeps each Live model's rules (../shared/protocol.md,
 * "Models"): it refuses what the service refuses with the same close codes
 * and reasons, speaks extended thinking's filler and ends its turn at
 * interactionStatus IDLE, runs 3.8's undeclared calls asynchronously,
 * translates (transcripts in both languages) and transcribes (text with
 * offsets, no speech). Every frame it sends validates against the official
 * schema extended with the SDK's newer fields.
 */
#include "conformance.h"
#include "local_server.h"
#include "server_test_util.h"
#include "ws_client.h"

#include <json-glib/json-glib.h>

#include <cstring>
#include <memory>
#include <string>

using namespace gemlive::test;

namespace {

/* A setup for `model` with `generation` members added to generationConfig
 * (after responseModalities) and `extra` members to setup. */
std::string
setup_for (const std::string &model, const std::string &generation = "",
    const std::string &extra = "", const char *modality = "AUDIO")
{
  return "{\"setup\":{\"model\":\"models/" + model + "\",\"generationConfig\":{"
      "\"responseModalities\":[\"" + modality + "\"]" + (generation.empty () ? "" : ",")
      + generation + "},\"inputAudioTranscription\":{},\"outputAudioTranscription\":{},"
      "\"sessionResumption\":{}" + (extra.empty () ? "" : ",") + extra + "}}";
}

void
assert_str (const std::string &actual, const std::string &expected)
{
  g_assert_cmpstr (actual.c_str (), ==, expected.c_str ());
}

/* A Duration such as "1.250s" in ms. */
bool
parse_offset (const char *duration, gint64 &ms)
{
  char *end = nullptr;
  double seconds = g_ascii_strtod (duration, &end);
  if (end == duration || g_strcmp0 (end, "s") != 0)
    return false;
  ms = static_cast<gint64> (seconds * 1000 + 0.5);
  return true;
}

const char *const kHigh = R"("thinkingConfig":{"thinkingLevel":"HIGH"})";

std::unique_ptr<WsClient>
connect_client (const LocalServer &server)
{
  auto client = std::make_unique<WsClient> ();
  std::string error;
  if (!client->connect (server.endpoint () + kPath + "?key=test-key", error))
    g_error ("cannot connect to %s: %s", server.endpoint ().c_str (), error.c_str ());
  return client;
}

std::unique_ptr<WsClient>
setup_session (const LocalServer &server, const std::string &setup)
{
  auto client = connect_client (server);
  client->send_text (setup);
  g_assert_true (client->wait_until ([&] { return client->find ("setupComplete") >= 0; }));
  return client;
}

/* The setup is refused with exactly this close. */
void
assert_setup_refused (const std::string &setup, int code, const char *reason)
{
  LocalServer server;
  auto client = connect_client (server);
  client->send_text (setup);
  g_assert_true (client->wait_closed ());
  if (client->close_code () != code || client->close_reason () != reason)
    g_error ("setup %s\nclosed with %d \"%s\", expected %d \"%s\"", setup.c_str (),
        client->close_code (), client->close_reason ().c_str (), code, reason);
  g_assert_cmpint (client->find ("setupComplete"), ==, -1);
}

void
assert_frames_valid (const WsClient &client)
{
  std::string report;
  if (!validate_frames (WireDirection::SERVER, client.frame_texts (), report))
    g_error ("server frames do not validate: %s", report.c_str ());
}

/* serverContent.<key> of frame i as an object (a new reference), or nullptr. */
JsonObject *
content_member (const WsClient &client, int i, const char *key)
{
  JsonNode *node = json_from_string (client.frames ()[i].text.c_str (), nullptr);
  g_assert_nonnull (node);
  JsonObject *root = json_node_get_object (node);
  JsonObject *result = nullptr;
  if (json_object_has_member (root, "serverContent")) {
    JsonObject *content = json_object_get_object_member (root, "serverContent");
    if (json_object_has_member (content, key))
      result = json_object_ref (json_object_get_object_member (content, key));
  }
  json_node_unref (node);
  return result;
}

const char *const kInvalid = "Request contains an invalid argument.";

void
test_extended_thinking_refusals_carry_the_services_reasons ()
{
  const std::string x = "gemini-3.8-live-extended-thinking";
  assert_setup_refused (setup_for (x), 1007, "Thinking level must be specified for this model");
  assert_setup_refused (setup_for (x, R"("thinkingConfig":{"thinkingLevel":"MINIMAL"})"), 1007,
      "Thinking level MINIMAL is not supported for this model");
  assert_setup_refused (setup_for (x, R"("thinkingConfig":{"thinkingLevel":"LOW","thinkingBudget":9})"),
      1007, kInvalid);
  assert_setup_refused (setup_for (x, kHigh,
      R"("tools":[{"functionDeclarations":[{"name":"book","behavior":"BLOCKING"}]}])"), 1007,
      "BLOCKING function calls are not supported for this model");
}

void
test_gemini_3_8_refuses_thinking_config_and_proactive_false ()
{
  const std::string m = "gemini-3.8-live";
  assert_setup_refused (setup_for (m, R"("thinkingConfig":{"includeThoughts":false})"), 1007,
      "Thinking level is not supported for this model");
  assert_setup_refused (setup_for (m, "", R"("proactivity":{"proactiveAudio":false})"), 1007,
      kInvalid);
  assert_setup_refused (setup_for (m, R"("enableAffectiveDialog":true)"), 1007, kInvalid);
  assert_setup_refused (setup_for (m, "", R"("tools":[{"codeExecution":{}}])"), 1007, kInvalid);
  /* what it does take */
  LocalServer server;
  setup_session (server, setup_for (m, "", R"("proactivity":{"proactiveAudio":true},)"
      R"("tools":[{"googleSearch":{}},{"functionDeclarations":[{"name":"f","behavior":"BLOCKING"}]}])"));
}

void
test_older_models_keep_their_rules ()
{
  const std::string m31 = "gemini-3.1-flash-live-preview";
  assert_setup_refused (setup_for (m31, R"("thinkingConfig":{"thinkingBudget":100})"), 1007, kInvalid);
  assert_setup_refused (setup_for (m31, "", R"("proactivity":{"proactiveAudio":true})"), 1007,
      kInvalid);
  assert_setup_refused (setup_for ("gemini-2.5-flash-native-audio-latest",
      R"("thinkingConfig":{"thinkingLevel":"LOW"})"), 1007, kInvalid);
  assert_setup_refused (setup_for ("gemini-2.0-flash-live-001"), 1008,
      "models/gemini-2.0-flash-live-001 is not found for API version v1beta, or is not supported "
      "for bidiGenerateContent");

  LocalServer server ({"--fast"});
  auto chunks = setup_session (server, setup_for (m31));
  chunks->send_text (R"({"realtimeInput":{"mediaChunks":[{"mimeType":"audio/pcm;rate=16000","data":"AAA="}]}})");
  g_assert_true (chunks->wait_closed ());
  g_assert_cmpint (chunks->close_code (), ==, 1007);

  /* clientContent after the first model turn closes 3.1 unless history was declared */
  const char *text_turn = R"({"clientContent":{"turns":[{"role":"user","parts":[{"text":"hi"}]}],)"
                          R"("turnComplete":true}})";
  auto late = setup_session (server, setup_for (m31));
  late->send_text (text_turn);
  g_assert_true (late->wait_until ([&] { return late->find ("turnComplete") >= 0; }));
  late->send_text (text_turn);
  g_assert_true (late->wait_closed ());
  assert_str (late->close_reason (), kInvalid);

  auto seeded = setup_session (server, setup_for (m31, "",
      R"("historyConfig":{"initialHistoryInClientContent":true})"));
  seeded->send_text (text_turn);
  g_assert_true (seeded->wait_until ([&] { return seeded->find ("turnComplete") >= 0; }));
  seeded->send_text (text_turn);
  g_assert_true (seeded->wait_until ([&] {
    return seeded->find ("turnComplete", seeded->find ("turnComplete") + 1) >= 0;
  }));
  g_assert_false (seeded->closed ());
}

void
test_extended_thinking_speaks_a_filler_and_ends_at_idle ()
{
  LocalServer server ({"--fast"});
  auto client = setup_session (server, setup_for ("gemini-3.8-live-extended-thinking", kHigh));
  client->send_text (R"({"realtimeInput":{"text":"why is the sky blue"}})");
  g_assert_true (client->wait_until ([&] { return client->find ("\"IDLE\"") >= 0; }));

  int in_progress = client->find ("\"interactionStatus\":\"IN_PROGRESS\"");
  int idle = client->find ("\"interactionStatus\":\"IDLE\"");
  g_assert_cmpint (in_progress, >, client->find ("inlineData"));
  g_assert_cmpint (client->find ("inlineData", in_progress), >, in_progress);  /* the answer */
  g_assert_cmpint (idle, >, client->find ("inlineData", in_progress));
  /* both carry turnComplete; only the last one is the turn's end */
  g_assert_true (client->frames ()[in_progress].text.find ("\"turnComplete\":true") != std::string::npos);
  g_assert_true (client->frames ()[idle].text.find ("\"turnComplete\":true") != std::string::npos);
  g_assert_cmpint (client->find ("generationComplete"), >, in_progress);
  std::string said = transcript (*client, "outputTranscription");
  g_assert_true (g_str_has_prefix (said.c_str (), "Let me think"));
  g_assert_true (said.find ("You said: why is the sky blue.") != std::string::npos);
  g_assert_cmpint (client->find ("\"thought\":true"), ==, -1);  /* not asked for */
  assert_frames_valid (*client);

  /* includeThoughts: one thought part before the filler */
  auto thinking = setup_session (server, setup_for ("gemini-3.8-live-extended-thinking",
      R"("thinkingConfig":{"thinkingLevel":"LOW","includeThoughts":true})"));
  thinking->send_text (R"({"realtimeInput":{"text":"why is the sky blue"}})");
  g_assert_true (thinking->wait_until ([&] { return thinking->find ("\"IDLE\"") >= 0; }));
  int thought = thinking->find ("\"thought\":true");
  g_assert_cmpint (thought, >, 0);
  g_assert_cmpint (thought, <, thinking->find ("inlineData"));
  g_assert_true (thinking->frames ()[thought].text.find ("why is the sky blue") != std::string::npos);
  assert_frames_valid (*thinking);
}

void
test_tool_calls_follow_the_model ()
{
  ScenarioFile scenario (R"({"turns":[{"tool_calls":[{"id":"fc-1","name":"get_time"}],)"
      R"("reply":"Checking the time."},{"tool_calls":[{"id":"fc-2","name":"get_time"}],)"
      R"("reply":"Checking again."}]})");
  const std::string tools = R"("tools":[{"functionDeclarations":[{"name":"get_time"}]}])";

  /* 3.8: a call declared without behavior runs NON_BLOCKING: the model talks
   * on and ends its turn with the call unanswered. */
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = setup_session (server, setup_for ("gemini-3.8-live", "", tools));
  client->send_text (R"({"realtimeInput":{"text":"what time is it"}})");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  g_assert_cmpint (client->find ("toolCall"), <, client->find ("inlineData"));
  assert_str (transcript (*client, "outputTranscription"), "Checking the time.");
  client->send_text (R"({"toolResponse":{"functionResponses":[{"id":"fc-1","name":"get_time",)"
                     R"("response":{"time":"noon"},"scheduling":"WHEN_IDLE"}]}})");
  client->send_text (R"({"realtimeInput":{"text":"and now"}})");
  g_assert_true (client->wait_until ([&] { return client->find ("fc-2") >= 0; }));
  g_assert_false (client->closed ());

  /* extended thinking refuses scheduling in a function response */
  LocalServer other ({"--fast", "--scenario", scenario.path});
  auto x = setup_session (other, setup_for ("gemini-3.8-live-extended-thinking", kHigh, tools));
  x->send_text (R"({"realtimeInput":{"text":"what time is it"}})");
  g_assert_true (x->wait_until ([&] { return x->find ("toolCall") >= 0; }));
  x->send_text (R"({"toolResponse":{"functionResponses":[{"id":"fc-1","name":"get_time",)"
                R"("response":{"time":"noon"},"scheduling":"INTERRUPT"}]}})");
  g_assert_true (x->wait_closed ());
  g_assert_cmpint (x->close_code (), ==, 1007);
  assert_str (x->close_reason (), "Function response scheduling is not supported for this model");
}

/* contextUpdate: taken by 3.8 (later calls follow the new tools), refused
 * (1007) by a model that takes none, and new tools are checked like setup's. */
void
test_context_update_follows_the_model ()
{
  ScenarioFile scenario (R"({"turns":[{"tool_calls":[{"id":"fc-1","name":"get_time"}],)"
      R"("reply":"Checking the time."}]})");
  const char *const update = R"({"contextUpdate":{"systemInstruction":{"parts":[{"text":)"
      R"("Answer in German."}]},"tools":{"tools":[{"functionDeclarations":[{"name":)"
      R"("get_time","behavior":"BLOCKING"}]}]}}})";

  /* 3.8 takes it without an answer; get_time is now BLOCKING, so the reply
   * waits for the toolResponse. */
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = setup_session (server, setup_for ("gemini-3.8-live"));
  client->send_text (update);
  client->send_text (R"({"realtimeInput":{"text":"what time is it"}})");
  g_assert_true (client->wait_until ([&] { return client->find ("toolCall") >= 0; }));
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (client->closed ());
  g_assert_cmpint (client->find ("turnComplete"), ==, -1);
  client->send_text (R"({"toolResponse":{"functionResponses":[{"id":"fc-1","name":"get_time",)"
                     R"("response":{"time":"noon"}}]}})");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  assert_frames_valid (*client);

  /* 2.5 takes no contextUpdate */
  LocalServer older ({"--fast"});
  auto o = setup_session (older,
      setup_for ("gemini-2.5-flash-native-audio-preview-12-2025"));
  o->send_text (update);
  g_assert_true (o->wait_closed ());
  g_assert_cmpint (o->close_code (), ==, 1007);

  /* extended thinking refuses the BLOCKING declaration, as in setup */
  LocalServer thinking ({"--fast"});
  auto x = setup_session (thinking, setup_for ("gemini-3.8-live-extended-thinking", kHigh));
  x->send_text (update);
  g_assert_true (x->wait_closed ());
  g_assert_cmpint (x->close_code (), ==, 1007);
  assert_str (x->close_reason (), "BLOCKING function calls are not supported for this model");
}

void
test_translate_model_answers_in_the_target_language ()
{
  const std::string t = "gemini-3.5-live-translate-preview";
  const std::string de = R"("translationConfig":{"targetLanguageCode":"de"})";
  assert_setup_refused (setup_for (t), 1007, kInvalid);
  assert_setup_refused (setup_for (t, de, R"("systemInstruction":{"parts":[{"text":"x"}]})"), 1007,
      kInvalid);
  assert_setup_refused (setup_for (t, de + R"(,"speechConfig":{"languageCode":"de-DE"})"), 1007,
      kInvalid);
  assert_setup_refused (setup_for (t, de, R"("tools":[{"googleSearch":{}}])"), 1007, kInvalid);

  ScenarioFile scenario (R"({"turns":[{"transcript":"What is the capital of France?"}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = setup_session (server, setup_for (t, de));
  stream_wav (*client, "question-16k.wav");
  client->send_text (R"({"realtimeInput":{"audioStreamEnd":true}})");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  assert_str (transcript (*client, "inputTranscription"), "What is the capital of France?");
  assert_str (transcript (*client, "outputTranscription"),
      "Übersetzung: What is the capital of France?");
  int heard = client->find ("inputTranscription");
  JsonObject *in = content_member (*client, heard, "inputTranscription");
  assert_str (json_object_get_string_member (in, "languageCode"), "en-US");
  json_object_unref (in);
  JsonObject *out = content_member (*client, client->find ("outputTranscription"),
      "outputTranscription");
  assert_str (json_object_get_string_member (out, "languageCode"), "de");
  json_object_unref (out);
  g_assert_cmpint (client->find ("inlineData"), >, heard);  /* spoken, after the source text */
  assert_frames_valid (*client);

  client->send_text (R"({"realtimeInput":{"text":"typed"}})");  /* audio input only */
  g_assert_true (client->wait_closed ());
  g_assert_cmpint (client->close_code (), ==, 1007);
}

void
test_transcribe_model_sends_text_with_offsets_and_no_speech ()
{
  const std::string s = "gemini-3.5-transcribe-live";
  assert_setup_refused (setup_for (s), 1007, kInvalid);  /* AUDIO asked for */

  ScenarioFile scenario (R"({"turns":[{"transcript":"What is the capital of France?"}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = setup_session (server, setup_for (s, "", "", "TEXT"));
  stream_wav (*client, "question-16k.wav");
  client->send_text (R"({"realtimeInput":{"audioStreamEnd":true}})");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  int text = client->find ("inputTranscription");
  g_assert_cmpint (text, >, 0);
  g_assert_cmpint (text, <, client->find ("turnComplete"));
  JsonObject *t = content_member (*client, text, "inputTranscription");
  assert_str (json_object_get_string_member (t, "text"), "What is the capital of France?");
  gint64 start = 0, end = 0;
  g_assert_true (parse_offset (json_object_get_string_member (t, "startOffset"), start));
  g_assert_true (parse_offset (json_object_get_string_member (t, "endOffset"), end));
  json_object_unref (t);
  g_assert_cmpint (start, >=, 0);
  g_assert_cmpint (end, >, start + 500);  /* the spoken question lasts well over half a second */
  g_assert_cmpint (client->find ("inlineData"), ==, -1);
  g_assert_cmpint (client->find ("outputTranscription"), ==, -1);
  assert_frames_valid (*client);
}

/* Newer servers' session id and voice activity, when a scenario asks. */
void
test_session_id_and_voice_activity_when_scripted ()
{
  ScenarioFile scenario (R"({"session_id":true,"voice_activity":true,"interim_transcription":true,)"
      R"("turns":[{"transcript":"What is the capital of France?","reply":"Paris."}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = setup_session (server, setup_for ("gemini-3.8-live"));
  g_assert_true (g_str_has_prefix (client->frames ()[0].text.c_str (),
      R"({"setupComplete":{"sessionId":")"));
  stream_wav (*client, "question-16k.wav");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
  int start = client->find (R"("voiceActivityType":"ACTIVITY_START")");
  int end = client->find (R"("voiceActivityType":"ACTIVITY_END")");
  g_assert_cmpint (start, >, 0);
  g_assert_cmpint (end, >, start);
  g_assert_cmpint (end, <, client->find ("inputTranscription"));
  auto offset_of = [&client] (int i) {
    JsonNode *n = json_from_string (client->frames ()[i].text.c_str (), nullptr);
    gint64 ms = -1;
    g_assert_true (parse_offset (json_object_get_string_member (json_object_get_object_member (
        json_node_get_object (n), "voiceActivity"), "audioOffset"), ms));
    json_node_unref (n);
    return ms;
  };
  g_assert_cmpint (offset_of (end), >, offset_of (start));
  /* the interim text grows word by word up to the final transcript */
  int first_interim = client->find (R"("interimInputTranscription":{"text":"What"})");
  g_assert_cmpint (first_interim, >, end);
  g_assert_cmpint (client->find (R"("interimInputTranscription":{"text":"What is the capital of France?"})"),
      <, client->find ("inputTranscription"));
  assert_frames_valid (*client);

  /* without the switches, nothing of it */
  LocalServer plain ({"--fast"});
  auto other = setup_session (plain, setup_for ("gemini-3.8-live"));
  assert_str (other->frames ()[0].text, R"({"setupComplete":{}})");
}

/* Unscripted, the transcript is what pocketsphinx recognised in the speech. */
void
test_transcribe_model_recognizes_unscripted_speech ()
{
#ifndef SERVER_HAS_POCKETSPHINX
  g_test_skip ("gemini-live-server built without pocketsphinx");
#else
  LocalServer server ({"--fast"});
  auto client = setup_session (server, setup_for ("gemini-3.5-transcribe-live", "", "", "TEXT"));
  stream_wav (*client, "question-16k.wav");
  client->send_text (R"({"realtimeInput":{"audioStreamEnd":true}})");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }, 120));
  std::string heard = transcript (*client, "inputTranscription");
  g_test_message ("transcribed as \"%s\"", heard.c_str ());
  gchar *lower = g_ascii_strdown (heard.c_str (), -1);
  /* espeak speech is recognisable, not perfectly: a robust subset of words */
  g_assert_true (strstr (lower, "capital") != nullptr || strstr (lower, "france") != nullptr);
  g_free (lower);
  JsonObject *t = content_member (*client, client->find ("inputTranscription"),
      "inputTranscription");
  g_assert_true (json_object_has_member (t, "startOffset") && json_object_has_member (t, "endOffset"));
  json_object_unref (t);
  g_assert_cmpint (client->find ("inlineData"), ==, -1);
  assert_frames_valid (*client);
#endif
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  silence_transport_debug_logs ();
  g_test_add_func ("/server-models/extended-thinking-refusals-carry-the-services-reasons",
      test_extended_thinking_refusals_carry_the_services_reasons);
  g_test_add_func ("/server-models/gemini-3.8-refuses-thinking-config-and-proactive-false",
      test_gemini_3_8_refuses_thinking_config_and_proactive_false);
  g_test_add_func ("/server-models/older-models-keep-their-rules",
      test_older_models_keep_their_rules);
  g_test_add_func ("/server-models/extended-thinking-speaks-a-filler-and-ends-at-idle",
      test_extended_thinking_speaks_a_filler_and_ends_at_idle);
  g_test_add_func ("/server-models/tool-calls-follow-the-model", test_tool_calls_follow_the_model);
  g_test_add_func ("/server-models/context-update-follows-the-model",
      test_context_update_follows_the_model);
  g_test_add_func ("/server-models/translate-model-answers-in-the-target-language",
      test_translate_model_answers_in_the_target_language);
  g_test_add_func ("/server-models/transcribe-model-sends-text-with-offsets-and-no-speech",
      test_transcribe_model_sends_text_with_offsets_and_no_speech);
  g_test_add_func ("/server-models/session-id-and-voice-activity-when-scripted",
      test_session_id_and_voice_activity_when_scripted);
  g_test_add_func ("/server-models/transcribe-model-recognizes-unscripted-speech",
      test_transcribe_model_recognizes_unscripted_speech);
  return g_test_run ();
}
