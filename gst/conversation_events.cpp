/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the network thread does with the session's news: audio and
 * transcripts are queued for the src side, everything else becomes a
 * geminilive/... bus message (messages.h) or an element error. Runs on the
 * network thread; every lock is released before a message is posted.
 */
#include "conversation.h"

#include "messages.h"

#include "live/model_catalog.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

using gemlive::OutputItem;
using gemlive::SessionEnd;

/* How long the end of a turn waits for the usage of that turn. */
#define USAGE_WAIT_US (500 * 1000)

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

/* The running time a transcript covers, from the service's offsets (ms
 * from the start of the input audio, which began at `origin`); false (pts
 * left NONE) when the service gave none. */
static bool
transcript_span (const gemlive::TranscriptionInfo &info, GstClockTime origin, GstClockTime &pts,
    GstClockTime &duration)
{
  if (!info.start_offset_ms || *info.start_offset_ms < 0)
    return false;
  if (!GST_CLOCK_TIME_IS_VALID (origin))
    origin = 0;
  pts = origin + (GstClockTime) *info.start_offset_ms * GST_MSECOND;
  if (info.end_offset_ms && *info.end_offset_ms > *info.start_offset_ms)
    duration = (GstClockTime) (*info.end_offset_ms - *info.start_offset_ms) * GST_MSECOND;
  return true;
}

void
Conversation::fail ()
{
  if (reply_.fail ())
    audio_.push (OutputItem (OutputItem::Kind::ERROR));
  reply_.error_posted ();  /* the callers post it first */
}

/* serverContent.interrupted: drop what is queued; the src task pushes
 * FLUSH_START/FLUSH_STOP downstream when it reaches the marker. */
void
Conversation::barge_in ()
{
  size_t dropped = audio_.drop_audio ();
  GST_INFO ("interrupted: dropped %" G_GSIZE_FORMAT " queued bytes", dropped);
  audio_.push (OutputItem (OutputItem::Kind::FLUSH_STOP));
}

/* Network thread: reply audio for the src, unless more than max-queued-audio
 * waits there already (a server far ahead of playback): then it is dropped,
 * and said on the bus at most twice a second. */
void
Conversation::queue_reply_audio (GstElement *owner, GstMemory *pcm, bool reply_start)
{
  const size_t max_bytes = (size_t) max_queued_audio_ms_ * GEMINI_LIVE_OUTPUT_RATE * 2 / 1000;
  size_t size = pcm->size;
  bool queued = audio_.push_audio_within (OutputItem::audio (pcm, reply_start), max_bytes);
  if (!queued) {
    dropped_bytes_unreported_ += size;
    dropped_bytes_total_ += size;
  }
  report_dropped_audio (owner, queued);
}

/* Network thread: the drops not yet on the bus; now (force: the turn ended,
 * or a chunk was queued again) or at most twice a second while dropping. */
void
Conversation::report_dropped_audio (GstElement *owner, bool force)
{
  const guint max_ms = max_queued_audio_ms_;
  gint64 now = g_get_monotonic_time ();
  if (dropped_bytes_unreported_ == 0
      || (!force && now - dropped_reported_us_ < G_USEC_PER_SEC / 2))
    return;
  auto to_ms = [] (guint64 bytes) { return bytes * 1000 / (GEMINI_LIVE_OUTPUT_RATE * 2); };
  GST_INFO_OBJECT (owner, "dropped %" G_GUINT64_FORMAT " ms of reply audio beyond "
      "max-queued-audio (%u ms)", to_ms (dropped_bytes_unreported_), max_ms);
  messages::post (owner, messages::audio_dropped (to_ms (dropped_bytes_unreported_),
          to_ms (dropped_bytes_total_), max_ms));
  dropped_bytes_unreported_ = 0;
  dropped_reported_us_ = now;
}

