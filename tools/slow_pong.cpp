/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "slow_pong.h"

#include <gio/gunixsocketaddress.h>

#include <sys/socket.h>

#include <cstring>
#include <deque>

namespace gemlive::server {

namespace {

constexpr guint8 kOpcodePing = 0x9;
constexpr size_t kReadSize = 16 * 1024;

/* Case-insensitive search for a header token in the HTTP request. */
bool
contains_nocase (const std::string &haystack, const char *needle)
{
  gchar *h = g_ascii_strdown (haystack.c_str (), static_cast<gssize> (haystack.size ()));
  bool found = strstr (h, needle) != nullptr;
  g_free (h);
  return found;
}

}  // namespace

void
ClientFrameFilter::feed (const char *data, size_t size, std::string &forward,
    const std::function<void (std::string)> &on_ping, const std::function<void ()> &on_boundary)
{
  size_t pos = 0;
  while (pos < size) {
    if (!framing_) {
      /* The HTTP request: pass it on; frames start after the blank line of an
       * upgrade request (a plain request is followed by another request). */
      const char c = data[pos++];
      http_ += c;
      forward += c;
      if (http_.size () >= 4 && http_.compare (http_.size () - 4, 4, "\r\n\r\n") == 0) {
        framing_ = contains_nocase (http_, "upgrade: websocket");
        http_.clear ();
      }
      continue;
    }
    if (remaining_ == 0 && header_.size () < header_need_) {
      const size_t take = std::min (header_need_ - header_.size (), size - pos);
      header_.append (data + pos, take);
      pos += take;
      if (header_.size () == 2) {
        /* Now the full header length is known: extended length and mask key. */
        const guint8 len7 = static_cast<guint8> (header_[1]) & 0x7f;
        const bool masked = (static_cast<guint8> (header_[1]) & 0x80) != 0;
        header_need_ = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      }
      if (header_.size () == header_need_)
        header_complete (forward);
      if (header_.empty () && remaining_ == 0 && !in_ping_)
        on_boundary ();  /* a frame with an empty payload */
      else if (header_.empty () && remaining_ == 0 && in_ping_) {
        in_ping_ = false;
        pings_++;
        on_ping (std::move (ping_));
        ping_.clear ();
        on_boundary ();
      }
      continue;
    }
    const size_t take = static_cast<size_t> (std::min<guint64> (remaining_, size - pos));
    (in_ping_ ? ping_ : forward).append (data + pos, take);
    pos += take;
    remaining_ -= take;
    if (remaining_ == 0) {
      if (in_ping_) {
        in_ping_ = false;
        pings_++;
        on_ping (std::move (ping_));
        ping_.clear ();
      }
      on_boundary ();
    }
  }
}

void
ClientFrameFilter::header_complete (std::string &forward)
{
  const guint8 opcode = static_cast<guint8> (header_[0]) & 0x0f;
  const guint8 len7 = static_cast<guint8> (header_[1]) & 0x7f;
  guint64 length = len7;
  if (len7 == 126) {
    length = (static_cast<guint64> (static_cast<guint8> (header_[2])) << 8) |
        static_cast<guint8> (header_[3]);
  } else if (len7 == 127) {
    length = 0;
    for (int i = 0; i < 8; i++)
      length = (length << 8) | static_cast<guint8> (header_[2 + i]);
  }
  in_ping_ = opcode == kOpcodePing;
  (in_ping_ ? ping_ : forward) += header_;
  header_.clear ();
  header_need_ = 2;
  remaining_ = length;
}

/* One client connection: client stream <-> socketpair <-> SoupServer. */
class SlowPongListener::Relay : public std::enable_shared_from_this<Relay> {
public:
  Relay (SlowPongListener &owner, GIOStream *client, guint64 id)
      : owner_ (&owner), client_ (G_IO_STREAM (g_object_ref (client))), id_ (id),
        cancel_ (g_cancellable_new ())
  {
  }

  ~Relay ()
  {
    if (timer_ != 0)
      g_source_remove (timer_);
    g_object_unref (cancel_);
    g_clear_object (&inner_);
    g_object_unref (client_);
  }

  bool start (GSocketAddress *local, GSocketAddress *remote, std::string &error)
  {
    int fds[2];
    if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      error = std::string ("socketpair failed: ") + g_strerror (errno);
      return false;
    }
    GError *gerror = nullptr;
    GSocket *ours = g_socket_new_from_fd (fds[0], &gerror);
    GSocket *theirs = ours != nullptr ? g_socket_new_from_fd (fds[1], &gerror) : nullptr;
    if (theirs == nullptr) {
      error = std::string ("cannot wrap the socketpair: ") + gerror->message;
      g_clear_error (&gerror);
      if (ours != nullptr)
        g_object_unref (ours);
      else
        close (fds[0]);
      close (fds[1]);
      return false;
    }
    inner_ = g_socket_connection_factory_create_connection (ours);
    GSocketConnection *soup_end = g_socket_connection_factory_create_connection (theirs);
    g_object_unref (ours);
    g_object_unref (theirs);
    gboolean ok = soup_server_accept_iostream (owner_->soup_, G_IO_STREAM (soup_end), local,
        remote, &gerror);
    g_object_unref (soup_end);
    if (!ok) {
      error = std::string ("SoupServer refused the relayed stream: ") + gerror->message;
      g_clear_error (&gerror);
      return false;
    }
    read_client ();
    read_server ();
    return true;
  }

