/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See backend_routes.h. How each refusal looks is chosen to exercise every
 * path a client must handle: the Gemini API upgrades and then closes (1007 /
 * 1008, as the service does), Vertex refuses the upgrade with HTTP 401, and
 * the Firebase proxy closes with App Check's own words.
 */
#include "backend_routes.h"

#include <regex>

namespace gemlive::server {

namespace {

constexpr const char *kMissingCredential =
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API.";
constexpr const char *kInvalidKey = "API key not valid. Please pass a valid API key.";
constexpr const char *kInvalidAppCheck = "Firebase App Check token is invalid.";
constexpr const char *kEphemeralPrefix = "auth_tokens/";

std::string
query_param (SoupServerMessage *msg, const char *name)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  if (query == nullptr)
    return "";
  GHashTable *params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, nullptr);
  if (params == nullptr)
    return "";
  auto value = static_cast<const char *> (g_hash_table_lookup (params, name));
  std::string out = value != nullptr ? value : "";
  g_hash_table_unref (params);
  return out;
}

std::string
header (SoupServerMessage *msg, const char *name)
{
  const char *value =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
  return value != nullptr ? value : "";
}

/* "Bearer x" with scheme "Bearer" -> "x"; "" when the scheme differs. */
std::string
authorization (SoupServerMessage *msg, const char *scheme)
{
  std::string value = header (msg, "Authorization");
  std::string prefix = std::string (scheme) + " ";
  if (value.size () <= prefix.size () || g_ascii_strncasecmp (value.c_str (), prefix.c_str (),
          prefix.size ()) != 0)
    return "";
  return value.substr (prefix.size ());
}

/* A value the policy accepts: the one configured, or (none configured) any
 * but the rejected key. */
bool
acceptable (const std::string &value, const std::string &required, const std::string &reject)
{
  if (value.empty () || value == reject)
    return false;
  return required.empty () || value == required;
}

Refusal
close_with (int code, const std::string &reason)
{
  Refusal r;
  r.close_code = code;
  r.reason = reason;
  return r;
}

Refusal
http (unsigned status)
{
  Refusal r;
  r.http_status = status;
  r.reason = soup_status_get_phrase (status);
  return r;
}

/* No key at all is refused only when --api-key names one: a newcomer's first
 * client (or pipeline) needs none against a local server. */
bool
key_required (const CredentialPolicy &policy)
{
  return !policy.api_key.empty ();
}

Refusal
check_gemini_api (SoupServerMessage *msg, const CredentialPolicy &policy)
{
  std::string key = query_param (msg, "key");
  if (key.empty ())
    key = header (msg, "x-goog-api-key");
  if (key.empty ())
    return key_required (policy) ? close_with (1008, kMissingCredential) : Refusal ();
  /* An ephemeral token is not an API key: it only opens the constrained method. */
  if (g_str_has_prefix (key.c_str (), kEphemeralPrefix)
      || !acceptable (key, policy.api_key, policy.reject_key))
    return close_with (1007, kInvalidKey);
  return Refusal ();
}

Refusal
check_constrained (const RouteInfo &route, SoupServerMessage *msg, const CredentialPolicy &policy)
{
  std::string token = query_param (msg, "access_token");
  if (token.empty ())
    token = authorization (msg, "Token");
  if (token.empty ())
    return close_with (1008, kMissingCredential);
  if (route.api_version != "v1alpha")
    return close_with (1008, "Operation is not implemented, or supported, or enabled.");
  if (!g_str_has_prefix (token.c_str (), kEphemeralPrefix) || token == policy.reject_key)
    return close_with (1007, kInvalidKey);
  return Refusal ();
}

Refusal
check_vertex (RouteInfo &route, SoupServerMessage *msg, const CredentialPolicy &policy)
{
  std::string bearer = authorization (msg, "Bearer");
  std::string key = header (msg, "x-goog-api-key");
  if (!bearer.empty () && !key.empty ())
    return http (SOUP_STATUS_BAD_REQUEST);
  if (!key.empty ()) {
    route.express = true;
    return acceptable (key, policy.api_key, policy.reject_key) ? Refusal ()
                                                               : http (SOUP_STATUS_UNAUTHORIZED);
  }
  /* Vertex checks OAuth at the front end: the upgrade itself is refused. */
  if (!acceptable (bearer, policy.access_token, policy.reject_key))
    return http (SOUP_STATUS_UNAUTHORIZED);
  return Refusal ();
}

Refusal
check_firebase (SoupServerMessage *msg, const CredentialPolicy &policy)
{
  /* Web, Android, Flutter and Unity send ?key=; iOS only the header. */
  std::string key = query_param (msg, "key");
  if (key.empty ())
    key = header (msg, "x-goog-api-key");
  if (key.empty () && key_required (policy))
    return close_with (1008, kMissingCredential);
  if (!key.empty () && !acceptable (key, policy.api_key, policy.reject_key))
    return close_with (1007, kInvalidKey);
  /* Enforced App Check: no token is refused like a bad one. */
  if (!acceptable (header (msg, "X-Firebase-AppCheck"), policy.app_check_token,
          policy.reject_key))
    return close_with (1008, kInvalidAppCheck);
  std::string id_token_header = header (msg, "Authorization");
  if (!id_token_header.empty () && authorization (msg, "Firebase").empty ())
    return close_with (1008, "Authorization must be \"Firebase <ID token>\" on this route.");
  return Refusal ();
}