void
Conversation::on_setup_complete (const std::string &session_id)
{
  if (reply_.connected ())
    arm_drain_timers ();  /* the input ended while connecting */
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  GST_INFO_OBJECT (owner, "setupComplete: the session is ready");
  messages::post (owner, messages::session_connected (session_id));
  messages::post_connect_progress (owner, GST_PROGRESS_TYPE_COMPLETE);
  confirm_context_reconnect (owner);
  gst_object_unref (owner);
}

void
Conversation::on_server_message (gemlive::ServerMessage &message)
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return;

  if (held_turn_end_) {
    /* The usage the turn's end waited for comes first. */
    if (message.usage && !message.turn_complete) {
      messages::post (owner, messages::usage (*message.usage));
      message.usage.reset ();
    }
    release_held_turn_end (owner);
  }

  if (message.interrupted) {
    if (reply_.interrupted () && output_attached_)
      barge_in ();
    messages::post (owner, messages::interrupted (running_time ()));
  }

  if (!message.audio.empty () && message.audio_rate != GEMINI_LIVE_OUTPUT_RATE) {
    if (!reply_.failed ()) {
      GST_ELEMENT_ERROR (owner, STREAM, FORMAT,
          ("The server sent audio at %d Hz; the src pad is fixed at %d Hz.",
              message.audio_rate, GEMINI_LIVE_OUTPUT_RATE),
          ("Put no resampling in the element: the src caps are part of its interface."));
      fail ();
    }
    message.audio.clear ();
  }

  if (!message.interrupted) {
    for (auto &bytes : message.audio) {
      bool reply_start = false;
      gemlive::BytesPtr pcm = reply_.reply_audio (std::move (bytes), reply_start);
      if (pcm && output_attached_)
        queue_reply_audio (owner, copy_to_gst_memory (pcm.get ()), reply_start);
    }
  }
  ReplyState::TurnStep step;
  if (message.turn_complete || message.interaction_status != gemlive::InteractionStatus::NONE)
    step = reply_.server_turn (message.turn_complete, message.interaction_status);
  if (step.reply_complete || message.interrupted)
    report_dropped_audio (owner, true);
  /* The caption line of the reply ends with it (after its last fragment,
   * below, when both come in one frame: so it is queued after those). An
   * extended-thinking filler is a line of its own. */
  bool end_caption = (step.reply_complete || message.interrupted) && text_src_
      && output_attached_;
  if (guint64 odd = reply_.take_dropped_bytes ())
    GST_WARNING_OBJECT (owner, "the server sent S16LE audio of odd length: dropped %"
        G_GUINT64_FORMAT " unpaired byte(s) at the end of a reply", odd);

  for (const auto &text : message.texts)
    GST_DEBUG_OBJECT (owner, "ignoring a text part of %" G_GSIZE_FORMAT " bytes", text.size ());
  if (!message.thoughts.empty ()) {
    bool wanted;
    {
      std::lock_guard<std::mutex> guard (session_lock_);
      wanted = settings_.include_thoughts;
    }
    /* Only what the application asked for: a server that sends thoughts
     * unasked gets them dropped, with a line in the log. */
    for (const auto &thought : message.thoughts) {
      if (wanted)
        messages::post (owner, messages::thought (thought, running_time ()));
      else
        GST_DEBUG_OBJECT (owner, "dropping a thought part of %" G_GSIZE_FORMAT " bytes: "
            "include-thoughts is off", thought.size ());
    }
  }
  post_transcripts (owner, message);
  if (end_caption)
    audio_.push (OutputItem (OutputItem::Kind::TEXT));
  if (message.generation_complete)
    messages::post (owner, messages::generation_complete ());
  on_turn_progress (owner, message, step);
  if (!message.tool_calls.empty ())
    on_tool_calls (message.tool_calls);
  if (!message.cancelled_tool_call_ids.empty ())
    on_tool_cancellation (message.cancelled_tool_call_ids);
  if (message.grounding)
    messages::post (owner, messages::grounding (*message.grounding));
  if (message.url_context) {
    GST_DEBUG_OBJECT (owner, "urlContextMetadata: %" G_GSIZE_FORMAT " URLs",
        message.url_context->urls.size ());
    messages::post (owner, messages::url_context (*message.url_context, running_time ()));
  }
  if (message.voice_activity)
    messages::post (owner, messages::voice_activity (*message.voice_activity, running_time ()));
  if (message.go_away)
    GST_INFO_OBJECT (owner, "goAway: the server closes this connection in %" G_GINT64_FORMAT
        " ms; the session resumes on a new one", message.go_away->time_left_ms);
  if (message.usage)
    messages::post (owner, messages::usage (*message.usage));
  gst_object_unref (owner);
}

