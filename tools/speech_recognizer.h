/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input speech recognition for gemini-live-server (meson option
 * `pocketsphinx`). A session collects the audio of a user turn in a
 * TurnAudio; at the end of the turn SpeechRecognizer resamples it to the
 * 16 kHz pocketsphinx's acoustic model expects and decodes it on its own
 * worker thread, so a long decode never stalls the main loop that serves
 * every other session. The result goes back to the caller's main context.
 * Built without pocketsphinx, SpeechRecognizer::built () is false and the
 * server keeps taking input transcriptions from the scenario only.
 */
#pragma once

#include <glib.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace gemlive::server {

constexpr int kRecognizerRate = 16000;

/* Band-limited (windowed-sinc) resampling of mono S16 PCM: unlike linear
 * interpolation it filters out what the lower rate cannot represent, so
 * 48 kHz speech does not alias into the band the recognizer listens to. */
std::vector<int16_t> resample_sinc (const std::vector<int16_t> &in, int in_rate, int out_rate);

/* One chunk of client audio at its declared rate. */
struct AudioChunk {
  int rate = 0;
  std::vector<int16_t> samples;
  int64_t duration_ms () const { return rate > 0 ? static_cast<int64_t> (samples.size ()) * 1000 / rate : 0; }
};

/* The audio of the current user turn plus a short lead-in: the VAD commits
 * the start of speech only after some voiced audio, and the first word is
 * in that audio. Bounded both ways so a session cannot grow it without end. */
class TurnAudio {
public:
  static constexpr int64_t kLeadInMs = 1000;
  static constexpr int64_t kMaxTurnMs = 30000;

  /* Appends a chunk; outside a turn only the last kLeadInMs are kept. */
  void feed (const int16_t *samples, size_t count, int rate, bool in_turn);
  /* Hands over everything collected and starts empty. */
  std::vector<AudioChunk> take ();
  void clear ();
  int64_t duration_ms () const { return total_ms_; }
  bool truncated () const { return truncated_; }

private:
  std::deque<AudioChunk> chunks_;
  int64_t total_ms_ = 0;
  bool truncated_ = false;
};

struct Recognition {
  std::string text;   /* lower-case words as recognized; empty when nothing was heard */
  std::string error;  /* non-empty when the recognizer could not run */
};

class SpeechRecognizer {
public:
  using Done = std::function<void (Recognition)>;

  /* Whether gemini-live-server was built with pocketsphinx. */
  static bool built ();
  /* The process-wide recognizer (one decoder, one worker thread), created on
   * first use. Only valid when built (). */
  static SpeechRecognizer &shared ();

  SpeechRecognizer ();
  ~SpeechRecognizer ();
  SpeechRecognizer (const SpeechRecognizer &) = delete;
  SpeechRecognizer &operator= (const SpeechRecognizer &) = delete;

  /* Blocks until the model is loaded (or failed to load): the server calls
   * it before it reports its address, so no turn waits for the model. */
  void wait_until_ready ();

  /* Queues a turn's audio; `done` runs later on `context`. */
  void recognize (std::vector<AudioChunk> audio, GMainContext *context, Done done);

private:
  struct Job;
  struct Engine;
  static gpointer worker_main (gpointer data);

  GAsyncQueue *jobs_ = nullptr;
  GThread *worker_ = nullptr;
  GMutex ready_lock_;
  GCond ready_cond_;
  bool ready_ = false;
};

}  // namespace gemlive::server
