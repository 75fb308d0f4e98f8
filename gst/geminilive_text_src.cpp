/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The text_src request pad (text/x-raw, format=utf8): the output
 * transcription as subtitles stamped with the audio they transcribe, and
 * optionally the input transcription.
 *
 * Threads: text_src has a task of its own popping `text_queue`, so a slow
 * subtitle consumer never holds up the audio. The audio src task feeds it
 * (gst_gemini_live_text_src_on_marker) after stamping the audio before the
 * text; a probe on the audio src pad remembers that audio's stamps. Between
 * subtitles the task sends GAP events so textoverlay and muxers go on.
 */
#include "geminilive_pads.h"
#include "geminilive_turn.h"

#define TEXT_IDLE_GAP_INTERVAL_US (100 * 1000)
/* The service does not say which audio an input transcript covers. */
#define INPUT_TRANSCRIPT_DURATION GST_SECOND

static GstPadProbeReturn
remember_audio_stamp (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  (void) pad;
  auto pads = static_cast<GeminiLivePads *> (data);
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  std::lock_guard<std::mutex> guard (pads->lock);
  pads->last_audio_pts = GST_BUFFER_PTS (buffer);
  pads->last_audio_duration = GST_BUFFER_DURATION (buffer);
  return GST_PAD_PROBE_OK;
}

static bool
has_text_src (GstGeminiLive *self)
{
  std::lock_guard<std::mutex> guard (self->priv->pads->lock);
  return self->priv->pads->text_src != nullptr;
}

static GstBuffer *
text_buffer (const std::string &text)
{
  return gst_buffer_new_memdup (text.data (), text.size ());
}

/* pts, duration: wanted stamps; queued monotonic (never before an earlier one). */
static void
queue_text (GeminiLivePads &pads, GstBuffer *buffer, GstClockTime pts, GstClockTime duration)
{
  std::lock_guard<std::mutex> guard (pads.lock);
  if (!GST_CLOCK_TIME_IS_VALID (pts) || pts < pads.text_last_pts)
    pts = pads.text_last_pts;
  pads.text_last_pts = pts;
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = duration;
  pads.text_queue.push (gemlive::OutputItem (gemlive::OutputItem::Kind::TEXT, buffer));
}

void
gst_gemini_live_text_output_transcription (GstGeminiLive *self, const std::string &text)
{
  if (!has_text_src (self) || text.empty ())
    return;
  /* Behind the audio already queued: the src task stamps that audio first. */
  self->priv->output.push (gemlive::OutputItem (gemlive::OutputItem::Kind::TEXT,
          text_buffer (text)));
}

void
gst_gemini_live_text_input_transcription (GstGeminiLive *self, const std::string &text)
{
  bool wanted;
  {
    std::lock_guard<std::mutex> guard (self->priv->settings_lock);
    wanted = self->priv->settings.text_src_input_transcription;
  }
  if (!wanted || !has_text_src (self) || text.empty ())
    return;
  queue_text (*self->priv->pads, text_buffer (text), gst_gemini_live_running_time (self),
      INPUT_TRANSCRIPT_DURATION);
}

void
gst_gemini_live_text_src_on_marker (GstGeminiLive *self, GstBuffer *text)
{
  auto &pads = *self->priv->pads;
  GstClockTime pts, duration;
  {
    std::lock_guard<std::mutex> guard (pads.lock);
    pts = pads.last_audio_pts;
    duration = pads.last_audio_duration;
  }
  if (!GST_CLOCK_TIME_IS_VALID (pts)) {
    /* Text before any audio (no audio src consumer yet): now. */
    pts = gst_gemini_live_running_time (self);
    duration = GST_CLOCK_TIME_NONE;
  }
  queue_text (pads, gst_buffer_ref (text), pts, duration);
}

void
gst_gemini_live_text_src_eos (GstGeminiLive *self)
{
  if (has_text_src (self))
    self->priv->pads->text_queue.push (gemlive::OutputItem (gemlive::OutputItem::Kind::EOS));
}

