/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The request pads and action signals (multimodal input, push-to-talk).
 * - video_sink (image/jpeg, image/png): frames become realtimeInput.video,
 *   throttled to video-fps on the wall clock by dropping frames in between,
 *   so upstream is never blocked.
 * - text_sink (text/x-raw, format=utf8): each buffer is one user message
 *   (realtimeInput.text).
 * - text_src (text/x-raw, format=utf8): the output transcription, stamped with
 *   the audio it transcribes; optionally the input transcription.
 * - action signals send-text, send-client-content, activity-start,
 *   activity-end; the custom events geminilive/activity-start|end.
 *
 * Threads: the video/text sink pads run on their upstream's streaming
 * threads and only encode and hand frames to LiveSession::send () (never
 * blocks). text_src's task and timestamps are in geminilive_text_src.cpp.
 */
#include "geminilive_pads.h"
#include "geminilive_turn.h"

#include "live/protocol.h"

#include <cstring>

enum {
  SIGNAL_SEND_TEXT,
  SIGNAL_SEND_CLIENT_CONTENT,
  SIGNAL_ACTIVITY_START,
  SIGNAL_ACTIVITY_END,
  N_SIGNALS,
};

static GstStaticPadTemplate video_sink_template = GST_STATIC_PAD_TEMPLATE ("video_sink",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("image/jpeg; image/png"));
static GstStaticPadTemplate text_sink_template = GST_STATIC_PAD_TEMPLATE ("text_sink",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("text/x-raw, format=(string)utf8"));
static GstStaticPadTemplate text_src_template = GST_STATIC_PAD_TEMPLATE ("text_src",
    GST_PAD_SRC, GST_PAD_REQUEST, GST_STATIC_CAPS ("text/x-raw, format=(string)utf8"));


std::shared_ptr<GeminiLivePads>
gst_gemini_live_pads_new ()
{
  return std::make_shared<GeminiLivePads> ();
}

gchar *
gst_gemini_live_create_stream_id (GstGeminiLive *self, GstPad *srcpad, const char *name)
{
  GST_OBJECT_LOCK (self);
  guint16 sink_pads = GST_ELEMENT (self)->numsinkpads;
  GST_OBJECT_UNLOCK (self);
  if (sink_pads <= 1)
    return gst_pad_create_stream_id (srcpad, GST_ELEMENT (self), name);
  /* Like a source's ids: random, unique per stream start. */
  return g_strdup_printf ("%08x%08x%08x%08x/%s", g_random_int (), g_random_int (),
      g_random_int (), g_random_int (), name);
}

static std::shared_ptr<gemlive::LiveSession>
session_of (GstGeminiLive *self)
{
  std::lock_guard<std::mutex> guard (self->priv->session_lock);
  return self->priv->session;
}

static bool
session_failed (GstGeminiLive *self)
{
  std::lock_guard<std::mutex> guard (self->priv->reply_lock);
  return self->priv->reply.failed;
}

void
gst_gemini_live_pads_session_opens (GstGeminiLive *self, bool manual_activity)
{
  auto pads = self->priv->pads;
  std::lock_guard<std::mutex> guard (pads->lock);
  pads->manual_activity = manual_activity;
  pads->next_video_us = 0;
}

/* --- text input and turn control --- */

static gboolean
send_text (GstGeminiLive *self, const gchar *text)
{
  if (!text || !*text || !g_utf8_validate (text, -1, nullptr)) {
    GST_WARNING_OBJECT (self, "send-text: refusing %s text", text && *text ? "non-UTF-8"
        : "empty");
    return FALSE;
  }
  auto session = session_of (self);
  if (!session) {
    GST_WARNING_OBJECT (self, "send-text: no session (the element is not PAUSED or PLAYING)");
    return FALSE;
  }
  session->send (gemlive::encode_realtime_text (text));
  return TRUE;
}

static gboolean
send_client_content (GstGeminiLive *self, const gchar *role, const gchar *text,
    gboolean turn_complete)
{
  std::vector<gemlive::ContentTurn> turns;
  if (text && *text) {
    std::string r = role && *role ? role : "user";
    if (r != "user" && r != "model") {
      GST_WARNING_OBJECT (self, "send-client-content: role must be \"user\" or \"model\", "
          "not \"%s\"", r.c_str ());
      return FALSE;
    }
    if (!g_utf8_validate (text, -1, nullptr)) {
      GST_WARNING_OBJECT (self, "send-client-content: text is not UTF-8");
      return FALSE;
    }
    turns.push_back ({r, text});
  } else if (!turn_complete) {
    GST_WARNING_OBJECT (self, "send-client-content: nothing to send (no text, no turn end)");
    return FALSE;
  }
  auto session = session_of (self);
  if (!session) {
    GST_WARNING_OBJECT (self, "send-client-content: no session (the element is not PAUSED "
        "or PLAYING)");
    return FALSE;
  }
  session->send (gemlive::encode_client_content (turns, turn_complete));
  return TRUE;
}

