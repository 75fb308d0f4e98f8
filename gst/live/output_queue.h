/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The src side's hand-off point: the network thread enqueues items, the src
 * pad's task pops them (OutputQueue); OutputTimeline stamps the audio on
 * the pipeline's running time like a live source.
 */
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace gemlive {

struct OutputItem {
  enum class Kind {
    AUDIO,       /* memory holds S16LE mono PCM */
    FLUSH_STOP,  /* barge-in: the src task pushes FLUSH_START, FLUSH_STOP and a
                  * new SEGMENT downstream (the queued audio was dropped) */
    EOS,         /* the drain finished */
    ERROR,       /* a fatal error was posted: stop the task */
    TEXT,        /* buffer holds text: on the main queue a fragment of the output
                  * transcription for text_src, stamped with the audio queued
                  * before it (no buffer: the turn's caption line ends); on
                  * text_src's own queue a stamped caption line */
  };
  Kind kind = Kind::AUDIO;
  GstBuffer *buffer = nullptr;  /* owned; TEXT only */
  /* Owned; AUDIO only. Memory, not a buffer: the src task wraps it in the
   * GstBuffer it pushes, so that buffer is allocated and freed on the same
   * thread. GStreamer 1.22 allocates GstBuffers with g_slice, and GLib 2.74
   * lets a thread that only frees slices (as each element's task would,
   * for buffers made on the shared network thread) pile up its own cache
   * of them: a few kB per element, measured in docs/performance.md. */
  GstMemory *memory = nullptr;
  bool reply_start = false;     /* first audio of a model reply */

  OutputItem () = default;
  explicit OutputItem (Kind k, GstBuffer *b = nullptr) : kind (k), buffer (b) {}
  static OutputItem audio (GstMemory *pcm, bool reply_start)
  {
    OutputItem item (Kind::AUDIO);
    item.memory = pcm;
    item.reply_start = reply_start;
    return item;
  }
  OutputItem (OutputItem &&other) noexcept { *this = std::move (other); }
  OutputItem &operator= (OutputItem &&other) noexcept;
  OutputItem (const OutputItem &) = delete;
  OutputItem &operator= (const OutputItem &) = delete;
  ~OutputItem ()
  {
    gst_clear_buffer (&buffer);
    if (memory)
      gst_memory_unref (memory);
  }
};

class OutputQueue {
public:
  enum class PopResult { ITEM, TIMEOUT, FLUSHING };

  void push (OutputItem item);
  /* push (), unless `item` is audio and the queued audio would exceed
   * max_audio_bytes: then false and nothing is queued. */
  bool push_audio_within (OutputItem item, size_t max_audio_bytes);
  /* Waits up to timeout_us for an item; FLUSHING while set_flushing (true). */
  PopResult pop (OutputItem &out, gint64 timeout_us);
  /* Without waiting: takes the next item if it is audio that continues the
   * same reply (not a reply start) and has at most max_bytes; false (and
   * nothing taken) otherwise, and while flushing. */
  bool pop_audio_continuation (OutputItem &out, size_t max_bytes);
  /* Drops every queued AUDIO item (barge-in); returns how many bytes went. */
  size_t drop_audio ();
  void set_flushing (bool flushing);
  void clear ();
  size_t queued_audio_bytes () const;
  /* The popping side says when (monotonic µs) the audio it handed on will
   * have played; half-duplex keeps the microphone muted until then. */
  void set_playout_end_us (gint64 end_us) { playout_end_us_ = end_us; }
  gint64 playout_end_us () const { return playout_end_us_; }

private:
  /* A ring that only grows, not a std::deque: a deque frees a 512-byte
   * node every 21 items on the popping thread (the src task) and allocates
   * new ones on the pushing thread (the network thread), and glibc keeps up
   * to 7 such freed chunks in each popping thread's cache for good. */
  OutputItem &at (size_t i) { return ring_[(head_ + i) % ring_.size ()]; }
  const OutputItem &at (size_t i) const { return ring_[(head_ + i) % ring_.size ()]; }
  void grow ();
  void take_front (OutputItem &out);  /* lock_ held, count_ > 0 */
  void push_locked (OutputItem item);

  mutable std::mutex lock_;
  std::condition_variable cond_;
  std::vector<OutputItem> ring_;
  size_t head_ = 0;
  size_t count_ = 0;
  bool flushing_ = true;
  size_t audio_bytes_ = 0;  /* of the AUDIO items queued */
  std::atomic<gint64> playout_end_us_ {0};
};

/* Timestamps for a live source on the pipeline's running time. Each reply
 * starts at the running time it arrives at (DISCONT); the rest follows
 * contiguously, durations from the total sample offset so nothing drifts.
 * If playback underran (the next timestamp would already be older than
 * `latency`) it restarts at now, again DISCONT. */
class OutputTimeline {
public:
  struct Stamp {
    GstClockTime pts;
    GstClockTime duration;
    bool discont;
  };

  explicit OutputTimeline (int rate = 24000) : rate_ (rate) {}

  /* The next stamp starts a new reply (after a turn or a barge-in). */
  void start_new_reply () { restart_ = true; }
  /* now: current running time, GST_CLOCK_TIME_NONE when unknown (not PLAYING). */
  Stamp stamp (guint64 samples, GstClockTime now, GstClockTime latency);
  /* End of the last stamped buffer; GST_CLOCK_TIME_NONE before the first. */
  GstClockTime end () const;
  void reset ();

private:
  int rate_;
  bool restart_ = true;
  GstClockTime base_ = GST_CLOCK_TIME_NONE;
  guint64 offset_ = 0;  /* samples since base_ */
};

}  // namespace gemlive
