// Whole consultations: the closed loop, the paced (open-loop) runs and the no-load sequence.
#include "caller_bot.hpp"
#include "phases.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <memory>

namespace loadgen {

namespace {

// With more lawyer capacity than callers nobody queues: five seconds without a frame is a stuck
// consultation, and a closed-loop caller must not sit out the whole window on one.
constexpr clock::duration stall_without_queue = std::chrono::seconds(5);

struct closed_loop_state {
  clock::time_point window_begin;
  clock::time_point stop_at;
  int running = 0;
  int completed_in_window = 0;
  std::vector<double> offer_ms;
  std::vector<double> warmup_offer_ms;
};

// The state is shared: a caller still stuck when the phase gives up on it must not outlive it.
asio::awaitable<void> closed_loop_caller(load_context& ctx, std::shared_ptr<closed_loop_state> state) {
  while (clock::now() < state->stop_at) {
    auto* latencies = clock::now() >= state->window_begin ? &state->offer_ms : &state->warmup_offer_ms;
    const auto done = co_await consult(ctx, latencies, stall_without_queue);
    if (done.ok && done.finished >= state->window_begin && done.finished <= state->stop_at)
      ++state->completed_in_window;
    // A broken gateway answers at once: do not turn that into a busy loop.
    if (!done.ok) co_await sleep_for(std::chrono::milliseconds(50));
  }
  --state->running;
}

struct paced_state {
  int in_flight = 0;
  int completed = 0;
  std::vector<double> offer_ms;
};

asio::awaitable<void> paced_caller(load_context& ctx, std::shared_ptr<paced_state> state) {
  // Paced beyond capacity, callers queue: only the consultation's own deadline applies.
  const auto done = co_await consult(ctx, &state->offer_ms, ctx.consultation_timeout);
  if (done.ok) ++state->completed;
  --state->in_flight;
}

}  // namespace

asio::awaitable<closed_loop_result> run_closed_loop(load_context& ctx, redis_instance& redis,
                                                    const gateway_instance& gateway, const options& o) {
  auto state = std::make_shared<closed_loop_state>();
  state->window_begin = clock::now() + seconds_of(o.warmup_seconds);
  state->stop_at = state->window_begin + seconds_of(o.seconds);
  for (int i = 0; i < o.callers; ++i) {
    ++state->running;
    asio::co_spawn(ctx.executor, closed_loop_caller(ctx, state), asio::detached);
  }
  co_await sleep_until(state->window_begin);
  const auto before = co_await take_sample(redis, gateway, ctx.counts);
  co_await sleep_until(state->stop_at);
  const auto after = co_await take_sample(redis, gateway, ctx.counts);
  const int completed = state->completed_in_window;
  co_await wait_until([&] { return state->running == 0; }, ctx.consultation_timeout + std::chrono::seconds(5));
  closed_loop_result out;
  out.completed = completed;
  out.seconds = std::chrono::duration<double>(after.at - before.at).count();
  out.per_second = completed / out.seconds;
  out.cost = cost_per_unit(before, after, completed);
  out.offer_ms = state->offer_ms;
  co_return out;
}

asio::awaitable<paced_result> run_paced(load_context& ctx, int rate, double seconds, clock::duration cap) {
  auto state = std::make_shared<paced_state>();
  paced_result out;
  out.rate = rate;
  const auto first = clock::now();
  const auto period = seconds_of(1.0 / rate);
  const auto end = first + seconds_of(seconds);
  // Arrivals follow the timetable, not the completions: a late tick starts at once.
  for (auto at = first; at < end; at += period) {
    co_await sleep_until(at);
    ++state->in_flight;
    ++out.arrivals;
    asio::co_spawn(ctx.executor, paced_caller(ctx, state), asio::detached);
  }
  co_await wait_until([&] { return state->in_flight == 0; }, cap);
  out.completed = state->completed;
  out.offer_ms = state->offer_ms;
  co_return out;
}

asio::awaitable<no_load_result> run_no_load(load_context& ctx, int count) {
  no_load_result out;
  for (int i = 0; i < count; ++i) {
    const auto done = co_await consult(ctx, &out.offer_ms, stall_without_queue);
    if (!done.ok) continue;
    ++out.completed;
    out.consultation_ms.push_back(done.total_ms);
    out.chat_round_trip_ms.insert(out.chat_round_trip_ms.end(), done.chat_round_trip_ms.begin(),
                                  done.chat_round_trip_ms.end());
  }
  co_return out;
}

}  // namespace loadgen
