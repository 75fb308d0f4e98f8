/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "src_pad_driver.h"

#include "running_time.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

using gemlive::OutputItem;
using gemlive::OutputQueue;

/* How long the task waits for an item before it covers the silence with a GAP. */
#define IDLE_GAP_INTERVAL_US (100 * 1000)
/* Audio of one reply that is already queued when the task pops goes out in
 * one buffer, up to 200 ms: a wake-up of this task and of the sink per
 * buffer is a large share of what a session costs (docs/performance.md).
 * Audio that arrives later still goes out at once, so no sample waits. */
#define MAX_MERGED_OUTPUT_BYTES (24000 * 2 / 5)
/* How long an input transcript lasts when the service does not say which
 * audio it covers (no offsets). */
#define INPUT_TRANSCRIPT_DURATION GST_SECOND

static SrcPadDriver *
driver_of (GstPad *pad)
{
  return static_cast<SrcPadDriver *> (gst_pad_get_element_private (pad));
}

SrcPadDriver::SrcPadDriver (GstElement *element, GstPad *pad, Kind kind)
    : element_ (element), pad_ (pad), kind_ (kind)
{
  gst_pad_set_element_private (pad, this);
  gst_pad_set_activatemode_function (pad, GST_DEBUG_FUNCPTR (activate_mode));
  gst_pad_set_query_function (pad, GST_DEBUG_FUNCPTR (query_function));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (event_function));
  gst_pad_use_fixed_caps (pad);
}

void
SrcPadDriver::set_queue (OutputQueue *queue)
{
  std::lock_guard<std::mutex> guard (lock_);
  queue_ = queue;
}

void
SrcPadDriver::set_text_queue (OutputQueue *queue)
{
  std::lock_guard<std::mutex> guard (lock_);
  text_queue_ = queue;
}

/* gst_pad_create_stream_id refuses elements with several sink pads
 * (video_sink, text_sink): then a random id, like a source's. */
static gchar *
create_stream_id (GstElement *element, GstPad *pad, const char *name)
{
  GST_OBJECT_LOCK (element);
  guint16 sink_pads = element->numsinkpads;
  GST_OBJECT_UNLOCK (element);
  if (sink_pads <= 1)
    return gst_pad_create_stream_id (pad, element, name);
  return g_strdup_printf ("%08x%08x%08x%08x/%s", g_random_int (), g_random_int (),
      g_random_int (), g_random_int (), name);
}

