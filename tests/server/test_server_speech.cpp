/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reply speech is the whole sentence: the audio the server streams lasts
 * as long as espeak-ng's own rendering of the same text (`espeak-ng -w`), it
 * has sound wherever that rendering has sound (no holes cut into it), and its
 * outputTranscription fragments follow the words instead of lumping the end
 * of the sentence into the last one.
 */
#include "local_server.h"
#include "server_test_util.h"
#include "speech_synth.h"
#include "ws_client.h"

#include <json-glib/json-glib.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace gemlive::test;

namespace {

const char *const kSentence =
    "Paris is the capital of France, and it has been for a very long time. "
    "The city sits on the river Seine, in the north of the country.";

constexpr int kReplyRate = 24000;
constexpr double kWindowS = 0.02;

std::vector<int16_t>
to_samples (const std::string &bytes)
{
  std::vector<int16_t> samples (bytes.size () / 2);
  std::memcpy (samples.data (), bytes.data (), samples.size () * 2);
  return samples;
}

/* The 24 kHz PCM and the outputTranscription fragments of the reply. */
void
collect_reply (const WsClient &client, std::vector<int16_t> &pcm, std::vector<std::string> &fragments)
{
  for_each_server_content (client, [&] (JsonObject *sc) {
    if (json_object_has_member (sc, "outputTranscription"))
      fragments.emplace_back (json_object_get_string_member (
          json_object_get_object_member (sc, "outputTranscription"), "text"));
    if (!json_object_has_member (sc, "modelTurn"))
      return;
    JsonArray *parts =
        json_object_get_array_member (json_object_get_object_member (sc, "modelTurn"), "parts");
    for (guint i = 0; i < json_array_get_length (parts); i++) {
      JsonObject *part = json_array_get_object_element (parts, i);
      if (!json_object_has_member (part, "inlineData"))
        continue;
      gsize size = 0;
      guchar *data = g_base64_decode (json_object_get_string_member (
          json_object_get_object_member (part, "inlineData"), "data"), &size);
      auto chunk = to_samples (std::string (reinterpret_cast<char *> (data), size));
      pcm.insert (pcm.end (), chunk.begin (), chunk.end ());
      g_free (data);
    }
  });
}

/* espeak-ng's own rendering of `text` in `voice` (the server's default
 * voice unless told), and its rate. */
std::vector<int16_t>
espeak_rendering (const std::string &text, int &rate, const char *voice = "en-us")
{
  TempFile wav ("", "espeak-XXXXXX.wav");
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  const gchar *argv[] = {"espeak-ng", "-v", voice, "-w", wav.path.c_str (), text.c_str (),
      nullptr};
  GError *error = nullptr;
  if (!g_spawn_sync (nullptr, const_cast<gchar **> (argv), nullptr, G_SPAWN_SEARCH_PATH, nullptr,
          nullptr, &out, &err, &status, &error))
    g_error ("cannot run espeak-ng: %s", error->message);
  g_assert_true (g_spawn_check_wait_status (status, nullptr));
  g_free (out);
  g_free (err);
  return to_samples (wav_pcm (wav.path, rate));
}

/* Level in dBFS of each kWindowS window. */
std::vector<double>
envelope (const std::vector<int16_t> &pcm, int rate)
{
  const size_t window = static_cast<size_t> (rate * kWindowS);
  std::vector<double> levels;
  for (size_t start = 0; start + window <= pcm.size (); start += window) {
    double sum = 0;
    for (size_t i = start; i < start + window; i++)
      sum += static_cast<double> (pcm[i]) * pcm[i];
    levels.push_back (10 * std::log10 (sum / window / (32768.0 * 32768.0) + 1e-12));
  }
  return levels;
}

/* The span of windows louder than -45 dBFS: the speech without the silence
 * espeak-ng adds around it. */
std::pair<size_t, size_t>
voiced_span (const std::vector<double> &levels)
{
  size_t first = levels.size (), last = 0;
  for (size_t i = 0; i < levels.size (); i++) {
    if (levels[i] > -45) {
      first = std::min (first, i);
      last = i;
    }
  }
  g_assert_cmpuint (first, <=, last);
  return {first, last};
}

size_t
word_count (const std::string &fragment)
{
  size_t words = 0;
  bool in_word = false;
  for (char c : fragment) {
    bool space = g_ascii_isspace (c);
    if (!space && !in_word)
      words++;
    in_word = !space;
  }
  return words;
}

/* Seconds of speech in `pcm` (the voiced span, without espeak's silence). */
double
speech_seconds (const std::vector<int16_t> &pcm, int rate)
{
  const auto [first, last] = voiced_span (envelope (pcm, rate));
  return (last - first + 1) * kWindowS;
}

/* How unlike two renderings sound: the mean difference in dB of their
 * 20 ms levels (floored at -60 dBFS), aligned at the start of speech. The
 * same voice saying the same text is within a dB or two; another voice is
 * far off, whether or not it happens to take as long. */
double
envelope_distance (const std::vector<int16_t> &a, int rate_a, const std::vector<int16_t> &b,
    int rate_b)
{
  const auto la = envelope (a, rate_a), lb = envelope (b, rate_b);
  const size_t fa = voiced_span (la).first, fb = voiced_span (lb).first;
  const size_t n = std::min (la.size () - fa, lb.size () - fb);
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += std::fabs (std::max (la[fa + i], -60.0) - std::max (lb[fb + i], -60.0));
  return n ? sum / n : 1e9;
}

}  // namespace

