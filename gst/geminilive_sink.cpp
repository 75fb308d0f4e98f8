/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sink pad of geminilive: what the streaming thread does with the
 * microphone audio. Buffers are cut into 40 ms chunks and encoded as
 * realtimeInput frames here, a partial chunk goes out when its deadline
 * passes, and EOS turns into audioStreamEnd plus the drain timer. Upstream
 * flushes and stream events are absorbed, because the src pad is a stream of
 * its own.
 *
 * Apart from gstgeminilive.cpp (GObject glue, properties, session open/close
 * and state changes) because this is the only code that runs on upstream's
 * streaming thread; it touches the session only through the input_lock and
 * the tool gate (see the thread notes in geminilive_private.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "geminilive_private.h"
#include "geminilive_turn.h"

#include "live/protocol.h"

#include <gst/audio/audio.h>

/* A partial chunk waits at most this long for more audio. */
#define CHUNK_FLUSH_DEADLINE_US (gint64) (gemlive::AudioChunker::DEFAULT_CHUNK_MS * 1000)

/* Under input_lock, so frames keep their order: PCM as one realtimeInput
 * frame, through the tool gate (held back while a blocking function call is
 * unanswered). */
static void
send_pcm (GstGeminiLive *self, gemlive::LiveSession &session, const std::vector<uint8_t> &pcm,
    int rate)
{
  gst_gemini_live_tools_send_input (self, session,
      gemlive::encode_realtime_audio (pcm.data (), pcm.size (), rate),
      (int64_t) pcm.size () * 1000 / (2 * rate));
}

/* Network thread: the chunk deadline passed. Also called on the streaming
 * thread before EOS. Sends under input_lock so frames keep their order. */
void
gst_gemini_live_flush_partial_chunk (GstGeminiLive *self)
{
  auto priv = self->priv;
  auto session = gst_gemini_live_current_session (self);
  std::lock_guard<std::mutex> guard (priv->input_lock);
  auto partial = priv->chunker.take_partial ();
  if (partial.empty () || !session)
    return;
  send_pcm (self, *session, partial, priv->chunker.rate ());
}

GstFlowReturn
gst_gemini_live_sink_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  (void) pad;
  auto self = GST_GEMINI_LIVE (parent);
  auto priv = self->priv;
  bool failed;
  {
    std::lock_guard<std::mutex> guard (priv->reply_lock);
    failed = priv->reply.failed;
  }
  std::shared_ptr<gemlive::LiveSession> session;
  std::shared_ptr<gemlive::Alarm> chunk_alarm;
  {
    std::lock_guard<std::mutex> guard (priv->session_lock);
    session = priv->session;
    chunk_alarm = priv->chunk_alarm;
  }
  if (failed || !session) {
    gst_buffer_unref (buffer);
    return failed ? GST_FLOW_ERROR : GST_FLOW_FLUSHING;
  }

  GstMapInfo map;
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not read an input buffer."), (nullptr));
    return GST_FLOW_ERROR;
  }
  {
    std::lock_guard<std::mutex> guard (priv->input_lock);
    if (priv->input_rate == 0) {
      gst_buffer_unmap (buffer, &map);
      gst_buffer_unref (buffer);
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("No caps on the sink pad."),
          ("Input audio arrived before a CAPS event."));
      return GST_FLOW_NOT_NEGOTIATED;
    }
    /* Encoding happens here, on the streaming thread, so the shared network
     * thread only writes finished frames. */
    auto chunks = priv->chunker.push (map.data, map.size);
    for (const auto &chunk : chunks)
      send_pcm (self, *session, chunk, priv->input_rate);
    if (chunk_alarm) {
      /* The deadline belongs to the oldest sample still waiting. Once a chunk
       * went out, a deadline left armed would cut the next chunk short: with
       * 20 ms buffers every other frame would be a 20 ms leftover. */
      if (!chunks.empty () || !priv->chunker.has_pending ())
        chunk_alarm->cancel ();
      if (priv->chunker.has_pending ())
        chunk_alarm->fire_at (g_get_monotonic_time () + CHUNK_FLUSH_DEADLINE_US);
    }
  }
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  return GST_FLOW_OK;
}

static void
gst_gemini_live_sink_eos (GstGeminiLive *self)
{
  auto priv = self->priv;
  gst_gemini_live_flush_partial_chunk (self);
  auto session = gst_gemini_live_current_session (self);
  bool push_eos_now = false;
  {
    std::lock_guard<std::mutex> guard (priv->reply_lock);
    if (priv->reply.failed || priv->reply.finished || !session) {
      push_eos_now = !priv->reply.finished;
      priv->reply.finished = true;
    } else {
      priv->reply.draining = true;
    }
  }
  if (push_eos_now) {
    priv->output.push (gemlive::OutputItem (gemlive::OutputItem::Kind::EOS));
    return;
  }
  GST_INFO_OBJECT (self, "input ended: sending audioStreamEnd, waiting for turnComplete");
  gst_gemini_live_tools_send_input (self, *session, gemlive::encode_audio_stream_end (), 0);
  std::lock_guard<std::mutex> guard (priv->session_lock);
  if (priv->drain_alarm)
    priv->drain_alarm->fire_at (g_get_monotonic_time ()
        + (gint64) (priv->drain_timeout / GST_USECOND));
}

gboolean
gst_gemini_live_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  auto self = GST_GEMINI_LIVE (parent);
  auto priv = self->priv;

  /* geminilive/activity-start|end: push-to-talk turn boundaries. */
  if (gst_gemini_live_handle_activity_event (self, event))
    return TRUE;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      gst_event_parse_caps (event, &caps);
      GstAudioInfo info;
      if (!gst_audio_info_from_caps (&info, caps) || GST_AUDIO_INFO_CHANNELS (&info) != 1) {
        gst_event_unref (event);
        return FALSE;
      }
      /* Audio of the old rate goes out with the old rate's mimeType. */
      gst_gemini_live_flush_partial_chunk (self);
      {
        std::lock_guard<std::mutex> guard (priv->input_lock);
        priv->input_rate = GST_AUDIO_INFO_RATE (&info);
        priv->chunker.set_rate (priv->input_rate);
      }
      GST_INFO_OBJECT (self, "sending audio as audio/pcm;rate=%d", GST_AUDIO_INFO_RATE (&info));
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_EOS:
      gst_gemini_live_sink_eos (self);
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP: {
      /* The model's reply cannot be rewound: absorb upstream flushes and only
       * forget the audio not yet sent. */
      std::lock_guard<std::mutex> guard (priv->input_lock);
      priv->chunker.reset ();
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_GAP:
    case GST_EVENT_TAG:
    case GST_EVENT_SEGMENT_DONE:
      /* The src pad is a stream of its own (its own stream-start, segment, tags). */
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
gst_gemini_live_sink_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS: {
      GstCaps *filter;
      gst_query_parse_caps (query, &filter);
      GstCaps *caps = gst_pad_get_pad_template_caps (pad);
      if (filter) {
        GstCaps *intersection = gst_caps_intersect_full (filter, caps, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (caps);
        caps = intersection;
      }
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:
      return gst_pad_query_default (pad, parent, query);
    default:
      /* Upstream cannot learn anything about our output from its input side. */
      return FALSE;
  }
}
