/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "messages.h"

namespace messages {

GstStructure *
session_state (const char *state)
{
  return gst_structure_new ("geminilive/session", "state", G_TYPE_STRING, state, nullptr);
}

GstStructure *
session_closed (int close_code, const std::string &reason)
{
  return gst_structure_new ("geminilive/session", "state", G_TYPE_STRING, "closed",
      "close-code", G_TYPE_INT, close_code, "reason", G_TYPE_STRING, reason.c_str (), nullptr);
}

GstStructure *
session_reconnecting (const gemlive::ReconnectNotice &notice, const std::string &reason)
{
  return gst_structure_new ("geminilive/session",
      "state", G_TYPE_STRING, "reconnecting",
      "reason", G_TYPE_STRING, reason.c_str (),
      "planned", G_TYPE_BOOLEAN, (gboolean) notice.planned,
      "resuming", G_TYPE_BOOLEAN, (gboolean) notice.with_handle,
      "attempt", G_TYPE_UINT, notice.attempt,
      "max-attempts", G_TYPE_UINT, notice.max_attempts,
      "delay-ms", G_TYPE_UINT, notice.delay_ms, nullptr);
}

GstStructure *
session_resumed (const gemlive::ResumeNotice &notice, const std::string &reason)
{
  return gst_structure_new ("geminilive/session",
      "state", G_TYPE_STRING, "resumed",
      "reason", G_TYPE_STRING, reason.c_str (),
      "context-kept", G_TYPE_BOOLEAN, (gboolean) notice.context_kept, nullptr);
}

GstStructure *
transcript (bool input, const std::string &text, GstClockTime running_time)
{
  /* The service does not say which audio a fragment belongs to: it is
   * stamped with the running time at which it arrived. */
  return gst_structure_new (input ? "geminilive/input-transcription"
                                  : "geminilive/output-transcription",
      "text", G_TYPE_STRING, text.c_str (),
      "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
}

void
add_transcript_details (GstStructure *transcript, const std::string &language_code,
    GstClockTime pts, GstClockTime duration)
{
  if (!language_code.empty ())
    gst_structure_set (transcript, "language-code", G_TYPE_STRING, language_code.c_str (),
        nullptr);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    gst_structure_set (transcript, "pts", G_TYPE_UINT64, (guint64) pts, nullptr);
  if (GST_CLOCK_TIME_IS_VALID (duration))
    gst_structure_set (transcript, "duration", G_TYPE_UINT64, (guint64) duration, nullptr);
}

GstStructure *
interrupted (GstClockTime running_time)
{
  return gst_structure_new ("geminilive/interrupted",
      "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
}

GstStructure *
generation_complete ()
{
  return gst_structure_new_empty ("geminilive/generation-complete");
}

GstStructure *
turn_complete (const std::string &reason)
{
  GstStructure *s = gst_structure_new_empty ("geminilive/turn-complete");
  if (!reason.empty ())
    gst_structure_set (s, "reason", G_TYPE_STRING, reason.c_str (), nullptr);
  return s;
}

GstStructure *
waiting_for_input (GstClockTime running_time)
{
  return gst_structure_new ("geminilive/waiting-for-input",
      "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
}

/* "promptTokensDetails.AUDIO" -> "prompt-tokens-details-audio" */
static std::string
usage_field_name (const std::string &wire)
{
  std::string out;
  for (size_t i = 0; i < wire.size (); i++) {
    char c = wire[i];
    if (c == '.' || c == '_' || c == '-') {
      if (!out.empty () && out.back () != '-')
        out += '-';
      continue;
    }
    if (g_ascii_isupper (c) && i > 0 && (g_ascii_islower (wire[i - 1])
            || g_ascii_isdigit (wire[i - 1])) && out.back () != '-')
      out += '-';
    out += g_ascii_tolower (c);
  }
  if (out.empty () || !g_ascii_isalpha (out[0]))
    out = "count-" + out;
  return out;
}

GstStructure *
usage (const gemlive::UsageMetadata &usage)
{
  GstStructure *s = gst_structure_new_empty ("geminilive/usage");
  for (const auto &count : usage.counts)
    gst_structure_set (s, usage_field_name (count.first).c_str (), G_TYPE_INT64,
        (gint64) count.second, nullptr);
  return s;
}

/* A GstValueArray of strings: parallel arrays are what a C or Python
 * application reads most easily from a GstStructure. */
static void
take_string_array (GstStructure *s, const char *field, const std::vector<std::string> &items)
{
  GValue array = G_VALUE_INIT;
  gst_value_array_init (&array, items.size ());
  for (const auto &item : items) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, item.c_str ());
    gst_value_array_append_and_take_value (&array, &v);
  }
  gst_structure_take_value (s, field, &array);
}

GstStructure *
tool_call (const gemlive::FunctionCall &call, bool blocking)
{
  return gst_structure_new ("geminilive/tool-call",
      "id", G_TYPE_STRING, call.id.c_str (),
      "name", G_TYPE_STRING, call.name.c_str (),
      "args", G_TYPE_STRING, call.args_json.c_str (),
      "blocking", G_TYPE_BOOLEAN, (gboolean) blocking, nullptr);
}

GstStructure *
tool_call_cancellation (const std::vector<std::string> &ids)
{
  GstStructure *s = gst_structure_new_empty ("geminilive/tool-call-cancellation");
  take_string_array (s, "ids", ids);
  return s;
}

GstStructure *
grounding (const gemlive::GroundingMetadata &g)
{
  std::vector<std::string> uris, titles;
  for (const auto &source : g.sources) {
    uris.push_back (source.uri);
    titles.push_back (source.title);
  }
  GstStructure *s = gst_structure_new_empty ("geminilive/grounding");
  take_string_array (s, "queries", g.queries);
  take_string_array (s, "source-uris", uris);
  take_string_array (s, "source-titles", titles);
  if (!g.rendered_content.empty ())
    gst_structure_set (s, "search-entry-point", G_TYPE_STRING, g.rendered_content.c_str (),
        nullptr);
  return s;
}

GstStructure *
url_context (const gemlive::UrlContextMetadata &url_context, GstClockTime running_time)
{
  std::vector<std::string> urls, statuses;
  for (const auto &url : url_context.urls) {
    urls.push_back (url.url);
    statuses.push_back (url.status);
  }
  GstStructure *s = gst_structure_new_empty ("geminilive/url-context");
  take_string_array (s, "urls", urls);
  take_string_array (s, "statuses", statuses);
  gst_structure_set (s, "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
  return s;
}

GstStructure *
audio_dropped (guint64 dropped_ms, guint64 total_dropped_ms, guint max_queued_ms)
{
  return gst_structure_new ("geminilive/audio-dropped",
      "dropped-ms", G_TYPE_UINT64, dropped_ms,
      "total-dropped-ms", G_TYPE_UINT64, total_dropped_ms,
      "max-queued-ms", G_TYPE_UINT, max_queued_ms, nullptr);
}

void
post (GstElement *element, GstStructure *structure)
{
  gst_element_post_message (element, gst_message_new_element (GST_OBJECT (element), structure));
}

void
post_connect_progress (GstElement *element, GstProgressType type)
{
  const char *text = type == GST_PROGRESS_TYPE_START ? "Connecting to the Gemini Live API"
      : type == GST_PROGRESS_TYPE_COMPLETE ? "Connected to the Gemini Live API"
                                           : "Could not open the Gemini Live session";
  gst_element_post_message (element, gst_message_new_progress (GST_OBJECT (element), type,
          "connect", text));
}

}  // namespace messages
