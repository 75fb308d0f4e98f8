/* gst-gemini-live element tests: the element follows the chosen Live model.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Against the local server, which enforces each model's rules the way the
 * service does (tools/model_policy.*): a setting the model refuses fails the
 * start before any connection; a 1007 naming a setting becomes an error
 * naming the property; gemini-3.8-live is the default; the model-aware
 * setup properties reach the wire; function calls block (or not) and carry
 * scheduling (or not) as the model and the backend say; system-instruction
 * and tools changed while PLAYING go out as contextUpdate or through a
 * resumed connection, confirmed on the bus (docs/models.md).
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

#include <cmath>
#include <condition_variable>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

static const char *const MODEL_2_5 = "gemini-2.5-flash-native-audio-preview-12-2025";
static const char *const MODEL_3_1 = "gemini-3.1-flash-live-preview";
static const char *const MODEL_3_8 = "gemini-3.8-live";
static const char *const MODEL_EXTENDED = "gemini-3.8-live-extended-thinking";

/* One conversation: the local server, a live appsrc microphone into
 * geminilive (with `properties`, launch syntax), and what the bus and the
 * tool-call signal saw. */
struct ModelRun {
  std::string scenario_path;
  LocalServer *server = nullptr;
  GstElement *pipeline = nullptr, *live = nullptr, *mic = nullptr;
  BusLog log;
  std::mutex lock;
  std::condition_variable cond;
  std::vector<std::string> call_ids;
  gsize pushed = 0;

  ModelRun (const std::string &properties, const std::string &scenario = "",
      std::vector<std::string> server_args = {"--fast"})
  {
    if (!scenario.empty ()) {
      scenario_path = write_scenario (scenario);
      server_args.push_back ("--scenario");
      server_args.push_back (scenario_path);
    }
    server = new LocalServer (server_args);
    pipeline = launch ("appsrc name=mic is-live=true format=time "
        "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
        "geminilive name=live endpoint=" + server->endpoint () + " " + properties
        + " ! fakesink sync=false async=false");
    live = by_name (pipeline, "live");
    mic = by_name (pipeline, "mic");
    g_signal_connect (live, "tool-call", G_CALLBACK (on_tool_call), this);
  }

  ~ModelRun ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (mic);
    gst_object_unref (live);
    gst_object_unref (pipeline);
    delete server;
    if (!scenario_path.empty ())
      g_unlink (scenario_path.c_str ());
  }

  static void on_tool_call (GstElement *, const gchar *id, const gchar *, const gchar *,
      gpointer data)
  {
    auto self = static_cast<ModelRun *> (data);
    std::lock_guard<std::mutex> guard (self->lock);
    self->call_ids.push_back (id);
    self->cond.notify_all ();
  }

  GstStateChangeReturn start () { return gst_element_set_state (pipeline, GST_STATE_PLAYING); }

  void push (guint ms, bool tone)
  {
    GstBuffer *buffer = pcm_16k (ms, tone);
    const gsize size = gst_buffer_get_size (buffer);
    GstFlowReturn ret;
    g_signal_emit_by_name (mic, "push-buffer", buffer, &ret);
    gst_buffer_unref (buffer);
    ck_assert_int_eq (ret, GST_FLOW_OK);
    pushed += size;
  }

  /* Speech, then enough silence for the server's VAD to end the turn. */
  void speak_turn ()
  {
    push (600, true);
    push (800, false);
  }

  bool wait_calls (size_t n)
  {
    std::unique_lock<std::mutex> guard (lock);
    return cond.wait_for (guard, std::chrono::seconds (60), [&] { return call_ids.size () >= n; });
  }

  /* The n-th (1-based) message called `name`, waiting for it. */
  bool wait_messages (const char *name, size_t n = 1)
  {
    return log.wait (pipeline, [&] (GstMessage *) {
      return log.element_messages (name).size () >= n; }, TIMEOUT)
        || log.element_messages (name).size () >= n;
  }

  bool wait_error ()
  {
    return log.has (GST_MESSAGE_ERROR) || log.wait (pipeline, [] (GstMessage *m) {
      return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR; }, TIMEOUT);
  }

  /* Polls the server's record until `done` holds (waits for delivery only). */
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

  std::vector<std::string> frames_with (const std::string &needle)
  {
    std::vector<std::string> out;
    for (const auto &f : server->recorded_frames ())
      if (contains (f, needle))
        out.push_back (f);
    return out;
  }

  bool answer (const char *id, const char *json, const char *scheduling)
  {
    gboolean ok = FALSE;
    g_signal_emit_by_name (live, "send-tool-response", id, nullptr, json, scheduling, &ok);
    return ok;
  }

  std::string errors () { return log.first_error (); }
};

