/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the network thread does with the session's news: audio goes into the
 * output queue, everything else becomes a geminilive/... bus message or an
 * element error. Runs on the network thread; locks are released before a
 * message is posted.
 */
#include "geminilive_private.h"
#include "geminilive_turn.h"
#include "geminilive_backend.h"

using gemlive::OutputItem;
using gemlive::SessionEnd;

GstClockTime
gst_gemini_live_running_time (GstGeminiLive *self)
{
  auto element = GST_ELEMENT (self);
  GST_OBJECT_LOCK (element);
  GstClock *clock = GST_ELEMENT_CLOCK (element);
  if (clock)
    gst_object_ref (clock);
  GstClockTime base_time = GST_ELEMENT_CAST (element)->base_time;
  GstState state = GST_STATE (element);
  GST_OBJECT_UNLOCK (element);
  if (!clock)
    return GST_CLOCK_TIME_NONE;
  GstClockTime now = gst_clock_get_time (clock);
  gst_object_unref (clock);
  /* The base time only means something while PLAYING. */
  if (state != GST_STATE_PLAYING || !GST_CLOCK_TIME_IS_VALID (base_time))
    return GST_CLOCK_TIME_NONE;
  return now > base_time ? now - base_time : 0;
}

std::string
gst_gemini_live_redact (GstGeminiLive *self, const std::string &text)
{
  std::vector<std::string> secrets;
  {
    std::lock_guard<std::mutex> guard (self->priv->session_lock);
    /* Every credential of the backend in use (geminilive_backend.cpp). */
    secrets = self->priv->secrets_in_use;
    secrets.push_back (self->priv->key_in_use);
  }
  std::string out = text;
  for (const auto &secret : secrets) {
    if (secret.empty ())
      continue;
    for (size_t at = out.find (secret); at != std::string::npos; at = out.find (secret, at))
      out.replace (at, secret.size (), "REDACTED");
  }
  return out;
}

void
gst_gemini_live_post (GstGeminiLive *self, GstStructure *structure)
{
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), structure));
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

static void
post_transcript (GstGeminiLive *self, const char *name, const std::string &text)
{
  /* The service does not say which audio a fragment belongs to: it is
   * stamped with the running time at which it arrived. */
  gst_gemini_live_post (self, gst_structure_new (name,
          "text", G_TYPE_STRING, text.c_str (),
          "running-time", G_TYPE_UINT64, (guint64) gst_gemini_live_running_time (self),
          nullptr));
}

static void
post_usage (GstGeminiLive *self, const gemlive::UsageMetadata &usage)
{
  GstStructure *s = gst_structure_new_empty ("geminilive/usage");
  for (const auto &count : usage.counts)
    gst_structure_set (s, usage_field_name (count.first).c_str (), G_TYPE_INT64,
        (gint64) count.second, nullptr);
  gst_gemini_live_post (self, s);
}

/* A copy into memory from GStreamer's allocator, not a GstMemory wrapped
 * around the decoded GBytes: each element's src task frees what it pushes,
 * and GLib 2.74 keeps a per-thread cache of freed slices of every size a
 * thread frees. The GBytes and a wrapping GstMemory are two small slice
 * sizes that would pile up on every task thread (about 7 kB per session,
 * measured); the 4.8 kB copy per 100 ms costs far less. The system memory
 * block is one malloc, and the decoded GBytes is freed here, on the
 * network thread. */
static GstMemory *
copy_to_gst_memory (GBytes *pcm)
{
  gsize size = 0;
  const void *data = g_bytes_get_data (pcm, &size);
  GstMemory *memory = gst_allocator_alloc (nullptr, size, nullptr);
  GstMapInfo map;
  if (!gst_memory_map (memory, &map, GST_MAP_WRITE)) {
    /* Not reached with system memory; a wrapped copy plays the same. */
    gst_memory_unref (memory);
    gpointer copy = g_memdup2 (data, size);
    return gst_memory_new_wrapped (GstMemoryFlags (0), copy, size, 0, size, copy, g_free);
  }
  memcpy (map.data, data, size);
  gst_memory_unmap (memory, &map);
  return memory;
}

