/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ServerSession: one WebSocket connection of gemini-live-server, as a state
 * machine. Input side (server_session.cpp): setup, realtime input, voice
 * activity, tool responses. Reply side (session_reply.cpp): stalls, tool
 * calls, speech synthesis, paced streaming, barge-in, faults. All of it runs
 * on the main loop; timers are GLib sources owned (and removed) by the session.
 */
#pragma once

#include "live_server.h"
#include "model_policy.h"
#include "scenario.h"
#include "speech_recognizer.h"
#include "speech_synth.h"
#include "vad.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace gemlive::server {

/* What ended a user turn, and what the server knows of its content. */
struct UserTurn {
  enum class Source { AUDIO, TEXT } source = Source::AUDIO;
  std::string text;        /* TEXT: what was typed */
  int64_t audio_ms = 0;    /* AUDIO: how much audio the turn covered */
  std::vector<AudioChunk> audio;  /* AUDIO, with pocketsphinx: the samples, for recognition */
  /* AUDIO under automatic detection: where the speech lay in the input
   * stream (ms from its start), for transcription offsets; -1 = unknown. */
  int64_t start_ms = -1;
  int64_t end_ms = -1;
};

class ServerSession : public std::enable_shared_from_this<ServerSession> {
public:
  ServerSession (LiveServer &server, SoupWebsocketConnection *connection, RouteInfo route,
      guint64 number);
  ~ServerSession ();
  ServerSession (const ServerSession &) = delete;
  ServerSession &operator= (const ServerSession &) = delete;

  void start ();
  /* Sends a close frame (reason cut to 123 bytes) and stops all activity. */
  void close (int code, const std::string &reason);
  bool is_open () const;

private:
  enum class Phase { AWAIT_SETUP, READY, CLOSED };
  enum class ReplyState { IDLE, RECOGNIZING, STALLING, WAITING_TOOL, SYNTHESIZING, STREAMING };

  static void on_message (SoupWebsocketConnection *c, gint type, GBytes *message, gpointer data);
  static void on_closed (SoupWebsocketConnection *c, gpointer data);

  /* input side */
  void handle_frame (const char *data, gsize size);
  void handle_setup (JsonObject *setup);
  void handle_realtime_input (JsonObject *input);
  void handle_audio (JsonObject *blob);
  void handle_client_content (JsonObject *content);
  void handle_tool_response (JsonObject *response);
  void apply_realtime_input_config (JsonObject *config);
  void user_speech_started ();
  void end_user_turn (UserTurn turn);
  void invalid_argument (const std::string &why);

  /* reply side */
  void begin_reply (const UserTurn &turn);
  void recognize_turn ();
  void on_recognized (Recognition result);
  void reply_to_transcript ();
  void continue_after_stall ();
  void send_tool_calls ();
  void tool_calls_resolved (bool cancelled);
  void speak (const std::string &text);
  /* The model's answer: after a spoken filler on models that think first. */
  void speak_answer (const std::string &text);
  /* A transcribe model's turn: the transcript, no speech. */
  void finish_transcription_turn ();
  void send_rest_of_transcript ();
  void send_output_transcript (const std::string &text);
  void on_speech_ready (SynthResult result);
  gboolean stream_step ();
  void finish_reply ();
  void interrupt_reply ();
  bool reply_playing () const;
  bool inject_fault (const TurnFault &fault);
  void drop_tcp ();
  void go_away (int64_t time_left_ms);
  void send (const std::string &json);
  void send_resumption_update ();
  void start_next_pending_turn ();
  void clear_timer (guint &id);

  LiveServer &server_;
  SoupWebsocketConnection *connection_ = nullptr;
  RouteInfo route_;
  std::string tag_;  /* "session N", for logs */
  Phase phase_ = Phase::AWAIT_SETUP;
  gulong message_handler_ = 0;
  gulong closed_handler_ = 0;

  /* what setup asked for */
  bool input_transcription_ = false;
  bool output_transcription_ = false;
  bool resumption_requested_ = false;
  bool automatic_activity_ = true;
  bool barge_in_ = true;                 /* activityHandling != NO_INTERRUPTION */
  bool turn_includes_all_input_ = false; /* turnCoverage */
  std::shared_ptr<Conversation> conversation_;
  ModelPolicy model_;  /* the setup's model and what it allows */

  /* input state */
  std::unique_ptr<VoiceActivityDetector> vad_;
  bool manual_activity_ = false;
  bool speech_in_turn_ = false;
  int64_t turn_audio_ms_ = 0;
  int64_t pending_audio_ms_ = 0;  /* audio before speech, counted with TURN_INCLUDES_ALL_INPUT */
  int64_t speech_start_ms_ = -1;  /* stream time the current speech began */
  guint64 video_frames_ = 0;
  TurnAudio turn_audio_;  /* with pocketsphinx: the current turn's audio and its lead-in */
  std::deque<UserTurn> pending_turns_;  /* turns that ended while a reply was still running */

  /* reply state */
  ReplyState reply_state_ = ReplyState::IDLE;
  guint64 reply_generation_ = 0;  /* tells a late synthesis result from the current one */
  ScenarioTurn turn_;
  UserTurn user_turn_;
  std::string heard_;  /* what the user said: typed, scripted transcript, or recognized */
  std::set<std::string> pending_tool_ids_;
  bool blocking_tool_pending_ = false;
  gint64 tool_call_sent_us_ = 0;  /* when the pending toolCall left, for --strict-tool-audio */
  SynthResult speech_;
  std::string reply_text_;
  std::string answer_after_filler_;  /* extended thinking: said once the filler is out */
  size_t next_sample_ = 0;
  size_t next_word_ = 0;
  bool mid_fault_done_ = false;
  gint64 playback_end_us_ = 0;  /* monotonic time the client finishes playing the reply */
  guint stall_timer_ = 0;
  guint stream_timer_ = 0;
  guint cancel_timer_ = 0;
  guint go_away_timer_ = 0;
  guint close_timer_ = 0;
  guint deadline_timer_ = 0;
};

/* Reads a client message field by its camelCase name or its snake_case form. */
JsonNode *client_member (JsonObject *object, const char *camel_name);
JsonObject *client_object (JsonObject *object, const char *camel_name);
/* The string at that field, or "" when it is absent or not a string. */
std::string client_string (JsonObject *object, const char *camel_name);

}  // namespace gemlive::server