/* Network thread: the transcripts of a frame, on the bus and for text_src. */
void
Conversation::post_transcripts (GstElement *owner, const gemlive::ServerMessage &message)
{
  if (message.interim_input_transcription) {
    /* Provisional: on the bus only (interim=true); the final text follows
     * as inputTranscription and is what text_src shows. */
    const auto &interim = *message.interim_input_transcription;
    if (!interim.text.empty ())
      reply_.expect_answer ();
    messages::post (owner, messages::transcript (true, interim.text, interim.info,
            running_time (), true));
  }
  if (message.input_transcription) {
    const auto &text = *message.input_transcription;
    if (!text.empty ())
      reply_.expect_answer ();
    GstClockTime pts = GST_CLOCK_TIME_NONE, duration = GST_CLOCK_TIME_NONE;
    transcript_span (message.input_transcription_info, input_origin_, pts, duration);
    messages::post (owner, messages::transcript (true, text, message.input_transcription_info,
            running_time (), false, pts, duration));
    /* A transcribe model's only text is this: it always goes to text_src.
     * Without offsets the text_src task stamps it when it pops it. */
    if (text_src_ && (text_input_transcripts_ || transcribing ()) && !text.empty ()) {
      GstBuffer *buffer = gst_buffer_new_memdup (text.data (), text.size ());
      GST_BUFFER_PTS (buffer) = pts;
      GST_BUFFER_DURATION (buffer) = duration;
      text_.push (OutputItem (OutputItem::Kind::TEXT, buffer));
    }
  }
  if (message.output_transcription) {
    const auto &text = *message.output_transcription;
    messages::post (owner, messages::transcript (false, text, message.output_transcription_info,
            running_time ()));
    /* Behind the audio already queued: the src task stamps that audio
     * first and hands the text on with its timestamps. */
    if (text_src_ && output_attached_ && !text.empty ())
      audio_.push (OutputItem (OutputItem::Kind::TEXT, gst_buffer_new_memdup (text.data (),
              text.size ())));
  }
}

/* Network thread: interaction-status, then the turn's end (held a moment
 * for its usage) or waiting-for-input. */
void
Conversation::on_turn_progress (GstElement *owner, gemlive::ServerMessage &message,
    const ReplyState::TurnStep &step)
{
  if (message.interaction_status != gemlive::InteractionStatus::NONE)
    messages::post (owner, messages::interaction_status (message.interaction_status,
            running_time ()));
  if (message.turn_complete && !step.turn_over)
    GST_DEBUG_OBJECT (owner, "turnComplete while the interaction goes on: more is coming");
  if (step.turn_over) {
    TurnEnd end;
    end.reason = message.turn_complete_reason;
    end.waiting_for_input = message.waiting_for_input;
    end.drained = step.drained;
    if (message.usage) {
      messages::post (owner, messages::usage (*message.usage));
      message.usage.reset ();
      end_turn (owner, end);
    } else {
      /* The usage of a turn comes in the frame after its turnComplete:
       * hold the turn's end for it a moment, so an application sees the
       * usage before turn-complete and EOS. */
      held_turn_end_ = end;
      std::lock_guard<std::mutex> guard (session_lock_);
      if (usage_alarm_)
        usage_alarm_->fire_at (g_get_monotonic_time () + USAGE_WAIT_US);
    }
  } else if (message.waiting_for_input) {
    GST_DEBUG_OBJECT (owner, "waitingForInput: the model waits for the user");
    messages::post (owner, messages::waiting_for_input (running_time ()));
  }
}

