/* gst-gemini-live unit tests: the connection request and model name for every
 * backend (Gemini API key and ephemeral token, Vertex AI bearer and express,
 * Firebase AI Logic for both backends).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Expected URLs, headers and model names are those the official SDKs send, as
 * recorded in the project's shared wire reference (handshake-*.json,
 * default-urls-genai-*.txt, firebase-client-setup-*.json), with the SDK's
 * "//ws" URL-joining artefact collapsed to "/ws".
 */
#include "live/endpoint.h"

#include <glib.h>

#include <functional>
#include <vector>
#include <string>

namespace {

using gemlive::Backend;
using gemlive::ConnectionRequest;
using gemlive::EndpointConfig;
using gemlive::HeaderList;

/* Distinctive, so a leak is found wherever it lands. */
const std::string SECRET = "Zq9-SECRET-x7W";
const char *const MODEL = "gemini-2.5-flash-native-audio-preview-12-2025";
const char *const GEMINI_PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService."
                                "BidiGenerateContent";
const char *const EPHEMERAL_PATH = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService."
                                   "BidiGenerateContentConstrained";
const char *const VERTEX_PATH = "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/"
                                "BidiGenerateContent";
const char *const FIREBASE_GOOGLE_PATH = "/ws/google.firebase.vertexai.v1beta.GenerativeService/"
                                         "BidiGenerateContent";
const char *const FIREBASE_VERTEX_PATH = "/ws/google.firebase.vertexai.v1beta.LlmBidiService/"
                                         "BidiGenerateContent/locations/";

void
assert_str (const std::string &actual, const std::string &expected)
{
  g_assert_cmpstr (actual.c_str (), ==, expected.c_str ());
}

void
assert_contains (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) == std::string::npos)
    g_error ("\"%s\" does not contain \"%s\"", haystack.c_str (), needle.c_str ());
}

void
assert_lacks (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) != std::string::npos)
    g_error ("\"%s\" must not contain \"%s\"", haystack.c_str (), needle.c_str ());
}

ConnectionRequest
build_ok (const EndpointConfig &config)
{
  ConnectionRequest request;
  std::string error;
  if (!gemlive::build_connection_request (config, request, error))
    g_error ("building the %s request failed: %s", gemlive::backend_nick (config.backend),
             error.c_str ());
  return request;
}

std::string
build_error (const EndpointConfig &config)
{
  ConnectionRequest request;
  std::string error;
  if (gemlive::build_connection_request (config, request, error))
    g_error ("the %s request must be refused, got %s", gemlive::backend_nick (config.backend),
             request.redacted_url.c_str ());
  g_assert_cmpstr (error.c_str (), !=, "");
  return error;
}

/* The value of header `name` (exact spelling), or "<absent>". */
std::string
header (const HeaderList &headers, const std::string &name)
{
  std::string found = "<absent>";
  for (const auto &[n, v] : headers) {
    if (n == name) {
      if (found != "<absent>")
        g_error ("header %s appears twice", name.c_str ());
      found = v;
    }
  }
  return found;
}

/* Every header except x-goog-api-client, as "name: value" lines in order. */
std::string
route_headers (const HeaderList &headers)
{
  std::string text;
  for (const auto &[n, v] : headers)
    if (n != "x-goog-api-client")
      text += n + ": " + v + "\n";
  return text;
}

EndpointConfig
gemini_config (const std::string &key)
{
  EndpointConfig c;
  c.api_key = key;
  return c;
}

EndpointConfig
vertex_config (const std::string &token, const std::string &location = "us-central1")
{
  EndpointConfig c;
  c.backend = Backend::VERTEX_AI;
  c.project = "my-project";
  c.location = location;
  c.access_token = token;
  return c;
}

EndpointConfig
express_config (const std::string &key)
{
  EndpointConfig c;
  c.backend = Backend::VERTEX_AI;
  c.api_key = key;
  return c;
}

