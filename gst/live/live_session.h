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
#include "live/reconnect_policy.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace gemlive {

enum class LogLevel { DEBUG, INFO, WARNING };

/* A reconnection is starting (posted before the old connection is gone). */
struct ReconnectNotice {
  std::string reason;          /* why: "goAway" or describe_end () of the lost connection */
  unsigned attempt = 0;        /* 1-based retry after a failure; 0 for a planned resumption */
  unsigned max_attempts = 0;
  unsigned delay_ms = 0;       /* wait before connecting */
  bool with_handle = false;    /* resuming the same conversation (context kept) */
  bool planned = false;        /* after goAway: the expected end of a connection */
  bool fresh_fallback = false; /* the handle was refused: a fresh session, context lost */
};

/* A reconnection reached setupComplete. */
struct ResumeNotice {
  std::string reason;          /* the ReconnectNotice reason that started it */
  bool context_kept = false;   /* resumed with a handle; false: a fresh session */
  std::string session_id;      /* setupComplete.sessionId of it; empty when not given */
};

/* Every callback runs on the network thread. */
class SessionListener {
public:
  virtual ~SessionListener () = default;
  /* The first connection of the session is ready; session_id: its
   * setupComplete.sessionId, empty when the server gave none. */
  virtual void on_setup_complete (const std::string &session_id) = 0;
  /* The message may be consumed (audio buffers moved out). */
  virtual void on_server_message (ServerMessage &message) = 0;
  /* The session is over: no reconnection follows. */
  virtual void on_session_end (const SessionEnd &end) = 0;
  /* Diagnostics; text never contains the API key. */
  virtual void on_log (LogLevel level, const std::string &text) = 0;
  /* A reconnection starts; input is kept (bounded) until on_resumed. */
  virtual void on_reconnecting (const ReconnectNotice &notice) { (void) notice; }
  /* A later connection is ready; the kept input has just been sent. Anything
   * tied to the old connection (an unanswered blocking tool call holding the
   * microphone back) must be released here. */
  virtual void on_resumed (const ResumeNotice &notice) { (void) notice; }
  /* `frames` oldest client frames were dropped: more than `limit` were
   * waiting for a connection. */
  virtual void on_input_dropped (uint64_t frames, size_t limit)
  {
    (void) frames;
    (void) limit;
  }
};

/* Builds the request for every connection attempt, so credentials that expire
 * (App Check, OAuth tokens) can be refreshed before each (re)connect. The
 * provider is called on the network thread and must return at once: asking
 * the application (a signal) belongs on the element's own threads. It calls
 * `ready` exactly once, from any thread, now or later; false + error ends
 * the session (SessionEnd::REQUEST_FAILED). */
using RequestReady = std::function<void (bool ok, ConnectionRequest request, std::string error)>;
using RequestProvider = std::function<void (RequestReady ready)>;

struct SessionOptions {
  /* Input kept while the connection cannot take it (connecting,
   * reconnecting, or a server that stopped reading); beyond either bound
   * the oldest frames are dropped, with one warning saying how many. ~20 s
   * of 40 ms chunks; the byte bound caps video and text frames too. */
  size_t max_pending_frames = 500;
  size_t max_pending_bytes = 16 * 1024 * 1024;
  /* TCP, proxy, TLS and the upgrade together; then again for setupComplete. */
  unsigned connect_timeout_ms = 30000;
  ReconnectSettings reconnect;
};

class LiveSession {
public:
  static constexpr size_t DEFAULT_MAX_PENDING_FRAMES = 500;

  LiveSession (SessionListener &listener, RequestProvider provider, SetupConfig setup,
      SessionOptions options = SessionOptions ());
  /* The same request for every connection. */
  LiveSession (SessionListener &listener, ConnectionRequest request, SetupConfig setup,
      SessionOptions options = SessionOptions ());
  /* Calls stop (). */
  ~LiveSession ();
  LiveSession (const LiveSession &) = delete;
  LiveSession &operator= (const LiveSession &) = delete;

  /* Starts connecting; returns at once. Any thread. */
  void start ();
  /* Queues one client frame (compact JSON); never blocks on the network.
   * Frames queued before setupComplete are sent right after it. Any thread. */
  void send (std::string frame);
  /* Changes the setup that every later connection sends (the application
   * changed the system instruction or the tools mid-session). With
   * `resume`, an established connection is replaced at once by one resumed
   * with the newest handle, so the change takes effect now (for models that
   * take no contextUpdate); on_reconnecting / on_resumed report it with
   * `why` as the reason. A connection whose setup is already out is resumed
   * as soon as it is up; while none is being set up, the next one carries
   * the change. Any thread; returns at once. */
  void change_setup (std::function<void (SetupConfig &)> change, bool resume, std::string why);
  /* Closes the connection. Synchronous: no listener callback runs after it
   * returns. Any thread; on the network thread (from a callback) it only
   * guarantees no further callbacks. */
  void stop ();

  /* Server frames that could not be parsed or carried unknown fields. */
  guint64 unparsable_frames () const;
  /* Frames dropped because the pending queue overflowed. */
  guint64 dropped_frames () const;
  /* The newest resumable handle (setup's, until the server sends one). Any thread. */
  std::string resumption_handle () const;
  /* Connections opened after the first (resumptions and retries). */
  guint64 reconnections () const;

  NetworkThread &network_thread () { return *thread_; }

private:
  struct Core;
  std::shared_ptr<NetworkThread> thread_;
  std::shared_ptr<Core> core_;
};

}  // namespace gemlive
