/* libFuzzer target: the decoder's fast path for audio-only frames
 * (gst/live/protocol_audio.cpp) must, for any input it accepts, give exactly
 * what the json-glib decoder gives; and the public decoder (fast path first)
 * must always give what the json-glib decoder gives, errors included.
 * Any disagreement aborts with both answers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/protocol.h"
#include "live/protocol_decode.h"
#include "message_compare.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void
disagree (const char *what, const std::string &why, const char *data, size_t size)
{
  fprintf (stderr, "fuzz-decode-differential: %s: %s\nframe (%zu bytes): %.*s\n", what,
      why.c_str (), size, static_cast<int> (size > 2000 ? 2000 : size), data);
  abort ();
}

}  // namespace

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  using namespace gemlive;
  auto data = reinterpret_cast<const char *> (bytes);
  DecodeResult json = decode_internal::decode_server_message_json (data, size);
  DecodeResult full = decode_server_message (data, size);
  std::string why = testing::result_difference (full, json);
  if (!why.empty ())
    disagree ("decode_server_message differs from the json-glib decoder", why, data, size);

  std::optional<ServerMessage> fast = decode_internal::decode_audio_frame_fast (data, size);
  if (!fast)
    return 0;
  if (!json.message)
    disagree ("the fast path accepted a frame json-glib refuses", json.error, data, size);
  why = testing::message_difference (*fast, *json.message);
  if (!why.empty ())
    disagree ("the fast path differs from the json-glib decoder", why, data, size);
  return 0;
}
