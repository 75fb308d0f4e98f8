/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Function calling and built-in tools, the element's side.
 *
 * Properties `tools`, `google-search`, `code-execution`, `tool-timeout`;
 * signal `tool-call` and action signal `send-tool-response`; the bus messages
 * geminilive/tool-call, /tool-call-cancellation, /grounding.
 *
 * Threads:
 * - network thread: toolCall / toolCallCancellation / groundingMetadata
 *   arrive here (geminilive_events.cpp calls in); the tool-timeout alarm
 *   fires here.
 * - "geminilive-tools" dispatch thread (one per element, started on the first
 *   call): emits `tool-call`, in the order the calls arrived, so a slow
 *   handler never stalls the network thread (and with it the audio).
 * - any thread: `send-tool-response`.
 * - streaming thread: gst_gemini_live_tools_send_input () holds input frames
 *   back while a blocking call is unanswered (the gate).
 * One lock (GeminiLiveTools::lock) guards the call table and the held input;
 * frames are handed to LiveSession::send () (which never blocks) under it,
 * so a released backlog keeps its order against live audio. Lock order:
 * input_lock -> tools lock; session_lock and settings_lock are never taken
 * while the tools lock is held. Messages are posted after it is released.
 */
#include "geminilive_private.h"

#include "live/protocol_tools.h"
#include "live/tool_calls.h"

#include <condition_variable>
#include <deque>
#include <functional>

#define DEFAULT_TOOL_TIMEOUT_MS 30000

enum {
  PROP_TOOLS = GEMINI_LIVE_PROP_BASE_TOOLS,
  PROP_GOOGLE_SEARCH,
  PROP_CODE_EXECUTION,
  PROP_TOOL_TIMEOUT,
};

enum {
  SIGNAL_TOOL_CALL,
  SIGNAL_SEND_TOOL_RESPONSE,
  N_SIGNALS,
};
static guint tool_signals[N_SIGNALS];

/* Runs queued work on one named thread, in order. The queue holds element
 * references, so the element cannot be finalized while work is queued; if the
 * last reference drops on the dispatch thread itself, the thread detaches. */
class ToolDispatcher {
public:
  ToolDispatcher () : state_ (std::make_shared<State> ()) {}
  ~ToolDispatcher ()
  {
    {
      std::lock_guard<std::mutex> guard (state_->lock);
      state_->stopping = true;
    }
    state_->cond.notify_all ();
    if (!thread_)
      return;
    if (g_thread_self () == thread_)
      g_thread_unref (thread_);
    else
      g_thread_join (thread_);
  }
  ToolDispatcher (const ToolDispatcher &) = delete;
  ToolDispatcher &operator= (const ToolDispatcher &) = delete;

  void post (std::function<void ()> work)
  {
    {
      std::lock_guard<std::mutex> guard (state_->lock);
      state_->queue.push_back (std::move (work));
      if (!thread_)
        thread_ = g_thread_new ("geminilive-tools", run, new std::shared_ptr<State> (state_));
    }
    state_->cond.notify_one ();
  }

private:
  struct State {
    std::mutex lock;
    std::condition_variable cond;
    std::deque<std::function<void ()>> queue;
    bool stopping = false;
  };

  static gpointer run (gpointer data)
  {
    std::shared_ptr<State> state = *static_cast<std::shared_ptr<State> *> (data);
    delete static_cast<std::shared_ptr<State> *> (data);
    for (;;) {
      std::function<void ()> work;
      {
        std::unique_lock<std::mutex> guard (state->lock);
        state->cond.wait (guard, [&state] { return state->stopping || !state->queue.empty (); });
        if (state->queue.empty ())
          return nullptr;
        work = std::move (state->queue.front ());
        state->queue.pop_front ();
      }
      work ();
    }
  }

  std::shared_ptr<State> state_;
  GThread *thread_ = nullptr;  /* under state_->lock */
};

struct GeminiLiveTools {
  std::mutex lock;
  gemlive::ToolCallTable table;
  gemlive::HeldInput held;
  bool gate_closed = false;        /* a blocking call is unanswered */
  bool drop_warned = false;        /* one warning per closed-gate window */
  guint64 generation = 0;          /* bumped per session: stale signals are skipped */
  std::shared_ptr<gemlive::Alarm> timeout_alarm;
  ToolDispatcher dispatcher;       /* last: joined before the rest goes */
};

