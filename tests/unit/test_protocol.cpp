/* gst-gemini-live unit tests: the wire codec and the endpoint builder.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-protocol WIRE_DIR [g_test options]
 *
 * The decode, encode and endpoint cases live in test_decode.cpp,
 * test_encode.cpp and test_endpoint.cpp; the reply metadata the built-in
 * tools add (serverContent.urlContextMetadata, .waitingForInput) is here.
 */
#include "unit_helpers.h"

#include "live/protocol.h"
#include "live/protocol_decode.h"

#include <glib.h>

#include <cstring>
#include <string>

namespace {

using namespace gemlive;
using gemlive::unittest::assert_str;
using gemlive::unittest::read_wire;

ServerMessage
decode_ok (const std::string &text)
{
  DecodeResult result = decode_server_message (text.data (), text.size ());
  if (!result.message)
    g_error ("frame was refused (%s): %s", result.error.c_str (), text.c_str ());
  return std::move (*result.message);
}

/* The error of a refused frame; fails the test when the frame was accepted. */
std::string
decode_error (const std::string &text)
{
  DecodeResult result = decode_server_message (text.data (), text.size ());
  if (result.message)
    g_error ("frame was accepted but must be refused: %s", text.c_str ());
  return result.error;
}

void
assert_error_names (const std::string &frame, const char *path, const char *what)
{
  std::string error = decode_error (frame);
  if (error.find (path) == std::string::npos || error.find (what) == std::string::npos)
    g_error ("error for %s is \"%s\"; expected it to name %s and say \"%s\"", frame.c_str (),
        error.c_str (), path, what);
}

void
test_url_context_metadata_wire_vector_decodes ()
{
  ServerMessage msg = decode_ok (read_wire ("server-url-context-metadata.json"));
  g_assert_true (msg.url_context.has_value ());
  const auto &urls = msg.url_context->urls;
  g_assert_cmpuint (urls.size (), ==, 2);
  assert_str (urls[0].url, "https://ai.google.dev/gemini-api/docs/live");
  assert_str (urls[0].status, "success");
  assert_str (urls[1].url, "https://news.example.com/subscribers-only");
  assert_str (urls[1].status, "paywall");
  g_assert_true (msg.unknown_fields.empty ());
  g_assert_false (msg.waiting_for_input);
}

void
test_url_statuses_become_short_names ()
{
  ServerMessage msg = decode_ok (R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[
      {"retrievedUrl":"https://a.example/","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_SUCCESS"},
      {"retrievedUrl":"https://b.example/","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_ERROR"},
      {"retrievedUrl":"https://c.example/","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_PAYWALL"},
      {"retrievedUrl":"https://d.example/","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_UNSAFE"},
      {"retrievedUrl":"https://e.example/","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_UNSPECIFIED"},
      {"retrievedUrl":"https://f.example/"},
      {"retrievedUrl":"https://g.example/","urlRetrievalStatus":null},
      {"retrievedUrl":"https://h.example/","urlRetrievalStatus":3},
      {"urlRetrievalStatus":"URL_RETRIEVAL_STATUS_ERROR"}]}}})");
  g_assert_true (msg.url_context.has_value ());
  const auto &urls = msg.url_context->urls;
  g_assert_cmpuint (urls.size (), ==, 9);
  const char *const expected[] = {"success", "error", "paywall", "unsafe", "unspecified",
    "unspecified", "unspecified", "paywall", "error"};
  for (size_t i = 0; i < urls.size (); i++)
    assert_str (urls[i].status, expected[i]);
  assert_str (urls[0].url, "https://a.example/");
  /* Absent (proto3 default) is the empty string, not an error. */
  assert_str (urls[8].url, "");
  g_assert_true (msg.unknown_fields.empty ());
}

void
test_unknown_url_status_is_passed_through ()
{
  /* Statuses newer than the codec reach the application as written. */
  ServerMessage msg = decode_ok (R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[
      {"retrievedUrl":"https://a.example/","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_TIMEOUT"},
      {"retrievedUrl":"https://b.example/","urlRetrievalStatus":"BLOCKED_BY_ROBOTS"},
      {"retrievedUrl":"https://c.example/","urlRetrievalStatus":7}]}}})");
  const auto &urls = msg.url_context->urls;
  g_assert_cmpuint (urls.size (), ==, 3);
  assert_str (urls[0].status, "URL_RETRIEVAL_STATUS_TIMEOUT");
  assert_str (urls[1].status, "BLOCKED_BY_ROBOTS");
  assert_str (urls[2].status, "7");
}

void
test_url_context_accepts_snake_case_and_empty_lists ()
{
  ServerMessage msg = decode_ok (R"({"server_content":{"url_context_metadata":{"url_metadata":[
      {"retrieved_url":"https://a.example/","url_retrieval_status":"URL_RETRIEVAL_STATUS_UNSAFE"}]},
      "waiting_for_input":true}})");
  g_assert_true (msg.url_context.has_value ());
  g_assert_cmpuint (msg.url_context->urls.size (), ==, 1);
  assert_str (msg.url_context->urls[0].url, "https://a.example/");
  assert_str (msg.url_context->urls[0].status, "unsafe");
  g_assert_true (msg.waiting_for_input);
  g_assert_true (msg.unknown_fields.empty ());

  /* An empty metadata object still says the tool ran: reported with no URLs. */
  for (const char *frame : {R"({"serverContent":{"urlContextMetadata":{}}})",
           R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[]}}})",
           R"({"serverContent":{"urlContextMetadata":{"urlMetadata":null}}})"}) {
    ServerMessage empty = decode_ok (frame);
    g_assert_true (empty.url_context.has_value ());
    g_assert_true (empty.url_context->urls.empty ());
  }
  /* null is proto3's "not set". */
  g_assert_false (decode_ok (R"({"serverContent":{"urlContextMetadata":null}})")
                      .url_context.has_value ());
}