void
SrcPadDriver::start_stream ()
{
  bool audio = kind_ == Kind::AUDIO;
  gchar *stream_id = create_stream_id (element_, pad_, audio ? "reply" : "text");
  gst_pad_push_event (pad_, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  GstCaps *caps = audio ? gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved", "channels", G_TYPE_INT, 1,
                              "rate", G_TYPE_INT, 24000, nullptr)
                        : gst_caps_new_simple ("text/x-raw", "format", G_TYPE_STRING, "utf8",
                              nullptr);
  gst_pad_push_event (pad_, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  /* Timestamps are running times: a segment starting at 0 maps them 1:1. */
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (pad_, gst_event_new_segment (&segment));
  /* Lets a subtitle sink preroll before the first subtitle: the pipeline
   * must not wait for the model to speak before it reaches PLAYING. */
  if (!audio)
    gst_pad_push_event (pad_, gst_event_new_gap (0, 0));
  stream_started_ = true;
}

void
SrcPadDriver::pause (const char *why)
{
  GST_DEBUG_OBJECT (pad_, "pausing the task: %s", why);
  gst_pad_pause_task (pad_);
}

void
SrcPadDriver::push_idle_gap ()
{
  GstClockTime now = element_running_time (element_);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return;
  /* Up to now - latency only: output that arrives now may still be stamped
   * that early (see OutputTimeline), and must not land inside a gap. */
  GstClockTime latency = latency_;
  GstClockTime stop = now > latency ? now - latency : 0;
  GstClockTime start = MAX (gap_end_, last_pts_);
  GstClockTime audio_end = timeline_.end ();
  if (kind_ == Kind::AUDIO && GST_CLOCK_TIME_IS_VALID (audio_end) && audio_end > start)
    start = audio_end;
  if (stop <= start)
    return;
  gst_pad_push_event (pad_, gst_event_new_gap (start, stop - start));
  gap_end_ = stop;
  /* Later text must not land inside the gap. */
  if (kind_ == Kind::TEXT)
    last_pts_ = stop;
}

bool
SrcPadDriver::handle_flow (GstFlowReturn ret)
{
  if (ret == GST_FLOW_OK)
    return true;
  if (kind_ == Kind::TEXT) {
    /* An unlinked subtitle branch must not stop the conversation. */
    if (ret == GST_FLOW_NOT_LINKED)
      return true;
    pause (gst_flow_get_name (ret));
    return false;
  }
  if (ret == GST_FLOW_FLUSHING) {
    pause ("flushing");
    return false;
  }
  if (ret == GST_FLOW_EOS) {
    pause ("downstream is EOS");
    return false;
  }
  GST_ELEMENT_FLOW_ERROR (element_, ret);
  gst_pad_push_event (pad_, gst_event_new_eos ());
  pause (gst_flow_get_name (ret));
  return false;
}

void
SrcPadDriver::push_audio (OutputItem &item)
{
  if (item.reply_start)
    timeline_.start_new_reply ();
  GstBuffer *buffer = gst_buffer_new ();
  size_t bytes = item.memory->size;
  gst_buffer_append_memory (buffer, item.memory);
  item.memory = nullptr;
  OutputQueue *queue;
  {
    std::lock_guard<std::mutex> guard (lock_);
    queue = queue_;
  }
  OutputItem more;
  while (bytes < MAX_MERGED_OUTPUT_BYTES
      && queue->pop_audio_continuation (more, MAX_MERGED_OUTPUT_BYTES - bytes)) {
    bytes += more.memory->size;
    gst_buffer_append_memory (buffer, more.memory);
    more.memory = nullptr;
  }

  guint64 samples = gst_buffer_get_size (buffer) / 2;
  auto stamp = timeline_.stamp (samples, element_running_time (element_), latency_);
  GST_BUFFER_PTS (buffer) = stamp.pts;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = stamp.duration;
  GST_BUFFER_OFFSET (buffer) = offset_;
  offset_ += samples;
  GST_BUFFER_OFFSET_END (buffer) = offset_;
  if (stamp.discont || discont_pending_) {
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
    discont_pending_ = false;
  }
  last_audio_pts_ = stamp.pts;
  last_audio_duration_ = stamp.duration;
  /* Before the push: a synchronised sink may hold it until it plays. */
  publish_playout_end (stamp.pts + stamp.duration);
  GST_LOG_OBJECT (pad_, "pushing %" G_GUINT64_FORMAT " samples at %" GST_TIME_FORMAT "%s",
      samples, GST_TIME_ARGS (stamp.pts), stamp.discont ? " (discont)" : "");
  handle_flow (gst_pad_push (pad_, buffer));
}

/* A sink renders running time T when its clock reaches base time + T +
 * the pipeline's latency: then it sounds. Told in monotonic time, since the
 * input side may be another element (geminilivesink) on another clock. */
void
SrcPadDriver::publish_playout_end (GstClockTime end)
{
  OutputQueue *queue;
  {
    std::lock_guard<std::mutex> guard (lock_);
    queue = queue_;
  }
  if (!queue)
    return;
  gint64 now_us = g_get_monotonic_time ();
  GstClockTime latency = pipeline_latency_;
  if (!GST_CLOCK_TIME_IS_VALID (latency))
    latency = latency_;
  GstClockTime running_now = element_running_time (element_);
  gint64 end_us;
  if (GST_CLOCK_TIME_IS_VALID (running_now) && GST_CLOCK_TIME_IS_VALID (end)) {
    end_us = now_us + (gint64) ((GstClockTimeDiff) (end + latency) - (GstClockTimeDiff) running_now)
        / 1000;
  } else {
    /* No clock (not PLAYING): as if it played from now on, after what is still due. */
    GstClockTime duration = last_audio_duration_;
    end_us = MAX (queue->playout_end_us (), now_us)
        + (GST_CLOCK_TIME_IS_VALID (duration) ? (gint64) (duration / 1000) : 0);
  }
  queue->set_playout_end_us (end_us);
}

/* AUDIO task: a transcript fragment came out after the audio it
 * transcribes; it gets that audio's timestamps and joins the caption line
 * being gathered. A TEXT item without a buffer ends the turn's line. */
void
SrcPadDriver::forward_text (OutputItem &item)
{
  if (!item.buffer) {
    push_caption (captions_.end_of_turn ());
    return;
  }
  GstClockTime pts = last_audio_pts_, duration = last_audio_duration_;
  if (!GST_CLOCK_TIME_IS_VALID (pts)) {
    /* Text before any audio: now. */
    pts = element_running_time (element_);
    duration = GST_CLOCK_TIME_NONE;
    if (!GST_CLOCK_TIME_IS_VALID (pts))
      pts = 0;
  }
  GstMapInfo map;
  if (!gst_buffer_map (item.buffer, &map, GST_MAP_READ))
    return;
  std::string fragment ((const char *) map.data, map.size);
  gst_buffer_unmap (item.buffer, &map);
  push_caption (captions_.add (fragment, pts, duration, g_get_monotonic_time ()));
}

/* AUDIO task: a finished caption line goes to text_src's queue. */
void
SrcPadDriver::push_caption (std::optional<CaptionLines::Line> line)
{
  if (!line)
    return;
  std::lock_guard<std::mutex> guard (lock_);
  if (!text_queue_)
    return;
  GstBuffer *text = gst_buffer_new_memdup (line->text.data (), line->text.size ());
  GST_BUFFER_PTS (text) = line->pts;
  GST_BUFFER_DURATION (text) = line->duration;
  text_queue_->push (OutputItem (OutputItem::Kind::TEXT, text));
}

/* TEXT task: a subtitle, stamped by the audio task or from the service's
 * transcription offsets, or without a stamp (an input transcript without
 * offsets): now. Never before an earlier one or inside a GAP already sent:
 * text later than `latency` after its audio is moved to now. */
void
SrcPadDriver::push_text (OutputItem &item)
{
  GstBuffer *buffer = item.buffer;
  item.buffer = nullptr;
  if (!GST_BUFFER_PTS_IS_VALID (buffer)) {
    GstClockTime now = element_running_time (element_);
    GST_BUFFER_PTS (buffer) = GST_CLOCK_TIME_IS_VALID (now) ? now : last_pts_;
  }
  if (!GST_BUFFER_DURATION_IS_VALID (buffer))
    GST_BUFFER_DURATION (buffer) = INPUT_TRANSCRIPT_DURATION;
  if (GST_BUFFER_PTS (buffer) < last_pts_) {
    GST_INFO_OBJECT (pad_, "text for %" GST_TIME_FORMAT " came after %" GST_TIME_FORMAT
        " was passed (raise latency to keep its timing): stamped at %" GST_TIME_FORMAT,
        GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), GST_TIME_ARGS (last_pts_),
        GST_TIME_ARGS (last_pts_));
    GST_BUFFER_PTS (buffer) = last_pts_;
  }
  last_pts_ = GST_BUFFER_PTS (buffer);
  GST_LOG_OBJECT (pad_, "%" G_GSIZE_FORMAT " bytes at %" GST_TIME_FORMAT,
      gst_buffer_get_size (buffer), GST_TIME_ARGS (GST_BUFFER_PTS (buffer)));
  handle_flow (gst_pad_push (pad_, buffer));
}

