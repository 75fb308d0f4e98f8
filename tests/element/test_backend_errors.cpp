/* gst-gemini-live element tests: backends and credentials, refused ones.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Refused credentials name the backend and what to fix; settings a backend
 * cannot use fail before connecting; need-app-check-token refreshes App
 * Check; secrets cannot be read back. The server accepts exactly the values
 * in backend_cases.h.
 */
#include "backend_cases.h"

using namespace gemlive::test;

GST_START_TEST (vertex_ai_takes_the_access_token_from_the_environment)
{
  LocalServer server (strict_server_args ());
  g_setenv ("GOOGLE_OAUTH_ACCESS_TOKEN", ACCESS_TOKEN, TRUE);
  TurnResult turn = run_turn (server.endpoint (), "backend=vertex-ai project=p");
  g_unsetenv ("GOOGLE_OAUTH_ACCESS_TOKEN");
  ck_assert_msg (turn.eos && turn.audio_bytes > 0, "no reply (error: %s)", turn.error.c_str ());
  const std::string model = recorded_setup_model (server);
  const std::string expected =
      std::string ("projects/p/locations/us-central1/publishers/google/models/") + MODEL;
  ck_assert_str_eq (model.c_str (), expected.c_str ());
}
GST_END_TEST;

struct WrongCredential {
  const char *name;
  std::string properties;
  std::vector<std::string> must_mention;
};

GST_START_TEST (a_wrong_credential_is_an_error_naming_the_backend_and_the_credential)
{
  const std::string fb = std::string (" project=p api-key=") + API_KEY;
  const std::vector<WrongCredential> cases = {
    {"gemini-api key", "backend=gemini-api api-key=AIzaWRONG",
        {"gemini-api", "close 1007: API key not valid", "api-key"}},
    {"gemini-api ephemeral", "api-key=auth_tokens/WRONG-but-ephemeral",
        {"gemini-api", "ephemeral token"}},
    {"vertex-ai bearer", "backend=vertex-ai project=p access-token=ya29.WRONG",
        {"vertex-ai", "HTTP 401", "access-token", "OAuth access token"}},
    {"vertex-ai express", "backend=vertex-ai api-key=AIzaWRONG",
        {"vertex-ai", "HTTP 401", "api-key", "express"}},
    {"firebase-google-ai App Check",
        "backend=firebase-google-ai app-check-token=WRONG-app-check" + fb,
        {"firebase-google-ai", "App Check", "app-check-token"}},
    {"firebase-vertex-ai App Check",
        "backend=firebase-vertex-ai app-check-token=WRONG-app-check" + fb,
        {"firebase-vertex-ai", "App Check", "Firebase App Check token is invalid."}},
    {"firebase-google-ai key",
        std::string ("backend=firebase-google-ai project=p api-key=AIzaWRONG app-check-token=")
            + APP_CHECK_TOKEN,
        {"firebase-google-ai", "API key not valid", "api-key"}},
  };
  for (const auto &c : cases) {
    /* reject-key makes the ephemeral case's token the refused one. */
    LocalServer server (strict_server_args ({"--reject-key", "auth_tokens/WRONG-but-ephemeral"}));
    TurnResult turn = run_turn (server.endpoint (), c.properties);
    ck_assert_msg (!turn.error.empty (), "%s: no error; bus:\n%s", c.name, turn.bus.c_str ());
    ck_assert_msg (turn.error_domain == GST_RESOURCE_ERROR
        && turn.error_code == GST_RESOURCE_ERROR_NOT_AUTHORIZED,
        "%s: not RESOURCE/NOT_AUTHORIZED: %s", c.name, turn.error.c_str ());
    for (const auto &word : c.must_mention)
      ck_assert_msg (contains (turn.error, word), "%s: the error does not mention '%s': %s",
          c.name, word.c_str (), turn.error.c_str ());
    for (const char *secret : {"AIzaWRONG", "ya29.WRONG", "WRONG-app-check", "WRONG-but",
             API_KEY, APP_CHECK_TOKEN})
      ck_assert_msg (!contains (turn.bus, secret), "%s: a credential is on the bus", c.name);
  }
}
GST_END_TEST;

static void
on_need_app_check_token (GstElement *element, gpointer data)
{
  auto count = static_cast<int *> (data);
  (*count)++;
  g_object_set (element, "app-check-token", APP_CHECK_TOKEN, nullptr);
}

GST_START_TEST (need_app_check_token_lets_the_application_supply_a_fresh_token)
{
  LocalServer server (strict_server_args ());
  int asked = 0;
  TurnResult turn = run_turn (server.endpoint (),
      std::string ("backend=firebase-vertex-ai project=p api-key=") + API_KEY,
      [&asked] (GstElement *live) {
        g_signal_connect (live, "need-app-check-token", G_CALLBACK (on_need_app_check_token),
            &asked);
      });
  ck_assert_msg (turn.eos && turn.audio_bytes > 0, "no reply (error: %s)", turn.error.c_str ());
  ck_assert_int_ge (asked, 1);

  /* An application that never answers the signal gets App Check named. */
  TurnResult unanswered = run_turn (server.endpoint (),
      std::string ("backend=firebase-google-ai project=p api-key=") + API_KEY);
  ck_assert_msg (contains (unanswered.error, "App Check") && contains (unanswered.error,
      "firebase-google-ai"), "unexpected error: %s", unanswered.error.c_str ());
  ck_assert (unanswered.error_code == GST_RESOURCE_ERROR_NOT_AUTHORIZED);
}
GST_END_TEST;

