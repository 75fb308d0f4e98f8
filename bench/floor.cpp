/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-floor: bench-scale's workload with the least work a client on
 * libsoup 3 + GLib (one network thread) can do: no GStreamer, no geminilive,
 * no JSON parser. geminilive is on libsoup too, so ours / this floor is what
 * GStreamer and our code add on top of libsoup.
 *
 * Per session, as geminilive puts it on the wire (floor_driver.h): the same
 * WebSocket path, a setup frame, every 40 ms a realtimeInput text frame of
 * 40 ms of 16 kHz PCM freshly base64-encoded; every received message goes
 * through the floors' shared receive path (a byte search for "data" and
 * GLib's base64 decoder). Measured exactly as bench-scale measures (same
 * options, peer, batches, window and JSON field names, run_floor), with
 * "impl":"libsoup-floor".
 *
 * Threads: main (set-up, measurement, teardown) and one network thread that
 * owns the SoupSession, every connection and the microphone timer. The timer
 * runs on the network thread rather than on a feeder thread: handing frames
 * over would cost a queue, a lock and a cross-thread wake-up per tick that a
 * single-threaded client never pays.
 */
#include "floor_driver.h"

#include <libsoup/soup.h>

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace bench::floor_wire;

/* The network thread: a private GMainContext, thread-default on that thread
 * before anything binds to it (libsoup 3 ties a session to the
 * thread-default context of its creator). */
class NetThread {
public:
  NetThread () : context_ (g_main_context_new ()), loop_ (g_main_loop_new (context_, FALSE)) {}
  ~NetThread ()
  {
    stop ();
    g_main_loop_unref (loop_);
    g_main_context_unref (context_);
  }
  NetThread (const NetThread &) = delete;
  NetThread &operator= (const NetThread &) = delete;

  void start ()
  {
    thread_ = std::thread ([this] { main (); });
    run ([] {});  /* returns once the session exists */
  }
  /* Quits the loop; what is still pending (cancelled connects) is drained
   * on the thread so every callback has run before the caller frees its data. */
  void stop ()
  {
    if (!thread_.joinable ())
      return;
    run ([this] { g_main_loop_quit (loop_); });
    thread_.join ();
  }
  bool running () const { return thread_.joinable (); }
  SoupSession *soup () const { return soup_; }  /* network thread only */

  /* Runs fn on the network thread and waits for it. */
  void run (const std::function<void ()> &fn)
  {
    struct Job {
      const std::function<void ()> *fn;
      std::promise<void> done;
    } job {&fn, {}};
    auto finished = job.done.get_future ();
    g_main_context_invoke (context_, [] (gpointer data) -> gboolean {
      auto j = static_cast<Job *> (data);
      (*j->fn) ();
      j->done.set_value ();
      return G_SOURCE_REMOVE;
    }, &job);
    finished.wait ();
  }
  GMainContext *context () const { return context_; }

private:
  void main ()
  {
    g_main_context_push_thread_default (context_);
    soup_ = soup_session_new ();
    g_main_loop_run (loop_);
    soup_session_abort (soup_);
    while (g_main_context_iteration (context_, FALSE)) {
    }
    g_clear_object (&soup_);
    while (g_main_context_iteration (context_, FALSE)) {
    }
    g_main_context_pop_thread_default (context_);
  }

  GMainContext *context_;
  GMainLoop *loop_;
  SoupSession *soup_ = nullptr;
  std::thread thread_;
};

class SoupFloor;

/* One WebSocket; conn is the network thread's. */
struct Session : bench::FloorSession {
  SoupFloor *owner = nullptr;
  SoupWebsocketConnection *conn = nullptr;
};

class SoupFloor final : public bench::FloorClient {
public:
  SoupFloor (const std::string &peer_url, size_t sessions)
      : url_ (peer_url + API_PATH), pcm_ (bench::tone (FRAME_SAMPLES, INPUT_RATE))
  {
    net_.start ();
    sessions_.reserve (sessions);
    for (size_t i = 0; i < sessions; i++) {
      sessions_.push_back (std::make_unique<Session> ());
      sessions_.back ()->owner = this;
    }
    cancellable_ = g_cancellable_new ();
  }
  /* The network thread's callbacks point into sessions_: it stops first. */
  ~SoupFloor () override
  {
    stop ();
    g_object_unref (cancellable_);
  }
  SoupFloor (const SoupFloor &) = delete;
  SoupFloor &operator= (const SoupFloor &) = delete;

  size_t size () const override { return sessions_.size (); }
  const bench::FloorSession &session (size_t i) const override { return *sessions_[i]; }
  const bench::FeedClock &feed_clock () const override { return clock_; }

  void connect_batch (size_t from, size_t to) override
  {
    net_.run ([&] {
      for (size_t i = from; i < to; i++) {
        SoupMessage *msg = soup_message_new ("GET", url_.c_str ());
        if (!msg) {
          sessions_[i]->fail ("bad URL " + url_);
          continue;
        }
        soup_session_websocket_connect_async (net_.soup (), msg, nullptr, nullptr,
            G_PRIORITY_DEFAULT, cancellable_, on_connected, sessions_[i].get ());
        g_object_unref (msg);
      }
    });
  }

