/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "session_registry.h"

#include <map>
#include <mutex>

namespace session_registry {

namespace {

struct Entry {
  std::shared_ptr<Conversation> conversation;
  GstElement *sink = nullptr;  /* identities only: the elements hold the entry, not back */
  GstElement *src = nullptr;
};

std::mutex registry_lock;
std::map<std::string, Entry> &
entries ()
{
  static std::map<std::string, Entry> map;
  return map;
}

std::shared_ptr<Conversation>
attach (const std::string &name, GstElement *element, bool sink, std::string &error)
{
  std::lock_guard<std::mutex> guard (registry_lock);
  auto &entry = entries ()[name];
  GstElement *&slot = sink ? entry.sink : entry.src;
  if (slot && slot != element) {
    gchar *other = gst_object_get_name (GST_OBJECT (slot));
    error = std::string ("The Live session \"") + name + "\" already has a "
        + (sink ? "geminilivesink" : "geminilivesrc") + " (" + (other ? other : "?")
        + "). Give this element another session name, or stop that one first.";
    g_free (other);
    if (!entry.sink && !entry.src)
      entries ().erase (name);
    return nullptr;
  }
  slot = element;
  if (!entry.conversation)
    entry.conversation = std::make_shared<Conversation> ();
  return entry.conversation;
}

void
detach (const std::string &name, GstElement *element, bool sink)
{
  std::shared_ptr<Conversation> to_close;
  {
    std::lock_guard<std::mutex> guard (registry_lock);
    auto found = entries ().find (name);
    if (found == entries ().end ())
      return;
    auto &entry = found->second;
    GstElement *&slot = sink ? entry.sink : entry.src;
    if (slot != element)
      return;
    slot = nullptr;
    if (entry.sink || entry.src)
      return;
    to_close = entry.conversation;
    entries ().erase (found);
  }
  /* Outside the lock: closing waits for the network thread. */
  if (to_close)
    to_close->close ();
}

}  // namespace

std::shared_ptr<Conversation>
attach_sink (const std::string &name, GstElement *sink, std::string &error)
{
  return attach (name, sink, true, error);
}

void
detach_sink (const std::string &name, GstElement *sink)
{
  detach (name, sink, true);
}

std::shared_ptr<Conversation>
attach_src (const std::string &name, GstElement *src, std::string &error)
{
  return attach (name, src, false, error);
}

void
detach_src (const std::string &name, GstElement *src)
{
  detach (name, src, false);
}

}  // namespace session_registry
