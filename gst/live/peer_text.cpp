/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/peer_text.h"

#include <glib.h>

namespace gemlive {

namespace {

/* U+202A..U+202E (embeddings, overrides), U+2066..U+2069 (isolates), and
 * the marks U+200E, U+200F, U+061C: they reorder what follows on screen. */
bool
is_bidi_control (gunichar c)
{
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e
      || c == 0x200f || c == 0x061c;
}

}  // namespace

std::string
peer_text (std::string_view text, size_t max_bytes)
{
  gchar *valid = g_utf8_make_valid (text.data (), static_cast<gssize> (text.size ()));
  std::string out;
  out.reserve (MIN (text.size (), max_bytes) + 3);
  bool cut = false;
  for (const gchar *p = valid; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    std::string_view piece (p, static_cast<size_t> (g_utf8_next_char (p) - p));
    if (c == '\t' || c == '\n' || c == '\r')
      piece = " ";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || is_bidi_control (c))
      continue;
    if (out.size () + piece.size () > max_bytes) {
      cut = true;
      break;
    }
    out.append (piece);
  }
  g_free (valid);
  if (cut)
    out += "\xe2\x80\xa6";  /* U+2026 HORIZONTAL ELLIPSIS */
  return out;
}

bool
is_plain_identifier (std::string_view name)
{
  if (name.empty () || name.size () > 64 || !g_ascii_isalpha (name[0]))
    return false;
  for (char c : name)
    if (!g_ascii_isalnum (c) && c != '_')
      return false;
  return true;
}

}  // namespace gemlive