  void start_feeding () override
  {
    net_.run ([this] {
      static GSourceFuncs funcs = {nullptr, nullptr, dispatch_tick, nullptr, nullptr, nullptr};
      tick_source_ = g_source_new (&funcs, sizeof (GSource));
      g_source_set_callback (tick_source_, nullptr, this, nullptr);
      clock_.start ();
      g_source_set_ready_time (tick_source_, 0);
      g_source_attach (tick_source_, net_.context ());
    });
  }
  void stop_feeding () override
  {
    net_.run ([this] {
      if (tick_source_) {
        g_source_destroy (tick_source_);
        g_source_unref (tick_source_);
        tick_source_ = nullptr;
      }
    });
  }

  /* Closes every connection; pending handshakes are cancelled (their
   * callbacks run when the network thread drains). */
  void stop () override
  {
    if (!net_.running ())
      return;
    net_.run ([this] {
      closing_ = true;
      g_cancellable_cancel (cancellable_);
      for (auto &s : sessions_) {
        if (!s->conn)
          continue;
        g_signal_handlers_disconnect_by_data (s->conn, s.get ());
        if (soup_websocket_connection_get_state (s->conn) == SOUP_WEBSOCKET_STATE_OPEN)
          soup_websocket_connection_close (s->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, nullptr);
        g_clear_object (&s->conn);
      }
    });
    net_.stop ();
  }

private:
  static void on_connected (GObject *source, GAsyncResult *result, gpointer data)
  {
    auto s = static_cast<Session *> (data);
    GError *error = nullptr;
    SoupWebsocketConnection *conn =
        soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
    if (!conn) {
      s->fail (error ? error->message : "connect failed");
      g_clear_error (&error);
      return;
    }
    if (s->owner->closing_) {
      g_object_unref (conn);
      return;
    }
    s->conn = conn;
    soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_PAYLOAD);
    soup_websocket_connection_set_keepalive_interval (conn, 0);
    g_signal_connect (conn, "message", G_CALLBACK (on_message), s);
    g_signal_connect (conn, "closed", G_CALLBACK (on_closed), s);
    g_signal_connect (conn, "error", G_CALLBACK (on_error), s);
    soup_websocket_connection_send_text (conn, SETUP_FRAME);
  }

  static void on_message (SoupWebsocketConnection *, gint, GBytes *message, gpointer data)
  {
    auto s = static_cast<Session *> (data);
    gsize size = 0;
    auto text = static_cast<const char *> (g_bytes_get_data (message, &size));
    /* An empty message has no data pointer; memmem wants one. */
    s->on_server_text (text ? text : "", size, s->owner->decoded_);
  }

  static void on_closed (SoupWebsocketConnection *conn, gpointer data)
  {
    auto s = static_cast<Session *> (data);
    if (!s->owner->closing_)
      s->fail ("closed by the peer (code "
          + std::to_string (soup_websocket_connection_get_close_code (conn)) + ")");
  }

  static void on_error (SoupWebsocketConnection *, GError *error, gpointer data)
  {
    static_cast<Session *> (data)->fail (error ? error->message : "websocket error");
  }

  static gboolean dispatch_tick (GSource *source, GSourceFunc, gpointer data)
  {
    auto self = static_cast<SoupFloor *> (data);
    self->tick ();
    /* CLOCK_MONOTONIC is also GLib's clock, in µs there. */
    g_source_set_ready_time (source, (self->clock_.next_deadline_ns () + 999) / 1000);
    return G_SOURCE_CONTINUE;
  }

  /* The whole send path of the floor: a fresh base64 of the 40 ms (never
   * cached: an application encodes what its microphone gave it), framed
   * into one reused string, handed to libsoup as text. */
  void tick ()
  {
    clock_.begin_tick ();
    auto pcm = reinterpret_cast<const guchar *> (pcm_.data ());
    for (auto &s : sessions_) {
      if (!s->conn
          || soup_websocket_connection_get_state (s->conn) != SOUP_WEBSOCKET_STATE_OPEN) {
        clock_.refuse ();
        continue;
      }
      gchar *data = g_base64_encode (pcm, FRAME_SAMPLES * 2);
      frame_.assign (INPUT_PREFIX, sizeof INPUT_PREFIX - 1);
      frame_.append (data);
      frame_.append (INPUT_SUFFIX, sizeof INPUT_SUFFIX - 1);
      g_free (data);
      soup_websocket_connection_send_text (s->conn, frame_.c_str ());
    }
    clock_.end_tick ();
  }

  NetThread net_;
  std::string url_;
  std::vector<int16_t> pcm_;
  std::vector<std::unique_ptr<Session>> sessions_;
  GCancellable *cancellable_ = nullptr;
  bench::FeedClock clock_;
  bool closing_ = false;               /* network thread only */
  GSource *tick_source_ = nullptr;     /* network thread only */
  std::string frame_;                  /* network thread only: reused per send */
  std::vector<guchar> decoded_;        /* network thread only: reused per frame */
};

std::unique_ptr<bench::FloorClient>
start_soup_floor (const std::string &peer_url, size_t sessions, std::string &)
{
  return std::make_unique<SoupFloor> (peer_url, sessions);
}

}  // namespace

int
main (int argc, char **argv)
{
  return bench::run_floor (argc, argv, {"bench-floor", "- libsoup floor under geminilive sessions",
      "libsoup-floor", start_soup_floor});
}