/* serverContent.interrupted: drop what is queued, flush what is downstream. */
static void
barge_in (GstGeminiLive *self)
{
  auto priv = self->priv;
  size_t dropped = priv->output.drop_audio ();
  GST_INFO_OBJECT (self, "interrupted: dropped %" G_GSIZE_FORMAT " queued bytes", dropped);
  if (!priv->stream_started)
    return;
  /* FLUSH_START from here unblocks a sink waiting on the clock; the src task
   * sends FLUSH_STOP and a new segment when it reaches the marker. */
  priv->flush_expected = true;
  gst_pad_push_event (priv->srcpad, gst_event_new_flush_start ());
  priv->output.push (OutputItem (OutputItem::Kind::FLUSH_STOP));
}

static void
fail (GstGeminiLive *self)
{
  {
    std::lock_guard<std::mutex> guard (self->priv->reply_lock);
    self->priv->reply.failed = true;
  }
  self->priv->output.push (OutputItem (OutputItem::Kind::ERROR));
}

void
SessionEvents::on_setup_complete ()
{
  auto self = element_;
  {
    std::lock_guard<std::mutex> guard (self->priv->reply_lock);
    self->priv->reply.connected = true;
  }
  GST_INFO_OBJECT (self, "setupComplete: the session is ready");
  gst_gemini_live_post (self, gst_structure_new ("geminilive/session",
          "state", G_TYPE_STRING, "connected", nullptr));
  gst_element_post_message (GST_ELEMENT (self), gst_message_new_progress (GST_OBJECT (self),
          GST_PROGRESS_TYPE_COMPLETE, "connect", "Connected to the Gemini Live API"));
}

void
SessionEvents::on_server_message (gemlive::ServerMessage &message)
{
  auto self = element_;
  auto priv = self->priv;

  if (message.interrupted) {
    bool active;
    {
      std::lock_guard<std::mutex> guard (priv->reply_lock);
      active = !priv->reply.finished && !priv->reply.failed;
      /* The service stops the interrupted reply at `interrupted`: audio in
       * later frames is the next reply (which may come without a
       * turnComplete in between), so it starts a new reply, not a drop. */
      priv->reply.in_reply = false;
    }
    if (active)
      barge_in (self);
    gst_gemini_live_post (self, gst_structure_new ("geminilive/interrupted",
            "running-time", G_TYPE_UINT64, (guint64) gst_gemini_live_running_time (self),
            nullptr));
  }

  if (!message.audio.empty () && message.audio_rate != GEMINI_LIVE_OUTPUT_RATE) {
    bool already_failed;
    {
      std::lock_guard<std::mutex> guard (priv->reply_lock);
      already_failed = priv->reply.failed;
    }
    if (!already_failed) {
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("The server sent audio at %d Hz; the src pad is fixed at %d Hz.",
              message.audio_rate, GEMINI_LIVE_OUTPUT_RATE),
          ("Put no resampling in the element: the src caps are part of its interface."));
      fail (self);
    }
    message.audio.clear ();
  }

  bool drained = false;
  guint64 odd_bytes_dropped;
  {
    std::lock_guard<std::mutex> guard (priv->reply_lock);
    auto &reply = priv->reply;
    for (auto &bytes : message.audio) {
      if (message.interrupted || reply.finished || reply.failed)
        continue;
      if (!reply.in_reply)
        reply.pcm.end_reply ();  /* the last reply's odd byte, if any */
      reply.in_reply = true;
      bool reply_start;
      gemlive::BytesPtr pcm = reply.pcm.align (std::move (bytes), &reply_start);
      if (pcm)
        priv->output.push (OutputItem::audio (copy_to_gst_memory (pcm.get ()), reply_start));
    }
    if (message.turn_complete) {
      reply.pcm.end_reply ();
      reply.in_reply = false;
      if (reply.draining) {
        reply.draining = false;
        reply.finished = true;
        drained = true;
      }
    }
    odd_bytes_dropped = reply.pcm.take_dropped ();
  }
  if (odd_bytes_dropped)
    GST_WARNING_OBJECT (self, "the server sent S16LE audio of odd length: dropped %"
        G_GUINT64_FORMAT " unpaired byte(s) at the end of a reply", odd_bytes_dropped);

  for (const auto &text : message.texts)
    GST_DEBUG_OBJECT (self, "ignoring a text part of %" G_GSIZE_FORMAT " bytes", text.size ());
  if (message.input_transcription) {
    post_transcript (self, "geminilive/input-transcription", *message.input_transcription);
    /* Also on text_src, if requested and text-src-input-transcription is set. */
    gst_gemini_live_text_input_transcription (self, *message.input_transcription);
  }
  if (message.output_transcription) {
    post_transcript (self, "geminilive/output-transcription", *message.output_transcription);
    gst_gemini_live_text_output_transcription (self, *message.output_transcription);  /* 4 */
  }
  if (message.generation_complete)
    gst_gemini_live_post (self, gst_structure_new_empty ("geminilive/generation-complete"));
  if (message.turn_complete) {
    GstStructure *s = gst_structure_new_empty ("geminilive/turn-complete");
    if (!message.turn_complete_reason.empty ())
      gst_structure_set (s, "reason", G_TYPE_STRING, message.turn_complete_reason.c_str (),
          nullptr);
    gst_gemini_live_post (self, s);
  }
  /* After turn-complete when both come in one frame: the model finished and
   * now waits for the user (geminilive_metadata.cpp). */
  if (message.waiting_for_input)
    gst_gemini_live_metadata_on_waiting_for_input (self);
  if (drained) {
    {
      std::lock_guard<std::mutex> guard (priv->session_lock);
      if (priv->drain_alarm)
        priv->drain_alarm->cancel ();
    }
    /* After the turn's messages, so the application sees them before EOS. */
    GST_INFO_OBJECT (self, "turnComplete after the input ended: draining to EOS");
    priv->output.push (OutputItem (OutputItem::Kind::EOS));
  }
  /* Function calling and Google Search sources (geminilive_tools.cpp). */
  if (!message.tool_calls.empty ())
    gst_gemini_live_tools_on_calls (self, message.tool_calls);
  if (!message.cancelled_tool_call_ids.empty ())
    gst_gemini_live_tools_on_cancellation (self, message.cancelled_tool_call_ids);
  if (message.grounding)
    gst_gemini_live_tools_on_grounding (self, *message.grounding);
  /* The pages the urlContext tool fetched (geminilive_metadata.cpp). */
  if (message.url_context)
    gst_gemini_live_metadata_on_url_context (self, *message.url_context);
  if (message.go_away)
    GST_INFO_OBJECT (self, "goAway: the server closes this connection in %" G_GINT64_FORMAT
        " ms; the session resumes on a new one", message.go_away->time_left_ms);
  if (message.usage)
    post_usage (self, *message.usage);
}

