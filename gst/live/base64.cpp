/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/base64.h"

#include <array>
#include <cstring>

namespace gemlive {

namespace {

constexpr char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Set in a decoded group when one of its characters is outside the
 * alphabet: above the 24 bits a group carries, so one test per frame finds
 * it after the loop has ORed every group's value into `invalid`. */
constexpr uint32_t NOT_BASE64 = 1u << 24;

/* DIGIT_AT[position][character]: the character's 6-bit value already
 * shifted to its place in the group's 24 bits, or NOT_BASE64. Four tables
 * of 1 kB each: a group costs four loads and three ORs. */
using DigitTable = std::array<uint32_t, 256>;

constexpr DigitTable
digit_table (unsigned shift)
{
  DigitTable table {};
  for (auto &entry : table)
    entry = NOT_BASE64;
  for (uint32_t value = 0; value < 64; value++)
    table[static_cast<unsigned char> (ALPHABET[value])] = value << shift;
  return table;
}

constexpr std::array<DigitTable, 4> DIGIT_AT = {
    digit_table (18), digit_table (12), digit_table (6), digit_table (0)};

/* DIGIT_PAIRS[v]: the two characters of the 12-bit value v (8 kB), so a
 * 3-byte group is written as two 2-character copies. */
using DigitPair = std::array<char, 2>;

constexpr std::array<DigitPair, 4096>
digit_pairs ()
{
  std::array<DigitPair, 4096> pairs {};
  for (uint32_t v = 0; v < 4096; v++)
    pairs[v] = {ALPHABET[v >> 6], ALPHABET[v & 63]};
  return pairs;
}

constexpr std::array<DigitPair, 4096> DIGIT_PAIRS = digit_pairs ();

inline uint32_t
group_value (const unsigned char *group)
{
  return DIGIT_AT[0][group[0]] | DIGIT_AT[1][group[1]] | DIGIT_AT[2][group[2]]
      | DIGIT_AT[3][group[3]];
}

}  // namespace

void
base64_encode (const uint8_t *data, size_t size, char *out)
{
  size_t i = 0;
  for (; i + 3 <= size; i += 3, out += 4) {
    const uint32_t group = (uint32_t (data[i]) << 16) | (uint32_t (data[i + 1]) << 8) | data[i + 2];
    memcpy (out, DIGIT_PAIRS[group >> 12].data (), 2);
    memcpy (out + 2, DIGIT_PAIRS[group & 0xfff].data (), 2);
  }
  const size_t rest = size - i;
  if (rest == 0)
    return;
  const uint32_t group = (uint32_t (data[i]) << 16) | (rest == 2 ? uint32_t (data[i + 1]) << 8 : 0);
  memcpy (out, DIGIT_PAIRS[group >> 12].data (), 2);
  out[2] = rest == 2 ? ALPHABET[(group >> 6) & 63] : '=';
  out[3] = '=';
}

bool
base64_decode_strict (const char *text, size_t length, uint8_t *out, size_t *size)
{
  if (length % 4 != 0)
    return false;
  *size = 0;
  if (length == 0)
    return true;
  auto in = reinterpret_cast<const unsigned char *> (text);
  const size_t groups = length / 4;

  /* Every group but the last holds four digits ('=' is NOT_BASE64 here). */
  uint32_t invalid = 0;
  uint8_t *dest = out;
  for (size_t g = 0; g + 1 < groups; g++, in += 4, dest += 3) {
    const uint32_t value = group_value (in);
    invalid |= value;
    dest[0] = static_cast<uint8_t> (value >> 16);
    dest[1] = static_cast<uint8_t> (value >> 8);
    dest[2] = static_cast<uint8_t> (value);
  }
  if (invalid & NOT_BASE64)
    return false;

  /* The last group: "xxxx", "xxx=" or "xx==". */
  size_t padding = in[3] == '=' ? (in[2] == '=' ? 2 : 1) : 0;
  /* Padding stands for zero digits ('A'); in[0] and in[1] are never padding. */
  constexpr unsigned char ZERO_DIGIT = 'A';
  const unsigned char last[4] = {in[0], in[1], padding == 2 ? ZERO_DIGIT : in[2],
      padding ? ZERO_DIGIT : in[3]};
  const uint32_t value = group_value (last);
  if (value & NOT_BASE64)
    return false;
  dest[0] = static_cast<uint8_t> (value >> 16);
  if (padding < 2)
    dest[1] = static_cast<uint8_t> (value >> 8);
  if (padding == 0)
    dest[2] = static_cast<uint8_t> (value);
  *size = (groups - 1) * 3 + 3 - padding;
  return true;
}

}  // namespace gemlive