/* ------------------------------------------------------------ properties */

static void
tools_install (GObjectClass *klass)
{
  auto ready_flags = (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property (klass, PROP_TOOLS,
      g_param_spec_string ("tools", "Tools",
          "JSON array of Tool objects as in the Live API setup (functionDeclarations with "
          "name, description, parameters and behavior BLOCKING|NON_BLOCKING; googleSearch; "
          "codeExecution; urlContext). Checked when set; an invalid value fails the "
          "READY->PAUSED change with an error naming the bad field. Empty = no tools",
          nullptr, ready_flags));
  g_object_class_install_property (klass, PROP_GOOGLE_SEARCH,
      g_param_spec_boolean ("google-search", "Google Search",
          "Let the model search the web (adds {\"googleSearch\": {}} to the tools); "
          "sources arrive as geminilive/grounding messages", FALSE, ready_flags));
  g_object_class_install_property (klass, PROP_CODE_EXECUTION,
      g_param_spec_boolean ("code-execution", "Code execution",
          "Let the model run code (adds {\"codeExecution\": {}} to the tools)", FALSE,
          ready_flags));
  g_object_class_install_property (klass, PROP_TOOL_TIMEOUT,
      g_param_spec_uint ("tool-timeout", "Tool timeout",
          "Longest wait in ms for the application's answer to a function call; then the "
          "element answers {\"error\": ...} itself and posts a warning, so the "
          "conversation never hangs. 0 = wait forever", 0, G_MAXUINT,
          DEFAULT_TOOL_TIMEOUT_MS,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
              | GST_PARAM_MUTABLE_PLAYING)));

  /**
   * GstGeminiLive::tool-call:
   * @element: the element
   * @id: the call id, to pass to #GstGeminiLive::send-tool-response
   * @name: the declared function's name
   * @args: the arguments as a JSON object text
   *
   * The model calls a function. Emitted on the element's "geminilive-tools"
   * thread (never a streaming or the network thread), one emission per call,
   * in arrival order. Answer from any thread, now or later.
   */
  tool_signals[SIGNAL_TOOL_CALL] = g_signal_new ("tool-call", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, nullptr, nullptr, nullptr, G_TYPE_NONE, 3, G_TYPE_STRING,
      G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstGeminiLive::send-tool-response:
   * @element: the element
   * @id: the call's id
   * @name: the function's name (NULL = the call's)
   * @response_json: the result as a JSON object text, e.g. {"temperature": 21}
   * @scheduling: NULL for blocking calls; "interrupt", "when-idle" or "silent"
   *   for NON_BLOCKING ones (NULL there = the service's default)
   *
   * Answers a call. Any thread, any order. Returns: TRUE when the answer was
   * queued for sending; FALSE (with a warning message saying why) for an
   * unknown, cancelled, timed-out or already answered id, a wrong name, bad
   * JSON or a bad scheduling.
   */
  tool_signals[SIGNAL_SEND_TOOL_RESPONSE] = g_signal_new_class_handler ("send-tool-response",
      G_TYPE_FROM_CLASS (klass), (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (gst_gemini_live_tools_send_response), nullptr, nullptr, nullptr,
      G_TYPE_BOOLEAN, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static bool
tools_set (GstGeminiLive *self, guint prop_id, const GValue *value)
{
  auto priv = self->priv;
  std::string json, error;
  if (prop_id == PROP_TOOLS) {
    /* Checked here so a mistake is logged at once; open_session refuses it. */
    const gchar *text = g_value_get_string (value);
    json = text ? text : "";
    gemlive::ToolDeclarations declared;
    if (!json.empty () && !gemlive::parse_tools_json (json, declared, error))
      GST_WARNING_OBJECT (self, "invalid tools property: %s", error.c_str ());
  }
  std::lock_guard<std::mutex> guard (priv->settings_lock);
  auto &s = priv->settings;
  switch (prop_id) {
    case PROP_TOOLS:
      s.tools_json = json;
      s.tools_error = error;
      return true;
    case PROP_GOOGLE_SEARCH: s.google_search = g_value_get_boolean (value); return true;
    case PROP_CODE_EXECUTION: s.code_execution = g_value_get_boolean (value); return true;
    case PROP_TOOL_TIMEOUT: s.tool_timeout_ms = g_value_get_uint (value); return true;
    default:
      return false;
  }
}

static bool
tools_get (GstGeminiLive *self, guint prop_id, GValue *value)
{
  std::lock_guard<std::mutex> guard (self->priv->settings_lock);
  const auto &s = self->priv->settings;
  switch (prop_id) {
    case PROP_TOOLS: g_value_set_string (value, s.tools_json.c_str ()); return true;
    case PROP_GOOGLE_SEARCH: g_value_set_boolean (value, s.google_search); return true;
    case PROP_CODE_EXECUTION: g_value_set_boolean (value, s.code_execution); return true;
    case PROP_TOOL_TIMEOUT: g_value_set_uint (value, s.tool_timeout_ms); return true;
    default:
      return false;
  }
}

const GeminiLivePropertyGroup gst_gemini_live_tools_properties = {
  tools_install, tools_set, tools_get,
};

/* ------------------------------------------------------------ session hooks */

std::shared_ptr<GeminiLiveTools>
gst_gemini_live_tools_new ()
{
  return std::make_shared<GeminiLiveTools> ();
}

bool
gst_gemini_live_tools_configure_setup (GstGeminiLive *self, gemlive::SetupConfig &setup)
{
  auto priv = self->priv;
  std::string json, error;
  bool google_search, code_execution;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    json = priv->settings.tools_json;
    error = priv->settings.tools_error;
    google_search = priv->settings.google_search;
    code_execution = priv->settings.code_execution;
  }
  gemlive::ToolDeclarations declared;
  if (!error.empty () || (!json.empty () && !gemlive::parse_tools_json (json, declared,
              error))) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Invalid tools property: %s", error.c_str ()),
        ("The tools property takes the Live API's JSON array of Tool objects."));
    return false;
  }
  setup.tools_json = json;
  setup.google_search = google_search;
  setup.code_execution = code_execution;
  std::lock_guard<std::mutex> guard (priv->tools->lock);
  priv->tools->table.set_non_blocking_functions (declared.non_blocking_functions);
  return true;
}

static void on_timeout_alarm (GstGeminiLive *self);

void
gst_gemini_live_tools_session_opened (GstGeminiLive *self, gemlive::LiveSession &session)
{
  auto tools = self->priv->tools;
  auto alarm = std::make_shared<gemlive::Alarm> (session.network_thread (),
      [self] { on_timeout_alarm (self); });
  std::lock_guard<std::mutex> guard (tools->lock);
  tools->generation++;
  tools->table.clear ();
  tools->held.clear ();
  tools->gate_closed = false;
  tools->drop_warned = false;
  tools->timeout_alarm = alarm;
}

void
gst_gemini_live_tools_session_closed (GstGeminiLive *self)
{
  auto tools = self->priv->tools;
  std::shared_ptr<gemlive::Alarm> alarm;
  {
    std::lock_guard<std::mutex> guard (tools->lock);
    tools->generation++;
    tools->table.clear ();
    tools->held.clear ();
    tools->gate_closed = false;
    alarm.swap (tools->timeout_alarm);
  }
  /* Outside the lock: the destructor waits for a running alarm callback. */
  alarm.reset ();
}

/* Under tools->lock: opens the gate when no blocking call is left, sending the
 * held frames first, in order. Returns the audio ms that were dropped. */
static int64_t
release_if_unblocked (GeminiLiveTools &tools, gemlive::LiveSession *session)
{
  if (!tools.gate_closed || tools.table.blocking_pending ())
    return 0;
  tools.gate_closed = false;
  int64_t dropped = tools.held.dropped_audio_ms ();
  int64_t held = tools.held.held_audio_ms ();
  auto frames = tools.held.take ();
  tools.held.reset_counters ();
  tools.drop_warned = false;
  if (session)
    for (auto &frame : frames)
      session->send (std::move (frame));
  GST_DEBUG ("tool gate open: released %zu held frames (%" G_GINT64_FORMAT " ms of audio)",
      frames.size (), held);
  return dropped;
}

void
gst_gemini_live_tools_connection_replaced (GstGeminiLive *self)
{
  auto priv = self->priv;
  auto session = gst_gemini_live_current_session (self);
  std::lock_guard<std::mutex> guard (priv->tools->lock);
  priv->tools->generation++;
  priv->tools->table.clear ();
  release_if_unblocked (*priv->tools, session.get ());
}

void
gst_gemini_live_tools_send_input (GstGeminiLive *self, gemlive::LiveSession &session,
    std::string frame, int64_t audio_ms)
{
  auto tools = self->priv->tools;
  bool warn = false;
  {
    std::lock_guard<std::mutex> guard (tools->lock);
    if (!tools->gate_closed) {
      session.send (std::move (frame));
      return;
    }
    tools->held.push (std::move (frame), audio_ms);
    if (tools->held.dropped_audio_ms () > 0 && !tools->drop_warned) {
      tools->drop_warned = warn = true;
    }
  }
  if (warn)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("A blocking tool call is still unanswered after %" G_GINT64_FORMAT " s of "
            "microphone audio; the oldest held audio is being dropped.",
            gemlive::HeldInput::DEFAULT_MAX_AUDIO_MS / 1000),
        ("Answer with send-tool-response or lower tool-timeout."));
}

