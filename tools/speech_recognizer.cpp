/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "speech_recognizer.h"

#include "deliver_on_context.h"

#ifdef HAVE_POCKETSPHINX
#include <pocketsphinx.h>
#endif

#include <algorithm>
#include <cmath>
#include <memory>

namespace gemlive::server {

namespace {

double
sinc (double x)
{
  if (std::fabs (x) < 1e-9)
    return 1.0;
  return std::sin (M_PI * x) / (M_PI * x);
}

}  // namespace

std::vector<int16_t>
resample_sinc (const std::vector<int16_t> &in, int in_rate, int out_rate)
{
  if (in.empty () || in_rate <= 0 || out_rate <= 0)
    return {};
  if (in_rate == out_rate)
    return in;
  /* Low-pass at 95 % of the lower Nyquist frequency, in cycles per input
   * sample; the kernel widens with the decimation ratio so the transition
   * band stays equally sharp. */
  const double ratio = std::min (1.0, static_cast<double> (out_rate) / in_rate);
  const double cutoff = 0.5 * ratio * 0.95;
  const int half_width = static_cast<int> (std::ceil (12.0 / ratio));
  const size_t out_len = static_cast<size_t> (
      static_cast<uint64_t> (in.size ()) * static_cast<uint64_t> (out_rate) / static_cast<uint64_t> (in_rate));
  const double step = static_cast<double> (in_rate) / out_rate;
  const long last = static_cast<long> (in.size ()) - 1;

  std::vector<int16_t> out (out_len);
  for (size_t i = 0; i < out_len; i++) {
    const double centre = i * step;
    const long first_tap = static_cast<long> (std::floor (centre)) - half_width + 1;
    double acc = 0, weight_sum = 0;
    for (long j = first_tap; j < first_tap + 2 * half_width; j++) {
      if (j < 0 || j > last)
        continue;
      const double x = j - centre;
      /* Blackman window over [-half_width, half_width]. */
      const double w = 0.42 + 0.5 * std::cos (M_PI * x / half_width) +
          0.08 * std::cos (2 * M_PI * x / half_width);
      const double h = 2 * cutoff * sinc (2 * cutoff * x) * w;
      acc += h * in[static_cast<size_t> (j)];
      weight_sum += h;
    }
    /* Normalising by the kernel's sum keeps unity gain at DC, also at the edges. */
    const double v = weight_sum > 1e-9 ? acc / weight_sum : 0.0;
    out[i] = static_cast<int16_t> (std::clamp (std::lround (v), -32768L, 32767L));
  }
  return out;
}

void
TurnAudio::feed (const int16_t *samples, size_t count, int rate, bool in_turn)
{
  if (count == 0 || rate <= 0)
    return;
  AudioChunk chunk;
  chunk.rate = rate;
  chunk.samples.assign (samples, samples + count);
  const int64_t ms = chunk.duration_ms ();
  if (in_turn && total_ms_ + ms > kMaxTurnMs) {
    /* Longer turns are cut: decoding minutes of audio would hold the worker
     * (and every other session's recognition) for too long. */
    truncated_ = true;
    return;
  }
  chunks_.push_back (std::move (chunk));
  total_ms_ += ms;
  if (in_turn)
    return;
  while (!chunks_.empty () && total_ms_ - chunks_.front ().duration_ms () >= kLeadInMs) {
    total_ms_ -= chunks_.front ().duration_ms ();
    chunks_.pop_front ();
  }
}

std::vector<AudioChunk>
TurnAudio::take ()
{
  std::vector<AudioChunk> out (std::make_move_iterator (chunks_.begin ()),
      std::make_move_iterator (chunks_.end ()));
  clear ();
  return out;
}

void
TurnAudio::clear ()
{
  chunks_.clear ();
  total_ms_ = 0;
  truncated_ = false;
}

/* The decoder; lives on the worker thread only. */
struct SpeechRecognizer::Engine {
#ifdef HAVE_POCKETSPHINX
  cmd_ln_t *config = nullptr;
  ps_decoder_t *decoder = nullptr;
#endif
  std::string init_error;