/* Network thread: turn-complete, waiting-for-input, then EOS when the
 * drain ends here. */
void
Conversation::end_turn (GstElement *owner, const TurnEnd &end)
{
  messages::post (owner, messages::turn_complete (end.reason));
  /* After turn-complete when both come in one frame: the model finished and
   * now waits for the user. */
  if (end.waiting_for_input) {
    GST_DEBUG_OBJECT (owner, "waitingForInput: the model waits for the user");
    messages::post (owner, messages::waiting_for_input (running_time ()));
  }
  if (end.drained) {
    {
      std::lock_guard<std::mutex> guard (session_lock_);
      if (drain_alarm_)
        drain_alarm_->cancel ();
    }
    /* After the turn's messages, so the application sees them before EOS. */
    GST_INFO_OBJECT (owner, "the turn ended after the input ended: draining to EOS");
    audio_.push (OutputItem (OutputItem::Kind::EOS));
  }
}

/* Network thread: the turn's end held for its usage goes out now (usage
 * came, something else came, the wait is over, or the session ended). */
void
Conversation::release_held_turn_end (GstElement *owner)
{
  if (!held_turn_end_)
    return;
  TurnEnd end = *held_turn_end_;
  held_turn_end_.reset ();
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    if (usage_alarm_)
      usage_alarm_->cancel ();
  }
  end_turn (owner, end);
}

void
Conversation::usage_wait_over ()
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  release_held_turn_end (owner);
  gst_object_unref (owner);
}

/* Why no reconnection followed (reconnect-attempts). */
static std::string
describe_give_up (const SessionEnd &end, guint attempts)
{
  if (end.short_lived)
    return "Gave up: " + std::to_string (end.reconnect_attempts + 1)
        + " connections in a row ended within " + std::to_string (gemlive::MIN_STABLE_MS)
        + " ms of their start (reconnect-attempts=" + std::to_string (attempts) + ").";
  if (end.reconnect_attempts > 0)
    return "Gave up after " + std::to_string (end.reconnect_attempts)
        + " reconnection attempts (reconnect-attempts=" + std::to_string (attempts) + ").";
  if (attempts == 0)
    return "Not reconnected: reconnect-attempts is 0.";
  return "Not reconnected: this close is not one that a retry can fix, or the session was "
         "never established.";
}

