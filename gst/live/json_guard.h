/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The gate in front of json-glib for text a peer wrote (server frames).
 * json-glib 1.6 parses recursively, so nesting depth is stack depth: a
 * frame of 80 000 '[' overflows the network thread's stack. Its scanner
 * also accepts more than JSON (comments, single-quoted strings), and a
 * depth count that does not know every such form can be fooled: the old
 * check skipped double-quoted strings only, so a comment holding one '"'
 * before 80 000 '[' hid every bracket in what it took for a string. This
 * gate therefore lets through only plain RFC 8259 lexemes (the service
 * sends nothing else): outside strings, whitespace, the six structural
 * characters, numbers and the literals; inside, the standard escapes. With
 * no comments and one string form, the bracket count below is the depth
 * json-glib will reach. Pure: no I/O, no GLib state.
 */
#pragma once

#include <cstddef>
#include <string>

namespace gemlive {

/* Real messages nest fewer than 20 levels; json-glib recursing 256 deep
 * takes well under 1 MiB of stack. */
constexpr int MAX_JSON_NESTING = 256;

/* "" when `data` is plain JSON text nesting at most max_depth levels (not
 * a full validation: json-glib still decides whether it is well formed);
 * otherwise why not, naming the byte offset, e.g. "'/' at byte 0 is not
 * JSON (comments are refused)" or "nests deeper than 256 levels at byte
 * 300". */
std::string json_guard_problem (const char *data, size_t size, int max_depth = MAX_JSON_NESTING);

}  // namespace gemlive
