/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Turns the output transcription (a word or two every 80 ms) into caption
 * lines a person can read: fragments are gathered into a phrase until a
 * sentence ends, the speech pauses, the line gets long or the turn ends.
 * A line starts at the audio of its first word and lasts until a moment
 * after its last word, at least MIN_DURATION, so a live overlay (which sees
 * the line only once its last word was spoken) still shows it long enough.
 * Pure: no locking (the src task owns it), times passed in.
 */
#pragma once

#include <gst/gst.h>

#include <optional>
#include <string>

class CaptionLines {
public:
  static constexpr GstClockTime LINGER = 2500 * GST_MSECOND;      /* after the last word */
  static constexpr GstClockTime MIN_DURATION = 2 * GST_SECOND;
  static constexpr GstClockTime MAX_DURATION = 6 * GST_SECOND;
  static constexpr gint64 PAUSE_US = 1200 * 1000;                 /* no new word this long */
  static constexpr size_t MAX_CHARS = 84;                          /* two overlay lines or so */

  struct Line {
    std::string text;
    GstClockTime pts;
    GstClockTime duration;
  };

  /* A fragment heard at [pts, pts + duration) (duration may be NONE),
   * arriving at now_us (monotonic). A line it completes, if any. */
  std::optional<Line> add (const std::string &fragment, GstClockTime pts, GstClockTime duration,
      gint64 now_us)
  {
    if (!GST_CLOCK_TIME_IS_VALID (start_))
      start_ = pts;
    GstClockTime end = GST_CLOCK_TIME_IS_VALID (duration) ? pts + duration : pts;
    if (!GST_CLOCK_TIME_IS_VALID (end_) || end > end_)
      end_ = end;
    text_ += fragment;
    last_us_ = now_us;
    std::string trimmed = normalised ();
    if (ends_sentence (trimmed) || trimmed.size () >= MAX_CHARS)
      return take ();
    return std::nullopt;
  }
  /* The turn ended (turnComplete, barge-in, EOS): the line so far. */
  std::optional<Line> end_of_turn () { return take (); }
  /* The speech paused: the line so far, once no word came for PAUSE_US. */
  std::optional<Line> idle (gint64 now_us)
  {
    if (text_.empty () || now_us - last_us_ < PAUSE_US)
      return std::nullopt;
    return take ();
  }
  void reset () { *this = CaptionLines (); }

private:
  static bool ends_sentence (const std::string &text)
  {
    if (text.empty ())
      return false;
    char last = text.back ();
    return last == '.' || last == '!' || last == '?' || g_str_has_suffix (text.c_str (), "\u2026")
        || g_str_has_suffix (text.c_str (), "\u3002");
  }
  /* Whitespace runs collapsed to one space, none at either end. */
  std::string normalised () const
  {
    std::string out;
    bool space = false;
    for (char c : text_) {
      if (g_ascii_isspace (c)) {
        space = !out.empty ();
        continue;
      }
      if (space)
        out += ' ';
      space = false;
      out += c;
    }
    return out;
  }
  std::optional<Line> take ()
  {
    std::string text = normalised ();
    GstClockTime start = start_, end = end_;
    text_.clear ();
    start_ = end_ = GST_CLOCK_TIME_NONE;
    if (text.empty () || !GST_CLOCK_TIME_IS_VALID (start))
      return std::nullopt;
    GstClockTime duration = end - start + LINGER;
    duration = CLAMP (duration, MIN_DURATION, MAX_DURATION);
    return Line {text, start, duration};
  }

  std::string text_;
  GstClockTime start_ = GST_CLOCK_TIME_NONE;
  GstClockTime end_ = GST_CLOCK_TIME_NONE;
  gint64 last_us_ = 0;
};