/* The conversation dropped the rest of the reply from the queue; now what
 * is downstream goes too, at once. */
void
SrcPadDriver::barge_in ()
{
  /* What was heard of the interrupted reply is its last line. */
  push_caption (captions_.end_of_turn ());
  if (!stream_started_)
    return;
  gst_pad_push_event (pad_, gst_event_new_flush_start ());
  gst_pad_push_event (pad_, gst_event_new_flush_stop (FALSE));
  /* FLUSH_STOP removed the sticky segment. */
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (pad_, gst_event_new_segment (&segment));
  timeline_.start_new_reply ();
  discont_pending_ = true;
  /* The sinks dropped what they had not played. */
  std::lock_guard<std::mutex> guard (lock_);
  if (queue_)
    queue_->set_playout_end_us (g_get_monotonic_time ());
}

void
SrcPadDriver::end_stream (const char *why)
{
  gst_pad_push_event (pad_, gst_event_new_eos ());
  if (kind_ == Kind::AUDIO) {
    push_caption (captions_.end_of_turn ());
    std::lock_guard<std::mutex> guard (lock_);
    if (text_queue_)
      text_queue_->push (OutputItem (OutputItem::Kind::EOS));
  }
  pause (why);
}

void
SrcPadDriver::loop (gpointer data)
{
  auto self = static_cast<SrcPadDriver *> (data);
  if (!self->stream_started_)
    self->start_stream ();
  OutputQueue *queue;
  {
    std::lock_guard<std::mutex> guard (self->lock_);
    queue = self->queue_;
  }
  OutputItem item;
  switch (queue->pop (item, IDLE_GAP_INTERVAL_US)) {
    case OutputQueue::PopResult::FLUSHING:
      self->pause ("the element is stopping");
      return;
    case OutputQueue::PopResult::TIMEOUT:
      if (self->kind_ == Kind::AUDIO)
        self->push_caption (self->captions_.idle (g_get_monotonic_time ()));
      self->push_idle_gap ();
      return;
    case OutputQueue::PopResult::ITEM:
      break;
  }
  switch (item.kind) {
    case OutputItem::Kind::AUDIO:
      self->push_audio (item);
      break;
    case OutputItem::Kind::FLUSH_STOP:
      self->barge_in ();
      break;
    case OutputItem::Kind::EOS:
      GST_INFO_OBJECT (self->pad_, "the reply is complete: EOS");
      self->end_stream ("EOS");
      break;
    case OutputItem::Kind::ERROR:
      /* The error message is on the bus already; EOS lets sinks finish. */
      self->end_stream ("error");
      break;
    case OutputItem::Kind::TEXT:
      if (self->kind_ == Kind::AUDIO)
        self->forward_text (item);
      else
        self->push_text (item);
      break;
  }
}

