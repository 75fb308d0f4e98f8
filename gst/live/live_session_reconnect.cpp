/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * LiveSession: the end of a connection and what follows it.
 *
 * Reconnection (all on the network thread): a connection that ends is
 * classified by reconnect_policy.h. goAway starts a planned resumption after
 * the reply in progress, or when half of timeLeft (at most 5 s before the
 * deadline) is left: input stops going to the old socket at once (its close
 * frame leaves behind every frame it already took), the old socket is closed
 * (the service refuses a resumption while it is open), and the new one is
 * opened once it is closed (or after CLOSE_WAIT_MS). Failures wait a jittered
 * backoff. Meanwhile `ready` is false, so send () keeps frames in the outbox
 * (bounded); they go out right after the next setupComplete, before anything
 * newer.
 */
#include "live/live_session_core.h"

#include <algorithm>

namespace gemlive {

namespace {

/* How long a planned resumption waits for the old socket's close handshake. */
constexpr gint64 CLOSE_WAIT_MS = 2000;

}  // namespace

/* goAway: close the old connection first, then resume with the newest handle. */
void
LiveSession::Core::resume_planned (const std::string &why)
{
  if (state != State::READY)
    return;
  go_away_alarm->cancel ();
  ReconnectNotice notice;
  notice.reason = why;
  notice.planned = true;
  notice.with_handle = !handle.empty ();
  if (connection_was_stable ()) {
    attempts = 0;
  } else {
    SessionEnd info;
    info.kind = SessionEnd::Kind::CLOSED;
    info.close_code = 1001;
    info.reason = "goAway";
    info.after_setup = true;
    info.host_port = host_port;
    if (!count_short_connection (info))
      return;
    notice.attempt = attempts;
    notice.max_attempts = options.reconnect.max_attempts;
    notice.delay_ms = backoff.delay_ms (attempts);
  }
  set_ready (false);  /* new input waits in the outbox for the next connection */
  resume_reason = why;
  listener.on_reconnecting (notice);
  if (stopped)
    return;
  close_for_resumption (notice.delay_ms);
}

void
LiveSession::change_setup (std::function<void (SetupConfig &)> change, bool resume,
    std::string why)
{
  std::weak_ptr<Core> weak = core_;
  thread_->invoke ([weak, change = std::move (change), resume, why = std::move (why)] {
    auto core = weak.lock ();
    if (!core || core->stopped)
      return;
    change (core->setup);
    if (!resume)
      return;
    if (core->state == Core::State::READY)
      core->resume_planned (why);
    else if (core->state == Core::State::AWAITING_SETUP)
      core->resume_after_setup = why;
    /* Otherwise no setup is out yet: the next connection's carries the change. */
  });
}

bool
LiveSession::Core::connection_was_stable () const
{
  return g_get_monotonic_time () - ready_since_us >= MIN_STABLE_MS * 1000;
}

bool
LiveSession::Core::count_short_connection (SessionEnd &info)
{
  if (attempts < options.reconnect.max_attempts) {
    attempts++;
    return true;
  }
  info.short_lived = true;
  info.reconnect_attempts = attempts;
  log (LogLevel::WARNING, "giving up: " + std::to_string (attempts + 1)
      + " connections in a row ended within " + std::to_string (MIN_STABLE_MS)
      + " ms of their setupComplete (" + describe_end (info) + ")");
  end (std::move (info));
  return false;
}

void
LiveSession::Core::close_for_resumption (unsigned delay_ms)
{
  state = State::WAITING;
  guint generation = ++wait_generation;
  const gint64 now = g_get_monotonic_time ();
  earliest_connect_us = now + (gint64) delay_ms * 1000;
  std::weak_ptr<Core> weak = shared_from_this ();
  release_connection ([weak, generation] {
    if (auto self = weak.lock ())
      self->connect_if_waiting (generation);
  });
  retry_alarm->cancel ();
  retry_alarm->fire_at (std::max (earliest_connect_us, now + CLOSE_WAIT_MS * 1000));
}

void
LiveSession::Core::connection_ended (SessionEnd info)
{
  info.after_setup = state == State::READY;
  if (info.host_port.empty ())
    info.host_port = host_port;
  const bool stable = info.after_setup && connection_was_stable ();
  if (stable)
    attempts = 0;
  info.reconnect_attempts = attempts;
  setup_alarm->cancel ();
  release_connection ();
  if (stopped)
    return;
  go_away_alarm->cancel ();

  EndContext context;
  context.go_away_received = go_away_plan.go_away_received ();
  context.sent_handle = sent_handle;
  context.ever_ready = ever_ready;
  const std::string why = describe_end (info);
  ReconnectNotice notice;
  notice.reason = why;
  notice.with_handle = !handle.empty ();
  notice.max_attempts = options.reconnect.max_attempts;

  switch (classify_end (info, context)) {
    case EndAction::RESUME_NOW:
      notice.planned = true;
      notice.reason = "goAway (" + why + ")";
      if (!stable) {
        if (!count_short_connection (info))
          return;
        notice.attempt = attempts;
        notice.delay_ms = backoff.delay_ms (attempts);
      }
      wait_and_reconnect (notice.delay_ms, std::move (notice));
      return;
    case EndAction::FRESH_SESSION:
      log (LogLevel::WARNING, "the resumption handle was refused (" + why
          + "): starting a fresh session");
      handle.clear ();
      {
        std::lock_guard<std::mutex> guard (lock);
        shared_handle.clear ();
      }
      notice.with_handle = false;
      notice.fresh_fallback = true;
      notice.reason = "resumption refused (" + why + "): fresh session, context lost";
      wait_and_reconnect (0, std::move (notice));
      return;
    case EndAction::RETRY:
      if (attempts < options.reconnect.max_attempts) {
        attempts++;
        notice.attempt = attempts;
        notice.delay_ms = backoff.delay_ms (attempts);
        unsigned delay = notice.delay_ms;
        log (LogLevel::WARNING, "connection lost (" + why + "): reconnecting in "
            + std::to_string (delay) + " ms, attempt " + std::to_string (attempts) + " of "
            + std::to_string (options.reconnect.max_attempts));
        wait_and_reconnect (delay, std::move (notice));
        return;
      }
      break;
    case EndAction::FAIL:
      break;
  }
  end (std::move (info));
}

void
LiveSession::Core::wait_and_reconnect (unsigned delay_ms, ReconnectNotice notice)
{
  state = State::WAITING;
  set_ready (false);
  resume_reason = notice.reason;
  resume_fresh = notice.fresh_fallback;
  wait_generation++;
  listener.on_reconnecting (notice);
  if (stopped)
    return;
  retry_alarm->cancel ();
  retry_alarm->fire_at (g_get_monotonic_time () + (gint64) delay_ms * 1000);
}

void
LiveSession::Core::on_retry_alarm ()
{
  connect_if_waiting (wait_generation);
}

void
LiveSession::Core::connect_if_waiting (guint generation)
{
  if (stopped || state != State::WAITING || generation != wait_generation)
    return;
  retry_alarm->cancel ();
  if (g_get_monotonic_time () < earliest_connect_us) {
    retry_alarm->fire_at (earliest_connect_us);  /* a short-lived connection's backoff */
    return;
  }
  reconnections++;
  open_connection ();
}

}  // namespace gemlive
