/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Readiness of every WebSocket of the network thread through one epoll set,
 * attached to the thread's GMainContext as a single GSource.
 *
 * Why: with a GSource (or a libsoup connection) per socket, every loop
 * iteration polls every socket and runs prepare/check over each source, so
 * the cost of one wake-up grows with the number of sessions, and the number
 * of wake-ups grows with it too. Here the context holds one descriptor (the
 * epoll set) and a wake-up costs what the ready sockets cost.
 *
 * The sockets are ours (WebSocketConnection), so a descriptor is always
 * removed before it is closed and cannot be reused behind the set's back.
 * Level-triggered: a watcher that does not read everything is told again.
 * Network thread only.
 */
#pragma once

#include <glib.h>

#include <cstdint>
#include <string>
#include <vector>

struct epoll_event;

namespace gemlive {

class SocketWatcher {
public:
  virtual ~SocketWatcher () = default;
  /* readable: data, end of stream or an error is waiting; writable: room to
   * write (only reported while asked for). */
  virtual void on_socket_ready (bool readable, bool writable) = 0;
};

class SocketPoller {
public:
  explicit SocketPoller (GMainContext *context);
  ~SocketPoller ();
  SocketPoller (const SocketPoller &) = delete;
  SocketPoller &operator= (const SocketPoller &) = delete;

  /* Watches fd for reading (and writing when want_write). False with a
   * readable error when the kernel refuses. */
  bool add (int fd, SocketWatcher *watcher, bool want_write, std::string &error);
  void set_want_write (int fd, SocketWatcher *watcher, bool want_write);
  /* Stops watching; the watcher is not called again, not even for events
   * already collected in the batch being dispatched. Before closing fd. */
  void remove (int fd, SocketWatcher *watcher);

  /* One read buffer for every socket of the thread (one reads at a time). */
  std::vector<char> &read_buffer () { return read_buffer_; }

private:
  struct Source;
  static gboolean dispatch (GSource *source, GSourceFunc callback, gpointer data);
  void dispatch_ready ();

  GSource *source_ = nullptr;
  int epoll_fd_ = -1;
  std::vector<epoll_event> batch_;
  int batch_size_ = 0;
  int batch_next_ = 0;
  std::vector<char> read_buffer_;
};

}  // namespace gemlive
