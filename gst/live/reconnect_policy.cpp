/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/reconnect_policy.h"

#include <algorithm>
#include <cctype>

namespace gemlive {

namespace {

bool
contains_nocase (const std::string &haystack, const char *needle)
{
  std::string h = haystack, n = needle;
  std::transform (h.begin (), h.end (), h.begin (), [] (unsigned char c) { return std::tolower (c); });
  std::transform (n.begin (), n.end (), n.begin (), [] (unsigned char c) { return std::tolower (c); });
  return h.find (n) != std::string::npos;
}

bool
transient_http_status (unsigned status)
{
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

}  // namespace

std::string
describe_end (const SessionEnd &end)
{
  switch (end.kind) {
    case SessionEnd::Kind::UNREACHABLE:
      return "network error: " + (end.detail.empty () ? std::string ("unreachable") : end.detail);
    case SessionEnd::Kind::HANDSHAKE_REFUSED:
      return "HTTP " + std::to_string (end.http_status)
          + (end.reason.empty () ? "" : " " + end.reason);
    case SessionEnd::Kind::REQUEST_FAILED:
      return "no connection request: " + end.detail;
    case SessionEnd::Kind::PROTOCOL_VIOLATION:
      return "WebSocket protocol violation by the server (close " + std::to_string (end.close_code)
          + ": " + (end.detail.empty () ? std::string ("invalid frame") : end.detail) + ")";
    case SessionEnd::Kind::INVALID_TEXT_FRAME:
      return "the server sent a text frame that is not valid UTF-8 (close 1007)";
    case SessionEnd::Kind::OVERLOADED:
      return end.detail.empty () ? std::string ("the connection was overloaded") : end.detail;
    case SessionEnd::Kind::CLOSED:
      break;
  }
  if (end.close_code == 1006)
    return "close 1006: the connection dropped without a close frame";
  return "close " + std::to_string (end.close_code) + ": "
      + (end.reason.empty () ? std::string ("no reason given") : end.reason);
}

EndAction
classify_end (const SessionEnd &end, const EndContext &context)
{
  switch (end.kind) {
    case SessionEnd::Kind::REQUEST_FAILED:
      return EndAction::FAIL;
    case SessionEnd::Kind::UNREACHABLE:
      /* A first connection that cannot be made is a setting to fix, not a
       * blip: only an established session keeps trying. */
      return context.ever_ready ? EndAction::RETRY : EndAction::FAIL;
    case SessionEnd::Kind::HANDSHAKE_REFUSED:
      return context.ever_ready && transient_http_status (end.http_status) ? EndAction::RETRY
                                                                           : EndAction::FAIL;
    case SessionEnd::Kind::PROTOCOL_VIOLATION:
      return EndAction::FAIL;
    case SessionEnd::Kind::INVALID_TEXT_FRAME:
    case SessionEnd::Kind::OVERLOADED:
      return context.ever_ready ? EndAction::RETRY : EndAction::FAIL;
    case SessionEnd::Kind::CLOSED:
      break;
  }

  const int code = end.close_code;
  /* The service refuses a dead handle with 1008 "…session not found". */
  if (context.sent_handle && !end.after_setup && code == 1008
      && contains_nocase (end.reason, "session not found"))
    return EndAction::FRESH_SESSION;
  /* Every connection ends after goAway (1011 "Deadline expired…", or 1008
   * when the client lingered): that is the planned end. */
  if (context.go_away_received && end.after_setup)
    return EndAction::RESUME_NOW;
  if (!context.ever_ready && !context.sent_handle)
    return EndAction::FAIL;  /* the very first setup was refused: a setting is wrong */

  switch (code) {
    case 1000:  /* closed by the peer without our asking */
    case 1001:  /* going away */
    case 1006:  /* dropped: no close frame */
    case 1011:  /* internal error, unavailable, quota, deadline */
    case 1012:  /* service restart */
    case 1013:  /* try again later */
    case 1014:  /* bad gateway */
      return EndAction::RETRY;
    case 1008:
      /* Seen at random after tool responses; resuming recovers. Other
       * policy closes (bad model, not enabled) are final. */
      if (end.after_setup && (contains_nocase (end.reason, "entity was not found")
              || contains_nocase (end.reason, "operation was aborted")))
        return EndAction::RETRY;
      return EndAction::FAIL;
    default:
      return EndAction::FAIL;  /* 1002, 1003, 1007, 1009, 1010 … */
  }
}

GoAwayPlanner::Decision
GoAwayPlanner::on_message (const ServerMessage &message)
{
  const bool had_go_away = go_away_;
  if (!message.audio.empty () || !message.texts.empty () || !message.tool_calls.empty ())
    in_reply_ = true;
  /* Extended thinking: a turnComplete beside IN_PROGRESS ends the filler,
   * and the answer comes after it on this connection; IDLE ends it all. */
  using Status = InteractionStatus;
  const Status status = message.interaction_status;
  const bool interaction_over = status == Status::IDLE || status == Status::WAITING_FOR_INPUT;
  if (status == Status::IN_PROGRESS) {
    interaction_in_progress_ = true;
    in_reply_ = true;
  } else if (interaction_over || message.interrupted) {
    interaction_in_progress_ = false;
  }
  if ((message.turn_complete && !interaction_in_progress_) || message.interrupted
      || interaction_over)
    in_reply_ = false;

  Decision decision;
  if (message.go_away && !had_go_away) {
    go_away_ = true;
    if (!in_reply_) {
      decision.step = Step::RESUME_NOW;
      return decision;
    }
    int64_t left = std::max<int64_t> (message.go_away->time_left_ms, 0);
    decision.step = Step::RESUME_AFTER;
    decision.delay_ms = left - std::min<int64_t> (left / 2, GO_AWAY_MARGIN_MS);
    return decision;
  }
  if (had_go_away && !in_reply_)
    decision.step = Step::RESUME_NOW;
  return decision;
}

Backoff::Backoff (const ReconnectSettings &settings, uint64_t seed)
    : settings_ (settings), state_ (seed ? seed : 0x9e3779b97f4a7c15ull)
{
}

uint64_t
Backoff::next_random ()
{
  /* xorshift64*: plenty for jitter, and reproducible from the seed in tests. */
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return state_ * 0x2545f4914f6cdd1dull;
}

unsigned
Backoff::nominal_delay_ms (unsigned attempt) const
{
  uint64_t delay = settings_.initial_delay_ms;
  for (unsigned i = 1; i < attempt && delay < settings_.max_delay_ms; i++)
    delay *= 2;
  return static_cast<unsigned> (std::min<uint64_t> (delay, settings_.max_delay_ms));
}

unsigned
Backoff::delay_ms (unsigned attempt)
{
  unsigned nominal = nominal_delay_ms (attempt);
  unsigned half = nominal / 2;
  unsigned spread = nominal - half;
  return half + (spread ? static_cast<unsigned> (next_random () % (spread + 1)) : 0);
}

}  // namespace gemlive