/* A JSON object parsed from one recorded frame; unref with g_object_unref. */
struct ParsedFrame {
  JsonParser *parser = json_parser_new ();
  explicit ParsedFrame (const std::string &text)
  {
    ck_assert_msg (json_parser_load_from_data (parser, text.c_str (), -1, nullptr), "%s",
        text.c_str ());
  }
  ~ParsedFrame () { g_object_unref (parser); }
  JsonObject *root () { return json_node_get_object (json_parser_get_root (parser)); }
  JsonObject *object (const char *name) { return json_object_get_object_member (root (), name); }
};

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  return object && json_object_has_member (object, name)
      ? json_object_get_object_member (object, name) : nullptr;
}

/* --- settings the model refuses: before any connection --------------- */

GST_START_TEST (refused_setting_fails_the_start_before_connecting_naming_the_property)
{
  struct Case {
    std::string properties;
    const char *property;  /* the error must name it */
  };
  const std::vector<Case> cases = {
    {std::string ("model=") + MODEL_EXTENDED, "thinking-level"},
    {std::string ("model=") + MODEL_EXTENDED + " thinking-level=minimal", "thinking-level"},
    {std::string ("model=") + MODEL_EXTENDED + " thinking-level=high tools="
         "\"[{\\\"functionDeclarations\\\":[{\\\"name\\\":\\\"f\\\",\\\"behavior\\\":"
         "\\\"BLOCKING\\\"}]}]\"", "tools"},
    {std::string ("model=") + MODEL_3_8 + " affective-dialog=true", "affective-dialog"},
    {std::string ("model=") + MODEL_3_8 + " code-execution=true", "code-execution"},
    {std::string ("model=") + MODEL_3_1 + " proactive-audio=true", "proactive-audio"},
    {std::string ("model=") + MODEL_3_8 + " thinking-budget=0", "thinking-budget"},
    /* Found under the Vertex resource name too. */
    {std::string ("backend=vertex-ai location=us-central1 model=") + MODEL_EXTENDED,
        "thinking-level"},
  };
  for (const auto &c : cases) {
    ModelRun run ("api-key=test-model-key " + c.properties);
    ck_assert_msg (gst_element_set_state (run.pipeline, GST_STATE_PAUSED)
            == GST_STATE_CHANGE_FAILURE, "%s: the start did not fail", c.properties.c_str ());
    ck_assert (run.wait_error ());
    GQuark domain = 0;
    gint code = 0;
    std::string error = run.log.first_error (&domain, &code);
    ck_assert_msg (contains (error, c.property), "%s: the error does not name %s: %s",
        c.properties.c_str (), c.property, error.c_str ());
    ck_assert_msg (contains (error, "gemini-3."), "%s: the model is not named: %s",
        c.properties.c_str (), error.c_str ());
    ck_assert (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_SETTINGS);
    ck_assert_msg (run.log.element_messages ("geminilive/session").empty (),
        "%s: a connection was started", c.properties.c_str ());
    /* The server would have recorded the setup of any connection. */
    g_usleep (200 * G_TIME_SPAN_MILLISECOND);
    ck_assert_msg (run.server->recorded_frames ().empty (), "%s: the server got a frame",
        c.properties.c_str ());
  }
  /* The message the issue asks for, word for word. */
  ModelRun run (std::string ("api-key=test-model-key model=") + MODEL_EXTENDED);
  gst_element_set_state (run.pipeline, GST_STATE_PAUSED);
  ck_assert (run.wait_error ());
  ck_assert_msg (contains (run.errors (),
                     "gemini-3.8-live-extended-thinking needs thinking-level (low, medium or high)"),
      "%s", run.errors ().c_str ());
}
GST_END_TEST;