  /* The listener is going away: stop touching it, end all I/O. */
  void abandon ()
  {
    owner_ = nullptr;
    g_cancellable_cancel (cancel_);
  }

private:
  using Ref = std::shared_ptr<Relay>;
  gpointer hold () { return new Ref (shared_from_this ()); }
  static Ref take (gpointer data)
  {
    auto box = static_cast<Ref *> (data);
    Ref ref = *box;
    delete box;
    return ref;
  }

  /* client -> server */
  void read_client ()
  {
    client_read_in_flight_ = true;
    g_input_stream_read_async (g_io_stream_get_input_stream (client_), up_buf_, sizeof up_buf_,
        G_PRIORITY_DEFAULT, cancel_, on_client_read, hold ());
  }

  static void on_client_read (GObject *source, GAsyncResult *result, gpointer data)
  {
    Ref self = take (data);
    self->client_read_in_flight_ = false;
    gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, nullptr);
    if (n <= 0) {
      self->client_eof_ = true;
      self->flush_to_server ();
      return;
    }
    self->filter_.feed (self->up_buf_, static_cast<size_t> (n), self->pending_,
        [&] (std::string ping) { self->hold_ping (std::move (ping)); },
        [&] { self->release_due_pings (); });
    self->flush_to_server ();
  }

  void hold_ping (std::string frame)
  {
    held_.emplace_back (g_get_monotonic_time () + owner_delay_us (), std::move (frame));
    log ("holding a client ping for " + std::to_string (owner_delay_us () / 1000) + " ms");
    arm_timer ();
  }

  /* Appends the pings whose time has come; only called at a frame boundary. */
  void release_due_pings ()
  {
    const gint64 now = g_get_monotonic_time ();
    while (!held_.empty () && held_.front ().first <= now) {
      pending_ += held_.front ().second;
      held_.pop_front ();
    }
  }

  void arm_timer ()
  {
    if (timer_ != 0 || held_.empty ())
      return;
    const gint64 wait_us = std::max<gint64> (held_.front ().first - g_get_monotonic_time (), 0);
    timer_ = g_timeout_add_full (G_PRIORITY_DEFAULT, static_cast<guint> (wait_us / 1000 + 1),
        [] (gpointer data) -> gboolean {
          auto self = static_cast<Relay *> (data);
          self->timer_ = 0;
          /* Mid-frame, the boundary callback releases them when the frame ends. */
          if (self->filter_.at_frame_boundary ())
            self->release_due_pings ();
          self->flush_to_server ();
          self->arm_timer ();
          return G_SOURCE_REMOVE;
        },
        this, nullptr);
  }

  void flush_to_server ()
  {
    if (writing_ || finished_up_)
      return;
    if (pending_.empty ()) {
      if (client_eof_) {
        finished_up_ = true;
        /* libsoup sees the client's end of stream. */
        g_socket_shutdown (g_socket_connection_get_socket (inner_), FALSE, TRUE, nullptr);
      } else if (!client_read_in_flight_) {
        read_client ();
      }
      return;
    }
    writing_ = true;
    in_flight_.swap (pending_);
    pending_.clear ();
    g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (inner_)),
        in_flight_.data (), in_flight_.size (), G_PRIORITY_DEFAULT, cancel_, on_server_written,
        hold ());
  }

  static void on_server_written (GObject *source, GAsyncResult *result, gpointer data)
  {
    Ref self = take (data);
    self->writing_ = false;
    self->in_flight_.clear ();
    if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, nullptr, nullptr)) {
      self->teardown ();
      return;
    }
    self->flush_to_server ();
  }

  /* server -> client: passed through unchanged */
  void read_server ()
  {
    g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (inner_)), down_buf_,
        sizeof down_buf_, G_PRIORITY_DEFAULT, cancel_, on_server_read, hold ());
  }

  static void on_server_read (GObject *source, GAsyncResult *result, gpointer data)
  {
    Ref self = take (data);
    gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, nullptr);
    if (n <= 0) {
      /* libsoup closed the connection (a close, or a dropped TCP fault). */
      self->teardown ();
      return;
    }
    g_output_stream_write_all_async (g_io_stream_get_output_stream (self->client_),
        self->down_buf_, static_cast<gsize> (n), G_PRIORITY_DEFAULT, self->cancel_,
        on_client_written, self->hold ());
  }

  static void on_client_written (GObject *source, GAsyncResult *result, gpointer data)
  {
    Ref self = take (data);
    if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, nullptr, nullptr)) {
      self->teardown ();
      return;
    }
    self->read_server ();
  }

  void teardown ()
  {
    if (torn_down_)
      return;
    torn_down_ = true;
    g_cancellable_cancel (cancel_);
    g_io_stream_close (client_, nullptr, nullptr);
    g_io_stream_close (G_IO_STREAM (inner_), nullptr, nullptr);
    if (owner_ != nullptr)
      owner_->relay_finished (this);
  }

  gint64 owner_delay_us () const { return owner_ != nullptr ? owner_->delay_ms_ * G_GINT64_CONSTANT (1000) : 0; }
  void log (const std::string &what) const
  {
    if (owner_ != nullptr && owner_->log_)
      owner_->log_ ("connection " + std::to_string (id_) + ": " + what);
  }

  SlowPongListener *owner_;
  GIOStream *client_;
  GSocketConnection *inner_ = nullptr;
  guint64 id_;
  GCancellable *cancel_;
  ClientFrameFilter filter_;
  char up_buf_[kReadSize];
  char down_buf_[kReadSize];
  std::string pending_;
  std::string in_flight_;
  bool writing_ = false;
  bool client_read_in_flight_ = false;
  bool client_eof_ = false;
  bool finished_up_ = false;
  bool torn_down_ = false;
  std::deque<std::pair<gint64, std::string>> held_;
  guint timer_ = 0;
};