/* ------------------------------------------------------------ calls */

static void
emit_tool_call (GstGeminiLive *self, guint64 generation, const gemlive::FunctionCall &call)
{
  {
    std::lock_guard<std::mutex> guard (self->priv->tools->lock);
    if (generation != self->priv->tools->generation) {
      GST_DEBUG_OBJECT (self, "not emitting tool-call %s: its session is gone",
          call.id.c_str ());
      return;
    }
  }
  g_signal_emit (self, tool_signals[SIGNAL_TOOL_CALL], 0, call.id.c_str (), call.name.c_str (),
      call.args_json.c_str ());
}

static void
arm_timeout (GeminiLiveTools &tools)
{
  auto next = tools.table.next_deadline ();
  if (next && tools.timeout_alarm)
    tools.timeout_alarm->fire_at (*next);
}

void
gst_gemini_live_tools_on_calls (GstGeminiLive *self,
    const std::vector<gemlive::FunctionCall> &calls)
{
  auto priv = self->priv;
  guint timeout_ms;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    timeout_ms = priv->settings.tool_timeout_ms;
  }
  gint64 deadline = timeout_ms ? g_get_monotonic_time () + (gint64) timeout_ms * 1000 : -1;
  std::vector<bool> blocking;
  guint64 generation;
  {
    std::lock_guard<std::mutex> guard (priv->tools->lock);
    for (const auto &call : calls) {
      blocking.push_back (priv->tools->table.add (call, deadline).blocking);
      if (blocking.back () && !priv->tools->gate_closed) {
        priv->tools->gate_closed = true;
        priv->tools->held.reset_counters ();
      }
    }
    arm_timeout (*priv->tools);
    generation = priv->tools->generation;
  }
  for (size_t i = 0; i < calls.size (); i++) {
    const auto &call = calls[i];
    GST_INFO_OBJECT (self, "tool call %s: %s (%s)", call.id.c_str (), call.name.c_str (),
        blocking[i] ? "blocking: holding microphone audio until it is answered"
                    : "non-blocking");
    gst_gemini_live_post (self, gst_structure_new ("geminilive/tool-call",
            "id", G_TYPE_STRING, call.id.c_str (),
            "name", G_TYPE_STRING, call.name.c_str (),
            "args", G_TYPE_STRING, call.args_json.c_str (),
            "blocking", G_TYPE_BOOLEAN, (gboolean) blocking[i], nullptr));
    gst_object_ref (self);
    priv->tools->dispatcher.post ([self, generation, call] {
      emit_tool_call (self, generation, call);
      gst_object_unref (self);
    });
  }
}

