/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gemini-live-server as an operator runs it: real recognition of spoken input
 * (pocketsphinx builds), wss:// with a certificate from a test CA, slow pongs
 * (--pong-delay-ms), and many concurrent sessions with one stalled client.
 */
#include "conformance.h"
#include "local_server.h"
#include "raw_ws.h"
#include "server_test_util.h"
#include "ws_client.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

using namespace gemlive::test;

namespace {

const std::string kSetup = "{\"setup\":{\"model\":\"" + kModel +
    "\",\"inputAudioTranscription\":{},\"outputAudioTranscription\":{}}}";

std::unique_ptr<WsClient>
connect_and_setup (const LocalServer &server, const std::string &ca_file = "")
{
  auto client = std::make_unique<WsClient> ();
  if (!ca_file.empty ())
    client->trust_ca_file (ca_file);
  std::string error;
  if (!client->connect (server.endpoint () + kPath + "?key=test-key", error))
    g_error ("cannot connect to %s: %s", server.endpoint ().c_str (), error.c_str ());
  client->send_text (kSetup);
  g_assert_true (client->wait_until ([&] { return client->find ("setupComplete") >= 0; }));
  return client;
}

void
assert_frames_valid (const WsClient &client)
{
  std::string report;
  if (!validate_frames (WireDirection::SERVER, client.frame_texts (), report))
    g_error ("server frames do not validate: %s", report.c_str ());
}

std::string
lower (const std::string &s)
{
  gchar *l = g_ascii_strdown (s.c_str (), -1);
  std::string out = l;
  g_free (l);
  return out;
}

bool
is_text_containing (const RawWsClient::Frame &f, const char *needle)
{
  return (f.opcode == 0x1 || f.opcode == 0x2) && f.payload.find (needle) != std::string::npos;
}

}  // namespace

static void
test_spoken_question_is_recognized_at_16k_and_48k ()
{
#ifndef SERVER_HAS_POCKETSPHINX
  g_printerr ("skipping: gemini-live-server was built without pocketsphinx "
              "(-Dpocketsphinx=disabled or libpocketsphinx-dev missing)\n");
  g_test_skip ("gemini-live-server built without pocketsphinx");
  return;
#else
  LocalServer server ({"--fast"});
  for (const char *wav : {"question-16k.wav", "question-48k.wav"}) {
    auto client = connect_and_setup (server);
    stream_wav (*client, wav);  /* the VAD ends the turn on the trailing silence */
    g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }, 120));
    /* espeak speech is recognisable, not perfectly: a robust subset of words. */
    const std::string heard = lower (transcript (*client, "inputTranscription"));
    g_test_message ("%s recognized as \"%s\"", wav, heard.c_str ());
    g_assert_true (heard.find ("capital") != std::string::npos ||
        heard.find ("france") != std::string::npos);
    g_assert_cmpint (client->find ("inputTranscription"), <, client->find ("inlineData"));
    /* Unscripted, the reply repeats what was recognized. */
    const std::string said = transcript (*client, "outputTranscription");
    g_assert_true (g_str_has_prefix (said.c_str (), "You said: "));
    g_assert_true (lower (said).find (heard) != std::string::npos);
    assert_frames_valid (*client);
  }
#endif
}

static void
test_scripted_turn_is_not_recognized ()
{
  TempFile scenario (R"({"turns":[{"transcript":"Scripted words."}]})");
  LocalServer server ({"--fast", "--scenario", scenario.path});
  auto client = connect_and_setup (server);
  stream_wav (*client, "question-16k.wav");
  g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }, 120));
  /* Held in a local: g_assert_cmpstr keeps only the pointer it is given. */
  const std::string heard = transcript (*client, "inputTranscription");
  g_assert_cmpstr (heard.c_str (), ==, "Scripted words.");
}

