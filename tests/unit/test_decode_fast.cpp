/* gst-gemini-live unit tests: the decoder's fast path for audio-only frames
 * (gst/live/protocol_audio.cpp) says exactly what the json-glib decoder says,
 * for every frame it accepts, and hands every other frame to it.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   test-decode-fast WIRE_DIR
 */
#include "message_compare.h"

#include "live/protocol.h"
#include "live/protocol_decode.h"

#include <glib.h>

#include <string>
#include <vector>

namespace {

using namespace gemlive;
using namespace gemlive::decode_internal;

std::string wire_dir;

/* Fixed, so a failure reproduces; printed so it can be changed by hand. */
constexpr guint32 SEED = 20261125;

std::string
read_wire (const char *name)
{
  gchar *text = nullptr;
  gsize length = 0;
  std::string path = wire_dir + "/" + name;
  GError *error = nullptr;
  if (!g_file_get_contents (path.c_str (), &text, &length, &error))
    g_error ("cannot read %s: %s", path.c_str (), error->message);
  std::string out (text, length);
  g_free (text);
  return out;
}

/* Fails the test unless the fast path either declines `frame` or gives what
 * the json-glib decoder gives; and unless the public decoder (fast path
 * first) always gives what the json-glib decoder gives. Returns whether the
 * fast path took the frame. */
bool
check_agreement (const std::string &frame)
{
  DecodeResult json = decode_server_message_json (frame.data (), frame.size ());
  DecodeResult full = decode_server_message (frame.data (), frame.size ());
  std::string why = testing::result_difference (full, json);
  if (!why.empty ())
    g_error ("decode_server_message and the json-glib decoder disagree (%s) on: %.300s",
        why.c_str (), frame.c_str ());
  std::optional<ServerMessage> fast = decode_audio_frame_fast (frame.data (), frame.size ());
  if (!fast)
    return false;
  if (!json.message)
    g_error ("the fast path accepted a frame the json-glib decoder refuses (%s): %.300s",
        json.error.c_str (), frame.c_str ());
  why = testing::message_difference (*fast, *json.message);
  if (!why.empty ())
    g_error ("fast path and json-glib decoder disagree (%s) on: %.300s", why.c_str (),
        frame.c_str ());
  return true;
}

/* ---------------------------------------------------------- frame generator */

struct GeneratedFrame {
  std::string text;
  std::vector<std::vector<guint8>> pcm;  /* what each part's data decodes to */
  int rate = 24000;                      /* what audio_rate must be */
};

std::string
random_whitespace (GRand *rand)
{
  static const char *const choices[] = {"", "", "", " ", "\n  ", "\t", "\r\n", "  "};
  return choices[g_rand_int_range (rand, 0, G_N_ELEMENTS (choices))];
}

/* A frame of the shape the fast path is for, with random whitespace, member
 * order, part count, rates and audio of every padding length. */
GeneratedFrame
generate_audio_frame (GRand *rand)
{
  static const char *const mime_types[] = {"audio/pcm;rate=24000", "audio/pcm;rate=16000",
    "audio/pcm", "audio/pcm;rate=48000;channels=1", "audio/pcm;rate=8000"};
  static const int rates[] = {24000, 16000, 0, 48000, 8000};  /* 0: keeps the last */
  GeneratedFrame frame;
  auto ws = [rand] { return random_whitespace (rand); };
  std::string &t = frame.text;
  t = ws () + "{" + ws () + "\"serverContent\"" + ws () + ":" + ws () + "{" + ws ()
      + "\"modelTurn\"" + ws () + ":" + ws () + "{" + ws () + "\"parts\"" + ws () + ":" + ws ()
      + "[";
  int parts = g_rand_int_range (rand, 1, 5);
  for (int p = 0; p < parts; p++) {
    std::vector<guint8> pcm (g_rand_int_range (rand, 0, 70));
    for (auto &byte : pcm)
      byte = static_cast<guint8> (g_rand_int (rand));
    gchar *b64 = g_base64_encode (pcm.data (), pcm.size ());
    int m = g_rand_int_range (rand, 0, G_N_ELEMENTS (mime_types));
    if (rates[m])
      frame.rate = rates[m];
    std::string mime = "\"mimeType\"" + ws () + ":" + ws () + "\"" + mime_types[m] + "\"";
    std::string data = "\"data\"" + ws () + ":" + ws () + "\"" + b64 + "\"";
    g_free (b64);
    bool data_first = g_rand_boolean (rand);
    t += (p ? "," : "") + ws () + "{" + ws () + "\"inlineData\"" + ws () + ":" + ws () + "{"
        + ws () + (data_first ? data : mime) + ws () + "," + ws () + (data_first ? mime : data)
        + ws () + "}" + ws () + "}" + ws ();
    frame.pcm.push_back (std::move (pcm));
  }
  t += "]" + ws () + "}" + ws () + "}" + ws () + "}" + ws ();
  return frame;
}

/* One random edit that may or may not keep the frame valid JSON, or the
 * shape, or the meaning. */
void
mutate (GRand *rand, std::string &frame)
{
  static const char bytes[] = "\\\"{}[],:=A/+ \t\n\r\x01\x7f\xc3\xe9u_09x";
  static const char *const snippets[] = {"\\u0041", "\\/", ",\"x\":1", "\"thought\":true,",
    "null", " ", "\\\"", "\"text\":\"hi\",", ",\"usageMetadata\":{\"totalTokenCount\":3}",
    "\xe2\x80\xa8", "\"data\":\"AAAA\","};
  if (frame.empty ())
    return;
  size_t at = g_rand_int_range (rand, 0, static_cast<gint32> (frame.size ()));
  switch (g_rand_int_range (rand, 0, 6)) {
    case 0:
      frame[at] = bytes[g_rand_int_range (rand, 0, sizeof (bytes) - 1)];
      break;
    case 1:
      frame.insert (at, 1, bytes[g_rand_int_range (rand, 0, sizeof (bytes) - 1)]);
      break;
    case 2:
      frame.erase (at, 1);
      break;
    case 3:
      frame.resize (at);
      break;
    case 4:
      frame.insert (at, snippets[g_rand_int_range (rand, 0, G_N_ELEMENTS (snippets))]);
      break;
    default:
      frame.insert (at, 1, '\0');
      break;
  }
}

/* ------------------------------------------------------------------- tests */

void
test_wire_vectors_agree ()
{
  static const char *const vectors[] = {"server-generation-complete.json", "server-go-away.json",
    "server-input-transcription.json", "server-interrupted.json",
    "server-model-turn-audio.json", "server-model-turn-text-and-thought.json",
    "server-model-turn-two-audio-parts.json", "server-output-transcription.json",
    "server-session-resumption-update.json", "server-setup-complete.json",
    "server-tool-call-cancellation.json", "server-tool-call.json", "server-turn-complete.json",
    "server-usage-metadata.json"};
  int taken = 0;
  for (const char *name : vectors)
    taken += check_agreement (read_wire (name)) ? 1 : 0;
  /* The two audio-only vectors (pretty-printed, as in the files) are the
   * fast path's shape; everything else is not. */
  g_assert_cmpint (taken, ==, 2);
  g_assert_true (decode_audio_frame_fast (read_wire ("server-model-turn-audio.json").data (),
      read_wire ("server-model-turn-audio.json").size ()).has_value ());
}

void
test_generated_frames_take_fast_path_and_decode_right ()
{
  GRand *rand = g_rand_new_with_seed (SEED);
  for (int i = 0; i < 3000; i++) {
    GeneratedFrame frame = generate_audio_frame (rand);
    if (!check_agreement (frame.text))
      g_error ("the fast path declined a frame of its own shape: %s", frame.text.c_str ());
    /* An oracle independent of both decoders: the bytes that were encoded. */
    auto fast = decode_audio_frame_fast (frame.text.data (), frame.text.size ());
    g_assert_cmpuint (fast->audio.size (), ==, frame.pcm.size ());
    for (size_t p = 0; p < frame.pcm.size (); p++) {
      gsize size = 0;
      const void *data = g_bytes_get_data (fast->audio[p].get (), &size);
      g_assert_cmpmem (data, size, frame.pcm[p].data (), frame.pcm[p].size ());
    }
    g_assert_cmpint (fast->audio_rate, ==, frame.rate);
  }
  g_rand_free (rand);
}

void
test_mutated_frames_agree ()
{
  GRand *rand = g_rand_new_with_seed (SEED + 1);
  int taken = 0, declined = 0;
  for (int i = 0; i < 20000; i++) {
    std::string frame = generate_audio_frame (rand).text;
    int edits = g_rand_int_range (rand, 1, 4);
    for (int e = 0; e < edits; e++)
      mutate (rand, frame);
    (check_agreement (frame) ? taken : declined)++;
  }
  g_rand_free (rand);
  /* Both outcomes must be exercised, or the comparison proves nothing. */
  g_print ("# mutated frames: %d taken by the fast path, %d declined\n", taken, declined);
  g_assert_cmpint (taken, >, 200);
  g_assert_cmpint (declined, >, 1000);
}

/* Frames just off the shape: the fast path declines each one and the public
 * decoder still gives the json-glib answer (checked by check_agreement). */
void
test_near_misses_fall_back ()
{
  const std::string head = "{\"serverContent\":{\"modelTurn\":{\"parts\":[";
  const std::string tail = "]}}}";
  const std::string audio = "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"AAEC\"}}";
  const std::string declined[] = {
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"AA\\/C\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"\\u0041AEC\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio\\/pcm;rate=24000\",\"data\":\"AAEC\"}}" + tail,
    head + audio + "]}},\"usageMetadata\":{\"totalTokenCount\":3}}",
    "{\"server_content\":{\"modelTurn\":{\"parts\":[" + audio + tail,
    head + "{\"inlineData\":{\"mime_type\":\"audio/pcm;rate=24000\",\"data\":\"AAEC\"}}" + tail,
    head + "{\"thought\":true,\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"AAEC\"}}" + tail,
    head + audio + ",{\"text\":\"hello\"}" + tail,
    head + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"AAE\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"AA=C\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=0\",\"data\":\"AAEC\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAEC\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"mimeType\":\"audio/pcm\",\"data\":\"AAEC\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm\"}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":null}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"AAEC\",\"x\":1}}" + tail,
    head + "{\"inlineData\":{\"mimeType\":\"audio/pcm\tx\",\"data\":\"AAEC\"}}" + tail,
    head + audio + tail + " x",
    head + audio + ",]}}}",
    head + audio + tail + tail,
    std::string ("\xef\xbb\xbf") + head + audio + tail,
  };
  for (const std::string &frame : declined) {
    if (check_agreement (frame))
      g_error ("the fast path should have declined: %s", frame.c_str ());
  }

