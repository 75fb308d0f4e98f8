/* gst-gemini-live element tests: no secret of any backend is ever shown.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every secret (API key, ephemeral token, OAuth access token, App Check token,
 * Firebase ID token) on every backend, in an accepted and a refused
 * conversation, is searched for in: the GST_DEBUG=*:9 log, stderr, every bus
 * message and error, and the output of gst-launch-1.0 -v (which prints every
 * readable property that changes).
 */
#include "backend_cases.h"

using namespace gemlive::test;

static const char *const CHILD_ENV = "GEMINILIVE_BACKEND_SECRECY_CHILD";
static const char *const SECRETS[] = {API_KEY, ACCESS_TOKEN, APP_CHECK_TOKEN, ID_TOKEN,
    EPHEMERAL_TOKEN};

/* The refused variant of a case: the same secrets, a server that refuses them. */
static std::vector<std::string>
refusing_server_args ()
{
  return {"--fast", "--api-key", "another-key", "--access-token", "another-token",
      "--app-check-token", "another-app-check", "--reject-key", EPHEMERAL_TOKEN};
}

static void
report_turn (const char *name, const char *variant, const TurnResult &turn)
{
  g_print ("== %s (%s)\n%serror: %s\n%s\n", name, variant, turn.bus.c_str (),
      turn.error.c_str (), turn.eos || !turn.error.empty () ? "CHILD-DONE" : "CHILD-TIMEOUT");
}

/* Child: every backend accepted, then refused; bus messages on stdout. */
static int
run_child ()
{
  gst_init (nullptr, nullptr);
  for (const auto &c : every_backend ()) {
    std::string properties = std::string ("backend=") + c.backend + " " + c.properties;
    {
      LocalServer server (strict_server_args ());
      report_turn (c.name, "accepted", run_turn (server.endpoint (), properties));
    }
    {
      LocalServer server (refusing_server_args ());
      report_turn (c.name, "refused", run_turn (server.endpoint (), properties));
    }
  }
  return 0;
}

static gchar **
child_environment (const char *log_path)
{
  gchar **env = g_get_environ ();
  env = g_environ_setenv (env, "GST_DEBUG", "*:9", TRUE);
  env = g_environ_setenv (env, "GST_DEBUG_FILE", log_path, TRUE);
  env = g_environ_setenv (env, "GST_DEBUG_NO_COLOR", "1", TRUE);
  env = g_environ_setenv (env, "G_MESSAGES_DEBUG", "all", TRUE);
  return env;
}

static void
check_no_secret (const std::string &where, const std::string &text)
{
  for (const char *secret : SECRETS)
    ck_assert_msg (!contains (text, secret), "%s contains the secret %.12s…", where.c_str (),
        secret);
}

#ifdef SECRECY_OF_GST_LAUNCH
/* GStreamer's launch parser logs the pipeline description it is given (with
 * any secret in it) before the element exists; docs/backends.md says to keep
 * secrets off launch lines when GST_DEBUG is on. Every other line must be
 * clean, and the element's own lines must show the session. Only the
 * gst-launch variant of this test reads that log. */
static void
check_only_the_parser_logs_secrets (const char *name, const std::string &log)
{
  gchar **lines = g_strsplit (log.c_str (), "\n", -1);
  for (gchar **line = lines; *line; line++) {
    bool parser = strstr (*line, "gstparse.c:") || strstr (*line, "parse.l:")
        || strstr (*line, "gst_parse_unescape");
    if (!parser)
      check_no_secret (std::string (name) + ": the gst-launch GST_DEBUG=*:9 log", *line);
  }
  g_strfreev (lines);
  ck_assert_msg (contains (log, "geminilive") && contains (log, "BidiGenerateContent"),
      "%s: the element logged no session", name);
}
#endif

static std::string
read_file (const char *path)
{
  gchar *text = nullptr;
  gsize length = 0;
  ck_assert (g_file_get_contents (path, &text, &length, nullptr));
  std::string out (text, length);
  g_free (text);
  return out;
}

static std::string
temporary_log ()
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "geminilive-backend-secrecy-XXXXXX.log",
      nullptr);
  int fd = g_mkstemp (path);
  close (fd);
  std::string out = path;
  g_free (path);
  return out;
}

