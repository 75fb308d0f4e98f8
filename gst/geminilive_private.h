/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State of a geminilive element, shared by its three source files:
 * gstgeminilive.cpp (GObject glue, sink pad, state changes),
 * geminilive_output.cpp (the src pad task) and geminilive_events.cpp (what
 * the network thread does with server messages).
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
};

/* Network-thread view of the conversation. */
struct GeminiLiveReplyState {
  bool in_reply = false;      /* audio of a reply is flowing */
  bool draining = false;      /* EOS came on sink: waiting for turnComplete */
  bool finished = false;      /* EOS queued on src: later closes are not errors */
  bool failed = false;        /* an error was posted */
  bool connected = false;
};

class SessionEvents : public gemlive::SessionListener {
public:
  explicit SessionEvents (GstGeminiLive *element) : element_ (element) {}
  void on_setup_complete () override;
  void on_server_message (gemlive::ServerMessage &message) override;
  void on_session_end (const gemlive::SessionEnd &end) override;
  void on_log (gemlive::LogLevel level, const std::string &text) override;

private:
  GstGeminiLive *element_;
};

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
  std::string model_in_use;
  GstClockTime latency = 100 * GST_MSECOND;
  GstClockTime drain_timeout = 30 * GST_SECOND;
  guint64 unparsable_before = 0;  /* counter of sessions already gone */

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