  /* Declined, yet decoded (or refused) exactly as before the fast path. */
  DecodeResult escaped = decode_server_message (declined[0].data (), declined[0].size ());
  g_assert_true (escaped.message.has_value ());
  g_assert_cmpuint (escaped.message->audio.size (), ==, 1);
  DecodeResult corrupt = decode_server_message (declined[9].data (), declined[9].size ());
  g_assert_cmpstr (corrupt.error.c_str (), ==,
      "serverContent.modelTurn.parts[0].inlineData.data is not valid base64");
  DecodeResult bad_rate = decode_server_message (declined[11].data (), declined[11].size ());
  g_assert_cmpstr (bad_rate.error.c_str (), ==, "serverContent.modelTurn.parts[0].inlineData."
      "mimeType has an invalid sample rate in \"audio/pcm;rate=0\"");
  DecodeResult image = decode_server_message (declined[12].data (), declined[12].size ());
  g_assert_true (image.message.has_value ());
  g_assert_cmpuint (image.message->unknown_fields.size (), ==, 1);
  g_assert_cmpstr (image.message->unknown_fields[0].c_str (), ==,
      "serverContent.modelTurn.parts[0].inlineData(image/png)");

  /* And the shape itself, with an empty data string, is taken. */
  std::string empty = head + "{\"inlineData\":{\"data\":\"\",\"mimeType\":\"audio/pcm\"}}" + tail;
  g_assert_true (check_agreement (empty));
}

