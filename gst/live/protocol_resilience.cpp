/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Session resumption and context compression: the setup parts that let a
 * session outlive its limits.
 * sessionResumption itself is always written by encode_setup.
 */
#include "live/json_build.h"
#include "live/protocol_setup_parts.h"

namespace gemlive {

void
encode_compression_setup (JsonBuilder *b, const SetupConfig &config)
{
  if (!config.context_window_compression)
    return;
  json_builder_set_member_name (b, "contextWindowCompression");
  json_builder_begin_object (b);
  add_int64_string_if_set (b, "triggerTokens", config.compression_trigger_tokens);
  /* The sliding window is the only mechanism; an empty one uses the
   * service's default target. */
  json_builder_set_member_name (b, "slidingWindow");
  json_builder_begin_object (b);
  add_int64_string_if_set (b, "targetTokens", config.compression_target_tokens);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

}  // namespace gemlive
