/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The local server's view of the four backends (docs/backends.md): which
 * WebSocket path is which route, which credential each route takes and how a
 * wrong one is refused, and which model resource name each route expects.
 * Pure (no SoupServer state): live_server.cpp calls it twice per request,
 * before the upgrade (HTTP refusals) and after it (close refusals).
 */
#pragma once

#include <libsoup/soup.h>

#include <string>

namespace gemlive::server {

enum class RouteKind {
  GEMINI_API,             /* …GenerativeService.BidiGenerateContent, ?key= */
  GEMINI_API_CONSTRAINED, /* …v1alpha…BidiGenerateContentConstrained, ephemeral token */
  VERTEX_AI,              /* …LlmBidiService/BidiGenerateContent, Bearer or x-goog-api-key */
  FIREBASE_GOOGLE_AI,     /* firebase proxy, GenerativeService, ?key= + App Check */
  FIREBASE_VERTEX_AI,     /* firebase proxy, LlmBidiService …/locations/L, ?key= + App Check */
};

/* "gemini-api", "gemini-api (ephemeral token)", "vertex-ai", … for logs. */
const char *route_kind_name (RouteKind kind);

/* What the credentials must be. Empty: any non-empty value except
 * reject_key is accepted; an absent API key (Gemini API, Firebase) is refused
 * only when api_key is set. */
struct CredentialPolicy {
  std::string reject_key;       /* --reject-key: always refused as invalid */
  std::string api_key;          /* --api-key */
  std::string access_token;     /* --access-token (Vertex bearer) */
  std::string app_check_token;  /* --app-check-token (Firebase) */
};

/* How the service refuses a request: an HTTP status before the upgrade, or a
 * close code and reason right after it. Neither set: accepted. */
struct Refusal {
  unsigned http_status = 0;
  int close_code = 0;
  std::string reason;
  bool refused () const { return http_status != 0 || close_code != 0; }
};

/* The request path and credential, as the routing layer understood them. */
struct RouteInfo {
  std::string api_version;  /* from the path: v1beta, v1alpha, v1, v1beta1 */
  bool vertex = false;      /* a Vertex-flavoured route (vertex-ai, firebase-vertex-ai) */
  RouteKind kind = RouteKind::GEMINI_API;
  std::string location;     /* firebase-vertex-ai: from the path */
  bool express = false;     /* vertex-ai reached with an API key (no project in the model) */
};

/* Recognises a service path (after collapsing the SDK's "//"); fills kind,
 * api_version, vertex and location. false: not a path the service serves. */
bool parse_route (const std::string &raw_path, RouteInfo &route);

/* Checks the credential forms of route on this request; sets route.express
 * when Vertex is reached with an API key. Never puts a credential in the
 * reason. */
Refusal check_credentials (RouteInfo &route, SoupServerMessage *msg,
    const CredentialPolicy &policy);

/* Checks setup.model against the route's resource name form and returns the
 * bare model ID; false with the close reason (1008) when the form is wrong. */
bool model_id_for_route (const RouteInfo &route, const std::string &model,
    std::string &model_id, std::string &why);

}  // namespace gemlive::server
