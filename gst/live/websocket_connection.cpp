/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See websocket_connection.h. Life of a connection:
 *   open () -> CONNECTING (libsoup: TCP, proxy, TLS, the upgrade; one deadline)
 *           -> OPEN (frames both ways through SoupWebsocketConnection)
 *           -> CLOSING (retired: our close frame queued behind libsoup's
 *              frames, the peer's awaited)
 *           -> CLOSED (libsoup's "closed"; on_end, or retire's done)
 * A connect still running when the connection goes is cancelled, and its
 * callback finds the connection gone through Pending.
 */
#include "live/websocket_connection.h"
#include "live/peer_text.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace gemlive {

namespace {

/* How long a retired connection waits for the server's close frame
 * (libsoup's own wait is 5 s, and holds a stopping element that long). */
constexpr guint CLOSE_TIMEOUT_MS = 3000;

std::string
message_of (const GError *error)
{
  return error ? error->message : "unknown error";
}

std::string
host_port_of (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  std::string name = host ? host : "";
  int port = g_uri_get_port (uri);
  if (port < 0) {
    const char *scheme = g_uri_get_scheme (uri);
    port = scheme && (g_ascii_strcasecmp (scheme, "wss") == 0
        || g_ascii_strcasecmp (scheme, "https") == 0) ? 443 : 80;
  }
  if (name.find (':') != std::string::npos)
    name = "[" + name + "]";
  return name + ":" + std::to_string (port);
}

const char *
stage_of (GSocketClientEvent event)
{
  switch (event) {
    case G_SOCKET_CLIENT_RESOLVING:
    case G_SOCKET_CLIENT_RESOLVED:
      return "resolving the host";
    case G_SOCKET_CLIENT_CONNECTING:
      return "connecting (TCP)";
    case G_SOCKET_CLIENT_CONNECTED:
    case G_SOCKET_CLIENT_PROXY_NEGOTIATING:
      return "negotiating with the proxy";
    case G_SOCKET_CLIENT_PROXY_NEGOTIATED:
    case G_SOCKET_CLIENT_TLS_HANDSHAKING:
      return "the TLS handshake";
    case G_SOCKET_CLIENT_TLS_HANDSHAKED:
    case G_SOCKET_CLIENT_COMPLETE:
      return "waiting for the answer to the WebSocket upgrade";
  }
  return "connecting";
}

/* libsoup 3.2 names what was wrong with a server frame only in its debug
 * log, just before it reports a bare "invalid WebSocket response". Its debug
 * messages are therefore kept (the last one per thread) and passed on to
 * GLib's default handler as before, so G_MESSAGES_DEBUG=libsoup still
 * prints them. */
thread_local char last_soup_debug[512];

void
keep_libsoup_debug (const gchar *domain, GLogLevelFlags level, const gchar *message,
    gpointer data)
{
  (void) data;
  g_strlcpy (last_soup_debug, message ? message : "", sizeof last_soup_debug);
  g_log_default_handler (domain, level, message, nullptr);
}

void
watch_libsoup_debug ()
{
  static std::once_flag once;
  std::call_once (once, [] {
    g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, keep_libsoup_debug, nullptr);
  });
}

/* What libsoup's last debug message says was wrong, in our words. */
std::string
describe_violation (const std::string &soup_said)
{
  struct Known {
    const char *libsoup;  /* part of libsoup 3.2's debug text */
    const char *ours;
  };
  static const Known known[] = {
    {"must not mask", "a masked frame (a server must not mask its frames)"},
    {"unknown data frame", "a data frame with a reserved opcode"},
    {"unsupported control frame", "a control frame with a reserved opcode"},
    {"fragmented control frame", "a fragmented control frame"},
    {"out of order", "bad fragmentation: a continuation frame out of order"},
    {"when fragment was expected", "bad fragmentation: a new message before the fragmented one ended"},
    {"reserved status code", "a close frame with a reserved code (1005, 1006 or 1015)"},
    {"Wrong closing code", "a close frame with a code outside 1000-4999"},
    {"close code is incomplete", "a close frame with a one-byte code"},
    {"control message payload exceeds", "a control frame over 125 bytes"},
  };
  for (const auto &k : known)
    if (soup_said.find (k.libsoup) != std::string::npos)
      return k.ours;
  /* libsoup logs nothing for a frame with reserved bits set. */
  return "an invalid frame (reserved bits set, or another RFC 6455 violation)";
}

/* libsoup refuses a close reason that is not UTF-8 as a protocol error, and
 * quotes it in its debug message: "received non-UTF8 close data: N '...' B". */
bool
close_reason_from_debug (const std::string &soup_said, std::string &reason)
{
  if (soup_said.find ("non-UTF8 close data") == std::string::npos)
    return false;
  size_t open = soup_said.find ('\'');
  size_t close = soup_said.rfind ('\'');
  if (open == std::string::npos || close <= open)
    return false;
  reason = soup_said.substr (open + 1, close - open - 1);
  return true;
}

}  // namespace

