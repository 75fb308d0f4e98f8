/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Small helpers shared by the benchmark programs: one clock for every
 * timestamp (so the peer and the client can be compared inside one
 * process), percentiles, process resource readings, and the test tone.
 */
#pragma once

#include <glib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

/* CLOCK_MONOTONIC in ns: g_get_monotonic_time () is only µs, too coarse for
 * the sub-millisecond latencies this benchmark is about. */
gint64 now_ns ();

struct Percentiles {
  size_t count = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
};
Percentiles percentiles (std::vector<gint64> samples_ns);

/* User + system CPU seconds of this process (getrusage RUSAGE_SELF). */
double process_cpu_seconds ();
/* A "VmHWM:" / "VmRSS:" / "Threads:" line of /proc/self/status, in kB (or a count). */
long proc_status_value (const char *field);

/* S16LE mono samples of a quiet 440 Hz tone; sample 0 can be overwritten
 * with a sequence number, which is how latency frames are matched. */
std::vector<int16_t> tone (size_t samples, int rate);

/* First S16LE sample carried by a realtimeInput / inlineData frame: found
 * from the "data":"..." field by decoding only its first 4 base64 chars. */
bool first_sample_of_frame (const char *json, size_t size, int16_t &sample);
/* Bytes of PCM in the first "data":"..." field, from the base64 length. */
size_t pcm_bytes_of_frame (const char *json, size_t size);

/* Shell-free helpers for the JSON result lines. */
std::string json_escape (const std::string &text);

/* The scale runs' shared plan (bench-scale and bench-floor): N sessions
 * against a bench-peer, connected in batches, then a warm-up and a window. */
struct ScaleOptions {
  int sessions = 2;
  double seconds = 5;
  double warmup = 2;
  int out_chunk_ms = 100;
  int lead_ms = 200;
  gchar *peer = nullptr;
  ~ScaleOptions () { g_free (peer); }
};
/* Sessions connect in batches of this many; a client that needs longer than
 * the timeout for one batch's handshakes is saturated and the level is
 * reported as not reached. */
constexpr size_t CONNECT_BATCH = 100;
constexpr gint64 CONNECT_TIMEOUT_S = 30;
/* Parses the shared options (plus extra_group's, if any); prints why and
 * returns false when they are unusable. */
bool parse_scale_options (int &argc, char **&argv, ScaleOptions &o, const char *program,
    const char *summary, GOptionGroup *extra_group = nullptr);
void sleep_s (double seconds);

/* The measurement window: CPU and wall time read around a sleep of
 * `seconds`, then the process's thread count and RSS. */
struct WindowReading {
  double cpu_s = 0;
  double window_s = 0;
  long threads = 0;
  long rss_kb = 0;
};
WindowReading measure_window (double seconds);
/* 24 kHz samples a session must receive in window_s to count as real time:
 * arrival in out_chunk_ms frames makes a window's count jitter by a frame
 * or two, so two frames and 2 % are allowed. */
guint64 expected_output_samples (double window_s);
guint64 output_tolerance (int out_chunk_ms, guint64 expected);

}  // namespace bench
