/* gst-gemini-live element tests: the element's pure helpers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Before gstcheck.h, whose check.h defines a macro `fail` (ReplyState::fail). */
#include "reply_state.h"

#include <gst/check/gstcheck.h>

#include "live/audio_chunker.h"
#include "live/output_queue.h"
#include "input_pacer.h"

#include <thread>

using gemlive::AudioChunker;
using gemlive::OutputItem;
using gemlive::OutputQueue;
using gemlive::OutputTimeline;

GST_START_TEST (chunker_cuts_40ms_chunks_and_keeps_the_rest)
{
  AudioChunker chunker;
  chunker.set_rate (16000);
  ck_assert_uint_eq (chunker.chunk_bytes (), 1280);  /* 40 ms at 16 kHz */
  std::vector<uint8_t> pcm (3000);
  for (size_t i = 0; i < pcm.size (); i++)
    pcm[i] = (uint8_t) i;
  auto chunks = chunker.push (pcm.data (), pcm.size ());
  ck_assert_uint_eq (chunks.size (), 2);
  ck_assert_uint_eq (chunks[0].size (), 1280);
  ck_assert_uint_eq (chunks[1][0], (uint8_t) 1280);
  ck_assert (chunker.has_pending ());
  auto rest = chunker.take_partial ();
  ck_assert_uint_eq (rest.size (), 3000 - 2560);
  ck_assert_uint_eq (rest[0], (uint8_t) 2560);
  ck_assert (!chunker.has_pending ());
}
GST_END_TEST;

GST_START_TEST (chunker_never_exceeds_50ms_at_any_rate)
{
  for (int rate : {8000, 11025, 16000, 22050, 44100, 48000}) {
    AudioChunker chunker;
    chunker.set_rate (rate);
    std::vector<uint8_t> pcm (rate);  /* 0.5 s */
    for (const auto &chunk : chunker.push (pcm.data (), pcm.size ())) {
      ck_assert_uint_le (chunk.size (), (size_t) rate * 2 / 20);
      ck_assert_uint_eq (chunk.size () % 2, 0);
    }
  }
}
GST_END_TEST;

GST_START_TEST (chunker_small_buffers_accumulate)
{
  AudioChunker chunker;
  chunker.set_rate (16000);
  std::vector<uint8_t> ten_ms (320);
  ck_assert (chunker.push (ten_ms.data (), ten_ms.size ()).empty ());
  ck_assert (chunker.push (ten_ms.data (), ten_ms.size ()).empty ());
  ck_assert (chunker.push (ten_ms.data (), ten_ms.size ()).empty ());
  ck_assert_uint_eq (chunker.push (ten_ms.data (), ten_ms.size ()).size (), 1);
  ck_assert (!chunker.has_pending ());
  chunker.push (ten_ms.data (), ten_ms.size ());
  chunker.reset ();
  ck_assert (!chunker.has_pending ());
}
GST_END_TEST;

GST_START_TEST (timeline_first_buffer_at_now_then_contiguous_without_drift)
{
  OutputTimeline timeline (24000);
  GstClockTime now = 5 * GST_SECOND;
  auto first = timeline.stamp (1000, now, 100 * GST_MSECOND);
  ck_assert (first.discont);
  ck_assert_uint_eq (first.pts, now);
  /* 1000 samples at 24 kHz is 41.666… ms: durations must add up exactly. */
  GstClockTime end = first.pts + first.duration;
  for (int i = 0; i < 999; i++) {
    auto next = timeline.stamp (1000, now, 100 * GST_MSECOND);
    ck_assert (!next.discont);
    ck_assert_uint_eq (next.pts, end);
    end = next.pts + next.duration;
  }
  ck_assert_uint_eq (end, now + gst_util_uint64_scale (1000 * 1000, GST_SECOND, 24000));
}
GST_END_TEST;