static void
post_session_end_error (GstGeminiLive *self, const SessionEnd &end, const std::string &model)
{
  auto reason = gst_gemini_live_redact (self, end.reason);
  auto detail = gst_gemini_live_redact (self, end.detail);
  const char *shown_reason = reason.empty () ? "no reason given" : reason.c_str ();

  /* A refused credential names the backend and the credential to fix. */
  if (gst_gemini_live_backend_post_refusal (self, end))
    return;

  switch (end.kind) {
    case SessionEnd::Kind::UNREACHABLE:
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE,
          ("Could not connect to the Gemini Live endpoint %s: %s.", end.host_port.c_str (),
              detail.c_str ()),
          ("Check the endpoint property and the network."));
      return;
    case SessionEnd::Kind::HANDSHAKE_REFUSED:
      if (end.http_status == 401 || end.http_status == 403)
        GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
            ("Gemini Live refused the connection to %s (HTTP %u %s). Check api-key or "
                "GEMINI_API_KEY.", end.host_port.c_str (), end.http_status, shown_reason),
            (nullptr));
      else if (end.http_status == 404)
        GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
            ("Gemini Live refused the connection to %s (HTTP 404 %s). Check endpoint and "
                "api-version.", end.host_port.c_str (), shown_reason), (nullptr));
      else if (end.http_status == 429)
        GST_ELEMENT_ERROR (self, RESOURCE, BUSY,
            ("Gemini Live refused the connection to %s (HTTP 429 %s): quota or rate limit "
                "exceeded.", end.host_port.c_str (), shown_reason), (nullptr));
      else
        GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE,
            ("Gemini Live refused the connection to %s (HTTP %u %s).", end.host_port.c_str (),
                end.http_status, shown_reason), ("%s", detail.c_str ()));
      return;
    case SessionEnd::Kind::REQUEST_FAILED:
      /* The request is built again before each (re)connect, so that expiring
       * credentials can be refreshed; this time it could not be. */
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Could not build the Gemini Live connection request: %s.", detail.c_str ()),
          (nullptr));
      return;
    case SessionEnd::Kind::PROTOCOL_VIOLATION:
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("The Gemini Live server at %s broke the WebSocket protocol (close %d: %s); the "
              "session ends rather than reconnecting to a broken service.",
              end.host_port.c_str (), end.close_code, detail.c_str ()),
          ("Check the endpoint property: it may point at something that is not a Live service."));
      return;
    case SessionEnd::Kind::INVALID_TEXT_FRAME:
    case SessionEnd::Kind::OVERLOADED:
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("The connection to Gemini Live at %s failed: %s.", end.host_port.c_str (),
              gemlive::describe_end (end).c_str ()),
          ("%s", gst_gemini_live_resilience_describe_give_up (self, end).c_str ()));
      return;
    case SessionEnd::Kind::CLOSED:
      break;
  }

  /* Why no reconnection followed (reconnect-attempts). */
  std::string gave_up = gst_gemini_live_resilience_describe_give_up (self, end);
  if (end.close_code == 1007 && reason.find ("API key") != std::string::npos)
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("Gemini Live rejected the session (close 1007: %s). Check api-key or GEMINI_API_KEY.",
            shown_reason), (nullptr));
  else if (end.close_code == 1007)
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Gemini Live rejected the session (close 1007: %s). Check the element's properties.",
            shown_reason), (nullptr));
  else if (end.close_code == 1008)
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Gemini Live rejected the session (close 1008: %s). Check model (\"%s\") and "
            "api-version.", shown_reason, model.c_str ()), (nullptr));
  else if (end.close_code == 1006)
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("The connection to Gemini Live at %s dropped (close 1006: no close frame%s%s).",
            end.host_port.c_str (), detail.empty () ? "" : "; ", detail.c_str ()),
        ("%s", gave_up.c_str ()));
  else
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("The Gemini Live connection closed %s (close %d: %s).",
            end.after_setup ? "mid-session" : "during setup", end.close_code, shown_reason),
        ("%s", gave_up.c_str ()));
}

