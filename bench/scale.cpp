/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale: N geminilive sessions in this one process, each streaming
 * 16 kHz audio in (40 ms buffers, real time) and receiving 24 kHz audio out
 * (bench-peer paces it at real time), measured over a fixed window:
 * CPU seconds per session-minute (getrusage of this process only; the peer is
 * a separate process), peak RSS (VmHWM) per session, and whether every
 * session kept real time. Prints a human summary on stderr and one JSON line
 * on stdout (read by bench/report.mjs).
 *
 * Threads: main (set-up, measurement, teardown), one feeder thread for all
 * sessions, and what geminilive itself creates (its shared network thread and
 * one src task per element).
 */
#include "bench_util.h"
#include "client_pipeline.h"
#include "peer_process.h"

#include <gst/gst.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

using bench::ClientPipeline;

namespace {

/* One buffer per 40 ms realtimeInput frame, as the SDK driver calls
 * sendRealtimeInput once per frame and bench-floor sends one: the same number
 * of hand-overs from the application for every client. (20 ms buffers, a
 * common microphone setting, cost geminilive about 8 % more CPU here:
 * docs/performance.md.) */
constexpr unsigned FEED_MS = 40;
constexpr size_t FEED_SAMPLES = ClientPipeline::INPUT_RATE * FEED_MS / 1000;

/* One thread pushes every session's microphone buffers, paced on absolute
 * deadlines so a slow tick does not shift the ones after it. */
class Feeder {
public:
  explicit Feeder (std::vector<std::unique_ptr<ClientPipeline>> &clients)
      : clients_ (clients), pcm_ (bench::tone (FEED_SAMPLES, ClientPipeline::INPUT_RATE)) {}
  ~Feeder () { stop (); }

  void start () { thread_ = std::thread ([this] { run (); }); }
  void stop ()
  {
    running_ = false;
    if (thread_.joinable ())
      thread_.join ();
  }
  guint64 ticks () const { return ticks_; }
  guint64 late_ticks () const { return late_ticks_; }
  double max_lag_ms () const { return max_lag_ns_ / 1e6; }
  guint64 refused () const { return refused_; }

private:
  void run ()
  {
    gint64 period = FEED_MS * G_GINT64_CONSTANT (1000000);
    gint64 start = bench::now_ns ();
    for (guint64 tick = 0; running_; tick++) {
      gint64 due = start + (gint64) tick * period;
      gint64 now = bench::now_ns ();
      if (now < due)
        g_usleep ((due - now) / 1000);
      gint64 lag = bench::now_ns () - due;
      if (lag > max_lag_ns_)
        max_lag_ns_ = lag;
      if (lag > period)
        late_ticks_++;
      for (auto &client : clients_) {
        GstBuffer *buffer = gst_buffer_new_allocate (nullptr, FEED_SAMPLES * 2, nullptr);
        gst_buffer_fill (buffer, 0, pcm_.data (), FEED_SAMPLES * 2);
        GST_BUFFER_PTS (buffer) = tick * FEED_MS * GST_MSECOND;
        GST_BUFFER_DURATION (buffer) = FEED_MS * GST_MSECOND;
        if (client->push (buffer) != GST_FLOW_OK)
          refused_++;
      }
      ticks_ = tick + 1;
    }
  }

  std::vector<std::unique_ptr<ClientPipeline>> &clients_;
  std::vector<int16_t> pcm_;
  std::thread thread_;
  std::atomic<bool> running_ {true};
  std::atomic<guint64> ticks_ {0}, late_ticks_ {0}, refused_ {0};
  std::atomic<gint64> max_lag_ns_ {0};
};

}  // namespace

