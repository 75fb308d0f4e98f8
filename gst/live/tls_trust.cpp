/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See tls_trust.h.
 */
#include "live/tls_trust.h"

namespace gemlive {

namespace {

gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *certificate,
    GTlsCertificateFlags errors, gpointer data)
{
  (void) errors;  /* the system store's verdict; ours replaces it */
  auto database = static_cast<GTlsDatabase *> (data);
  GUri *uri = soup_message_get_uri (msg);
  int port = g_uri_get_port (uri);
  /* The identity is the host that was dialled, so a certificate for another
   * name fails here exactly as it would against the system store. */
  GSocketConnectable *identity = g_network_address_new (g_uri_get_host (uri),
      port > 0 ? static_cast<guint16> (port) : 443);
  GError *error = nullptr;
  GTlsCertificateFlags verdict = g_tls_database_verify_chain (database, certificate,
      G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, nullptr,
      G_TLS_DATABASE_VERIFY_NONE, nullptr, &error);
  g_object_unref (identity);
  const bool trusted = error == nullptr && verdict == 0;
  g_clear_error (&error);
  return trusted ? TRUE : FALSE;
}

void
release_database (gpointer data, GClosure *)
{
  g_object_unref (data);
}

}  // namespace

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

void
trust_private_ca (SoupMessage *msg, GTlsDatabase *database)
{
  g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (on_accept_certificate),
      g_object_ref (database), release_database, static_cast<GConnectFlags> (0));
}

bool
apply_tls_ca_file (SoupMessage *msg, const std::string &ca_file, std::string &error)
{
  if (ca_file.empty ())
    return true;
  GTlsDatabase *database = load_private_ca (ca_file, error);
  if (database == nullptr)
    return false;
  trust_private_ca (msg, database);
  g_object_unref (database);
  return true;
}

}  // namespace gemlive
