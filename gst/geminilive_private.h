/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State of a geminilive element, shared by its source files:
 * gstgeminilive.cpp (GObject glue, state changes), geminilive_sink.cpp (the
 * sink pad), geminilive_output.cpp (the src pad task) and
 * geminilive_events.cpp (what the network thread does with server messages),
 * plus one file per feature (tools, turn control, backends, resilience).
 *
 * Threads:
 * - streaming thread (sink pad): chain/events; owns nothing of its own, uses
 *   `input` (under input_lock) and hands frames to LiveSession::send ().
 * - network thread: SessionEvents callbacks, the chunk and drain alarms;
 *   writes `reply` (under reply_lock) and pushes into `output`.
 * - src pad task: pops `output`, owns `timeline` and the src stream state.
 * - application thread: properties (settings_lock), state changes.
 * Locks are never held while posting messages or calling into the session's
 * stop () (which waits for the network thread).
 */
#pragma once

#include "gstgeminilive.h"
#include "live/audio_chunker.h"
#include "live/live_session.h"
#include "live/output_queue.h"
#include "live/pcm_aligner.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

#define GEMINI_LIVE_OUTPUT_RATE 24000

struct GeminiLiveSettings {
  std::string api_key;
  std::string model;
  std::string voice;
  std::string language_code;
  std::string system_instruction;
  double temperature = -1.0;
  bool input_transcription = true;
  bool output_transcription = true;
  std::string endpoint;
  std::string api_version;
  guint latency_ms = 100;
  guint drain_timeout_ms = 30000;
  /* Turn control (push-to-talk, voice activity detection), generation
   * settings, multimodal input (geminilive_props_turn.cpp). Sentinels (0 for
   * enums, -1, false) = not sent in setup. */
  bool automatic_activity_detection = true;
  int start_sensitivity = 0;
  int end_sensitivity = 0;
  int prefix_padding_ms = -1;
  int silence_duration_ms = -1;
  int activity_handling = 0;
  int turn_coverage = 0;
  int max_output_tokens = 0;
  double top_p = -1.0;
  int top_k = 0;
  int thinking_budget = -2;
  bool include_thoughts = false;
  bool proactive_audio = false;
  bool affective_dialog = false;
  int media_resolution = 0;
  double video_fps = 1.0;
  bool text_src_input_transcription = false;
  /* Backends and credentials (geminilive_backend.cpp). Secrets are
   * write-only properties and never logged. */
  gemlive::Backend backend = gemlive::Backend::GEMINI_API;
  std::string project;
  std::string location = "us-central1";
  std::string access_token;
  std::string app_check_token;
  std::string firebase_id_token;
  std::string firebase_app_id;
  std::string firebase_app_version;
  std::string tls_ca_file;
  /* Function calling and built-in tools (geminilive_tools.cpp) */
  std::string tools_json;        /* as set; empty = none */
  std::string tools_error;       /* why tools_json is invalid; empty = valid */
  bool google_search = false;
  bool code_execution = false;
  guint tool_timeout_ms = 30000; /* 0 = wait forever */
  /* Reconnection, session resumption, context compression
   * (geminilive_resilience.cpp) */
  std::string resumption_handle;       /* set by the app: resume this session at start */
  guint reconnect_attempts = 5;
  guint reconnect_initial_delay_ms = 500;
  guint reconnect_max_delay_ms = 15000;
  guint resume_buffer_frames = 500;    /* 40 ms frames kept while reconnecting */
  bool context_window_compression = false;
  guint64 compression_trigger_tokens = 0;  /* 0 = the service's default */
  guint64 compression_target_tokens = 0;   /* 0 = the service's default */
};

/* Network-thread view of the conversation. */
struct GeminiLiveReplyState {
  bool in_reply = false;      /* audio of a reply is flowing */
  bool draining = false;      /* EOS came on sink: waiting for turnComplete */
  bool finished = false;      /* EOS queued on src: later closes are not errors */
  bool failed = false;        /* an error was posted */
  bool connected = false;
  gemlive::PcmAligner pcm;    /* whole samples only on the S16LE src pad */
};

