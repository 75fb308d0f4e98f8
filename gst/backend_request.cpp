/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Secrets never reach an error text: the endpoint builder puts none in its
 * errors, and the refusal texts below go through the caller's redaction.
 */
#include "backend_request.h"

#include "live/tls_trust.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

using gemlive::Backend;

/* --- building the connection request --- */

static std::string
first_env (std::initializer_list<const char *> names)
{
  for (const char *name : names) {
    const char *value = g_getenv (name);
    if (value && *value)
      return value;
  }
  return "";
}

static gemlive::EndpointConfig
endpoint_config_from (const ConversationSettings &s)
{
  gemlive::EndpointConfig c;
  c.backend = (Backend) s.backend;
  c.base_url = s.endpoint;
  if (!s.api_version.empty ())
    c.api_version = s.api_version;
  c.api_key = s.api_key;
  if (c.api_key.empty () && (Backend) s.backend == Backend::GEMINI_API)
    c.api_key = first_env ({"GEMINI_API_KEY", "GOOGLE_API_KEY"});
  c.project = s.project;
  c.location = s.location;
  c.access_token = s.access_token;
  /* Only when nothing else authenticates: an express-mode api-key must not
   * clash with a token that happens to be in the environment. */
  if (c.access_token.empty () && c.api_key.empty () && (Backend) s.backend == Backend::VERTEX_AI)
    c.access_token = first_env ({"GOOGLE_OAUTH_ACCESS_TOKEN"});
  c.app_check_token = s.app_check_token;
  c.firebase_id_token = s.firebase_id_token;
  c.firebase_app_id = s.firebase_app_id;
  c.firebase_app_version = s.firebase_app_version;
  c.tls_ca_file = s.tls_ca_file;
  return c;
}

static bool
credential_missing (const gemlive::EndpointConfig &c)
{
  switch (c.backend) {
    case Backend::GEMINI_API:
      return c.api_key.empty ();
    case Backend::VERTEX_AI:
      return c.api_key.empty () && c.access_token.empty ();
    case Backend::FIREBASE_GOOGLE_AI:
    case Backend::FIREBASE_VERTEX_AI:
      return c.api_key.empty () || c.app_check_token.empty ();
  }
  return true;
}

static void
fill_route (const gemlive::EndpointConfig &c, const gemlive::ConnectionRequest &request,
    BackendRoute &route)
{
  route.backend = c.backend;
  route.credentials = request.credentials;
  route.secrets.clear ();
  for (const std::string *secret : {&c.api_key, &c.access_token, &c.app_check_token,
           &c.firebase_id_token})
    if (!secret->empty ())
      route.secrets.push_back (*secret);
}

bool
backend_is_firebase (const ConversationSettings &settings)
{
  auto backend = (Backend) settings.backend;
  return backend == Backend::FIREBASE_GOOGLE_AI || backend == Backend::FIREBASE_VERTEX_AI;
}

bool
backend_build_request (const ConversationSettings &s, gemlive::ConnectionRequest &request,
    std::string &model_resource, BackendRoute &route, RequestError &kind, std::string &error)
{
  gemlive::EndpointConfig config = endpoint_config_from (s);
  kind = RequestError::NONE;
  if (!gemlive::build_connection_request (config, request, error)) {
    kind = credential_missing (config) ? RequestError::MISSING_CREDENTIAL
                                       : RequestError::BAD_SETTING;
    return false;
  }
  if (!config.tls_ca_file.empty ()) {
    /* Loaded here too so a bad file fails the state change with its own
     * error, not a later handshake with a certificate error. */
    GTlsDatabase *database = gemlive::load_private_ca (config.tls_ca_file, error);
    if (!database) {
      kind = RequestError::BAD_SETTING;
      return false;
    }
    g_object_unref (database);
  }
  model_resource = gemlive::model_resource_name (config, s.model);
  fill_route (config, request, route);
  return true;
}

