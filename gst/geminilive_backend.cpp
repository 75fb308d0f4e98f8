/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Backends and credentials: every way to reach the Live API, from the
 * element's side.
 *
 * The properties that pick a backend and carry its credentials (backend,
 * project, location, access-token, app-check-token, firebase-*, tls-ca-file),
 * the need-app-check-token signal, the one function that turns the settings
 * into a ConnectionRequest (gst/live/endpoint.h does the pure part), and the
 * mapping of a refused credential to an error that names the backend and the
 * credential. docs/backends.md describes each backend.
 *
 * Secrets (api-key, access-token, app-check-token, firebase-id-token) are
 * write-only properties: GObject cannot read them back, gst-launch -v cannot
 * print them, and every one in use is registered for redaction of logs and
 * error texts.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "geminilive_backend.h"

#include "live/tls_trust.h"

#include <algorithm>

using gemlive::Backend;

#define DEFAULT_BACKEND Backend::GEMINI_API
#define DEFAULT_LOCATION "us-central1"
/* Secrets remembered for redaction: the current ones and a few refreshed
 * App Check tokens before them (a late log line may still carry one). */
#define MAX_REMEMBERED_SECRETS 16

enum {
  PROP_BACKEND = GEMINI_LIVE_PROP_BASE_BACKEND + 1,
  PROP_PROJECT,
  PROP_LOCATION,
  PROP_ACCESS_TOKEN,
  PROP_APP_CHECK_TOKEN,
  PROP_FIREBASE_ID_TOKEN,
  PROP_FIREBASE_APP_ID,
  PROP_FIREBASE_APP_VERSION,
  PROP_TLS_CA_FILE,
  PROP_BACKEND_END,
};

enum {
  SIGNAL_NEED_APP_CHECK_TOKEN,
  N_SIGNALS,
};

static guint backend_signals[N_SIGNALS];

#define GST_TYPE_GEMINI_LIVE_BACKEND (gst_gemini_live_backend_get_type ())

static GType
gst_gemini_live_backend_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {(gint) Backend::GEMINI_API, "Gemini Developer API (API key or ephemeral token)",
        "gemini-api"},
    {(gint) Backend::VERTEX_AI, "Vertex AI (OAuth access token or express API key)",
        "vertex-ai"},
    {(gint) Backend::FIREBASE_GOOGLE_AI,
        "Firebase AI Logic, Gemini Developer API backend (API key + App Check)",
        "firebase-google-ai"},
    {(gint) Backend::FIREBASE_VERTEX_AI,
        "Firebase AI Logic, Vertex AI backend (API key + App Check)", "firebase-vertex-ai"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType registered = g_enum_register_static ("GstGeminiLiveBackend", values);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

static bool
is_firebase (Backend backend)
{
  return backend == Backend::FIREBASE_GOOGLE_AI || backend == Backend::FIREBASE_VERTEX_AI;
}

/* --- properties --- */

static void
backend_install (GObjectClass *klass)
{
  auto ready_flags = (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY);
  auto secret_flags = (GParamFlags) (G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY);
  /* Tokens that expire: the application refreshes them while PLAYING and the
   * next connection (a resume) uses the new value. */
  auto refreshable_secret_flags = (GParamFlags) (G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_PLAYING);

  g_object_class_install_property (klass, PROP_BACKEND,
      g_param_spec_enum ("backend", "Backend",
          "Which service the session goes through; each has its own credentials "
          "(docs/backends.md)", GST_TYPE_GEMINI_LIVE_BACKEND, (gint) DEFAULT_BACKEND,
          ready_flags));
  g_object_class_install_property (klass, PROP_PROJECT,
      g_param_spec_string ("project", "Project",
          "Google Cloud project ID (vertex-ai) or Firebase project ID (firebase-*)", nullptr,
          ready_flags));
  g_object_class_install_property (klass, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Vertex AI location (vertex-ai, firebase-vertex-ai), e.g. us-central1, europe-west4 "
          "or global", DEFAULT_LOCATION, ready_flags));
  g_object_class_install_property (klass, PROP_ACCESS_TOKEN,
      g_param_spec_string ("access-token", "Access token",
          "vertex-ai: OAuth 2 access token (write-only, never logged). When unset (and no "
          "api-key is set) GOOGLE_OAUTH_ACCESS_TOKEN is used", nullptr, secret_flags));
  g_object_class_install_property (klass, PROP_APP_CHECK_TOKEN,
      g_param_spec_string ("app-check-token", "App Check token",
          "firebase-*: Firebase App Check token, required (write-only, never logged). May be "
          "set while PLAYING (e.g. from need-app-check-token); the next connection uses it",
          nullptr, refreshable_secret_flags));
  g_object_class_install_property (klass, PROP_FIREBASE_ID_TOKEN,
      g_param_spec_string ("firebase-id-token", "Firebase ID token",
          "firebase-*: ID token of the signed-in user, optional (write-only, never logged); "
          "may be refreshed while PLAYING", nullptr, refreshable_secret_flags));
  g_object_class_install_property (klass, PROP_FIREBASE_APP_ID,
      g_param_spec_string ("firebase-app-id", "Firebase app ID",
          "firebase-*: the Firebase app ID (X-Firebase-AppId), optional", nullptr,
          ready_flags));
  g_object_class_install_property (klass, PROP_FIREBASE_APP_VERSION,
      g_param_spec_string ("firebase-app-version", "Firebase app version",
          "firebase-*: the app's version (X-Firebase-AppVersion), optional", nullptr,
          ready_flags));
  g_object_class_install_property (klass, PROP_TLS_CA_FILE,
      g_param_spec_string ("tls-ca-file", "TLS CA file",
          "PEM file of CA certificates trusted besides the system's, for a wss:// endpoint "
          "behind a private CA. Certificates are always verified", nullptr, ready_flags));

  /**
   * GstGeminiLive::need-app-check-token:
   * @element: the geminilive element
   *
   * Emitted on Firebase backends before every connection (the first one and
   * each resume), from the thread that opens it, so the application can set
   * a fresh app-check-token (App Check tokens expire). Set the property from
   * the handler; do not block in it.
   */
  backend_signals[SIGNAL_NEED_APP_CHECK_TOKEN] = g_signal_new ("need-app-check-token",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr, nullptr, G_TYPE_NONE,
      0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_BACKEND, (GstPluginAPIFlags) 0);
}

