/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The src pad: a task of its own pops what the network thread queued and
 * pushes it downstream like a live source (see OutputTimeline). Between
 * replies it pushes GAP events so aggregators and muxers downstream are not
 * stalled waiting for us.
 */
#include "geminilive_private.h"
#include "geminilive_turn.h"

using gemlive::OutputItem;
using gemlive::OutputQueue;

/* How long the task waits for audio before it covers the silence with a GAP. */
#define IDLE_GAP_INTERVAL_US (100 * 1000)
/* Audio of one reply that is already queued when the task pops goes out in
 * one buffer, up to 200 ms: a wake-up of this task and of the sink per
 * buffer is a large share of what a session costs beyond libsoup
 * (docs/performance.md). Audio that arrives later still goes out at once,
 * so no sample waits. */
#define MAX_MERGED_OUTPUT_BYTES (GEMINI_LIVE_OUTPUT_RATE * 2 / 5)

static GstClockTime
current_latency (GstGeminiLive *self)
{
  std::lock_guard<std::mutex> guard (self->priv->session_lock);
  return self->priv->latency;
}

static void
push_segment (GstGeminiLive *self)
{
  /* Timestamps are running times: a segment starting at 0 maps them 1:1. */
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (self->priv->srcpad, gst_event_new_segment (&segment));
}

