/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The conversation's lifecycle: opening the session (setup message,
 * connection request, options), the request for every later connection,
 * closing it, and the small helpers the other conversation files use. The
 * server's news is handled in conversation_events.cpp, input in
 * conversation_input.cpp, function calls in conversation_tools.cpp.
 */
#include "conversation.h"

#include "messages.h"
#include "running_time.h"

#include "live/model_catalog.h"
#include "live/protocol_tools.h"

#include <algorithm>

GST_DEBUG_CATEGORY_EXTERN (gst_gemini_live_debug);
#define GST_CAT_DEFAULT gst_gemini_live_debug

/* Secrets remembered for redaction: the current ones and a few refreshed
 * App Check tokens before them (a late log line may still carry one). */
#define MAX_REMEMBERED_SECRETS 16

Conversation::~Conversation ()
{
  close ();
}

GstElement *
Conversation::owner_ref ()
{
  std::lock_guard<std::mutex> guard (session_lock_);
  return owner_ ? GST_ELEMENT (gst_object_ref (owner_)) : nullptr;
}

std::shared_ptr<gemlive::LiveSession>
Conversation::session ()
{
  std::lock_guard<std::mutex> guard (session_lock_);
  return session_;
}

bool
Conversation::is_open ()
{
  return session () != nullptr;
}

void
Conversation::post (GstStructure *structure)
{
  GstElement *owner = owner_ref ();
  if (!owner) {
    gst_structure_free (structure);
    return;
  }
  messages::post (owner, structure);
  gst_object_unref (owner);
}

GstClockTime
Conversation::running_time ()
{
  GstElement *owner = owner_ref ();
  if (!owner)
    return GST_CLOCK_TIME_NONE;
  GstClockTime now = element_running_time (owner);
  gst_object_unref (owner);
  return now;
}

std::string
Conversation::redact (const std::string &text)
{
  std::vector<std::string> secrets;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    secrets = remembered_secrets_;
  }
  std::string out = text;
  for (const auto &secret : secrets) {
    if (secret.empty ())
      continue;
    for (size_t at = out.find (secret); at != std::string::npos; at = out.find (secret, at))
      out.replace (at, secret.size (), "REDACTED");
  }
  return out;
}

void
Conversation::remember_route (const BackendRoute &route)
{
  std::lock_guard<std::mutex> guard (session_lock_);
  auto &secrets = remembered_secrets_;
  for (const auto &secret : route.secrets) {
    secrets.erase (std::remove (secrets.begin (), secrets.end (), secret), secrets.end ());
    secrets.push_back (secret);
  }
  if (secrets.size () > MAX_REMEMBERED_SECRETS)
    secrets.erase (secrets.begin (), secrets.end () - MAX_REMEMBERED_SECRETS);
  route_ = route;
}

bool
Conversation::transcribing () const
{
  return model_kind_ == (int) gemlive::ModelKind::TRANSCRIPTION;
}

void
Conversation::set_input_origin (GstClockTime running_time)
{
  GstClockTime unset = GST_CLOCK_TIME_NONE;
  if (input_origin_.compare_exchange_strong (unset, running_time))
    GST_DEBUG ("the input audio starts at running time %" GST_TIME_FORMAT,
        GST_TIME_ARGS (running_time));
}

void
Conversation::update_settings (const ConversationSettings &settings)
{
  ContextChange change;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    if (session_) {
      change.system_instruction = settings.system_instruction != settings_.system_instruction;
      change.tools = settings.tools_json != settings_.tools_json
          || settings.google_search != settings_.google_search
          || settings.code_execution != settings_.code_execution;
    }
    settings_ = settings;
  }
  /* Outside the lock: it posts its outcome on the bus. */
  if (change.system_instruction || change.tools)
    change_context (settings, change);
}

std::string
Conversation::resumption_handle ()
{
  std::lock_guard<std::mutex> guard (session_lock_);
  std::string handle = session_ ? session_->resumption_handle () : "";
  return handle.empty () ? last_resumption_handle_ : handle;
}

guint64
Conversation::unparsable_frames ()
{
  std::lock_guard<std::mutex> guard (session_lock_);
  return unparsable_before_ + (session_ ? session_->unparsable_frames () : 0);
}

/* Everything of the setup message and the session options; false after
 * posting an error on owner_ (still unset: on `owner`, see open ()). */
