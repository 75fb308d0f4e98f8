/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * - sink (audio/x-raw S16LE mono, 8-48 kHz): PCM to the conversation (40 ms
 *   chunks), EOS to audioStreamEnd and the drain. Upstream flushes and
 *   stream events are absorbed: the output is a stream of its own. The
 *   InputPacer paces input that is not live and turns gaps (GAP events,
 *   timestamps that jump) into silence (input_pacer.h).
 * - video_sink (image/jpeg, image/png): frames become realtimeInput.video,
 *   throttled to video-fps on the wall clock by dropping frames in between,
 *   so upstream is never blocked.
 * - text_sink (text/x-raw, format=utf8): each buffer is one user message.
 */
#include "sink_side.h"

#include "running_time.h"

#include "live/protocol.h"

#include <gst/audio/audio.h>

#include <cstring>
#include <vector>

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=16000; "
        "audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=[8000,48000]"));
static GstStaticPadTemplate video_sink_template = GST_STATIC_PAD_TEMPLATE ("video_sink",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("image/jpeg; image/png"));
static GstStaticPadTemplate text_sink_template = GST_STATIC_PAD_TEMPLATE ("text_sink",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("text/x-raw, format=(string)utf8"));

static GQuark
sink_side_quark ()
{
  static GQuark quark = g_quark_from_static_string ("geminilive-sink-side");
  return quark;
}

SinkSide *
SinkSide::of (GstElement *element)
{
  return static_cast<SinkSide *> (g_object_get_qdata (G_OBJECT (element), sink_side_quark ()));
}

