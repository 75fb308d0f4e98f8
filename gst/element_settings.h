/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An element's settings behind one lock, set and read through the property
 * table: the set_property/get_property body the three elements share.
 */
#pragma once

#include "property_table.h"

#include <mutex>

class ElementSettings {
public:
  ElementSettings () : settings_ (property_table_defaults ()) {}

  /* The row that was set, nullptr for an unknown id. */
  const PropertyRow *set (guint prop_id, const GValue *value, GObject *object)
  {
    const PropertyRow *row = property_table_row (prop_id);
    if (!row)
      return nullptr;
    std::lock_guard<std::mutex> guard (lock_);
    property_table_set (row, settings_, value, object);
    return row;
  }
  /* The row that was read, nullptr for an unknown id. */
  const PropertyRow *get (guint prop_id, GValue *value)
  {
    const PropertyRow *row = property_table_row (prop_id);
    if (!row)
      return nullptr;
    std::lock_guard<std::mutex> guard (lock_);
    property_table_get (row, settings_, value);
    return row;
  }
  ConversationSettings copy ()
  {
    std::lock_guard<std::mutex> guard (lock_);
    return settings_;
  }

private:
  std::mutex lock_;
  ConversationSettings settings_;
};
