/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See json_guard.h for why this is a lexical gate and not only a depth count.
 */
#include "live/json_guard.h"

#include <cstdio>

namespace gemlive {

namespace {

bool
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Numbers and the literals true, false, null (json-glib rejects other words). */
bool
is_bare_value_char (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'
      || c == '+' || c == '.';
}

bool
is_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "'x'" for a printable ASCII byte, "byte 0x1b" otherwise: the text goes to
 * logs, so never the raw byte. */
std::string
shown (char c)
{
  char text[16];
  auto byte = static_cast<unsigned char> (c);
  if (byte >= 0x20 && byte < 0x7f)
    snprintf (text, sizeof text, "'%c'", c);
  else
    snprintf (text, sizeof text, "byte 0x%02x", byte);
  return text;
}

std::string
at (size_t offset)
{
  return " at byte " + std::to_string (offset);
}

}  // namespace

std::string
json_guard_problem (const char *data, size_t size, int max_depth)
{
  int depth = 0;
  size_t i = 0;
  while (i < size) {
    char c = data[i];
    if (c == '"') {
      size_t start = i++;
      for (;;) {
        if (i >= size)
          return "string opened" + at (start) + " never ends";
        char s = data[i];
        if (s == '"')
          break;
        if (s == '\\') {
          if (i + 1 >= size)
            return "string opened" + at (start) + " never ends";
          char e = data[i + 1];
          if (e == 'u') {
            for (size_t k = i + 2; k < i + 6; k++)
              if (k >= size || !is_hex (data[k]))
                return "\\u escape" + at (i) + " needs four hex digits";
            i += 6;
            continue;
          }
          if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
              && e != 't')
            return "escape \\" + shown (e) + at (i) + " is not JSON";
          i += 2;
          continue;
        }
        i++;
      }
      i++;  /* the closing quote */
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return "nests deeper than " + std::to_string (max_depth) + " levels" + at (i);
    } else if (c == ']' || c == '}') {
      if (--depth < 0)
        return shown (c) + at (i) + " closes nothing";
    } else if (c == '/') {
      return shown (c) + at (i) + " is not JSON (comments are refused)";
    } else if (c == '\'') {
      return shown (c) + at (i) + " is not JSON (single-quoted strings are refused)";
    } else if (!is_json_space (c) && c != ',' && c != ':' && !is_bare_value_char (c)) {
      return shown (c) + at (i) + " is not JSON";
    }
    i++;
  }
  return "";
}

}  // namespace gemlive