GST_START_TEST (close_1007_naming_a_setting_becomes_an_error_naming_the_property)
{
  /* A model the catalog does not know is not checked before connecting; the
   * service then refuses the setting with its own reason. */
  ModelRun run ("api-key=test-model-key model=gemini-9.9-live-experimental",
      R"({"known_models": ["gemini-9.9-live-experimental"], "close_after_ms": 0,
          "close_after": {"code": 1007,
                          "reason": "Thinking level must be specified for this model"}})");
  run.start ();
  ck_assert_msg (run.wait_error (), "no error; bus:\n%s", run.log.dump ().c_str ());
  GQuark domain = 0;
  gint code = 0;
  std::string error = run.log.first_error (&domain, &code);
  ck_assert_msg (contains (error, "thinking-level") && contains (error, "close 1007")
          && contains (error, "gemini-9.9-live-experimental")
          && contains (error, "low, medium or high"), "error: %s", error.c_str ());
  ck_assert (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_SETTINGS);
}
GST_END_TEST;

/* --- the default and the older models --------------------------------- */

GST_START_TEST (default_model_is_gemini_3_8_live)
{
  ModelRun run ("api-key=test-model-key");
  gchar *model = nullptr;
  g_object_get (run.live, "model", &model, nullptr);
  ck_assert_str_eq (model, MODEL_3_8);
  g_free (model);
  run.start ();
  run.speak_turn ();
  ck_assert_msg (run.wait_messages ("geminilive/turn-complete"), "no reply; bus:\n%s",
      run.log.dump ().c_str ());
  ck_assert_msg (run.errors ().empty (), "error: %s", run.errors ().c_str ());
  ParsedFrame setup (run.server->recorded_frames ()[0]);
  ck_assert_str_eq (json_object_get_string_member (setup.object ("setup"), "model"),
      "models/gemini-3.8-live");
  /* 3.8 takes no thinkingConfig and no proactiveAudio false: none was sent. */
  ck_assert (!contains (run.server->recorded_frames ()[0], "thinkingConfig"));
  ck_assert (!contains (run.server->recorded_frames ()[0], "proactiveAudio"));
}
GST_END_TEST;

GST_START_TEST (seed_and_preview_models_still_converse)
{
  for (const char *model : {MODEL_2_5, MODEL_3_1}) {
    ModelRun run (std::string ("api-key=test-model-key model=") + model);
    run.start ();
    run.speak_turn ();
    ck_assert_msg (run.wait_messages ("geminilive/turn-complete"), "%s: no reply; bus:\n%s",
        model, run.log.dump ().c_str ());
    ck_assert_msg (run.errors ().empty (), "%s: error: %s", model, run.errors ().c_str ());
    ck_assert_msg (!run.log.element_messages ("geminilive/output-transcription").empty (),
        "%s: the reply was not heard", model);
    ParsedFrame setup (run.server->recorded_frames ()[0]);
    const std::string expected = std::string ("models/") + model;
    ck_assert_str_eq (json_object_get_string_member (setup.object ("setup"), "model"),
        expected.c_str ());
  }
}
GST_END_TEST;

/* --- the model-aware setup properties on the wire --------------------- */

