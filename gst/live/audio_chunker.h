/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Batches microphone PCM into chunks for realtimeInput.audio. Sending every
 * 10 ms buffer as its own JSON frame wastes bandwidth and CPU; batching too
 * much delays the model's voice activity detection. A chunk is cut as soon as
 * `chunk_ms` of audio is pending; whatever is left is flushed by the caller's
 * deadline (flush_deadline_us after the first pending byte arrived), at EOS
 * and before flushes. Pure: no locking, no I/O.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gemlive {

class AudioChunker {
public:
  /* Defaults keep the added batching delay <= 40 ms (promised: <= 50 ms). */
  static constexpr unsigned DEFAULT_CHUNK_MS = 40;

  explicit AudioChunker (unsigned chunk_ms = DEFAULT_CHUNK_MS) : chunk_ms_ (chunk_ms) {}

  /* S16LE mono. Changing the rate flushes nothing: call take_partial () first. */
  void set_rate (int rate);
  int rate () const { return rate_; }
  size_t chunk_bytes () const { return chunk_bytes_; }

  /* Appends PCM; returns the complete chunks now ready, each exactly
   * chunk_bytes () long, oldest first. */
  std::vector<std::vector<uint8_t>> push (const uint8_t *data, size_t size);
  /* Whatever is pending (possibly empty); the chunker is empty afterwards. */
  std::vector<uint8_t> take_partial ();
  bool has_pending () const { return !pending_.empty (); }
  void reset () { pending_.clear (); }

private:
  unsigned chunk_ms_;
  int rate_ = 16000;
  size_t chunk_bytes_ = 0;
  std::vector<uint8_t> pending_;
};

}  // namespace gemlive
