/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/socket_poller.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

namespace gemlive {

namespace {

/* Events taken per dispatch; more wait for the next loop iteration. */
constexpr int BATCH = 256;
/* A 100 ms reply frame is about 6.5 kB; one read takes what a socket holds. */
constexpr size_t READ_BUFFER_SIZE = 64 * 1024;

}  // namespace

struct SocketPoller::Source {
  GSource source;
  SocketPoller *poller;
};

SocketPoller::SocketPoller (GMainContext *context)
    : batch_ (BATCH), read_buffer_ (READ_BUFFER_SIZE)
{
  epoll_fd_ = epoll_create1 (EPOLL_CLOEXEC);
  if (epoll_fd_ < 0)
    g_error ("geminilive: epoll_create1 failed: %s", g_strerror (errno));
  static GSourceFuncs funcs = {nullptr, nullptr, dispatch, nullptr, nullptr, nullptr};
  source_ = g_source_new (&funcs, sizeof (Source));
  reinterpret_cast<Source *> (source_)->poller = this;
  g_source_set_name (source_, "geminilive sockets");
  g_source_add_unix_fd (source_, epoll_fd_, G_IO_IN);
  g_source_attach (source_, context);
}

SocketPoller::~SocketPoller ()
{
  g_source_destroy (source_);
  g_source_unref (source_);
  close (epoll_fd_);
}

bool
SocketPoller::add (int fd, SocketWatcher *watcher, bool want_write, std::string &error)
{
  epoll_event event {};
  event.events = EPOLLIN | EPOLLRDHUP | (want_write ? (guint32) EPOLLOUT : 0u);
  event.data.ptr = watcher;
  if (epoll_ctl (epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0)
    return true;
  error = std::string ("cannot watch the socket: ") + g_strerror (errno);
  return false;
}

void
SocketPoller::set_want_write (int fd, SocketWatcher *watcher, bool want_write)
{
  epoll_event event {};
  event.events = EPOLLIN | EPOLLRDHUP | (want_write ? (guint32) EPOLLOUT : 0u);
  event.data.ptr = watcher;
  if (epoll_ctl (epoll_fd_, EPOLL_CTL_MOD, fd, &event) != 0)
    g_warning ("geminilive: epoll_ctl (MOD) failed: %s", g_strerror (errno));
}

void
SocketPoller::remove (int fd, SocketWatcher *watcher)
{
  epoll_ctl (epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  /* A watcher removed by another's callback must not hear of events
   * collected before it went. */
  for (int i = batch_next_; i < batch_size_; i++)
    if (batch_[i].data.ptr == watcher)
      batch_[i].data.ptr = nullptr;
}

gboolean
SocketPoller::dispatch (GSource *source, GSourceFunc, gpointer)
{
  reinterpret_cast<Source *> (source)->poller->dispatch_ready ();
  return G_SOURCE_CONTINUE;
}

void
SocketPoller::dispatch_ready ()
{
  int n = epoll_wait (epoll_fd_, batch_.data (), BATCH, 0);
  if (n < 0) {
    if (errno != EINTR)
      g_warning ("geminilive: epoll_wait failed: %s", g_strerror (errno));
    return;
  }
  batch_size_ = n;
  for (batch_next_ = 0; batch_next_ < batch_size_;) {
    const epoll_event &event = batch_[batch_next_++];
    auto watcher = static_cast<SocketWatcher *> (event.data.ptr);
    if (!watcher)
      continue;
    const bool readable = event.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    watcher->on_socket_ready (readable, (event.events & EPOLLOUT) != 0);
  }
  batch_size_ = batch_next_ = 0;
}

}  // namespace gemlive