GST_START_TEST (timeline_restarts_with_discont_after_underrun_and_new_reply)
{
  OutputTimeline timeline (24000);
  auto a = timeline.stamp (2400, GST_SECOND, 100 * GST_MSECOND);  /* 100 ms */
  auto b = timeline.stamp (2400, GST_SECOND + 150 * GST_MSECOND, 100 * GST_MSECOND);
  ck_assert (!b.discont);  /* 50 ms late: within the latency */
  ck_assert_uint_eq (b.pts, a.pts + a.duration);
  auto c = timeline.stamp (2400, 2 * GST_SECOND, 100 * GST_MSECOND);
  ck_assert (c.discont);   /* 800 ms late: underrun */
  ck_assert_uint_eq (c.pts, 2 * GST_SECOND);
  timeline.start_new_reply ();
  auto d = timeline.stamp (2400, 2 * GST_SECOND + 10 * GST_MSECOND, 100 * GST_MSECOND);
  ck_assert (d.discont);
  /* The previous reply still plays until 2.1 s: the new one starts after it. */
  ck_assert_uint_eq (d.pts, c.pts + c.duration);
  timeline.start_new_reply ();
  auto e = timeline.stamp (2400, 9 * GST_SECOND, 100 * GST_MSECOND);
  ck_assert (e.discont);
  ck_assert_uint_eq (e.pts, 9 * GST_SECOND);
}
GST_END_TEST;

GST_START_TEST (timeline_without_clock_continues_from_zero)
{
  OutputTimeline timeline (24000);
  auto a = timeline.stamp (24000, GST_CLOCK_TIME_NONE, 100 * GST_MSECOND);
  ck_assert (a.discont);
  ck_assert_uint_eq (a.pts, 0);
  ck_assert_uint_eq (a.duration, GST_SECOND);
  timeline.start_new_reply ();
  auto b = timeline.stamp (24000, GST_CLOCK_TIME_NONE, 100 * GST_MSECOND);
  ck_assert_uint_eq (b.pts, GST_SECOND);
}
GST_END_TEST;

static OutputItem
audio (gsize size, bool reply_start = false)
{
  return OutputItem::audio (gst_allocator_alloc (nullptr, size, nullptr), reply_start);
}

GST_START_TEST (output_queue_drops_only_audio_and_unblocks_on_flushing)
{
  OutputQueue queue;
  queue.set_flushing (false);
  queue.push (audio (100, true));
  queue.push (audio (50));
  queue.push (OutputItem (OutputItem::Kind::EOS));
  ck_assert_uint_eq (queue.queued_audio_bytes (), 150);
  ck_assert_uint_eq (queue.drop_audio (), 150);
  OutputItem item;
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
  ck_assert (item.kind == OutputItem::Kind::EOS);
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::TIMEOUT);

  std::thread flusher ([&queue] {
    g_usleep (50 * 1000);
    queue.set_flushing (true);
  });
  /* Would wait 60 s; flushing must wake it. */
  gint64 start = g_get_monotonic_time ();
  ck_assert (queue.pop (item, 60 * G_USEC_PER_SEC) == OutputQueue::PopResult::FLUSHING);
  ck_assert_int_lt (g_get_monotonic_time () - start, 30 * G_USEC_PER_SEC);
  flusher.join ();
}
GST_END_TEST;

/* Items come out in the order they went in across wrap-around and growth,
 * and a barge-in keeps every control item, in order, wherever it sits. */
GST_START_TEST (output_queue_keeps_order_across_wrap_and_growth)
{
  OutputQueue queue;
  queue.set_flushing (false);
  OutputItem item;
  gsize next_in = 1, next_out = 1;
  for (int round = 0; round < 50; round++) {
    for (int i = 0; i < round % 13 + 1; i++)
      queue.push (audio (next_in++));
    for (int i = 0; i < round % 7 + 1 && next_out < next_in; i++) {
      ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
      ck_assert_uint_eq (item.memory->size, next_out++);
    }
  }
  gsize queued = 0;
  for (gsize size = next_out; size < next_in; size++)
    queued += size;
  ck_assert_uint_eq (queue.queued_audio_bytes (), queued);

  queue.push (OutputItem (OutputItem::Kind::FLUSH_STOP));
  queue.push (OutputItem (OutputItem::Kind::TEXT, gst_buffer_new ()));
  queue.push (audio (3));
  queue.push (OutputItem (OutputItem::Kind::EOS));
  ck_assert_uint_eq (queue.drop_audio (), queued + 3);
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
  ck_assert (item.kind == OutputItem::Kind::FLUSH_STOP);
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
  ck_assert (item.kind == OutputItem::Kind::EOS);
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::TIMEOUT);
  queue.push (audio (9));
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
  ck_assert_uint_eq (item.memory->size, 9);
}
GST_END_TEST;

