/* gst-gemini-live element tests: what newer servers send, on the bus.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The local server speaks what the service sends now (docs/local-server.md):
 * extended thinking's filler with interactionStatus IN_PROGRESS, then the
 * answer with IDLE; interimInputTranscription, a transcript's languageCode,
 * setupComplete.sessionId and voiceActivity when the scenario asks for them;
 * thought parts when the setup asks for them. Each must reach the
 * application as the geminilive/... message docs/element.md describes, and
 * the EOS drain must wait for the end of an extended-thinking turn. Every
 * test names its model: the default model is not what these tests are about.
 */
#include "element_test_util.h"

#include "local_server.h"

#include <gst/app/gstappsrc.h>

using namespace gemlive::test;

static const GstClockTime TIMEOUT = 60 * GST_SECOND;

/* An appsrc microphone into geminilive (with `properties`) against a local
 * server playing `scenario`. */
struct SpokenSession {
  std::string scenario_path;
  LocalServer server;
  GstElement *pipeline, *live, *mic;
  SrcRecord record;
  BusLog log;

  SpokenSession (const std::string &scenario, const std::string &properties)
      : scenario_path (write_scenario (scenario)),
        server ({"--fast", "--scenario", scenario_path})
  {
    pipeline = launch ("appsrc name=mic format=time "
        "caps=audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=16000 ! "
        "geminilive name=live api-key=test-key " + properties + " endpoint="
        + server.endpoint () + " ! fakesink sync=false");
    live = by_name (pipeline, "live");
    mic = by_name (pipeline, "mic");
    record.attach (live);
  }
  ~SpokenSession ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (mic);
    gst_object_unref (live);
    gst_object_unref (pipeline);
    g_unlink (scenario_path.c_str ());
  }
  void push (guint ms, bool tone)
  {
    ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), pcm_16k (ms, tone)),
        GST_FLOW_OK);
  }
  /* One spoken turn the server's voice activity detection ends, answered. */
  void speak_one_turn ()
  {
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    push (600, true);
    push (800, false);
    ck_assert_msg (log.wait (pipeline, is_element_message ("geminilive/turn-complete"), TIMEOUT),
        "no answer; bus:\n%s", log.dump ().c_str ());
  }
  /* Position of the first message matching `match` on the bus, or the end. */
  template <typename Pred>
  size_t index_of (Pred match) const
  {
    for (size_t i = 0; i < log.messages.size (); i++)
      if (match (log.messages[i]))
        return i;
    return log.messages.size ();
  }
  /* Every element message `name` before position `end`, in order. */
  std::vector<const GstStructure *> before (size_t end, const char *name) const
  {
    std::vector<const GstStructure *> out;
    for (size_t i = 0; i < end && i < log.messages.size (); i++)
      if (is_element_message (name) (log.messages[i]))
        out.push_back (gst_message_get_structure (log.messages[i]));
    return out;
  }
  /* The output transcript posted before position `end`. */
  std::string output_text_before (size_t end) const
  {
    std::string text;
    for (auto s : before (end, "geminilive/output-transcription"))
      text += gst_structure_get_string (s, "text");
    return text;
  }
  /* Replies (DISCONT buffers) and their bytes that left src before its EOS. */
  int replies_before_eos (gsize &bytes)
  {
    int starts = 0;
    bytes = 0;
    for (const auto &item : record.snapshot ()) {
      if (item.what == "eos")
        break;
      if (item.what == "buffer") {
        starts += item.discont ? 1 : 0;
        bytes += item.size;
      }
    }
    return starts;
  }
};

static std::string
string_field (const GstStructure *s, const char *field)
{
  const gchar *value = gst_structure_get_string (s, field);
  ck_assert_msg (value != nullptr, "%s has no string '%s'", gst_structure_get_name (s), field);
  return value;
}

static void
assert_field_is (const GstStructure *s, const char *field, const char *expected)
{
  std::string value = string_field (s, field);
  ck_assert_msg (value == expected, "%s: %s is \"%s\", not \"%s\"", gst_structure_get_name (s),
      field, value.c_str (), expected);
}

