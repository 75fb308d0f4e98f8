/* gst-gemini-live element test, resilience: a simulated 10-minute conversation
 * (20 turns of 30 s of input, pushed at 40x real time against the
 * server's --fast mode) over connections that get goAway 2.5 s after setup and are
 * cut without a close frame every few turns by a TCP proxy in this test. The
 * audio the server recorded must be exactly the audio pushed: in order,
 * nothing lost, nothing twice.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element_test_util.h"

#include "conformance.h"
#include "local_server.h"

#include <gst/app/gstappsrc.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cmath>
#include <list>
#include <thread>

using namespace gemlive::test;

namespace {

constexpr int RATE = 16000;
constexpr int TURNS = 20;
constexpr int SPEECH_MS = 28500;
constexpr int SILENCE_MS = 1500;  /* the server's VAD ends a turn after 500 ms */
constexpr int DROP_EVERY = 3;     /* turns */

/* A loopback TCP proxy whose connections can all be cut at once: the network
 * failure a client sees as close 1006, with no close frame. */
class CuttingProxy {
public:
  explicit CuttingProxy (int upstream_port) : upstream_port_ (upstream_port)
  {
    listener_ = socket (AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    ck_assert (bind (listener_, (sockaddr *) &address, sizeof address) == 0);
    ck_assert (listen (listener_, 16) == 0);
    socklen_t length = sizeof address;
    getsockname (listener_, (sockaddr *) &address, &length);
    port_ = ntohs (address.sin_port);
    acceptor_ = std::thread ([this] { accept_loop (); });
  }

  ~CuttingProxy ()
  {
    shutdown (listener_, SHUT_RDWR);
    close (listener_);
    acceptor_.join ();
    cut_all ();
    std::lock_guard<std::mutex> guard (lock_);
    for (auto &pump : pumps_)
      pump.join ();
    for (int fd : fds_)
      close (fd);
  }

  int port () const { return port_; }
  guint cuts () const { return cuts_; }
  /* Microseconds since the client last sent a byte. */
  gint64 client_idle_us () const { return g_get_monotonic_time () - last_upstream_; }

  void cut_all ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    for (int fd : fds_)
      shutdown (fd, SHUT_RDWR);
    cuts_++;
  }

private:
  void accept_loop ()
  {
    while (true) {
      int client = accept (listener_, nullptr, nullptr);
      if (client < 0)
        return;
      int server = socket (AF_INET, SOCK_STREAM, 0);
      sockaddr_in address = {};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      address.sin_port = htons (upstream_port_);
      if (connect (server, (sockaddr *) &address, sizeof address) != 0) {
        close (client);
        close (server);
        continue;
      }
      std::lock_guard<std::mutex> guard (lock_);
      fds_.push_back (client);
      fds_.push_back (server);
      pumps_.emplace_back ([this, client, server] { pump (client, server, true); });
      pumps_.emplace_back ([this, client, server] { pump (server, client, false); });
    }
  }

  void pump (int from, int to, bool upstream)
  {
    char buffer[65536];
    while (true) {
      ssize_t n = recv (from, buffer, sizeof buffer, 0);
      if (n <= 0)
        break;
      if (upstream)
        last_upstream_ = g_get_monotonic_time ();
      for (ssize_t sent = 0; sent < n;) {
        ssize_t w = send (to, buffer + sent, n - sent, MSG_NOSIGNAL);
        if (w <= 0)
          goto done;
        sent += w;
      }
    }
  done:
    shutdown (from, SHUT_RDWR);
    shutdown (to, SHUT_RDWR);
  }

  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex lock_;
  std::list<std::thread> pumps_;
  std::vector<int> fds_;
  std::atomic<guint> cuts_ {0};
  std::atomic<gint64> last_upstream_ {0};
};

/* Turn k's input: a tone (different per turn) with a slow non-periodic ripple,
 * so a reordered or repeated chunk changes the bytes, then silence. */
