/* gst-gemini-live element tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the element tests: run a pipeline against the local
 * server, record what leaves geminilive's src pad, collect bus messages.
 */
#pragma once

#include <gst/check/gstcheck.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include <cmath>
#include <mutex>
#include <string>
#include <vector>

namespace gemlive::test {

/* Everything that left geminilive's src pad, in order. */
struct SrcRecord {
  struct Item {
    std::string what;  /* "buffer" or an event name ("flush-start", "eos", ...) */
    GstClockTime pts = GST_CLOCK_TIME_NONE;
    GstClockTime duration = GST_CLOCK_TIME_NONE;
    bool discont = false;
    gsize size = 0;
  };
  std::mutex lock;
  std::vector<Item> items;
  GstCaps *caps = nullptr;

  ~SrcRecord () { gst_clear_caps (&caps); }

  std::vector<Item> snapshot ()
  {
    std::lock_guard<std::mutex> guard (lock);
    return items;
  }
  gsize audio_bytes ()
  {
    gsize total = 0;
    for (const auto &item : snapshot ())
      if (item.what == "buffer")
        total += item.size;
    return total;
  }
  bool saw (const std::string &what)
  {
    for (const auto &item : snapshot ())
      if (item.what == what)
        return true;
    return false;
  }

  static GstPadProbeReturn probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
  {
    (void) pad;
    auto self = static_cast<SrcRecord *> (data);
    Item item;
    if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      item.what = "buffer";
      item.pts = GST_BUFFER_PTS (buffer);
      item.duration = GST_BUFFER_DURATION (buffer);
      item.discont = GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT);
      item.size = gst_buffer_get_size (buffer);
    } else if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_BOTH) {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      item.what = GST_EVENT_TYPE_NAME (event);
      if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
        GstCaps *caps;
        gst_event_parse_caps (event, &caps);
        std::lock_guard<std::mutex> guard (self->lock);
        gst_caps_replace (&self->caps, caps);
      }
    }
    std::lock_guard<std::mutex> guard (self->lock);
    self->items.push_back (item);
    return GST_PAD_PROBE_OK;
  }

  void attach (GstElement *element)
  {
    GstPad *pad = gst_element_get_static_pad (element, "src");
    gst_pad_add_probe (pad, (GstPadProbeType) (GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM
            | GST_PAD_PROBE_TYPE_EVENT_FLUSH), probe, this, nullptr);
    gst_object_unref (pad);
  }
};

/* Messages seen on a pipeline's bus. */
struct BusLog {
  std::vector<GstMessage *> messages;
  ~BusLog ()
  {
    for (auto m : messages)
      gst_message_unref (m);
  }

  /* Pops messages until `done` says so, an ERROR (when stop_on_error) or the
   * timeout; returns whether `done` was satisfied. */
  template <typename Pred>
  bool wait (GstElement *pipeline, Pred done, GstClockTime timeout, bool stop_on_error = true)
  {
    GstBus *bus = gst_element_get_bus (pipeline);
    gint64 deadline = g_get_monotonic_time () + (gint64) (timeout / GST_USECOND);
    bool satisfied = false;
    while (!satisfied) {
      gint64 left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        break;
      GstMessage *m = gst_bus_timed_pop (bus, left * GST_USECOND);
      if (!m)
        break;
      messages.push_back (m);
      satisfied = done (m);
      if (!satisfied && stop_on_error && GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
        break;
    }
    gst_object_unref (bus);
    return satisfied;
  }

  std::vector<const GstStructure *> element_messages (const char *name) const
  {
    std::vector<const GstStructure *> out;
    for (auto m : messages)
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
          && gst_structure_has_name (gst_message_get_structure (m), name))
        out.push_back (gst_message_get_structure (m));
    return out;
  }

  /* "" when no error; else "<message> | <debug>". */
  std::string first_error (GQuark *domain = nullptr, gint *code = nullptr) const
  {
    for (auto m : messages) {
      if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ERROR)
        continue;
      GError *error = nullptr;
      gchar *debug = nullptr;
      gst_message_parse_error (m, &error, &debug);
      std::string text = std::string (error->message) + " | " + (debug ? debug : "");
      if (domain)
        *domain = error->domain;
      if (code)
        *code = error->code;
      g_clear_error (&error);
      g_free (debug);
      return text;
    }
    return "";
  }

  bool has (GstMessageType type) const
  {
    for (auto m : messages)
      if (GST_MESSAGE_TYPE (m) == type)
        return true;
    return false;
  }

  /* Every message serialised, for grepping (secrets) and failure reports. */
  std::string dump () const
  {
    std::string out;
    for (auto m : messages) {
      const GstStructure *s = gst_message_get_structure (m);
      out += GST_MESSAGE_TYPE_NAME (m);
      if (s) {
        gchar *text = gst_structure_to_string (s);
        out += std::string (": ") + text;
        g_free (text);
      }
      out += "\n";
    }
    return out;
  }
};

