/* gst-gemini-live unit tests: the connection request for the Gemini API route.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "unit_helpers.h"

#include "config.h"
#include "live/endpoint.h"

#include <glib.h>

#include <string>

namespace gemlive::unittest {

namespace {

const char *const PATH_V1BETA =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

ConnectionRequest
build_ok (const EndpointConfig &config)
{
  ConnectionRequest request;
  std::string error;
  if (!build_connection_request (config, request, error))
    g_error ("building the request failed: %s", error.c_str ());
  g_assert_cmpstr (error.c_str (), ==, "");
  return request;
}

std::string
build_error (const EndpointConfig &config)
{
  ConnectionRequest request;
  std::string error;
  if (build_connection_request (config, request, error))
    g_error ("building the request for base \"%s\" must fail", config.base_url.c_str ());
  g_assert_cmpstr (error.c_str (), !=, "");
  return error;
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

void
test_default_gemini_api_url ()
{
  EndpointConfig config;
  config.api_key = "AIzaTestKey123";
  ConnectionRequest request = build_ok (config);
  const std::string base = "wss://generativelanguage.googleapis.com";
  assert_str (request.url, base + PATH_V1BETA + "?key=AIzaTestKey123");
  assert_str (request.redacted_url, base + PATH_V1BETA + "?key=REDACTED");
  g_assert_cmpstr (request.host.c_str (), ==, "generativelanguage.googleapis.com");

  bool found = false;
  for (const auto &[name, value] : request.headers) {
    if (name == "x-goog-api-client") {
      g_assert_cmpstr (value.c_str (), ==, "gst-gemini-live/" VERSION);
      found = true;
    }
    assert_lacks (value, config.api_key);
  }
  g_assert_true (found);
}

void
test_key_escaped_and_never_in_redacted_url ()
{
  EndpointConfig config;
  config.api_key = "a+b/c=d&e f?g#h%";
  ConnectionRequest request = build_ok (config);
  assert_contains (request.url, "?key=a%2Bb%2Fc%3Dd%26e%20f%3Fg%23h%25");
  assert_lacks (request.redacted_url, "a+b");
  assert_lacks (request.redacted_url, "a%2Bb");
  assert_contains (request.redacted_url, "key=REDACTED");

  /* The escaped URL parses back to the same key. */
  GUri *uri = g_uri_parse (request.url.c_str (), G_URI_FLAGS_ENCODED_QUERY, nullptr);
  g_assert_nonnull (uri);
  GHashTable *params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE,
      nullptr);
  g_assert_cmpstr (static_cast<const char *> (g_hash_table_lookup (params, "key")), ==,
      config.api_key.c_str ());
  g_hash_table_unref (params);
  g_uri_unref (uri);
}

void
test_base_url_forms ()
{
  struct { const char *base, *url_prefix, *host; } cases[] = {
    {"wss://generativelanguage.googleapis.com/", "wss://generativelanguage.googleapis.com",
     "generativelanguage.googleapis.com"},
    {"ws://127.0.0.1:8765", "ws://127.0.0.1:8765", "127.0.0.1"},
    {"ws://127.0.0.1:8765//", "ws://127.0.0.1:8765", "127.0.0.1"},
    {"wss://proxy.example.com/gemini/", "wss://proxy.example.com/gemini", "proxy.example.com"},
    {"WSS://Example.COM:443/a/b", "wss://example.com:443/a/b", "example.com"},
    {"ws://[::1]:9000", "ws://[::1]:9000", "::1"},
  };
  for (const auto &c : cases) {
    EndpointConfig config;
    config.base_url = c.base;
    config.api_key = "k";
    ConnectionRequest request = build_ok (config);
    std::string expected = std::string (c.url_prefix) + PATH_V1BETA + "?key=k";
    if (g_ascii_strcasecmp (request.url.c_str (), expected.c_str ()) != 0)
      g_error ("base %s gave %s, expected %s", c.base, request.url.c_str (), expected.c_str ());
    if (g_ascii_strcasecmp (request.host.c_str (), c.host) != 0)
      g_error ("base %s gave host %s, expected %s", c.base, request.host.c_str (), c.host);
  }
}

void
test_api_version_in_path ()
{
  EndpointConfig config;
  config.api_key = "k";
  config.api_version = "v1alpha";
  assert_contains (build_ok (config).url,
      "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent?");
  config.api_version = "v1";
  assert_contains (build_ok (config).url, ".v1.GenerativeService.");
}

void
test_bad_input_named_without_the_key ()
{
  const std::string key = "SECRET-KEY-42";
  struct { const char *base, *version, *says; } cases[] = {
    {"https://generativelanguage.googleapis.com", "v1beta", "https://generativelanguage.googleapis.com"},
    {"generativelanguage.googleapis.com", "v1beta", "generativelanguage.googleapis.com"},
    {"wss://", "v1beta", "wss://"},
    {" ", "v1beta", "base URL"},
    {"wss://host/?key=x", "v1beta", "without query"},
    {"wss://user:pw@host", "v1beta", "user info"},
    /* A key pasted into the base URL is cut out of the error too. */
    {"wss://host/?key=SECRET-KEY-42", "v1beta", "without query"},
    {"wss://SECRET-KEY-42@host", "v1beta", "user info"},
    {"wss://host", "v1beta/../x", "v1beta/../x"},
    {"wss://host", "", "API version"},
  };
  for (const auto &c : cases) {
    EndpointConfig config;
    config.base_url = c.base;
    config.api_version = c.version;
    config.api_key = key;
    std::string error = build_error (config);
    assert_contains (error, c.says);
    assert_lacks (error, key);
  }

  EndpointConfig no_key;
  assert_contains (build_error (no_key), "API key");
}

void
test_empty_base_url_is_the_default ()
{
  EndpointConfig config;
  config.base_url = "";
  config.api_key = "k";
  assert_str (build_ok (config).url,
      std::string ("wss://generativelanguage.googleapis.com") + PATH_V1BETA + "?key=k");
}

void
test_model_resource_name ()
{
  assert_str (model_resource_name ("gemini-3.8-live"), "models/gemini-3.8-live");
  assert_str (model_resource_name ("models/gemini-3.8-live"), "models/gemini-3.8-live");
  const char *vertex = "projects/p/locations/us-central1/publishers/google/models/m";
  assert_str (model_resource_name (vertex), vertex);
  assert_str (model_resource_name ("tunedModels/x"), "tunedModels/x");
}

}  // namespace

void
register_endpoint_tests ()
{
  g_test_add_func ("/endpoint/default-gemini-api-url", test_default_gemini_api_url);
  g_test_add_func ("/endpoint/key-escaped-and-never-in-redacted-url",
      test_key_escaped_and_never_in_redacted_url);
  g_test_add_func ("/endpoint/base-url-forms", test_base_url_forms);
  g_test_add_func ("/endpoint/api-version-in-path", test_api_version_in_path);
  g_test_add_func ("/endpoint/bad-input-named-without-the-key",
      test_bad_input_named_without_the_key);
  g_test_add_func ("/endpoint/model-resource-name", test_model_resource_name);
  g_test_add_func ("/endpoint/empty-base-url-is-the-default", test_empty_base_url_is_the_default);
}

}  // namespace gemlive::unittest