static gboolean
send_activity (GstGeminiLive *self, bool start)
{
  auto priv = self->priv;
  const char *what = start ? "activity-start" : "activity-end";
  bool manual;
  {
    std::lock_guard<std::mutex> guard (priv->pads->lock);
    manual = priv->pads->manual_activity;
  }
  auto session = session_of (self);
  if (!session) {
    GST_WARNING_OBJECT (self, "%s: no session (the element is not PAUSED or PLAYING)", what);
    return FALSE;
  }
  if (!manual) {
    /* The service closes the session (1007) on activity signals while its
     * own detection runs. */
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("Ignored %s: automatic activity detection is on.", what),
        ("Set automatic-activity-detection=false before the session opens to mark turns "
         "yourself; the service rejects activity signals otherwise."));
    return FALSE;
  }
  /* Audio still in the chunker belongs before the signal (it is the end of
   * the turn, or before its start); under input_lock so nothing overtakes. */
  std::lock_guard<std::mutex> guard (priv->input_lock);
  auto partial = priv->chunker.take_partial ();
  if (!partial.empty ())
    session->send (gemlive::encode_realtime_audio (partial.data (), partial.size (),
            priv->chunker.rate ()));
  session->send (start ? gemlive::encode_activity_start () : gemlive::encode_activity_end ());
  GST_INFO_OBJECT (self, "sent %s", start ? "activityStart" : "activityEnd");
  return TRUE;
}

static gboolean
on_activity_start (GstGeminiLive *self)
{
  return send_activity (self, true);
}

static gboolean
on_activity_end (GstGeminiLive *self)
{
  return send_activity (self, false);
}

bool
gst_gemini_live_handle_activity_event (GstGeminiLive *self, GstEvent *event)
{
  if (!GST_EVENT_IS_UPSTREAM (event) && !GST_EVENT_IS_DOWNSTREAM (event))
    return false;
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CUSTOM_UPSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_OOB:
    case GST_EVENT_CUSTOM_BOTH:
    case GST_EVENT_CUSTOM_BOTH_OOB:
      break;
    default:
      return false;
  }
  bool start = gst_event_has_name (event, GEMINI_LIVE_EVENT_ACTIVITY_START);
  if (!start && !gst_event_has_name (event, GEMINI_LIVE_EVENT_ACTIVITY_END))
    return false;
  send_activity (self, start);
  gst_event_unref (event);
  return true;
}

/* --- video_sink and text_sink --- */

