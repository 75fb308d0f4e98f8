/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input side of geminilive and geminilivesink, written once: the `sink`
 * pad (microphone audio), the video_sink and text_sink request pads, the
 * push-to-talk custom events and the signals (tool-call,
 * need-app-check-token and the action signals). It hands everything to the
 * Conversation the element is attached to; it keeps only what belongs to
 * the pads (video caps and throttling).
 *
 * Threads: the pad functions run on upstream's streaming threads, the
 * action signals on any thread. One lock guards the conversation pointer
 * and the pads' state; it is never held while calling the conversation.
 */
#pragma once

#include "conversation.h"
#include "input_pacer.h"

#include <gst/gst.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

/* Custom events an application sends to drive push-to-talk: upstream (e.g.
 * gst_element_send_event (pipeline, …) or on a pad downstream) or
 * downstream, serialized with the audio, into any of the sink pads. */
#define GEMINI_LIVE_EVENT_ACTIVITY_START "geminilive/activity-start"
#define GEMINI_LIVE_EVENT_ACTIVITY_END "geminilive/activity-end"

/* Whether `event` is a geminilive/activity-start|end custom event, and which. */
bool activity_event_is_start (GstEvent *event, bool &start);

class SinkSide {
public:
  /* class_init: the sink pad templates and the signals, in the order
   * gst-inspect shows them. */
  static void class_init (GstElementClass *klass);

  /* Creates the `sink` pad on element. post_eos: the element is a sink of
   * its pipeline (geminilivesink), so it posts EOS when its input ends. */
  SinkSide (GstElement *element, bool post_eos);
  SinkSide (const SinkSide &) = delete;
  SinkSide &operator= (const SinkSide &) = delete;

  void set_conversation (std::shared_ptr<Conversation> conversation);
  std::shared_ptr<Conversation> conversation ();
  void set_video_fps (double fps) { video_fps_ = fps; }
  /* input-pacing: takes effect at once, also on a slice waiting for its time. */
  void set_input_pacing (InputPacer::Mode mode) { pacer_.set_mode (mode); }
  /* A session opens: the video throttle starts again. */
  void session_opens ();

  /* video_sink / text_sink; nullptr for other templates or a second request. */
  GstPad *request_pad (GstPadTemplate *templ);
  /* true when the pad was one of ours (then it is removed). */
  bool release_pad (GstPad *pad);
  /* A geminilive/activity-start|end event from any pad: consumed (TRUE) or not. */
  bool handle_activity_event (GstEvent *event);

private:
  static SinkSide *of (GstElement *element);
  static GstFlowReturn audio_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer);
  static gboolean audio_event (GstPad *pad, GstObject *parent, GstEvent *event);
  static gboolean sink_query (GstPad *pad, GstObject *parent, GstQuery *query);
  static gboolean audio_activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode,
      gboolean active);
  static GstFlowReturn video_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer);
  static GstFlowReturn text_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer);
  static gboolean side_event (GstPad *pad, GstObject *parent, GstEvent *event);
  /* Action signal handlers */
  static gboolean on_send_text (GstElement *element, const gchar *text);
  static gboolean on_send_client_content (GstElement *element, const gchar *role,
      const gchar *text, gboolean turn_complete);
  static gboolean on_activity_start (GstElement *element);
  static gboolean on_activity_end (GstElement *element);
  static gboolean on_send_tool_response (GstElement *element, const gchar *id,
      const gchar *name, const gchar *response_json, const gchar *scheduling);

  bool video_frame_due ();
  GstClockTime audio_running_time (GstBuffer *buffer);
  /* Streaming thread: hands `size` bytes to the conversation in paced slices. */
  GstFlowReturn send_paced (Conversation &conversation, const guint8 *data, gsize size);
  /* Streaming thread: the silence (and audioStreamEnd) a gap stands for. */
  GstFlowReturn fill_gap (Conversation &conversation, const InputPacer::Gap &gap);
  std::shared_ptr<Conversation> accepting (GstBuffer *buffer, GstFlowReturn &flow);
  bool map_input (GstBuffer *buffer, GstMapInfo &map, const char *what);

  GstElement *element_;
  GstPad *sinkpad_;
  bool post_eos_;
  std::atomic<double> video_fps_ {1.0};
  InputPacer pacer_;  /* its own lock; the sink pad's streaming thread waits in it */

  std::mutex lock_;
  std::shared_ptr<Conversation> conversation_;
  GstPad *video_sink_ = nullptr;
  GstPad *text_sink_ = nullptr;
  std::string video_mime_;
  gint64 next_video_us_ = 0;  /* frames before this monotonic time are dropped */
  guint64 video_sent_ = 0;
  guint64 video_dropped_ = 0;
  bool warned_bad_image_ = false;
  /* The audio input's segment: the running time of the first input sample
   * is where the service's transcription offsets count from. */
};