/* What the src task may put in one buffer: audio of the reply it is pushing,
 * already queued, within the byte budget; never a new reply, a marker or
 * anything behind one. */
GST_START_TEST (output_queue_continuation_stops_at_reply_start_marker_and_budget)
{
  OutputQueue queue;
  queue.set_flushing (false);
  OutputItem item;
  ck_assert (!queue.pop_audio_continuation (item, 1000));  /* empty */

  queue.push (audio (100, true));
  queue.push (audio (200));
  queue.push (audio (300));
  queue.push (OutputItem (OutputItem::Kind::TEXT, gst_buffer_new ()));
  queue.push (audio (400));
  queue.push (audio (500, true));
  ck_assert (!queue.pop_audio_continuation (item, 1000));  /* the head starts a reply */
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
  ck_assert_uint_eq (item.memory->size, 100);
  ck_assert (!queue.pop_audio_continuation (item, 199));   /* over the budget */
  ck_assert (queue.pop_audio_continuation (item, 200));
  ck_assert_uint_eq (item.memory->size, 200);
  ck_assert (queue.pop_audio_continuation (item, 1000));
  ck_assert_uint_eq (item.memory->size, 300);
  ck_assert (!queue.pop_audio_continuation (item, 1000));  /* the transcript marker */
  ck_assert (queue.pop (item, 1000) == OutputQueue::PopResult::ITEM);
  ck_assert (item.kind == OutputItem::Kind::TEXT);
  ck_assert (queue.pop_audio_continuation (item, 1000));
  ck_assert_uint_eq (item.memory->size, 400);
  ck_assert (!queue.pop_audio_continuation (item, 1000));  /* the next reply */
  ck_assert_uint_eq (queue.queued_audio_bytes (), 500);
  queue.set_flushing (true);
  ck_assert (!queue.pop_audio_continuation (item, 1000));  /* flushing takes nothing */
  ck_assert_uint_eq (queue.queued_audio_bytes (), 500);
}
GST_END_TEST;

/* 2 ms of 24 kHz S16LE silence from the server. */
static gemlive::BytesPtr
reply_pcm ()
{
  static const guint8 pcm[96] = {0};
  return gemlive::BytesPtr (g_bytes_new (pcm, sizeof pcm));
}

using Status = gemlive::InteractionStatus;

GST_START_TEST (reply_state_turn_complete_ends_the_drain_on_ordinary_models)
{
  ReplyState reply;
  reply.reset (false);
  reply.connected ();
  bool start = false;
  ck_assert (reply.reply_audio (reply_pcm (), start) != nullptr);
  ck_assert (reply.input_ended (true) == ReplyState::InputEnd::DRAIN);
  ReplyState::TurnStep step = reply.server_turn (true, Status::NONE);
  ck_assert (step.reply_complete && step.turn_over && step.drained);
}
GST_END_TEST;

