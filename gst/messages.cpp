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
session_connected (const std::string &session_id)
{
  GstStructure *s = session_state ("connected");
  if (!session_id.empty ())
    gst_structure_set (s, "session-id", G_TYPE_STRING, session_id.c_str (), nullptr);
  return s;
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
  GstStructure *s = gst_structure_new ("geminilive/session",
      "state", G_TYPE_STRING, "resumed",
      "reason", G_TYPE_STRING, reason.c_str (),
      "context-kept", G_TYPE_BOOLEAN, (gboolean) notice.context_kept, nullptr);
  if (!notice.session_id.empty ())
    gst_structure_set (s, "session-id", G_TYPE_STRING, notice.session_id.c_str (), nullptr);
  return s;
}

GstStructure *
transcript (bool input, const std::string &text, const gemlive::TranscriptionInfo &info,
    GstClockTime running_time, bool interim, GstClockTime pts, GstClockTime duration)
{
  /* running-time: when the fragment arrived; pts/duration: the audio it
   * transcribes, only where the service gave offsets. */
  GstStructure *s = gst_structure_new (input ? "geminilive/input-transcription"
                                             : "geminilive/output-transcription",
      "text", G_TYPE_STRING, text.c_str (), nullptr);
  if (input)
    gst_structure_set (s, "interim", G_TYPE_BOOLEAN, (gboolean) interim, nullptr);
  if (!info.language_code.empty ())
    gst_structure_set (s, "language-code", G_TYPE_STRING, info.language_code.c_str (), nullptr);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    gst_structure_set (s, "pts", G_TYPE_UINT64, (guint64) pts, nullptr);
  if (GST_CLOCK_TIME_IS_VALID (duration))
    gst_structure_set (s, "duration", G_TYPE_UINT64, (guint64) duration, nullptr);
  gst_structure_set (s, "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
  return s;
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
interaction_status (gemlive::InteractionStatus status, GstClockTime running_time)
{
  using Status = gemlive::InteractionStatus;
  const char *name = "unspecified";  /* also a value the codec does not know */
  switch (status) {
    case Status::IN_PROGRESS: name = "in-progress"; break;
    case Status::IDLE: name = "idle"; break;  /* also the deprecated REQUIRES_ACTION */
    case Status::WAITING_FOR_INPUT: name = "waiting-for-input"; break;
    case Status::NONE:
    case Status::UNSPECIFIED: break;
  }
  return gst_structure_new ("geminilive/interaction-status",
      "status", G_TYPE_STRING, name,
      "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
}

GstStructure *
voice_activity (const gemlive::VoiceActivity &activity, GstClockTime running_time)
{
  using Kind = gemlive::VoiceActivity::Kind;
  std::string type = activity.kind == Kind::START ? "start"
      : activity.kind == Kind::END               ? "end"
      : activity.wire_type.empty ()              ? "unspecified"
                                                 : activity.wire_type;
  GstStructure *s = gst_structure_new ("geminilive/voice-activity",
      "type", G_TYPE_STRING, type.c_str (), nullptr);
  if (activity.audio_offset_ms && *activity.audio_offset_ms >= 0)
    gst_structure_set (s, "audio-offset", G_TYPE_UINT64,
        (guint64) *activity.audio_offset_ms * GST_MSECOND, nullptr);
  gst_structure_set (s, "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
  return s;
}

GstStructure *
thought (const std::string &text, GstClockTime running_time)
{
  return gst_structure_new ("geminilive/thought",
      "text", G_TYPE_STRING, text.c_str (),
      "running-time", G_TYPE_UINT64, (guint64) running_time, nullptr);
}

GstStructure *
audio_dropped (guint64 dropped_ms, guint64 total_dropped_ms, guint max_queued_ms)
{
  return gst_structure_new ("geminilive/audio-dropped",
      "dropped-ms", G_TYPE_UINT64, dropped_ms,
      "total-dropped-ms", G_TYPE_UINT64, total_dropped_ms,
      "max-queued-ms", G_TYPE_UINT, max_queued_ms, nullptr);
}

GstStructure *
context_update (const std::string &setting, const char *applied, bool ok,
    const std::string &reason)
{
  GstStructure *s = gst_structure_new ("geminilive/context-update",
      "setting", G_TYPE_STRING, setting.c_str (),
      "applied", G_TYPE_STRING, applied,
      "ok", G_TYPE_BOOLEAN, ok, nullptr);
  if (!reason.empty ())
    gst_structure_set (s, "reason", G_TYPE_STRING, reason.c_str (), nullptr);
  return s;
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
