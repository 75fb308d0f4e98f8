/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

/* The running time of `element` now; GST_CLOCK_TIME_NONE without a clock or
 * outside PLAYING (the base time only means something there). Takes the
 * object lock briefly; any thread. */
static inline GstClockTime
element_running_time (GstElement *element)
{
  GST_OBJECT_LOCK (element);
  GstClock *clock = GST_ELEMENT_CLOCK (element);
  if (clock)
    gst_object_ref (clock);
  GstClockTime base_time = element->base_time;
  GstState state = GST_STATE (element);
  GST_OBJECT_UNLOCK (element);
  if (!clock)
    return GST_CLOCK_TIME_NONE;
  GstClockTime now = gst_clock_get_time (clock);
  gst_object_unref (clock);
  if (state != GST_STATE_PLAYING || !GST_CLOCK_TIME_IS_VALID (base_time))
    return GST_CLOCK_TIME_NONE;
  return now > base_time ? now - base_time : 0;
}
