/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-latency: the latency geminilive adds, measured in one process so one
 * clock (CLOCK_MONOTONIC) timestamps both ends:
 * - down: the peer (a PeerServer on its own thread) takes t0 just before it
 *   hands a reply frame to libsoup; a buffer probe on geminilive's src pad
 *   takes t1 when the buffer carrying that frame's first sample is pushed.
 * - up: t0 just before a 40 ms buffer is pushed into geminilive's sink pad;
 *   t1 when the peer's libsoup hands over the realtimeInput frame.
 * Frames are matched by a sequence number written into their first sample.
 * Each path includes the loopback socket and libsoup on the peer side, so
 * the same frames are also timed between the peer and a bare libsoup client
 * (its own thread and context, no GStreamer): the baseline. The element's
 * added latency is element minus baseline.
 */
#include "bench_util.h"
#include "client_pipeline.h"
#include "peer_server.h"

#include <gst/gst.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using bench::ClientPipeline;
using bench::PeerServer;

namespace {

constexpr size_t DOWN_SAMPLES = 480;  /* 20 ms at 24 kHz per reply frame */
constexpr size_t UP_SAMPLES = 640;    /* 40 ms at 16 kHz: one geminilive chunk */
constexpr size_t WARMUP = 20;         /* first frames of each series are not counted */
constexpr size_t ELEMENT_SESSION = 0, BASELINE_SESSION = 1;

/* A thread running a GMainContext; run () executes a function there. */
class ContextThread {
public:
  ContextThread () : context_ (g_main_context_new ()), loop_ (g_main_loop_new (context_, FALSE))
  {
  }
  ~ContextThread ()
  {
    if (thread_.joinable ()) {
      run ([this] { g_main_loop_quit (loop_); });
      thread_.join ();
    }
    g_main_loop_unref (loop_);
    g_main_context_unref (context_);
  }
  void start ()
  {
    thread_ = std::thread ([this] {
      g_main_context_push_thread_default (context_);
      g_main_loop_run (loop_);
      g_main_context_pop_thread_default (context_);
    });
  }
  GMainContext *context () const { return context_; }
  void run (std::function<void ()> fn)
  {
    std::promise<void> done;
    auto call = [&] { fn (); done.set_value (); };
    auto job = new std::function<void ()> (call);
    g_main_context_invoke (context_, [] (gpointer data) -> gboolean {
      auto fn = static_cast<std::function<void ()> *> (data);
      (*fn) ();
      delete fn;
      return G_SOURCE_REMOVE;
    }, job);
    done.get_future ().wait ();
  }

private:
  GMainContext *context_;
  GMainLoop *loop_;
  std::thread thread_;
};

/* Received-at times by sequence number, written from any thread. */
class Arrivals {
public:
  explicit Arrivals (size_t n) : at_ (n + 1, -1) {}
  void record (int16_t seq, gint64 t)
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (seq > 0 && (size_t) seq < at_.size () && at_[(size_t) seq] < 0)
      at_[(size_t) seq] = t;
  }
  gint64 at (size_t seq)
  {
    std::lock_guard<std::mutex> guard (lock_);
    return at_[seq];
  }

private:
  std::mutex lock_;
  std::vector<gint64> at_;
};

/* A WebSocket client with nothing but libsoup: the baseline. */
class BareClient {
public:
  BareClient (ContextThread &thread, Arrivals &down) : thread_ (thread), down_ (down) {}
  ~BareClient ()
  {
    thread_.run ([this] {
      if (conn_) {
        g_signal_handlers_disconnect_by_data (conn_, this);
        g_object_unref (conn_);
      }
      g_clear_object (&session_);
    });
  }
  void connect (const std::string &url)
  {
    thread_.run ([this, url] {
      session_ = soup_session_new ();
      SoupMessage *msg = soup_message_new ("GET", (url + "/ws/baseline").c_str ());
      soup_session_websocket_connect_async (session_, msg, nullptr, nullptr, G_PRIORITY_DEFAULT,
          nullptr, on_connected, this);
      g_object_unref (msg);
    });
  }
  bool ready () const { return ready_.load (); }
  /* t0 is taken on the client's thread, just before libsoup gets the frame. */
  gint64 send (GBytes *frame)
  {
    gint64 t = -1;
    thread_.run ([&] {
      if (!conn_)
        return;
      t = bench::now_ns ();
      soup_websocket_connection_send_message (conn_, SOUP_WEBSOCKET_DATA_TEXT, frame);
    });
    return t;
  }

private:
  static void on_connected (GObject *source, GAsyncResult *result, gpointer data)
  {
    auto self = static_cast<BareClient *> (data);
    GError *error = nullptr;
    self->conn_ = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
    if (!self->conn_) {
      g_printerr ("bench-latency: baseline client: %s\n", error->message);
      g_clear_error (&error);
      return;
    }
    g_signal_connect (self->conn_, "message", G_CALLBACK (on_message), self);
    static const char setup[] = "{\"setup\":{\"model\":\"models/baseline\"}}";
    soup_websocket_connection_send_text (self->conn_, setup);
    self->ready_ = true;
  }
  static void on_message (SoupWebsocketConnection *, gint, GBytes *message, gpointer data)
  {
    gint64 t = bench::now_ns ();
    gsize size = 0;
    auto text = static_cast<const char *> (g_bytes_get_data (message, &size));
    int16_t seq = 0;
    if (text && bench::first_sample_of_frame (text, size, seq))
      static_cast<BareClient *> (data)->down_.record (seq, t);
  }

