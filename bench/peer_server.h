/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The benchmark's own Live API peer: a libsoup WebSocket server that answers
 * `setup` with `setupComplete` and then, per session, streams one endless
 * model reply of 24 kHz audio paced at real time (with a small lead, as the
 * service sends ahead), while counting the audio each client sends.
 * It is not gemini-live-server on purpose: that server answers speech turn by
 * turn, while a scale benchmark needs every session to receive audio all the
 * time, and the latency benchmark needs to timestamp frames at the socket.
 *
 * Threads: everything (the SoupServer, every connection, the pacing timer)
 * lives on the thread that runs `context`; listen () may be called from
 * another thread while `context` is pushed as its thread-default context and
 * before that thread runs it. ready_sessions () is safe from any thread.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bench {

/* {"serverContent":{"modelTurn":{"parts":[{"inlineData":{...24 kHz...}}]}}} */
GBytes *make_reply_audio_frame (const int16_t *pcm, size_t samples);
/* {"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=R","data":...}}} */
GBytes *make_realtime_input_frame (const int16_t *pcm, size_t samples, int rate);

class PeerServer {
public:
  struct Config {
    bool stream_audio = true;    /* paced reply audio after setupComplete */
    unsigned out_chunk_ms = 100; /* audio per server frame */
    unsigned lead_ms = 200;      /* how far ahead of real time the peer sends */
    guint16 port = 0;            /* 0: a free one */
  };
  struct Report {
    size_t sessions = 0;         /* connections that sent a setup */
    guint64 in_samples_min = 0;  /* per session, over sessions that sent a setup */
    guint64 in_samples_max = 0;
    guint64 in_frames = 0;
    guint64 out_samples = 0;     /* all sessions */
    guint64 bad_frames = 0;      /* first frame not a setup, or frames without audio */
    size_t compressed_sessions = 0; /* negotiated a WebSocket extension (permessage-deflate) */
  };
  /* Peer thread; t_ns is taken as the frame was handed over by libsoup. */
  using ClientFrameHook = std::function<void (size_t session, const char *data, size_t size,
      gint64 t_ns)>;

  PeerServer (GMainContext *context, Config config);
  ~PeerServer ();
  PeerServer (const PeerServer &) = delete;
  PeerServer &operator= (const PeerServer &) = delete;

  bool listen (std::string &url, std::string &error);
  void set_client_frame_hook (ClientFrameHook hook) { hook_ = std::move (hook); }

  /* Peer thread only: writes `frame` to session `index`; returns the time
   * just before libsoup was asked to write it, -1 if there is no such open
   * session. */
  gint64 send_frame (size_t index, GBytes *frame);
  size_t ready_sessions () const { return ready_.load (); }
  /* Peer thread only (or once its loop stopped). */
  Report report () const;

private:
  struct Session;
  static void on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
      SoupWebsocketConnection *conn, gpointer data);
  static void on_message (SoupWebsocketConnection *conn, gint type, GBytes *message,
      gpointer data);
  static void on_closed (SoupWebsocketConnection *conn, gpointer data);
  static gboolean on_tick (gpointer data);
  void pace (Session &session, gint64 now);

  GMainContext *context_;
  Config config_;
  SoupServer *server_ = nullptr;
  GSource *tick_ = nullptr;
  GBytes *audio_frame_ = nullptr;
  size_t audio_frame_samples_ = 0;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::atomic<size_t> ready_ {0};
  ClientFrameHook hook_;
  guint64 bad_frames_ = 0;
};

}  // namespace bench
