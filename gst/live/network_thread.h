/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The network threads of the process. Each runs a private GMainContext and
 * owns a SoupSession created on it (libsoup binds a session, and every
 * connection it makes, to the thread-default context of its creator); every
 * WebSocket of a session lives on its thread. Sessions are spread over up
 * to K threads (GEMINILIVE_NETWORK_THREADS, default: the number of CPUs, at
 * most 8), so libsoup's per-connection cost is shared by every core. A
 * thread starts with its first user (acquire ()) and is joined when its last
 * reference goes. GStreamer-free.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gemlive {

class Alarm;
class WebSocketConnection;

class NetworkThread : public std::enable_shared_from_this<NetworkThread> {
public:
  /* Largest and default thread count (GEMINILIVE_NETWORK_THREADS overrides
   * the default, 1 to MAX_THREADS). */
  static constexpr unsigned MAX_THREADS = 8;
  static unsigned configured_threads ();

  /* A thread for one more session: a new one while fewer than
   * configured_threads () run, else the one with the fewest users. The last
   * reference must not be dropped on the network thread itself. */
  static std::shared_ptr<NetworkThread> acquire ();
  /* Network threads running now (for tests). */
  static unsigned running_threads ();
  ~NetworkThread ();
  NetworkThread (const NetworkThread &) = delete;
  NetworkThread &operator= (const NetworkThread &) = delete;

  GMainContext *context () const { return context_; }
  /* Only to be used on the network thread. */
  SoupSession *soup_session () const { return soup_session_; }
  bool is_current () const;
  /* Loop iterations so far; network thread only (a read in progress is
   * one iteration). */
  guint64 iteration () const { return iteration_; }

  /* A socket the watchdog may cut: when the thread has been inside one
   * dispatch for longer than WATCHDOG_LIMIT_MS, the watched socket with the
   * most unread bytes (at least FLOOD_MIN_BYTES) is shut down and marked
   * `flooded`. This is how a control-frame flood ends: libsoup answers
   * pings inside its read loop and never calls us while it does. */
  struct FloodWatch {
    GSocket *socket = nullptr;  /* under the thread's watch lock; null once released */
    std::atomic<bool> flooded {false};
  };
  static constexpr gint64 WATCHDOG_LIMIT_MS = 500;
  static constexpr int FLOOD_MIN_BYTES = 64 * 1024;
  /* Network thread; the watch takes a reference to socket. */
  std::shared_ptr<FloodWatch> watch_socket (GSocket *socket);
  /* Before the socket goes; any thread. */
  void unwatch_socket (const std::shared_ptr<FloodWatch> &watch);

  /* Takes over a connection its owner is done with: sends the close frame
   * and drops it once the peer answered (or when the thread stops). Network
   * thread only. `on_closed`, when given, runs on the network thread once the
   * connection is closed (at once if it already is); it is dropped unrun if
   * the thread stops first. */
  void retire_connection (std::unique_ptr<WebSocketConnection> conn,
      std::function<void ()> on_closed = nullptr);

  /* Runs fn on the network thread soon, in call order; never blocks. */
  void invoke (std::function<void ()> fn);
  /* Runs fn on the network thread and waits for it; runs it inline when
   * called on the network thread. */
  void invoke_sync (const std::function<void ()> &fn);

  /* Times the thread's context was woken from another thread by invoke or an
   * alarm (coalesced: at most one per loop iteration). For tests and benches. */
  guint64 wakeups () const;

private:
  friend class Alarm;
  struct SchedulerSource;

  NetworkThread ();
  static gpointer thread_main (gpointer data);
  void watchdog_main ();

  /* The scheduler: one GSource for every Alarm and invoke of the process,
   * so a loop iteration costs the same with 1 or 1000 sessions. */
  static gboolean scheduler_prepare (GSource *source, gint *timeout);
  static gboolean scheduler_check (GSource *source);
  static gboolean scheduler_dispatch (GSource *source, GSourceFunc callback, gpointer data);
  void dispatch_due ();
  /* sched_lock_ held: wakes the context if it would otherwise sleep past `deadline`. */
  void wake_for (gint64 deadline);
  /* sched_lock_ held: the min-heap of armed alarms, ordered by deadline. */
  void heap_insert (Alarm *alarm);
  void heap_remove (Alarm *alarm);
  void heap_sift_up (size_t index);
  void heap_sift_down (size_t index);
  void heap_set (size_t index, Alarm *alarm);
  /* Alarm's side, any thread. */
  void arm (Alarm *alarm, gint64 deadline);
  void disarm (Alarm *alarm);
  void forget (Alarm *alarm);

  GMainContext *context_ = nullptr;
  GMainLoop *loop_ = nullptr;
  GThread *thread_ = nullptr;
  GSource *scheduler_ = nullptr;
  SoupSession *soup_session_ = nullptr;  /* network thread only */
  std::vector<std::unique_ptr<WebSocketConnection>> closing_;  /* network thread only */
  guint64 iteration_ = 0;                /* network thread only */
  /* Since when the loop is dispatching (0: it is preparing or polling). */
  std::atomic<gint64> busy_since_ {0};

  /* The watchdog's state. */
  std::mutex watch_lock_;
  std::condition_variable watch_cond_;
  bool watch_quit_ = false;
  std::vector<std::shared_ptr<FloodWatch>> watches_;
  std::thread watchdog_;
  std::mutex start_lock_;
  std::condition_variable started_cond_;
  bool started_ = false;

  /* The scheduler's state, any thread under sched_lock_. */
  mutable std::mutex sched_lock_;
  std::vector<Alarm *> heap_;
  std::vector<std::function<void ()>> invokes_;
  /* Alarms found due by the dispatch in progress; a destroyed one is nulled. */
  std::vector<Alarm *> firing_;
  size_t firing_next_ = 0;
  Alarm *running_ = nullptr;          /* whose callback runs now */
  unsigned running_waiters_ = 0;      /* ~Alarm calls waiting for it */
  std::condition_variable running_done_;
  guint64 wakeups_ = 0;
  /* Lock-free for the loop's prepare and check, which run on every
   * iteration: with the mutex there, arming from the streaming threads
   * contended with the loop (futex wake-ups on both sides). Written under
   * sched_lock_; the seq_cst pairing with prepare is explained there. */
  /* Earliest due time: G_MININT64 with invokes queued, G_MAXINT64 with nothing. */
  std::atomic<gint64> next_due_ {G_MAXINT64};
  /* The deadline the loop sleeps towards (G_MAXINT64: none; G_MININT64: it
   * is about to dispatch and prepares again afterwards). */
  std::atomic<gint64> poll_deadline_ {G_MAXINT64};
  std::atomic<bool> wake_sent_ {false};  /* since the last prepare */
  void update_next_due ();  /* sched_lock_ held */
};

/* A wake-up on the network thread that any thread may arm or cancel without
 * blocking. Used for the outgoing frame queue, the chunker's flush deadline,
 * reconnection timers and the goAway deadline. All alarms share the network
 * thread's one scheduler source, and arming from another thread wakes the
 * loop at most once per iteration. The callback runs on the network thread;
 * destruction waits for a running callback, so after the destructor returns
 * it never runs again. The destructor may run on the network thread inside
 * another alarm's callback or an invoke. */
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
  friend class NetworkThread;

  /* Owning: an alarm released last by a streaming thread, after its session
   * is gone, must still find the thread alive to forget it. */
  std::shared_ptr<NetworkThread> thread_;
  std::function<void ()> on_fire_;
  /* Under the thread's sched_lock_. */
  gint64 deadline_ = -1;
  size_t heap_index_ = SIZE_MAX;  /* SIZE_MAX: not armed */
};

}  // namespace gemlive
