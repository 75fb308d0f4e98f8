/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builds the WebSocket request for a Live session (see endpoint.h).
 *
 * A route is three decisions: the path below the base URL, where the
 * credential goes (query or header), and the extra headers. Each backend has
 * one Route builder that also validates the settings it needs; the URL
 * assembly is shared. The shapes follow what the official SDKs send
 * (../shared/wire/handshake-*.json, default-urls-*.txt and the Firebase AI
 * SDKs): a dot before BidiGenerateContent on the Gemini API, a slash on
 * Vertex and on the Firebase proxy, whose Vertex path ends in /locations/L.
 */
#include "live/endpoint.h"

#include "config.h"

#include <glib.h>

#include <memory>

namespace gemlive {

namespace {

struct GFreeDeleter {
  void operator() (gpointer p) const { g_free (p); }
};
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

struct GUriUnref {
  void operator() (GUri *u) const { g_uri_unref (u); }
};
using GUriPtr = std::unique_ptr<GUri, GUriUnref>;

constexpr const char *API_CLIENT_HEADER = "x-goog-api-client";
constexpr const char *API_CLIENT_VALUE = "gst-gemini-live/" VERSION;
constexpr const char *REDACTED = "REDACTED";
constexpr const char *EPHEMERAL_PREFIX = "auth_tokens/";

constexpr const char *GEMINI_API_HOST = "generativelanguage.googleapis.com";
constexpr const char *VERTEX_GLOBAL_HOST = "aiplatform.googleapis.com";
constexpr const char *VERTEX_REGIONAL_HOST_SUFFIX = "-aiplatform.googleapis.com";
constexpr const char *FIREBASE_HOST = "firebasevertexai.googleapis.com";
/* The Firebase SDKs build only this version into the proxy path. */
constexpr const char *FIREBASE_PATH_PREFIX = "/ws/google.firebase.vertexai.v1beta.";
/* The service serves BidiGenerateContentConstrained on v1alpha only. */
constexpr const char *EPHEMERAL_API_VERSION = "v1alpha";

/* What a route adds to the base URL. `query` and `redacted_query` differ only
 * where a secret sits. */
struct Route {
  std::string path;
  std::string query;
  std::string redacted_query;
  HeaderList headers;
  std::string credentials;
};

bool
starts_with (const std::string &text, const char *prefix)
{
  return text.rfind (prefix, 0) == 0;
}

std::string
escape_query_value (const std::string &value, const char *allowed = nullptr)
{
  GCharPtr escaped (g_uri_escape_string (value.c_str (), allowed, FALSE));
  return escaped.get ();
}

/* Versions look like v1, v1beta, v1alpha: refuse anything that could change
 * the shape of the path. */
bool
is_plain_version (const std::string &version)
{
  if (version.empty ())
    return false;
  for (char c : version)
    if (!g_ascii_isalnum (c))
      return false;
  return true;
}

/* A location becomes part of a host name and a path: letters, digits, '-'. */
bool
is_location_name (const std::string &location)
{
  if (location.empty () || location.front () == '-' || location.back () == '-')
    return false;
  for (char c : location)
    if (!g_ascii_isalnum (c) && c != '-')
      return false;
  return true;
}

/* Project IDs (also the legacy "example.com:my-project" form) go into model
 * resource names, where a '/' would change the path. */
bool
is_project_id (const std::string &project)
{
  if (project.empty ())
    return false;
  for (char c : project)
    if (!g_ascii_isalnum (c) && c != '-' && c != '_' && c != '.' && c != ':')
      return false;
  return true;
}

/* HTTP header values: printable ASCII only, so no line break can smuggle in
 * another header and libsoup never refuses the value. */
bool
is_header_safe (const std::string &value)
{
  for (char c : value)
    if (c < 0x20 || c > 0x7e)
      return false;
  return true;
}

/* "<nick> backend needs <what> (set the <property> property)" */
std::string
needs (Backend backend, const std::string &what, const std::string &how)
{
  return std::string (backend_nick (backend)) + " backend needs " + what + " (" + how + ")";
}

/* A setting another backend uses, set by mistake, is refused rather than
 * silently ignored: it usually means the backend property was forgotten. */
struct ForeignSetting {
  const char *property;
  bool is_set;
  bool used;
  const char *used_by;
};

bool
refuse_foreign_settings (const EndpointConfig &c, std::string &error)
{
  const bool gemini = c.backend == Backend::GEMINI_API;
  const bool vertex = c.backend == Backend::VERTEX_AI;
  const bool firebase = !gemini && !vertex;
  const char *firebase_only = "firebase-google-ai and firebase-vertex-ai";
  const ForeignSetting settings[] = {
      {"project", !c.project.empty (), !gemini,
       "vertex-ai, firebase-google-ai and firebase-vertex-ai"},
      {"access-token", !c.access_token.empty (), vertex, "vertex-ai"},
      {"app-check-token", !c.app_check_token.empty (), firebase, firebase_only},
      {"firebase-id-token", !c.firebase_id_token.empty (), firebase, firebase_only},
      {"firebase-app-id", !c.firebase_app_id.empty (), firebase, firebase_only},
      {"firebase-app-version", !c.firebase_app_version.empty (), firebase, firebase_only},
  };
  for (const auto &s : settings) {
    if (s.is_set && !s.used) {
      error = std::string (s.property) + " is set, but the " + backend_nick (c.backend)
              + " backend does not use it (only " + s.used_by + " do); set the backend property"
              + " or leave " + s.property + " unset";
      return false;
    }
  }
  if (!gemini && is_ephemeral_token (c.api_key)) {
    error = std::string (backend_nick (c.backend))
            + " backend cannot use an ephemeral token (api-key starting with auth_tokens/):"
              " ephemeral tokens are for the gemini-api backend";
    return false;
  }
  return true;
}

bool
check_header_value (Backend backend, const char *property, const std::string &value,
                    std::string &error)
{
  if (is_header_safe (value))
    return true;
  error = std::string (backend_nick (backend)) + " backend: " + property
          + " contains a line break, control or non-ASCII character, which an HTTP header"
            " cannot carry (check how the value was copied)";
  return false;
}

bool
check_version (Backend backend, const std::string &version, std::string &error)
{
  if (is_plain_version (version))
    return true;
  error = std::string (backend_nick (backend)) + " backend: invalid API version \"" + version
          + "\" (expected something like "
          + (backend == Backend::VERTEX_AI ? "v1beta1 or v1" : "v1beta or v1alpha") + ")";
  return false;
}

bool
check_project (Backend backend, const std::string &project, std::string &error)
{
  if (project.empty ()) {
    error = needs (backend, "project", "set the project property to the project ID");
    return false;
  }
  if (is_project_id (project))
    return true;
  error = std::string (backend_nick (backend)) + " backend: project \"" + project
          + "\" is not a project ID (letters, digits, '-', '.', ':', like my-project-123)";
  return false;
}

bool
check_location (Backend backend, const std::string &location, std::string &error)
{
  if (is_location_name (location))
    return true;
  error = std::string (backend_nick (backend)) + " backend: location \"" + location
          + "\" is not a location name (like us-central1, europe-west4 or global)";
  return false;
}

bool
gemini_api_route (const EndpointConfig &c, Route &route, std::string &error)
{
  if (c.api_key.empty ()) {
    error = "no API key given (the gemini-api backend needs an API key or an ephemeral"
            " token: set the api-key property or GEMINI_API_KEY)";
    return false;
  }
  if (is_ephemeral_token (c.api_key)) {
    /* Tokens are created with a fixed model and config: the constrained
     * method, on the one version that serves it. */
    route.path = std::string ("/ws/google.ai.generativelanguage.") + EPHEMERAL_API_VERSION
                 + ".GenerativeService.BidiGenerateContentConstrained";
    if (c.ephemeral_token_in_header) {
      if (!check_header_value (c.backend, "api-key (ephemeral token)", c.api_key, error))
        return false;
      route.headers.emplace_back ("Authorization", "Token " + c.api_key);
    } else {
      /* '/' is legal in a query; the SDKs send "auth_tokens/…" as it is. */
      route.query = "access_token=" + escape_query_value (c.api_key, "/");
      route.redacted_query = std::string ("access_token=") + REDACTED;
    }
    route.credentials = "the ephemeral token";
    return true;
  }
  if (!check_version (c.backend, c.api_version, error))
    return false;
  route.path = "/ws/google.ai.generativelanguage." + c.api_version
               + ".GenerativeService.BidiGenerateContent";
  route.query = "key=" + escape_query_value (c.api_key);
  route.redacted_query = std::string ("key=") + REDACTED;
  route.credentials = "the API key";
  return true;
}

bool
vertex_route (const EndpointConfig &c, Route &route, std::string &error)
{
  const bool bearer = !c.access_token.empty ();
  const bool express = !c.api_key.empty ();
  if (bearer && express) {
    error = "vertex-ai backend takes either an access token or an express-mode API key, not"
            " both (leave access-token or api-key unset)";
    return false;
  }
  if (!bearer && !express) {
    error = needs (
        c.backend, "an OAuth access token or a Vertex express API key",
        "set the access-token property or GOOGLE_OAUTH_ACCESS_TOKEN, or the api-key property");
    return false;
  }
  if (!check_version (c.backend, c.vertex_api_version, error))
    return false;
  route.path = "/ws/google.cloud.aiplatform." + c.vertex_api_version
               + ".LlmBidiService/BidiGenerateContent";
  if (express) {
    /* Express mode is keyed to the API key's project, on the global host. */
    if (!c.project.empty ()) {
      error = "vertex-ai backend in express mode (api-key) takes no project: leave project"
              " unset, or use access-token for project-based access";
      return false;
    }
    if (!check_header_value (c.backend, "api-key", c.api_key, error))
      return false;
    route.headers.emplace_back ("x-goog-api-key", c.api_key);
    route.credentials = "the Vertex express API key";
    return true;
  }
  if (!check_project (c.backend, c.project, error) || !check_location (c.backend, c.location, error)
      || !check_header_value (c.backend, "access-token", c.access_token, error))
    return false;
  route.headers.emplace_back ("Authorization", "Bearer " + c.access_token);
  route.credentials = "the OAuth access token";
  return true;
}

bool
firebase_route (const EndpointConfig &c, Route &route, std::string &error)
{
  if (c.api_key.empty ()) {
    error = needs (c.backend, "the Firebase web API key", "set the api-key property");
    return false;
  }
  if (!check_project (c.backend, c.project, error))
    return false;
  if (c.app_check_token.empty ()) {
    error = needs (
        c.backend, "an App Check token",
        "set the app-check-token property; Firebase AI Logic enforces App Check and refuses"
        " connections without one");
    return false;
  }
  if (!check_header_value (c.backend, "app-check-token", c.app_check_token, error)
      || !check_header_value (c.backend, "firebase-id-token", c.firebase_id_token, error)
      || !check_header_value (c.backend, "firebase-app-id", c.firebase_app_id, error)
      || !check_header_value (c.backend, "firebase-app-version", c.firebase_app_version, error))
    return false;

  if (c.backend == Backend::FIREBASE_VERTEX_AI) {
    if (!check_location (c.backend, c.location, error))
      return false;
    route.path = std::string (FIREBASE_PATH_PREFIX)
                 + "LlmBidiService/BidiGenerateContent/locations/" + c.location;
  } else {
    route.path = std::string (FIREBASE_PATH_PREFIX) + "GenerativeService/BidiGenerateContent";
  }
  route.query = "key=" + escape_query_value (c.api_key);
  route.redacted_query = std::string ("key=") + REDACTED;

  route.headers.emplace_back ("X-Firebase-AppCheck", c.app_check_token);
  route.credentials = "the App Check token or the Firebase API key";
  if (!c.firebase_id_token.empty ()) {
    route.headers.emplace_back ("Authorization", "Firebase " + c.firebase_id_token);
    route.credentials = "the App Check token, the Firebase ID token or the Firebase API key";
  }
  if (!c.firebase_app_id.empty ())
    route.headers.emplace_back ("X-Firebase-AppId", c.firebase_app_id);
  if (!c.firebase_app_version.empty ())
    route.headers.emplace_back ("X-Firebase-AppVersion", c.firebase_app_version);
  return true;
}

bool
build_route (const EndpointConfig &c, Route &route, std::string &error)
{
  if (!refuse_foreign_settings (c, error))
    return false;
  switch (c.backend) {
    case Backend::GEMINI_API:
      return gemini_api_route (c, route, error);
    case Backend::VERTEX_AI:
      return vertex_route (c, route, error);
    case Backend::FIREBASE_GOOGLE_AI:
    case Backend::FIREBASE_VERTEX_AI:
      return firebase_route (c, route, error);
  }
  error = "unknown backend";
  return false;
}

/* The base URL as it may appear in an error: a user may have pasted a key
 * into its query or user info, so both are cut out. */
std::string
base_url_for_error (const std::string &base)
{
  std::string shown = base.substr (0, base.find_first_of ("?#"));
  auto authority = shown.find ("://");
  auto start = authority == std::string::npos ? 0 : authority + 3;
  auto at = shown.find ('@', start);
  if (at != std::string::npos && shown.find ('/', start) > at)
    shown.replace (start, at - start, REDACTED);
  return shown;
}

std::string
join_url (GUri *base, const std::string &path, const std::string &query)
{
  GCharPtr url (g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (base), nullptr,
                            g_uri_get_host (base), g_uri_get_port (base), path.c_str (),
                            query.empty () ? nullptr : query.c_str (), nullptr));
  return url.get ();
}

bool
vertex_express (const EndpointConfig &c)
{
  return c.backend == Backend::VERTEX_AI && c.access_token.empty () && !c.api_key.empty ();
}

/* "M" or "models/M" → "publishers/google/models/M"; "publishers/…" as is;
 * other qualified names (projects/…, tunedModels/…) are left to the caller. */
std::string
publisher_model (const std::string &model)
{
  if (starts_with (model, "models/"))
    return "publishers/google/" + model;
  if (model.find ('/') == std::string::npos)
    return "publishers/google/models/" + model;
  return model;
}

std::string
vertex_model (const EndpointConfig &c, const std::string &model)
{
  std::string name = publisher_model (model);
  if (!starts_with (name, "publishers/") || vertex_express (c))
    return name;
  return "projects/" + c.project + "/locations/" + c.location + "/" + name;
}

} // namespace