/* Paths in errors are still spelled out right now that they are built only
 * on error (JsonPath): a deep one, an index, a snake_case name. */
void
test_error_paths_named ()
{
  const std::string frames[][2] = {
    {"{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":\"a\"},{\"inlineData\":"
     "{\"mimeType\":\"audio/pcm\",\"data\":5}}]}}}",
      "serverContent.modelTurn.parts[1].inlineData.data must be a base64 string, not a number"},
    {"{\"server_content\":{\"model_turn\":{\"parts\":[{\"inline_data\":7}]}}}",
      "serverContent.modelTurn.parts[0].inlineData must be an object, not a number"},
    {"{\"usageMetadata\":{\"responseTokensDetails\":[{\"modality\":\"AUDIO\"},"
     "{\"tokenCount\":\"x\"}]}}",
      "usageMetadata.responseTokensDetails[1].tokenCount must be an integer"},
    {"{\"toolCall\":{\"functionCalls\":[{\"name\":\"f\",\"args\":[]}]}}",
      "toolCall.functionCalls[0].args must be an object, not an array"},
    {"{\"setupComplete\":3}", "setupComplete must be an object, not a number"},
  };
  for (const auto &[frame, expected] : frames) {
    DecodeResult result = decode_server_message (frame.data (), frame.size ());
    g_assert_false (result.message.has_value ());
    g_assert_cmpstr (result.error.c_str (), ==, expected.c_str ());
  }
}