void
SessionEvents::on_session_end (const SessionEnd &end)
{
  auto self = element_;
  auto priv = self->priv;
  bool finished, failed, connected;
  {
    std::lock_guard<std::mutex> guard (priv->reply_lock);
    finished = priv->reply.finished;
    failed = priv->reply.failed;
    connected = priv->reply.connected;
  }
  std::string model;
  {
    std::lock_guard<std::mutex> guard (priv->session_lock);
    model = priv->model_in_use;
  }
  GST_INFO_OBJECT (self, "session ended: close code %d", end.close_code);

  GstStructure *s = gst_structure_new ("geminilive/session", "state", G_TYPE_STRING, "closed",
      "close-code", G_TYPE_INT, end.close_code,
      "reason", G_TYPE_STRING, gst_gemini_live_redact (self, end.reason).c_str (), nullptr);
  gst_gemini_live_post (self, s);
  if (!connected)
    gst_element_post_message (GST_ELEMENT (self), gst_message_new_progress (GST_OBJECT (self),
            GST_PROGRESS_TYPE_ERROR, "connect", "Could not open the Gemini Live session"));

  /* After our EOS a close is the normal end of the conversation. */
  if (finished || failed)
    return;
  post_session_end_error (self, end, model);
  fail (self);
}

void
SessionEvents::on_log (gemlive::LogLevel level, const std::string &text)
{
  auto self = element_;
  auto safe = gst_gemini_live_redact (self, text);
  switch (level) {
    case gemlive::LogLevel::DEBUG: GST_DEBUG_OBJECT (self, "%s", safe.c_str ()); break;
    case gemlive::LogLevel::INFO: GST_INFO_OBJECT (self, "%s", safe.c_str ()); break;
    case gemlive::LogLevel::WARNING: GST_WARNING_OBJECT (self, "%s", safe.c_str ()); break;
  }
}

void
gst_gemini_live_drain_timed_out (GstGeminiLive *self)
{
  auto priv = self->priv;
  {
    std::lock_guard<std::mutex> guard (priv->reply_lock);
    if (!priv->reply.draining)
      return;
    priv->reply.draining = false;
    priv->reply.finished = true;
  }
  guint64 ms;
  {
    std::lock_guard<std::mutex> guard (priv->session_lock);
    ms = priv->drain_timeout / GST_MSECOND;
  }
  GST_ELEMENT_WARNING (self, STREAM, FAILED,
      ("The model did not finish its answer within drain-timeout (%" G_GUINT64_FORMAT
          " ms) after the input ended; pushing EOS anyway.", ms), (nullptr));
  priv->output.push (OutputItem (OutputItem::Kind::EOS));
}
