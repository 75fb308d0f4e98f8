/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Steady input (input-pacing): the service hears microphone audio in real
 * time, whatever upstream does.
 * - Pacing. Input that is not live (a file, a burst from the network) is
 *   handed to the session at real time: the streaming thread waits before
 *   each 20 ms slice until its time has come, as a sink with sync=true
 *   waits for its clock. The time base is the monotonic clock from the
 *   first slice on (the service's clock is the wall clock, not the
 *   pipeline's); a slice more than MAX_LATENESS late (upstream was slower
 *   than real time) restarts the time base rather than sending a burst to
 *   catch up. The wait wakes at once on flushing (FLUSH_START, the sink pad
 *   deactivating on PAUSED->READY) and when pacing is switched off.
 *   `auto` asks upstream (LATENCY query) once per stream: live upstream is
 *   not paced (it already arrives in real time), anything else is, and so
 *   is upstream that does not answer (pacing a live source costs nothing,
 *   it is never ahead).
 * - Gaps. Where the input's running time jumps ahead (a GAP event, a
 *   buffer whose timestamp lies beyond the end of the previous one: a
 *   live source that stalled, a file with a hole), the service gets silence
 *   for the gap, up to MAX_GAP_SILENCE in a row; a longer gap then ends the
 *   audio stream (audioStreamEnd) and the next audio resumes it. Gaps are
 *   filled with input-pacing=off too: time still passes for the service.
 *
 * Threads: everything runs on the sink pad's streaming thread except
 * set_mode and set_flushing (any thread), which wake a waiting slice. One
 * lock; nothing is called out while it is held.
 */
#pragma once

#include <gst/gst.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>

class InputPacer {
public:
  enum class Mode { AUTO = 0, OFF = 1 };
  /* The longest silence sent for gaps in a row; after it, audioStreamEnd. */
  static constexpr GstClockTime MAX_GAP_SILENCE = 3 * GST_SECOND;
  /* Timestamp jitter below this is not a gap. */
  static constexpr GstClockTime GAP_TOLERANCE = 20 * GST_MSECOND;
  /* Paced audio is handed over in slices this long. */
  static constexpr int SLICE_MS = 20;
  /* A slice later than this restarts the time base. */
  static constexpr int64_t MAX_LATENESS_US = 250 * 1000;

  /* What to send ahead of a buffer, or for a GAP event. */
  struct Gap {
    uint64_t silence_samples = 0;
    bool stream_end = false; /* after the silence: audioStreamEnd */
  };

  void set_mode (Mode mode);
  /* Flushing: a waiting slice returns false at once, and later ones too. */
  void set_flushing (bool flushing);

  /* Streaming thread. A new stream, flush or activation: the timeline,
   * the time base and upstream's liveness are forgotten. */
  void restart ();
  /* New caps: a new time base at the new rate. */
  void set_rate (int rate);
  void set_segment (const GstSegment &segment);
  /* The running time of `pts` in the input's segment; NONE before a TIME
   * segment or outside it. */
  GstClockTime running_time_of (GstClockTime pts);
  /* true until set_upstream_live () for this stream. */
  bool needs_liveness ();
  void set_upstream_live (bool live);

  /* A buffer of `samples` stamped `pts` (GST_CLOCK_TIME_NONE: it follows
   * the previous one): the gap before it. */
  Gap buffer_arrives (GstClockTime pts, uint64_t samples);
  /* A GAP event: the silence it stands for. */
  Gap gap_event (GstClockTime timestamp, GstClockTime duration);

  /* Waits until `samples` more may go to the service (at once when not
   * pacing) and counts them sent; false when flushing. */
  bool wait_to_send (uint64_t samples);
  /* Whether wait_to_send may wait (input that is not live, at a known
   * rate): only then is a buffer cut into slices. */
  bool paces ();
  int slice_samples ();

private:
  Gap owe_silence_locked (GstClockTime from, GstClockTime to);
  bool pacing_locked () const;

  std::mutex lock_;
  std::condition_variable wake_;
  Mode mode_ = Mode::AUTO;
  bool flushing_ = false;
  int rate_ = 0;
  GstSegment segment_ = {};
  bool segment_valid_ = false;
  bool liveness_known_ = false;
  bool upstream_live_ = false;
  /* The running time the next sample is expected at; NONE before the first. */
  GstClockTime next_running_time_ = GST_CLOCK_TIME_NONE;
  uint64_t gap_silence_samples_ = 0; /* silence sent since the last audio */
  bool stream_ended_ = false;        /* audioStreamEnd sent in this gap */
  /* The time base: samples handed over since the monotonic time base_us_. */
  int64_t base_us_ = -1;
  uint64_t sent_since_base_ = 0;
};
