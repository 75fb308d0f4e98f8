/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One client WebSocket on a network thread, on libsoup 3: the thread's
 * SoupSession makes the connection (GIO's proxy resolver, TLS through
 * glib-networking) and soup_session_websocket_connect_async does the
 * upgrade; SoupWebsocketConnection frames. What this class adds around
 * libsoup 3.2, each because a test or an adversarial server showed the need:
 * - one deadline for TCP, TLS and the upgrade together (libsoup's own I/O
 *   timeout does not cover a server that trickles), with the stage it
 *   stopped at in the error;
 * - the HTTP status and reason of a refused upgrade (libsoup says only "not
 *   a websocket"), and libsoup's protocol errors told apart from a drop;
 * - back-pressure: frames are handed to libsoup only while the socket can
 *   take them, so a server that stops reading cannot make libsoup's queue
 *   grow (the owner keeps, and bounds, what waits); a socket that stays
 *   full for STALL_LIMIT_MS is a lost connection;
 * - fair turns: libsoup reads a socket until it would block, so a server
 *   sending faster than we decode would keep the thread in one read for
 *   ever. A connection that keeps the thread longer than READ_BUDGET_MS in
 *   one read is closed (from its message handler, or by the thread's
 *   watchdog when libsoup is busy with control frames and never calls us).
 *
 * Everything here runs on the network thread, except the watchdog's
 * shutdown of a flooding socket (NetworkThread::FloodWatch). The owner never
 * deletes a connection itself: NetworkThread::retire_connection takes it,
 * finishes the close handshake and deletes it outside any of its callbacks.
 */
#pragma once

#include "live/endpoint.h"
#include "live/network_thread.h"
#include "live/reconnect_policy.h"

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <functional>
#include <memory>
#include <string>

namespace gemlive {

struct WebSocketRequest {
  std::string url;     /* ws:// or wss://; may carry a credential: never logged */
  HeaderList headers;  /* likewise */
  /* A private CA trusted beside the system store (tls-ca-file), or null. */
  GTlsDatabase *private_ca = nullptr;  /* borrowed; referenced while needed */
  /* TCP, proxy, TLS and the upgrade together. */
  unsigned connect_timeout_ms = 30000;
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
  /* The socket can take frames again after can_send () said no. */
  virtual void on_writable () = 0;
  /* A text frame that is not UTF-8 was dropped. libsoup then closes the
   * connection (on_end with INVALID_TEXT_FRAME follows once the close
   * handshake ends; the messages before that still arrive). */
  virtual void on_invalid_text_frame () = 0;
  /* The connection is over (it failed, was refused or closed); the last call. */
  virtual void on_end (SessionEnd end) = 0;
};

class WebSocketConnection final {
public:
  /* Largest message accepted from the server: frames can carry seconds of
   * audio (libsoup's default is 128 KiB). */
  static constexpr guint64 MAX_MESSAGE = 16 * 1024 * 1024;
  /* One read of one socket may keep the thread this long. */
  static constexpr gint64 READ_BUDGET_MS = 250;
  /* A socket that takes nothing for this long is lost. */
  static constexpr gint64 STALL_LIMIT_MS = 10000;

  WebSocketConnection (NetworkThread &thread, WebSocketEvents &events);
  ~WebSocketConnection ();
  WebSocketConnection (const WebSocketConnection &) = delete;
  WebSocketConnection &operator= (const WebSocketConnection &) = delete;

  /* Starts connecting; the outcome comes as on_open or on_end. */
  void open (const WebSocketRequest &request);
  bool is_open () const { return state_ == State::OPEN; }
  /* "host:port" dialled (from open () on). */
  const std::string &host_port () const { return host_port_; }
  /* Whether the socket can take a frame now. When it cannot, on_writable
   * follows once it can (or on_end). */
  bool can_send ();
  /* Sends one text message (compact JSON, valid UTF-8); false when the
   * connection can no longer take it (it is ending: on_end follows). */
  bool send_text (const std::string &text);

private:
  friend class NetworkThread;
  enum class State { IDLE, CONNECTING, OPEN, CLOSING, CLOSED };
  struct Pending;

  /* NetworkThread::retire_connection: no more events; our close frame goes
   * behind every frame libsoup holds, then done runs once the socket is
   * closed (or after CLOSE_TIMEOUT_MS). */
  void retire (std::function<void ()> done);

  static void on_connected (GObject *source, GAsyncResult *result, gpointer data);
  static void on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *stream,
      gpointer data);
  static gboolean on_accept_certificate (SoupMessage *msg, GTlsCertificate *certificate,
      GTlsCertificateFlags errors, gpointer data);
  static void on_soup_message (SoupWebsocketConnection *conn, gint type, GBytes *message,
      gpointer data);
  static void on_soup_error (SoupWebsocketConnection *conn, GError *error, gpointer data);
  static void on_soup_closed (SoupWebsocketConnection *conn, gpointer data);
  static gboolean on_socket_writable (GSocket *socket, GIOCondition condition, gpointer data);
  static gboolean on_deadline (gpointer data);

  bool libsoup_open () const;
  void connected (SoupWebsocketConnection *conn);
  void connect_failed (GError *error);
  void closed ();
  void watch_writable ();
  /* Ends the connection: on_end (unless retired), then nothing more. */
  void fail (SessionEnd end);
  void fail_unreachable (const std::string &detail);
  void finish ();
  void cancel_pending ();
  void drop_socket ();
  void start_deadline (guint ms);
  void stop_deadline ();

  NetworkThread &thread_;
  WebSocketEvents *events_;  /* null once retired */
  State state_ = State::IDLE;
  std::shared_ptr<Pending> pending_;  /* the connect under way, if any */
  SoupMessage *message_ = nullptr;    /* the upgrade request, until it is answered */
  SoupWebsocketConnection *conn_ = nullptr;
  GSocket *socket_ = nullptr;         /* the TCP socket under libsoup (for readiness) */
  std::shared_ptr<NetworkThread::FloodWatch> watch_;  /* shared with the thread's watchdog */
  std::string host_port_;
  const char *stage_ = "resolving the host";  /* where the connect is */
  unsigned connect_timeout_ms_ = 30000;
  bool end_reported_ = false;

  /* libsoup's "error" before "closed": what it refused. */
  guint16 soup_error_code_ = 0;
  std::string soup_error_;
  std::string bad_close_reason_;  /* a close reason libsoup refused as not UTF-8 */
  bool violation_seen_ = false;   /* nothing after a protocol violation is trusted */
  /* The read in progress: the thread iteration it started in, and when. */
  guint64 read_iteration_ = 0;
  gint64 read_started_us_ = 0;
  std::string overload_;   /* why we closed it ourselves (flood, stall) */

  GSource *writable_source_ = nullptr;
  gint64 stalled_since_us_ = 0;
  GSource *deadline_ = nullptr;
  std::function<void ()> done_;  /* retire's */
};

}  // namespace gemlive
