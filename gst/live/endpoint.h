/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Where a Live session connects and how it authenticates. Pure: builds the
 * WebSocket URL, the handshake headers and a redacted URL that is safe to log.
 *
 * Four backends (routes) reach the Live API; ../../docs/backends.md says what
 * each needs and what goes on the wire:
 *   gemini-api          generativelanguage.googleapis.com, ?key= (or an
 *                       ephemeral auth_tokens/… token on the constrained method)
 *   vertex-ai           {location}-aiplatform.googleapis.com, Bearer token or
 *                       an express-mode API key header
 *   firebase-google-ai  firebasevertexai.googleapis.com proxy, ?key= + App Check
 *   firebase-vertex-ai  the same proxy, Vertex flavour, with a location
 */
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gemlive {

enum class Backend {
  GEMINI_API,
  VERTEX_AI,
  FIREBASE_GOOGLE_AI,
  FIREBASE_VERTEX_AI,
};

/* "gemini-api", "vertex-ai", "firebase-google-ai", "firebase-vertex-ai":
 * the element's GEnum nicks, also used in every error text. */
const char *backend_nick (Backend backend);
/* false (out untouched) when nick is none of the above. */
bool backend_from_nick (const std::string &nick, Backend &out);

using HeaderList = std::vector<std::pair<std::string, std::string> >;

/* Fields marked "secret" never appear in redacted_url, in redacted_headers ()
 * or in any error text. Fields a backend does not use must stay empty: a
 * Firebase or Vertex setting with the wrong backend is an error, not ignored. */
struct EndpointConfig {
  Backend backend = Backend::GEMINI_API;
  /* scheme://host[:port][/path]; empty: the backend's default (default_base_url).
   * An override only replaces scheme, host and port (a path is kept as a
   * prefix): the route's path, query and headers stay the same, so tests can
   * aim every backend at ws://127.0.0.1:PORT. */
  std::string base_url;
  /* gemini-api only (v1beta, v1alpha, v1). Ephemeral tokens always use
   * v1alpha, the only version serving the constrained method. */
  std::string api_version = "v1beta";
  /* vertex-ai only. The Firebase proxy path is fixed at v1beta. */
  std::string vertex_api_version = "v1beta1";
  /* secret. gemini-api: the API key, or an ephemeral token when it starts
   * with "auth_tokens/"; vertex-ai: an express-mode key (x-goog-api-key);
   * firebase-*: the Firebase web API key (?key=). */
  std::string api_key;
  /* gemini-api ephemeral tokens: send "Authorization: Token …" instead of
   * ?access_token= (keeps the token out of the URL; the SDKs use the query). */
  bool ephemeral_token_in_header = false;
  /* vertex-ai (not in express mode) and firebase-*: the Google Cloud /
   * Firebase project ID. */
  std::string project;
  /* vertex-ai and firebase-vertex-ai; "global" uses the global Vertex host. */
  std::string location = "us-central1";
  /* secret. vertex-ai: OAuth 2 bearer token (GOOGLE_OAUTH_ACCESS_TOKEN). */
  std::string access_token;
  /* secret. firebase-*: required, header X-Firebase-AppCheck. */
  std::string app_check_token;
  /* secret. firebase-*: optional, header "Authorization: Firebase …". */
  std::string firebase_id_token;
  /* firebase-*: optional, headers X-Firebase-AppId / X-Firebase-AppVersion. */
  std::string firebase_app_id;
  std::string firebase_app_version;
  /* Every backend, wss:// only: a PEM file of CA certificates trusted in
   * addition to the system's (a private PKI). Verification stays on. */
  std::string tls_ca_file;
};

struct ConnectionRequest {
  std::string url;          /* secret-bearing: never log this */
  std::string redacted_url; /* the same with every secret replaced by "REDACTED" */
  std::string host;         /* for error messages ("could not reach HOST") */
  HeaderList headers;       /* secret-bearing values allowed: log redacted_headers () */
  Backend backend = Backend::GEMINI_API;
  /* What authenticates this request, for a refused handshake (401/403):
   * e.g. "the App Check token or the Firebase API key". Never a secret. */
  std::string credentials;
  /* EndpointConfig::tls_ca_file, for the TLS handshake (empty: system CAs only). */
  std::string tls_ca_file;
};

/* Fails (returns false, fills error) when a setting the backend needs is
 * missing, a setting belongs to another backend, or a value is malformed
 * (base URL not ws:// or wss://, no host, bad version/location/project,
 * control characters in a header value). The error names the backend and the
 * element property to set, and never contains a secret. */
bool build_connection_request (const EndpointConfig &config, ConnectionRequest &out,
                               std::string &error);

/* Model resource name for setup.model: "models/<m>" unless already qualified
 * (the gemini-api form). */
std::string model_resource_name (const std::string &model);

/* Model resource name for setup.model on config's backend:
 *   gemini-api          models/M
 *   vertex-ai           projects/P/locations/L/publishers/google/models/M
 *                       (express mode: publishers/google/models/M)
 *   firebase-google-ai  projects/P/models/M
 *   firebase-vertex-ai  projects/P/locations/L/publishers/google/models/M
 * A bare name or "models/M" is expanded; "publishers/…" gets the project and
 * location prefix on Vertex routes; any other qualified name is kept. */
std::string model_resource_name (const EndpointConfig &config, const std::string &model);

/* The base URL used when config.base_url is empty, e.g.
 * "wss://europe-west4-aiplatform.googleapis.com". */
std::string default_base_url (const EndpointConfig &config);

/* An api_key of the form "auth_tokens/…" (a Gemini API ephemeral token). */
bool is_ephemeral_token (const std::string &api_key);

/* Headers whose value is a credential (case-insensitive): authorization,
 * proxy-authorization, x-goog-api-key, x-firebase-appcheck, cookie. */
bool is_secret_header (const std::string &name);

/* headers with every secret value replaced by "REDACTED" (for logs); an
 * authorization scheme is kept: "Authorization: Bearer REDACTED". */
HeaderList redacted_headers (const HeaderList &headers);

} // namespace gemlive
