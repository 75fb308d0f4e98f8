/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input into the conversation: microphone audio and its end (streaming
 * thread), video and text frames (request pads), and the action signals
 * (any thread). Every frame goes through the InputGate, so a blocking tool
 * call holds all of it back, in order. Warnings are posted after the gate's
 * lock is released, so a synchronous bus handler may call back in.
 */
#include "conversation.h"

#include "live/protocol.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

/* A partial chunk waits at most this long for more audio. */
#define CHUNK_FLUSH_DEADLINE_US (gint64) (gemlive::AudioChunker::DEFAULT_CHUNK_MS * 1000)
/* After audioStreamEnd with nothing awaiting an answer, EOS follows this
 * much later: long enough for a reply already on its way to show itself. */
#define QUIET_AFTER_INPUT_END_US (1500 * 1000)
/* half-duplex: the microphone stays muted this long after the reply's
 * last sample has played, for the echo still on its way (the device's
 * unreported delay and the room's reverberation, 30-150 ms). */
#define HALF_DUPLEX_TAIL_US (200 * 1000)
/* A buffer whose RMS reaches this (about -35 dBFS) holds speech, not the
 * noise floor of a quiet microphone or digital silence. */
#define SPEECH_RMS 600.0

/* Whether S16LE `data` is louder than a quiet room. */
static bool
has_speech (const guint8 *data, gsize size)
{
  gsize samples = size / 2;
  if (samples == 0)
    return false;
  double sum = 0;
  for (gsize i = 0; i < samples; i++) {
    gint16 v = (gint16) (data[2 * i] | (data[2 * i + 1] << 8));
    sum += (double) v * v;
  }
  return sum / samples >= SPEECH_RMS * SPEECH_RMS;
}

void
Conversation::post_gate_news (const GateNews &news)
{
  if (!news.held_audio_dropped)
    return;
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  GST_ELEMENT_WARNING (owner, STREAM, FAILED,
      ("A blocking tool call is still unanswered after %" G_GINT64_FORMAT " s of "
          "microphone audio; the oldest held audio is being dropped.",
          gemlive::HeldInput::DEFAULT_MAX_AUDIO_MS / 1000),
      ("Answer with send-tool-response or lower tool-timeout."));
  gst_object_unref (owner);
}

GstFlowReturn
Conversation::input_flow ()
{
  if (reply_.input_refused ())
    return GST_FLOW_ERROR;
  return is_open () ? GST_FLOW_OK : GST_FLOW_FLUSHING;
}

/* Network thread: the chunk deadline passed. */
void
Conversation::flush_partial_chunk ()
{
  auto s = session ();
  if (!s)
    return;
  GateNews news;
  gate_.flush_partial (*s, news);
  post_gate_news (news);
}

/* half-duplex: whether reply audio is waiting for the src side or still
 * playing (the src side tells when what it pushed will have played). */
bool
Conversation::reply_audible ()
{
  if (audio_.queued_audio_bytes () > 0)
    return true;
  return g_get_monotonic_time () < audio_.playout_end_us () + HALF_DUPLEX_TAIL_US;
}

GstFlowReturn
Conversation::input_audio (const guint8 *data, gsize size)
{
  std::shared_ptr<gemlive::LiveSession> s;
  std::shared_ptr<gemlive::Alarm> chunk_alarm;
  bool half_duplex;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    s = session_;
    chunk_alarm = chunk_alarm_;
    half_duplex = settings_.half_duplex;
  }
  /* Silence in place of the microphone while the reply plays: time still
   * passes for the service, and it cannot hear the reply's echo. */
  if (half_duplex && reply_audible ()) {
    /* Per streaming thread, only ever zeros: no allocation per buffer. */
    thread_local std::vector<guint8> silence;
    if (silence.size () < size)
      silence.resize (size, 0);
    data = silence.data ();
  }
  if (reply_.input_refused ())
    return GST_FLOW_ERROR;
  if (reply_.failed ())
    return GST_FLOW_OK;  /* dropped: the error is about to be posted */
  if (!s)
    return GST_FLOW_FLUSHING;
  if (has_speech (data, size))
    reply_.expect_answer ();
  GateNews news;
  bool cut = false;
  bool pending = gate_.push_audio (*s, data, size, cut, news);
  /* The deadline belongs to the oldest sample still waiting. Once a chunk
   * went out, a deadline left armed would cut the next chunk short: with
   * 20 ms buffers every other frame would be a 20 ms leftover. */
  if (cut || !pending)
    chunk_alarm->cancel ();
  if (pending)
    chunk_alarm->fire_at (g_get_monotonic_time () + CHUNK_FLUSH_DEADLINE_US);
  post_gate_news (news);
  return GST_FLOW_OK;
}

void
Conversation::input_rate (int rate)
{
  auto s = session ();
  GateNews news;
  gate_.set_rate (s.get (), rate, news);
  post_gate_news (news);
}

bool
Conversation::has_input_rate ()
{
  return gate_.rate () != 0;
}

void
Conversation::input_eos ()
{
  auto s = session ();
  GateNews news;
  switch (reply_.input_ended (s != nullptr)) {
    case ReplyState::InputEnd::NOTHING:
      return;
    case ReplyState::InputEnd::EOS_NOW:
      audio_.push (gemlive::OutputItem (gemlive::OutputItem::Kind::EOS));
      return;
    case ReplyState::InputEnd::DRAIN:
      break;
  }
  GST_INFO ("input ended: sending audioStreamEnd, waiting for turnComplete");
  gate_.send (*s, gemlive::encode_audio_stream_end (), 0, true, news);
  /* While still connecting they fire to no effect and start again at
   * setupComplete: a failure to connect stays an error. */
  arm_drain_timers ();
  post_gate_news (news);
}

