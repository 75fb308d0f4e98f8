/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One spoken conversation with a Gemini Live model, with no pads: the
 * LiveSession, the reply/drain state machine (ReplyState), the chunker and
 * the tool gate every input frame passes (InputGate), the function calls and
 * the queues the src side pops. geminilive owns one; geminilivesink and
 * geminilivesrc share one by session name (SessionRegistry).
 *
 * The owner (geminilive or geminilivesink) opens and closes it and is the
 * element its bus messages, errors and signals come from.
 *
 * Threads and hand-off points:
 * - application thread: open/close (state changes), update_settings
 *   (properties), the action signals (send_text, activity, ...).
 * - streaming threads: input_* (sink, video_sink, text_sink pads): encode,
 *   then InputGate::send -> LiveSession::send (never blocks).
 * - network thread ("geminilive-net", shared by every session of the
 *   process): the SessionListener callbacks and the alarms. It only queues
 *   audio/text/markers for the src side and posts bus messages; it never
 *   pushes into a pad, emits a signal or waits on application code.
 * - "geminilive-tools" thread: emits tool-call, in arrival order.
 * - GstElement's call_async thread: emits need-app-check-token before a
 *   reconnection and builds that connection's request.
 * - src side task(s) (SrcPadDriver): pop audio_output () / text_output ().
 * Locks: session_lock_ (session, alarms, settings, route), the ReplyState's
 * and the InputGate's own. None is held while another is taken, while
 * posting a message or emitting a signal, or while stopping the session.
 */
#pragma once

#include "backend_request.h"
#include "input_gate.h"
#include "property_table.h"
#include "reply_state.h"
#include "tool_dispatcher.h"

#include "live/live_session.h"
#include "live/output_queue.h"

#include <gst/gst.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#define GEMINI_LIVE_OUTPUT_RATE 24000

