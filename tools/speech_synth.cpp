/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "speech_synth.h"

#include "deliver_on_context.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace gemlive::server {

struct SpeechSynth::Job {
  std::string text;
  std::string language;
  GMainContext *context = nullptr;
  Done done;
  bool quit = false;
};

namespace {

/* What espeak's callback collects for one utterance. */
struct Capture {
  std::vector<int16_t> pcm;
  std::vector<std::pair<int, int>> word_events;  /* (0-based char position, audio ms) */
};

/* The utterance being synthesized. Only the worker thread calls espeak-ng, so
 * one pointer owned by that thread finds it. The events cannot: espeak-ng
 * hands over many blocks whose event list holds nothing but the terminator,
 * and those blocks carry audio too (dropping them chopped every reply). */
thread_local Capture *current_capture = nullptr;

int
on_synth (short *wav, int numsamples, espeak_EVENT *events)
{
  Capture *capture = current_capture;
  if (capture == nullptr)
    return 0;
  for (espeak_EVENT *e = events; e != nullptr && e->type != espeakEVENT_LIST_TERMINATED; e++) {
    if (e->type == espeakEVENT_WORD)
      capture->word_events.emplace_back (e->text_position - 1, e->audio_position);
  }
  if (wav != nullptr && numsamples > 0)
    capture->pcm.insert (capture->pcm.end (), wav, wav + numsamples);
  return 0;
}

/* Splits on spaces, keeping each word's trailing whitespace so the fragments
 * concatenate back to the original text; records character offsets. */
std::vector<std::pair<std::string, int>>
split_words (const std::string &text)
{
  std::vector<std::pair<std::string, int>> words;
  const gchar *p = text.c_str ();
  int char_index = 0;
  std::string current;
  int current_start = 0;
  bool in_space = false;
  while (*p != '\0') {
    const gchar *next = g_utf8_next_char (p);
    bool space = g_unichar_isspace (g_utf8_get_char (p));
    if (!space && in_space && !current.empty ()) {
      words.emplace_back (current, current_start);
      current.clear ();
    }
    if (current.empty ())
      current_start = char_index;
    current.append (p, next - p);
    in_space = space;
    p = next;
    char_index++;
  }
  if (!current.empty ())
    words.emplace_back (current, current_start);
  return words;
}

std::string
normalised_tag (const std::string &tag)
{
  gchar *lower = g_ascii_strdown (tag.c_str (), -1);
  std::string out (lower);
  g_free (lower);
  std::replace (out.begin (), out.end (), '_', '-');
  return out;
}

/* Every language the installed voices speak, as espeak-ng lists them: each
 * voice's `languages` is a run of (priority byte, NUL-terminated name). */
std::vector<std::string>
list_voice_languages ()
{
  std::vector<std::string> out;
  const espeak_VOICE **voices = espeak_ListVoices (nullptr);
  for (size_t v = 0; voices != nullptr && voices[v] != nullptr; v++) {
    const char *p = voices[v]->languages;
    while (p != nullptr && *p != '\0') {
      const char *name = p + 1;  /* after the priority byte */
      if (*name != '\0')
        out.emplace_back (name);
      p = name + strlen (name) + 1;
    }
  }
  return out;
}

}  // namespace

std::string
pick_voice_language (const std::string &language, const std::vector<std::string> &available)
{
  std::string wanted = normalised_tag (language);
  if (wanted.empty ())
    return "";
  std::string primary = wanted.substr (0, wanted.find ('-'));
  if (primary == "zh")
    primary = "cmn";
  auto find = [&available] (auto matches) -> std::string {
    for (const auto &name : available)
      if (matches (normalised_tag (name)))
        return name;
    return "";
  };
  std::string exact = find ([&] (const std::string &n) { return n == wanted; });
  if (exact.empty ())
    exact = find ([&] (const std::string &n) { return n == primary; });
  if (exact.empty ())
    exact = find ([&] (const std::string &n) { return n.rfind (primary + "-", 0) == 0; });
  return exact;
}

std::vector<int16_t>
resample_linear (const std::vector<int16_t> &in, int in_rate, int out_rate)
{
  if (in.empty () || in_rate <= 0 || out_rate <= 0)
    return {};
  if (in_rate == out_rate)
    return in;
  const size_t out_len = static_cast<size_t> (
      (static_cast<uint64_t> (in.size ()) * out_rate + in_rate - 1) / in_rate);
  std::vector<int16_t> out (out_len);
  const double step = static_cast<double> (in_rate) / out_rate;
  for (size_t i = 0; i < out_len; i++) {
    const double pos = i * step;
    const size_t i0 = std::min (static_cast<size_t> (pos), in.size () - 1);
    const size_t i1 = std::min (i0 + 1, in.size () - 1);
    const double frac = pos - static_cast<double> (i0);
    const double v = in[i0] + (in[i1] - in[i0]) * frac;
    out[i] = static_cast<int16_t> (std::clamp (std::lround (v), -32768L, 32767L));
  }
  return out;
}

