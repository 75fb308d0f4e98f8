/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gemini-live-server: a local stand-in for the Gemini Live service, for
 * offline development, tests and demos. See docs/local-server.md.
 *
 * stdout carries exactly one line, "listening on ws://HOST:PORT", so that a
 * parent process can read it and never has to drain the pipe; all logging
 * goes to stderr, and so do the ready-to-paste pipelines printed at start.
 */
#include "live_server.h"
#include "speech_recognizer.h"

#include <glib-unix.h>

#include <cstdlib>
#include <string>

using gemlive::server::LiveServer;
using gemlive::server::ServerConfig;

namespace {

gboolean
quit_on_signal (gpointer loop)
{
  g_main_loop_quit (static_cast<GMainLoop *> (loop));
  return G_SOURCE_CONTINUE;
}

bool
parse_args (int argc, char **argv, ServerConfig &config)
{
  gchar *host = nullptr, *tls_cert = nullptr, *tls_key = nullptr, *scenario = nullptr;
  gchar *record = nullptr, *record_times = nullptr, *reject_key = nullptr, *known_models = nullptr;
  gchar *api_key = nullptr, *access_token = nullptr, *app_check_token = nullptr;
  gint port = 0, pong_delay_ms = 0;
  gboolean fast = FALSE, realtime = FALSE, strict_tool_audio = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
    {"host", 0, 0, G_OPTION_ARG_STRING, &host, "Address to listen on (default 127.0.0.1)", "ADDR"},
    {"port", 0, 0, G_OPTION_ARG_INT, &port, "Port to listen on (0 picks a free one; default 0)",
        "N"},
    {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "PEM certificate: serve wss://", "FILE"},
    {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "PEM private key for --tls-cert", "FILE"},
    {"scenario", 0, 0, G_OPTION_ARG_FILENAME, &scenario,
        "JSON scenario: replies, tool calls, faults (docs/local-server.md)", "FILE"},
    {"record", 0, 0, G_OPTION_ARG_FILENAME, &record,
        "Append every received client frame to FILE, one per line", "FILE"},
    {"record-times", 0, 0, G_OPTION_ARG_FILENAME, &record_times,
        "With --record: append each recorded frame's arrival time to FILE (monotonic "
        "microseconds, one line per frame of the record)", "FILE"},
    {"fast", 0, 0, G_OPTION_ARG_NONE, &fast, "Send reply audio as fast as possible", nullptr},
    {"realtime", 0, 0, G_OPTION_ARG_NONE, &realtime, "Pace reply audio at real time (default)",
        nullptr},
    {"reject-key", 0, 0, G_OPTION_ARG_STRING, &reject_key,
        "API key refused as invalid (default \"invalid\")", "KEY"},
    {"api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
        "The only valid API key (Gemini API, Vertex express, Firebase); default: any", "KEY"},
    {"access-token", 0, 0, G_OPTION_ARG_STRING, &access_token,
        "The only valid Vertex AI bearer token; default: any", "TOKEN"},
    {"app-check-token", 0, 0, G_OPTION_ARG_STRING, &app_check_token,
        "The only valid Firebase App Check token; default: any (but one is required)", "TOKEN"},
    {"known-models", 0, 0, G_OPTION_ARG_STRING, &known_models,
        "Comma-separated model IDs to accept (\"*\" = any; default: the documented Live models)",
        "LIST"},
    {"strict-tool-audio", 0, 0, G_OPTION_ARG_NONE, &strict_tool_audio,
        "Close with 1008 when audio streams during an unanswered blocking tool call (after a 1 s grace for audio in flight)", nullptr},
    {"pong-delay-ms", 0, 0, G_OPTION_ARG_INT, &pong_delay_ms,
        "Answer WebSocket pings this late, as the service does (8000-30000 seen; default 0)", "N"},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log session events to stderr", nullptr},
    {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
  };
  GOptionContext *context = g_option_context_new ("- local Gemini Live API server");
  g_option_context_add_main_entries (context, entries, nullptr);
  GError *error = nullptr;
  bool ok = g_option_context_parse (context, &argc, &argv, &error);
  if (!ok) {
    g_printerr ("gemini-live-server: %s\n", error->message);
    g_clear_error (&error);
  } else if (argc > 1) {
    g_printerr ("gemini-live-server: unexpected argument '%s' (see --help)\n", argv[1]);
    ok = false;
  } else if (fast && realtime) {
    g_printerr ("gemini-live-server: --fast and --realtime exclude each other\n");
    ok = false;
  } else if (port < 0 || port > 65535) {
    g_printerr ("gemini-live-server: --port must be 0-65535\n");
    ok = false;
  } else if (pong_delay_ms < 0) {
    g_printerr ("gemini-live-server: --pong-delay-ms must not be negative\n");
    ok = false;
  }
  g_option_context_free (context);

  if (ok) {
    if (host != nullptr)
      config.host = host;
    config.port = port;
    config.tls_cert = tls_cert != nullptr ? tls_cert : "";
    config.tls_key = tls_key != nullptr ? tls_key : "";
    config.record_path = record != nullptr ? record : "";
    config.record_times_path = record_times != nullptr ? record_times : "";
    config.realtime = !fast;
    if (reject_key != nullptr)
      config.reject_key = reject_key;
    config.valid_api_key = api_key != nullptr ? api_key : "";
    config.valid_access_token = access_token != nullptr ? access_token : "";
    config.valid_app_check_token = app_check_token != nullptr ? app_check_token : "";
    if (known_models != nullptr) {
      gchar **names = g_strsplit (known_models, ",", -1);
      for (gchar **n = names; *n != nullptr; n++) {
        g_strstrip (*n);
        if (**n != '\0')
          config.known_models.emplace_back (*n);
      }
      g_strfreev (names);
      if (config.known_models.empty ()) {
        g_printerr ("gemini-live-server: --known-models is empty\n");
        ok = false;
      }
    }
    config.strict_tool_audio = strict_tool_audio;
    config.pong_delay_ms = pong_delay_ms;
    config.verbose = verbose;
    if (ok && scenario != nullptr) {
      std::string why;
      if (!gemlive::server::load_scenario (scenario, config.scenario, why)) {
        g_printerr ("gemini-live-server: bad scenario: %s\n", why.c_str ());
        ok = false;
      }
    }
  }
  for (gchar *s : {host, tls_cert, tls_key, scenario, record, record_times, reject_key, known_models, api_key,
           access_token, app_check_token})
    g_free (s);
  return ok;
}

/* "GST_PLUGIN_PATH=DIR " when this binary runs from a build tree whose gst/
 * holds the plugin (build/tools/gemini-live-server), else "" (installed). */
std::string
plugin_path_prefix ()
{
  gchar *exe = g_file_read_link ("/proc/self/exe", nullptr);
  if (exe == nullptr)
    return "";
  gchar *tools_dir = g_path_get_dirname (exe);
  gchar *build_dir = g_path_get_dirname (tools_dir);
  gchar *gst_dir = g_build_filename (build_dir, "gst", nullptr);
  gchar *plugin = g_build_filename (gst_dir, "libgstgeminilive.so", nullptr);
  std::string prefix;
  if (g_file_test (plugin, G_FILE_TEST_EXISTS)) {
    gchar *quoted = g_shell_quote (gst_dir);
    prefix = std::string ("GST_PLUGIN_PATH=") + quoted + " ";
    g_free (quoted);
  }
  for (gchar *s : {exe, tools_dir, build_dir, gst_dir, plugin})
    g_free (s);
  return prefix;
}

/* Pipelines a newcomer can paste to talk to this server at once. */
void
print_try_it (const std::string &url, const std::string &tls_cert, bool key_required)
{
  std::string element = "geminilive endpoint=" + url;
  if (!tls_cert.empty ()) {
    gchar *ca = g_shell_quote (tls_cert.c_str ());
    element += std::string (" tls-ca-file=") + ca;
    g_free (ca);
  }
  /* Any key is accepted unless --api-key named one; the element wants one
   * all the same, and that one stays out of the terminal. */
  const char *key_note = "";
  if (!key_required)
    element += " api-key=local";
  else
    key_note = " (set GEMINI_API_KEY to the --api-key value first)";
  const std::string launch = plugin_path_prefix () + "gst-launch-1.0 ";
  g_printerr ("gemini-live-server: ready%s. Talk to it through headphones:\n"
              "  %sautoaudiosrc ! audioconvert ! audioresample ! %s ! audioconvert "
              "! audioresample ! autoaudiosink\n"
              "or ask the question in question.wav and save the spoken answer:\n"
              "  %sfilesrc location=question.wav ! wavparse ! audioconvert ! audioresample ! %s "
              "! audioconvert ! wavenc ! filesink location=reply.wav\n",
      key_note, launch.c_str (), element.c_str (), launch.c_str (), element.c_str ());
}

}  // namespace

int
main (int argc, char **argv)
{
  ServerConfig config;
  if (!parse_args (argc, argv, config))
    return EXIT_FAILURE;
  const std::string tls_cert = config.tls_cert;
  const bool key_required = !config.valid_api_key.empty ();

  GMainLoop *loop = g_main_loop_new (nullptr, FALSE);
  int status = EXIT_SUCCESS;
  {
    LiveServer server (std::move (config));
    std::string url, error;
    if (!server.start (url, error)) {
      g_printerr ("gemini-live-server: %s\n", error.c_str ());
      status = EXIT_FAILURE;
    } else {
      /* With pocketsphinx, load its model before clients come (about a second). */
      if (gemlive::server::SpeechRecognizer::built ())
        gemlive::server::SpeechRecognizer::shared ().wait_until_ready ();
      g_print ("listening on %s\n", url.c_str ());
      fflush (stdout);
      print_try_it (url, tls_cert, key_required);
      g_unix_signal_add (SIGINT, quit_on_signal, loop);
      g_unix_signal_add (SIGTERM, quit_on_signal, loop);
      g_main_loop_run (loop);
    }
  }
  g_main_loop_unref (loop);
  return status;
}
