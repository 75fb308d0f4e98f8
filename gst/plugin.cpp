/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminilive.h"

/* The conversation core's category (gst/conversation*.cpp, the pad sides);
 * each element's glue logs under the element's object. */
GST_DEBUG_CATEGORY (gst_gemini_live_debug);

static gboolean
plugin_init (GstPlugin *plugin)
{
  GST_DEBUG_CATEGORY_INIT (gst_gemini_live_debug, "geminilive", 0, "Gemini Live elements");
  gboolean ok = GST_ELEMENT_REGISTER (geminilive, plugin);
  ok &= GST_ELEMENT_REGISTER (geminilivesink, plugin);
  ok &= GST_ELEMENT_REGISTER (geminilivesrc, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, geminilive,
    "Spoken conversations with Gemini Live models", plugin_init, VERSION, GST_LICENSE,
    GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