bool
Conversation::build_setup (const ConversationSettings &s, const std::string &model_resource,
    gemlive::SetupConfig &setup, gemlive::SessionOptions &options,
    gemlive::ToolDeclarations &declared)
{
  setup.model = model_resource;
  setup.voice = s.voice;
  setup.language_code = s.language_code;
  setup.system_instruction = s.system_instruction;
  if (s.temperature >= 0.0)
    setup.temperature = s.temperature;
  setup.input_transcription = s.input_transcription;
  setup.output_transcription = s.output_transcription;

  /* Turn control and generation: unset settings stay unset. */
  auto &r = setup.realtime_input;
  if (!s.automatic_activity_detection)
    r.automatic_detection_disabled = true;
  r.start_sensitivity = property_wire_start_sensitivity (s.start_sensitivity);
  r.end_sensitivity = property_wire_end_sensitivity (s.end_sensitivity);
  if (s.prefix_padding_ms >= 0)
    r.prefix_padding_ms = s.prefix_padding_ms;
  if (s.silence_duration_ms >= 0)
    r.silence_duration_ms = s.silence_duration_ms;
  r.activity_handling = property_wire_activity_handling (s.activity_handling);
  r.turn_coverage = property_wire_turn_coverage (s.turn_coverage);
  if (s.max_output_tokens > 0)
    setup.max_output_tokens = s.max_output_tokens;
  if (s.top_p >= 0.0)
    setup.top_p = s.top_p;
  if (s.top_k > 0)
    setup.top_k = s.top_k;
  if (s.thinking_budget != -2)
    setup.thinking_budget = s.thinking_budget;
  if (s.include_thoughts)
    setup.include_thoughts = true;
  if (s.proactive_audio)
    setup.proactive_audio = true;
  if (s.affective_dialog)
    setup.affective_dialog = true;
  setup.media_resolution = property_wire_media_resolution (s.media_resolution);
  /* Translation and transcription models */
  setup.translation.target_language_code = s.translate_to;
  if (s.translate_echo)
    setup.translation.echo_target_language = true;
  setup.input_transcription_settings.mode =
      property_wire_transcription_mode (s.transcription_mode);

  /* Model-aware settings (docs/models.md); check_setup_for_model () then
   * refuses what the model does not take. */
  setup.thinking_level = property_thinking_level (s.thinking_level);
  if (s.proactive_video)
    setup.proactive_video = true;
  setup.input_transcription_settings.language_codes
      = property_split_list (s.transcription_languages);
  setup.input_transcription_settings.custom_vocabulary
      = property_split_list (s.custom_vocabulary);
  if (s.history_in_client_content)
    setup.history_in_client_content = true;

  /* Tools */
  std::string error = s.tools_error;
  declared = gemlive::ToolDeclarations ();
  if (!error.empty () || (!s.tools_json.empty () && !gemlive::parse_tools_json (s.tools_json,
              declared, error))) {
    GstElement *owner = owner_ref ();
    GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS, ("Invalid tools property: %s", error.c_str ()),
        ("The tools property takes the Live API's JSON array of Tool objects."));
    gst_object_unref (owner);
    return false;
  }
  setup.tools_json = s.tools_json;
  setup.google_search = s.google_search;
  setup.code_execution = s.code_execution;

  /* Resilience */
  if (s.compression_trigger_tokens && s.compression_target_tokens
      && s.compression_target_tokens >= s.compression_trigger_tokens) {
    GstElement *owner = owner_ref ();
    GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS,
        ("compression-target-tokens (%" G_GUINT64_FORMAT ") must be below "
            "compression-trigger-tokens (%" G_GUINT64_FORMAT ").", s.compression_target_tokens,
            s.compression_trigger_tokens),
        ("The sliding window keeps target tokens each time the context reaches trigger."));
    gst_object_unref (owner);
    return false;
  }
  if (s.reconnect_initial_delay_ms > s.reconnect_max_delay_ms) {
    GstElement *owner = owner_ref ();
    GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS,
        ("reconnect-initial-delay (%u ms) is longer than reconnect-max-delay (%u ms).",
            s.reconnect_initial_delay_ms, s.reconnect_max_delay_ms), (nullptr));
    gst_object_unref (owner);
    return false;
  }
  setup.resumption_handle = s.resumption_handle;
  setup.context_window_compression = s.context_window_compression
      || s.compression_trigger_tokens || s.compression_target_tokens;
  setup.compression_trigger_tokens = s.compression_trigger_tokens;
  setup.compression_target_tokens = s.compression_target_tokens;
  options.max_pending_frames = property_resume_buffer_frames (s);
  options.reconnect.max_attempts = s.reconnect_attempts;
  options.reconnect.initial_delay_ms = s.reconnect_initial_delay_ms;
  options.reconnect.max_delay_ms = s.reconnect_max_delay_ms;

  return true;
}