GST_START_TEST (reply_state_extended_thinking_drain_waits_for_idle)
{
  ReplyState reply;
  reply.reset (true);
  reply.connected ();
  bool start = false;
  ck_assert (reply.reply_audio (reply_pcm (), start) != nullptr && start);  /* the filler */
  ck_assert (reply.input_ended (true) == ReplyState::InputEnd::DRAIN);
  /* turnComplete without a status, then with IN_PROGRESS: neither ends the turn. */
  ReplyState::TurnStep step = reply.server_turn (true, Status::NONE);
  ck_assert (step.reply_complete && !step.turn_over && !step.drained);
  step = reply.server_turn (true, Status::IN_PROGRESS);
  ck_assert (step.reply_complete && !step.turn_over && !step.drained);
  /* The answer is still awaited: the quiet period does not end the drain. */
  ck_assert (!reply.quiet_after_input_end ());
  ck_assert (reply.reply_audio (reply_pcm (), start) != nullptr && start);  /* the answer */
  step = reply.server_turn (true, Status::IDLE);
  ck_assert (step.reply_complete && step.turn_over && step.drained);
  ck_assert (reply.reply_audio (reply_pcm (), start) == nullptr);  /* finished */
}
GST_END_TEST;

GST_START_TEST (reply_state_in_progress_defers_the_turn_end_on_any_model)
{
  ReplyState reply;
  reply.reset (false);  /* a model the catalog does not know */
  reply.connected ();
  ReplyState::TurnStep step = reply.server_turn (true, Status::IN_PROGRESS);
  ck_assert (step.reply_complete && !step.turn_over);
  step = reply.server_turn (true, Status::NONE);  /* still the same interaction */
  ck_assert (step.reply_complete && !step.turn_over);
  step = reply.server_turn (false, Status::WAITING_FOR_INPUT);  /* IDLE's sibling ends it */
  ck_assert (step.reply_complete && step.turn_over && !step.drained);
  /* The next turn ends at turnComplete again. */
  step = reply.server_turn (true, Status::NONE);
  ck_assert (step.turn_over);
  /* An IDLE alone, outside an interaction, ends nothing there. */
  step = reply.server_turn (false, Status::IDLE);
  ck_assert (!step.reply_complete && !step.turn_over);
  /* An interruption ends the interaction: the next turnComplete ends the turn. */
  reply.server_turn (true, Status::IN_PROGRESS);
  reply.interrupted ();
  step = reply.server_turn (true, Status::NONE);
  ck_assert (step.turn_over);
}
GST_END_TEST;

/* A live 16 kHz input: the pacer fills gaps but never waits. */
static void
live_16k (InputPacer &pacer)
{
  pacer.restart ();
  pacer.set_rate (16000);
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.base = 10 * GST_SECOND;  /* running time = 10 s + pts */
  pacer.set_segment (segment);
  pacer.set_upstream_live (true);
}

GST_START_TEST (pacer_fills_a_timestamp_jump_with_silence_and_ignores_jitter)
{
  InputPacer pacer;
  live_16k (pacer);
  ck_assert (pacer.needs_liveness () == false);
  auto gap = pacer.buffer_arrives (0, 1600);  /* 0-100 ms */
  ck_assert_uint_eq (gap.silence_samples, 0);
  gap = pacer.buffer_arrives (110 * GST_MSECOND, 1600);  /* 10 ms late: jitter */
  ck_assert_uint_eq (gap.silence_samples, 0);
  gap = pacer.buffer_arrives (2210 * GST_MSECOND, 1600);  /* 2 s after the end at 210 ms */
  ck_assert_uint_eq (gap.silence_samples, 2 * 16000);
  ck_assert (!gap.stream_end);
  gap = pacer.buffer_arrives (GST_CLOCK_TIME_NONE, 1600);  /* no timestamp: it follows */
  ck_assert_uint_eq (gap.silence_samples, 0);
  gap = pacer.buffer_arrives (2410 * GST_MSECOND, 1600);
  ck_assert_uint_eq (gap.silence_samples, 0);
}
GST_END_TEST;

