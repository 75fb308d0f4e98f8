/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs bench-peer as a child process: reads its "listening on" line, and at
 * the end stops it and reads its one-line JSON report.
 */
#pragma once

#include <gio/gio.h>

#include <string>

namespace bench {

class PeerProcess {
public:
  PeerProcess () = default;
  ~PeerProcess ();
  PeerProcess (const PeerProcess &) = delete;
  PeerProcess &operator= (const PeerProcess &) = delete;

  bool start (const std::string &binary, unsigned out_chunk_ms, unsigned lead_ms,
      std::string &error);
  const std::string &url () const { return url_; }
  /* SIGTERM, then the report line (empty on failure, with error set). */
  std::string stop (std::string &error);

private:
  GSubprocess *child_ = nullptr;
  GDataInputStream *out_ = nullptr;
  std::string url_;
};

}  // namespace bench
