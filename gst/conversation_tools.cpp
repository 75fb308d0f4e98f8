/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Function calling, the conversation's side: toolCall and
 * toolCallCancellation from the network thread, the tool-call signal on the
 * "geminilive-tools" thread, send-tool-response from any thread, and the
 * tool-timeout alarm. The call table and the gate are the InputGate's;
 * messages and warnings are posted with no lock held.
 */
#include "conversation.h"

#include "messages.h"

#include "live/model_catalog.h"
#include "live/protocol_tools.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

void
Conversation::arm_tool_timeout ()
{
  auto next = gate_.next_deadline ();
  std::lock_guard<std::mutex> guard (session_lock_);
  if (next && tool_alarm_)
    tool_alarm_->fire_at (*next);
}

/* Network thread. */
void
Conversation::on_tool_calls (const std::vector<gemlive::FunctionCall> &calls)
{
  guint timeout_ms;
  guint64 generation;
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    timeout_ms = settings_.tool_timeout_ms;
    generation = generation_;
  }
  gint64 deadline = timeout_ms ? g_get_monotonic_time () + (gint64) timeout_ms * 1000 : -1;
  /* The model is answering: a drain waits for the end of this turn. */
  reply_.expect_answer ();
  auto blocking = gate_.add_calls (calls, deadline);
  arm_tool_timeout ();
  std::weak_ptr<Conversation> weak = weak_from_this ();
  for (size_t i = 0; i < calls.size (); i++) {
    const auto &call = calls[i];
    GST_INFO_OBJECT (owner, "tool call %s: %s (%s)", call.id.c_str (), call.name.c_str (),
        blocking[i] ? "blocking: holding microphone audio until it is answered"
                    : "non-blocking");
    messages::post (owner, messages::tool_call (call, blocking[i]));
    gst_object_ref (owner);
    dispatcher_.post ([weak, owner, generation, call] {
      auto self = weak.lock ();
      bool current = false;
      if (self) {
        std::lock_guard<std::mutex> guard (self->session_lock_);
        current = generation == self->generation_;
      }
      if (current)
        g_signal_emit_by_name (owner, "tool-call", call.id.c_str (), call.name.c_str (),
            call.args_json.c_str ());
      else
        GST_DEBUG_OBJECT (owner, "not emitting tool-call %s: its session is gone",
            call.id.c_str ());
      gst_object_unref (owner);
    });
  }
  gst_object_unref (owner);
}

/* Network thread. */
void
Conversation::on_tool_cancellation (const std::vector<std::string> &ids)
{
  auto cancelled = gate_.cancel (session ().get (), ids);
  GST_INFO ("the server cancelled %zu tool calls (%zu were pending)", ids.size (),
      cancelled.size ());
  post (messages::tool_call_cancellation (ids));
}

/* Network thread: calls the application left unanswered get an error answer. */
void
Conversation::on_tool_timeout ()
{
  guint timeout_ms;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    timeout_ms = settings_.tool_timeout_ms;
  }
  auto expired = gate_.expire (session ().get (), g_get_monotonic_time (),
      [timeout_ms] (const gemlive::PendingToolCall &call) {
        gemlive::ToolResponse response;
        response.id = call.id;
        response.name = call.name;
        response.response_json = gemlive::tool_error_response_json (
            "The application did not answer this function call within "
            + std::to_string (timeout_ms) + " ms.");
        std::string frame, error;
        return gemlive::encode_tool_response (response, frame, error) ? frame : std::string ();
      });
  arm_tool_timeout ();
  GstElement *owner = owner_ref ();
  if (!owner)
    return;
  for (const auto &call : expired)
    GST_ELEMENT_WARNING (owner, STREAM, FAILED,
        ("No answer to the tool call %s (%s) within tool-timeout (%u ms); answered with an "
            "error so the conversation goes on.", call.id.c_str (), call.name.c_str (),
            timeout_ms),
        ("Connect to tool-call and answer with send-tool-response, or raise tool-timeout."));
  gst_object_unref (owner);
}

static gboolean
refuse (GstElement *owner, const char *id, const std::string &why)
{
  if (owner)
    GST_ELEMENT_WARNING (owner, STREAM, FAILED,
        ("send-tool-response for call \"%s\" was not sent: %s.", id ? id : "(null)",
            why.c_str ()), (nullptr));
  else
    GST_WARNING ("send-tool-response for call \"%s\" was not sent: %s", id ? id : "(null)",
        why.c_str ());
  return FALSE;
}

/* Any thread. */
gboolean
Conversation::send_tool_response (const gchar *id, const gchar *name,
    const gchar *response_json, const gchar *scheduling)
{
  GstElement *owner = owner_ref ();
  auto result = [&] () -> gboolean {
    if (!id)
      return refuse (owner, id, "the id is NULL");
    gemlive::ToolResponse response;
    if (!gemlive::parse_tool_scheduling (scheduling, response.scheduling))
      return refuse (owner, id, std::string ("unknown scheduling \"") + scheduling
          + "\" (expected NULL, \"interrupt\", \"when-idle\" or \"silent\")");
    response.id = id;
    response.response_json = response_json ? response_json : "";
    /* Checked before the call is closed, so the application can retry. */
    std::string frame, error;
    response.name = "x";
    if (!gemlive::encode_tool_response (response, frame, error))
      return refuse (owner, id, error);
    auto s = session ();
    if (!s)
      return refuse (owner, id, "the element has no Live session (it is not PAUSED or PLAYING)");
    /* What the model takes: no scheduling on extended thinking, nor on
     * Vertex unless the call was declared NON_BLOCKING. */
    std::string model;
    gemlive::ToolDeclarations declared;
    {
      std::lock_guard<std::mutex> guard (session_lock_);
      model = setup_.model;
      declared = declared_tools_;
    }
    const gemlive::ToolScheduling requested = response.scheduling;
    auto verdict = gate_.answer (*s, id, name ? name : "", requested,
        [&] (const std::string &call_name) {
          response.name = call_name;
          response.scheduling = gemlive::scheduling_to_send (model, declared, call_name,
              requested);
          if (response.scheduling != requested)
            GST_DEBUG_OBJECT (owner, "scheduling of call %s left out: model %s refuses it", id,
                model.c_str ());
          std::string out, unused;
          return gemlive::encode_tool_response (response, out, unused) ? out : std::string ();
        });
    if (verdict != gemlive::ToolCallTable::Verdict::ACCEPTED)
      return refuse (owner, id, gemlive::ToolCallTable::verdict_text (verdict));
    GST_INFO_OBJECT (owner, "answered tool call %s", id);
    return TRUE;
  }();
  if (owner)
    gst_object_unref (owner);
  return result;
}