static const char EXTENDED_THINKING[] =
    "model=gemini-3.8-live-extended-thinking thinking-level=low";
static const char QUESTION_AND_ANSWER[] = R"({"turns": [{
    "transcript": "What is the capital of France?",
    "reply": "Paris is the capital of France."}]})";

GST_START_TEST (extended_thinking_eos_drain_waits_for_idle_and_plays_the_answer)
{
  SpokenSession c (QUESTION_AND_ANSWER, EXTENDED_THINKING);
  gst_element_set_state (c.pipeline, GST_STATE_PLAYING);
  /* The question, and the input ends at once: the model first speaks a
   * filler ("Let me think…", turnComplete with IN_PROGRESS), then the answer
   * (turnComplete with IDLE). */
  c.push (600, true);
  ck_assert_int_eq (gst_app_src_end_of_stream (GST_APP_SRC (c.mic)), GST_FLOW_OK);
  ck_assert_msg (c.log.wait (c.pipeline, is_eos, TIMEOUT), "no EOS; bus:\n%s",
      c.log.dump ().c_str ());
  const size_t eos = c.index_of (is_eos);

  /* The filler and the answer both left src before its EOS (two replies),
   * not the filler alone. */
  gsize bytes = 0;
  int replies = c.replies_before_eos (bytes);
  ck_assert_msg (replies >= 2, "%d replies (%" G_GSIZE_FORMAT " bytes) left src before EOS, "
      "not the filler and the answer; bus:\n%s", replies, bytes, c.log.dump ().c_str ());
  std::string said = c.output_text_before (eos);
  ck_assert_msg (contains (said, "think") && contains (said, "Paris is the capital"),
      "said before EOS: \"%s\"; bus:\n%s", said.c_str (), c.log.dump ().c_str ());

  /* One turn: one turn-complete, after IDLE; IN_PROGRESS came before. */
  auto statuses = c.before (eos, "geminilive/interaction-status");
  ck_assert_msg (statuses.size () == 2, "%zu interaction-status messages; bus:\n%s",
      statuses.size (), c.log.dump ().c_str ());
  assert_field_is (statuses[0], "status", "in-progress");
  assert_field_is (statuses[1], "status", "idle");
  guint64 running_time = 0;
  ck_assert (gst_structure_get_uint64 (statuses[1], "running-time", &running_time));
  auto turn_ends = c.before (eos, "geminilive/turn-complete");
  ck_assert_msg (turn_ends.size () == 1, "%zu turn-complete for one turn; bus:\n%s",
      turn_ends.size (), c.log.dump ().c_str ());
  const size_t idle = c.index_of ([] (GstMessage *m) {
    return is_element_message ("geminilive/interaction-status") (m)
        && string_field (gst_message_get_structure (m), "status") == "idle";
  });
  ck_assert_msg (idle < c.index_of (is_element_message ("geminilive/turn-complete")),
      "turn-complete before IDLE; bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (!c.log.has (GST_MESSAGE_WARNING), "a warning (drain-timeout?); bus:\n%s",
      c.log.dump ().c_str ());
}
GST_END_TEST;

GST_START_TEST (extended_thinking_posts_turn_complete_once_per_turn)
{
  SpokenSession c (QUESTION_AND_ANSWER, EXTENDED_THINKING);
  c.speak_one_turn ();
  /* The first turn-complete must be the turn's end: the answer is in. */
  const size_t turn_end = c.index_of (is_element_message ("geminilive/turn-complete"));
  std::string said = c.output_text_before (turn_end);
  ck_assert_msg (contains (said, "Paris is the capital"),
      "turn-complete before the answer; said: \"%s\"; bus:\n%s", said.c_str (),
      c.log.dump ().c_str ());
  ck_assert_msg (c.before (turn_end, "geminilive/interaction-status").size () == 2,
      "IN_PROGRESS and IDLE not both before turn-complete; bus:\n%s", c.log.dump ().c_str ());
}
GST_END_TEST;

