/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/network_thread.h"

namespace gemlive {

namespace {

std::mutex instance_lock;
std::weak_ptr<NetworkThread> instance;

struct SyncCall {
  const std::function<void ()> *fn;
  std::mutex lock;
  std::condition_variable cond;
  bool done = false;
};

gboolean
run_function (gpointer data)
{
  (*static_cast<std::function<void ()> *> (data)) ();
  return G_SOURCE_REMOVE;
}

void
delete_function (gpointer data)
{
  delete static_cast<std::function<void ()> *> (data);
}

gboolean
run_sync_call (gpointer data)
{
  auto call = static_cast<SyncCall *> (data);
  (*call->fn) ();
  std::lock_guard<std::mutex> guard (call->lock);
  call->done = true;
  call->cond.notify_all ();
  return G_SOURCE_REMOVE;
}

}  // namespace

std::shared_ptr<NetworkThread>
NetworkThread::acquire ()
{
  std::lock_guard<std::mutex> guard (instance_lock);
  auto thread = instance.lock ();
  if (!thread) {
    thread.reset (new NetworkThread ());
    instance = thread;
  }
  return thread;
}

NetworkThread::NetworkThread ()
{
  context_ = g_main_context_new ();
  loop_ = g_main_loop_new (context_, FALSE);
  thread_ = g_thread_new ("geminilive-net", thread_main, this);
  std::unique_lock<std::mutex> lock (start_lock_);
  started_cond_.wait (lock, [this] { return started_; });
}

NetworkThread::~NetworkThread ()
{
  if (is_current ()) {
    /* Cannot join ourselves; this is a usage error. Leak rather than hang. */
    g_critical ("geminilive: network thread released from itself");
    return;
  }
  invoke ([this] { g_main_loop_quit (loop_); });
  g_thread_join (thread_);
  g_main_loop_unref (loop_);
  g_main_context_unref (context_);
}

gpointer
NetworkThread::thread_main (gpointer data)
{
  auto self = static_cast<NetworkThread *> (data);
  g_main_context_push_thread_default (self->context_);
  /* libsoup 3.2 binds a session to the thread-default context of the thread
   * that creates it, so it is created (and destroyed) here. */
  self->soup_session_ = soup_session_new ();
  {
    std::lock_guard<std::mutex> guard (self->start_lock_);
    self->started_ = true;
    self->started_cond_.notify_all ();
  }
  g_main_loop_run (self->loop_);

  for (auto &closing : self->closing_) {
    g_signal_handlers_disconnect_by_data (closing.conn, self);
    g_object_unref (closing.conn);
  }
  self->closing_.clear ();
  soup_session_abort (self->soup_session_);
  g_clear_object (&self->soup_session_);
  /* Let cancelled operations deliver their callbacks so they free their data. */
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
NetworkThread::retire_connection (SoupWebsocketConnection *conn,
    std::function<void ()> on_closed)
{
  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_ID, g_signal_lookup ("message",
          SOUP_TYPE_WEBSOCKET_CONNECTION), 0, nullptr, nullptr, nullptr);
  auto state = soup_websocket_connection_get_state (conn);
  if (state == SOUP_WEBSOCKET_STATE_CLOSED) {
    g_object_unref (conn);
    if (on_closed)
      invoke (std::move (on_closed));
    return;
  }
  if (state == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
  closing_.push_back (Closing {conn, std::move (on_closed)});
  g_signal_connect (conn, "closed", G_CALLBACK (+[] (SoupWebsocketConnection *c,
              gpointer data) {
        auto self = static_cast<NetworkThread *> (data);
        g_signal_handlers_disconnect_by_data (c, self);
        auto &list = self->closing_;
        for (auto it = list.begin (); it != list.end (); ++it) {
          if (it->conn == c) {
            auto on_closed = std::move (it->on_closed);
            list.erase (it);
            /* Not from inside its own signal emission. */
            self->invoke ([c] { g_object_unref (c); });
            if (on_closed)
              self->invoke (std::move (on_closed));
            break;
          }
        }
      }), this);
}

void
NetworkThread::invoke (std::function<void ()> fn)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_function, new std::function<void ()> (std::move (fn)),
      delete_function);
  g_source_attach (source, context_);
  g_source_unref (source);
}

void
NetworkThread::invoke_sync (const std::function<void ()> &fn)
{
  if (is_current ()) {
    fn ();
    return;
  }
  SyncCall call;
  call.fn = &fn;
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_sync_call, &call, nullptr);
  g_source_attach (source, context_);
  g_source_unref (source);
  std::unique_lock<std::mutex> lock (call.lock);
  call.cond.wait (lock, [&call] { return call.done; });
}

/* --- Alarm --- */

namespace {

/* A source with no prepare/check: it is ready exactly when its ready time passes. */
gboolean
alarm_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  (void) source;
  return callback (data);
}

GSourceFuncs alarm_funcs = {
  nullptr, nullptr, alarm_dispatch, nullptr, nullptr, nullptr
};

}  // namespace

Alarm::Alarm (NetworkThread &thread, std::function<void ()> on_fire)
    : thread_ (thread.shared_from_this ()), on_fire_ (std::move (on_fire))
{
  source_ = g_source_new (&alarm_funcs, sizeof (GSource));
  g_source_set_ready_time (source_, -1);
  g_source_set_callback (source_, on_source, this, nullptr);
  g_source_attach (source_, thread_->context ());
}

Alarm::~Alarm ()
{
  /* Destroyed on the network thread so a callback in progress finishes first. */
  thread_->invoke_sync ([this] { g_source_destroy (source_); });
  g_source_unref (source_);
}

void
Alarm::fire_at (gint64 monotonic_us)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (armed_at_ >= 0 && armed_at_ <= monotonic_us)
    return;
  armed_at_ = monotonic_us;
  g_source_set_ready_time (source_, monotonic_us);
}

void
Alarm::cancel ()
{
  std::lock_guard<std::mutex> guard (lock_);
  armed_at_ = -1;
  g_source_set_ready_time (source_, -1);
}

gboolean
Alarm::on_source (gpointer data)
{
  auto self = static_cast<Alarm *> (data);
  {
    std::lock_guard<std::mutex> guard (self->lock_);
    self->armed_at_ = -1;
    g_source_set_ready_time (self->source_, -1);
  }
  self->on_fire_ ();
  return G_SOURCE_CONTINUE;
}

}  // namespace gemlive
