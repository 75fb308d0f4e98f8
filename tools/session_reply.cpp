/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ServerSession, reply side: what the server says after a user turn, and the
 * faults a scenario injects on the way. See server_session.h.
 */
#include "server_session.h"

#include "server_messages.h"

#include <algorithm>

namespace gemlive::server {

namespace {

constexpr size_t kChunkSamples = kReplyRate * 80 / 1000;  /* 80 ms per audio message */
constexpr int kFastChunksPerStep = 8;  /* --fast: yield to other sessions every 8 chunks */
constexpr const char *kServerSignature = "This is the local Gemini Live test server answering.";
/* What extended thinking says while it thinks, before the answer. */
constexpr const char *kThinkingFiller = "Let me think about that for a moment.";
/* The source language of what the server hears (pocketsphinx en-us, or a script). */
constexpr const char *kHeardLanguage = "en-US";

/* The local server cannot translate: it says the heard text under a heading
 * in the target language, so the two transcripts differ the way a real
 * translation's do and a test can tell which is which. */
std::string
local_translation (const std::string &text, const std::string &language)
{
  static const std::pair<const char *, const char *> headings[] = {
    {"de", "Übersetzung: "}, {"fr", "Traduction : "}, {"es", "Traducción: "},
    {"it", "Traduzione: "}, {"pt", "Tradução: "}, {"nl", "Vertaling: "},
  };
  const std::string base = language.substr (0, language.find ('-'));
  for (const auto &[code, heading] : headings)
    if (base == code)
      return heading + text;
  return "[" + language + "] " + text;
}

int64_t
samples_to_ms (size_t samples)
{
  return static_cast<int64_t> (samples) * 1000 / kReplyRate;
}

}  // namespace

bool
ServerSession::reply_playing () const
{
  if (reply_state_ != ReplyState::IDLE)
    return true;
  return server_.config ().realtime && g_get_monotonic_time () < playback_end_us_;
}

void
ServerSession::begin_reply (const UserTurn &turn)
{
  user_turn_ = turn;
  turn_ = server_.config ().scenario.turn (conversation_->turns_done);
  reply_state_ = ReplyState::STALLING;
  reply_generation_++;
  server_.log ("%s: turn %zu ended (%s)", tag_.c_str (), conversation_->turns_done + 1,
      turn.source == UserTurn::Source::TEXT ? "text" : "audio");

  heard_ = turn.source == UserTurn::Source::TEXT ? turn.text : turn_.transcript.value_or ("");

  if (!turn_.fault.mid_reply && !inject_fault (turn_.fault))
    return;
  /* Only unscripted turns are recognized: a scripted turn stays exact and
   * prompt (decoding takes about real time on a small machine). */
  const bool scripted = conversation_->turns_done < server_.config ().scenario.turns.size ();
  if (turn.source == UserTurn::Source::AUDIO && !scripted && !turn.audio.empty () &&
      SpeechRecognizer::built ()) {
    recognize_turn ();
    return;
  }
  reply_to_transcript ();
}

void
ServerSession::recognize_turn ()
{
  reply_state_ = ReplyState::RECOGNIZING;
  std::weak_ptr<ServerSession> weak = weak_from_this ();
  const guint64 generation = reply_generation_;
  SpeechRecognizer::shared ().recognize (std::move (user_turn_.audio), g_main_context_default (),
      [weak, generation] (Recognition result) {
        auto self = weak.lock ();
        if (self && self->reply_generation_ == generation)
          self->on_recognized (std::move (result));
      });
  user_turn_.audio.clear ();
}

void
ServerSession::on_recognized (Recognition result)
{
  if (phase_ == Phase::CLOSED || reply_state_ != ReplyState::RECOGNIZING)
    return;
  reply_state_ = ReplyState::STALLING;
  if (!result.error.empty ()) {
    server_.log ("%s: %s", tag_.c_str (), result.error.c_str ());
  } else if (result.text.empty ()) {
    server_.log ("%s: recognized no words in the turn", tag_.c_str ());
  } else {
    heard_ = result.text;
    heard_[0] = g_ascii_toupper (heard_[0]);  /* pocketsphinx answers in lower case */
    server_.log ("%s: recognized \"%s\"", tag_.c_str (), heard_.c_str ());
  }
  reply_to_transcript ();
}

/* The turn's content is known (typed, scripted or recognized): transcribe it
 * and answer, after the scripted stall. */
void
ServerSession::reply_to_transcript ()
{
  conversation_->history.push_back ("user: " + heard_);
  if (model_.is (ModelKind::TRANSCRIPTION)) {
    finish_transcription_turn ();
    return;
  }
  if (input_transcription_ && user_turn_.source == UserTurn::Source::AUDIO && !heard_.empty ()
      && server_.config ().scenario.interim_transcription) {
    /* What a newer server shows while the user speaks: the words so far. */
    for (size_t end = heard_.find (' '); ; end = heard_.find (' ', end + 1)) {
      send (msg_transcription ("interimInputTranscription",
          TranscriptSpec {heard_.substr (0, end), turn_.transcript_language.value_or (""), -1,
              -1}));
      if (end == std::string::npos)
        break;
    }
  }
  if (input_transcription_ && user_turn_.source == UserTurn::Source::AUDIO && !heard_.empty ()) {
    /* A translation's input transcript names its (source) language; a
     * scripted turn may name it too. */
    const char *language = model_.is (ModelKind::TRANSLATION) ? kHeardLanguage
        : turn_.transcript_language                            ? turn_.transcript_language->c_str ()
                                                               : "";
    send (msg_transcription ("inputTranscription", TranscriptSpec {heard_, language, -1, -1}));
  }

  if (turn_.stall_ms > 0) {
    stall_timer_ = g_timeout_add (static_cast<guint> (turn_.stall_ms),
        [] (gpointer d) -> gboolean {
          auto self = static_cast<ServerSession *> (d);
          self->stall_timer_ = 0;
          self->continue_after_stall ();
          return G_SOURCE_REMOVE;
        },
        this);
  } else {
    continue_after_stall ();
  }
}

void
ServerSession::continue_after_stall ()
{
  /* includeThoughts: the model's thought comes before anything it says. */
  if (model_.include_thoughts)
    send (msg_thought ("The user asked: " + (heard_.empty () ? user_turn_.text : heard_)
        + ". I should answer briefly."));
  if (!turn_.tool_calls.empty ()) {
    send_tool_calls ();
    return;
  }
  std::string text;
  if (turn_.reply) {
    text = *turn_.reply;
  } else if (model_.is (ModelKind::TRANSLATION)) {
    const std::string &said = user_turn_.source == UserTurn::Source::TEXT ? user_turn_.text : heard_;
    text = local_translation (said.empty () ? server_.config ().scenario.default_reply : said,
        model_.translate_to);
  } else if (user_turn_.source == UserTurn::Source::TEXT && !user_turn_.text.empty ()) {
    text = "You said: " + user_turn_.text + ". " + kServerSignature;
  } else if (!heard_.empty ()) {
    text = "You said: " + heard_ + ". " + kServerSignature;
  } else {
    text = server_.config ().scenario.default_reply;
  }
  speak_answer (text);
}

void
ServerSession::speak_answer (const std::string &text)
{
  if (!model_.turn_ends_at_idle ()) {
    speak (text);
    return;
  }
  answer_after_filler_ = text;
  speak (kThinkingFiller);
}

void
ServerSession::finish_transcription_turn ()
{
  /* Streaming speech-to-text: the transcript with where it lies in the
   * input, then the turn's end; no speech. */
  if (!heard_.empty ())
    send (msg_transcription ("inputTranscription",
        TranscriptSpec {heard_, "", user_turn_.start_ms, user_turn_.end_ms}));
  send (msg_turn_complete ());
  UsageCounts usage;
  usage.prompt_audio_tokens = audio_tokens_for_ms (user_turn_.audio_ms);
  send (msg_usage (usage));
  conversation_->turns_done++;
  reply_state_ = ReplyState::IDLE;
  send_resumption_update ();
  start_next_pending_turn ();
}

void
ServerSession::send_tool_calls ()
{
  std::vector<ToolCallSpec> calls;
  blocking_tool_pending_ = false;
  for (const auto &scripted : turn_.tool_calls) {
    calls.push_back (scripted.call);
    pending_tool_ids_.insert (scripted.call.id);
    blocking_tool_pending_ = blocking_tool_pending_
        || model_.call_blocks (scripted.call.name, scripted.non_blocking);
  }
  send (msg_tool_call (calls));
  tool_call_sent_us_ = g_get_monotonic_time ();
  reply_state_ = ReplyState::WAITING_TOOL;

  if (turn_.cancel_tool_calls_after_ms >= 0) {
    cancel_timer_ = g_timeout_add (static_cast<guint> (turn_.cancel_tool_calls_after_ms),
        [] (gpointer d) -> gboolean {
          auto self = static_cast<ServerSession *> (d);
          self->cancel_timer_ = 0;
          std::vector<std::string> ids (self->pending_tool_ids_.begin (),
              self->pending_tool_ids_.end ());
          self->pending_tool_ids_.clear ();
          if (!ids.empty ())
            self->send (msg_tool_call_cancellation (ids));
          self->tool_calls_resolved (true);
          return G_SOURCE_REMOVE;
        },
        this);
  } else if (!blocking_tool_pending_) {
    /* NON_BLOCKING calls (3.8's default): the model goes on talking while the tool runs. */
    speak_answer (turn_.reply.value_or (server_.config ().scenario.default_reply));
  }
}

void
ServerSession::tool_calls_resolved (bool cancelled)
{
  blocking_tool_pending_ = false;
  clear_timer (cancel_timer_);
  if (reply_state_ != ReplyState::WAITING_TOOL)
    return;
  std::string text = cancelled ? turn_.reply.value_or (server_.config ().scenario.default_reply)
                               : turn_.reply_after_tool.value_or (turn_.reply.value_or (
                                     std::string ("The tool answered. ") + kServerSignature));
  speak (text);
}

void
ServerSession::speak (const std::string &text)
{
  reply_text_ = text;
  reply_state_ = ReplyState::SYNTHESIZING;
  std::weak_ptr<ServerSession> weak = weak_from_this ();
  const guint64 generation = reply_generation_;
  /* A translation is spoken in the target language's voice. */
  const std::string language = model_.is (ModelKind::TRANSLATION) ? model_.translate_to : "";
  server_.synth ().synthesize (text, language, g_main_context_default (),
      [weak, generation] (SynthResult result) {
        auto self = weak.lock ();
        if (self && self->reply_generation_ == generation)
          self->on_speech_ready (std::move (result));
      });
}

void
ServerSession::on_speech_ready (SynthResult result)
{
  if (phase_ == Phase::CLOSED || reply_state_ != ReplyState::SYNTHESIZING)
    return;
  if (!result.error.empty ()) {
    /* Without audio the reply still arrives as its transcription. */
    server_.log ("%s: %s", tag_.c_str (), result.error.c_str ());
    if (output_transcription_)
      send_output_transcript (reply_text_);
    finish_reply ();
    return;
  }
  if (model_.is (ModelKind::TRANSLATION))
    server_.log ("%s: speaking the translation to %s with espeak-ng voice %s", tag_.c_str (),
        model_.translate_to.c_str (), result.voice_language.c_str ());
  speech_ = std::move (result);
  next_sample_ = 0;
  next_word_ = 0;
  mid_fault_done_ = false;
  reply_state_ = ReplyState::STREAMING;
  playback_end_us_ = g_get_monotonic_time () + samples_to_ms (speech_.pcm.size ()) * 1000;

  auto step = [] (gpointer d) -> gboolean { return static_cast<ServerSession *> (d)->stream_step (); };
  if (server_.config ().realtime) {
    /* The first chunk goes out now, the rest one per chunk duration. */
    if (stream_step () == G_SOURCE_CONTINUE && stream_timer_ == 0)
      stream_timer_ = g_timeout_add (static_cast<guint> (samples_to_ms (kChunkSamples)), step, this);
  } else {
    stream_timer_ = g_idle_add (step, this);
  }
}

gboolean
ServerSession::stream_step ()
{
  const int chunks = server_.config ().realtime ? 1 : kFastChunksPerStep;
  for (int i = 0; i < chunks; i++) {
    if (phase_ == Phase::CLOSED || reply_state_ != ReplyState::STREAMING) {
      stream_timer_ = 0;
      return G_SOURCE_REMOVE;
    }
    const size_t total = speech_.pcm.size ();
    if (next_sample_ >= total) {
      stream_timer_ = 0;
      finish_reply ();
      return G_SOURCE_REMOVE;
    }
    const size_t end = std::min (next_sample_ + kChunkSamples, total);
    send (msg_audio_chunk (reinterpret_cast<const guint8 *> (speech_.pcm.data () + next_sample_),
        (end - next_sample_) * sizeof (int16_t)));
    /* Words whose audio starts inside this chunk are transcribed with it. */
    std::string fragment;
    while (next_word_ < speech_.words.size () &&
        static_cast<size_t> (speech_.words[next_word_].start_sample) < end)
      fragment += speech_.words[next_word_++].text;
    if (output_transcription_ && !fragment.empty ())
      send_output_transcript (fragment);
    next_sample_ = end;

    if (turn_.fault.mid_reply && !mid_fault_done_ && next_sample_ * 2 >= total) {
      mid_fault_done_ = true;
      if (!inject_fault (turn_.fault)) {
        stream_timer_ = 0;
        return G_SOURCE_REMOVE;
      }
    }
    if (turn_.interrupt_after_ms >= 0 && samples_to_ms (next_sample_) >= turn_.interrupt_after_ms &&
        next_sample_ < total) {
      stream_timer_ = 0;
      interrupt_reply ();
      return G_SOURCE_REMOVE;
    }
  }
  return G_SOURCE_CONTINUE;
}

void
ServerSession::send_output_transcript (const std::string &text)
{
  /* A translation's output transcript is in the target language. */
  const std::string language = model_.is (ModelKind::TRANSLATION) ? model_.translate_to : "";
  send (msg_transcription ("outputTranscription", TranscriptSpec {text, language, -1, -1}));
}

void
ServerSession::send_rest_of_transcript ()
{
  std::string rest;
  while (next_word_ < speech_.words.size ())
    rest += speech_.words[next_word_++].text;
  if (output_transcription_ && !rest.empty ())
    send_output_transcript (rest);
}

void
ServerSession::finish_reply ()
{
  send_rest_of_transcript ();
  if (!answer_after_filler_.empty ()) {
    /* The filler is out; the answer follows in the same interaction. */
    send (msg_turn_complete ("IN_PROGRESS"));
    conversation_->history.push_back ("model (thinking aloud): " + reply_text_);
    std::string answer = std::move (answer_after_filler_);
    answer_after_filler_.clear ();
    speak (answer);
    return;
  }
  /* The service reports the pages it fetched and cites its search results
   * once the answer is generated. */
  if (turn_.url_context)
    send (msg_url_context (*turn_.url_context));
  if (turn_.grounding)
    send (msg_grounding (*turn_.grounding));
  send (msg_generation_complete ());
  send (model_.turn_ends_at_idle () ? msg_turn_complete ("IDLE") : msg_turn_complete ());
  /* The model has said its piece and now waits for the user. */
  if (turn_.waiting_for_input)
    send (msg_waiting_for_input ());
  UsageCounts usage;
  usage.prompt_audio_tokens = audio_tokens_for_ms (user_turn_.audio_ms);
  usage.prompt_text_tokens = text_tokens_for (user_turn_.text) + 8;  /* plus the system turn */
  usage.response_audio_tokens = audio_tokens_for_ms (samples_to_ms (speech_.pcm.size ()));
  send (msg_usage (usage));
  conversation_->history.push_back ("model: " + reply_text_);
  conversation_->turns_done++;
  reply_state_ = ReplyState::IDLE;
  speech_ = SynthResult ();
  send_resumption_update ();
  start_next_pending_turn ();
}

void
ServerSession::interrupt_reply ()
{
  server_.log ("%s: reply interrupted", tag_.c_str ());
  clear_timer (stream_timer_);
  clear_timer (stall_timer_);
  clear_timer (cancel_timer_);
  if (!pending_tool_ids_.empty ()) {
    /* An interrupted call must not be answered: say so. */
    send (msg_tool_call_cancellation (
        std::vector<std::string> (pending_tool_ids_.begin (), pending_tool_ids_.end ())));
    pending_tool_ids_.clear ();
  }
  blocking_tool_pending_ = false;
  answer_after_filler_.clear ();
  const bool was_replying = reply_state_ != ReplyState::IDLE;
  send (msg_interrupted ());
  if (was_replying) {
    UsageCounts usage;
    usage.prompt_audio_tokens = audio_tokens_for_ms (user_turn_.audio_ms);
    usage.prompt_text_tokens = text_tokens_for (user_turn_.text) + 8;
    usage.response_audio_tokens = audio_tokens_for_ms (samples_to_ms (next_sample_));
    send (msg_usage (usage));
    conversation_->history.push_back ("model (interrupted): " + reply_text_);
    conversation_->turns_done++;
    send_resumption_update ();
  }
  reply_state_ = ReplyState::IDLE;
  reply_generation_++;
  playback_end_us_ = 0;
  speech_ = SynthResult ();
}

void
ServerSession::start_next_pending_turn ()
{
  if (reply_state_ != ReplyState::IDLE || pending_turns_.empty () || phase_ == Phase::CLOSED)
    return;
  UserTurn next = pending_turns_.front ();
  pending_turns_.pop_front ();
  begin_reply (next);
}

bool
ServerSession::inject_fault (const TurnFault &fault)
{
  switch (fault.kind) {
    case TurnFault::Kind::NONE:
      return true;
    case TurnFault::Kind::CLOSE:
      close (fault.close.code, fault.close.reason);
      return false;
    case TurnFault::Kind::DROP_TCP:
      drop_tcp ();
      return false;
    case TurnFault::Kind::MALFORMED_FRAME: {
      static const char garbage[] = "{\"serverContent\": this is not JSON";
      if (is_open ())
        soup_websocket_connection_send_binary (connection_, garbage, sizeof garbage - 1);
      return true;
    }
    case TurnFault::Kind::UNKNOWN_MESSAGE:
      send (msg_unknown_kind ());
      return true;
    case TurnFault::Kind::GO_AWAY:
      go_away (fault.time_left_ms);
      return true;
  }
  return true;
}

void
ServerSession::drop_tcp ()
{
  server_.log ("%s: dropping the TCP connection without a close frame", tag_.c_str ());
  phase_ = Phase::CLOSED;
  for (guint *timer : {&stall_timer_, &stream_timer_, &cancel_timer_, &go_away_timer_,
           &close_timer_, &deadline_timer_})
    clear_timer (*timer);
  reply_state_ = ReplyState::IDLE;
  GIOStream *stream = soup_websocket_connection_get_io_stream (connection_);
  GIOStream *base = stream;
  if (G_IS_TLS_CONNECTION (stream))
    g_object_get (stream, "base-io-stream", &base, nullptr);
  else
    g_object_ref (base);
  if (G_IS_SOCKET_CONNECTION (base))
    g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)), TRUE, TRUE,
        nullptr);
  else
    g_io_stream_close (stream, nullptr, nullptr);
  g_object_unref (base);
}

void
ServerSession::go_away (int64_t time_left_ms)
{
  if (phase_ == Phase::CLOSED || deadline_timer_ != 0)
    return;
  send (msg_go_away (time_left_ms));
  deadline_timer_ = g_timeout_add (static_cast<guint> (std::max<int64_t> (time_left_ms, 0)),
      [] (gpointer d) -> gboolean {
        auto self = static_cast<ServerSession *> (d);
        self->deadline_timer_ = 0;
        self->close (1011, "Deadline expired before operation could complete.");
        return G_SOURCE_REMOVE;
      },
      this);
}

void
ServerSession::send_resumption_update ()
{
  if (resumption_requested_ && conversation_)
    send (msg_resumption_update (server_.issue_handle (conversation_), true));
}

}  // namespace gemlive::server