void
Conversation::post_session_end_error (GstElement *owner, const SessionEnd &end)
{
  auto reason = redact (end.reason);
  auto detail = redact (end.detail);
  const char *shown_reason = reason.empty () ? "no reason given" : reason.c_str ();
  BackendRoute route;
  std::string model;
  guint attempts;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    route = route_;
    model = settings_.model;
    attempts = settings_.reconnect_attempts;
  }

  /* A refused credential names the backend and the credential to fix. */
  if (backend_post_refusal (owner, route, end, [this] (const std::string &text) {
        return redact (text);
      }))
    return;

  switch (end.kind) {
    case SessionEnd::Kind::UNREACHABLE:
      GST_ELEMENT_ERROR (owner, RESOURCE, OPEN_READ_WRITE,
          ("Could not connect to the Gemini Live endpoint %s: %s.", end.host_port.c_str (),
              detail.c_str ()),
          ("Check the endpoint property and the network."));
      return;
    case SessionEnd::Kind::HANDSHAKE_REFUSED:
      if (end.http_status == 401 || end.http_status == 403)
        GST_ELEMENT_ERROR (owner, RESOURCE, NOT_AUTHORIZED,
            ("Gemini Live refused the connection to %s (HTTP %u %s). Check api-key or "
                "GEMINI_API_KEY.", end.host_port.c_str (), end.http_status, shown_reason),
            (nullptr));
      else if (end.http_status == 404)
        GST_ELEMENT_ERROR (owner, RESOURCE, NOT_FOUND,
            ("Gemini Live refused the connection to %s (HTTP 404 %s). Check endpoint and "
                "api-version.", end.host_port.c_str (), shown_reason), (nullptr));
      else if (end.http_status == 429)
        GST_ELEMENT_ERROR (owner, RESOURCE, BUSY,
            ("Gemini Live refused the connection to %s (HTTP 429 %s): quota or rate limit "
                "exceeded.", end.host_port.c_str (), shown_reason), (nullptr));
      else
        GST_ELEMENT_ERROR (owner, RESOURCE, OPEN_READ_WRITE,
            ("Gemini Live refused the connection to %s (HTTP %u %s).", end.host_port.c_str (),
                end.http_status, shown_reason), ("%s", detail.c_str ()));
      return;
    case SessionEnd::Kind::REQUEST_FAILED:
      /* The request is built again before each (re)connect, so that expiring
       * credentials can be refreshed; this time it could not be. */
      GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS,
          ("Could not build the Gemini Live connection request: %s.", detail.c_str ()),
          (nullptr));
      return;
    case SessionEnd::Kind::PROTOCOL_VIOLATION:
      GST_ELEMENT_ERROR (owner, STREAM, FAILED,
          ("The Gemini Live server at %s broke the WebSocket protocol (close %d: %s); the "
              "session ends rather than reconnecting to a broken service.",
              end.host_port.c_str (), end.close_code, detail.c_str ()),
          ("Check the endpoint property: it may point at something that is not a Live service."));
      return;
    case SessionEnd::Kind::INVALID_TEXT_FRAME:
    case SessionEnd::Kind::OVERLOADED:
      GST_ELEMENT_ERROR (owner, STREAM, FAILED,
          ("The connection to Gemini Live at %s failed: %s.", end.host_port.c_str (),
              gemlive::describe_end (end).c_str ()),
          ("%s", describe_give_up (end, attempts).c_str ()));
      return;
    case SessionEnd::Kind::CLOSED:
      break;
  }

  std::string gave_up = describe_give_up (end, attempts);
  if (end.close_code == 1007 && reason.find ("API key") != std::string::npos)
    GST_ELEMENT_ERROR (owner, RESOURCE, NOT_AUTHORIZED,
        ("Gemini Live rejected the session (close 1007: %s). Check api-key or GEMINI_API_KEY.",
            shown_reason), (nullptr));
  else if (auto setting = gemlive::setting_named_by_close (end.close_code, reason))
    /* The service's reasons for refusing a setting (protocol.md): name the
     * property, so the user need not translate the wire field. */
    GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS,
        ("Gemini Live refused the %s setting of model %s (close %d: %s).",
            setting->property.c_str (), model.c_str (), end.close_code, shown_reason),
        ("To fix: %s.", setting->advice.c_str ()));
  else if (end.close_code == 1007)
    GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS,
        ("Gemini Live rejected the session (close 1007: %s). Check the element's properties.",
            shown_reason), (nullptr));
  else if (end.close_code == 1008)
    GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS,
        ("Gemini Live rejected the session (close 1008: %s). Check model (\"%s\") and "
            "api-version.", shown_reason, model.c_str ()), (nullptr));
  else if (end.close_code == 1006)
    GST_ELEMENT_ERROR (owner, STREAM, FAILED,
        ("The connection to Gemini Live at %s dropped (close 1006: no close frame%s%s).",
            end.host_port.c_str (), detail.empty () ? "" : "; ", detail.c_str ()),
        ("%s", gave_up.c_str ()));
  else
    GST_ELEMENT_ERROR (owner, STREAM, FAILED,
        ("The Gemini Live connection closed %s (close %d: %s).",
            end.after_setup ? "mid-session" : "during setup", end.close_code, shown_reason),
        ("%s", gave_up.c_str ()));
}

void
Conversation::on_session_end (const SessionEnd &end)
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  GST_INFO_OBJECT (owner, "session ended: close code %d", end.close_code);
  release_held_turn_end (owner);
  messages::post (owner, messages::session_closed (end.close_code, redact (end.reason)));
  refuse_context_reconnect (owner, "the session ended before a resumed connection carried it");
  if (!reply_.was_connected ())
    messages::post_connect_progress (owner, GST_PROGRESS_TYPE_ERROR);
  /* After our EOS a close is the normal end of the conversation. */
  if (reply_.session_ended_unexpectedly ()) {
    post_session_end_error (owner, end);
    reply_.error_posted ();
    audio_.push (OutputItem (OutputItem::Kind::ERROR));
  }
  gst_object_unref (owner);
}

