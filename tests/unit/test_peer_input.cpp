/* gst-gemini-live unit tests: what a hostile or broken server can put in a
 * frame (issue 20): nesting bombs in every syntax json-glib accepts, text
 * meant for a terminal, field names meant for a structure, odd-length PCM.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/json_guard.h"
#include "live/pcm_aligner.h"
#include "live/peer_text.h"
#include "live/protocol.h"

#include <glib.h>

#include <string>
#include <vector>

namespace gemlive {

namespace {

std::string
decode_error (const std::string &text)
{
  DecodeResult result = decode_server_message (text.data (), text.size ());
  if (result.message)
    g_error ("frame was accepted but must be refused: %.120s", text.c_str ());
  g_assert_cmpstr (result.error.c_str (), !=, "");
  return result.error;
}

ServerMessage
decode_ok (const std::string &text)
{
  DecodeResult result = decode_server_message (text.data (), text.size ());
  if (!result.message)
    g_error ("frame was refused (%s): %.200s", result.error.c_str (), text.c_str ());
  return std::move (*result.message);
}

/* Not g_assert_cmpstr: it keeps the pointer past the temporary's life. */
void
assert_text (const std::string &actual, const char *expected)
{
  if (actual != expected)
    g_error ("got \"%s\", expected \"%s\"", actual.c_str (), expected);
}

void
assert_says (const std::string &text, const char *expected)
{
  if (text.find (expected) == std::string::npos)
    g_error ("\"%s\" does not say \"%s\"", text.c_str (), expected);
}

/* Enough '[' to overflow any thread's stack in json-glib's recursion:
 * each level costs it well over 100 bytes, so this is >100 MiB. */
const std::string DEEP (1000000, '[');

/* ------------------------------------------------------------ json guard */

void
test_the_comment_bomb_is_refused_not_parsed ()
{
  /* The frame of issue 20, item 1: the comment hides a '"' from a check that
   * only knows double-quoted strings. Reaching json-glib, it crashes. */
  std::string bomb = "/* \" */ {\"x\":" + DEEP;
  assert_says (decode_error (bomb), "comments are refused");
  assert_says (decode_error ("// \"\n{\"x\":" + DEEP), "comments are refused");
  assert_says (decode_error ("{\"a\":1 /* \" */, \"x\":" + DEEP), "comments are refused");
}

void
test_single_quoted_strings_are_refused ()
{
  /* json-glib reads 'a"b' as a string; a double-quote-only count would
   * take the '"' inside as the start of a string that swallows the rest. */
  assert_says (decode_error ("{'a\"b': " + DEEP), "single-quoted strings are refused");
  assert_says (decode_error ("{\"k\": 'x', \"y\": \"\\\"'\"}"), "single-quoted");
  /* Inside a double-quoted string a "'" is only a character. */
  ServerMessage msg = decode_ok ("{\"serverContent\":{\"outputTranscription\":{\"text\":\"it's /* [[ \"}}}");
  assert_text (msg.output_transcription.value_or (""), "it's /* [[ ");
}

void
test_depth_is_counted_outside_strings_only ()
{
  /* Brackets in strings, escaped quotes and escaped backslashes do not count
   * and do not end the string early. */
  std::string text = "{\"serverContent\":{\"outputTranscription\":{\"text\":\"" + std::string (5000, '[')
      + "\\\"\\\\\\u005b\"}}}";
  ServerMessage msg = decode_ok (text);
  g_assert_cmpuint (msg.output_transcription->size (), ==, 5000 + 3);
  /* A string that "ends" at an escaped quote would let the rest through. */
  assert_says (decode_error ("{\"x\":\"\\\"\"," + DEEP), "nests deeper than 256 levels");
}

void
test_depth_limit_is_exact ()
{
  std::string ok = std::string (256, '[') + std::string (256, ']');
  assert_text (json_guard_problem (ok.data (), ok.size ()), "");
  std::string deep = std::string (257, '[') + std::string (257, ']');
  assert_says (json_guard_problem (deep.data (), deep.size ()), "nests deeper than 256 levels at byte 256");
  /* Closing and reopening does not reset the count wrongly. */
  std::string wide;
  for (int i = 0; i < 1000; i++)
    wide += "[[]]";
  assert_text (json_guard_problem (wide.data (), wide.size ()), "");
  assert_says (json_guard_problem ("]]]]", 4), "closes nothing");
}