void
SinkSide::class_init (GstElementClass *klass)
{
  gst_element_class_add_static_pad_template (klass, &sink_template);
  gst_element_class_add_static_pad_template (klass, &video_sink_template);
  gst_element_class_add_static_pad_template (klass, &text_sink_template);

  GType type = G_TYPE_FROM_CLASS (klass);
  auto action = (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION);
  /**
   * GstGeminiLive::need-app-check-token:
   * @element: the element
   *
   * Emitted on Firebase backends before every connection (the first one, on
   * the thread that changes the state to PAUSED, and each resume, on a
   * thread of GStreamer's pool, never the network thread), so the
   * application can set a fresh app-check-token (App Check tokens expire).
   * Set the property from the handler; blocking in it delays only this
   * element's reconnection.
   */
  g_signal_new ("need-app-check-token", type, G_SIGNAL_RUN_LAST, 0, nullptr, nullptr, nullptr,
      G_TYPE_NONE, 0);
  /**
   * GstGeminiLive::tool-call:
   * @element: the element
   * @id: the call id, to pass to #GstGeminiLive::send-tool-response
   * @name: the declared function's name
   * @args: the arguments as a JSON object text
   *
   * The model calls a function. Emitted on the element's "geminilive-tools"
   * thread (never a streaming or the network thread), one emission per call,
   * in arrival order. Answer from any thread, now or later.
   */
  g_signal_new ("tool-call", type, G_SIGNAL_RUN_LAST, 0, nullptr, nullptr, nullptr,
      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * GstGeminiLive::send-tool-response:
   * @element: the element
   * @id: the call's id
   * @name: the function's name (NULL = the call's)
   * @response_json: the result as a JSON object text, e.g. {"temperature": 21}
   * @scheduling: NULL for blocking calls; "interrupt", "when-idle" or "silent"
   *   for NON_BLOCKING ones (NULL there = the service's default)
   *
   * Answers a call. Any thread, any order. Returns: TRUE when the answer was
   * queued for sending; FALSE (with a warning message saying why) for an
   * unknown, cancelled, timed-out or already answered id, a wrong name, bad
   * JSON or a bad scheduling.
   */
  g_signal_new_class_handler ("send-tool-response", type, action,
      G_CALLBACK (on_send_tool_response), nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 4,
      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * GstGeminiLive::send-text:
   * @text: one user message (UTF-8)
   *
   * Sends realtimeInput.text; the model answers it like speech. Returns
   * FALSE (with a log line) when there is no session or the text is empty.
   */
  g_signal_new_class_handler ("send-text", type, action, G_CALLBACK (on_send_text), nullptr,
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
  g_signal_new_class_handler ("send-client-content", type, action,
      G_CALLBACK (on_send_client_content), nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 3,
      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * GstGeminiLive::activity-start:
   *
   * Push-to-talk: the user starts speaking (realtimeInput.activityStart).
   * Only with automatic-activity-detection=false; otherwise refused with a
   * warning message, because the service closes the session on it.
   */
  g_signal_new_class_handler ("activity-start", type, action, G_CALLBACK (on_activity_start),
      nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 0);
  /**
   * GstGeminiLive::activity-end:
   *
   * Push-to-talk: the user stopped speaking; the model answers.
   */
  g_signal_new_class_handler ("activity-end", type, action, G_CALLBACK (on_activity_end),
      nullptr, nullptr, nullptr, G_TYPE_BOOLEAN, 0);
}

SinkSide::SinkSide (GstElement *element, bool post_eos) : element_ (element), post_eos_ (post_eos)
{
  g_object_set_qdata (G_OBJECT (element), sink_side_quark (), this);
  sinkpad_ = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (sinkpad_, GST_DEBUG_FUNCPTR (audio_chain));
  gst_pad_set_event_function (sinkpad_, GST_DEBUG_FUNCPTR (audio_event));
  gst_pad_set_query_function (sinkpad_, GST_DEBUG_FUNCPTR (sink_query));
  gst_pad_set_activatemode_function (sinkpad_, GST_DEBUG_FUNCPTR (audio_activate_mode));
  gst_element_add_pad (element, sinkpad_);
}

/* The running time of an input buffer by its segment; without a timestamp,
 * the element's running time now (a live source's buffer arrives about
 * then), else 0. */
GstClockTime
SinkSide::audio_running_time (GstBuffer *buffer)
{
  GstClockTime running_time = GST_CLOCK_TIME_NONE;
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    running_time = pacer_.running_time_of (GST_BUFFER_PTS (buffer));
  if (!GST_CLOCK_TIME_IS_VALID (running_time))
    running_time = element_running_time (element_);
  return GST_CLOCK_TIME_IS_VALID (running_time) ? running_time : 0;
}

void
SinkSide::set_conversation (std::shared_ptr<Conversation> conversation)
{
  std::lock_guard<std::mutex> guard (lock_);
  conversation_ = std::move (conversation);
}

std::shared_ptr<Conversation>
SinkSide::conversation ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return conversation_;
}

void
SinkSide::session_opens ()
{
  std::lock_guard<std::mutex> guard (lock_);
  next_video_us_ = 0;
}

/* The conversation to hand `buffer` to; nullptr (buffer dropped, `flow`
 * to return) without a session or after a fatal error. */
std::shared_ptr<Conversation>
SinkSide::accepting (GstBuffer *buffer, GstFlowReturn &flow)
{
  auto conversation = this->conversation ();
  flow = conversation ? conversation->input_flow () : GST_FLOW_FLUSHING;
  if (flow == GST_FLOW_OK)
    return conversation;
  gst_buffer_unref (buffer);
  return nullptr;
}

/* --- the audio sink pad --- */

/* Whether upstream says it is live; a source that does not answer is taken
 * as not live (pacing a live source only ever waits for audio that came
 * early). */
static bool
upstream_is_live (GstPad *pad)
{
  GstQuery *query = gst_query_new_latency ();
  gboolean live = FALSE;
  if (gst_pad_peer_query (pad, query))
    gst_query_parse_latency (query, &live, nullptr, nullptr);
  gst_query_unref (query);
  return live;
}

/* The pad deactivates (PAUSED->READY) before it waits for the streaming
 * thread: a slice waiting for its time must give up first. */
gboolean
SinkSide::audio_activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode,
    gboolean active)
{
  (void) pad;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  auto self = parent ? of (GST_ELEMENT (parent)) : nullptr;
  if (self) {
    self->pacer_.set_flushing (!active);
    if (active)
      self->pacer_.restart ();
  }
  return TRUE;
}

GstFlowReturn
SinkSide::send_paced (Conversation &conversation, const guint8 *data, gsize size)
{
  /* Live input goes on whole, as it came: slices only where it is paced. */
  gsize slice = pacer_.paces () ? (gsize) pacer_.slice_samples () * 2 : size;
  GstFlowReturn flow = GST_FLOW_OK;
  for (gsize at = 0; at < size && flow == GST_FLOW_OK; at += slice) {
    gsize n = MIN (slice, size - at);
    if (!pacer_.wait_to_send (n / 2))
      return GST_FLOW_FLUSHING;
    flow = conversation.input_audio (data + at, n);
  }
  return flow;
}

GstFlowReturn
SinkSide::fill_gap (Conversation &conversation, const InputPacer::Gap &gap)
{
  if (gap.silence_samples > 0) {
    /* Time passes for the service: silence, paced like audio. */
    std::vector<guint8> zeros ((gsize) pacer_.slice_samples () * 2, 0);
    guint64 left = gap.silence_samples * 2;
    while (left > 0) {
      gsize n = (gsize) MIN ((guint64) zeros.size (), left);
      GstFlowReturn flow = send_paced (conversation, zeros.data (), n);
      if (flow != GST_FLOW_OK)
        return flow;
      left -= n;
    }
  }
  if (gap.stream_end)
    conversation.input_stream_pause ();
  return GST_FLOW_OK;
}

GstFlowReturn
SinkSide::audio_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  auto self = of (GST_ELEMENT (parent));
  GstFlowReturn flow;
  auto conversation = self->accepting (buffer, flow);
  if (!conversation)
    return flow;
  if (!conversation->has_input_rate ()) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self->element_, CORE, NEGOTIATION, ("No caps on the sink pad."),
        ("Input audio arrived before a CAPS event."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  GstMapInfo map;
  if (!self->map_input (buffer, map, "an input buffer"))
    return GST_FLOW_ERROR;
  if (conversation->wants_input_origin ())
    conversation->set_input_origin (self->audio_running_time (buffer));
  if (self->pacer_.needs_liveness ())
    self->pacer_.set_upstream_live (upstream_is_live (pad));
  auto gap = self->pacer_.buffer_arrives (GST_BUFFER_PTS (buffer), map.size / 2);
  flow = self->fill_gap (*conversation, gap);
  if (flow == GST_FLOW_OK)
    flow = self->send_paced (*conversation, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  return flow;
}

gboolean
SinkSide::audio_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  auto self = of (GST_ELEMENT (parent));
  if (self->handle_activity_event (event))
    return TRUE;
  auto conversation = self->conversation ();
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      gst_event_parse_caps (event, &caps);
      GstAudioInfo info;
      if (!gst_audio_info_from_caps (&info, caps) || GST_AUDIO_INFO_CHANNELS (&info) != 1
          || !conversation) {
        gst_event_unref (event);
        return FALSE;
      }
      conversation->input_rate (GST_AUDIO_INFO_RATE (&info));
      self->pacer_.set_rate (GST_AUDIO_INFO_RATE (&info));
      GST_INFO_OBJECT (self->element_, "sending audio as audio/pcm;rate=%d",
          GST_AUDIO_INFO_RATE (&info));
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_EOS:
      if (conversation)
        conversation->input_eos ();
      /* A sink of its pipeline: the pipeline's EOS waits for this one. The
       * answer leaves geminilivesrc, whose pipeline ends after it. */
      if (self->post_eos_) {
        guint32 seqnum = gst_event_get_seqnum (event);
        GstMessage *eos = gst_message_new_eos (GST_OBJECT (self->element_));
        gst_message_set_seqnum (eos, seqnum);
        gst_element_post_message (self->element_, eos);
      }
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_START:
      /* A slice waiting for its time gives up (the chain returns FLUSHING). */
      self->pacer_.set_flushing (true);
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      /* The model's reply cannot be rewound: absorb upstream flushes and only
       * forget the audio not yet sent. */
      self->pacer_.set_flushing (false);
      self->pacer_.restart ();
      if (conversation)
        conversation->input_flush ();
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_STREAM_START:
      self->pacer_.restart ();
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_SEGMENT: {
      /* Kept for the running time of buffers and gaps, not forwarded. */
      const GstSegment *segment;
      gst_event_parse_segment (event, &segment);
      self->pacer_.set_segment (*segment);
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_GAP: {
      GstClockTime timestamp, duration;
      gst_event_parse_gap (event, &timestamp, &duration);
      gst_event_unref (event);
      if (conversation && conversation->has_input_rate ()
          && conversation->input_flow () == GST_FLOW_OK)
        self->fill_gap (*conversation, self->pacer_.gap_event (timestamp, duration));
      return TRUE;
    }
    case GST_EVENT_TAG:
    case GST_EVENT_SEGMENT_DONE:
      /* The output is a stream of its own (its own stream-start, segment, tags). */
      gst_event_unref (event);
      return TRUE;
    default:
      if (GST_EVENT_IS_SERIALIZED (event)) {
        gst_event_unref (event);
        return TRUE;
      }
      return gst_pad_event_default (pad, parent, event);
  }
}

gboolean
SinkSide::sink_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
    case GST_QUERY_ACCEPT_CAPS:
      /* Template caps: the rate goes to the service as it is. */
      return gst_pad_query_default (pad, parent, query);
    default:
      /* Upstream cannot learn anything about our output from its input side. */
      return FALSE;
  }
}

