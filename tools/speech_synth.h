/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reply speech from libespeak-ng, as 24 kHz S16LE mono PCM with the audio time
 * at which each word starts. espeak-ng's API is not thread-safe, so every call
 * into it happens on one worker thread; results go back to the main context
 * with g_main_context_invoke, so synthesis never stalls other sessions.
 */
#pragma once

#include <glib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gemlive::server {

constexpr int kReplyRate = 24000;

struct SpokenWord {
  std::string text;  /* the word as written, with its trailing space if any */
  int64_t start_sample = 0;  /* at kReplyRate */
};

struct SynthResult {
  std::vector<int16_t> pcm;  /* kReplyRate Hz, mono */
  std::vector<SpokenWord> words;
  std::string voice_language;  /* the espeak-ng voice language spoken, e.g. "de" */
  std::string error;  /* non-empty when synthesis failed */
};

/* The voice that speaks BCP-47 `language` among espeak-ng's voice
 * languages (`available`, as espeak-ng names them: "de", "fr-fr", "pt-br",
 * "cmn"): the same tag, else its primary language, else the first voice of
 * that language ("fr" -> "fr-fr"); Chinese ("zh") is espeak-ng's "cmn".
 * Matching ignores case and '_' vs '-'. Empty when no voice speaks it. */
std::string pick_voice_language (const std::string &language,
    const std::vector<std::string> &available);

/* What replies are spoken in when no language is asked for or none fits. */
constexpr const char *kDefaultVoiceLanguage = "en-us";

/* Linear-interpolation resampling of mono S16 PCM (every input sample
 * contributes; nothing is dropped). */
std::vector<int16_t> resample_linear (const std::vector<int16_t> &in, int in_rate, int out_rate);

class SpeechSynth {
public:
  using Done = std::function<void (SynthResult)>;

  SpeechSynth ();
  ~SpeechSynth ();
  SpeechSynth (const SpeechSynth &) = delete;
  SpeechSynth &operator= (const SpeechSynth &) = delete;

  /* Queues `text`, spoken in BCP-47 `language` (empty: the default voice;
   * a language no voice speaks: the default voice too, said in
   * SynthResult::voice_language); `done` runs later on `context` (the
   * caller's main context). */
  void synthesize (const std::string &text, const std::string &language, GMainContext *context,
      Done done);

private:
  struct Job;
  static gpointer worker_main (gpointer data);
  SynthResult run (const std::string &text, const std::string &language);
  /* Worker only: switches espeak-ng to the voice for `language`. */
  std::string select_voice (const std::string &language);

  GAsyncQueue *jobs_ = nullptr;
  GThread *worker_ = nullptr;
  int espeak_rate_ = 0;  /* 0 until initialised on the worker */
  std::string init_error_;
  /* Worker only */
  std::vector<std::string> voice_languages_;  /* every language a voice speaks */
  std::string current_voice_;
};

}  // namespace gemlive::server
