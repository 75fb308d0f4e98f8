/* gst-gemini-live element tests: function calling.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The microphone is an appsrc the test feeds, so it decides what audio exists
 * when. The local server runs with --strict-tool-audio: audio arriving during
 * an unanswered blocking call closes the session with 1008, as the service
 * does; the control test shows that it really does.
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

#include <cmath>
#include <condition_variable>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

/* These tests are about calls that block by default (an undeclared function
 * blocks on the 2.5 models; gemini-3.8-live runs it NON_BLOCKING, see
 * test_models.cpp). */
static const char *const BLOCKING_MODEL = "gemini-2.5-flash-native-audio-preview-12-2025";

static const char *const TOOLS = R"([{"functionDeclarations": [
  {"name": "get_weather", "description": "Weather in a city",
   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
  {"name": "get_time", "description": "Local time", "behavior": "NON_BLOCKING"}]}])";

struct Call {
  std::string id, name, args;
  GThread *thread;
};

/* One conversation: server, pipeline, and what the tool-call signal saw. */
struct ToolConversation {
  std::string scenario_path;
  LocalServer *server = nullptr;
  GstElement *pipeline = nullptr, *live = nullptr, *mic = nullptr;
  BusLog log;
  std::mutex lock;
  std::condition_variable cond;
  std::vector<Call> calls;
  GThread *streaming_thread = nullptr;
  gsize pushed = 0;

  ToolConversation (const std::string &scenario, bool strict, guint tool_timeout_ms = 30000)
  {
    scenario_path = write_scenario (scenario);
    std::vector<std::string> args = {"--fast", "--scenario", scenario_path};
    if (strict)
      args.push_back ("--strict-tool-audio");
    server = new LocalServer (args);
    pipeline = launch ("appsrc name=mic is-live=true format=time "
        "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
        "geminilive name=live api-key=test-key model=" + std::string (BLOCKING_MODEL)
        + " endpoint=" + server->endpoint ()
        + " ! fakesink sync=false async=false");
    live = by_name (pipeline, "live");
    mic = by_name (pipeline, "mic");
    g_object_set (live, "tools", TOOLS, "tool-timeout", tool_timeout_ms, nullptr);
    g_signal_connect (live, "tool-call", G_CALLBACK (on_tool_call), this);
    GstPad *sink = gst_element_get_static_pad (live, "sink");
    gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, this, nullptr);
    gst_object_unref (sink);
  }

  ~ToolConversation ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (mic);
    gst_object_unref (live);
    gst_object_unref (pipeline);
    delete server;
    g_unlink (scenario_path.c_str ());
  }

  static void on_tool_call (GstElement *, const gchar *id, const gchar *name, const gchar *args,
      gpointer data)
  {
    auto self = static_cast<ToolConversation *> (data);
    std::lock_guard<std::mutex> guard (self->lock);
    self->calls.push_back (Call {id, name, args, g_thread_self ()});
    self->cond.notify_all ();
  }

  static GstPadProbeReturn on_buffer (GstPad *, GstPadProbeInfo *, gpointer data)
  {
    auto self = static_cast<ToolConversation *> (data);
    std::lock_guard<std::mutex> guard (self->lock);
    self->streaming_thread = g_thread_self ();
    return GST_PAD_PROBE_OK;
  }

  void start () { gst_element_set_state (pipeline, GST_STATE_PLAYING); }

  /* A 440 Hz tone (speech to the server's VAD) or silence. */
  void push (guint ms, bool tone)
  {
    GstBuffer *buffer = pcm_16k (ms, tone);
    pushed += gst_buffer_get_size (buffer);
    ck_assert_int_eq (gst_app_src_push (buffer), GST_FLOW_OK);
  }

  GstFlowReturn gst_app_src_push (GstBuffer *buffer)
  {
    GstFlowReturn ret;
    g_signal_emit_by_name (mic, "push-buffer", buffer, &ret);
    gst_buffer_unref (buffer);
    return ret;
  }

  /* One user turn: speech then enough silence for the VAD to end it. */
  void speak_turn ()
  {
    push (600, true);
    push (800, false);
  }

  bool wait_calls (size_t n)
  {
    std::unique_lock<std::mutex> guard (lock);
    return cond.wait_for (guard, std::chrono::seconds (60), [&] { return calls.size () >= n; });
  }

  bool answer (const char *id, const char *name, const char *json, const char *scheduling)
  {
    gboolean ok = FALSE;
    g_signal_emit_by_name (live, "send-tool-response", id, name, json, scheduling, &ok);
    return ok;
  }

  bool wait_message (const char *name)
  {
    if (!log.element_messages (name).empty ())
      return true;
    return log.wait (pipeline, is_element_message (name), TIMEOUT);
  }

  /* Polls the server's record until `done` holds (the record is written as
   * frames arrive, so this only waits for delivery, never asserts timing). */
  template <typename Pred> bool wait_record (Pred done)
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < deadline) {
      if (done (server->recorded_frames ()))
        return true;
      g_usleep (20000);
    }
    return false;
  }

  void check_conformance ()
  {
    std::string report;
    auto frames = server->recorded_frames ();
    ck_assert_msg (validate_frames (WireDirection::CLIENT, frames, report),
        "client frames do not validate: %s", report.c_str ());
  }

  std::string errors () { return log.first_error (); }

  /* Text of every warning message on the bus so far. */
  std::string warnings ()
  {
    std::string out;
    for (auto m : log.messages) {
      if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_WARNING)
        continue;
      GError *error = nullptr;
      gst_message_parse_warning (m, &error, nullptr);
      out += std::string (error->message) + "\n";
      g_error_free (error);
    }
    return out;
  }

  bool wait_warning (const std::string &needle)
  {
    if (contains (warnings (), needle))
      return true;
    return log.wait (pipeline, [&] (GstMessage *) { return contains (warnings (), needle); },
        TIMEOUT, false);
  }
};

