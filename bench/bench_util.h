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

}  // namespace bench