int
main (int argc, char **argv)
{
  bench::ScaleOptions o;
  if (!bench::parse_scale_options (argc, argv, o, "bench-scale", "- geminilive sessions per core",
          gst_init_get_option_group ()))
    return 2;
  gst_init (nullptr, nullptr);

  /* Load the plugin before the baseline so only sessions count per session. */
  GstElement *probe = gst_element_factory_make ("geminilive", nullptr);
  if (!probe) {
    g_printerr ("bench-scale: no geminilive element: set GST_PLUGIN_PATH to BUILDDIR/gst\n");
    return 1;
  }
  gst_object_unref (probe);

  bench::PeerProcess peer;
  std::string error;
  if (!peer.start (o.peer, (unsigned) o.out_chunk_ms, (unsigned) o.lead_ms, error)) {
    g_printerr ("bench-scale: %s\n", error.c_str ());
    return 1;
  }
  long base_hwm_kb = bench::proc_status_value ("VmHWM");
  double cpu_before_setup = bench::process_cpu_seconds ();

  /* Sessions connect in batches: a burst of thousands of handshakes measures
   * the listen queue, not the client. */
  std::vector<std::unique_ptr<ClientPipeline>> clients;
  std::string setup_failure;
  gint64 setup_start = bench::now_ns ();
  for (int i = 0; i < o.sessions && setup_failure.empty (); i += (int) bench::CONNECT_BATCH) {
    size_t batch_end = std::min ((size_t) o.sessions, (size_t) i + bench::CONNECT_BATCH);
    for (size_t j = (size_t) i; j < batch_end; j++) {
      clients.push_back (std::make_unique<ClientPipeline> (peer.url (), true));
      if (!clients.back ()->play (error)) {
        setup_failure = "session " + std::to_string (j) + ": " + error;
        clients.pop_back ();
        break;
      }
    }
    gint64 deadline = g_get_monotonic_time () + bench::CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
    for (size_t j = (size_t) i; j < clients.size (); j++) {
      while (!clients[j]->connected () && !clients[j]->failed ()
          && g_get_monotonic_time () < deadline)
        g_usleep (5000);
      if (!clients[j]->connected () && setup_failure.empty ())
        setup_failure = "session " + std::to_string (j) + " did not connect: "
            + (clients[j]->failed () ? clients[j]->first_error () : "timed out");
    }
  }
  double setup_s = (bench::now_ns () - setup_start) / 1e9;
  double setup_cpu = bench::process_cpu_seconds () - cpu_before_setup;
  size_t connected = 0;
  for (auto &c : clients)
    connected += c->connected () && !c->failed ();
  g_printerr ("bench-scale: %zu/%d sessions connected in %.1f s%s%s\n", connected, o.sessions,
      setup_s, setup_failure.empty () ? "" : "; first failure: ", setup_failure.c_str ());

  Feeder feeder (clients);
  feeder.start ();
  bench::sleep_s (o.warmup);

  struct Snapshot {
    guint64 samples, late, underruns;
  };
  auto snapshot = [&] () {
    std::vector<Snapshot> s;
    for (auto &c : clients)
      s.push_back ({c->sink ().samples.load (), c->sink ().late.load (),
          c->sink ().underruns.load ()});
    return s;
  };
  auto before = snapshot ();
  bench::WindowReading reading = bench::measure_window (o.seconds);
  auto after = snapshot ();

  feeder.stop ();
  /* Let the last partial chunks (40 ms deadline) and queued frames go out. */
  bench::sleep_s (1.5);
  long hwm_kb = bench::proc_status_value ("VmHWM");
  guint64 pushed_samples = feeder.ticks () * FEED_SAMPLES;

  size_t failed_sessions = 0;
  std::string first_error;
  for (auto &c : clients) {
    if (c->failed ()) {
      failed_sessions++;
      if (first_error.empty ())
        first_error = c->first_error ();
    }
  }
  gint64 teardown_start = bench::now_ns ();
  clients.clear ();
  double teardown_s = (bench::now_ns () - teardown_start) / 1e9;
  std::string peer_report = peer.stop (error);
  if (peer_report.empty ())
    g_printerr ("bench-scale: %s\n", error.c_str ());

  double window_s = reading.window_s;
  guint64 expected = bench::expected_output_samples (window_s);
  guint64 tolerance = bench::output_tolerance (o.out_chunk_ms, expected);
  size_t out_ok = 0;
  guint64 late = 0, underruns = 0, min_samples = G_MAXUINT64;
  for (size_t i = 0; i < after.size (); i++) {
    guint64 got = after[i].samples - before[i].samples;
    guint64 l = after[i].late - before[i].late, u = after[i].underruns - before[i].underruns;
    late += l;
    underruns += u;
    min_samples = std::min (min_samples, got);
    if (got + tolerance >= expected && l == 0 && u == 0)
      out_ok++;
  }
  if (after.empty ())
    min_samples = 0;
  double cpu = reading.cpu_s;
  double per_session_min = connected ? cpu / ((double) connected * window_s / 60.0) : 0;

  g_printerr ("bench-scale: N=%zu window %.1f s: %.3f CPU-s = %.4f CPU-s per session-minute; "
      "VmHWM %ld kB (base %ld kB, %.1f kB/session); %zu/%zu sessions kept real time out "
      "(late %" G_GUINT64_FORMAT ", underruns %" G_GUINT64_FORMAT "); feeder late ticks %"
      G_GUINT64_FORMAT "; peer: %s\n",
      connected, window_s, cpu, per_session_min, hwm_kb, base_hwm_kb,
      connected ? (double) (hwm_kb - base_hwm_kb) / (double) connected : 0.0, out_ok,
      after.size (), late, underruns, feeder.late_ticks (), peer_report.c_str ());

  printf ("{\"impl\":\"geminilive\",\"sessions\":%d,\"connected\":%zu,\"setup_s\":%.2f,"
      "\"setup_cpu_s\":%.3f,\"window_s\":%.3f,\"cpu_s\":%.4f,\"cpu_per_session_min\":%.6f,"
      "\"base_hwm_kb\":%ld,\"hwm_kb\":%ld,\"rss_kb\":%ld,\"threads\":%ld,"
      "\"out_expected\":%" G_GUINT64_FORMAT ",\"out_min\":%" G_GUINT64_FORMAT ","
      "\"out_ok_sessions\":%zu,\"late_buffers\":%" G_GUINT64_FORMAT ",\"underruns\":%"
      G_GUINT64_FORMAT ",\"in_pushed\":%" G_GUINT64_FORMAT ",\"feeder_late_ticks\":%"
      G_GUINT64_FORMAT ",\"feeder_max_lag_ms\":%.1f,\"feeder_refused\":%" G_GUINT64_FORMAT ","
      "\"failed_sessions\":%zu,\"teardown_s\":%.2f,\"error\":\"%s\",\"peer\":%s}\n",
      o.sessions, connected, setup_s, setup_cpu, window_s, cpu, per_session_min, base_hwm_kb,
      hwm_kb, reading.rss_kb, reading.threads, expected, min_samples, out_ok, late, underruns, pushed_samples,
      feeder.late_ticks (), feeder.max_lag_ms (), feeder.refused (), failed_sessions,
      teardown_s,
      bench::json_escape (!setup_failure.empty () ? setup_failure : first_error).c_str (),
      peer_report.empty () ? "null" : peer_report.c_str ());
  fflush (stdout);
  return connected == (size_t) o.sessions ? 0 : 1;
}