/* Audio bytes the server received before and after the first frame holding `marker`. */
static std::pair<gsize, gsize>
audio_around (const std::vector<std::string> &frames, const std::string &marker)
{
  gsize before = 0, after = 0;
  bool seen = false;
  for (const auto &frame : frames) {
    if (!seen && contains (frame, marker))
      seen = true;
    for (const auto &chunk : recorded_audio_chunks ({frame}))
      (seen ? after : before) += chunk.second;
  }
  return {before, after};
}

static std::vector<std::string>
frames_with (const std::vector<std::string> &frames, const std::string &needle)
{
  std::vector<std::string> out;
  for (const auto &f : frames)
    if (contains (f, needle))
      out.push_back (f);
  return out;
}

static gpointer
answer_weather_from_thread (gpointer data)
{
  auto c = static_cast<ToolConversation *> (data);
  return GINT_TO_POINTER (c->answer ("call-w", nullptr, R"({"sky": "sunny", "celsius": 21})",
          nullptr));
}

GST_START_TEST (blocking_call_holds_microphone_audio_until_answered)
{
  ToolConversation c (R"({"turns": [{"stall_ms": 1500, "tool_calls": [{"id": "call-w",
      "name": "get_weather", "args": {"city": "Paris"}}],
      "reply_after_tool": "It is sunny in Paris."}]})", true);
  c.start ();
  c.speak_turn ();
  gsize before_call = c.pushed;
  ck_assert_msg (c.wait_calls (1), "no tool-call signal; bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (c.wait_message ("geminilive/tool-call"), "no tool-call message");

  /* Speech while the call is unanswered: held, so the strict server stays open. */
  c.push (1000, false);
  g_usleep (G_USEC_PER_SEC);  /* give a leak the chance to reach the server */
  GThread *answerer = g_thread_new ("answerer", answer_weather_from_thread, &c);
  ck_assert_msg (GPOINTER_TO_INT (g_thread_join (answerer)), "the answer was refused");
  ck_assert_msg (c.wait_message ("geminilive/turn-complete"), "no reply after the answer; bus:\n%s",
      c.log.dump ().c_str ());
  ck_assert_msg (c.errors ().empty (), "error: %s", c.errors ().c_str ());

  auto msg = c.log.element_messages ("geminilive/tool-call")[0];
  ck_assert_str_eq (gst_structure_get_string (msg, "id"), "call-w");
  ck_assert_str_eq (gst_structure_get_string (msg, "name"), "get_weather");
  ck_assert_str_eq (gst_structure_get_string (msg, "args"), "{\"city\":\"Paris\"}");
  gboolean blocking = FALSE;
  ck_assert (gst_structure_get_boolean (msg, "blocking", &blocking) && blocking);
  {
    std::lock_guard<std::mutex> guard (c.lock);
    ck_assert_str_eq (c.calls[0].args.c_str (), "{\"city\":\"Paris\"}");
    ck_assert_msg (c.calls[0].thread != c.streaming_thread && c.calls[0].thread != g_thread_self (),
        "tool-call was emitted on a streaming or the application's thread");
  }
  bool spoke = false;
  for (auto s : c.log.element_messages ("geminilive/output-transcription"))
    spoke = spoke || contains (gst_structure_get_string (s, "text"), "sunny");
  ck_assert_msg (spoke, "the reply after the tool was not heard");

  /* Everything spoken before the call went out at once; everything during it
   * went out after the toolResponse, none lost. */
  ck_assert_msg (c.wait_record ([&] (const std::vector<std::string> &f) {
    return audio_around (f, "toolResponse").second >= c.pushed - before_call; }),
      "held audio never reached the server");
  auto split = audio_around (c.server->recorded_frames (), "toolResponse");
  ck_assert_uint_eq (split.first, before_call);
  ck_assert_uint_eq (split.second, c.pushed - before_call);
  auto responses = frames_with (c.server->recorded_frames (), "toolResponse");
  ck_assert_uint_eq (responses.size (), 1);
  ck_assert_msg (contains (responses[0], "\"id\":\"call-w\"") && contains (responses[0],
          "\"name\":\"get_weather\"") && contains (responses[0], "\"sky\":\"sunny\""),
      "toolResponse: %s", responses[0].c_str ());
  ck_assert_msg (contains (c.server->recorded_frames ()[0], "\"functionDeclarations\""),
      "setup lacks the tools");

  /* A second answer to the same call is refused with a warning, not sent. */
  ck_assert (!c.answer ("call-w", nullptr, "{}", nullptr));
  ck_assert (!c.answer ("no-such-call", nullptr, "{}", nullptr));
  ck_assert_msg (c.wait_warning ("already answered"), "no warning; warnings:\n%s",
      c.warnings ().c_str ());
  ck_assert_msg (c.wait_warning ("no-such-call"), "no warning for an unknown id");
  c.check_conformance ();
}
GST_END_TEST;

