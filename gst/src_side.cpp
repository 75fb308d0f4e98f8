/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "src_side.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw, format=S16LE, layout=interleaved, channels=1, rate=24000"));
static GstStaticPadTemplate text_src_template = GST_STATIC_PAD_TEMPLATE ("text_src",
    GST_PAD_SRC, GST_PAD_REQUEST, GST_STATIC_CAPS ("text/x-raw, format=(string)utf8"));

void
SrcSide::class_init (GstElementClass *klass)
{
  gst_element_class_add_static_pad_template (klass, &src_template);
  gst_element_class_add_static_pad_template (klass, &text_src_template);
}

SrcSide::SrcSide (GstElement *element)
    : element_ (element),
      audio_ (element, gst_pad_new_from_static_template (&src_template, "src"),
          SrcPadDriver::Kind::AUDIO)
{
  gst_element_add_pad (element, audio_.pad ());
}

/* Under lock_: the conversation queues text for text_src only while there is one. */
void
SrcSide::update_text_output_locked ()
{
  if (conversation_)
    conversation_->set_text_output (text_ != nullptr, text_ && text_input_transcripts_);
  audio_.set_text_queue (text_ && conversation_ ? &conversation_->text_output () : nullptr);
}

void
SrcSide::attach (std::shared_ptr<Conversation> conversation)
{
  std::lock_guard<std::mutex> guard (lock_);
  conversation_ = std::move (conversation);
  audio_.set_queue (&conversation_->audio_output ());
  if (text_)
    text_->set_queue (&conversation_->text_output ());
  update_text_output_locked ();
  conversation_->set_max_queued_audio_ms (max_queued_audio_ms_);
  conversation_->set_output_attached (true);
}

void
SrcSide::detach ()
{
  std::lock_guard<std::mutex> guard (lock_);
  if (!conversation_)
    return;
  conversation_->set_output_attached (false);
  conversation_->set_text_output (false, false);
  audio_.set_text_queue (nullptr);
  conversation_.reset ();
}

void
SrcSide::set_latency_ms (guint latency_ms)
{
  std::lock_guard<std::mutex> guard (lock_);
  latency_ = latency_ms * GST_MSECOND;
  audio_.set_latency (latency_);
  if (text_)
    text_->set_latency (latency_);
}

void
SrcSide::set_max_queued_audio_ms (guint ms)
{
  std::lock_guard<std::mutex> guard (lock_);
  max_queued_audio_ms_ = ms;
  if (conversation_)
    conversation_->set_max_queued_audio_ms (ms);
}

void
SrcSide::set_text_input_transcripts (bool wanted)
{
  std::lock_guard<std::mutex> guard (lock_);
  text_input_transcripts_ = wanted;
  update_text_output_locked ();
}

void
SrcSide::set_event_handler (std::function<bool (GstEvent *event)> handler)
{
  std::lock_guard<std::mutex> guard (lock_);
  event_handler_ = handler;
  audio_.set_event_handler (handler);
  if (text_)
    text_->set_event_handler (handler);
}

GstPad *
SrcSide::request_pad (GstPadTemplate *templ)
{
  if (!g_str_equal (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "text_src"))
    return nullptr;
  GstPad *pad;
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (text_) {
      GST_WARNING_OBJECT (element_, "text_src was requested already: there is only one");
      return nullptr;
    }
    pad = gst_pad_new_from_template (templ, "text_src");
    text_.reset (new SrcPadDriver (element_, pad, SrcPadDriver::Kind::TEXT));
    text_->set_event_handler (event_handler_);
    /* Same latency as the audio: subtitles carry the audio's timestamps. */
    text_->set_latency (latency_);
    if (conversation_)
      text_->set_queue (&conversation_->text_output ());
    update_text_output_locked ();
  }
  /* Added in PAUSED/PLAYING, the pad is activated (and its task started). */
  if (!gst_element_add_pad (element_, pad)) {
    std::lock_guard<std::mutex> guard (lock_);
    text_.reset ();
    update_text_output_locked ();
    return nullptr;
  }
  return pad;
}

bool
SrcSide::release_pad (GstPad *pad)
{
  std::unique_ptr<SrcPadDriver> driver;
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (!text_ || pad != text_->pad ())
      return false;
    driver.swap (text_);
    update_text_output_locked ();
  }
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element_, pad);
  return true;
}
