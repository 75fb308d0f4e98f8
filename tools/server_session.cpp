/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ServerSession, input side: frames from the client, setup, realtime input,
 * voice activity and tool responses. See server_session.h.
 */
#include "server_session.h"

#include "server_messages.h"

#include <cstring>

/* How long after a blocking toolCall audio may still arrive (in flight) under --strict-tool-audio. */
static constexpr gint64 kStrictToolAudioGraceUs = 1000 * 1000;

namespace gemlive::server {

namespace {

constexpr const char *kInvalidArgument = "Request contains an invalid argument.";

std::string
snake_case (const char *camel)
{
  std::string out;
  for (const char *p = camel; *p != '\0'; p++) {
    if (g_ascii_isupper (*p)) {
      out += '_';
      out += g_ascii_tolower (*p);
    } else {
      out += *p;
    }
  }
  return out;
}

bool
bool_member (JsonObject *object, const char *name)
{
  JsonNode *n = client_member (object, name);
  return n != nullptr && JSON_NODE_HOLDS_VALUE (n) &&
      json_node_get_value_type (n) == G_TYPE_BOOLEAN && json_node_get_boolean (n);
}

/* Integer that may arrive as a JSON number or (int64 in proto3 JSON) a string. */
std::optional<int64_t>
int_member (JsonObject *object, const char *name)
{
  JsonNode *n = client_member (object, name);
  if (n == nullptr || !JSON_NODE_HOLDS_VALUE (n))
    return std::nullopt;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (n), nullptr, 10);
  return std::nullopt;
}

/* Sample rate from "audio/pcm;rate=N"; bare "audio/pcm" means 16 kHz, as the
 * service assumes. 0 when the type is not raw PCM or the rate is unusable. */
int
pcm_rate (const std::string &mime)
{
  if (mime.rfind ("audio/pcm", 0) != 0)
    return 0;
  auto pos = mime.find ("rate=");
  if (pos == std::string::npos)
    return 16000;
  long rate = std::strtol (mime.c_str () + pos + 5, nullptr, 10);
  return rate >= 4000 && rate <= 192000 ? static_cast<int> (rate) : 0;
}

}  // namespace

JsonNode *
client_member (JsonObject *object, const char *camel_name)
{
  if (object == nullptr)
    return nullptr;
  JsonNode *n = json_object_get_member (object, camel_name);
  if (n == nullptr)
    n = json_object_get_member (object, snake_case (camel_name).c_str ());
  return n;
}

