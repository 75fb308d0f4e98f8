/* gst-gemini-live element tests: wss:// with a private CA, and HTTP proxies.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The certificates come from tests/data (made with openssl at build time):
 * test-ca.pem signs server.pem for 127.0.0.1; untrusted-server.pem is
 * self-signed. Certificates are always verified: tls-ca-file only adds a CA.
 *
 * The proxy test runs in a child process whose environment names the proxy
 * from the start (https_proxy), as a user would; the child holds a
 * conversation over wss:// and the parent checks the tiny CONNECT proxy below
 * carried it.
 */
#include "backend_cases.h"

#include <atomic>
#include <condition_variable>
#include <thread>

using namespace gemlive::test;

static const char *const PROXY_CHILD_ENV = "GEMINILIVE_TLS_PROXY_CHILD";

static std::vector<std::string>
tls_server_args (const char *cert, const char *key)
{
  return strict_server_args ({"--tls-cert", test_data_path (cert), "--tls-key",
      test_data_path (key)});
}

static std::string
key_and_ca (const std::string &ca_file)
{
  return std::string ("api-key=") + API_KEY + (ca_file.empty () ? "" : " tls-ca-file=" + ca_file);
}

GST_START_TEST (wss_with_the_test_ca_holds_a_conversation)
{
  LocalServer server (tls_server_args ("server.pem", "server-key.pem"));
  ck_assert_msg (g_str_has_prefix (server.endpoint ().c_str (), "wss://"), "not TLS: %s",
      server.endpoint ().c_str ());
  TurnResult turn = run_turn (server.endpoint (), key_and_ca (test_data_path ("test-ca.pem")));
  ck_assert_msg (turn.eos && turn.error.empty () && turn.audio_bytes > 0,
      "no conversation over wss:// (error: %s)", turn.error.c_str ());

  /* Vertex too: the CA applies to every backend. */
  TurnResult vertex = run_turn (server.endpoint (), std::string ("backend=vertex-ai project=p "
      "access-token=") + ACCESS_TOKEN + " tls-ca-file=" + test_data_path ("test-ca.pem"));
  ck_assert_msg (vertex.eos && vertex.audio_bytes > 0, "vertex-ai over wss:// failed: %s",
      vertex.error.c_str ());
}
GST_END_TEST;

GST_START_TEST (a_certificate_from_an_unknown_ca_is_refused_with_a_clear_error)
{
  {
    /* The test CA is not in the system store: without tls-ca-file it is unknown. */
    LocalServer server (tls_server_args ("server.pem", "server-key.pem"));
    TurnResult turn = run_turn (server.endpoint (), key_and_ca (""));
    ck_assert_msg (contains (turn.error, "TLS certificate") && contains (turn.error,
        "tls-ca-file"), "unclear error: %s", turn.error.c_str ());
    ck_assert (turn.audio_bytes == 0);
    ck_assert (server.recorded_frames ().empty ());
  }
  {
    /* A CA file for another CA does not make a self-signed server trusted. */
    LocalServer server (tls_server_args ("untrusted-server.pem", "untrusted-server-key.pem"));
    TurnResult turn = run_turn (server.endpoint (), key_and_ca (test_data_path ("test-ca.pem")));
    ck_assert_msg (contains (turn.error, "TLS certificate"), "unclear error: %s",
        turn.error.c_str ());
    ck_assert (server.recorded_frames ().empty ());
  }
}
GST_END_TEST;

