/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See websocket_connection.h. Life of a connection:
 *   open () -> CONNECTING (GSocketClient, then the TLS handshake for wss://)
 *           -> UPGRADING (our request written, the 101 awaited)
 *           -> OPEN (frames both ways)
 *           -> CLOSING (retired: our close frame sent, the peer's awaited)
 *           -> CLOSED (socket closed; on_end, or retire's done)
 * The GIO steps are asynchronous on the network thread's context; a step
 * still running when the connection goes is cancelled, and its callback
 * finds the connection gone through Pending.
 */
#include "live/websocket_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

namespace gemlive {

namespace {

/* GSocketClient's limit for the TCP connection (and a proxy's CONNECT). */
constexpr guint CONNECT_TIMEOUT_S = 30;
/* How long the server may take to answer the upgrade. */
constexpr guint UPGRADE_TIMEOUT_MS = 30000;
/* How long a retired connection waits for the server's close frame. */
constexpr guint CLOSE_TIMEOUT_MS = 3000;

std::string
message_of (const GError *error)
{
  return error ? error->message : "unknown error";
}

}  // namespace

struct WebSocketConnection::Pending {
  WebSocketConnection *owner;
  GCancellable *cancellable;
  explicit Pending (WebSocketConnection *o) : owner (o), cancellable (g_cancellable_new ()) {}
  ~Pending () { g_object_unref (cancellable); }
  Pending (const Pending &) = delete;
  Pending &operator= (const Pending &) = delete;

  /* Callback data for one GIO step: a reference the callback takes back. */
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
  cancel_pending ();
  stop_timeout ();
  close_socket ();
  g_clear_object (&private_ca_);
}

void
WebSocketConnection::open (const WebSocketRequest &request)
{
  GUri *uri = g_uri_parse (request.url.c_str (),
      static_cast<GUriFlags> (G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE), nullptr);
  const char *scheme = uri ? g_uri_get_scheme (uri) : nullptr;
  const char *host = uri ? g_uri_get_host (uri) : nullptr;
  if (!scheme || !host || !*host
      || (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)) {
    if (uri)
      g_uri_unref (uri);
    fail_unreachable ("the endpoint URL is not a valid ws:// or wss:// URL");
    return;
  }
  tls_ = g_ascii_strcasecmp (scheme, "wss") == 0;
  const int default_port = tls_ ? 443 : 80;
  const int port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : default_port;
  std::string bracketed = strchr (host, ':') ? std::string ("[") + host + "]" : host;
  host_header_ = port == default_port ? bracketed : bracketed + ":" + std::to_string (port);
  const char *path = g_uri_get_path (uri), *query = g_uri_get_query (uri);
  target_ = path && *path ? path : "/";
  if (query)
    target_ = target_ + "?" + query;
  server_identity_ = g_network_address_new (host, static_cast<guint16> (port));
  g_uri_unref (uri);
  headers_ = request.headers;
  if (request.private_ca)
    private_ca_ = G_TLS_DATABASE (g_object_ref (request.private_ca));

  /* The proxy is looked up for http(s):// as for any web request to this
   * host (the https_proxy / http_proxy a user has set). */
  std::string dial = std::string (tls_ ? "https://" : "http://") + bracketed + ":"
      + std::to_string (port);
  GSocketClient *client = g_socket_client_new ();
  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_S);
  state_ = State::CONNECTING;
  pending_ = std::make_shared<Pending> (this);
  g_socket_client_connect_to_uri_async (client, dial.c_str (), (guint16) default_port,
      pending_->cancellable, on_connected, Pending::hold (pending_));
  g_object_unref (client);
}

bool
WebSocketConnection::step_succeeded (const Pending &pending, bool ok, const GError *error)
{
  WebSocketConnection *self = pending.owner;
  if (!self)
    return false;
  self->pending_.reset ();
  if (!ok)
    self->fail_unreachable (message_of (error));
  return ok;
}

void
WebSocketConnection::on_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  auto pending = Pending::take (data);
  GError *error = nullptr;
  GSocketConnection *connection =
      g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (source), result, &error);
  const bool go_on = step_succeeded (*pending, connection != nullptr, error);
  g_clear_error (&error);
  if (!go_on) {
    g_clear_object (&connection);
    return;
  }
  WebSocketConnection *self = pending->owner;
  GSocket *socket = g_socket_connection_get_socket (connection);
  /* Only the connect was to time out; an idle session is not an error. */
  g_socket_set_timeout (socket, 0);
  /* Small frames every 40 ms: none should wait for an ACK (Nagle). */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, nullptr);
  self->fd_candidate_ = g_socket_get_fd (socket);
  if (!self->tls_) {
    self->stream_ = G_IO_STREAM (connection);
    self->start_upgrade ();
    return;
  }
  self->stream_ = g_tls_client_connection_new (G_IO_STREAM (connection), self->server_identity_,
      &error);
  g_object_unref (connection);
  if (!self->stream_) {
    self->fail_unreachable (message_of (error));
    g_clear_error (&error);
    return;
  }
  /* The database is referenced by the handler: a cancelled handshake may
   * outlive this connection. */
  if (self->private_ca_)
    g_signal_connect_data (self->stream_, "accept-certificate",
        G_CALLBACK (on_accept_certificate), g_object_ref (self->private_ca_),
        [] (gpointer database, GClosure *) { g_object_unref (database); },
        static_cast<GConnectFlags> (0));
  self->pending_ = std::make_shared<Pending> (self);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (self->stream_), G_PRIORITY_DEFAULT,
      self->pending_->cancellable, on_tls_ready, Pending::hold (self->pending_));
}

