/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The src pad carries S16LE, so every buffer must hold whole samples; a
 * server chunk of odd length does not. PcmAligner holds the odd byte back
 * and puts it in front of the next chunk of the same reply, so a sample a
 * server split across frames plays as it was meant; a byte still held when
 * the reply ends has no partner and is dropped and counted. Not thread-safe:
 * the element keeps it in its reply state, under reply_lock.
 */
#pragma once

#include "live/protocol.h"  /* BytesPtr */

#include <glib.h>

#include <cstring>

namespace gemlive {

class PcmAligner {
public:
  /* The whole samples of the held byte followed by `pcm`; nullptr when
   * none is complete yet. An even chunk with nothing held is returned as
   * it is (no copy: that is every chunk of a well-behaved server).
   * `first` says whether this is the reply's first output (a reply whose
   * first chunk is one byte starts with its second). */
  BytesPtr align (BytesPtr pcm, bool *first)
  {
    BytesPtr out = join (std::move (pcm));
    *first = out && !started_;
    if (out)
      started_ = true;
    return out;
  }

  /* The reply ended (turn complete, barge-in, a new reply): a held byte
   * goes. */
  void end_reply ()
  {
    if (holding_)
      dropped_++;
    holding_ = false;
    started_ = false;
  }

  /* Bytes dropped by end_reply () since the last call. */
  guint64 take_dropped ()
  {
    guint64 n = dropped_;
    dropped_ = 0;
    return n;
  }

private:
  BytesPtr join (BytesPtr pcm)
  {
    gsize size = 0;
    const auto *data = static_cast<const guint8 *> (g_bytes_get_data (pcm.get (), &size));
    if (!holding_ && size % 2 == 0)
      return size ? std::move (pcm) : nullptr;
    gsize total = size + (holding_ ? 1 : 0);
    gsize whole = total - total % 2;
    guint8 *out = whole ? static_cast<guint8 *> (g_malloc (whole)) : nullptr;
    if (holding_ && whole) {
      out[0] = held_;
      memcpy (out + 1, data, whole - 1);
    } else if (whole) {
      memcpy (out, data, whole);
    }
    /* total is odd: the last byte waits, whichever chunk it came from */
    if (total % 2) {
      held_ = size ? data[size - 1] : held_;
      holding_ = true;
    } else {
      holding_ = false;
    }
    return whole ? BytesPtr (g_bytes_new_take (out, whole)) : nullptr;
  }

  bool started_ = false;  /* output given since end_reply () */
  bool holding_ = false;
  guint8 held_ = 0;
  guint64 dropped_ = 0;
};

}  // namespace gemlive
