/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One client WebSocket on the network thread: GIO makes the TCP connection
 * (proxies from the environment, as every GIO/libsoup client) and the TLS
 * session (glib-networking); the upgrade and the framing are ours
 * (websocket_frames.h), read and written straight from the socket when the
 * thread's SocketPoller says it is ready.
 *
 * Why not libsoup's SoupWebsocketConnection: it reads 1 kB per recv,
 * re-creates its GSource on every read and hands every frame over as a
 * GBytes through a GObject signal; with a source per connection the loop
 * also walks every socket on each wake-up. With hundreds of sessions on one
 * thread that was the largest share of the client's CPU
 * (docs/performance.md, "Our own WebSocket").
 *
 * Everything here runs on the network thread. The owner never deletes a
 * connection itself: NetworkThread::retire_connection takes it, finishes the
 * close handshake and deletes it outside any of its callbacks.
 */
#pragma once

#include "live/network_thread.h"
#include "live/reconnect_policy.h"
#include "live/socket_poller.h"
#include "live/websocket_frames.h"

#include <gio/gio.h>

#include <functional>
#include <memory>
#include <string>

namespace gemlive {

struct WebSocketRequest {
  std::string url;        /* ws:// or wss://; may carry a credential: never logged */
  ws::HeaderList headers; /* likewise */
  /* A private CA trusted beside the system store (tls-ca-file), or null. */
  GTlsDatabase *private_ca = nullptr;  /* borrowed; referenced while needed */
};

/* What the owner hears; every call runs on the network thread and none
 * after the connection was retired. */
class WebSocketEvents {
public:
  virtual ~WebSocketEvents () = default;
  /* The upgrade was accepted: frames may be sent. */
  virtual void on_open () = 0;
  /* A whole text or binary message; data is valid during the call only. */
  virtual void on_message (const char *data, size_t size) = 0;
  /* The connection is over (it failed, was refused or closed); the last call. */
  virtual void on_end (SessionEnd end) = 0;
};

class WebSocketConnection final : private SocketWatcher {
public:
  /* Largest message accepted from the server: frames can carry seconds of
   * audio. Larger ones close the connection with 1009. */
  static constexpr guint64 MAX_MESSAGE = 16 * 1024 * 1024;

  WebSocketConnection (NetworkThread &thread, WebSocketEvents &events);
  ~WebSocketConnection () override;
  WebSocketConnection (const WebSocketConnection &) = delete;
  WebSocketConnection &operator= (const WebSocketConnection &) = delete;

  /* Starts connecting; the outcome comes as on_open or on_end. */
  void open (const WebSocketRequest &request);
  bool is_open () const { return state_ == State::OPEN; }
  /* Frames a text message behind those already queued. flush () writes. */
  void queue_text (const char *data, size_t size);
  void flush ();
  void send_text (const std::string &text)
  {
    queue_text (text.data (), text.size ());
    flush ();
  }

private:
  friend class NetworkThread;
  enum class State { IDLE, CONNECTING, UPGRADING, OPEN, CLOSING, CLOSED };
  struct Pending;

  /* NetworkThread::retire_connection: no more events; a close frame behind
   * what is queued, then done runs once the socket is closed. */
  void retire (std::function<void ()> done);

  static void on_connected (GObject *source, GAsyncResult *result, gpointer data);
  static void on_tls_ready (GObject *source, GAsyncResult *result, gpointer data);
  static gboolean on_accept_certificate (GTlsConnection *tls, GTlsCertificate *certificate,
      GTlsCertificateFlags errors, gpointer data);
  /* After a GIO step: whether the connection goes on (false when it went
   * meanwhile, or when the step failed, which is reported). */
  static bool step_succeeded (const Pending &pending, bool ok, const GError *error);
  void start_upgrade ();
  void on_socket_ready (bool readable, bool writable) override;
  void receive ();
  void consume (const char *data, size_t size);
  size_t parse (const char *data, size_t size);
  size_t on_upgrade_response (const char *data, size_t size);
  void on_frame (const ws::ServerFrame &frame);
  void queue_frame (unsigned opcode, const char *data, size_t size);
  void send_close (guint16 code, const std::string &reason);
  void want_write (bool want);
  /* Ends the connection: the socket is closed, then on_end (unless retired). */
  void fail (SessionEnd end);
  void fail_unreachable (const std::string &detail);
  /* The socket failed or ended without a close frame: 1006 (or, while
   * closing, the end awaited). */
  void socket_lost (const std::string &detail);
  void fail_closed (int code, const std::string &reason, const std::string &detail);
  /* Answers the server's close (or a protocol error) and reports the end. */
  void close_with (guint16 send_code, const std::string &send_reason, int code,
      const std::string &reason, const std::string &detail);
  void finish ();
  void cancel_pending ();
  void close_socket ();
  /* The upgrade's, then the close handshake's; a GSource of its own, as it
   * exists only for those moments. */
  void start_timeout (guint ms);
  void stop_timeout ();
  static gboolean on_timeout (gpointer data);

  NetworkThread &thread_;
  WebSocketEvents *events_;  /* null once retired */
  State state_ = State::IDLE;
  std::shared_ptr<Pending> pending_;  /* the async GIO step under way, if any */
  std::string target_, host_header_;
  ws::HeaderList headers_;
  GTlsDatabase *private_ca_ = nullptr;
  GSocketConnectable *server_identity_ = nullptr;  /* the host dialled, for TLS */
  std::string expected_accept_;

  /* The socket connection, or TLS over it (from the start of its handshake). */
  GIOStream *stream_ = nullptr;
  GPollableInputStream *input_ = nullptr;
  GPollableOutputStream *output_ = nullptr;
  int fd_candidate_ = -1;        /* the socket's, until it is in the poller */
  int fd_ = -1;                  /* in the poller while >= 0 */
  bool tls_ = false;
  bool writing_wanted_ = false;
  bool end_reported_ = false;    /* fail () ran: on_end is never called twice */

  ws::ServerFrameReader reader_ {MAX_MESSAGE};
  ws::MaskKeys mask_keys_;
  std::string inbox_;            /* an incomplete frame (or upgrade answer) so far */
  std::string out_;              /* framed bytes; out_sent_ of them are written */
  size_t out_sent_ = 0;
  GSource *timeout_ = nullptr;
  std::function<void ()> done_;     /* retire's */
};

}  // namespace gemlive