GST_START_TEST (thinking_level_reaches_the_wire_on_extended_thinking)
{
  ModelRun run (std::string ("api-key=test-model-key thinking-level=high model=") + MODEL_EXTENDED);
  run.start ();
  ck_assert_msg (run.wait_record ([] (const std::vector<std::string> &f) { return !f.empty (); }),
      "no setup");
  ParsedFrame setup (run.server->recorded_frames ()[0]);
  JsonObject *thinking = member_object (member_object (setup.object ("setup"),
      "generationConfig"), "thinkingConfig");
  ck_assert_msg (thinking != nullptr, "no thinkingConfig: %s",
      run.server->recorded_frames ()[0].c_str ());
  ck_assert_str_eq (json_object_get_string_member (thinking, "thinkingLevel"), "HIGH");
  ck_assert (!json_object_has_member (thinking, "thinkingBudget"));
  /* The server refuses a wrong thinking setup with 1007: it took this one. */
  run.speak_turn ();
  ck_assert_msg (run.wait_messages ("geminilive/output-transcription"), "no reply; bus:\n%s",
      run.log.dump ().c_str ());
  ck_assert_msg (run.errors ().empty (), "error: %s", run.errors ().c_str ());
}
GST_END_TEST;

GST_START_TEST (model_aware_setup_properties_reach_the_wire)
{
  ModelRun run ("api-key=test-model-key proactive-video=true transcription-languages=\"en-US, de-DE\" "
      "custom-vocabulary=\"GStreamer,Gemini Live, libsoup\" history-in-client-content=true "
      "turn-coverage=audio-activity-and-all-video");
  run.start ();
  run.speak_turn ();
  ck_assert_msg (run.wait_messages ("geminilive/turn-complete"), "no reply; bus:\n%s",
      run.log.dump ().c_str ());
  ck_assert_msg (run.errors ().empty (), "error: %s", run.errors ().c_str ());
  const std::string text = run.server->recorded_frames ()[0];
  ParsedFrame frame (text);
  JsonObject *setup = frame.object ("setup");
  JsonObject *proactivity = member_object (setup, "proactivity");
  ck_assert_msg (proactivity && json_object_get_boolean_member (proactivity, "proactiveVideo"),
      "%s", text.c_str ());
  JsonObject *history = member_object (setup, "historyConfig");
  ck_assert_msg (history && json_object_get_boolean_member (history,
                                "initialHistoryInClientContent"), "%s", text.c_str ());
  JsonObject *realtime = member_object (setup, "realtimeInputConfig");
  ck_assert_msg (realtime, "%s", text.c_str ());
  ck_assert_str_eq (json_object_get_string_member (realtime, "turnCoverage"),
      "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO");
  JsonObject *transcription = member_object (setup, "inputAudioTranscription");
  ck_assert_msg (transcription, "%s", text.c_str ());
  JsonArray *languages = json_object_get_array_member (transcription, "languageCodes");
  ck_assert_uint_eq (json_array_get_length (languages), 2);
  ck_assert_str_eq (json_array_get_string_element (languages, 0), "en-US");
  ck_assert_str_eq (json_array_get_string_element (languages, 1), "de-DE");
  JsonArray *vocabulary = json_object_get_array_member (transcription, "customVocabulary");
  ck_assert_uint_eq (json_array_get_length (vocabulary), 3);
  ck_assert_str_eq (json_array_get_string_element (vocabulary, 1), "Gemini Live");
  ck_assert_str_eq (json_array_get_string_element (vocabulary, 2), "libsoup");
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, run.server->recorded_frames (), report),
      "client frames do not validate: %s", report.c_str ());
}
GST_END_TEST;

/* send-client-content after the model's first turn on 3.1: closed without
 * historyConfig (as the service does), fine with history-in-client-content. */
