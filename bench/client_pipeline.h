/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One benchmark client: [feed pad] -> geminilive -> fakesink.
 * The feed pad stands in for a microphone's source pad: the benchmark pushes
 * 16 kHz buffers into it from one feeder thread for all sessions, so the
 * process has no extra thread per session beyond what geminilive itself
 * needs. The sink side counts, per buffer reaching fakesink, samples, late
 * arrivals (after pts + pipeline latency) and underruns (DISCONT after the
 * first buffer: geminilive restarts its timeline when playback ran dry).
 *
 * Threads: construction, play () and the destructor on the main thread;
 * push () on the feeder thread; the counters are written by geminilive's src
 * task and read anywhere.
 */
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <mutex>
#include <string>

namespace bench {

struct SinkCounters {
  std::atomic<guint64> samples {0};
  std::atomic<guint64> buffers {0};
  std::atomic<guint64> late {0};
  std::atomic<guint64> underruns {0};
};

class ClientPipeline {
public:
  static constexpr int INPUT_RATE = 16000;

  /* sync: fakesink renders on the clock (the scale run) or as soon as a
   * buffer arrives (the latency run, so one buffer never waits for another). */
  ClientPipeline (const std::string &endpoint, bool sync);
  ~ClientPipeline ();
  ClientPipeline (const ClientPipeline &) = delete;
  ClientPipeline &operator= (const ClientPipeline &) = delete;

  /* PLAYING, then stream-start/caps/segment on the feed pad. */
  bool play (std::string &error);
  GstFlowReturn push (GstBuffer *buffer) { return gst_pad_push (feed_, buffer); }

  bool connected () const { return connected_.load (); }
  bool failed () const { return failed_.load (); }
  std::string first_error () const;

  GstElement *live () const { return live_; }
  const SinkCounters &sink () const { return counters_; }

private:
  static GstBusSyncReply on_bus (GstBus *bus, GstMessage *message, gpointer data);
  static GstPadProbeReturn on_sink_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer data);
  static gboolean answer_as_microphone (GstPad *pad, GstObject *parent, GstQuery *query);

  GstElement *pipeline_ = nullptr;
  GstElement *live_ = nullptr;
  GstElement *sink_element_ = nullptr;
  GstPad *feed_ = nullptr;
  GstClock *clock_ = nullptr;          /* set in play () */
  GstClockTime base_time_ = 0;
  GstClockTime latency_ = 0;
  std::atomic<bool> playing_ {false};
  bool first_buffer_seen_ = false;     /* src task only */
  std::atomic<bool> connected_ {false};
  std::atomic<bool> failed_ {false};
  mutable std::mutex error_lock_;
  std::string first_error_;
  SinkCounters counters_;
};

}  // namespace bench
