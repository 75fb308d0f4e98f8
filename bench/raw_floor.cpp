/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-raw-floor: bench-floor's workload with no libsoup and no
 * GMainContext: one thread around epoll, non-blocking sockets and the
 * bench's own minimal RFC 6455 codec (raw_websocket.h). No TLS: the
 * peer is plain ws:// on 127.0.0.1. bench-floor / bench-raw-floor says what libsoup and the GLib
 * main loop cost on top of the kernel for this traffic; it is a benchmark
 * floor, not a client to ship.
 *
 * Per session, byte-for-byte what bench-floor sends: the same upgrade path,
 * the setup frame, every 40 ms a realtimeInput text frame of 40 ms of 16 kHz
 * PCM freshly base64-encoded by GLib; every received message goes through
 * the floors' shared receive path (floor_driver.h). Base64 stays GLib's so
 * that the difference to bench-floor is the I/O model only. Measured by the
 * same driver as bench-floor (run_floor), with "impl":"raw-epoll-floor".
 *
 * Threads: main (set-up, measurement, teardown) and one I/O thread that owns
 * every socket and the microphone timer (a timerfd in the same epoll set).
 * Main hands it work through an eventfd and waits for it to run.
 *
 * Sockets are edge-triggered, registered once for EPOLLIN | EPOLLOUT: no
 * epoll_ctl per send to arm or disarm EPOLLOUT (level-triggered needs that
 * whenever a send is left over), and TCP raises EPOLLOUT again only after a
 * send found the buffer full, so an idle writable socket does not wake the
 * loop. Edge-triggered normally means reading until EAGAIN; a read shorter
 * than the 64 kB buffer already emptied the socket and any later byte raises
 * a new edge, so that extra read() per wake-up is skipped.
 */
#include "floor_driver.h"
#include "raw_websocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace bench::floor_wire;
namespace ws = gemlive::ws;

/* One read takes everything a session has queued (a 100 ms reply frame is
 * 6.4 kB); the buffer is shared by all sessions, which one thread serves. */
constexpr size_t READ_CHUNK = 64 * 1024;
constexpr int EVENT_BATCH = 256;
/* epoll keys below the session count are session indices. */
constexpr guint64 WAKE_KEY = G_MAXUINT64, TIMER_KEY = G_MAXUINT64 - 1;

enum class State { Idle, Connecting, Upgrading, Open, Closed };

/* One WebSocket; all but the shared counters is the I/O thread's. */
struct Session : bench::FloorSession {
  size_t index = 0;
  int fd = -1;
  State state = State::Idle;
  std::string expected_accept;
  std::vector<char> inbox;    /* an incomplete frame (or upgrade response) so far */
  std::vector<char> outbox;   /* what the socket did not take yet */
  ws::ServerFrameReader frame_reader {MAX_INCOMING_PAYLOAD};
};

std::string
errno_text (const char *what)
{
  return std::string (what) + ": " + g_strerror (errno);
}

class RawFloor final : public bench::FloorClient {
public:
  RawFloor (const sockaddr_in &peer, std::string host_port, size_t sessions)
      : peer_ (peer), host_port_ (std::move (host_port)),
        pcm_ (bench::tone (FRAME_SAMPLES, INPUT_RATE)), read_buffer_ (READ_CHUNK)
  {
    sessions_.reserve (sessions);
    for (size_t i = 0; i < sessions; i++) {
      sessions_.push_back (std::make_unique<Session> ());
      sessions_.back ()->index = i;
    }
    /* Room for the largest frame the loop builds: the audio frame, base64
     * per g_base64_encode_step's documented worst case. */
    send_buffer_.resize (sizeof INPUT_PREFIX
        + (FRAME_SAMPLES * 2 / 3 + 1) * 4 + 4 + sizeof INPUT_SUFFIX);
  }
  ~RawFloor () override
  {
    stop_thread ();
    for (auto &s : sessions_)
      if (s->fd >= 0)
        close (s->fd);
    for (int fd : {epoll_fd_, wake_fd_, timer_fd_})
      if (fd >= 0)
        close (fd);
  }
  RawFloor (const RawFloor &) = delete;
  RawFloor &operator= (const RawFloor &) = delete;

