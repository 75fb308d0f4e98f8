/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit test of the bench's RFC 6455 client codec (raw_websocket.h, used by
 * bench-raw-floor and to build frames in the WebSocket test) on in-memory bytes: the
 * handshake, the upgrade check, masked client frames, close payloads and the
 * server frame reader.
 */
#include "raw_websocket.h"
#include "../tests/unit/server_frames.h"

#include <glib.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace gemlive::ws;
using test_frames::pattern;
using test_frames::server_frame;

namespace {

/* The example of RFC 6455, section 1.3. */
constexpr char RFC_KEY[] = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr char RFC_ACCEPT[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
constexpr unsigned FIN = 0x80;
constexpr guint64 ONE_MIB = 1 << 20;

void
assert_str (const std::string &got, const std::string &expected)
{
  g_assert_cmpstr (got.c_str (), ==, expected.c_str ());
}

/* The value of header `name` in an HTTP head, "" when absent. */
std::string
header_value (const std::string &head, const std::string &name)
{
  size_t at = head.find ("\r\n" + name + ": ");
  if (at == std::string::npos)
    return "";
  size_t from = at + name.size () + 4;
  return head.substr (from, head.find ("\r\n", from) - from);
}



/* next () on a copy of the first `size` bytes (all by default) in an allocation of
 * that size, so ASan sees any read past them; it lives until the next call. */
ServerFrame
next_on (ServerFrameReader &reader, const std::string &bytes, size_t size = G_MAXSIZE)
{
  static std::unique_ptr<char[]> input;
  size = MIN (size, bytes.size ());
  input.reset (new char[size]);
  memcpy (input.get (), bytes.data (), size);
  return reader.next (input.get (), size);
}

void
assert_frame (const ServerFrame &frame, ServerFrame::Kind kind, size_t used,
    const std::string &payload)
{
  g_assert_cmpint (frame.kind, ==, kind);
  g_assert_cmpuint (frame.used, ==, used);
  g_assert_cmpmem (frame.data, frame.size, payload.data (), payload.size ());
}

void
assert_protocol_error (ServerFrameReader &reader, const std::string &bytes,
    guint16 code = CLOSE_PROTOCOL_ERROR)
{
  ServerFrame got = next_on (reader, bytes);
  g_assert_cmpint (got.kind, ==, ServerFrame::ProtocolError);
  g_assert_cmpuint (got.close_code, ==, code);
  g_assert_nonnull (got.error);
  g_assert_cmpstr (got.error, !=, "");
}

Handshake
handshake_for (const std::string &target, const std::string &host, const HeaderList &headers = {})
{
  Handshake handshake;
  std::string why = "untouched";
  g_assert_true (make_handshake (target, host, headers, handshake, why));
  assert_str (why, "untouched");
  return handshake;
}

void
test_handshake_request_and_accept ()
{
  assert_str (accept_for_key (RFC_KEY), RFC_ACCEPT);  /* RFC 6455's own example */

  Handshake handshake = handshake_for ("//ws/live?v=1&key=secret", "127.0.0.1:8080",
      {{"x-goog-api-key", "k1"}, {"Authorization", "Bearer t"}});
  const std::string &request = handshake.request;
  /* The target verbatim: the SDKs' double slash and the query stay as they are. */
  g_assert_true (g_str_has_prefix (request.c_str (), "GET //ws/live?v=1&key=secret HTTP/1.1\r\n"));
  g_assert_cmpuint (request.find ("\r\n\r\n"), ==, request.size () - 4);
  assert_str (header_value (request, "Host"), "127.0.0.1:8080");
  assert_str (header_value (request, "Upgrade"), "websocket");
  assert_str (header_value (request, "Connection"), "Upgrade");
  assert_str (header_value (request, "Sec-WebSocket-Version"), "13");
  assert_str (header_value (request, "x-goog-api-key"), "k1");
  assert_str (header_value (request, "Authorization"), "Bearer t");
  /* No extension offered: the server must send plain frames. */
  g_assert_cmpuint (request.find ("Sec-WebSocket-Extensions"), ==, std::string::npos);

  std::string key = header_value (request, "Sec-WebSocket-Key");
  g_assert_cmpuint (key.size (), ==, 24);
  gsize nonce_len = 0;
  guchar *nonce = g_base64_decode (key.c_str (), &nonce_len);
  g_free (nonce);
  g_assert_cmpuint (nonce_len, ==, 16);
  g_assert_true (g_str_has_suffix (key.c_str (), "=="));
  assert_str (handshake.expected_accept, accept_for_key (key));

  /* A fresh key each time (2^-128 odds of a false failure). */
  std::string other_key = header_value (handshake_for ("/", "h:1").request, "Sec-WebSocket-Key");
  g_assert_cmpuint (other_key.size (), ==, 24);
  g_assert_true (other_key != key);
}

void
test_handshake_refuses_header_injection_without_echoing_the_value ()
{
  const HeaderList bad[] = {
      {{"x-goog-api-key", "secret\r\nX-Evil: 1"}},
      {{"x-goog-api-key", "secret\nX-Evil: 1"}},
      {{"Bad:Name", "v"}},
      {{"Bad Name", "v"}},
      {{"", "v"}},
  };
  for (const auto &headers : bad) {
    Handshake handshake;
    std::string why;
    g_assert_false (make_handshake ("/ws", "h", headers, handshake, why));
    g_assert_cmpstr (why.c_str (), !=, "");
    g_assert_cmpuint (why.find ("secret"), ==, std::string::npos);
    g_assert_cmpuint (why.find ("Evil"), ==, std::string::npos);
  }
  Handshake handshake;
  std::string why;
  g_assert_false (make_handshake ("/ws x", "h", {}, handshake, why));
  g_assert_false (make_handshake ("/ws", "h\r\nX: 1", {}, handshake, why));
}

const std::string SWITCHING = "HTTP/1.1 101 Switching Protocols";
const std::string ACCEPT_LINE = std::string ("Sec-WebSocket-Accept: ") + RFC_ACCEPT;

std::string
response_head (const std::string &status, const std::string &accept_line, const char *extra = "")
{
  return status + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + accept_line + "\r\n"
      + extra + "\r\n";
}

UpgradeResponse
upgrade (const std::string &input)
{
  return check_upgrade_response (input.data (), input.size (), RFC_ACCEPT);
}

void
assert_accepted (const std::string &input, size_t expected_head_size)
{
  UpgradeResponse got = upgrade (input);
  g_assert_cmpint (got.kind, ==, UpgradeResponse::Accepted);
  g_assert_cmpuint (got.head_size, ==, expected_head_size);
  g_assert_cmpuint (got.status, ==, 101);
}

/* Invalid, and why mentions `about`. */
void
assert_invalid (const std::string &input, const char *about)
{
  UpgradeResponse got = upgrade (input);
  g_assert_cmpint (got.kind, ==, UpgradeResponse::Invalid);
  g_assert_true (got.why.find (about) != std::string::npos);
}

void
test_upgrade_incomplete_until_head_ends_then_accepted_without_frame_bytes ()
{
  std::string head = response_head (SWITCHING, ACCEPT_LINE);
  for (size_t n = 0; n < head.size (); n++)
    g_assert_cmpint (upgrade (head.substr (0, n)).kind, ==, UpgradeResponse::Incomplete);
  assert_accepted (head, head.size ());
  /* head_size stops before the first frame's bytes. */
  assert_accepted (head + server_frame (FIN | OP_TEXT, "hi"), head.size ());
  /* Header names are case-insensitive, the space after ':' optional, and
   * Connection may list several tokens. */
  head = SWITCHING + "\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
      + "sec-websocket-accept:" + RFC_ACCEPT + "\r\n\r\n";
  assert_accepted (head + "\x81", head.size ());
}

void
test_upgrade_refused_gives_status_and_reason ()
{
  std::string head = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\n";
  UpgradeResponse got = upgrade (head + "body");
  g_assert_cmpint (got.kind, ==, UpgradeResponse::Refused);
  g_assert_cmpuint (got.status, ==, 401);
  assert_str (got.reason, "Unauthorized");
  got = upgrade ("HTTP/1.1 429 Too Many Requests\r\n\r\n");
  g_assert_cmpint (got.kind, ==, UpgradeResponse::Refused);
  g_assert_cmpuint (got.status, ==, 429);
  assert_str (got.reason, "Too Many Requests");
  got = upgrade ("HTTP/1.1 404\r\n\r\n");  /* a reason phrase is optional */
  g_assert_cmpuint (got.status, ==, 404);
  assert_str (got.reason, "");
}

void
test_upgrade_invalid_answers ()
{
  assert_invalid ("SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP");
  std::string other_accept = accept_for_key ("AAAAAAAAAAAAAAAAAAAAAA==");
  assert_invalid (response_head (SWITCHING, "Sec-WebSocket-Accept: " + other_accept),
      "Sec-WebSocket-Accept");
  assert_invalid (response_head (SWITCHING, "X-Other: 1"), "Sec-WebSocket-Accept");
  assert_invalid (SWITCHING + "\r\nConnection: Upgrade\r\n" + ACCEPT_LINE + "\r\n\r\n",
      "upgrade");
  assert_invalid (SWITCHING + "\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
      + ACCEPT_LINE + "\r\n\r\n", "upgrade");
  assert_invalid (response_head (SWITCHING, ACCEPT_LINE,
      "Sec-WebSocket-Extensions: permessage-deflate\r\n"), "extension");
  assert_invalid (response_head (SWITCHING, ACCEPT_LINE, "Sec-WebSocket-Protocol: chat\r\n"),
      "subprotocol");

  /* A head that never ends: still waited for at 4 KiB, given up past 16 KiB. */
  std::string endless = SWITCHING + "\r\n";
  while (endless.size () <= 16384)
    endless += "X-Padding: " + pattern (60) + "\r\n";
  g_assert_cmpint (upgrade (endless.substr (0, 4096)).kind, ==, UpgradeResponse::Incomplete);
  assert_invalid (endless, "end of headers");
}

void
test_client_frame_headers_and_mask ()
{
  const guint32 key = 0xa1b2c3d4;
  unsigned char key_bytes[4];
  memcpy (key_bytes, &key, 4);
  for (size_t length : {0, 125, 126, 65535, 65536}) {
    std::string original = pattern (length);
    unsigned opcode = length % 2 ? OP_TEXT : OP_BINARY;
    std::string out = "before";  /* appended to, never overwritten */
    append_client_frame (out, opcode, original.data (), length, key);
    g_assert_true (g_str_has_prefix (out.c_str (), "before"));
    auto frame = reinterpret_cast<const unsigned char *> (out.data () + 6);

    /* FIN + opcode; MASK + 7-bit length, or 126 + 16-bit, or 127 + 64-bit; the key. */
    std::vector<unsigned char> expected = {(unsigned char) (0x80 | opcode)};
    if (length < 126)
      expected.push_back ((unsigned char) (0x80 | length));
    else if (length < 65536)
      expected.insert (expected.end (), {0xfe, (unsigned char) (length >> 8), (guchar) length});
    else
      expected.insert (expected.end (), {0xff, 0, 0, 0, 0, 0, 1, 0, 0});  /* 65536 */
    expected.insert (expected.end (), key_bytes, key_bytes + 4);
    size_t header = expected.size ();
    g_assert_cmpuint (out.size (), ==, 6 + header + length);
    g_assert_cmpmem (frame, header, expected.data (), header);
    std::string unmasked (length, '\0');
    for (size_t i = 0; i < length; i++) {
      g_assert_cmphex (frame[header + i], ==, (unsigned char) original[i] ^ key_bytes[i % 4]);
      unmasked[i] = (char) (frame[header + i] ^ frame[header - 4 + i % 4]);  /* as the server does */
    }
    assert_str (unmasked, original);
  }
}

void
test_close_payload_code_and_reason_cut_at_a_character ()
{
  assert_str (close_payload (0, "ignored"), "");
  assert_str (close_payload (1000, ""), std::string ("\x03\xe8", 2));
  assert_str (close_payload (1011, "bye"), std::string ("\x03\xf3", 2) + "bye");
  /* 122 ASCII bytes, then a 2-byte character that would end at byte 124. */
  std::string reason = std::string (122, 'r') + "\xc3\xa9" + "tail";
  std::string payload = close_payload (1002, reason);
  g_assert_cmpuint (payload.size (), ==, 2 + 122);
  assert_str (payload.substr (2), std::string (122, 'r'));
  g_assert_true (g_utf8_validate (payload.data () + 2, (gssize) payload.size () - 2, nullptr));
  /* Exactly 123 bytes of reason fit whole. */
  assert_str (close_payload (1000, pattern (123)).substr (2), pattern (123));
}

void
test_reader_unmasked_text_with_7_16_64_bit_lengths ()
{
  ServerFrameReader reader (ONE_MIB);
  for (size_t length : {0, 5, 125, 126, 65535, 65536, 70000}) {
    std::string payload = pattern (length);
    std::string frame = server_frame (FIN | OP_TEXT, payload);
    size_t header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    g_assert_cmpuint (frame.size (), ==, header + length);
    ServerFrame got = reader.next (frame.data (), frame.size ());
    assert_frame (got, ServerFrame::Message, frame.size (), payload);
    g_assert_true (length == 0 || got.data == frame.data () + header);  /* no copy */
  }
}

void
test_reader_incomplete_for_every_proper_prefix ()
{
  ServerFrameReader reader (ONE_MIB);
  for (size_t length : {5, 300, 70000}) {
    std::string payload = pattern (length);
    std::string frame = server_frame (FIN | OP_BINARY, payload);
    for (size_t n = 0; n < frame.size (); n++) {
      /* A copy per prefix for the header and first bytes, in place after. */
      ServerFrame got = n < 1024 ? next_on (reader, frame, n) : reader.next (frame.data (), n);
      g_assert_cmpint (got.kind, ==, ServerFrame::Incomplete);
      g_assert_cmpuint (got.used, ==, 0);
    }
    assert_frame (next_on (reader, frame), ServerFrame::Message, frame.size (), payload);
  }
  /* The same inside a fragmented message, a ping between, a close after. */
  const std::string frames[] = {server_frame (OP_TEXT, "ab"), server_frame (FIN | OP_PING, "x"),
      server_frame (FIN | OP_CONTINUATION, "cd"), server_frame (FIN | OP_CLOSE, "\x03\xe8")};
  const ServerFrame::Kind kinds[] = {ServerFrame::Nothing, ServerFrame::Ping, ServerFrame::Message,
      ServerFrame::Close};
  const char *payloads[] = {"", "x", "abcd", ""};
  for (int i = 0; i < 4; i++) {
    for (size_t n = 0; n < frames[i].size (); n++)
      g_assert_cmpint (next_on (reader, frames[i], n).kind, ==, ServerFrame::Incomplete);
    assert_frame (next_on (reader, frames[i]), kinds[i], frames[i].size (), payloads[i]);
  }
}

void
test_reader_two_frames_back_to_back ()
{
  std::string second = pattern (300);
  std::string input =
      server_frame (FIN | OP_TEXT, "first") + server_frame (FIN | OP_BINARY, second);
  ServerFrameReader reader (ONE_MIB);
  ServerFrame one = reader.next (input.data (), input.size ());
  assert_frame (one, ServerFrame::Message, 7, "first");
  ServerFrame two = reader.next (input.data () + one.used, input.size () - one.used);
  assert_frame (two, ServerFrame::Message, 4 + 300, second);
  g_assert_cmpuint (one.used + two.used, ==, input.size ());
}

void
test_reader_fragmented_message_with_ping_between ()
{
  std::string input = server_frame (OP_TEXT, "Hello, ") + server_frame (OP_CONTINUATION, "wor")
      + server_frame (FIN | OP_PING, "are you there") + server_frame (FIN | OP_CONTINUATION, "ld!")
      + server_frame (OP_BINARY, "ab") + server_frame (FIN | OP_CONTINUATION, "c")
      + server_frame (FIN | OP_TEXT, "solo");
  ServerFrameReader reader (ONE_MIB);
  const char *at = input.data (), *end = input.data () + input.size ();
  auto next = [&] () {
    ServerFrame frame = reader.next (at, (size_t) (end - at));
    at += frame.used;
    return frame;
  };
  assert_frame (next (), ServerFrame::Nothing, 9, "");
  assert_frame (next (), ServerFrame::Nothing, 5, "");
  const char *ping_at = at;
  ServerFrame ping = next ();
  assert_frame (ping, ServerFrame::Ping, 15, "are you there");
  g_assert_true (ping.data == ping_at + 2);
  assert_frame (next (), ServerFrame::Message, 5, "Hello, world!");
  /* The next fragmented message starts from empty, not after the last. */
  assert_frame (next (), ServerFrame::Nothing, 4, "");
  assert_frame (next (), ServerFrame::Message, 3, "abc");
  assert_frame (next (), ServerFrame::Message, 6, "solo");
  g_assert_true (at == end);
}

void
test_reader_pong_nothing_close_with_and_without_code ()
{
  ServerFrameReader reader (ONE_MIB);
  assert_frame (next_on (reader, server_frame (FIN | OP_PONG, "p")), ServerFrame::Nothing, 3, "");
  const struct {
    std::string payload;
    guint16 code;
  } closes[] = {
      {std::string ("\x03\xe8", 2) + "bye", 1000}, {"\x0f\xa1", 4001}, {"", CLOSE_NO_STATUS}};
  for (const auto &c : closes) {
    std::string frame = server_frame (FIN | OP_CLOSE, c.payload);
    ServerFrame got = next_on (reader, frame);
    g_assert_cmpint (got.kind, ==, ServerFrame::Close);
    g_assert_cmpuint (got.used, ==, frame.size ());
    g_assert_cmpuint (got.close_code, ==, c.code);
  }
  /* The reason comes with the code, verbatim. */
  std::string frame = server_frame (FIN | OP_CLOSE, std::string ("\x03\xf3", 2)
      + "Internal error occurred.");
  assert_frame (next_on (reader, frame), ServerFrame::Close, frame.size (),
      "Internal error occurred.");
  /* A 1-byte payload is neither a code nor nothing (RFC 6455 5.5.1). */
  assert_protocol_error (reader, server_frame (FIN | OP_CLOSE, "\x03"));
}

void
test_reader_rejects_masked_rsv_and_unknown_opcodes ()
{
  ServerFrameReader reader (ONE_MIB);
  /* "hello" masked with the key 01 02 03 04: servers never mask. */
  assert_protocol_error (reader, std::string ("\x81\x85\x01\x02\x03\x04", 6) + "igohn");
  for (unsigned rsv : {0x40u, 0x20u, 0x10u})
    assert_protocol_error (reader, server_frame (FIN | rsv | OP_TEXT, "x"));
  for (unsigned opcode : {0x3u, 0xbu})
    assert_protocol_error (reader, server_frame (FIN | opcode, "x"));
  assert_frame (next_on (reader, server_frame (FIN | OP_TEXT, "x")), ServerFrame::Message, 3, "x");
}

void
test_reader_rejects_long_or_fragmented_control_frames ()
{
  ServerFrameReader reader (ONE_MIB);
  assert_frame (next_on (reader, server_frame (FIN | OP_PING, pattern (125))), ServerFrame::Ping,
      127, pattern (125));
  for (unsigned opcode : {OP_PING, OP_PONG, OP_CLOSE}) {
    assert_protocol_error (reader, server_frame (FIN | opcode, pattern (126)));
    assert_protocol_error (reader, server_frame (opcode, "x"));  /* FIN clear */
    /* Known from the first two bytes: no waiting for a payload. */
    assert_protocol_error (reader, server_frame (FIN | opcode, pattern (126)).substr (0, 2));
    assert_protocol_error (reader, server_frame (opcode, "xyz").substr (0, 2));
  }
}

void
test_reader_rejects_continuation_with_no_message ()
{
  for (unsigned first_byte : {FIN | OP_CONTINUATION, OP_CONTINUATION}) {
    ServerFrameReader fresh (ONE_MIB);
    assert_protocol_error (fresh, server_frame (first_byte, "x"));
  }
  /* Nor once the fragmented message has ended. */
  ServerFrameReader reader (ONE_MIB);
  assert_frame (next_on (reader, server_frame (OP_TEXT, "a")), ServerFrame::Nothing, 3, "");
  assert_frame (next_on (reader, server_frame (FIN | OP_CONTINUATION, "b")), ServerFrame::Message,
      3, "ab");
  assert_protocol_error (reader, server_frame (FIN | OP_CONTINUATION, "c"));
}

void
test_reader_rejects_data_frame_inside_fragmented_message ()
{
  for (unsigned first_byte : {FIN | OP_TEXT, FIN | OP_BINARY, OP_TEXT}) {
    ServerFrameReader reader (ONE_MIB);
    assert_frame (next_on (reader, server_frame (OP_TEXT, "a")), ServerFrame::Nothing, 3, "");
    assert_protocol_error (reader, server_frame (first_byte, "b"));
  }
}

void
test_reader_rejects_payload_over_max ()
{
  ServerFrameReader reader (100);
  assert_frame (next_on (reader, server_frame (FIN | OP_BINARY, pattern (100))),
      ServerFrame::Message, 102, pattern (100));
  std::string over = server_frame (FIN | OP_BINARY, pattern (101));
  assert_protocol_error (reader, over, CLOSE_TOO_BIG);
  /* Known from the header alone: no waiting for the payload. */
  assert_protocol_error (reader, over.substr (0, 2), CLOSE_TOO_BIG);
  assert_protocol_error (reader, std::string ("\x82\x7f\x80\0\0\0\0\0\0\0", 10),
      CLOSE_TOO_BIG);  /* 2^63 */

  /* A fragmented message is held to the same bound as a whole: 60 + 40, not 60 + 41. */
  ServerFrameReader fits (100), too_long (100);
  std::string first = server_frame (OP_TEXT, pattern (60));
  assert_frame (next_on (fits, first), ServerFrame::Nothing, 62, "");
  assert_frame (next_on (fits, server_frame (FIN | OP_CONTINUATION, pattern (40))),
      ServerFrame::Message, 42, pattern (60) + pattern (40));
  assert_frame (next_on (too_long, first), ServerFrame::Nothing, 62, "");
  assert_protocol_error (too_long, server_frame (FIN | OP_CONTINUATION, pattern (41)),
      CLOSE_TOO_BIG);
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
#define ADD_TEST(name) g_test_add_func ("/websocket-frames/" #name, name)
  ADD_TEST (test_handshake_request_and_accept);
  ADD_TEST (test_handshake_refuses_header_injection_without_echoing_the_value);
  ADD_TEST (test_upgrade_incomplete_until_head_ends_then_accepted_without_frame_bytes);
  ADD_TEST (test_upgrade_refused_gives_status_and_reason);
  ADD_TEST (test_upgrade_invalid_answers);
  ADD_TEST (test_client_frame_headers_and_mask);
  ADD_TEST (test_close_payload_code_and_reason_cut_at_a_character);
  ADD_TEST (test_reader_unmasked_text_with_7_16_64_bit_lengths);
  ADD_TEST (test_reader_incomplete_for_every_proper_prefix);
  ADD_TEST (test_reader_two_frames_back_to_back);
  ADD_TEST (test_reader_fragmented_message_with_ping_between);
  ADD_TEST (test_reader_pong_nothing_close_with_and_without_code);
  ADD_TEST (test_reader_rejects_masked_rsv_and_unknown_opcodes);
  ADD_TEST (test_reader_rejects_long_or_fragmented_control_frames);
  ADD_TEST (test_reader_rejects_continuation_with_no_message);
  ADD_TEST (test_reader_rejects_data_frame_inside_fragmented_message);
  ADD_TEST (test_reader_rejects_payload_over_max);
  return g_test_run ();
}