std::vector<gint16>
turn_audio (int turn)
{
  std::vector<gint16> pcm;
  const int speech = RATE * SPEECH_MS / 1000, silence = RATE * SILENCE_MS / 1000;
  const double frequency = 300.0 + 10.0 * turn;
  for (int n = 0; n < speech; n++)
    pcm.push_back ((gint16) (6000.0 * std::sin (2.0 * G_PI * frequency * n / RATE)
        + ((n * 7 + turn * 13) % 97)));
  for (int n = 0; n < silence; n++)
    pcm.push_back ((gint16) ((n + turn) % 3 - 1));
  return pcm;
}

bool
is_reply_end (GstMessage *m)
{
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ELEMENT)
    return false;
  const GstStructure *s = gst_message_get_structure (m);
  if (gst_structure_has_name (s, "geminilive/turn-complete")
      || gst_structure_has_name (s, "geminilive/interrupted"))
    return true;
  return gst_structure_has_name (s, "geminilive/session")
      && g_strcmp0 (gst_structure_get_string (s, "state"), "resumed") == 0;
}

}  // namespace

GST_START_TEST (ten_minute_conversation_with_go_aways_and_drops_loses_no_input)
{
  std::string scenario = write_scenario (
      R"({"go_away_after_ms": 2500, "go_away_time_left_ms": 800})");
  LocalServer server ({"--fast", "--scenario", scenario});
  CuttingProxy proxy (server.port ());

  GstElement *pipeline = launch ("appsrc name=mic is-live=true format=time "
      "caps=audio/x-raw,format=S16LE,layout=interleaved,rate=16000,channels=1 "
      "! geminilive name=live api-key=k reconnect-initial-delay=50 reconnect-max-delay=400 "
      "resume-buffer=60000 drain-timeout=5000 endpoint=ws://127.0.0.1:"
      + std::to_string (proxy.port ()) + " ! fakesink sync=false");
  GstElement *mic = by_name (pipeline, "mic");
  SrcRecord output;
  GstElement *live = by_name (pipeline, "live");
  output.attach (live);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  BusLog log;

  std::string sent;
  GstClockTime pts = 0;
  gint64 started = g_get_monotonic_time ();
  guint unanswered = 0;
  for (int turn = 0; turn < TURNS; turn++) {
    auto pcm = turn_audio (turn);
    const gsize output_before = output.audio_bytes ();
    const size_t per_buffer = RATE / 10;  /* 100 ms */
    for (size_t at = 0; at < pcm.size (); at += per_buffer) {
      size_t count = std::min (per_buffer, pcm.size () - at);
      GstBuffer *buffer = gst_buffer_new_memdup (pcm.data () + at, count * 2);
      GST_BUFFER_PTS (buffer) = pts;
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (count, GST_SECOND, RATE);
      pts += GST_BUFFER_DURATION (buffer);
      sent.append ((const char *) (pcm.data () + at), count * 2);
      ck_assert_int_eq (gst_app_src_push_buffer (GST_APP_SRC (mic), buffer), GST_FLOW_OK);
      /* 40 times real time: a fast microphone, not a burst of megabytes. */
      g_usleep (2500);
    }
    if (turn % DROP_EVERY == DROP_EVERY - 1) {
      /* Cut while the model answers (when it does within 2 s) and the client
       * is quiet: what was sent has arrived, so nothing may be missing
       * afterwards. */
      gint64 now = g_get_monotonic_time ();
      gint64 reply_deadline = now + 2 * G_USEC_PER_SEC, deadline = now + 20 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < deadline
          && ((output.audio_bytes () == output_before
                  && g_get_monotonic_time () < reply_deadline)
              || proxy.client_idle_us () < 300000))
        g_usleep (20000);
      proxy.cut_all ();
    }
    /* Next turn once this one was answered (or its reply was cut off). */
    if (!log.wait (pipeline, is_reply_end, 20 * GST_SECOND))
      unanswered++;
    ck_assert_msg (log.first_error ().empty (), "turn %d: %s", turn,
        log.first_error ().c_str ());
  }
  gst_app_src_end_of_stream (GST_APP_SRC (mic));
  log.wait (pipeline, is_eos, 60 * GST_SECOND);
  gint64 wall_ms = (g_get_monotonic_time () - started) / 1000;
  gst_element_set_state (pipeline, GST_STATE_NULL);

  ck_assert_msg (log.first_error ().empty (), "error: %s", log.first_error ().c_str ());
  /* An outage is every "reconnecting" up to the next "resumed": a cut that
   * hits a resumption's new connection, or a failed attempt, makes one outage
   * report "reconnecting" more than once. */
  guint planned = 0, unplanned = 0, resumed = 0, outages = 0;
  bool in_outage = false;
  for (auto s : log.element_messages ("geminilive/session")) {
    const char *state = gst_structure_get_string (s, "state");
    gboolean was_planned = FALSE;
    gst_structure_get_boolean (s, "planned", &was_planned);
    if (g_strcmp0 (state, "reconnecting") == 0) {
      (was_planned ? planned : unplanned)++;
      if (!in_outage)
        outages++;
      in_outage = true;
    }
    if (g_strcmp0 (state, "resumed") == 0) {
      resumed++;
      in_outage = false;
    }
  }
  GST_INFO ("soak: %d turns in %" G_GINT64_FORMAT " ms, %u goAway resumptions, %u drops "
      "recovered, %u resumed, %u turns unanswered", TURNS, wall_ms, planned, unplanned, resumed,
      unanswered);
  g_print ("soak: %d turns (%d s of input) in %" G_GINT64_FORMAT " ms wall; %u goAway "
      "resumptions, %u reconnections after drops, %u turns without an answer\n", TURNS,
      TURNS * (SPEECH_MS + SILENCE_MS) / 1000, wall_ms, planned, unplanned, unanswered);
  ck_assert_msg (planned >= 3, "only %u goAway resumptions", planned);
  /* A cut that lands while a goAway resumption is closing the socket anyway
   * causes no reconnection of its own. */
  ck_assert_msg (unplanned >= TURNS / DROP_EVERY / 2, "only %u reconnections after %u cuts",
      unplanned, proxy.cuts ());
  /* Every outage but one cut short by the end of the test ended resumed. */
  ck_assert_msg (resumed + 1 >= outages, "%u resumed after %u outages (%u reconnections)",
      resumed, outages, planned + unplanned);

  /* Every frame the server recorded, across every connection, in order. */
  std::string received;
  for (const auto &frame : server.recorded_frames ()) {
    JsonParser *parser = json_parser_new ();
    ck_assert (json_parser_load_from_data (parser, frame.c_str (), -1, nullptr));
    JsonObject *root = json_node_get_object (json_parser_get_root (parser));
    if (json_object_has_member (root, "realtimeInput")) {
      JsonObject *input = json_object_get_object_member (root, "realtimeInput");
      if (json_object_has_member (input, "audio")) {
        gsize size = 0;
        guchar *pcm = g_base64_decode (json_object_get_string_member (
                json_object_get_object_member (input, "audio"), "data"), &size);
        received.append ((const char *) pcm, size);
        g_free (pcm);
      }
    }
    g_object_unref (parser);
  }
  ck_assert_msg (received.size () == sent.size (), "the server received %" G_GSIZE_FORMAT
      " bytes of audio, %" G_GSIZE_FORMAT " were sent", received.size (), sent.size ());
  size_t first_difference = 0;
  while (first_difference < sent.size () && sent[first_difference] == received[first_difference])
    first_difference++;
  ck_assert_msg (first_difference == sent.size (), "the received audio differs from byte %"
      G_GSIZE_FORMAT " (of %" G_GSIZE_FORMAT ")", first_difference, sent.size ());

  gst_object_unref (live);
  gst_object_unref (mic);
  gst_object_unref (pipeline);
  g_unlink (scenario.c_str ());
}
GST_END_TEST;

static Suite *
geminilive_soak_suite (void)
{
  Suite *s = suite_create ("geminilive-soak");
  TCase *tc = tcase_create ("soak");
  tcase_set_timeout (tc, 280);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, ten_minute_conversation_with_go_aways_and_drops_loses_no_input);
  return s;
}

GST_CHECK_MAIN (geminilive_soak);
