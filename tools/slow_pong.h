/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * --pong-delay-ms: the real service answers WebSocket pings after 8-30 s.
 * libsoup 3.2 answers a ping inside SoupWebsocketConnection the moment it
 * reads it and offers no hook to hold the pong back, so the delay is made
 * one level down, on the byte stream: SlowPongListener accepts the TCP (and
 * TLS) connections itself instead of soup_server_listen (), and puts a relay
 * between each client and the SoupServer (soup_server_accept_iostream over a
 * socketpair). The relay passes every byte through unchanged except the
 * client's ping frames, which it holds for the delay and then hands to
 * libsoup at a frame boundary; libsoup's immediate pong is therefore late by
 * exactly that delay. Everything runs on the main loop with async I/O; each
 * direction has at most one read in flight, so a stalled client back-pressures
 * only its own relay.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace gemlive::server {

/* Splits the client->server byte stream of one connection into pass-through
 * bytes and whole ping frames. The HTTP upgrade request comes first and is
 * passed through untouched; WebSocket framing starts after it. */
class ClientFrameFilter {
public:
  /* Appends pass-through bytes to `forward`; hands each whole ping frame to
   * `on_ping`; calls `on_boundary` after every complete frame, where more
   * bytes may be appended to `forward` without splitting a frame. */
  void feed (const char *data, size_t size, std::string &forward,
      const std::function<void (std::string)> &on_ping, const std::function<void ()> &on_boundary);
  bool at_frame_boundary () const { return framing_ && header_.empty () && remaining_ == 0; }
  guint64 pings_seen () const { return pings_; }

private:
  void header_complete (std::string &forward);

  bool framing_ = false;     /* past the HTTP request */
  std::string http_;         /* the HTTP request read so far */
  std::string header_;       /* bytes of the current frame header */
  size_t header_need_ = 2;
  guint64 remaining_ = 0;    /* payload bytes of the current frame still to come */
  bool in_ping_ = false;
  std::string ping_;         /* the ping frame being collected */
  guint64 pings_ = 0;
};

class SlowPongListener {
public:
  using Log = std::function<void (const std::string &)>;

  /* Accepts connections on `address` for `soup` (serving TLS when `soup`
   * has a tls-certificate). Returns nullptr and sets `error` on failure;
   * `port` is the bound port. */
  static std::unique_ptr<SlowPongListener> start (SoupServer *soup, GSocketAddress *address,
      int delay_ms, Log log, int &port, GError **error);

  /* tls: the server certificate, or nullptr for plain ws://. */
  SlowPongListener (SoupServer *soup, GTlsCertificate *tls, int delay_ms, Log log);
  ~SlowPongListener ();
  SlowPongListener (const SlowPongListener &) = delete;
  SlowPongListener &operator= (const SlowPongListener &) = delete;

  /* Binds and starts accepting; returns the bound port, or -1 and `error`. */
  int listen (GSocketAddress *address, std::string &error);

  class Relay;

private:
  static gboolean on_incoming (GSocketService *service, GSocketConnection *connection,
      GObject *source, gpointer data);
  void relay_finished (Relay *relay);

  SoupServer *soup_ = nullptr;
  GTlsCertificate *tls_ = nullptr;
  int delay_ms_ = 0;
  Log log_;
  GSocketService *service_ = nullptr;
  guint64 next_id_ = 1;
  std::map<Relay *, std::shared_ptr<Relay>> relays_;
  friend class Relay;
};

}  // namespace gemlive::server
