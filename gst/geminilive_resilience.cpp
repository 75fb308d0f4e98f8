/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element's side of resilience: the properties (session resumption
 * handle, reconnection backoff, resume buffer, context window compression),
 * what goes into SetupConfig / SessionOptions at start, and the bus messages
 * for reconnections. The reconnection itself lives in gst/live/live_session.cpp
 * and the rules in gst/live/reconnect_policy.h.
 *
 * Threads: the property functions run on the application thread (under
 * settings_lock / session_lock); the SessionEvents methods run on the network
 * thread and post with no lock held.
 */
#include "geminilive_private.h"

#include "live/audio_chunker.h"

enum {
  PROP_RESUMPTION_HANDLE = GEMINI_LIVE_PROP_BASE_RESILIENCE,
  PROP_RECONNECT_ATTEMPTS,
  PROP_RECONNECT_INITIAL_DELAY,
  PROP_RECONNECT_MAX_DELAY,
  PROP_RESUME_BUFFER,
  PROP_CONTEXT_WINDOW_COMPRESSION,
  PROP_COMPRESSION_TRIGGER_TOKENS,
  PROP_COMPRESSION_TARGET_TOKENS,
};

#define DEFAULT_RECONNECT_ATTEMPTS gemlive::ReconnectSettings::DEFAULT_MAX_ATTEMPTS
#define DEFAULT_RECONNECT_INITIAL_DELAY_MS gemlive::ReconnectSettings::DEFAULT_INITIAL_DELAY_MS
#define DEFAULT_RECONNECT_MAX_DELAY_MS gemlive::ReconnectSettings::DEFAULT_MAX_DELAY_MS
/* 20 s of microphone audio in 40 ms frames. */
#define DEFAULT_RESUME_BUFFER_MS 20000

static void
resilience_install (GObjectClass *klass)
{
  auto ready_flags = (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY);

  g_object_class_install_property (klass, PROP_RESUMPTION_HANDLE,
      g_param_spec_string ("resumption-handle", "Resumption handle",
          "Reading: the newest resumable handle the service gave this element's session "
          "(empty before the first). Set before start: resume that earlier session (valid "
          "about 2 hours); an unknown or expired handle falls back to a fresh session "
          "with a warning", nullptr, ready_flags));
  g_object_class_install_property (klass, PROP_RECONNECT_ATTEMPTS,
      g_param_spec_uint ("reconnect-attempts", "Reconnect attempts",
          "Reconnections tried in a row after an unexpected close (network error, 1006, "
          "1011) before an error is posted; 0 = none. Resumptions after goAway do not count",
          0, 1000, DEFAULT_RECONNECT_ATTEMPTS, ready_flags));
  g_object_class_install_property (klass, PROP_RECONNECT_INITIAL_DELAY,
      g_param_spec_uint ("reconnect-initial-delay", "Reconnect initial delay",
          "Wait before the first reconnection attempt (ms); doubles per attempt, with "
          "random jitter of up to half", 1, 600000, DEFAULT_RECONNECT_INITIAL_DELAY_MS,
          ready_flags));
  g_object_class_install_property (klass, PROP_RECONNECT_MAX_DELAY,
      g_param_spec_uint ("reconnect-max-delay", "Reconnect max delay",
          "Longest wait between reconnection attempts (ms)", 1, 3600000,
          DEFAULT_RECONNECT_MAX_DELAY_MS, ready_flags));
  g_object_class_install_property (klass, PROP_RESUME_BUFFER,
      g_param_spec_uint ("resume-buffer", "Resume buffer",
          "Input kept while the connection is being (re)established, in ms of 40 ms "
          "audio frames; sent after setupComplete. Beyond it the oldest input is dropped "
          "with a warning", 40, 3600000, DEFAULT_RESUME_BUFFER_MS, ready_flags));
  g_object_class_install_property (klass, PROP_CONTEXT_WINDOW_COMPRESSION,
      g_param_spec_boolean ("context-window-compression", "Context window compression",
          "Ask the service to compress the context with a sliding window, so a session "
          "is not capped at 15 minutes (audio) / 2 minutes (video)", FALSE, ready_flags));
  g_object_class_install_property (klass, PROP_COMPRESSION_TRIGGER_TOKENS,
      g_param_spec_uint64 ("compression-trigger-tokens", "Compression trigger tokens",
          "Context length (tokens) that triggers compression; 0 = the service's default. "
          "Non-zero turns context-window-compression on", 0, G_MAXINT64, 0, ready_flags));
  g_object_class_install_property (klass, PROP_COMPRESSION_TARGET_TOKENS,
      g_param_spec_uint64 ("compression-target-tokens", "Compression target tokens",
          "Tokens the sliding window keeps after compressing; 0 = the service's default. "
          "Must be below compression-trigger-tokens. Non-zero turns "
          "context-window-compression on", 0, G_MAXINT64, 0, ready_flags));
}

