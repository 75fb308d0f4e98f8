/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "input_pacer.h"

#include <algorithm>
#include <chrono>

GST_DEBUG_CATEGORY_STATIC (pacer_debug);
#define GST_CAT_DEFAULT pacer_debug

static void
init_debug ()
{
  static gsize once = 0;
  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (pacer_debug, "geminilive-pacer", 0,
                             "geminilive input pacing and gap filling");
    g_once_init_leave (&once, 1);
  }
}

/* The monotonic clock, as std::condition_variable waits on it. */
static int64_t
now_us ()
{
  return std::chrono::duration_cast<std::chrono::microseconds> (
             std::chrono::steady_clock::now ().time_since_epoch ())
      .count ();
}

void
InputPacer::set_mode (Mode mode)
{
  init_debug ();
  {
    std::lock_guard<std::mutex> guard (lock_);
    mode_ = mode;
  }
  wake_.notify_all ();
}

void
InputPacer::set_flushing (bool flushing)
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    flushing_ = flushing;
  }
  wake_.notify_all ();
}

void
InputPacer::restart ()
{
  init_debug ();
  std::lock_guard<std::mutex> guard (lock_);
  liveness_known_ = false;
  upstream_live_ = false;
  next_running_time_ = GST_CLOCK_TIME_NONE;
  gap_silence_samples_ = 0;
  stream_ended_ = false;
  base_us_ = -1;
  sent_since_base_ = 0;
}

void
InputPacer::set_rate (int rate)
{
  std::lock_guard<std::mutex> guard (lock_);
  rate_ = rate;
  base_us_ = -1;
  sent_since_base_ = 0;
}

void
InputPacer::set_segment (const GstSegment &segment)
{
  std::lock_guard<std::mutex> guard (lock_);
  gst_segment_copy_into (&segment, &segment_);
  segment_valid_ = segment.format == GST_FORMAT_TIME;
}

GstClockTime
InputPacer::running_time_of (GstClockTime pts)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (!segment_valid_)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_running_time (&segment_, GST_FORMAT_TIME, pts);
}

bool
InputPacer::needs_liveness ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return !liveness_known_;
}

void
InputPacer::set_upstream_live (bool live)
{
  std::lock_guard<std::mutex> guard (lock_);
  liveness_known_ = true;
  upstream_live_ = live;
  GST_INFO ("upstream is %s: input %s", live ? "live" : "not live",
            mode_ == Mode::OFF ? "not paced (input-pacing=off)"
            : live             ? "not paced (it comes in real time)"
                               : "paced at real time");
}

bool
InputPacer::pacing_locked () const
{
  return mode_ == Mode::AUTO && !upstream_live_;
}

bool
InputPacer::paces ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return pacing_locked () && rate_ > 0;
}

int
InputPacer::slice_samples ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return std::max (1, rate_ * SLICE_MS / 1000);
}

/* Silence for the running time [from, to), within MAX_GAP_SILENCE in a row. */
InputPacer::Gap
InputPacer::owe_silence_locked (GstClockTime from, GstClockTime to)
{
  Gap gap;
  if (rate_ <= 0 || !GST_CLOCK_TIME_IS_VALID (from) || !GST_CLOCK_TIME_IS_VALID (to) || to <= from)
    return gap;
  uint64_t wanted = gst_util_uint64_scale (to - from, rate_, GST_SECOND);
  uint64_t bound = gst_util_uint64_scale (MAX_GAP_SILENCE, rate_, GST_SECOND);
  uint64_t allowed = bound > gap_silence_samples_ ? bound - gap_silence_samples_ : 0;
  gap.silence_samples = std::min (wanted, allowed);
  gap_silence_samples_ += gap.silence_samples;
  if (wanted > allowed && !stream_ended_) {
    gap.stream_end = stream_ended_ = true;
    GST_INFO ("a gap of more than %" GST_TIME_FORMAT ": audioStreamEnd until audio returns",
              GST_TIME_ARGS (MAX_GAP_SILENCE));
  }
  GST_DEBUG ("gap %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT ": %" G_GUINT64_FORMAT
             " samples of silence",
             GST_TIME_ARGS (from), GST_TIME_ARGS (to), (guint64)gap.silence_samples);
  return gap;
}

InputPacer::Gap
InputPacer::buffer_arrives (GstClockTime pts, uint64_t samples)
{
  std::lock_guard<std::mutex> guard (lock_);
  Gap gap;
  GstClockTime start = GST_CLOCK_TIME_NONE;
  if (GST_CLOCK_TIME_IS_VALID (pts))
    start = segment_valid_ ? gst_segment_to_running_time (&segment_, GST_FORMAT_TIME, pts) : pts;
  if (GST_CLOCK_TIME_IS_VALID (start) && GST_CLOCK_TIME_IS_VALID (next_running_time_)
      && start > next_running_time_ + GAP_TOLERANCE)
    gap = owe_silence_locked (next_running_time_, start);
  if (!GST_CLOCK_TIME_IS_VALID (start))
    start = next_running_time_; /* follows the previous buffer (or unknown) */
  if (GST_CLOCK_TIME_IS_VALID (start) && rate_ > 0)
    next_running_time_ = start + gst_util_uint64_scale (samples, GST_SECOND, rate_);
  /* Audio again: the next gap has the whole bound. */
  gap_silence_samples_ = 0;
  stream_ended_ = false;
  return gap;
}

InputPacer::Gap
InputPacer::gap_event (GstClockTime timestamp, GstClockTime duration)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (!GST_CLOCK_TIME_IS_VALID (timestamp) || !GST_CLOCK_TIME_IS_VALID (duration))
    return {}; /* how long is told by the next buffer's timestamp */
  GstClockTime start = timestamp, stop = timestamp + duration;
  if (segment_valid_) {
    start = gst_segment_to_running_time (&segment_, GST_FORMAT_TIME, timestamp);
    stop = gst_segment_to_running_time (&segment_, GST_FORMAT_TIME, timestamp + duration);
  }
  if (!GST_CLOCK_TIME_IS_VALID (start) || !GST_CLOCK_TIME_IS_VALID (stop))
    return {};
  /* The gap covers what lies between the end of the last audio and its own end. */
  GstClockTime from = GST_CLOCK_TIME_IS_VALID (next_running_time_) ? next_running_time_ : start;
  Gap gap = owe_silence_locked (from, stop);
  if (!GST_CLOCK_TIME_IS_VALID (next_running_time_) || stop > next_running_time_)
    next_running_time_ = stop;
  return gap;
}

bool
InputPacer::wait_to_send (uint64_t samples)
{
  std::unique_lock<std::mutex> guard (lock_);
  if (flushing_)
    return false;
  if (!pacing_locked () || rate_ <= 0)
    return true;
  int64_t now = now_us ();
  int64_t due
      = base_us_ < 0
            ? now
            : base_us_ + (int64_t)gst_util_uint64_scale (sent_since_base_, G_USEC_PER_SEC, rate_);
  if (base_us_ < 0 || now - due > MAX_LATENESS_US) {
    if (base_us_ >= 0)
      GST_DEBUG ("input %" G_GINT64_FORMAT " ms behind real time: new time base",
                 (now - due) / 1000);
    base_us_ = now;
    sent_since_base_ = 0;
    due = now;
  }
  auto deadline = std::chrono::steady_clock::time_point (std::chrono::microseconds (due));
  wake_.wait_until (guard, deadline, [this] { return flushing_ || !pacing_locked (); });
  if (flushing_)
    return false;
  sent_since_base_ += samples;
  return true;
}