void
test_malformed_url_context_names_the_path ()
{
  assert_error_names (R"({"serverContent":{"urlContextMetadata":[]}})",
      "serverContent.urlContextMetadata", "expected an object, got an array");
  assert_error_names (R"({"serverContent":{"urlContextMetadata":{"urlMetadata":{}}}})",
      "serverContent.urlContextMetadata.urlMetadata", "expected an array, got an object");
  assert_error_names (R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[{}, "x"]}}})",
      "serverContent.urlContextMetadata.urlMetadata[1]", "expected an object, got a string");
  assert_error_names (
      R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[{"retrievedUrl":5}]}}})",
      "serverContent.urlContextMetadata.urlMetadata[0].retrievedUrl",
      "expected a string, got a number");
  assert_error_names (R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[
      {"retrievedUrl":"https://a.example/"},
      {"retrievedUrl":"https://b.example/","urlRetrievalStatus":true}]}}})",
      "serverContent.urlContextMetadata.urlMetadata[1].urlRetrievalStatus", "got a boolean");
  assert_error_names (R"({"serverContent":{"urlContextMetadata":{"urlMetadata":[
      {"urlRetrievalStatus":{"name":"SUCCESS"}}]}}})",
      "serverContent.urlContextMetadata.urlMetadata[0].urlRetrievalStatus", "got an object");
}

void
test_waiting_for_input_is_decoded ()
{
  ServerMessage msg = decode_ok (read_wire ("server-waiting-for-input.json"));
  g_assert_true (msg.waiting_for_input);
  g_assert_true (msg.unknown_fields.empty ());
  g_assert_false (msg.url_context.has_value ());

  g_assert_false (decode_ok (R"({"serverContent":{"waitingForInput":false}})").waiting_for_input);
  g_assert_false (decode_ok (R"({"serverContent":{"waitingForInput":null}})").waiting_for_input);
  g_assert_false (decode_ok (R"({"serverContent":{"turnComplete":true}})").waiting_for_input);

  /* Beside the end of a turn: both are reported. */
  ServerMessage both = decode_ok (
      R"({"serverContent":{"turnComplete":true,"waitingForInput":true}})");
  g_assert_true (both.turn_complete);
  g_assert_true (both.waiting_for_input);

  assert_error_names (R"({"serverContent":{"waitingForInput":"yes"}})",
      "serverContent.waitingForInput", "must be a boolean, not a string");
  assert_error_names (R"({"serverContent":{"waiting_for_input":1}})",
      "serverContent.waitingForInput", "must be a boolean, not a number");
}

void
test_fast_path_hands_metadata_frames_to_the_general_decoder ()
{
  /* Audio beside either field is not the audio-only shape: the fast path
   * must decline, and the general decoder must read both the audio and the
   * metadata. */
  const std::string audio = R"({"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AQI="}})";
  const std::string frames[] = {
    R"({"serverContent":{"modelTurn":{"parts":[)" + audio + R"(]},"waitingForInput":true}})",
    R"({"serverContent":{"modelTurn":{"parts":[)" + audio
        + R"(]},"urlContextMetadata":{"urlMetadata":[{"retrievedUrl":"https://a.example/",)"
        + R"("urlRetrievalStatus":"URL_RETRIEVAL_STATUS_SUCCESS"}]}}})",
  };
  for (const auto &frame : frames) {
    g_assert_false (decode_internal::decode_audio_frame_fast (frame.data (), frame.size ())
                        .has_value ());
    ServerMessage msg = decode_ok (frame);
    g_assert_cmpuint (msg.audio.size (), ==, 1);
    g_assert_cmpuint (g_bytes_get_size (msg.audio[0].get ()), ==, 2);
    g_assert_true (msg.waiting_for_input || msg.url_context.has_value ());
    g_assert_true (msg.unknown_fields.empty ());
  }
}

void
register_metadata_tests ()
{
  g_test_add_func ("/decode/url-context-metadata-wire-vector-decodes",
      test_url_context_metadata_wire_vector_decodes);
  g_test_add_func ("/decode/url-statuses-become-short-names",
      test_url_statuses_become_short_names);
  g_test_add_func ("/decode/unknown-url-status-is-passed-through",
      test_unknown_url_status_is_passed_through);
  g_test_add_func ("/decode/url-context-accepts-snake-case-and-empty-lists",
      test_url_context_accepts_snake_case_and_empty_lists);
  g_test_add_func ("/decode/malformed-url-context-names-the-path",
      test_malformed_url_context_names_the_path);
  g_test_add_func ("/decode/waiting-for-input-is-decoded", test_waiting_for_input_is_decoded);
  g_test_add_func ("/decode/fast-path-hands-metadata-frames-to-the-general-decoder",
      test_fast_path_hands_metadata_frames_to_the_general_decoder);
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  if (argc < 2)
    g_error ("usage: %s WIRE_DIR (the directory of client-*.json and server-*.json)", argv[0]);
  gemlive::unittest::set_wire_dir (argv[1]);

  gemlive::unittest::register_decode_tests ();
  gemlive::unittest::register_encode_tests ();
  gemlive::unittest::register_endpoint_tests ();
  register_metadata_tests ();
  return g_test_run ();
}