  Engine ()
  {
#ifdef HAVE_POCKETSPHINX
    const std::string model = POCKETSPHINX_MODELDIR "/en-us";
    const std::string hmm = model + "/en-us";
    const std::string lm = model + "/en-us.lm.bin";
    const std::string dict = model + "/cmudict-en-us.dict";
    /* pocketsphinx logs every decoder step to stderr; the server's stderr is for its own log. */
    config = cmd_ln_init (nullptr, ps_args (), TRUE, "-hmm", hmm.c_str (), "-lm", lm.c_str (),
        "-dict", dict.c_str (), "-samprate", "16000", "-logfn", "/dev/null", nullptr);
    if (config != nullptr)
      decoder = ps_init (config);
    if (decoder == nullptr)
      init_error = "pocketsphinx could not load its model from " + model +
          " (is pocketsphinx-en-us installed?)";
#else
    init_error = "gemini-live-server was built without pocketsphinx";
#endif
  }

  ~Engine ()
  {
#ifdef HAVE_POCKETSPHINX
    if (decoder != nullptr)
      ps_free (decoder);
    if (config != nullptr)
      cmd_ln_free_r (config);
#endif
  }

  Recognition run (const std::vector<AudioChunk> &audio)
  {
    Recognition result;
    if (!init_error.empty ()) {
      result.error = init_error;
      return result;
    }
#ifdef HAVE_POCKETSPHINX
    std::vector<int16_t> pcm;
    for (const AudioChunk &chunk : audio) {
      std::vector<int16_t> part = resample_sinc (chunk.samples, chunk.rate, kRecognizerRate);
      pcm.insert (pcm.end (), part.begin (), part.end ());
    }
    if (pcm.empty ())
      return result;
    if (ps_start_utt (decoder) < 0) {
      result.error = "pocketsphinx could not start an utterance";
      return result;
    }
    ps_process_raw (decoder, pcm.data (), pcm.size (), FALSE, TRUE);
    ps_end_utt (decoder);
    int32 score = 0;
    const char *hyp = ps_get_hyp (decoder, &score);
    if (hyp != nullptr)
      result.text = hyp;
#else
    (void) audio;
#endif
    return result;
  }
};

struct SpeechRecognizer::Job {
  std::vector<AudioChunk> audio;
  GMainContext *context = nullptr;
  Done done;
  bool quit = false;
};

bool
SpeechRecognizer::built ()
{
#ifdef HAVE_POCKETSPHINX
  return true;
#else
  return false;
#endif
}

SpeechRecognizer &
SpeechRecognizer::shared ()
{
  /* Destroyed at exit, which joins the worker after it finished its job. */
  static SpeechRecognizer instance;
  return instance;
}

SpeechRecognizer::SpeechRecognizer ()
{
  g_mutex_init (&ready_lock_);
  g_cond_init (&ready_cond_);
  jobs_ = g_async_queue_new ();
  worker_ = g_thread_new ("speech-recognizer", &SpeechRecognizer::worker_main, this);
}

SpeechRecognizer::~SpeechRecognizer ()
{
  auto quit = new Job ();
  quit->quit = true;
  g_async_queue_push (jobs_, quit);
  g_thread_join (worker_);
  g_async_queue_unref (jobs_);
  g_cond_clear (&ready_cond_);
  g_mutex_clear (&ready_lock_);
}

void
SpeechRecognizer::wait_until_ready ()
{
  g_mutex_lock (&ready_lock_);
  while (!ready_)
    g_cond_wait (&ready_cond_, &ready_lock_);
  g_mutex_unlock (&ready_lock_);
}

void
SpeechRecognizer::recognize (std::vector<AudioChunk> audio, GMainContext *context, Done done)
{
  auto job = new Job ();
  job->audio = std::move (audio);
  job->context = g_main_context_ref (context);
  job->done = std::move (done);
  g_async_queue_push (jobs_, job);
}

gpointer
SpeechRecognizer::worker_main (gpointer data)
{
  auto self = static_cast<SpeechRecognizer *> (data);
  /* Loading the model takes a second or more: done here, never on the main loop. */
  auto engine = std::make_unique<Engine> ();
  g_mutex_lock (&self->ready_lock_);
  self->ready_ = true;
  g_cond_broadcast (&self->ready_cond_);
  g_mutex_unlock (&self->ready_lock_);
  while (true) {
    std::unique_ptr<Job> job (static_cast<Job *> (g_async_queue_pop (self->jobs_)));
    if (job->quit)
      break;
    deliver_on_context (job->context, std::move (job->done), engine->run (job->audio));
    g_main_context_unref (job->context);
  }
  return nullptr;
}

}  // namespace gemlive::server
