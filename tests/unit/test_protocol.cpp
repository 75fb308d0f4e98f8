/* gst-gemini-live unit tests: the wire codec and the endpoint builder.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-protocol WIRE_DIR [g_test options]
 */
#include "unit_helpers.h"

#include <glib.h>

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: %s WIRE_DIR (the directory of client-*.json and server-*.json)", argv[0]);
  gemlive::unittest::set_wire_dir (argv[1]);

  gemlive::unittest::register_decode_tests ();
  gemlive::unittest::register_encode_tests ();
  gemlive::unittest::register_endpoint_tests ();
  return g_test_run ();
}