GST_START_TEST (pacer_bounds_gap_silence_then_ends_the_stream_once)
{
  InputPacer pacer;
  live_16k (pacer);
  pacer.buffer_arrives (0, 1600);
  /* GAP events of 1 s each from the end of the audio on: 3 s are filled,
   * then audioStreamEnd once, then nothing until audio returns. */
  guint64 silence = 0;
  int ends = 0;
  for (int i = 0; i < 5; i++) {
    auto gap = pacer.gap_event (100 * GST_MSECOND + i * GST_SECOND, GST_SECOND);
    silence += gap.silence_samples;
    ends += gap.stream_end;
  }
  ck_assert_uint_eq (silence, 3 * 16000);
  ck_assert_int_eq (ends, 1);
  /* Audio again, then a 1 s jump: the bound starts over. */
  auto gap = pacer.buffer_arrives (5100 * GST_MSECOND, 1600);
  ck_assert_uint_eq (gap.silence_samples, 0);  /* the GAP events covered it */
  gap = pacer.buffer_arrives (6200 * GST_MSECOND, 1600);
  ck_assert_uint_eq (gap.silence_samples, 16000);
  ck_assert (!gap.stream_end);
}
GST_END_TEST;

GST_START_TEST (pacer_paces_input_that_is_not_live_and_wakes_on_flushing_and_off)
{
  InputPacer pacer;
  pacer.restart ();
  pacer.set_rate (16000);
  pacer.set_upstream_live (false);
  gint64 start = g_get_monotonic_time ();
  for (int i = 0; i < 10; i++)  /* 10 x 20 ms: the last is due 180 ms after the first */
    ck_assert (pacer.wait_to_send (320));
  gint64 took_ms = (g_get_monotonic_time () - start) / 1000;
  ck_assert_msg (took_ms >= 175, "10 slices of 20 ms took %" G_GINT64_FORMAT " ms", took_ms);
  /* The next slice is due in 20 ms; one due far later waits until woken. */
  pacer.wait_to_send (16000 * 600);  /* 600 s counted as sent */
  std::thread flusher ([&pacer] {
    g_usleep (100 * 1000);
    pacer.set_flushing (true);
  });
  start = g_get_monotonic_time ();
  ck_assert (!pacer.wait_to_send (320));
  flusher.join ();
  ck_assert ((g_get_monotonic_time () - start) < 30 * G_USEC_PER_SEC);
  pacer.set_flushing (false);
  std::thread switch_off ([&pacer] {
    g_usleep (100 * 1000);
    pacer.set_mode (InputPacer::Mode::OFF);
  });
  start = g_get_monotonic_time ();
  ck_assert (pacer.wait_to_send (320));
  switch_off.join ();
  ck_assert ((g_get_monotonic_time () - start) < 30 * G_USEC_PER_SEC);
}
GST_END_TEST;

static Suite *
geminilive_units_suite (void)
{
  Suite *s = suite_create ("geminilive-units");
  TCase *tc = tcase_create ("units");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, chunker_cuts_40ms_chunks_and_keeps_the_rest);
  tcase_add_test (tc, chunker_never_exceeds_50ms_at_any_rate);
  tcase_add_test (tc, chunker_small_buffers_accumulate);
  tcase_add_test (tc, timeline_first_buffer_at_now_then_contiguous_without_drift);
  tcase_add_test (tc, timeline_restarts_with_discont_after_underrun_and_new_reply);
  tcase_add_test (tc, timeline_without_clock_continues_from_zero);
  tcase_add_test (tc, output_queue_drops_only_audio_and_unblocks_on_flushing);
  tcase_add_test (tc, output_queue_keeps_order_across_wrap_and_growth);
  tcase_add_test (tc, output_queue_continuation_stops_at_reply_start_marker_and_budget);
  tcase_add_test (tc, reply_state_turn_complete_ends_the_drain_on_ordinary_models);
  tcase_add_test (tc, reply_state_extended_thinking_drain_waits_for_idle);
  tcase_add_test (tc, reply_state_in_progress_defers_the_turn_end_on_any_model);
  tcase_add_test (tc, pacer_fills_a_timestamp_jump_with_silence_and_ignores_jitter);
  tcase_add_test (tc, pacer_bounds_gap_silence_then_ends_the_stream_once);
  tcase_add_test (tc, pacer_paces_input_that_is_not_live_and_wakes_on_flushing_and_off);
  return s;
}

GST_CHECK_MAIN (geminilive_units);
