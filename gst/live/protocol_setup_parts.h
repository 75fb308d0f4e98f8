/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the codec: pieces of the `setup` message that live in the
 * feature's own encoder file. encode_setup (protocol_encode.cpp) calls each
 * at its place in the message; a piece writes nothing for unset settings.
 */
#pragma once

#include "live/protocol.h"

#include <json-glib/json-glib.h>

namespace gemlive {

/* Generation settings (protocol_input.cpp): inside generationConfig: maxOutputTokens,
 * topP, topK, mediaResolution, thinkingConfig, enableAffectiveDialog. */
void encode_generation_extras (JsonBuilder *b, const SetupConfig &config);
/* Turn control (protocol_input.cpp): inside setup: realtimeInputConfig, proactivity. */
void encode_turn_setup_parts (JsonBuilder *b, const SetupConfig &config);

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
