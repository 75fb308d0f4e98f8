/* gst-gemini-live echo tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Talking over speakers, with an acoustic echo path built in the test: the
 * reply the "speaker" plays (an appsink that syncs like any audio sink and
 * reports a device delay of 30-120 ms) comes back into the "microphone" (a
 * live appsrc fed by a room simulation every 10 ms) that much later, 10 dB
 * down, beside the user's own voice.
 * Against gemini-live-server in real-time mode, whose voice detection barges
 * in when it hears speech while the reply still plays:
 * - without echo cancellation the server hears the echo and interrupts the
 *   reply (the control case, the reason --mic needs more than a microphone);
 * - with webrtcdsp on the capture path and webrtcechoprobe before the speaker,
 *   both at 48 kHz (as gemini-converse --mic runs them), the reply plays to
 *   its end;
 * - with echo cancellation, a real voice mixed in during the reply still
 *   interrupts it;
 * - with half-duplex=true and no echo canceller, the service hears silence
 *   while the reply plays (until the speaker has played it), so the echo
 *   cannot interrupt it: in geminilive and in a geminilivesink +
 *   geminilivesrc pair.
 */
#include "local_server.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

#include <glib/gstdio.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using gemlive::test::LocalServer;
using gemlive::test::test_data_path;

namespace {

constexpr int kMicRate = 16000;      /* the room's time base and the test voice's rate */
constexpr int kSpeakerRate = 48000;  /* playback, and webrtcdsp's rate (it must equal the probe's) */
constexpr int kChunkMs = 10;         /* webrtcdsp's own frame */
constexpr int kChunk = kMicRate * kChunkMs / 1000;
/* A microphone hands over each 10 ms when its period (20 ms here, like
 * alsasrc latency-time=20000) is done, and reports that as its latency. */
constexpr GstClockTime kMicLatency = 20 * GST_MSECOND;

const char *const kReply =
    "Paris is the capital of France. It lies on the river Seine, in the north of the country, "
    "and it has been the seat of the government for a very long time.";

std::vector<int16_t>
wav_samples_16k (const std::string &path)
{
  std::ifstream in (path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf ();
  const std::string wav = s.str ();
  g_assert_cmpuint (wav.size (), >, 44);
  for (size_t pos = 12; pos + 8 <= wav.size ();) {
    guint32 len;
    std::memcpy (&len, wav.data () + pos + 4, 4);
    if (wav.compare (pos, 4, "fmt ") == 0) {
      guint32 rate;
      std::memcpy (&rate, wav.data () + pos + 12, 4);
      g_assert_cmpuint (rate, ==, kMicRate);
    }
    if (wav.compare (pos, 4, "data") == 0) {
      std::vector<int16_t> pcm (std::min<size_t> (len, wav.size () - pos - 8) / 2);
      std::memcpy (pcm.data (), wav.data () + pos + 8, pcm.size () * 2);
      return pcm;
    }
    pos += 8 + len + (len & 1);
  }
  g_error ("no data chunk in %s", path.c_str ());
  return {};
}

struct RoomSetup {
  bool echo_cancellation = false;
  /* The speaker's own delay from render to sound, reported as its latency
   * (render-delay), as pulsesink and alsasink report their device's. */
  int device_delay_ms = 60;
  /* Delay on top that nothing reports: sound travel (34 cm per ms). webrtcdsp
   * trusts the reported latency: measured here (with 60 ms reported), 30 ms
   * unreported leaves a 90 ms burst at -33 to -41 dBFS as the reply starts,
   * long enough for the server's detection (60 ms above -42 dBFS) to fire;
   * 60 ms leaks at -28 to -42 dBFS throughout; 120 ms is not cancelled (-25
   * to -41 dBFS); delay-agnostic=true did not converge within 8 s
   * (docs/microphone.md). */
  int unreported_delay_ms = 1;
  double echo_gain = 0.3;          /* about -10 dB: a laptop's speaker to its microphone */
  double barge_in_after_s = -1;    /* the user speaks again this far into the reply; <0: never */
  bool half_duplex = false;
  /* geminilivesink + geminilivesrc sharing a session instead of geminilive. */
  bool pair = false;
  std::string model;  /* empty: the element's default */
  /* Once this much reply has played and the speaker has been quiet for
   * 500 ms, the user speaks again (<0: never); the test then waits for the
   * second turn's end too. */
  double speak_again_after_reply_s = -1;
};

/* The room: what the speaker played, and what the microphone hears. */
class Room {
public:
  explicit Room (const RoomSetup &setup) : setup_ (setup)
  {
    voice_ = wav_samples_16k (test_data_path ("question-16k.wav"));
  }

  /* The speaker (appsink, sync=true) rendered `buffer`: 48 kHz S16 mono,
   * brought to 16 kHz by a 3-sample mean (a linear filter, as a room is). An
   * audio sink renders running time T at T + latency - render-delay, and its
   * device sounds it render-delay later: at `running_pts` + `latency`. */
  void played (GstBuffer *buffer, GstClockTime running_pts, GstClockTime latency)
  {
    GstMapInfo map;
    if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
      return;
    const auto *in = reinterpret_cast<const int16_t *> (map.data);
    const size_t n = map.size / 2;
    std::lock_guard<std::mutex> lock (lock_);
    size_t at = static_cast<size_t> (
        gst_util_uint64_scale (running_pts + latency, kMicRate, GST_SECOND));
    for (size_t i = 0; i + 2 < n; i += 3, at++) {
      if (played_.size () <= at)
        played_.resize (at + 1, 0);
      played_[at] = static_cast<int16_t> ((in[i] + in[i + 1] + in[i + 2]) / 3);
      reply_samples_++;
    }
    gst_buffer_unmap (buffer, &map);
  }

  /* The microphone's samples [start, start + kChunk): the user's voice plus
   * the echo of what the speaker sounded unreported_delay_ms earlier. */
  std::vector<int16_t> capture (size_t start)
  {
    std::vector<int16_t> out (kChunk, 0);
    const size_t question_at = kMicRate / 2;
    std::lock_guard<std::mutex> lock (lock_);
    const double reply_s = static_cast<double> (reply_samples_) / kMicRate;
    if (setup_.barge_in_after_s >= 0 && barge_in_at_ == 0 && reply_s >= setup_.barge_in_after_s)
      barge_in_at_ = start;
    if (setup_.speak_again_after_reply_s >= 0 && barge_in_at_ == 0
        && reply_s >= setup_.speak_again_after_reply_s && start > played_.size () + kMicRate / 2)
      barge_in_at_ = start;
    const size_t delay = static_cast<size_t> (setup_.unreported_delay_ms) * kMicRate / 1000;
    for (int i = 0; i < kChunk; i++) {
      const size_t t = start + i;
      double v = 0;
      if (t >= question_at && t - question_at < voice_.size ())
        v += voice_[t - question_at];
      if (barge_in_at_ != 0 && t - barge_in_at_ < voice_.size ())
        v += voice_[t - barge_in_at_];
      if (t >= delay && t - delay < played_.size ())
        v += setup_.echo_gain * played_[t - delay];
      out[i] = static_cast<int16_t> (std::clamp (std::lround (v), -32768L, 32767L));
    }
    return out;
  }

  double reply_seconds ()
  {
    std::lock_guard<std::mutex> lock (lock_);
    return static_cast<double> (reply_samples_) / kMicRate;
  }

private:
  RoomSetup setup_;
  std::vector<int16_t> voice_;
  std::mutex lock_;
  std::vector<int16_t> played_;  /* 16 kHz, indexed by the running time it sounded */
  size_t reply_samples_ = 0;
  size_t barge_in_at_ = 0;
};

struct Outcome {
  bool interrupted = false;
  bool turn_complete = false;  /* the first reply's */
  int turns_complete = 0;
  double reply_s = 0;
  std::string error;
};

GstFlowReturn
on_played (GstAppSink *sink, gpointer data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);
  if (sample == nullptr)
    return GST_FLOW_EOS;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstClockTime pts = gst_segment_to_running_time (gst_sample_get_segment (sample),
      GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  if (GST_CLOCK_TIME_IS_VALID (pts))
    static_cast<Room *> (data)->played (buffer, pts, gst_base_sink_get_latency (GST_BASE_SINK (sink)));
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* The conversation element(s) up to the link into the speaker's path. */
std::string
element_settings (const RoomSetup &setup, const std::string &endpoint)
{
  std::string settings = "api-key=test-key endpoint=" + endpoint
      + (setup.half_duplex ? " half-duplex=true" : "")
      + (setup.model.empty () ? "" : " model=" + setup.model);
  if (setup.pair)
    return "geminilivesink session=echo-room " + settings
        + "  geminilivesrc session=echo-room ! ";
  return "geminilive name=live " + settings + " ! ";
}

/* One conversation in the room: the question, then the reply and whatever
 * the microphone hears meanwhile, until the first reply ended either way. */
Outcome
converse_in_room (const RoomSetup &setup)
{
  const std::string scenario_json = std::string ("{\"turns\":[{\"transcript\":\"What is the "
      "capital of France?\",\"reply\":\"") + kReply + "\"},{\"reply\":\"Yes?\"}]}";
  gchar *scenario_path = nullptr;
  int fd = g_file_open_tmp ("echo-scenario-XXXXXX.json", &scenario_path, nullptr);
  g_assert_cmpint (fd, >=, 0);
  g_close (fd, nullptr);
  g_assert_true (g_file_set_contents (scenario_path, scenario_json.c_str (), -1, nullptr));
  LocalServer server ({"--realtime", "--scenario", scenario_path});

  const std::string caps16 = "audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate="
      + std::to_string (kMicRate);
  const std::string caps48 = "audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate="
      + std::to_string (kSpeakerRate);
  const std::string description = "appsrc name=mic is-live=true format=time min-latency="
      + std::to_string (kMicLatency) + " caps=\"" + caps16
      + "\" ! "
      + (setup.echo_cancellation ? "audioresample ! " + caps48
                    + " ! webrtcdsp probe=echoprobe gain-control=false ! audioresample ! "
                    + caps16 + " ! "
                              : "")
      + element_settings (setup, server.endpoint ())
      + " audioconvert ! audioresample ! " + caps48 + " ! "
      + (setup.echo_cancellation ? "webrtcechoprobe name=echoprobe ! " : "")
      /* The queue stands for an audio sink's ring buffer, which takes audio
       * up to its buffer-time (200 ms by default) before it is due. */
      + "queue max-size-buffers=0 max-size-bytes=0 max-size-time=200000000 "
        "! appsink name=speaker sync=true emit-signals=false render-delay="
      + std::to_string (setup.device_delay_ms * GST_MSECOND);
  GError *error = nullptr;
  GstElement *pipeline = gst_parse_launch (description.c_str (), &error);
  g_assert_no_error (error);

  Room room (setup);
  GstElement *speaker = gst_bin_get_by_name (GST_BIN (pipeline), "speaker");
  GstAppSinkCallbacks callbacks = {};
  callbacks.new_sample = on_played;
  gst_app_sink_set_callbacks (GST_APP_SINK (speaker), &callbacks, &room, nullptr);
  gst_object_unref (speaker);
  GstElement *mic = gst_bin_get_by_name (GST_BIN (pipeline), "mic");

  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_cmpint (gst_element_get_state (pipeline, nullptr, nullptr, 10 * GST_SECOND), ==,
      GST_STATE_CHANGE_SUCCESS);

  /* The microphone: 10 ms of room sound each 10 ms, by the pipeline clock. */
  std::atomic<bool> stop{false};
  std::thread microphone ([&] {
    GstClock *clock = gst_element_get_clock (pipeline);
    const GstClockTime base = gst_element_get_base_time (pipeline);
    for (size_t start = 0; !stop; start += kChunk) {
      const GstClockTime pts = gst_util_uint64_scale (start, GST_SECOND, kMicRate);
      const GstClockTime duration = gst_util_uint64_scale (kChunk, GST_SECOND, kMicRate);
      GstClockID id = gst_clock_new_single_shot_id (clock, base + pts + kMicLatency);
      gst_clock_id_wait (id, nullptr);
      gst_clock_id_unref (id);
      auto samples = room.capture (start);
      GstBuffer *buffer = gst_buffer_new_memdup (samples.data (), samples.size () * 2);
      GST_BUFFER_PTS (buffer) = pts;
      GST_BUFFER_DURATION (buffer) = duration;
      if (gst_app_src_push_buffer (GST_APP_SRC (mic), buffer) != GST_FLOW_OK)
        break;
    }
    gst_object_unref (clock);
  });

  /* Until the first reply ends (or, when the user speaks again, the second):
   * turn-complete, interrupted, or an error. */
  const int turns_wanted = setup.speak_again_after_reply_s >= 0 ? 2 : 1;
  Outcome outcome;
  GstBus *bus = gst_element_get_bus (pipeline);
  const gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!outcome.interrupted && outcome.turns_complete < turns_wanted && outcome.error.empty ()
      && g_get_monotonic_time () < deadline) {
    GstMessage *m = gst_bus_timed_pop (bus, 100 * GST_MSECOND);
    if (m == nullptr)
      continue;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      GError *err = nullptr;
      gst_message_parse_error (m, &err, nullptr);
      outcome.error = err->message;
      g_clear_error (&err);
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT) {
      const GstStructure *s = gst_message_get_structure (m);
      if (gst_structure_has_name (s, "geminilive/interrupted"))
        outcome.interrupted = true;
      else if (gst_structure_has_name (s, "geminilive/turn-complete")) {
        outcome.turn_complete = true;
        outcome.turns_complete++;
      }
    }
    gst_message_unref (m);
  }
  /* turn-complete leaves the element when the last chunk arrived; the speaker
   * plays what is queued a little later. */
  if (outcome.turn_complete)
    g_usleep (500 * 1000);
  outcome.reply_s = room.reply_seconds ();

  stop = true;
  gst_app_src_end_of_stream (GST_APP_SRC (mic));
  microphone.join ();
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (mic);
  gst_object_unref (pipeline);
  g_unlink (scenario_path);
  g_free (scenario_path);
  g_test_message ("%s%s, echo cancellation %s, delay %d ms reported + %d ms not, gain %.2f, barge-in "
                  "%.1f s: %s after %.2f s of reply%s%s",
      setup.pair ? "geminilivesink + geminilivesrc" : "geminilive",
      setup.half_duplex ? ", half-duplex" : "", setup.echo_cancellation ? "on" : "off",
      setup.device_delay_ms, setup.unreported_delay_ms,
      setup.echo_gain,
      setup.barge_in_after_s,
      outcome.interrupted ? "interrupted" : outcome.turn_complete ? "complete" : "neither",
      outcome.reply_s, outcome.error.empty () ? "" : ", error: ", outcome.error.c_str ());
  return outcome;
}

/* espeak-ng says kReply in 8.3 s; a reply heard to its end is most of that. */
constexpr double kWholeReplyS = 7.0;

}  // namespace