EndpointConfig
firebase_config (Backend backend, const std::string &key, const std::string &app_check)
{
  EndpointConfig c;
  c.backend = backend;
  c.project = "my-project";
  c.location = "europe-west4";
  c.api_key = key;
  c.app_check_token = app_check;
  return c;
}

void
test_backend_nicks_round_trip ()
{
  for (Backend b : {Backend::GEMINI_API, Backend::VERTEX_AI, Backend::FIREBASE_GOOGLE_AI,
                    Backend::FIREBASE_VERTEX_AI}) {
    Backend parsed = Backend::GEMINI_API;
    g_assert_true (gemlive::backend_from_nick (gemlive::backend_nick (b), parsed));
    g_assert_true (parsed == b);
  }
  assert_str (gemlive::backend_nick (Backend::FIREBASE_VERTEX_AI), "firebase-vertex-ai");
  Backend untouched = Backend::VERTEX_AI;
  g_assert_false (gemlive::backend_from_nick ("vertex", untouched));
  g_assert_false (gemlive::backend_from_nick ("", untouched));
  g_assert_true (untouched == Backend::VERTEX_AI);
}

void
test_gemini_api_key_default_url ()
{
  /* default-urls-genai-2.32.0.txt, "gemini-api key" */
  ConnectionRequest r = build_ok (gemini_config ("KEY"));
  assert_str (r.url,
              std::string ("wss://generativelanguage.googleapis.com") + GEMINI_PATH + "?key=KEY");
  g_assert_true (r.backend == Backend::GEMINI_API);
  assert_str (r.credentials, "the API key");
  assert_str (route_headers (r.headers), "");
}

void
test_gemini_ephemeral_token_uses_constrained_v1alpha ()
{
  /* handshake-mldev-ephemeral.json: the version is v1alpha whatever the
   * configured one is, and the token goes in access_token, '/' unescaped. */
  for (const char *version : {"v1beta", "v1alpha", "v1"}) {
    EndpointConfig c = gemini_config ("auth_tokens/abc");
    c.api_version = version;
    c.base_url = "ws://127.0.0.1:4711";
    ConnectionRequest r = build_ok (c);
    assert_str (r.url, std::string ("ws://127.0.0.1:4711") + EPHEMERAL_PATH
                           + "?access_token=auth_tokens/abc");
    assert_str (r.redacted_url,
                std::string ("ws://127.0.0.1:4711") + EPHEMERAL_PATH + "?access_token=REDACTED");
    assert_str (r.credentials, "the ephemeral token");
  }
  /* default-urls-genai-*.txt, "gemini-api ephemeral" */
  assert_str (build_ok (gemini_config ("auth_tokens/TOKEN")).url,
              std::string ("wss://generativelanguage.googleapis.com") + EPHEMERAL_PATH
                  + "?access_token=auth_tokens/TOKEN");
  g_assert_true (gemlive::is_ephemeral_token ("auth_tokens/x"));
  g_assert_false (gemlive::is_ephemeral_token ("AIzaSyauth_tokens/"));
}

void
test_gemini_ephemeral_token_in_header ()
{
  EndpointConfig c = gemini_config ("auth_tokens/" + SECRET);
  c.ephemeral_token_in_header = true;
  ConnectionRequest r = build_ok (c);
  assert_str (r.url, std::string ("wss://generativelanguage.googleapis.com") + EPHEMERAL_PATH);
  assert_str (r.redacted_url, r.url);
  assert_str (header (r.headers, "Authorization"), "Token auth_tokens/" + SECRET);
  assert_str (header (gemlive::redacted_headers (r.headers), "Authorization"), "Token REDACTED");
}