struct WebSocketConnection::Pending {
  WebSocketConnection *owner;
  GCancellable *cancellable;
  explicit Pending (WebSocketConnection *o) : owner (o), cancellable (g_cancellable_new ()) {}
  ~Pending () { g_object_unref (cancellable); }
  Pending (const Pending &) = delete;
  Pending &operator= (const Pending &) = delete;

  /* Callback data for the connect: a reference the callback takes back. */
  static gpointer hold (const std::shared_ptr<Pending> &pending)
  {
    return new std::shared_ptr<Pending> (pending);
  }
  static std::shared_ptr<Pending> take (gpointer data)
  {
    auto holder = static_cast<std::shared_ptr<Pending> *> (data);
    std::shared_ptr<Pending> pending = std::move (*holder);
    delete holder;
    return pending;
  }
};

WebSocketConnection::WebSocketConnection (NetworkThread &thread, WebSocketEvents &events)
    : thread_ (thread), events_ (&events)
{
}

WebSocketConnection::~WebSocketConnection ()
{
  done_ = nullptr;
  finish ();
}

void
WebSocketConnection::open (const WebSocketRequest &request)
{
  watch_libsoup_debug ();
  GUri *uri = g_uri_parse (request.url.c_str (), G_URI_FLAGS_ENCODED, nullptr);
  const char *scheme = uri ? g_uri_get_scheme (uri) : nullptr;
  const char *host = uri ? g_uri_get_host (uri) : nullptr;
  const bool valid = scheme && host && *host
      && (g_ascii_strcasecmp (scheme, "ws") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0);
  if (valid)
    host_port_ = host_port_of (uri);
  if (uri)
    g_uri_unref (uri);
  if (valid)
    message_ = soup_message_new ("GET", request.url.c_str ());
  if (!message_) {
    fail_unreachable ("the endpoint URL is not a valid ws:// or wss:// URL");
    return;
  }
  SoupMessageHeaders *headers = soup_message_get_request_headers (message_);
  for (const auto &header : request.headers)
    soup_message_headers_replace (headers, header.first.c_str (), header.second.c_str ());
  /* The database is referenced by the handler: a cancelled handshake may
   * outlive this connection. */
  if (request.private_ca)
    g_signal_connect_data (message_, "accept-certificate", G_CALLBACK (on_accept_certificate),
        g_object_ref (request.private_ca),
        [] (gpointer database, GClosure *) { g_object_unref (database); },
        static_cast<GConnectFlags> (0));
  g_signal_connect (message_, "network-event", G_CALLBACK (on_network_event), this);

  state_ = State::CONNECTING;
  connect_timeout_ms_ = request.connect_timeout_ms;
  start_deadline (connect_timeout_ms_);
  pending_ = std::make_shared<Pending> (this);
  soup_session_websocket_connect_async (thread_.soup_session (), message_, nullptr, nullptr,
      G_PRIORITY_DEFAULT, pending_->cancellable, on_connected, Pending::hold (pending_));
}

void
WebSocketConnection::on_network_event (SoupMessage *msg, GSocketClientEvent event,
    GIOStream *stream, gpointer data)
{
  (void) msg;
  auto self = static_cast<WebSocketConnection *> (data);
  self->stage_ = stage_of (event);
  /* The TCP socket (to the proxy, when there is one): its readiness is
   * what tells us whether libsoup could write. */
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (stream) && !self->socket_)
    self->socket_ = G_SOCKET (g_object_ref (
        g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream))));
}

/* Called only when the system's trust store refused the certificate: the
 * chain is checked again against the private CA, for the host dialled, and
 * accepted only if that passes with no error at all (expiry, wrong name and
 * unknown CA all still fail). */
gboolean
WebSocketConnection::on_accept_certificate (SoupMessage *msg, GTlsCertificate *certificate,
    GTlsCertificateFlags errors, gpointer data)
{
  (void) errors;  /* the system store's verdict; ours replaces it */
  auto database = static_cast<GTlsDatabase *> (data);
  GUri *uri = soup_message_get_uri (msg);
  int port = g_uri_get_port (uri);
  GSocketConnectable *identity = g_network_address_new (g_uri_get_host (uri),
      port > 0 ? static_cast<guint16> (port) : 443);
  GError *error = nullptr;
  GTlsCertificateFlags verdict = g_tls_database_verify_chain (database, certificate,
      G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, nullptr,
      G_TLS_DATABASE_VERIFY_NONE, nullptr, &error);
  g_object_unref (identity);
  const bool trusted = error == nullptr && verdict == 0;
  g_clear_error (&error);
  return trusted ? TRUE : FALSE;
}

