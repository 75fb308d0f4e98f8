/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/audio_chunker.h"

namespace gemlive {

void
AudioChunker::set_rate (int rate)
{
  rate_ = rate;
  /* Whole 16-bit samples only: a chunk never splits a sample. */
  size_t samples = static_cast<size_t> (rate) * chunk_ms_ / 1000;
  chunk_bytes_ = (samples > 0 ? samples : 1) * 2;
}

std::vector<std::vector<uint8_t>>
AudioChunker::push (const uint8_t *data, size_t size)
{
  if (chunk_bytes_ == 0)
    set_rate (rate_);
  std::vector<std::vector<uint8_t>> chunks;
  pending_.insert (pending_.end (), data, data + size);
  size_t offset = 0;
  while (pending_.size () - offset >= chunk_bytes_) {
    chunks.emplace_back (pending_.begin () + offset, pending_.begin () + offset + chunk_bytes_);
    offset += chunk_bytes_;
  }
  pending_.erase (pending_.begin (), pending_.begin () + offset);
  return chunks;
}

std::vector<uint8_t>
AudioChunker::take_partial ()
{
  std::vector<uint8_t> out;
  out.swap (pending_);
  return out;
}

}  // namespace gemlive