class Conversation : public gemlive::SessionListener,
                     public std::enable_shared_from_this<Conversation> {
public:
  Conversation () = default;
  ~Conversation () override;
  Conversation (const Conversation &) = delete;
  Conversation &operator= (const Conversation &) = delete;

  /* --- the owner: application thread --- */
  /* Opens the Live session with `settings`; owner posts its messages. False
   * after posting an error on owner. */
  bool open (GstElement *owner, const ConversationSettings &settings);
  /* Synchronous: when it returns no network callback runs and nothing waits. */
  void close ();
  bool is_open ();
  /* The owner's settings changed (tokens refreshed, tool-timeout …): the next
   * connection and later calls use them. */
  void update_settings (const ConversationSettings &settings);
  /* The newest resumable handle (of this session, else the last one); empty
   * when neither exists. */
  std::string resumption_handle ();
  guint64 unparsable_frames ();

  /* --- the src side --- */
  gemlive::OutputQueue &audio_output () { return audio_; }
  gemlive::OutputQueue &text_output () { return text_; }
  /* Audio is queued only while a src side is attached: nobody hears it
   * otherwise. text_src: a text_src pad exists; input_transcripts: it wants
   * the user's transcripts too. */
  void set_output_attached (bool attached) { output_attached_ = attached; }
  /* The src side's max-queued-audio: more reply audio waiting for it is dropped. */
  void set_max_queued_audio_ms (guint ms) { max_queued_audio_ms_ = ms; }
  void set_text_output (bool text_src, bool input_transcripts)
  {
    text_src_ = text_src;
    text_input_transcripts_ = input_transcripts;
  }

  /* --- input: streaming threads --- */
  /* Where the service's transcription offsets count from: the running time
   * of the session's first input sample (the first one set wins). */
  bool wants_input_origin () { return !GST_CLOCK_TIME_IS_VALID (input_origin_.load ()); }
  void set_input_origin (GstClockTime running_time);
  /* FLUSHING without a session, ERROR after a fatal error, else OK. */
  GstFlowReturn input_flow ();
  GstFlowReturn input_audio (const guint8 *data, gsize size);
  void input_rate (int rate);
  bool has_input_rate ();
  /* EOS on the audio input: audioStreamEnd, then the drain. */
  void input_eos ();
  /* Upstream flushed: forget the audio not sent yet. */
  void input_flush ();
  /* A gap in the input outlasted its silence: audioStreamEnd without the
   * drain; the next input_audio resumes the stream. */
  void input_stream_pause ();
  /* A video or text frame (already encoded) from a request pad;
   * expects_answer: it is something the model answers (text). */
  void input_frame (std::string frame, bool expects_answer = false);

  /* --- the action signals: any thread --- */
  gboolean send_text (const gchar *text);
  gboolean send_client_content (const gchar *role, const gchar *text, gboolean turn_complete);
  gboolean activity (bool start);
  gboolean send_tool_response (const gchar *id, const gchar *name, const gchar *response_json,
      const gchar *scheduling);

private:
  /* SessionListener: network thread (conversation_events.cpp) */
  void on_setup_complete (const std::string &session_id) override;
  void on_server_message (gemlive::ServerMessage &message) override;
  void on_session_end (const gemlive::SessionEnd &end) override;
  void on_log (gemlive::LogLevel level, const std::string &text) override;
  void on_reconnecting (const gemlive::ReconnectNotice &notice) override;
  void on_resumed (const gemlive::ResumeNotice &notice) override;
  void on_input_dropped (uint64_t frames, size_t limit) override;

  /* conversation.cpp */
  bool build_setup (const ConversationSettings &s, const std::string &model_resource,
      gemlive::SetupConfig &setup, gemlive::SessionOptions &options,
      gemlive::ToolDeclarations &declared);
  /* The setup names a setting its model refuses: the error, before connecting. */
  bool check_setup_for_model (GstElement *owner, const gemlive::SetupConfig &setup,
      const gemlive::ToolDeclarations &declared);
  gemlive::RequestProvider make_provider (gemlive::ConnectionRequest first);
  void request_for_reconnection (gemlive::RequestReady ready);
  void remember_route (const BackendRoute &route);
  std::string redact (const std::string &text);
  GstClockTime running_time ();
  /* The owner element with a reference (null when closed); unref after use. */
  GstElement *owner_ref ();
  std::shared_ptr<gemlive::LiveSession> session ();
  void post (GstStructure *structure);
  void post_gate_news (const GateNews &news);
  /* conversation_input.cpp: half-duplex mutes the microphone while true. */
  bool reply_audible ();
  /* A fatal error was posted: stop the output (once). */
  void fail ();

  /* conversation_events.cpp */
  void post_session_end_error (GstElement *owner, const gemlive::SessionEnd &end);
  void barge_in ();
  void queue_reply_audio (GstElement *owner, GstMemory *pcm, bool reply_start);
  void report_dropped_audio (GstElement *owner, bool force);
  void drain_timed_out ();
  void quiet_after_input_end ();
  /* From the end of the input, or from setupComplete when it ended before. */
  void arm_drain_timers ();
  struct TurnEnd {
    std::string reason;
    bool waiting_for_input = false;
    bool drained = false;  /* EOS follows */
  };
  void end_turn (GstElement *owner, const TurnEnd &end);
  /* turnComplete / interactionStatus: the turn's end, or a pause in it. */
  void on_turn_progress (GstElement *owner, gemlive::ServerMessage &message,
      const ReplyState::TurnStep &step);
  void post_transcripts (GstElement *owner, const gemlive::ServerMessage &message);
  void release_held_turn_end (GstElement *owner);
  void usage_wait_over ();
  void flush_partial_chunk ();

  /* conversation_context.cpp: system-instruction / tools changed while open */
  struct ContextChange {
    bool system_instruction = false;
    bool tools = false;
  };
  void change_context (const ConversationSettings &settings, const ContextChange &change);
  /* A resumed connection (or the first one) carries the changes waiting for it. */
  void confirm_context_reconnect (GstElement *owner);
  /* The session ended before such a connection came. */
  void refuse_context_reconnect (GstElement *owner, const std::string &why);

  /* conversation_tools.cpp */
  void on_tool_calls (const std::vector<gemlive::FunctionCall> &calls);
  void on_tool_cancellation (const std::vector<std::string> &ids);
  void on_tool_timeout ();
  void arm_tool_timeout ();

  std::mutex session_lock_;
  /* Under session_lock_: set in open (), cleared in close (). */
  GstElement *owner_ = nullptr;  /* a reference while open */
  std::shared_ptr<gemlive::LiveSession> session_;
  std::shared_ptr<gemlive::Alarm> chunk_alarm_;
  std::shared_ptr<gemlive::Alarm> drain_alarm_;
  std::shared_ptr<gemlive::Alarm> tool_alarm_;
  std::shared_ptr<gemlive::Alarm> quiet_alarm_;  /* the quiet period after audioStreamEnd */
  std::shared_ptr<gemlive::Alarm> usage_alarm_;  /* a turn's end waits for its usage */
  ConversationSettings settings_;
  BackendRoute route_;
  std::vector<std::string> remembered_secrets_;  /* this and recent routes' (redaction) */
  guint64 unparsable_before_ = 0;                /* of sessions already closed */
  std::string last_resumption_handle_;           /* of the session closed last */
  guint64 generation_ = 0;                       /* per session: stale tool-calls are skipped */
  /* Of the open session: the setup as its next connection sends it (kept
   * in step with mid-session changes) and its function declarations. */
  gemlive::SetupConfig setup_;
  gemlive::ToolDeclarations declared_tools_;
  /* Settings changed mid-session waiting for a resumed connection. */
  std::vector<std::string> context_reconnects_;

  /* Network thread only: a turn's end waiting for the turn's usage. */
  std::optional<TurnEnd> held_turn_end_;

  ReplyState reply_;
  InputGate gate_;
  gemlive::OutputQueue audio_;
  gemlive::OutputQueue text_;
  std::atomic<bool> output_attached_ {false};
  std::atomic<bool> text_src_ {false};
  std::atomic<bool> text_input_transcripts_ {false};
  std::atomic<guint> max_queued_audio_ms_ {60000};
  /* Network thread only: reply audio dropped beyond max-queued-audio. */
  guint64 dropped_bytes_unreported_ = 0;
  guint64 dropped_bytes_total_ = 0;
  gint64 dropped_reported_us_ = 0;
  /* Translation and transcription models: set in open (). */
  std::atomic<int> model_kind_ {0};  /* gemlive::ModelKind */
  std::atomic<GstClockTime> input_origin_ {GST_CLOCK_TIME_NONE};
  std::atomic<bool> warned_audio_only_ {false};
  bool transcribing () const;
  /* conversation_input.cpp: true (and a warning, once) for input the model refuses. */
  bool refuse_non_audio_input ();
  ToolDispatcher dispatcher_;  /* last: joined before the rest goes */
};
