/* gst-gemini-live server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ws_client.h"

namespace gemlive::test {

namespace {

struct ConnectState {
  bool done = false;
  SoupWebsocketConnection *connection = nullptr;
  GError *error = nullptr;
};

}  // namespace

bool
WsClient::connect (const std::string &url, std::string &error,
    const std::vector<std::pair<std::string, std::string>> &headers)
{
  session_ = soup_session_new ();
  if (!ca_file_.empty ()) {
    GError *tls_error = nullptr;
    GTlsDatabase *database = g_tls_file_database_new (ca_file_.c_str (), &tls_error);
    if (database == nullptr) {
      error = "cannot load CA file " + ca_file_ + ": " + tls_error->message;
      g_clear_error (&tls_error);
      return false;
    }
    soup_session_set_tls_database (session_, database);
    g_object_unref (database);
  }
  SoupMessage *msg = soup_message_new ("GET", url.c_str ());
  if (msg == nullptr) {
    error = "bad URL " + url;
    return false;
  }
  for (const auto &[name, value] : headers)
    soup_message_headers_append (soup_message_get_request_headers (msg), name.c_str (),
        value.c_str ());
  ConnectState state;
  soup_session_websocket_connect_async (session_, msg, nullptr, nullptr, G_PRIORITY_DEFAULT,
      nullptr,
      [] (GObject *source, GAsyncResult *result, gpointer data) {
        auto st = static_cast<ConnectState *> (data);
        st->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
            &st->error);
        st->done = true;
      },
      &state);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!state.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (nullptr, FALSE) || (g_usleep (1000), true);
  g_object_unref (msg);
  if (!state.done) {
    error = "connect timed out";
    return false;
  }
  if (state.connection == nullptr) {
    error = state.error->message;
    g_clear_error (&state.error);
    return false;
  }
  connection_ = state.connection;
  soup_websocket_connection_set_max_incoming_payload_size (connection_, 16 * 1024 * 1024);
  g_signal_connect (connection_, "message",
      G_CALLBACK (+[] (SoupWebsocketConnection *, gint type, GBytes *bytes, gpointer data) {
        gsize size = 0;
        auto p = static_cast<const char *> (g_bytes_get_data (bytes, &size));
        static_cast<WsClient *> (data)->frames_.push_back (
            {type == SOUP_WEBSOCKET_DATA_BINARY, std::string (p, size)});
      }),
      this);
  g_signal_connect (connection_, "closed", G_CALLBACK (+[] (SoupWebsocketConnection *c, gpointer data) {
    auto self = static_cast<WsClient *> (data);
    self->closed_ = true;
    self->close_code_ = soup_websocket_connection_get_close_code (c);
    const char *reason = soup_websocket_connection_get_close_data (c);
    self->close_reason_ = reason != nullptr ? reason : "";
  }),
      this);
  return true;
}

WsClient::~WsClient ()
{
  if (connection_ != nullptr) {
    g_signal_handlers_disconnect_by_data (connection_, this);
    if (soup_websocket_connection_get_state (connection_) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (connection_, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
    g_object_unref (connection_);
  }
  if (session_ != nullptr) {
    soup_session_abort (session_);
    g_object_unref (session_);
  }
}

void
WsClient::send_text (const std::string &json)
{
  if (connection_ != nullptr &&
      soup_websocket_connection_get_state (connection_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (connection_, json.c_str ());
}

bool
WsClient::wait_until (const std::function<bool ()> &done, int timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + static_cast<gint64> (timeout_s) * G_USEC_PER_SEC;
  while (!done () && !closed_ && g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (nullptr, FALSE))
      g_usleep (1000);
  }
  return done ();
}

bool
WsClient::wait_closed (int timeout_s)
{
  return wait_until ([this] { return closed_; }, timeout_s);
}

void
WsClient::close ()
{
  if (connection_ != nullptr &&
      soup_websocket_connection_get_state (connection_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection_, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
  wait_closed (30);
}

std::vector<std::string>
WsClient::frame_texts () const
{
  std::vector<std::string> out;
  for (const auto &f : frames_)
    out.push_back (f.text);
  return out;
}

int
WsClient::find (const std::string &needle, size_t from) const
{
  for (size_t i = from; i < frames_.size (); i++)
    if (frames_[i].text.find (needle) != std::string::npos)
      return static_cast<int> (i);
  return -1;
}

}  // namespace gemlive::test
