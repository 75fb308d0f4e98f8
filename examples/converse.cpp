/* gst-gemini-live example: one spoken conversation.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * File mode speaks a recorded question to the model and writes its spoken
 * answer to a WAV file; microphone mode talks through the default audio input
 * and output until Ctrl-C. Transcripts and session changes are printed as they
 * arrive on the bus, which is how an application embeds geminilive.
 *
 *   gemini-converse --input question.wav --output reply.wav [--endpoint URL]
 *   gemini-converse --mic [--endpoint URL]          speakers: echo cancelled
 *   gemini-converse --headphones [--endpoint URL]   headset: no echo to cancel
 *
 * With --mic the reply plays through speakers into the microphone; without
 * echo cancellation the service's voice detection hears the model and
 * interrupts it. So the capture path runs webrtcdsp and the playback path
 * webrtcechoprobe (gst-plugins-bad; docs/microphone.md), both at 48 kHz: they
 * take 8/16/32/48 kHz and refuse to differ from each other; the capture is
 * then resampled to 16 kHz, the service's own rate.
 * Any error (a bus ERROR, a missing element) is printed and exits non-zero.
 *
 * The API key comes from GEMINI_API_KEY (read by the element itself) or --api-key.
 */
#include "example_util.h"

#include <glib-unix.h>
#include <gst/gst.h>

#include <cstdio>
#include <memory>
#include <string>

namespace {

struct Options {
  gchar *input = nullptr;
  gchar *output = nullptr;
  gchar *endpoint = nullptr;
  gchar *api_key = nullptr;
  gchar *model = nullptr;
  gchar *voice = nullptr;
  gchar *system_instruction = nullptr;
  gboolean mic = FALSE;
  gboolean headphones = FALSE;