static std::string
client_content_after_first_turn_on_3_1 (bool history, ModelRun *&out)
{
  auto run = new ModelRun (std::string ("api-key=test-model-key reconnect-attempts=0 model=") + MODEL_3_1
      + (history ? " history-in-client-content=true" : ""));
  out = run;
  run->start ();
  run->speak_turn ();
  ck_assert_msg (run->wait_messages ("geminilive/turn-complete"), "no first reply; bus:\n%s",
      run->log.dump ().c_str ());
  gboolean ok = FALSE;
  g_signal_emit_by_name (run->live, "send-client-content", "user", "And in German?", TRUE, &ok);
  ck_assert (ok);
  run->log.wait (run->pipeline, [run] (GstMessage *) {
    return run->log.element_messages ("geminilive/turn-complete").size () >= 2; }, TIMEOUT);
  return run->errors ();
}

GST_START_TEST (history_in_client_content_lets_client_content_follow_the_first_turn_on_3_1)
{
  ModelRun *without = nullptr;
  std::string error = client_content_after_first_turn_on_3_1 (false, without);
  ck_assert_msg (contains (error, "1007"), "the server did not close: %s\nbus:\n%s",
      error.c_str (), without->log.dump ().c_str ());
  delete without;

  ModelRun *with = nullptr;
  error = client_content_after_first_turn_on_3_1 (true, with);
  ck_assert_msg (error.empty (), "error: %s", error.c_str ());
  ck_assert_uint_ge (with->log.element_messages ("geminilive/turn-complete").size (), 2);
  ck_assert (!with->frames_with ("And in German?").empty ());
  delete with;
}
GST_END_TEST;

/* --- function calls follow the model ---------------------------------- */

static const char *const UNDECLARED_TOOLS = R"([{"functionDeclarations": [
  {"name": "get_weather", "description": "Weather in a city",
   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]}])";
static const char *const WEATHER_CALL = R"({"turns": [{"stall_ms": 1500, "tool_calls": [
  {"id": "call-w", "name": "get_weather", "args": {"city": "Paris"}}],
  "reply_after_tool": "It is sunny in Paris."}]})";

/* Audio bytes the server received before the first frame holding `marker`. */
static gsize
audio_before (const std::vector<std::string> &frames, const std::string &marker)
{
  gsize before = 0;
  for (const auto &frame : frames) {
    if (contains (frame, marker))
      break;
    for (const auto &chunk : recorded_audio_chunks ({frame}))
      before += chunk.second;
  }
  return before;
}

GST_START_TEST (undeclared_call_keeps_the_microphone_open_on_3_8_and_holds_it_on_2_5)
{
  for (const char *model : {MODEL_3_8, MODEL_2_5}) {
    const bool blocks = g_strcmp0 (model, MODEL_2_5) == 0;
    /* --strict-tool-audio: the server closes (1008) on audio during a call it
     * runs blocking; on 3.8 it runs the undeclared call non-blocking. */
    ModelRun run (std::string ("api-key=test-model-key model=") + model, WEATHER_CALL,
        {"--fast", "--strict-tool-audio"});
    g_object_set (run.live, "tools", UNDECLARED_TOOLS, nullptr);
    run.start ();
    run.speak_turn ();
    ck_assert_msg (run.wait_calls (1), "%s: no tool-call; bus:\n%s", model,
        run.log.dump ().c_str ());
    ck_assert (run.wait_messages ("geminilive/tool-call"));
    gboolean blocking = !blocks;
    ck_assert (gst_structure_get_boolean (run.log.element_messages ("geminilive/tool-call")[0],
        "blocking", &blocking));
    ck_assert_msg (blocking == blocks, "%s: tool-call blocking=%d", model, blocking);
    g_usleep (1500 * G_TIME_SPAN_MILLISECOND);  /* past the server's in-flight grace */
    run.push (1000, false);
    const gsize pushed = run.pushed;
    if (blocks) {
      /* Held: nothing of it reaches the server before the answer. */
      g_usleep (G_USEC_PER_SEC);
      ck_assert_msg (audio_before (run.server->recorded_frames (), "toolResponse") < pushed,
          "%s: audio during the blocking call was not held", model);
    } else {
      ck_assert_msg (run.wait_record ([&] (const std::vector<std::string> &f) {
        return audio_before (f, "toolResponse") == pushed; }),
          "%s: audio during the non-blocking call was held back", model);
    }
    ck_assert (run.answer ("call-w", R"({"sky": "sunny"})", nullptr));
    ck_assert_msg (run.wait_messages ("geminilive/turn-complete"), "%s: no reply; bus:\n%s",
        model, run.log.dump ().c_str ());
    ck_assert_msg (run.errors ().empty (), "%s: error: %s", model, run.errors ().c_str ());
    ck_assert_msg (!contains (run.log.dump (), "1008"), "%s: the strict server closed", model);
  }
}
GST_END_TEST;

