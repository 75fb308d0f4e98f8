/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The output side of geminilive and geminilivesrc, written once: the `src`
 * pad (the model's speech) and the text_src request pad (subtitles), each
 * driven by a SrcPadDriver popping the attached Conversation's queues.
 * Application thread (state changes, properties, request pads); the pads'
 * tasks are the drivers'. One lock guards the pointers below.
 */
#pragma once

#include "conversation.h"
#include "src_pad_driver.h"

#include <gst/gst.h>

#include <functional>
#include <memory>
#include <mutex>

class SrcSide {
public:
  static void class_init (GstElementClass *klass);

  /* Creates the `src` pad on element. */
  explicit SrcSide (GstElement *element);
  SrcSide (const SrcSide &) = delete;
  SrcSide &operator= (const SrcSide &) = delete;

  /* Before the pads activate (READY->PAUSED): the queues to pop. */
  void attach (std::shared_ptr<Conversation> conversation);
  /* After they deactivated (PAUSED->READY). */
  void detach ();
  void set_latency_ms (guint latency_ms);
  void set_text_input_transcripts (bool wanted);
  void set_max_queued_audio_ms (guint ms);
  /* Custom upstream events on src / text_src (push-to-talk). */
  void set_event_handler (std::function<bool (GstEvent *event)> handler);

  /* text_src; nullptr for other templates or a second request. */
  GstPad *request_pad (GstPadTemplate *templ);
  bool release_pad (GstPad *pad);

private:
  void update_text_output_locked ();

  GstElement *element_;
  SrcPadDriver audio_;
  std::function<bool (GstEvent *)> event_handler_;

  std::mutex lock_;
  std::shared_ptr<Conversation> conversation_;
  std::unique_ptr<SrcPadDriver> text_;
  bool text_input_transcripts_ = false;
  GstClockTime latency_ = 100 * GST_MSECOND;
  guint max_queued_audio_ms_ = 60000;
};
