/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the two benchmark floors share: bench-floor (libsoup 3 + GLib) and
 * bench-raw-floor (epoll and its own RFC 6455 framing) differ only in the
 * I/O under the workload, so that their difference is the I/O model. Shared
 * here: the workload as geminilive puts it on the wire, a session's counters
 * and receive path, the microphone's pacing, and the whole measurement plan
 * with its JSON line (run_floor).
 */
#pragma once

#include "bench_util.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bench {

/* Per session, as geminilive puts it on the wire: a setup frame, then every
 * 40 ms a realtimeInput text frame of 40 ms of 16 kHz PCM. */
namespace floor_wire {

inline constexpr int INPUT_RATE = 16000;
inline constexpr unsigned FRAME_MS = 40;
inline constexpr size_t FRAME_SAMPLES = INPUT_RATE * FRAME_MS / 1000;
inline constexpr gint64 FRAME_NS = FRAME_MS * G_GINT64_CONSTANT (1000000);
inline constexpr guint64 MAX_INCOMING_PAYLOAD = 16 * 1024 * 1024;

/* What geminilive requests with its defaults (gemini-api backend, v1beta);
 * the peer serves any path, but the handshake should be byte-for-byte as
 * long as the element's. */
inline constexpr char API_PATH[] =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=bench-key";
/* The peer only looks for "setup" (peer_server.cpp); this is the element's
 * setup with the benchmark's settings. */
inline constexpr char SETUP_FRAME[] = "{\"setup\":{\"model\":\"models/"
    "gemini-2.5-flash-native-audio-preview-12-2025\",\"generationConfig\":"
    "{\"responseModalities\":[\"AUDIO\"]}}}";
/* An audio frame is INPUT_PREFIX, the base64 of the PCM, INPUT_SUFFIX. */
inline constexpr char INPUT_PREFIX[] =
    "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"";
inline constexpr char INPUT_SUFFIX[] = "\"}}}";

}  // namespace floor_wire

/* One session as main sees it. Counters have one writer (the floor's I/O
 * thread) and are read by main, hence relaxed load-and-store instead of a
 * locked add. */
struct FloorSession {
  std::atomic<bool> connected {false};  /* setupComplete seen */
  std::atomic<bool> failed {false};
  std::string error;  /* written before `failed` is set, read after */
  std::atomic<guint64> samples {0};  /* reply audio received */
  std::atomic<guint64> frames {0};

  void fail (const std::string &why);
  /* The floors' whole receive path, for one server message: a byte search
   * for the audio and GLib's decoder into decode_buffer (one buffer shared
   * by all sessions of the I/O thread); setupComplete marks it connected. */
  void on_server_text (const char *text, size_t size, std::vector<guchar> &decode_buffer);

private:
  static void add (std::atomic<guint64> &counter, guint64 n)
  {
    counter.store (counter.load (std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

/* The microphone's pacing: one tick per FRAME_MS on absolute deadlines from
 * start () (a late tick does not shift the ones after it), and how late the
 * ticks ran. The I/O thread ticks; main reads the counts. */
class FeedClock {
public:
  void start () { start_ns_ = now_ns (); }
  /* At the start of a tick: how far it runs behind its deadline. */
  void begin_tick ();
  /* A session that could not take this tick's frame (not open). */
  void refuse () { refused_.store (refused_.load () + 1); }
  void end_tick () { ticks_.store (ticks_.load () + 1); }
  gint64 next_deadline_ns () const
  {
    return start_ns_ + (gint64) ticks_.load () * floor_wire::FRAME_NS;
  }

  guint64 ticks () const { return ticks_.load (); }
  guint64 late_ticks () const { return late_ticks_.load (); }
  guint64 refused () const { return refused_.load (); }
  double max_lag_ms () const { return (double) max_lag_ns_.load () / 1e6; }

private:
  gint64 start_ns_ = 0;
  std::atomic<guint64> ticks_ {0}, late_ticks_ {0}, refused_ {0};
  std::atomic<gint64> max_lag_ns_ {0};
};

/* A floor as run_floor drives it; every call is from main and returns once
 * the I/O thread has done it. */
class FloorClient {
public:
  virtual ~FloorClient () = default;
  virtual size_t size () const = 0;
  virtual const FloorSession &session (size_t i) const = 0;
  /* Starts the handshakes of sessions [from, to); each session's
   * `connected` or `failed` says when it is through. */
  virtual void connect_batch (size_t from, size_t to) = 0;
  /* The microphone of every open session, on the clock from now on. */
  virtual void start_feeding () = 0;
  virtual void stop_feeding () = 0;
  virtual const FeedClock &feed_clock () const = 0;
  /* Closes every session and stops the I/O thread (timed as teardown). */
  virtual void stop () = 0;
};

/* A floor program: its name for messages, the option summary, the JSON
 * "impl", and how to start the floor for N sessions against the peer at
 * peer_url (nullptr with error set when it cannot). */
struct FloorProgram {
  const char *name;
  const char *summary;
  const char *impl;
  std::function<std::unique_ptr<FloorClient> (const std::string &peer_url, size_t sessions,
      std::string &error)> start;
};

/* The whole of a floor's main (): bench-scale's options and plan (peer,
 * batches, warm-up, window, real-time check), a summary on stderr and one
 * JSON line on stdout for report.mjs. Returns the exit status. */
int run_floor (int argc, char **argv, const FloorProgram &program);

}  // namespace bench
