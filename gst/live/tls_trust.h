/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loading a private CA (the tls-ca-file property). The CA is trusted beside
 * the system store, for one connection only, without turning certificate
 * checks off: see WebSocketConnection::on_accept_certificate.
 */
#pragma once

#include <gio/gio.h>

#include <string>

namespace gemlive {

/* Loads a PEM CA bundle; nullptr with a readable error (naming the file,
 * never anything secret) when it cannot be read or holds no certificate. */
GTlsDatabase *load_private_ca (const std::string &ca_file, std::string &error);

}  // namespace gemlive