void
test_vertex_bearer_regional_and_global_hosts ()
{
  /* default-urls-genai-2.32.0.txt, "vertex project us-central1" / "global" */
  ConnectionRequest r = build_ok (vertex_config ("fake-access-token"));
  assert_str (r.url, std::string ("wss://us-central1-aiplatform.googleapis.com") + VERTEX_PATH);
  assert_str (r.redacted_url, r.url);
  assert_str (r.host, "us-central1-aiplatform.googleapis.com");
  assert_str (route_headers (r.headers), "Authorization: Bearer fake-access-token\n");
  assert_str (r.credentials, "the OAuth access token");

  ConnectionRequest global = build_ok (vertex_config ("fake-access-token", "global"));
  assert_str (global.url, std::string ("wss://aiplatform.googleapis.com") + VERTEX_PATH);
  assert_str (global.host, "aiplatform.googleapis.com");

  ConnectionRequest eu = build_ok (vertex_config ("t", "europe-west4"));
  assert_str (eu.host, "europe-west4-aiplatform.googleapis.com");

  EndpointConfig v1 = vertex_config ("t");
  v1.vertex_api_version = "v1";
  assert_contains (build_ok (v1).url, "/ws/google.cloud.aiplatform.v1.LlmBidiService/");
}

void
test_vertex_express_key_header ()
{
  /* handshake-vertex-apikey.json and default-urls "vertex express apiKey" */
  ConnectionRequest r = build_ok (express_config ("KEY"));
  assert_str (r.url, std::string ("wss://aiplatform.googleapis.com") + VERTEX_PATH);
  assert_str (route_headers (r.headers), "x-goog-api-key: KEY\n");
  assert_str (r.credentials, "the Vertex express API key");
  assert_str (header (gemlive::redacted_headers (r.headers), "x-goog-api-key"), "REDACTED");
}

void
test_firebase_google_ai_route ()
{
  EndpointConfig c = firebase_config (Backend::FIREBASE_GOOGLE_AI, "FBKEY", "APPCHECK");
  ConnectionRequest r = build_ok (c);
  assert_str (r.url, std::string ("wss://firebasevertexai.googleapis.com") + FIREBASE_GOOGLE_PATH
                         + "?key=FBKEY");
  assert_str (r.redacted_url, std::string ("wss://firebasevertexai.googleapis.com")
                                  + FIREBASE_GOOGLE_PATH + "?key=REDACTED");
  assert_str (route_headers (r.headers), "X-Firebase-AppCheck: APPCHECK\n");
  assert_contains (r.credentials, "App Check");
}

void
test_firebase_vertex_ai_route_ends_with_location ()
{
  EndpointConfig c = firebase_config (Backend::FIREBASE_VERTEX_AI, "FBKEY", "APPCHECK");
  ConnectionRequest r = build_ok (c);
  assert_str (r.url, std::string ("wss://firebasevertexai.googleapis.com") + FIREBASE_VERTEX_PATH
                         + "europe-west4?key=FBKEY");
  assert_str (r.host, "firebasevertexai.googleapis.com");

  /* global stays on the proxy host: only the path names the location. */
  c.location = "global";
  assert_str (build_ok (c).url, std::string ("wss://firebasevertexai.googleapis.com")
                                    + FIREBASE_VERTEX_PATH + "global?key=FBKEY");
}

void
test_firebase_optional_headers ()
{
  EndpointConfig c = firebase_config (Backend::FIREBASE_VERTEX_AI, "FBKEY", "APPCHECK");
  c.firebase_id_token = "IDTOKEN";
  c.firebase_app_id = "1:123:web:abc";
  c.firebase_app_version = "2.4.1";
  ConnectionRequest r = build_ok (c);
  assert_str (route_headers (r.headers), "X-Firebase-AppCheck: APPCHECK\n"
                                         "Authorization: Firebase IDTOKEN\n"
                                         "X-Firebase-AppId: 1:123:web:abc\n"
                                         "X-Firebase-AppVersion: 2.4.1\n");
  assert_contains (r.credentials, "ID token");
  HeaderList shown = gemlive::redacted_headers (r.headers);
  assert_str (header (shown, "Authorization"), "Firebase REDACTED");
  assert_str (header (shown, "X-Firebase-AppCheck"), "REDACTED");
  /* App id and version identify the app; they are not secrets. */
  assert_str (header (shown, "X-Firebase-AppId"), "1:123:web:abc");
}

