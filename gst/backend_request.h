/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which backend a session talks to and with which credentials: the settings
 * turned into a ConnectionRequest (gst/live/endpoint.h does the pure part),
 * and a refused credential turned into an error that names the backend and
 * the credential. docs/backends.md describes each backend. No element state:
 * the conversation keeps the route in use and posts the errors.
 */
#pragma once

#include "property_table.h"

#include "live/endpoint.h"
#include "live/live_session.h"

#include <gst/gst.h>

#include <functional>
#include <string>
#include <vector>

/* Why a connection request could not be built. */
enum class RequestError {
  NONE,
  MISSING_CREDENTIAL, /* RESOURCE/NOT_AUTHORIZED */
  BAD_SETTING,        /* RESOURCE/SETTINGS */
};

/* The route of a connection: for refused-credential errors and redaction. */
struct BackendRoute {
  gemlive::Backend backend = gemlive::Backend::GEMINI_API;
  std::string credentials;           /* "API key", "ephemeral token", ... */
  std::vector<std::string> secrets;  /* every secret this request carries */
};

bool backend_is_firebase (const ConversationSettings &settings);

/* Builds what a (re)connect needs from `settings`: resolves the environment
 * fallbacks (GEMINI_API_KEY, GOOGLE_API_KEY, GOOGLE_OAUTH_ACCESS_TOKEN) and
 * loads tls-ca-file. Returns false with a secret-free `error`. Pure but for
 * the environment and the file. */
bool backend_build_request (const ConversationSettings &settings,
    gemlive::ConnectionRequest &request, std::string &model_resource, BackendRoute &route,
    RequestError &kind, std::string &error);

/* Posts the element error for a request that could not be built. */
void backend_post_request_error (GstElement *element, const ConversationSettings &settings,
    RequestError kind, const std::string &redacted_error);

/* A session end caused by a refused credential (HTTP 401/403 on the upgrade,
 * an App Check or API key close reason): posts a RESOURCE/NOT_AUTHORIZED
 * error naming the backend and the credential, and returns true; likewise a
 * server certificate that was not trusted (naming tls-ca-file). Returns false
 * (posting nothing) for every other end. redact: hides the secrets. */
bool backend_post_refusal (GstElement *element, const BackendRoute &route,
    const gemlive::SessionEnd &end, const std::function<std::string (const std::string &)> &redact);