void
WebSocketConnection::on_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  auto pending = Pending::take (data);
  GError *error = nullptr;
  SoupWebsocketConnection *conn =
      soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  WebSocketConnection *self = pending->owner;
  if (!self) {
    /* The connection went (retired, timed out) while libsoup connected. */
    if (conn && soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
    g_clear_object (&conn);
    g_clear_error (&error);
    return;
  }
  self->pending_.reset ();
  if (conn)
    self->connected (conn);
  else
    self->connect_failed (error);
  g_clear_error (&error);
}

void
WebSocketConnection::connect_failed (GError *error)
{
  const guint status = soup_message_get_status (message_);
  if (status >= 100 && status != SOUP_STATUS_SWITCHING_PROTOCOLS) {
    SessionEnd end;
    end.kind = SessionEnd::Kind::HANDSHAKE_REFUSED;
    end.http_status = status;
    const char *phrase = soup_message_get_reason_phrase (message_);
    end.reason = peer_text (phrase ? phrase : "");
    end.detail = "the server refused the WebSocket upgrade";
    fail (std::move (end));
    return;
  }
  fail_unreachable (peer_text (message_of (error)));
}

void
WebSocketConnection::connected (SoupWebsocketConnection *conn)
{
  stop_deadline ();
  /* Its headers carry credentials: kept no longer than needed. */
  g_signal_handlers_disconnect_by_data (message_, this);
  g_clear_object (&message_);
  conn_ = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn_, MAX_MESSAGE);
  /* No keepalive: the service answers pings after 8-30 s, and a client-side
   * pong timeout kills healthy sessions. A dead peer shows up as a failed
   * write, a TCP error or a stalled socket instead. */
  soup_websocket_connection_set_keepalive_interval (conn_, 0);
  g_signal_connect (conn_, "message", G_CALLBACK (on_soup_message), this);
  g_signal_connect (conn_, "error", G_CALLBACK (on_soup_error), this);
  g_signal_connect (conn_, "closed", G_CALLBACK (on_soup_closed), this);
  if (socket_) {
    /* Small frames every 40 ms: none should wait for an ACK (Nagle). */
    g_socket_set_option (socket_, IPPROTO_TCP, TCP_NODELAY, 1, nullptr);
    watch_ = thread_.watch_socket (socket_);
  }
  state_ = State::OPEN;
  if (events_)
    events_->on_open ();
}

void
WebSocketConnection::on_soup_message (SoupWebsocketConnection *conn, gint type, GBytes *message,
    gpointer data)
{
  (void) type;  /* the service sends binary frames of UTF-8 JSON; text is accepted too */
  auto self = static_cast<WebSocketConnection *> (data);
  if (!self->events_ || self->state_ != State::OPEN || self->violation_seen_)
    return;
  /* libsoup reads until the socket would block: every message of one read
   * arrives in one loop iteration. */
  const guint64 iteration = self->thread_.iteration ();
  const gint64 now = g_get_monotonic_time ();
  if (iteration != self->read_iteration_) {
    self->read_iteration_ = iteration;
    self->read_started_us_ = now;
  } else if (now - self->read_started_us_ > READ_BUDGET_MS * 1000) {
    /* Closing ends libsoup's read loop; the thread's other sessions get
     * their turn again. */
    self->overload_ = "the server sent faster than the client can decode (one read kept the "
        "network thread over " + std::to_string (READ_BUDGET_MS) + " ms)";
    self->state_ = State::CLOSING;
    if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
          "message rate too high");
    self->start_deadline (CLOSE_TIMEOUT_MS);
    return;
  }
  gsize size = 0;
  auto bytes = static_cast<const char *> (g_bytes_get_data (message, &size));
  self->events_->on_message (bytes, size);
}