/* The scheduling the answer carried on the wire ("" = none). */
static std::string
scheduling_sent (const std::string &properties, const char *tools, const char *scheduling)
{
  ModelRun run ("api-key=test-model-key " + properties, WEATHER_CALL);
  g_object_set (run.live, "tools", tools, nullptr);
  run.start ();
  run.speak_turn ();
  ck_assert_msg (run.wait_calls (1), "%s: no tool-call; bus:\n%s", properties.c_str (),
      run.log.dump ().c_str ());
  ck_assert_msg (run.answer ("call-w", R"({"sky": "sunny"})", scheduling), "%s: refused",
      properties.c_str ());
  ck_assert (run.wait_record ([] (const std::vector<std::string> &f) {
    for (const auto &frame : f)
      if (contains (frame, "toolResponse"))
        return true;
    return false; }));
  std::string response = run.frames_with ("toolResponse")[0];
  /* A scheduling the model refuses would have closed the session. */
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  ck_assert_msg (run.errors ().empty (), "%s: error: %s", properties.c_str (),
      run.errors ().c_str ());
  size_t at = response.find ("\"scheduling\":\"");
  if (at == std::string::npos)
    return "";
  at += strlen ("\"scheduling\":\"");
  return response.substr (at, response.find ('"', at) - at);
}

GST_START_TEST (scheduling_is_sent_only_where_the_model_and_backend_take_it)
{
  static const char *const DECLARED_NON_BLOCKING = R"([{"functionDeclarations": [
    {"name": "get_weather", "behavior": "NON_BLOCKING"}]}])";
  const std::string vertex = "backend=vertex-ai location=us-central1 ";
  /* Gemini API, 3.8: the undeclared call runs NON_BLOCKING and takes it. */
  const std::string gemini_api = scheduling_sent (std::string ("model=") + MODEL_3_8,
      UNDECLARED_TOOLS, "when-idle");
  ck_assert_str_eq (gemini_api.c_str (), "WHEN_IDLE");
  /* Vertex: only for a call the user declared NON_BLOCKING. */
  const std::string vertex_undeclared = scheduling_sent (vertex + "model=" + MODEL_3_8,
      UNDECLARED_TOOLS, "when-idle");
  ck_assert_str_eq (vertex_undeclared.c_str (), "");
  const std::string vertex_declared = scheduling_sent (vertex + "model=" + MODEL_3_8,
      DECLARED_NON_BLOCKING, "interrupt");
  ck_assert_str_eq (vertex_declared.c_str (), "INTERRUPT");
  /* Extended thinking refuses the field (1007) whatever was declared. */
  const std::string extended = scheduling_sent (std::string ("thinking-level=low model=")
      + MODEL_EXTENDED, DECLARED_NON_BLOCKING, "silent");
  ck_assert_str_eq (extended.c_str (), "");
}
GST_END_TEST;

/* --- system-instruction and tools changed while PLAYING --------------- */