static bool
looks_like (const std::string &mime, const guint8 *data, gsize size)
{
  static const guint8 png_magic[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (mime == "image/jpeg")
    return size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
  return size >= sizeof (png_magic) && memcmp (data, png_magic, sizeof (png_magic)) == 0;
}

/* TRUE when this frame is due; counts and logs the dropped ones. */
static bool
video_frame_due (GstGeminiLive *self, GeminiLivePads &pads, double fps)
{
  gint64 now = g_get_monotonic_time ();
  gint64 interval = (gint64) (G_USEC_PER_SEC / fps);
  if (pads.next_video_us != 0 && now < pads.next_video_us) {
    pads.video_dropped++;
    GST_DEBUG_OBJECT (self, "video-fps %.2f: dropping a frame (%" G_GUINT64_FORMAT " dropped, %"
        G_GUINT64_FORMAT " sent)", fps, pads.video_dropped, pads.video_sent);
    return false;
  }
  /* Stay on the grid while frames keep coming; restart it after a pause. */
  if (pads.next_video_us == 0 || now - pads.next_video_us > interval)
    pads.next_video_us = now + interval;
  else
    pads.next_video_us += interval;
  pads.video_sent++;
  return true;
}

static GstFlowReturn
video_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  (void) pad;
  auto self = GST_GEMINI_LIVE (parent);
  auto priv = self->priv;
  auto &pads = *priv->pads;
  auto session = session_of (self);
  if (session_failed (self) || !session) {
    gst_buffer_unref (buffer);
    return session ? GST_FLOW_ERROR : GST_FLOW_FLUSHING;
  }
  double fps;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    fps = priv->settings.video_fps;
  }
  std::string mime;
  {
    std::lock_guard<std::mutex> guard (pads.lock);
    mime = pads.video_mime;
    if (!mime.empty () && !video_frame_due (self, pads, fps)) {
      gst_buffer_unref (buffer);
      return GST_FLOW_OK;
    }
  }
  if (mime.empty ()) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("No caps on the video_sink pad."),
        ("A video frame arrived before a CAPS event (image/jpeg or image/png)."));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  GstMapInfo map;
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not read a video frame."), (nullptr));
    return GST_FLOW_ERROR;
  }
  if (!looks_like (mime, map.data, map.size)) {
    bool first;
    {
      std::lock_guard<std::mutex> guard (pads.lock);
      first = !pads.warned_bad_image;
      pads.warned_bad_image = true;
    }
    /* One warning, then debug logs: a broken encoder would flood the bus. */
    if (first)
      GST_ELEMENT_WARNING (self, STREAM, FORMAT,
          ("Dropped a video frame that is not %s (%" G_GSIZE_FORMAT " bytes).", mime.c_str (),
              map.size), ("The caps say %s but the data lacks its signature.", mime.c_str ()));
    else
      GST_DEBUG_OBJECT (self, "dropped another frame that is not %s", mime.c_str ());
  } else {
    session->send (gemlive::encode_realtime_video (map.data, map.size, mime));
    GST_LOG_OBJECT (self, "sent a %s frame of %" G_GSIZE_FORMAT " bytes", mime.c_str (),
        map.size);
  }
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  return GST_FLOW_OK;
}

static GstFlowReturn
text_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  (void) pad;
  auto self = GST_GEMINI_LIVE (parent);
  auto session = session_of (self);
  if (session_failed (self) || !session) {
    gst_buffer_unref (buffer);
    return session ? GST_FLOW_ERROR : GST_FLOW_FLUSHING;
  }
  GstMapInfo map;
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not read a text buffer."), (nullptr));
    return GST_FLOW_ERROR;
  }
  std::string text ((const char *) map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  /* Subtitle parsers end lines with NUL or newlines: not part of the message. */
  while (!text.empty () && (text.back () == '\0' || text.back () == '\n' || text.back () == '\r'))
    text.pop_back ();
  if (text.find ('\0') != std::string::npos || !g_utf8_validate (text.c_str (), -1, nullptr)) {
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, ("Dropped a text_sink buffer that is not UTF-8 "
            "text (%" G_GSIZE_FORMAT " bytes).", text.size ()), (nullptr));
    return GST_FLOW_OK;
  }
  if (text.empty ()) {
    GST_INFO_OBJECT (self, "skipping an empty text_sink buffer");
    return GST_FLOW_OK;
  }
  session->send (gemlive::encode_realtime_text (text));
  GST_DEBUG_OBJECT (self, "sent a text message of %" G_GSIZE_FORMAT " bytes", text.size ());
  return GST_FLOW_OK;
}

static gboolean
side_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  auto self = GST_GEMINI_LIVE (parent);
  if (gst_gemini_live_handle_activity_event (self, event))
    return TRUE;
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS && pad == self->priv->pads->video_sink) {
    GstCaps *caps;
    gst_event_parse_caps (event, &caps);
    const gchar *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
    std::lock_guard<std::mutex> guard (self->priv->pads->lock);
    self->priv->pads->video_mime = name;
    GST_INFO_OBJECT (self, "video_sink sends %s frames", name);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    /* A side input ending does not end the conversation: only the audio does. */
    GST_INFO_OBJECT (self, "%s ended", GST_PAD_NAME (pad));
  }
  /* Stream events of side inputs mean nothing to the replies. */
  gst_event_unref (event);
  return TRUE;
}

gboolean
gst_gemini_live_side_pad_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
    case GST_QUERY_ACCEPT_CAPS:
      return gst_pad_query_default (pad, parent, query);
    default:
      return FALSE;
  }
}

/* --- request pads --- */