/* espeak-ng's voices are found by the tag a translate-to names. */
static void
test_voice_is_picked_by_bcp47_tag ()
{
  const std::vector<std::string> voices = {"en-us", "en-gb", "de", "fr-fr", "fr-be", "pt", "pt-br",
      "cmn", "es-419", "es"};
  /* Kept until the test ends: g_assert_cmpstr reads its arguments after
   * the full expression that made them. */
  std::vector<std::string> picked;
  auto pick = [&] (const char *tag) {
    picked.push_back (gemlive::server::pick_voice_language (tag, voices));
    return picked.back ().c_str ();
  };
  g_assert_cmpstr (pick ("de"), ==, "de");
  g_assert_cmpstr (pick ("de-DE"), ==, "de");       /* the primary language */
  g_assert_cmpstr (pick ("de_AT"), ==, "de");
  g_assert_cmpstr (pick ("fr"), ==, "fr-fr");       /* the first voice of it */
  g_assert_cmpstr (pick ("FR-be"), ==, "fr-be");    /* the same tag, any case */
  g_assert_cmpstr (pick ("pt-BR"), ==, "pt-br");
  g_assert_cmpstr (pick ("pt-PT"), ==, "pt");
  g_assert_cmpstr (pick ("zh-CN"), ==, "cmn");
  g_assert_cmpstr (pick ("es-MX"), ==, "es");
  g_assert_cmpstr (pick ("tlh"), ==, "");           /* no voice: the caller falls back */
  g_assert_cmpstr (pick (""), ==, "");
}

/* A translation is spoken by the target language's voice: the reply lasts
 * as long as espeak-ng renders its text in that voice, not in the default
 * English one. */
static void
test_translation_is_spoken_in_the_target_voice ()
{
  TempFile scenario (R"({"turns":[{"transcript":"What is the capital of France?"}]})",
      "scenario-XXXXXX.json");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  const struct {
    const char *tag, *voice;
  } targets[] = {{"de-DE", "de"}, {"nl", "nl"}};
  for (const auto &target : targets) {
    auto client = std::make_unique<WsClient> ();
    std::string error;
    g_assert_true (client->connect (server.endpoint () + kPath + "?key=test-key", error));
    client->send_text (std::string (R"({"setup":{"model":"models/gemini-3.5-live-translate-preview",)")
        + R"("generationConfig":{"responseModalities":["AUDIO"],"translationConfig":)"
        + R"({"targetLanguageCode":")" + target.tag + R"("}},"inputAudioTranscription":{},)"
        + R"("outputAudioTranscription":{}}})");
    g_assert_true (client->wait_until ([&] { return client->find ("setupComplete") >= 0; }));
    stream_wav (*client, "question-16k.wav");
    client->send_text (R"({"realtimeInput":{"audioStreamEnd":true}})");
    g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));

    std::vector<int16_t> reply;
    std::vector<std::string> fragments;
    collect_reply (*client, reply, fragments);
    std::string said;
    for (const auto &f : fragments)
      said += f;
    int rate = 0;
    const double ours = speech_seconds (reply, kReplyRate);
    const auto target_pcm = espeak_rendering (said, rate, target.voice);
    const double in_target = speech_seconds (target_pcm, rate);
    const auto english_pcm = espeak_rendering (said, rate);
    const double in_english = speech_seconds (english_pcm, rate);
    const double to_target = envelope_distance (reply, kReplyRate, target_pcm, rate);
    const double to_english = envelope_distance (reply, kReplyRate, english_pcm, rate);
    g_test_message ("%s: \"%s\": reply %.2f s, espeak-ng -v %s %.2f s (%.1f dB apart), "
        "-v en-us %.2f s (%.1f dB apart)", target.tag, said.c_str (), ours, target.voice,
        in_target, to_target, in_english, to_english);
    g_assert_cmpfloat (std::fabs (ours - in_target), <=, 0.05 * in_target);
    g_assert_cmpfloat (to_target, <, 3.0);
    g_assert_cmpfloat (to_english, >, 2 * to_target + 3.0);
  }
}