void
test_what_is_not_plain_json_is_named ()
{
  struct { const char *text, *says; } cases[] = {
    {"{\"a\":\"\\x41\"}", "escape \\'x' at byte 6 is not JSON"},
    {"{\"a\":\"\\u12\"}", "\\u escape at byte 6 needs four hex digits"},
    {"{\"a\":\"open", "never ends"},
    {"{\"a\":#1}", "'#' at byte 5 is not JSON"},
    {"{\"a\":\x1b[2J}", "byte 0x1b at byte 5 is not JSON"},
    {"{\"a\":\xc3\xa9}", "byte 0xc3 at byte 5 is not JSON"},
  };
  for (const auto &c : cases) {
    std::string problem = json_guard_problem (c.text, strlen (c.text));
    assert_says (problem, c.says);
  }
  /* Every lexeme of real frames passes. */
  const char *plain = " {\"a\":[1,-2.5e+3,true,false,null],\"b\":{\"c\":\"\\u00e9\\n\\t\\/\"}}\r\n";
  assert_text (json_guard_problem (plain, strlen (plain)), "");
}

/* ------------------------------------------------------------ peer text */

void
test_peer_text_is_valid_utf8 ()
{
  std::string shown = peer_text ("bad \xff\xfe byte \xc3");
  g_assert_true (g_utf8_validate (shown.data (), (gssize) shown.size (), nullptr));
  g_assert_cmpstr (shown.c_str (), ==, "bad \xef\xbf\xbd\xef\xbf\xbd byte \xef\xbf\xbd");
  /* A NUL inside the text is one more invalid byte, not its end. */
  std::string with_nul ("a\0b", 3);
  assert_text (peer_text (with_nul), "a\xef\xbf\xbd" "b");
  /* Non-ASCII text passes unchanged. */
  assert_text (peer_text ("Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"),
      "Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
}

void
test_peer_text_has_no_control_or_escape_characters ()
{
  assert_text (peer_text ("\x1b[2J\x1b]0;owned\x07red\x1b[0m"), "[2J]0;ownedred[0m");
  /* C1 controls (U+009B is CSI on some terminals), DEL, bidi overrides. */
  assert_text (peer_text ("a\xc2\x9b" "31mb\x7f" "c\xe2\x80\xae" "d\xe2\x81\xa6" "e"),
      "a31mbcde");
  /* Line breaks become spaces: a reason never forges a second log line. */
  assert_text (peer_text ("line\r\nERROR fake\tx"), "line  ERROR fake x");
}

void
test_peer_text_is_bounded_at_a_character_boundary ()
{
  std::string long_text;
  for (int i = 0; i < 1000; i++)
    long_text += "\xc3\xa9";  /* 2 bytes each */
  std::string shown = peer_text (long_text, 101);
  /* 50 whole characters (100 bytes), then the ellipsis. */
  g_assert_cmpuint (shown.size (), ==, 100 + 3);
  g_assert_true (g_utf8_validate (shown.data (), (gssize) shown.size (), nullptr));
  g_assert_true (g_str_has_suffix (shown.c_str (), "\xe2\x80\xa6"));
  g_assert_cmpuint (peer_text (std::string (100000, 'x')).size (), <=, PEER_TEXT_MAX_BYTES + 3);
  assert_text (peer_text ("short", 5), "short");
}

void
test_plain_identifiers ()
{
  for (const char *good : {"promptTokenCount", "AUDIO", "x", "thoughts_token_count", "a1"})
    g_assert_true (is_plain_identifier (good));
  for (const char *bad : {"", "1abc", "a-b", "a b", "a=b", "a,b", "a.b", "\xc3\xa9", "a\x1b"})
    g_assert_false (is_plain_identifier (bad));
  g_assert_false (is_plain_identifier (std::string (65, 'a')));
}

/* ------------------------------------------------------------ decoder */

void
test_usage_keys_that_are_not_identifiers_are_not_counts ()
{
  ServerMessage msg = decode_ok ("{\"usageMetadata\":{\"totalTokenCount\":5,"
      "\"evil=(int)1, x\":7,\"esc\\u001b[31m\":8,\"sp ace\":9,"
      "\"responseTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":3},"
      "{\"modality\":\"A=(string)x\",\"tokenCount\":4}]}}");
  g_assert_true (msg.usage.has_value ());
  std::vector<std::string> names;
  for (const auto &count : msg.usage->counts)
    names.push_back (count.first);
  g_assert_cmpuint (names.size (), ==, 2);
  assert_text (names[0], "totalTokenCount");
  assert_text (names[1], "responseTokensDetails.AUDIO");
  /* The others are reported as unknown, without their escape. */
  g_assert_cmpuint (msg.unknown_fields.size (), ==, 4);
  for (const auto &name : msg.unknown_fields)
    g_assert_null (strchr (name.c_str (), '\x1b'));
}

void
test_decode_errors_carry_no_escapes ()
{
  std::string error = decode_error ("{\"goAway\":{\"timeLeft\":\"\\u001b[2J\\u009b\\n\"}}");
  assert_says (error, "goAway.timeLeft \"[2J \"");
  g_assert_null (strchr (error.c_str (), '\x1b'));
  ServerMessage msg = decode_ok ("{\"serverContent\":{\"turnComplete\":true,"
      "\"turnCompleteReason\":\"\\u001b]0;x\\u0007DONE\"}}");
  assert_text (msg.turn_complete_reason, "]0;xDONE");
}