static bool
resilience_set (GstGeminiLive *self, guint prop_id, const GValue *value)
{
  std::lock_guard<std::mutex> guard (self->priv->settings_lock);
  auto &s = self->priv->settings;
  switch (prop_id) {
    case PROP_RESUMPTION_HANDLE: {
      const gchar *handle = g_value_get_string (value);
      s.resumption_handle = handle ? handle : "";
      return true;
    }
    case PROP_RECONNECT_ATTEMPTS: s.reconnect_attempts = g_value_get_uint (value); return true;
    case PROP_RECONNECT_INITIAL_DELAY:
      s.reconnect_initial_delay_ms = g_value_get_uint (value);
      return true;
    case PROP_RECONNECT_MAX_DELAY: s.reconnect_max_delay_ms = g_value_get_uint (value); return true;
    case PROP_RESUME_BUFFER:
      s.resume_buffer_frames = std::max (1u, g_value_get_uint (value)
          / gemlive::AudioChunker::DEFAULT_CHUNK_MS);
      return true;
    case PROP_CONTEXT_WINDOW_COMPRESSION:
      s.context_window_compression = g_value_get_boolean (value);
      return true;
    case PROP_COMPRESSION_TRIGGER_TOKENS:
      s.compression_trigger_tokens = g_value_get_uint64 (value);
      return true;
    case PROP_COMPRESSION_TARGET_TOKENS:
      s.compression_target_tokens = g_value_get_uint64 (value);
      return true;
    default:
      return false;
  }
}

static bool
resilience_get (GstGeminiLive *self, guint prop_id, GValue *value)
{
  auto priv = self->priv;
  if (prop_id == PROP_RESUMPTION_HANDLE) {
    /* The newest the service gave; else what the application set. */
    std::string handle;
    {
      std::lock_guard<std::mutex> guard (priv->session_lock);
      handle = priv->session ? priv->session->resumption_handle () : "";
      if (handle.empty ())
        handle = priv->last_resumption_handle;
    }
    if (handle.empty ()) {
      std::lock_guard<std::mutex> guard (priv->settings_lock);
      handle = priv->settings.resumption_handle;
    }
    g_value_set_string (value, handle.c_str ());
    return true;
  }
  std::lock_guard<std::mutex> guard (priv->settings_lock);
  auto &s = priv->settings;
  switch (prop_id) {
    case PROP_RECONNECT_ATTEMPTS: g_value_set_uint (value, s.reconnect_attempts); return true;
    case PROP_RECONNECT_INITIAL_DELAY:
      g_value_set_uint (value, s.reconnect_initial_delay_ms);
      return true;
    case PROP_RECONNECT_MAX_DELAY: g_value_set_uint (value, s.reconnect_max_delay_ms); return true;
    case PROP_RESUME_BUFFER:
      g_value_set_uint (value, s.resume_buffer_frames * gemlive::AudioChunker::DEFAULT_CHUNK_MS);
      return true;
    case PROP_CONTEXT_WINDOW_COMPRESSION:
      g_value_set_boolean (value, s.context_window_compression);
      return true;
    case PROP_COMPRESSION_TRIGGER_TOKENS:
      g_value_set_uint64 (value, s.compression_trigger_tokens);
      return true;
    case PROP_COMPRESSION_TARGET_TOKENS:
      g_value_set_uint64 (value, s.compression_target_tokens);
      return true;
    default:
      return false;
  }
}

const GeminiLivePropertyGroup gst_gemini_live_resilience_properties = {
  resilience_install, resilience_set, resilience_get,
};

bool
gst_gemini_live_resilience_configure (GstGeminiLive *self, gemlive::SetupConfig &setup,
    gemlive::SessionOptions &options)
{
  auto priv = self->priv;
  GeminiLiveSettings s;
  {
    std::lock_guard<std::mutex> guard (priv->settings_lock);
    s = priv->settings;
  }
  if (s.compression_trigger_tokens && s.compression_target_tokens
      && s.compression_target_tokens >= s.compression_trigger_tokens) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("compression-target-tokens (%" G_GUINT64_FORMAT ") must be below "
            "compression-trigger-tokens (%" G_GUINT64_FORMAT ").", s.compression_target_tokens,
            s.compression_trigger_tokens),
        ("The sliding window keeps target tokens each time the context reaches trigger."));
    return false;
  }
  if (s.reconnect_initial_delay_ms > s.reconnect_max_delay_ms) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("reconnect-initial-delay (%u ms) is longer than reconnect-max-delay (%u ms).",
            s.reconnect_initial_delay_ms, s.reconnect_max_delay_ms), (nullptr));
    return false;
  }

  setup.resumption_handle = s.resumption_handle;
  setup.context_window_compression = s.context_window_compression
      || s.compression_trigger_tokens || s.compression_target_tokens;
  setup.compression_trigger_tokens = s.compression_trigger_tokens;
  setup.compression_target_tokens = s.compression_target_tokens;

  options.max_pending_frames = s.resume_buffer_frames;
  options.reconnect.max_attempts = s.reconnect_attempts;
  options.reconnect.initial_delay_ms = s.reconnect_initial_delay_ms;
  options.reconnect.max_delay_ms = s.reconnect_max_delay_ms;

  std::lock_guard<std::mutex> guard (priv->session_lock);
  priv->last_resumption_handle.clear ();
  return true;
}