const char *
backend_nick (Backend backend)
{
  switch (backend) {
    case Backend::GEMINI_API:
      return "gemini-api";
    case Backend::VERTEX_AI:
      return "vertex-ai";
    case Backend::FIREBASE_GOOGLE_AI:
      return "firebase-google-ai";
    case Backend::FIREBASE_VERTEX_AI:
      return "firebase-vertex-ai";
  }
  return "unknown";
}

bool
backend_from_nick (const std::string &nick, Backend &out)
{
  for (Backend b : {Backend::GEMINI_API, Backend::VERTEX_AI, Backend::FIREBASE_GOOGLE_AI,
                    Backend::FIREBASE_VERTEX_AI}) {
    if (nick == backend_nick (b)) {
      out = b;
      return true;
    }
  }
  return false;
}

bool
is_ephemeral_token (const std::string &api_key)
{
  return starts_with (api_key, EPHEMERAL_PREFIX);
}

std::string
default_base_url (const EndpointConfig &config)
{
  switch (config.backend) {
    case Backend::GEMINI_API:
      return std::string ("wss://") + GEMINI_API_HOST;
    case Backend::VERTEX_AI:
      if (vertex_express (config) || config.location == "global")
        return std::string ("wss://") + VERTEX_GLOBAL_HOST;
      return "wss://" + config.location + VERTEX_REGIONAL_HOST_SUFFIX;
    case Backend::FIREBASE_GOOGLE_AI:
    case Backend::FIREBASE_VERTEX_AI:
      return std::string ("wss://") + FIREBASE_HOST;
  }
  return "";
}

