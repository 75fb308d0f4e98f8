/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * LiveSession's private state, shared by live_session.cpp (connection,
 * frames, outbox) and live_session_reconnect.cpp (resumption and retries).
 * Not part of the session's interface; the thread map is in live_session.cpp.
 */
#pragma once

#include "live/live_session.h"
#include "live/websocket_connection.h"

#include <deque>
#include <mutex>

namespace gemlive {

struct LiveSession::Core : public std::enable_shared_from_this<Core>, public WebSocketEvents {
  Core (NetworkThread &t, SessionListener &l, RequestProvider p, SetupConfig s,
      SessionOptions o)
      : thread (t), listener (l), provider (std::move (p)), setup (std::move (s)),
        options (o), backoff (o.reconnect, g_get_real_time () ^ g_random_int ()),
        handle (setup.resumption_handle), shared_handle (handle)
  {
  }

  enum class State { IDLE, CONNECTING, AWAITING_SETUP, READY, WAITING, ENDED };

  NetworkThread &thread;
  SessionListener &listener;
  const RequestProvider provider;
  SetupConfig setup;  /* network thread: the handle changes per connection */
  const SessionOptions options;

  /* network thread */
  State state = State::IDLE;
  bool stopped = false;
  std::unique_ptr<WebSocketConnection> conn;
  std::string host_port;
  guint64 dropped_reported = 0;
  bool dropping = false;        /* a drop episode is under way */
  std::deque<std::string> sending;  /* flush_outbox's batch, kept for reuse */
  std::unique_ptr<Alarm> wake;
  std::unique_ptr<Alarm> retry_alarm;    /* opens the next connection */
  std::unique_ptr<Alarm> go_away_alarm;  /* resumes when goAway's time runs short */
  std::unique_ptr<Alarm> setup_alarm;    /* setupComplete did not come in time */
  guint request_generation = 0; /* tells a stale provider answer from the current one */
  gint64 ready_since_us = 0;    /* this connection's setupComplete (monotonic) */
  gint64 earliest_connect_us = 0;  /* a planned resumption's backoff */
  Backoff backoff;
  std::string handle;           /* newest resumable handle */
  bool ever_ready = false;      /* some connection reached setupComplete */
  bool sent_handle = false;     /* this connection's setup carried a handle */
  GoAwayPlanner go_away_plan;   /* of this connection */
  unsigned attempts = 0;        /* consecutive failed reconnections */
  guint wait_generation = 0;    /* tells a stale close callback from the current wait */
  std::string resume_reason;    /* of the reconnection in progress */
  /* change_setup () came while this connection's setup was already sent:
   * resume once it is up, so the change takes effect. */
  std::string resume_after_setup;
  bool resume_fresh = false;

  /* any thread, under lock */
  mutable std::mutex lock;
  std::deque<std::string> outbox;
  size_t outbox_bytes = 0;
  bool accepting = true;
  bool ready = false;
  std::string shared_handle;

  std::atomic<guint64> unparsable {0};
  std::atomic<guint64> dropped {0};
  std::atomic<guint64> reconnections {0};

  void open_connection ();
  void connect_with (ConnectionRequest request);
  void on_setup_timeout ();
  /* WebSocketEvents, from conn */
  void on_open () override;
  void on_message (const char *data, size_t size) override;
  void on_writable () override { flush_outbox (); }
  void on_invalid_text_frame () override;
  void on_end (SessionEnd end) override;
  /* Counts a connection that did not stay up as a failed attempt; false
   * (the session ended) when none are left. */
  bool count_short_connection (SessionEnd &info);
  void setup_completed (const std::string &session_id);
  void resume_planned (const std::string &why);
  void connection_ended (SessionEnd info);
  void wait_and_reconnect (unsigned delay_ms, ReconnectNotice notice);
  void connect_if_waiting (guint generation);
  void on_retry_alarm ();
  void close_for_resumption (unsigned delay_ms);
  bool connection_was_stable () const;
  void flush_outbox ();
  void report_drops (bool flowing);
  void end (SessionEnd info);
  void release_connection (std::function<void ()> on_closed = nullptr);
  void shutdown ();
  void set_ready (bool value)
  {
    std::lock_guard<std::mutex> guard (lock);
    ready = value;
  }
  void log (LogLevel level, const std::string &text)
  {
    if (!stopped)
      listener.on_log (level, text);
  }
};

}  // namespace gemlive