bool
Conversation::check_setup_for_model (GstElement *owner, const gemlive::SetupConfig &setup,
    const gemlive::ToolDeclarations &declared)
{
  auto refusal = gemlive::validate_setup_for_model (setup, declared);
  if (!refusal)
    return true;
  /* The service would close the session with 1007 once connected; saying
   * which property to change here saves the user the round trip. */
  GST_ELEMENT_ERROR (owner, RESOURCE, SETTINGS, ("%s", refusal->message.c_str ()),
      ("Change the %s property, or choose another model (model=%s); docs/models.md lists what "
          "each model takes. No connection was made.", refusal->property.c_str (),
          refusal->model.c_str ()));
  return false;
}

/* Emits need-app-check-token on the application's side (Firebase backends),
 * then builds the request from the settings of that moment. */
static bool
ask_and_build (GstElement *owner, const std::function<ConversationSettings ()> &settings_now,
    gemlive::ConnectionRequest &request, std::string &model_resource, BackendRoute &route,
    RequestError &kind, std::string &error)
{
  if (backend_is_firebase (settings_now ()))
    g_signal_emit_by_name (owner, "need-app-check-token");
  return backend_build_request (settings_now (), request, model_resource, route, kind, error);
}

bool
Conversation::open (GstElement *owner, const ConversationSettings &settings)
{
  close ();
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    owner_ = GST_ELEMENT (gst_object_ref (owner));
    settings_ = settings;
    last_resumption_handle_.clear ();
    generation_++;
  }

  /* The first request on this (the application's) thread, so a missing
   * credential fails the state change. Then need-app-check-token sets the
   * token on the owner, whose set_property hands it to update_settings. */
  gemlive::ConnectionRequest request;
  std::string model_resource, error;
  BackendRoute route;
  RequestError kind;
  auto settings_now = [this] {
    std::lock_guard<std::mutex> guard (session_lock_);
    return settings_;
  };
  bool built = ask_and_build (owner, settings_now, request, model_resource, route, kind, error);
  ConversationSettings s = settings_now ();
  if (built)
    remember_route (route);
  gemlive::SetupConfig setup;
  gemlive::SessionOptions options;
  gemlive::ToolDeclarations declared;
  if (!built) {
    backend_post_request_error (owner, s, kind, redact (error));
  } else if (build_setup (s, model_resource, setup, options, declared)
      && check_setup_for_model (owner, setup, declared)) {
    const gemlive::ModelRules *rules = gemlive::find_model_rules (model_resource);
    model_kind_ = (int) (rules ? rules->kind : gemlive::ModelKind::CONVERSATION);
    input_origin_ = GST_CLOCK_TIME_NONE;
    warned_audio_only_ = false;
    reply_.reset (rules && rules->turn_end == gemlive::TurnEnd::INTERACTION_STATUS);
    gate_.reset (rules, declared);
    const std::string redacted_url = request.redacted_url;
    const gemlive::SetupConfig session_setup = setup;
    auto session = std::make_shared<gemlive::LiveSession> (*this,
        make_provider (std::move (request)), std::move (setup), options);
    auto &thread = session->network_thread ();
    auto chunk_alarm = std::make_shared<gemlive::Alarm> (thread,
        [this] { flush_partial_chunk (); });
    auto drain_alarm = std::make_shared<gemlive::Alarm> (thread, [this] { drain_timed_out (); });
    auto tool_alarm = std::make_shared<gemlive::Alarm> (thread, [this] { on_tool_timeout (); });
    auto quiet_alarm = std::make_shared<gemlive::Alarm> (thread,
        [this] { quiet_after_input_end (); });
    auto usage_alarm = std::make_shared<gemlive::Alarm> (thread, [this] { usage_wait_over (); });
    held_turn_end_.reset ();
    dropped_bytes_unreported_ = dropped_bytes_total_ = 0;
    {
      std::lock_guard<std::mutex> guard (session_lock_);
      session_ = session;
      setup_ = session_setup;
      declared_tools_ = declared;
      context_reconnects_.clear ();
      chunk_alarm_ = chunk_alarm;
      drain_alarm_ = drain_alarm;
      tool_alarm_ = tool_alarm;
      quiet_alarm_ = quiet_alarm;
      usage_alarm_ = usage_alarm;
    }
    GST_INFO_OBJECT (owner, "opening a Live session with model %s at %s",
        model_resource.c_str (), redacted_url.c_str ());
    messages::post (owner, messages::session_state ("connecting"));
    messages::post_connect_progress (owner, GST_PROGRESS_TYPE_START);
    session->start ();
    return true;
  }
  std::lock_guard<std::mutex> guard (session_lock_);
  gst_clear_object (&owner_);
  return false;
}