bool
build_connection_request (const EndpointConfig &config, ConnectionRequest &out, std::string &error)
{
  Route route;
  if (!build_route (config, route, error))
    return false;

  const std::string base_text
      = config.base_url.empty () ? default_base_url (config) : config.base_url;
  const std::string shown = base_url_for_error (base_text);
  GError *parse_error = nullptr;
  GUriPtr base (g_uri_parse (base_text.c_str (), G_URI_FLAGS_ENCODED, &parse_error));
  if (!base) {
    /* GLib's message may quote the input: say only that it did not parse. */
    g_error_free (parse_error);
    error = "invalid base URL \"" + shown + "\" (expected ws://host[:port] or wss://host[:port])";
    return false;
  }
  std::string scheme = g_uri_get_scheme (base.get ());
  if (g_ascii_strcasecmp (scheme.c_str (), "ws") != 0
      && g_ascii_strcasecmp (scheme.c_str (), "wss") != 0) {
    error = "base URL \"" + shown + "\" must start with ws:// or wss://";
    return false;
  }
  const char *host = g_uri_get_host (base.get ());
  if (!host || !*host) {
    error = "base URL \"" + shown + "\" has no host";
    return false;
  }
  if (g_uri_get_query (base.get ()) || g_uri_get_fragment (base.get ())
      || g_uri_get_userinfo (base.get ())) {
    /* Credentials go where the route puts them, not in the base URL. */
    error = "base URL \"" + shown
            + "\" must be scheme://host[:port][/path] without query, fragment or user info";
    return false;
  }

  if (!config.tls_ca_file.empty () && g_ascii_strcasecmp (scheme.c_str (), "wss") != 0) {
    error = "tls-ca-file is set, but the endpoint \"" + shown
            + "\" is not wss:// (a CA file only applies to TLS connections)";
    return false;
  }

  /* A base path (a proxy mounted below /) is kept; its trailing slashes are
   * dropped so the result never has "//ws". */
  std::string path = g_uri_get_path (base.get ());
  while (!path.empty () && path.back () == '/')
    path.pop_back ();
  path += route.path;

  out.url = join_url (base.get (), path, route.query);
  out.redacted_url = join_url (base.get (), path, route.redacted_query);
  out.host = host;
  out.headers = route.headers;
  out.headers.emplace_back (API_CLIENT_HEADER, API_CLIENT_VALUE);
  out.backend = config.backend;
  out.credentials = route.credentials;
  out.tls_ca_file = config.tls_ca_file;
  return true;
}

