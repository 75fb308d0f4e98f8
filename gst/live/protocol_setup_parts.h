/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the codec: pieces of the `setup` message that live in the
 * feature's own encoder file. encode_setup (protocol_encode.cpp) calls each
 * at its place in the message; a piece writes nothing for unset settings.
 */
#pragma once

#include "live/model_catalog.h"
#include "live/protocol.h"
#include "live/protocol_tools.h"

#include <json-glib/json-glib.h>

namespace gemlive {

/* Generation settings (protocol_input.cpp): inside generationConfig: maxOutputTokens,
 * topP, topK, mediaResolution, thinkingConfig, enableAffectiveDialog.
 * `rules` is the model's catalog entry, nullptr for an unknown model. */
void encode_generation_extras (JsonBuilder *b, const SetupConfig &config,
    const ModelRules *rules);
/* Turn control (protocol_input.cpp): inside setup: realtimeInputConfig,
 * proactivity, historyConfig. */
void encode_turn_setup_parts (JsonBuilder *b, const SetupConfig &config,
    const ModelRules *rules);

/* Translation and transcription (protocol_speech.cpp): inside generationConfig:
 * translationConfig. */
void encode_translation_config (JsonBuilder *b, const SetupConfig &config);
/* Inside setup: inputAudioTranscription / outputAudioTranscription with their
 * hints, as asked for; no output transcription from a model that answers in
 * text (there is no speech to transcribe). */
void encode_transcription_setup (JsonBuilder *b, const SetupConfig &config,
    const ModelRules *rules);

/* systemInstruction: {parts: [{text}]} under `name`. */
void add_text_content (JsonBuilder *b, const char *name, const std::string &text);
/* A `tools` array: the declared tools (normalized_json of a valid `tools`,
 * or none when empty) plus the built-in tools the booleans ask for, unless
 * declared already. May be empty. protocol_tools.cpp. */
JsonNode *tools_array_node (const ToolDeclarations &declared, bool google_search,
    bool code_execution);

/* Long sessions (protocol_resilience.cpp): inside setup: contextWindowCompression. */
void encode_compression_setup (JsonBuilder *b, const SetupConfig &config);

/* Function calling (protocol_tools.cpp): inside setup: `tools`. */
void encode_setup_tools (JsonBuilder *b, const SetupConfig &config);
/* Google Search (protocol_tools.cpp): serverContent.groundingMetadata; false and
 * `error` (naming the path) when it breaks the schema. */
bool decode_grounding_metadata (JsonNode *node, GroundingMetadata &out, std::string &error);
/* URL context (protocol_tools.cpp): serverContent.urlContextMetadata; false and
 * `error` (naming the path) when it breaks the schema. */
bool decode_url_context_metadata (JsonNode *node, UrlContextMetadata &out, std::string &error);

}  // namespace gemlive
