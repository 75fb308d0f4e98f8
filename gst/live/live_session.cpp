/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One Live API session over a WebSocket.
 *
 * Threads and ownership:
 * - The session's network thread (NetworkThread: up to K per process, this
 *   session stays on the one it was given) owns the WebSocketConnection (and
 *   through it libsoup's objects) and every field of Core marked "network
 *   thread". Listener callbacks run there too.
 * - Any other thread (a streaming thread, the application) only touches the
 *   outbox (a bounded deque under Core::lock) and arms Core::wake.
 *
 * Hand-off points:
 * 1. Outgoing: send () appends to the outbox under the lock and arms the
 *    `wake` Alarm; the network thread swaps the outbox out and hands the
 *    frames to libsoup once setupComplete was seen, and only while the
 *    socket can take them: a server that stops reading leaves them in the
 *    (bounded) outbox, never in libsoup's unbounded queue.
 * 0. The connection request: the provider answers from any thread; the
 *    answer is taken back to the network thread (request_generation).
 * 2. Incoming: frames are decoded on the network thread and handed to the
 *    SessionListener there; the listener moves results to its own threads.
 *
 * Lifetime: Core is shared between the LiveSession and the network thread's
 * pending invokes (which hold it weakly). The connection calls Core until it
 * is retired; stop () runs synchronously on the network thread, retires it
 * and sets `stopped`, after which no callback reaches the listener; so no
 * connection that could still call Core outlives it.
 *
 * Reconnection: live_session_reconnect.cpp.
 */
#include "live/live_session.h"
#include "live/live_session_core.h"
#include "live/tls_trust.h"

#include <algorithm>

namespace gemlive {


void
LiveSession::Core::open_connection ()
{
  state = State::CONNECTING;
  const guint generation = ++request_generation;
  std::weak_ptr<Core> weak = shared_from_this ();
  NetworkThread *network = &thread;
  provider ([weak, generation, network] (bool ok, ConnectionRequest request, std::string error) {
    /* Any thread: back to the network thread; the session may be gone. */
    network->invoke ([weak, generation, ok, request = std::move (request),
                         error = std::move (error)] () mutable {
      auto self = weak.lock ();
      if (!self || self->stopped || self->state != State::CONNECTING
          || generation != self->request_generation)
        return;
      if (ok) {
        self->connect_with (std::move (request));
        return;
      }
      SessionEnd info;
      info.kind = SessionEnd::Kind::REQUEST_FAILED;
      info.detail = error;
      self->connection_ended (std::move (info));
    });
  });
}

void
LiveSession::Core::connect_with (ConnectionRequest request)
{
  WebSocketRequest ws_request;
  ws_request.url = std::move (request.url);
  ws_request.headers = std::move (request.headers);
  ws_request.connect_timeout_ms = options.connect_timeout_ms;
  /* A private CA (tls-ca-file) for this handshake only. */
  std::string error;
  GTlsDatabase *private_ca = nullptr;
  if (!request.tls_ca_file.empty ()) {
    private_ca = load_private_ca (request.tls_ca_file, error);
    if (!private_ca) {
      SessionEnd info;
      info.kind = SessionEnd::Kind::REQUEST_FAILED;
      info.detail = error;
      connection_ended (std::move (info));
      return;
    }
  }
  ws_request.private_ca = private_ca;

  setup.resumption_handle = handle;
  sent_handle = !handle.empty ();
  resume_after_setup.clear ();  /* this setup carries every change so far */
  go_away_plan.reset ();
  log (LogLevel::INFO, "connecting to " + request.redacted_url
      + (sent_handle ? " (resuming the session)" : ""));
  conn = std::make_unique<WebSocketConnection> (thread, *this);
  host_port.clear ();
  conn->open (ws_request);  /* may end at once (on_end) */
  g_clear_object (&private_ca);
}

void
LiveSession::Core::on_open ()
{
  state = State::AWAITING_SETUP;
  host_port = conn->host_port ();
  log (LogLevel::INFO, "connected to " + host_port + ", sending setup");
  conn->send_text (encode_setup (setup));
  setup_alarm->fire_at (g_get_monotonic_time () + (gint64) options.connect_timeout_ms * 1000);
}

void
LiveSession::Core::on_invalid_text_frame ()
{
  unparsable++;
  log (LogLevel::WARNING, "ignoring a server text frame that is not valid UTF-8 "
      "(libsoup closes the connection over it; the session resumes)");
}

void
LiveSession::Core::on_setup_timeout ()
{
  if (stopped || state != State::AWAITING_SETUP)
    return;
  SessionEnd info;
  info.kind = SessionEnd::Kind::UNREACHABLE;
  info.detail = "the server accepted the WebSocket but sent no setupComplete within "
      + std::to_string (options.connect_timeout_ms / 1000) + " s";
  connection_ended (std::move (info));
}

void
LiveSession::Core::on_message (const char *data, size_t size)
{
  /* The service sends binary frames of UTF-8 JSON; text is accepted too. */
  DecodeResult decoded = decode_server_message (data, size);
  if (!decoded.message) {
    unparsable++;
    log (LogLevel::WARNING, "ignoring an unparsable server frame (" + std::to_string (size)
        + " bytes): " + decoded.error);
    return;
  }
  ServerMessage &message = *decoded.message;
  if (!message.unknown_fields.empty ()) {
    unparsable++;
    std::string names;
    for (const auto &name : message.unknown_fields)
      names += (names.empty () ? "" : ", ") + name;
    log (LogLevel::WARNING, "ignoring unknown fields in a server frame: " + names);
  }

  if (message.setup_complete && state == State::AWAITING_SETUP) {
    setup_completed (message.session_id);
    if (stopped)
      return;
  }
  if (message.resumption_update && message.resumption_update->resumable
      && !message.resumption_update->new_handle.empty ()) {
    handle = message.resumption_update->new_handle;
    std::lock_guard<std::mutex> guard (lock);
    shared_handle = handle;
  }
  /* Before the listener may move the audio out. */
  GoAwayPlanner::Decision plan = go_away_plan.on_message (message);

  listener.on_server_message (message);
  if (stopped || state != State::READY)
    return;
  switch (plan.step) {
    case GoAwayPlanner::Step::NONE:
      break;
    case GoAwayPlanner::Step::RESUME_NOW:
      resume_planned (message.go_away ? "goAway" : "goAway (after the reply)");
      break;
    case GoAwayPlanner::Step::RESUME_AFTER:
      log (LogLevel::INFO, "goAway: resuming after the reply, at the latest in "
          + std::to_string (plan.delay_ms) + " ms");
      go_away_alarm->fire_at (g_get_monotonic_time () + plan.delay_ms * 1000);
      break;
  }
}

void
LiveSession::Core::on_end (SessionEnd end)
{
  host_port = end.host_port;
  if (end.kind != SessionEnd::Kind::UNREACHABLE && !end.detail.empty ()) {
    log (LogLevel::WARNING, "WebSocket error: " + end.detail);
  }
  connection_ended (std::move (end));
}

void
LiveSession::Core::setup_completed (const std::string &session_id)
{
  state = State::READY;
  setup_alarm->cancel ();
  /* attempts is reset once this connection has stayed up (MIN_STABLE_MS). */
  ready_since_us = g_get_monotonic_time ();
  const bool first = !ever_ready;
  ever_ready = true;
  set_ready (true);
  flush_outbox ();
  if (first)
    listener.on_setup_complete (session_id);
  /* A reconnection, or a first connection whose handle was refused. */
  if (!resume_reason.empty () && !stopped) {
    ResumeNotice notice;
    notice.reason = resume_reason;
    notice.context_kept = sent_handle;
    notice.session_id = session_id;
    resume_reason.clear ();
    resume_fresh = false;
    log (LogLevel::INFO, std::string ("reconnected (") + (sent_handle ? "session resumed" :
            "fresh session") + "): " + notice.reason);
    listener.on_resumed (notice);
  }
  if (!resume_after_setup.empty () && !stopped && state == State::READY) {
    std::string why;
    why.swap (resume_after_setup);
    resume_planned (why);
  }
}

/* One warning when dropping starts (the application hears it while the
 * connection is still stuck), and one log line with the total once frames
 * flow again. */
void
LiveSession::Core::report_drops (bool flowing)
{
  const guint64 dropped_now = dropped.load ();
  if (dropped_now != dropped_reported && !dropping) {
    dropping = true;
    log (LogLevel::WARNING, "dropping the oldest client frames: more than "
        + std::to_string (options.max_pending_frames) + " frames or "
        + std::to_string (options.max_pending_bytes / (1024 * 1024))
        + " MiB are waiting for the connection");
    listener.on_input_dropped (dropped_now - dropped_reported, options.max_pending_frames);
  } else if (dropping && flowing) {
    dropping = false;
    log (LogLevel::WARNING, "dropped " + std::to_string (dropped_now - dropped_reported)
        + " oldest client frames in all while the connection took nothing");
    dropped_reported = dropped_now;
  }
}

void
LiveSession::Core::flush_outbox ()
{
  const bool can_send = conn && conn->is_open () && conn->can_send ();
  /* Swapped with the outbox rather than a fresh deque: a std::deque
   * allocates even when empty, and this runs for every microphone chunk. */
  std::deque<std::string> &batch = sending;
  {
    std::lock_guard<std::mutex> guard (lock);
    if (ready && can_send) {
      batch.swap (outbox);
      outbox_bytes = 0;
    }
  }
  report_drops (!batch.empty ());
  if (batch.empty ())
    return;  /* kept (bounded) for the next connection, or for on_writable */
  size_t sent = 0;
  while (sent < batch.size () && conn->send_text (batch[sent]))
    sent++;
  if (sent < batch.size ()) {
    /* The connection is ending: the rest waits for the next one, in order. */
    std::lock_guard<std::mutex> guard (lock);
    for (size_t i = batch.size (); i-- > sent;) {
      outbox_bytes += batch[i].size ();
      outbox.push_front (std::move (batch[i]));
    }
  }
  batch.clear ();
}

void
LiveSession::Core::end (SessionEnd info)
{
  state = State::ENDED;
  {
    std::lock_guard<std::mutex> guard (lock);
    accepting = false;
    ready = false;
    outbox.clear ();
    outbox_bytes = 0;
  }
  setup_alarm->cancel ();
  release_connection ();
  if (!stopped)
    listener.on_session_end (info);
}

void
LiveSession::Core::release_connection (std::function<void ()> on_closed)
{
  if (conn) {
    /* The thread finishes its close handshake and deletes it later, never
     * inside one of its own calls. */
    thread.retire_connection (std::move (conn), std::move (on_closed));
  } else if (on_closed) {
    thread.invoke (std::move (on_closed));
  }
}

void
LiveSession::Core::shutdown ()
{
  if (stopped)
    return;
  stopped = true;
  {
    std::lock_guard<std::mutex> guard (lock);
    accepting = false;
    ready = false;
    outbox.clear ();
    outbox_bytes = 0;
  }
  wake.reset ();
  retry_alarm.reset ();
  go_away_alarm.reset ();
  setup_alarm.reset ();
  release_connection ();
  state = State::ENDED;
}

/* --- LiveSession --- */

LiveSession::LiveSession (SessionListener &listener, RequestProvider provider,
    SetupConfig setup, SessionOptions options)
    : thread_ (NetworkThread::acquire ())
{
  core_ = std::make_shared<Core> (*thread_, listener, std::move (provider), std::move (setup),
      options);
  Core *core = core_.get ();
  core_->wake = std::make_unique<Alarm> (*thread_, [core] { core->flush_outbox (); });
  core_->retry_alarm = std::make_unique<Alarm> (*thread_,
      [core] { core->on_retry_alarm (); });
  core_->go_away_alarm = std::make_unique<Alarm> (*thread_,
      [core] { core->resume_planned ("goAway (time running out)"); });
  core_->setup_alarm = std::make_unique<Alarm> (*thread_, [core] { core->on_setup_timeout (); });
}

LiveSession::LiveSession (SessionListener &listener, ConnectionRequest request,
    SetupConfig setup, SessionOptions options)
    : LiveSession (listener,
          RequestProvider ([request] (RequestReady ready) { ready (true, request, ""); }),
          std::move (setup), options)
{
}

LiveSession::~LiveSession ()
{
  stop ();
  core_.reset ();
  thread_.reset ();
}

void
LiveSession::start ()
{
  std::weak_ptr<Core> weak = core_;
  thread_->invoke ([weak] {
    auto core = weak.lock ();
    if (core && !core->stopped && core->state == Core::State::IDLE)
      core->open_connection ();
  });
}

void
LiveSession::send (std::string frame)
{
  std::lock_guard<std::mutex> guard (core_->lock);
  if (!core_->accepting)
    return;
  auto &outbox = core_->outbox;
  bool dropped = false;
  while (!outbox.empty () && (outbox.size () >= core_->options.max_pending_frames
             || core_->outbox_bytes + frame.size () > core_->options.max_pending_bytes)) {
    core_->outbox_bytes -= outbox.front ().size ();
    outbox.pop_front ();
    core_->dropped++;
    dropped = true;
  }
  core_->outbox_bytes += frame.size ();
  outbox.push_back (std::move (frame));
  /* Under the lock so shutdown () cannot destroy the alarm meanwhile. A
   * drop wakes the thread too, to say so. */
  if (core_->ready || dropped)
    core_->wake->fire_now ();
}

void
LiveSession::stop ()
{
  auto core = core_;
  thread_->invoke_sync ([core] { core->shutdown (); });
}

guint64
LiveSession::unparsable_frames () const
{
  return core_->unparsable.load ();
}

guint64
LiveSession::dropped_frames () const
{
  return core_->dropped.load ();
}

std::string
LiveSession::resumption_handle () const
{
  std::lock_guard<std::mutex> guard (core_->lock);
  return core_->shared_handle;
}

guint64
LiveSession::reconnections () const
{
  return core_->reconnections.load ();
}

}  // namespace gemlive