void
test_base_url_override_keeps_every_route ()
{
  struct {
    EndpointConfig config;
    std::string path_and_query;
  } cases[] = {
      {gemini_config ("k"), std::string (GEMINI_PATH) + "?key=k"},
      {vertex_config ("t", "europe-west4"), VERTEX_PATH},
      {vertex_config ("t", "global"), VERTEX_PATH},
      {express_config ("k"), VERTEX_PATH},
      {firebase_config (Backend::FIREBASE_GOOGLE_AI, "k", "a"),
       std::string (FIREBASE_GOOGLE_PATH) + "?key=k"},
      {firebase_config (Backend::FIREBASE_VERTEX_AI, "k", "a"),
       std::string (FIREBASE_VERTEX_PATH) + "europe-west4?key=k"},
  };
  for (auto &c : cases) {
    c.config.base_url = "ws://127.0.0.1:39001";
    ConnectionRequest r = build_ok (c.config);
    assert_str (r.url, "ws://127.0.0.1:39001" + c.path_and_query);
    assert_str (r.host, "127.0.0.1");
    /* Empty means the backend's default, which is what default_base_url says. */
    c.config.base_url = "";
    assert_str (build_ok (c.config).url, gemlive::default_base_url (c.config) + c.path_and_query);
  }
}

void
test_model_names_per_backend ()
{
  const std::string vertex_full = std::string ("projects/my-project/locations/europe-west4/"
                                               "publishers/google/models/")
                                  + MODEL;
  struct {
    EndpointConfig config;
    std::string model, expected;
  } cases[] = {
      {gemini_config ("k"), MODEL, std::string ("models/") + MODEL},
      {gemini_config ("k"), "models/x", "models/x"},
      /* client-setup-minimal-vertex-project.json */
      {vertex_config ("t"), MODEL,
       std::string ("projects/my-project/locations/us-central1/publishers/google/models/") + MODEL},
      {vertex_config ("t", "europe-west4"), MODEL, vertex_full},
      {vertex_config ("t", "europe-west4"), std::string ("models/") + MODEL, vertex_full},
      {vertex_config ("t", "europe-west4"), std::string ("publishers/google/models/") + MODEL,
       vertex_full},
      {vertex_config ("t", "global"), "m",
       "projects/my-project/locations/global/publishers/google/models/m"},
      {vertex_config ("t"), "projects/other/locations/asia-east1/publishers/google/models/m",
       "projects/other/locations/asia-east1/publishers/google/models/m"},
      /* express mode: the key names the project */
      {express_config ("k"), "m", "publishers/google/models/m"},
      /* firebase-client-setup-googleai.json / -vertexai.json */
      {firebase_config (Backend::FIREBASE_GOOGLE_AI, "k", "a"), MODEL,
       std::string ("projects/my-project/models/") + MODEL},
      {firebase_config (Backend::FIREBASE_GOOGLE_AI, "k", "a"), "models/m",
       "projects/my-project/models/m"},
      {firebase_config (Backend::FIREBASE_GOOGLE_AI, "k", "a"), "projects/p2/models/m",
       "projects/p2/models/m"},
      {firebase_config (Backend::FIREBASE_VERTEX_AI, "k", "a"), MODEL, vertex_full},
  };
  for (const auto &c : cases) {
    std::string got = gemlive::model_resource_name (c.config, c.model);
    if (got != c.expected)
      g_error ("%s model %s gave %s, expected %s", gemlive::backend_nick (c.config.backend),
               c.model.c_str (), got.c_str (), c.expected.c_str ());
  }
  assert_str (gemlive::model_resource_name (vertex_config ("t"), ""), "");
}

/* Each misconfiguration is refused with an error naming the backend (or the
 * setting) and the property to set, and never quoting a secret. */
