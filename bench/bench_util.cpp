/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench_util.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

namespace bench {

gint64
now_ns ()
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

Percentiles
percentiles (std::vector<gint64> samples_ns)
{
  Percentiles p;
  p.count = samples_ns.size ();
  if (samples_ns.empty ())
    return p;
  std::sort (samples_ns.begin (), samples_ns.end ());
  /* Nearest-rank percentiles: p99 of 1000 samples is the 990th. */
  auto rank = [&] (double q) {
    size_t r = (size_t) std::ceil (q * (double) samples_ns.size ());
    return samples_ns[std::min (samples_ns.size () - 1, r == 0 ? 0 : r - 1)] / 1000.0;
  };
  p.p50_us = rank (0.50);
  p.p99_us = rank (0.99);
  p.max_us = samples_ns.back () / 1000.0;
  return p;
}

double
process_cpu_seconds ()
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
      + (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

long
proc_status_value (const char *field)
{
  gchar *text = nullptr;
  if (!g_file_get_contents ("/proc/self/status", &text, nullptr, nullptr))
    return -1;
  long value = -1;
  size_t len = strlen (field);
  gchar **lines = g_strsplit (text, "\n", -1);
  for (gchar **l = lines; *l; l++) {
    if (strncmp (*l, field, len) == 0 && (*l)[len] == ':') {
      value = strtol (*l + len + 1, nullptr, 10);
      break;
    }
  }
  g_strfreev (lines);
  g_free (text);
  return value;
}

std::vector<int16_t>
tone (size_t samples, int rate)
{
  std::vector<int16_t> pcm (samples);
  for (size_t i = 0; i < samples; i++)
    pcm[i] = (int16_t) (3000.0 * std::sin (2.0 * G_PI * 440.0 * (double) i / rate));
  return pcm;
}

static const char *
find_data_field (const char *json, size_t size, size_t &length)
{
  static const char key[] = "\"data\":\"";
  const char *end = json + size;
  const char *at = std::search (json, end, key, key + sizeof (key) - 1);
  if (at == end)
    return nullptr;
  at += sizeof (key) - 1;
  const char *close = std::find (at, end, '"');
  if (close == end)
    return nullptr;
  length = (size_t) (close - at);
  return at;
}

bool
first_sample_of_frame (const char *json, size_t size, int16_t &sample)
{
  size_t length = 0;
  const char *data = find_data_field (json, size, length);
  if (!data || length < 4)
    return false;
  char quad[5] = {data[0], data[1], data[2], data[3], 0};
  gsize decoded_len = 0;
  guchar *decoded = g_base64_decode (quad, &decoded_len);
  bool ok = decoded_len >= 2;
  if (ok)
    sample = (int16_t) (decoded[0] | (decoded[1] << 8));
  g_free (decoded);
  return ok;
}

size_t
pcm_bytes_of_frame (const char *json, size_t size)
{
  size_t length = 0;
  const char *data = find_data_field (json, size, length);
  if (!data || length < 4)
    return 0;
  size_t padding = (data[length - 1] == '=') + (data[length - 2] == '=');
  return length / 4 * 3 - padding;
}

std::string
json_escape (const std::string &text)
{
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if ((unsigned char) c < 0x20) {
      char buf[8];
      g_snprintf (buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

bool
parse_scale_options (int &argc, char **&argv, ScaleOptions &o, const char *program,
    const char *summary, GOptionGroup *extra_group)
{
  GOptionEntry entries[] = {
    {"sessions", 'n', 0, G_OPTION_ARG_INT, &o.sessions, "Concurrent sessions", "N"},
    {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &o.seconds, "Measurement window", "S"},
    {"warmup", 0, 0, G_OPTION_ARG_DOUBLE, &o.warmup, "Streaming before the window", "S"},
    {"out-chunk-ms", 0, 0, G_OPTION_ARG_INT, &o.out_chunk_ms, "Reply audio per frame", "MS"},
    {"lead-ms", 0, 0, G_OPTION_ARG_INT, &o.lead_ms, "Peer's lead over real time", "MS"},
    {"peer", 0, 0, G_OPTION_ARG_FILENAME, &o.peer, "Path of bench-peer", "PATH"},
    {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
  };
  GOptionContext *context = g_option_context_new (summary);
  g_option_context_add_main_entries (context, entries, nullptr);
  if (extra_group)
    g_option_context_add_group (context, extra_group);
  GError *error = nullptr;
  bool ok = g_option_context_parse (context, &argc, &argv, &error);
  g_option_context_free (context);
  if (!ok) {
    g_printerr ("%s: %s\n", program, error->message);
    g_clear_error (&error);
    return false;
  }
  if (!o.peer || o.sessions < 1 || o.sessions > 100000 || o.seconds <= 0 || o.warmup < 0
      || o.out_chunk_ms < 10) {
    g_printerr ("%s: needs --peer PATH, --sessions >= 1, --seconds > 0, --out-chunk-ms >= 10\n",
        program);
    return false;
  }
  return true;
}

void
sleep_s (double seconds)
{
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
}

WindowReading
measure_window (double seconds)
{
  WindowReading reading;
  double cpu0 = process_cpu_seconds ();
  gint64 t0 = now_ns ();
  sleep_s (seconds);
  reading.cpu_s = process_cpu_seconds () - cpu0;
  reading.window_s = (now_ns () - t0) / 1e9;
  reading.threads = proc_status_value ("Threads");
  reading.rss_kb = proc_status_value ("VmRSS");
  return reading;
}

guint64
expected_output_samples (double window_s)
{
  return (guint64) (window_s * 24000);
}

guint64
output_tolerance (int out_chunk_ms, guint64 expected)
{
  return (guint64) out_chunk_ms * 24 * 2 + expected / 50;
}

}  // namespace bench