  bool start (std::string &error)
  {
    epoll_fd_ = epoll_create1 (EPOLL_CLOEXEC);
    wake_fd_ = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
    timer_fd_ = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0 || timer_fd_ < 0
        || !watch (wake_fd_, EPOLLIN, WAKE_KEY) || !watch (timer_fd_, EPOLLIN, TIMER_KEY)) {
      error = errno_text ("epoll set-up");
      return false;
    }
    thread_ = std::thread ([this] { loop (); });
    return true;
  }

  size_t size () const override { return sessions_.size (); }
  const bench::FloorSession &session (size_t i) const override { return *sessions_[i]; }
  const bench::FeedClock &feed_clock () const override { return clock_; }

  void connect_batch (size_t from, size_t to) override
  {
    run ([&] {
      for (size_t i = from; i < to; i++)
        start_connect (*sessions_[i]);
    });
  }

  void start_feeding () override
  {
    run ([this] {
      feeding_ = true;
      clock_.start ();
      arm_timer (clock_.next_deadline_ns ());
    });
  }
  void stop_feeding () override
  {
    run ([this] {
      feeding_ = false;
      itimerspec off {};
      timerfd_settime (timer_fd_, 0, &off, nullptr);
    });
  }

  /* A close frame to every open session, then every socket closed;
   * handshakes under way are abandoned. */
  void stop () override
  {
    if (thread_.joinable ())
      run ([this] {
        closing_ = true;
        for (auto &s : sessions_) {
          if (s->state == State::Open)
            send_close (*s, ws::CLOSE_GOING_AWAY);
          close_socket (*s);
        }
      });
    stop_thread ();
  }