static GstPad *
request_new_pad (GstElement *element, GstPadTemplate *templ, const gchar *name,
    const GstCaps *caps)
{
  (void) name;
  (void) caps;
  auto self = GST_GEMINI_LIVE (element);
  auto &pads = *self->priv->pads;
  const gchar *template_name = GST_PAD_TEMPLATE_NAME_TEMPLATE (templ);
  GstPad **slot;
  {
    std::lock_guard<std::mutex> guard (pads.lock);
    if (g_str_equal (template_name, "video_sink"))
      slot = &pads.video_sink;
    else if (g_str_equal (template_name, "text_sink"))
      slot = &pads.text_sink;
    else if (g_str_equal (template_name, "text_src"))
      slot = &pads.text_src;
    else
      return nullptr;
    if (*slot) {
      GST_WARNING_OBJECT (self, "%s was requested already: there is only one", template_name);
      return nullptr;
    }
  }

  GstPad *pad = gst_pad_new_from_template (templ, template_name);
  if (GST_PAD_IS_SINK (pad)) {
    gst_pad_set_chain_function (pad, g_str_equal (template_name, "video_sink")
        ? GST_DEBUG_FUNCPTR (video_chain) : GST_DEBUG_FUNCPTR (text_chain));
    gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (side_sink_event));
    gst_pad_set_query_function (pad, GST_DEBUG_FUNCPTR (gst_gemini_live_side_pad_query));
  } else {
    gst_gemini_live_text_src_init_pad (pad);
  }
  {
    std::lock_guard<std::mutex> guard (pads.lock);
    *slot = pad;
    if (pad == pads.text_src)
      pads.audio_probe = gst_gemini_live_text_src_follow_audio (self);
  }
  /* Added in PAUSED/PLAYING, the pad is activated (and text_src's task started). */
  if (!gst_element_add_pad (element, pad)) {
    std::lock_guard<std::mutex> guard (pads.lock);
    *slot = nullptr;
    return nullptr;
  }
  return pad;
}

static void
release_pad (GstElement *element, GstPad *pad)
{
  auto self = GST_GEMINI_LIVE (element);
  auto &pads = *self->priv->pads;
  gulong probe = 0;
  {
    std::lock_guard<std::mutex> guard (pads.lock);
    if (pad == pads.video_sink) {
      pads.video_sink = nullptr;
      pads.video_mime.clear ();
    } else if (pad == pads.text_sink) {
      pads.text_sink = nullptr;
    } else if (pad == pads.text_src) {
      pads.text_src = nullptr;
      probe = pads.audio_probe;
      pads.audio_probe = 0;
    }
  }
  if (probe)
    gst_pad_remove_probe (self->priv->srcpad, probe);
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

void
gst_gemini_live_pads_class_init (GstElementClass *klass)
{
  gst_element_class_add_static_pad_template (klass, &video_sink_template);
  gst_element_class_add_static_pad_template (klass, &text_sink_template);
  gst_element_class_add_static_pad_template (klass, &text_src_template);
  klass->request_new_pad = GST_DEBUG_FUNCPTR (request_new_pad);
  klass->release_pad = GST_DEBUG_FUNCPTR (release_pad);

  GType type = G_TYPE_FROM_CLASS (klass);
  auto flags = (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION);
  /**
   * GstGeminiLive::send-text:
   * @text: one user message (UTF-8)
   *
   * Sends realtimeInput.text; the model answers it like speech. Returns
   * FALSE (with a log line) when there is no session or the text is empty.
   */
  g_signal_new_class_handler ("send-text", type, flags, G_CALLBACK (send_text), nullptr,
      nullptr, nullptr, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  /**
   * GstGeminiLive::send-client-content:
   * @role: "user" or "model" (NULL = "user")
   * @text: the turn's text; NULL or "" sends only @turn_complete
   * @turn_complete: TRUE when the model should answer now
   *
   * Sends one clientContent message, in order with everything else: several
   * calls with turn_complete=FALSE build a history, the last one ends it.
   */
  g_signal_new_class_handler ("send-client-content", type, flags,
      G_CALLBACK (send_client_content), nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 3,
      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * GstGeminiLive::activity-start:
   *
   * Push-to-talk: the user starts speaking (realtimeInput.activityStart).
   * Only with automatic-activity-detection=false; otherwise refused with a
   * warning message, because the service closes the session on it.
   */
  g_signal_new_class_handler ("activity-start", type, flags, G_CALLBACK (on_activity_start),
      nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 0);
  /**
   * GstGeminiLive::activity-end:
   *
   * Push-to-talk: the user stopped speaking; the model answers.
   */
  g_signal_new_class_handler ("activity-end", type, flags, G_CALLBACK (on_activity_end),
      nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 0);
}
