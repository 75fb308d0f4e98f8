/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "raw_ws.h"

#include <sys/socket.h>

namespace gemlive::test {

RawWsClient::RawWsClient (int port, const std::string &path_and_query, int receive_buffer)
{
  GError *error = nullptr;
  socket_ = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (receive_buffer > 0)
    g_assert_true (g_socket_set_option (socket_, SOL_SOCKET, SO_RCVBUF, receive_buffer, &error));
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new (loopback, static_cast<guint16> (port));
  g_object_unref (loopback);
  g_assert_true (g_socket_connect (socket_, address, nullptr, &error));
  g_object_unref (address);
  g_socket_set_timeout (socket_, 1);

  const std::string request = "GET " + path_and_query + " HTTP/1.1\r\nHost: 127.0.0.1:" +
      std::to_string (port) + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  g_assert_cmpint (g_socket_send (socket_, request.data (), request.size (), nullptr, &error), ==,
      static_cast<gssize> (request.size ()));
  const gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (buffer_.find ("\r\n\r\n") == std::string::npos && g_get_monotonic_time () < deadline) {
    char chunk[1024];
    gssize n = g_socket_receive (socket_, chunk, sizeof chunk, nullptr, &error);
    if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
      g_clear_error (&error);
      continue;
    }
    g_assert_cmpint (n, >, 0);
    buffer_.append (chunk, static_cast<size_t> (n));
  }
  const size_t end = buffer_.find ("\r\n\r\n");
  g_assert_true (end != std::string::npos);
  g_assert_true (g_str_has_prefix (buffer_.c_str (), "HTTP/1.1 101"));
  buffer_.erase (0, end + 4);
}

RawWsClient::~RawWsClient ()
{
  g_socket_close (socket_, nullptr);
  g_object_unref (socket_);
}

void
RawWsClient::send_frame (guint8 opcode, const std::string &payload)
{
  std::string frame;
  frame += static_cast<char> (0x80 | opcode);
  const size_t n = payload.size ();
  if (n < 126) {
    frame += static_cast<char> (0x80 | n);
  } else if (n < 65536) {
    frame += static_cast<char> (0x80 | 126);
    frame += static_cast<char> (n >> 8);
    frame += static_cast<char> (n & 0xff);
  } else {
    frame += static_cast<char> (0x80 | 127);
    for (int i = 7; i >= 0; i--)
      frame += static_cast<char> ((static_cast<guint64> (n) >> (8 * i)) & 0xff);
  }
  const guint8 mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append (reinterpret_cast<const char *> (mask), 4);
  for (size_t i = 0; i < n; i++)
    frame += static_cast<char> (payload[i] ^ mask[i % 4]);
  GError *error = nullptr;
  size_t sent = 0;
  while (sent < frame.size ()) {
    gssize w = g_socket_send (socket_, frame.data () + sent, frame.size () - sent, nullptr, &error);
    g_assert_no_error (error);
    sent += static_cast<size_t> (w);
  }
}

bool
RawWsClient::parse_frame ()
{
  if (buffer_.size () < 2)
    return false;
  const guint8 len7 = static_cast<guint8> (buffer_[1]) & 0x7f;
  size_t header = 2;
  guint64 length = len7;
  if (len7 == 126) {
    header = 4;
    if (buffer_.size () < header)
      return false;
    length = (static_cast<guint64> (static_cast<guint8> (buffer_[2])) << 8) |
        static_cast<guint8> (buffer_[3]);
  } else if (len7 == 127) {
    header = 10;
    if (buffer_.size () < header)
      return false;
    length = 0;
    for (int i = 0; i < 8; i++)
      length = (length << 8) | static_cast<guint8> (buffer_[2 + i]);
  }
  if (buffer_.size () < header + length)
    return false;
  Frame frame;
  frame.opcode = static_cast<guint8> (buffer_[0]) & 0x0f;
  frame.payload = buffer_.substr (header, static_cast<size_t> (length));
  frame.received_us = g_get_monotonic_time ();
  buffer_.erase (0, header + static_cast<size_t> (length));
  frames_.push_back (std::move (frame));
  return true;
}

bool
RawWsClient::read_until (const std::function<bool (const Frame &)> &stop, int timeout_s)
{
  const gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  while (true) {
    while (parse_frame ()) {
      if (stop (frames_.back ()))
        return true;
      if (frames_.back ().opcode == 0x8)
        return false;
    }
    if (g_get_monotonic_time () >= deadline)
      return false;
    char chunk[16384];
    GError *error = nullptr;
    gssize n = g_socket_receive (socket_, chunk, sizeof chunk, nullptr, &error);
    if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
      g_clear_error (&error);
      continue;
    }
    g_clear_error (&error);
    if (n <= 0)
      return false;
    buffer_.append (chunk, static_cast<size_t> (n));
  }
}

}  // namespace gemlive::test
