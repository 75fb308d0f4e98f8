/* gst-gemini-live unit tests: the reconnection rules
 * (gst/live/reconnect_policy.h) and the contextWindowCompression setup part.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"
#include "live/protocol.h"
#include "live/reconnect_policy.h"

#include <glib.h>

#include <cstring>
#include <string>

namespace {

using namespace gemlive;

SessionEnd
closed (int code, const std::string &reason, bool after_setup)
{
  SessionEnd end;
  end.kind = SessionEnd::Kind::CLOSED;
  end.close_code = code;
  end.reason = reason;
  end.after_setup = after_setup;
  return end;
}

EndContext
established ()
{
  EndContext context;
  context.ever_ready = true;
  context.sent_handle = true;
  return context;
}

void
test_close_after_go_away_resumes_at_once ()
{
  EndContext context = established ();
  context.go_away_received = true;
  auto end = closed (1011, "Deadline expired before operation could complete.", true);
  g_assert_true (classify_end (end, context) == EndAction::RESUME_NOW);
  /* The service's answer to a client that lingered after goAway. */
  end = closed (1008, "Connection aborted because the client failed to close", true);
  g_assert_true (classify_end (end, context) == EndAction::RESUME_NOW);
}

ServerMessage
reply_audio ()
{
  ServerMessage m;
  static const guint8 pcm[4] = {0};
  m.audio.emplace_back (g_bytes_new (pcm, sizeof pcm));
  return m;
}

/* goAway during an extended-thinking interaction: the filler's turnComplete
 * (beside IN_PROGRESS) is not the end of the reply; IDLE is. */
void
test_go_away_waits_for_idle_after_in_progress ()
{
  GoAwayPlanner planner;
  ServerMessage filler_end;
  filler_end.turn_complete = true;
  filler_end.interaction_status = InteractionStatus::IN_PROGRESS;
  ServerMessage go_away;
  go_away.go_away = GoAway {10000};
  ServerMessage idle;
  idle.turn_complete = true;
  idle.interaction_status = InteractionStatus::IDLE;

  g_assert_true (planner.on_message (reply_audio ()).step == GoAwayPlanner::Step::NONE);
  g_assert_true (planner.on_message (filler_end).step == GoAwayPlanner::Step::NONE);
  g_assert_true (planner.in_reply ());
  GoAwayPlanner::Decision plan = planner.on_message (go_away);
  g_assert_true (plan.step == GoAwayPlanner::Step::RESUME_AFTER);
  g_assert_cmpint (plan.delay_ms, ==, 5000);
  g_assert_true (planner.on_message (reply_audio ()).step == GoAwayPlanner::Step::NONE);
  g_assert_true (planner.on_message (idle).step == GoAwayPlanner::Step::RESUME_NOW);

  /* Without IN_PROGRESS a turnComplete ends the reply, as before. */
  GoAwayPlanner plain;
  ServerMessage turn_end;
  turn_end.turn_complete = true;
  plain.on_message (reply_audio ());
  g_assert_true (plain.on_message (go_away).step == GoAwayPlanner::Step::RESUME_AFTER);
  g_assert_true (plain.on_message (turn_end).step == GoAwayPlanner::Step::RESUME_NOW);
}

void
test_transient_closes_are_retried ()
{
  for (int code : {1000, 1001, 1006, 1011, 1012, 1013, 1014})
    g_assert_true (classify_end (closed (code, "", true), established ()) == EndAction::RETRY);
  /* Seen at random after tool responses; resuming recovers. */
  g_assert_true (classify_end (closed (1008, "Requested entity was not found.", true),
          established ()) == EndAction::RETRY);
  /* The resumption raced the old connection's close: try again later. */
  g_assert_true (classify_end (closed (1011, "The service is currently unavailable.", false),
          established ()) == EndAction::RETRY);
  SessionEnd unreachable;
  unreachable.kind = SessionEnd::Kind::UNREACHABLE;
  g_assert_true (classify_end (unreachable, established ()) == EndAction::RETRY);
  SessionEnd busy;
  busy.kind = SessionEnd::Kind::HANDSHAKE_REFUSED;
  for (unsigned status : {429u, 502u, 503u}) {
    busy.http_status = status;
    g_assert_true (classify_end (busy, established ()) == EndAction::RETRY);
  }
}

void
test_request_errors_fail_at_once ()
{
  g_assert_true (classify_end (closed (1007, "API key not valid. Please pass a valid API key.",
          false), established ()) == EndAction::FAIL);
  g_assert_true (classify_end (closed (1007, "Request contains an invalid argument.", true),
          established ()) == EndAction::FAIL);
  g_assert_true (classify_end (closed (1008, "models/x is not found for API version v1beta",
          false), established ()) == EndAction::FAIL);
  g_assert_true (classify_end (closed (1002, "", true), established ()) == EndAction::FAIL);
  SessionEnd refused;
  refused.kind = SessionEnd::Kind::HANDSHAKE_REFUSED;
  for (unsigned status : {401u, 403u, 404u}) {
    refused.http_status = status;
    g_assert_true (classify_end (refused, established ()) == EndAction::FAIL);
  }
  SessionEnd no_request;
  no_request.kind = SessionEnd::Kind::REQUEST_FAILED;
  g_assert_true (classify_end (no_request, established ()) == EndAction::FAIL);
}

