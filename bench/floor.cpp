/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-floor: bench-scale's workload with the least work a client on our
 * stack (libsoup 3 + GLib, one network thread) can do: no GStreamer, no
 * geminilive, no JSON parser. Its CPU and memory per session are the floor
 * under geminilive's, so bench-scale / bench-floor says how much the element
 * adds on top of libsoup, GLib and the kernel.
 *
 * Per session, as geminilive puts it on the wire: the same WebSocket path,
 * a setup frame, every 40 ms a realtimeInput text frame of 40 ms of 16 kHz
 * PCM freshly base64-encoded; every received frame's "data" string is found
 * by a byte search and decoded with GLib's base64 decoder. Measured exactly
 * as bench-scale measures (same options, peer, batches, window and JSON
 * field names), with "impl":"libsoup-floor".
 *
 * Threads: main (set-up, measurement, teardown) and one network thread that
 * owns the SoupSession, every connection and the microphone timer. The timer
 * runs on the network thread rather than on a feeder thread: handing frames
 * over would cost a queue, a lock and a cross-thread wake-up per tick that a
 * single-threaded client never pays.
 */
#include "bench_util.h"
#include "peer_process.h"

#include <libsoup/soup.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int INPUT_RATE = 16000;
constexpr unsigned FRAME_MS = 40;
constexpr size_t FRAME_SAMPLES = INPUT_RATE * FRAME_MS / 1000;
constexpr gint64 FRAME_NS = FRAME_MS * G_GINT64_CONSTANT (1000000);
constexpr guint64 MAX_INCOMING_PAYLOAD = 16 * 1024 * 1024;

/* What geminilive requests with its defaults (gemini-api backend, v1beta);
 * the peer serves any path, but the handshake should be byte-for-byte as
 * long as the element's. */
constexpr const char *API_PATH =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=bench-key";
/* The peer only looks for "setup" (peer_server.cpp); this is the element's
 * setup with the benchmark's settings. */
constexpr const char *SETUP_FRAME = "{\"setup\":{\"model\":\"models/"
    "gemini-2.5-flash-native-audio-preview-12-2025\",\"generationConfig\":"
    "{\"responseModalities\":[\"AUDIO\"]}}}";
constexpr const char INPUT_PREFIX[] =
    "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"";
constexpr const char INPUT_SUFFIX[] = "\"}}}";
constexpr const char DATA_KEY[] = "\"data\":\"";
constexpr const char SETUP_COMPLETE_KEY[] = "\"setupComplete\"";

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

class Floor;

/* One WebSocket. Counters have one writer (the network thread) and are
 * read by main, hence relaxed load-and-store instead of a locked add. */
struct Session {
  Floor *owner = nullptr;
  size_t index = 0;
  SoupWebsocketConnection *conn = nullptr;  /* network thread only */
  std::atomic<bool> connected {false};
  std::atomic<bool> failed {false};
  std::string error;  /* written before `failed` is set, read after */
  std::atomic<guint64> samples {0};
  std::atomic<guint64> frames {0};