GST_START_TEST (a_turn_ends_at_turn_complete_on_models_without_interaction_status)
{
  SpokenSession c (QUESTION_AND_ANSWER, "model=gemini-3.8-live");
  gst_element_set_state (c.pipeline, GST_STATE_PLAYING);
  c.push (600, true);
  ck_assert_int_eq (gst_app_src_end_of_stream (GST_APP_SRC (c.mic)), GST_FLOW_OK);
  ck_assert_msg (c.log.wait (c.pipeline, is_eos, TIMEOUT), "no EOS; bus:\n%s",
      c.log.dump ().c_str ());
  const size_t eos = c.index_of (is_eos);
  ck_assert_msg (contains (c.output_text_before (eos), "Paris is the capital"),
      "EOS before the answer; bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (c.before (eos, "geminilive/turn-complete").size () == 1,
      "not one turn-complete before EOS; bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (c.before (eos, "geminilive/interaction-status").empty (),
      "interaction-status from a server that sent none; bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (!c.log.has (GST_MESSAGE_WARNING), "a warning; bus:\n%s",
      c.log.dump ().c_str ());
}
GST_END_TEST;

GST_START_TEST (interim_transcription_is_posted_with_interim_true_before_the_final_text)
{
  SpokenSession c (R"({"interim_transcription": true, "turns": [{
      "transcript": "What is the capital of France?", "reply": "Paris."}]})",
      "model=gemini-3.8-live");
  c.speak_one_turn ();
  std::vector<std::string> interim, final_texts;
  bool final_seen_before_interim = false;
  for (auto s : c.log.element_messages ("geminilive/input-transcription")) {
    gboolean is_interim = TRUE;
    ck_assert_msg (gst_structure_get_boolean (s, "interim", &is_interim),
        "input-transcription without 'interim'");
    ck_assert_msg (!gst_structure_has_field (s, "language-code"),
        "language-code where the server named no language");
    if (is_interim) {
      interim.push_back (string_field (s, "text"));
      final_seen_before_interim = final_seen_before_interim || !final_texts.empty ();
    } else {
      final_texts.push_back (string_field (s, "text"));
    }
  }
  /* The server sends the words so far: "What", "What is", … */
  ck_assert_msg (interim.size () == 6, "%zu interim transcripts; bus:\n%s", interim.size (),
      c.log.dump ().c_str ());
  ck_assert_str_eq (interim.front ().c_str (), "What");
  ck_assert_str_eq (interim.back ().c_str (), "What is the capital of France?");
  ck_assert_msg (final_texts.size () == 1, "%zu final transcripts", final_texts.size ());
  ck_assert_str_eq (final_texts[0].c_str (), "What is the capital of France?");
  ck_assert_msg (!final_seen_before_interim, "interim text after the final text");
}
GST_END_TEST;

GST_START_TEST (input_transcription_carries_the_language_the_server_named)
{
  SpokenSession c (R"({"interim_transcription": true, "turns": [{
      "transcript": "Wie spät ist es?", "transcript_language": "de-DE", "reply": "Zehn."}]})",
      "model=gemini-3.8-live");
  c.speak_one_turn ();
  auto transcripts = c.log.element_messages ("geminilive/input-transcription");
  ck_assert_msg (!transcripts.empty (), "no input-transcription; bus:\n%s",
      c.log.dump ().c_str ());
  for (auto s : transcripts)
    assert_field_is (s, "language-code", "de-DE");
  /* The model's speech came with no language: no field. */
  for (auto s : c.log.element_messages ("geminilive/output-transcription"))
    ck_assert_msg (!gst_structure_has_field (s, "language-code"),
        "language-code on the output where the server named none");
}
GST_END_TEST;

static std::vector<const GstStructure *>
connected_messages (const BusLog &log)
{
  std::vector<const GstStructure *> out;
  for (auto s : log.element_messages ("geminilive/session"))
    if (g_strcmp0 (gst_structure_get_string (s, "state"), "connected") == 0)
      out.push_back (s);
  return out;
}

static auto
is_connected ()
{
  return [] (GstMessage *m) {
    return is_element_message ("geminilive/session") (m)
        && g_strcmp0 (gst_structure_get_string (gst_message_get_structure (m), "state"),
               "connected") == 0;
  };
}

