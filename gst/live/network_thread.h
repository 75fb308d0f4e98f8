/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one network thread of the process. It runs a private GMainContext and
 * owns the SoupSession; every WebSocket lives on it. Created by the first
 * user (acquire ()), stopped when the last reference goes, so a process with
 * hundreds of sessions still has one network thread. GStreamer-free.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace gemlive {

class NetworkThread : public std::enable_shared_from_this<NetworkThread> {
public:
  /* Returns the shared thread, starting it if nobody holds it. The last
   * reference must not be dropped on the network thread itself. */
  static std::shared_ptr<NetworkThread> acquire ();
  ~NetworkThread ();
  NetworkThread (const NetworkThread &) = delete;
  NetworkThread &operator= (const NetworkThread &) = delete;

  GMainContext *context () const { return context_; }
  /* Only to be used on the network thread. */
  SoupSession *soup_session () const { return soup_session_; }
  bool is_current () const;

  /* Takes over a connection its owner is done with: sends the close frame
   * and drops it once the peer answered (or when the thread stops). Network
   * thread only. `on_closed`, when given, runs on the network thread once the
   * connection is closed (at once if it already is); it is dropped unrun if
   * the thread stops first. */
  void retire_connection (SoupWebsocketConnection *conn,
      std::function<void ()> on_closed = nullptr);

  /* Runs fn on the network thread soon; never blocks. */
  void invoke (std::function<void ()> fn);
  /* Runs fn on the network thread and waits for it; runs it inline when
   * called on the network thread. */
  void invoke_sync (const std::function<void ()> &fn);

private:
  NetworkThread ();
  static gpointer thread_main (gpointer data);

  GMainContext *context_ = nullptr;
  GMainLoop *loop_ = nullptr;
  GThread *thread_ = nullptr;
  SoupSession *soup_session_ = nullptr;
  struct Closing {
    SoupWebsocketConnection *conn;
    std::function<void ()> on_closed;
  };
  std::vector<Closing> closing_;  /* network thread only */
  std::mutex start_lock_;
  std::condition_variable started_cond_;
  bool started_ = false;
};

/* A wake-up on the network thread that any thread may arm without blocking
 * (GSource ready time; the context is woken by GLib). Used for the outgoing
 * frame queue, the chunker's flush deadline and the drain timeout. The
 * callback runs on the network thread; destruction waits for a running
 * callback, so after the destructor returns it never runs again. */
class Alarm {
public:
  Alarm (NetworkThread &thread, std::function<void ()> on_fire);
  ~Alarm ();
  Alarm (const Alarm &) = delete;
  Alarm &operator= (const Alarm &) = delete;

  void fire_now () { fire_at (0); }
  /* monotonic time in µs (g_get_monotonic_time ()); an earlier deadline
   * already armed wins. */
  void fire_at (gint64 monotonic_us);
  void cancel ();

private:
  static gboolean on_source (gpointer data);

  /* Owning: an alarm released last by a streaming thread, after its session
   * is gone, must still find the thread alive to detach its source. */
  std::shared_ptr<NetworkThread> thread_;
  std::function<void ()> on_fire_;
  GSource *source_ = nullptr;
  std::mutex lock_;
  gint64 armed_at_ = -1;
};

}  // namespace gemlive