private:
  void stop_thread ()
  {
    if (!thread_.joinable ())
      return;
    run ([this] { quit_ = true; });
    thread_.join ();
  }

  /* Runs fn on the I/O thread and waits for it. */
  void run (const std::function<void ()> &fn)
  {
    std::promise<void> done;
    auto finished = done.get_future ();
    {
      std::lock_guard<std::mutex> lock (jobs_mutex_);
      jobs_.push_back ([&] {
        fn ();
        done.set_value ();
      });
    }
    guint64 one = 1;
    if (write (wake_fd_, &one, sizeof one) != (ssize_t) sizeof one)
      g_error ("bench-raw-floor: cannot wake the I/O thread: %s", g_strerror (errno));
    finished.wait ();
  }

  bool watch (int fd, guint32 events, guint64 key)
  {
    epoll_event event {};
    event.events = events;
    event.data.u64 = key;
    return epoll_ctl (epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  }

  void loop ()
  {
    std::vector<epoll_event> events (EVENT_BATCH);
    while (!quit_) {
      int n = epoll_wait (epoll_fd_, events.data (), EVENT_BATCH, -1);
      if (n < 0 && errno != EINTR)
        g_error ("bench-raw-floor: epoll_wait: %s", g_strerror (errno));
      for (int i = 0; i < n; i++) {
        guint64 key = events[i].data.u64;
        if (key == WAKE_KEY)
          run_jobs ();
        else if (key == TIMER_KEY)
          on_timer ();
        else
          on_socket (*sessions_[key], events[i].events);
      }
    }
  }

  void run_jobs ()
  {
    guint64 count;
    if (read (wake_fd_, &count, sizeof count) < 0 && errno != EAGAIN)
      g_error ("bench-raw-floor: eventfd: %s", g_strerror (errno));
    std::vector<std::function<void ()>> jobs;
    {
      std::lock_guard<std::mutex> lock (jobs_mutex_);
      jobs.swap (jobs_);
    }
    for (auto &job : jobs)
      job ();
  }

  void start_connect (Session &s)
  {
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      s.fail (errno_text ("socket"));
      return;
    }
    /* Small frames every 40 ms: none should wait for an ACK (Nagle). */
    int on = 1;
    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (connect (fd, reinterpret_cast<const sockaddr *> (&peer_), sizeof peer_) < 0
        && errno != EINPROGRESS) {
      s.fail (errno_text ("connect"));
      close (fd);
      return;
    }
    s.fd = fd;
    s.state = State::Connecting;
    if (!watch (fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, s.index))
      drop (s, errno_text ("epoll_ctl"));
  }

  void on_socket (Session &s, guint32 events)
  {
    if (s.state == State::Closed)
      return;
    if (s.state == State::Connecting) {
      if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
        return;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt (s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        errno = err;
        drop (s, errno_text ("connect"));
        return;
      }
      send_upgrade_request (s);
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
      receive (s, (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
    if (s.state != State::Closed && (events & EPOLLOUT) && !s.outbox.empty ())
      flush (s);
  }

  void receive (Session &s, bool hangup)
  {
    for (;;) {
      ssize_t got = recv (s.fd, read_buffer_.data (), READ_CHUNK, 0);
      if (got > 0) {
        consume (s, read_buffer_.data (), (size_t) got);
        /* A short read emptied the socket; later bytes raise a new edge.
         * After a hang-up, read on to the end of the stream. */
        if (s.state == State::Closed || ((size_t) got < READ_CHUNK && !hangup))
          return;
      } else if (got == 0) {
        drop (s, "the peer closed the connection without a close frame");
        return;
      } else if (errno != EINTR) {
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          drop (s, errno_text ("recv"));
        return;
      }
    }
  }

  /* Parses straight from the read buffer; only an incomplete tail is kept. */
  void consume (Session &s, const char *data, size_t size)
  {
    if (s.inbox.empty ()) {
      size_t used = parse (s, data, size);
      if (s.state != State::Closed && used < size)
        s.inbox.assign (data + used, data + size);
      return;
    }
    s.inbox.insert (s.inbox.end (), data, data + size);
    size_t used = parse (s, s.inbox.data (), s.inbox.size ());
    if (s.state != State::Closed)
      s.inbox.erase (s.inbox.begin (), s.inbox.begin () + (std::ptrdiff_t) used);
  }

  /* Returns how many bytes were whole frames (or the upgrade response). */
  size_t parse (Session &s, const char *data, size_t size)
  {
    size_t at = 0;
    if (s.state == State::Upgrading)
      at = on_upgrade_response (s, data, size);
    while (s.state == State::Open) {
      ws::ServerFrame frame = s.frame_reader.next (data + at, size - at);
      if (frame.kind == ws::ServerFrame::Incomplete)
        break;
      at += frame.used;
      on_frame (s, frame);
    }
    return at;
  }

  void on_frame (Session &s, const ws::ServerFrame &frame)
  {
    switch (frame.kind) {
    case ws::ServerFrame::Message:
      s.on_server_text (frame.data, frame.size, decoded_);
      break;
    case ws::ServerFrame::Ping:
      send_frame (s, ws::OP_PONG, frame.data, frame.size);
      break;
    case ws::ServerFrame::Close:
      if (!closing_)
        s.fail ("closed by the peer (code " + std::to_string (frame.close_code) + ")");
      send_close (s, frame.close_code == ws::CLOSE_NO_STATUS ? 0 : frame.close_code);
      close_socket (s);
      break;
    case ws::ServerFrame::ProtocolError:
      send_close (s, frame.close_code);
      drop (s, frame.error);
      break;
    case ws::ServerFrame::Incomplete:
    case ws::ServerFrame::Nothing:
      break;
    }
  }

  void send_upgrade_request (Session &s)
  {
    ws::Handshake handshake;
    std::string why;
    if (!ws::make_handshake (API_PATH, host_port_, {}, handshake, why)) {
      drop (s, why);
      return;
    }
    s.expected_accept = std::move (handshake.expected_accept);
    s.state = State::Upgrading;
    write_bytes (s, handshake.request.data (), handshake.request.size ());
  }

  /* Waits for the whole response head; once the upgrade is accepted, sends
   * the setup frame. Returns the bytes of the head. */
  size_t on_upgrade_response (Session &s, const char *data, size_t size)
  {
    ws::UpgradeResponse response = ws::check_upgrade_response (data, size, s.expected_accept);
    switch (response.kind) {
    case ws::UpgradeResponse::Incomplete:
      return 0;
    case ws::UpgradeResponse::Refused:
      drop (s, "upgrade refused: HTTP " + std::to_string (response.status) + " "
          + response.reason);
      return size;
    case ws::UpgradeResponse::Invalid:
      drop (s, response.why);
      return size;
    case ws::UpgradeResponse::Accepted:
      break;
    }
    s.state = State::Open;
    std::string ().swap (s.expected_accept);
    send_frame (s, ws::OP_TEXT, SETUP_FRAME, sizeof SETUP_FRAME - 1);
    return response.head_size;
  }

  /* The payload sits at the start of send_buffer_; the frame is masked as
   * it is copied into frame_, which leaves in one send (). */
  void send_framed (Session &s, unsigned opcode, size_t length)
  {
    send_frame (s, opcode, reinterpret_cast<const char *> (send_buffer_.data ()), length);
  }

  void send_frame (Session &s, unsigned opcode, const char *payload, size_t length)
  {
    frame_.clear ();
    ws::append_client_frame (frame_, opcode, payload, length, mask_keys_.next ());
    write_bytes (s, frame_.data (), frame_.size ());
  }

  /* code 0: a close frame with no status (the answer to one without). */
  void send_close (Session &s, guint16 code)
  {
    std::string body = ws::close_payload (code, "");
    send_frame (s, ws::OP_CLOSE, body.data (), body.size ());
  }

  /* Bytes the socket took (0 when full), or -1 once the session is dropped. */
  ssize_t send_some (Session &s, const char *data, size_t size)
  {
    for (;;) {
      ssize_t sent = send (s.fd, data, size, MSG_NOSIGNAL);
      if (sent >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
        return std::max<ssize_t> (sent, 0);
      if (errno != EINTR) {
        drop (s, errno_text ("send"));
        return -1;
      }
    }
  }

  /* Sends now; what the socket does not take waits in the outbox for
   * EPOLLOUT (behind anything already waiting, to keep the order). */
  void write_bytes (Session &s, const char *data, size_t size)
  {
    if (s.state == State::Closed)
      return;
    if (!s.outbox.empty ()) {
      s.outbox.insert (s.outbox.end (), data, data + size);
      return;
    }
    ssize_t sent = send_some (s, data, size);
    if (sent >= 0 && (size_t) sent < size)
      s.outbox.assign (data + sent, data + size);
  }

  /* A short send left the socket full, which raises the next EPOLLOUT edge. */
  void flush (Session &s)
  {
    ssize_t sent = send_some (s, s.outbox.data (), s.outbox.size ());
    if (sent > 0)
      s.outbox.erase (s.outbox.begin (), s.outbox.begin () + sent);
  }

  void drop (Session &s, const std::string &why)
  {
    if (!closing_)
      s.fail (why);
    close_socket (s);
  }

  /* Leaves inbox alone: parse () may still be reading from it. close ()
   * also takes the socket out of the epoll set. */
  void close_socket (Session &s)
  {
    if (s.fd >= 0)
      close (s.fd);
    s.fd = -1;
    s.state = State::Closed;
    std::vector<char> ().swap (s.outbox);
  }

  void arm_timer (gint64 deadline_ns)
  {
    itimerspec when {};
    when.it_value.tv_sec = (time_t) (deadline_ns / 1000000000);
    when.it_value.tv_nsec = (long) (deadline_ns % 1000000000);
    timerfd_settime (timer_fd_, TFD_TIMER_ABSTIME, &when, nullptr);
  }

  void on_timer ()
  {
    guint64 expirations;
    if (read (timer_fd_, &expirations, sizeof expirations) < 0 || !feeding_)
      return;
    tick ();
    /* A deadline already past fires at once, as bench-floor's ready time. */
    arm_timer (clock_.next_deadline_ns ());
  }

  /* bench-floor's send path: a fresh base64 of the 40 ms (never cached: an
   * application encodes what its microphone gave it), here written by
   * g_base64_encode_step straight into the frame being built. */
  void tick ()
  {
    clock_.begin_tick ();
    auto pcm = reinterpret_cast<const guchar *> (pcm_.data ());
    auto payload = reinterpret_cast<gchar *> (send_buffer_.data ());
    for (auto &s : sessions_) {
      if (s->state != State::Open) {
        clock_.refuse ();
        continue;
      }
      size_t length = sizeof INPUT_PREFIX - 1;
      memcpy (payload, INPUT_PREFIX, length);
      gint state = 0, save = 0;
      length += g_base64_encode_step (pcm, FRAME_SAMPLES * 2, FALSE, payload + length, &state,
          &save);
      length += g_base64_encode_close (FALSE, payload + length, &state, &save);
      memcpy (payload + length, INPUT_SUFFIX, sizeof INPUT_SUFFIX - 1);
      length += sizeof INPUT_SUFFIX - 1;
      send_framed (*s, ws::OP_TEXT, length);
    }
    clock_.end_tick ();
  }

  sockaddr_in peer_;
  std::string host_port_;
  std::vector<int16_t> pcm_;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::thread thread_;
  std::mutex jobs_mutex_;
  std::vector<std::function<void ()>> jobs_;
  int epoll_fd_ = -1, wake_fd_ = -1, timer_fd_ = -1;
  bench::FeedClock clock_;

  /* I/O thread only. */
  bool quit_ = false;
  bool closing_ = false;
  bool feeding_ = false;
  ws::MaskKeys mask_keys_;
  std::vector<char> read_buffer_;
  std::vector<unsigned char> send_buffer_;
  std::string frame_;  /* the frame being sent, reused */
  std::vector<guchar> decoded_;
};

/* The peer's URL is ws://<IPv4>:<port>; this client speaks nothing else. */
bool
parse_peer_url (const std::string &url, sockaddr_in &address, std::string &host_port)
{
  static const std::string scheme = "ws://";
  if (url.compare (0, scheme.size (), scheme) != 0)
    return false;
  host_port = url.substr (scheme.size ());
  size_t colon = host_port.rfind (':');
  if (colon == std::string::npos)
    return false;
  std::string host = host_port.substr (0, colon);
  long port = strtol (host_port.c_str () + colon + 1, nullptr, 10);
  address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons ((uint16_t) port);
  return port > 0 && port < 65536 && inet_pton (AF_INET, host.c_str (), &address.sin_addr) == 1;
}

std::unique_ptr<bench::FloorClient>
start_raw_floor (const std::string &peer_url, size_t sessions, std::string &error)
{
  sockaddr_in address;
  std::string host_port;
  if (!parse_peer_url (peer_url, address, host_port)) {
    error = "cannot use the peer's URL " + peer_url;
    return nullptr;
  }
  auto floor = std::make_unique<RawFloor> (address, host_port, sessions);
  if (!floor->start (error))
    return nullptr;
  return floor;
}

}  // namespace

int
main (int argc, char **argv)
{
  return bench::run_floor (argc, argv, {"bench-raw-floor",
      "- epoll + the bench's own WebSocket framing floor under geminilive sessions", "raw-epoll-floor",
      start_raw_floor});
}
