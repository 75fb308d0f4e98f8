/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a Live session does when a connection ends: resume at once, retry
 * after a backoff, start afresh, or give up. Pure (no I/O, no clock, no
 * threads): the session feeds it facts and a random seed; unit-tested in
 * tests/unit/test_reconnect_policy.cpp. The rules come from how the service
 * behaves (../../../shared/protocol.md, "Service behaviours"):
 * - after goAway the connection ends (1011 "Deadline expired…"): resume;
 * - 1006, 1011, 1012-1014, network errors, HTTP 429/5xx: transient, retry
 *   with exponential backoff and jitter, resuming with the newest handle;
 * - 1008 "session not found" answering a resumption: the handle is dead,
 *   start a fresh session once (never loop on it);
 * - 1007, other 1008s, HTTP 401/403/404: the request is wrong, fail at once.
 */
#pragma once

#include "live/protocol.h"

#include <cstdint>
#include <string>

namespace gemlive {

/* How a connection (and, when no reconnection follows, the session) ended. */
struct SessionEnd {
  enum class Kind {
    UNREACHABLE,        /* no TCP/TLS connection: see detail */
    HANDSHAKE_REFUSED,  /* HTTP answered the upgrade with http_status */
    CLOSED,             /* the WebSocket closed: close_code + reason */
    REQUEST_FAILED,     /* the request provider could not build a request: see detail */
    /* The server broke RFC 6455 (masked or reserved-bit frames, bad
     * fragments, a frame over the size limit): close_code 1002 or 1009,
     * detail libsoup's words. A broken service is not retried. */
    PROTOCOL_VIOLATION,
    /* A text frame that is not UTF-8: libsoup ends the connection over it
     * (close_code 1007); the frame is counted and the session resumes. */
    INVALID_TEXT_FRAME,
    /* The server sent faster than we read, or stopped reading what we send:
     * see detail. Retried like a drop. */
    OVERLOADED,
  };
  Kind kind = Kind::CLOSED;
  bool after_setup = false;   /* setupComplete had been received on this connection */
  int close_code = 0;         /* CLOSED: the peer's code; 1006 when no close frame came */
  std::string reason;         /* CLOSED: the peer's close reason, verbatim (may be empty) */
  unsigned http_status = 0;   /* HANDSHAKE_REFUSED */
  std::string detail;         /* transport error text from GIO/libsoup */
  std::string host_port;      /* "host:port" that was dialled */
  unsigned reconnect_attempts = 0;  /* failed reconnection attempts before this end */
  /* The connection ended within MIN_STABLE_MS of its setupComplete, one of
   * a run of such connections: see LiveSession. */
  bool short_lived = false;
};

/* A connection that ends sooner than this after its setupComplete, planned
 * (goAway) or not, counts as a failed attempt: a service that closes every
 * connection at once must end in an error, not a reconnection storm. */
constexpr int64_t MIN_STABLE_MS = 1000;

/* A short human-readable cause, e.g. "close 1011: Internal error occurred."
 * or "network error: Connection refused". Never contains a URL. */
std::string describe_end (const SessionEnd &end);

struct ReconnectSettings {
  static constexpr unsigned DEFAULT_MAX_ATTEMPTS = 5;
  static constexpr unsigned DEFAULT_INITIAL_DELAY_MS = 500;
  static constexpr unsigned DEFAULT_MAX_DELAY_MS = 15000;

  unsigned max_attempts = DEFAULT_MAX_ATTEMPTS;  /* 0: never reconnect after a failure */
  unsigned initial_delay_ms = DEFAULT_INITIAL_DELAY_MS;
  unsigned max_delay_ms = DEFAULT_MAX_DELAY_MS;
};

enum class EndAction {
  RESUME_NOW,     /* the expected end after goAway: reconnect at once */
  RETRY,          /* transient: reconnect after a backoff, if attempts remain */
  FRESH_SESSION,  /* the resumption handle was refused: forget it, connect at once */
  FAIL,           /* the request itself is wrong: report the end */
};

/* Facts about the session at the moment a connection ended. */
struct EndContext {
  bool go_away_received = false;  /* this connection got goAway */
  bool sent_handle = false;       /* this connection's setup carried a resumption handle */
  bool ever_ready = false;        /* some connection of the session reached setupComplete */
};

EndAction classify_end (const SessionEnd &end, const EndContext &context);

/* When to resume after goAway, from the server messages of one connection:
 * after the reply in progress (nothing is cut off; on extended thinking the
 * whole interaction, up to interactionStatus IDLE), at once when no reply is
 * in progress, and at the latest when half of timeLeft (at most
 * GO_AWAY_MARGIN_MS before the deadline) is left, because the server may go
 * silent after goAway. Fed every decoded message in order. */
class GoAwayPlanner {
public:
  static constexpr int64_t GO_AWAY_MARGIN_MS = 5000;
  enum class Step { NONE, RESUME_NOW, RESUME_AFTER };
  struct Decision {
    Step step = Step::NONE;
    int64_t delay_ms = 0;  /* RESUME_AFTER: the latest moment, from now */
  };

  /* A new connection. */
  void reset () { *this = GoAwayPlanner (); }
  Decision on_message (const ServerMessage &message);
  bool go_away_received () const { return go_away_; }
  bool in_reply () const { return in_reply_; }

private:
  bool in_reply_ = false;
  bool interaction_in_progress_ = false;  /* IN_PROGRESS, not yet IDLE */
  bool go_away_ = false;
};

/* Exponential backoff with "equal jitter": attempt n (1-based) waits between
 * half and all of min (max, initial * 2^(n-1)), so many clients cut off at the
 * same moment do not come back at the same moment, and no wait is ever
 * shorter than half the nominal delay. */
class Backoff {
public:
  Backoff (const ReconnectSettings &settings, uint64_t seed);

  /* Delay before attempt n (n >= 1), in ms. */
  unsigned delay_ms (unsigned attempt);
  /* Nominal (un-jittered) delay before attempt n. */
  unsigned nominal_delay_ms (unsigned attempt) const;

private:
  uint64_t next_random ();

  ReconnectSettings settings_;
  uint64_t state_;
};

}  // namespace gemlive