void
test_missing_and_bad_settings_named_without_secrets ()
{
  using Mutate = std::function<void (EndpointConfig &)>;
  struct Case {
    EndpointConfig base;
    Mutate mutate;
    std::vector<std::string> says;
  };
  const auto fb_google = firebase_config (Backend::FIREBASE_GOOGLE_AI, SECRET, SECRET);
  const auto fb_vertex = firebase_config (Backend::FIREBASE_VERTEX_AI, SECRET, SECRET);
  const Case cases[] = {
      {gemini_config (""), [] (EndpointConfig &) {}, {"gemini-api", "api-key"}},
      {gemini_config (SECRET),
       [] (EndpointConfig &c) { c.project = "p"; },
       {"project", "gemini-api", "backend property"}},
      {gemini_config (SECRET),
       [] (EndpointConfig &c) { c.app_check_token = SECRET; },
       {"app-check-token", "gemini-api"}},
      {gemini_config (SECRET),
       [] (EndpointConfig &c) { c.access_token = SECRET; },
       {"access-token", "vertex-ai"}},
      {gemini_config ("auth_tokens/" + SECRET),
       [] (EndpointConfig &c) {
         c.ephemeral_token_in_header = true;
         c.api_key += "\r\nX-Evil: 1";
       },
       {"gemini-api", "line break"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.project.clear (); },
       {"vertex-ai backend needs project (set the project property"}},
      {vertex_config (""),
       [] (EndpointConfig &) {},
       {"vertex-ai", "access-token", "GOOGLE_OAUTH_ACCESS_TOKEN", "api-key"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.api_key = SECRET; },
       {"vertex-ai", "not both"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.location = "us-central1.evil.com/x"; },
       {"vertex-ai", "location", "us-central1.evil.com/x"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.location = ""; },
       {"vertex-ai", "location"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.project = "a/b"; },
       {"vertex-ai", "project \"a/b\""}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.vertex_api_version = "v1/../x"; },
       {"vertex-ai", "API version"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.access_token += "\n"; },
       {"vertex-ai", "access-token", "line break"}},
      {vertex_config (SECRET),
       [] (EndpointConfig &c) { c.firebase_app_id = "x"; },
       {"firebase-app-id", "vertex-ai"}},
      {express_config (SECRET),
       [] (EndpointConfig &c) { c.project = "p"; },
       {"vertex-ai", "express", "project"}},
      {express_config ("auth_tokens/" + SECRET),
       [] (EndpointConfig &) {},
       {"vertex-ai", "ephemeral", "gemini-api"}},
      {fb_google,
       [] (EndpointConfig &c) { c.api_key.clear (); },
       {"firebase-google-ai", "Firebase web API key", "api-key"}},
      {fb_google,
       [] (EndpointConfig &c) { c.project.clear (); },
       {"firebase-google-ai", "project"}},
      {fb_google,
       [] (EndpointConfig &c) { c.app_check_token.clear (); },
       {"firebase-google-ai backend needs an App Check token", "app-check-token"}},
      {fb_vertex,
       [] (EndpointConfig &c) { c.app_check_token.clear (); },
       {"firebase-vertex-ai backend needs an App Check token", "app-check-token"}},
      {fb_vertex,
       [] (EndpointConfig &c) { c.location = "eu west"; },
       {"firebase-vertex-ai", "location"}},
      {fb_vertex,
       [] (EndpointConfig &c) { c.access_token = SECRET; },
       {"access-token", "firebase-vertex-ai", "vertex-ai"}},
      {fb_vertex,
       [] (EndpointConfig &c) { c.firebase_id_token = SECRET + "\r\n"; },
       {"firebase-vertex-ai", "firebase-id-token", "line break"}},
      {fb_vertex,
       [] (EndpointConfig &c) { c.app_check_token = SECRET + "\xc3\xa9"; },
       {"firebase-vertex-ai", "app-check-token", "non-ASCII"}},
      {fb_vertex,
       [] (EndpointConfig &c) { c.api_key = "auth_tokens/" + SECRET; },
       {"firebase-vertex-ai", "ephemeral"}},
      {fb_google,
       [] (EndpointConfig &c) { c.base_url = "https://firebasevertexai.googleapis.com"; },
       {"ws:// or wss://"}},
      {fb_google,
       [] (EndpointConfig &c) { c.base_url = "wss://h/?key=" + SECRET; },
       {"without query"}},
  };
  for (const auto &c : cases) {
    EndpointConfig config = c.base;
    c.mutate (config);
    std::string error = build_error (config);
    for (const auto &expected : c.says)
      assert_contains (error, expected);
    assert_lacks (error, SECRET);
  }
}

