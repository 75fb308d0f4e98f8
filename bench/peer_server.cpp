/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer_server.h"

#include "bench_util.h"

#include <json-glib/json-glib.h>

#include <algorithm>
#include <cstring>

namespace bench {

namespace {

constexpr int OUTPUT_RATE = 24000;
constexpr guint64 MAX_INCOMING_PAYLOAD = 16 * 1024 * 1024;
/* Thousands of sessions connect within seconds; GSocket's default is 10. */
constexpr int LISTEN_BACKLOG = 4096;
constexpr guint TICK_MS = 10;

GBytes *
frame_from_builder (JsonBuilder *builder)
{
  JsonNode *root = json_builder_get_root (builder);
  JsonGenerator *generator = json_generator_new ();
  json_generator_set_root (generator, root);
  gsize length = 0;
  gchar *text = json_generator_to_data (generator, &length);
  g_object_unref (generator);
  json_node_unref (root);
  g_object_unref (builder);
  return g_bytes_new_take (text, length);
}

gchar *
base64_of (const int16_t *pcm, size_t samples)
{
  /* S16LE on the wire; every machine this runs on is little-endian. */
  return g_base64_encode (reinterpret_cast<const guchar *> (pcm), samples * 2);
}

}  // namespace

GBytes *
make_reply_audio_frame (const int16_t *pcm, size_t samples)
{
  gchar *data = base64_of (pcm, samples);
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serverContent");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "modelTurn");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "parts");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "inlineData");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mimeType");
  json_builder_add_string_value (b, "audio/pcm;rate=24000");
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, data);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_free (data);
  return frame_from_builder (b);
}

GBytes *
make_realtime_input_frame (const int16_t *pcm, size_t samples, int rate)
{
  gchar *data = base64_of (pcm, samples);
  gchar *mime = g_strdup_printf ("audio/pcm;rate=%d", rate);
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "realtimeInput");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "audio");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mimeType");
  json_builder_add_string_value (b, mime);
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, data);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_free (mime);
  g_free (data);
  return frame_from_builder (b);
}

struct PeerServer::Session {
  PeerServer *owner = nullptr;
  size_t index = 0;
  SoupWebsocketConnection *conn = nullptr;
  bool setup_seen = false;
  bool open = true;
  bool compressed = false;  /* negotiated permessage-deflate (see listen ()) */
  gint64 start_ns = 0;
  guint64 sent_samples = 0;
  guint64 in_bytes = 0;
  guint64 in_frames = 0;

  ~Session ()
  {
    if (conn) {
      g_signal_handlers_disconnect_by_data (conn, this);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, nullptr);
      g_object_unref (conn);
    }
  }
};

PeerServer::PeerServer (GMainContext *context, Config config)
    : context_ (g_main_context_ref (context)), config_ (config)
{
  size_t samples = (size_t) OUTPUT_RATE * config_.out_chunk_ms / 1000;
  auto pcm = tone (samples, OUTPUT_RATE);
  audio_frame_ = make_reply_audio_frame (pcm.data (), pcm.size ());
  audio_frame_samples_ = samples;
}

PeerServer::~PeerServer ()
{
  if (tick_) {
    g_source_destroy (tick_);
    g_source_unref (tick_);
  }
  sessions_.clear ();
  if (server_) {
    soup_server_disconnect (server_);
    g_object_unref (server_);
  }
  g_bytes_unref (audio_frame_);
  g_main_context_unref (context_);
}

bool
PeerServer::listen (std::string &url, std::string &error)
{
  server_ = soup_server_new (nullptr, nullptr);
  /* NULL path: also matches the official SDK's "//ws/..." (build-notes.md). */
  soup_server_add_websocket_handler (server_, nullptr, nullptr, nullptr, on_websocket, this,
      nullptr);
  /* Every client must decode the same bytes. The official SDK (node's ws)
   * offers permessage-deflate and SoupServer accepts it by default, while
   * geminilive and bench-floor do not offer it: with it, the SDK's numbers
   * were mostly zlib (docs/performance.md, "Correction"). BENCH_PEER_DEFLATE=1
   * accepts it again, to reproduce that. */
  if (g_strcmp0 (g_getenv ("BENCH_PEER_DEFLATE"), "1") != 0)
    soup_server_remove_websocket_extension (server_, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);

  GError *err = nullptr;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, &err);
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new (loopback, config_.port);
  g_object_unref (loopback);
  bool ok = socket != nullptr;
  if (ok) {
    g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
    ok = g_socket_bind (socket, address, TRUE, &err) && g_socket_listen (socket, &err)
        && soup_server_listen_socket (server_, socket, (SoupServerListenOptions) 0, &err);
  }
  g_object_unref (address);
  if (!ok) {
    error = std::string ("cannot listen on 127.0.0.1: ") + (err ? err->message : "?");
    g_clear_error (&err);
    g_clear_object (&socket);
    return false;
  }
  GSocketAddress *bound = g_socket_get_local_address (socket, nullptr);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (socket);
  url = "ws://127.0.0.1:" + std::to_string (port);

  if (config_.stream_audio) {
    tick_ = g_timeout_source_new (TICK_MS);
    g_source_set_callback (tick_, on_tick, this, nullptr);
    g_source_attach (tick_, context_);
  }
  return true;
}