/* A CA and a server certificate for 127.0.0.1 signed by it, made with openssl. */
struct TestPki {
  TestPki ()
  {
    gchar *d = g_dir_make_tmp ("server-pki-XXXXXX", nullptr);
    g_assert_nonnull (d);
    dir = d;
    g_free (d);
    ca = dir + "/ca.pem";
    cert = dir + "/server.pem";
    key = dir + "/server.key";
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    run ("openssl req -x509 " + ec + "-keyout " + dir + "/ca.key -out " + ca +
        " -days 2 -subj /CN=gemini-live-test-ca");
    run ("openssl req " + ec + "-keyout " + key + " -out " + dir + "/server.csr -subj /CN=127.0.0.1");
    g_assert_true (g_file_set_contents ((dir + "/ext.cnf").c_str (),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n", -1, nullptr));
    run ("openssl x509 -req -in " + dir + "/server.csr -CA " + ca + " -CAkey " + dir +
        "/ca.key -CAcreateserial -out " + cert + " -days 2 -extfile " + dir + "/ext.cnf");
  }
  ~TestPki ()
  {
    for (const char *f : {"ca.pem", "ca.key", "ca.srl", "server.pem", "server.key", "server.csr",
             "ext.cnf"})
      g_unlink ((dir + "/" + f).c_str ());
    g_rmdir (dir.c_str ());
  }
  static void run (const std::string &command)
  {
    gchar *err = nullptr;
    gint status = 0;
    GError *error = nullptr;
    if (!g_spawn_command_line_sync (command.c_str (), nullptr, &err, &status, &error))
      g_error ("cannot run openssl: %s", error->message);
    if (!g_spawn_check_wait_status (status, nullptr))
      g_error ("'%s' failed: %s", command.c_str (), err);
    g_free (err);
  }
  std::string dir, ca, cert, key;
};

static void
test_tls_serves_wss_to_a_client_trusting_the_ca ()
{
  TestPki pki;
  /* Plain TLS, and TLS through the slow-pong relay (which terminates TLS itself). */
  for (const std::vector<std::string> &extra :
      {std::vector<std::string> {}, std::vector<std::string> {"--pong-delay-ms", "500"}}) {
    std::vector<std::string> args = {"--fast", "--tls-cert", pki.cert, "--tls-key", pki.key};
    args.insert (args.end (), extra.begin (), extra.end ());
    LocalServer server (args);
    g_assert_true (g_str_has_prefix (server.endpoint ().c_str (), "wss://127.0.0.1:"));
    auto client = connect_and_setup (server, pki.ca);
    client->send_text ("{\"realtimeInput\":{\"text\":\"over tls\"}}");
    g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }));
    g_assert_true (g_str_has_prefix (transcript (*client, "outputTranscription").c_str (),
        "You said: over tls."));
    assert_frames_valid (*client);

    /* A client that does not trust the test CA is refused by TLS itself. */
    WsClient stranger;
    std::string error;
    g_assert_false (stranger.connect (server.endpoint () + kPath + "?key=k", error));
    g_test_message ("untrusted client: %s", error.c_str ());
  }
}

static void
test_pong_delay_holds_pongs_but_not_data ()
{
  const int delay_ms = 4000;
  LocalServer server ({"--fast", "--pong-delay-ms", std::to_string (delay_ms)});
  RawWsClient client (server.port (), kPath + "?key=k");
  client.send_text (kSetup);
  g_assert_true (client.read_until (
      [] (const RawWsClient::Frame &f) { return is_text_containing (f, "setupComplete"); }, 30));

  const gint64 ping_sent = g_get_monotonic_time ();
  client.send_frame (0x9, "probe-1");
  client.send_text ("{\"realtimeInput\":{\"text\":\"while the ping waits\"}}");
  g_assert_true (client.read_until ([] (const RawWsClient::Frame &f) { return f.opcode == 0xA; }, 60));
  const RawWsClient::Frame &pong = client.frames ().back ();
  g_assert_cmpstr (pong.payload.c_str (), ==, "probe-1");
  g_test_message ("pong after %" G_GINT64_FORMAT " ms", (pong.received_us - ping_sent) / 1000);
  g_assert_cmpint (pong.received_us - ping_sent, >=, (delay_ms - 50) * G_GINT64_CONSTANT (1000));
  /* Frames after the ping were not held with it: the reply came first. */
  bool reply_before_pong = false;
  for (const auto &f : client.frames ())
    reply_before_pong = reply_before_pong || is_text_containing (f, "turnComplete");
  g_assert_true (reply_before_pong);

  /* The connection is healthy: another turn is answered. */
  client.send_text ("{\"realtimeInput\":{\"text\":\"still there?\"}}");
  int turns_complete = 1;
  g_assert_true (client.read_until ([&] (const RawWsClient::Frame &f) {
    return is_text_containing (f, "turnComplete") && ++turns_complete == 2;
  }, 60));
}