  ~Options ()
  {
    for (gchar *s : {input, output, endpoint, api_key, model, voice, system_instruction})
      g_free (s);
  }
};

struct Conversation {
  GMainLoop *loop = nullptr;
  int exit_code = 0;
  /* Output transcription arrives in fragments; print them on one line per turn. */
  bool model_line_open = false;
};

void
end_model_line (Conversation &conv)
{
  if (conv.model_line_open) {
    std::printf ("\n");
    conv.model_line_open = false;
  }
}

void
print_element_message (Conversation &conv, const GstStructure *s)
{
  const gchar *name = gst_structure_get_name (s);
  if (g_str_equal (name, "geminilive/output-transcription")) {
    if (!conv.model_line_open) {
      std::printf ("gemini: ");
      conv.model_line_open = true;
    }
    std::printf ("%s", gst_structure_get_string (s, "text"));
  } else if (g_str_equal (name, "geminilive/input-transcription")) {
    end_model_line (conv);
    std::printf ("you:    %s\n", gst_structure_get_string (s, "text"));
  } else if (g_str_equal (name, "geminilive/interrupted")) {
    end_model_line (conv);
    std::printf ("        (interrupted)\n");
  } else if (g_str_equal (name, "geminilive/turn-complete")) {
    end_model_line (conv);
  } else if (g_str_equal (name, "geminilive/session")) {
    end_model_line (conv);
    std::printf ("[session %s]\n", gst_structure_get_string (s, "state"));
  }
  std::fflush (stdout);
}

gboolean
on_bus_message (GstBus *, GstMessage *msg, gpointer user_data)
{
  auto &conv = *static_cast<Conversation *> (user_data);
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      print_element_message (conv, gst_message_get_structure (msg));
      break;
    case GST_MESSAGE_ERROR: {
      end_model_line (conv);
      gemlive::examples::print_error_message (msg);
      conv.exit_code = 1;
      g_main_loop_quit (conv.loop);
      break;
    }
    case GST_MESSAGE_WARNING: {
      GError *err = nullptr;
      gst_message_parse_warning (msg, &err, nullptr);
      std::fprintf (stderr, "warning: %s\n", err->message);
      g_clear_error (&err);
      break;
    }
    case GST_MESSAGE_EOS:
      end_model_line (conv);
      g_main_loop_quit (conv.loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

gboolean
on_interrupt (gpointer user_data)
{
  auto &conv = *static_cast<Conversation *> (user_data);
  if (conv.exit_code == 0)
    std::fprintf (stderr, "\nstopping\n");
  g_main_loop_quit (conv.loop);
  return G_SOURCE_REMOVE;
}

std::string
pipeline_description (const Options &opts)
{
  if (opts.headphones)
    return "autoaudiosrc ! audioconvert ! audioresample ! geminilive name=live "
           "! audioconvert ! audioresample ! autoaudiosink";
  if (opts.mic)
    /* The canceller aligns the reply by the latency the sinks report
     * (tests/echo: delay-agnostic mode did not converge in 8 s). Its gain
     * control is off: it raised the residual echo into what the service's
     * voice detection takes for speech. */
    return "autoaudiosrc ! audioconvert ! audioresample "
           "! audio/x-raw,format=S16LE,rate=48000,channels=1 "
           "! webrtcdsp probe=echoprobe gain-control=false ! audioresample "
           "! audio/x-raw,rate=16000 ! geminilive name=live "
           "! audioconvert ! audioresample ! audio/x-raw,format=S16LE,rate=48000,channels=1 "
           "! webrtcechoprobe name=echoprobe ! audioconvert ! autoaudiosink";
  gchar *in = g_strescape (opts.input, nullptr);
  gchar *out = g_strescape (opts.output, nullptr);
  std::string desc = std::string ("filesrc location=\"") + in + "\" ! wavparse ! audioconvert "
      "! audioresample ! geminilive name=live ! audioconvert ! wavenc ! filesink location=\"" + out
      + "\"";
  g_free (in);
  g_free (out);
  return desc;
}

void
configure_element (GstElement *live, const Options &opts)
{
  if (opts.endpoint)
    g_object_set (live, "endpoint", opts.endpoint, nullptr);
  if (opts.api_key)
    g_object_set (live, "api-key", opts.api_key, nullptr);
  if (opts.model)
    g_object_set (live, "model", opts.model, nullptr);
  if (opts.voice)
    g_object_set (live, "voice", opts.voice, nullptr);
  if (opts.system_instruction)
    g_object_set (live, "system-instruction", opts.system_instruction, nullptr);
}

}  // namespace

int
main (int argc, char **argv)
{
  Options opts;
  const GOptionEntry entries[] = {
    {"input", 'i', 0, G_OPTION_ARG_FILENAME, &opts.input, "WAV file with the spoken question", "FILE"},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opts.output, "WAV file for the spoken answer", "FILE"},
    {"mic", 'm', 0, G_OPTION_ARG_NONE, &opts.mic,
        "Talk through the microphone and speakers, with echo cancellation", nullptr},
    {"headphones", 0, 0, G_OPTION_ARG_NONE, &opts.headphones,
        "Talk through the microphone and headphones (no echo cancellation)", nullptr},
    {"endpoint", 'e', 0, G_OPTION_ARG_STRING, &opts.endpoint, "Live API base URL", "URL"},
    {"api-key", 0, 0, G_OPTION_ARG_STRING, &opts.api_key, "API key (default: GEMINI_API_KEY)", "KEY"},
    {"model", 0, 0, G_OPTION_ARG_STRING, &opts.model, "Model name", "MODEL"},
    {"voice", 0, 0, G_OPTION_ARG_STRING, &opts.voice, "Prebuilt voice name", "VOICE"},
    {"system-instruction", 0, 0, G_OPTION_ARG_STRING, &opts.system_instruction,
        "System instruction", "TEXT"},
    {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};

  GOptionContext *ctx = g_option_context_new ("- talk to Gemini Live through GStreamer");
  g_option_context_add_main_entries (ctx, entries, nullptr);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  GError *err = nullptr;
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    std::fprintf (stderr, "%s\n", err->message);
    g_clear_error (&err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (!opts.mic && !opts.headphones && (!opts.input || !opts.output)) {
    std::fprintf (stderr, "give --input and --output, or --mic, or --headphones\n");
    return 2;
  }
  if (opts.input && !g_file_test (opts.input, G_FILE_TEST_IS_REGULAR)) {
    std::fprintf (stderr, "error: the input file %s does not exist\n", opts.input);
    return 1;
  }

  GstElement *pipeline = gemlive::examples::build_pipeline (pipeline_description (opts));
  if (!pipeline)
    return 1;
  GstElement *live = gst_bin_get_by_name (GST_BIN (pipeline), "live");
  configure_element (live, opts);
  gst_object_unref (live);

  Conversation conv;
  conv.loop = g_main_loop_new (nullptr, FALSE);
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_bus_message, &conv);
  g_unix_signal_add (SIGINT, on_interrupt, &conv);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* The error message on the bus says why: give the loop a moment to print it. */
    conv.exit_code = 1;
    g_timeout_add (500, on_interrupt, &conv);
  }
  g_main_loop_run (conv.loop);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_main_loop_unref (conv.loop);
  return conv.exit_code;
}