static void
text_src_start_stream (GstGeminiLive *self, GstPad *pad)
{
  gchar *stream_id = gst_gemini_live_create_stream_id (self, pad, "text");
  gst_pad_push_event (pad, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  GstCaps *caps = gst_caps_new_simple ("text/x-raw", "format", G_TYPE_STRING, "utf8", nullptr);
  gst_pad_push_event (pad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (pad, gst_event_new_segment (&segment));
  /* Lets a sink preroll before the first subtitle: the pipeline must not wait
   * for the model to speak before it reaches PLAYING. */
  gst_pad_push_event (pad, gst_event_new_gap (0, 0));
}

/* Between subtitles, GAPs up to now - latency keep textoverlay and muxers going. */
static void
text_src_idle_gap (GstGeminiLive *self, GstPad *pad)
{
  auto &pads = *self->priv->pads;
  GstClockTime now = gst_gemini_live_running_time (self);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return;
  GstClockTime latency;
  {
    std::lock_guard<std::mutex> guard (self->priv->session_lock);
    latency = self->priv->latency;
  }
  GstClockTime stop = now > latency ? now - latency : 0;
  GstClockTime start;
  {
    std::lock_guard<std::mutex> guard (pads.lock);
    start = MAX (pads.text_gap_end, pads.text_last_pts);
    if (stop <= start)
      return;
    pads.text_gap_end = stop;
    /* Later text must not land inside the gap. */
    pads.text_last_pts = stop;
  }
  gst_pad_push_event (pad, gst_event_new_gap (start, stop - start));
}

static void
text_src_loop (gpointer data)
{
  auto pad = GST_PAD (data);
  auto self = GST_GEMINI_LIVE (gst_pad_get_parent_element (pad));
  if (!self) {
    gst_pad_pause_task (pad);
    return;
  }
  auto &pads = *self->priv->pads;
  if (!pads.text_started) {
    text_src_start_stream (self, pad);
    pads.text_started = true;
  }
  gemlive::OutputItem item;
  switch (pads.text_queue.pop (item, TEXT_IDLE_GAP_INTERVAL_US)) {
    case gemlive::OutputQueue::PopResult::FLUSHING:
      gst_pad_pause_task (pad);
      break;
    case gemlive::OutputQueue::PopResult::TIMEOUT:
      text_src_idle_gap (self, pad);
      break;
    case gemlive::OutputQueue::PopResult::ITEM:
      if (item.kind == gemlive::OutputItem::Kind::EOS) {
        gst_pad_push_event (pad, gst_event_new_eos ());
        gst_pad_pause_task (pad);
        break;
      }
      {
        GstBuffer *buffer = item.buffer;
        item.buffer = nullptr;
        GST_LOG_OBJECT (self, "text_src: %" G_GSIZE_FORMAT " bytes at %" GST_TIME_FORMAT,
            gst_buffer_get_size (buffer), GST_TIME_ARGS (GST_BUFFER_PTS (buffer)));
        GstFlowReturn ret = gst_pad_push (pad, buffer);
        /* An unlinked subtitle branch must not stop the conversation. */
        if (ret != GST_FLOW_OK && ret != GST_FLOW_NOT_LINKED) {
          GST_INFO_OBJECT (self, "text_src: %s, pausing", gst_flow_get_name (ret));
          gst_pad_pause_task (pad);
        }
      }
      break;
  }
  gst_object_unref (self);
}

static gboolean
text_src_activate_mode (GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active)
{
  auto self = GST_GEMINI_LIVE (parent);
  auto &pads = *self->priv->pads;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (active) {
    pads.text_queue.clear ();
    pads.text_queue.set_flushing (false);
    pads.text_started = false;
    pads.text_gap_end = 0;
    {
      std::lock_guard<std::mutex> guard (pads.lock);
      pads.text_last_pts = 0;
      pads.last_audio_pts = GST_CLOCK_TIME_NONE;
      pads.last_audio_duration = GST_CLOCK_TIME_NONE;
    }
    return gst_pad_start_task (pad, text_src_loop, pad, nullptr);
  }
  pads.text_queue.set_flushing (true);
  gboolean ok = gst_pad_stop_task (pad);
  pads.text_queue.clear ();
  return ok;
}

static gboolean
text_src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  (void) pad;
  auto self = GST_GEMINI_LIVE (parent);
  if (gst_gemini_live_handle_activity_event (self, event))
    return TRUE;
  bool is_seek = GST_EVENT_TYPE (event) == GST_EVENT_SEEK;
  gst_event_unref (event);
  return !is_seek;
}

static gboolean
text_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    /* Same latency as the audio: subtitles carry the audio's timestamps. */
    GstClockTime latency;
    auto self = GST_GEMINI_LIVE (parent);
    {
      std::lock_guard<std::mutex> guard (self->priv->session_lock);
      latency = self->priv->latency;
    }
    gst_query_set_latency (query, TRUE, latency, GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return gst_gemini_live_side_pad_query (pad, parent, query);
}

void
gst_gemini_live_text_src_init_pad (GstPad *pad)
{
  gst_pad_set_activatemode_function (pad, GST_DEBUG_FUNCPTR (text_src_activate_mode));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (text_src_event));
  gst_pad_set_query_function (pad, GST_DEBUG_FUNCPTR (text_src_query));
  gst_pad_use_fixed_caps (pad);
}

gulong
gst_gemini_live_text_src_follow_audio (GstGeminiLive *self)
{
  return gst_pad_add_probe (self->priv->srcpad, GST_PAD_PROBE_TYPE_BUFFER,
      remember_audio_stamp, self->priv->pads.get (), nullptr);
}