static void
test_pongs_are_immediate_without_the_option ()
{
  LocalServer server ({"--fast"});
  RawWsClient client (server.port (), kPath + "?key=k");
  client.send_text (kSetup);
  client.send_frame (0x9, "probe-2");
  g_assert_true (client.read_until ([] (const RawWsClient::Frame &f) { return f.opcode == 0xA; }, 30));
  g_assert_cmpstr (client.frames ().back ().payload.c_str (), ==, "probe-2");
}

static void
test_stalled_client_does_not_delay_forty_nine_others ()
{
  /* The stalled session asks first, for a long reply (megabytes of audio:
   * unscripted, the server repeats what was typed) that it never reads,
   * through a 4 KiB receive buffer. */
  std::string long_text;
  for (int i = 0; i < 12; i++)
    long_text += "This sentence is one of many in a very long question nobody hears answered. ";
  LocalServer server ({"--fast"});
  RawWsClient stalled (server.port (), kPath + "?key=k", 4096);
  stalled.send_text (kSetup);
  stalled.send_text ("{\"realtimeInput\":{\"text\":\"" + long_text + "\"}}");

  const int others = 49;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < others; i++)
    clients.push_back (connect_and_setup (server));
  const gint64 asked = g_get_monotonic_time ();
  for (int i = 0; i < others; i++)
    clients[i]->send_text ("{\"realtimeInput\":{\"text\":\"client " + std::to_string (i) + "\"}}");
  for (auto &c : clients) {
    WsClient *client = c.get ();
    g_assert_true (client->wait_until ([&] { return client->find ("turnComplete") >= 0; }, 120));
  }
  g_test_message ("%d sessions answered in %" G_GINT64_FORMAT " ms beside a stalled one", others,
      (g_get_monotonic_time () - asked) / 1000);
  for (int i = 0; i < others; i++) {
    /* Each got its own reply, not a neighbour's. */
    const std::string said = transcript (*clients[i], "outputTranscription");
    g_assert_true (said.find ("client " + std::to_string (i) + ".") != std::string::npos);
  }
  /* The stalled client's session is alive: reading now, it gets its whole reply. */
  g_assert_true (stalled.read_until (
      [] (const RawWsClient::Frame &f) { return is_text_containing (f, "turnComplete"); }, 120));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  silence_transport_debug_logs ();
  g_test_add_func ("/server-ops/spoken-question-is-recognized-at-16k-and-48k",
      test_spoken_question_is_recognized_at_16k_and_48k);
  g_test_add_func ("/server-ops/scripted-turn-is-not-recognized",
      test_scripted_turn_is_not_recognized);
  g_test_add_func ("/server-ops/tls-serves-wss-to-a-client-trusting-the-ca",
      test_tls_serves_wss_to_a_client_trusting_the_ca);
  g_test_add_func ("/server-ops/pong-delay-holds-pongs-but-not-data",
      test_pong_delay_holds_pongs_but_not_data);
  g_test_add_func ("/server-ops/pongs-are-immediate-without-the-option",
      test_pongs_are_immediate_without_the_option);
  g_test_add_func ("/server-ops/stalled-client-does-not-delay-forty-nine-others",
      test_stalled_client_does_not_delay_forty_nine_others);
  return g_test_run ();
}
