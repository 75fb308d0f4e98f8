/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the codec's decoder (protocol.cpp, protocol_audio.cpp) and
 * to the tests that compare its two paths; not part of the codec's API.
 *
 * decode_server_message () first tries decode_audio_frame_fast (), which only
 * recognises the dominant frame shape (serverContent.modelTurn.parts[] holding
 * nothing but inlineData audio, no escapes), and hands every other frame to
 * decode_server_message_json (), the general json-glib decoder. For any frame
 * the fast path accepts, both must give the same ServerMessage:
 * tests/unit/test_decode_fast.cpp and tests/fuzz/fuzz_decode_differential.cpp
 * check exactly that.
 */
#pragma once

#include "live/protocol.h"

#include <optional>
#include <string>

namespace gemlive::decode_internal {

/* The general decoder: json-glib parses, every field is walked. */
DecodeResult decode_server_message_json (const char *data, size_t size);

/* The dominant audio frame without a JSON tree, or nullopt for anything
 * else (including frames the general decoder would refuse). */
std::optional<ServerMessage> decode_audio_frame_fast (const char *data, size_t size);

/* Decodes padded base64 of the standard alphabet (base64_decode_strict), or
 * returns nullptr if text is anything else (g_base64_decode would silently
 * skip characters outside the alphabet and play corrupt audio as noise). The
 * returned GBytes owns one allocation holding exactly the decoded bytes. */
GBytes *decode_strict_base64 (const char *text, size_t length);

/* "audio/pcm;rate=24000" -> 24000; no "rate=" -> default_rate; nullopt if
 * the rate is not a number in 1..768000. */
std::optional<int> pcm_rate_of (const std::string &mime_type, int default_rate);

}  // namespace gemlive::decode_internal