GST_START_TEST (session_id_is_in_the_connected_message_when_the_server_gives_one)
{
  {
    SpokenSession c (R"({"session_id": true})", "model=gemini-3.8-live");
    gst_element_set_state (c.pipeline, GST_STATE_PLAYING);
    ck_assert_msg (c.log.wait (c.pipeline, is_connected (), TIMEOUT), "not connected; bus:\n%s",
        c.log.dump ().c_str ());
    auto connected = connected_messages (c.log);
    ck_assert_uint_eq (connected.size (), 1);
    std::string id = string_field (connected[0], "session-id");
    /* The local server names its conversations c1, c2, … */
    ck_assert_msg (g_str_has_prefix (id.c_str (), "c") && id.size () > 1,
        "session-id \"%s\" is not the server's", id.c_str ());
  }
  {
    SpokenSession c ("{}", "model=gemini-3.8-live");
    gst_element_set_state (c.pipeline, GST_STATE_PLAYING);
    ck_assert (c.log.wait (c.pipeline, is_connected (), TIMEOUT));
    ck_assert_msg (!gst_structure_has_field (connected_messages (c.log)[0], "session-id"),
        "a session-id the server did not give");
  }
}
GST_END_TEST;

GST_START_TEST (voice_activity_is_posted_at_the_start_and_end_of_speech)
{
  SpokenSession c (R"({"voice_activity": true, "turns": [{"transcript": "Hello.",
      "reply": "Hi."}]})", "model=gemini-3.8-live");
  c.speak_one_turn ();
  auto activity = c.log.element_messages ("geminilive/voice-activity");
  ck_assert_msg (activity.size () == 2, "%zu voice-activity messages; bus:\n%s",
      activity.size (), c.log.dump ().c_str ());
  assert_field_is (activity[0], "type", "start");
  assert_field_is (activity[1], "type", "end");
  guint64 start = 0, end = 0, running_time = 0;
  ck_assert (gst_structure_get_uint64 (activity[0], "audio-offset", &start));
  ck_assert (gst_structure_get_uint64 (activity[1], "audio-offset", &end));
  ck_assert (gst_structure_get_uint64 (activity[1], "running-time", &running_time));
  /* The tone is the first 600 ms of the input; speech ends after it starts. */
  ck_assert_msg (start < 600 * GST_MSECOND && end > start && end <= 1400 * GST_MSECOND,
      "speech from %" GST_TIME_FORMAT " to %" GST_TIME_FORMAT " in 600 ms of tone",
      GST_TIME_ARGS (start), GST_TIME_ARGS (end));
  /* Both before the answer's end. */
  ck_assert (c.index_of (is_element_message ("geminilive/voice-activity"))
      < c.index_of (is_element_message ("geminilive/turn-complete")));
}
GST_END_TEST;

static std::string
session_state_of (GstMessage *m)
{
  if (!is_element_message ("geminilive/session") (m))
    return "";
  const gchar *state = gst_structure_get_string (gst_message_get_structure (m), "state");
  return state ? state : "";
}

