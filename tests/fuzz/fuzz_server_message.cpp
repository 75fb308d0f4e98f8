/* libFuzzer target: decoding arbitrary server frames must never crash, leak or
 * read out of bounds, whatever the service (or an attacker on the path) sends.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/protocol.h"

#include <cstddef>
#include <cstdint>

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  auto result = gemlive::decode_server_message (reinterpret_cast<const char *> (data), size);
  if (result.message) {
    /* Touch what a consumer would read so the sanitizers see every byte. */
    size_t total = 0;
    for (const auto &bytes : result.message->audio)
      total += g_bytes_get_size (bytes.get ());
    for (const auto &call : result.message->tool_calls)
      total += call.args_json.size ();
    (void) total;
  }
  return 0;
}
