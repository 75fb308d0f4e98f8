/* gst-gemini-live element tests: frames from a hostile server that the codec
 * must survive (issue 20, items 1 and 6): nesting bombs in every syntax
 * json-glib accepts, usageMetadata names that are not identifiers,
 * odd-length PCM. The real element against tests/hostile/attack_server.py.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "hostile_util.h"

using namespace gemlive::test;

GST_START_TEST (nesting_bomb_in_any_syntax_is_an_unparsable_frame_not_a_crash)
{
  /* Issue 20 item 1: a comment holding one '"', then {"x": and 80 000 '['
   * crashed the network thread (SIGSEGV); so did single-quoted strings,
   * which json-glib 1.6 also accepts. Line comments (which it does not)
   * and plain nesting are refused as well. */
  for (const char *variant : {"comment", "line-comment", "single-quote", "single-quote-escaped",
           "escaped-quote", "plain"}) {
    auto server = attack_server ("json-bomb", {"--variant", variant, "--depth", "80000"});
    GstElement *pipeline = live_pipeline (server->endpoint ());
    BusLog log;
    guint64 unparsable = 0;
    bool replied = play_until_turns (pipeline, 1, log, &unparsable);
    gst_object_unref (pipeline);
    ck_assert_msg (log.first_error ().empty (), "%s: error: %s", variant, log.first_error ().c_str ());
    ck_assert_msg (replied, "%s: the session did not go on after the bomb; bus:\n%s", variant,
        log.dump ().c_str ());
    ck_assert_msg (unparsable == 1, "%s: unparsable-frames is %" G_GUINT64_FORMAT ", expected 1",
        variant, unparsable);
  }
}
GST_END_TEST;

GST_START_TEST (usage_names_that_are_not_identifiers_never_become_bus_fields)
{
  auto server = attack_server ("usage-keys");
  GstElement *pipeline = live_pipeline (server->endpoint ());
  BusLog log;
  bool replied = play_until_turns (pipeline, 1, log);
  gst_object_unref (pipeline);
  ck_assert_msg (replied, "no reply; bus:\n%s", log.dump ().c_str ());
  auto usages = log.element_messages ("geminilive/usage");
  ck_assert_uint_eq (usages.size (), 1);
  const GstStructure *usage = usages[0];
  gchar *text = gst_structure_to_string (usage);
  std::string shown = text;
  g_free (text);
  /* The server sent "evil=(int)1, x", "esc\x1b[31m", "sp ace" and the
   * modality "A=(string)x" beside two real counts: only those two arrive. */
  ck_assert_msg (gst_structure_n_fields (usage) == 2, "fields: %s", shown.c_str ());
  gint64 total = 0, audio = 0;
  ck_assert_msg (gst_structure_get_int64 (usage, "total-token-count", &total) && total == 5,
      "%s", shown.c_str ());
  ck_assert_msg (gst_structure_get_int64 (usage, "response-tokens-details-audio", &audio)
      && audio == 3, "%s", shown.c_str ());
  ck_assert_msg (is_clean_text (shown), "escape in %s", shown.c_str ());
}
GST_END_TEST;

GST_START_TEST (odd_length_pcm_is_never_pushed_on_the_s16le_pad)
{
  /* Reply 1: 4801 + 4801 bytes (one sample split across the frames);
   * reply 2: 3 bytes, whose last byte has no partner. */
  auto server = attack_server ("odd-pcm");
  GstElement *pipeline = live_pipeline (server->endpoint ());
  GstElement *live = by_name (pipeline, "live");
  SrcRecord record;
  record.attach (live);
  gst_object_unref (live);
  BusLog log;
  bool replied = play_until_turns (pipeline, 2, log, nullptr,
      [&record] { return record.audio_bytes () >= 9604; });
  gst_object_unref (pipeline);
  ck_assert_msg (replied, "no replies; bus:\n%s", log.dump ().c_str ());
  for (const auto &item : record.snapshot ())
    if (item.what == "buffer")
      ck_assert_msg (item.size % 2 == 0, "a %" G_GSIZE_FORMAT "-byte buffer on the S16LE pad",
          item.size);
  /* Every whole sample arrived: 9602 of reply 1, 2 of reply 2. */
  ck_assert_uint_eq (record.audio_bytes (), 9604);
}
GST_END_TEST;

static Suite *
geminilive_hostile_codec_suite (void)
{
  Suite *s = suite_create ("geminilive-hostile-codec");
  TCase *tc = tcase_create ("hostile-codec");
  tcase_set_timeout (tc, 240);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, nesting_bomb_in_any_syntax_is_an_unparsable_frame_not_a_crash);
  tcase_add_test (tc, usage_names_that_are_not_identifiers_never_become_bus_fields);
  tcase_add_test (tc, odd_length_pcm_is_never_pushed_on_the_s16le_pad);
  return s;
}

GST_CHECK_MAIN (geminilive_hostile_codec);
