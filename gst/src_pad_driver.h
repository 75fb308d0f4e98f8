/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One src pad driven like a live source: a task of its own pops what the
 * conversation queued (OutputQueue) and pushes it downstream; between items
 * it covers the silence with GAP events up to now - latency, so aggregators,
 * muxers and textoverlay downstream go on. Written once, instantiated for
 * `src` (AUDIO: 24 kHz S16LE stamped by OutputTimeline, barge-in flushes,
 * EOS) and `text_src` (TEXT: subtitles stamped with the audio they
 * transcribe) of geminilive and geminilivesrc.
 *
 * Threads: everything but the setters runs on the pad's own task; the
 * setters and pad functions are called from the application and from
 * downstream. The barge-in flush (FLUSH_START, FLUSH_STOP, SEGMENT) is
 * pushed from this task, never from the network thread.
 */
#pragma once

#include "caption_lines.h"

#include "live/output_queue.h"

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <mutex>

class SrcPadDriver {
public:
  enum class Kind { AUDIO, TEXT };

  /* Installs the pad's activate/event/query functions; the pad belongs to
   * `element`, which outlives the driver's use of it. */
  SrcPadDriver (GstElement *element, GstPad *pad, Kind kind);
  SrcPadDriver (const SrcPadDriver &) = delete;
  SrcPadDriver &operator= (const SrcPadDriver &) = delete;

  GstPad *pad () const { return pad_; }
  /* The queue this pad pops: set before the pad is activated. */
  void set_queue (gemlive::OutputQueue *queue);
  void set_latency (GstClockTime latency) { latency_ = latency; }
  /* AUDIO only: where the subtitles of the audio go (text_src's queue), or
   * nullptr when there is no text_src. */
  void set_text_queue (gemlive::OutputQueue *queue);
  /* Custom upstream events (push-to-talk): true = consumed. */
  void set_event_handler (std::function<bool (GstEvent *event)> handler)
  {
    event_handler_ = std::move (handler);
  }

private:
  static gboolean activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode,
      gboolean active);
  static gboolean query_function (GstPad *pad, GstObject *parent, GstQuery *query);
  static gboolean event_function (GstPad *pad, GstObject *parent, GstEvent *event);
  static void loop (gpointer data);

  void start_stream ();
  void push_idle_gap ();
  /* FALSE when the task must stop. */
  bool handle_flow (GstFlowReturn ret);
  void push_audio (gemlive::OutputItem &item);
  void push_text (gemlive::OutputItem &item);
  void forward_text (gemlive::OutputItem &item);
  void push_caption (std::optional<CaptionLines::Line> line);
  void barge_in ();
  void end_stream (const char *why);
  /* AUDIO: tells the queue when the audio up to running time `end` will
   * have played (half-duplex). */
  void publish_playout_end (GstClockTime end);
  void pause (const char *why);

  GstElement *element_;
  GstPad *pad_;
  Kind kind_;
  std::atomic<GstClockTime> latency_ {100 * GST_MSECOND};
  /* The pipeline's latency from the LATENCY event the sinks send upstream;
   * NONE until one came (then latency_ stands in). */
  std::atomic<GstClockTime> pipeline_latency_ {GST_CLOCK_TIME_NONE};
  std::function<bool (GstEvent *)> event_handler_;

  std::mutex lock_;  /* the two queue pointers */
  gemlive::OutputQueue *queue_ = nullptr;
  gemlive::OutputQueue *text_queue_ = nullptr;

  /* task only */
  bool stream_started_ = false;
  bool discont_pending_ = false;
  GstClockTime gap_end_ = 0;
  GstClockTime last_pts_ = 0;       /* TEXT: keeps the timestamps monotonic */
  GstClockTime last_audio_pts_ = GST_CLOCK_TIME_NONE;      /* AUDIO: of the last buffer */
  GstClockTime last_audio_duration_ = GST_CLOCK_TIME_NONE;
  guint64 offset_ = 0;
  gemlive::OutputTimeline timeline_ {24000};
  CaptionLines captions_;  /* AUDIO: the output transcription gathered into lines */
};