/* --- push-to-talk events --- */

bool
activity_event_is_start (GstEvent *event, bool &start)
{
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
  start = gst_event_has_name (event, GEMINI_LIVE_EVENT_ACTIVITY_START);
  return start || gst_event_has_name (event, GEMINI_LIVE_EVENT_ACTIVITY_END);
}

bool
SinkSide::handle_activity_event (GstEvent *event)
{
  bool start;
  if (!activity_event_is_start (event, start))
    return false;
  auto conversation = this->conversation ();
  if (conversation)
    conversation->activity (start);
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

/* Under lock_: TRUE when this frame is due; counts and logs the dropped ones. */
bool
SinkSide::video_frame_due ()
{
  double fps = video_fps_;
  gint64 now = g_get_monotonic_time ();
  gint64 interval = (gint64) (G_USEC_PER_SEC / fps);
  if (next_video_us_ != 0 && now < next_video_us_) {
    video_dropped_++;
    GST_DEBUG_OBJECT (element_, "video-fps %.2f: dropping a frame (%" G_GUINT64_FORMAT
        " dropped, %" G_GUINT64_FORMAT " sent)", fps, video_dropped_, video_sent_);
    return false;
  }
  /* Stay on the grid while frames keep coming; restart it after a pause. */
  if (next_video_us_ == 0 || now - next_video_us_ > interval)
    next_video_us_ = now + interval;
  else
    next_video_us_ += interval;
  video_sent_++;
  return true;
}

/* Maps an input buffer for reading; if it cannot be, the buffer is dropped
 * and the error posted (`what` names it: "a video frame"). */
bool
SinkSide::map_input (GstBuffer *buffer, GstMapInfo &map, const char *what)
{
  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    return true;
  gst_buffer_unref (buffer);
  GST_ELEMENT_ERROR (element_, STREAM, FAILED, ("Could not read %s.", what), (nullptr));
  return false;
}

GstFlowReturn
SinkSide::video_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  (void) pad;
  auto self = of (GST_ELEMENT (parent));
  GstFlowReturn flow;
  auto conversation = self->accepting (buffer, flow);
  if (!conversation)
    return flow;
  std::string mime;
  {
    std::lock_guard<std::mutex> guard (self->lock_);
    mime = self->video_mime_;
    if (!mime.empty () && !self->video_frame_due ()) {
      gst_buffer_unref (buffer);
      return GST_FLOW_OK;
    }
  }
  if (mime.empty ()) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self->element_, CORE, NEGOTIATION, ("No caps on the video_sink pad."),
        ("A video frame arrived before a CAPS event (image/jpeg or image/png)."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  GstMapInfo map;
  if (!self->map_input (buffer, map, "a video frame"))
    return GST_FLOW_ERROR;
  if (!looks_like (mime, map.data, map.size)) {
    bool first;
    {
      std::lock_guard<std::mutex> guard (self->lock_);
      first = !self->warned_bad_image_;
      self->warned_bad_image_ = true;
    }
    /* One warning, then debug logs: a broken encoder would flood the bus. */
    if (first)
      GST_ELEMENT_WARNING (self->element_, STREAM, FORMAT,
          ("Dropped a video frame that is not %s (%" G_GSIZE_FORMAT " bytes).", mime.c_str (),
              map.size), ("The caps say %s but the data lacks its signature.", mime.c_str ()));
    else
      GST_DEBUG_OBJECT (self->element_, "dropped another frame that is not %s", mime.c_str ());
  } else {
    conversation->input_frame (gemlive::encode_realtime_video (map.data, map.size, mime));
    GST_LOG_OBJECT (self->element_, "sent a %s frame of %" G_GSIZE_FORMAT " bytes",
        mime.c_str (), map.size);
  }
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  return GST_FLOW_OK;
}

GstFlowReturn
SinkSide::text_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  (void) pad;
  auto self = of (GST_ELEMENT (parent));
  GstFlowReturn flow;
  auto conversation = self->accepting (buffer, flow);
  if (!conversation)
    return flow;
  GstMapInfo map;
  if (!self->map_input (buffer, map, "a text buffer"))
    return GST_FLOW_ERROR;
  std::string text ((const char *) map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  /* Subtitle parsers end lines with NUL or newlines: not part of the message. */
  while (!text.empty () && (text.back () == '\0' || text.back () == '\n' || text.back () == '\r'))
    text.pop_back ();
  if (text.find ('\0') != std::string::npos || !g_utf8_validate (text.c_str (), -1, nullptr)) {
    GST_ELEMENT_WARNING (self->element_, STREAM, FORMAT, ("Dropped a text_sink buffer that is "
            "not UTF-8 text (%" G_GSIZE_FORMAT " bytes).", text.size ()), (nullptr));
    return GST_FLOW_OK;
  }
  if (text.empty ()) {
    GST_INFO_OBJECT (self->element_, "skipping an empty text_sink buffer");
    return GST_FLOW_OK;
  }
  conversation->input_frame (gemlive::encode_realtime_text (text), true);
  GST_DEBUG_OBJECT (self->element_, "sent a text message of %" G_GSIZE_FORMAT " bytes",
      text.size ());
  return GST_FLOW_OK;
}

gboolean
SinkSide::side_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  auto self = of (GST_ELEMENT (parent));
  if (self->handle_activity_event (event))
    return TRUE;
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps (event, &caps);
    const gchar *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
    std::lock_guard<std::mutex> guard (self->lock_);
    if (pad == self->video_sink_) {
      self->video_mime_ = name;
      GST_INFO_OBJECT (self->element_, "video_sink sends %s frames", name);
    }
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    /* A side input ending does not end the conversation: only the audio does. */
    GST_INFO_OBJECT (self->element_, "%s ended", GST_PAD_NAME (pad));
  }
  /* Stream events of side inputs mean nothing to the replies. */
  gst_event_unref (event);
  return TRUE;
}