void
Conversation::arm_drain_timers ()
{
  /* Both: the quiet period ends the drain when nothing awaits an answer,
   * drain-timeout when the answer never completes. */
  std::lock_guard<std::mutex> guard (session_lock_);
  gint64 now = g_get_monotonic_time ();
  if (drain_alarm_) {
    drain_alarm_->cancel ();
    drain_alarm_->fire_at (now + (gint64) settings_.drain_timeout_ms * 1000);
  }
  if (quiet_alarm_) {
    quiet_alarm_->cancel ();
    quiet_alarm_->fire_at (now + QUIET_AFTER_INPUT_END_US);
  }
}

void
Conversation::input_flush ()
{
  gate_.drop_partial ();
}

/* The translate model closes the session (1007) on anything but audio:
 * such input is dropped here instead, with one warning per session. */
bool
Conversation::refuse_non_audio_input ()
{
  if (model_kind_ != (int) gemlive::ModelKind::TRANSLATION)
    return false;
  if (!warned_audio_only_.exchange (true)) {
    GstElement *owner = owner_ref ();
    if (owner) {
      GST_ELEMENT_WARNING (owner, STREAM, WRONG_TYPE,
          ("The translate model takes audio input only: video and text input is dropped."),
          ("Unlink video_sink and text_sink and send no text or client content to a "
           "translate model."));
      gst_object_unref (owner);
    }
  }
  return true;
}

void
Conversation::input_stream_pause ()
{
  auto s = session ();
  if (!s)
    return;
  GST_INFO ("a gap in the input: audioStreamEnd until audio returns");
  GateNews news;
  gate_.send (*s, gemlive::encode_audio_stream_end (), 0, true, news);
  post_gate_news (news);
}

void
Conversation::input_frame (std::string frame, bool expects_answer)
{
  auto s = session ();
  if (!s || refuse_non_audio_input ())
    return;
  if (expects_answer)
    reply_.expect_answer ();
  GateNews news;
  gate_.send (*s, std::move (frame), 0, false, news);
  post_gate_news (news);
}

gboolean
Conversation::send_text (const gchar *text)
{
  GstElement *owner = owner_ref ();
  if (!text || !*text || !g_utf8_validate (text, -1, nullptr)) {
    GST_WARNING_OBJECT (owner, "send-text: refusing %s text", text && *text ? "non-UTF-8"
        : "empty");
    gst_clear_object (&owner);
    return FALSE;
  }
  gst_clear_object (&owner);
  if (!is_open ()) {
    GST_WARNING ("send-text: no session (the element is not PAUSED or PLAYING)");
    return FALSE;
  }
  if (refuse_non_audio_input ())
    return FALSE;
  input_frame (gemlive::encode_realtime_text (text), true);
  return TRUE;
}

gboolean
Conversation::send_client_content (const gchar *role, const gchar *text, gboolean turn_complete)
{
  std::vector<gemlive::ContentTurn> turns;
  if (text && *text) {
    std::string r = role && *role ? role : "user";
    if (r != "user" && r != "model") {
      GST_WARNING ("send-client-content: role must be \"user\" or \"model\", not \"%s\"",
          r.c_str ());
      return FALSE;
    }
    if (!g_utf8_validate (text, -1, nullptr)) {
      GST_WARNING ("send-client-content: text is not UTF-8");
      return FALSE;
    }
    turns.push_back ({r, text});
  } else if (!turn_complete) {
    GST_WARNING ("send-client-content: nothing to send (no text, no turn end)");
    return FALSE;
  }
  if (!is_open ()) {
    GST_WARNING ("send-client-content: no session (the element is not PAUSED or PLAYING)");
    return FALSE;
  }
  if (refuse_non_audio_input ())
    return FALSE;
  input_frame (gemlive::encode_client_content (turns, turn_complete), turn_complete);
  return TRUE;
}

gboolean
Conversation::activity (bool start)
{
  const char *what = start ? "activity-start" : "activity-end";
  std::shared_ptr<gemlive::LiveSession> s;
  bool manual;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    s = session_;
    manual = !settings_.automatic_activity_detection;
  }
  if (!s) {
    GST_WARNING ("%s: no session (the element is not PAUSED or PLAYING)", what);
    return FALSE;
  }
  if (!manual) {
    /* The service closes the session (1007) on activity signals while its
     * own detection runs. */
    GstElement *owner = owner_ref ();
    if (owner) {
      GST_ELEMENT_WARNING (owner, LIBRARY, SETTINGS,
          ("Ignored %s: automatic activity detection is on.", what),
          ("Set automatic-activity-detection=false before the session opens to mark turns "
           "yourself; the service rejects activity signals otherwise."));
      gst_object_unref (owner);
    }
    return FALSE;
  }
  /* Audio still in the chunker belongs before the signal (it is the end of
   * the turn, or before its start): the gate sends it first. */
  if (!start)
    reply_.expect_answer ();
  GateNews news;
  gate_.send (*s, start ? gemlive::encode_activity_start () : gemlive::encode_activity_end (), 0,
      true, news);
  GST_INFO ("%s through the tool gate", start ? "activityStart" : "activityEnd");
  /* A transcribe model holds the end of what it heard until the stream
   * ends: the end of push-to-talk is that end, so the final text comes now. */
  if (!start && transcribing ()) {
    gate_.send (*s, gemlive::encode_audio_stream_end (), 0, true, news);
    GST_INFO ("audioStreamEnd after activityEnd (transcribe model)");
  }
  post_gate_news (news);
  return TRUE;
}
