/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-geminilive
 * @title: geminilive
 *
 * A spoken conversation with a Gemini Live model. Microphone audio that
 * reaches the sink pad is streamed to the Live API over a WebSocket; the
 * model's spoken replies leave the src pad as 24 kHz mono audio, timestamped
 * like a live source. Transcripts, turn boundaries, barge-in and token usage
 * are posted as element messages (geminilive/...). When the user talks over a
 * reply the rest of it is dropped and downstream is flushed, so the speaker
 * falls silent at once. EOS on the sink pad ends the input; EOS leaves the src
 * pad once the model has finished answering.
 *
 * The conversation itself (session, reply state, tool gate) is
 * gst/conversation.h, shared with geminilivesink/geminilivesrc; the input
 * pads are SinkSide, the output pads SrcSide, the properties the table in
 * property_table.cpp. This file is the GObject glue and the state changes.
 *
 * ## Example launch line
 * |[
 * GEMINI_API_KEY=... gst-launch-1.0 -m filesrc location=question.wav ! wavparse ! \
 *     audioconvert ! audioresample ! geminilive ! wavenc ! filesink location=reply.wav
 * ]|
 * Talks to the Live API and writes the spoken answer to reply.wav; ends by itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminilive.h"

#include "conversation.h"
#include "element_settings.h"
#include "sink_side.h"
#include "src_side.h"

struct GstGeminiLivePrivate {
  explicit GstGeminiLivePrivate (GstElement *element)
      : sink (element, false), src (element)
  {
  }
  ElementSettings settings;
  std::shared_ptr<Conversation> conversation = std::make_shared<Conversation> ();
  SinkSide sink;  /* the sink pad first, as gst-inspect lists them */
  SrcSide src;
};

struct _GstGeminiLive {
  GstElement parent;
  GstGeminiLivePrivate *priv;
};

#define gst_gemini_live_parent_class parent_class
G_DEFINE_TYPE (GstGeminiLive, gst_gemini_live, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (geminilive, "geminilive", GST_RANK_NONE, GST_TYPE_GEMINI_LIVE);

static void gst_gemini_live_finalize (GObject *object);
static void gst_gemini_live_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec);
static void gst_gemini_live_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec);
static GstStateChangeReturn gst_gemini_live_change_state (GstElement *element,
    GstStateChange transition);
static GstPad *gst_gemini_live_request_new_pad (GstElement *element, GstPadTemplate *templ,
    const gchar *name, const GstCaps *caps);
static void gst_gemini_live_release_pad (GstElement *element, GstPad *pad);

static void
gst_gemini_live_class_init (GstGeminiLiveClass *klass)
{
  auto gobject_class = G_OBJECT_CLASS (klass);
  auto element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_gemini_live_finalize;
  gobject_class->set_property = gst_gemini_live_set_property;
  gobject_class->get_property = gst_gemini_live_get_property;
  property_table_install (gobject_class, PROPERTY_SCOPE_ALL, false);

  SinkSide::class_init (element_class);
  SrcSide::class_init (element_class);
  gst_element_class_set_static_metadata (element_class, "Gemini Live conversation",
      "Filter/Audio/Network",
      "Spoken conversation with a Gemini Live model over the Live API WebSocket",
      "gst-gemini-live contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_gemini_live_change_state);
  element_class->request_new_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_release_pad);
}

static void
gst_gemini_live_init (GstGeminiLive *self)
{
  auto priv = self->priv = new GstGeminiLivePrivate (GST_ELEMENT (self));
  priv->sink.set_conversation (priv->conversation);
  priv->src.attach (priv->conversation);
  auto sink = &priv->sink;
  /* Push-to-talk events sent upstream from downstream of src / text_src. */
  priv->src.set_event_handler ([sink] (GstEvent *event) {
    return sink->handle_activity_event (event);
  });
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
gst_gemini_live_finalize (GObject *object)
{
  auto self = GST_GEMINI_LIVE (object);
  delete self->priv;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_gemini_live_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  auto priv = GST_GEMINI_LIVE (object)->priv;
  if (!priv->settings.set (prop_id, value, object)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  /* The ones that may change while PLAYING take effect at once. */
  auto s = priv->settings.copy ();
  priv->conversation->update_settings (s);
  priv->sink.set_video_fps (s.video_fps);
  priv->sink.set_input_pacing ((InputPacer::Mode) s.input_pacing);
  priv->src.set_latency_ms (s.latency_ms);
  priv->src.set_text_input_transcripts (s.text_src_input_transcription);
  priv->src.set_max_queued_audio_ms (s.max_queued_audio_ms);
}

static void
gst_gemini_live_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  auto priv = GST_GEMINI_LIVE (object)->priv;
  const PropertyRow *row = priv->settings.get (prop_id, value);
  if (!row) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  switch (property_table_live_value (row)) {
    case PropertyLiveValue::RESUMPTION_HANDLE: {
      /* The newest the service gave; else what the application set. */
      std::string handle = priv->conversation->resumption_handle ();
      if (!handle.empty ())
        g_value_set_string (value, handle.c_str ());
      break;
    }
    case PropertyLiveValue::UNPARSABLE_FRAMES:
      g_value_set_uint64 (value, priv->conversation->unparsable_frames ());
      break;
    case PropertyLiveValue::NONE:
      break;
  }
}

static GstStateChangeReturn
gst_gemini_live_change_state (GstElement *element, GstStateChange transition)
{
  auto priv = GST_GEMINI_LIVE (element)->priv;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    priv->sink.session_opens ();
    if (!priv->conversation->open (element, priv->settings.copy ()))
      return GST_STATE_CHANGE_FAILURE;
  } else if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    /* Before the pads deactivate, so blocked threads wake. */
    priv->conversation->close ();
    priv->conversation->audio_output ().set_flushing (true);
  }

  GstStateChangeReturn ret = GST_ELEMENT_CLASS (parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      priv->conversation->close ();
    return ret;
  }
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED
      || transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED)
    ret = GST_STATE_CHANGE_NO_PREROLL;  /* like every live source */
  return ret;
}

static GstPad *
gst_gemini_live_request_new_pad (GstElement *element, GstPadTemplate *templ,
    const gchar *name, const GstCaps *caps)
{
  (void) name;
  (void) caps;
  auto priv = GST_GEMINI_LIVE (element)->priv;
  GstPad *pad = priv->sink.request_pad (templ);
  return pad ? pad : priv->src.request_pad (templ);
}

static void
gst_gemini_live_release_pad (GstElement *element, GstPad *pad)
{
  auto priv = GST_GEMINI_LIVE (element)->priv;
  if (!priv->sink.release_pad (pad))
    priv->src.release_pad (pad);
}
