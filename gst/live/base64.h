/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Base64 of the standard alphabet with padding (RFC 4648, section 4), the
 * encoding of every audio byte the Live API carries in either direction.
 *
 * Why not GLib's: g_base64_decode_step is a per-character state machine that
 * also skips characters outside the alphabet. It cost about 18 instructions
 * per character, the largest single cost of a session's network thread and
 * equal to everything libsoup does for the same frame (docs/performance.md).
 * These run a group of four characters at a time through lookup tables and
 * are strict: anything but padded standard base64 is refused, so a corrupt
 * frame is an error and never plays as noise.
 */
#pragma once

#include <cstddef>
#include <cstdint>

namespace gemlive {

/* Characters base64_encode writes for `size` bytes (padding included). */
constexpr size_t
base64_encoded_size (size_t size)
{
  return (size + 2) / 3 * 4;
}

/* Writes exactly base64_encoded_size (size) characters to out (no NUL). */
void base64_encode (const uint8_t *data, size_t size, char *out);

/* Bytes base64_decode_strict may write for `length` characters. */
constexpr size_t
base64_decoded_capacity (size_t length)
{
  return length / 4 * 3;
}

/* Decodes padded standard base64 into out (room for
 * base64_decoded_capacity (length) bytes) and returns true with the decoded
 * size in *size; false if text is anything else: a length that is not a
 * multiple of four, a character outside the alphabet (whitespace included),
 * or '=' anywhere but in the last two places. As GLib does, the unused low
 * bits of the last character are not checked. */
bool base64_decode_strict (const char *text, size_t length, uint8_t *out, size_t *size);

}  // namespace gemlive
