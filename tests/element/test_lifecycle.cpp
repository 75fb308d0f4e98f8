/* gst-gemini-live element tests: state changes are clean and never hang.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "local_server.h"

using namespace gemlive::test;

/* Threads of this process named like the shared network thread. */
static int
network_threads ()
{
  int count = 0;
  GDir *dir = g_dir_open ("/proc/self/task", 0, nullptr);
  if (!dir)
    return -1;
  const gchar *task;
  while ((task = g_dir_read_name (dir))) {
    gchar *path = g_build_filename ("/proc/self/task", task, "comm", nullptr);
    gchar *comm = nullptr;
    if (g_file_get_contents (path, &comm, nullptr, nullptr) && g_str_has_prefix (comm,
            "geminilive-net"))
      count++;
    g_free (comm);
    g_free (path);
  }
  g_dir_close (dir);
  return count;
}

static std::string
live_input_pipeline (const LocalServer &server)
{
  return "audiotestsrc is-live=true wave=silence samplesperbuffer=160 ! "
      "audio/x-raw,format=S16LE,rate=16000,channels=1 ! geminilive name=live endpoint="
      + server.endpoint () + " api-key=k ! fakesink sync=true";
}

GST_START_TEST (fifty_null_playing_null_cycles_are_clean)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch (live_input_pipeline (server));
  for (int cycle = 0; cycle < 50; cycle++) {
    BusLog log;
    ck_assert_int_ne (gst_element_set_state (pipeline, GST_STATE_PLAYING),
        GST_STATE_CHANGE_FAILURE);
    /* Half the cycles stop mid-handshake, half once the session is up. */
    if (cycle % 2 == 0)
      ck_assert_msg (log.wait (pipeline, is_element_message ("geminilive/session")
              , 30 * GST_SECOND) , "cycle %d: no session message", cycle);
    else
      ck_assert_msg (log.wait (pipeline, [] (GstMessage *m) {
            return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && g_strcmp0 (
                gst_structure_get_string (gst_message_get_structure (m), "state"),
                "connected") == 0;
          }, 30 * GST_SECOND), "cycle %d: never connected; bus:\n%s", cycle,
          log.dump ().c_str ());
    ck_assert_int_eq (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    ck_assert_msg (log.first_error ().empty (), "cycle %d: %s", cycle,
        log.first_error ().c_str ());
    /* Flush what was posted during the stop. */
    GstBus *bus = gst_element_get_bus (pipeline);
    gst_bus_set_flushing (bus, TRUE);
    gst_bus_set_flushing (bus, FALSE);
    gst_object_unref (bus);
  }
  gst_object_unref (pipeline);
  /* The last session gone, the shared network thread is stopped and joined. */
  ck_assert_int_eq (network_threads (), 0);
}
GST_END_TEST;

/* Sessions spread over GEMINILIVE_NETWORK_THREADS threads (a new thread
 * while fewer run), started with their first session and joined with the
 * last. */
static void
check_elements_spread_over (const char *threads, int elements, int expected_threads)
{
  g_setenv ("GEMINILIVE_NETWORK_THREADS", threads, TRUE);
  LocalServer server ({"--fast"});
  std::vector<GstElement *> pipelines;
  for (int i = 0; i < elements; i++) {
    pipelines.push_back (launch (live_input_pipeline (server)));
    gst_element_set_state (pipelines.back (), GST_STATE_PLAYING);
  }
  for (auto pipeline : pipelines) {
    BusLog log;
    ck_assert (log.wait (pipeline, [] (GstMessage *m) {
          return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && g_strcmp0 (
              gst_structure_get_string (gst_message_get_structure (m), "state"),
              "connected") == 0;
        }, 30 * GST_SECOND));
  }
  ck_assert_int_eq (network_threads (), expected_threads);
  for (auto pipeline : pipelines) {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
  ck_assert_int_eq (network_threads (), 0);
  g_unsetenv ("GEMINILIVE_NETWORK_THREADS");
}

GST_START_TEST (elements_spread_over_the_configured_network_threads)
{
  check_elements_spread_over ("3", 5, 3);
  check_elements_spread_over ("1", 4, 1);
}
GST_END_TEST;

GST_START_TEST (element_is_freed_after_use)
{
  LocalServer server ({"--fast"});
  GstElement *pipeline = launch (live_input_pipeline (server));
  GstElement *live = by_name (pipeline, "live");
  GWeakRef weak;
  g_weak_ref_init (&weak, live);
  gst_object_unref (live);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  BusLog log;
  ck_assert (log.wait (pipeline, is_element_message ("geminilive/session"), 30 * GST_SECOND));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  /* Bus messages hold refs of their source until freed. */
  for (auto m : log.messages)
    gst_message_unref (m);
  log.messages.clear ();
  GObject *still = (GObject *) g_weak_ref_get (&weak);
  ck_assert_msg (still == nullptr, "geminilive leaked (refcount %u)",
      still ? still->ref_count - 1 : 0);
  g_weak_ref_clear (&weak);
}
GST_END_TEST;

static Suite *
geminilive_lifecycle_suite (void)
{
  Suite *s = suite_create ("geminilive-lifecycle");
  TCase *tc = tcase_create ("lifecycle");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, fifty_null_playing_null_cycles_are_clean);
  tcase_add_test (tc, elements_spread_over_the_configured_network_threads);
  tcase_add_test (tc, element_is_freed_after_use);
  return s;
}

GST_CHECK_MAIN (geminilive_lifecycle);
