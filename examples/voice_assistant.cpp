/* gst-gemini-live example: a voice assistant that can act (function calling).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Declares two functions to the model and answers its calls:
 * - get_local_time: the real local time of this machine;
 * - get_weather: a STUB. It returns made-up weather and says so in its
 *   answer ("stub": true); wire a real weather service in before relying on it.
 *
 *   voice-assistant [--input question.wav [--output reply.wav]] [--endpoint URL]
 *                   [--api-key KEY]
 *
 * Without --input it listens on the default microphone and speaks through the
 * default output until Ctrl-C (use headphones, or see docs/microphone.md).
 * With --input it answers one recorded question, plays the answer (or writes
 * it to --output) and exits. The model's words print as a line per turn. Any
 * error is printed and exits non-zero. tool-call is emitted on the element's
 * own dispatch thread, so the handler may take its time; it answers with the
 * send-tool-response action signal, which any thread may call.
 */
#include "example_util.h"

#include <glib-unix.h>
#include <gst/gst.h>

#include <cstdio>
#include <string>

namespace {

const char *const TOOLS = R"json([{"functionDeclarations": [
  {"name": "get_local_time", "description": "The current local date and time of the user"},
  {"name": "get_weather", "description": "Current weather in a city (demo stub)",
   "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}},
                  "required": ["city"]}}]}])json";

/* get_local_time: {"time": "2026-05-01T12:00:00+02:00", "timezone": "CEST"} */
std::string
local_time_json ()
{
  GDateTime *now = g_date_time_new_now_local ();
  gchar *iso = g_date_time_format_iso8601 (now);
  std::string json = std::string ("{\"time\": \"") + iso + "\", \"timezone\": \""
      + g_date_time_get_timezone_abbreviation (now) + "\"}";
  g_free (iso);
  g_date_time_unref (now);
  return json;
}

/* get_weather: a STUB, clearly labelled in its answer. */
std::string
weather_stub_json (const gchar *args_json)
{
  (void) args_json;
  return R"({"stub": true, "note": "STUB: not real weather data", "sky": "sunny", )"
         R"("celsius": 21})";
}

void
on_tool_call (GstElement *live, const gchar *id, const gchar *name, const gchar *args,
    gpointer)
{
  std::string answer;
  if (g_strcmp0 (name, "get_local_time") == 0)
    answer = local_time_json ();
  else if (g_strcmp0 (name, "get_weather") == 0)
    answer = weather_stub_json (args);
  else
    answer = std::string ("{\"error\": \"unknown function ") + name + "\"}";
  gboolean sent = FALSE;
  g_signal_emit_by_name (live, "send-tool-response", id, name, answer.c_str (), nullptr, &sent);
  g_print ("tool call %s(%s) -> %s%s\n", name, args, answer.c_str (), sent ? "" : " (not sent)");
}

struct Assistant {
  GMainLoop *loop = nullptr;
  int status = 0;
  gemlive::examples::TranscriptLine model{"model: "};
};

gboolean
on_bus (GstBus *, GstMessage *message, gpointer data)
{
  auto &app = *static_cast<Assistant *> (data);
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT: {
      const GstStructure *s = gst_message_get_structure (message);
      if (gst_structure_has_name (s, "geminilive/output-transcription"))
        app.model.add (gst_structure_get_string (s, "text"));
      else if (gst_structure_has_name (s, "geminilive/turn-complete"))
        app.model.flush ();
      else if (gst_structure_has_name (s, "geminilive/interrupted"))
        app.model.flush (" (interrupted)");
      else if (gst_structure_has_name (s, "geminilive/grounding")) {
        gchar *text = gst_structure_to_string (s);
        g_print ("sources: %s\n", text);
        g_free (text);
      }
      break;
    }
    case GST_MESSAGE_ERROR:
      app.model.flush ();
      gemlive::examples::print_error_message (message);
      app.status = 1;
      g_main_loop_quit (app.loop);
      break;
    case GST_MESSAGE_EOS:
      app.model.flush ();
      g_main_loop_quit (app.loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

gboolean
on_interrupt (gpointer data)
{
  g_main_loop_quit (static_cast<Assistant *> (data)->loop);
  return G_SOURCE_REMOVE;
}

/* The reply is heard (or written): a voice assistant that answers into
 * fakesink answers nobody. */
std::string
pipeline_description (const gchar *input, const gchar *output)
{
  if (!input)
    return "autoaudiosrc ! audioconvert ! audioresample ! geminilive name=live ! "
           "audioconvert ! audioresample ! autoaudiosink";
  std::string desc = "filesrc name=in ! wavparse ! audioconvert ! audioresample ! "
                     "geminilive name=live ! audioconvert ! ";
  return desc + (output ? "wavenc ! filesink name=out" : "audioresample ! autoaudiosink");
}

}  // namespace

int
main (int argc, char **argv)
{
  gchar *input = nullptr, *output = nullptr, *endpoint = nullptr, *api_key = nullptr;
  GOptionEntry entries[] = {
    {"input", 0, 0, G_OPTION_ARG_FILENAME, &input, "WAV file with the question", "FILE"},
    {"output", 0, 0, G_OPTION_ARG_FILENAME, &output,
        "With --input: WAV file for the spoken answer (default: play it)", "FILE"},
    {"endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, "Live API base URL", "URL"},
    {"api-key", 0, 0, G_OPTION_ARG_STRING, &api_key, "API key (default: GEMINI_API_KEY)",
        "KEY"},
    {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
  };
  GOptionContext *context = g_option_context_new ("- voice assistant with two tools");
  g_option_context_add_main_entries (context, entries, nullptr);
  g_option_context_add_group (context, gst_init_get_option_group ());
  GError *error = nullptr;
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    g_option_context_free (context);
    return 2;
  }
  g_option_context_free (context);
  if (output && !input) {
    g_printerr ("--output needs --input\n");
    return 2;
  }
  if (input && !g_file_test (input, G_FILE_TEST_IS_REGULAR)) {
    g_printerr ("error: the input file %s does not exist\n", input);
    return 1;
  }

  GstElement *pipeline =
      gemlive::examples::build_pipeline (pipeline_description (input, output));
  if (!pipeline)
    return 1;
  for (const auto &[name, location] : {std::pair{"in", input}, std::pair{"out", output}}) {
    if (!location)
      continue;
    GstElement *file = gst_bin_get_by_name (GST_BIN (pipeline), name);
    g_object_set (file, "location", location, nullptr);
    gst_object_unref (file);
  }
  GstElement *live = gst_bin_get_by_name (GST_BIN (pipeline), "live");
  g_object_set (live, "tools", TOOLS, nullptr);
  if (endpoint)
    g_object_set (live, "endpoint", endpoint, nullptr);
  if (api_key)
    g_object_set (live, "api-key", api_key, nullptr);
  g_signal_connect (live, "tool-call", G_CALLBACK (on_tool_call), nullptr);

  Assistant app;
  app.loop = g_main_loop_new (nullptr, FALSE);
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_bus, &app);
  g_unix_signal_add (SIGINT, on_interrupt, &app);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* The bus ERROR says why; let the watch print it, then stop. */
    app.status = 1;
    g_timeout_add (500, on_interrupt, &app);
  }
  g_main_loop_run (app.loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_main_loop_unref (app.loop);
  g_free (input);
  g_free (output);
  g_free (endpoint);
  g_free (api_key);
  return app.status;
}