void
test_base64_decodes_into_exact_allocation ()
{
  GRand *rand = g_rand_new_with_seed (SEED + 2);
  for (int length = 0; length < 64; length++) {
    std::vector<guint8> pcm (length);
    for (auto &byte : pcm)
      byte = static_cast<guint8> (g_rand_int (rand));
    gchar *b64 = g_base64_encode (pcm.data (), pcm.size ());
    size_t b64_length = strlen (b64);
    GBytes *bytes = decode_strict_base64 (b64, b64_length);
    g_assert_nonnull (bytes);
    gsize size = 0;
    const void *data = g_bytes_get_data (bytes, &size);
    g_assert_cmpmem (data, size, pcm.data (), pcm.size ());
    g_bytes_unref (bytes);
    g_free (b64);
  }
  g_rand_free (rand);
  /* Each one decodes to something under GLib's lenient rules. */
  const char *const not_strict[] = {"A", "AB", "ABC", "A===", "====", "AB=C", "AB C", "AB\nC",
    "AB-_", "ABC=D===", "A=AA", "=AAA", "AAAA=AAA", "AAA\\", "AAAA\\/AA", "AB\x01=",
    "AAAAAAA=AAA="};
  for (const char *text : not_strict)
    g_assert_null (decode_strict_base64 (text, strlen (text)));
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: %s WIRE_DIR", argv[0]);
  wire_dir = argv[1];
  g_print ("# random seed %u\n", SEED);
  g_test_add_func ("/decode-fast/wire-vectors-agree", test_wire_vectors_agree);
  g_test_add_func ("/decode-fast/generated-frames-take-fast-path-and-decode-right",
      test_generated_frames_take_fast_path_and_decode_right);
  g_test_add_func ("/decode-fast/mutated-frames-agree", test_mutated_frames_agree);
  g_test_add_func ("/decode-fast/near-misses-fall-back", test_near_misses_fall_back);
  g_test_add_func ("/decode-fast/error-paths-named", test_error_paths_named);
  g_test_add_func ("/decode-fast/base64-decodes-into-exact-allocation",
      test_base64_decodes_into_exact_allocation);
  return g_test_run ();
}
