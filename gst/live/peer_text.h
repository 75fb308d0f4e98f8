/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Text the peer chose (an HTTP reason phrase, a close reason, a field name
 * in a refused frame) made safe to put in an error, a log line or a bus
 * message. Such text is not trusted to be UTF-8 (PyGObject's parse_error ()
 * raises on invalid UTF-8) nor free of terminal escapes (ESC [ 2 J clears
 * the terminal of whoever reads the log). Pure: GLib's UTF-8 helpers only.
 */
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gemlive {

/* Enough for any close reason (123 bytes) and a long reason phrase. */
constexpr size_t PEER_TEXT_MAX_BYTES = 256;

/* Returns `text` as valid UTF-8 of at most max_bytes bytes (plus "…" when
 * it was cut, at a character boundary): each invalid sequence becomes
 * U+FFFD, tab, CR and LF become one space each (a reason never starts a
 * new log line), and every other control character (C0, DEL, C1, which
 * includes ESC and CSI) and the bidirectional overrides and isolates are
 * removed. Printable text, non-ASCII included, passes unchanged. */
std::string peer_text (std::string_view text, size_t max_bytes = PEER_TEXT_MAX_BYTES);

/* Whether `name` is a plain identifier: an ASCII letter, then ASCII
 * letters, digits or '_'; at most 64 bytes. Names the peer chose become
 * structure field names only when they are. */
bool is_plain_identifier (std::string_view name);

}  // namespace gemlive