void
gst_gemini_live_tools_on_cancellation (GstGeminiLive *self, const std::vector<std::string> &ids)
{
  auto priv = self->priv;
  auto session = gst_gemini_live_current_session (self);
  std::vector<std::string> cancelled;
  {
    std::lock_guard<std::mutex> guard (priv->tools->lock);
    cancelled = priv->tools->table.cancel (ids);
    release_if_unblocked (*priv->tools, session.get ());
  }
  GST_INFO_OBJECT (self, "the server cancelled %zu tool calls (%zu were pending)", ids.size (),
      cancelled.size ());
  GstStructure *s = gst_structure_new_empty ("geminilive/tool-call-cancellation");
  GValue array = gst_gemini_live_string_array (ids);
  gst_structure_take_value (s, "ids", &array);
  gst_gemini_live_post (self, s);
}

void
gst_gemini_live_tools_on_grounding (GstGeminiLive *self, const gemlive::GroundingMetadata &g)
{
  std::vector<std::string> uris, titles;
  for (const auto &source : g.sources) {
    uris.push_back (source.uri);
    titles.push_back (source.title);
  }
  GstStructure *s = gst_structure_new_empty ("geminilive/grounding");
  GValue queries = gst_gemini_live_string_array (g.queries);
  gst_structure_take_value (s, "queries", &queries);
  GValue uri_array = gst_gemini_live_string_array (uris);
  gst_structure_take_value (s, "source-uris", &uri_array);
  GValue title_array = gst_gemini_live_string_array (titles);
  gst_structure_take_value (s, "source-titles", &title_array);
  if (!g.rendered_content.empty ())
    gst_structure_set (s, "search-entry-point", G_TYPE_STRING, g.rendered_content.c_str (),
        nullptr);
  gst_gemini_live_post (self, s);
}