void
PeerServer::on_websocket (SoupServer *, SoupServerMessage *, const char *,
    SoupWebsocketConnection *conn, gpointer data)
{
  auto self = static_cast<PeerServer *> (data);
  auto session = std::make_unique<Session> ();
  session->owner = self;
  session->index = self->sessions_.size ();
  session->conn = SOUP_WEBSOCKET_CONNECTION (g_object_ref (conn));
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_PAYLOAD);
  session->compressed = soup_websocket_connection_get_extensions (conn) != nullptr;
  g_signal_connect (conn, "message", G_CALLBACK (on_message), session.get ());
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), session.get ());
  self->sessions_.push_back (std::move (session));
}

void
PeerServer::on_message (SoupWebsocketConnection *, gint, GBytes *message, gpointer data)
{
  gint64 t = now_ns ();
  auto session = static_cast<Session *> (data);
  auto self = session->owner;
  gsize size = 0;
  auto text = static_cast<const char *> (g_bytes_get_data (message, &size));

  if (!session->setup_seen) {
    static const char setup_key[] = "\"setup\"";
    if (!text || std::search (text, text + size, setup_key, setup_key + 7) == text + size) {
      self->bad_frames_++;
      return;
    }
    session->setup_seen = true;
    session->start_ns = now_ns ();
    static const char complete[] = "{\"setupComplete\":{}}";
    soup_websocket_connection_send_binary (session->conn, complete, sizeof (complete) - 1);
    self->ready_++;
    if (self->config_.stream_audio)
      self->pace (*session, session->start_ns);
    return;
  }

  size_t pcm = text ? pcm_bytes_of_frame (text, size) : 0;
  if (pcm == 0)
    self->bad_frames_++;
  session->in_bytes += pcm;
  session->in_frames++;
  if (self->hook_)
    self->hook_ (session->index, text, size, t);
}

void
PeerServer::on_closed (SoupWebsocketConnection *, gpointer data)
{
  static_cast<Session *> (data)->open = false;
}

void
PeerServer::pace (Session &session, gint64 now)
{
  guint64 due = (guint64) (now - session.start_ns) * OUTPUT_RATE / G_GINT64_CONSTANT (1000000000)
      + (guint64) config_.lead_ms * OUTPUT_RATE / 1000;
  /* CLOSING comes before "closed": libsoup refuses sends from then on. */
  if (!session.open
      || soup_websocket_connection_get_state (session.conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  while (session.sent_samples + audio_frame_samples_ <= due) {
    soup_websocket_connection_send_message (session.conn, SOUP_WEBSOCKET_DATA_BINARY,
        audio_frame_);
    session.sent_samples += audio_frame_samples_;
  }
}

gboolean
PeerServer::on_tick (gpointer data)
{
  auto self = static_cast<PeerServer *> (data);
  gint64 now = now_ns ();
  for (auto &session : self->sessions_)
    if (session->setup_seen)
      self->pace (*session, now);
  return G_SOURCE_CONTINUE;
}

gint64
PeerServer::send_frame (size_t index, GBytes *frame)
{
  if (index >= sessions_.size () || !sessions_[index]->open || !sessions_[index]->setup_seen)
    return -1;
  gint64 t = now_ns ();
  soup_websocket_connection_send_message (sessions_[index]->conn, SOUP_WEBSOCKET_DATA_BINARY,
      frame);
  return t;
}

PeerServer::Report
PeerServer::report () const
{
  Report r;
  r.bad_frames = bad_frames_;
  bool first = true;
  for (const auto &s : sessions_) {
    if (!s->setup_seen)
      continue;
    guint64 samples = s->in_bytes / 2;
    r.sessions++;
    r.in_samples_min = first ? samples : std::min (r.in_samples_min, samples);
    r.in_samples_max = std::max (r.in_samples_max, samples);
    r.in_frames += s->in_frames;
    r.out_samples += s->sent_samples;
    r.compressed_sessions += s->compressed ? 1 : 0;
    first = false;
  }
  return r;
}

}  // namespace bench
