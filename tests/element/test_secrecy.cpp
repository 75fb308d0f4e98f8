/* gst-gemini-live element tests: the API key never appears in any log.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test re-runs this executable as a child with GST_DEBUG=*:7 written to a
 * file, has it hold a full conversation and a rejected one with a distinctive
 * key, and then searches the log, the child's output and its bus messages.
 */
#include "element_test_util.h"

#include "local_server.h"

using namespace gemlive::test;

static const char *const SECRET = "AIzaSECRETsecret-42-do-not-log";
static const char *const CHILD_ENV = "GEMINILIVE_SECRECY_CHILD_ENDPOINTS";

/* Child: one accepted and one rejected conversation; bus messages on stdout. */
static int
run_child (const std::string &endpoints)
{
  gst_init (nullptr, nullptr);
  auto comma = endpoints.find (',');
  for (const std::string &endpoint : {endpoints.substr (0, comma), endpoints.substr (comma + 1)}) {
    GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
        + " ! wavparse ! geminilive name=live endpoint=" + endpoint + " ! fakesink sync=false");
    GstElement *live = by_name (pipeline, "live");
    g_object_set (live, "api-key", SECRET, nullptr);
    gst_object_unref (live);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    BusLog log;
    bool done = log.wait (pipeline, [] (GstMessage *m) {
          return is_eos (m) || GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
        }, 60 * GST_SECOND, false);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
    g_print ("%serror: %s\n%s\n", log.dump ().c_str (), log.first_error ().c_str (),
        done ? "CHILD-DONE" : "CHILD-TIMEOUT");
  }
  return 0;
}

GST_START_TEST (api_key_never_appears_in_debug_logs_or_bus_messages)
{
  LocalServer accepting ({"--fast"});
  LocalServer rejecting ({"--fast", "--reject-key", SECRET});
  gchar *log_path = g_build_filename (g_get_tmp_dir (), "geminilive-secrecy-XXXXXX.log", nullptr);
  int fd = g_mkstemp (log_path);
  close (fd);

  gchar **env = g_get_environ ();
  env = g_environ_setenv (env, CHILD_ENV, (accepting.endpoint () + "," + rejecting.endpoint ())
      .c_str (), TRUE);
  env = g_environ_setenv (env, "GST_DEBUG", "*:7", TRUE);
  env = g_environ_setenv (env, "GST_DEBUG_FILE", log_path, TRUE);
  env = g_environ_setenv (env, "GST_DEBUG_NO_COLOR", "1", TRUE);
  env = g_environ_setenv (env, "G_MESSAGES_DEBUG", "all", TRUE);
  gchar *self_exe = g_file_read_link ("/proc/self/exe", nullptr);
  gchar *argv[] = {self_exe, nullptr};
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  ck_assert_msg (g_spawn_sync (nullptr, argv, env, G_SPAWN_DEFAULT, nullptr, nullptr, &out, &err,
          &status, &error), "could not run the child: %s", error ? error->message : "");
  std::string child_err = err ? err : "";
  /* check cannot carry long failure texts: show the end of stderr only. */
  std::string err_tail = child_err.size () > 1500 ? child_err.substr (child_err.size () - 1500)
      : child_err;
  ck_assert_msg (g_spawn_check_wait_status (status, nullptr), "child failed (wait status %d): %s",
      status, err_tail.c_str ());

  std::string output = out;
  ck_assert_msg (contains (output, "CHILD-DONE") && !contains (output, "CHILD-TIMEOUT"),
      "child did not finish both conversations");
  ck_assert_msg (contains (output, "API key not valid"), "the rejected run did not fail");
  ck_assert_msg (!contains (output, SECRET), "the key is in a bus message");
  ck_assert_msg (!contains (child_err, SECRET), "the key is on stderr");

  gchar *debug_log = nullptr;
  gsize length = 0;
  ck_assert (g_file_get_contents (log_path, &debug_log, &length, nullptr));
  std::string text (debug_log, length);
  ck_assert_msg (contains (text, "geminilive") && contains (text, "REDACTED"),
      "the debug log does not show the session (%" G_GSIZE_FORMAT " bytes)", length);
  ck_assert_msg (!contains (text, SECRET), "the key is in the GST_DEBUG log %s", log_path);

  g_unlink (log_path);
  g_free (debug_log);
  g_free (out);
  g_free (err);
  g_free (self_exe);
  g_free (log_path);
  g_strfreev (env);
}
GST_END_TEST;

static Suite *
geminilive_secrecy_suite (void)
{
  Suite *s = suite_create ("geminilive-secrecy");
  TCase *tc = tcase_create ("secrecy");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, api_key_never_appears_in_debug_logs_or_bus_messages);
  return s;
}

int
main (int argc, char **argv)
{
  const char *endpoints = g_getenv (CHILD_ENV);
  if (endpoints)
    return run_child (endpoints);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (geminilive_secrecy_suite (), "geminilive-secrecy", __FILE__);
}