GstPad *
SinkSide::request_pad (GstPadTemplate *templ)
{
  const gchar *name = GST_PAD_TEMPLATE_NAME_TEMPLATE (templ);
  bool video = g_str_equal (name, "video_sink");
  if (!video && !g_str_equal (name, "text_sink"))
    return nullptr;
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (video ? video_sink_ : text_sink_) {
      GST_WARNING_OBJECT (element_, "%s was requested already: there is only one", name);
      return nullptr;
    }
  }
  GstPad *pad = gst_pad_new_from_template (templ, name);
  gst_pad_set_chain_function (pad, video ? GST_DEBUG_FUNCPTR (video_chain)
                                         : GST_DEBUG_FUNCPTR (text_chain));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (side_event));
  gst_pad_set_query_function (pad, GST_DEBUG_FUNCPTR (sink_query));
  {
    std::lock_guard<std::mutex> guard (lock_);
    (video ? video_sink_ : text_sink_) = pad;
  }
  if (!gst_element_add_pad (element_, pad)) {
    std::lock_guard<std::mutex> guard (lock_);
    (video ? video_sink_ : text_sink_) = nullptr;
    return nullptr;
  }
  return pad;
}

bool
SinkSide::release_pad (GstPad *pad)
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (pad == video_sink_) {
      video_sink_ = nullptr;
      video_mime_.clear ();
    } else if (pad == text_sink_) {
      text_sink_ = nullptr;
    } else {
      return false;
    }
  }
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element_, pad);
  return true;
}