static void
assign_string (std::string &target, const GValue *value, const char *fallback = "")
{
  const gchar *s = g_value_get_string (value);
  target = (s && *s) ? s : fallback;
}

static bool
backend_set (GstGeminiLive *self, guint prop_id, const GValue *value)
{
  if (prop_id < PROP_BACKEND || prop_id >= PROP_BACKEND_END)
    return false;
  std::lock_guard<std::mutex> guard (self->priv->settings_lock);
  auto &s = self->priv->settings;
  switch (prop_id) {
    case PROP_BACKEND: s.backend = (Backend) g_value_get_enum (value); break;
    case PROP_PROJECT: assign_string (s.project, value); break;
    case PROP_LOCATION: assign_string (s.location, value, DEFAULT_LOCATION); break;
    case PROP_ACCESS_TOKEN: assign_string (s.access_token, value); break;
    case PROP_APP_CHECK_TOKEN: assign_string (s.app_check_token, value); break;
    case PROP_FIREBASE_ID_TOKEN: assign_string (s.firebase_id_token, value); break;
    case PROP_FIREBASE_APP_ID: assign_string (s.firebase_app_id, value); break;
    case PROP_FIREBASE_APP_VERSION: assign_string (s.firebase_app_version, value); break;
    case PROP_TLS_CA_FILE: assign_string (s.tls_ca_file, value); break;
    default: break;
  }
  return true;
}

static void
set_or_null (GValue *value, const std::string &text)
{
  g_value_set_string (value, text.empty () ? nullptr : text.c_str ());
}

static bool
backend_get (GstGeminiLive *self, guint prop_id, GValue *value)
{
  std::lock_guard<std::mutex> guard (self->priv->settings_lock);
  auto &s = self->priv->settings;
  switch (prop_id) {
    case PROP_BACKEND: g_value_set_enum (value, (gint) s.backend); return true;
    case PROP_PROJECT: set_or_null (value, s.project); return true;
    case PROP_LOCATION: g_value_set_string (value, s.location.c_str ()); return true;
    case PROP_FIREBASE_APP_ID: set_or_null (value, s.firebase_app_id); return true;
    case PROP_FIREBASE_APP_VERSION: set_or_null (value, s.firebase_app_version); return true;
    case PROP_TLS_CA_FILE: set_or_null (value, s.tls_ca_file); return true;
    default:
      /* The tokens are write-only: GObject never asks for them. */
      return false;
  }
}

const GeminiLivePropertyGroup gst_gemini_live_backend_properties = {
  backend_install,
  backend_set,
  backend_get,
};

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
endpoint_config_from (const GeminiLiveSettings &s)
{
  gemlive::EndpointConfig c;
  c.backend = s.backend;
  c.base_url = s.endpoint;
  if (!s.api_version.empty ())
    c.api_version = s.api_version;
  c.api_key = s.api_key;
  if (c.api_key.empty () && s.backend == Backend::GEMINI_API)
    c.api_key = first_env ({"GEMINI_API_KEY", "GOOGLE_API_KEY"});
  c.project = s.project;
  c.location = s.location.empty () ? DEFAULT_LOCATION : s.location;
  c.access_token = s.access_token;
  /* Only when nothing else authenticates: an express-mode api-key must not
   * clash with a token that happens to be in the environment. */
  if (c.access_token.empty () && c.api_key.empty () && s.backend == Backend::VERTEX_AI)
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

/* Registers the secrets of this request for gst_gemini_live_redact (), next
 * to the recent ones, and the route for refusal errors. */
static void
remember_route (GstGeminiLive *self, const gemlive::EndpointConfig &c,
    const gemlive::ConnectionRequest &request)
{
  auto priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->session_lock);
  auto &secrets = priv->secrets_in_use;
  for (const std::string *secret : {&c.api_key, &c.access_token, &c.app_check_token,
           &c.firebase_id_token}) {
    if (secret->empty ())
      continue;
    secrets.erase (std::remove (secrets.begin (), secrets.end (), *secret), secrets.end ());
    secrets.push_back (*secret);
  }
  if (secrets.size () > MAX_REMEMBERED_SECRETS)
    secrets.erase (secrets.begin (), secrets.end () - MAX_REMEMBERED_SECRETS);
  priv->key_in_use = c.api_key;
  priv->backend_in_use = c.backend;
  priv->credentials_in_use = request.credentials;
}

