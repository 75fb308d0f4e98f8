/* gst-gemini-live tests: field-by-field comparison of decoded server frames,
 * for the differential tests of the decoder's fast path
 * (test_decode_fast.cpp, tests/fuzz/fuzz_decode_differential.cpp).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "live/protocol.h"

#include <glib.h>

#include <cstring>
#include <string>

namespace gemlive::testing {

inline std::string
bytes_difference (GBytes *a, GBytes *b)
{
  gsize size_a = 0, size_b = 0;
  const void *data_a = g_bytes_get_data (a, &size_a);
  const void *data_b = g_bytes_get_data (b, &size_b);
  if (size_a != size_b)
    return std::to_string (size_a) + " vs " + std::to_string (size_b) + " bytes";
  if (size_a > 0 && memcmp (data_a, data_b, size_a) != 0)
    return "different bytes";
  return "";
}

/* "" when a and b say the same thing, else the first field that differs. */
inline std::string
message_difference (const ServerMessage &a, const ServerMessage &b)
{
  if (a.setup_complete != b.setup_complete)
    return "setup_complete";
  if (a.audio.size () != b.audio.size ())
    return "audio part count " + std::to_string (a.audio.size ()) + " vs "
        + std::to_string (b.audio.size ());
  for (size_t i = 0; i < a.audio.size (); i++) {
    std::string why = bytes_difference (a.audio[i].get (), b.audio[i].get ());
    if (!why.empty ())
      return "audio[" + std::to_string (i) + "]: " + why;
  }
  if (a.audio_rate != b.audio_rate)
    return "audio_rate " + std::to_string (a.audio_rate) + " vs " + std::to_string (b.audio_rate);
  if (a.session_id != b.session_id)
    return "session_id";
  if (a.thoughts != b.thoughts)
    return "thoughts";
  if (a.interim_input_transcription.has_value () != b.interim_input_transcription.has_value ()
      || (a.interim_input_transcription
          && a.interim_input_transcription->text != b.interim_input_transcription->text))
    return "interim_input_transcription";
  if (a.interaction_status != b.interaction_status)
    return "interaction_status";
  if (a.voice_activity.has_value () != b.voice_activity.has_value ())
    return "voice_activity";
  if (a.texts != b.texts)
    return "texts";
  if (a.input_transcription != b.input_transcription)
    return "input_transcription";
  if (a.output_transcription != b.output_transcription)
    return "output_transcription";
  if (a.generation_complete != b.generation_complete || a.turn_complete != b.turn_complete
      || a.turn_complete_reason != b.turn_complete_reason || a.interrupted != b.interrupted
      || a.waiting_for_input != b.waiting_for_input)
    return "turn flags";
  if (a.tool_calls.size () != b.tool_calls.size ())
    return "tool_calls";
  for (size_t i = 0; i < a.tool_calls.size (); i++)
    if (a.tool_calls[i].id != b.tool_calls[i].id || a.tool_calls[i].name != b.tool_calls[i].name
        || a.tool_calls[i].args_json != b.tool_calls[i].args_json)
      return "tool_calls[" + std::to_string (i) + "]";
  if (a.cancelled_tool_call_ids != b.cancelled_tool_call_ids)
    return "cancelled_tool_call_ids";
  if (a.go_away.has_value () != b.go_away.has_value ()
      || (a.go_away && a.go_away->time_left_ms != b.go_away->time_left_ms))
    return "go_away";
  if (a.resumption_update.has_value () != b.resumption_update.has_value ()
      || (a.resumption_update && (a.resumption_update->new_handle != b.resumption_update->new_handle
              || a.resumption_update->resumable != b.resumption_update->resumable)))
    return "resumption_update";
  if (a.usage.has_value () != b.usage.has_value () || (a.usage && a.usage->counts != b.usage->counts))
    return "usage";
  if (a.grounding.has_value () != b.grounding.has_value ())
    return "grounding";
  if (a.grounding) {
    if (a.grounding->queries != b.grounding->queries
        || a.grounding->rendered_content != b.grounding->rendered_content
        || a.grounding->sources.size () != b.grounding->sources.size ())
      return "grounding";
    for (size_t i = 0; i < a.grounding->sources.size (); i++)
      if (a.grounding->sources[i].uri != b.grounding->sources[i].uri
          || a.grounding->sources[i].title != b.grounding->sources[i].title)
        return "grounding.sources";
  }
  if (a.url_context.has_value () != b.url_context.has_value ()
      || (a.url_context && a.url_context->urls.size () != b.url_context->urls.size ()))
    return "url_context";
  if (a.url_context)
    for (size_t i = 0; i < a.url_context->urls.size (); i++)
      if (a.url_context->urls[i].url != b.url_context->urls[i].url
          || a.url_context->urls[i].status != b.url_context->urls[i].status)
        return "url_context.urls[" + std::to_string (i) + "]";
  if (a.unknown_fields != b.unknown_fields)
    return "unknown_fields";
  return "";
}

/* "" when both results are the same message or the same error. */
inline std::string
result_difference (const DecodeResult &a, const DecodeResult &b)
{
  if (a.message.has_value () != b.message.has_value ())
    return std::string ("one decoded, the other refused: ") + (a.error.empty () ? b.error : a.error);
  if (a.error != b.error)
    return "errors differ: \"" + a.error + "\" vs \"" + b.error + "\"";
  return a.message ? message_difference (*a.message, *b.message) : "";
}

}  // namespace gemlive::testing