GST_START_TEST (strict_server_closes_when_audio_is_not_held)
{
  /* Control: get_time is declared NON_BLOCKING, so the element streams on;
   * this server treats the call as blocking and closes, proving the gate's
   * test above would catch a leak. */
  ToolConversation c (R"({"turns": [{"stall_ms": 1500, "tool_calls": [{"id": "call-t",
      "name": "get_time", "non_blocking": false}]}]})", true);
  c.start ();
  c.speak_turn ();
  ck_assert (c.wait_calls (1));
  /* Past the server's grace for audio that was already in flight. */
  g_usleep (1500 * G_TIME_SPAN_MILLISECOND);
  c.push (400, false);
  /* The element may resume the session after the close; either way the server
   * said 1008. */
  c.log.wait (c.pipeline, [&c] (GstMessage *) { return contains (c.log.dump (), "1008"); },
      TIMEOUT);
  ck_assert_msg (contains (c.log.dump (), "1008") && contains (c.log.dump (), "aborted"),
      "expected a 1008 close; bus:\n%s",
      c.log.dump ().c_str ());
}
GST_END_TEST;

GST_START_TEST (non_blocking_call_streams_on_and_answers_with_scheduling)
{
  ToolConversation c (R"({"turns": [{"stall_ms": 1500, "tool_calls": [{"id": "call-t",
      "name": "get_time", "non_blocking": true}], "reply": "Let me look."}]})", true);
  c.start ();
  c.speak_turn ();
  ck_assert (c.wait_calls (1));
  c.push (400, false);
  ck_assert_msg (c.wait_record ([&] (const std::vector<std::string> &f) {
    return audio_around (f, "toolResponse").first == c.pushed; }),
      "audio during a non-blocking call was held back");
  ck_assert (!c.answer ("call-t", nullptr, "{}", "sometime"));
  ck_assert (c.answer ("call-t", "get_time", R"({"time": "12:00"})", "when-idle"));
  ck_assert (c.wait_record ([] (const std::vector<std::string> &f) {
    return !frames_with (f, "toolResponse").empty (); }));
  auto response = frames_with (c.server->recorded_frames (), "toolResponse")[0];
  ck_assert_msg (contains (response, "\"scheduling\":\"WHEN_IDLE\""), "%s", response.c_str ());
  ck_assert_msg (c.errors ().empty (), "error: %s", c.errors ().c_str ());
  c.check_conformance ();
}
GST_END_TEST;

struct ReverseAnswer {
  ToolConversation *c;
  const char *id;
};

static gpointer
answer_one (gpointer data)
{
  auto a = static_cast<ReverseAnswer *> (data);
  std::string json = std::string ("{\"for\": \"") + a->id + "\"}";
  return GINT_TO_POINTER (a->c->answer (a->id, nullptr, json.c_str (), nullptr));
}