static void
test_without_echo_cancellation_the_echo_interrupts_the_reply ()
{
  RoomSetup setup;
  Outcome outcome = converse_in_room (setup);
  g_assert_cmpstr (outcome.error.c_str (), ==, "");
  g_assert_true (outcome.interrupted);
  g_assert_cmpfloat (outcome.reply_s, <, kWholeReplyS);
}

static void
test_with_echo_cancellation_the_reply_plays_to_its_end ()
{
  for (int delay_ms : {30, 120}) {
    RoomSetup setup;
    setup.echo_cancellation = true;
    setup.device_delay_ms = delay_ms;
    Outcome outcome = converse_in_room (setup);
    g_assert_cmpstr (outcome.error.c_str (), ==, "");
    g_assert_false (outcome.interrupted);
    g_assert_true (outcome.turn_complete);
    g_assert_cmpfloat (outcome.reply_s, >=, kWholeReplyS);
  }
}

static void
test_with_echo_cancellation_a_real_voice_still_interrupts ()
{
  RoomSetup setup;
  setup.echo_cancellation = true;
  setup.device_delay_ms = 80;
  setup.barge_in_after_s = 3.0;
  Outcome outcome = converse_in_room (setup);
  g_assert_cmpstr (outcome.error.c_str (), ==, "");
  g_assert_true (outcome.interrupted);
  g_assert_cmpfloat (outcome.reply_s, >=, setup.barge_in_after_s);
  g_assert_cmpfloat (outcome.reply_s, <, kWholeReplyS);
}