static void
test_reply_is_the_whole_sentence_espeak_speaks ()
{
  TempFile scenario (std::string ("{\"turns\":[{\"reply\":\"") + kSentence + "\"}]}",
      "scenario-XXXXXX.json");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = std::make_unique<WsClient> ();
  std::string error;
  g_assert_true (client->connect (server.endpoint () + kPath + "?key=test-key", error));
  client->send_text ("{\"setup\":{\"model\":\"" + kModel + "\",\"generationConfig\":"
                     "{\"responseModalities\":[\"AUDIO\"]},\"outputAudioTranscription\":{}}}");
  client->send_text ("{\"realtimeInput\":{\"text\":\"Tell me about Paris.\"}}");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));

  std::vector<int16_t> reply;
  std::vector<std::string> fragments;
  collect_reply (*client, reply, fragments);
  int espeak_rate = 0;
  const std::vector<int16_t> reference = espeak_rendering (kSentence, espeak_rate);

  /* The same length as espeak-ng's rendering, speech to speech (5 %). */
  const auto ours_levels = envelope (reply, kReplyRate);
  const auto ref_levels = envelope (reference, espeak_rate);
  const auto [ours_first, ours_last] = voiced_span (ours_levels);
  const auto [ref_first, ref_last] = voiced_span (ref_levels);
  const double ours_s = (ours_last - ours_first + 1) * kWindowS;
  const double ref_s = (ref_last - ref_first + 1) * kWindowS;
  g_test_message ("reply speech %.2f s, espeak-ng -w %.2f s", ours_s, ref_s);
  g_assert_cmpfloat (std::fabs (ours_s - ref_s), <=, 0.05 * ref_s);

  /* No holes: wherever espeak-ng's rendering is clearly voiced, the reply is
   * too at the same offset from the start of speech (one window of slack
   * for the resampling). A dropped 200 ms block silences or shifts everything
   * after it, so even one would fail here. */
  size_t holes = 0;
  for (size_t i = ref_first; i <= ref_last; i++) {
    if (ref_levels[i] < -30)
      continue;
    const size_t j = ours_first + (i - ref_first);
    double loudest = -200;
    for (size_t k = j > 0 ? j - 1 : 0; k <= j + 1 && k < ours_levels.size (); k++)
      loudest = std::max (loudest, ours_levels[k]);
    if (loudest < -45)
      holes++;
  }
  g_assert_cmpuint (holes, ==, 0);

  /* The fragments spell the sentence, each holding the words of its 80 ms
   * chunk: at espeak-ng's speed no chunk starts more than two words. */
  std::string said;
  for (const auto &f : fragments) {
    said += f;
    g_assert_cmpuint (word_count (f), <=, 2);
  }
  g_assert_cmpstr (said.c_str (), ==, kSentence);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/server/reply-is-the-whole-sentence-espeak-speaks",
      test_reply_is_the_whole_sentence_espeak_speaks);
  g_test_add_func ("/server/voice-is-picked-by-bcp47-tag", test_voice_is_picked_by_bcp47_tag);
  g_test_add_func ("/server/translation-is-spoken-in-the-target-voice",
      test_translation_is_spoken_in_the_target_voice);
  return g_test_run ();
}