GST_START_TEST (go_away_during_extended_thinking_resumes_after_idle_with_the_session_id)
{
  /* goAway at half of the filler: the answer is still to come on this
   * connection, so the element resumes only after IDLE. */
  SpokenSession c (R"({"session_id": true, "turns": [{
      "transcript": "What is the capital of France?",
      "reply": "Paris is the capital of France.",
      "fault": {"kind": "go_away", "time_left_ms": 20000, "mid_reply": true}}]})",
      EXTENDED_THINKING);
  c.speak_one_turn ();
  const size_t turn_end = c.index_of (is_element_message ("geminilive/turn-complete"));
  ck_assert_msg (contains (c.output_text_before (turn_end), "Paris is the capital"),
      "the answer was lost; bus:\n%s", c.log.dump ().c_str ());
  ck_assert_msg (c.log.wait (c.pipeline, [] (GstMessage *m) {
        return session_state_of (m) == "resumed"; }, TIMEOUT),
      "not resumed after goAway; bus:\n%s", c.log.dump ().c_str ());
  const size_t reconnecting = c.index_of ([] (GstMessage *m) {
    return session_state_of (m) == "reconnecting";
  });
  const size_t idle = c.index_of ([] (GstMessage *m) {
    return is_element_message ("geminilive/interaction-status") (m)
        && string_field (gst_message_get_structure (m), "status") == "idle";
  });
  ck_assert_msg (idle < reconnecting, "resumed before the interaction was over; bus:\n%s",
      c.log.dump ().c_str ());

  /* The resumed connection belongs to the same session: the same id. */
  std::string connected_id, resumed_id;
  for (auto s : c.log.element_messages ("geminilive/session")) {
    std::string state = gst_structure_get_string (s, "state");
    if (state == "connected")
      connected_id = string_field (s, "session-id");
    else if (state == "resumed")
      resumed_id = string_field (s, "session-id");
  }
  ck_assert_msg (!connected_id.empty () && connected_id == resumed_id,
      "session-id \"%s\" when connected, \"%s\" when resumed", connected_id.c_str (),
      resumed_id.c_str ());
  ck_assert_msg (c.log.first_error ().empty (), "error: %s", c.log.first_error ().c_str ());
}
GST_END_TEST;

static const char THINKING_MODEL[] = "model=gemini-2.5-flash-native-audio-preview-12-2025";

GST_START_TEST (thoughts_are_posted_with_include_thoughts)
{
  SpokenSession c (QUESTION_AND_ANSWER, std::string (THINKING_MODEL) + " include-thoughts=true");
  c.speak_one_turn ();
  auto thoughts = c.log.element_messages ("geminilive/thought");
  ck_assert_msg (thoughts.size () == 1, "%zu thoughts; bus:\n%s", thoughts.size (),
      c.log.dump ().c_str ());
  /* The server's thought quotes what it heard. */
  ck_assert_msg (contains (string_field (thoughts[0], "text"), "What is the capital of France?"),
      "thought: %s", string_field (thoughts[0], "text").c_str ());
  guint64 running_time = 0;
  ck_assert (gst_structure_get_uint64 (thoughts[0], "running-time", &running_time));
  /* A thought is never spoken or transcribed as the model's speech. */
  for (auto s : c.log.element_messages ("geminilive/output-transcription"))
    ck_assert (!contains (string_field (s, "text"), "I should answer briefly"));
}
GST_END_TEST;

GST_START_TEST (no_thoughts_without_include_thoughts)
{
  SpokenSession c (QUESTION_AND_ANSWER, THINKING_MODEL);
  c.speak_one_turn ();
  ck_assert_msg (c.log.element_messages ("geminilive/thought").empty (),
      "a thought without include-thoughts; bus:\n%s", c.log.dump ().c_str ());
  /* The setup did not ask for them. */
  for (const auto &frame : c.server.recorded_frames ())
    ck_assert_msg (!contains (frame, "includeThoughts"), "the setup asked for thoughts");
}
GST_END_TEST;

static Suite *
geminilive_server_news_suite (void)
{
  Suite *s = suite_create ("geminilive-server-news");
  TCase *tc = tcase_create ("server-news");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, extended_thinking_eos_drain_waits_for_idle_and_plays_the_answer);
  tcase_add_test (tc, extended_thinking_posts_turn_complete_once_per_turn);
  tcase_add_test (tc, a_turn_ends_at_turn_complete_on_models_without_interaction_status);
  tcase_add_test (tc, interim_transcription_is_posted_with_interim_true_before_the_final_text);
  tcase_add_test (tc, input_transcription_carries_the_language_the_server_named);
  tcase_add_test (tc, session_id_is_in_the_connected_message_when_the_server_gives_one);
  tcase_add_test (tc, voice_activity_is_posted_at_the_start_and_end_of_speech);
  tcase_add_test (tc, go_away_during_extended_thinking_resumes_after_idle_with_the_session_id);
  tcase_add_test (tc, thoughts_are_posted_with_include_thoughts);
  tcase_add_test (tc, no_thoughts_without_include_thoughts);
  return s;
}

GST_CHECK_MAIN (geminilive_server_news);
