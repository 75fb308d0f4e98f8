/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-geminilivesrc
 * @title: geminilivesrc
 * @see_also: geminilivesink, geminilive
 *
 * The speaker half of a Gemini Live conversation: a live source of the
 * model's speech (24 kHz S16LE mono) and, on the text_src request pad, its
 * subtitles. The session belongs to the geminilivesink with the same
 * `session` name, in this pipeline or another one of the process; until
 * that sink has started this element outputs time without audio (GAP
 * events, as between replies). Barge-in flushes downstream from here; EOS
 * leaves once the sink's input ended and the answer is complete.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 geminilivesrc session=call ! audioconvert ! autoaudiosink
 * ]|
 * Plays the replies of the session "call" (its geminilivesink in another
 * pipeline of the same process).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminilive.h"

#include "element_settings.h"
#include "session_registry.h"
#include "sink_side.h"
#include "src_side.h"

struct GstGeminiLiveSrcPrivate {
  explicit GstGeminiLiveSrcPrivate (GstElement *element) : src (element) {}
  ElementSettings settings;
  SrcSide src;
  std::mutex lock;  /* conversation, for the upstream-event handler */
  std::shared_ptr<Conversation> conversation;
  std::string session_in_use;
};

struct _GstGeminiLiveSrc {
  GstElement parent;
  GstGeminiLiveSrcPrivate *priv;
};

#define gst_gemini_live_src_parent_class parent_class
G_DEFINE_TYPE (GstGeminiLiveSrc, gst_gemini_live_src, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (geminilivesrc, "geminilivesrc", GST_RANK_NONE,
    GST_TYPE_GEMINI_LIVE_SRC);

static void
gst_gemini_live_src_finalize (GObject *object)
{
  delete GST_GEMINI_LIVE_SRC (object)->priv;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_gemini_live_src_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  auto priv = GST_GEMINI_LIVE_SRC (object)->priv;
  if (!priv->settings.set (prop_id, value, object)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  auto s = priv->settings.copy ();
  priv->src.set_latency_ms (s.latency_ms);
  priv->src.set_text_input_transcripts (s.text_src_input_transcription);
  priv->src.set_max_queued_audio_ms (s.max_queued_audio_ms);
}

static void
gst_gemini_live_src_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  if (!GST_GEMINI_LIVE_SRC (object)->priv->settings.get (prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
detach (GstGeminiLiveSrc *self)
{
  auto priv = self->priv;
  if (priv->session_in_use.empty ())
    return;
  priv->src.detach ();
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->conversation.reset ();
  }
  /* Closes the session when its geminilivesink has stopped too. */
  session_registry::detach_src (priv->session_in_use, GST_ELEMENT (self));
  priv->session_in_use.clear ();
}

static GstStateChangeReturn
gst_gemini_live_src_change_state (GstElement *element, GstStateChange transition)
{
  auto self = GST_GEMINI_LIVE_SRC (element);
  auto priv = self->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    auto name = priv->settings.copy ().session_name;
    std::string error;
    auto conversation = session_registry::attach_src (name, element, error);
    if (!conversation) {
      GST_ELEMENT_ERROR (self, RESOURCE, BUSY, ("%s", error.c_str ()), (nullptr));
      return GST_STATE_CHANGE_FAILURE;
    }
    priv->session_in_use = name;
    {
      std::lock_guard<std::mutex> guard (priv->lock);
      priv->conversation = conversation;
    }
    /* Before the pads activate: the queues they pop. */
    priv->src.attach (conversation);
  }
  GstStateChangeReturn ret = GST_ELEMENT_CLASS (parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      detach (self);
    return ret;
  }
  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;  /* a live source */
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* After the pads deactivated: their tasks are gone. */
      detach (self);
      break;
    default:
      break;
  }
  return ret;
}

static GstPad *
gst_gemini_live_src_request_new_pad (GstElement *element, GstPadTemplate *templ,
    const gchar *name, const GstCaps *caps)
{
  (void) name;
  (void) caps;
  return GST_GEMINI_LIVE_SRC (element)->priv->src.request_pad (templ);
}

static void
gst_gemini_live_src_release_pad (GstElement *element, GstPad *pad)
{
  GST_GEMINI_LIVE_SRC (element)->priv->src.release_pad (pad);
}

static void
gst_gemini_live_src_class_init (GstGeminiLiveSrcClass *klass)
{
  auto gobject_class = G_OBJECT_CLASS (klass);
  auto element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->finalize = gst_gemini_live_src_finalize;
  gobject_class->set_property = gst_gemini_live_src_set_property;
  gobject_class->get_property = gst_gemini_live_src_get_property;
  property_table_install (gobject_class, PROPERTY_SCOPE_OUTPUT, true);
  SrcSide::class_init (element_class);
  gst_element_class_set_static_metadata (element_class, "Gemini Live conversation output",
      "Source/Audio/Network",
      "The speaker side of a Gemini Live conversation: the replies of the geminilivesink "
      "with the same session name",
      "gst-gemini-live contributors");
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_gemini_live_src_change_state);
  element_class->request_new_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_src_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_src_release_pad);
}

static void
gst_gemini_live_src_init (GstGeminiLiveSrc *self)
{
  auto priv = self->priv = new GstGeminiLiveSrcPrivate (GST_ELEMENT (self));
  /* Push-to-talk events sent upstream from downstream reach the session. */
  priv->src.set_event_handler ([priv] (GstEvent *event) {
    bool start;
    if (!activity_event_is_start (event, start))
      return false;
    std::shared_ptr<Conversation> conversation;
    {
      std::lock_guard<std::mutex> guard (priv->lock);
      conversation = priv->conversation;
    }
    if (conversation)
      conversation->activity (start);
    gst_event_unref (event);
    return true;
  });
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}