GST_START_TEST (a_bad_tls_ca_file_fails_before_connecting)
{
  LocalServer server (tls_server_args ("server.pem", "server-key.pem"));
  TurnResult missing = run_turn (server.endpoint (), key_and_ca ("/nonexistent/ca.pem"));
  ck_assert_msg (missing.error_code == GST_RESOURCE_ERROR_SETTINGS
      && contains (missing.error, "tls-ca-file") && contains (missing.error, "/nonexistent/ca.pem"),
      "unclear error: %s", missing.error.c_str ());

  /* A file with no certificate in it (here: a WAV file). */
  TurnResult not_pem = run_turn (server.endpoint (),
      key_and_ca (test_data_path ("question-16k.wav")));
  ck_assert_msg (not_pem.error_code == GST_RESOURCE_ERROR_SETTINGS
      && contains (not_pem.error, "tls-ca-file"), "unclear error: %s", not_pem.error.c_str ());

  LocalServer plain (strict_server_args ());
  TurnResult not_tls = run_turn (plain.endpoint (), key_and_ca (test_data_path ("test-ca.pem")));
  ck_assert_msg (contains (not_tls.error, "tls-ca-file") && contains (not_tls.error, "wss://"),
      "unclear error: %s", not_tls.error.c_str ());
  ck_assert (server.recorded_frames ().empty () && plain.recorded_frames ().empty ());
}
GST_END_TEST;

/* --- an HTTP CONNECT proxy, just enough for one test --- */

class ConnectProxy {
public:
  /* The listener accepts on a GMainContext of its own thread: the test's
   * thread sits in g_spawn_sync, which runs no main loop. */
  ConnectProxy ()
  {
    std::unique_lock<std::mutex> guard (lock_);
    thread_ = std::thread ([this] { serve (); });
    started_.wait (guard, [this] { return port_ != 0; });
  }
  ~ConnectProxy ()
  {
    g_main_loop_quit (loop_);
    thread_.join ();
  }

  int port () const { return port_; }
  std::string first_request ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    return first_request_;
  }
  int tunnels () const { return tunnels_; }

private:
  static void pump (GInputStream *from, GOutputStream *to, GSocket *a, GSocket *b)
  {
    char buffer[16384];
    gssize n;
    while ((n = g_input_stream_read (from, buffer, sizeof buffer, nullptr, nullptr)) > 0)
      if (!g_output_stream_write_all (to, buffer, n, nullptr, nullptr, nullptr))
        break;
    /* One side ended: end both, so the other pump returns too. */
    g_socket_shutdown (a, TRUE, TRUE, nullptr);
    g_socket_shutdown (b, TRUE, TRUE, nullptr);
  }

  static gboolean on_run (GThreadedSocketService *, GSocketConnection *client, GObject *,
      gpointer data)
  {
    auto self = static_cast<ConnectProxy *> (data);
    GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (client));
    GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client));
    /* Byte by byte up to the blank line, so nothing after the request is
     * buffered away from the tunnel. */
    std::string head;
    char c;
    while (head.find ("\r\n\r\n") == std::string::npos && head.size () < 8192
        && g_input_stream_read (in, &c, 1, nullptr, nullptr) == 1)
      head += c;
    std::string line = head.substr (0, head.find ("\r\n"));
    {
      std::lock_guard<std::mutex> guard (self->lock_);
      if (self->first_request_.empty ())
        self->first_request_ = line;
    }
    gchar **words = g_strsplit (line.c_str (), " ", 3);
    bool is_connect = g_strv_length (words) == 3 && g_str_equal (words[0], "CONNECT");
    GSocketClient *dialer = g_socket_client_new ();
    GSocketConnection *upstream = is_connect
        ? g_socket_client_connect_to_host (dialer, words[1], 443, nullptr, nullptr) : nullptr;
    g_strfreev (words);
    g_object_unref (dialer);
    if (!upstream) {
      const char *refusal = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
      g_output_stream_write_all (out, refusal, strlen (refusal), nullptr, nullptr, nullptr);
      return TRUE;
    }
    const char *ok = "HTTP/1.1 200 Connection established\r\n\r\n";
    g_output_stream_write_all (out, ok, strlen (ok), nullptr, nullptr, nullptr);
    self->tunnels_++;
    GSocket *a = g_socket_connection_get_socket (client);
    GSocket *b = g_socket_connection_get_socket (upstream);
    std::thread up (pump, in, g_io_stream_get_output_stream (G_IO_STREAM (upstream)), a, b);
    pump (g_io_stream_get_input_stream (G_IO_STREAM (upstream)), out, a, b);
    up.join ();
    g_object_unref (upstream);
    return TRUE;
  }

  void serve ()
  {
    GMainContext *context = g_main_context_new ();
    g_main_context_push_thread_default (context);
    GSocketService *service = g_threaded_socket_service_new (8);
    GError *error = nullptr;
    guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), nullptr,
        &error);
    if (port == 0)
      g_error ("proxy: %s", error->message);
    g_signal_connect (service, "run", G_CALLBACK (on_run), this);
    g_socket_service_start (service);
    loop_ = g_main_loop_new (context, FALSE);
    {
      std::lock_guard<std::mutex> guard (lock_);
      port_ = port;
    }
    started_.notify_all ();
    g_main_loop_run (loop_);
    g_socket_service_stop (service);
    g_socket_listener_close (G_SOCKET_LISTENER (service));
    g_object_unref (service);
    g_main_loop_unref (loop_);
    g_main_context_pop_thread_default (context);
    g_main_context_unref (context);
  }

  std::thread thread_;
  std::condition_variable started_;
  GMainLoop *loop_ = nullptr;
  int port_ = 0;
  std::mutex lock_;
  std::string first_request_;
  std::atomic<int> tunnels_ {0};
};

