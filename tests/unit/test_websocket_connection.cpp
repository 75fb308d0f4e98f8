/* gst-gemini-live unit tests: WebSocketConnection (gst/live/websocket_connection.h)
 * against a scripted server: a blocking TCP server on 127.0.0.1 (random
 * port, its own thread) that answers the upgrade and writes hand-built
 * frames, and reads back what the client sent (frames built with the
 * bench's own framing, bench/raw_websocket.h, not libsoup's). No GStreamer:
 * the bytes on the wire are the specification.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/network_thread.h"
#include "live/websocket_connection.h"
#include "server_frames.h"
#include "raw_websocket.h"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace gemlive;
using test_frames::pattern;
using test_frames::server_frame;

constexpr gint64 WAIT_US = 10 * G_USEC_PER_SEC;

std::string
close_frame (guint16 code, const std::string &reason)
{
  return server_frame (0x80 | ws::OP_CLOSE, ws::close_payload (code, reason));
}

struct ClientFrame {
  unsigned opcode = 0;
  std::string payload;
};

/* One TCP connection to the client under test, served on its own thread by
 * a script that gets this object to read and write with. */
class ScriptedServer {
public:
  using Script = std::function<void (ScriptedServer &)>;

  explicit ScriptedServer (Script script) : script_ (std::move (script))
  {
    listen_fd_ = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    g_assert_cmpint (bind (listen_fd_, (sockaddr *) &address, sizeof address), ==, 0);
    g_assert_cmpint (listen (listen_fd_, 4), ==, 0);
    socklen_t len = sizeof address;
    getsockname (listen_fd_, (sockaddr *) &address, &len);
    port_ = ntohs (address.sin_port);
    thread_ = std::thread ([this] { serve (); });
  }
  ~ScriptedServer ()
  {
    thread_.join ();
    close (listen_fd_);
  }
  ScriptedServer (const ScriptedServer &) = delete;
  ScriptedServer &operator= (const ScriptedServer &) = delete;

  std::string url (const std::string &target = "/ws/live?key=k") const
  {
    return "ws://127.0.0.1:" + std::to_string (port_) + target;
  }
  int port () const { return port_; }
  const std::string &request () const { return request_; }

