/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "floor_driver.h"

#include "peer_process.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace bench {

namespace {

constexpr char DATA_KEY[] = "\"data\":\"";
constexpr char SETUP_COMPLETE_KEY[] = "\"setupComplete\"";

/* Connects every session, a batch at a time, as bench-scale does; returns
 * why the first session that did not connect did not (empty when all did).
 * The first batch with a failure is the last one started. */
std::string
connect_in_batches (FloorClient &floor)
{
  std::string setup_failure;
  for (size_t i = 0; i < floor.size () && setup_failure.empty (); i += CONNECT_BATCH) {
    size_t batch_end = std::min (floor.size (), i + CONNECT_BATCH);
    floor.connect_batch (i, batch_end);
    gint64 deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
    for (size_t j = i; j < batch_end; j++) {
      const FloorSession &s = floor.session (j);
      while (!s.connected.load () && !s.failed.load () && g_get_monotonic_time () < deadline)
        g_usleep (5000);
      if (!s.connected.load () && setup_failure.empty ())
        setup_failure = "session " + std::to_string (j) + " did not connect: "
            + (s.failed.load () ? s.error : "timed out");
    }
  }
  return setup_failure;
}

std::vector<guint64>
samples_per_session (const FloorClient &floor)
{
  std::vector<guint64> samples;
  for (size_t i = 0; i < floor.size (); i++)
    samples.push_back (floor.session (i).samples.load ());
  return samples;
}

/* Sessions that received real time in the window, and the least any got. */
struct OutputCheck {
  guint64 expected = 0;
  guint64 min_samples = 0;
  size_t ok_sessions = 0;
};

OutputCheck
check_output (const std::vector<guint64> &before, const std::vector<guint64> &after,
    double window_s, int out_chunk_ms)
{
  OutputCheck check;
  check.expected = expected_output_samples (window_s);
  guint64 tolerance = output_tolerance (out_chunk_ms, check.expected);
  check.min_samples = after.empty () ? 0 : G_MAXUINT64;
  for (size_t i = 0; i < after.size (); i++) {
    guint64 got = after[i] - before[i];
    check.min_samples = std::min (check.min_samples, got);
    if (got + tolerance >= check.expected)
      check.ok_sessions++;
  }
  return check;
}

}  // namespace

void
FloorSession::fail (const std::string &why)
{
  if (failed.load ())
    return;
  error = why;
  failed.store (true);
}

void
FloorSession::on_server_text (const char *text, size_t size, std::vector<guchar> &decode_buffer)
{
  add (frames, 1);
  auto at = static_cast<const char *> (memmem (text, size, DATA_KEY, sizeof DATA_KEY - 1));
  if (!at) {
    if (!connected.load (std::memory_order_relaxed)
        && memmem (text, size, SETUP_COMPLETE_KEY, sizeof SETUP_COMPLETE_KEY - 1))
      connected.store (true);
    return;
  }
  at += sizeof DATA_KEY - 1;
  auto end = text + size;
  auto close = static_cast<const char *> (memchr (at, '"', (size_t) (end - at)));
  if (!close)
    return;
  size_t length = (size_t) (close - at);
  if (decode_buffer.size () < length / 4 * 3 + 3)
    decode_buffer.resize (length / 4 * 3 + 3);
  gint state = 0;
  guint save = 0;
  gsize bytes = g_base64_decode_step (at, length, decode_buffer.data (), &state, &save);
  add (samples, bytes / 2);
}

void
FeedClock::begin_tick ()
{
  gint64 lag = now_ns () - next_deadline_ns ();
  if (lag > max_lag_ns_.load ())
    max_lag_ns_.store (lag);
  if (lag > floor_wire::FRAME_NS)
    late_ticks_.store (late_ticks_.load () + 1);
}

