/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live_server.h"

#include "server_session.h"

#include <cstdarg>
#include <regex>

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

constexpr const char *kMissingCredential =
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API.";

/* Recognises the service's WebSocket paths (after collapsing the SDK's "//").
 * Returns false for anything else. */
bool
parse_route (const std::string &raw_path, RouteInfo &route)
{
  std::string path = raw_path;
  while (path.rfind ("//", 0) == 0)
    path.erase (0, 1);
  static const std::regex gemini (
      "^/ws/google\\.ai\\.generativelanguage\\.(v1beta|v1alpha|v1)\\.GenerativeService\\."
      "BidiGenerateContent(Constrained)?$");
  static const std::regex vertex (
      "^/ws/google\\.cloud\\.aiplatform\\.(v1beta1|v1)\\.LlmBidiService/BidiGenerateContent$");
  static const std::regex firebase (
      "^/ws/google\\.firebase\\.vertexai\\.(v1beta)\\.(GenerativeService|LlmBidiService)/"
      "BidiGenerateContent(/locations/[^/]+)?$");
  std::smatch m;
  if (std::regex_match (path, m, gemini) || std::regex_match (path, m, firebase)) {
    route.api_version = m[1];
    return true;
  }
  if (std::regex_match (path, m, vertex)) {
    route.api_version = m[1];
    route.vertex = true;
    return true;
  }
  return false;
}

/* The credential the request carries, from the query or the headers; empty if none. */
std::string
find_credential (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  std::string credential;
  if (query != nullptr) {
    GHashTable *params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, nullptr);
    if (params != nullptr) {
      for (const char *name : {"key", "access_token"}) {
        auto value = static_cast<const char *> (g_hash_table_lookup (params, name));
        if (value != nullptr && *value != '\0' && credential.empty ())
          credential = value;
      }
      g_hash_table_unref (params);
    }
  }
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  if (credential.empty ()) {
    const char *key = soup_message_headers_get_one (headers, "x-goog-api-key");
    if (key != nullptr && *key != '\0')
      credential = key;
  }
  if (credential.empty ()) {
    const char *auth = soup_message_headers_get_one (headers, "Authorization");
    if (auth != nullptr && g_str_has_prefix (auth, "Bearer ") && auth[7] != '\0')
      credential = auth + 7;
  }
  return credential;
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
  if (soup_ != nullptr) {
    soup_server_disconnect (soup_);
    g_object_unref (soup_);
  }
  if (record_ != nullptr)
    fclose (record_);
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
  for (const char *prefix : {"/ws", "//ws"})
    soup_server_add_websocket_handler (soup_, prefix, nullptr, nullptr, on_websocket, this, nullptr);

  GInetAddress *inet = g_inet_address_new_from_string (config_.host.c_str ());
  if (inet == nullptr) {
    error = "--host must be a numeric IPv4 or IPv6 address, not '" + config_.host + "'";
    return false;
  }
  GSocketAddress *address = g_inet_socket_address_new (inet, static_cast<guint16> (config_.port));
  g_object_unref (inet);
  auto options = static_cast<SoupServerListenOptions> (tls ? SOUP_SERVER_LISTEN_HTTPS : 0);
  gboolean ok = soup_server_listen (soup_, address, options, &gerror);
  g_object_unref (address);
  if (!ok) {
    error = "cannot listen on " + config_.host + ":" + std::to_string (config_.port) + ": " +
        gerror->message;
    g_clear_error (&gerror);
    return false;
  }

  GSList *uris = soup_server_get_uris (soup_);
  int port = uris != nullptr ? g_uri_get_port (static_cast<GUri *> (uris->data)) : config_.port;
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
  auto session = std::make_shared<ServerSession> (*this, connection, route, next_connection_++);
  session->start ();
  sessions_[session.get ()] = session;
  if (!known_path) {
    /* The upgrade already happened; refuse the way the service refuses what it does not serve. */
    g_printerr ("gemini-live-server: refusing unknown path %s\n", path != nullptr ? path : "(null)");
    session->close (1008, "Operation is not implemented, or supported, or enabled.");
    return;
  }

  std::string credential = find_credential (msg);
  if (credential.empty ())
    session->close (1008, kMissingCredential);
  else if (credential == config_.reject_key)
    session->close (1007, "API key not valid. Please pass a valid API key.");
}

}  // namespace gemlive::server
