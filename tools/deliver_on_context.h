/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The hand-off both speech workers (recognizer, synthesizer) use to return a
 * result: the callback runs on the thread that owns `context` (the session's
 * main loop), never on the worker, because session objects are not
 * thread-safe. If the context is never iterated again, the result is freed
 * with the source.
 */
#pragma once

#include <glib.h>

#include <functional>
#include <utility>

namespace gemlive::server {

template <typename Result>
void
deliver_on_context (GMainContext *context, std::function<void (Result)> done, Result result)
{
  struct Delivery {
    std::function<void (Result)> done;
    Result result;
  };
  auto delivery = new Delivery{std::move (done), std::move (result)};
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT,
      [] (gpointer d) -> gboolean {
        auto dl = static_cast<Delivery *> (d);
        dl->done (std::move (dl->result));
        return G_SOURCE_REMOVE;
      },
      delivery, [] (gpointer d) { delete static_cast<Delivery *> (d); });
}

}  // namespace gemlive::server
