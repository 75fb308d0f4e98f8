/* gst-gemini-live: 100 start/stop cycles of geminilive against the
 * local server, for valgrind (suite 'valgrind'): every cycle connects,
 * exchanges setup, and is torn down; nothing may leak definitely.
 *   start-stop-cycles [CYCLES]
 * A plain program (no check fork) so valgrind sees one process.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "local_server.h"

#include <gst/gst.h>

#include <cstdlib>
#include <string>

using gemlive::test::LocalServer;

static bool
wait_connected (GstElement *pipeline, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  bool connected = false;
  while (!connected) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, timeout,
        (GstMessageType) (GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR));
    if (!m)
      break;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      GError *error = nullptr;
      gst_message_parse_error (m, &error, nullptr);
      g_printerr ("error: %s\n", error->message);
      g_clear_error (&error);
      gst_message_unref (m);
      break;
    }
    const GstStructure *s = gst_message_get_structure (m);
    connected = gst_structure_has_name (s, "geminilive/session")
        && g_strcmp0 (gst_structure_get_string (s, "state"), "connected") == 0;
    gst_message_unref (m);
  }
  gst_object_unref (bus);
  return connected;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  int cycles = argc > 1 ? atoi (argv[1]) : 100;
  int failed = 0;
  {
    LocalServer server ({"--fast"});
    const std::string description = "audiotestsrc is-live=true wave=silence "
        "samplesperbuffer=320 ! audio/x-raw,format=S16LE,rate=16000,channels=1 ! "
        "geminilive api-key=k endpoint=" + server.endpoint () + " ! fakesink sync=false";
    for (int i = 0; i < cycles; i++) {
      GError *error = nullptr;
      GstElement *pipeline = gst_parse_launch (description.c_str (), &error);
      if (!pipeline) {
        g_printerr ("cannot build the pipeline: %s\n", error ? error->message : "?");
        return 1;
      }
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
      if (!wait_connected (pipeline, 60 * GST_SECOND)) {
        g_printerr ("cycle %d: no session\n", i);
        failed++;
      }
      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_object_unref (pipeline);
    }
  }
  gst_deinit ();
  g_print ("%d start/stop cycles, %d without a session\n", cycles, failed);
  return failed ? 1 : 0;
}
