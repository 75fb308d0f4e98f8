/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/output_queue.h"

namespace gemlive {

OutputItem &
OutputItem::operator= (OutputItem &&other) noexcept
{
  if (this != &other) {
    gst_clear_buffer (&buffer);
    if (memory)
      gst_memory_unref (memory);
    kind = other.kind;
    buffer = other.buffer;
    memory = other.memory;
    reply_start = other.reply_start;
    other.buffer = nullptr;
    other.memory = nullptr;
  }
  return *this;
}

void
OutputQueue::grow ()
{
  std::vector<OutputItem> bigger (ring_.empty () ? 8 : ring_.size () * 2);
  for (size_t i = 0; i < count_; i++)
    bigger[i] = std::move (at (i));
  ring_.swap (bigger);
  head_ = 0;
}

void
OutputQueue::push (OutputItem item)
{
  std::lock_guard<std::mutex> guard (lock_);
  push_locked (std::move (item));
}

void
OutputQueue::push_locked (OutputItem item)
{
  if (count_ == ring_.size ())
    grow ();
  if (item.kind == OutputItem::Kind::AUDIO)
    audio_bytes_ += item.memory->size;
  at (count_) = std::move (item);
  count_++;
  cond_.notify_all ();
}

bool
OutputQueue::push_audio_within (OutputItem item, size_t max_audio_bytes)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (item.kind == OutputItem::Kind::AUDIO && audio_bytes_ + item.memory->size > max_audio_bytes)
    return false;
  push_locked (std::move (item));
  return true;
}

void
OutputQueue::take_front (OutputItem &out)
{
  out = std::move (at (0));
  head_ = (head_ + 1) % ring_.size ();
  count_--;
  if (out.kind == OutputItem::Kind::AUDIO)
    audio_bytes_ -= out.memory->size;
}

OutputQueue::PopResult
OutputQueue::pop (OutputItem &out, gint64 timeout_us)
{
  std::unique_lock<std::mutex> lock (lock_);
  cond_.wait_for (lock, std::chrono::microseconds (timeout_us),
      [this] { return flushing_ || count_ > 0; });
  if (flushing_)
    return PopResult::FLUSHING;
  if (count_ == 0)
    return PopResult::TIMEOUT;
  take_front (out);
  return PopResult::ITEM;
}

bool
OutputQueue::pop_audio_continuation (OutputItem &out, size_t max_bytes)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (flushing_ || count_ == 0)
    return false;
  const OutputItem &next = at (0);
  if (next.kind != OutputItem::Kind::AUDIO || next.reply_start || next.memory->size > max_bytes)
    return false;
  take_front (out);
  return true;
}

size_t
OutputQueue::drop_audio ()
{
  std::lock_guard<std::mutex> guard (lock_);
  size_t bytes = 0;
  size_t kept = 0;
  for (size_t i = 0; i < count_; i++) {
    OutputItem item = std::move (at (i));
    if (item.kind == OutputItem::Kind::AUDIO)
      bytes += item.memory->size;
    else if (item.kind != OutputItem::Kind::TEXT)  /* text: the transcript of audio that will not play */
      at (kept++) = std::move (item);
  }
  count_ = kept;
  audio_bytes_ = 0;
  return bytes;
}

void
OutputQueue::set_flushing (bool flushing)
{
  std::lock_guard<std::mutex> guard (lock_);
  flushing_ = flushing;
  cond_.notify_all ();
}

void
OutputQueue::clear ()
{
  std::lock_guard<std::mutex> guard (lock_);
  for (size_t i = 0; i < count_; i++)
    at (i) = OutputItem ();
  count_ = 0;
  audio_bytes_ = 0;
}

size_t
OutputQueue::queued_audio_bytes () const
{
  std::lock_guard<std::mutex> guard (lock_);
  return audio_bytes_;
}

OutputTimeline::Stamp
OutputTimeline::stamp (guint64 samples, GstClockTime now, GstClockTime latency)
{
  Stamp stamp;
  stamp.discont = false;
  if (!restart_ && GST_CLOCK_TIME_IS_VALID (now) && GST_CLOCK_TIME_IS_VALID (latency)) {
    GstClockTime next = end ();
    if (next + latency < now)
      restart_ = true;  /* underrun: the next sample is already late */
  }
  if (restart_) {
    /* A reply starts now, but never before the previous one ends: that audio
     * is still to be played and overlapping timestamps would clip it. Without
     * a clock (not PLAYING) continue after the previous reply. */
    GstClockTime previous_end = end ();
    if (GST_CLOCK_TIME_IS_VALID (now))
      base_ = GST_CLOCK_TIME_IS_VALID (previous_end) ? MAX (now, previous_end) : now;
    else
      base_ = GST_CLOCK_TIME_IS_VALID (previous_end) ? previous_end : 0;
    offset_ = 0;
    restart_ = false;
    stamp.discont = true;
  }
  stamp.pts = base_ + gst_util_uint64_scale_int (offset_, GST_SECOND, rate_);
  offset_ += samples;
  stamp.duration = base_ + gst_util_uint64_scale_int (offset_, GST_SECOND, rate_) - stamp.pts;
  return stamp;
}

GstClockTime
OutputTimeline::end () const
{
  if (!GST_CLOCK_TIME_IS_VALID (base_))
    return GST_CLOCK_TIME_NONE;
  return base_ + gst_util_uint64_scale_int (offset_, GST_SECOND, rate_);
}

void
OutputTimeline::reset ()
{
  restart_ = true;
  base_ = GST_CLOCK_TIME_NONE;
  offset_ = 0;
}

}  // namespace gemlive
