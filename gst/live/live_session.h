/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One Live API connection, GStreamer-free (no pads), so it can be tested and
 * reused by other elements. See live_session.cpp for the thread map.
 */
#pragma once

#include "live/endpoint.h"
#include "live/network_thread.h"
#include "live/protocol.h"

#include <atomic>
#include <memory>
#include <string>

namespace gemlive {

/* How a session ended (never reported after stop () returned). */
struct SessionEnd {
  enum class Kind {
    UNREACHABLE,        /* no TCP/TLS connection: see detail */
    HANDSHAKE_REFUSED,  /* HTTP answered the upgrade with http_status */
    CLOSED,             /* the WebSocket closed: close_code + reason */
  };
  Kind kind = Kind::CLOSED;
  bool after_setup = false;   /* setupComplete had been received */
  int close_code = 0;         /* CLOSED: the peer's code; 1006 when no close frame came */
  std::string reason;         /* CLOSED: the peer's close reason, verbatim (may be empty) */
  unsigned http_status = 0;   /* HANDSHAKE_REFUSED */
  std::string detail;         /* transport error text from GIO/libsoup */
  std::string host_port;      /* "host:port" that was dialled */
};

enum class LogLevel { DEBUG, INFO, WARNING };

/* Every callback runs on the network thread. */
class SessionListener {
public:
  virtual ~SessionListener () = default;
  virtual void on_setup_complete () = 0;
  /* The message may be consumed (audio buffers moved out). */
  virtual void on_server_message (ServerMessage &message) = 0;
  virtual void on_session_end (const SessionEnd &end) = 0;
  /* Diagnostics; text never contains the API key. */
  virtual void on_log (LogLevel level, const std::string &text) = 0;
};

class LiveSession {
public:
  /* Frames kept while the connection is not ready (or the socket is slow);
   * beyond this the oldest is dropped with a warning. ~20 s of 40 ms chunks. */
  static constexpr size_t DEFAULT_MAX_PENDING_FRAMES = 500;

  LiveSession (SessionListener &listener, ConnectionRequest request, SetupConfig setup,
      size_t max_pending_frames = DEFAULT_MAX_PENDING_FRAMES);
  /* Calls stop (). */
  ~LiveSession ();
  LiveSession (const LiveSession &) = delete;
  LiveSession &operator= (const LiveSession &) = delete;

  /* Starts connecting; returns at once. Any thread. */
  void start ();
  /* Queues one client frame (compact JSON); never blocks on the network.
   * Frames queued before setupComplete are sent right after it. Any thread. */
  void send (std::string frame);
  /* Closes the connection. Synchronous: no listener callback runs after it
   * returns. Any thread; on the network thread (from a callback) it only
   * guarantees no further callbacks. */
  void stop ();

  /* Server frames that could not be parsed or carried unknown fields. */
  guint64 unparsable_frames () const;
  /* Frames dropped because the pending queue overflowed. */
  guint64 dropped_frames () const;

  NetworkThread &network_thread () { return *thread_; }

private:
  struct Core;
  std::shared_ptr<NetworkThread> thread_;
  std::shared_ptr<Core> core_;
};

}  // namespace gemlive
