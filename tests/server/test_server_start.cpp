/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A newcomer's first minute with gemini-live-server: a client without any API
 * key is served unless the server was started with --api-key, and the
 * pipeline the server prints on start, pasted into a shell as it is, holds a
 * spoken conversation.
 */
#include "local_server.h"
#include "server_test_util.h"
#include "ws_client.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <sys/prctl.h>

#include <csignal>
#include <memory>
#include <string>

using namespace gemlive::test;

namespace {

const std::string kSetup = "{\"setup\":{\"model\":\"" + kModel + "\"}}";

/* Connects with `query` and sends setup; returns the client once the server
 * answered setupComplete or closed. */
std::unique_ptr<WsClient>
try_session (const LocalServer &server, const std::string &query)
{
  auto client = std::make_unique<WsClient> ();
  std::string error;
  if (!client->connect (server.endpoint () + kPath + query, error))
    g_error ("cannot connect: %s", error.c_str ());
  client->send_text (kSetup);
  client->wait_until ([&] { return client->find ("setupComplete") >= 0; });
  return client;
}

std::string
read_file (const std::string &path)
{
  gchar *text = nullptr;
  gsize length = 0;
  if (!g_file_get_contents (path.c_str (), &text, &length, nullptr))
    return "";
  std::string out (text, length);
  g_free (text);
  return out;
}

/* The line of `text` that starts (after spaces) with a shell command holding
 * `needle`, without its leading spaces; "" when there is none. */
std::string
line_with (const std::string &text, const std::string &needle)
{
  gchar **lines = g_strsplit (text.c_str (), "\n", -1);
  std::string found;
  for (gchar **l = lines; *l != nullptr && found.empty (); l++) {
    if (std::string (*l).find (needle) != std::string::npos)
      found = g_strchug (*l);
  }
  g_strfreev (lines);
  return found;
}

}  // namespace

static void
test_no_key_is_served_unless_api_key_given ()
{
  {
    LocalServer open_server;
    auto client = try_session (open_server, "");
    g_assert_false (client->closed ());
    g_assert_cmpint (client->find ("setupComplete"), ==, 0);
  }
  LocalServer keyed ({"--fast", "--api-key", "the-only-key"});
  auto missing = try_session (keyed, "");
  g_assert_true (missing->wait_closed ());
  g_assert_cmpint (missing->close_code (), ==, 1008);
  g_assert_true (missing->close_reason ().find ("API Key") != std::string::npos);
  auto wrong = try_session (keyed, "?key=another-key");
  g_assert_true (wrong->wait_closed ());
  g_assert_cmpint (wrong->close_code (), ==, 1007);
  auto right = try_session (keyed, "?key=the-only-key");
  g_assert_cmpint (right->find ("setupComplete"), ==, 0);
}

static void
test_printed_pipeline_holds_a_conversation_when_pasted ()
{
  gchar *dir = g_dir_make_tmp ("server-start-XXXXXX", nullptr);
  g_assert_nonnull (dir);
  const std::string workdir = dir;
  g_free (dir);
  const std::string log = workdir + "/server-stderr.txt";
  const std::string question = workdir + "/question.wav";
  const std::string reply = workdir + "/reply.wav";
  const std::string question_wav = read_file (test_data_path ("question-16k.wav"));
  g_assert_cmpuint (question_wav.size (), >, 44);
  g_assert_true (g_file_set_contents (question.c_str (), question_wav.data (),
      static_cast<gssize> (question_wav.size ()), nullptr));

  /* The server as a user starts it: default options, stderr to a terminal
   * (here a file). */
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log.c_str ());
  g_subprocess_launcher_set_child_setup (launcher,
      [] (gpointer) { prctl (PR_SET_PDEATHSIG, SIGKILL); }, nullptr, nullptr);
  const gchar *server_argv[] = {g_getenv ("GEMINI_LIVE_SERVER"), nullptr};
  GError *error = nullptr;
  GSubprocess *server = g_subprocess_launcher_spawnv (launcher, server_argv, &error);
  g_assert_no_error (error);
  g_object_unref (launcher);

  std::string command;
  for (int i = 0; i < 200 && command.empty (); i++) {
    command = line_with (read_file (log), "filesrc location=question.wav");
    if (command.empty ())
      g_usleep (100 * 1000);
  }
  g_test_message ("printed: %s", command.c_str ());
  g_assert_false (command.empty ());
  g_assert_true (command.find ("gst-launch-1.0 ") != std::string::npos);
  g_assert_true (line_with (read_file (log), "autoaudiosrc") != "");

  /* Pasted into a shell in a folder holding question.wav. */
  std::string shell = command;
  if (const gchar *preload = g_getenv ("GEMINI_LIVE_CHILD_PRELOAD"))
    shell = std::string ("LD_PRELOAD=") + preload + " " + shell;
  const gchar *sh_argv[] = {"timeout", "120", "sh", "-c", shell.c_str (), nullptr};
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  g_assert_true (g_spawn_sync (workdir.c_str (), const_cast<gchar **> (sh_argv), nullptr,
      G_SPAWN_SEARCH_PATH, nullptr, nullptr, &out, &err, &status, &error));
  g_test_message ("gst-launch-1.0 said: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, nullptr));
  g_free (out);
  g_free (err);

  /* A spoken answer of more than a second at 24 kHz. */
  int rate = 0;
  const std::string pcm = wav_pcm (reply, rate);
  g_assert_cmpint (rate, ==, 24000);
  g_assert_cmpuint (pcm.size (), >, 24000 * 2);

  g_subprocess_force_exit (server);
  g_subprocess_wait (server, nullptr, nullptr);
  g_object_unref (server);
  for (const std::string &f : {log, question, reply})
    g_unlink (f.c_str ());
  g_rmdir (workdir.c_str ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/server/no-key-is-served-unless-api-key-given",
      test_no_key_is_served_unless_api_key_given);
  g_test_add_func ("/server/printed-pipeline-holds-a-conversation-when-pasted",
      test_printed_pipeline_holds_a_conversation_when_pasted);
  return g_test_run ();
}
