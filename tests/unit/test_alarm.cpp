/* gst-gemini-live unit tests: the network thread's scheduler
 * (gemlive::Alarm and NetworkThread::invoke, gst/live/network_thread.h).
 * All alarms of a process share one GSource; these tests pin down the
 * guarantees the sessions and the element rely on.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live/network_thread.h"

#include <glib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using namespace gemlive;

/* Polls pred for up to timeout_ms. */
template <typename Pred>
bool
wait_until (Pred pred, int timeout_ms = 5000)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  while (!pred ()) {
    if (g_get_monotonic_time () > end)
      return false;
    g_usleep (500);
  }
  return true;
}

/* Holds the network thread inside an invoke until release () (or
 * destruction). The state is shared: the invoke may still be unlocking it
 * after the Blocker is gone. */
class Blocker {
public:
  explicit Blocker (NetworkThread &thread) : state_ (std::make_shared<State> ())
  {
    auto state = state_;
    thread.invoke ([state] {
      std::unique_lock<std::mutex> lock (state->lock);
      state->entered = true;
      state->cond.notify_all ();
      state->cond.wait (lock, [&state] { return state->released; });
    });
    std::unique_lock<std::mutex> lock (state_->lock);
    state_->cond.wait (lock, [this] { return state_->entered; });
  }
  ~Blocker () { release (); }
  void release ()
  {
    std::lock_guard<std::mutex> guard (state_->lock);
    state_->released = true;
    state_->cond.notify_all ();
  }

private:
  struct State {
    std::mutex lock;
    std::condition_variable cond;
    bool entered = false;
    bool released = false;
  };
  std::shared_ptr<State> state_;
};

void
test_alarms_fire_in_deadline_order_and_never_early ()
{
  auto thread = NetworkThread::acquire ();
  std::mutex lock;
  std::vector<int> order;
  std::vector<gint64> fired_at (40), deadline (40);
  std::vector<std::unique_ptr<Alarm>> alarms;
  for (int i = 0; i < 40; i++) {
    alarms.push_back (std::make_unique<Alarm> (*thread, [&, i] {
      std::lock_guard<std::mutex> guard (lock);
      fired_at[i] = g_get_monotonic_time ();
      order.push_back (i);
    }));
  }
  /* Armed in a shuffled order, 3 ms apart. */
  gint64 base = g_get_monotonic_time () + 20000;
  std::vector<int> shuffled (40);
  for (int i = 0; i < 40; i++)
    shuffled[i] = (i * 17) % 40;
  for (int i : shuffled) {
    deadline[i] = base + i * 3000;
    alarms[i]->fire_at (deadline[i]);
  }
  g_assert_true (wait_until ([&] {
    std::lock_guard<std::mutex> guard (lock);
    return order.size () == 40;
  }));
  for (int i = 0; i < 40; i++) {
    g_assert_cmpint (order[i], ==, i);
    g_assert_cmpint (fired_at[i], >=, deadline[i]);
  }
}

void
test_fire_now_from_other_threads_is_coalesced ()
{
  auto thread = NetworkThread::acquire ();
  std::atomic<int> runs {0};
  Alarm alarm (*thread, [&runs] { runs++; });
  guint64 before;
  {
    Blocker blocker (*thread);
    before = thread->wakeups ();
    /* The loop is busy dispatching: it prepares again afterwards, so no
     * wake-up is needed at all, and one alarm armed 100 times runs once. */
    for (int i = 0; i < 100; i++)
      alarm.fire_now ();
    g_assert_cmpuint (thread->wakeups (), ==, before);
  }
  g_assert_true (wait_until ([&runs] { return runs.load () == 1; }));
  g_usleep (20000);
  g_assert_cmpint (runs.load (), ==, 1);

  /* While the loop sleeps, the first of many fire_now () calls wakes it and
   * the rest ride on that wake-up until it prepares again. */
  std::vector<std::unique_ptr<Alarm>> many;
  std::atomic<int> many_runs {0};
  for (int i = 0; i < 1000; i++)
    many.push_back (std::make_unique<Alarm> (*thread, [&many_runs] { many_runs++; }));
  g_usleep (10000);
  before = thread->wakeups ();
  for (auto &a : many)
    a->fire_now ();
  g_assert_true (wait_until ([&many_runs] { return many_runs.load () == 1000; }));
  guint64 woken = thread->wakeups () - before;
  g_assert_cmpuint (woken, >=, 1);
  g_assert_cmpuint (woken, <, 1000);
}