  void add (std::atomic<guint64> &counter, guint64 n)
  {
    counter.store (counter.load (std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void fail (const std::string &why)
  {
    if (failed.load ())
      return;
    error = why;
    failed.store (true);
  }
};

class Floor {
public:
  Floor (NetThread &net, std::string url, size_t sessions)
      : net_ (net), url_ (std::move (url) + API_PATH),
        pcm_ (bench::tone (FRAME_SAMPLES, INPUT_RATE))
  {
    sessions_.reserve (sessions);
    for (size_t i = 0; i < sessions; i++) {
      sessions_.push_back (std::make_unique<Session> ());
      sessions_.back ()->owner = this;
      sessions_.back ()->index = i;
    }
    cancellable_ = g_cancellable_new ();
  }
  /* The network thread's callbacks point into sessions_: it stops first. */
  ~Floor ()
  {
    if (net_.running ())
      close_all ();
    net_.stop ();
    g_object_unref (cancellable_);
  }
  Floor (const Floor &) = delete;
  Floor &operator= (const Floor &) = delete;

  size_t size () const { return sessions_.size (); }
  const Session &session (size_t i) const { return *sessions_[i]; }

  /* Main thread: starts the handshakes of sessions [from, to). */
  void connect (size_t from, size_t to)
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

  /* Main thread: the microphone, on absolute deadlines from now. */
  void start_feeding ()
  {
    net_.run ([this] {
      static GSourceFuncs funcs = {nullptr, nullptr, dispatch_tick, nullptr, nullptr, nullptr};
      tick_source_ = g_source_new (&funcs, sizeof (GSource));
      g_source_set_callback (tick_source_, nullptr, this, nullptr);
      feed_start_ns_ = bench::now_ns ();
      g_source_set_ready_time (tick_source_, 0);
      g_source_attach (tick_source_, net_.context ());
    });
  }
  void stop_feeding ()
  {
    net_.run ([this] {
      if (tick_source_) {
        g_source_destroy (tick_source_);
        g_source_unref (tick_source_);
        tick_source_ = nullptr;
      }
    });
  }

  /* Main thread: closes every connection; pending handshakes are cancelled
   * (their callbacks run when the network thread drains). */
  void close_all ()
  {
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
  }

  guint64 ticks () const { return ticks_.load (); }
  guint64 late_ticks () const { return late_ticks_.load (); }
  guint64 refused () const { return refused_.load (); }
  double max_lag_ms () const { return (double) max_lag_ns_.load () / 1e6; }

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

  /* The whole receive path of the floor: a byte search for the audio and
   * GLib's decoder into one buffer shared by all sessions (one thread). */
  static void on_message (SoupWebsocketConnection *, gint, GBytes *message, gpointer data)
  {
    auto s = static_cast<Session *> (data);
    s->add (s->frames, 1);
    gsize size = 0;
    auto text = static_cast<const char *> (g_bytes_get_data (message, &size));
    if (!text)
      return;
    auto at = static_cast<const char *> (memmem (text, size, DATA_KEY, sizeof DATA_KEY - 1));
    if (!at) {
      if (!s->connected.load (std::memory_order_relaxed)
          && memmem (text, size, SETUP_COMPLETE_KEY, sizeof SETUP_COMPLETE_KEY - 1))
        s->connected.store (true);
      return;
    }
    at += sizeof DATA_KEY - 1;
    auto end = text + size;
    auto close = static_cast<const char *> (memchr (at, '"', (size_t) (end - at)));
    if (!close)
      return;
    size_t length = (size_t) (close - at);
    auto &out = s->owner->decoded_;
    if (out.size () < length / 4 * 3 + 3)
      out.resize (length / 4 * 3 + 3);
    gint state = 0;
    guint save = 0;
    gsize bytes = g_base64_decode_step (at, length, out.data (), &state, &save);
    s->add (s->samples, bytes / 2);
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
    auto self = static_cast<Floor *> (data);
    self->tick ();
    /* Absolute deadlines: a late tick does not shift the ones after it.
     * CLOCK_MONOTONIC is also GLib's clock, in µs there. */
    gint64 next_ns = self->feed_start_ns_ + (gint64) self->ticks_.load () * FRAME_NS;
    g_source_set_ready_time (source, (next_ns + 999) / 1000);
    return G_SOURCE_CONTINUE;
  }

  /* The whole send path of the floor: a fresh base64 of the 40 ms (never
   * cached: an application encodes what its microphone gave it), framed
   * into one reused string, handed to libsoup as text. */
  void tick ()
  {
    guint64 tick = ticks_.load ();
    gint64 lag = bench::now_ns () - (feed_start_ns_ + (gint64) tick * FRAME_NS);
    if (lag > max_lag_ns_.load ())
      max_lag_ns_.store (lag);
    if (lag > FRAME_NS)
      late_ticks_.store (late_ticks_.load () + 1);
    auto pcm = reinterpret_cast<const guchar *> (pcm_.data ());
    for (auto &s : sessions_) {
      if (!s->conn
          || soup_websocket_connection_get_state (s->conn) != SOUP_WEBSOCKET_STATE_OPEN) {
        refused_.store (refused_.load () + 1);
        continue;
      }
      gchar *data = g_base64_encode (pcm, FRAME_SAMPLES * 2);
      frame_.assign (INPUT_PREFIX, sizeof INPUT_PREFIX - 1);
      frame_.append (data);
      frame_.append (INPUT_SUFFIX, sizeof INPUT_SUFFIX - 1);
      g_free (data);
      soup_websocket_connection_send_text (s->conn, frame_.c_str ());
    }
    ticks_.store (tick + 1);
  }

  NetThread &net_;
  std::string url_;
  std::vector<int16_t> pcm_;
  std::vector<std::unique_ptr<Session>> sessions_;
  GCancellable *cancellable_ = nullptr;
  bool closing_ = false;               /* network thread only */
  GSource *tick_source_ = nullptr;     /* network thread only */
  gint64 feed_start_ns_ = 0;
  std::string frame_;                  /* network thread only: reused per send */
  std::vector<guchar> decoded_;        /* network thread only: reused per frame */
  std::atomic<guint64> ticks_ {0}, late_ticks_ {0}, refused_ {0};
  std::atomic<gint64> max_lag_ns_ {0};
};

}  // namespace

int
main (int argc, char **argv)
{
  bench::ScaleOptions o;
  if (!bench::parse_scale_options (argc, argv, o, "bench-floor",
          "- libsoup floor under geminilive sessions"))
    return 2;

  bench::PeerProcess peer;
  std::string error;
  if (!peer.start (o.peer, (unsigned) o.out_chunk_ms, (unsigned) o.lead_ms, error)) {
    g_printerr ("bench-floor: %s\n", error.c_str ());
    return 1;
  }
  /* As in bench-scale, where geminilive's network thread starts with the
   * first session: the thread and its session count as per-session cost. */
  long base_hwm_kb = bench::proc_status_value ("VmHWM");
  double cpu_before_setup = bench::process_cpu_seconds ();

  NetThread net;
  net.start ();
  Floor floor (net, peer.url (), (size_t) o.sessions);

  std::string setup_failure;
  gint64 setup_start = bench::now_ns ();
  for (size_t i = 0; i < floor.size () && setup_failure.empty (); i += bench::CONNECT_BATCH) {
    size_t batch_end = std::min (floor.size (), i + bench::CONNECT_BATCH);
    floor.connect (i, batch_end);
    gint64 deadline = g_get_monotonic_time () + bench::CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
    for (size_t j = i; j < batch_end; j++) {
      const Session &s = floor.session (j);
      while (!s.connected.load () && !s.failed.load () && g_get_monotonic_time () < deadline)
        g_usleep (5000);
      if (!s.connected.load () && setup_failure.empty ())
        setup_failure = "session " + std::to_string (j) + " did not connect: "
            + (s.failed.load () ? s.error : "timed out");
    }
  }
  double setup_s = (bench::now_ns () - setup_start) / 1e9;
  double setup_cpu = bench::process_cpu_seconds () - cpu_before_setup;
  size_t connected = 0;
  for (size_t i = 0; i < floor.size (); i++)
    connected += floor.session (i).connected.load () && !floor.session (i).failed.load ();
  g_printerr ("bench-floor: %zu/%d sessions connected in %.1f s%s%s\n", connected, o.sessions,
      setup_s, setup_failure.empty () ? "" : "; first failure: ", setup_failure.c_str ());

  floor.start_feeding ();
  bench::sleep_s (o.warmup);

  auto snapshot = [&] () {
    std::vector<guint64> samples;
    for (size_t i = 0; i < floor.size (); i++)
      samples.push_back (floor.session (i).samples.load ());
    return samples;
  };
  auto before = snapshot ();
  bench::WindowReading reading = bench::measure_window (o.seconds);
  auto after = snapshot ();

  floor.stop_feeding ();
  /* bench-scale's pause: the last frames reach the peer before it reports. */
  bench::sleep_s (1.5);
  long hwm_kb = bench::proc_status_value ("VmHWM");
  guint64 pushed_samples = floor.ticks () * FRAME_SAMPLES;

  size_t failed_sessions = 0;
  std::string first_error;
  for (size_t i = 0; i < floor.size (); i++) {
    const Session &s = floor.session (i);
    if (s.failed.load ()) {
      failed_sessions++;
      if (first_error.empty ())
        first_error = s.error;
    }
  }
  gint64 teardown_start = bench::now_ns ();
  floor.close_all ();
  net.stop ();
  double teardown_s = (bench::now_ns () - teardown_start) / 1e9;
  std::string peer_report = peer.stop (error);
  if (peer_report.empty ())
    g_printerr ("bench-floor: %s\n", error.c_str ());

  double window_s = reading.window_s;
  guint64 expected = bench::expected_output_samples (window_s);
  guint64 tolerance = bench::output_tolerance (o.out_chunk_ms, expected);
  size_t out_ok = 0;
  guint64 min_samples = after.empty () ? 0 : G_MAXUINT64;
  for (size_t i = 0; i < after.size (); i++) {
    guint64 got = after[i] - before[i];
    min_samples = std::min (min_samples, got);
    if (got + tolerance >= expected)
      out_ok++;
  }
  double cpu = reading.cpu_s;
  double per_session_min = connected ? cpu / ((double) connected * window_s / 60.0) : 0;

  g_printerr ("bench-floor: N=%zu window %.1f s: %.3f CPU-s = %.4f CPU-s per session-minute; "
      "VmHWM %ld kB (base %ld kB, %.1f kB/session); %zu/%zu sessions kept real time out; "
      "feeder late ticks %" G_GUINT64_FORMAT " (max lag %.1f ms); peer: %s\n",
      connected, window_s, cpu, per_session_min, hwm_kb, base_hwm_kb,
      connected ? (double) (hwm_kb - base_hwm_kb) / (double) connected : 0.0, out_ok,
      after.size (), floor.late_ticks (), floor.max_lag_ms (), peer_report.c_str ());

  printf ("{\"impl\":\"libsoup-floor\",\"sessions\":%d,\"connected\":%zu,\"setup_s\":%.2f,"
      "\"setup_cpu_s\":%.3f,\"window_s\":%.3f,\"cpu_s\":%.4f,\"cpu_per_session_min\":%.6f,"
      "\"base_hwm_kb\":%ld,\"hwm_kb\":%ld,\"rss_kb\":%ld,\"threads\":%ld,"
      "\"out_expected\":%" G_GUINT64_FORMAT ",\"out_min\":%" G_GUINT64_FORMAT ","
      "\"out_ok_sessions\":%zu,\"in_pushed\":%" G_GUINT64_FORMAT ",\"feeder_late_ticks\":%"
      G_GUINT64_FORMAT ",\"feeder_max_lag_ms\":%.1f,\"feeder_refused\":%" G_GUINT64_FORMAT ","
      "\"failed_sessions\":%zu,\"teardown_s\":%.2f,\"error\":\"%s\",\"peer\":%s}\n",
      o.sessions, connected, setup_s, setup_cpu, window_s, cpu, per_session_min, base_hwm_kb,
      hwm_kb, reading.rss_kb, reading.threads, expected, min_samples, out_ok, pushed_samples,
      floor.late_ticks (), floor.max_lag_ms (), floor.refused (), failed_sessions, teardown_s,
      bench::json_escape (!setup_failure.empty () ? setup_failure : first_error).c_str (),
      peer_report.empty () ? "null" : peer_report.c_str ());
  fflush (stdout);
  return connected == (size_t) o.sessions ? 0 : 1;
}
