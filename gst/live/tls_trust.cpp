/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See tls_trust.h.
 */
#include "live/tls_trust.h"

namespace gemlive {

GTlsDatabase *
load_private_ca (const std::string &ca_file, std::string &error)
{
  GError *gerror = nullptr;
  GTlsDatabase *database = g_tls_file_database_new (ca_file.c_str (), &gerror);
  if (database == nullptr) {
    error = "cannot use tls-ca-file \"" + ca_file + "\": "
        + (gerror != nullptr ? gerror->message : "unknown error");
    g_clear_error (&gerror);
    return nullptr;
  }
  /* GIO accepts an empty or certificate-free file; such a file would make
   * every handshake fail later with a vague error, so refuse it now. */
  GList *certs = g_tls_certificate_list_new_from_file (ca_file.c_str (), nullptr);
  const bool has_certificate = certs != nullptr;
  g_list_free_full (certs, g_object_unref);
  if (!has_certificate) {
    g_object_unref (database);
    error = "tls-ca-file \"" + ca_file + "\" holds no PEM certificate";
    return nullptr;
  }
  return database;
}

}  // namespace gemlive