/* --- action signals --- */

#define WITH_CONVERSATION(element, fail_value)                   \
  auto side = of (element);                                      \
  auto conversation = side ? side->conversation () : nullptr;    \
  if (!conversation) {                                           \
    GST_WARNING_OBJECT (element, "no session (not PAUSED or PLAYING)"); \
    return fail_value;                                           \
  }

gboolean
SinkSide::on_send_text (GstElement *element, const gchar *text)
{
  WITH_CONVERSATION (element, FALSE);
  return conversation->send_text (text);
}

gboolean
SinkSide::on_send_client_content (GstElement *element, const gchar *role, const gchar *text,
    gboolean turn_complete)
{
  WITH_CONVERSATION (element, FALSE);
  return conversation->send_client_content (role, text, turn_complete);
}

gboolean
SinkSide::on_activity_start (GstElement *element)
{
  WITH_CONVERSATION (element, FALSE);
  return conversation->activity (true);
}

gboolean
SinkSide::on_activity_end (GstElement *element)
{
  WITH_CONVERSATION (element, FALSE);
  return conversation->activity (false);
}

gboolean
SinkSide::on_send_tool_response (GstElement *element, const gchar *id, const gchar *name,
    const gchar *response_json, const gchar *scheduling)
{
  WITH_CONVERSATION (element, FALSE);
  return conversation->send_tool_response (id, name, response_json, scheduling);
}
