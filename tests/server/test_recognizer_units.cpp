/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pieces in front of the recognizer: band-limited resampling to 16 kHz
 * and the bounded turn-audio buffer.
 */
#include "speech_recognizer.h"

#include <cmath>

using namespace gemlive::server;

namespace {

std::vector<int16_t>
tone (double hz, int rate, double seconds, double amplitude = 10000)
{
  std::vector<int16_t> out (static_cast<size_t> (rate * seconds));
  for (size_t i = 0; i < out.size (); i++)
    out[i] = static_cast<int16_t> (amplitude * std::sin (2 * M_PI * hz * i / rate));
  return out;
}

/* RMS over the middle half, away from the edges. */
double
middle_rms (const std::vector<int16_t> &pcm)
{
  double sum = 0;
  const size_t from = pcm.size () / 4, to = pcm.size () * 3 / 4;
  for (size_t i = from; i < to; i++)
    sum += static_cast<double> (pcm[i]) * pcm[i];
  return std::sqrt (sum / static_cast<double> (to - from));
}

int
zero_crossings (const std::vector<int16_t> &pcm)
{
  int n = 0;
  for (size_t i = 1; i < pcm.size (); i++)
    if ((pcm[i - 1] < 0) != (pcm[i] < 0))
      n++;
  return n;
}

}  // namespace

static void
test_speech_band_tone_keeps_level_and_pitch ()
{
  for (int rate : {8000, 22050, 44100, 48000}) {
    auto in = tone (440, rate, 1.0);
    auto out = resample_sinc (in, rate, kRecognizerRate);
    g_assert_cmpint (std::abs (static_cast<long> (out.size ()) - kRecognizerRate), <=, 1);
    const double ratio = middle_rms (out) / middle_rms (in);
    g_assert_cmpfloat (ratio, >, 0.97);
    g_assert_cmpfloat (ratio, <, 1.03);
    /* 440 Hz: 880 zero crossings per second whatever the rate. */
    g_assert_cmpint (std::abs (zero_crossings (out) - 880), <=, 4);
  }
}

static void
test_tone_above_new_nyquist_is_filtered_not_aliased ()
{
  /* 11 kHz at 48 kHz would fold to 5 kHz at 16 kHz (right in the speech
   * band) if samples were merely dropped or interpolated. */
  auto in = tone (11000, 48000, 1.0);
  auto out = resample_sinc (in, 48000, kRecognizerRate);
  const double attenuation_db = 20 * std::log10 (middle_rms (out) / middle_rms (in));
  g_test_message ("11 kHz tone attenuated by %.1f dB", -attenuation_db);
  g_assert_cmpfloat (attenuation_db, <, -40);
}

static void
test_turn_audio_keeps_lead_in_and_bounds_the_turn ()
{
  TurnAudio audio;
  const std::vector<int16_t> chunk (1600, 100);  /* 100 ms at 16 kHz */
  for (int i = 0; i < 30; i++)
    audio.feed (chunk.data (), chunk.size (), 16000, false);
  /* Outside a turn only about a second of lead-in is kept. */
  g_assert_cmpint (audio.duration_ms (), <=, TurnAudio::kLeadInMs + 100);
  g_assert_cmpint (audio.duration_ms (), >=, TurnAudio::kLeadInMs - 100);
  for (int i = 0; i < 20; i++)
    audio.feed (chunk.data (), chunk.size (), 16000, true);
  g_assert_cmpint (audio.duration_ms (), >=, 2900);
  auto taken = audio.take ();
  g_assert_cmpint (audio.duration_ms (), ==, 0);
  g_assert_cmpuint (taken.size (), >=, 29u);

  /* A turn never grows past the limit; it is marked truncated. */
  for (int i = 0; i < 400; i++)
    audio.feed (chunk.data (), chunk.size (), 16000, true);
  g_assert_cmpint (audio.duration_ms (), <=, TurnAudio::kMaxTurnMs);
  g_assert_true (audio.truncated ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/recognizer/speech-band-tone-keeps-level-and-pitch",
      test_speech_band_tone_keeps_level_and_pitch);
  g_test_add_func ("/recognizer/tone-above-new-nyquist-is-filtered-not-aliased",
      test_tone_above_new_nyquist_is_filtered_not_aliased);
  g_test_add_func ("/recognizer/turn-audio-keeps-lead-in-and-bounds-the-turn",
      test_turn_audio_keeps_lead_in_and_bounds_the_turn);
  return g_test_run ();
}