/* The geminilive/context-update messages for `setting`. */
static std::vector<const GstStructure *>
context_updates (ModelRun &run, const char *setting)
{
  std::vector<const GstStructure *> out;
  for (auto s : run.log.element_messages ("geminilive/context-update"))
    if (g_strcmp0 (gst_structure_get_string (s, "setting"), setting) == 0)
      out.push_back (s);
  return out;
}

static void
check_update (const GstStructure *s, const char *applied, bool ok)
{
  gboolean was_ok = !ok;
  ck_assert (gst_structure_get_boolean (s, "ok", &was_ok));
  gchar *text = gst_structure_to_string (s);
  ck_assert_msg (was_ok == ok, "%s", text);
  ck_assert_msg (g_strcmp0 (gst_structure_get_string (s, "applied"), applied) == 0, "%s", text);
  g_free (text);
}

GST_START_TEST (playing_changes_on_3_8_go_out_as_context_update)
{
  /* The second turn calls get_weather, which the new tools declare BLOCKING
   * (on 3.8 an undeclared call would not block). */
  static const char *const BLOCKING_TOOLS = R"([{"functionDeclarations": [
    {"name": "get_weather", "description": "Weather in a city", "behavior": "BLOCKING"}]}])";
  ModelRun run ("api-key=test-model-key system-instruction=\"Be brief.\"",
      R"({"turns": [{"reply": "Hello there."}, {"tool_calls": [{"id": "call-w",
          "name": "get_weather", "args": {"city": "Paris"}}],
          "reply_after_tool": "It is sunny in Paris."}]})");
  run.start ();
  run.speak_turn ();
  ck_assert_msg (run.wait_messages ("geminilive/turn-complete"), "no reply; bus:\n%s",
      run.log.dump ().c_str ());
  g_object_set (run.live, "system-instruction", "Answer in German.", nullptr);
  g_object_set (run.live, "tools", BLOCKING_TOOLS, nullptr);
  ck_assert_msg (run.wait_messages ("geminilive/context-update", 2), "no confirmation; bus:\n%s",
      run.log.dump ().c_str ());
  check_update (context_updates (run, "system-instruction").at (0), "context-update", true);
  check_update (context_updates (run, "tools").at (0), "context-update", true);
  ck_assert (run.wait_record ([] (const std::vector<std::string> &f) {
    int updates = 0;
    for (const auto &frame : f)
      updates += contains (frame, "\"contextUpdate\"");
    return updates >= 2; }));
  auto updates = run.frames_with ("\"contextUpdate\"");
  ck_assert_msg (contains (updates[0], "Answer in German."), "%s", updates[0].c_str ());
  ck_assert_msg (contains (updates[1], "\"functionDeclarations\"")
          && contains (updates[1], "\"behavior\":\"BLOCKING\""), "%s", updates[1].c_str ());
  /* No new connection: one setup only. */
  ck_assert_uint_eq (run.frames_with ("\"setup\"").size (), 1);

  /* A change the model refuses is refused on the bus; the session goes on. */
  g_object_set (run.live, "tools", "[{\"codeExecution\": {}}]", nullptr);
  ck_assert (run.wait_messages ("geminilive/context-update", 3));
  auto refused = context_updates (run, "tools").at (1);
  check_update (refused, "context-update", false);
  ck_assert_msg (contains (gst_structure_get_string (refused, "reason"), "codeExecution"),
      "%s", gst_structure_get_string (refused, "reason"));
  /* Later calls follow the new declarations. */
  run.speak_turn ();
  ck_assert_msg (run.wait_calls (1), "no tool-call; bus:\n%s", run.log.dump ().c_str ());
  ck_assert (run.wait_messages ("geminilive/tool-call"));
  gboolean blocking = FALSE;
  ck_assert (gst_structure_get_boolean (run.log.element_messages ("geminilive/tool-call")[0],
      "blocking", &blocking));
  ck_assert_msg (blocking, "the call does not follow the updated tools (BLOCKING)");
  ck_assert (run.answer ("call-w", R"({"sky": "sunny"})", nullptr));
  ck_assert_msg (run.wait_messages ("geminilive/turn-complete", 2), "no second reply; bus:\n%s",
      run.log.dump ().c_str ());
  ck_assert_msg (run.errors ().empty (), "error: %s", run.errors ().c_str ());
  ck_assert_uint_eq (run.frames_with ("\"contextUpdate\"").size (), 2);
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, run.server->recorded_frames (), report),
      "client frames do not validate: %s", report.c_str ());
}
GST_END_TEST;

