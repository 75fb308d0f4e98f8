/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * LiveServer: the SoupServer, URL routing and credential checks, and what all
 * sessions share (scenario, speech synthesizer, resumable conversations, the
 * record file). Everything here runs on the one main loop of the process;
 * only SpeechSynth has a worker thread, which never touches these objects.
 */
#pragma once

#include "backend_routes.h"
#include "scenario.h"
#include "slow_pong.h"
#include "speech_synth.h"

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gemlive::server {

class ServerSession;

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string tls_cert;
  std::string tls_key;
  std::string record_path;
  std::string record_times_path;  /* --record-times: when each recorded frame arrived */
  bool realtime = true;             /* pace reply audio at real time; false = --fast */
  std::string reject_key = "invalid";
  /* Backends and credentials: --api-key, --access-token, --app-check-token
   * (backend_routes.h);
   * empty = any non-empty credential is accepted. */
  std::string valid_api_key;
  std::string valid_access_token;
  std::string valid_app_check_token;
  std::vector<std::string> known_models;  /* empty = the built-in list; "*" accepts any */
  bool strict_tool_audio = false;
  int pong_delay_ms = 0;  /* --pong-delay-ms: answer pings this late (slow_pong.h) */
  bool verbose = false;
  Scenario scenario;
};

/* A conversation that outlives its connections: what a resumption handle names. */
struct Conversation {
  std::string id;
  size_t turns_done = 0;
  std::vector<std::string> history;  /* "user: …" / "model: …", for logs and docs */
  ServerSession *attached = nullptr;  /* the connection serving it, if any */
};

/* RouteInfo: backend_routes.h */

class LiveServer {
public:
  explicit LiveServer (ServerConfig config);
  ~LiveServer ();
  LiveServer (const LiveServer &) = delete;
  LiveServer &operator= (const LiveServer &) = delete;

  /* Listens; on success returns the ws:// or wss:// base URL. */
  bool start (std::string &url, std::string &error);

  const ServerConfig &config () const { return config_; }
  SpeechSynth &synth () { return synth_; }
  bool model_known (const std::string &model_id) const;

  /* Resumption: a new conversation, a handle for one, or the one a handle names. */
  std::shared_ptr<Conversation> new_conversation ();
  std::string issue_handle (const std::shared_ptr<Conversation> &conversation);
  std::shared_ptr<Conversation> find_conversation (const std::string &handle) const;

  /* Appends one received client frame to the record file as one line. */
  void record_frame (const char *data, gsize size);
  void log (const char *format, ...) const G_GNUC_PRINTF (2, 3);
  void session_closed (ServerSession *session);

private:
  static void on_handshake (SoupServer *soup, SoupServerMessage *msg, const char *path,
      GHashTable *query, gpointer user_data);
  static void on_websocket (SoupServer *soup, SoupServerMessage *msg, const char *path,
      SoupWebsocketConnection *connection, gpointer user_data);
  void accept (SoupServerMessage *msg, const char *path, SoupWebsocketConnection *connection);

  ServerConfig config_;
  SoupServer *soup_ = nullptr;
  std::unique_ptr<SlowPongListener> slow_pong_;  /* instead of soup_server_listen with --pong-delay-ms */
  SpeechSynth synth_;
  FILE *record_ = nullptr;
  FILE *record_times_ = nullptr;
  std::map<ServerSession *, std::shared_ptr<ServerSession>> sessions_;
  std::map<std::string, std::shared_ptr<Conversation>> handles_;
  guint64 next_conversation_ = 1;
  guint64 next_connection_ = 1;
};

/* Cuts a close reason to the 123 bytes a close frame allows (as the service
 * does, possibly mid-word) without splitting a UTF-8 character. */
std::string truncate_close_reason (const std::string &reason);

}  // namespace gemlive::server
