/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The conversations of this process by session name, shared by a
 * geminilivesink and a geminilivesrc that carry the same `session` (like the
 * inter elements' producers, looked up by name). Whichever starts first
 * creates the conversation; the sink opens the Live session; it closes when
 * both have stopped. One sink and one src per name at a time.
 * Application threads (state changes); one process-wide lock, never held
 * while the conversation is closed.
 */
#pragma once

#include "conversation.h"

#include <gst/gst.h>

#include <memory>
#include <string>

namespace session_registry {

/* The conversation named `name` for this sink; nullptr with `error` when
 * another sink uses the name. */
std::shared_ptr<Conversation> attach_sink (const std::string &name, GstElement *sink,
    std::string &error);
/* The sink stopped: the session closes unless the src still plays. */
void detach_sink (const std::string &name, GstElement *sink);
/* The same for a src. */
std::shared_ptr<Conversation> attach_src (const std::string &name, GstElement *src,
    std::string &error);
void detach_src (const std::string &name, GstElement *src);

}  // namespace session_registry