void
test_cancel_keeps_an_armed_alarm_from_firing ()
{
  auto thread = NetworkThread::acquire ();
  std::atomic<int> runs {0};
  Alarm alarm (*thread, [&runs] { runs++; });
  alarm.fire_at (g_get_monotonic_time () + 30000);
  alarm.cancel ();
  {
    /* Cancelled after it became due, before the loop got to it. */
    Blocker blocker (*thread);
    alarm.fire_now ();
    alarm.cancel ();
  }
  g_usleep (80000);
  g_assert_cmpint (runs.load (), ==, 0);
  /* Usable again after a cancel. */
  alarm.fire_now ();
  g_assert_true (wait_until ([&runs] { return runs.load () == 1; }));
}

void
test_an_earlier_deadline_wins ()
{
  auto thread = NetworkThread::acquire ();
  std::atomic<gint64> fired {0};
  std::atomic<int> runs {0};
  Alarm alarm (*thread, [&] {
    fired = g_get_monotonic_time ();
    runs++;
  });

  /* Re-armed earlier: fires at the earlier time. */
  gint64 start = g_get_monotonic_time ();
  alarm.fire_at (start + 2 * G_USEC_PER_SEC);
  alarm.fire_at (start + 20000);
  g_assert_true (wait_until ([&runs] { return runs.load () == 1; }));
  g_assert_cmpint (fired.load () - start, >=, 20000);
  g_assert_cmpint (fired.load () - start, <, G_USEC_PER_SEC);

  /* Re-armed later: the earlier deadline already armed is kept, once. */
  start = g_get_monotonic_time ();
  alarm.fire_at (start + 20000);
  alarm.fire_at (start + 2 * G_USEC_PER_SEC);
  g_assert_true (wait_until ([&runs] { return runs.load () == 2; }));
  g_assert_cmpint (fired.load () - start, <, G_USEC_PER_SEC);
  g_usleep (50000);
  g_assert_cmpint (runs.load (), ==, 2);
}

void
test_a_callback_may_rearm_itself_without_starving_others ()
{
  auto thread = NetworkThread::acquire ();
  std::atomic<int> self_runs {0}, other_runs {0};
  std::unique_ptr<Alarm> self_rearming;
  self_rearming = std::make_unique<Alarm> (*thread, [&] {
    if (++self_runs < 200)
      self_rearming->fire_now ();
  });
  Alarm other (*thread, [&other_runs] { other_runs++; });
  self_rearming->fire_now ();
  other.fire_at (g_get_monotonic_time () + 1000);
  g_assert_true (wait_until ([&] { return self_runs.load () == 200 && other_runs.load () == 1; }));
  self_rearming.reset ();
}

void
test_destroying_an_alarm_inside_another_callback_stops_it ()
{
  auto thread = NetworkThread::acquire ();
  std::atomic<int> victim_runs {0};
  std::atomic<bool> killer_ran {false};
  auto victim = std::make_unique<Alarm> (*thread, [&victim_runs] { victim_runs++; });
  Alarm killer (*thread, [&] {
    victim.reset ();  /* on the network thread, while victim is due too */
    killer_ran = true;
  });
  {
    Blocker blocker (*thread);
    /* Both due in the same dispatch; the killer's deadline is earlier. */
    killer.fire_at (1);
    victim->fire_at (2);
  }
  g_assert_true (wait_until ([&killer_ran] { return killer_ran.load (); }));
  g_usleep (20000);
  g_assert_cmpint (victim_runs.load (), ==, 0);

  /* And from an invoke. */
  auto second = std::make_unique<Alarm> (*thread, [&victim_runs] { victim_runs++; });
  std::atomic<bool> invoked {false};
  {
    Blocker blocker (*thread);
    second->fire_now ();
    thread->invoke ([&] {
      second.reset ();
      invoked = true;
    });
  }
  g_assert_true (wait_until ([&invoked] { return invoked.load (); }));
  g_usleep (20000);
  g_assert_cmpint (victim_runs.load (), ==, 0);
}

void
test_destroying_from_another_thread_waits_for_a_running_callback ()
{
  auto thread = NetworkThread::acquire ();
  std::atomic<bool> started {false}, finished {false};
  std::atomic<int> runs {0};
  auto alarm = std::make_unique<Alarm> (*thread, [&] {
    runs++;
    started = true;
    g_usleep (100000);
    finished = true;
  });
  alarm->fire_now ();
  g_assert_true (wait_until ([&started] { return started.load (); }));
  alarm->fire_now ();  /* armed again while running: must not run after ~Alarm */
  alarm.reset ();
  g_assert_true (finished.load ());
  g_usleep (50000);
  g_assert_cmpint (runs.load (), ==, 1);
}