void
WebSocketConnection::on_soup_error (SoupWebsocketConnection *conn, GError *error, gpointer data)
{
  (void) conn;
  auto self = static_cast<WebSocketConnection *> (data);
  if (!self->soup_error_.empty ())
    return;
  self->soup_error_ = peer_text (message_of (error));
  if (error->domain != SOUP_WEBSOCKET_ERROR)
    return;
  self->soup_error_code_ = static_cast<guint16> (error->code);
  if (error->code == SOUP_WEBSOCKET_CLOSE_BAD_DATA && self->events_)
    self->events_->on_invalid_text_frame ();
  if (error->code == SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR
      || error->code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
    self->violation_seen_ = true;
  if (error->code == SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR) {
    /* The debug message libsoup logged just before says which rule. */
    const std::string soup_said = last_soup_debug;
    if (close_reason_from_debug (soup_said, self->bad_close_reason_))
      self->bad_close_reason_ = peer_text (self->bad_close_reason_) + " (not valid UTF-8)";
    else
      self->soup_error_ = describe_violation (soup_said);
  }
}

void
WebSocketConnection::on_soup_closed (SoupWebsocketConnection *conn, gpointer data)
{
  (void) conn;
  static_cast<WebSocketConnection *> (data)->closed ();
}

void
WebSocketConnection::closed ()
{
  if (!events_) {
    finish ();  /* retired: the end we were waiting for */
    return;
  }
  SessionEnd end;
  end.kind = SessionEnd::Kind::CLOSED;
  end.close_code = soup_websocket_connection_get_close_code (conn_);
  const char *reason = soup_websocket_connection_get_close_data (conn_);
  end.reason = peer_text (reason ? reason : "");
  end.detail = soup_error_;
  if (end.close_code == 0)
    end.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;  /* no close frame came */
  if (watch_ && watch_->flooded.load ())
    overload_ = "the server flooded the connection faster than the client can read it "
                "(the network thread was kept over "
        + std::to_string (NetworkThread::WATCHDOG_LIMIT_MS) + " ms in one read)";
  if (!overload_.empty ()) {
    end.kind = SessionEnd::Kind::OVERLOADED;
    end.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
    end.reason.clear ();
    end.detail = overload_;
  } else if (soup_error_code_ == SOUP_WEBSOCKET_CLOSE_BAD_DATA) {
    /* A text frame that is not UTF-8: libsoup closes over one bad frame;
     * the session counts it and resumes. */
    end.kind = SessionEnd::Kind::INVALID_TEXT_FRAME;
    end.close_code = SOUP_WEBSOCKET_CLOSE_BAD_DATA;
  } else if (!bad_close_reason_.empty ()) {
    /* A close whose reason is not UTF-8 (libsoup calls it a protocol
     * error): still the server's close, with its code and what can be
     * shown of its reason. */
    end.reason = bad_close_reason_;
    end.detail.clear ();
  } else if (soup_error_code_ == SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR
      || soup_error_code_ == SOUP_WEBSOCKET_CLOSE_TOO_BIG) {
    end.kind = SessionEnd::Kind::PROTOCOL_VIOLATION;
    end.close_code = soup_error_code_;
    end.reason.clear ();
  }
  fail (std::move (end));
}

bool
WebSocketConnection::can_send ()
{
  if (state_ != State::OPEN || !libsoup_open ())
    return false;  /* "closed" follows */
  if (writable_source_)
    return false;  /* on_writable follows */
  if (socket_ && g_socket_is_closed (socket_))
    return false;  /* libsoup closed it: "closed" follows */
  if (!socket_ || (g_socket_condition_check (socket_, G_IO_OUT) & G_IO_OUT)) {
    stalled_since_us_ = 0;
    return true;
  }
  watch_writable ();
  return false;
}

void
WebSocketConnection::watch_writable ()
{
  const gint64 now = g_get_monotonic_time ();
  if (stalled_since_us_ == 0)
    stalled_since_us_ = now;
  writable_source_ = g_socket_create_source (socket_, G_IO_OUT, nullptr);
  g_source_set_callback (writable_source_, G_SOURCE_FUNC (on_socket_writable), this, nullptr);
  g_source_attach (writable_source_, thread_.context ());
  /* The deadline is free while OPEN: it measures the stall. */
  start_deadline (static_cast<guint> (
      std::max<gint64> (0, STALL_LIMIT_MS - (now - stalled_since_us_) / 1000)));
}

gboolean
WebSocketConnection::on_socket_writable (GSocket *socket, GIOCondition condition, gpointer data)
{
  (void) socket;
  (void) condition;
  auto self = static_cast<WebSocketConnection *> (data);
  g_source_destroy (self->writable_source_);
  g_source_unref (self->writable_source_);
  self->writable_source_ = nullptr;
  self->stop_deadline ();
  if (self->events_ && self->state_ == State::OPEN)
    self->events_->on_writable ();
  return G_SOURCE_REMOVE;
}

bool
WebSocketConnection::libsoup_open () const
{
  return conn_ && soup_websocket_connection_get_state (conn_) == SOUP_WEBSOCKET_STATE_OPEN;
}

bool
WebSocketConnection::send_text (const std::string &text)
{
  /* libsoup may be closing (a close from the peer, a failed write) before
   * its "closed" tells us. */
  if (state_ != State::OPEN || !libsoup_open ())
    return false;
  soup_websocket_connection_send_text (conn_, text.c_str ());
  return true;
}

void
WebSocketConnection::retire (std::function<void ()> done)
{
  events_ = nullptr;
  done_ = std::move (done);
  switch (state_) {
    case State::OPEN:
      state_ = State::CLOSING;
      if (writable_source_) {
        g_source_destroy (writable_source_);
        g_clear_pointer (&writable_source_, g_source_unref);
      }
      /* Queued behind every frame libsoup still holds (3.2 puts only the
       * answer to a peer's close in front). */
      if (soup_websocket_connection_get_state (conn_) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn_, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
      start_deadline (CLOSE_TIMEOUT_MS);
      break;
    case State::CLOSING:
      break;
    case State::IDLE:
    case State::CONNECTING:
    case State::CLOSED:
      finish ();
      break;
  }
}

void
WebSocketConnection::fail_unreachable (const std::string &detail)
{
  SessionEnd end;
  end.kind = SessionEnd::Kind::UNREACHABLE;
  end.detail = detail;
  fail (std::move (end));
}

void
WebSocketConnection::fail (SessionEnd end)
{
  if (end_reported_)
    return;
  end_reported_ = true;
  end.host_port = host_port_;
  WebSocketEvents *events = events_;
  finish ();
  /* The last call: the owner may retire this connection from it. */
  if (events)
    events->on_end (std::move (end));
}

void
WebSocketConnection::finish ()
{
  cancel_pending ();
  stop_deadline ();
  if (writable_source_) {
    g_source_destroy (writable_source_);
    g_clear_pointer (&writable_source_, g_source_unref);
  }
  if (message_) {
    g_signal_handlers_disconnect_by_data (message_, this);
    g_clear_object (&message_);
  }
  drop_socket ();
  if (conn_) {
    g_signal_handlers_disconnect_by_data (conn_, this);
    SoupWebsocketConnection *conn = conn_;
    conn_ = nullptr;
    /* Never inside one of its own signal emissions; disposing it closes
     * its stream if the close handshake did not. */
    thread_.invoke ([conn] { g_object_unref (conn); });
  }
  state_ = State::CLOSED;
  if (done_)
    thread_.invoke (std::move (done_));
  done_ = nullptr;
}

void
WebSocketConnection::cancel_pending ()
{
  if (!pending_)
    return;
  pending_->owner = nullptr;
  g_cancellable_cancel (pending_->cancellable);
  pending_.reset ();
}

void
WebSocketConnection::drop_socket ()
{
  if (watch_)
    thread_.unwatch_socket (watch_);
  watch_.reset ();
  g_clear_object (&socket_);
}

void
WebSocketConnection::start_deadline (guint ms)
{
  stop_deadline ();
  deadline_ = g_timeout_source_new (ms);
  g_source_set_callback (deadline_, on_deadline, this, nullptr);
  g_source_attach (deadline_, thread_.context ());
}

void
WebSocketConnection::stop_deadline ()
{
  if (!deadline_)
    return;
  g_source_destroy (deadline_);
  g_source_unref (deadline_);
  deadline_ = nullptr;
}

gboolean
WebSocketConnection::on_deadline (gpointer data)
{
  auto self = static_cast<WebSocketConnection *> (data);
  switch (self->state_) {
    case State::CONNECTING:
      self->fail_unreachable ("timed out after " + std::to_string (self->connect_timeout_ms_ / 1000)
          + " s connecting to " + self->host_port_ + " (stopped at " + self->stage_ + ")");
      break;
    case State::OPEN: {
      SessionEnd end;
      end.kind = SessionEnd::Kind::OVERLOADED;
      end.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
      end.detail = "the server took nothing for " + std::to_string (STALL_LIMIT_MS / 1000)
          + " s (it stopped reading)";
      self->fail (std::move (end));
      break;
    }
    case State::CLOSING:
      if (self->events_ && !self->overload_.empty ())
        self->closed ();  /* we closed it over a flood, and the peer never answered */
      else
        self->finish ();
      break;
    case State::IDLE:
    case State::CLOSED:
      break;
  }
  return G_SOURCE_REMOVE;  /* finish () destroyed it already; harmless */
}

}  // namespace gemlive
