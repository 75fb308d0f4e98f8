/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "client_pipeline.h"

#include <cstring>

namespace bench {

ClientPipeline::ClientPipeline (const std::string &endpoint, bool sync)
{
  pipeline_ = gst_pipeline_new (nullptr);
  live_ = gst_element_factory_make ("geminilive", nullptr);
  sink_element_ = gst_element_factory_make ("fakesink", nullptr);
  if (!live_ || !sink_element_) {
    first_error_ = "cannot create geminilive or fakesink (is GST_PLUGIN_PATH set to build/gst?)";
    failed_ = true;
    if (live_)
      gst_object_unref (live_);
    if (sink_element_)
      gst_object_unref (sink_element_);
    live_ = sink_element_ = nullptr;
    return;
  }
  g_object_set (live_, "endpoint", endpoint.c_str (), "api-key", "bench-key",
      "input-transcription", FALSE, "output-transcription", FALSE, nullptr);
  g_object_set (sink_element_, "sync", sync, "async", FALSE, nullptr);
  gst_bin_add_many (GST_BIN (pipeline_), live_, sink_element_, nullptr);
  gst_element_link (live_, sink_element_);

  /* Unparented pads may link to any pad (gst_pad_link_check_hierarchy). */
  feed_ = gst_pad_new ("feed", GST_PAD_SRC);
  gst_pad_set_query_function (feed_, answer_as_microphone);
  GstPad *live_sink = gst_element_get_static_pad (live_, "sink");
  gst_pad_link (feed_, live_sink);
  gst_object_unref (live_sink);

  GstPad *sink_pad = gst_element_get_static_pad (sink_element_, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, on_sink_buffer, this, nullptr);
  gst_object_unref (sink_pad);

  GstBus *bus = gst_element_get_bus (pipeline_);
  gst_bus_set_sync_handler (bus, on_bus, this, nullptr);
  gst_object_unref (bus);
}

/* The feed is a microphone: live, so geminilive's input-pacing leaves it
 * alone, as it does for pulsesrc (a source that does not answer is paced). */
gboolean
ClientPipeline::answer_as_microphone (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}

ClientPipeline::~ClientPipeline ()
{
  if (pipeline_) {
    gst_element_set_state (pipeline_, GST_STATE_NULL);
    GstBus *bus = gst_element_get_bus (pipeline_);
    gst_bus_set_sync_handler (bus, nullptr, nullptr, nullptr);
    gst_object_unref (bus);
    gst_object_unref (pipeline_);
  }
  if (feed_)
    gst_object_unref (feed_);
  if (clock_)
    gst_object_unref (clock_);
}

bool
ClientPipeline::play (std::string &error)
{
  if (!live_) {
    error = first_error ();
    return false;
  }
  if (gst_element_set_state (pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    error = "the pipeline refused PLAYING: " + first_error ();
    return false;
  }
  clock_ = gst_element_get_clock (pipeline_);
  base_time_ = gst_element_get_base_time (pipeline_);
  latency_ = gst_pipeline_get_latency (GST_PIPELINE (pipeline_));
  if (!GST_CLOCK_TIME_IS_VALID (latency_)) {
    /* Not configured yet: use what geminilive reports. */
    guint latency_ms = 0;
    g_object_get (live_, "latency", &latency_ms, nullptr);
    latency_ = latency_ms * GST_MSECOND;
  }
  playing_ = clock_ != nullptr;

  gst_pad_set_active (feed_, TRUE);
  gst_pad_push_event (feed_, gst_event_new_stream_start ("bench-microphone"));
  GstCaps *caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
      "layout", G_TYPE_STRING, "interleaved", "channels", G_TYPE_INT, 1, "rate", G_TYPE_INT,
      INPUT_RATE, nullptr);
  bool caps_ok = gst_pad_push_event (feed_, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (feed_, gst_event_new_segment (&segment));
  if (!caps_ok) {
    error = "geminilive refused the 16 kHz caps: " + first_error ();
    return false;
  }
  return true;
}

std::string
ClientPipeline::first_error () const
{
  std::lock_guard<std::mutex> guard (error_lock_);
  return first_error_;
}

GstBusSyncReply
ClientPipeline::on_bus (GstBus *, GstMessage *message, gpointer data)
{
  auto self = static_cast<ClientPipeline *> (data);
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR: {
      GError *err = nullptr;
      gst_message_parse_error (message, &err, nullptr);
      std::lock_guard<std::mutex> guard (self->error_lock_);
      if (self->first_error_.empty ())
        self->first_error_ = err ? err->message : "unknown error";
      g_clear_error (&err);
      self->failed_ = true;
      break;
    }
    case GST_MESSAGE_ELEMENT: {
      const GstStructure *s = gst_message_get_structure (message);
      if (s && gst_structure_has_name (s, "geminilive/session")) {
        const char *state = gst_structure_get_string (s, "state");
        if (state && strcmp (state, "connected") == 0)
          self->connected_ = true;
      }
      break;
    }
    default:
      break;
  }
  /* Nobody pops these buses: keeping messages would only grow memory. */
  return GST_BUS_DROP;
}

GstPadProbeReturn
ClientPipeline::on_sink_buffer (GstPad *, GstPadProbeInfo *info, gpointer data)
{
  auto self = static_cast<ClientPipeline *> (data);
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  self->counters_.samples += gst_buffer_get_size (buffer) / 2;
  self->counters_.buffers++;
  if (self->first_buffer_seen_ && GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
    self->counters_.underruns++;
  self->first_buffer_seen_ = true;
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  if (self->playing_ && GST_CLOCK_TIME_IS_VALID (pts)) {
    GstClockTime now = gst_clock_get_time (self->clock_);
    /* Arrives after its render time (running time pts + latency): a real
     * audio sink would have played silence. */
    if (now > self->base_time_ && now - self->base_time_ > pts + self->latency_)
      self->counters_.late++;
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace bench