/* With the distinctive secret in every credential a backend takes, the secret
 * is on the wire (URL or headers) but nowhere in what may be logged. */
void
test_secrets_only_on_the_wire ()
{
  EndpointConfig ephemeral_header = gemini_config ("auth_tokens/" + SECRET);
  ephemeral_header.ephemeral_token_in_header = true;
  EndpointConfig fb_full = firebase_config (Backend::FIREBASE_VERTEX_AI, SECRET, SECRET + "-ac");
  fb_full.firebase_id_token = SECRET + "-id";
  const EndpointConfig configs[] = {
      gemini_config (SECRET),
      gemini_config ("auth_tokens/" + SECRET),
      ephemeral_header,
      vertex_config (SECRET),
      express_config (SECRET),
      firebase_config (Backend::FIREBASE_GOOGLE_AI, SECRET, SECRET + "-ac"),
      fb_full,
  };
  for (const auto &config : configs) {
    ConnectionRequest r = build_ok (config);
    std::string wire = r.url;
    std::string logged = r.redacted_url + r.host + r.credentials;
    for (const auto &[name, value] : r.headers)
      wire += name + ": " + value + "\n";
    for (const auto &[name, value] : gemlive::redacted_headers (r.headers))
      logged += name + ": " + value + "\n";
    assert_contains (wire, SECRET);
    assert_lacks (logged, SECRET);
    assert_contains (logged, "REDACTED");
  }
}

void
test_secret_header_names ()
{
  for (const char *name :
       {"Authorization", "authorization", "X-Goog-Api-Key", "x-goog-api-key", "X-Firebase-AppCheck",
        "x-firebase-appcheck", "Proxy-Authorization", "Cookie"})
    g_assert_true (gemlive::is_secret_header (name));
  for (const char *name :
       {"x-goog-api-client", "X-Firebase-AppId", "X-Firebase-AppVersion", "Host", ""})
    g_assert_false (gemlive::is_secret_header (name));
  /* A value without a scheme word is redacted whole. */
  HeaderList shown = gemlive::redacted_headers ({{"Authorization", SECRET}});
  assert_str (shown[0].second, "REDACTED");
}

} // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/backends/nicks-round-trip", test_backend_nicks_round_trip);
  g_test_add_func ("/backends/gemini-api/key-default-url", test_gemini_api_key_default_url);
  g_test_add_func ("/backends/gemini-api/ephemeral-token-uses-constrained-v1alpha",
                   test_gemini_ephemeral_token_uses_constrained_v1alpha);
  g_test_add_func ("/backends/gemini-api/ephemeral-token-in-header",
                   test_gemini_ephemeral_token_in_header);
  g_test_add_func ("/backends/vertex-ai/bearer-regional-and-global-hosts",
                   test_vertex_bearer_regional_and_global_hosts);
  g_test_add_func ("/backends/vertex-ai/express-key-header", test_vertex_express_key_header);
  g_test_add_func ("/backends/firebase-google-ai/route", test_firebase_google_ai_route);
  g_test_add_func ("/backends/firebase-vertex-ai/route-ends-with-location",
                   test_firebase_vertex_ai_route_ends_with_location);
  g_test_add_func ("/backends/firebase/optional-headers", test_firebase_optional_headers);
  g_test_add_func ("/backends/base-url-override-keeps-every-route",
                   test_base_url_override_keeps_every_route);
  g_test_add_func ("/backends/model-names-per-backend", test_model_names_per_backend);
  g_test_add_func ("/backends/missing-and-bad-settings-named-without-secrets",
                   test_missing_and_bad_settings_named_without_secrets);
  g_test_add_func ("/backends/secrets-only-on-the-wire", test_secrets_only_on_the_wire);
  g_test_add_func ("/backends/secret-header-names", test_secret_header_names);
  return g_test_run ();
}
