/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "raw_websocket.h"

#include <cstring>

namespace gemlive {
namespace ws {

namespace {

/* Far more than any answer to an upgrade; a server that sends more without
 * ending its head is not speaking HTTP. */
constexpr size_t MAX_UPGRADE_RESPONSE = 16384;
constexpr char WEBSOCKET_GUID[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr size_t MAX_CONTROL_PAYLOAD = 125;

ServerFrame
frame_of_kind (ServerFrame::Kind kind)
{
  ServerFrame frame;
  frame.kind = kind;
  return frame;
}

ServerFrame
protocol_error (const char *why, guint16 code = CLOSE_PROTOCOL_ERROR)
{
  ServerFrame frame = frame_of_kind (ServerFrame::ProtocolError);
  frame.error = why;
  frame.close_code = code;
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

std::string
trimmed (const std::string &text)
{
  size_t from = text.find_first_not_of (" \t");
  if (from == std::string::npos)
    return "";
  size_t to = text.find_last_not_of (" \t");
  return text.substr (from, to - from + 1);
}

bool
has_token (const std::string &list, const char *token)
{
  gchar **parts = g_strsplit (list.c_str (), ",", -1);
  bool found = false;
  for (gchar **part = parts; *part && !found; part++)
    found = g_ascii_strcasecmp (trimmed (*part).c_str (), token) == 0;
  g_strfreev (parts);
  return found;
}

bool
breaks_a_line (const std::string &text)
{
  return text.find_first_of ("\r\n") != std::string::npos;
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

bool
make_handshake (const std::string &target, const std::string &host, const HeaderList &headers,
    Handshake &handshake, std::string &why)
{
  if (breaks_a_line (target) || breaks_a_line (host) || target.find (' ') != std::string::npos) {
    why = "the request line or Host would contain a space or a line break";
    return false;
  }
  guchar nonce[16];
  for (size_t i = 0; i < sizeof nonce; i += 4) {
    guint32 r = g_random_int ();
    memcpy (nonce + i, &r, 4);
  }
  gchar *key = g_base64_encode (nonce, sizeof nonce);
  handshake.expected_accept = accept_for_key (key);
  handshake.request = "GET " + target + " HTTP/1.1\r\nHost: " + host
      + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
      + "\r\nSec-WebSocket-Version: 13\r\n";
  g_free (key);
  for (const auto &header : headers) {
    if (header.first.empty () || breaks_a_line (header.first)
        || header.first.find_first_of (": \t") != std::string::npos) {
      why = "a header name is empty or contains a separator";
      return false;
    }
    /* The value is never put in the message: it may be a credential. */
    if (breaks_a_line (header.second)) {
      why = "the value of header " + header.first + " contains a line break";
      return false;
    }
    handshake.request += header.first + ": " + header.second + "\r\n";
  }
  handshake.request += "\r\n";
  return true;
}

UpgradeResponse
check_upgrade_response (const char *data, size_t size, const std::string &expected_accept)
{
  UpgradeResponse response;
  auto end = static_cast<const char *> (memmem (data, size, "\r\n\r\n", 4));
  if (!end) {
    if (size > MAX_UPGRADE_RESPONSE) {
      response.kind = UpgradeResponse::Invalid;
      response.why = "the answer to the WebSocket upgrade has no end of headers";
    }
    return response;
  }
  response.head_size = (size_t) (end - data) + 4;
  std::string head (data, response.head_size - 4);

  size_t line_end = head.find ("\r\n");
  std::string status_line = head.substr (0, line_end);
  unsigned major = 0, minor = 0, status = 0;
  int reason_at = 0;
  if (sscanf (status_line.c_str (), "HTTP/%u.%u %3u%n", &major, &minor, &status, &reason_at) < 3
      || status < 100 || status > 999) {
    response.kind = UpgradeResponse::Invalid;
    response.why = "the server did not answer the WebSocket upgrade with HTTP";
    return response;
  }
  response.status = status;
  response.reason = trimmed (status_line.substr ((size_t) reason_at));
  if (status != 101) {
    response.kind = UpgradeResponse::Refused;
    return response;
  }

  std::string upgrade, connection, accept;
  bool extension = false, protocol = false;
  size_t at = line_end == std::string::npos ? head.size () : line_end + 2;
  while (at < head.size ()) {
    size_t next = head.find ("\r\n", at);
    if (next == std::string::npos)
      next = head.size ();
    std::string line = head.substr (at, next - at);
    at = next + 2;
    size_t colon = line.find (':');
    if (colon == std::string::npos)
      continue;
    std::string name = line.substr (0, colon), value = trimmed (line.substr (colon + 1));
    if (g_ascii_strcasecmp (name.c_str (), "Upgrade") == 0)
      upgrade = value;
    else if (g_ascii_strcasecmp (name.c_str (), "Connection") == 0)
      connection += "," + value;
    else if (g_ascii_strcasecmp (name.c_str (), "Sec-WebSocket-Accept") == 0)
      accept = value;
    else if (g_ascii_strcasecmp (name.c_str (), "Sec-WebSocket-Extensions") == 0)
      extension = true;
    else if (g_ascii_strcasecmp (name.c_str (), "Sec-WebSocket-Protocol") == 0)
      protocol = true;
  }
  response.kind = UpgradeResponse::Invalid;
  if (g_ascii_strcasecmp (upgrade.c_str (), "websocket") != 0 || !has_token (connection, "upgrade"))
    response.why = "the server's 101 answer does not upgrade to a WebSocket";
  else if (accept != expected_accept)
    response.why = "the server's Sec-WebSocket-Accept does not match the key sent";
  else if (extension || protocol)
    response.why = "the server chose a WebSocket extension or subprotocol that was not offered";
  else
    response.kind = UpgradeResponse::Accepted;
  return response;
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

void
append_client_frame (std::string &out, unsigned opcode, const char *payload, size_t length,
    guint32 mask_key)
{
  unsigned char header[MAX_CLIENT_HEADER];
  size_t header_size = 2;
  header[0] = (unsigned char) (0x80 | opcode);
  if (length < 126) {
    header[1] = (unsigned char) (0x80 | length);
  } else if (length <= 0xffff) {
    header[1] = 0x80 | 126;
    header[2] = (unsigned char) (length >> 8);
    header[3] = (unsigned char) length;
    header_size = 4;
  } else {
    header[1] = 0x80 | 127;
    for (int i = 0; i < 8; i++)
      header[2 + i] = (unsigned char) ((guint64) length >> (56 - 8 * i));
    header_size = 10;
  }
  unsigned char key[4];
  memcpy (key, &mask_key, 4);
  memcpy (header + header_size, key, 4);
  header_size += 4;

  size_t start = out.size ();
  out.resize (start + header_size + length);
  auto dest = reinterpret_cast<unsigned char *> (&out[start]);
  memcpy (dest, header, header_size);
  dest += header_size;
  auto src = reinterpret_cast<const unsigned char *> (payload);
  /* XOR with the key 8 bytes at a time (the key repeats every 4). */
  const unsigned char key8[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
  guint64 wide;
  memcpy (&wide, key8, sizeof wide);
  size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    guint64 word;
    memcpy (&word, src + i, sizeof word);
    word ^= wide;
    memcpy (dest + i, &word, sizeof word);
  }
  for (; i < length; i++)
    dest[i] = src[i] ^ key[i & 3];
}

std::string
close_payload (guint16 code, const std::string &reason)
{
  if (code == 0)
    return "";
  std::string payload;
  payload += (char) (code >> 8);
  payload += (char) (code & 0xff);
  size_t room = MAX_CONTROL_PAYLOAD - 2, take = reason.size ();
  if (take > room) {
    take = room;
    /* Not inside a UTF-8 sequence: back off continuation bytes. */
    while (take > 0 && ((unsigned char) reason[take] & 0xc0) == 0x80)
      take--;
  }
  payload.append (reason, 0, take);
  return payload;
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
  /* No extension was negotiated (RSV bits) and servers never mask. */
  if ((p[0] & 0x70) || (p[1] & 0x80))
    return protocol_error ("the server sent a masked frame or one with reserved bits set");
  if (opcode >= OP_CLOSE && (length > MAX_CONTROL_PAYLOAD || !fin))
    return protocol_error ("the server sent a fragmented or over-long control frame");
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
  if (length > max_message_)
    return protocol_error ("the server sent a message larger than the limit", CLOSE_TOO_BIG);
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
  (void) fin;  /* checked with the header */
  if (opcode == OP_PING)
    return with_payload (ServerFrame::Ping, payload, length);
  if (opcode == OP_PONG)
    return frame_of_kind (ServerFrame::Nothing);
  if (opcode != OP_CLOSE)
    return protocol_error ("the server sent an unknown control opcode");
  if (length == 1)
    return protocol_error ("the server sent a close frame with a 1-byte payload");
  ServerFrame frame = with_payload (ServerFrame::Close, payload + (length >= 2 ? 2 : 0),
      length >= 2 ? length - 2 : 0);
  frame.close_code = length >= 2
      ? (guint16) (((unsigned char) payload[0] << 8) | (unsigned char) payload[1])
      : CLOSE_NO_STATUS;
  return frame;
}

ServerFrame
ServerFrameReader::on_data (bool fin, unsigned opcode, const char *payload, size_t length)
{
  if (opcode == OP_CONTINUATION) {
    if (!in_fragmented_message_)
      return protocol_error ("the server sent a continuation frame outside a message");
    if (message_.size () + length > max_message_)
      return protocol_error ("the server sent a message larger than the limit", CLOSE_TOO_BIG);
    message_.insert (message_.end (), payload, payload + length);
    if (!fin)
      return frame_of_kind (ServerFrame::Nothing);
    /* message_ is overwritten when the next fragmented message begins. */
    in_fragmented_message_ = false;
    return with_payload (ServerFrame::Message, message_.data (), message_.size ());
  }
  if ((opcode != OP_TEXT && opcode != OP_BINARY) || in_fragmented_message_)
    return protocol_error ("the server sent an unknown data opcode or interleaved messages");
  if (fin)
    return with_payload (ServerFrame::Message, payload, length);
  in_fragmented_message_ = true;
  message_.assign (payload, payload + length);
  return frame_of_kind (ServerFrame::Nothing);
}

}  // namespace ws
}  // namespace gemlive
