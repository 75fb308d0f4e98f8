/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The request pads' shared state, between the pads and signals
 * (geminilive_pads.cpp) and the text_src output (geminilive_text_src.cpp).
 */
#pragma once

#include "geminilive_private.h"

#include "live/output_queue.h"

#include <mutex>
#include <string>

struct GeminiLivePads {
  std::mutex lock;  /* guards everything below except the text_src task's own fields */
  GstPad *video_sink = nullptr;  /* owned by the element */
  GstPad *text_sink = nullptr;
  GstPad *text_src = nullptr;
  gulong audio_probe = 0;
  bool manual_activity = false;  /* of the current session */

  /* video_sink */
  std::string video_mime;
  gint64 next_video_us = 0;  /* frames before this monotonic time are dropped */
  guint64 video_sent = 0;
  guint64 video_dropped = 0;
  bool warned_bad_image = false;

  /* written by the probe on the audio src pad (src task), read by the marker
   * handler on the same task */
  GstClockTime last_audio_pts = GST_CLOCK_TIME_NONE;
  GstClockTime last_audio_duration = GST_CLOCK_TIME_NONE;

  /* text_src: stamped buffers (AUDIO items carry text here) and EOS */
  gemlive::OutputQueue text_queue;
  GstClockTime text_last_pts = 0;  /* keeps text_src's timestamps monotonic */
  /* text_src task only */
  bool text_started = false;
  GstClockTime text_gap_end = 0;
};

/* Query handler of the request pads: caps queries only. */
gboolean gst_gemini_live_side_pad_query (GstPad *pad, GstObject *parent, GstQuery *query);

/* geminilive_text_src.cpp: gives a new text_src pad its task and handlers. */
void gst_gemini_live_text_src_init_pad (GstPad *pad);
/* Probes the audio src pad so subtitles get the stamps of the audio they
 * transcribe; returns the probe id (pads.lock held by the caller). */
gulong gst_gemini_live_text_src_follow_audio (GstGeminiLive *self);
