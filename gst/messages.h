/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bus-message vocabulary: every geminilive/... element message the
 * elements post is built here, and only here, so its fields are written
 * down once (docs/element.md lists them). Builders return a new structure;
 * messages_post () posts it. Callers hold no lock when they post.
 */
#pragma once

#include "live/live_session.h"
#include "live/protocol.h"

#include <gst/gst.h>

#include <string>
#include <vector>

namespace messages {

/* geminilive/session: state connecting | connected */
GstStructure *session_state (const char *state);
/* geminilive/session: state connected, [session-id] (setupComplete.sessionId) */
GstStructure *session_connected (const std::string &session_id);
/* geminilive/session: state closed, close-code, reason */
GstStructure *session_closed (int close_code, const std::string &reason);
/* geminilive/session: state reconnecting, reason, planned, resuming, attempt, max-attempts,
 * delay-ms */
GstStructure *session_reconnecting (const gemlive::ReconnectNotice &notice,
    const std::string &reason);
/* geminilive/session: state resumed, reason, context-kept, [session-id] */
GstStructure *session_resumed (const gemlive::ResumeNotice &notice, const std::string &reason);
/* geminilive/input-transcription, geminilive/output-transcription: text,
 * [language-code], [pts, duration], running-time; input-transcription also
 * interim (true: interimInputTranscription, provisional text of speech in
 * progress). pts/duration (guint64): the running time of the audio it
 * transcribes, from the service's offsets, when given. */
GstStructure *transcript (bool input, const std::string &text,
    const gemlive::TranscriptionInfo &info, GstClockTime running_time, bool interim = false,
    GstClockTime pts = GST_CLOCK_TIME_NONE, GstClockTime duration = GST_CLOCK_TIME_NONE);
/* geminilive/interrupted: running-time */
GstStructure *interrupted (GstClockTime running_time);
GstStructure *generation_complete ();
/* geminilive/turn-complete: [reason] */
GstStructure *turn_complete (const std::string &reason);
/* geminilive/waiting-for-input: running-time */
GstStructure *waiting_for_input (GstClockTime running_time);
/* geminilive/usage: one gint64 field per count ("promptTokensDetails.AUDIO" ->
 * prompt-tokens-details-audio) */
GstStructure *usage (const gemlive::UsageMetadata &usage);
/* geminilive/tool-call: id, name, args, blocking */
GstStructure *tool_call (const gemlive::FunctionCall &call, bool blocking);
/* geminilive/tool-call-cancellation: ids */
GstStructure *tool_call_cancellation (const std::vector<std::string> &ids);
/* geminilive/grounding: queries, source-uris, source-titles, [search-entry-point] */
GstStructure *grounding (const gemlive::GroundingMetadata &grounding);
/* geminilive/url-context: urls, statuses, running-time */
GstStructure *url_context (const gemlive::UrlContextMetadata &url_context,
    GstClockTime running_time);

/* geminilive/interaction-status: status (in-progress | idle | waiting-for-input |
 * unspecified), running-time */
GstStructure *interaction_status (gemlive::InteractionStatus status, GstClockTime running_time);
/* geminilive/voice-activity: type (start | end | the wire name), [audio-offset], running-time */
GstStructure *voice_activity (const gemlive::VoiceActivity &activity, GstClockTime running_time);
/* geminilive/thought: text, running-time */
GstStructure *thought (const std::string &text, GstClockTime running_time);

/* geminilive/audio-dropped: dropped-ms (since the last such message),
 * total-dropped-ms (this session), max-queued-ms */
GstStructure *audio_dropped (guint64 dropped_ms, guint64 total_dropped_ms, guint max_queued_ms);

/* geminilive/context-update: setting ("system-instruction" | "tools"), applied
 * ("context-update" | "reconnect"), ok, [reason] (why it was refused) */
GstStructure *context_update (const std::string &setting, const char *applied, bool ok,
    const std::string &reason);

/* Posts `structure` as an element message of `element`. */
void post (GstElement *element, GstStructure *structure);
/* GST_MESSAGE_PROGRESS of the connection: type START, COMPLETE or ERROR. */
void post_connect_progress (GstElement *element, GstProgressType type);

}  // namespace messages