#ifndef SECRECY_OF_GST_LAUNCH
GST_START_TEST (no_secret_of_any_backend_reaches_logs_bus_or_errors)
{
  std::string log_path = temporary_log ();
  gchar **env = child_environment (log_path.c_str ());
  env = g_environ_setenv (env, CHILD_ENV, "1", TRUE);
  gchar *self_exe = g_file_read_link ("/proc/self/exe", nullptr);
  gchar *argv[] = {self_exe, nullptr};
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  ck_assert_msg (g_spawn_sync (nullptr, argv, env, G_SPAWN_DEFAULT, nullptr, nullptr, &out, &err,
          &status, &error), "could not run the child: %s", error ? error->message : "");
  std::string output = out, child_err = err;
  std::string err_tail = child_err.size () > 1500 ? child_err.substr (child_err.size () - 1500)
      : child_err;
  ck_assert_msg (g_spawn_check_wait_status (status, nullptr), "child failed: %s",
      err_tail.c_str ());
  ck_assert_msg (!contains (output, "CHILD-TIMEOUT"), "a conversation hung:\n%s",
      output.c_str ());
  /* Each refused run really was refused, and each accepted one was not. */
  size_t refused_errors = 0;
  for (size_t at = output.find ("(refused)"); at != std::string::npos;
       at = output.find ("(refused)", at + 1)) {
    size_t error_line = output.find ("\nerror: ", at);
    if (error_line != std::string::npos && output.compare (error_line + 8, 1, "\n") != 0)
      refused_errors++;
  }
  ck_assert_int_eq (refused_errors, every_backend ().size ());

  check_no_secret ("a bus message or error", output);
  check_no_secret ("stderr", child_err);
  std::string debug_log = read_file (log_path.c_str ());
  /* The log must really show every route, or the search proves nothing. */
  for (const char *route : {"GenerativeService.BidiGenerateContent?key=REDACTED",
           "BidiGenerateContentConstrained?access_token=REDACTED", "LlmBidiService",
           "google.firebase.vertexai.v1beta.GenerativeService", "/locations/us-central1"})
    ck_assert_msg (contains (debug_log, route), "the debug log does not show %s (%zu bytes)",
        route, debug_log.size ());
  check_no_secret ("the GST_DEBUG=*:9 log", debug_log);

  g_unlink (log_path.c_str ());
  g_free (out);
  g_free (err);
  g_free (self_exe);
  g_strfreev (env);
}
GST_END_TEST;

#else
GST_START_TEST (gst_launch_verbose_shows_no_secret_of_any_backend)
{
  gchar *gst_launch = g_find_program_in_path ("gst-launch-1.0");
  ck_assert_msg (gst_launch, "gst-launch-1.0 is not installed");
  LocalServer server (strict_server_args ());
  for (const auto &c : every_backend ()) {
    std::string log_path = temporary_log ();
    gchar **env = environ_for_foreign_program (child_environment (log_path.c_str ()));
    std::string command = std::string (gst_launch) + " -v -m filesrc location="
        + test_data_path ("question-16k.wav") + " ! wavparse ! geminilive endpoint="
        + server.endpoint () + " backend=" + c.backend + " " + c.properties
        + " ! fakesink sync=false";
    gchar **argv = nullptr;
    ck_assert (g_shell_parse_argv (command.c_str (), nullptr, &argv, nullptr));
    gchar *out = nullptr, *err = nullptr;
    gint status = 0;
    ck_assert (g_spawn_sync (nullptr, argv, env, G_SPAWN_DEFAULT, nullptr, nullptr, &out, &err,
        &status, nullptr));
    std::string output = std::string (out) + err;
    ck_assert_msg (g_spawn_check_wait_status (status, nullptr) && contains (output,
        "geminilive/turn-complete"), "%s: gst-launch did not hold the conversation:\n%s",
        c.name, output.substr (0, 2000).c_str ());
    /* -v prints readable properties; make sure it printed the element's. */
    ck_assert_msg (contains (output, "geminilive"), "%s: nothing about geminilive", c.name);
    check_no_secret (std::string (c.name) + ": gst-launch -v output", output);
    check_only_the_parser_logs_secrets (c.name, read_file (log_path.c_str ()));
    g_unlink (log_path.c_str ());
    g_strfreev (env);
    g_strfreev (argv);
    g_free (out);
    g_free (err);
  }
  g_free (gst_launch);
}
GST_END_TEST;

#endif

static Suite *
geminilive_backend_secrecy_suite (void)
{
  Suite *s = suite_create ("geminilive-backend-secrecy");
  TCase *tc = tcase_create ("secrecy");
  tcase_set_timeout (tc, 280);
  suite_add_tcase (s, tc);
  /* Built twice (meson.build), one test each, so each program stays short. */
#ifdef SECRECY_OF_GST_LAUNCH
  tcase_add_test (tc, gst_launch_verbose_shows_no_secret_of_any_backend);
#else
  tcase_add_test (tc, no_secret_of_any_backend_reaches_logs_bus_or_errors);
#endif
  return s;
}

int
main (int argc, char **argv)
{
  if (g_getenv (CHILD_ENV))
    return run_child ();
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (geminilive_backend_secrecy_suite (), "geminilive-backend-secrecy",
      __FILE__);
}
