/* gst-gemini-live test helper
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * LocalServer: runs gemini-live-server as a child process. The server prints
 * exactly one line on stdout ("listening on ws://HOST:PORT") and logs only to
 * stderr, so reading that first line is all the helper does with the pipe;
 * stderr is inherited so server logs land in the test log.
 */
#include "local_server.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <sys/prctl.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace gemlive::test {

namespace {

constexpr guint kStartupTimeoutSeconds = 20;

std::string
server_binary ()
{
  const char *path = g_getenv ("GEMINI_LIVE_SERVER");
  if (path == nullptr || *path == '\0')
    g_error ("LocalServer: GEMINI_LIVE_SERVER is not set; run the tests with `meson test` "
        "or point it at the gemini-live-server binary");
  return path;
}

std::string
make_record_path ()
{
  GError *error = nullptr;
  gchar *path = nullptr;
  int fd = g_file_open_tmp ("gemini-live-record-XXXXXX.jsonl", &path, &error);
  if (fd < 0)
    g_error ("LocalServer: cannot create the record file: %s", error->message);
  g_close (fd, nullptr);
  std::string result (path);
  g_free (path);
  return result;
}

/* Reads one line from `stream` on a private main context, giving up after
 * `timeout_s`. Returns false on timeout or EOF; `line` is left empty then. */
bool
read_first_line (GInputStream *stream, guint timeout_s, std::string &line, std::string &why)
{
  GMainContext *context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  GDataInputStream *data = g_data_input_stream_new (stream);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  GCancellable *cancellable = g_cancellable_new ();

  struct ReadState {
    bool done = false;
    bool timed_out = false;
    gchar *text = nullptr;
    GError *error = nullptr;
  } state;

  g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, cancellable,
      [] (GObject *source, GAsyncResult *result, gpointer user_data) {
        auto st = static_cast<ReadState *> (user_data);
        st->text = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
            result, nullptr, &st->error);
        st->done = true;
      },
      &state);

  GSource *timeout = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (timeout,
      [] (gpointer user_data) -> gboolean {
        static_cast<ReadState *> (user_data)->timed_out = true;
        return G_SOURCE_REMOVE;
      },
      &state, nullptr);
  g_source_attach (timeout, context);

  while (!state.done && !state.timed_out)
    g_main_context_iteration (context, TRUE);

  if (!state.done) {
    g_cancellable_cancel (cancellable);
    while (!state.done)
      g_main_context_iteration (context, TRUE);
  }
  g_source_destroy (timeout);
  g_source_unref (timeout);

  bool ok = false;
  if (state.text != nullptr) {
    line = state.text;
    ok = true;
  } else if (state.timed_out) {
    why = "no output within " + std::to_string (timeout_s) + " s";
  } else if (state.error != nullptr) {
    why = state.error->message;
  } else {
    why = "the server exited before printing its address";
  }
  g_free (state.text);
  g_clear_error (&state.error);
  g_object_unref (cancellable);
  g_object_unref (data);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return ok;
}

}  // namespace

struct LocalServer::Impl {
  GSubprocess *process = nullptr;
};

LocalServer::LocalServer (const std::vector<std::string> &args)
    : LocalServer (Command {[&args] {
        std::vector<std::string> argv = {server_binary ()};
        argv.insert (argv.end (), args.begin (), args.end ());
        return argv;
      }()})
{
}

LocalServer::LocalServer (const Command &command)
{
  impl_ = new Impl ();
  record_path_ = make_record_path ();

  /* Right after the program: a --port among the caller's arguments wins. */
  std::vector<std::string> argv_strings = {command.argv.at (0), "--port", "0", "--record",
      record_path_};
  argv_strings.insert (argv_strings.end (), command.argv.begin () + 1, command.argv.end ());
  std::vector<const gchar *> argv;
  for (const auto &a : argv_strings)
    argv.push_back (a.c_str ());
  argv.push_back (nullptr);

  GError *error = nullptr;
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A test that aborts (g_error, failed assertion) never runs the destructor:
   * the kernel then kills the server, so no orphan keeps the test log open. */
  g_subprocess_launcher_set_child_setup (launcher,
      [] (gpointer) { prctl (PR_SET_PDEATHSIG, SIGKILL); }, nullptr, nullptr);
  impl_->process = g_subprocess_launcher_spawnv (launcher, argv.data (), &error);
  g_object_unref (launcher);
  if (impl_->process == nullptr)
    g_error ("LocalServer: cannot start %s: %s", argv_strings[0].c_str (), error->message);

  std::string line, why;
  if (!read_first_line (g_subprocess_get_stdout_pipe (impl_->process), kStartupTimeoutSeconds, line,
          why))
    g_error ("LocalServer: %s did not report its address: %s", argv_strings[0].c_str (),
        why.c_str ());

  const std::string prefix = "listening on ";
  if (line.rfind (prefix, 0) != 0)
    g_error ("LocalServer: unexpected first line from the server: '%s'", line.c_str ());
  endpoint_ = line.substr (prefix.size ());
  auto colon = endpoint_.rfind (':');
  if (colon == std::string::npos)
    g_error ("LocalServer: no port in the server address '%s'", endpoint_.c_str ());
  port_ = std::atoi (endpoint_.c_str () + colon + 1);
  if (port_ <= 0)
    g_error ("LocalServer: bad port in the server address '%s'", endpoint_.c_str ());
}

LocalServer::~LocalServer ()
{
  if (impl_->process != nullptr) {
    g_subprocess_force_exit (impl_->process);
    g_subprocess_wait (impl_->process, nullptr, nullptr);
    g_object_unref (impl_->process);
  }
  delete impl_;
  if (g_getenv ("GEMINI_LIVE_KEEP_RECORD") == nullptr)
    g_unlink (record_path_.c_str ());
}

std::vector<std::string>
LocalServer::recorded_frames () const
{
  /* The server writes and flushes whole lines; a line without its newline is
   * still being written and is left for the next call. */
  std::vector<std::string> frames;
  std::ifstream in (record_path_, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf ();
  const std::string text = buffer.str ();
  size_t start = 0;
  while (true) {
    size_t end = text.find ('\n', start);
    if (end == std::string::npos)
      break;
    if (end > start)
      frames.push_back (text.substr (start, end - start));
    start = end + 1;
  }
  return frames;
}

std::string
test_data_path (const std::string &name)
{
  const char *dir = g_getenv ("GEMINI_LIVE_TEST_DATA");
  if (dir == nullptr || *dir == '\0')
    g_error ("GEMINI_LIVE_TEST_DATA is not set; run the tests with `meson test`");
  return std::string (dir) + G_DIR_SEPARATOR_S + name;
}

}  // namespace gemlive::test
