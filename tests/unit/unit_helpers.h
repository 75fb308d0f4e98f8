/* gst-gemini-live unit tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the codec tests: where the wire vectors live and how to compare
 * JSON by structure rather than by text.
 */
#pragma once

#include <json-glib/json-glib.h>

#include <memory>
#include <string>
#include <vector>

namespace gemlive::unittest {

struct JsonNodeUnref {
  void operator() (JsonNode *n) const { json_node_unref (n); }
};
using JsonNodePtr = std::unique_ptr<JsonNode, JsonNodeUnref>;

/* Directory of the client-*.json / server-*.json vectors (set by main). */
const std::string &wire_dir ();
void set_wire_dir (const std::string &dir);

/* Contents of wire_dir()/name; fails the test when unreadable. */
std::string read_wire (const std::string &name);

/* Parses JSON text; fails the test (naming `what`) when it is not JSON. */
JsonNodePtr parse_json (const std::string &text, const char *what);

/* Compact text of a node, for failure messages. */
std::string to_json (JsonNode *node);

/* Structural equality; on mismatch fails the test showing both. */
void assert_json_equal (JsonNode *actual, JsonNode *expected, const char *what);
/* The same for a frame as text; fails the test when it is not JSON. */
void assert_json_equal (const std::string &actual_text, JsonNode *expected, const char *what);

/* Validates client frames against the official protos; fails the test with
 * the validator's report. */
void assert_conforms (const std::vector<std::string> &frames);

/* g_assert_cmpstr keeps only the pointer it is given: compare owned strings
 * through this, so a temporary lives for the whole comparison. */
inline void
assert_str (const std::string &actual, const std::string &expected)
{
  g_assert_cmpstr (actual.c_str (), ==, expected.c_str ());
}

void register_decode_tests ();
void register_encode_tests ();
void register_endpoint_tests ();

}  // namespace gemlive::unittest