gboolean
SrcPadDriver::activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active)
{
  (void) parent;
  auto self = driver_of (pad);
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  OutputQueue *queue;
  {
    std::lock_guard<std::mutex> guard (self->lock_);
    queue = self->queue_;
  }
  if (!queue)
    return !active;
  if (active) {
    queue->clear ();
    queue->set_flushing (false);
    self->stream_started_ = false;
    self->discont_pending_ = false;
    self->timeline_.reset ();
    self->gap_end_ = 0;
    self->last_pts_ = 0;
    self->last_audio_pts_ = GST_CLOCK_TIME_NONE;
    self->last_audio_duration_ = GST_CLOCK_TIME_NONE;
    self->offset_ = 0;
    self->captions_.reset ();
    self->pipeline_latency_ = GST_CLOCK_TIME_NONE;
    queue->set_playout_end_us (0);
    return gst_pad_start_task (pad, loop, self, nullptr);
  }
  queue->set_flushing (true);
  gboolean ok = gst_pad_stop_task (pad);
  queue->clear ();
  return ok;
}

gboolean
SrcPadDriver::query_function (GstPad *pad, GstObject *parent, GstQuery *query)
{
  auto self = driver_of (pad);
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_LATENCY:
      /* text_src: the same latency, subtitles carry the audio's timestamps. */
      gst_query_set_latency (query, TRUE, self->latency_, GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_SEEKING: {
      GstFormat format;
      gst_query_parse_seeking (query, &format, nullptr, nullptr, nullptr);
      gst_query_set_seeking (query, format, FALSE, 0, -1);
      return TRUE;
    }
    case GST_QUERY_CAPS:
    case GST_QUERY_ACCEPT_CAPS:
      /* Fixed caps (gst_pad_use_fixed_caps + template). */
      return gst_pad_query_default (pad, parent, query);
    default:
      /* Position, duration, ... of the input say nothing about the replies. */
      return FALSE;
  }
}

gboolean
SrcPadDriver::event_function (GstPad *pad, GstObject *parent, GstEvent *event)
{
  (void) parent;
  auto self = driver_of (pad);
  if (self->event_handler_ && self->event_handler_ (event))
    return TRUE;
  if (GST_EVENT_TYPE (event) == GST_EVENT_LATENCY) {
    GstClockTime latency;
    gst_event_parse_latency (event, &latency);
    self->pipeline_latency_ = latency;
  }
  bool is_seek = GST_EVENT_TYPE (event) == GST_EVENT_SEEK;
  if (is_seek)
    GST_DEBUG_OBJECT (pad, "refusing a seek: a live conversation cannot be rewound");
  /* Nothing upstream of the reply can act on QOS, latency or navigation. */
  gst_event_unref (event);
  return !is_seek;
}
