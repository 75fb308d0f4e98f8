/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/network_thread.h"
#include "live/websocket_connection.h"

#include <pthread.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cstdlib>

/* Why one scheduler source: with a GSource per alarm (6 per session) every
 * loop iteration prepared and checked all of them, and the number of
 * iterations grows with the number of sessions: O(N^2) in all. Now the
 * context holds the sessions' sockets and this one source; arming an alarm
 * or invoking from another thread costs a heap update under a mutex and at
 * most one g_main_context_wakeup () per loop iteration. */

namespace gemlive {

struct NetworkThread::SchedulerSource {
  GSource source;
  NetworkThread *thread;
};

namespace {

std::mutex pool_lock;
std::vector<std::weak_ptr<NetworkThread>> pool;  /* under pool_lock */

struct SyncCall {
  std::mutex lock;
  std::condition_variable cond;
  bool done = false;
};

}  // namespace

unsigned
NetworkThread::configured_threads ()
{
  const char *env = g_getenv ("GEMINILIVE_NETWORK_THREADS");
  if (env && *env) {
    char *end = nullptr;
    unsigned long n = strtoul (env, &end, 10);
    if (end && *end == '\0' && n >= 1 && n <= MAX_THREADS)
      return static_cast<unsigned> (n);
    g_warning ("geminilive: GEMINILIVE_NETWORK_THREADS=%s is not a number from 1 to %u; "
        "using the default", env, MAX_THREADS);
  }
  return std::min<unsigned> (MAX_THREADS, std::max (1u, g_get_num_processors ()));
}

std::shared_ptr<NetworkThread>
NetworkThread::acquire ()
{
  const unsigned wanted = configured_threads ();
  std::lock_guard<std::mutex> guard (pool_lock);
  std::shared_ptr<NetworkThread> least;
  long least_users = 0;
  size_t alive = 0;
  for (auto it = pool.begin (); it != pool.end ();) {
    auto thread = it->lock ();
    if (!thread) {
      it = pool.erase (it);
      continue;
    }
    alive++;
    /* Users: sessions and their alarms, in proportion; minus ours. */
    long users = thread.use_count () - 1;
    if (!least || users < least_users) {
      least = thread;
      least_users = users;
    }
    ++it;
  }
  if (least && alive >= wanted)
    return least;
  std::shared_ptr<NetworkThread> thread (new NetworkThread ());
  pool.push_back (thread);
  return thread;
}

unsigned
NetworkThread::running_threads ()
{
  std::lock_guard<std::mutex> guard (pool_lock);
  unsigned alive = 0;
  for (const auto &weak : pool)
    alive += weak.expired () ? 0 : 1;
  return alive;
}

NetworkThread::NetworkThread ()
{
  context_ = g_main_context_new ();
  loop_ = g_main_loop_new (context_, FALSE);
  static GSourceFuncs scheduler_funcs = {
    scheduler_prepare, scheduler_check, scheduler_dispatch, nullptr, nullptr, nullptr
  };
  scheduler_ = g_source_new (&scheduler_funcs, sizeof (SchedulerSource));
  reinterpret_cast<SchedulerSource *> (scheduler_)->thread = this;
  g_source_set_priority (scheduler_, G_PRIORITY_DEFAULT);
  g_source_attach (scheduler_, context_);
  thread_ = g_thread_new ("geminilive-net", thread_main, this);
  std::unique_lock<std::mutex> lock (start_lock_);
  started_cond_.wait (lock, [this] { return started_; });
  watchdog_ = std::thread ([this] { watchdog_main (); });
}

NetworkThread::~NetworkThread ()
{
  if (is_current ()) {
    /* Cannot join ourselves; this is a usage error. Leak rather than hang. */
    g_critical ("geminilive: network thread released from itself");
    return;
  }
  {
    std::lock_guard<std::mutex> guard (watch_lock_);
    watch_quit_ = true;
    watch_cond_.notify_all ();
  }
  watchdog_.join ();
  invoke ([this] { g_main_loop_quit (loop_); });
  g_thread_join (thread_);
  g_source_destroy (scheduler_);
  g_source_unref (scheduler_);
  g_main_loop_unref (loop_);
  g_main_context_unref (context_);
}

gpointer
NetworkThread::thread_main (gpointer data)
{
  auto self = static_cast<NetworkThread *> (data);
  g_main_context_push_thread_default (self->context_);
  /* libsoup 3.2 binds a session to the thread-default context of the
   * thread that creates it, so it is created (and destroyed) here. */
  /* Every session of the thread connects to the same host: libsoup's
   * defaults (10 connections, 2 per host) would queue the upgrades. */
  self->soup_session_ = soup_session_new_with_options ("max-conns", 1 << 20,
      "max-conns-per-host", 1 << 20, nullptr);
  /* No permessage-deflate: the service's frames are base64 audio, and
   * inflating every frame costs more CPU than the bytes it saves. */
  soup_session_remove_feature_by_type (self->soup_session_,
      SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
  {
    std::lock_guard<std::mutex> guard (self->start_lock_);
    self->started_ = true;
    self->started_cond_.notify_all ();
  }
  g_main_loop_run (self->loop_);

  /* Connections still closing are dropped, which closes their sockets. */
  self->closing_.clear ();
  soup_session_abort (self->soup_session_);
  /* Let cancelled operations deliver their callbacks so they free their data. */
  while (g_main_context_iteration (self->context_, FALSE)) {
  }
  g_clear_object (&self->soup_session_);
  while (g_main_context_iteration (self->context_, FALSE)) {
  }
  g_main_context_pop_thread_default (self->context_);
  return nullptr;
}

bool
NetworkThread::is_current () const
{
  return g_thread_self () == thread_;
}

void
NetworkThread::retire_connection (std::unique_ptr<WebSocketConnection> conn,
    std::function<void ()> on_closed)
{
  WebSocketConnection *retired = conn.get ();
  closing_.push_back (std::move (conn));
  /* done runs through invoke (), never inside the connection's own calls. */
  retired->retire ([this, retired, on_closed = std::move (on_closed)] {
    auto it = std::find_if (closing_.begin (), closing_.end (),
        [retired] (const std::unique_ptr<WebSocketConnection> &c) { return c.get () == retired; });
    if (it != closing_.end ())
      closing_.erase (it);
    if (on_closed)
      on_closed ();
  });
}

void
NetworkThread::invoke (std::function<void ()> fn)
{
  std::lock_guard<std::mutex> guard (sched_lock_);
  invokes_.push_back (std::move (fn));
  update_next_due ();
  wake_for (G_MININT64);
}

void
NetworkThread::invoke_sync (const std::function<void ()> &fn)
{
  if (is_current ()) {
    fn ();
    return;
  }
  SyncCall call;
  invoke ([&fn, &call] {
    fn ();
    std::lock_guard<std::mutex> guard (call.lock);
    call.done = true;
    call.cond.notify_all ();
  });
  std::unique_lock<std::mutex> lock (call.lock);
  call.cond.wait (lock, [&call] { return call.done; });
}

std::shared_ptr<NetworkThread::FloodWatch>
NetworkThread::watch_socket (GSocket *socket)
{
  auto watch = std::make_shared<FloodWatch> ();
  watch->socket = G_SOCKET (g_object_ref (socket));
  std::lock_guard<std::mutex> guard (watch_lock_);
  watches_.push_back (watch);
  return watch;
}

void
NetworkThread::unwatch_socket (const std::shared_ptr<FloodWatch> &watch)
{
  GSocket *socket = nullptr;
  {
    std::lock_guard<std::mutex> guard (watch_lock_);
    auto it = std::find (watches_.begin (), watches_.end (), watch);
    if (it != watches_.end ())
      watches_.erase (it);
    std::swap (socket, watch->socket);
  }
  g_clear_object (&socket);
}

/* Wakes every 100 ms. When the loop has been inside one dispatch for over
 * WATCHDOG_LIMIT_MS, the socket with the most unread bytes is shut down: the
 * read in progress then ends (libsoup sees the end of the stream, or a
 * failed write of its pong) and the loop comes back. Shutting down is a
 * plain syscall on a socket the watch still references (GSocket refuses it
 * once closed), so it is safe from this thread. */
void
NetworkThread::watchdog_main ()
{
  pthread_setname_np (pthread_self (), "geminilive-wdog");
  std::unique_lock<std::mutex> lock (watch_lock_);
  while (!watch_quit_) {
    watch_cond_.wait_for (lock, std::chrono::milliseconds (100));
    gint64 since = busy_since_.load ();
    if (watch_quit_ || since == 0
        || g_get_monotonic_time () - since < WATCHDOG_LIMIT_MS * 1000)
      continue;
    FloodWatch *worst = nullptr;
    int worst_bytes = FLOOD_MIN_BYTES - 1;
    for (const auto &watch : watches_) {
      int unread = 0;
      if (watch->socket && !watch->flooded.load ()
          && ioctl (g_socket_get_fd (watch->socket), FIONREAD, &unread) == 0
          && unread > worst_bytes) {
        worst = watch.get ();
        worst_bytes = unread;
      }
    }
    if (!worst)
      continue;
    worst->flooded.store (true);
    g_socket_shutdown (worst->socket, TRUE, TRUE, nullptr);
  }
}

guint64
NetworkThread::wakeups () const
{
  std::lock_guard<std::mutex> guard (sched_lock_);
  return wakeups_;
}

/* --- the scheduler source --- */

void
NetworkThread::update_next_due ()
{
  gint64 due = G_MAXINT64;
  if (!invokes_.empty ())
    due = G_MININT64;
  else if (!heap_.empty ())
    due = heap_.front ()->deadline_;
  next_due_.store (due);
}

void
NetworkThread::wake_for (gint64 deadline)
{
  /* Called after next_due_ was updated. On the network thread the loop
   * prepares again before it sleeps. */
  if (is_current () || deadline >= poll_deadline_.load ())
    return;
  if (wake_sent_.exchange (true))
    return;
  wakeups_++;
  g_main_context_wakeup (context_);
}

/* Network thread, no lock. Pairs with update_next_due () + wake_for () on
 * the arming thread, all seq_cst: the arming thread stores next_due_ and
 * then loads poll_deadline_; this stores poll_deadline_ and then loads
 * next_due_ again. Either it sees the new next_due_ and goes round, or the
 * arming thread sees the deadline the loop sleeps towards and wakes it:
 * no arm is missed. */
gboolean
NetworkThread::scheduler_prepare (GSource *source, gint *timeout)
{
  auto self = reinterpret_cast<SchedulerSource *> (source)->thread;
  self->iteration_++;
  self->busy_since_.store (0);
  gint64 due = self->next_due_.load ();
  for (;;) {
    gint64 now = due == G_MAXINT64 ? 0 : g_get_monotonic_time ();
    self->poll_deadline_.store (due <= now && due != G_MAXINT64 ? G_MININT64 : due);
    self->wake_sent_.store (false);
    gint64 again = self->next_due_.load ();
    if (again == due)
      break;
    due = again;
  }
  if (due == G_MAXINT64) {
    *timeout = -1;
    return FALSE;
  }
  gint64 now = g_get_monotonic_time ();
  if (due <= now) {
    /* Ready now: GLib skips check () for it, and dispatches follow. */
    self->busy_since_.store (now);
    *timeout = 0;
    return TRUE;
  }
  /* Rounded up, as GLib does for ready times: never early. */
  gint64 ms = (due - now + 999) / 1000;
  *timeout = ms > G_MAXINT ? G_MAXINT : static_cast<gint> (ms);
  return FALSE;
}

gboolean
NetworkThread::scheduler_check (GSource *source)
{
  auto self = reinterpret_cast<SchedulerSource *> (source)->thread;
  /* After the poll: the dispatches of this iteration follow. */
  const gint64 now = g_get_monotonic_time ();
  self->busy_since_.store (now);
  gint64 due = self->next_due_.load ();
  if (due == G_MAXINT64 || due > now)
    return FALSE;
  self->poll_deadline_.store (G_MININT64);
  return TRUE;
}

gboolean
NetworkThread::scheduler_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  (void) callback;
  (void) data;
  reinterpret_cast<SchedulerSource *> (source)->thread->dispatch_due ();
  return G_SOURCE_CONTINUE;
}

void
NetworkThread::dispatch_due ()
{
  std::vector<std::function<void ()>> calls;
  {
    std::lock_guard<std::mutex> guard (sched_lock_);
    calls.swap (invokes_);
    /* Only what is due now: an alarm re-armed by its own callback waits for
     * the next iteration, so sockets are served in between. */
    gint64 now = g_get_monotonic_time ();
    while (!heap_.empty () && heap_.front ()->deadline_ <= now) {
      Alarm *alarm = heap_.front ();
      heap_remove (alarm);
      firing_.push_back (alarm);
    }
    update_next_due ();
  }
  for (auto &call : calls)
    call ();
  calls.clear ();

  std::unique_lock<std::mutex> lock (sched_lock_);
  while (firing_next_ < firing_.size ()) {
    Alarm *alarm = firing_[firing_next_++];
    if (!alarm)
      continue;  /* destroyed meanwhile */
    running_ = alarm;
    lock.unlock ();
    alarm->on_fire_ ();
    lock.lock ();
    running_ = nullptr;
    if (running_waiters_ > 0)
      running_done_.notify_all ();
  }
  firing_.clear ();
  firing_next_ = 0;
}

/* The heap keeps each alarm's index in it, so re-arming and cancelling are
 * O(log n) without searching and without allocating. */
void
NetworkThread::heap_set (size_t index, Alarm *alarm)
{
  heap_[index] = alarm;
  alarm->heap_index_ = index;
}

void
NetworkThread::heap_sift_up (size_t index)
{
  Alarm *alarm = heap_[index];
  while (index > 0) {
    size_t parent = (index - 1) / 2;
    if (heap_[parent]->deadline_ <= alarm->deadline_)
      break;
    heap_set (index, heap_[parent]);
    index = parent;
  }
  heap_set (index, alarm);
}

void
NetworkThread::heap_sift_down (size_t index)
{
  Alarm *alarm = heap_[index];
  const size_t size = heap_.size ();
  for (;;) {
    size_t child = 2 * index + 1;
    if (child >= size)
      break;
    if (child + 1 < size && heap_[child + 1]->deadline_ < heap_[child]->deadline_)
      child++;
    if (alarm->deadline_ <= heap_[child]->deadline_)
      break;
    heap_set (index, heap_[child]);
    index = child;
  }
  heap_set (index, alarm);
}

void
NetworkThread::heap_insert (Alarm *alarm)
{
  heap_.push_back (alarm);
  heap_sift_up (heap_.size () - 1);
}

void
NetworkThread::heap_remove (Alarm *alarm)
{
  size_t index = alarm->heap_index_;
  alarm->heap_index_ = SIZE_MAX;
  alarm->deadline_ = -1;
  Alarm *last = heap_.back ();
  heap_.pop_back ();
  if (last == alarm)
    return;
  heap_set (index, last);
  if (index > 0 && heap_[(index - 1) / 2]->deadline_ > last->deadline_)
    heap_sift_up (index);
  else
    heap_sift_down (index);
}

void
NetworkThread::arm (Alarm *alarm, gint64 deadline)
{
  std::lock_guard<std::mutex> guard (sched_lock_);
  if (alarm->heap_index_ != SIZE_MAX) {
    if (alarm->deadline_ <= deadline)
      return;
    alarm->deadline_ = deadline;
    heap_sift_up (alarm->heap_index_);
  } else {
    alarm->deadline_ = deadline;
    heap_insert (alarm);
  }
  update_next_due ();
  wake_for (deadline);
}

void
NetworkThread::disarm (Alarm *alarm)
{
  std::lock_guard<std::mutex> guard (sched_lock_);
  if (alarm->heap_index_ == SIZE_MAX)
    return;
  heap_remove (alarm);
  /* A wake-up already sent for it finds nothing due: harmless. */
  update_next_due ();
}

void
NetworkThread::forget (Alarm *alarm)
{
  std::unique_lock<std::mutex> lock (sched_lock_);
  if (alarm->heap_index_ != SIZE_MAX) {
    heap_remove (alarm);
    update_next_due ();
  }
  for (size_t i = firing_next_; i < firing_.size (); i++)
    if (firing_[i] == alarm)
      firing_[i] = nullptr;
  if (running_ != alarm || is_current ())
    return;
  running_waiters_++;
  running_done_.wait (lock, [this, alarm] { return running_ != alarm; });
  running_waiters_--;
}

/* --- Alarm --- */

Alarm::Alarm (NetworkThread &thread, std::function<void ()> on_fire)
    : thread_ (thread.shared_from_this ()), on_fire_ (std::move (on_fire))
{
}

Alarm::~Alarm ()
{
  thread_->forget (this);
}

void
Alarm::fire_at (gint64 monotonic_us)
{
  thread_->arm (this, monotonic_us);
}

void
Alarm::cancel ()
{
  thread_->disarm (this);
}

}  // namespace gemlive
