/* gst-gemini-live element tests: every backend end to end.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The local server is started with exactly one valid API key, access token
 * and App Check token (--api-key, --access-token, --app-check-token) and
 * checks each route's path, credential form and model resource name, so a
 * spoken turn that completes proves the element built the route right.
 */
#include "backend_cases.h"

#include "conformance.h"

using namespace gemlive::test;

GST_START_TEST (every_backend_holds_a_spoken_turn_with_its_own_model_name)
{
  std::vector<std::string> frames;
  for (const auto &c : every_backend ()) {
    LocalServer server (strict_server_args ());
    TurnResult turn = run_turn (server.endpoint (),
        std::string ("backend=") + c.backend + " " + c.properties);
    ck_assert_msg (turn.eos && turn.error.empty (), "%s: no EOS (error: %s)", c.name,
        turn.error.c_str ());
    ck_assert_msg (turn.audio_bytes > 0, "%s: no reply audio", c.name);
    std::string model = recorded_setup_model (server);
    ck_assert_msg (model == c.model, "%s: setup.model is '%s', expected '%s'", c.name,
        model.c_str (), c.model.c_str ());
    auto recorded = server.recorded_frames ();
    frames.insert (frames.end (), recorded.begin (), recorded.end ());
  }
  /* One validator run for all backends (each run starts node). */
  std::string report;
  ck_assert_msg (validate_frames (WireDirection::CLIENT, frames, report),
      "client frames do not validate: %s", report.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_backends_suite (void)
{
  Suite *s = suite_create ("geminilive-backends");
  TCase *tc = tcase_create ("backends");
  tcase_set_timeout (tc, 280);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, every_backend_holds_a_spoken_turn_with_its_own_model_name);
  return s;
}

GST_CHECK_MAIN (geminilive_backends);