SpeechSynth::SpeechSynth ()
{
  jobs_ = g_async_queue_new ();
  worker_ = g_thread_new ("speech-synth", &SpeechSynth::worker_main, this);
}

SpeechSynth::~SpeechSynth ()
{
  auto quit = new Job ();
  quit->quit = true;
  g_async_queue_push (jobs_, quit);
  g_thread_join (worker_);
  g_async_queue_unref (jobs_);
}

void
SpeechSynth::synthesize (const std::string &text, const std::string &language,
    GMainContext *context, Done done)
{
  auto job = new Job ();
  job->text = text;
  job->language = language;
  job->context = g_main_context_ref (context);
  job->done = std::move (done);
  g_async_queue_push (jobs_, job);
}

gpointer
SpeechSynth::worker_main (gpointer data)
{
  auto self = static_cast<SpeechSynth *> (data);
  /* espeak-ng is initialised here, on the only thread that ever calls it. */
  self->espeak_rate_ = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr, 0);
  if (self->espeak_rate_ <= 0) {
    self->init_error_ = "espeak-ng could not be initialised (is espeak-ng-data installed?)";
  } else {
    espeak_SetSynthCallback (on_synth);
    self->voice_languages_ = list_voice_languages ();
    self->select_voice ("");
  }

  while (true) {
    auto job = static_cast<Job *> (g_async_queue_pop (self->jobs_));
    if (job->quit) {
      delete job;
      break;
    }
    deliver_on_context (job->context, std::move (job->done),
        self->run (job->text, job->language));
    g_main_context_unref (job->context);
    delete job;
  }
  if (self->espeak_rate_ > 0)
    espeak_Terminate ();
  return nullptr;
}

std::string
SpeechSynth::select_voice (const std::string &language)
{
  std::string voice = pick_voice_language (language, voice_languages_);
  if (voice.empty ())
    voice = kDefaultVoiceLanguage;
  if (voice == current_voice_)
    return voice;
  /* By name first, as `espeak-ng -v <language>` does; a language only some
   * voice lists among others: by properties. */
  espeak_VOICE wanted {};
  wanted.languages = voice.c_str ();
  if (espeak_SetVoiceByName (voice.c_str ()) != EE_OK
      && espeak_SetVoiceByProperties (&wanted) != EE_OK && espeak_SetVoiceByName ("en") == EE_OK)
    voice = "en";
  current_voice_ = voice;
  return voice;
}

SynthResult
SpeechSynth::run (const std::string &text, const std::string &language)
{
  SynthResult result;
  if (espeak_rate_ <= 0) {
    result.error = init_error_;
    return result;
  }
  result.voice_language = select_voice (language);
  Capture capture;
  current_capture = &capture;
  espeak_ERROR status = espeak_Synth (text.c_str (), text.size () + 1, 0, POS_CHARACTER, 0,
      espeakCHARS_UTF8, nullptr, nullptr);
  current_capture = nullptr;
  if (status != EE_OK) {
    result.error = "espeak-ng failed to synthesize the reply (error " + std::to_string (status) + ")";
    return result;
  }
  result.pcm = resample_linear (capture.pcm, espeak_rate_, kReplyRate);

  /* Give every written word the audio time of the first espeak word event that
   * falls inside it; words espeak did not mark inherit the previous time. */
  auto words = split_words (text);
  int64_t last_sample = 0;
  for (size_t w = 0; w < words.size (); w++) {
    const int begin = words[w].second;
    const int end = w + 1 < words.size () ? words[w + 1].second : G_MAXINT;
    int64_t start = -1;
    for (const auto &[pos, ms] : capture.word_events) {
      if (pos >= begin && pos < end) {
        start = static_cast<int64_t> (ms) * kReplyRate / 1000;
        break;
      }
    }
    if (start < last_sample)
      start = last_sample;
    start = std::min<int64_t> (start, static_cast<int64_t> (result.pcm.size ()));
    last_sample = start;
    result.words.push_back ({words[w].first, start});
  }
  return result;
}

}  // namespace gemlive::server
