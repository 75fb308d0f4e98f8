/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plain libsoup WebSocket client for testing gemini-live-server, driven on
 * the test thread's default main context: connect, send, and wait (with a
 * generous timeout) until the frames received so far satisfy a condition.
 */
#pragma once

#include <libsoup/soup.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gemlive::test {

struct ReceivedFrame {
  bool binary = false;
  std::string text;
};

class WsClient {
public:
  /* url: full ws:// URL including path and query. Blocks until the upgrade
   * finished (returns false and fills error on failure). */
  bool connect (const std::string &url, std::string &error,
      const std::vector<std::pair<std::string, std::string>> &headers = {});
  ~WsClient ();
  /* Before connect: trust (only) the CA certificates in this PEM file for wss://. */
  void trust_ca_file (const std::string &path) { ca_file_ = path; }

  void send_text (const std::string &json);
  /* Iterates the main context until `done` holds or the connection closed or
   * `timeout_s` passed; returns done (). */
  bool wait_until (const std::function<bool ()> &done, int timeout_s = 60);
  bool wait_closed (int timeout_s = 60);
  void close ();

  const std::vector<ReceivedFrame> &frames () const { return frames_; }
  std::vector<std::string> frame_texts () const;
  /* Index of the first frame containing `needle` at or after `from`, or -1. */
  int find (const std::string &needle, size_t from = 0) const;
  bool closed () const { return closed_; }
  int close_code () const { return close_code_; }
  const std::string &close_reason () const { return close_reason_; }

private:
  SoupSession *session_ = nullptr;
  SoupWebsocketConnection *connection_ = nullptr;
  std::vector<ReceivedFrame> frames_;
  bool closed_ = false;
  int close_code_ = 0;
  std::string close_reason_;
  std::string ca_file_;
};

}  // namespace gemlive::test
