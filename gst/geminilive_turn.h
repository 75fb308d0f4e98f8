/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Multimodal input and turn control (push-to-talk). The hooks the shared element
 * files call; the logic lives in geminilive_pads.cpp (request pads, action
 * signals, activity events, text output) and geminilive_props_turn.cpp
 * (properties and their GEnums).
 */
#pragma once

#include "geminilive_private.h"

#include "live/protocol.h"

/* Custom events an application sends to drive push-to-talk: upstream (e.g.
 * gst_element_send_event (pipeline, …) or on a pad downstream of geminilive)
 * or downstream, serialized with the audio, into any of its sink pads. */
#define GEMINI_LIVE_EVENT_ACTIVITY_START "geminilive/activity-start"
#define GEMINI_LIVE_EVENT_ACTIVITY_END "geminilive/activity-end"

/* geminilive_props_turn.cpp */
extern const GeminiLivePropertyGroup gst_gemini_live_turn_properties;
/* Copies the turn-control and generation settings into the setup message
 * (unset ones stay unset). */
void gst_gemini_live_turn_fill_setup (GstGeminiLive *self, const GeminiLiveSettings &settings,
    gemlive::SetupConfig &setup);

/* geminilive_pads.cpp */
struct GeminiLivePads;
/* gst_pad_create_stream_id, which refuses elements with several sink pads
 * (video_sink, text_sink): then a random id of our own. g_free the result. */
gchar *gst_gemini_live_create_stream_id (GstGeminiLive *self, GstPad *srcpad,
    const char *name);
std::shared_ptr<GeminiLivePads> gst_gemini_live_pads_new ();
/* A session opens: whether it uses manual activity (push-to-talk). */
void gst_gemini_live_pads_session_opens (GstGeminiLive *self, bool manual_activity);
/* class_init: pad templates, action signals, request/release vfuncs. */
void gst_gemini_live_pads_class_init (GstElementClass *klass);
/* A custom activity event reached a pad; TRUE when it was one (consumed). */
bool gst_gemini_live_handle_activity_event (GstGeminiLive *self, GstEvent *event);
/* Network thread: transcripts for text_src. The output transcription goes
 * through the src task's queue, so it is stamped with the audio before it. */
void gst_gemini_live_text_output_transcription (GstGeminiLive *self, const std::string &text);
void gst_gemini_live_text_input_transcription (GstGeminiLive *self, const std::string &text);
/* src task: a TEXT item came out of the output queue, after the audio it
 * transcribes; the probe on the src pad told us that audio's timestamps. */
void gst_gemini_live_text_src_on_marker (GstGeminiLive *self, GstBuffer *text);
/* src task: the audio stream ended (EOS or error): end text_src as well. */
void gst_gemini_live_text_src_eos (GstGeminiLive *self);
