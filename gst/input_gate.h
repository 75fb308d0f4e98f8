/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one way into the session for input: the chunker that cuts microphone
 * PCM into 40 ms realtimeInput frames, the function calls of the session and
 * the tool gate. Every input frame (audio, audioStreamEnd, activity
 * start/end, video, text, client content) passes send (): sent at once, or
 * held while a blocking function call is unanswered and released in order
 * when the last one is answered, cancelled or timed out.
 *
 * One lock guards all of it; frames are handed to LiveSession::send ()
 * (which never blocks and calls nothing back) under it, so a released
 * backlog keeps its order against live audio. Nothing here posts a message
 * or emits a signal: what the caller must tell the application comes back
 * in a GateNews, to post after the lock is gone.
 */
#pragma once

#include "live/audio_chunker.h"
#include "live/live_session.h"
#include "live/tool_calls.h"

#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

/* What the application must hear about, after the gate's lock is released. */
struct GateNews {
  bool held_audio_dropped = false;  /* first drop of held audio in this closed-gate window */
};

class InputGate {
public:
  /* A session opens: no calls, no held input, nothing in the chunker. A
   * call then blocks as the model (nullptr: unknown) and the declarations
   * say (gemlive::call_is_blocking). */
  void reset (const gemlive::ModelRules *rules, gemlive::ToolDeclarations declared);
  /* The tools changed mid-session: later calls follow the new declarations. */
  void set_call_behaviour (const gemlive::ModelRules *rules, gemlive::ToolDeclarations declared);
  /* A new caps event: audio of the old rate goes out first. */
  void set_rate (gemlive::LiveSession *session, int rate, GateNews &news);
  int rate ();
  /* PCM from the streaming thread. Returns whether audio is left waiting in
   * the chunker; cut: whether a whole chunk went out. */
  bool push_audio (gemlive::LiveSession &session, const uint8_t *data, size_t size, bool &cut,
      GateNews &news);
  /* The chunk deadline passed, or before EOS / an activity signal. */
  void flush_partial (gemlive::LiveSession &session, GateNews &news);
  /* Upstream flushed: forget the audio not sent yet. */
  void drop_partial ();
  /* Any other input frame (audio_ms 0 for non-audio). flush_first: audio
   * still in the chunker goes before it (activity signals, audioStreamEnd). */
  void send (gemlive::LiveSession &session, std::string frame, int64_t audio_ms,
      bool flush_first, GateNews &news);

  /* toolCall: adds the calls; returns whether each is blocking. A blocking
   * one closes the gate. deadline_us: -1 = no tool-timeout. */
  std::vector<bool> add_calls (const std::vector<gemlive::FunctionCall> &calls,
      int64_t deadline_us);
  /* toolCallCancellation: the ids that were pending; opens the gate when no
   * blocking call is left. */
  std::vector<std::string> cancel (gemlive::LiveSession *session,
      const std::vector<std::string> &ids);
  /* An answer: checked, and when ACCEPTED `frame` (the toolResponse, given
   * the call's name by `encode`) goes out before the held input. */
  gemlive::ToolCallTable::Verdict answer (gemlive::LiveSession &session, const std::string &id,
      const std::string &name, gemlive::ToolScheduling scheduling,
      const std::function<std::string (const std::string &call_name)> &encode);
  /* tool-timeout: the calls due by now_us, answered through `encode_error`. */
  std::vector<gemlive::PendingToolCall> expire (gemlive::LiveSession *session, int64_t now_us,
      const std::function<std::string (const gemlive::PendingToolCall &call)> &encode_error);
  std::optional<int64_t> next_deadline ();
  /* A new connection replaced the old one: its call ids are void, held
   * input goes to the new connection. */
  void connection_replaced (gemlive::LiveSession *session);

private:
  void send_locked (gemlive::LiveSession &session, std::string frame, int64_t audio_ms,
      GateNews &news);
  void send_pcm_locked (gemlive::LiveSession &session, const std::vector<uint8_t> &pcm,
      GateNews &news);
  void release_if_unblocked_locked (gemlive::LiveSession *session);

  std::mutex lock_;
  gemlive::AudioChunker chunker_;
  int rate_ = 0;  /* 0 until the first caps */
  gemlive::ToolCallTable table_;
  gemlive::HeldInput held_;
  bool gate_closed_ = false;  /* a blocking call is unanswered */
  bool drop_told_ = false;    /* the drop of held audio was reported in this window */
};
