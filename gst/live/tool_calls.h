/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Function calling: bookkeeping of a session's calls, and the microphone
 * audio held back while a blocking call is unanswered. Pure: no locking (the
 * element holds one lock around both), no I/O, no clock (times are passed in,
 * monotonic µs).
 */
#pragma once

#include "live/protocol.h"
#include "live/model_catalog.h"
#include "live/protocol_tools.h"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gemlive {

struct PendingToolCall {
  std::string id;
  std::string name;
  bool blocking = true;
  int64_t deadline_us = -1;  /* -1: no tool-timeout */
};

class ToolCallTable {
public:
  /* Why an answer was refused, or ACCEPTED. */
  enum class Verdict {
    ACCEPTED,
    UNKNOWN_ID,           /* never called in this session */
    CANCELLED,            /* the server cancelled it: it must not be answered */
    ALREADY_ANSWERED,
    TIMED_OUT,            /* tool-timeout already answered it with an error */
    WRONG_NAME,           /* the name differs from the call's */
    SCHEDULING_ON_BLOCKING,  /* scheduling is only for NON_BLOCKING calls */
  };

  /* Names declared with behavior NON_BLOCKING; every other call is treated as
   * blocking (the safe side: the service closes sessions that stream audio
   * during an unanswered blocking call). */
  void set_non_blocking_functions (std::set<std::string> names)
  {
    declared_ = ToolDeclarations ();
    declared_.non_blocking_functions = std::move (names);
    rules_ = nullptr;
  }
  /* The declarations and the session's model (nullptr: unknown): a call then
   * blocks as call_is_blocking () says, so on gemini-3.8-live an undeclared
   * call does not hold the microphone back. */
  void set_call_behaviour (const ModelRules *rules, ToolDeclarations declared)
  {
    declared_ = std::move (declared);
    rules_ = rules;
  }
  bool is_blocking (const std::string &name) const
  {
    return call_is_blocking (rules_, declared_, name);
  }

  /* A call from a toolCall message. A repeated pending id replaces the old entry. */
  const PendingToolCall &add (const FunctionCall &call, int64_t deadline_us);

  /* Checks and, when ACCEPTED, closes the call. An empty name means "the
   * call's name", which `answered` then carries. */
  Verdict answer (const std::string &id, const std::string &name, ToolScheduling scheduling,
      PendingToolCall &answered);

  /* toolCallCancellation: returns the ids that were pending (now closed). */
  std::vector<std::string> cancel (const std::vector<std::string> &ids);

  /* Calls whose deadline is <= now_us, closed as TIMED_OUT, oldest first. */
  std::vector<PendingToolCall> expire (int64_t now_us);
  std::optional<int64_t> next_deadline () const;

  bool blocking_pending () const;
  size_t pending () const { return pending_.size (); }
  /* The connection is gone: its ids mean nothing on the next one. */
  void clear ();

  static const char *verdict_text (Verdict verdict);

private:
  enum class Closed { ANSWERED, CANCELLED, TIMED_OUT };
  void close (const std::string &id, Closed how);

  /* Closed ids are remembered so a late answer gets the right explanation;
   * the oldest are forgotten past this many. */
  static constexpr size_t MAX_CLOSED = 1024;

  ToolDeclarations declared_;
  const ModelRules *rules_ = nullptr;
  std::vector<PendingToolCall> pending_;       /* arrival order */
  std::map<std::string, Closed> closed_;
  std::deque<std::string> closed_order_;
};

/* Client frames held back while a blocking call is unanswered, in order.
 * Audio frames count against a bound of `max_audio_ms`; beyond it the oldest
 * audio frame is dropped (the newest speech is the one that matters when the
 * gate opens). Other frames (audioStreamEnd) are never dropped. */
class HeldInput {
public:
  static constexpr int64_t DEFAULT_MAX_AUDIO_MS = 10000;

  explicit HeldInput (int64_t max_audio_ms = DEFAULT_MAX_AUDIO_MS) : max_audio_ms_ (max_audio_ms) {}

  /* audio_ms: duration of the audio in the frame, 0 for other frames. */
  void push (std::string frame, int64_t audio_ms);
  /* Every held frame, oldest first; empties the queue (not the counters). */
  std::vector<std::string> take ();
  void clear ();

  bool empty () const { return frames_.empty (); }
  int64_t held_audio_ms () const { return held_ms_; }
  /* Audio dropped since the last reset_counters (). */
  int64_t dropped_audio_ms () const { return dropped_ms_; }
  void reset_counters () { dropped_ms_ = 0; }

private:
  struct Frame {
    std::string text;
    int64_t audio_ms;
  };
  int64_t max_audio_ms_;
  std::deque<Frame> frames_;
  int64_t held_ms_ = 0;
  int64_t dropped_ms_ = 0;
};

}  // namespace gemlive
