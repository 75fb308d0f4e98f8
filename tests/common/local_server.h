/* gst-gemini-live test helper
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs tools/gemini-live-server as a child process on a random loopback port
 * for the length of a test. The binary path comes from the environment variable
 * GEMINI_LIVE_SERVER (set by meson test); the server is killed on destruction.
 */
#pragma once

#include <string>
#include <vector>

namespace gemlive::test {

class LocalServer {
public:
  /* args: extra command-line arguments, e.g. {"--fast", "--scenario", path}.
   * Blocks until the server prints its "listening on" line (fails the test
   * via g_error after 20 s). */
  explicit LocalServer (const std::vector<std::string> &args = {"--fast"});
  /* Runs another server speaking the same start-up protocol (the attack
   * server of tests/hostile): `command` is its program and arguments;
   * "--port 0 --record PATH" go right after the program. */
  struct Command {
    std::vector<std::string> argv;
  };
  explicit LocalServer (const Command &command);
  ~LocalServer ();
  LocalServer (const LocalServer &) = delete;
  LocalServer &operator= (const LocalServer &) = delete;

  int port () const { return port_; }
  /* "ws://127.0.0.1:PORT" (or wss:// with TLS arguments) */
  const std::string &endpoint () const { return endpoint_; }
  /* Path of the file the server records every received client frame to,
   * one JSON object per line (the helper passes --record itself). */
  const std::string &record_path () const { return record_path_; }
  /* Every client frame received so far, one JSON text per element. */
  std::vector<std::string> recorded_frames () const;

private:
  struct Impl;
  Impl *impl_ = nullptr;
  int port_ = 0;
  std::string endpoint_;
  std::string record_path_;
};

/* Absolute path of a test data file under tests/data (env GEMINI_LIVE_TEST_DATA). */
std::string test_data_path (const std::string &name);

}  // namespace gemlive::test
