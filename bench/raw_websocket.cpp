/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "raw_websocket.h"

#include <cstring>

namespace raw_websocket {

namespace {

constexpr size_t MAX_UPGRADE_RESPONSE = 8192;
constexpr char WEBSOCKET_GUID[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr size_t MAX_CONTROL_PAYLOAD = 125;

/* XOR with the 4-byte key, 8 bytes at a time (the key repeats every 4). */
void
mask_in_place (unsigned char *payload, size_t length, const unsigned char key[4])
{
  const unsigned char key8[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
  guint64 wide;
  memcpy (&wide, key8, sizeof wide);
  size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    guint64 word;
    memcpy (&word, payload + i, sizeof word);
    word ^= wide;
    memcpy (payload + i, &word, sizeof word);
  }
  for (; i < length; i++)
    payload[i] ^= key[i & 3];
}

ServerFrame
frame_of_kind (ServerFrame::Kind kind)
{
  ServerFrame frame;
  frame.kind = kind;
  return frame;
}

ServerFrame
protocol_error (const char *why)
{
  ServerFrame frame = frame_of_kind (ServerFrame::ProtocolError);
  frame.error = why;
  return frame;
}

ServerFrame
with_payload (ServerFrame::Kind kind, const char *data, size_t size)
{
  ServerFrame frame = frame_of_kind (kind);
  frame.data = data;
  frame.size = size;
  return frame;
}

}  // namespace

std::string
accept_for_key (const std::string &key)
{
  GChecksum *sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  std::string input = key + WEBSOCKET_GUID;
  g_checksum_update (sha1, reinterpret_cast<const guchar *> (input.data ()), (gssize) input.size ());
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_checksum_get_digest (sha1, digest, &digest_len);
  g_checksum_free (sha1);
  gchar *encoded = g_base64_encode (digest, digest_len);
  std::string accept (encoded);
  g_free (encoded);
  return accept;
}

Handshake
make_handshake (const char *path, const std::string &host_port)
{
  guchar nonce[16];
  for (size_t i = 0; i < sizeof nonce; i += 4) {
    guint32 r = g_random_int ();
    memcpy (nonce + i, &r, 4);
  }
  gchar *key = g_base64_encode (nonce, sizeof nonce);
  Handshake handshake;
  handshake.expected_accept = accept_for_key (key);
  handshake.request = std::string ("GET ") + path + " HTTP/1.1\r\nHost: " + host_port
      + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
      + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  g_free (key);
  return handshake;
}

UpgradeResult
check_upgrade_response (const char *data, size_t size, const std::string &expected_accept,
    size_t &head_size, std::string &why)
{
  auto end = static_cast<const char *> (memmem (data, size, "\r\n\r\n", 4));
  if (!end) {
    if (size <= MAX_UPGRADE_RESPONSE)
      return UpgradeResult::Incomplete;
    head_size = 0;
    why = "upgrade response too long";
    return UpgradeResult::Refused;
  }
  head_size = (size_t) (end - data) + 4;
  std::string head (data, head_size);
  gchar *lower_c = g_ascii_strdown (head.c_str (), (gssize) head.size ());
  std::string lower (lower_c);
  g_free (lower_c);
  static const char accept_key[] = "\r\nsec-websocket-accept:";
  size_t accept_at = lower.find (accept_key);
  std::string accept;
  if (accept_at != std::string::npos) {
    size_t from = head.find_first_not_of (' ', accept_at + sizeof accept_key - 1);
    accept = head.substr (from, head.find ('\r', from) - from);
  }
  if (head.compare (0, 13, "HTTP/1.1 101 ") != 0)
    why = "upgrade refused: " + head.substr (0, head.find ('\r'));
  else if (accept != expected_accept)
    why = "wrong Sec-WebSocket-Accept";
  else if (lower.find ("\r\nsec-websocket-extensions:") != std::string::npos)
    why = "the peer answered with an extension that was not offered";
  else
    return UpgradeResult::Accepted;
  return UpgradeResult::Refused;
}

MaskKeys::MaskKeys () : state_ (((guint64) g_random_int () << 32) | g_random_int () | 1) {}

guint32
MaskKeys::next ()
{
  /* xorshift64* */
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return (guint32) ((state_ * G_GUINT64_CONSTANT (2685821657736338717)) >> 32);
}

unsigned char *
frame_in_place (unsigned char *payload, size_t length, unsigned opcode, guint32 mask_key,
    size_t &frame_size)
{
  size_t header = length < 126 ? 6 : length <= 0xffff ? 8 : 14;
  unsigned char *h = payload - header;
  h[0] = (unsigned char) (0x80 | opcode);
  if (length < 126) {
    h[1] = (unsigned char) (0x80 | length);
  } else if (length <= 0xffff) {
    h[1] = 0x80 | 126;
    h[2] = (unsigned char) (length >> 8);
    h[3] = (unsigned char) length;
  } else {
    h[1] = 0x80 | 127;
    for (int i = 0; i < 8; i++)
      h[2 + i] = (unsigned char) ((guint64) length >> (56 - 8 * i));
  }
  memcpy (payload - 4, &mask_key, 4);
  mask_in_place (payload, length, payload - 4);
  frame_size = header + length;
  return h;
}

ServerFrame
ServerFrameReader::next (const char *data, size_t size)
{
  if (size < 2)
    return frame_of_kind (ServerFrame::Incomplete);
  auto p = reinterpret_cast<const unsigned char *> (data);
  bool fin = p[0] & 0x80;
  unsigned opcode = p[0] & 0x0f;
  guint64 length = p[1] & 0x7f;
  size_t header = 2;
  if (length == 126) {
    if (size < 4)
      return frame_of_kind (ServerFrame::Incomplete);
    length = ((guint64) p[2] << 8) | p[3];
    header = 4;
  } else if (length == 127) {
    if (size < 10)
      return frame_of_kind (ServerFrame::Incomplete);
    length = 0;
    for (int i = 0; i < 8; i++)
      length = (length << 8) | p[2 + i];
    header = 10;
  }
  /* No extension was negotiated (RSV bits) and servers never mask. */
  if ((p[0] & 0x70) || (p[1] & 0x80) || length > max_payload_)
    return protocol_error ("bad server frame header");
  if (size - header < length)
    return frame_of_kind (ServerFrame::Incomplete);
  const char *payload = data + header;
  ServerFrame frame = opcode >= OP_CLOSE ? on_control (fin, opcode, payload, (size_t) length)
                                         : on_data (fin, opcode, payload, (size_t) length);
  frame.used = header + (size_t) length;
  return frame;
}

ServerFrame
ServerFrameReader::on_control (bool fin, unsigned opcode, const char *payload, size_t length)
{
  if (!fin || length > MAX_CONTROL_PAYLOAD)
    return protocol_error ("fragmented or long control frame");
  if (opcode == OP_PING)
    return with_payload (ServerFrame::Ping, payload, length);
  if (opcode == OP_PONG)
    return frame_of_kind (ServerFrame::Nothing);
  if (opcode != OP_CLOSE)
    return protocol_error ("unknown control opcode");
  ServerFrame frame = frame_of_kind (ServerFrame::Close);
  frame.close_code = length >= 2
      ? (guint16) (((unsigned char) payload[0] << 8) | (unsigned char) payload[1])
      : CLOSE_NO_STATUS;
  return frame;
}

ServerFrame
ServerFrameReader::on_data (bool fin, unsigned opcode, const char *payload, size_t length)
{
  if (opcode == OP_CONTINUATION) {
    if (!in_fragmented_message_ || message_.size () + length > max_payload_)
      return protocol_error ("unexpected or oversized continuation");
    message_.insert (message_.end (), payload, payload + length);
    if (!fin)
      return frame_of_kind (ServerFrame::Nothing);
    /* message_ is overwritten when the next fragmented message begins. */
    in_fragmented_message_ = false;
    return with_payload (ServerFrame::Message, message_.data (), message_.size ());
  }
  if ((opcode != OP_TEXT && opcode != OP_BINARY) || in_fragmented_message_)
    return protocol_error ("unexpected data opcode");
  if (fin)
    return with_payload (ServerFrame::Message, payload, length);
  in_fragmented_message_ = true;
  message_.assign (payload, payload + length);
  return frame_of_kind (ServerFrame::Nothing);
}

}  // namespace raw_websocket