static void
start_stream (GstGeminiLive *self)
{
  auto priv = self->priv;
  /* Works with request sink pads too (gst_pad_create_stream_id does not) */
  gchar *stream_id = gst_gemini_live_create_stream_id (self, priv->srcpad, "reply");
  gst_pad_push_event (priv->srcpad, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  GstCaps *caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
      "layout", G_TYPE_STRING, "interleaved", "channels", G_TYPE_INT, 1,
      "rate", G_TYPE_INT, GEMINI_LIVE_OUTPUT_RATE, nullptr);
  gst_pad_push_event (priv->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  push_segment (self);
  priv->stream_started = true;
}

static void
stop_task (GstGeminiLive *self, const char *why)
{
  GST_DEBUG_OBJECT (self, "pausing the src task: %s", why);
  gst_pad_pause_task (self->priv->srcpad);
}

static void
push_idle_gap (GstGeminiLive *self)
{
  auto priv = self->priv;
  GstClockTime now = gst_gemini_live_running_time (self);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return;
  /* Up to now - latency only: audio that arrives now may still be stamped
   * that early (see OutputTimeline), and must not land inside a gap. */
  GstClockTime latency = current_latency (self);
  GstClockTime stop = now > latency ? now - latency : 0;
  GstClockTime start = priv->gap_end;
  GstClockTime audio_end = priv->timeline.end ();
  if (GST_CLOCK_TIME_IS_VALID (audio_end) && audio_end > start)
    start = audio_end;
  if (stop <= start)
    return;
  gst_pad_push_event (priv->srcpad, gst_event_new_gap (start, stop - start));
  priv->gap_end = stop;
}

/* FALSE when the task must stop. */
static bool
handle_flow (GstGeminiLive *self, GstFlowReturn ret)
{
  auto priv = self->priv;
  if (ret == GST_FLOW_OK)
    return true;
  if (ret == GST_FLOW_FLUSHING) {
    /* Our own barge-in flush: expected; the FLUSH_STOP item follows. */
    if (priv->flush_expected)
      return true;
    stop_task (self, "flushing");
    return false;
  }
  if (ret == GST_FLOW_EOS) {
    stop_task (self, "downstream is EOS");
    return false;
  }
  GST_ELEMENT_FLOW_ERROR (self, ret);
  gst_pad_push_event (priv->srcpad, gst_event_new_eos ());
  stop_task (self, gst_flow_get_name (ret));
  return false;
}

static void
push_audio (GstGeminiLive *self, OutputItem &item)
{
  auto priv = self->priv;
  if (item.reply_start)
    priv->timeline.start_new_reply ();
  GstBuffer *buffer = gst_buffer_new ();
  size_t bytes = item.memory->size;
  gst_buffer_append_memory (buffer, item.memory);
  item.memory = nullptr;
  OutputItem more;
  while (bytes < MAX_MERGED_OUTPUT_BYTES
      && priv->output.pop_audio_continuation (more, MAX_MERGED_OUTPUT_BYTES - bytes)) {
    bytes += more.memory->size;
    gst_buffer_append_memory (buffer, more.memory);
    more.memory = nullptr;
  }

  guint64 samples = gst_buffer_get_size (buffer) / 2;
  auto stamp = priv->timeline.stamp (samples, gst_gemini_live_running_time (self),
      current_latency (self));
  GST_BUFFER_PTS (buffer) = stamp.pts;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = stamp.duration;
  GST_BUFFER_OFFSET (buffer) = priv->output_offset;
  priv->output_offset += samples;
  GST_BUFFER_OFFSET_END (buffer) = priv->output_offset;
  if (stamp.discont || priv->discont_pending) {
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
    priv->discont_pending = false;
  }
  GST_LOG_OBJECT (self, "pushing %" G_GUINT64_FORMAT " samples at %" GST_TIME_FORMAT "%s",
      samples, GST_TIME_ARGS (stamp.pts), stamp.discont ? " (discont)" : "");
  handle_flow (self, gst_pad_push (priv->srcpad, buffer));
}

static void
finish_barge_in (GstGeminiLive *self)
{
  auto priv = self->priv;
  gst_pad_push_event (priv->srcpad, gst_event_new_flush_stop (FALSE));
  push_segment (self);
  priv->timeline.start_new_reply ();
  priv->discont_pending = true;
  priv->flush_expected = false;
}

static void
src_loop (gpointer data)
{
  auto self = GST_GEMINI_LIVE (data);
  auto priv = self->priv;

  if (!priv->stream_started)
    start_stream (self);

  OutputItem item;
  switch (priv->output.pop (item, IDLE_GAP_INTERVAL_US)) {
    case OutputQueue::PopResult::FLUSHING:
      stop_task (self, "element is stopping");
      return;
    case OutputQueue::PopResult::TIMEOUT:
      push_idle_gap (self);
      return;
    case OutputQueue::PopResult::ITEM:
      break;
  }

  switch (item.kind) {
    case OutputItem::Kind::AUDIO:
      push_audio (self, item);
      break;
    case OutputItem::Kind::FLUSH_STOP:
      finish_barge_in (self);
      break;
    case OutputItem::Kind::EOS:
      GST_INFO_OBJECT (self, "the reply is complete: EOS");
      gst_pad_push_event (priv->srcpad, gst_event_new_eos ());
      gst_gemini_live_text_src_eos (self);
      stop_task (self, "EOS");
      break;
    case OutputItem::Kind::ERROR:
      /* The error message is on the bus already; EOS lets sinks finish. */
      gst_pad_push_event (priv->srcpad, gst_event_new_eos ());
      gst_gemini_live_text_src_eos (self);
      stop_task (self, "error");
      break;
    case OutputItem::Kind::TEXT:
      /* Subtitle text goes after the audio it transcribes, so it gets that audio's pts */
      gst_gemini_live_text_src_on_marker (self, item.buffer);
      break;
  }
}

gboolean
gst_gemini_live_src_activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode,
    gboolean active)
{
  auto self = GST_GEMINI_LIVE (parent);
  auto priv = self->priv;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (active) {
    priv->output.clear ();
    priv->output.set_flushing (false);
    priv->stream_started = false;
    priv->flush_expected = false;
    priv->discont_pending = false;
    priv->timeline.reset ();
    priv->gap_end = 0;
    priv->output_offset = 0;
    return gst_pad_start_task (pad, src_loop, self, nullptr);
  }
  priv->output.set_flushing (true);
  gboolean ok = gst_pad_stop_task (pad);
  priv->output.clear ();
  return ok;
}

gboolean
gst_gemini_live_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  auto self = GST_GEMINI_LIVE (parent);
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_LATENCY:
      gst_query_set_latency (query, TRUE, current_latency (self), GST_CLOCK_TIME_NONE);
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
gst_gemini_live_src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  (void) pad;
  auto self = GST_GEMINI_LIVE (parent);
  if (gst_gemini_live_handle_activity_event (self, event))  /* push-to-talk */
    return TRUE;
  bool is_seek = GST_EVENT_TYPE (event) == GST_EVENT_SEEK;
  if (is_seek)
    GST_DEBUG_OBJECT (self, "refusing a seek: a live conversation cannot be rewound");
  /* Nothing upstream of the reply can act on QOS, latency or navigation. */
  gst_event_unref (event);
  return !is_seek;
}