class SessionEvents : public gemlive::SessionListener {
public:
  explicit SessionEvents (GstGeminiLive *element) : element_ (element) {}
  void on_setup_complete () override;
  void on_server_message (gemlive::ServerMessage &message) override;
  void on_session_end (const gemlive::SessionEnd &end) override;
  void on_log (gemlive::LogLevel level, const std::string &text) override;
  /* Reconnection and session resumption: geminilive_resilience.cpp */
  void on_reconnecting (const gemlive::ReconnectNotice &notice) override;
  void on_resumed (const gemlive::ResumeNotice &notice) override;
  void on_input_dropped (uint64_t frames, size_t limit) override;

private:
  GstGeminiLive *element_;
};

struct GeminiLivePads;  /* geminilive_pads.cpp */
struct GeminiLiveTools;  /* geminilive_tools.cpp */

struct GstGeminiLivePrivate {
  explicit GstGeminiLivePrivate (GstGeminiLive *self) : events (self) {}

  GstPad *sinkpad = nullptr;
  GstPad *srcpad = nullptr;

  std::mutex settings_lock;
  GeminiLiveSettings settings;

  /* Set in READY->PAUSED, cleared in PAUSED->READY (under session_lock). */
  std::mutex session_lock;
  std::shared_ptr<gemlive::LiveSession> session;
  std::shared_ptr<gemlive::Alarm> chunk_alarm;
  std::shared_ptr<gemlive::Alarm> drain_alarm;
  std::string key_in_use;      /* for redaction of error texts */
  /* The route of the current connection (geminilive_backend.cpp), for
   * refused-credential errors, and every secret it carries (redacted). */
  gemlive::Backend backend_in_use = gemlive::Backend::GEMINI_API;
  std::string credentials_in_use;
  std::vector<std::string> secrets_in_use;
  std::string model_in_use;
  GstClockTime latency = 100 * GST_MSECOND;
  GstClockTime drain_timeout = 30 * GST_SECOND;
  guint64 unparsable_before = 0;  /* counter of sessions already gone */
  /* The newest handle of a session already gone (for resumption-handle) */
  std::string last_resumption_handle;

  /* sink side */
  std::mutex input_lock;
  gemlive::AudioChunker chunker;
  int input_rate = 0;

  /* network side */
  SessionEvents events;
  std::mutex reply_lock;
  GeminiLiveReplyState reply;

  /* src side */
  gemlive::OutputQueue output;
  gemlive::OutputTimeline timeline {GEMINI_LIVE_OUTPUT_RATE};
  std::atomic<bool> stream_started {false};
  std::atomic<bool> flush_expected {false};
  bool discont_pending = false;
  GstClockTime gap_end = 0;
  guint64 output_offset = 0;

  /* Request pads (video_sink, text_sink, text_src) and their state
   * (geminilive_pads.cpp) */
  std::shared_ptr<GeminiLivePads> pads;

  /* Pending function calls, the audio gate, the tool-call dispatch thread
   * (geminilive_tools.cpp; its own lock, see the thread notes there) */
  std::shared_ptr<GeminiLiveTools> tools;
};

struct _GstGeminiLive {
  GstElement parent;
  GstGeminiLivePrivate *priv;
};

/* A feature's own properties (turn control, tools, resilience, backends …).
 * Each group lives in its own file, installs its properties with ids from its
 * own base so ids never collide, and answers set/get for those ids, returning
 * false for ids it does not own. set/get are called with no lock held: take
 * settings_lock (or whatever the value lives under) inside. */
struct GeminiLivePropertyGroup {
  void (*install) (GObjectClass *klass);
  bool (*set) (GstGeminiLive *self, guint prop_id, const GValue *value);
  bool (*get) (GstGeminiLive *self, guint prop_id, GValue *value);
};

enum {
  GEMINI_LIVE_PROP_BASE_TURN = 100,        /* geminilive_props_turn.cpp */
  GEMINI_LIVE_PROP_BASE_TOOLS = 200,       /* geminilive_tools.cpp */
  GEMINI_LIVE_PROP_BASE_RESILIENCE = 300,  /* geminilive_resilience.cpp */
  GEMINI_LIVE_PROP_BASE_BACKEND = 400,     /* geminilive_backend.cpp */
};

/* The current session (null outside PAUSED and PLAYING), under session_lock. */
inline std::shared_ptr<gemlive::LiveSession>
gst_gemini_live_current_session (GstGeminiLive *self)
{
  std::lock_guard<std::mutex> guard (self->priv->session_lock);
  return self->priv->session;
}