GST_START_TEST (parallel_calls_get_one_response_each_from_any_thread)
{
  ToolConversation c (R"({"turns": [{"tool_calls": [
      {"id": "a", "name": "get_weather", "args": {"city": "Oslo"}},
      {"id": "b", "name": "get_weather", "args": {"city": "Rome"}}],
      "reply_after_tool": "Both answered."}]})", true);
  c.start ();
  c.speak_turn ();
  ck_assert (c.wait_calls (2));
  ReverseAnswer second {&c, "b"}, first {&c, "a"};
  GThread *t1 = g_thread_new ("answer-b", answer_one, &second);
  ck_assert (GPOINTER_TO_INT (g_thread_join (t1)));
  GThread *t2 = g_thread_new ("answer-a", answer_one, &first);
  ck_assert (GPOINTER_TO_INT (g_thread_join (t2)));
  ck_assert_msg (c.wait_message ("geminilive/turn-complete"), "bus:\n%s", c.log.dump ().c_str ());
  auto responses = frames_with (c.server->recorded_frames (), "toolResponse");
  ck_assert_uint_eq (responses.size (), 2);
  ck_assert (contains (responses[0], "\"id\":\"b\"") && !contains (responses[0], "\"id\":\"a\""));
  ck_assert (contains (responses[1], "\"id\":\"a\""));
  ck_assert_msg (c.errors ().empty (), "error: %s", c.errors ().c_str ());
  c.check_conformance ();
}
GST_END_TEST;

GST_START_TEST (cancelled_call_releases_audio_and_refuses_the_answer)
{
  ToolConversation c (R"({"turns": [{"stall_ms": 1500, "tool_calls": [{"id": "call-c",
      "name": "get_weather", "args": {}}], "cancel_tool_calls_after_ms": 300,
      "reply": "Never mind."}]})", true);
  c.start ();
  c.speak_turn ();
  ck_assert (c.wait_calls (1));
  gsize before_cancel = c.pushed;
  c.push (400, false);
  ck_assert_msg (c.wait_message ("geminilive/tool-call-cancellation"), "bus:\n%s",
      c.log.dump ().c_str ());
  auto cancellation = c.log.element_messages ("geminilive/tool-call-cancellation")[0];
  const GValue *ids = gst_structure_get_value (cancellation, "ids");
  ck_assert_uint_eq (gst_value_array_get_size (ids), 1);
  ck_assert_str_eq (g_value_get_string (gst_value_array_get_value (ids, 0)), "call-c");
  ck_assert (!c.answer ("call-c", nullptr, "{}", nullptr));
  ck_assert_msg (c.wait_record ([&] (const std::vector<std::string> &f) {
    gsize total = 0;
    for (const auto &chunk : recorded_audio_chunks (f))
      total += chunk.second;
    return total == c.pushed; }), "held audio was not released after the cancellation");
  ck_assert (c.pushed > before_cancel);
  ck_assert_msg (c.wait_message ("geminilive/turn-complete"), "bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (c.wait_warning ("cancelled"), "no warning for the refused answer");
  ck_assert (frames_with (c.server->recorded_frames (), "toolResponse").empty ());
  ck_assert_msg (c.errors ().empty (), "error: %s", c.errors ().c_str ());
  c.check_conformance ();
}
GST_END_TEST;

GST_START_TEST (unanswered_call_is_answered_with_an_error_after_tool_timeout)
{
  ToolConversation c (R"({"turns": [{"tool_calls": [{"id": "call-x", "name": "get_weather",
      "args": {}}], "reply_after_tool": "The tool failed."}]})", true, 500);
  c.start ();
  c.speak_turn ();
  ck_assert (c.wait_calls (1));
  c.push (200, false);
  ck_assert_msg (c.wait_message ("geminilive/turn-complete"), "bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (c.wait_warning ("tool-timeout"), "no timeout warning; bus:\n%s",
      c.log.dump ().c_str ());
  auto responses = frames_with (c.server->recorded_frames (), "toolResponse");
  ck_assert_uint_eq (responses.size (), 1);
  ck_assert_msg (contains (responses[0], "\"error\":"), "%s", responses[0].c_str ());
  ck_assert (!c.answer ("call-x", nullptr, "{}", nullptr));
  ck_assert_msg (c.errors ().empty (), "error: %s", c.errors ().c_str ());
  c.check_conformance ();
}
GST_END_TEST;

