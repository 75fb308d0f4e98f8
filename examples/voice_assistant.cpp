/* gst-gemini-live example: a voice assistant that can act (function calling).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Declares two functions to the model and answers its calls:
 * - get_local_time: the real local time of this machine;
 * - get_weather: a STUB. It returns made-up weather and says so in its
 *   answer ("stub": true); wire a real weather service in before relying on it.
 *
 *   voice-assistant [--input question.wav] [--endpoint URL] [--api-key KEY]
 *
 * Without --input it listens on the default microphone and speaks through the
 * default output until Ctrl-C. With --input it answers one recorded question
 * and exits. tool-call is emitted on the element's own dispatch thread, so the
 * handler may take its time; it answers with the send-tool-response action
 * signal, which any thread may call.
 */
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

gboolean
on_bus (GstBus *, GstMessage *message, gpointer data)
{
  auto loop = static_cast<GMainLoop *> (data);
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT: {
      const GstStructure *s = gst_message_get_structure (message);
      if (gst_structure_has_name (s, "geminilive/output-transcription"))
        g_print ("model: %s\n", gst_structure_get_string (s, "text"));
      else if (gst_structure_has_name (s, "geminilive/grounding")) {
        gchar *text = gst_structure_to_string (s);
        g_print ("sources: %s\n", text);
        g_free (text);
      }
      break;
    }
    case GST_MESSAGE_ERROR: {
      GError *error = nullptr;
      gst_message_parse_error (message, &error, nullptr);
      g_printerr ("error: %s\n", error->message);
      g_error_free (error);
      g_main_loop_quit (loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

gboolean
on_interrupt (gpointer data)
{
  g_main_loop_quit (static_cast<GMainLoop *> (data));
  return G_SOURCE_REMOVE;
}

}  // namespace

int
main (int argc, char **argv)
{
  gchar *input = nullptr, *endpoint = nullptr, *api_key = nullptr;
  GOptionEntry entries[] = {
    {"input", 0, 0, G_OPTION_ARG_FILENAME, &input, "WAV file with the question", "FILE"},
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
    return 2;
  }
  g_option_context_free (context);

  std::string description = input
      ? std::string ("filesrc name=in ! wavparse ! audioconvert ! audioresample ! "
                     "geminilive name=live ! fakesink")
      : std::string ("autoaudiosrc ! audioconvert ! audioresample ! geminilive name=live ! "
                     "audioconvert ! autoaudiosink");
  GstElement *pipeline = gst_parse_launch (description.c_str (), &error);
  if (!pipeline) {
    g_printerr ("cannot build the pipeline: %s\n", error->message);
    return 1;
  }
  if (input) {
    GstElement *in = gst_bin_get_by_name (GST_BIN (pipeline), "in");
    g_object_set (in, "location", input, nullptr);
    gst_object_unref (in);
  }
  GstElement *live = gst_bin_get_by_name (GST_BIN (pipeline), "live");
  g_object_set (live, "tools", TOOLS, nullptr);
  if (endpoint)
    g_object_set (live, "endpoint", endpoint, nullptr);
  if (api_key)
    g_object_set (live, "api-key", api_key, nullptr);
  g_signal_connect (live, "tool-call", G_CALLBACK (on_tool_call), nullptr);

  GMainLoop *loop = g_main_loop_new (nullptr, FALSE);
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_bus, loop);
  g_unix_signal_add (SIGINT, on_interrupt, loop);
  int status = 0;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    status = 1;
  else
    g_main_loop_run (loop);

  GstMessage *failure = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (failure) {
    status = 1;
    gst_message_unref (failure);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (live);
  gst_object_unref (pipeline);
  g_main_loop_unref (loop);
  g_free (input);
  g_free (endpoint);
  g_free (api_key);
  return status;
}