int
run_floor (int argc, char **argv, const FloorProgram &program)
{
  const char *name = program.name;
  ScaleOptions o;
  if (!parse_scale_options (argc, argv, o, name, program.summary))
    return 2;

  PeerProcess peer;
  std::string error;
  if (!peer.start (o.peer, (unsigned) o.out_chunk_ms, (unsigned) o.lead_ms, error)) {
    g_printerr ("%s: %s\n", name, error.c_str ());
    return 1;
  }
  /* As in bench-scale, where geminilive's network thread starts with the
   * first session: the floor's I/O thread and its buffers count as
   * per-session cost. */
  long base_hwm_kb = proc_status_value ("VmHWM");
  double cpu_before_setup = process_cpu_seconds ();
  std::unique_ptr<FloorClient> floor = program.start (peer.url (), (size_t) o.sessions, error);
  if (!floor) {
    g_printerr ("%s: %s\n", name, error.c_str ());
    return 1;
  }

  gint64 setup_start = now_ns ();
  std::string setup_failure = connect_in_batches (*floor);
  double setup_s = (now_ns () - setup_start) / 1e9;
  double setup_cpu = process_cpu_seconds () - cpu_before_setup;
  size_t connected = 0;
  for (size_t i = 0; i < floor->size (); i++)
    connected += floor->session (i).connected.load () && !floor->session (i).failed.load ();
  g_printerr ("%s: %zu/%d sessions connected in %.1f s%s%s\n", name, connected, o.sessions,
      setup_s, setup_failure.empty () ? "" : "; first failure: ", setup_failure.c_str ());

  floor->start_feeding ();
  sleep_s (o.warmup);
  auto before = samples_per_session (*floor);
  WindowReading reading = measure_window (o.seconds);
  auto after = samples_per_session (*floor);
  floor->stop_feeding ();
  /* bench-scale's pause: the last frames reach the peer before it reports. */
  sleep_s (1.5);
  long hwm_kb = proc_status_value ("VmHWM");
  const FeedClock &feed = floor->feed_clock ();
  guint64 pushed_samples = feed.ticks () * floor_wire::FRAME_SAMPLES;

  size_t failed_sessions = 0;
  std::string first_error;
  for (size_t i = 0; i < floor->size (); i++) {
    const FloorSession &s = floor->session (i);
    if (s.failed.load ()) {
      failed_sessions++;
      if (first_error.empty ())
        first_error = s.error;
    }
  }
  gint64 teardown_start = now_ns ();
  floor->stop ();
  double teardown_s = (now_ns () - teardown_start) / 1e9;
  std::string peer_report = peer.stop (error);
  if (peer_report.empty ())
    g_printerr ("%s: %s\n", name, error.c_str ());

  double window_s = reading.window_s;
  OutputCheck out = check_output (before, after, window_s, o.out_chunk_ms);
  double cpu = reading.cpu_s;
  double per_session_min = connected ? cpu / ((double) connected * window_s / 60.0) : 0;

  g_printerr ("%s: N=%zu window %.1f s: %.3f CPU-s = %.4f CPU-s per session-minute; "
      "VmHWM %ld kB (base %ld kB, %.1f kB/session); %zu/%zu sessions kept real time out; "
      "feeder late ticks %" G_GUINT64_FORMAT " (max lag %.1f ms); peer: %s\n",
      name, connected, window_s, cpu, per_session_min, hwm_kb, base_hwm_kb,
      connected ? (double) (hwm_kb - base_hwm_kb) / (double) connected : 0.0, out.ok_sessions,
      after.size (), feed.late_ticks (), feed.max_lag_ms (), peer_report.c_str ());

  printf ("{\"impl\":\"%s\",\"sessions\":%d,\"connected\":%zu,\"setup_s\":%.2f,"
      "\"setup_cpu_s\":%.3f,\"window_s\":%.3f,\"cpu_s\":%.4f,\"cpu_per_session_min\":%.6f,"
      "\"base_hwm_kb\":%ld,\"hwm_kb\":%ld,\"rss_kb\":%ld,\"threads\":%ld,"
      "\"out_expected\":%" G_GUINT64_FORMAT ",\"out_min\":%" G_GUINT64_FORMAT ","
      "\"out_ok_sessions\":%zu,\"in_pushed\":%" G_GUINT64_FORMAT ",\"feeder_late_ticks\":%"
      G_GUINT64_FORMAT ",\"feeder_max_lag_ms\":%.1f,\"feeder_refused\":%" G_GUINT64_FORMAT ","
      "\"failed_sessions\":%zu,\"teardown_s\":%.2f,\"error\":\"%s\",\"peer\":%s}\n",
      program.impl, o.sessions, connected, setup_s, setup_cpu, window_s, cpu, per_session_min,
      base_hwm_kb, hwm_kb, reading.rss_kb, reading.threads, out.expected, out.min_samples,
      out.ok_sessions, pushed_samples, feed.late_ticks (), feed.max_lag_ms (), feed.refused (),
      failed_sessions, teardown_s,
      json_escape (!setup_failure.empty () ? setup_failure : first_error).c_str (),
      peer_report.empty () ? "null" : peer_report.c_str ());
  fflush (stdout);
  return connected == (size_t) o.sessions ? 0 : 1;
}

}  // namespace bench
