/* gst-gemini-live unit tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The helpers declared in unit_helpers.h, linked into every codec test that
 * compares with the wire vectors.
 */
#include "unit_helpers.h"

#include "conformance.h"

#include <glib.h>

namespace gemlive::unittest {

using gemlive::test::WireDirection;

namespace {
std::string the_wire_dir;
}

const std::string &
wire_dir ()
{
  return the_wire_dir;
}

void
set_wire_dir (const std::string &dir)
{
  the_wire_dir = dir;
}

std::string
read_wire (const std::string &name)
{
  std::string path = wire_dir () + G_DIR_SEPARATOR_S + name;
  gchar *contents = nullptr;
  gsize length = 0;
  GError *error = nullptr;
  if (!g_file_get_contents (path.c_str (), &contents, &length, &error))
    g_error ("cannot read wire vector %s: %s", path.c_str (), error->message);
  std::string text (contents, length);
  g_free (contents);
  return text;
}

JsonNodePtr
parse_json (const std::string &text, const char *what)
{
  JsonParser *parser = json_parser_new ();
  GError *error = nullptr;
  if (!json_parser_load_from_data (parser, text.data (), static_cast<gssize> (text.size ()),
          &error))
    g_error ("%s is not JSON (%s): %s", what, error->message, text.c_str ());
  JsonNodePtr root (json_node_copy (json_parser_get_root (parser)));
  g_object_unref (parser);
  return root;
}

std::string
to_json (JsonNode *node)
{
  gchar *text = json_to_string (node, FALSE);
  std::string result (text);
  g_free (text);
  return result;
}

void
assert_json_equal (JsonNode *actual, JsonNode *expected, const char *what)
{
  if (!json_node_equal (actual, expected))
    g_error ("%s differs from the expected JSON:\n  actual:   %s\n  expected: %s", what,
        to_json (actual).c_str (), to_json (expected).c_str ());
}

void
assert_json_equal (const std::string &actual_text, JsonNode *expected, const char *what)
{
  JsonNodePtr actual = parse_json (actual_text, what);
  assert_json_equal (actual.get (), expected, what);
}

void
assert_conforms (const std::vector<std::string> &frames)
{
  std::string report;
  if (!gemlive::test::validate_frames (WireDirection::CLIENT, frames, report))
    g_error ("our client frames do not conform to the official protos:\n%s", report.c_str ());
}

}  // namespace gemlive::unittest
