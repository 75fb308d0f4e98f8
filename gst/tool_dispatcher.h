/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs queued work on one named thread ("geminilive-tools"), in order, so a
 * slow tool-call handler never stalls the network thread (and with it the
 * audio of every session). The thread starts with the first work; the
 * destructor lets queued work finish and joins it (or detaches when it runs
 * on that thread, which happens when the last reference to the element goes
 * there).
 */
#pragma once

#include <glib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

class ToolDispatcher {
public:
  ToolDispatcher () : state_ (std::make_shared<State> ()) {}
  ~ToolDispatcher ()
  {
    {
      std::lock_guard<std::mutex> guard (state_->lock);
      state_->stopping = true;
    }
    state_->cond.notify_all ();
    if (!thread_)
      return;
    if (g_thread_self () == thread_)
      g_thread_unref (thread_);
    else
      g_thread_join (thread_);
  }
  ToolDispatcher (const ToolDispatcher &) = delete;
  ToolDispatcher &operator= (const ToolDispatcher &) = delete;

  void post (std::function<void ()> work)
  {
    {
      std::lock_guard<std::mutex> guard (state_->lock);
      state_->queue.push_back (std::move (work));
      if (!thread_)
        thread_ = g_thread_new ("geminilive-tools", run, new std::shared_ptr<State> (state_));
    }
    state_->cond.notify_one ();
  }

private:
  struct State {
    std::mutex lock;
    std::condition_variable cond;
    std::deque<std::function<void ()>> queue;
    bool stopping = false;
  };

  static gpointer run (gpointer data)
  {
    std::shared_ptr<State> state = *static_cast<std::shared_ptr<State> *> (data);
    delete static_cast<std::shared_ptr<State> *> (data);
    for (;;) {
      std::function<void ()> work;
      {
        std::unique_lock<std::mutex> guard (state->lock);
        state->cond.wait (guard, [&state] { return state->stopping || !state->queue.empty (); });
        if (state->queue.empty ())
          return nullptr;
        work = std::move (state->queue.front ());
        state->queue.pop_front ();
      }
      work ();
    }
  }

  std::shared_ptr<State> state_;
  GThread *thread_ = nullptr;  /* under state_->lock */
};