/* No echo canceller: the reply's echo is in the microphone all along, yet
 * the service hears silence until the speaker has played the reply. */
static void
test_with_half_duplex_the_reply_plays_to_its_end ()
{
  for (int delay_ms : {30, 120}) {
    RoomSetup setup;
    setup.half_duplex = true;
    setup.model = "gemini-3.8-live";
    setup.device_delay_ms = delay_ms;
    setup.unreported_delay_ms = 30;
    Outcome outcome = converse_in_room (setup);
    g_assert_cmpstr (outcome.error.c_str (), ==, "");
    g_assert_false (outcome.interrupted);
    g_assert_true (outcome.turn_complete);
    g_assert_cmpfloat (outcome.reply_s, >=, kWholeReplyS);
  }
}

/* Half-duplex mutes the microphone only while the reply plays: the user
 * speaking after it is heard and answered. */
static void
test_with_half_duplex_the_microphone_is_heard_again_after_the_reply ()
{
  RoomSetup setup;
  setup.half_duplex = true;
  setup.model = "gemini-3.8-live";
  setup.device_delay_ms = 60;
  setup.unreported_delay_ms = 30;
  setup.speak_again_after_reply_s = kWholeReplyS;
  Outcome outcome = converse_in_room (setup);
  g_assert_cmpstr (outcome.error.c_str (), ==, "");
  g_assert_false (outcome.interrupted);
  g_assert_cmpint (outcome.turns_complete, ==, 2);
}