void
gst_gemini_live_resilience_session_closed (GstGeminiLive *self, gemlive::LiveSession &session)
{
  std::string handle = session.resumption_handle ();
  std::lock_guard<std::mutex> guard (self->priv->session_lock);
  self->priv->last_resumption_handle = handle;
}

std::string
gst_gemini_live_resilience_describe_give_up (GstGeminiLive *self, const gemlive::SessionEnd &end)
{
  guint attempts;
  {
    std::lock_guard<std::mutex> guard (self->priv->settings_lock);
    attempts = self->priv->settings.reconnect_attempts;
  }
  if (end.short_lived)
    return "Gave up: " + std::to_string (end.reconnect_attempts + 1)
        + " connections in a row ended within " + std::to_string (gemlive::MIN_STABLE_MS)
        + " ms of their start (reconnect-attempts=" + std::to_string (attempts) + ").";
  if (end.reconnect_attempts > 0)
    return "Gave up after " + std::to_string (end.reconnect_attempts)
        + " reconnection attempts (reconnect-attempts=" + std::to_string (attempts) + ").";
  if (attempts == 0)
    return "Not reconnected: reconnect-attempts is 0.";
  return "Not reconnected: this close is not one that a retry can fix, or the session was "
         "never established.";
}

/* --- network thread: SessionListener callbacks --- */

void
SessionEvents::on_reconnecting (const gemlive::ReconnectNotice &notice)
{
  auto self = element_;
  auto reason = gst_gemini_live_redact (self, notice.reason);
  if (!notice.planned) {
    /* The reply in progress is lost with the connection: the next audio
     * starts a new reply (DISCONT). */
    std::lock_guard<std::mutex> guard (self->priv->reply_lock);
    self->priv->reply.in_reply = false;
  }
  GST_INFO_OBJECT (self, "reconnecting (%s, attempt %u of %u, in %u ms): %s",
      notice.planned ? "planned" : "unexpected", notice.attempt, notice.max_attempts,
      notice.delay_ms, reason.c_str ());
  gst_gemini_live_post (self, gst_structure_new ("geminilive/session",
          "state", G_TYPE_STRING, "reconnecting",
          "reason", G_TYPE_STRING, reason.c_str (),
          "planned", G_TYPE_BOOLEAN, (gboolean) notice.planned,
          "resuming", G_TYPE_BOOLEAN, (gboolean) notice.with_handle,
          "attempt", G_TYPE_UINT, notice.attempt,
          "max-attempts", G_TYPE_UINT, notice.max_attempts,
          "delay-ms", G_TYPE_UINT, notice.delay_ms, nullptr));
  if (notice.fresh_fallback)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("Gemini Live refused to resume the session: starting a fresh one. The "
            "conversation so far is lost to the model."),
        ("%s", reason.c_str ()));
}

void
SessionEvents::on_resumed (const gemlive::ResumeNotice &notice)
{
  auto self = element_;
  auto reason = gst_gemini_live_redact (self, notice.reason);
  GST_INFO_OBJECT (self, "connection replaced (%s): %s",
      notice.context_kept ? "session resumed" : "fresh session", reason.c_str ());
  /* Function calls of the old connection are void (the service forgets
   * them); input held for a blocking call goes to the new connection. */
  gst_gemini_live_tools_connection_replaced (self);
  gst_gemini_live_post (self, gst_structure_new ("geminilive/session",
          "state", G_TYPE_STRING, "resumed",
          "reason", G_TYPE_STRING, reason.c_str (),
          "context-kept", G_TYPE_BOOLEAN, (gboolean) notice.context_kept, nullptr));
}

void
SessionEvents::on_input_dropped (uint64_t frames, size_t limit)
{
  auto self = element_;
  GST_ELEMENT_WARNING (self, STREAM, FAILED,
      ("Dropped the %" G_GUINT64_FORMAT " oldest input frames: more than %" G_GSIZE_FORMAT
          " (resume-buffer) were waiting for the Gemini Live connection.", (guint64) frames,
          (gsize) limit),
      ("Raise resume-buffer to keep more input while reconnecting."));
}