void
test_first_connection_failures_are_not_retried ()
{
  EndContext first;  /* never ready, no handle */
  SessionEnd unreachable;
  unreachable.kind = SessionEnd::Kind::UNREACHABLE;
  g_assert_true (classify_end (unreachable, first) == EndAction::FAIL);
  g_assert_true (classify_end (closed (1011, "Internal error occurred.", false), first)
      == EndAction::FAIL);
}

void
test_dead_handle_falls_back_to_a_fresh_session_once ()
{
  auto refused = closed (1008, "BidiGenerateContent session not found", false);
  EndContext with_handle;
  with_handle.sent_handle = true;  /* an application-set handle, first connection */
  g_assert_true (classify_end (refused, with_handle) == EndAction::FRESH_SESSION);
  g_assert_true (classify_end (refused, established ()) == EndAction::FRESH_SESSION);
  /* Without a handle the same close cannot be about the handle: no loop. */
  EndContext fresh = established ();
  fresh.sent_handle = false;
  g_assert_true (classify_end (refused, fresh) == EndAction::FAIL);
}

void
test_backoff_doubles_up_to_the_cap_with_bounded_jitter ()
{
  ReconnectSettings settings;
  settings.initial_delay_ms = 200;
  settings.max_delay_ms = 3000;
  Backoff backoff (settings, 42);
  g_assert_cmpuint (backoff.nominal_delay_ms (1), ==, 200);
  g_assert_cmpuint (backoff.nominal_delay_ms (2), ==, 400);
  g_assert_cmpuint (backoff.nominal_delay_ms (4), ==, 1600);
  g_assert_cmpuint (backoff.nominal_delay_ms (5), ==, 3000);
  g_assert_cmpuint (backoff.nominal_delay_ms (200), ==, 3000);
  bool varied = false;
  unsigned first = backoff.delay_ms (3);
  for (int i = 0; i < 200; i++) {
    unsigned attempt = 1 + (unsigned) i % 8;
    unsigned nominal = backoff.nominal_delay_ms (attempt);
    unsigned delay = backoff.delay_ms (attempt);
    g_assert_cmpuint (delay, >=, nominal / 2);
    g_assert_cmpuint (delay, <=, nominal);
    if (attempt == 3 && delay != first)
      varied = true;
  }
  g_assert_true (varied);  /* jitter: clients cut off together do not return together */
  /* Reproducible from the seed. */
  Backoff a (settings, 7), b (settings, 7);
  for (unsigned n = 1; n < 10; n++)
    g_assert_cmpuint (a.delay_ms (n), ==, b.delay_ms (n));
}

void
test_describe_end_names_code_and_reason ()
{
  std::string text = describe_end (closed (1011, "Internal error occurred.", true));
  g_assert_cmpstr (text.c_str (), ==, "close 1011: Internal error occurred.");
  text = describe_end (closed (1006, "", true));
  g_assert_nonnull (strstr (text.c_str (), "1006"));
}

void
test_compression_setup_is_sent_only_when_asked_and_validates ()
{
  SetupConfig config;
  config.model = "models/gemini-3.8-live";
  g_assert_null (strstr (encode_setup (config).c_str (), "contextWindowCompression"));

  config.context_window_compression = true;
  std::string defaults = encode_setup (config);
  g_assert_nonnull (strstr (defaults.c_str (),
      "\"contextWindowCompression\":{\"slidingWindow\":{}}"));

  config.compression_trigger_tokens = 25600;
  config.compression_target_tokens = 12800;
  config.resumption_handle = "handle-1";
  std::string tuned = encode_setup (config);
  g_assert_nonnull (strstr (tuned.c_str (), "\"contextWindowCompression\":{\"triggerTokens\":"
      "\"25600\",\"slidingWindow\":{\"targetTokens\":\"12800\"}}"));
  g_assert_nonnull (strstr (tuned.c_str (), "\"sessionResumption\":{\"handle\":\"handle-1\"}"));

  std::string report;
  if (!gemlive::test::validate_frames (gemlive::test::WireDirection::CLIENT,
          {defaults, tuned}, report))
    g_error ("setup with contextWindowCompression does not validate: %s", report.c_str ());
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/reconnect/close-after-go-away-resumes-at-once",
      test_close_after_go_away_resumes_at_once);
  g_test_add_func ("/reconnect/transient-closes-are-retried", test_transient_closes_are_retried);
  g_test_add_func ("/reconnect/go-away-waits-for-idle-after-in-progress",
      test_go_away_waits_for_idle_after_in_progress);
  g_test_add_func ("/reconnect/request-errors-fail-at-once", test_request_errors_fail_at_once);
  g_test_add_func ("/reconnect/first-connection-failures-are-not-retried",
      test_first_connection_failures_are_not_retried);
  g_test_add_func ("/reconnect/dead-handle-falls-back-to-a-fresh-session-once",
      test_dead_handle_falls_back_to_a_fresh_session_once);
  g_test_add_func ("/reconnect/backoff-doubles-up-to-the-cap-with-bounded-jitter",
      test_backoff_doubles_up_to_the_cap_with_bounded_jitter);
  g_test_add_func ("/reconnect/describe-end-names-code-and-reason",
      test_describe_end_names_code_and_reason);
  g_test_add_func ("/setup/compression-is-sent-only-when-asked-and-validates",
      test_compression_setup_is_sent_only_when_asked_and_validates);
  return g_test_run ();
}
