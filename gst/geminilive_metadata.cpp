/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the server says about a reply beside its audio, as bus messages:
 * geminilive/url-context (the pages the urlContext tool fetched) and
 * geminilive/waiting-for-input (the model waits for the user). Runs on the
 * network thread (geminilive_events.cpp calls in) and takes no element lock
 * but the object lock gst_gemini_live_running_time () takes briefly.
 * geminilive/grounding, the Google Search sources, stays with the other tool
 * messages in geminilive_tools.cpp.
 */
#include "geminilive_private.h"

/* A GstValueArray of strings: parallel arrays are what a C or Python
 * application reads most easily from a GstStructure (as geminilive/grounding
 * presents its sources). */
GValue
gst_gemini_live_string_array (const std::vector<std::string> &items)
{
  GValue array = G_VALUE_INIT;
  gst_value_array_init (&array, items.size ());
  for (const auto &item : items) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, item.c_str ());
    gst_value_array_append_and_take_value (&array, &v);
  }
  return array;
}

void
gst_gemini_live_metadata_on_url_context (GstGeminiLive *self,
    const gemlive::UrlContextMetadata &url_context)
{
  std::vector<std::string> urls, statuses;
  for (const auto &url : url_context.urls) {
    urls.push_back (url.url);
    statuses.push_back (url.status);
  }
  GST_DEBUG_OBJECT (self, "urlContextMetadata: %" G_GSIZE_FORMAT " URLs", urls.size ());
  GstStructure *s = gst_structure_new_empty ("geminilive/url-context");
  GValue url_array = gst_gemini_live_string_array (urls);
  gst_structure_take_value (s, "urls", &url_array);
  GValue status_array = gst_gemini_live_string_array (statuses);
  gst_structure_take_value (s, "statuses", &status_array);
  gst_structure_set (s, "running-time", G_TYPE_UINT64,
      (guint64) gst_gemini_live_running_time (self), nullptr);
  gst_gemini_live_post (self, s);
}

void
gst_gemini_live_metadata_on_waiting_for_input (GstGeminiLive *self)
{
  GST_DEBUG_OBJECT (self, "waitingForInput: the model waits for the user");
  gst_gemini_live_post (self, gst_structure_new ("geminilive/waiting-for-input",
          "running-time", G_TYPE_UINT64, (guint64) gst_gemini_live_running_time (self),
          nullptr));
}
