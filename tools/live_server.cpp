/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live_server.h"

#include "server_session.h"

#include <cstdarg>
#include <cstring>

namespace gemlive::server {

namespace {

/* The Live models the service documents (../shared/protocol.md); setup with
 * any other model is refused the way the service refuses retired ones. */
const char *const kBuiltinModels[] = {
  "gemini-3.8-live",
  "gemini-3.1-flash-live-preview",
  "gemini-2.5-flash-native-audio-preview-12-2025",
  "gemini-2.5-flash-native-audio-latest",
  "gemini-2.5-flash-native-audio-preview-09-2025",
  "gemini-live-2.5-flash-native-audio",
  "gemini-live-2.5-flash-preview-native-audio-09-2025",
};

CredentialPolicy
policy_of (const ServerConfig &config)
{
  CredentialPolicy policy;
  policy.reject_key = config.reject_key;
  policy.api_key = config.valid_api_key;
  policy.access_token = config.valid_access_token;
  policy.app_check_token = config.valid_app_check_token;
  return policy;
}

}  // namespace

std::string
truncate_close_reason (const std::string &reason)
{
  constexpr size_t kMax = 123;
  if (reason.size () <= kMax)
    return reason;
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char> (reason[cut]) & 0xC0) == 0x80)
    cut--;
  return reason.substr (0, cut);
}

LiveServer::LiveServer (ServerConfig config) : config_ (std::move (config)) {}

LiveServer::~LiveServer ()
{
  sessions_.clear ();
  slow_pong_.reset ();
  if (soup_ != nullptr) {
    soup_server_disconnect (soup_);
    g_object_unref (soup_);
  }
  if (record_ != nullptr)
    fclose (record_);
  if (record_times_ != nullptr)
    fclose (record_times_);
}

bool
LiveServer::start (std::string &url, std::string &error)
{
  if (!config_.record_path.empty ()) {
    record_ = fopen (config_.record_path.c_str (), "a");
    if (record_ == nullptr) {
      error = "cannot open the record file " + config_.record_path + ": " + g_strerror (errno);
      return false;
    }
  }
  if (!config_.record_times_path.empty ()) {
    record_times_ = fopen (config_.record_times_path.c_str (), "a");
    if (record_times_ == nullptr) {
      error = "cannot open the record-times file " + config_.record_times_path + ": "
          + g_strerror (errno);
      return false;
    }
  }

  GError *gerror = nullptr;
  const bool tls = !config_.tls_cert.empty ();
  if (tls != !config_.tls_key.empty ()) {
    error = "--tls-cert and --tls-key must be given together";
    return false;
  }
  if (tls) {
    GTlsCertificate *cert = g_tls_certificate_new_from_files (config_.tls_cert.c_str (),
        config_.tls_key.c_str (), &gerror);
    if (cert == nullptr) {
      error = std::string ("cannot load the TLS certificate/key: ") + gerror->message;
      g_clear_error (&gerror);
      return false;
    }
    soup_ = soup_server_new ("tls-certificate", cert, nullptr);
    g_object_unref (cert);
  } else {
    soup_ = soup_server_new (nullptr, nullptr);
  }

  /* "/ws" matches the canonical paths; the official SDK joins its base URL
   * with a double slash, and "//ws" is what SoupServer needs to route that. */
  for (const char *prefix : {"/ws", "//ws"}) {
    /* Runs after the headers, before the upgrade: a status set here skips
     * the WebSocket handler (how Vertex refuses credentials). */
    soup_server_add_early_handler (soup_, prefix, on_handshake, this, nullptr);
    soup_server_add_websocket_handler (soup_, prefix, nullptr, nullptr, on_websocket, this, nullptr);
  }

  GInetAddress *inet = g_inet_address_new_from_string (config_.host.c_str ());
  if (inet == nullptr) {
    error = "--host must be a numeric IPv4 or IPv6 address, not '" + config_.host + "'";
    return false;
  }
  GSocketAddress *address = g_inet_socket_address_new (inet, static_cast<guint16> (config_.port));
  g_object_unref (inet);
  auto options = static_cast<SoupServerListenOptions> (tls ? SOUP_SERVER_LISTEN_HTTPS : 0);
  int relay_port = -1;
  gboolean ok;
  if (config_.pong_delay_ms > 0) {
    slow_pong_ = SlowPongListener::start (soup_, address, config_.pong_delay_ms,
        [this] (const std::string &what) { log ("%s", what.c_str ()); }, relay_port, &gerror);
    ok = slow_pong_ != nullptr;
  } else {
    ok = soup_server_listen (soup_, address, options, &gerror);
  }
  g_object_unref (address);
  if (!ok) {
    error = "cannot listen on " + config_.host + ":" + std::to_string (config_.port) + ": " +
        gerror->message;
    g_clear_error (&gerror);
    return false;
  }

  GSList *uris = soup_server_get_uris (soup_);
  int port = relay_port >= 0 ? relay_port : uris != nullptr ? g_uri_get_port (static_cast<GUri *> (uris->data)) : config_.port;
  g_slist_free_full (uris, reinterpret_cast<GDestroyNotify> (g_uri_unref));
  const bool v6 = config_.host.find (':') != std::string::npos;
  url = std::string (tls ? "wss://" : "ws://") + (v6 ? "[" + config_.host + "]" : config_.host) +
      ":" + std::to_string (port);
  return true;
}