/* Called only when the system's trust store refused the certificate: the
 * chain is checked again against the private CA, for the host dialled, and
 * accepted only if that passes with no error at all (expiry, wrong name and
 * unknown CA all still fail). */
gboolean
WebSocketConnection::on_accept_certificate (GTlsConnection *tls, GTlsCertificate *certificate,
    GTlsCertificateFlags errors, gpointer data)
{
  (void) errors;
  auto database = static_cast<GTlsDatabase *> (data);
  GSocketConnectable *identity =
      g_tls_client_connection_get_server_identity (G_TLS_CLIENT_CONNECTION (tls));
  GError *error = nullptr;
  GTlsCertificateFlags verdict = g_tls_database_verify_chain (database, certificate,
      G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, nullptr,
      G_TLS_DATABASE_VERIFY_NONE, nullptr, &error);
  const bool trusted = error == nullptr && verdict == 0;
  g_clear_error (&error);
  return trusted ? TRUE : FALSE;
}

void
WebSocketConnection::on_tls_ready (GObject *source, GAsyncResult *result, gpointer data)
{
  auto pending = Pending::take (data);
  GError *error = nullptr;
  gboolean done = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  const bool go_on = step_succeeded (*pending, done, error);
  g_clear_error (&error);
  if (go_on)
    pending->owner->start_upgrade ();
}

void
WebSocketConnection::start_upgrade ()
{
  input_ = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream_));
  output_ = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream_));
  ws::Handshake handshake;
  std::string why;
  if (!ws::make_handshake (target_, host_header_, headers_, handshake, why)) {
    fail_unreachable ("cannot build the WebSocket upgrade: " + why);
    return;
  }
  ws::HeaderList ().swap (headers_);  /* credentials: kept no longer than needed */
  std::string error;
  if (!thread_.poller ().add (fd_candidate_, this, false, error)) {
    fail_unreachable (error);
    return;
  }
  fd_ = fd_candidate_;
  expected_accept_ = std::move (handshake.expected_accept);
  state_ = State::UPGRADING;
  start_timeout (UPGRADE_TIMEOUT_MS);
  out_ = std::move (handshake.request);
  out_sent_ = 0;
  flush ();
}

void
WebSocketConnection::on_socket_ready (bool readable, bool writable)
{
  if (writable)
    flush ();
  if (readable && fd_ >= 0)
    receive ();
}

void
WebSocketConnection::receive ()
{
  std::vector<char> &buffer = thread_.poller ().read_buffer ();
  for (;;) {
    GError *error = nullptr;
    gssize got = g_pollable_input_stream_read_nonblocking (input_, buffer.data (),
        buffer.size (), nullptr, &error);
    if (got > 0) {
      consume (buffer.data (), (size_t) got);
      /* A plain socket that gave less than asked is empty (level-triggered:
       * more bytes wake us again); TLS may hold decrypted records the socket
       * no longer shows, so it is read until it would block. */
      if (fd_ < 0 || (!tls_ && (size_t) got < buffer.size ()))
        return;
      continue;
    }
    if (got == 0) {
      socket_lost ("the server closed the connection without a close frame");
      return;
    }
    const bool would_block = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    std::string detail = "Error receiving data: " + message_of (error);
    g_clear_error (&error);
    if (!would_block)
      socket_lost (detail);
    return;
  }
}

