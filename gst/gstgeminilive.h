/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GEMINI_LIVE (gst_gemini_live_get_type ())
G_DECLARE_FINAL_TYPE (GstGeminiLive, gst_gemini_live, GST, GEMINI_LIVE, GstElement)
#define GST_TYPE_GEMINI_LIVE_SINK (gst_gemini_live_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstGeminiLiveSink, gst_gemini_live_sink, GST, GEMINI_LIVE_SINK, GstElement)
#define GST_TYPE_GEMINI_LIVE_SRC (gst_gemini_live_src_get_type ())
G_DECLARE_FINAL_TYPE (GstGeminiLiveSrc, gst_gemini_live_src, GST, GEMINI_LIVE_SRC, GstElement)

GST_ELEMENT_REGISTER_DECLARE (geminilive);
GST_ELEMENT_REGISTER_DECLARE (geminilivesink);
GST_ELEMENT_REGISTER_DECLARE (geminilivesrc);

G_END_DECLS
