/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every property of geminilive, geminilivesink and geminilivesrc, declared
 * once (property_table.cpp): name, blurb, type, range, default, flags and
 * where it applies. Each element installs the rows of the scopes it carries
 * and sets and gets them through this table, so a default is written once
 * and a new property is one row.
 *
 * ConversationSettings is the plain value every row reads and writes; an
 * element keeps one behind its own lock and hands a copy to the conversation
 * when the session opens.
 */
#pragma once

#include "live/endpoint.h"
#include "live/protocol.h"

#include <gst/gst.h>

#include <string>
#include <vector>

/* Where a property applies. geminilive carries all three, geminilivesink
 * SESSION and INPUT, geminilivesrc OUTPUT. */
enum PropertyScope : unsigned {
  PROPERTY_SCOPE_SESSION = 1 << 0,  /* shapes the Live session (setup, backend, resilience) */
  PROPERTY_SCOPE_INPUT = 1 << 1,    /* what the sink side does with its input */
  PROPERTY_SCOPE_OUTPUT = 1 << 2,   /* what the src side does with the replies */
  PROPERTY_SCOPE_ALL = PROPERTY_SCOPE_SESSION | PROPERTY_SCOPE_INPUT | PROPERTY_SCOPE_OUTPUT,
};

struct ConversationSettings {
  /* session: setup */
  std::string api_key;
  std::string model;
  std::string voice;
  std::string language_code;
  std::string system_instruction;
  double temperature = 0;
  bool input_transcription = false;
  bool output_transcription = false;
  std::string endpoint;
  std::string api_version;
  /* session: turn control and generation (sentinels = not sent in setup) */
  bool automatic_activity_detection = false;
  int start_sensitivity = 0;
  int end_sensitivity = 0;
  int prefix_padding_ms = 0;
  int silence_duration_ms = 0;
  int activity_handling = 0;
  int turn_coverage = 0;
  int max_output_tokens = 0;
  double top_p = 0;
  int top_k = 0;
  int thinking_budget = 0;
  bool include_thoughts = false;
  bool proactive_audio = false;
  bool affective_dialog = false;
  int media_resolution = 0;
  /* session: model-aware setup (docs/models.md) */
  int thinking_level = 0;                 /* 0 = not sent */
  bool proactive_video = false;
  std::string transcription_languages;    /* comma-separated BCP-47 hints */
  std::string custom_vocabulary;          /* comma-separated terms */
  bool history_in_client_content = false;
  /* session: translation and transcription models (issue 17) */
  std::string translate_to;
  bool translate_echo = false;
  int transcription_mode = 0;
  /* session: backends and credentials (secrets are write-only) */
  int backend = 0;
  std::string project;
  std::string location;
  std::string access_token;
  std::string app_check_token;
  std::string firebase_id_token;
  std::string firebase_app_id;
  std::string firebase_app_version;
  std::string tls_ca_file;
  /* session: tools */
  std::string tools_json;
  std::string tools_error;  /* why tools_json is invalid; empty = valid (not a property) */
  bool google_search = false;
  bool code_execution = false;
  guint tool_timeout_ms = 0;  /* 0 = wait forever */
  /* session: resilience */
  std::string resumption_handle;
  guint reconnect_attempts = 0;
  guint reconnect_initial_delay_ms = 0;
  guint reconnect_max_delay_ms = 0;
  guint resume_buffer_ms = 0;
  bool context_window_compression = false;
  guint64 compression_trigger_tokens = 0;
  guint64 compression_target_tokens = 0;
  /* input */
  guint drain_timeout_ms = 0;
  double video_fps = 0;
  bool half_duplex = false;
  int input_pacing = 0;  /* InputPacer::Mode */
  /* output */
  guint latency_ms = 0;
  bool text_src_input_transcription = false;
  guint max_queued_audio_ms = 0;
  /* geminilivesink / geminilivesrc */
  std::string session_name;
};

/* A value read from the running conversation rather than the settings. */
enum class PropertyLiveValue {
  NONE,
  RESUMPTION_HANDLE,  /* the newest handle the service gave; else the setting */
  UNPARSABLE_FRAMES,  /* read-only counter */
};

struct PropertyRow;

/* The settings with every row's default. */
ConversationSettings property_table_defaults ();
/* Installs the rows of `scopes` (and `session` when with_session_name) on
 * klass; property ids are the rows' own, so the three classes share them. */
void property_table_install (GObjectClass *klass, unsigned scopes, bool with_session_name);
/* The row of a property id installed by property_table_install (). */
const PropertyRow *property_table_row (guint prop_id);
PropertyLiveValue property_table_live_value (const PropertyRow *row);
/* Writes / reads a row's value; call with the element's settings lock held.
 * object: for the log line of an invalid tools value. */
void property_table_set (const PropertyRow *row, ConversationSettings &settings,
    const GValue *value, GObject *object);
void property_table_get (const PropertyRow *row, const ConversationSettings &settings,
    GValue *value);

/* The wire names of the enum settings (empty = not sent). */
std::string property_wire_start_sensitivity (int value);
std::string property_wire_end_sensitivity (int value);
std::string property_wire_activity_handling (int value);
std::string property_wire_turn_coverage (int value);
std::string property_wire_media_resolution (int value);
gemlive::ThinkingLevel property_thinking_level (int value);
/* "en-US, de-DE" -> {"en-US", "de-DE"}: split at commas, blanks trimmed,
 * empty items dropped. */
std::vector<std::string> property_split_list (const std::string &text);
std::string property_wire_transcription_mode (int value);

/* Audio frames in resume-buffer ms (at least one). */
size_t property_resume_buffer_frames (const ConversationSettings &settings);