bool
gst_gemini_live_backend_request (GstGeminiLive *self, gemlive::ConnectionRequest &request,
    std::string &model_resource, GeminiLiveRequestError &kind, std::string &error)
{
  auto priv = self->priv;
  Backend backend;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    backend = priv->settings.backend;
  }
  /* No lock held: the handler sets app-check-token, which takes settings_lock. */
  if (is_firebase (backend))
    g_signal_emit (self, backend_signals[SIGNAL_NEED_APP_CHECK_TOKEN], 0);

  GeminiLiveSettings s;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    s = priv->settings;
  }
  gemlive::EndpointConfig config = endpoint_config_from (s);
  kind = GeminiLiveRequestError::NONE;
  if (!gemlive::build_connection_request (config, request, error)) {
    kind = credential_missing (config) ? GeminiLiveRequestError::MISSING_CREDENTIAL
                                       : GeminiLiveRequestError::BAD_SETTING;
    return false;
  }
  if (!config.tls_ca_file.empty ()) {
    /* Loaded here too so a bad file fails the state change with its own
     * error, not a later handshake with a certificate error. */
    GTlsDatabase *database = gemlive::load_private_ca (config.tls_ca_file, error);
    if (!database) {
      kind = GeminiLiveRequestError::BAD_SETTING;
      return false;
    }
    g_object_unref (database);
  }
  model_resource = gemlive::model_resource_name (config, s.model);
  remember_route (self, config, request);
  GST_DEBUG_OBJECT (self, "%s backend: %s", gemlive::backend_nick (backend),
      request.redacted_url.c_str ());
  return true;
}

bool
gst_gemini_live_backend_prepare (GstGeminiLive *self, gemlive::ConnectionRequest &request,
    std::string &model_resource)
{
  GeminiLiveRequestError kind;
  std::string error;
  if (gst_gemini_live_backend_request (self, request, model_resource, kind, error))
    return true;
  /* The endpoint builder never puts a secret in its errors; redact anyway in
   * case a value was pasted into the wrong property. */
  auto text = gst_gemini_live_redact (self, error);
  Backend backend;
  {
    std::lock_guard<std::mutex> guard (self->priv->settings_lock);
    backend = self->priv->settings.backend;
  }
  if (kind == GeminiLiveRequestError::MISSING_CREDENTIAL && backend == Backend::GEMINI_API)
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED, ("No Gemini API key."),
        ("Set the api-key property or the GEMINI_API_KEY (or GOOGLE_API_KEY) environment "
         "variable."));
  else if (kind == GeminiLiveRequestError::MISSING_CREDENTIAL)
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
        ("Missing credentials for the %s backend: %s.", gemlive::backend_nick (backend),
            text.c_str ()), (nullptr));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid settings for the %s backend: %s.", gemlive::backend_nick (backend),
            text.c_str ()), (nullptr));
  return false;
}

gemlive::RequestProvider
gst_gemini_live_backend_provider (GstGeminiLive *self, gemlive::ConnectionRequest first)
{
  /* The first connection uses the request prepare () already built (and
   * already asked need-app-check-token for); every later one (a resume or a
   * retry) asks again and rebuilds from the settings of that moment. */
  auto pending = std::make_shared<gemlive::ConnectionRequest> (std::move (first));
  auto used = std::make_shared<bool> (false);
  return [self, pending, used] (gemlive::RequestReady ready) {
    if (!*used) {
      *used = true;
      ready (true, *pending, "");
      return;
    }
    gemlive::ConnectionRequest request;
    std::string model_resource, error;
    GeminiLiveRequestError kind;
    if (gst_gemini_live_backend_request (self, request, model_resource, kind, error))
      ready (true, std::move (request), "");
    else
      ready (false, gemlive::ConnectionRequest (), gst_gemini_live_redact (self, error));
  };
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
gst_gemini_live_backend_post_refusal (GstGeminiLive *self, const gemlive::SessionEnd &end)
{
  Backend backend;
  std::string credentials;
  {
    std::lock_guard<std::mutex> guard (self->priv->session_lock);
    backend = self->priv->backend_in_use;
    credentials = self->priv->credentials_in_use;
  }
  const char *nick = gemlive::backend_nick (backend);
  const char *hint = credential_hint (backend, credentials);
  auto reason = gst_gemini_live_redact (self, end.reason);
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
    auto detail = gst_gemini_live_redact (self, end.detail);
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