/* ------------------------------------------------------------ PCM */

BytesPtr
bytes_of (std::vector<guint8> v)
{
  return BytesPtr (g_bytes_new (v.data (), v.size ()));
}

std::vector<guint8>
contents (const BytesPtr &b)
{
  gsize size = 0;
  auto data = static_cast<const guint8 *> (g_bytes_get_data (b.get (), &size));
  return std::vector<guint8> (data, data + size);
}

void
test_odd_pcm_byte_joins_the_next_chunk ()
{
  PcmAligner aligner;
  bool first = false;
  BytesPtr even = bytes_of ({1, 2, 3, 4});
  GBytes *raw = even.get ();
  BytesPtr out = aligner.align (std::move (even), &first);
  g_assert_true (out.get () == raw);  /* no copy for a well-behaved server */
  g_assert_true (first);

  out = aligner.align (bytes_of ({5, 6, 7}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({5, 6}));
  g_assert_false (first);
  out = aligner.align (bytes_of ({8, 9, 10, 11}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({7, 8, 9, 10}));
  out = aligner.align (bytes_of ({12}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({11, 12}));
  g_assert_null (aligner.align (bytes_of ({13}), &first).get ());
  g_assert_null (aligner.align (bytes_of ({}), &first).get ());
  out = aligner.align (bytes_of ({14}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({13, 14}));
  aligner.end_reply ();
  g_assert_cmpuint (aligner.take_dropped (), ==, 0);
}

void
test_odd_pcm_byte_at_reply_end_is_dropped_and_counted ()
{
  PcmAligner aligner;
  bool first = false;
  BytesPtr out = aligner.align (bytes_of ({1, 2, 3}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({1, 2}));
  aligner.end_reply ();
  g_assert_cmpuint (aligner.take_dropped (), ==, 1);
  g_assert_cmpuint (aligner.take_dropped (), ==, 0);
  /* The next reply starts on a sample boundary of its own. */
  out = aligner.align (bytes_of ({4, 5}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({4, 5}));
  g_assert_true (first);
}

void
test_reply_starting_with_one_byte_starts_at_its_first_sample ()
{
  PcmAligner aligner;
  bool first = false;
  g_assert_null (aligner.align (bytes_of ({1}), &first).get ());
  g_assert_false (first);
  BytesPtr out = aligner.align (bytes_of ({2, 3, 4}), &first);
  g_assert_true (contents (out) == std::vector<guint8> ({1, 2, 3, 4}));
  g_assert_true (first);
  aligner.end_reply ();
  g_assert_cmpuint (aligner.take_dropped (), ==, 0);
}

}  // namespace

}  // namespace gemlive

int
main (int argc, char **argv)
{
  using namespace gemlive;
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/peer-input/the-comment-bomb-is-refused-not-parsed",
      test_the_comment_bomb_is_refused_not_parsed);
  g_test_add_func ("/peer-input/single-quoted-strings-are-refused", test_single_quoted_strings_are_refused);
  g_test_add_func ("/peer-input/depth-is-counted-outside-strings-only",
      test_depth_is_counted_outside_strings_only);
  g_test_add_func ("/peer-input/depth-limit-is-exact", test_depth_limit_is_exact);
  g_test_add_func ("/peer-input/what-is-not-plain-json-is-named", test_what_is_not_plain_json_is_named);
  g_test_add_func ("/peer-input/peer-text-is-valid-utf8", test_peer_text_is_valid_utf8);
  g_test_add_func ("/peer-input/peer-text-has-no-control-or-escape-characters",
      test_peer_text_has_no_control_or_escape_characters);
  g_test_add_func ("/peer-input/peer-text-is-bounded-at-a-character-boundary",
      test_peer_text_is_bounded_at_a_character_boundary);
  g_test_add_func ("/peer-input/plain-identifiers", test_plain_identifiers);
  g_test_add_func ("/peer-input/usage-keys-that-are-not-identifiers-are-not-counts",
      test_usage_keys_that_are_not_identifiers_are_not_counts);
  g_test_add_func ("/peer-input/decode-errors-carry-no-escapes", test_decode_errors_carry_no_escapes);
  g_test_add_func ("/peer-input/odd-pcm-byte-joins-the-next-chunk", test_odd_pcm_byte_joins_the_next_chunk);
  g_test_add_func ("/peer-input/odd-pcm-byte-at-reply-end-is-dropped-and-counted",
      test_odd_pcm_byte_at_reply_end_is_dropped_and_counted);
  g_test_add_func ("/peer-input/reply-starting-with-one-byte-starts-at-its-first-sample",
      test_reply_starting_with_one_byte_starts_at_its_first_sample);
  return g_test_run ();
}
