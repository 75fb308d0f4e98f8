/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vad.h"

#include <algorithm>
#include <cmath>

namespace gemlive::server {

namespace {

constexpr int kFrameMs = 20;

double
rms_dbfs (const int16_t *samples, size_t count)
{
  if (count == 0)
    return -120.0;
  double sum = 0.0;
  for (size_t i = 0; i < count; i++)
    sum += static_cast<double> (samples[i]) * samples[i];
  const double rms = std::sqrt (sum / count) / 32768.0;
  return rms > 0.0 ? 20.0 * std::log10 (rms) : -120.0;
}

}  // namespace

VoiceActivityDetector::VoiceActivityDetector (const VadSettings &settings)
    : settings_ (settings)
{
  /* A high start sensitivity reacts to quieter speech and confirms it sooner;
   * a high end sensitivity calls silence at a higher level (ends turns sooner). */
  start_threshold_dbfs_ = settings_.high_start_sensitivity ? -42.0 : -32.0;
  start_confirm_us_ = settings_.high_start_sensitivity ? 60000 : 200000;
  if (settings_.prefix_padding_ms >= 0)
    start_confirm_us_ = std::max<int64_t> (settings_.prefix_padding_ms * 1000, kFrameMs * 1000);
  end_threshold_dbfs_ = settings_.high_end_sensitivity ? -40.0 : -48.0;
  settings_.silence_duration_ms = std::max<int64_t> (settings_.silence_duration_ms, kFrameMs);
}

void
VoiceActivityDetector::reset_turn ()
{
  in_speech_ = false;
  voiced_run_us_ = 0;
  silent_run_us_ = 0;
}

std::vector<VadEvent>
VoiceActivityDetector::feed (const int16_t *samples, size_t count, int rate)
{
  std::vector<VadEvent> events;
  if (rate <= 0)
    return events;
  if (rate != partial_rate_) {
    partial_.clear ();  /* a partial frame at another rate cannot be completed */
    partial_rate_ = rate;
  }
  const size_t frame_samples = static_cast<size_t> (rate) * kFrameMs / 1000;
  const int64_t frame_us = static_cast<int64_t> (frame_samples) * 1000000 / rate;
  size_t pos = 0;
  while (pos < count) {
    size_t take = std::min (frame_samples - partial_.size (), count - pos);
    partial_.insert (partial_.end (), samples + pos, samples + pos + take);
    pos += take;
    if (partial_.size () == frame_samples) {
      elapsed_us_ += frame_us;
      analyse_frame (rms_dbfs (partial_.data (), partial_.size ()), frame_us, events);
      partial_.clear ();
    }
  }
  return events;
}

void
VoiceActivityDetector::analyse_frame (double level, int64_t frame_us, std::vector<VadEvent> &events)
{
  if (!in_speech_) {
    if (level >= start_threshold_dbfs_) {
      voiced_run_us_ += frame_us;
      if (voiced_run_us_ >= start_confirm_us_) {
        in_speech_ = true;
        silent_run_us_ = 0;
        /* Speech started where the voiced run began, not where it was confirmed. */
        events.push_back ({VadEvent::Kind::SPEECH_START, (elapsed_us_ - voiced_run_us_) / 1000});
      }
    } else {
      voiced_run_us_ = 0;
    }
    return;
  }

  if (level < end_threshold_dbfs_) {
    silent_run_us_ += frame_us;
    if (silent_run_us_ >= settings_.silence_duration_ms * 1000) {
      in_speech_ = false;
      voiced_run_us_ = 0;
      events.push_back ({VadEvent::Kind::SPEECH_END, elapsed_us_ / 1000});
    }
  } else {
    silent_run_us_ = 0;
  }
}

}  // namespace gemlive::server
