/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * system-instruction and tools changed while the session is open. A model
 * that takes contextUpdate (ModelRules::context_update, gemini-3.8-live)
 * gets one, in order with the input (through the InputGate, so it waits
 * behind an unanswered blocking call like any other input). Any other model
 * gets the change in the setup of a new connection resumed with the
 * session's handle, so the conversation goes on. Either way the outcome is
 * posted as geminilive/context-update (docs/element.md).
 *
 * Runs on the application thread (set_property -> update_settings); the
 * confirmations of a reconnection come on the network thread
 * (on_resumed / on_setup_complete / on_session_end).
 */
#include "conversation.h"

#include "messages.h"

#include "live/model_catalog.h"
#include "live/protocol_tools.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

#define APPLIED_BY_CONTEXT_UPDATE "context-update"
#define APPLIED_BY_RECONNECT "reconnect"

void
Conversation::change_context (const ConversationSettings &s, const ContextChange &change)
{
  GstElement *owner = owner_ref ();
  auto live = session ();
  if (!owner || !live) {
    if (owner)
      gst_object_unref (owner);
    return;  /* closed meanwhile: the next session uses the settings */
  }
  std::vector<std::string> names;
  if (change.system_instruction)
    names.emplace_back ("system-instruction");
  if (change.tools)
    names.emplace_back ("tools");

  gemlive::SetupConfig setup;
  gemlive::ToolDeclarations declared;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    setup = setup_;
    declared = declared_tools_;
  }
  const gemlive::ModelRules *rules = gemlive::find_model_rules (setup.model);
  const bool by_context_update = rules && rules->context_update;
  const char *applied = by_context_update ? APPLIED_BY_CONTEXT_UPDATE : APPLIED_BY_RECONNECT;
  auto post_all = [&] (bool ok, const std::string &reason) {
    for (const auto &name : names) {
      if (ok)
        GST_INFO_OBJECT (owner, "%s changed mid-session (%s)", name.c_str (), applied);
      else
        GST_WARNING_OBJECT (owner, "%s not changed mid-session: %s", name.c_str (),
            reason.c_str ());
      messages::post (owner, messages::context_update (name, applied, ok, reason));
    }
  };

  /* The session as it would be with the change, checked as at the start. */
  std::string error;
  setup.system_instruction = s.system_instruction;
  if (change.tools) {
    error = s.tools_error;
    declared = gemlive::ToolDeclarations ();
    if (error.empty () && !s.tools_json.empty ())
      gemlive::parse_tools_json (s.tools_json, declared, error);
    setup.tools_json = s.tools_json;
    setup.google_search = s.google_search;
    setup.code_execution = s.code_execution;
  }
  if (!error.empty ()) {
    post_all (false, "invalid tools property: " + error);
  } else if (auto refusal = gemlive::validate_setup_for_model (setup, declared)) {
    post_all (false, refusal->message);
  } else if (!by_context_update && live->resumption_handle ().empty ()) {
    /* A new connection without a handle would start the conversation over. */
    post_all (false, "the model takes no contextUpdate and the service has not given this "
        "session a resumption handle yet; the change applies to the next session");
  } else {
    if (by_context_update) {
      gemlive::ContextUpdate update;
      if (change.system_instruction)
        update.system_instruction = s.system_instruction;
      if (change.tools) {
        update.tools_json = s.tools_json;
        update.google_search = s.google_search;
        update.code_execution = s.code_execution;
      }
      std::string frame;
      if (!gemlive::encode_context_update (update, frame, error)) {
        post_all (false, error);
        gst_object_unref (owner);
        return;
      }
      GateNews news;
      gate_.send (*live, std::move (frame), 0, false, news);
      post_gate_news (news);
    }
    if (change.tools)
      gate_.set_call_behaviour (rules, declared);
    {
      std::lock_guard<std::mutex> guard (session_lock_);
      setup_ = setup;
      declared_tools_ = declared;
      if (!by_context_update)
        context_reconnects_.insert (context_reconnects_.end (), names.begin (), names.end ());
    }
    /* Every later connection (a resumption after goAway, a retry) sends
     * the changed setup too; without contextUpdate one is opened now. */
    std::string why = "context change (";
    for (size_t i = 0; i < names.size (); i++)
      why += (i ? ", " : "") + names[i];
    why += ")";
    live->change_setup ([setup] (gemlive::SetupConfig &next) {
      next.system_instruction = setup.system_instruction;
      next.tools_json = setup.tools_json;
      next.google_search = setup.google_search;
      next.code_execution = setup.code_execution;
    }, !by_context_update, why);
    /* contextUpdate has no answer: it is in the session's order now, and
     * a refusal would close the session with an error naming the setting. */
    if (by_context_update)
      post_all (true, "");
  }
  gst_object_unref (owner);
}

void
Conversation::confirm_context_reconnect (GstElement *owner)
{
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    names.swap (context_reconnects_);
  }
  for (const auto &name : names)
    messages::post (owner, messages::context_update (name, APPLIED_BY_RECONNECT, true, ""));
}

void
Conversation::refuse_context_reconnect (GstElement *owner, const std::string &why)
{
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    names.swap (context_reconnects_);
  }
  for (const auto &name : names)
    messages::post (owner, messages::context_update (name, APPLIED_BY_RECONNECT, false, why));
}