std::string
model_resource_name (const std::string &model)
{
  /* "models/x", "tunedModels/x", "projects/…/models/x", "publishers/…" are
   * already resource names. */
  if (model.empty () || model.find ('/') != std::string::npos)
    return model;
  return "models/" + model;
}

std::string
model_resource_name (const EndpointConfig &config, const std::string &model)
{
  if (model.empty ())
    return model;
  switch (config.backend) {
    case Backend::GEMINI_API:
      return model_resource_name (model);
    case Backend::VERTEX_AI:
    case Backend::FIREBASE_VERTEX_AI:
      return vertex_model (config, model);
    case Backend::FIREBASE_GOOGLE_AI:
      if (starts_with (model, "models/"))
        return "projects/" + config.project + "/" + model;
      if (model.find ('/') == std::string::npos)
        return "projects/" + config.project + "/models/" + model;
      return model;
  }
  return model;
}

bool
is_secret_header (const std::string &name)
{
  for (const char *secret :
       {"authorization", "proxy-authorization", "x-goog-api-key", "x-firebase-appcheck", "cookie"})
    if (g_ascii_strcasecmp (name.c_str (), secret) == 0)
      return true;
  return false;
}

HeaderList
redacted_headers (const HeaderList &headers)
{
  HeaderList shown;
  shown.reserve (headers.size ());
  for (const auto &[name, value] : headers) {
    if (!is_secret_header (name)) {
      shown.emplace_back (name, value);
      continue;
    }
    /* "Bearer …", "Firebase …", "Token …": the scheme says which credential
     * was sent, which helps when a handshake is refused. */
    auto space = value.find (' ');
    bool has_scheme
        = space != std::string::npos && space > 0
          && value.find_first_not_of ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                 == space;
    shown.emplace_back (name, (has_scheme ? value.substr (0, space + 1) : "") + REDACTED);
  }
  return shown;
}

} // namespace gemlive