/* Environment for a program the sanitizer build did not link (gst-launch-1.0,
 * python3) that loads our ASan-built plugin: the ASan runtime must come first,
 * so meson passes its path in GEMINI_LIVE_CHILD_PRELOAD. Takes ownership of env. */
inline gchar **
environ_for_foreign_program (gchar **env)
{
  const gchar *preload = g_getenv ("GEMINI_LIVE_CHILD_PRELOAD");
  if (preload && *preload)
    env = g_environ_setenv (env, "LD_PRELOAD", preload, TRUE);
  return env;
}

inline bool
is_eos (GstMessage *m)
{
  return GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS;
}

inline auto
is_element_message (const char *name)
{
  return [name] (GstMessage *m) {
    return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (gst_message_get_structure (m), name);
  };
}

inline GstElement *
launch (const std::string &description)
{
  GError *error = nullptr;
  GstElement *pipeline = gst_parse_launch (description.c_str (), &error);
  if (!pipeline || error)
    g_error ("could not build '%s': %s", description.c_str (),
        error ? error->message : "unknown");
  return pipeline;
}

inline GstElement *
by_name (GstElement *pipeline, const char *name)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (pipeline), name);
  g_assert (element);
  return element;  /* caller unrefs */
}

/* Writes a scenario to a temporary file; returns its path (caller unlinks). */
inline std::string
write_scenario (const std::string &json)
{
  gchar *path = nullptr;
  GError *error = nullptr;
  int fd = g_file_open_tmp ("geminilive-scenario-XXXXXX.json", &path, &error);
  if (fd < 0)
    g_error ("temporary scenario: %s", error->message);
  close (fd);
  if (!g_file_set_contents (path, json.c_str (), -1, &error))
    g_error ("temporary scenario: %s", error->message);
  std::string out = path;
  g_free (path);
  return out;
}

/* realtimeInput.audio frames among recorded client frames: (mimeType, PCM bytes). */
inline std::vector<std::pair<std::string, gsize>>
recorded_audio_chunks (const std::vector<std::string> &frames)
{
  std::vector<std::pair<std::string, gsize>> out;
  for (const auto &frame : frames) {
    JsonParser *parser = json_parser_new ();
    if (json_parser_load_from_data (parser, frame.c_str (), -1, nullptr)) {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      if (root && json_object_has_member (root, "realtimeInput")) {
        JsonObject *input = json_object_get_object_member (root, "realtimeInput");
        if (json_object_has_member (input, "audio")) {
          JsonObject *audio = json_object_get_object_member (input, "audio");
          gsize size = 0;
          guchar *pcm = g_base64_decode (json_object_get_string_member (audio, "data"), &size);
          g_free (pcm);
          out.emplace_back (json_object_get_string_member (audio, "mimeType"), size);
        }
      }
    }
    g_object_unref (parser);
  }
  return out;
}

/* `ms` of 16 kHz S16LE mono: a 440 Hz tone (speech to the server's voice
 * activity detection) or silence. */
inline GstBuffer *
pcm_16k (guint ms, bool tone)
{
  gsize samples = (gsize) ms * 16;
  GstBuffer *buffer = gst_buffer_new_allocate (nullptr, samples * 2, nullptr);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  auto pcm = reinterpret_cast<gint16 *> (map.data);
  for (gsize i = 0; i < samples; i++)
    pcm[i] = tone ? (gint16) (8000 * std::sin (2 * G_PI * 440 * (double) i / 16000)) : 0;
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

inline bool
contains (const std::string &haystack, const std::string &needle)
{
  return haystack.find (needle) != std::string::npos;
}

/* A loopback port that was free a moment ago: nothing listens there, so a
 * connection to it is refused at once. */
inline int
unused_loopback_port ()
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, nullptr);
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new (loopback, 0);
  ck_assert (g_socket_bind (socket, address, FALSE, nullptr));
  GSocketAddress *bound = g_socket_get_local_address (socket, nullptr);
  int port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (address);
  g_object_unref (loopback);
  g_socket_close (socket, nullptr);
  g_object_unref (socket);
  return port;
}

}  // namespace gemlive::test