std::string
client_string (JsonObject *object, const char *camel_name)
{
  JsonNode *n = client_member (object, camel_name);
  if (n == nullptr || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return "";
  return json_node_get_string (n);
}

JsonObject *
client_object (JsonObject *object, const char *camel_name)
{
  JsonNode *n = client_member (object, camel_name);
  return n != nullptr && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : nullptr;
}

ServerSession::ServerSession (LiveServer &server, SoupWebsocketConnection *connection,
    RouteInfo route, guint64 number)
    : server_ (server), connection_ (SOUP_WEBSOCKET_CONNECTION (g_object_ref (connection))),
      route_ (std::move (route)), tag_ ("session " + std::to_string (number))
{
}

ServerSession::~ServerSession ()
{
  for (guint *timer : {&stall_timer_, &stream_timer_, &cancel_timer_, &go_away_timer_,
           &close_timer_, &deadline_timer_})
    clear_timer (*timer);
  if (conversation_ && conversation_->attached == this)
    conversation_->attached = nullptr;
  g_signal_handler_disconnect (connection_, message_handler_);
  g_signal_handler_disconnect (connection_, closed_handler_);
  g_object_unref (connection_);
}

void
ServerSession::start ()
{
  /* Client audio frames are far above libsoup's 128 KiB default at high rates. */
  soup_websocket_connection_set_max_incoming_payload_size (connection_, 16 * 1024 * 1024);
  /* The recognizer loads its model on its own thread as soon as it exists:
   * starting it with the first connection keeps that out of the first turn. */
  if (SpeechRecognizer::built ())
    SpeechRecognizer::shared ();
  message_handler_ = g_signal_connect (connection_, "message", G_CALLBACK (on_message), this);
  closed_handler_ = g_signal_connect (connection_, "closed", G_CALLBACK (on_closed), this);
  server_.log ("%s: connected (API %s)", tag_.c_str (), route_.api_version.c_str ());
}

bool
ServerSession::is_open () const
{
  return phase_ != Phase::CLOSED &&
      soup_websocket_connection_get_state (connection_) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
ServerSession::clear_timer (guint &id)
{
  if (id != 0)
    g_source_remove (id);
  id = 0;
}

void
ServerSession::send (const std::string &json)
{
  if (!is_open ())
    return;
  soup_websocket_connection_send_binary (connection_, json.data (), json.size ());
}

void
ServerSession::close (int code, const std::string &reason)
{
  if (phase_ == Phase::CLOSED)
    return;
  phase_ = Phase::CLOSED;
  for (guint *timer : {&stall_timer_, &stream_timer_, &cancel_timer_, &go_away_timer_,
           &close_timer_, &deadline_timer_})
    clear_timer (*timer);
  reply_state_ = ReplyState::IDLE;
  server_.log ("%s: closing with %d \"%s\"", tag_.c_str (), code, reason.c_str ());
  if (soup_websocket_connection_get_state (connection_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection_, static_cast<gushort> (code),
        truncate_close_reason (reason).c_str ());
}

void
ServerSession::invalid_argument (const std::string &why)
{
  server_.log ("%s: invalid client message: %s", tag_.c_str (), why.c_str ());
  close (1007, kInvalidArgument);
}

void
ServerSession::on_message (SoupWebsocketConnection *, gint, GBytes *message, gpointer data)
{
  auto self = static_cast<ServerSession *> (data);
  gsize size = 0;
  auto bytes = static_cast<const char *> (g_bytes_get_data (message, &size));
  self->server_.record_frame (bytes, size);
  if (self->phase_ != Phase::CLOSED)
    self->handle_frame (bytes, size);
}

void
ServerSession::on_closed (SoupWebsocketConnection *, gpointer data)
{
  auto self = static_cast<ServerSession *> (data);
  self->server_.log ("%s: connection closed (code %d)", self->tag_.c_str (),
      soup_websocket_connection_get_close_code (self->connection_));
  self->phase_ = Phase::CLOSED;
  /* Dropping the server's reference destroys the session; nothing after this line. */
  self->server_.session_closed (self);
}

void
ServerSession::handle_frame (const char *data, gsize size)
{
  JsonParser *parser = json_parser_new ();
  GError *error = nullptr;
  if (!json_parser_load_from_data (parser, data, static_cast<gssize> (size), &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    std::string why = error != nullptr ? error->message : "not a JSON object";
    g_clear_error (&error);
    g_object_unref (parser);
    invalid_argument ("frame is not a JSON object: " + why);
    return;
  }
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_size (root) != 1) {
    g_object_unref (parser);
    invalid_argument ("a client message must have exactly one top-level field");
    return;
  }

  JsonObject *setup = client_object (root, "setup");
  if (phase_ == Phase::AWAIT_SETUP) {
    if (setup == nullptr)
      invalid_argument ("the first message must be setup");
    else
      handle_setup (setup);
  } else if (setup != nullptr) {
    invalid_argument ("setup may be sent only once per connection");
  } else if (JsonObject *input = client_object (root, "realtimeInput")) {
    handle_realtime_input (input);
  } else if (JsonObject *content = client_object (root, "clientContent")) {
    handle_client_content (content);
  } else if (JsonObject *response = client_object (root, "toolResponse")) {
    handle_tool_response (response);
  } else if (JsonObject *update = client_object (root, "contextUpdate")) {
    /* No answer: the service takes it in order with the input, or closes. */
    if (std::optional<CloseSpec> refusal = check_context_update (update, model_)) {
      server_.log ("%s: contextUpdate refused for this model", tag_.c_str ());
      close (refusal->code, refusal->reason);
    } else {
      server_.log ("%s: contextUpdate taken", tag_.c_str ());
    }
  } else {
    GList *members = json_object_get_members (root);
    std::string name = members != nullptr ? static_cast<const char *> (members->data) : "";
    g_list_free (members);
    invalid_argument ("unknown or malformed client message '" + name + "'");
  }
  g_object_unref (parser);
}

void
ServerSession::handle_setup (JsonObject *setup)
{
  std::string model = client_string (setup, "model");
  if (model.empty ()) {
    invalid_argument ("setup.model is missing");
    return;
  }
  /* Each backend wants its own resource name form (backend_routes.h). */
  std::string model_id, wrong_form;
  if (!model_id_for_route (route_, model, model_id, wrong_form)) {
    close (1008, wrong_form);
    return;
  }
  /* The catalog's current models are served too, unless a model list was
   * given (--model, the scenario's known_models). */
  const ModelRules *rules = find_model_rules (model_id);
  const bool catalog_serves = rules != nullptr && !rules->retired
      && server_.config ().known_models.empty () && !server_.config ().scenario.known_models;
  if (!server_.model_known (model_id) && !catalog_serves) {
    close (1008, "models/" + model_id + " is not found for API version " + route_.api_version +
        ", or is not supported for bidiGenerateContent");
    return;
  }

  if (std::optional<CloseSpec> refusal = check_setup_for_model (setup, model_)) {
    server_.log ("%s: %s refuses this setup", tag_.c_str (), model_id.c_str ());
    close (refusal->code, refusal->reason);
    return;
  }
  input_transcription_ = client_member (setup, "inputAudioTranscription") != nullptr;
  output_transcription_ = client_member (setup, "outputAudioTranscription") != nullptr;
  JsonObject *resumption = client_object (setup, "sessionResumption");
  resumption_requested_ = resumption != nullptr;
  std::string handle = client_string (resumption, "handle");
  if (!handle.empty ()) {
    conversation_ = server_.find_conversation (handle);
    if (!conversation_) {
      close (1008, "BidiGenerateContent session not found");
      return;
    }
    if (conversation_->attached != nullptr && conversation_->attached->is_open ()) {
      /* The service refuses to resume while the earlier connection is open. */
      conversation_.reset ();
      close (1011, "The service is currently unavailable.");
      return;
    }
    server_.log ("%s: resumed conversation %s after %zu turns", tag_.c_str (),
        conversation_->id.c_str (), conversation_->turns_done);
  } else {
    conversation_ = server_.new_conversation ();
  }
  conversation_->attached = this;

  apply_realtime_input_config (client_object (setup, "realtimeInputConfig"));
  if (phase_ == Phase::CLOSED)
    return;
  phase_ = Phase::READY;
  server_.log ("%s: setup for %s", tag_.c_str (), model.c_str ());
  const Scenario &scenario = server_.config ().scenario;
  send (scenario.session_id ? msg_setup_complete (conversation_->id) : msg_setup_complete ());
  if (resumption_requested_)
    send_resumption_update ();

  if (scenario.go_away_after_ms >= 0) {
    go_away_timer_ = g_timeout_add (static_cast<guint> (scenario.go_away_after_ms),
        [] (gpointer d) -> gboolean {
          auto self = static_cast<ServerSession *> (d);
          self->go_away_timer_ = 0;
          self->go_away (self->server_.config ().scenario.go_away_time_left_ms);
          return G_SOURCE_REMOVE;
        },
        this);
  }
  if (scenario.close_after_ms >= 0) {
    close_timer_ = g_timeout_add (static_cast<guint> (scenario.close_after_ms),
        [] (gpointer d) -> gboolean {
          auto self = static_cast<ServerSession *> (d);
          self->close_timer_ = 0;
          const CloseSpec &spec = self->server_.config ().scenario.close_after;
          self->close (spec.code, spec.reason);
          return G_SOURCE_REMOVE;
        },
        this);
  }
}

void
ServerSession::apply_realtime_input_config (JsonObject *config)
{
  VadSettings settings;
  JsonObject *aad = client_object (config, "automaticActivityDetection");
  automatic_activity_ = !bool_member (aad, "disabled");
  settings.high_start_sensitivity =
      client_string (aad, "startOfSpeechSensitivity") != "START_SENSITIVITY_LOW";
  settings.high_end_sensitivity =
      client_string (aad, "endOfSpeechSensitivity") != "END_SENSITIVITY_LOW";
  if (auto padding = int_member (aad, "prefixPaddingMs"))
    settings.prefix_padding_ms = *padding;
  if (auto silence = int_member (aad, "silenceDurationMs"))
    settings.silence_duration_ms = *silence;
  if (settings.silence_duration_ms < 0 || settings.prefix_padding_ms < -1) {
    invalid_argument ("negative prefixPaddingMs or silenceDurationMs");
    return;
  }
  barge_in_ = client_string (config, "activityHandling") != "NO_INTERRUPTION";
  turn_includes_all_input_ = client_string (config, "turnCoverage") == "TURN_INCLUDES_ALL_INPUT";
  vad_ = std::make_unique<VoiceActivityDetector> (settings);
}

void
ServerSession::handle_realtime_input (JsonObject *input)
{
  if (JsonObject *audio = client_object (input, "audio")) {
    handle_audio (audio);
  } else if (JsonNode *chunks = client_member (input, "mediaChunks")) {
    /* The deprecated form: a list of blobs, audio or images. */
    if (model_.rules && !model_.rules->media_chunks) {
      invalid_argument ("this model refuses the deprecated realtimeInput.mediaChunks");
      return;
    }
    if (!JSON_NODE_HOLDS_ARRAY (chunks)) {
      invalid_argument ("realtimeInput.mediaChunks must be an array");
      return;
    }
    JsonArray *array = json_node_get_array (chunks);
    for (guint i = 0; i < json_array_get_length (array) && phase_ != Phase::CLOSED; i++) {
      JsonObject *blob = json_array_get_object_element (array, i);
      if (client_string (blob, "mimeType").rfind ("image/", 0) == 0)
        video_frames_++;
      else
        handle_audio (blob);
    }
  } else if (model_.is (ModelKind::TRANSLATION) && (client_member (input, "video") != nullptr
                 || client_member (input, "text") != nullptr)) {
    invalid_argument ("the translate model takes audio input only");
  } else if (client_member (input, "video") != nullptr) {
    video_frames_++;
  } else if (JsonNode *text = client_member (input, "text")) {
    if (!JSON_NODE_HOLDS_VALUE (text) || json_node_get_value_type (text) != G_TYPE_STRING) {
      invalid_argument ("realtimeInput.text must be a string");
      return;
    }
    UserTurn turn;
    turn.source = UserTurn::Source::TEXT;
    turn.text = json_node_get_string (text);
    user_speech_started ();
    end_user_turn (turn);
  } else if (client_member (input, "activityStart") != nullptr) {
    if (automatic_activity_) {
      invalid_argument ("activityStart sent while automatic activity detection is enabled");
      return;
    }
    manual_activity_ = true;
    turn_audio_.clear ();
    user_speech_started ();
  } else if (client_member (input, "activityEnd") != nullptr) {
    if (automatic_activity_) {
      invalid_argument ("activityEnd sent while automatic activity detection is enabled");
      return;
    }
    manual_activity_ = false;
    UserTurn turn;
    turn.audio_ms = turn_audio_ms_;
    end_user_turn (turn);
  } else if (bool_member (input, "audioStreamEnd")) {
    /* The microphone stopped: whatever speech is buffered ends the turn now. */
    if (automatic_activity_ && speech_in_turn_) {
      vad_->reset_turn ();
      UserTurn turn;
      turn.audio_ms = turn_audio_ms_;
      turn.start_ms = speech_start_ms_;
      turn.end_ms = vad_->elapsed_ms ();
      end_user_turn (turn);
    }
  } else {
    invalid_argument ("realtimeInput carries nothing this server understands");
  }
}

void
ServerSession::handle_audio (JsonObject *blob)
{
  const std::string mime = client_string (blob, "mimeType");
  const int rate = pcm_rate (mime);
  if (rate == 0) {
    invalid_argument ("unsupported audio mimeType '" + mime + "' (expected audio/pcm;rate=N)");
    return;
  }
  const std::string b64 = client_string (blob, "data");
  gsize size = 0;
  guchar *pcm = g_base64_decode (b64.c_str (), &size);
  if (size % 2 != 0) {
    g_free (pcm);
    invalid_argument ("audio data is not whole 16-bit samples");
    return;
  }
  /* Audio the client sent before the toolCall reached it is still in flight:
   * like the service (which was seen closing 7-12 s into the call), only
   * audio arriving after a grace period counts as streaming during the call. */
  if (blocking_tool_pending_ && server_.config ().strict_tool_audio && size > 0
      && g_get_monotonic_time () - tool_call_sent_us_ > kStrictToolAudioGraceUs) {
    g_free (pcm);
    close (1008, "The operation was aborted.");
    return;
  }
  const size_t samples = size / 2;
  const int64_t chunk_ms = static_cast<int64_t> (samples) * 1000 / rate;
  std::vector<int16_t> pcm16 (samples);
  for (size_t i = 0; i < samples; i++)
    pcm16[i] = static_cast<int16_t> (pcm[2 * i] | (pcm[2 * i + 1] << 8));
  g_free (pcm);
  if (SpeechRecognizer::built ()) {
    /* Automatic detection keeps a lead-in before speech; manual activity
     * takes exactly what lies between activityStart and activityEnd. */
    if (automatic_activity_)
      turn_audio_.feed (pcm16.data (), samples, rate, speech_in_turn_);
    else if (manual_activity_)
      turn_audio_.feed (pcm16.data (), samples, rate, true);
  }

  if (!automatic_activity_) {
    if (manual_activity_ || turn_includes_all_input_)
      turn_audio_ms_ += chunk_ms;
    return;
  }
  if (speech_in_turn_)
    turn_audio_ms_ += chunk_ms;
  else if (turn_includes_all_input_)
    pending_audio_ms_ += chunk_ms;
  for (const VadEvent &event : vad_->feed (pcm16.data (), samples, rate)) {
    if (phase_ == Phase::CLOSED)
      return;
    if (event.kind == VadEvent::Kind::SPEECH_START) {
      server_.log ("%s: speech started at %" G_GINT64_FORMAT " ms of audio", tag_.c_str (),
          event.at_ms);
      turn_audio_ms_ = pending_audio_ms_ + (vad_->elapsed_ms () - event.at_ms);
      pending_audio_ms_ = 0;
      speech_start_ms_ = event.at_ms;
      if (server_.config ().scenario.voice_activity)
        send (msg_voice_activity (true, event.at_ms, route_.vertex));
      user_speech_started ();
    } else {
      server_.log ("%s: speech ended at %" G_GINT64_FORMAT " ms of audio", tag_.c_str (),
          event.at_ms);
      if (server_.config ().scenario.voice_activity)
        send (msg_voice_activity (false, event.at_ms, route_.vertex));
      UserTurn turn;
      turn.audio_ms = turn_audio_ms_;
      turn.start_ms = speech_start_ms_;
      turn.end_ms = event.at_ms;
      end_user_turn (turn);
    }
  }
}

void
ServerSession::user_speech_started ()
{
  speech_in_turn_ = true;
  if (barge_in_ && reply_playing ())
    interrupt_reply ();
}

void
ServerSession::end_user_turn (UserTurn turn)
{
  speech_in_turn_ = false;
  turn_audio_ms_ = 0;
  if (turn.source == UserTurn::Source::AUDIO && SpeechRecognizer::built ()) {
    if (turn_audio_.truncated ())
      server_.log ("%s: turn longer than %" G_GINT64_FORMAT " s; recognizing its start only",
          tag_.c_str (), TurnAudio::kMaxTurnMs / 1000);
    turn.audio = turn_audio_.take ();
  }
  if (reply_state_ != ReplyState::IDLE) {
    /* NO_INTERRUPTION (or a reply waiting for a tool): answer this turn next. */
    pending_turns_.push_back (std::move (turn));
    return;
  }
  begin_reply (turn);
}

void
ServerSession::handle_client_content (JsonObject *content)
{
  std::string last_user_text;
  if (model_.rules && model_.rules->client_content_needs_history_config
      && !model_.history_in_client_content && conversation_->turns_done > 0) {
    invalid_argument ("clientContent after the first model turn without "
                      "historyConfig.initialHistoryInClientContent");
    return;
  }
  if (JsonNode *turns = client_member (content, "turns")) {
    if (!JSON_NODE_HOLDS_ARRAY (turns)) {
      invalid_argument ("clientContent.turns must be an array");
      return;
    }
    JsonArray *array = json_node_get_array (turns);
    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *turn_node = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_OBJECT (turn_node)) {
        invalid_argument ("clientContent.turns[] must be Content objects");
        return;
      }
      JsonObject *turn = json_node_get_object (turn_node);
      std::string role = client_string (turn, "role");
      std::string text;
      JsonNode *parts = client_member (turn, "parts");
      if (parts != nullptr && JSON_NODE_HOLDS_ARRAY (parts)) {
        JsonArray *part_array = json_node_get_array (parts);
        for (guint p = 0; p < json_array_get_length (part_array); p++)
          text += client_string (json_array_get_object_element (part_array, p), "text");
      }
      conversation_->history.push_back ((role.empty () ? "user" : role) + ": " + text);
      if (role != "model")
        last_user_text = text;
    }
  }
  if (bool_member (content, "turnComplete")) {
    UserTurn turn;
    turn.source = UserTurn::Source::TEXT;
    turn.text = last_user_text;
    user_speech_started ();
    end_user_turn (turn);
  }
}

void
ServerSession::handle_tool_response (JsonObject *response)
{
  JsonNode *list = client_member (response, "functionResponses");
  if (list == nullptr || !JSON_NODE_HOLDS_ARRAY (list)) {
    invalid_argument ("toolResponse.functionResponses must be an array");
    return;
  }
  JsonArray *array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonObject *answer = json_array_get_object_element (array, i);
    if (auto refusal = check_response_scheduling (model_,
            client_member (answer, "scheduling") != nullptr)) {
      close (refusal->code, refusal->reason);
      return;
    }
    std::string id = client_string (answer, "id");
    if (pending_tool_ids_.erase (id) == 0) {
      invalid_argument ("toolResponse for unknown or cancelled call id '" + id + "'");
      return;
    }
  }
  if (pending_tool_ids_.empty ())
    tool_calls_resolved (false);
}

}  // namespace gemlive::server