SlowPongListener::SlowPongListener (SoupServer *soup, GTlsCertificate *tls, int delay_ms, Log log)
    : soup_ (soup), tls_ (tls != nullptr ? G_TLS_CERTIFICATE (g_object_ref (tls)) : nullptr),
      delay_ms_ (delay_ms), log_ (std::move (log))
{
}

SlowPongListener::~SlowPongListener ()
{
  if (service_ != nullptr) {
    g_socket_service_stop (service_);
    g_socket_listener_close (G_SOCKET_LISTENER (service_));
    g_signal_handlers_disconnect_by_data (service_, this);
    g_object_unref (service_);
  }
  for (auto &[raw, relay] : relays_)
    relay->abandon ();
  relays_.clear ();
  g_clear_object (&tls_);
}

std::unique_ptr<SlowPongListener>
SlowPongListener::start (SoupServer *soup, GSocketAddress *address, int delay_ms, Log log,
    int &port, GError **error)
{
  GTlsCertificate *cert = nullptr;
  g_object_get (soup, "tls-certificate", &cert, nullptr);
  auto listener = std::make_unique<SlowPongListener> (soup, cert, delay_ms, std::move (log));
  g_clear_object (&cert);
  std::string why;
  port = listener->listen (address, why);
  if (port < 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, why.c_str ());
    return nullptr;
  }
  return listener;
}

int
SlowPongListener::listen (GSocketAddress *address, std::string &error)
{
  service_ = g_socket_service_new ();
  GError *gerror = nullptr;
  GSocketAddress *bound = nullptr;
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service_), address, G_SOCKET_TYPE_STREAM,
          G_SOCKET_PROTOCOL_TCP, nullptr, &bound, &gerror)) {
    error = gerror->message;
    g_clear_error (&gerror);
    return -1;
  }
  const int port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_signal_connect (service_, "incoming", G_CALLBACK (on_incoming), this);
  g_socket_service_start (service_);
  return port;
}

gboolean
SlowPongListener::on_incoming (GSocketService *, GSocketConnection *connection, GObject *,
    gpointer data)
{
  auto self = static_cast<SlowPongListener *> (data);
  GError *error = nullptr;
  GIOStream *client = G_IO_STREAM (g_object_ref (connection));
  if (self->tls_ != nullptr) {
    /* TLS ends here so the relay sees WebSocket frames, not ciphertext. */
    GIOStream *tls = g_tls_server_connection_new (client, self->tls_, &error);
    g_object_unref (client);
    if (tls == nullptr) {
      g_printerr ("gemini-live-server: cannot start TLS on a connection: %s\n", error->message);
      g_clear_error (&error);
      return TRUE;
    }
    client = tls;
  }
  GSocketAddress *local = g_socket_connection_get_local_address (connection, nullptr);
  GSocketAddress *remote = g_socket_connection_get_remote_address (connection, nullptr);
  auto relay = std::make_shared<Relay> (*self, client, self->next_id_++);
  g_object_unref (client);
  std::string why;
  if (relay->start (local, remote, why))
    self->relays_[relay.get ()] = relay;
  else
    g_printerr ("gemini-live-server: cannot relay a connection: %s\n", why.c_str ());
  g_clear_object (&local);
  g_clear_object (&remote);
  return TRUE;
}

void
SlowPongListener::relay_finished (Relay *relay)
{
  relays_.erase (relay);
}

}  // namespace gemlive::server
