/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Function-call bookkeeping and held input: see tool_calls.h.
 */
#include "live/tool_calls.h"

#include <algorithm>

namespace gemlive {

const PendingToolCall &
ToolCallTable::add (const FunctionCall &call, int64_t deadline_us)
{
  auto same_id = [&call] (const PendingToolCall &p) { return p.id == call.id; };
  pending_.erase (std::remove_if (pending_.begin (), pending_.end (), same_id), pending_.end ());
  closed_.erase (call.id);
  PendingToolCall entry;
  entry.id = call.id;
  entry.name = call.name;
  entry.blocking = is_blocking (call.name);
  entry.deadline_us = deadline_us;
  pending_.push_back (std::move (entry));
  return pending_.back ();
}

ToolCallTable::Verdict
ToolCallTable::answer (const std::string &id, const std::string &name, ToolScheduling scheduling,
    PendingToolCall &answered)
{
  auto it = std::find_if (pending_.begin (), pending_.end (),
      [&id] (const PendingToolCall &p) { return p.id == id; });
  if (it == pending_.end ()) {
    auto closed = closed_.find (id);
    if (closed == closed_.end ())
      return Verdict::UNKNOWN_ID;
    switch (closed->second) {
      case Closed::ANSWERED: return Verdict::ALREADY_ANSWERED;
      case Closed::CANCELLED: return Verdict::CANCELLED;
      case Closed::TIMED_OUT: return Verdict::TIMED_OUT;
    }
    return Verdict::UNKNOWN_ID;
  }
  if (!name.empty () && name != it->name)
    return Verdict::WRONG_NAME;
  if (it->blocking && scheduling != ToolScheduling::NONE)
    return Verdict::SCHEDULING_ON_BLOCKING;
  answered = *it;
  pending_.erase (it);
  close (id, Closed::ANSWERED);
  return Verdict::ACCEPTED;
}

std::vector<std::string>
ToolCallTable::cancel (const std::vector<std::string> &ids)
{
  std::vector<std::string> cancelled;
  for (const auto &id : ids) {
    auto it = std::find_if (pending_.begin (), pending_.end (),
        [&id] (const PendingToolCall &p) { return p.id == id; });
    if (it == pending_.end ())
      continue;
    pending_.erase (it);
    close (id, Closed::CANCELLED);
    cancelled.push_back (id);
  }
  return cancelled;
}

std::vector<PendingToolCall>
ToolCallTable::expire (int64_t now_us)
{
  std::vector<PendingToolCall> expired;
  for (auto it = pending_.begin (); it != pending_.end ();) {
    if (it->deadline_us >= 0 && it->deadline_us <= now_us) {
      expired.push_back (*it);
      it = pending_.erase (it);
    } else {
      ++it;
    }
  }
  for (const auto &call : expired)
    close (call.id, Closed::TIMED_OUT);
  return expired;
}

std::optional<int64_t>
ToolCallTable::next_deadline () const
{
  std::optional<int64_t> next;
  for (const auto &call : pending_)
    if (call.deadline_us >= 0 && (!next || call.deadline_us < *next))
      next = call.deadline_us;
  return next;
}

bool
ToolCallTable::blocking_pending () const
{
  return std::any_of (pending_.begin (), pending_.end (),
      [] (const PendingToolCall &p) { return p.blocking; });
}

void
ToolCallTable::clear ()
{
  pending_.clear ();
  closed_.clear ();
  closed_order_.clear ();
}

void
ToolCallTable::close (const std::string &id, Closed how)
{
  if (closed_.emplace (id, how).second)
    closed_order_.push_back (id);
  else
    closed_[id] = how;
  while (closed_order_.size () > MAX_CLOSED) {
    closed_.erase (closed_order_.front ());
    closed_order_.pop_front ();
  }
}

const char *
ToolCallTable::verdict_text (Verdict verdict)
{
  switch (verdict) {
    case Verdict::ACCEPTED: return "accepted";
    case Verdict::UNKNOWN_ID: return "no call with this id is pending in this session";
    case Verdict::CANCELLED:
      return "the server cancelled this call (toolCallCancellation); it must not be answered";
    case Verdict::ALREADY_ANSWERED: return "this call was already answered";
    case Verdict::TIMED_OUT:
      return "tool-timeout already answered this call with an error";
    case Verdict::WRONG_NAME: return "the name differs from the called function's name";
    case Verdict::SCHEDULING_ON_BLOCKING:
      return "scheduling is only allowed for NON_BLOCKING functions; pass NULL for a "
             "blocking call";
  }
  return "unknown";
}

void
HeldInput::push (std::string frame, int64_t audio_ms)
{
  frames_.push_back (Frame {std::move (frame), audio_ms});
  held_ms_ += audio_ms;
  while (held_ms_ > max_audio_ms_) {
    auto oldest_audio = std::find_if (frames_.begin (), frames_.end (),
        [] (const Frame &f) { return f.audio_ms > 0; });
    if (oldest_audio == frames_.end ())
      break;
    held_ms_ -= oldest_audio->audio_ms;
    dropped_ms_ += oldest_audio->audio_ms;
    frames_.erase (oldest_audio);
  }
}

std::vector<std::string>
HeldInput::take ()
{
  std::vector<std::string> out;
  out.reserve (frames_.size ());
  for (auto &frame : frames_)
    out.push_back (std::move (frame.text));
  frames_.clear ();
  held_ms_ = 0;
  return out;
}

void
HeldInput::clear ()
{
  frames_.clear ();
  held_ms_ = 0;
  dropped_ms_ = 0;
}

}  // namespace gemlive