/* Network thread: calls the application left unanswered get an error answer. */
static void
on_timeout_alarm (GstGeminiLive *self)
{
  auto priv = self->priv;
  auto session = gst_gemini_live_current_session (self);
  guint timeout_ms;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    timeout_ms = priv->settings.tool_timeout_ms;
  }
  std::vector<gemlive::PendingToolCall> expired;
  {
    std::lock_guard<std::mutex> guard (priv->tools->lock);
    expired = priv->tools->table.expire (g_get_monotonic_time ());
    for (const auto &call : expired) {
      gemlive::ToolResponse response;
      response.id = call.id;
      response.name = call.name;
      response.response_json = gemlive::tool_error_response_json (
          "The application did not answer this function call within " + std::to_string (
              timeout_ms) + " ms.");
      std::string frame, error;
      if (session && gemlive::encode_tool_response (response, frame, error))
        session->send (std::move (frame));
    }
    release_if_unblocked (*priv->tools, session.get ());
    arm_timeout (*priv->tools);
  }
  for (const auto &call : expired)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("No answer to the tool call %s (%s) within tool-timeout (%u ms); answered with an "
            "error so the conversation goes on.", call.id.c_str (), call.name.c_str (),
            timeout_ms),
        ("Connect to tool-call and answer with send-tool-response, or raise tool-timeout."));
}

/* ------------------------------------------------------------ answers */

static gboolean
refuse (GstGeminiLive *self, const char *id, const std::string &why)
{
  GST_ELEMENT_WARNING (self, STREAM, FAILED,
      ("send-tool-response for call \"%s\" was not sent: %s.", id ? id : "(null)", why.c_str ()),
      (nullptr));
  return FALSE;
}

gboolean
gst_gemini_live_tools_send_response (GstGeminiLive *self, const gchar *id, const gchar *name,
    const gchar *response_json, const gchar *scheduling)
{
  auto priv = self->priv;
  if (!id)
    return refuse (self, id, "the id is NULL");
  gemlive::ToolResponse response;
  if (!gemlive::parse_tool_scheduling (scheduling, response.scheduling))
    return refuse (self, id, std::string ("unknown scheduling \"") + scheduling
        + "\" (expected NULL, \"interrupt\", \"when-idle\" or \"silent\")");
  response.id = id;
  response.response_json = response_json ? response_json : "";
  /* Checked before the call is closed, so the application can retry. */
  std::string frame, error;
  response.name = "x";
  if (!gemlive::encode_tool_response (response, frame, error))
    return refuse (self, id, error);

  auto session = gst_gemini_live_current_session (self);
  if (!session)
    return refuse (self, id, "the element has no Live session (it is not PAUSED or PLAYING)");
  gemlive::ToolCallTable::Verdict verdict;
  {
    std::lock_guard<std::mutex> guard (priv->tools->lock);
    gemlive::PendingToolCall call;
    verdict = priv->tools->table.answer (id, name ? name : "", response.scheduling, call);
    if (verdict == gemlive::ToolCallTable::Verdict::ACCEPTED) {
      response.name = call.name;
      gemlive::encode_tool_response (response, frame, error);
      session->send (std::move (frame));
      release_if_unblocked (*priv->tools, session.get ());
    }
  }
  if (verdict != gemlive::ToolCallTable::Verdict::ACCEPTED)
    return refuse (self, id, gemlive::ToolCallTable::verdict_text (verdict));
  GST_INFO_OBJECT (self, "answered tool call %s", id);
  return TRUE;
}
