/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the tests that drive gemini-live-server with a WebSocket client
 * (test_server.cpp, test_server_ops.cpp): the service's path and model, a
 * temporary file, streaming a WAV as realtimeInput, and reading transcripts
 * back out of the received frames.
 */
#pragma once

#include "local_server.h"
#include "ws_client.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace gemlive::test {

inline const std::string kPath =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
inline const std::string kModel = "models/gemini-2.5-flash-native-audio-preview-12-2025";

/* A temporary file with `content` that lives as long as the object. */
struct TempFile {
  explicit TempFile (const std::string &content, const char *pattern = "server-test-XXXXXX")
  {
    gchar *p = nullptr;
    int fd = g_file_open_tmp (pattern, &p, nullptr);
    g_assert_cmpint (fd, >=, 0);
    g_close (fd, nullptr);
    g_assert_true (g_file_set_contents (p, content.c_str (), -1, nullptr));
    path = p;
    g_free (p);
  }
  ~TempFile () { g_unlink (path.c_str ()); }
  TempFile (const TempFile &) = delete;
  TempFile &operator= (const TempFile &) = delete;
  std::string path;
};

/* A scenario for --scenario, in a temporary file that lives as long as the object. */
struct ScenarioFile : TempFile {
  explicit ScenarioFile (const std::string &json) : TempFile (json, "scenario-XXXXXX.json") {}
};

/* libsoup and GIO log every frame at debug level; a test log needs none of it. */
inline void
silence_transport_debug_logs ()
{
  for (const char *domain : {"libsoup", "GLib-GIO"})
    g_log_set_handler (domain, G_LOG_LEVEL_DEBUG,
        [] (const gchar *, GLogLevelFlags, const gchar *, gpointer) {}, nullptr);
}

/* PCM samples and rate of a 16-bit mono WAV file (its "data" chunk). */
inline std::string
wav_pcm (const std::string &path, int &rate)
{
  std::ifstream in (path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf ();
  std::string wav = s.str ();
  g_assert_cmpuint (wav.size (), >, 44);
  g_assert_true (wav.compare (0, 4, "RIFF") == 0);
  std::string pcm;
  for (size_t pos = 12; pos + 8 <= wav.size ();) {
    guint32 len;
    std::memcpy (&len, wav.data () + pos + 4, 4);
    if (wav.compare (pos, 4, "fmt ") == 0)
      std::memcpy (&rate, wav.data () + pos + 12, 4);
    if (wav.compare (pos, 4, "data") == 0)
      pcm = wav.substr (pos + 8, std::min<size_t> (len, wav.size () - pos - 8));
    pos += 8 + len + (len & 1);
  }
  g_assert_cmpuint (pcm.size (), >, 0);
  return pcm;
}

/* Streams a test-data WAV as realtimeInput.audio in 100 ms chunks; the mime
 * type is `mime_prefix` followed by the file's rate. */
inline void
stream_wav (WsClient &client, const std::string &name,
    const std::string &mime_prefix = "audio/pcm;rate=")
{
  int rate = 0;
  const std::string pcm = wav_pcm (test_data_path (name), rate);
  const size_t chunk = static_cast<size_t> (rate) / 10 * 2;
  for (size_t off = 0; off < pcm.size (); off += chunk) {
    gchar *b64 = g_base64_encode (reinterpret_cast<const guchar *> (pcm.data () + off),
        std::min (chunk, pcm.size () - off));
    client.send_text ("{\"realtimeInput\":{\"audio\":{\"mimeType\":\"" + mime_prefix +
        std::to_string (rate) + "\",\"data\":\"" + b64 + "\"}}}");
    g_free (b64);
  }
}

/* Calls `visit` with the serverContent object of every frame that has one, in order. */
inline void
for_each_server_content (const WsClient &client, const std::function<void (JsonObject *)> &visit)
{
  for (const auto &f : client.frames ()) {
    JsonNode *n = json_from_string (f.text.c_str (), nullptr);
    g_assert_nonnull (n);
    JsonObject *o = json_node_get_object (n);
    if (json_object_has_member (o, "serverContent"))
      visit (json_object_get_object_member (o, "serverContent"));
    json_node_unref (n);
  }
}

/* Concatenated serverContent.<key>.text of all frames. */
inline std::string
transcript (const WsClient &client, const char *key)
{
  std::string out;
  for_each_server_content (client, [&] (JsonObject *sc) {
    if (json_object_has_member (sc, key))
      out += json_object_get_string_member (json_object_get_object_member (sc, key), "text");
  });
  return out;
}

}  // namespace gemlive::test
