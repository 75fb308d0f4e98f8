/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An energy-based voice activity detector over S16LE mono PCM at any rate.
 * Time is measured in audio samples, never on the wall clock, so the result
 * is the same whether audio arrives in real time or much faster.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gemlive::server {

struct VadSettings {
  bool high_start_sensitivity = true;  /* START_SENSITIVITY_HIGH (the service default) */
  bool high_end_sensitivity = true;    /* END_SENSITIVITY_HIGH (the service default) */
  /* prefixPaddingMs: how long speech must last before its start is committed;
   * negative = unset (then the start sensitivity decides). */
  int64_t prefix_padding_ms = -1;
  int64_t silence_duration_ms = 500;
};

struct VadEvent {
  enum class Kind { SPEECH_START, SPEECH_END } kind;
  int64_t at_ms;  /* audio time since the detector was created */
};

class VoiceActivityDetector {
public:
  explicit VoiceActivityDetector (const VadSettings &settings = {});

  /* Feeds samples at `rate` Hz; returns the transitions they caused, in order. */
  std::vector<VadEvent> feed (const int16_t *samples, size_t count, int rate);
  /* Audio time consumed so far. */
  int64_t elapsed_ms () const { return elapsed_us_ / 1000; }
  bool in_speech () const { return in_speech_; }
  /* Forgets any speech in progress (after a turn ended by other means). */
  void reset_turn ();

private:
  void analyse_frame (double rms_dbfs, int64_t frame_us, std::vector<VadEvent> &events);

  VadSettings settings_;
  double start_threshold_dbfs_;
  double end_threshold_dbfs_;
  int64_t start_confirm_us_;

  std::vector<int16_t> partial_;  /* samples of an unfinished 20 ms frame */
  int partial_rate_ = 0;
  int64_t elapsed_us_ = 0;
  bool in_speech_ = false;
  int64_t voiced_run_us_ = 0;
  int64_t silent_run_us_ = 0;
};

}  // namespace gemlive::server