void
test_many_alarms_from_many_threads_fire_exactly_once ()
{
  auto thread = NetworkThread::acquire ();
  constexpr int COUNT = 2000;
  std::vector<std::atomic<int>> runs (COUNT);
  std::vector<gint64> deadline (COUNT);
  std::atomic<int> early {0};
  std::vector<std::unique_ptr<Alarm>> alarms;
  for (int i = 0; i < COUNT; i++) {
    alarms.push_back (std::make_unique<Alarm> (*thread, [&, i] {
      if (g_get_monotonic_time () < deadline[i])
        early++;
      runs[i]++;
    }));
  }
  gint64 base = g_get_monotonic_time () + 10000;
  for (int i = 0; i < COUNT; i++)
    deadline[i] = base + g_random_int_range (0, 100000);
  std::vector<std::thread> armers;
  for (int t = 0; t < 4; t++) {
    armers.emplace_back ([&, t] {
      for (int i = t; i < COUNT; i += 4) {
        alarms[i]->fire_at (deadline[i] + 50000);  /* later: loses */
        alarms[i]->fire_at (deadline[i]);
        alarms[i]->fire_at (deadline[i] + 1000);   /* later: loses */
      }
    });
  }
  for (auto &armer : armers)
    armer.join ();
  g_assert_true (wait_until ([&] {
    return std::all_of (runs.begin (), runs.end (), [] (const std::atomic<int> &r) {
      return r.load () >= 1;
    });
  }));
  g_usleep (80000);
  for (int i = 0; i < COUNT; i++)
    g_assert_cmpint (runs[i].load (), ==, 1);
  g_assert_cmpint (early.load (), ==, 0);
  /* Destroyed from this thread while nothing is armed: no waiting. */
  alarms.clear ();
}

void
test_invoke_runs_in_call_order_and_invoke_sync_waits ()
{
  auto thread = NetworkThread::acquire ();
  std::mutex lock;
  std::vector<int> order;
  for (int i = 0; i < 100; i++) {
    thread->invoke ([&, i] {
      g_assert_true (thread->is_current ());
      std::lock_guard<std::mutex> guard (lock);
      order.push_back (i);
    });
  }
  bool nested_inline = false;
  thread->invoke_sync ([&] {
    /* Inline on the network thread: would deadlock otherwise. */
    thread->invoke_sync ([&] { nested_inline = true; });
  });
  g_assert_true (nested_inline);
  std::lock_guard<std::mutex> guard (lock);
  g_assert_cmpuint (order.size (), ==, 100);
  for (int i = 0; i < 100; i++)
    g_assert_cmpint (order[i], ==, i);
}

void
test_an_alarm_keeps_the_thread_alive_after_its_owner_is_gone ()
{
  std::atomic<int> runs {0};
  std::unique_ptr<Alarm> alarm;
  {
    auto thread = NetworkThread::acquire ();
    alarm = std::make_unique<Alarm> (*thread, [&runs] { runs++; });
  }
  /* The alarm holds the last reference: arming and destroying stay valid. */
  alarm->fire_now ();
  g_assert_true (wait_until ([&runs] { return runs.load () == 1; }));
  alarm->fire_at (g_get_monotonic_time () + 10 * G_USEC_PER_SEC);
  alarm.reset ();  /* stops the thread, from this thread */
}

}  // namespace

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, nullptr);
  g_test_add_func ("/alarm/fire-in-deadline-order-and-never-early",
      test_alarms_fire_in_deadline_order_and_never_early);
  g_test_add_func ("/alarm/fire-now-from-other-threads-is-coalesced",
      test_fire_now_from_other_threads_is_coalesced);
  g_test_add_func ("/alarm/cancel-keeps-an-armed-alarm-from-firing",
      test_cancel_keeps_an_armed_alarm_from_firing);
  g_test_add_func ("/alarm/an-earlier-deadline-wins", test_an_earlier_deadline_wins);
  g_test_add_func ("/alarm/a-callback-may-rearm-itself-without-starving-others",
      test_a_callback_may_rearm_itself_without_starving_others);
  g_test_add_func ("/alarm/destroying-inside-another-callback-stops-it",
      test_destroying_an_alarm_inside_another_callback_stops_it);
  g_test_add_func ("/alarm/destroying-from-another-thread-waits-for-the-callback",
      test_destroying_from_another_thread_waits_for_a_running_callback);
  g_test_add_func ("/alarm/many-alarms-from-many-threads-fire-exactly-once",
      test_many_alarms_from_many_threads_fire_exactly_once);
  g_test_add_func ("/network-thread/invoke-runs-in-call-order-and-invoke-sync-waits",
      test_invoke_runs_in_call_order_and_invoke_sync_waits);
  g_test_add_func ("/alarm/keeps-the-thread-alive-after-its-owner-is-gone",
      test_an_alarm_keeps_the_thread_alive_after_its_owner_is_gone);
  return g_test_run ();
}