void
Conversation::close ()
{
  std::shared_ptr<gemlive::LiveSession> session;
  std::shared_ptr<gemlive::Alarm> chunk_alarm, drain_alarm, tool_alarm, quiet_alarm, usage_alarm;
  GstElement *owner;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    session.swap (session_);
    chunk_alarm.swap (chunk_alarm_);
    drain_alarm.swap (drain_alarm_);
    tool_alarm.swap (tool_alarm_);
    quiet_alarm.swap (quiet_alarm_);
    usage_alarm.swap (usage_alarm_);
    generation_++;
    owner = owner_;
  }
  if (!session) {
    std::lock_guard<std::mutex> guard (session_lock_);
    gst_clear_object (&owner_);
    return;
  }
  /* Alarms first (their callbacks use the session), outside every lock: their
   * destructors wait for a running callback. */
  chunk_alarm.reset ();
  drain_alarm.reset ();
  tool_alarm.reset ();
  quiet_alarm.reset ();
  usage_alarm.reset ();
  session->stop ();
  gate_.reset (nullptr, {});
  std::string handle = session->resumption_handle ();
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    unparsable_before_ += session->unparsable_frames ();
    last_resumption_handle_ = handle;
    context_reconnects_.clear ();
    owner_ = nullptr;
  }
  GST_DEBUG_OBJECT (owner, "Live session closed");
  gst_object_unref (owner);
}

gemlive::RequestProvider
Conversation::make_provider (gemlive::ConnectionRequest first)
{
  /* The first connection uses the request open () already built (and asked
   * need-app-check-token for); every later one (a resume or a retry) is
   * built again from the settings of that moment. */
  auto pending = std::make_shared<gemlive::ConnectionRequest> (std::move (first));
  auto used = std::make_shared<bool> (false);
  std::weak_ptr<Conversation> weak = weak_from_this ();
  return [pending, used, weak] (gemlive::RequestReady ready) {
    if (!*used) {
      *used = true;
      ready (true, *pending, "");
      return;
    }
    auto self = weak.lock ();
    if (self)
      self->request_for_reconnection (std::move (ready));
    else
      ready (false, gemlive::ConnectionRequest (), "the element stopped");
  };
}

namespace {
struct AsyncRequest {
  std::function<void (GstElement *)> run;
};
}  // namespace

/* Network thread: a reconnection needs a request. Firebase backends ask the
 * application first (need-app-check-token), which must not happen here: the
 * network thread serves every session of the process. */
void
Conversation::request_for_reconnection (gemlive::RequestReady ready)
{
  GstElement *owner = owner_ref ();
  if (!owner) {
    ready (false, gemlive::ConnectionRequest (), "the element stopped");
    return;
  }
  std::weak_ptr<Conversation> weak = weak_from_this ();
  auto build = [weak, ready] (GstElement *element) {
    auto self = weak.lock ();
    if (!self) {
      ready (false, gemlive::ConnectionRequest (), "the element stopped");
      return;
    }
    gemlive::ConnectionRequest request;
    std::string model_resource, error;
    BackendRoute route;
    RequestError kind;
    auto settings_now = [&self] {
      std::lock_guard<std::mutex> guard (self->session_lock_);
      return self->settings_;
    };
    if (ask_and_build (element, settings_now, request, model_resource, route, kind, error)) {
      self->remember_route (route);
      ready (true, std::move (request), "");
    } else {
      ready (false, gemlive::ConnectionRequest (), self->redact (error));
    }
  };
  ConversationSettings s;
  {
    std::lock_guard<std::mutex> guard (session_lock_);
    s = settings_;
  }
  if (!backend_is_firebase (s)) {
    /* No application code runs: build it here, at once. */
    build (owner);
    gst_object_unref (owner);
    return;
  }
  auto job = new AsyncRequest {build};
  gst_element_call_async (owner,
      [] (GstElement *element, gpointer data) {
        static_cast<AsyncRequest *> (data)->run (element);
      },
      job, [] (gpointer data) { delete static_cast<AsyncRequest *> (data); });
  gst_object_unref (owner);
}