/* Parses straight from the read buffer; only an incomplete tail is kept. */
void
WebSocketConnection::consume (const char *data, size_t size)
{
  if (inbox_.empty ()) {
    size_t used = parse (data, size);
    if (fd_ >= 0 && used < size)
      inbox_.assign (data + used, size - used);
    return;
  }
  inbox_.append (data, size);
  /* parse () may end the connection; the inbox stays valid while it reads. */
  std::string input;
  input.swap (inbox_);
  size_t used = parse (input.data (), input.size ());
  if (fd_ >= 0 && used < input.size ()) {
    input.erase (0, used);
    inbox_.swap (input);
  }
}

/* Returns how many bytes were whole frames (or the upgrade's answer). */
size_t
WebSocketConnection::parse (const char *data, size_t size)
{
  size_t at = 0;
  if (state_ == State::UPGRADING)
    at = on_upgrade_response (data, size);
  while (fd_ >= 0 && (state_ == State::OPEN || state_ == State::CLOSING)) {
    ws::ServerFrame frame = reader_.next (data + at, size - at);
    if (frame.kind == ws::ServerFrame::Incomplete)
      break;
    at += frame.used;
    on_frame (frame);
  }
  return at;
}

size_t
WebSocketConnection::on_upgrade_response (const char *data, size_t size)
{
  ws::UpgradeResponse response = ws::check_upgrade_response (data, size, expected_accept_);
  switch (response.kind) {
    case ws::UpgradeResponse::Incomplete:
      return 0;
    case ws::UpgradeResponse::Invalid:
      fail_unreachable (response.why);
      return size;
    case ws::UpgradeResponse::Refused: {
      SessionEnd end;
      end.kind = SessionEnd::Kind::HANDSHAKE_REFUSED;
      end.http_status = response.status;
      end.reason = response.reason;
      end.detail = "the server refused the WebSocket upgrade";
      fail (std::move (end));
      return size;
    }
    case ws::UpgradeResponse::Accepted:
      break;
  }
  stop_timeout ();
  std::string ().swap (expected_accept_);
  state_ = State::OPEN;
  if (events_)
    events_->on_open ();
  return response.head_size;
}

void
WebSocketConnection::on_frame (const ws::ServerFrame &frame)
{
  switch (frame.kind) {
    case ws::ServerFrame::Message:
      if (events_ && state_ == State::OPEN)
        events_->on_message (frame.data, frame.size);
      break;
    case ws::ServerFrame::Ping:
      /* Nothing may follow our close frame (RFC 6455 5.5.1). */
      if (state_ == State::OPEN) {
        queue_frame (ws::OP_PONG, frame.data, frame.size);
        flush ();
      }
      break;
    case ws::ServerFrame::Close:
      if (state_ == State::CLOSING) {
        finish ();
        break;
      }
      /* The answer echoes the code (none for a close without one). */
      close_with (frame.close_code == ws::CLOSE_NO_STATUS ? 0 : frame.close_code, "",
          frame.close_code, std::string (frame.data, frame.size), "");
      break;
    case ws::ServerFrame::ProtocolError:
      close_with (frame.close_code, frame.error, frame.close_code, frame.error, frame.error);
      break;
    case ws::ServerFrame::Incomplete:
    case ws::ServerFrame::Nothing:
      break;
  }
}

void
WebSocketConnection::queue_text (const char *data, size_t size)
{
  if (state_ == State::OPEN)
    queue_frame (ws::OP_TEXT, data, size);
}

void
WebSocketConnection::queue_frame (unsigned opcode, const char *data, size_t size)
{
  ws::append_client_frame (out_, opcode, data, size, mask_keys_.next ());
}

void
WebSocketConnection::send_close (guint16 code, const std::string &reason)
{
  std::string payload = ws::close_payload (code, reason);
  queue_frame (ws::OP_CLOSE, payload.data (), payload.size ());
  flush ();
}