GST_START_TEST (playing_changes_without_context_update_resume_the_session_with_the_handle)
{
  ModelRun run (std::string ("api-key=test-model-key model=") + MODEL_2_5);
  run.start ();
  run.speak_turn ();
  ck_assert_msg (run.wait_messages ("geminilive/turn-complete"), "no reply; bus:\n%s",
      run.log.dump ().c_str ());
  gchar *handle = nullptr;
  g_object_get (run.live, "resumption-handle", &handle, nullptr);
  ck_assert_msg (handle && *handle, "the server gave no handle");
  g_free (handle);

  g_object_set (run.live, "system-instruction", "Answer in German.", nullptr);
  ck_assert_msg (run.wait_messages ("geminilive/context-update"), "no confirmation; bus:\n%s",
      run.log.dump ().c_str ());
  check_update (context_updates (run, "system-instruction").at (0), "reconnect", true);
  auto setups = run.frames_with ("\"setup\"");
  ck_assert_uint_eq (setups.size (), 2);
  ck_assert_msg (contains (setups[1], "Answer in German."), "%s", setups[1].c_str ());
  ck_assert_msg (contains (setups[1], "\"sessionResumption\":{\"handle\":\"local-"),
      "not resumed with a handle: %s", setups[1].c_str ());
  /* The server knew the handle: the conversation was kept. */
  auto states = run.log.element_messages ("geminilive/session");
  bool kept = false;
  for (auto st : states) {
    gboolean context_kept = FALSE;
    if (g_strcmp0 (gst_structure_get_string (st, "state"), "resumed") == 0
        && gst_structure_get_boolean (st, "context-kept", &context_kept))
      kept = context_kept;
  }
  ck_assert_msg (kept, "no resumed session with context kept; bus:\n%s", run.log.dump ().c_str ());
  ck_assert (run.frames_with ("\"contextUpdate\"").empty ());

  /* The conversation goes on over the new connection. */
  run.speak_turn ();
  ck_assert_msg (run.wait_messages ("geminilive/turn-complete", 2), "no second reply; bus:\n%s",
      run.log.dump ().c_str ());
  ck_assert_msg (run.errors ().empty (), "error: %s", run.errors ().c_str ());
}
GST_END_TEST;

static Suite *
models_suite ()
{
  Suite *s = suite_create ("geminilive-models");
  TCase *tc = tcase_create ("models");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, refused_setting_fails_the_start_before_connecting_naming_the_property);
  tcase_add_test (tc, close_1007_naming_a_setting_becomes_an_error_naming_the_property);
  tcase_add_test (tc, default_model_is_gemini_3_8_live);
  tcase_add_test (tc, seed_and_preview_models_still_converse);
  tcase_add_test (tc, thinking_level_reaches_the_wire_on_extended_thinking);
  tcase_add_test (tc, model_aware_setup_properties_reach_the_wire);
  tcase_add_test (tc, history_in_client_content_lets_client_content_follow_the_first_turn_on_3_1);
  tcase_add_test (tc, undeclared_call_keeps_the_microphone_open_on_3_8_and_holds_it_on_2_5);
  tcase_add_test (tc, scheduling_is_sent_only_where_the_model_and_backend_take_it);
  tcase_add_test (tc, playing_changes_on_3_8_go_out_as_context_update);
  tcase_add_test (tc, playing_changes_without_context_update_resume_the_session_with_the_handle);
  return s;
}

GST_CHECK_MAIN (models);