/* Child: one conversation with the proxy set in the environment. */
static int
run_proxy_child (const char *endpoint)
{
  gst_init (nullptr, nullptr);
  TurnResult turn = run_turn (endpoint, key_and_ca (test_data_path ("test-ca.pem")));
  g_print ("%s\nerror: %s\n", turn.eos && turn.audio_bytes > 0 ? "CHILD-OK" : "CHILD-FAILED",
      turn.error.c_str ());
  return 0;
}

GST_START_TEST (an_http_proxy_from_the_environment_carries_the_session)
{
  LocalServer server (tls_server_args ("server.pem", "server-key.pem"));
  ConnectProxy proxy;
  gchar **env = g_get_environ ();
  std::string proxy_url = "http://127.0.0.1:" + std::to_string (proxy.port ());
  for (const char *name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy"})
    env = g_environ_setenv (env, name, proxy_url.c_str (), TRUE);
  for (const char *name : {"no_proxy", "NO_PROXY"})
    env = g_environ_unsetenv (env, name);
  env = g_environ_setenv (env, PROXY_CHILD_ENV, server.endpoint ().c_str (), TRUE);
  gchar *self_exe = g_file_read_link ("/proc/self/exe", nullptr);
  gchar *argv[] = {self_exe, nullptr};
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  ck_assert (g_spawn_sync (nullptr, argv, env, G_SPAWN_DEFAULT, nullptr, nullptr, &out, &err,
      &status, nullptr));
  std::string output = out;
  ck_assert_msg (contains (output, "CHILD-OK"), "no conversation through the proxy: %s",
      output.c_str ());
  std::string expected = "CONNECT 127.0.0.1:" + std::to_string (server.port ()) + " ";
  ck_assert_msg (g_str_has_prefix (proxy.first_request ().c_str (), expected.c_str ()),
      "the proxy saw '%s', not %s", proxy.first_request ().c_str (), expected.c_str ());
  ck_assert_int_ge (proxy.tunnels (), 1);
  g_free (out);
  g_free (err);
  g_free (self_exe);
  g_strfreev (env);
}
GST_END_TEST;

static Suite *
geminilive_tls_suite (void)
{
  Suite *s = suite_create ("geminilive-tls");
  TCase *tc = tcase_create ("tls");
  tcase_set_timeout (tc, 200);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, wss_with_the_test_ca_holds_a_conversation);
  tcase_add_test (tc, a_certificate_from_an_unknown_ca_is_refused_with_a_clear_error);
  tcase_add_test (tc, a_bad_tls_ca_file_fails_before_connecting);
  tcase_add_test (tc, an_http_proxy_from_the_environment_carries_the_session);
  return s;
}

int
main (int argc, char **argv)
{
  if (const char *endpoint = g_getenv (PROXY_CHILD_ENV))
    return run_proxy_child (endpoint);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (geminilive_tls_suite (), "geminilive-tls", __FILE__);
}
