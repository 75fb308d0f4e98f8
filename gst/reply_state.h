/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reply/drain state machine of a conversation: where the conversation
 * is (connecting, conversing, draining after EOS, finished, failed),
 * whether a reply is flowing and whether the user's input awaits an answer.
 * Each transition is one named method under the one lock; the caller acts
 * on the result (queue EOS, flush, post) after it returns, with no lock
 * held.
 */
#pragma once

#include "live/pcm_aligner.h"
#include "live/protocol.h"

#include <mutex>

class ReplyState {
public:
  enum class Phase {
    CONNECTING,  /* the session opened; no setupComplete yet */
    CONVERSING,
    DRAINING,    /* EOS came on the sink: waiting for the end of the turn */
    FINISHED,    /* EOS queued for the src: later closes are not errors */
    FAILED,      /* an error was posted */
  };
  /* What the sink's EOS leads to. */
  enum class InputEnd {
    DRAIN,    /* send audioStreamEnd and wait for the answer */
    EOS_NOW,  /* nothing to wait for (no session, failed): EOS at once */
    NOTHING,  /* EOS was queued already */
  };

  /* turn_ends_at_idle: the model ends its turn only at interactionStatus
   * IDLE (extended thinking, model_catalog.h), not at turnComplete. */
  void reset (bool turn_ends_at_idle = false)
  {
    std::lock_guard<std::mutex> guard (lock_);
    phase_ = Phase::CONNECTING;
    in_reply_ = false;
    connected_ = false;
    error_posted_ = false;
    awaiting_answer_ = false;
    turn_ends_at_idle_ = turn_ends_at_idle;
    interaction_in_progress_ = false;
    pcm_ = gemlive::PcmAligner ();
  }
  /* setupComplete: true when the input had already ended, so the drain's
   * timers start now (they waited for the connection). */
  bool connected ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    const bool first = !connected_;
    connected_ = true;
    if (phase_ == Phase::CONNECTING)
      phase_ = Phase::CONVERSING;
    return first && phase_ == Phase::DRAINING;
  }
  /* Audio of the server arrives: the whole samples to queue (nullptr =
   * none: finished, failed, or one byte held for the next chunk);
   * reply_start: they start a reply (DISCONT downstream). */
  gemlive::BytesPtr reply_audio (gemlive::BytesPtr pcm, bool &reply_start)
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (ended ())
      return nullptr;
    if (!in_reply_)
      pcm_.end_reply ();  /* the last reply's odd byte, if any */
    in_reply_ = true;
    awaiting_answer_ = true;  /* until the end of its turn */
    return pcm_.align (std::move (pcm), &reply_start);
  }
  /* Unpaired bytes dropped at the ends of replies since the last call. */
  guint64 take_dropped_bytes ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    return pcm_.take_dropped ();
  }
  /* serverContent.interrupted: the service stops the interrupted reply
   * there; audio in later frames is the next reply. Returns whether the
   * output must be flushed (the conversation still runs). */
  bool interrupted ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    in_reply_ = false;
    /* The interrupted interaction is over too: a model that said
     * IN_PROGRESS in it ends its next turn by its own rule again. */
    interaction_in_progress_ = false;
    return !ended ();
  }
  /* The user said or typed something the model has not answered yet
   * (speech in the microphone audio, text, activity-end, the server's
   * transcript of it, a reply under way). A drain then waits for the
   * answer; without it, it ends after a short quiet period. */
  void expect_answer ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    awaiting_answer_ = true;
  }
  /* What a server frame's turnComplete and interactionStatus mean. */
  struct TurnStep {
    bool reply_complete = false;  /* the speech so far is complete (its caption line ends) */
    bool turn_over = false;       /* the model's turn is over: post turn-complete */
    bool drained = false;         /* and that ends the drain: queue EOS */
  };
  /* A frame with turnComplete and/or interactionStatus. Most models end
   * their turn at turnComplete. Extended thinking speaks a filler, sends
   * turnComplete with IN_PROGRESS, thinks, answers, and ends the turn with
   * IDLE: only IDLE (or WAITING_FOR_INPUT: nothing more comes until the
   * user speaks) ends the turn there, and the answer after the filler is
   * still awaited. Any model that said IN_PROGRESS is treated the same
   * until its turn ends, so a model the catalog does not know yet cannot
   * end a drain halfway either. */
  TurnStep server_turn (bool turn_complete, gemlive::InteractionStatus status)
  {
    using Status = gemlive::InteractionStatus;
    std::lock_guard<std::mutex> guard (lock_);
    TurnStep step;
    if (status == Status::IN_PROGRESS)
      interaction_in_progress_ = true;
    if (turn_ends_at_idle_ || interaction_in_progress_)
      step.turn_over = status == Status::IDLE || status == Status::WAITING_FOR_INPUT;
    else
      step.turn_over = turn_complete;
    step.reply_complete = turn_complete || step.turn_over;
    if (step.reply_complete) {
      pcm_.end_reply ();
      in_reply_ = false;  /* the next audio starts a new reply (DISCONT) */
    }
    if (!step.turn_over)
      return step;  /* awaiting_answer_ stays: the answer is still to come */
    awaiting_answer_ = false;
    interaction_in_progress_ = false;
    if (phase_ == Phase::DRAINING) {
      phase_ = Phase::FINISHED;
      step.drained = true;
    }
    return step;
  }
  /* An unplanned reconnection: the reply in progress is lost. */
  void connection_lost ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    in_reply_ = false;
  }
  InputEnd input_ended (bool have_session)
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (phase_ == Phase::FINISHED)
      return InputEnd::NOTHING;
    if (phase_ == Phase::FAILED || !have_session) {
      phase_ = Phase::FINISHED;
      return InputEnd::EOS_NOW;
    }
    if (phase_ == Phase::DRAINING)
      return InputEnd::NOTHING;
    phase_ = Phase::DRAINING;
    return InputEnd::DRAIN;
  }
  /* The quiet period after audioStreamEnd passed: true when it ends the
   * drain because nothing is waiting for an answer (queue EOS, no warning). */
  bool quiet_after_input_end ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    /* Before setupComplete nothing was answered yet, and a failure to
     * connect must still be an error (issue 19, item 3). */
    if (phase_ != Phase::DRAINING || !connected_ || awaiting_answer_ || in_reply_)
      return false;
    phase_ = Phase::FINISHED;
    return true;
  }
  /* drain-timeout passed: true when it ends the drain (warn, queue EOS). */
  bool drain_timed_out ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (phase_ != Phase::DRAINING || !connected_)
      return false;
    phase_ = Phase::FINISHED;
    return true;
  }
  /* A fatal error: true the first time (post it, stop the output). */
  bool fail ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (phase_ == Phase::FAILED)
      return false;
    phase_ = Phase::FAILED;
    return true;
  }
  /* The session ended: true when that is an error (not after our EOS or an
   * error already posted); then the phase is FAILED. */
  bool session_ended_unexpectedly ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (ended ())
      return false;
    phase_ = Phase::FAILED;
    return true;
  }
  bool failed ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    return phase_ == Phase::FAILED;
  }
  /* The input is refused (GST_FLOW_ERROR) only once the error is on the
   * bus: an upstream element that sees the flow error first would post
   * its own vague "Internal data stream error" ahead of ours. */
  bool input_refused ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    return phase_ == Phase::FAILED && error_posted_;
  }
  void error_posted ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    error_posted_ = true;
  }
  bool was_connected ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    return connected_;
  }

private:
  bool ended () const { return phase_ == Phase::FINISHED || phase_ == Phase::FAILED; }

  std::mutex lock_;
  Phase phase_ = Phase::CONNECTING;
  bool in_reply_ = false;
  bool connected_ = false;
  bool error_posted_ = false;
  bool awaiting_answer_ = false;
  bool turn_ends_at_idle_ = false;        /* the model's rule (reset) */
  bool interaction_in_progress_ = false;  /* IN_PROGRESS since the last end of a turn */
  gemlive::PcmAligner pcm_;  /* whole samples only on the S16LE src pad */
};
