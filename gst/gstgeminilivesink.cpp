/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-geminilivesink
 * @title: geminilivesink
 * @see_also: geminilivesrc, geminilive
 *
 * The microphone half of a Gemini Live conversation. It carries every
 * setting that shapes the session (model, voice, backend and credentials,
 * tools, turn detection, generation, resilience), the signals and action
 * signals, and posts the conversation's geminilive/... messages. The model's
 * replies leave the geminilivesrc with the same `session` name, in this
 * pipeline or another one of the process. The session opens when this
 * element starts and closes when both have stopped. EOS here sends
 * audioStreamEnd; EOS leaves the src once the answer is complete.
 *
 * ## Example launch line
 * |[
 * GEMINI_API_KEY=... gst-launch-1.0 -e autoaudiosrc ! audioconvert ! audioresample ! \
 *     geminilivesink session=call  geminilivesrc session=call ! audioconvert ! autoaudiosink
 * ]|
 * One session, microphone in and speaker out, with their own branches.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminilive.h"

#include "element_settings.h"
#include "session_registry.h"
#include "sink_side.h"

struct GstGeminiLiveSinkPrivate {
  explicit GstGeminiLiveSinkPrivate (GstElement *element) : sink (element, true) {}
  ElementSettings settings;
  SinkSide sink;
  /* Attached in READY->PAUSED; kept until the next start or finalize, so a
   * reconnection request still in flight finds it. */
  std::shared_ptr<Conversation> conversation;
  std::string session_in_use;
};

struct _GstGeminiLiveSink {
  GstElement parent;
  GstGeminiLiveSinkPrivate *priv;
};

#define gst_gemini_live_sink_parent_class parent_class
G_DEFINE_TYPE (GstGeminiLiveSink, gst_gemini_live_sink, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (geminilivesink, "geminilivesink", GST_RANK_NONE,
    GST_TYPE_GEMINI_LIVE_SINK);

static void
gst_gemini_live_sink_finalize (GObject *object)
{
  delete GST_GEMINI_LIVE_SINK (object)->priv;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static std::shared_ptr<Conversation>
current_conversation (GstGeminiLiveSinkPrivate *priv)
{
  return priv->sink.conversation ();
}

static void
gst_gemini_live_sink_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  auto priv = GST_GEMINI_LIVE_SINK (object)->priv;
  if (!priv->settings.set (prop_id, value, object)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  auto s = priv->settings.copy ();
  priv->sink.set_video_fps (s.video_fps);
  priv->sink.set_input_pacing ((InputPacer::Mode) s.input_pacing);
  if (auto conversation = current_conversation (priv))
    conversation->update_settings (s);
}

static void
gst_gemini_live_sink_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  auto priv = GST_GEMINI_LIVE_SINK (object)->priv;
  const PropertyRow *row = priv->settings.get (prop_id, value);
  if (!row) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  auto conversation = priv->conversation;
  if (!conversation)
    return;
  switch (property_table_live_value (row)) {
    case PropertyLiveValue::RESUMPTION_HANDLE: {
      std::string handle = conversation->resumption_handle ();
      if (!handle.empty ())
        g_value_set_string (value, handle.c_str ());
      break;
    }
    case PropertyLiveValue::UNPARSABLE_FRAMES:
      g_value_set_uint64 (value, conversation->unparsable_frames ());
      break;
    case PropertyLiveValue::NONE:
      break;
  }
}

static bool
start (GstGeminiLiveSink *self)
{
  auto priv = self->priv;
  auto element = GST_ELEMENT (self);
  auto s = priv->settings.copy ();
  std::string error;
  auto conversation = session_registry::attach_sink (s.session_name, element, error);
  if (!conversation) {
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY, ("%s", error.c_str ()), (nullptr));
    return false;
  }
  priv->session_in_use = s.session_name;
  priv->conversation = conversation;
  priv->sink.set_conversation (conversation);
  priv->sink.session_opens ();
  if (conversation->open (element, s))
    return true;
  priv->sink.set_conversation (nullptr);
  session_registry::detach_sink (priv->session_in_use, element);
  return false;
}

static void
stop (GstGeminiLiveSink *self)
{
  auto priv = self->priv;
  if (priv->session_in_use.empty ())
    return;
  priv->sink.set_conversation (nullptr);
  /* Closes the session unless its geminilivesrc still plays the answer. */
  session_registry::detach_sink (priv->session_in_use, GST_ELEMENT (self));
  priv->session_in_use.clear ();
}

static GstStateChangeReturn
gst_gemini_live_sink_change_state (GstElement *element, GstStateChange transition)
{
  auto self = GST_GEMINI_LIVE_SINK (element);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !start (self))
    return GST_STATE_CHANGE_FAILURE;
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    stop (self);
  GstStateChangeReturn ret = GST_ELEMENT_CLASS (parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE && transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    stop (self);
  return ret;
}

static GstPad *
gst_gemini_live_sink_request_new_pad (GstElement *element, GstPadTemplate *templ,
    const gchar *name, const GstCaps *caps)
{
  (void) name;
  (void) caps;
  return GST_GEMINI_LIVE_SINK (element)->priv->sink.request_pad (templ);
}

static void
gst_gemini_live_sink_release_pad (GstElement *element, GstPad *pad)
{
  GST_GEMINI_LIVE_SINK (element)->priv->sink.release_pad (pad);
}

static void
gst_gemini_live_sink_class_init (GstGeminiLiveSinkClass *klass)
{
  auto gobject_class = G_OBJECT_CLASS (klass);
  auto element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->finalize = gst_gemini_live_sink_finalize;
  gobject_class->set_property = gst_gemini_live_sink_set_property;
  gobject_class->get_property = gst_gemini_live_sink_get_property;
  property_table_install (gobject_class, PROPERTY_SCOPE_SESSION | PROPERTY_SCOPE_INPUT, true);
  SinkSide::class_init (element_class);
  gst_element_class_set_static_metadata (element_class, "Gemini Live conversation input",
      "Sink/Audio/Network",
      "The microphone side of a Gemini Live conversation; its replies leave the "
      "geminilivesrc with the same session name",
      "gst-gemini-live contributors");
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_gemini_live_sink_change_state);
  element_class->request_new_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_sink_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_gemini_live_sink_release_pad);
}

static void
gst_gemini_live_sink_init (GstGeminiLiveSink *self)
{
  self->priv = new GstGeminiLiveSinkPrivate (GST_ELEMENT (self));
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}