bool
starts_with (const std::string &text, const std::string &prefix)
{
  return text.rfind (prefix, 0) == 0;
}

}  // namespace

const char *
route_kind_name (RouteKind kind)
{
  switch (kind) {
    case RouteKind::GEMINI_API: return "gemini-api";
    case RouteKind::GEMINI_API_CONSTRAINED: return "gemini-api (ephemeral token)";
    case RouteKind::VERTEX_AI: return "vertex-ai";
    case RouteKind::FIREBASE_GOOGLE_AI: return "firebase-google-ai";
    case RouteKind::FIREBASE_VERTEX_AI: return "firebase-vertex-ai";
  }
  return "unknown";
}

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
  static const std::regex firebase_google (
      "^/ws/google\\.firebase\\.vertexai\\.(v1beta)\\.GenerativeService/BidiGenerateContent$");
  static const std::regex firebase_vertex (
      "^/ws/google\\.firebase\\.vertexai\\.(v1beta)\\.LlmBidiService/BidiGenerateContent/"
      "locations/([a-z0-9-]+)$");
  std::smatch m;
  if (std::regex_match (path, m, gemini)) {
    route.api_version = m[1];
    route.kind = m[2].matched ? RouteKind::GEMINI_API_CONSTRAINED : RouteKind::GEMINI_API;
    return true;
  }
  if (std::regex_match (path, m, vertex)) {
    route.api_version = m[1];
    route.kind = RouteKind::VERTEX_AI;
    route.vertex = true;
    return true;
  }
  if (std::regex_match (path, m, firebase_google)) {
    route.api_version = m[1];
    route.kind = RouteKind::FIREBASE_GOOGLE_AI;
    return true;
  }
  if (std::regex_match (path, m, firebase_vertex)) {
    route.api_version = m[1];
    route.kind = RouteKind::FIREBASE_VERTEX_AI;
    route.vertex = true;
    route.location = m[2];
    return true;
  }
  return false;
}

Refusal
check_credentials (RouteInfo &route, SoupServerMessage *msg, const CredentialPolicy &policy)
{
  switch (route.kind) {
    case RouteKind::GEMINI_API: return check_gemini_api (msg, policy);
    case RouteKind::GEMINI_API_CONSTRAINED: return check_constrained (route, msg, policy);
    case RouteKind::VERTEX_AI: return check_vertex (route, msg, policy);
    case RouteKind::FIREBASE_GOOGLE_AI:
    case RouteKind::FIREBASE_VERTEX_AI: return check_firebase (msg, policy);
  }
  return close_with (1008, kMissingCredential);
}

bool
model_id_for_route (const RouteInfo &route, const std::string &model, std::string &model_id,
    std::string &why)
{
  static const std::regex project_model ("^projects/[A-Za-z0-9_.:-]+/models/([^/]+)$");
  static const std::regex vertex_model (
      "^projects/[A-Za-z0-9_.:-]+/locations/([a-z0-9-]+)/publishers/google/models/([^/]+)$");
  static const std::regex express_model ("^publishers/google/models/([^/]+)$");
  std::smatch m;
  switch (route.kind) {
    case RouteKind::GEMINI_API:
    case RouteKind::GEMINI_API_CONSTRAINED:
      if (starts_with (model, "models/") && model.find ('/', 7) == std::string::npos) {
        model_id = model.substr (7);
        return true;
      }
      if (model.find ('/') == std::string::npos) {
        model_id = model;
        return true;
      }
      why = model + " is not a Gemini API model name (models/{model})";
      return false;
    case RouteKind::VERTEX_AI:
      if (std::regex_match (model, m, vertex_model)) {
        model_id = m[2];
        return true;
      }
      if (route.express && std::regex_match (model, m, express_model)) {
        model_id = m[1];
        return true;
      }
      why = "Vertex model must be projects/{p}/locations/{l}/publishers/google/models/{m}"
            + std::string (route.express ? " or publishers/google/models/{m}" : "");
      return false;
    case RouteKind::FIREBASE_GOOGLE_AI:
      if (std::regex_match (model, m, project_model)) {
        model_id = m[1];
        return true;
      }
      why = "Firebase (Gemini API) model must be projects/{project}/models/{model}";
      return false;
    case RouteKind::FIREBASE_VERTEX_AI:
      if (std::regex_match (model, m, vertex_model) && m[1] == route.location) {
        model_id = m[2];
        return true;
      }
      why = "Firebase (Vertex) model must be projects/{p}/locations/" + route.location
            + "/publishers/google/models/{m}";
      return false;
  }
  why = "unknown route";
  return false;
}

}  // namespace gemlive::server