/* geminilive_sink.cpp */
GstFlowReturn gst_gemini_live_sink_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer);
gboolean gst_gemini_live_sink_event (GstPad *pad, GstObject *parent, GstEvent *event);
gboolean gst_gemini_live_sink_query (GstPad *pad, GstObject *parent, GstQuery *query);
/* Sends the audio still in the chunker (chunk deadline, caps change, EOS). */
void gst_gemini_live_flush_partial_chunk (GstGeminiLive *self);

/* geminilive_output.cpp */
gboolean gst_gemini_live_src_activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode,
    gboolean active);
gboolean gst_gemini_live_src_query (GstPad *pad, GstObject *parent, GstQuery *query);
gboolean gst_gemini_live_src_event (GstPad *pad, GstObject *parent, GstEvent *event);

/* geminilive_events.cpp */
GstClockTime gst_gemini_live_running_time (GstGeminiLive *self);
std::string gst_gemini_live_redact (GstGeminiLive *self, const std::string &text);
void gst_gemini_live_post (GstGeminiLive *self, GstStructure *structure);
void gst_gemini_live_drain_timed_out (GstGeminiLive *self);

/* geminilive_resilience.cpp: reconnection, session resumption, context
 * window compression. */
extern const GeminiLivePropertyGroup gst_gemini_live_resilience_properties;
/* open_session: resumption handle and contextWindowCompression into setup,
 * reconnection settings into options; false after posting an error. */
bool gst_gemini_live_resilience_configure (GstGeminiLive *self, gemlive::SetupConfig &setup,
    gemlive::SessionOptions &options);
/* close_session, before the session is dropped: keeps its newest handle. */
void gst_gemini_live_resilience_session_closed (GstGeminiLive *self,
    gemlive::LiveSession &session);
/* The debug text of a final connection error: why no reconnection followed. */
std::string gst_gemini_live_resilience_describe_give_up (GstGeminiLive *self,
    const gemlive::SessionEnd &end);

/* geminilive_tools.cpp: function calling and built-in tools. */
extern const GeminiLivePropertyGroup gst_gemini_live_tools_properties;
std::shared_ptr<GeminiLiveTools> gst_gemini_live_tools_new ();
/* open_session: puts the tools into setup; false after posting an error. */
bool gst_gemini_live_tools_configure_setup (GstGeminiLive *self, gemlive::SetupConfig &setup);
/* open_session (before start) / close_session (before stop, outside locks). */
void gst_gemini_live_tools_session_opened (GstGeminiLive *self, gemlive::LiveSession &session);
void gst_gemini_live_tools_session_closed (GstGeminiLive *self);
/* A new connection replaced the old one (reconnect/resume): the old call ids
 * are void, held input goes to the new session (priv->session). */
void gst_gemini_live_tools_connection_replaced (GstGeminiLive *self);
/* Every realtimeInput frame from the sink side goes through here: sent, or
 * held while a blocking tool call is unanswered. audio_ms: 0 for non-audio. */
void gst_gemini_live_tools_send_input (GstGeminiLive *self, gemlive::LiveSession &session,
    std::string frame, int64_t audio_ms);
/* Network thread (geminilive_events.cpp). */
void gst_gemini_live_tools_on_calls (GstGeminiLive *self,
    const std::vector<gemlive::FunctionCall> &calls);
void gst_gemini_live_tools_on_cancellation (GstGeminiLive *self,
    const std::vector<std::string> &ids);
void gst_gemini_live_tools_on_grounding (GstGeminiLive *self,
    const gemlive::GroundingMetadata &grounding);
/* A GstValueArray of strings, for bus messages (geminilive_metadata.cpp). */
GValue gst_gemini_live_string_array (const std::vector<std::string> &items);
/* geminilive_metadata.cpp: network thread (geminilive_events.cpp).
 * serverContent.urlContextMetadata -> geminilive/url-context;
 * serverContent.waitingForInput: true -> geminilive/waiting-for-input. */
void gst_gemini_live_metadata_on_url_context (GstGeminiLive *self,
    const gemlive::UrlContextMetadata &url_context);
void gst_gemini_live_metadata_on_waiting_for_input (GstGeminiLive *self);

/* The send-tool-response action signal's handler. */
gboolean gst_gemini_live_tools_send_response (GstGeminiLive *self, const gchar *id,
    const gchar *name, const gchar *response_json, const gchar *scheduling);