  ContextThread &thread_;
  Arrivals &down_;
  SoupSession *session_ = nullptr;
  SoupWebsocketConnection *conn_ = nullptr;
  std::atomic<bool> ready_ {false};
};

GstPadProbeReturn
on_src_buffer (GstPad *, GstPadProbeInfo *info, gpointer data)
{
  gint64 t = bench::now_ns ();
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  int16_t seq = 0;
  if (gst_buffer_extract (buffer, 0, &seq, 2) == 2)
    static_cast<Arrivals *> (data)->record (seq, t);
  return GST_PAD_PROBE_OK;
}

bool
wait_for (const std::function<bool ()> &done, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (!done ()) {
    if (g_get_monotonic_time () > deadline)
      return false;
    g_usleep (2000);
  }
  return true;
}

/* Sends frames 1..n through send (seq) -> t0, then pairs them with arrivals. */
std::vector<gint64>
measure (size_t n, guint interval_us, Arrivals &arrivals,
    const std::function<gint64 (int16_t)> &send, size_t &lost)
{
  std::vector<gint64> sent (n + 1, -1);
  for (size_t seq = 1; seq <= n; seq++) {
    sent[seq] = send ((int16_t) seq);
    g_usleep (interval_us);
  }
  wait_for ([&] { return arrivals.at (n) >= 0; }, 10);
  g_usleep (200000);
  std::vector<gint64> latencies;
  lost = 0;
  for (size_t seq = 1 + WARMUP; seq <= n; seq++) {
    gint64 t1 = arrivals.at (seq);
    if (sent[seq] < 0 || t1 < 0)
      lost++;
    else
      latencies.push_back (t1 - sent[seq]);
  }
  return latencies;
}

std::string
json_of (const bench::Percentiles &p, size_t lost)
{
  char buf[256];
  g_snprintf (buf, sizeof buf, "{\"count\":%zu,\"lost\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,"
      "\"max_us\":%.1f}", p.count, lost, p.p50_us, p.p99_us, p.max_us);
  return buf;
}

std::vector<int16_t>
numbered (size_t samples, int rate, int16_t seq)
{
  auto pcm = bench::tone (samples, rate);
  pcm[0] = seq;
  return pcm;
}

}  // namespace