void
backend_post_request_error (GstElement *element, const ConversationSettings &s,
    RequestError kind, const std::string &text)
{
  auto backend = (Backend) s.backend;
  if (kind == RequestError::MISSING_CREDENTIAL && backend == Backend::GEMINI_API)
    GST_ELEMENT_ERROR (element, RESOURCE, NOT_AUTHORIZED, ("No Gemini API key."),
        ("Set the api-key property or the GEMINI_API_KEY (or GOOGLE_API_KEY) environment "
         "variable."));
  else if (kind == RequestError::MISSING_CREDENTIAL)
    GST_ELEMENT_ERROR (element, RESOURCE, NOT_AUTHORIZED,
        ("Missing credentials for the %s backend: %s.", gemlive::backend_nick (backend),
            text.c_str ()), (nullptr));
  else
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("Invalid settings for the %s backend: %s.", gemlive::backend_nick (backend),
            text.c_str ()), (nullptr));
}

/* --- refused credentials --- */

/* What to do about a refused credential, per backend. */
static const char *
credential_hint (Backend backend, const std::string &credentials)
{
  switch (backend) {
    case Backend::GEMINI_API:
      if (credentials.find ("ephemeral") != std::string::npos)
        return "Check api-key: the ephemeral token may have expired or been used up.";
      return "Check api-key or GEMINI_API_KEY.";
    case Backend::VERTEX_AI:
      if (credentials.find ("express") != std::string::npos)
        return "Check api-key (a Vertex AI express-mode API key).";
      return "Check access-token or GOOGLE_OAUTH_ACCESS_TOKEN (OAuth access tokens expire "
             "after about an hour) and project.";
    case Backend::FIREBASE_GOOGLE_AI:
    case Backend::FIREBASE_VERTEX_AI:
      return "Check app-check-token (set a fresh one from the need-app-check-token signal) "
             "and api-key (the Firebase web API key).";
  }
  return "Check the credentials.";
}

static bool
mentions (const std::string &text, const char *what)
{
  return text.find (what) != std::string::npos;
}

bool
backend_post_refusal (GstElement *self, const BackendRoute &route,
    const gemlive::SessionEnd &end, const std::function<std::string (const std::string &)> &redact)
{
  Backend backend = route.backend;
  std::string credentials = route.credentials;
  const char *nick = gemlive::backend_nick (backend);
  const char *hint = credential_hint (backend, credentials);
  auto reason = redact (end.reason);
  const char *shown_reason = reason.empty () ? "no reason given" : reason.c_str ();
  if (credentials.empty ())
    credentials = "the credentials";

  if (end.kind == gemlive::SessionEnd::Kind::HANDSHAKE_REFUSED) {
    if (end.http_status != 401 && end.http_status != 403)
      return false;
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("The %s backend refused %s: HTTP %u %s from %s. %s", nick, credentials.c_str (),
            end.http_status, shown_reason, end.host_port.c_str (), hint), (nullptr));
    return true;
  }
  if (end.kind == gemlive::SessionEnd::Kind::UNREACHABLE) {
    auto detail = redact (end.detail);
    if (!mentions (detail, "certificate"))
      return false;
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE,
        ("The TLS certificate of %s was not accepted (%s). Certificates are always verified; "
            "for a server behind a private CA set tls-ca-file to that CA's PEM file.",
            end.host_port.c_str (), detail.c_str ()), (nullptr));
    return true;
  }
  if (end.kind != gemlive::SessionEnd::Kind::CLOSED)
    return false;

  if (mentions (reason, "App Check")) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("The %s backend refused the App Check token (close %d: %s). Set a fresh "
            "app-check-token; the need-app-check-token signal asks for one before every "
            "connection.", nick, end.close_code, shown_reason), (nullptr));
    return true;
  }
  if (end.close_code == 1007 && mentions (reason, "API key")) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("Gemini Live rejected the session (close 1007: %s): the %s backend refused %s. %s",
            shown_reason, nick, credentials.c_str (), hint), (nullptr));
    return true;
  }
  if (mentions (reason, "unregistered callers") || mentions (reason, "UNAUTHENTICATED")
      || mentions (reason, "invalid authentication credentials")) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("The %s backend did not accept %s (close %d: %s). %s", nick, credentials.c_str (),
            end.close_code, shown_reason, hint), (nullptr));
    return true;
  }
  return false;
}
