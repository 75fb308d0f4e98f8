/* gst-gemini-live unit tests: the codec's base64 (gst/live/base64.cpp) agrees
 * with GLib's on everything GLib writes, and refuses everything else.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/base64.h"

#include <glib.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace gemlive;

/* Fixed, so a failure reproduces. */
constexpr guint32 SEED = 20261204;

std::vector<uint8_t>
random_bytes (GRand *rand, size_t size)
{
  std::vector<uint8_t> bytes (size);
  for (auto &b : bytes)
    b = static_cast<uint8_t> (g_rand_int_range (rand, 0, 256));
  return bytes;
}

std::string
glib_encode (const std::vector<uint8_t> &bytes)
{
  gchar *text = g_base64_encode (bytes.data (), bytes.size ());
  std::string out = text;
  g_free (text);
  return out;
}

bool
decode (const std::string &text, std::vector<uint8_t> &out)
{
  out.assign (base64_decoded_capacity (text.size ()), 0);
  size_t size = 0;
  if (!base64_decode_strict (text.data (), text.size (), out.data (), &size))
    return false;
  g_assert_cmpuint (size, <=, out.size ());
  out.resize (size);
  return true;
}

/* Every length from 0 to 600 bytes (all three tails), then a few frame
 * sizes: the same text as GLib, and back to the same bytes. */
void
test_round_trip_matches_glib ()
{
  GRand *rand = g_rand_new_with_seed (SEED);
  std::vector<size_t> sizes;
  for (size_t size = 0; size <= 600; size++)
    sizes.push_back (size);
  for (size_t size : {1280u, 1920u, 4800u, 9600u, 48001u})
    sizes.push_back (size);
  for (size_t size : sizes) {
    std::vector<uint8_t> bytes = random_bytes (rand, size);
    std::string ours (base64_encoded_size (size), '\0');
    base64_encode (bytes.data (), bytes.size (), ours.data ());
    const std::string glib = glib_encode (bytes);
    g_assert_cmpstr (ours.c_str (), ==, glib.c_str ());

    std::vector<uint8_t> back;
    g_assert_true (decode (ours, back));
    g_assert_true (back == bytes);
  }
  g_rand_free (rand);
}

/* Every byte value at every position of a three-group text: exactly the 64
 * alphabet characters pass (and '=' in the last place, as padding). */
void
test_only_the_alphabet_passes ()
{
  const std::string valid = "QUJDREVGR0hJ";  /* "ABCDEFGHI" */
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t position = 0; position < valid.size (); position++) {
    for (int c = 0; c < 256; c++) {
      std::string text = valid;
      text[position] = static_cast<char> (c);
      std::vector<uint8_t> out;
      const bool in_alphabet = alphabet.find (static_cast<char> (c)) != std::string::npos && c != 0;
      /* One '=' in the last place is padding ("R0h=" is two bytes). */
      const bool padding = c == '=' && position == valid.size () - 1;
      const bool valid_text = in_alphabet || padding;
      if (decode (text, out) != valid_text)
        g_error ("byte 0x%02x at %zu: %s", c, position, valid_text ? "refused" : "accepted");
    }
  }
}

void
test_padding_and_length_rules ()
{
  struct Case {
    const char *text;
    const char *decoded;  /* nullptr: refused */
  } cases[] = {
      {"", ""},
      {"QQ==", "A"},
      {"QUI=", "AB"},
      {"QUJD", "ABC"},
      {"QUJDRA==", "ABCD"},
      {"Q", nullptr},
      {"QQ", nullptr},
      {"QQ=", nullptr},
      {"QQ===", nullptr},
      {"Q===", nullptr},
      {"====", nullptr},
      {"Q=Q=", nullptr},
      {"QQ=A", nullptr},
      {"QQ==QUJD", nullptr},  /* padding only at the very end */
      {"QU=DQUJD", nullptr},
      {"QUJD ", nullptr},
      {" QUJD", nullptr},
      {"QUJ\nD", nullptr},
      {"QUJDQUJD\r\n", nullptr},
      {"QUJD\\n==", nullptr},
      {"QUJ-", nullptr},  /* base64url is another alphabet */
      {"QUJ_", nullptr},
  };
  for (const Case &c : cases) {
    std::vector<uint8_t> out;
    const bool ok = decode (c.text, out);
    if (!c.decoded) {
      if (ok)
        g_error ("\"%s\" was accepted", c.text);
      continue;
    }
    if (!ok)
      g_error ("\"%s\" was refused", c.text);
    g_assert_true (std::string (out.begin (), out.end ()) == c.decoded);
  }
}

/* What GLib accepts of the non-canonical tails (unused low bits set), we
 * accept and decode alike: the service's encoder is not ours to judge. */
void
test_unused_low_bits_decode_as_glib ()
{
  for (const char *text : {"QR==", "QUJ=", "QUL=", "//8=", "/w=="}) {
    std::vector<uint8_t> ours;
    g_assert_true (decode (text, ours));
    gsize size = 0;
    guchar *glib = g_base64_decode (text, &size);
    g_assert_true (std::vector<uint8_t> (glib, glib + size) == ours);
    g_free (glib);
  }
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/base64/round-trip-matches-glib", test_round_trip_matches_glib);
  g_test_add_func ("/base64/only-the-alphabet-passes", test_only_the_alphabet_passes);
  g_test_add_func ("/base64/padding-and-length-rules", test_padding_and_length_rules);
  g_test_add_func ("/base64/unused-low-bits-decode-as-glib", test_unused_low_bits_decode_as_glib);
  return g_test_run ();
}
