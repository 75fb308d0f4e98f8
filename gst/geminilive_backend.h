/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which backend the element talks to and with which credentials
 * (geminilive_backend.cpp). The element's other files call only these.
 */
#pragma once

#include "geminilive_private.h"

#include <string>

/* The backend, project, location, token … properties and the
 * need-app-check-token signal (ids from GEMINI_LIVE_PROP_BASE_BACKEND). */
extern const GeminiLivePropertyGroup gst_gemini_live_backend_properties;

/* Why a connection request could not be built. */
enum class GeminiLiveRequestError {
  NONE,
  MISSING_CREDENTIAL, /* RESOURCE/NOT_AUTHORIZED */
  BAD_SETTING,        /* RESOURCE/SETTINGS */
};

/* Builds what a (re)connect needs from the current settings: emits
 * need-app-check-token first (Firebase backends) so the application can set a
 * fresh token, resolves the environment fallbacks (GEMINI_API_KEY,
 * GOOGLE_API_KEY, GOOGLE_OAUTH_ACCESS_TOKEN), loads tls-ca-file, and records
 * the secrets in use so gst_gemini_live_redact () hides them. Returns false
 * with a secret-free `error`. Call with no element lock held; any thread
 * (the signal is emitted on the calling thread). */
bool gst_gemini_live_backend_request (GstGeminiLive *self, gemlive::ConnectionRequest &request,
    std::string &model_resource, GeminiLiveRequestError &kind, std::string &error);

/* The same, posting the element error itself; for READY->PAUSED. */
bool gst_gemini_live_backend_prepare (GstGeminiLive *self, gemlive::ConnectionRequest &request,
    std::string &model_resource);

/* The RequestProvider for LiveSession: hands out `first` (from prepare ())
 * for the first connection, then calls gst_gemini_live_backend_request ()
 * before every reconnection, so need-app-check-token fires before each
 * resume and refreshed tokens are used. Runs on the network thread. */
gemlive::RequestProvider gst_gemini_live_backend_provider (GstGeminiLive *self,
    gemlive::ConnectionRequest first);

/* A session end caused by a refused credential (HTTP 401/403 on the upgrade,
 * an App Check or API key close reason): posts a RESOURCE/NOT_AUTHORIZED
 * error naming the backend and the credential, and returns true; likewise a
 * server certificate that was not trusted (naming tls-ca-file). Returns false
 * (posting nothing) for every other end. Network thread. */
bool gst_gemini_live_backend_post_refusal (GstGeminiLive *self, const gemlive::SessionEnd &end);