/* The property belongs to the input side; the output side (another
 * element) tells it when the reply has played. */
static void
test_with_half_duplex_in_a_sink_and_src_pair_the_reply_plays_to_its_end ()
{
  RoomSetup setup;
  setup.half_duplex = true;
  setup.pair = true;
  setup.model = "gemini-3.8-live";
  setup.device_delay_ms = 80;
  setup.unreported_delay_ms = 30;
  Outcome outcome = converse_in_room (setup);
  g_assert_cmpstr (outcome.error.c_str (), ==, "");
  g_assert_false (outcome.interrupted);
  g_assert_true (outcome.turn_complete);
  g_assert_cmpfloat (outcome.reply_s, >=, kWholeReplyS);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, nullptr);
  GstElementFactory *dsp = gst_element_factory_find ("webrtcdsp");
  if (dsp == nullptr) {
    g_printerr ("webrtcdsp not found: install gstreamer1.0-plugins-bad "
                "(scripts/install-deps.sh --tests)\n");
    return 77;  /* meson: skipped */
  }
  gst_object_unref (dsp);
  g_test_add_func ("/echo/without-echo-cancellation-the-echo-interrupts-the-reply",
      test_without_echo_cancellation_the_echo_interrupts_the_reply);
  g_test_add_func ("/echo/with-echo-cancellation-the-reply-plays-to-its-end",
      test_with_echo_cancellation_the_reply_plays_to_its_end);
  g_test_add_func ("/echo/with-echo-cancellation-a-real-voice-still-interrupts",
      test_with_echo_cancellation_a_real_voice_still_interrupts);
  g_test_add_func ("/echo/with-half-duplex-the-reply-plays-to-its-end",
      test_with_half_duplex_the_reply_plays_to_its_end);
  g_test_add_func ("/echo/with-half-duplex-the-microphone-is-heard-again-after-the-reply",
      test_with_half_duplex_the_microphone_is_heard_again_after_the_reply);
  g_test_add_func ("/echo/with-half-duplex-in-a-sink-and-src-pair-the-reply-plays-to-its-end",
      test_with_half_duplex_in_a_sink_and_src_pair_the_reply_plays_to_its_end);
  return g_test_run ();
}
