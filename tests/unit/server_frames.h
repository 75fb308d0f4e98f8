/* gst-gemini-live unit tests: bytes a WebSocket server sends, built by hand
 * (so the codec under test does not build its own test input).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include <string>

namespace test_frames {

/* length bytes of a recognisable, non-repeating-every-4 pattern. */
inline std::string
pattern (size_t length)
{
  std::string s (length, '\0');
  for (size_t i = 0; i < length; i++)
    s[i] = (char) ('a' + i % 23);
  return s;
}

/* One unmasked server frame with the shortest length encoding for
 * `announced` (the payload's size unless given). */
inline std::string
server_frame (unsigned first_byte, const std::string &payload, guint64 announced = G_MAXUINT64)
{
  guint64 n = announced == G_MAXUINT64 ? payload.size () : announced;
  std::string frame (1, (char) first_byte);
  if (n < 126) {
    frame += (char) n;
  } else if (n <= 0xffff) {
    frame += {(char) 126, (char) (n >> 8), (char) n};
  } else {
    frame += (char) 127;
    for (int i = 0; i < 8; i++)
      frame += (char) (n >> (56 - 8 * i));
  }
  return frame + payload;
}

}  // namespace test_frames
