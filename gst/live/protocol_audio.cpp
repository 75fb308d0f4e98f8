/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The audio payload of server frames: strict base64 decoded once into its
 * final allocation, the rate from the mimeType, and the decoder's fast path
 * for the one frame shape that is nearly all of the traffic
 * (docs/performance.md, "Decode hot path: before/after"):
 *
 *   {"serverContent":{"modelTurn":{"parts":[
 *       {"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"<base64>"}}, ...]}}}
 *
 * Building a json-glib tree for it costs more than the audio it carries: a
 * copy of the 6.4 kB base64 string, its UTF-8 validation and member hashing.
 * This is a recogniser, not a JSON parser: it accepts exactly that shape
 * (JSON whitespace between tokens allowed, mimeType and data in either order)
 * with strings that hold no escapes and no bytes outside printable ASCII, so
 * the bytes between the quotes are the string's value. Anything else, even
 * valid JSON meaning the same thing, returns nullopt and the frame goes to
 * the json-glib decoder. The audio is decoded only after the whole frame has
 * matched, straight from the frame's bytes into its final allocation.
 */
#include "live/protocol_decode.h"

#include "live/base64.h"

#include <cstring>
#include <vector>

namespace gemlive::decode_internal {

namespace {

struct AudioPart {
  const char *base64;
  size_t length;
};

class FrameCursor {
public:
  FrameCursor (const char *data, size_t size) : p_ (data), end_ (data + size) {}

  /* Skips JSON whitespace, then consumes `token` if it comes next. */
  bool take (const char *token)
  {
    skip_whitespace ();
    size_t n = strlen (token);
    if (static_cast<size_t> (end_ - p_) < n || memcmp (p_, token, n) != 0)
      return false;
    p_ += n;
    return true;
  }

  /* Skips whitespace, then consumes a string of printable ASCII without
   * escapes, so its bytes are its value; gives its content. */
  bool take_plain_string (const char **text, size_t *length)
  {
    if (!take ("\""))
      return false;
    const char *start = p_;
    while (p_ < end_ && *p_ >= 0x20 && *p_ <= 0x7e && *p_ != '"' && *p_ != '\\')
      p_++;
    return end_string (start, text, length);
  }

  /* Skips whitespace, then consumes everything up to the next '"' (memchr:
   * the base64 is nearly the whole frame). The span is the string's value
   * only if it holds no backslash: the caller decodes it as strict base64
   * (decode_strict_base64), which refuses a backslash. */
  bool take_quoted_span (const char **text, size_t *length)
  {
    if (!take ("\""))
      return false;
    const char *start = p_;
    const void *quote = memchr (p_, '"', static_cast<size_t> (end_ - p_));
    p_ = quote ? static_cast<const char *> (quote) : end_;
    return end_string (start, text, length);
  }

  bool at_end ()
  {
    skip_whitespace ();
    return p_ == end_;
  }

private:
  bool end_string (const char *start, const char **text, size_t *length)
  {
    if (p_ == end_ || *p_ != '"')
      return false;
    *text = start;
    *length = static_cast<size_t> (p_ - start);
    p_++;
    return true;
  }

  void skip_whitespace ()
  {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r'))
      p_++;
  }

  const char *p_;
  const char *end_;
};

/* {"mimeType":"audio/pcm…","data":"…"} in either order. The rate carries
 * over from the previous part when the mimeType names none, as in the
 * general decoder. */
bool
take_inline_audio (FrameCursor &cursor, int *rate, AudioPart *part)
{
  const char *mime = nullptr, *data = nullptr;
  size_t mime_length = 0, data_length = 0;
  if (!cursor.take ("{"))
    return false;
  for (int member = 0; member < 2; member++) {
    if (member == 1 && !cursor.take (","))
      return false;
    if (!mime && cursor.take ("\"mimeType\"")) {
      if (!cursor.take (":") || !cursor.take_plain_string (&mime, &mime_length))
        return false;
    } else if (!data && cursor.take ("\"data\"")) {
      if (!cursor.take (":") || !cursor.take_quoted_span (&data, &data_length))
        return false;
    } else {
      return false;
    }
  }
  if (!cursor.take ("}"))
    return false;

  std::string mime_type (mime, mime_length);
  if (!g_str_has_prefix (mime_type.c_str (), "audio/pcm"))
    return false;  /* not audio: the general decoder reports it */
  std::optional<int> part_rate = pcm_rate_of (mime_type, *rate);
  if (!part_rate)
    return false;  /* the general decoder words the error */
  *rate = *part_rate;
  *part = AudioPart {data, data_length};
  return true;
}

}  // namespace

GBytes *
decode_strict_base64 (const char *text, size_t length)
{
  /* No zeroing: every byte handed on is written. */
  guchar *pcm = static_cast<guchar *> (g_malloc (base64_decoded_capacity (length)));
  size_t size = 0;
  if (!base64_decode_strict (text, length, pcm, &size)) {
    g_free (pcm);
    return nullptr;
  }
  return g_bytes_new_take (pcm, size);
}

std::optional<int>
pcm_rate_of (const std::string &mime_type, int default_rate)
{
  size_t pos = mime_type.find ("rate=");
  if (pos == std::string::npos)
    return default_rate;
  guint64 rate;
  std::string digits = mime_type.substr (pos + 5);
  size_t end = digits.find (';');
  if (end != std::string::npos)
    digits.resize (end);
  if (!g_ascii_string_to_unsigned (digits.c_str (), 10, 1, 768000, &rate, nullptr))
    return std::nullopt;
  return static_cast<int> (rate);
}

std::optional<ServerMessage>
decode_audio_frame_fast (const char *data, size_t size)
{
  if (!data)
    return std::nullopt;
  FrameCursor cursor (data, size);
  if (!cursor.take ("{") || !cursor.take ("\"serverContent\"") || !cursor.take (":")
      || !cursor.take ("{") || !cursor.take ("\"modelTurn\"") || !cursor.take (":")
      || !cursor.take ("{") || !cursor.take ("\"parts\"") || !cursor.take (":")
      || !cursor.take ("["))
    return std::nullopt;

  ServerMessage defaults;
  int rate = defaults.audio_rate;
  std::vector<AudioPart> parts;
  do {
    AudioPart part;
    if (!cursor.take ("{") || !cursor.take ("\"inlineData\"") || !cursor.take (":")
        || !take_inline_audio (cursor, &rate, &part) || !cursor.take ("}"))
      return std::nullopt;
    parts.push_back (part);
  } while (cursor.take (","));
  if (!cursor.take ("]") || !cursor.take ("}") || !cursor.take ("}") || !cursor.take ("}")
      || !cursor.at_end ())
    return std::nullopt;

  /* Only now, with the whole frame matched: a frame that is not this shape
   * (audio beside usageMetadata, say) costs a memchr, not a decode. */
  ServerMessage msg;
  msg.audio_rate = rate;
  msg.audio.reserve (parts.size ());
  for (const AudioPart &part : parts) {
    GBytes *pcm = decode_strict_base64 (part.base64, part.length);
    if (!pcm)
      return std::nullopt;  /* escapes or corrupt: the general decoder decides */
    msg.audio.emplace_back (pcm);
  }
  return msg;
}

}  // namespace gemlive::decode_internal
