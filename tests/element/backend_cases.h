/* gst-gemini-live element tests: every backend and its credentials
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The backends and credentials the tests use, and a helper that runs one
 * spoken turn through geminilive with a given set of properties. Shared by
 * test_backends.cpp, test_backend_secrecy.cpp and test_tls.cpp.
 */
#pragma once

#include "element_test_util.h"

#include "local_server.h"

#include <string>
#include <vector>

namespace gemlive::test {

/* Distinctive values, so a leak is found by a plain search. */
constexpr const char *API_KEY = "AIzaBackendKEY-9d2f-never-logged";
constexpr const char *ACCESS_TOKEN = "ya29.OAUTH-token-5c1e-never-logged";
constexpr const char *APP_CHECK_TOKEN = "eyAppCheck.TOKEN-77aa-never-logged";
constexpr const char *ID_TOKEN = "eyFirebaseID.TOKEN-31bd-never-logged";
constexpr const char *EPHEMERAL_TOKEN = "auth_tokens/EPHEMERAL-0e4b-never-logged";
/* The default model (no test sets `model`): the same on every backend. */
constexpr const char *MODEL = "gemini-3.8-live";

/* Server arguments that make exactly the values above valid. */
inline std::vector<std::string>
strict_server_args (std::vector<std::string> extra = {})
{
  std::vector<std::string> args = {"--fast", "--api-key", API_KEY, "--access-token",
      ACCESS_TOKEN, "--app-check-token", APP_CHECK_TOKEN};
  args.insert (args.end (), extra.begin (), extra.end ());
  return args;
}

struct BackendCase {
  const char *name;        /* for failure messages */
  const char *backend;     /* the backend property's nick */
  std::string properties;  /* geminilive properties, launch syntax */
  std::string model;       /* the setup.model the server must receive */
};

/* One working configuration per backend and credential form. */
inline std::vector<BackendCase>
every_backend ()
{
  const std::string key = std::string ("api-key=") + API_KEY;
  const std::string app_check = std::string (" app-check-token=") + APP_CHECK_TOKEN;
  return {
    {"gemini-api key", "gemini-api", key, std::string ("models/") + MODEL},
    {"gemini-api ephemeral token", "gemini-api",
        std::string ("api-key=") + EPHEMERAL_TOKEN, std::string ("models/") + MODEL},
    {"vertex-ai bearer", "vertex-ai",
        std::string ("project=my-project location=europe-west4 access-token=") + ACCESS_TOKEN,
        std::string ("projects/my-project/locations/europe-west4/publishers/google/models/")
            + MODEL},
    {"vertex-ai express", "vertex-ai", key,
        std::string ("publishers/google/models/") + MODEL},
    {"firebase-google-ai", "firebase-google-ai", key + " project=my-fb-project" + app_check,
        std::string ("projects/my-fb-project/models/") + MODEL},
    {"firebase-vertex-ai", "firebase-vertex-ai",
        key + " project=my-fb-project location=us-central1" + app_check
            + " firebase-id-token=" + ID_TOKEN
            + " firebase-app-id=1:1234567890:web:abcdef firebase-app-version=2.1.0",
        std::string ("projects/my-fb-project/locations/us-central1/publishers/google/models/")
            + MODEL},
  };
}

struct TurnResult {
  bool eos = false;
  gsize audio_bytes = 0;
  std::string error;  /* first error, "" when none */
  GQuark error_domain = 0;
  gint error_code = 0;
  std::string bus;    /* every bus message, serialised */
};

/* Plays question-16k.wav into geminilive (endpoint + properties) until EOS or
 * an error. `setup` may connect signals before the pipeline starts. */
/* Sets "name=value name=value …" on element. Strings go through
 * g_object_set, not the launch parser: GStreamer's parser logs its input
 * (GST_PIPELINE at INFO), so a secret in a launch line reaches GST_DEBUG
 * logs before the element ever sees it. */
inline void
set_properties (GstElement *element, const std::string &properties)
{
  gchar **assignments = g_strsplit (properties.c_str (), " ", -1);
  for (gchar **a = assignments; *a; a++) {
    gchar *eq = strchr (*a, '=');
    if (!eq)
      continue;
    *eq = '\0';
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), *a);
    if (!pspec)  /* g_error: also used in child processes, outside check's runner */
      g_error ("geminilive has no property %s", *a);
    if (pspec->value_type == G_TYPE_STRING)
      g_object_set (element, *a, eq + 1, nullptr);
    else
      gst_util_set_object_arg (G_OBJECT (element), *a, eq + 1);
  }
  g_strfreev (assignments);
}

template <typename Setup>
TurnResult
run_turn (const std::string &endpoint, const std::string &properties, Setup setup,
    GstClockTime timeout = 60 * GST_SECOND)
{
  GstElement *pipeline = launch ("filesrc location=" + test_data_path ("question-16k.wav")
      + " ! wavparse ! geminilive name=live endpoint=" + endpoint + " ! fakesink sync=false");
  GstElement *live = by_name (pipeline, "live");
  set_properties (live, properties);
  SrcRecord record;
  record.attach (live);
  setup (live);
  BusLog log;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  TurnResult result;
  result.eos = log.wait (pipeline, is_eos, timeout);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  result.audio_bytes = record.audio_bytes ();
  result.error = log.first_error (&result.error_domain, &result.error_code);
  result.bus = log.dump ();
  gst_object_unref (live);
  gst_object_unref (pipeline);
  return result;
}

inline TurnResult
run_turn (const std::string &endpoint, const std::string &properties)
{
  return run_turn (endpoint, properties, [] (GstElement *) {});
}

/* setup.model of the first setup frame the server recorded ("" if none). */
inline std::string
recorded_setup_model (const LocalServer &server)
{
  for (const auto &frame : server.recorded_frames ()) {
    JsonParser *parser = json_parser_new ();
    std::string model;
    if (json_parser_load_from_data (parser, frame.c_str (), -1, nullptr)) {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      if (root && json_object_has_member (root, "setup")) {
        JsonObject *setup = json_object_get_object_member (root, "setup");
        if (json_object_has_member (setup, "model"))
          model = json_object_get_string_member (setup, "model");
      }
    }
    g_object_unref (parser);
    if (!model.empty ())
      return model;
  }
  return "";
}

}  // namespace gemlive::test