  void write_all (const std::string &bytes)
  {
    for (size_t at = 0; at < bytes.size ();) {
      ssize_t n = send (fd_, bytes.data () + at, bytes.size () - at, MSG_NOSIGNAL);
      g_assert_cmpint (n, >, 0);
      at += (size_t) n;
    }
  }
  /* Writes bytes in pieces of `piece` bytes, each its own TCP segment. */
  void write_in_pieces (const std::string &bytes, size_t piece)
  {
    for (size_t at = 0; at < bytes.size (); at += piece) {
      write_all (bytes.substr (at, piece));
      g_usleep (200);
    }
  }
  void accept_upgrade ()
  {
    std::string key = header ("Sec-WebSocket-Key");
    write_all ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " + ws::accept_for_key (key) + "\r\n\r\n");
  }
  /* The next frame the client sent, unmasked; a client frame is always masked. */
  ClientFrame read_frame ()
  {
    unsigned char head[2];
    read_exact (head, 2);
    g_assert_true (head[1] & 0x80);
    guint64 length = head[1] & 0x7f;
    if (length >= 126) {
      unsigned char ext[8];
      size_t size = length == 126 ? 2 : 8;
      read_exact (ext, size);
      length = 0;
      for (size_t i = 0; i < size; i++)
        length = (length << 8) | ext[i];
    }
    unsigned char key[4];
    read_exact (key, 4);
    ClientFrame frame;
    frame.opcode = head[0] & 0x0f;
    frame.payload.resize (length);
    read_exact (&frame.payload[0], length);
    for (size_t i = 0; i < length; i++)
      frame.payload[i] ^= (char) key[i % 4];
    return frame;
  }
  /* Reads until the client closes its socket. Anything it sends first (its
   * close frame) is answered by closing our side, as a server does. */
  void wait_until_client_closes ()
  {
    char buffer[4096];
    bool answered = false;
    while (recv (fd_, buffer, sizeof buffer, 0) > 0) {
      if (!answered)
        shutdown (fd_, SHUT_WR);
      answered = true;
    }
  }
  void hang_up () { shutdown (fd_, SHUT_RDWR); }

private:
  void serve ()
  {
    fd_ = accept (listen_fd_, nullptr, nullptr);
    g_assert_cmpint (fd_, >=, 0);
    int on = 1;
    setsockopt (fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    timeval limit {10, 0};
    setsockopt (fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    while (request_.find ("\r\n\r\n") == std::string::npos) {
      char byte;
      g_assert_cmpint (recv (fd_, &byte, 1, 0), ==, 1);
      request_ += byte;
    }
    script_ (*this);
    close (fd_);
  }
  std::string header (const std::string &name) const
  {
    size_t at = request_.find ("\r\n" + name + ": ");
    g_assert_true (at != std::string::npos);
    size_t from = at + name.size () + 4;
    return request_.substr (from, request_.find ("\r\n", from) - from);
  }
  void read_exact (void *into, size_t size)
  {
    auto out = static_cast<char *> (into);
    for (size_t at = 0; at < size;) {
      ssize_t n = recv (fd_, out + at, size - at, 0);
      g_assert_cmpint (n, >, 0);
      at += (size_t) n;
    }
  }

  Script script_;
  int listen_fd_ = -1, fd_ = -1, port_ = 0;
  std::string request_;
  std::thread thread_;
};

/* What the connection told its owner; read through now () or wait_for (). */
class RecordedEvents : public WebSocketEvents {
public:
  struct Seen {
    bool opened = false, ended = false;
    std::vector<std::string> messages;
    SessionEnd end;
  };

  void on_open () override { record ([] (Seen &seen) { seen.opened = true; }); }
  void on_message (const char *data, size_t size) override
  {
    record ([data, size] (Seen &seen) { seen.messages.emplace_back (data, size); });
  }
  void on_writable () override {}
  void on_invalid_text_frame () override {}
  void on_end (SessionEnd end) override
  {
    record ([&end] (Seen &seen) {
      seen.ended = true;
      seen.end = end;
    });
  }

  /* Waits (at most WAIT_US) until done holds; returns what was seen by then. */
  Seen wait_for (const std::function<bool (const Seen &)> &done)
  {
    std::unique_lock<std::mutex> lock (mutex_);
    bool held = cond_.wait_until (lock, std::chrono::steady_clock::now () +
        std::chrono::microseconds (WAIT_US), [&] { return done (seen_); });
    g_assert_true (held);
    return seen_;
  }
  Seen now ()
  {
    std::lock_guard<std::mutex> guard (mutex_);
    return seen_;
  }

private:
  void record (const std::function<void (Seen &)> &change)
  {
    std::lock_guard<std::mutex> guard (mutex_);
    change (seen_);
    cond_.notify_all ();
  }
  std::mutex mutex_;
  std::condition_variable cond_;
  Seen seen_;
};

bool
opened (const RecordedEvents::Seen &seen)
{
  return seen.opened;
}

bool
ended (const RecordedEvents::Seen &seen)
{
  return seen.ended;
}

/* A connection on the shared network thread; touched only there. */
class Client {
public:
  explicit Client (const std::string &url, HeaderList headers = {})
      : thread_ (NetworkThread::acquire ())
  {
    thread_->invoke_sync ([&] {
      conn_ = std::make_unique<WebSocketConnection> (*thread_, events);
      WebSocketRequest request;
      request.url = url;
      request.headers = std::move (headers);
      conn_->open (request);
    });
  }
  ~Client () { retire (); }
  Client (const Client &) = delete;
  Client &operator= (const Client &) = delete;

  void on_thread (const std::function<void (WebSocketConnection &)> &fn)
  {
    thread_->invoke_sync ([&] { fn (*conn_); });
  }
  /* Hands the connection to the thread; true once its socket is closed. */
  bool retire ()
  {
    if (!conn_)
      return true;
    auto closed = std::make_shared<RecordedEvents> ();
    thread_->invoke_sync ([&] {
      thread_->retire_connection (std::move (conn_), [closed] { closed->on_open (); });
    });
    return closed->wait_for (opened).opened;
  }

  RecordedEvents events;

private:
  std::shared_ptr<NetworkThread> thread_;
  std::unique_ptr<WebSocketConnection> conn_;
};

void
test_upgrade_request_carries_target_host_and_headers ()
{
  ScriptedServer server ([] (ScriptedServer &s) {
    s.accept_upgrade ();
    s.wait_until_client_closes ();
  });
  std::string target = "//ws/google.ai.generativelanguage.v1beta.GenerativeService."
      "BidiGenerateContent?key=k%2B1";
  Client client (server.url (target), {{"x-goog-api-client", "geminilive/0.1"}});
  client.events.wait_for (opened);
  const std::string &request = server.request ();
  g_assert_true (g_str_has_prefix (request.c_str (), ("GET " + target + " HTTP/1.1\r\n").c_str ()));
  g_assert_true (request.find ("\r\nHost: 127.0.0.1:" + std::to_string (server.port ()) + "\r\n")
      != std::string::npos);
  for (const char *line : {"\r\nUpgrade: websocket\r\n", "\r\nConnection: Upgrade\r\n",
           "\r\nSec-WebSocket-Version: 13\r\n", "\r\nx-goog-api-client: geminilive/0.1\r\n"})
    g_assert_true (request.find (line) != std::string::npos);
  g_assert_true (client.retire ());
}

void
test_messages_arrive_whole_however_the_bytes_are_cut ()
{
  const std::string big = pattern (100000);
  ScriptedServer server ([&big] (ScriptedServer &s) {
    s.accept_upgrade ();
    s.write_in_pieces (server_frame (0x80 | ws::OP_BINARY, big), 7919);
    s.write_in_pieces (server_frame (0x80 | ws::OP_TEXT, "{\"setupComplete\":{}}"), 3);
    s.write_all (server_frame (ws::OP_TEXT, "Hel") + server_frame (ws::OP_CONTINUATION, "lo, ")
        + server_frame (0x80 | ws::OP_CONTINUATION, "world"));
    s.write_all (server_frame (0x80 | ws::OP_TEXT, "one") + server_frame (0x80 | ws::OP_TEXT, "two"));
    s.wait_until_client_closes ();
  });
  Client client (server.url ());
  auto messages = client.events.wait_for ([] (const RecordedEvents::Seen &seen) {
    return seen.messages.size () >= 5;
  }).messages;
  g_assert_cmpuint (messages.size (), ==, 5);
  g_assert_true (messages[0] == big);
  g_assert_cmpstr (messages[1].c_str (), ==, "{\"setupComplete\":{}}");
  g_assert_cmpstr (messages[2].c_str (), ==, "Hello, world");
  g_assert_cmpstr (messages[3].c_str (), ==, "one");
  g_assert_cmpstr (messages[4].c_str (), ==, "two");
  g_assert_false (client.events.now ().ended);
}

void
test_a_ping_is_answered_with_its_payload ()
{
  ClientFrame pong;
  ScriptedServer server ([&pong] (ScriptedServer &s) {
    s.accept_upgrade ();
    s.write_all (server_frame (0x80 | ws::OP_PING, "abc"));
    pong = s.read_frame ();
    s.write_all (server_frame (0x80 | ws::OP_TEXT, "pong read"));
    s.wait_until_client_closes ();
  });
  {
    Client client (server.url ());
    /* Not retired before the answer: nothing may follow a close frame. */
    client.events.wait_for ([] (const RecordedEvents::Seen &seen) {
      return !seen.messages.empty ();
    });
  }
  g_assert_cmpuint (pong.opcode, ==, ws::OP_PONG);
  g_assert_cmpstr (pong.payload.c_str (), ==, "abc");
}

void
test_sent_text_arrives_masked_in_order_with_every_length_form ()
{
  const std::vector<std::string> sent = {pattern (10), pattern (300), pattern (70000)};
  std::vector<ClientFrame> received;
  {
    ScriptedServer server ([&] (ScriptedServer &s) {
      s.accept_upgrade ();
      for (size_t i = 0; i < sent.size () + 50; i++)
        received.push_back (s.read_frame ());
      s.wait_until_client_closes ();
    });
    Client client (server.url ());
    client.events.wait_for (opened);
    client.on_thread ([&] (WebSocketConnection &conn) {
      for (const auto &text : sent)
        conn.send_text (text);
      /* A burst in one call: they still leave in order. */
      for (int i = 0; i < 50; i++)
        conn.send_text ("frame " + std::to_string (i));
    });
    g_assert_true (client.retire ());
  }  /* the server's thread joined: received is complete */
  g_assert_cmpuint (received.size (), ==, sent.size () + 50);
  for (size_t i = 0; i < sent.size (); i++) {
    g_assert_cmpuint (received[i].opcode, ==, ws::OP_TEXT);
    g_assert_true (received[i].payload == sent[i]);
  }
  for (int i = 0; i < 50; i++) {
    std::string expected = "frame " + std::to_string (i);
    g_assert_cmpstr (received[sent.size () + i].payload.c_str (), ==, expected.c_str ());
  }
}

/* The server sends `bytes` after the upgrade; returns how the client ended
 * and the close frame it answered with. */
SessionEnd
end_after (const std::string &bytes, ClientFrame *answer = nullptr)
{
  ClientFrame close;
  SessionEnd end;
  {
    ScriptedServer server ([&] (ScriptedServer &s) {
      s.accept_upgrade ();
      s.write_all (bytes);
      if (answer)
        close = s.read_frame ();
      s.wait_until_client_closes ();
    });
    Client client (server.url ());
    end = client.events.wait_for (ended).end;
  }  /* the client retired, then the server's thread joined */
  if (answer)
    *answer = close;
  return end;
}

void
test_a_server_close_reports_its_code_and_reason_and_is_answered ()
{
  ClientFrame answer;
  SessionEnd end = end_after (close_frame (1011, "Internal error occurred."), &answer);
  g_assert_cmpint ((int) end.kind, ==, (int) SessionEnd::Kind::CLOSED);
  g_assert_cmpint (end.close_code, ==, 1011);
  g_assert_cmpstr (end.reason.c_str (), ==, "Internal error occurred.");
  g_assert_cmpuint (answer.opcode, ==, ws::OP_CLOSE);
  /* libsoup echoes the code (and the reason) */
  g_assert_true (answer.payload.compare (0, 2, ws::close_payload (1011, "")) == 0);
}

void
test_a_dropped_connection_is_close_1006 ()
{
  ScriptedServer server ([] (ScriptedServer &s) {
    s.accept_upgrade ();
    s.write_all (server_frame (0x80 | ws::OP_TEXT, "last"));
    s.hang_up ();
  });
  Client client (server.url ());
  auto seen = client.events.wait_for (ended);
  g_assert_cmpint ((int) seen.end.kind, ==, (int) SessionEnd::Kind::CLOSED);
  g_assert_cmpint (seen.end.close_code, ==, 1006);
  g_assert_cmpuint (seen.messages.size (), ==, 1);  /* what came first is kept */
}

void
test_protocol_violations_end_the_connection_named_as_such ()
{
  /* Only the header of a frame larger than the limit: refused before its
   * payload (libsoup drops the socket at once, no close frame). */
  SessionEnd too_big =
      end_after (server_frame (0x80 | ws::OP_BINARY, "", WebSocketConnection::MAX_MESSAGE + 1));
  g_assert_cmpint ((int) too_big.kind, ==, (int) SessionEnd::Kind::PROTOCOL_VIOLATION);
  g_assert_cmpint (too_big.close_code, ==, ws::CLOSE_TOO_BIG);
  g_assert_true (too_big.detail.find ("max-incoming-payload-size") != std::string::npos);

  ClientFrame answer;
  SessionEnd masked = end_after (std::string ("\x81\x85\x01\x02\x03\x04", 6) + "igohn", &answer);
  g_assert_cmpint ((int) masked.kind, ==, (int) SessionEnd::Kind::PROTOCOL_VIOLATION);
  g_assert_cmpint (masked.close_code, ==, ws::CLOSE_PROTOCOL_ERROR);
  g_assert_cmpstr (masked.detail.c_str (), !=, "");
  g_assert_true (answer.payload.compare (0, 2,
      ws::close_payload (ws::CLOSE_PROTOCOL_ERROR, "")) == 0);

  SessionEnd reserved_bit = end_after (server_frame (0x80 | 0x40 | ws::OP_TEXT, "{}"));
  g_assert_cmpint ((int) reserved_bit.kind, ==, (int) SessionEnd::Kind::PROTOCOL_VIOLATION);
  SessionEnd lone_continuation = end_after (server_frame (0x80 | ws::OP_CONTINUATION, "{}"));
  g_assert_cmpint ((int) lone_continuation.kind, ==, (int) SessionEnd::Kind::PROTOCOL_VIOLATION);
}

void
test_a_text_frame_that_is_not_utf8_is_its_own_end ()
{
  SessionEnd end = end_after (server_frame (0x80 | ws::OP_TEXT, "{\"x\": \"\xff\xfe\"}"));
  g_assert_cmpint ((int) end.kind, ==, (int) SessionEnd::Kind::INVALID_TEXT_FRAME);
  g_assert_cmpint (end.close_code, ==, 1007);
}

/* The server answers the upgrade with `answer`; returns how the client ended. */
SessionEnd
end_after_upgrade_answer (const std::string &answer)
{
  ScriptedServer server ([&answer] (ScriptedServer &s) {
    s.write_all (answer);
    s.wait_until_client_closes ();
  });
  Client client (server.url ());
  auto seen = client.events.wait_for (ended);
  g_assert_false (seen.opened);
  return seen.end;
}

void
test_a_refused_upgrade_reports_the_http_status_and_reason ()
{
  SessionEnd refused =
      end_after_upgrade_answer ("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
  g_assert_cmpint ((int) refused.kind, ==, (int) SessionEnd::Kind::HANDSHAKE_REFUSED);
  g_assert_cmpuint (refused.http_status, ==, 401);
  g_assert_cmpstr (refused.reason.c_str (), ==, "Unauthorized");

  SessionEnd wrong = end_after_upgrade_answer ("HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm9wZQ==\r\n\r\n");
  g_assert_cmpint ((int) wrong.kind, ==, (int) SessionEnd::Kind::UNREACHABLE);
  g_assert_true (wrong.detail.find ("Sec-WebSocket-Accept") != std::string::npos);
}

void
test_nothing_listening_is_unreachable_at_once ()
{
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  sockaddr_in address {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  bind (fd, (sockaddr *) &address, sizeof address);
  socklen_t len = sizeof address;
  getsockname (fd, (sockaddr *) &address, &len);
  close (fd);
  gint64 start = g_get_monotonic_time ();
  Client client ("ws://127.0.0.1:" + std::to_string (ntohs (address.sin_port)) + "/ws");
  SessionEnd end = client.events.wait_for (ended).end;
  g_assert_cmpint ((int) end.kind, ==, (int) SessionEnd::Kind::UNREACHABLE);
  g_assert_cmpstr (end.detail.c_str (), !=, "");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

void
test_retiring_closes_with_1000_and_reports_nothing_more ()
{
  ClientFrame close;
  std::mutex mutex;
  std::condition_variable sent_late;
  bool retired = false;
  ScriptedServer server ([&] (ScriptedServer &s) {
    s.accept_upgrade ();
    close = s.read_frame ();
    /* Data after the client's close must not reach its owner. */
    s.write_all (server_frame (0x80 | ws::OP_TEXT, "too late"));
    s.write_all (close_frame (1000, ""));
    s.wait_until_client_closes ();
    std::lock_guard<std::mutex> guard (mutex);
    retired = true;
    sent_late.notify_all ();
  });
  Client client (server.url ());
  client.events.wait_for (opened);
  g_assert_true (client.retire ());  /* true only once the socket is closed */
  {
    std::unique_lock<std::mutex> lock (mutex);
    sent_late.wait (lock, [&] { return retired; });
  }
  g_assert_cmpuint (close.opcode, ==, ws::OP_CLOSE);
  g_assert_true (close.payload == ws::close_payload (1000, ""));
  g_assert_cmpuint (client.events.now ().messages.size (), ==, 0);
  g_assert_false (client.events.now ().ended);
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  /* gtestutils prints every level as a TAP comment; GSocketClient's debug
   * lines would bury the results. Everything else still reaches it. */
  static GLogFunc test_log = g_log_set_default_handler (
      [] (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
        if (!(level & G_LOG_LEVEL_DEBUG))
          test_log (domain, level, message, data);
      },
      nullptr);
#define ADD_TEST(name) g_test_add_func ("/websocket-connection/" #name, name)
  ADD_TEST (test_upgrade_request_carries_target_host_and_headers);
  ADD_TEST (test_messages_arrive_whole_however_the_bytes_are_cut);
  ADD_TEST (test_a_ping_is_answered_with_its_payload);
  ADD_TEST (test_sent_text_arrives_masked_in_order_with_every_length_form);
  ADD_TEST (test_a_server_close_reports_its_code_and_reason_and_is_answered);
  ADD_TEST (test_a_dropped_connection_is_close_1006);
  ADD_TEST (test_protocol_violations_end_the_connection_named_as_such);
  ADD_TEST (test_a_text_frame_that_is_not_utf8_is_its_own_end);
  ADD_TEST (test_a_refused_upgrade_reports_the_http_status_and_reason);
  ADD_TEST (test_nothing_listening_is_unreachable_at_once);
  ADD_TEST (test_retiring_closes_with_1000_and_reports_nothing_more);
  return g_test_run ();
}
