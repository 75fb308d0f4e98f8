/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "input_gate.h"

#include "live/protocol.h"

#include <gst/gst.h>

GST_DEBUG_CATEGORY_STATIC (gate_debug);
#define GST_CAT_DEFAULT gate_debug

static void
init_debug ()
{
  static gsize once = 0;
  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (gate_debug, "geminilive-gate", 0, "geminilive input and tool gate");
    g_once_init_leave (&once, 1);
  }
}

void
InputGate::reset (const gemlive::ModelRules *rules, gemlive::ToolDeclarations declared)
{
  init_debug ();
  std::lock_guard<std::mutex> guard (lock_);
  chunker_.reset ();
  table_.clear ();
  table_.set_call_behaviour (rules, std::move (declared));
  held_.clear ();
  held_.reset_counters ();
  gate_closed_ = false;
  drop_told_ = false;
}

void
InputGate::set_call_behaviour (const gemlive::ModelRules *rules,
    gemlive::ToolDeclarations declared)
{
  std::lock_guard<std::mutex> guard (lock_);
  table_.set_call_behaviour (rules, std::move (declared));
}

void
InputGate::send_locked (gemlive::LiveSession &session, std::string frame, int64_t audio_ms,
    GateNews &news)
{
  if (!gate_closed_) {
    session.send (std::move (frame));
    return;
  }
  held_.push (std::move (frame), audio_ms);
  if (held_.dropped_audio_ms () > 0 && !drop_told_)
    drop_told_ = news.held_audio_dropped = true;
}

void
InputGate::send_pcm_locked (gemlive::LiveSession &session, const std::vector<uint8_t> &pcm,
    GateNews &news)
{
  int rate = chunker_.rate ();
  send_locked (session, gemlive::encode_realtime_audio (pcm.data (), pcm.size (), rate),
      (int64_t) pcm.size () * 1000 / (2 * rate), news);
}

void
InputGate::set_rate (gemlive::LiveSession *session, int rate, GateNews &news)
{
  std::lock_guard<std::mutex> guard (lock_);
  /* Audio of the old rate goes out with the old rate's mimeType. */
  auto partial = chunker_.take_partial ();
  if (!partial.empty () && session)
    send_pcm_locked (*session, partial, news);
  rate_ = rate;
  chunker_.set_rate (rate);
}

int
InputGate::rate ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return rate_;
}

bool
InputGate::push_audio (gemlive::LiveSession &session, const uint8_t *data, size_t size,
    bool &cut, GateNews &news)
{
  std::lock_guard<std::mutex> guard (lock_);
  /* Encoding happens here, on the streaming thread, so the shared network
   * thread only writes finished frames. */
  auto chunks = chunker_.push (data, size);
  for (const auto &chunk : chunks)
    send_pcm_locked (session, chunk, news);
  cut = !chunks.empty ();
  return chunker_.has_pending ();
}

void
InputGate::flush_partial (gemlive::LiveSession &session, GateNews &news)
{
  std::lock_guard<std::mutex> guard (lock_);
  auto partial = chunker_.take_partial ();
  if (!partial.empty ())
    send_pcm_locked (session, partial, news);
}

void
InputGate::drop_partial ()
{
  std::lock_guard<std::mutex> guard (lock_);
  chunker_.reset ();
}

void
InputGate::send (gemlive::LiveSession &session, std::string frame, int64_t audio_ms,
    bool flush_first, GateNews &news)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (flush_first) {
    auto partial = chunker_.take_partial ();
    if (!partial.empty ())
      send_pcm_locked (session, partial, news);
  }
  send_locked (session, std::move (frame), audio_ms, news);
}

/* Opens the gate when no blocking call is left, sending the held frames
 * first, in order. */
void
InputGate::release_if_unblocked_locked (gemlive::LiveSession *session)
{
  if (!gate_closed_ || table_.blocking_pending ())
    return;
  gate_closed_ = false;
  int64_t held = held_.held_audio_ms ();
  auto frames = held_.take ();
  held_.reset_counters ();
  drop_told_ = false;
  if (session)
    for (auto &frame : frames)
      session->send (std::move (frame));
  GST_DEBUG ("tool gate open: released %zu held frames (%" G_GINT64_FORMAT " ms of audio)",
      frames.size (), held);
}

std::vector<bool>
InputGate::add_calls (const std::vector<gemlive::FunctionCall> &calls, int64_t deadline_us)
{
  std::lock_guard<std::mutex> guard (lock_);
  std::vector<bool> blocking;
  for (const auto &call : calls) {
    blocking.push_back (table_.add (call, deadline_us).blocking);
    if (blocking.back () && !gate_closed_) {
      gate_closed_ = true;
      held_.reset_counters ();
    }
  }
  return blocking;
}

std::vector<std::string>
InputGate::cancel (gemlive::LiveSession *session, const std::vector<std::string> &ids)
{
  std::lock_guard<std::mutex> guard (lock_);
  auto cancelled = table_.cancel (ids);
  release_if_unblocked_locked (session);
  return cancelled;
}

gemlive::ToolCallTable::Verdict
InputGate::answer (gemlive::LiveSession &session, const std::string &id,
    const std::string &name, gemlive::ToolScheduling scheduling,
    const std::function<std::string (const std::string &call_name)> &encode)
{
  std::lock_guard<std::mutex> guard (lock_);
  gemlive::PendingToolCall call;
  auto verdict = table_.answer (id, name, scheduling, call);
  if (verdict == gemlive::ToolCallTable::Verdict::ACCEPTED) {
    std::string frame = encode (call.name);
    if (!frame.empty ())
      session.send (std::move (frame));
    release_if_unblocked_locked (&session);
  }
  return verdict;
}

std::vector<gemlive::PendingToolCall>
InputGate::expire (gemlive::LiveSession *session, int64_t now_us,
    const std::function<std::string (const gemlive::PendingToolCall &call)> &encode_error)
{
  std::lock_guard<std::mutex> guard (lock_);
  auto expired = table_.expire (now_us);
  if (session)
    for (const auto &call : expired) {
      std::string frame = encode_error (call);
      if (!frame.empty ())
        session->send (std::move (frame));
    }
  release_if_unblocked_locked (session);
  return expired;
}

std::optional<int64_t>
InputGate::next_deadline ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return table_.next_deadline ();
}

void
InputGate::connection_replaced (gemlive::LiveSession *session)
{
  std::lock_guard<std::mutex> guard (lock_);
  table_.clear ();
  release_if_unblocked_locked (session);
}
