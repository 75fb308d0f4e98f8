/* gst-gemini-live: micro-benchmark of the codec's per-frame hot paths alone:
 * the server-frame decoder and the microphone-frame encoder
 * (docs/performance.md, "Codec hot paths").
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench/decode-bench [--iterations N] [--rounds R] [--shape NAME]
 *
 * Decodes the same frames over and over in one thread and prints the median
 * over R rounds of the thread CPU nanoseconds per frame, one line per shape:
 * - audio: the dominant frame, one 100 ms part of 24 kHz S16LE audio
 *   (4800 bytes, 6400 base64 characters), compact JSON as json-glib writes it;
 * - audio+usage: the same with usageMetadata beside it, a shape no fast path
 *   takes (so it measures the general json-glib decoder);
 * - transcription: a small outputTranscription frame;
 * - mic-frame: encoding, not decoding: encode_realtime_audio of one 40 ms
 *   buffer of 16 kHz S16LE (1280 bytes), what every microphone buffer costs.
 * --shape runs one shape only, e.g. to count instructions, which no load
 * disturbs: valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect='*measure*' bench/decode-bench --shape audio
 * --iterations 1000 --rounds 1 (then Ir / 1100 decodes, warm-up included).
 * Not a test: the numbers depend on the machine and its load.
 */
#include "live/protocol.h"

#include <glib.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr size_t SAMPLES_PER_FRAME = 2400;  /* 100 ms at 24 kHz */

std::string
base64_of_audio ()
{
  std::vector<guint8> pcm (SAMPLES_PER_FRAME * 2);
  for (size_t i = 0; i < pcm.size (); i++)
    pcm[i] = static_cast<guint8> ((i * 37 + 11) & 0xff);  /* arbitrary, not silence */
  gchar *text = g_base64_encode (pcm.data (), pcm.size ());
  std::string out = text;
  g_free (text);
  return out;
}

std::string
audio_frame (const std::string &b64)
{
  return "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":"
         "\"audio/pcm;rate=24000\",\"data\":\"" + b64 + "\"}}]}}}";
}

std::string
audio_usage_frame (const std::string &b64)
{
  return "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":"
         "\"audio/pcm;rate=24000\",\"data\":\"" + b64 + "\"}}]}},\"usageMetadata\":"
         "{\"promptTokenCount\":12,\"responseTokenCount\":30,\"totalTokenCount\":42,"
         "\"responseTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":30}]}}";
}

const char TRANSCRIPTION_FRAME[] =
    "{\"serverContent\":{\"outputTranscription\":{\"text\":\"Hello, how can I help?\"}}}";

/* CPU time of this thread: on a shared, loaded machine wall time measures the
 * neighbours as much as the decoder. */
double
thread_cpu_ns ()
{
  timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Median CPU ns per frame over `rounds` rounds of `iterations` encodes. */
double
measure_encode (const std::vector<guint8> &pcm, int iterations, int rounds)
{
  std::vector<double> per_frame;
  size_t sink = 0;
  for (int r = 0; r < rounds; r++) {
    double start = thread_cpu_ns ();
    for (int i = 0; i < iterations; i++)
      sink += gemlive::encode_realtime_audio (pcm.data (), pcm.size (), 16000).size ();
    per_frame.push_back ((thread_cpu_ns () - start) / iterations);
  }
  if (sink == 0)
    exit (1);
  std::sort (per_frame.begin (), per_frame.end ());
  return per_frame[per_frame.size () / 2];
}

/* Median CPU ns per frame over `rounds` rounds of `iterations` decodes. */
double
measure (const std::string &frame, int iterations, int rounds)
{
  std::vector<double> per_frame;
  size_t sink = 0;
  for (int r = 0; r < rounds; r++) {
    double start = thread_cpu_ns ();
    for (int i = 0; i < iterations; i++) {
      gemlive::DecodeResult result = gemlive::decode_server_message (frame.data (), frame.size ());
      if (!result.message) {
        fprintf (stderr, "decode-bench: the frame was refused: %s\n", result.error.c_str ());
        exit (1);
      }
      sink += result.message->audio.size () + result.message->texts.size ();
    }
    per_frame.push_back ((thread_cpu_ns () - start) / iterations);
  }
  if (sink == 0 && frame.find ("inlineData") != std::string::npos) {
    fprintf (stderr, "decode-bench: no audio decoded\n");
    exit (1);
  }
  std::sort (per_frame.begin (), per_frame.end ());
  return per_frame[per_frame.size () / 2];
}

int
parse_count (const char *text, const char *option)
{
  guint64 value = 0;
  if (!text || !g_ascii_string_to_unsigned (text, 10, 1, 100000000, &value, nullptr)) {
    fprintf (stderr, "decode-bench: %s needs a positive number\n", option);
    exit (2);
  }
  return static_cast<int> (value);
}

}  // namespace

int
main (int argc, char **argv)
{
  int iterations = 20000;
  int rounds = 7;
  const char *only_shape = nullptr;
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--iterations") == 0)
      iterations = parse_count (i + 1 < argc ? argv[++i] : nullptr, "--iterations");
    else if (strcmp (argv[i], "--rounds") == 0)
      rounds = parse_count (i + 1 < argc ? argv[++i] : nullptr, "--rounds");
    else if (strcmp (argv[i], "--shape") == 0 && i + 1 < argc)
      only_shape = argv[++i];
    else {
      fprintf (stderr, "usage: %s [--iterations N] [--rounds R] [--shape audio|audio+usage|"
          "transcription|mic-frame]\n", argv[0]);
      return 2;
    }
  }

  std::string b64 = base64_of_audio ();
  struct Shape {
    const char *name;
    std::string frame;
  } shapes[] = {
    {"audio", audio_frame (b64)},
    {"audio+usage", audio_usage_frame (b64)},
    {"transcription", TRANSCRIPTION_FRAME},
  };
  for (const auto &shape : shapes) {
    if (only_shape && strcmp (only_shape, shape.name) != 0)
      continue;
    measure (shape.frame, iterations / 10, 1);  /* warm caches and the allocator */
    double ns = measure (shape.frame, iterations, rounds);
    printf ("{\"impl\":\"decode\",\"shape\":\"%s\",\"frame_bytes\":%zu,\"cpu_ns_per_frame\":%.0f,"
            "\"iterations\":%d,\"rounds\":%d}\n",
        shape.name, shape.frame.size (), ns, iterations, rounds);
  }
  if (!only_shape || strcmp (only_shape, "mic-frame") == 0) {
    std::vector<guint8> pcm (1280);
    for (size_t i = 0; i < pcm.size (); i++)
      pcm[i] = static_cast<guint8> ((i * 29 + 5) & 0xff);
    measure_encode (pcm, iterations / 10, 1);
    double ns = measure_encode (pcm, iterations, rounds);
    printf ("{\"impl\":\"encode\",\"shape\":\"mic-frame\",\"pcm_bytes\":%zu,"
            "\"cpu_ns_per_frame\":%.0f,\"iterations\":%d,\"rounds\":%d}\n",
        pcm.size (), ns, iterations, rounds);
  }
  return 0;
}
