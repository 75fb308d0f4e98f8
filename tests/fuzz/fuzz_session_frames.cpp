/* libFuzzer target: a connection's worth of arbitrary server frames
 * (one per line) through the decoder and the session's per-connection logic
 * (GoAwayPlanner: when to resume after goAway) and close classification. It
 * must never crash, and a resumption may only be planned after a goAway,
 * never later than the goAway's timeLeft.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/protocol.h"
#include "live/reconnect_policy.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  using namespace gemlive;
  const char *text = reinterpret_cast<const char *> (data);
  GoAwayPlanner planner;
  std::string newest_handle;
  int64_t time_left = -1;
  size_t start = 0;
  while (start <= size) {
    size_t end = start;
    while (end < size && text[end] != '\n')
      end++;
    auto decoded = decode_server_message (text + start, end - start);
    if (decoded.message) {
      const ServerMessage &message = *decoded.message;
      if (message.go_away && time_left < 0)
        time_left = std::max<int64_t> (message.go_away->time_left_ms, 0);
      if (message.resumption_update && message.resumption_update->resumable
          && !message.resumption_update->new_handle.empty ())
        newest_handle = message.resumption_update->new_handle;
      auto decision = planner.on_message (message);
      if (decision.step != GoAwayPlanner::Step::NONE && !planner.go_away_received ())
        abort ();  /* resuming without goAway */
      if (decision.step == GoAwayPlanner::Step::RESUME_AFTER
          && (decision.delay_ms < 0 || decision.delay_ms > time_left))
        abort ();  /* past the deadline */
      if (decision.step == GoAwayPlanner::Step::RESUME_NOW)
        break;  /* the connection is closed here */
    }
    start = end + 1;
  }

  /* The bytes as a close: code from the first two, reason from the rest. */
  SessionEnd end;
  end.kind = SessionEnd::Kind::CLOSED;
  end.close_code = size >= 2 ? (data[0] << 8 | data[1]) : 1006;
  end.reason.assign (text, size > 123 ? 123 : size);
  end.after_setup = size % 2;
  EndContext context;
  context.go_away_received = planner.go_away_received ();
  context.sent_handle = !newest_handle.empty ();
  context.ever_ready = size % 3 == 0;
  auto action = classify_end (end, context);
  if (action == EndAction::FRESH_SESSION && !context.sent_handle)
    abort ();  /* a fresh-session fallback needs a handle that was refused */
  (void) describe_end (end);
  return 0;
}