bool
LiveServer::model_known (const std::string &model_id) const
{
  const std::vector<std::string> *list = &config_.known_models;
  if (config_.scenario.known_models)
    list = &*config_.scenario.known_models;
  if (list->empty () && !config_.scenario.known_models) {
    for (const char *m : kBuiltinModels)
      if (model_id == m)
        return true;
    return false;
  }
  for (const auto &m : *list)
    if (m == "*" || m == model_id)
      return true;
  return false;
}

std::shared_ptr<Conversation>
LiveServer::new_conversation ()
{
  auto conversation = std::make_shared<Conversation> ();
  conversation->id = "c" + std::to_string (next_conversation_++);
  return conversation;
}

std::string
LiveServer::issue_handle (const std::shared_ptr<Conversation> &conversation)
{
  gchar *nonce = g_strdup_printf ("%08x", g_random_int ());
  std::string handle = "local-" + conversation->id + "-" +
      std::to_string (conversation->turns_done) + "-" + nonce;
  g_free (nonce);
  handles_[handle] = conversation;
  return handle;
}

std::shared_ptr<Conversation>
LiveServer::find_conversation (const std::string &handle) const
{
  auto it = handles_.find (handle);
  return it == handles_.end () ? nullptr : it->second;
}

void
LiveServer::record_frame (const char *data, gsize size)
{
  if (record_ == nullptr)
    return;
  /* One frame per line: a frame sent pretty-printed keeps its content but
   * loses its line breaks, which JSON does not need. */
  std::string line (data, size);
  for (char &c : line)
    if (c == '\n' || c == '\r')
      c = ' ';
  line += '\n';
  fwrite (line.data (), 1, line.size (), record_);
  fflush (record_);
  /* Line n of the times file is line n of the record: tests measure how
   * steadily audio arrived (input-pacing). */
  if (record_times_ != nullptr) {
    fprintf (record_times_, "%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
    fflush (record_times_);
  }
}

void
LiveServer::log (const char *format, ...) const
{
  if (!config_.verbose)
    return;
  va_list args;
  va_start (args, format);
  gchar *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("gemini-live-server: %s\n", text);
  g_free (text);
}

void
LiveServer::session_closed (ServerSession *session)
{
  sessions_.erase (session);
}

void
LiveServer::on_handshake (SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *,
    gpointer user_data)
{
  auto self = static_cast<LiveServer *> (user_data);
  RouteInfo route;
  if (path == nullptr || !parse_route (path, route))
    return;  /* refused after the upgrade, like the service does */
  Refusal refusal = check_credentials (route, msg, policy_of (self->config_));
  if (refusal.http_status == 0)
    return;
  self->log ("refusing the %s handshake: HTTP %u %s", route_kind_name (route.kind),
      refusal.http_status, refusal.reason.c_str ());
  /* Google front ends answer with a JSON error body. */
  gchar *body = g_strdup_printf ("{\"error\":{\"code\":%u,\"message\":\"Request had invalid "
      "authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}", refusal.http_status);
  soup_server_message_set_status (msg, refusal.http_status, nullptr);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body,
      strlen (body));
}

void
LiveServer::on_websocket (SoupServer *, SoupServerMessage *msg, const char *path,
    SoupWebsocketConnection *connection, gpointer user_data)
{
  static_cast<LiveServer *> (user_data)->accept (msg, path, connection);
}

void
LiveServer::accept (SoupServerMessage *msg, const char *path, SoupWebsocketConnection *connection)
{
  RouteInfo route;
  const bool known_path = parse_route (path != nullptr ? path : "", route);
  if (!known_path)
    route.api_version = "v1beta";
  /* HTTP refusals happened in on_handshake; what is left closes after the
   * upgrade. Checked before the session exists: it also notes express mode. */
  Refusal refusal;
  if (known_path)
    refusal = check_credentials (route, msg, policy_of (config_));
  auto session = std::make_shared<ServerSession> (*this, connection, route, next_connection_++);
  session->start ();
  sessions_[session.get ()] = session;
  if (!known_path) {
    /* The upgrade already happened; refuse the way the service refuses what it does not serve. */
    g_printerr ("gemini-live-server: refusing unknown path %s\n", path != nullptr ? path : "(null)");
    session->close (1008, "Operation is not implemented, or supported, or enabled.");
    return;
  }

  if (refusal.close_code != 0) {
    log ("refusing the %s session: close %d %s", route_kind_name (route.kind),
        refusal.close_code, refusal.reason.c_str ());
    session->close (refusal.close_code, refusal.reason);
  }
}

}  // namespace gemlive::server