static bool
is_resumed (GstMessage *m)
{
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ELEMENT
      || !gst_structure_has_name (gst_message_get_structure (m), "geminilive/session"))
    return false;
  const char *state = gst_structure_get_string (gst_message_get_structure (m), "state");
  return state && g_str_equal (state, "resumed");
}

GST_START_TEST (need_app_check_token_is_asked_again_before_a_resume)
{
  /* goAway mid-reply: the element resumes on a new connection, which must
   * carry a valid App Check token again (the server checks every handshake). */
  std::string scenario = write_scenario (std::string (R"({"turns": [{"reply": )")
      + R"("The capital of France is Paris. It lies on the Seine.", )"
      + R"("fault": {"kind": "go_away", "time_left_ms": 1500, "mid_reply": true}}]})");
  LocalServer server (strict_server_args ({"--scenario", scenario}));
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live endpoint=" + server.endpoint ()
      + " ! fakesink sync=false");
  GstElement *live = by_name (pipeline, "live");
  set_properties (live, std::string ("backend=firebase-google-ai project=p api-key=") + API_KEY);
  int asked = 0;
  g_signal_connect (live, "need-app-check-token", G_CALLBACK (on_need_app_check_token), &asked);
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool resumed = log.wait (pipeline, is_resumed, 60 * GST_SECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ck_assert_msg (resumed, "no resumption; error: %s", log.first_error ().c_str ());
  ck_assert_int_ge (asked, 2);
  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

GST_START_TEST (secrets_are_write_only_and_app_check_is_updatable_while_playing)
{
  GstElement *live = gst_element_factory_make ("geminilive", nullptr);
  ck_assert (live);
  for (const char *name : {"api-key", "access-token", "app-check-token", "firebase-id-token"}) {
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (live), name);
    ck_assert_msg (pspec, "no %s property", name);
    ck_assert_msg (!(pspec->flags & G_PARAM_READABLE), "%s can be read back", name);
  }
  GParamSpec *app_check = g_object_class_find_property (G_OBJECT_GET_CLASS (live),
      "app-check-token");
  ck_assert (app_check->flags & GST_PARAM_MUTABLE_PLAYING);

  gchar *endpoint = nullptr, *location = nullptr;
  gint backend = -1;
  g_object_get (live, "endpoint", &endpoint, "location", &location, "backend", &backend,
      nullptr);
  ck_assert_msg (endpoint == nullptr || *endpoint == '\0', "endpoint defaults to %s", endpoint);
  ck_assert_str_eq (location, "us-central1");
  ck_assert_int_eq (backend, 0);
  gst_util_set_object_arg (G_OBJECT (live), "backend", "firebase-vertex-ai");
  g_object_get (live, "backend", &backend, nullptr);
  ck_assert_int_eq (backend, 3);
  g_free (endpoint);
  g_free (location);
  gst_object_unref (live);
}
GST_END_TEST;

struct BadSetting {
  std::string properties;
  gint code;
  std::vector<std::string> must_mention;
};

GST_START_TEST (settings_a_backend_cannot_use_fail_before_connecting)
{
  LocalServer server (strict_server_args ());
  const std::string key = std::string (" api-key=") + API_KEY;
  const std::vector<BadSetting> cases = {
    {"backend=firebase-google-ai project=p" + key, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
        {"firebase-google-ai", "App Check", "app-check-token"}},
    {"backend=vertex-ai access-token=t", GST_RESOURCE_ERROR_SETTINGS,
        {"vertex-ai", "project"}},
    {"backend=vertex-ai project=p", GST_RESOURCE_ERROR_NOT_AUTHORIZED,
        {"vertex-ai", "access-token", "GOOGLE_OAUTH_ACCESS_TOKEN"}},
    {"app-check-token=x" + key, GST_RESOURCE_ERROR_SETTINGS,
        {"gemini-api", "app-check-token"}},
    {"backend=firebase-vertex-ai project=p location=bad/loc app-check-token=a" + key,
        GST_RESOURCE_ERROR_SETTINGS, {"firebase-vertex-ai", "location"}},
  };
  for (const auto &c : cases) {
    g_unsetenv ("GOOGLE_OAUTH_ACCESS_TOKEN");
    TurnResult turn = run_turn (server.endpoint (), c.properties);
    ck_assert_msg (turn.error_domain == GST_RESOURCE_ERROR && turn.error_code == c.code,
        "'%s': wrong error: %s", c.properties.c_str (), turn.error.c_str ());
    for (const auto &word : c.must_mention)
      ck_assert_msg (contains (turn.error, word), "'%s': the error does not mention '%s': %s",
          c.properties.c_str (), word.c_str (), turn.error.c_str ());
    ck_assert_msg (!contains (turn.bus, API_KEY), "the key is on the bus");
  }
  /* Nothing reached the server: each was refused before connecting. */
  ck_assert_msg (server.recorded_frames ().empty (), "a refused configuration connected");
}
GST_END_TEST;

static Suite *
geminilive_backend_errors_suite (void)
{
  Suite *s = suite_create ("geminilive-backend-errors");
  TCase *tc = tcase_create ("errors");
  tcase_set_timeout (tc, 280);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, vertex_ai_takes_the_access_token_from_the_environment);
  tcase_add_test (tc, a_wrong_credential_is_an_error_naming_the_backend_and_the_credential);
  tcase_add_test (tc, need_app_check_token_lets_the_application_supply_a_fresh_token);
  tcase_add_test (tc, need_app_check_token_is_asked_again_before_a_resume);
  tcase_add_test (tc, secrets_are_write_only_and_app_check_is_updatable_while_playing);
  tcase_add_test (tc, settings_a_backend_cannot_use_fail_before_connecting);
  return s;
}

GST_CHECK_MAIN (geminilive_backend_errors);
