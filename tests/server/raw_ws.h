/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A WebSocket client written on a bare blocking socket, for what libsoup's
 * client cannot do: send a ping and time its pong, or connect and then stop
 * reading altogether (with a tiny receive buffer) like a stalled peer.
 */
#pragma once

#include <gio/gio.h>

#include <functional>
#include <string>
#include <vector>

namespace gemlive::test {

class RawWsClient {
public:
  struct Frame {
    guint8 opcode = 0;  /* 0x1 text, 0x2 binary, 0x8 close, 0xA pong */
    std::string payload;
    gint64 received_us = 0;  /* monotonic */
  };

  /* Connects to 127.0.0.1:port and upgrades `path_and_query`; receive_buffer
   * > 0 shrinks SO_RCVBUF first. Fails the test on error. */
  RawWsClient (int port, const std::string &path_and_query, int receive_buffer = 0);
  ~RawWsClient ();
  RawWsClient (const RawWsClient &) = delete;
  RawWsClient &operator= (const RawWsClient &) = delete;

  /* Sends one masked frame (as a client must). */
  void send_frame (guint8 opcode, const std::string &payload);
  void send_text (const std::string &text) { send_frame (0x1, text); }
  /* Reads frames until `stop` returns true for one, the peer closes, or
   * timeout_s passes; returns whether `stop` was satisfied. */
  bool read_until (const std::function<bool (const Frame &)> &stop, int timeout_s);
  const std::vector<Frame> &frames () const { return frames_; }

private:
  bool parse_frame ();

  GSocket *socket_ = nullptr;
  std::string buffer_;
  std::vector<Frame> frames_;
};

}  // namespace gemlive::test
