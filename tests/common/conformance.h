/* gst-gemini-live test helper
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Strict validation of wire JSON against the official schema
 * (npm @google-ai/generativelanguage, build/protos/protos.json), done by
 * tests/conformance/validate.mjs under node. Paths come from the environment
 * (GEMINI_LIVE_VALIDATOR: the script; node from PATH), set by meson test.
 */
#pragma once

#include <string>
#include <vector>

namespace gemlive::test {

enum class WireDirection { CLIENT, SERVER };

/* True when every frame validates strictly (no unknown fields, right types,
 * exactly one top-level key for client messages). On failure `report` holds the
 * validator's explanation, naming the frame and the JSON path. */
bool validate_frames (WireDirection direction, const std::vector<std::string> &frames,
    std::string &report);

}  // namespace gemlive::test