GST_START_TEST (malformed_tools_fail_the_start_naming_the_field)
{
  GstElement *pipeline = launch ("audiotestsrc ! geminilive name=live api-key=k "
      "endpoint=ws://127.0.0.1:9 ! fakesink");
  GstElement *live = by_name (pipeline, "live");
  const char *bad = R"([{"functionDeclarations": [{"name": "f", "behavior": "SOMETIMES"}]}])";
  g_object_set (live, "tools", bad, nullptr);
  gchar *readback = nullptr;
  g_object_get (live, "tools", &readback, nullptr);
  ck_assert_str_eq (readback, bad);
  g_free (readback);
  ck_assert_int_eq (gst_element_set_state (pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  BusLog log;
  log.wait (pipeline, [] (GstMessage *m) { return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR; },
      10 * GST_SECOND);
  ck_assert_msg (contains (log.first_error (), "tools[0].functionDeclarations[0].behavior"),
      "error: %s", log.first_error ().c_str ());
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (live);
  gst_object_unref (pipeline);
}
GST_END_TEST;

static void
run_example (const char *const *argv, const LocalServer &server)
{
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  gchar **env = environ_for_foreign_program (g_get_environ ());
  ck_assert_msg (g_spawn_sync (nullptr, (gchar **) argv, env, G_SPAWN_SEARCH_PATH, nullptr,
          nullptr, &out, &err, &status, &error), "spawn: %s", error ? error->message : "");
  g_strfreev (env);
  std::string stdout_text = out, stderr_text = err;
  g_free (out);
  g_free (err);
  ck_assert_msg (g_spawn_check_wait_status (status, nullptr), "%s failed:\n%s\n%s", argv[0],
      stdout_text.c_str (), stderr_text.c_str ());
  ck_assert_msg (contains (stdout_text, "get_local_time") && contains (stdout_text, "get_weather")
      && contains (stdout_text, "STUB"), "unexpected output:\n%s", stdout_text.c_str ());
  auto responses = frames_with (server.recorded_frames (), "toolResponse");
  ck_assert_uint_eq (responses.size (), 2);
}

static const char *const EXAMPLE_SCENARIO = R"({"turns": [{"tool_calls": [
    {"id": "t1", "name": "get_local_time", "args": {}},
    {"id": "w1", "name": "get_weather", "args": {"city": "Paris"}}],
    "reply_after_tool": "It is noon and the weather stub says sunny."}]})";

static std::string example_cpp, example_py;

GST_START_TEST (cpp_voice_assistant_example_answers_both_tools)
{
  std::string scenario = write_scenario (EXAMPLE_SCENARIO);
  LocalServer server ({"--fast", "--scenario", scenario});
  std::string wav = test_data_path ("question-16k.wav");
  const char *argv[] = {example_cpp.c_str (), "--endpoint", server.endpoint ().c_str (),
      "--input", wav.c_str (), "--api-key", "test-key", nullptr};
  run_example (argv, server);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (python_voice_assistant_example_answers_both_tools)
{
  std::string scenario = write_scenario (EXAMPLE_SCENARIO);
  LocalServer server ({"--fast", "--scenario", scenario});
  std::string wav = test_data_path ("question-16k.wav");
  /* The system interpreter: python3-gi is a Debian package. */
  const char *argv[] = {"/usr/bin/python3", example_py.c_str (), "--endpoint",
      server.endpoint ().c_str (), "--input", wav.c_str (), "--api-key", "test-key", nullptr};
  run_example (argv, server);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
tools_suite ()
{
  Suite *s = suite_create ("geminilive-tools");
  TCase *tc = tcase_create ("tools");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, blocking_call_holds_microphone_audio_until_answered);
  tcase_add_test (tc, strict_server_closes_when_audio_is_not_held);
  tcase_add_test (tc, non_blocking_call_streams_on_and_answers_with_scheduling);
  tcase_add_test (tc, parallel_calls_get_one_response_each_from_any_thread);
  tcase_add_test (tc, cancelled_call_releases_audio_and_refuses_the_answer);
  tcase_add_test (tc, unanswered_call_is_answered_with_an_error_after_tool_timeout);
  tcase_add_test (tc, malformed_tools_fail_the_start_naming_the_field);
  if (!example_cpp.empty ())
    tcase_add_test (tc, cpp_voice_assistant_example_answers_both_tools);
  if (!example_py.empty ())
    tcase_add_test (tc, python_voice_assistant_example_answers_both_tools);
  suite_add_tcase (s, tc);
  return s;
}

/* argv[1], argv[2]: the C++ and Python examples (optional). */
int
main (int argc, char **argv)
{
  if (argc > 1)
    example_cpp = argv[1];
  if (argc > 2)
    example_py = argv[2];
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (tools_suite (), "geminilive-tools", __FILE__);
}