int
main (int argc, char **argv)
{
  gint frames = 1000, interval_us = 5000;
  GOptionEntry entries[] = {
    {"frames", 'n', 0, G_OPTION_ARG_INT, &frames, "Frames per direction (<= 30000)", "N"},
    {"interval-us", 0, 0, G_OPTION_ARG_INT, &interval_us, "Pause between frames", "US"},
    {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
  };
  GOptionContext *options = g_option_context_new ("- latency added by geminilive");
  g_option_context_add_main_entries (options, entries, nullptr);
  g_option_context_add_group (options, gst_init_get_option_group ());
  GError *error = nullptr;
  bool ok = g_option_context_parse (options, &argc, &argv, &error);
  g_option_context_free (options);
  if (!ok || frames <= (gint) WARMUP || frames > 30000 || interval_us < 0) {
    g_printerr ("bench-latency: %s\n", error ? error->message
        : "--frames must be 21-30000 and --interval-us >= 0");
    g_clear_error (&error);
    return 2;
  }
  gst_init (nullptr, nullptr);
  size_t n = (size_t) frames;

  ContextThread peer_thread, client_thread;
  PeerServer::Config config;
  config.stream_audio = false;
  auto owned_peer = std::make_unique<PeerServer> (peer_thread.context (), config);
  PeerServer &peer = *owned_peer;
  std::string url, why;
  g_main_context_push_thread_default (peer_thread.context ());
  ok = peer.listen (url, why);
  g_main_context_pop_thread_default (peer_thread.context ());
  if (!ok) {
    g_printerr ("bench-latency: %s\n", why.c_str ());
    return 1;
  }
  Arrivals element_down (n), element_up (n), base_down (n), base_up (n);
  peer.set_client_frame_hook ([&] (size_t session, const char *data, size_t size, gint64 t) {
    int16_t seq = 0;
    if (!bench::first_sample_of_frame (data, size, seq))
      return;
    (session == ELEMENT_SESSION ? element_up : base_up).record (seq, t);
  });
  peer_thread.start ();
  client_thread.start ();
  /* The peer's connections belong to its thread: drop them there, on every
   * way out of main (after the client below is gone). */
  struct DropOnThread {
    ContextThread &thread;
    std::unique_ptr<PeerServer> &peer;
    ~DropOnThread () { thread.run ([this] { peer.reset (); }); }
  } drop_peer {peer_thread, owned_peer};

  int status = 0;
  {
    ClientPipeline client (url, false);
    GstPad *src = gst_element_get_static_pad (client.live (), "src");
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, on_src_buffer, &element_down, nullptr);
    gst_object_unref (src);
    if (!client.play (why) || !wait_for ([&] { return client.connected () || client.failed (); },
            60) || client.failed ()) {
      g_printerr ("bench-latency: geminilive did not connect: %s\n",
          why.empty () ? client.first_error ().c_str () : why.c_str ());
      return 1;
    }
    BareClient bare (client_thread, base_down);
    bare.connect (url);
    if (!wait_for ([&] { return bare.ready () && peer.ready_sessions () == 2; }, 60)) {
      g_printerr ("bench-latency: the baseline client did not connect\n");
      return 1;
    }

    auto send_down = [&] (size_t session) {
      return [&, session] (int16_t seq) {
        auto pcm = numbered (DOWN_SAMPLES, 24000, seq);
        GBytes *frame = bench::make_reply_audio_frame (pcm.data (), pcm.size ());
        gint64 t = -1;
        peer_thread.run ([&] { t = peer.send_frame (session, frame); });
        g_bytes_unref (frame);
        return t;
      };
    };
    size_t lost[4];
    auto down = measure (n, (guint) interval_us, element_down, send_down (ELEMENT_SESSION),
        lost[0]);
    auto down_base = measure (n, (guint) interval_us, base_down, send_down (BASELINE_SESSION),
        lost[1]);
    auto up = measure (n, (guint) interval_us, element_up, [&] (int16_t seq) {
      auto pcm = numbered (UP_SAMPLES, 16000, seq);
      GstBuffer *buffer = gst_buffer_new_memdup (pcm.data (), pcm.size () * 2);
      gint64 t = bench::now_ns ();
      return client.push (buffer) == GST_FLOW_OK ? t : -1;
    }, lost[2]);
    auto up_base = measure (n, (guint) interval_us, base_up, [&] (int16_t seq) {
      auto pcm = numbered (UP_SAMPLES, 16000, seq);
      GBytes *frame = bench::make_realtime_input_frame (pcm.data (), pcm.size (), 16000);
      gint64 t = bare.send (frame);
      g_bytes_unref (frame);
      return t;
    }, lost[3]);

    auto p_down = bench::percentiles (down), p_down_base = bench::percentiles (down_base);
    auto p_up = bench::percentiles (up), p_up_base = bench::percentiles (up_base);
    g_printerr ("bench-latency: server frame -> src pad:  p50 %.1f us  p99 %.1f us  max %.1f us"
        "  (bare libsoup: p50 %.1f  p99 %.1f  max %.1f)\n", p_down.p50_us, p_down.p99_us,
        p_down.max_us, p_down_base.p50_us, p_down_base.p99_us, p_down_base.max_us);
    g_printerr ("bench-latency: sink buffer -> peer:      p50 %.1f us  p99 %.1f us  max %.1f us"
        "  (bare libsoup: p50 %.1f  p99 %.1f  max %.1f)\n", p_up.p50_us, p_up.p99_us,
        p_up.max_us, p_up_base.p50_us, p_up_base.p99_us, p_up_base.max_us);
    printf ("{\"impl\":\"latency\",\"frames\":%zu,\"interval_us\":%d,\"down\":%s,"
        "\"down_baseline\":%s,\"up\":%s,\"up_baseline\":%s}\n", n, interval_us,
        json_of (p_down, lost[0]).c_str (), json_of (p_down_base, lost[1]).c_str (),
        json_of (p_up, lost[2]).c_str (), json_of (p_up_base, lost[3]).c_str ());
    fflush (stdout);
    if (lost[0] + lost[1] + lost[2] + lost[3] > 0 || client.failed ()) {
      g_printerr ("bench-latency: frames lost (down %zu, down baseline %zu, up %zu, up baseline "
          "%zu)%s%s\n", lost[0], lost[1], lost[2], lost[3], client.failed () ? "; " : "",
          client.first_error ().c_str ());
      status = 1;
    }
  }
  return status;
}