void
Conversation::on_log (gemlive::LogLevel level, const std::string &text)
{
  GstElement *owner = owner_ref ();
  auto safe = redact (text);
  switch (level) {
    case gemlive::LogLevel::DEBUG: GST_DEBUG_OBJECT (owner, "%s", safe.c_str ()); break;
    case gemlive::LogLevel::INFO: GST_INFO_OBJECT (owner, "%s", safe.c_str ()); break;
    case gemlive::LogLevel::WARNING: GST_WARNING_OBJECT (owner, "%s", safe.c_str ()); break;
  }
  if (owner)
    gst_object_unref (owner);
}

void
Conversation::on_reconnecting (const gemlive::ReconnectNotice &notice)
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  auto reason = redact (notice.reason);
  /* The connection's usage will not come now. */
  release_held_turn_end (owner);
  /* The reply in progress is lost with the connection: the next audio
   * starts a new reply (DISCONT). */
  if (!notice.planned)
    reply_.connection_lost ();
  GST_INFO_OBJECT (owner, "reconnecting (%s, attempt %u of %u, in %u ms): %s",
      notice.planned ? "planned" : "unexpected", notice.attempt, notice.max_attempts,
      notice.delay_ms, reason.c_str ());
  messages::post (owner, messages::session_reconnecting (notice, reason));
  if (notice.fresh_fallback)
    GST_ELEMENT_WARNING (owner, STREAM, FAILED,
        ("Gemini Live refused to resume the session: starting a fresh one. The "
            "conversation so far is lost to the model."),
        ("%s", reason.c_str ()));
  gst_object_unref (owner);
}

void
Conversation::on_resumed (const gemlive::ResumeNotice &notice)
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  auto reason = redact (notice.reason);
  GST_INFO_OBJECT (owner, "connection replaced (%s): %s",
      notice.context_kept ? "session resumed" : "fresh session", reason.c_str ());
  /* Function calls of the old connection are void (the service forgets
   * them); input held for a blocking call goes to the new connection. */
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    generation_++;
  }
  gate_.connection_replaced (session ().get ());
  messages::post (owner, messages::session_resumed (notice, reason));
  confirm_context_reconnect (owner);
  gst_object_unref (owner);
}

void
Conversation::on_input_dropped (uint64_t frames, size_t limit)
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  GST_ELEMENT_WARNING (owner, STREAM, FAILED,
      ("Dropped the %" G_GUINT64_FORMAT " oldest input frames: more than %" G_GSIZE_FORMAT
          " (resume-buffer) were waiting for the Gemini Live connection.", (guint64) frames,
          (gsize) limit),
      ("Raise resume-buffer to keep more input while reconnecting."));
  gst_object_unref (owner);
}

/* Network thread: audioStreamEnd went out a moment ago. */
void
Conversation::quiet_after_input_end ()
{
  if (!reply_.quiet_after_input_end ())
    return;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    if (drain_alarm_)
      drain_alarm_->cancel ();
  }
  GST_INFO ("input ended with nothing awaiting an answer: EOS");
  audio_.push (OutputItem (OutputItem::Kind::EOS));
}

void
Conversation::drain_timed_out ()
{
  if (!reply_.drain_timed_out ())
    return;
  guint ms;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    ms = settings_.drain_timeout_ms;
  }
  GstElement *owner = owner_ref ();
  if (owner) {
    GST_ELEMENT_WARNING (owner, STREAM, FAILED,
        ("The model did not finish its answer within drain-timeout (%u ms) after the input "
            "ended; pushing EOS anyway.", ms), (nullptr));
    gst_object_unref (owner);
  }
  audio_.push (OutputItem (OutputItem::Kind::EOS));
}