void
WebSocketConnection::flush ()
{
  while (fd_ >= 0 && out_sent_ < out_.size ()) {
    GError *error = nullptr;
    /* After a TLS write that would block, GnuTLS wants the same bytes
     * again: they are still at the front, with more possibly behind. */
    gssize sent = g_pollable_output_stream_write_nonblocking (output_, out_.data () + out_sent_,
        out_.size () - out_sent_, nullptr, &error);
    if (sent > 0) {
      out_sent_ += (size_t) sent;
      continue;
    }
    const bool would_block = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    std::string detail = "Error sending data: " + message_of (error);
    g_clear_error (&error);
    if (would_block) {
      /* Keep the buffer from growing with what is already written. */
      if (out_sent_ >= 64 * 1024) {
        out_.erase (0, out_sent_);
        out_sent_ = 0;
      }
      want_write (true);
      return;
    }
    socket_lost (detail);
    return;
  }
  if (out_sent_ == out_.size ()) {
    out_.clear ();
    out_sent_ = 0;
    want_write (false);
  }
}

void
WebSocketConnection::want_write (bool want)
{
  if (want == writing_wanted_ || fd_ < 0)
    return;
  writing_wanted_ = want;
  thread_.poller ().set_want_write (fd_, this, want);
}

void
WebSocketConnection::retire (std::function<void ()> done)
{
  events_ = nullptr;
  done_ = std::move (done);
  switch (state_) {
    case State::OPEN:
      state_ = State::CLOSING;
      send_close (ws::CLOSE_NORMAL, "");
      if (state_ == State::CLOSING)
        start_timeout (CLOSE_TIMEOUT_MS);
      break;
    case State::CLOSING:
      break;
    case State::IDLE:
    case State::CONNECTING:
    case State::UPGRADING:
    case State::CLOSED:
      finish ();
      break;
  }
}

void
WebSocketConnection::close_with (guint16 send_code, const std::string &send_reason, int code,
    const std::string &reason, const std::string &detail)
{
  /* CLOSING first: a peer that already dropped the socket makes the close
   * frame's write fail, and that must not replace the code reported. */
  state_ = State::CLOSING;
  send_close (send_code, send_reason);
  fail_closed (code, reason, detail);
}

void
WebSocketConnection::socket_lost (const std::string &detail)
{
  /* While closing, the end of the socket is the end we were waiting for. */
  if (state_ == State::CLOSING)
    finish ();
  else
    fail_closed (ws::CLOSE_ABNORMAL, "", detail);
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
WebSocketConnection::fail_closed (int code, const std::string &reason, const std::string &detail)
{
  SessionEnd end;
  end.kind = SessionEnd::Kind::CLOSED;
  end.close_code = code;
  end.reason = reason;
  end.detail = detail;
  fail (std::move (end));
}

void
WebSocketConnection::fail (SessionEnd end)
{
  if (end_reported_)
    return;
  end_reported_ = true;
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
  stop_timeout ();
  close_socket ();
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
WebSocketConnection::close_socket ()
{
  if (fd_ >= 0)
    thread_.poller ().remove (fd_, this);
  fd_ = -1;
  writing_wanted_ = false;
  std::string ().swap (out_);
  out_sent_ = 0;
  input_ = nullptr;
  output_ = nullptr;
  g_clear_object (&server_identity_);
  if (!stream_)
    return;
  if (G_IS_TLS_CONNECTION (stream_) && state_ != State::CONNECTING) {
    /* The close_notify may have to wait for the socket; never block here. */
    g_io_stream_close_async (stream_, G_PRIORITY_DEFAULT, nullptr,
        [] (GObject *source, GAsyncResult *result, gpointer) {
          g_io_stream_close_finish (G_IO_STREAM (source), result, nullptr);
        },
        nullptr);
  } else {
    g_io_stream_close (stream_, nullptr, nullptr);
  }
  g_clear_object (&stream_);
}

void
WebSocketConnection::start_timeout (guint ms)
{
  stop_timeout ();
  timeout_ = g_timeout_source_new (ms);
  g_source_set_callback (timeout_, on_timeout, this, nullptr);
  g_source_attach (timeout_, thread_.context ());
}

void
WebSocketConnection::stop_timeout ()
{
  if (!timeout_)
    return;
  g_source_destroy (timeout_);
  g_source_unref (timeout_);
  timeout_ = nullptr;
}

gboolean
WebSocketConnection::on_timeout (gpointer data)
{
  auto self = static_cast<WebSocketConnection *> (data);
  if (self->state_ == State::UPGRADING)
    self->fail_unreachable ("the server did not answer the WebSocket upgrade within "
        + std::to_string (UPGRADE_TIMEOUT_MS / 1000) + " s");
  else
    self->finish ();
  return G_SOURCE_REMOVE;  /* finish () destroyed it already; harmless */
}

}  // namespace gemlive
