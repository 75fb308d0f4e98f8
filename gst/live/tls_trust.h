/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Trusting a private CA for one WebSocket handshake (the tls-ca-file
 * property) without turning certificate checks off.
 *
 * The process shares one SoupSession (NetworkThread), so the CA cannot be set
 * session-wide. Instead the handshake's SoupMessage gets an accept-certificate
 * handler, which libsoup calls only when the system's trust store refused the
 * server: the handler verifies the same chain again against the private CA,
 * for the host that was dialled, and accepts it only when that check passes
 * with no error at all (expiry, wrong name, unknown CA all still fail).
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <string>

namespace gemlive {

/* Loads a PEM CA bundle; nullptr with a readable error (naming the file,
 * never anything secret) when it cannot be read or holds no certificate. */
GTlsDatabase *load_private_ca (const std::string &ca_file, std::string &error);

/* Makes msg accept a server certificate that chains to a CA in database
 * (takes its own reference). Network thread, before the message is sent. */
void trust_private_ca (SoupMessage *msg, GTlsDatabase *database);

/* load_private_ca + trust_private_ca; true and nothing done when ca_file is
 * empty (the system store alone decides). */
bool apply_tls_ca_file (SoupMessage *msg, const std::string &ca_file, std::string &error);

}  // namespace gemlive
